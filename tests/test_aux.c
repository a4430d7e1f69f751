/* test_aux.c -- the auxiliary unit's golden model (model/tf_aux.c) against values worked
 * out by hand from docs/numerics.md, plus exhaustive GELU checks for 8-bit (and two
 * 16-bit) inputs, a bounded LayerNorm sweep and the command check. The references of the
 * sweeps are long double (model/tf_aux_host.c); every 1-LSB requirement is an assertion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "tf_aux.h"
#include "tf_model.h"

static struct tfx_arch arch(void)
{
    struct tfx_arch a;
    memset(&a, 0, sizeof a);
    a.lanes = 16;
    a.max_d = 4096;
    a.acc_bits = 32;
    a.bias_bits = 32;
    a.rq_bits = 16;
    a.res_bits = 20;
    a.res_in_bits = 8;
    a.ln_in_bits = 20;
    a.ln_out_bits = 8;
    a.ln_max_d = 1024;
    a.gelu_in_bits = 16;
    a.gelu_out_bits = 8;
    return a;
}

static struct tfx_gelu_rom *rom_new(void)
{
    struct tfx_gelu_rom *r = malloc(sizeof *r);
    assert_non_null(r);
    tfx_gelu_rom_init(r);
    return r;
}

static void test_arch_check(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    assert_null(tfx_check(&a));
    a.ln_in_bits = 21;
    assert_string_equal(tfx_check(&a), "ln_in_bits: 2..20");
    a = arch();
    a.ln_max_d = 5000;
    assert_string_equal(tfx_check(&a), "ln_max_d: 1..max_d");
    a = arch();
    a.bias_bits = 33;
    assert_string_equal(tfx_check(&a), "bias_bits: 2..min(32, acc_bits)");
    a = arch();
    a.gelu_in_bits = 17;
    assert_string_equal(tfx_check(&a), "gelu_in_bits: 2..16");
}

/* Bias: exact, then one saturation to acc_bits. */
static void test_bias(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    assert_int_equal(tfx_bias(&a, 100, -30), 70);
    assert_int_equal(tfx_bias(&a, 2147483647, 1), 2147483647);    /* 2^31 saturates */
    assert_int_equal(tfx_bias(&a, -2147483647 - 1, -5), -2147483647 - 1);
    assert_int_equal(tfx_bias(&a, 2147483647, -2147483647 - 1), -1); /* no overflow inside */
    a.acc_bits = 16;
    assert_int_equal(tfx_bias(&a, 30000, 5000), 32767);
    assert_int_equal(tfx_bias(&a, -30000, -5000), -32768);
}

/* Requantization is tfm_requant with rq_bits (docs/numerics.md 4.5 rows). */
static void test_requant(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    a.rq_bits = 8;
    assert_int_equal(tfx_requant(&a, 1000, 1u << 30, 3), 63);   /* 62.5 -> 63 */
    assert_int_equal(tfx_requant(&a, -1000, 1u << 30, 3), -63); /* away from zero */
    assert_int_equal(tfx_requant(&a, 100000, 1u << 30, 4), 127);
    assert_int_equal(tfx_requant(&a, 10000, 1690499128u, 6), 123);
    for (int64_t x = -70000; x <= 70000; x += 77)
        assert_int_equal(tfx_requant(&a, x, 1431655765u, 5), tfm_requant(x, 1431655765u, 5, 8));
}

/* Residual: al = tfm_requant(r 2^lshift, mult, shift, R + 1), y = sat_R(x + al), R = 20. */
static void test_residual(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    struct tfx_res_scale s = {1u << 30, 4, 0}; /* ratio 0.5 * 2^4 = 8 */
    /* r = -5: -5 * 16 = -80, * 0.5 = -40 exactly; 1000 - 40 = 960 */
    assert_int_equal(tfx_residual(&a, 1000, -5, &s), 960);
    struct tfx_res_scale h = {1u << 30, 0, 1}; /* ratio 1/4 */
    /* r = 3: 3 * 0.5 = 1.5 -> 2 (half up), 2 / 2 = 1 exactly: 7 + 1 = 8 */
    assert_int_equal(tfx_residual(&a, 7, 3, &h), 8);
    /* r = -3: -1.5 -> -1 (half up), -1 / 2 = -0.5 -> -1 (away from zero): -7 - 1 = -8 */
    assert_int_equal(tfx_residual(&a, -7, -3, &h), -8);
    /* saturation of the sum: 127 * 2^8 * 0.5 = 16256; 524278 + 16256 > 2^19 - 1 */
    struct tfx_res_scale b = {1u << 30, 8, 0};
    assert_int_equal(tfx_residual(&a, 524278, 127, &b), 524287);
    /* -128 * 2^24 * 0.5 = -2^30, clamped to -2^20 (21 bits) inside; the sum saturates at
     * -2^19 exactly as the unclamped sum would */
    struct tfx_res_scale big = {1u << 30, 24, 0};
    assert_int_equal(tfx_residual(&a, -524288, -128, &big), -524288);
    assert_int_equal(tfx_residual(&a, 524287, -128, &big), -524288);
    /* mult = 0 adds nothing */
    struct tfx_res_scale z = {0, 24, 0};
    assert_int_equal(tfx_residual(&a, 12345, 127, &z), 12345);
}

/* R = floor(2^45 / sqrt(qn)) by the digit recurrence:
 *   qn = 2^30      -> 2^45 / 2^15 = 2^30 = 1073741824
 *   qn = 2^31      -> 2^29.5 = 759250124.99 -> 759250124
 *   qn = 3 * 2^30  -> 2^30 / sqrt(3) = 619925131.1 -> 619925131
 *   qn = 2^32 - 1  -> 2^29 (1 + 2^-33) = 536870912.06 -> 536870912
 *   qn = 20 * 2^26 -> 2^32 / sqrt(20) = 960383883.3 -> 960383883 */
