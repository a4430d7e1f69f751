/* test_model.c -- the golden model (model/tf_model.c): GEMM, requantization,
 * the cycle models and the result beat order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_model.h"

__extension__ typedef __int128 i128;

/* Deterministic generator (xorshift64*), so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}
static int64_t rng_range(int64_t lo, int64_t hi) /* inclusive */
{
    return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

/* The architecture of the default config (8x8 OS, int8, requant), as the
 * generated params header would give it. */
static struct tfm_arch arch(int dataflow, int rows, int cols, int requant)
{
    struct tfm_arch a = {0};
    a.rows = rows;
    a.cols = cols;
    a.dataflow = dataflow;
    a.op_bits = 8;
    a.acc_bits = tfm_acc_bits(8, 64);
    a.max_m = a.max_k = a.max_n = 64;
    a.requant = requant;
    a.rq_bits = requant ? 8 : 0;
    a.lat_read = 1;
    a.lat_feed = dataflow == TFM_WS ? 1 : 0;
    a.lat_beat = 1;
    a.lat_rq = requant ? 2 : 0;
    a.min_period = dataflow == TFM_WS ? 2 : 1;
    return a;
}

/* ---- operand ranges and accumulator width -------------------------------- */

static void test_op_range(void **state)
{
    (void)state;
    assert_int_equal(tfm_op_min(4), -8);
    assert_int_equal(tfm_op_max(4), 7);
    assert_int_equal(tfm_op_min(8), -128);
    assert_int_equal(tfm_op_max(8), 127);
    assert_int_equal(tfm_op_min(16), -32768);
    assert_int_equal(tfm_op_max(16), 32767);
}

static void test_acc_bits(void **state)
{
    (void)state;
    assert_int_equal(tfm_acc_bits(8, 1), 16);
    assert_int_equal(tfm_acc_bits(8, 2), 17);
    assert_int_equal(tfm_acc_bits(8, 3), 17);
    assert_int_equal(tfm_acc_bits(8, 4), 18);
    assert_int_equal(tfm_acc_bits(8, 64), 22);
    assert_int_equal(tfm_acc_bits(16, 4096), 44);
    assert_int_equal(tfm_acc_bits(4, 1), 8);
    /* The width really holds the worst case K * (-2^(W-1))^2, and one bit
     * less does not. */
    for (int w = 4; w <= 16; w++) {
        for (int k = 1; k <= 4096; k = k < 16 ? k + 1 : k * 2 + 1) {
            int b = tfm_acc_bits(w, k);
            i128 worst = (i128)k << (2 * w - 2);
            assert_true(worst <= ((i128)1 << (b - 1)) - 1);
            assert_true(worst > ((i128)1 << (b - 2)) - 1);
        }
    }
}

/* ---- GEMM ------------------------------------------------------------------ */

static void test_gemm_small(void **state)
{
    (void)state;
    /* [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154] */
    const int32_t a[] = {1, 2, 3, 4, 5, 6};
    const int32_t b[] = {7, 8, 9, 10, 11, 12};
    int64_t c[4] = {-1, -1, -1, -1};
    tfm_gemm(2, 3, 2, a, b, c);
    assert_int_equal(c[0], 58);
    assert_int_equal(c[1], 64);
    assert_int_equal(c[2], 139);
    assert_int_equal(c[3], 154);

    /* Non-square, signs: [-1 2] (1x2) * [3 -4 5; -6 7 -8] (2x3) = [-15 18 -21] */
    const int32_t a2[] = {-1, 2};
    const int32_t b2[] = {3, -4, 5, -6, 7, -8};
    int64_t c2[3];
    tfm_gemm(1, 2, 3, a2, b2, c2);
    assert_int_equal(c2[0], -15);
    assert_int_equal(c2[1], 18);
    assert_int_equal(c2[2], -21);

    /* 3x1 * 1x2: an outer product */
    const int32_t a3[] = {2, -3, 0};
    const int32_t b3[] = {5, -7};
    int64_t c3[6];
    tfm_gemm(3, 1, 2, a3, b3, c3);
    const int64_t e3[] = {10, -14, -15, 21, 0, 0};
    for (int i = 0; i < 6; i++)
        assert_int_equal(c3[i], e3[i]);
}

static void test_gemm_extremes(void **state)
{
    (void)state;
    enum { K = 64 };
    int32_t a[2 * K], b[K * 2];
    int64_t c[4];
    /* row 0 of A all -128, row 1 all 127; column 0 of B all -128, column 1 all 127 */
    for (int q = 0; q < K; q++) {
        a[q] = -128;
        a[K + q] = 127;
        b[q * 2 + 0] = -128;
        b[q * 2 + 1] = 127;
    }
    tfm_gemm(2, K, 2, a, b, c);
    assert_int_equal(c[0], 64 * 16384);   /* -128 * -128 * 64 = 1048576 = 2^20 */
    assert_int_equal(c[1], 64 * -16256);  /* -128 * 127 */
    assert_int_equal(c[2], 64 * -16256);
    assert_int_equal(c[3], 64 * 16129);   /* 127 * 127 */
    /* 2^20 still fits the 22-bit accumulator of K = 64: max 2^21 - 1 */
    assert_true(c[0] <= (1 << 21) - 1);

    /* int16 and K = 4096: 4096 * 2^30 = 2^42, which needs the 44-bit accumulator */
    enum { K2 = 4096 };
    int32_t *a2 = malloc(sizeof *a2 * K2), *b2 = malloc(sizeof *b2 * K2);
    assert_non_null(a2);
    assert_non_null(b2);
    for (int q = 0; q < K2; q++)
        a2[q] = b2[q] = -32768;
    int64_t c2;
    tfm_gemm(1, K2, 1, a2, b2, &c2);
    assert_int_equal(c2, (int64_t)1 << 42);
    assert_true(c2 <= ((int64_t)1 << 43) - 1);
    assert_true(c2 > ((int64_t)1 << 42) - 1);
    free(a2);
    free(b2);
}

static void test_gemm_random(void **state)
{
    (void)state;
    /* against an independent k-outer loop */
    for (int iter = 0; iter < 200; iter++) {
        int m = (int)rng_range(1, 9), k = (int)rng_range(1, 17), n = (int)rng_range(1, 9);
        int32_t a[9 * 17], b[17 * 9];
        int64_t c[81], ref[81] = {0};
        for (int i = 0; i < m * k; i++)
            a[i] = (int32_t)rng_range(-128, 127);
        for (int i = 0; i < k * n; i++)
            b[i] = (int32_t)rng_range(-128, 127);
        for (int q = 0; q < k; q++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    ref[i * n + j] += (int64_t)a[i * k + q] * b[q * n + j];
        tfm_gemm(m, k, n, a, b, c);
        for (int i = 0; i < m * n; i++)
            assert_int_equal(c[i], ref[i]);
    }
}

/* ---- requantization --------------------------------------------------------- */

/* An independent reference, written with division and explicit rounding rules
 * instead of shifts and masks:
 *   x = round-half-up(acc * mult / 2^31)
 *   y = round-half-away-from-zero(x / 2^shift)
 *   clamp y to the signed out_bits range. */
static int64_t ref_requant(int64_t acc, uint32_t mult, int shift, int out_bits)
{
    const i128 d1 = (i128)1 << 31;
    i128 p = (i128)acc * (i128)mult;
    i128 q = p / d1, r = p % d1; /* truncates toward zero; r has p's sign */
    if (r < 0) {                 /* make it floor: p = q * d1 + r, 0 <= r < d1 */
        q -= 1;
        r += d1;
    }
    if (2 * r >= d1) /* fraction >= 1/2 rounds up (ties up, toward +inf) */
        q += 1;
    i128 d2 = (i128)1 << shift;
    i128 mag = q < 0 ? -q : q;
    i128 y = mag / d2, rem = mag % d2;
    if (2 * rem >= d2 && rem != 0) /* ties away from zero */
        y += 1;
    if (q < 0)
        y = -y;
    i128 hi = ((i128)1 << (out_bits - 1)) - 1, lo = -((i128)1 << (out_bits - 1));
    if (y > hi)
        y = hi;
    if (y < lo)
        y = lo;
    return (int64_t)y;
}

#define ONE_HALF (UINT32_C(1) << 30)    /* 0.5 in Q0.31 */
#define MULT_MAX (UINT32_C(0x7fffffff)) /* 1 - 2^-31 */

static void test_requant_hand(void **state)
{
    (void)state;
    /* x = floor((acc*mult + 2^30) / 2^31), no shift, 8-bit output */
    assert_int_equal(tfm_requant(100, ONE_HALF, 0, 8), 50);  /* 50 exactly */
    assert_int_equal(tfm_requant(101, ONE_HALF, 0, 8), 51);  /* 50.5 -> 51 (tie up) */
    assert_int_equal(tfm_requant(-101, ONE_HALF, 0, 8), -50); /* -50.5 -> -50 (tie up) */
    assert_int_equal(tfm_requant(1, ONE_HALF, 0, 8), 1);     /* 0.5 -> 1 */
    assert_int_equal(tfm_requant(-1, ONE_HALF, 0, 8), 0);    /* -0.5 -> 0 */
    assert_int_equal(tfm_requant(3, ONE_HALF, 0, 8), 2);     /* 1.5 -> 2 */
    assert_int_equal(tfm_requant(-3, ONE_HALF, 0, 8), -1);   /* -1.5 -> -1 */
    assert_int_equal(tfm_requant(-4, ONE_HALF, 0, 8), -2);   /* exact */
    /* mult = 2^29 (0.25): 7 * 0.25 = 1.75 -> 2; -7 * 0.25 = -1.75 -> -2; 6 * .25 = 1.5 -> 2 */
    assert_int_equal(tfm_requant(7, UINT32_C(1) << 29, 0, 8), 2);
    assert_int_equal(tfm_requant(-7, UINT32_C(1) << 29, 0, 8), -2);
    assert_int_equal(tfm_requant(6, UINT32_C(1) << 29, 0, 8), 2);
    assert_int_equal(tfm_requant(-6, UINT32_C(1) << 29, 0, 8), -1);
    assert_int_equal(tfm_requant(5, UINT32_C(1) << 29, 0, 8), 1); /* 1.25 -> 1 */

    /* mult = 2^31-1 is the identity for |acc| <= 2^30:
     * (acc*2^31 - acc + 2^30) / 2^31 = acc + (2^30 - acc)/2^31, floor = acc */
    assert_int_equal(tfm_requant(0, MULT_MAX, 0, 8), 0);
    assert_int_equal(tfm_requant(77, MULT_MAX, 0, 8), 77);
    assert_int_equal(tfm_requant(-77, MULT_MAX, 0, 8), -77);
    assert_int_equal(tfm_requant(127, MULT_MAX, 0, 8), 127);
    assert_int_equal(tfm_requant(-128, MULT_MAX, 0, 8), -128);

    /* rounding right shift, half away from zero */
    assert_int_equal(tfm_requant(5, MULT_MAX, 1, 8), 3);    /* 2.5 -> 3 */
    assert_int_equal(tfm_requant(-5, MULT_MAX, 1, 8), -3);  /* -2.5 -> -3 */
    assert_int_equal(tfm_requant(4, MULT_MAX, 1, 8), 2);
    assert_int_equal(tfm_requant(-4, MULT_MAX, 1, 8), -2);
    assert_int_equal(tfm_requant(6, MULT_MAX, 2, 8), 2);    /* 1.5 -> 2 */
    assert_int_equal(tfm_requant(-6, MULT_MAX, 2, 8), -2);  /* -1.5 -> -2 */
    assert_int_equal(tfm_requant(5, MULT_MAX, 2, 8), 1);    /* 1.25 -> 1 */
    assert_int_equal(tfm_requant(-5, MULT_MAX, 2, 8), -1);  /* -1.25 -> -1 */
    assert_int_equal(tfm_requant(7, MULT_MAX, 2, 8), 2);    /* 1.75 -> 2 */
    assert_int_equal(tfm_requant(-7, MULT_MAX, 2, 8), -2);  /* -1.75 -> -2 */
    assert_int_equal(tfm_requant(1, MULT_MAX, 1, 8), 1);    /* 0.5 -> 1 */
    assert_int_equal(tfm_requant(-1, MULT_MAX, 1, 8), -1);  /* -0.5 -> -1 */
    assert_int_equal(tfm_requant(1, MULT_MAX, 2, 8), 0);    /* 0.25 -> 0 */
    assert_int_equal(tfm_requant(-1, MULT_MAX, 2, 8), 0);   /* -0.25 -> 0 */
    assert_int_equal(tfm_requant(3000, MULT_MAX, 4, 8), 127); /* 187.5 saturates */
    assert_int_equal(tfm_requant(1000, MULT_MAX, 4, 16), 63); /* 62.5 -> 63 */
    assert_int_equal(tfm_requant(-1000, MULT_MAX, 4, 16), -63);
    assert_int_equal(tfm_requant(1 << 30, MULT_MAX, 31, 8), 1); /* 2^30/2^31 = 0.5 -> 1 */
    /* -2^30 is just outside the identity: x = -2^30 + 1, / 2^31 = -0.4999... -> 0 */
    assert_int_equal(tfm_requant(-(1 << 30), MULT_MAX, 31, 8), 0);
    assert_int_equal(tfm_requant(-(1 << 30), MULT_MAX, 0, 32), -(1 << 30) + 1);

    /* both roundings: -3 * 0.5 = -1.5 -> -1 (tie up), then /2 = -0.5 -> -1 */
    assert_int_equal(tfm_requant(-3, ONE_HALF, 1, 8), -1);
    /* -7 * 0.5 = -3.5 -> -3, /2 = -1.5 -> -2 */
    assert_int_equal(tfm_requant(-7, ONE_HALF, 1, 8), -2);
    /* 7 * 0.5 = 3.5 -> 4, /2 = 2 */
    assert_int_equal(tfm_requant(7, ONE_HALF, 1, 8), 2);

    /* mult = 0: always 0 (2^30 / 2^31 floors to 0) */
    assert_int_equal(tfm_requant(0, 0, 0, 8), 0);
    assert_int_equal(tfm_requant(123456789, 0, 0, 8), 0);
    assert_int_equal(tfm_requant(-123456789, 0, 5, 8), 0);
    assert_int_equal(tfm_requant(((int64_t)1 << 43) - 1, 0, 0, 16), 0);

    /* saturation both ways, several widths */
    assert_int_equal(tfm_requant(1000, MULT_MAX, 0, 8), 127);
    assert_int_equal(tfm_requant(-1000, MULT_MAX, 0, 8), -128);
    assert_int_equal(tfm_requant(128, MULT_MAX, 0, 8), 127);
    assert_int_equal(tfm_requant(-129, MULT_MAX, 0, 8), -128);
    assert_int_equal(tfm_requant(2, MULT_MAX, 0, 2), 1);
    assert_int_equal(tfm_requant(-3, MULT_MAX, 0, 2), -2);
    assert_int_equal(tfm_requant(-2, MULT_MAX, 0, 2), -2);
    assert_int_equal(tfm_requant(40000, MULT_MAX, 0, 16), 32767);
    assert_int_equal(tfm_requant(-40000, MULT_MAX, 0, 16), -32768);

    /* 44-bit accumulators (int16, K = 4096):
     * acc = 2^43-1, mult = 2^31-1: acc*mult + 2^30 = 2^74 - 2^43 - 2^30 + 1,
     * / 2^31 = 2^43 - 2^12 - 1/2 + 2^-31 -> x = 2^43 - 2^12 - 1 = 8796093018111;
     * / 2^20 = 2^23 - 2^-8 - 2^-20 -> 2^23 = 8388608. */
    const int64_t amax = ((int64_t)1 << 43) - 1, amin = -((int64_t)1 << 43);
    assert_int_equal(tfm_requant(amax, MULT_MAX, 20, 16), 32767);
    assert_int_equal(tfm_requant(amax, MULT_MAX, 31, 16), 4096); /* x/2^31 = 4095.998 -> 4096 */
    assert_int_equal(tfm_requant(amax, MULT_MAX, 0, 8), 127);
    /* acc = -2^43: acc*mult + 2^30 = -2^74 + 2^43 + 2^30, / 2^31 = -2^43 + 2^12 + 1/2
     * -> x = -2^43 + 2^12; / 2^31 = -4096 + 2^-19 -> -4096 */
    assert_int_equal(tfm_requant(amin, MULT_MAX, 31, 16), -4096);
    assert_int_equal(tfm_requant(amin, MULT_MAX, 20, 16), -32768);
    assert_int_equal(tfm_requant(amin, MULT_MAX, 0, 8), -128);
    /* 2^42 * 2^-1 = 2^41, / 2^31 = 1024 */
    assert_int_equal(tfm_requant((int64_t)1 << 42, ONE_HALF, 31, 16), 1024);
    assert_int_equal(tfm_requant(-((int64_t)1 << 42), ONE_HALF, 31, 16), -1024);

    /* the reference agrees with every hand value above on a few spot checks */
    assert_int_equal(ref_requant(-101, ONE_HALF, 0, 8), -50);
    assert_int_equal(ref_requant(-5, MULT_MAX, 1, 8), -3);
    assert_int_equal(ref_requant(amax, MULT_MAX, 31, 16), 4096);
    assert_int_equal(ref_requant(amin, MULT_MAX, 31, 16), -4096);
}

static void check_rq(int64_t acc, uint32_t mult, int shift, int out_bits)
{
    int64_t got = tfm_requant(acc, mult, shift, out_bits);
    int64_t want = ref_requant(acc, mult, shift, out_bits);
    if (got != want)
        fail_msg("tfm_requant(%lld, %u, %d, %d) = %lld, reference %lld", (long long)acc,
                 (unsigned)mult, shift, out_bits, (long long)got, (long long)want);
}

static void test_requant_random(void **state)
{
    (void)state;
    static const uint32_t edge_mult[] = {0, 1, 2, ONE_HALF - 1, ONE_HALF, ONE_HALF + 1,
                                         UINT32_C(1) << 29, MULT_MAX - 1, MULT_MAX};
    long n = 0;
    for (int i = 0; i < 400000; i++) {
        int abits = 1 + (int)(rng() % 44); /* accumulators of 1..44 bits */
        int64_t lim = (int64_t)1 << (abits - 1);
        int64_t acc = rng_range(-lim, lim - 1);
        uint32_t mult;
        switch (rng() % 4) {
        case 0: mult = edge_mult[rng() % (sizeof edge_mult / sizeof edge_mult[0])]; break;
        case 1: mult = (uint32_t)(rng() & 0xffff); break;
        default: mult = (uint32_t)(rng() & MULT_MAX); break;
        }
        int shift = (int)(rng() % 32);
        int out_bits = 2 + (int)(rng() % 15);
        if (rng() % 8 == 0)
            out_bits = 32; /* wide output: no saturation, the rounding alone */
        check_rq(acc, mult, shift, out_bits);
        n++;
    }
    /* Ties: acc*mult exactly at k + 1/2 (mult = 2^30, odd acc), and x exactly at
     * k + 1/2 after the shift (mult = 2^31-1 is the identity for small acc). */
    for (int i = 0; i < 100000; i++) {
        int64_t odd = rng_range(-((int64_t)1 << 42), ((int64_t)1 << 42)) | 1;
        check_rq(odd, ONE_HALF, (int)(rng() % 32), 32);
        int shift = 1 + (int)(rng() % 29);
        int64_t k = rng_range(-((1 << 29) >> shift), (1 << 29) >> shift);
        int64_t tie = k * ((int64_t)1 << shift) + ((int64_t)1 << (shift - 1));
        check_rq(tie, MULT_MAX, shift, 32);
        check_rq(-tie, MULT_MAX, shift, 32);
        n += 3;
    }
    assert_true(n >= 700000);
}

/* ---- cycle models ------------------------------------------------------------ */

static void test_cycles_scalesim_ideal(void **state)
{
    (void)state;
    /* BRIEF: 64x64x64 on 8x8 -> OS 8*8*(64+8+8-2) = 4992, WS 8*8*(2*8+8+64-2) = 5504 */
    assert_int_equal(tfm_cycles_scalesim(TFM_OS, 8, 8, 64, 64, 64), 4992);
    assert_int_equal(tfm_cycles_scalesim(TFM_WS, 8, 8, 64, 64, 64), 5504);
    assert_int_equal(tfm_cycles_ideal(8, 8, 64, 64, 64), 4096);
    /* non-multiples: OS ceil(10/4)*ceil(7/3)*(5+4+3-2) = 9*10; WS ceil(5/4)*ceil(7/3)*(8+3+10-2) = 6*19 */
    assert_int_equal(tfm_cycles_scalesim(TFM_OS, 4, 3, 10, 5, 7), 90);
    assert_int_equal(tfm_cycles_scalesim(TFM_WS, 4, 3, 10, 5, 7), 114);
    assert_int_equal(tfm_cycles_ideal(4, 3, 10, 5, 7), 30); /* ceil(350/12) */
    assert_int_equal(tfm_cycles_ideal(4, 3, 1, 1, 1), 1);
}

static void test_cycles_os(void **state)
{
    (void)state;
    struct tfm_arch a = arch(TFM_OS, 4, 3, 1); /* lat_read 1, lat_beat 1, lat_rq 2 */
    /* M=10 K=5 N=7: T = ceil(10/4)*ceil(7/3) = 3*3 = 9, P = max(5,4,3) = 5,
     * Rlast = 10 - 2*4 = 2: 8*5 + 5 + 3 + 2 + 1 + 1 + 2 - 1 = 53 */
    assert_int_equal(tfm_tiles(&a, 10, 5, 7), 9);
    assert_int_equal(tfm_period(&a, 10, 5, 7), 5);
    assert_int_equal(tfm_cycles(&a, 10, 5, 7), 53);
    /* M=4 K=2 N=3: one tile, P = max(2,4,3) = 4, Rlast = 4: 0 + 2 + 3 + 4 + 3 = 12 */
    assert_int_equal(tfm_tiles(&a, 4, 2, 3), 1);
    assert_int_equal(tfm_period(&a, 4, 2, 3), 4);
    assert_int_equal(tfm_cycles(&a, 4, 2, 3), 12);
    /* M=1 K=1 N=1: 0 + 1 + 3 + 1 + 3 = 8 */
    assert_int_equal(tfm_cycles(&a, 1, 1, 1), 8);
    /* M=8 K=2 N=4: T = 2*2 = 4, P = max(2,4,3) = 4, Rlast = 4: 12 + 2 + 3 + 4 + 3 = 24 */
    assert_int_equal(tfm_cycles(&a, 8, 2, 4), 24);
    /* without requant the stage disappears: 53 - 2 */
    struct tfm_arch b = arch(TFM_OS, 4, 3, 0);
    assert_int_equal(tfm_cycles(&b, 10, 5, 7), 51);
    /* 8x8, 64^3: T = 64, P = 64, Rlast = 8: 63*64 + 64 + 8 + 8 + 3 = 4115 */
    struct tfm_arch d = arch(TFM_OS, 8, 8, 1);
    assert_int_equal(tfm_cycles(&d, 64, 64, 64), 4115);
}

static void test_cycles_ws(void **state)
{
    (void)state;
    struct tfm_arch a = arch(TFM_WS, 4, 3, 0); /* read 1, feed 1, beat 1, rq 0, min period 2 */
    /* M=10 K=5 N=7: T = ceil(7/3)*ceil(5/4) = 3*2 = 6, P = max(10,4,2) = 10:
     * 5*10 + 10 + 4 + 3 + 1 + 1 + 1 + 0 - 1 = 69 */
    assert_int_equal(tfm_tiles(&a, 10, 5, 7), 6);
    assert_int_equal(tfm_period(&a, 10, 5, 7), 10);
    assert_int_equal(tfm_cycles(&a, 10, 5, 7), 69);
    /* M=1 K=4 N=3: T = 1, P = max(1,4,2) = 4: 0 + 1 + 4 + 3 + 2 = 10 */
    assert_int_equal(tfm_tiles(&a, 1, 4, 3), 1);
    assert_int_equal(tfm_period(&a, 1, 4, 3), 4);
    assert_int_equal(tfm_cycles(&a, 1, 4, 3), 10);
    /* with requant: + 2 */
    struct tfm_arch b = arch(TFM_WS, 4, 3, 1);
    assert_int_equal(tfm_cycles(&b, 10, 5, 7), 71);
    /* 1x1, M=1 K=3 N=2: T = 2*3 = 6, P = max(1,1,2) = 2 (the minimum period):
     * 5*2 + 1 + 1 + 1 + 1 + 1 + 1 - 1 = 15 */
    struct tfm_arch c = arch(TFM_WS, 1, 1, 0);
    assert_int_equal(tfm_period(&c, 1, 3, 2), 2);
    assert_int_equal(tfm_tiles(&c, 1, 3, 2), 6);
    assert_int_equal(tfm_cycles(&c, 1, 3, 2), 15);
    /* 8x8, 64^3 with requant: T = 64, P = 64: 63*64 + 64 + 8 + 8 + 1+1+1+2-1 = 4116 */
    struct tfm_arch d = arch(TFM_WS, 8, 8, 1);
    assert_int_equal(tfm_cycles(&d, 64, 64, 64), 4116);
}

static void test_utilization(void **state)
{
    (void)state;
    for (int df = 0; df < 2; df++) {
        for (int rq = 0; rq < 2; rq++) {
            struct tfm_arch a = arch(df, 8, 8, rq);
            long long cyc = tfm_cycles(&a, 64, 64, 64);
            double util = (64.0 * 64 * 64) / (8.0 * 8 * (double)cyc);
            if (util < 0.95)
                fail_msg("%s rq=%d: 64^3 on 8x8 takes %lld cycles, utilization %.4f < 0.95",
                         df ? "WS" : "OS", rq, cyc, util);
            /* and beats SCALE-Sim's fold model */
            assert_true(cyc < tfm_cycles_scalesim(df, 8, 8, 64, 64, 64));
        }
    }
    /* never below the lower bound, never above 100% */
    for (int i = 0; i < 3000; i++) {
        int r = (int)rng_range(1, 16), c = (int)rng_range(1, 16);
        int m = (int)rng_range(1, 100), k = (int)rng_range(1, 100), n = (int)rng_range(1, 100);
        for (int df = 0; df < 2; df++) {
            struct tfm_arch a = arch(df, r, c, (int)(rng() & 1));
            assert_true(tfm_cycles(&a, m, k, n) >= tfm_cycles_ideal(r, c, m, k, n));
        }
    }
}

/* ---- beat order ------------------------------------------------------------------ */

static void check_beats(int df, int R, int C, int m, int n)
{
    struct tfm_arch a = arch(df, R, C, 1);
    int ntiles = (n + C - 1) / C, mtiles = (m + R - 1) / R;
    int count = tfm_beat_count(&a, m, n);
    assert_int_equal(count, m * ntiles);
    /* the documented order, built independently */
    int *er = malloc(sizeof *er * (size_t)count), *ec = malloc(sizeof *ec * (size_t)count);
    char *seen = calloc((size_t)m * (size_t)ntiles, 1);
    assert_non_null(er);
    assert_non_null(ec);
    assert_non_null(seen);
    int e = 0;
    if (df == TFM_OS) {
        for (int mt = 0; mt < mtiles; mt++)
            for (int nt = 0; nt < ntiles; nt++)
                for (int r = mt * R; r < m && r < (mt + 1) * R; r++) {
                    er[e] = r;
                    ec[e++] = nt * C;
                }
    } else {
        for (int nt = 0; nt < ntiles; nt++)
            for (int r = 0; r < m; r++) {
                er[e] = r;
                ec[e++] = nt * C;
            }
    }
    assert_int_equal(e, count);
    for (int i = 0; i < count; i++) {
        int row = -1, col = -1;
        tfm_beat_at(&a, m, n, i, &row, &col);
        if (row < 0 || row >= m || col < 0 || col >= n || col % C)
            fail_msg("%s %dx%d m=%d n=%d beat %d: (%d,%d) out of range", df ? "WS" : "OS", R, C,
                     m, n, i, row, col);
        char *s = &seen[row * ntiles + col / C];
        if (*s)
            fail_msg("%s %dx%d m=%d n=%d beat %d: (%d,%d) twice", df ? "WS" : "OS", R, C, m, n,
                     i, row, col);
        *s = 1;
        if (row != er[i] || col != ec[i])
            fail_msg("%s %dx%d m=%d n=%d beat %d: (%d,%d), expected (%d,%d)", df ? "WS" : "OS",
                     R, C, m, n, i, row, col, er[i], ec[i]);
    }
    for (int i = 0; i < m * ntiles; i++)
        assert_int_equal(seen[i], 1);
    free(er);
    free(ec);
    free(seen);
}

static void test_beats(void **state)
{
    (void)state;
    /* hand-written: OS 2x3 array, m = 3, n = 4: row tiles {0,1},{2}; column tiles 0, 3 */
    struct tfm_arch os = arch(TFM_OS, 2, 3, 1);
    const int os_r[] = {0, 1, 0, 1, 2, 2}, os_c[] = {0, 0, 3, 3, 0, 3};
    assert_int_equal(tfm_beat_count(&os, 3, 4), 6);
    for (int i = 0; i < 6; i++) {
        int r, c;
        tfm_beat_at(&os, 3, 4, i, &r, &c);
        assert_int_equal(r, os_r[i]);
        assert_int_equal(c, os_c[i]);
    }
    struct tfm_arch ws = arch(TFM_WS, 2, 3, 1);
    const int ws_r[] = {0, 1, 2, 0, 1, 2}, ws_c[] = {0, 0, 0, 3, 3, 3};
    assert_int_equal(tfm_beat_count(&ws, 3, 4), 6);
    for (int i = 0; i < 6; i++) {
        int r, c;
        tfm_beat_at(&ws, 3, 4, i, &r, &c);
        assert_int_equal(r, ws_r[i]);
        assert_int_equal(c, ws_c[i]);
    }
    /* every shape up to a few tiles each way */
    for (int df = 0; df < 2; df++)
        for (int R = 1; R <= 5; R++)
            for (int C = 1; C <= 5; C++)
                for (int m = 1; m <= 3 * R + 1; m++)
                    for (int n = 1; n <= 3 * C + 1; n++)
                        check_beats(df, R, C, m, n);
    check_beats(TFM_OS, 8, 8, 64, 64);
    check_beats(TFM_WS, 8, 8, 64, 64);
    check_beats(TFM_OS, 7, 3, 100, 11);
    check_beats(TFM_WS, 16, 12, 50, 37);
}

/* The register file model: a matrix written by rows reads back transposed by
 * columns, masks and out-of-range indices behave as specified, words are W bits. */
static void test_trf_model(void **state)
{
    (void)state;
    struct tfm_trf t;
    assert_int_equal(tfm_trf_init(&t, 3, 5, 12), 0);
    assert_int_equal(tfm_trf_words(&t), 5);
    uint64_t row[5], out[5];
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 5; c++)
            row[c] = (uint64_t)(0x1000 + 16 * r + c); /* bit 12 must be dropped */
        tfm_trf_write(&t, 0, r, row, NULL);
    }
    for (int c = 0; c < 5; c++) {
        tfm_trf_read(&t, 1, c, out);
        for (int r = 0; r < 3; r++)
            assert_int_equal(out[r], (uint64_t)(16 * r + c));
        assert_int_equal(out[3], 0); /* a column has 3 words; the rest read 0 */
        assert_int_equal(out[4], 0);
    }
    /* column write with a mask: only rows 0 and 2 of column 4 change */
    uint64_t col[5] = {0xaaa, 0xbbb, 0xccc, 0xddd, 0xeee};
    uint8_t mask[5] = {1, 0, 1, 1, 1};
    tfm_trf_write(&t, 1, 4, col, mask);
    tfm_trf_read(&t, 0, 1, out);
    assert_int_equal(out[4], 16 + 4);
    tfm_trf_read(&t, 0, 2, out);
    assert_int_equal(out[4], 0xccc);
    /* out of range: row 3, column 5 */
    tfm_trf_write(&t, 0, 3, col, NULL);
    tfm_trf_write(&t, 1, 5, col, NULL);
    tfm_trf_read(&t, 0, 3, out);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out[i], 0);
    tfm_trf_read(&t, 0, 0, out);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[4], 0xaaa);
    tfm_trf_free(&t);
}

