/* test_attn.c -- the attention unit's golden model (model/tf_attn.c) against values
 * worked out by hand from docs/numerics.md section 10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tf_attn.h"

static struct tfa_arch base(int banks, int tpb, int d)
{
    struct tfa_arch a;
    memset(&a, 0, sizeof a);
    a.banks = banks;
    a.tokens_per_bank = tpb;
    a.head_dim = d;
    a.kv_bits = 8;
    a.exp_frac_bits = 16;
    a.exp_table_bits = 8;
    a.exp_bits = 15;
    a.prob_bits = 15;
    a.imp_bits = 24;
    a.prune = TFA_PRUNE_NONE;
    a.scale_c = tfa_scale_const(d, 16);
    return a;
}

/* Table entries round(2^P * 2^(-i/2^T)): T = 2, P = 8 gives 256, 215, 181, 152. */
static void test_exp_table(void **state)
{
    (void)state;
    struct tfa_arch a = base(1, 4, 4);
    a.exp_table_bits = 2;
    a.exp_bits = 8;
    assert_int_equal(tfa_exp_table(&a, 0), 256);
    assert_int_equal(tfa_exp_table(&a, 1), 215); /* 256 * 2^-0.25 = 215.27 */
    assert_int_equal(tfa_exp_table(&a, 2), 181); /* 256 * 2^-0.5  = 181.02 */
    assert_int_equal(tfa_exp_table(&a, 3), 152); /* 256 * 2^-0.75 = 152.22 */
    /* the exponent: integer part shifts, fraction indexes the table, beyond P it is 0 */
    a.exp_frac_bits = 4;                          /* t in units of 1/16 */
    assert_int_equal(tfa_exp2_neg(&a, 0), 256);
    assert_int_equal(tfa_exp2_neg(&a, 16), 128); /* 2^-1 */
    assert_int_equal(tfa_exp2_neg(&a, 16 * 3 + 8), 181 >> 3); /* 2^-3.5 */
    assert_int_equal(tfa_exp2_neg(&a, 16 * 3 + 7), 215 >> 3); /* fraction 7/16 -> index 1 */
    assert_int_equal(tfa_exp2_neg(&a, 16 * 8), 1);             /* n = P: 256 >> 8 */
    assert_int_equal(tfa_exp2_neg(&a, 16 * 9), 0);             /* n > P */
    /* monotone, 2^(P-1) < e <= 2^P, for the default T = 8, P = 15 */
    struct tfa_arch b = base(1, 4, 4);
    for (int i = 1; i < 256; i++) {
        assert_true(tfa_exp_table(&b, i) < tfa_exp_table(&b, i - 1));
        assert_true(tfa_exp_table(&b, i) > (1u << 14));
    }
}

/* round(log2(e) / sqrt(d) * 2^F): d = 64, F = 16 -> 11818.56 -> 11819; d = 1 -> 94548. */
static void test_scale_const(void **state)
{
    (void)state;
    assert_int_equal(tfa_scale_const(64, 16), 11819);
    assert_int_equal(tfa_scale_const(1, 16), 94548);
    assert_int_equal(tfa_scale_const(81, 16), 10505); /* 10505.38 */
    assert_int_equal(tfa_scale_const_real(1.0, 64, 16), 11819);
    assert_int_equal(tfa_scale_const_real(0.25, 64, 20), 47274); /* 11818.56 * 16 / 4 */
}

/* int4 with a per-token scale s = max(1, ceil(max|x| / 7)), halves away from zero. */
static void test_compress4(void **state)
{
    (void)state;
    int8_t x[6] = {127, -128, 0, 7, -7, 3}, y[6];
    assert_int_equal(tfa_compress4(x, 6, y), 19);
    int8_t want[6] = {7, -7, 0, 0, 0, 0}; /* 6.68, -6.74, 0, 0.37, -0.37, 0.16 */
    assert_memory_equal(y, want, 6);
    int8_t u[3] = {14, -7, 3}, v[3];
    assert_int_equal(tfa_compress4(u, 3, v), 2);
    int8_t want2[3] = {7, -4, 2}; /* 7, -3.5 -> -4, 1.5 -> 2 */
    assert_memory_equal(v, want2, 3);
    int8_t z[2] = {0, 0}, w[2];
    assert_int_equal(tfa_compress4(z, 2, w), 1);
    int8_t small[2] = {5, -6};
    assert_int_equal(tfa_compress4(small, 2, w), 1); /* max 6 <= 7: scale 1, exact */
    assert_int_equal(w[0], 5);
    assert_int_equal(w[1], -6);
}