static void test_rsqrt(void **state)
{
    (void)state;
    assert_int_equal(tfx_ln_rsqrt(1ULL << 30), 1073741824u);
    assert_int_equal(tfx_ln_rsqrt(1ULL << 31), 759250124u);
    assert_int_equal(tfx_ln_rsqrt(3ULL << 30), 619925131u);
    assert_int_equal(tfx_ln_rsqrt((1ULL << 32) - 1), 536870912u);
    assert_int_equal(tfx_ln_rsqrt(20ULL << 26), 960383883u);
    /* the floor property R^2 qn <= 2^90 < (R + 1)^2 qn on a sweep of qn */
    __extension__ typedef unsigned __int128 u128;
    const u128 lim = (u128)1 << 90;
    for (uint64_t qn = 1ULL << 30; qn < (1ULL << 32); qn += 104729) {
        u128 r = tfx_ln_rsqrt(qn);
        assert_true(r * r * qn <= lim);
        assert_true((r + 1) * (r + 1) * qn > lim);
    }
}

/* E = round_half_up(d^2 eps_q / 2^16) */
static void test_ln_eps(void **state)
{
    (void)state;
    assert_int_equal(tfx_ln_eps(3, 1), 0);               /* 9 / 65536 */
    assert_int_equal(tfx_ln_eps(2, 65536), 4);           /* eps = 1: 4 * 1 */
    assert_int_equal(tfx_ln_eps(4096, 65536), 16777216); /* 2^24 */
    assert_int_equal(tfx_ln_eps(3, 3641), 1);            /* 32769 / 65536 = 0.50002 -> 1 */
    assert_int_equal(tfx_ln_eps(3, 3640), 0);            /* 32760 / 65536 = 0.49988 -> 0 */
}

static struct tfx_ln_params lnp(const int16_t *g, const int32_t *b, int gf, int bf, uint32_t eps)
{
    struct tfx_ln_params p;
    p.gamma = g;
    p.beta = b;
    p.gamma_frac = gf;
    p.beta_frac = bf;
    p.eps_q = eps;
    return p;
}

/* d = 2, x = {0, 2}: mean 1, var 1, n = -1, +1 exactly.
 *   s1 = 2, s2 = 4, v = 2 * 4 - 2^2 = 4, q = 4 (eps 0): bit length 3, k = -(32 - 3) / 2 = -14,
 *   qn = 4 * 2^28 = 2^30, r = 2^30, sh = 21 - 14 = 7.
 *   c = 2 * 0 - 2 = -2: p = -2^31, t = floor((-2^31 + 64) / 128) = -2^24 (n = -1 in Q.24).
 *   gamma = 3 (12288 with 12 fraction bits), beta = 10: z = -2^24 * 12288 = -3 * 2^36,
 *   u = floor((z + 2^19) / 2^20) = -3 * 2^16, w = u + 10 * 2^16 = 7 * 2^16, y = 7; and 13. */
static void test_ln_d2(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    int64_t x[2] = {0, 2}, y[2], pre[2];
    int16_t g[2] = {12288, 12288};
    int32_t b[2] = {10, 10};
    struct tfx_ln_params p = lnp(g, b, 12, 0, 0);
    struct tfx_ln_trace tr;
    tfx_layernorm(&a, 2, x, &p, y, pre, &tr);
    assert_int_equal(tr.s1, 2);
    assert_int_equal(tr.s2, 4);
    assert_int_equal(tr.v, 4);
    assert_int_equal(tr.q, 4);
    assert_int_equal(tr.k, -14);
    assert_int_equal(tr.qn, 1ULL << 30);
    assert_int_equal(tr.r, 1u << 30);
    assert_int_equal(tr.sh, 7);
    assert_int_equal(pre[0], 7 * 65536);
    assert_int_equal(pre[1], 13 * 65536);
    assert_int_equal(y[0], 7);
    assert_int_equal(y[1], 13);

    /* eps = 1 input unit^2 (eps_q = 2^16): E = 4, q = 8, n = -+1/sqrt(2).
     *   bit length 4, k = -14, qn = 8 * 2^28 = 2^31, r = 759250124, sh = 7;
     *   c = 2: t = floor((1518500248 + 64) / 128) = 11863283 (0.70710677 in Q.24);
     *   gamma = 100 (gf 0), beta 0: z = 1186328300, u = floor((z + 128) / 256) = 4634095,
     *   y = floor((4634095 + 32768) / 65536) = 71 (100 / sqrt(2) = 70.71);
     *   c = -2: t = -11863283, u = floor(-4634094.4) = -4634095, y = floor(-70.2) = -71. */
    a.ln_out_bits = 16;
    int16_t g100[2] = {100, 100};
    int32_t b0[2] = {0, 0};
    p = lnp(g100, b0, 0, 0, 65536);
    tfx_layernorm(&a, 2, x, &p, y, pre, &tr);
    assert_int_equal(tr.e, 4);
    assert_int_equal(tr.q, 8);
    assert_int_equal(tr.qn, 1ULL << 31);
    assert_int_equal(tr.r, 759250124u);
    assert_int_equal(pre[1], 4634095);
    assert_int_equal(pre[0], -4634095);
    assert_int_equal(y[1], 71);
    assert_int_equal(y[0], -71);
}