/* The result store: beats become masked row writes (lanes at or beyond N write 0,
 * columns beyond max_n nothing), operands read back as S or S^T sign-extended, and
 * the source bounds match the engine's command check. */
static void test_store_model(void **state)
{
    (void)state;
    struct tfm_arch a = arch(TFM_OS, 2, 3, 1);
    a.max_m = 5, a.max_n = 7;
    struct tfm_trf s;
    assert_int_equal(tfm_trf_init(&s, a.max_m, a.max_n, a.op_bits), 0);
    for (int i = 0; i < 5 * 7; i++)
        s.cell[i] = 0x55; /* stale contents */
    int64_t c[3 * 4];
    for (int i = 0; i < 12; i++)
        c[i] = (i % 2) ? -(int64_t)i : (int64_t)(10 * i);
    tfm_store_result(&a, &s, 3, 4, c);
    for (int r = 0; r < 5; r++)
        for (int q = 0; q < 7; q++) {
            uint64_t want = 0x55;                        /* untouched */
            if (r < 3 && q < 4)
                want = (uint64_t)c[r * 4 + q] & 0xff;     /* operand bits only */
            else if (r < 3 && q < 6)
                want = 0;                                 /* padding lanes of the last column tile */
            assert_int_equal(s.cell[r * 7 + q], want);
        }
    int32_t op[4 * 3];
    tfm_store_operand(&a, &s, TFM_SRC_ST_T, 4, 3, op); /* S^T: 4 x 3 */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            assert_int_equal(op[i * 3 + j], (int32_t)c[j * 4 + i]);
    tfm_store_operand(&a, &s, TFM_SRC_ST, 3, 4, op);
    assert_int_equal(op[1], -1);
    assert_int_equal(op[2], 20);
    /* sources: A = S needs K <= max_n, A = S^T M <= max_n and K <= max_m, etc. */
    assert_true(tfm_store_sources_ok(&a, 5, 7, 64, 1, 0, 0));
    assert_false(tfm_store_sources_ok(&a, 5, 8, 64, 1, 0, 0));
    assert_true(tfm_store_sources_ok(&a, 7, 5, 1, 2, 0, 0));
    assert_false(tfm_store_sources_ok(&a, 7, 6, 1, 2, 0, 0));
    assert_true(tfm_store_sources_ok(&a, 1, 5, 7, 0, 1, 0));
    assert_false(tfm_store_sources_ok(&a, 1, 6, 7, 0, 1, 0));
    assert_true(tfm_store_sources_ok(&a, 1, 7, 5, 0, 2, 0));
    assert_false(tfm_store_sources_ok(&a, 1, 7, 6, 0, 2, 0));
    assert_false(tfm_store_sources_ok(&a, 1, 1, 1, 1, 0, 1)); /* store while reading it */
    assert_false(tfm_store_sources_ok(&a, 1, 1, 1, 3, 0, 0));
    assert_true(tfm_store_sources_ok(&a, 1, 1, 1, 0, 0, 1));
    /* command cycles: a load is its elements plus the command; a GEMM adds the output buffer */
    assert_int_equal(tfm_load_cycles(64), 65);
    assert_int_equal(tfm_gemm_cmd_cycles(&a, 3, 4, 5, 1), 1 + tfm_cycles(&a, 3, 4, 5));
    assert_int_equal(tfm_gemm_cmd_cycles(&a, 3, 4, 5, 0), 2 + tfm_cycles(&a, 3, 4, 5));
    tfm_trf_free(&s);
}