/* One token: p = 2^PB exactly, so o = v * 2^PB. Two equal scores: 2^(PB-1) each. */
static void test_decode_exact(void **state)
{
    (void)state;
    struct tfa_arch a = base(2, 2, 4);
    struct tfa_head h;
    assert_int_equal(tfa_head_init(&h, &a), 0);
    int8_t q[4] = {1, 2, 3, 4}, k[4] = {0, 0, 0, 0}, v1[4] = {10, -20, 127, -128};
    int64_t o[4];
    struct tfa_step st;
    assert_int_equal(tfa_decode(&a, &h, q, k, v1, o, &st), 0);
    assert_int_equal(st.slot, 0);
    assert_int_equal(st.evicted, -1);
    assert_int_equal(st.z, 1u << 15);
    for (int i = 0; i < 4; i++)
        assert_int_equal(o[i], (int64_t)v1[i] * 32768);
    int8_t v2[4] = {-10, 21, 1, 0};
    assert_int_equal(tfa_decode(&a, &h, q, k, v2, o, &st), 0); /* both scores 0 */
    assert_int_equal(st.kept, 2);
    assert_int_equal(st.z, 2u << 15);
    for (int i = 0; i < 4; i++)
        assert_int_equal(o[i], ((int64_t)v1[i] + v2[i]) * 16384);
    /* importances: 2^15 after the first step, then + 2^14 each */
    assert_int_equal(h.imp[0], (1u << 15) + (1u << 14));
    assert_int_equal(h.imp[1], 1u << 14);
    tfa_head_free(&h);
}

/* A full cache: refused without pruning (nothing changes); with importance pruning
 * the least important token outside the recent window goes, ties to the oldest. */
static void test_full_and_evict(void **state)
{
    (void)state;
    struct tfa_arch a = base(2, 2, 1); /* capacity 4, D = 1: the score is q * k */
    struct tfa_head h;
    assert_int_equal(tfa_head_init(&h, &a), 0);
    int8_t q[1] = {4}, hot[1] = {100}, cold[1] = {-100}, v[1] = {1};
    int64_t o[1];
    struct tfa_step st;
    assert_int_equal(tfa_decode(&a, &h, q, hot, v, o, &st), 0);
    for (int t = 0; t < 3; t++)
        assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), 0);
    assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), -1);
    assert_int_equal(h.count, 4);
    assert_int_equal(h.clock, 4);
    tfa_head_free(&h);

    a.prune = TFA_PRUNE_IMPORTANCE;
    a.recent = 1;
    assert_int_equal(tfa_head_init(&h, &a), 0);
    assert_int_equal(tfa_decode(&a, &h, q, hot, v, o, &st), 0);
    for (int t = 0; t < 3; t++)
        assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), 0);
    /* the hot token (slot 0) took all the probability; slots 1..3 have 0 (scores 800
     * below: 2^-(800*94548/2^16), far below 2^-15 -> e = 0); slot 3 is the most recent */
    assert_int_equal(h.imp[1], 0);
    assert_int_equal(h.imp[2], 0);
    assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), 0);
    assert_int_equal(st.evicted, 1); /* slots 1 and 2 tie at 0: the older goes */
    assert_int_equal(st.evicted_pos, 1);
    assert_int_equal(h.pos[1], 4);
    assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), 0);
    assert_int_equal(st.evicted, 2);
    assert_int_equal(tfa_decode(&a, &h, q, cold, v, o, &st), 0);
    assert_int_equal(st.evicted, 3); /* slot 0 (hot) survives; slot 2 (pos 5) is recent */
    tfa_head_free(&h);
}