/* d = 4, x = {1, 2, 3, 4}: mean 2.5, var 1.25, n = (x - 2.5) / 1.1180 = -+1.3416, -+0.4472.
 *   s1 = 10, s2 = 30, v = 4 * 30 - 100 = 20: bit length 5, k = -13, qn = 20 * 2^26,
 *   r = 960383883, sh = 8; c = 4x - 10 = {-6, -2, 2, 6}.
 *   c = 6: p = 5762303298, t = floor(22508997.26 + 0.5) = 22508997.
 *   gamma = 1 (16384, gf 14): u = round(t / 2^8) = round(87925.77) = 87926, y = 1.
 *   gamma = 100 (gf 0): u = round(100 t / 2^8) = round(8792576.95) = 8792577,
 *   y = round(134.16) = 134; c = 2: t = 7502999, u = 2930859, y = round(44.72) = 45. */
static void test_ln_d4(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    int64_t x[4] = {1, 2, 3, 4}, y[4], pre[4];
    int16_t g1[4] = {16384, 16384, 16384, 16384}, g100[4] = {100, 100, 100, 100};
    int32_t b0[4] = {0, 0, 0, 0};
    struct tfx_ln_params p = lnp(g1, b0, 14, 0, 0);
    struct tfx_ln_trace tr;
    tfx_layernorm(&a, 4, x, &p, y, pre, &tr);
    assert_int_equal(tr.v, 20);
    assert_int_equal(tr.k, -13);
    assert_int_equal(tr.r, 960383883u);
    assert_int_equal(tr.sh, 8);
    assert_int_equal(pre[3], 87926);
    assert_int_equal(pre[0], -87926);
    int64_t want1[4] = {-1, 0, 0, 1};
    assert_memory_equal(y, want1, sizeof want1);
    a.ln_out_bits = 16;
    p = lnp(g100, b0, 0, 0, 0);
    tfx_layernorm(&a, 4, x, &p, y, pre, &tr);
    assert_int_equal(pre[3], 8792577);
    assert_int_equal(pre[2], 2930859);
    int64_t want100[4] = {-134, -45, 45, 134};
    assert_memory_equal(y, want100, sizeof want100);
    /* the same with 8-bit output saturates 134 to 127 and -134 to -128 */
    a.ln_out_bits = 8;
    tfx_layernorm(&a, 4, x, &p, y, NULL, NULL);
    int64_t want8[4] = {-128, -45, 45, 127};
    assert_memory_equal(y, want8, sizeof want8);
}

/* Constant rows: v = 0 and every c = 0, so the output is beta rounded half up whatever eps
 * (with eps = 0, q = 0 and r is defined as 0). d = 1 is such a row. */
static void test_ln_constant(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    int64_t x[5] = {7, 7, 7, 7, 7}, y[5];
    int16_t g[5] = {32767, -32768, 1, 0, 100};
    int32_t b[5] = {5, -5, 3, -3, 0}; /* beta_frac 1: 2.5, -2.5, 1.5, -1.5, 0 */
    struct tfx_ln_params p = lnp(g, b, 0, 1, 0);
    struct tfx_ln_trace tr;
    tfx_layernorm(&a, 5, x, &p, y, NULL, &tr);
    assert_int_equal(tr.q, 0);
    assert_int_equal(tr.r, 0);
    int64_t want[5] = {3, -2, 2, -1, 0};
    assert_memory_equal(y, want, sizeof want);
    p.eps_q = 65536; /* E = 25: n = 0 / 5 */
    tfx_layernorm(&a, 5, x, &p, y, NULL, &tr);
    assert_int_equal(tr.q, 25);
    assert_memory_equal(y, want, sizeof want);
    int64_t one[1] = {-524288}, y1[1];
    tfx_layernorm(&a, 1, one, &p, y1, NULL, NULL);
    assert_int_equal(y1[0], 3);
}

/* The GELU ROM: node values against textbook values of the normal tail,
 * 1 - Phi(1) = 0.158655253931457051, 1 - Phi(2) = 0.022750131948179207:
 * g(1) = 0.158655253931457051, g(2) = 0.045500263896358415 (Q.56: 2^56 = 7.2e16). */
static void test_gelu_rom(void **state)
{
    (void)state;
    assert_int_equal(tfx_gelu_node_q56(0), 0);
    long double g1 = 0.158655253931457051L * 72057594037927936.0L;
    long double g2 = 0.045500263896358415L * 72057594037927936.0L;
    assert_true(fabsl((long double)tfx_gelu_node_q56(512) - g1) < 4);
    assert_true(fabsl((long double)tfx_gelu_node_q56(1024) - g2) < 4);
    struct tfx_gelu_rom *rom = rom_new();
    /* coefficient widths of the spec: c0 in [0, 2^26), |c1| < 2^23, |c2| < 2^17 */
    for (int s = 0; s < TFX_GELU_SEGS; s++) {
        assert_true(rom->c0[s] >= 0 && rom->c0[s] < (1 << 26));
        assert_true(rom->c1[s] > -(1 << 23) && rom->c1[s] < (1 << 23));
        assert_true(rom->c2[s] > -(1 << 17) && rom->c2[s] < (1 << 17));
    }
    /* a = 1: segment 32, u = 0, g = c0[32] = g(1) within the interpolation error 1.33e-7
     * (36 units of 2^-28); g(1) * 2^28 = 42588695.4 */
    assert_true(llabs(tfx_gelu_g28(rom, 1u << 28) - 42588695) <= 36);
    /* a = 2: 0.0455002639 * 2^28 = 12213884.1 */
    assert_true(llabs(tfx_gelu_g28(rom, 2u << 28) - 12213884) <= 36);
    free(rom);
}