/* The fitting shift: bit length of the column's largest |acc| minus out_bits - 1. */
static void test_requant_fit_shift(void **state)
{
    (void)state;
    int64_t c[2 * 2] = {1000, 3, -1024, 0}; /* column 0: max |acc| 1024 (11 bits) */
    assert_int_equal(tfm_requant_fit_shift(c, 2, 2, 0, 8), 4);
    assert_int_equal(tfm_requant_fit_shift(c, 2, 2, 1, 8), 0); /* 3: 2 bits, clamped to 0 */
    int64_t big[1] = {INT64_C(1) << 50};
    assert_int_equal(tfm_requant_fit_shift(big, 1, 1, 0, 4), 31); /* 51 - 3 = 48, clamped to 31 */
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* cmocka writes to stdout and stderr: keep the order */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_range),
        cmocka_unit_test(test_acc_bits),
        cmocka_unit_test(test_gemm_small),
        cmocka_unit_test(test_gemm_extremes),
        cmocka_unit_test(test_gemm_random),
        cmocka_unit_test(test_requant_hand),
        cmocka_unit_test(test_requant_random),
        cmocka_unit_test(test_cycles_scalesim_ideal),
        cmocka_unit_test(test_cycles_os),
        cmocka_unit_test(test_cycles_ws),
        cmocka_unit_test(test_utilization),
        cmocka_unit_test(test_beats),
        cmocka_unit_test(test_trf_model),
        cmocka_unit_test(test_store_model),
        cmocka_unit_test(test_requant_fit_shift),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