/* Top-k keeps the k largest scores; at a tie, lower slots first. */
static void test_topk(void **state)
{
    (void)state;
    struct tfa_arch a = base(1, 4, 1);
    a.topk = 2;
    a.scale_c = 1u << 16; /* 2^-(score difference): easy to check */
    struct tfa_head h;
    assert_int_equal(tfa_head_init(&h, &a), 0);
    int8_t q[1] = {1}, k0[1] = {5}, k1[1] = {5}, k2[1] = {5}, k3[1] = {6}, v[1] = {64};
    int64_t o[1];
    struct tfa_step st;
    tfa_decode(&a, &h, q, k0, v, o, &st);
    tfa_decode(&a, &h, q, k1, v, o, &st);
    tfa_decode(&a, &h, q, k2, v, o, &st);
    assert_int_equal(st.kept, 2);              /* three equal scores: slots 0, 1 */
    assert_int_equal(h.imp[2], 0);
    tfa_decode(&a, &h, q, k3, v, o, &st);      /* scores 5, 5, 5, 6: slots 3 and 0 */
    assert_int_equal(st.kept, 2);
    assert_int_equal(st.z, (1u << 15) + (1u << 14));
    /* p = 2/3 and 1/3 of 2^15, rounded: 21845 and 10923 */
    assert_int_equal(o[0], 64LL * (21845 + 10923));
    tfa_head_free(&h);
}

/* Step cycles: 2D + CH + 2 rows CH + rows + QW + 6 (+ TPB + 1 evicting), rows = ceil(count/NB). */
static void test_step_cycles(void **state)
{
    (void)state;
    struct tfa_arch a = base(4, 16, 32); /* G = 6, QW = 15 + 15 + 6 + 1 = 37 */
    /* lanes 8: CH = 4; count 10: rows 3 -> 64 + 4 + 24 + 3 + 37 + 6 = 138 */
    assert_int_equal(tfa_step_cycles(&a, 8, 10, 0, 0), 138);
    assert_int_equal(tfa_step_cycles(&a, 8, 64, 1, 0), 64 + 4 + 128 + 16 + 37 + 6 + 17);
    assert_int_equal(tfa_step_cycles(&a, 8, 64, 0, 1), 33);
    a.topk = 10; /* applies only when more than 10 tokens are cached: + 34 rows + 33 */
    assert_int_equal(tfa_step_cycles(&a, 8, 10, 0, 0), 138);
    assert_int_equal(tfa_step_cycles(&a, 8, 11, 0, 0), 138 + 34 * 3 + 33);
    /* the halves of a step: append 1 + D + CH (+ TPB + 1 evicting); attend without the write */
    a.topk = 0;
    assert_int_equal(tfa_cmd_cycles(&a, 8, TFA_MODE_STEP, 10, 0, 0), 138);
    assert_int_equal(tfa_cmd_cycles(&a, 8, TFA_MODE_APPEND, 10, 0, 0), 1 + 32 + 4);
    assert_int_equal(tfa_cmd_cycles(&a, 8, TFA_MODE_APPEND, 64, 1, 0), 1 + 32 + 4 + 17);
    assert_int_equal(tfa_cmd_cycles(&a, 8, TFA_MODE_ATTEND, 10, 0, 0), 138 - 4);
    assert_int_equal(tfa_cmd_cycles(&a, 8, TFA_MODE_ATTEND, 10, 0, 1), 33);
}

/* Host-side int8 quantization: round half up, clamped. */
static void test_quant8(void **state)
{
    (void)state;
    assert_int_equal(tfa_quant8(0.5, 1.0), 1);
    assert_int_equal(tfa_quant8(-0.5, 1.0), 0);
    assert_int_equal(tfa_quant8(-1.6, 1.0), -2);
    assert_int_equal(tfa_quant8(1000.0, 1.0), 127);
    assert_int_equal(tfa_quant8(-1000.0, 1.0), -128);
}

static void test_check(void **state)
{
    (void)state;
    struct tfa_arch a = base(4, 16, 64);
    assert_null(tfa_check(&a));
    a.kv_bits = 6;
    assert_string_equal(tfa_check(&a), "kv_bits: 8 or 4");
    a = base(4, 16, 64);
    a.recent = 64;
    assert_string_equal(tfa_check(&a), "recent: 0..capacity-1");
    a = base(4, 16, 64);
    a.exp_frac_bits = 6;
    assert_string_equal(tfa_check(&a), "exp_frac_bits: exp_table_bits..30");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_table),   cmocka_unit_test(test_scale_const),
        cmocka_unit_test(test_compress4),   cmocka_unit_test(test_decode_exact),
        cmocka_unit_test(test_full_and_evict), cmocka_unit_test(test_topk),
        cmocka_unit_test(test_step_cycles), cmocka_unit_test(test_quant8),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests_name("attn", tests, NULL, NULL);
}