/* Worked GELU codes, s_in = 1 (in_mant 2^15, in_exp 15), 1/s_out = 64 (out_mant 2^15,
 * out_exp 9): GELU(1) = 0.841345 -> 53.85 -> 54; GELU(-1) = -0.158655 -> -10.15 -> -10;
 * GELU(2) = 1.954500 -> 125.09 -> 125; GELU(3) = 2.995950 -> 191.7 -> 127 (8 bits);
 * GELU(-3) = -0.004050 -> -0.26 -> 0; q = 8: a = 8, the relu path, 512 -> 127 (8 bits) and
 * 512 (16 bits); q = -8 -> 0. For q = 1: a28 = 2^28, segment 32, u = 0, v = 2^28 - c0[32],
 * w = v * 2^15, out = round(w / 2^(28 + 9)). */
static void test_gelu_worked(void **state)
{
    (void)state;
    struct tfx_gelu_rom *rom = rom_new();
    struct tfx_arch a = arch();
    struct tfx_gelu_scale s = {32768, 15, 32768, 9};
    assert_int_equal(tfx_gelu(&a, rom, 0, &s), 0);
    assert_int_equal(tfx_gelu(&a, rom, 1, &s), 54);
    assert_int_equal(tfx_gelu(&a, rom, -1, &s), -10);
    assert_int_equal(tfx_gelu(&a, rom, 2, &s), 125);
    assert_int_equal(tfx_gelu(&a, rom, 3, &s), 127);
    assert_int_equal(tfx_gelu(&a, rom, -3, &s), 0);
    assert_int_equal(tfx_gelu(&a, rom, 8, &s), 127);
    assert_int_equal(tfx_gelu(&a, rom, -8, &s), 0);
    int big;
    assert_int_equal(tfx_gelu_value(rom, 1, &s, &big), (1 << 28) - rom->c0[32]);
    assert_int_equal(big, 0);
    assert_int_equal(tfx_gelu_value(rom, 8, &s, &big), 8 * 32768);
    assert_int_equal(big, 1);
    a.gelu_out_bits = 16;
    assert_int_equal(tfx_gelu(&a, rom, 8, &s), 512);
    assert_int_equal(tfx_gelu(&a, rom, 3, &s), 192);
    /* A permitted 1-LSB difference, a near tie: s_in = 1/2, s_out = 1, q = 17, x = 8.5.
     * The relu path gives round(8.5) = 9 (half up); the exact GELU(8.5) = 8.5 - 8e-17 rounds
     * to 8. |9 - 8| = 1. */
    struct tfx_gelu_scale h = {32768, 16, 32768, 15};
    assert_int_equal(tfx_gelu(&a, rom, 17, &h), 9);
    assert_int_equal(tfx_host_gelu_ref(17, &h, 16), 8);
    free(rom);
}

/* Every 8-bit code at several scales (and every 16-bit code at two), within 1 LSB of the
 * correctly rounded exact GELU of the same quantized input. */
static void test_gelu_exhaustive(void **state)
{
    (void)state;
    struct tfx_gelu_rom *rom = rom_new();
    static const double sc[][3] = {
        /* in_bits 8: s_in, s_out, out_bits */
        {1.0 / 16, 1.0 / 16, 8},   {10.0 / 127, 10.0 / 127, 8}, {4.0 / 127, 4.0 / 127, 8},
        {0.05, 0.0123, 8},         {0.0123, 0.05, 8},           {1.0, 1.0, 8},
        {100.0, 100.0, 8},         {1.0 / 16, 1.0 / 65535, 16}, {1.0 / 1024, 1.0 / 65535, 16},
        {1.0 / 4294967296.0, 1.0 / 65535, 16}, {1.0 / 16, 1.0 / 2048, 16},
    };
    struct tfx_arch a = arch();
    for (size_t c = 0; c < sizeof sc / sizeof sc[0]; c++) {
        a.gelu_in_bits = 8;
        a.gelu_out_bits = (int)sc[c][2];
        struct tfx_gelu_scale s = tfx_host_gelu_scale(sc[c][0], sc[c][1]);
        for (int q = -128; q <= 127; q++) {
            int64_t d = tfx_gelu(&a, rom, q, &s) - tfx_host_gelu_ref(q, &s, a.gelu_out_bits);
            assert_true(d >= -1 && d <= 1);
        }
    }
    static const double sc16[][2] = {{1.0 / 4096, 1.0 / 4096}, {1.0 / 8192, 1.0 / 65535}};
    a.gelu_in_bits = 16;
    a.gelu_out_bits = 16;
    for (size_t c = 0; c < 2; c++) {
        struct tfx_gelu_scale s = tfx_host_gelu_scale(sc16[c][0], sc16[c][1]);
        for (int q = -32768; q <= 32767; q++) {
            int64_t d = tfx_gelu(&a, rom, q, &s) - tfx_host_gelu_ref(q, &s, 16);
            assert_true(d >= -1 && d <= 1);
        }
    }
    free(rom);
}

static uint64_t rng = 12345;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A bounded LayerNorm sweep: random rows, constant rows, outliers and input extremes, d
 * from 1 to 300 and 4096. Every output within 1 LSB of the long-double LayerNorm, and every
 * value before the final rounding within the spec's bound
 * 2.5 |gamma_q| 2^-(24 + gamma_frac) + 2^-17 LSB of the exact one. */
static void test_ln_sweep(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    a.ln_max_d = 4096;
    int64_t *x = malloc(4096 * sizeof *x), *y = malloc(4096 * sizeof *y),
            *pre = malloc(4096 * sizeof *pre), *yq = malloc(4096 * sizeof *yq);
    long double *yr = malloc(4096 * sizeof *yr);
    int16_t *g = malloc(4096 * sizeof *g);
    int32_t *b = malloc(4096 * sizeof *b);
    assert_true(x && y && pre && yq && yr && g && b);
    for (int row = 0; row < 2400; row++) {
        int d = row < 2392 ? 1 + (int)(rnd() % 300) : 4096;
        int L = 8 + 4 * (int)(rnd() % 4); /* 8, 12, 16, 20 */
        a.ln_in_bits = L;
        a.ln_out_bits = rnd() & 1 ? 8 : 16;
        int64_t hi = (1LL << (L - 1)) - 1, lo = -hi - 1, m = (int64_t)(rnd() % (uint64_t)hi);
        int kind = row % 4;
        for (int i = 0; i < d; i++) {
            int64_t v = lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
            if (kind == 1)
                v = m; /* constant */
            if (kind == 2)
                v = (int64_t)(rnd() % 21) - 10; /* small values, one outlier below */
            if (kind == 3)
                v = rnd() & 1 ? hi : lo; /* input extremes */
            x[i] = v;
        }
        if (kind == 2)
            x[rnd() % (uint64_t)d] = 1000;
        int gf = (int)(rnd() % 16), bf = (int)(rnd() % 17);
        for (int i = 0; i < d; i++) {
            g[i] = (int16_t)(rnd() & 0xffff);
            b[i] = (int32_t)((int64_t)(rnd() % (1ULL << 26)) - (1LL << 25));
        }
        struct tfx_ln_params p = lnp(g, b, gf, bf, (uint32_t)(rnd() % 4 ? rnd() % 131072 : 0));
        tfx_layernorm(&a, d, x, &p, y, pre, NULL);
        tfx_host_ln_ref(d, x, &p, a.ln_out_bits, yr, yq);
        for (int i = 0; i < d; i++) {
            assert_true(llabs(y[i] - yq[i]) <= 1);
            long double bound = 2.5L * fabsl(ldexpl(g[i], -(24 + gf))) + ldexpl(1, -17) + 1e-9L;
            assert_true(fabsl(ldexpl((long double)pre[i], -16) - yr[i]) <= bound);
        }
    }
    free(x), free(y), free(pre), free(yq), free(yr), free(g), free(b);
}

static struct tfx_cmd cmd2(int d, int op0, int op1)
{
    struct tfx_cmd c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.nops = op1 ? 2 : (op0 ? 1 : 0);
    c.ops[0] = op0;
    c.ops[1] = op1;
    return c;
}

/* Refused commands return their error and leave out untouched. */
static void test_cmd_refusals(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    struct tfx_gelu_rom *rom = rom_new();
    static int32_t bias[2048];
    static uint32_t mult[2048];
    static uint8_t shift[2048];
    static int16_t gm[2048];
    static int32_t bt[2048];
    static int64_t in[2048], out[2048];
    static int32_t res[2048];
    for (int i = 0; i < 2048; i++) {
        mult[i] = 1u << 30;
        shift[i] = 4;
        gm[i] = 4096;
        out[i] = 0x5a5a;
    }
    struct tfx_cmd c = cmd2(4, TFX_OP_BIAS, TFX_OP_REQUANT);
    c.bias = bias;
    c.rq_mult = mult;
    c.rq_shift = shift;
    c.ln.gamma = gm;
    c.ln.beta = bt;
    c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
    c.res = (struct tfx_res_scale){1u << 30, 4, 0};
    assert_int_equal(tfx_cmd_check(&a, &c), TFX_OK);
    struct tfx_cmd e = c;
    e.d = 0;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_D);
    e.d = 4097;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_D);
    /* LayerNorm over more than ln_max_d = 1024 */
    e = c;
    e.d = 1025;
    e.nops = 3;
    e.ops[2] = TFX_OP_LAYERNORM;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_D);
    e.d = 1024;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_OK);
    /* order: GELU before requant, an op twice, an unknown op */
    e = c;
    e.ops[0] = TFX_OP_GELU;
    e.ops[1] = TFX_OP_REQUANT;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_ORDER);
    e.ops[0] = TFX_OP_REQUANT;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_ORDER);
    e.ops[1] = 9;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_ORDER);
    e.nops = 6;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_ORDER);
    /* widths: GELU or LayerNorm on 32-bit accumulators, residual on the bias output */
    e = cmd2(4, TFX_OP_GELU, 0);
    e.gelu = c.gelu;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_WIDTH);
    e = c;
    e.ops[1] = TFX_OP_LAYERNORM;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_WIDTH);
    e.ops[1] = TFX_OP_RESIDUAL;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_WIDTH);
    /* LayerNorm output (8 bits) may feed GELU (16 bits); requant (16) may not feed an
     * 8-bit GELU */
    e = c;
    e.ops[1] = TFX_OP_REQUANT;
    e.ops[0] = TFX_OP_BIAS;
    e.nops = 4;
    e.ops[2] = TFX_OP_LAYERNORM;
    e.ops[3] = TFX_OP_GELU;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_OK);
    assert_int_equal(tfx_cmd_out_bits(&a, &e), 8);
    struct tfx_arch a8 = a;
    a8.gelu_in_bits = 8;
    e = c;
    e.ops[1] = TFX_OP_REQUANT;
    e.nops = 3;
    e.ops[2] = TFX_OP_GELU;
    assert_int_equal(tfx_cmd_check(&a8, &e), TFX_E_WIDTH);
    /* parameters */
    e = c;
    e.nops = 3;
    e.ops[2] = TFX_OP_RESIDUAL;
    e.res.lshift = 25;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e.res.lshift = 4;
    e.res.mult = 1u << 31;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e = c;
    e.nops = 3;
    e.ops[2] = TFX_OP_LAYERNORM;
    e.ln.gamma = NULL;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e.ln.gamma = gm;
    e.ln.gamma_frac = 16;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e = c;
    mult[3] = 1u << 31;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e.rq_per_tensor = 1; /* only entry 0 is read */
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_OK);
    mult[3] = 1u << 30;
    shift[2] = 32;
    e.rq_per_tensor = 0;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    shift[2] = 4;
    struct tfx_arch ab = a;
    ab.bias_bits = 8;
    bias[1] = 128;
    assert_int_equal(tfx_cmd_check(&ab, &c), TFX_E_PARAM);
    bias[1] = 0;
    e = c;
    e.nops = 3;
    e.ops[2] = TFX_OP_GELU;
    e.gelu.in_mant = 0;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    e.gelu.in_mant = 32768;
    e.gelu.out_exp = 41;
    assert_int_equal(tfx_cmd_check(&a, &e), TFX_E_PARAM);
    /* tfx_run: the same errors, data out of range, a missing residual row; out untouched */
    e = c;
    e.ops[0] = TFX_OP_GELU;
    assert_int_equal(tfx_run(&a, rom, &e, in, NULL, out), TFX_E_ORDER);
    in[2] = 1LL << 31; /* beyond 32 bits */
    assert_int_equal(tfx_run(&a, rom, &c, in, NULL, out), TFX_E_DATA);
    in[2] = 0;
    e = c;
    e.nops = 3;
    e.ops[2] = TFX_OP_RESIDUAL;
    assert_int_equal(tfx_run(&a, rom, &e, in, NULL, out), TFX_E_PARAM);
    res[1] = 128; /* beyond 8 bits */
    assert_int_equal(tfx_run(&a, rom, &e, in, res, out), TFX_E_DATA);
    res[1] = 0;
    for (int i = 0; i < 2048; i++)
        assert_int_equal(out[i], 0x5a5a);
    assert_int_equal(tfx_run(&a, rom, &e, in, res, out), TFX_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[4], 0x5a5a); /* only d elements written */
    assert_string_equal(tfx_err_str(TFX_E_WIDTH), "an op's input is wider than it takes");
    free(rom);
}

/* Chains, worked by hand: d = 2, in = {1000, -1000}, bias {24, -24} -> {1024, -1024};
 * requant per tensor (2^30, 3): 1024 * 0.5 = 512, / 8 = 64 -> {64, -64} (16 bits);
 * residual {1, -1} with ratio 0.5 * 2^1 = 1 -> {65, -65} (20 bits);
 * LayerNorm: s1 = 0, s2 = 8450, v = 16900 = 130^2, k = -8, qn = 16900 * 2^16,
 * r = floor(2^37 / 130) = 1057222719, sh = 13, c = 130: p = 2^37 - 2,
 * t = floor((2^37 - 2 + 4096) / 8192) = 2^24 (n = 1 exactly); gamma 40 (gf 0), beta 3:
 * {43, -37}. Then longer rows against the per-element functions. */
static void test_chain(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    struct tfx_gelu_rom *rom = rom_new();
    int32_t bias[2] = {24, -24}, res[2] = {1, -1}, bt[2] = {3, 3};
    uint32_t mult[1] = {1u << 30};
    uint8_t shift[1] = {3};
    int16_t gm[2] = {40, 40};
    int64_t in[2] = {1000, -1000}, out[2];
    struct tfx_cmd c;
    memset(&c, 0, sizeof c);
    c.d = 2;
    c.nops = 4;
    c.ops[0] = TFX_OP_BIAS;
    c.ops[1] = TFX_OP_REQUANT;
    c.ops[2] = TFX_OP_RESIDUAL;
    c.ops[3] = TFX_OP_LAYERNORM;
    c.bias = bias;
    c.rq_per_tensor = 1;
    c.rq_mult = mult;
    c.rq_shift = shift;
    c.res = (struct tfx_res_scale){1u << 30, 1, 0};
    c.ln = lnp(gm, bt, 0, 0, 0);
    assert_int_equal(tfx_run(&a, rom, &c, in, res, out), TFX_OK);
    assert_int_equal(out[0], 43);
    assert_int_equal(out[1], -37);
    c.nops = 3; /* stop after the residual */
    assert_int_equal(tfx_run(&a, rom, &c, in, res, out), TFX_OK);
    assert_int_equal(out[0], 65);
    assert_int_equal(out[1], -65);
    c.nops = 0; /* pass-through */
    assert_int_equal(tfx_run(&a, rom, &c, in, res, out), TFX_OK);
    assert_int_equal(out[0], 1000);
    assert_int_equal(tfx_cmd_out_bits(&a, &c), 32);

    /* bias -> per-column requant -> GELU (FFN up-projection), d = 300, and
     * bias -> requant -> residual -> LayerNorm (end of a sub-layer), element by element */
    enum { D = 300 };
    static int64_t x[D], y[D], t[D];
    static int32_t b[D], r[D], be[D];
    static uint32_t m[D];
    static uint8_t sh[D];
    static int16_t g[D];
    for (int i = 0; i < D; i++) {
        x[i] = (int64_t)(rnd() % 2000001) - 1000000;
        b[i] = (int32_t)(rnd() % 20001) - 10000;
        m[i] = (1u << 30) + (uint32_t)(rnd() % (1u << 30));
        sh[i] = (uint8_t)(6 + rnd() % 4);
        r[i] = (int32_t)(rnd() % 256) - 128;
        g[i] = (int16_t)(rnd() % 8192);
        be[i] = (int32_t)(rnd() % 4096) - 2048;
    }
    memset(&c, 0, sizeof c);
    c.d = D;
    c.nops = 3;
    c.ops[0] = TFX_OP_BIAS;
    c.ops[1] = TFX_OP_REQUANT;
    c.ops[2] = TFX_OP_GELU;
    c.bias = b;
    c.rq_mult = m;
    c.rq_shift = sh;
    c.gelu = tfx_host_gelu_scale(1.0 / 2048, 1.0 / 16);
    assert_int_equal(tfx_run(&a, rom, &c, x, NULL, y), TFX_OK);
    for (int i = 0; i < D; i++) {
        int64_t v = tfx_requant(&a, tfx_bias(&a, x[i], b[i]), m[i], sh[i]);
        assert_int_equal(y[i], tfx_gelu(&a, rom, v, &c.gelu));
    }
    c.nops = 4;
    c.ops[2] = TFX_OP_RESIDUAL;
    c.ops[3] = TFX_OP_LAYERNORM;
    c.res = (struct tfx_res_scale){1518500250u, 6, 0};
    c.ln = lnp(g, be, 10, 4, 655);
    assert_int_equal(tfx_run(&a, rom, &c, x, r, y), TFX_OK);
    for (int i = 0; i < D; i++)
        t[i] = tfx_residual(&a, tfx_requant(&a, tfx_bias(&a, x[i], b[i]), m[i], sh[i]), r[i],
                            &c.res);
    tfx_layernorm(&a, D, t, &c.ln, t, NULL, NULL);
    assert_memory_equal(y, t, sizeof t);
    free(rom);
}

/* Host helpers: scales to integers (double precision, outside the bit-exact model). */
static void test_host_fit(void **state)
{
    (void)state;
    uint32_t m;
    int e;
    assert_int_equal(tfx_host_fit16(1.0, &m, &e), 0);
    assert_int_equal(m, 32768);
    assert_int_equal(e, 15);
    tfx_host_fit16(0.1, &m, &e); /* 0.1 = 52429 * 2^-19 (52428.8 rounded) */
    assert_int_equal(m, 52429);
    assert_int_equal(e, 19);
    struct tfx_res_scale r = tfx_host_res_scale(3.0); /* 0.75 * 2^2 */
    assert_int_equal(r.mult, 1610612736u);
    assert_int_equal(r.lshift, 2);
    assert_int_equal(r.shift, 0);
    r = tfx_host_res_scale(0.1); /* 0.8 * 2^-3 */
    assert_int_equal(r.mult, 1717986918u);
    assert_int_equal(r.lshift, 0);
    assert_int_equal(r.shift, 3);
    uint32_t rm;
    int rs;
    tfx_host_rq_fit(0.0123, &rm, &rs); /* docs/numerics.md 4.6 */
    assert_int_equal(rm, 1690499128u);
    assert_int_equal(rs, 6);
}

/* The RTL's cycle model (docs/architecture.md 3.6), worked by hand: 8 lanes, every stage built
 * (before the LayerNorm: S0, bias 1, requant 2, residual 1 = 5 registers; after it GELU 8). */
static void test_cycles(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    a.lanes = 8;
    struct tfx_hw h = {TFX_BUILT_ALL, 4, 2, 16};
    unsigned ew = TFX_OPBIT(TFX_OP_BIAS) | TFX_OPBIT(TFX_OP_REQUANT);
    unsigned ln = ew | TFX_OPBIT(TFX_OP_LAYERNORM);
    assert_int_equal(tfx_lat_up(&h), 5);
    assert_int_equal(tfx_lat_down(&h), 8);
    /* 2 rows of 20: 6 beats in cycles 1..6, the last leaves in 6 + 5 + 8, next command +1 */
    assert_int_equal(tfx_cycles_cmd(&a, &h, ew, 2, 20, 1), 20);
    /* one row of 16 with LayerNorm: writes in cycles 6, 7; statistics seen in 10; setup
     * 35 cycles, ready in 46; reads 46, 47; out 6 + 8 later; next command + 1 */
    assert_int_equal(tfx_cycles_cmd(&a, &h, ln, 1, 16, 1), 62);
    assert_int_equal(tfx_ln_row_cycles(&a, 768), 39);
    assert_int_equal(tfx_ln_group_gap(4), 144);
    /* long rows: without LayerNorm one beat per cycle; with it and 2 banks each bank is
     * busy for 2 b + 38 cycles per row, so two rows every 2 b + 38; 3 banks hide the setup */
    assert_int_equal(tfx_cycles_groups(&a, &h, ew, 768, 1, 2), 2 * 96);
    assert_int_equal(tfx_cycles_groups(&a, &h, ln, 768, 1, 2), 2 * 96 + 38);
    h.ln_banks = 3;
    assert_int_equal(tfx_cycles_groups(&a, &h, ln, 768, 1, 3), 3 * 96);
    /* short rows: the setup sequencer (35 per row + 1) limits; groups of 4 rows: 4 * 35 + 1 */
    assert_int_equal(tfx_cycles_groups(&a, &h, ln, 16, 1, 3), 3 * 36);
    assert_int_equal(tfx_cycles_groups(&a, &h, ln, 16, 4, 3), 3 * 141);
    /* fewer stages: bias alone 2 registers; residual alone waits 2 for its operand */
    struct tfx_hw hb = {TFX_OPBIT(TFX_OP_BIAS), 1, 2, 8};
    assert_int_equal(tfx_lat_up(&hb), 2);
    assert_int_equal(tfx_cycles_cmd(&a, &hb, TFX_OPBIT(TFX_OP_BIAS), 1, 8, 1), 4);
    struct tfx_hw hr = {TFX_OPBIT(TFX_OP_RESIDUAL), 1, 2, 8};
    assert_int_equal(tfx_lat_up(&hr), 4);
    assert_int_equal(tfx_op_latency(TFX_OP_GELU), 8);
    assert_int_equal(tfx_cycles_load(10), 11);
    /* the closed form of docs/architecture.md 3.6 for the steady state with LayerNorm: per group of g
     * rows, b = g ceil(d / lanes) beats, max(b, 35 g + 1, (2 b + 35 g + 3) / banks) */
    for (int nb = 2; nb <= 3; nb++)
        for (int g = 1; g <= 4; g++)
            for (int lanes = 1; lanes <= 16; lanes *= 4)
                for (int d = 1; d <= 700; d += 13) {
                    struct tfx_arch b8 = arch();
                    b8.lanes = lanes;
                    struct tfx_hw hh = {TFX_BUILT_ALL, 4, nb, 8};
                    long long b = (long long)g * ((d + lanes - 1) / lanes), n = 4 * nb;
                    long long want = b * n;
                    if ((35LL * g + 1) * n > want)
                        want = (35LL * g + 1) * n;
                    if ((2 * b + 35LL * g + 3) * n / nb > want)
                        want = (2 * b + 35LL * g + 3) * n / nb;
                    assert_int_equal(tfx_cycles_groups(&b8, &hh, ln, d, g, (int)n), want);
                }
}

/* The RTL's command check: the model's order, plus what only the hardware knows. */
static void test_hw_check(void **state)
{
    (void)state;
    struct tfx_arch a = arch();
    a.rq_bits = 8;
    a.ln_max_d = 1024;
    struct tfx_hw h = {TFX_BUILT_ALL, 4, 2, 8};
    static int16_t gm[4096];
    static int32_t bt[4096];
    struct tfx_cmd c = cmd2(16, TFX_OP_REQUANT, TFX_OP_GELU);
    c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
    c.ln.gamma = gm;
    c.ln.beta = bt;
    assert_int_equal(tfx_cmd_mask(&c), 0x12);
    assert_int_equal(tfx_hw_check(&a, &h, &c, 3, 1), TFX_OK);
    assert_int_equal(tfx_hw_check(&a, &h, &c, 0, 1), TFX_E_D);
    h.built &= ~TFX_OPBIT(TFX_OP_GELU);
    assert_int_equal(tfx_hw_check(&a, &h, &c, 3, 1), TFX_E_BUILT);
    h.built = TFX_BUILT_ALL;
    c.gelu.out_exp = 41;
    assert_int_equal(tfx_hw_check(&a, &h, &c, 3, 1), TFX_E_PARAM);
    c.gelu.out_exp = 20;
    c.ops[0] = TFX_OP_BIAS; /* GELU on 32-bit accumulators */
    assert_int_equal(tfx_hw_check(&a, &h, &c, 3, 1), TFX_E_WIDTH);
    c.ops[0] = TFX_OP_GELU, c.ops[1] = TFX_OP_REQUANT;
    assert_int_equal(tfx_cmd_mask(&c), -1);
    assert_int_equal(tfx_hw_check(&a, &h, &c, 3, 1), TFX_E_ORDER);
    struct tfx_cmd l = cmd2(2048, TFX_OP_REQUANT, TFX_OP_LAYERNORM);
    l.ln.gamma = gm;
    l.ln.beta = bt;
    assert_int_equal(tfx_hw_check(&a, &h, &l, 3, 1), TFX_E_D); /* d > ln_max_d */
    l.d = 64;
    assert_int_equal(tfx_hw_check(&a, &h, &l, 3, 5), TFX_E_D); /* grp > ln_rows */
    assert_int_equal(tfx_hw_check(&a, &h, &l, 3, 0), TFX_E_D);
    assert_int_equal(tfx_hw_check(&a, &h, &l, 3, 4), TFX_OK);
    assert_int_equal(tfx_hw_load_check(&a, &h, TFX_CMD_LOAD_GAMMA, 1025), TFX_E_D);
    assert_int_equal(tfx_hw_load_check(&a, &h, TFX_CMD_LOAD_BIAS, 4096), TFX_OK);
    assert_int_equal(tfx_hw_load_check(&a, &h, 5, 1), TFX_E_ORDER);
    h.built = TFX_OPBIT(TFX_OP_GELU);
    assert_int_equal(tfx_hw_load_check(&a, &h, TFX_CMD_LOAD_RQ, 1), TFX_E_BUILT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arch_check),   cmocka_unit_test(test_bias),
        cmocka_unit_test(test_requant),      cmocka_unit_test(test_residual),
        cmocka_unit_test(test_rsqrt),        cmocka_unit_test(test_ln_eps),
        cmocka_unit_test(test_ln_d2),        cmocka_unit_test(test_ln_d4),
        cmocka_unit_test(test_ln_constant),  cmocka_unit_test(test_gelu_rom),
        cmocka_unit_test(test_gelu_worked),  cmocka_unit_test(test_gelu_exhaustive),
        cmocka_unit_test(test_ln_sweep),     cmocka_unit_test(test_cmd_refusals),
        cmocka_unit_test(test_chain),        cmocka_unit_test(test_host_fit),
        cmocka_unit_test(test_cycles),       cmocka_unit_test(test_hw_check),
    };
    return cmocka_run_group_tests_name("aux", tests, NULL, NULL);
}
