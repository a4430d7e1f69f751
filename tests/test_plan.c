/* test_plan.c -- plan_derive (gen/plan.c): accumulator width, tile counts,
 * widths, buffer depths and latencies, on configs that went through the
 * real parser. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_model.h"
#include "tforge.h"
#include "blocks/gemm.h"
#include "blocks/trf.h"

struct ctx {
    struct arena a;
    struct diag d;
    struct tf_config cfg;
    struct tf_plan p;
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    arena_free(&c->a);
    free(c);
    return 0;
}

/* Parse, validate and plan; any failure fails the test with tforge's message. */
static const struct gemm_plan *plan(struct ctx *c, int rows, int cols, const char *df, int w,
                                  int mm, int mk, int mn, int rq)
{
    char text[512];
    snprintf(text, sizeof text,
             "[design]\nname = t\n[array]\nrows = %d\ncols = %d\ndataflow = %s\noperand_bits = %d\n"
             "[gemm]\nmax_m = %d\nmax_k = %d\nmax_n = %d\nrequant = %s\n",
             rows, cols, df, w, mm, mk, mn, rq ? "true" : "false");
    if (setjmp(c->d.jb))
        fail_msg("config rejected: %s\n%s", c->d.msg, text);
    cfg_load_string(&c->cfg, "p.ini", text, NULL, 0, &c->a, &c->d);
    plan_derive(&c->p, &c->cfg, &c->a, &c->d);
    return plan_gemm(&c->p);
}

static int cdiv(int a, int b) { return (a + b - 1) / b; }
static int fits(long long v, int w) { return w >= 1 && w < 63 && v >= 0 && v < (1LL << w); }

/* ---- accumulator width --------------------------------------------------- */

static void test_acc_width(void **state)
{
    struct ctx *c = *state;
    static const struct { int w, k, bits; } t[] = {
        {8, 1, 16}, {8, 2, 17}, {8, 3, 17}, {8, 4, 18}, {8, 64, 22}, {16, 4096, 44}, {4, 1, 8},
        {8, 5, 18}, {8, 8, 19}, {8, 9, 19}, {4, 4096, 20}, {16, 1, 32},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const struct gemm_plan *p = plan(c, 8, 8, "os", t[i].w, 64, t[i].k, 64, 1);
        if (p->acc_bits != t[i].bits)
            fail_msg("W=%d K=%d: acc_bits %d, expected %d", t[i].w, t[i].k, p->acc_bits,
                     t[i].bits);
    }
}

static void test_acc_width_vs_model(void **state)
{
    struct ctx *c = *state;
    for (int w = 4; w <= 16; w++) {
        for (int k = 1; k <= 4096; k = k < 20 ? k + 1 : k * 3 / 2) {
            const struct gemm_plan *p = plan(c, 4, 4, w % 2 ? "ws" : "os", w, 16, k, 16, 0);
            assert_int_equal(p->acc_bits, tfm_acc_bits(w, k));
            /* the defining inequality, smallest b with K*2^(2W-2) <= 2^(b-1)-1 */
            long long worst = (long long)k << (2 * w - 2);
            assert_true(worst <= (1LL << (p->acc_bits - 1)) - 1);
            assert_true(worst > (1LL << (p->acc_bits - 2)) - 1);
        }
        for (int k = 1; k <= 4096; k++) /* the shared helper, every K */
            assert_int_equal(tf_acc_width(w, k), tfm_acc_bits(w, k));
        const struct gemm_plan *p = plan(c, 4, 4, "os", w, 16, 4096, 16, 0);
        assert_int_equal(p->acc_bits, tfm_acc_bits(w, 4096));
        assert_int_equal(p->acc_bits, 2 * w + 12);
    }
}

/* ---- tiles, widths -------------------------------------------------------- */

static void test_tiles(void **state)
{
    struct ctx *c = *state;
    const struct gemm_plan *p = plan(c, 3, 5, "os", 8, 10, 7, 11, 1);
    assert_int_equal(p->mt_max, 4); /* ceil(10/3) */
    assert_int_equal(p->nt_max, 3); /* ceil(11/5) */
    assert_int_equal(p->kt_max, 3); /* ceil(7/3) */
    assert_int_equal(p->max_rc, 5);
    p = plan(c, 8, 8, "ws", 8, 64, 64, 64, 1);
    assert_int_equal(p->mt_max, 8);
    assert_int_equal(p->nt_max, 8);
    assert_int_equal(p->kt_max, 8);
    p = plan(c, 8, 8, "os", 8, 65, 63, 57, 1);
    assert_int_equal(p->mt_max, 9);
    assert_int_equal(p->nt_max, 8);
    assert_int_equal(p->kt_max, 8);
    p = plan(c, 16, 4, "ws", 8, 5, 3, 2, 0); /* maxima below the array size */
    assert_int_equal(p->mt_max, 1);
    assert_int_equal(p->nt_max, 1);
    assert_int_equal(p->kt_max, 1);
    p = plan(c, 1, 1, "os", 8, 13, 100, 11, 0);
    assert_int_equal(p->mt_max, 13);
    assert_int_equal(p->nt_max, 11);
    assert_int_equal(p->kt_max, 100);
}

static void check_widths(const struct gemm_plan *p)
{
    char what[160];
    snprintf(what, sizeof what, "%dx%d %s max %d/%d/%d", p->rows, p->cols,
             p->dataflow == TF_OS ? "os" : "ws", p->max_m, p->max_k, p->max_n);
#define HOLDS(v, w)                                                                           \
    do {                                                                                      \
        if (!fits((v), (w)))                                                                  \
            fail_msg("%s: %s = %lld does not fit %s = %d", what, #v, (long long)(v), #w, (w)); \
    } while (0)
    /* dimension ports carry M, K, N up to the maxima inclusive, and R, C */
    HOLDS(p->max_m, p->dim_w);
    HOLDS(p->max_k, p->dim_w);
    HOLDS(p->max_n, p->dim_w);
    HOLDS(p->rows, p->dim_w);
    HOLDS(p->cols, p->dim_w);
    /* buffer addresses 0..depth-1, strides, and the shared counter width */
    HOLDS(p->a_depth - 1, p->a_addr_w);
    HOLDS(p->b_depth - 1, p->b_addr_w);
    if (p->acc_depth)
        HOLDS(p->acc_depth - 1, p->acc_addr_w);
    HOLDS(p->a_depth - 1, p->addr_w);
    HOLDS(p->b_depth - 1, p->addr_w);
    HOLDS(p->a_stride, p->addr_w);
    HOLDS(p->b_stride, p->addr_w);
    assert_true(p->addr_w >= p->dim_w);
    /* indices */
    HOLDS(p->max_m - 1, p->row_idx_w);
    HOLDS(p->rows - 1, p->row_idx_w);
    HOLDS(p->max_n - 1, p->col_idx_w);
    HOLDS(p->rows - 1, p->rowsel_w);
    HOLDS(p->max_rc - 1, p->lane_w);
    HOLDS(p->mt_max - 1, p->mt_w);
    HOLDS(p->nt_max - 1, p->nt_w);
    HOLDS(p->kt_max - 1, p->kt_w);
    /* the statistics counters hold the cycles of the largest GEMM */
    HOLDS((long long)p->mt_max * p->nt_max * p->kt_max * (p->max_m + p->max_k + 256), p->cnt_w);
#undef HOLDS
    /* and the address widths are not oversized: exactly ceil(log2(depth)) */
    assert_int_equal(p->a_addr_w, p->a_depth > 1 ? tf_clog2(p->a_depth) : 1);
    assert_int_equal(p->b_addr_w, p->b_depth > 1 ? tf_clog2(p->b_depth) : 1);
}

static void test_widths(void **state)
{
    struct ctx *c = *state;
    /* the default config: dim 7, addr 9, lane 3, row idx 6, col idx 6 */
    const struct gemm_plan *p = plan(c, 8, 8, "os", 8, 64, 64, 64, 1);
    assert_int_equal(p->dim_w, 7);
    assert_int_equal(p->addr_w, 9);
    assert_int_equal(p->lane_w, 3);
    assert_int_equal(p->row_idx_w, 6);
    assert_int_equal(p->col_idx_w, 6);
    assert_int_equal(p->cnt_w, 48);
    check_widths(p);
    p = plan(c, 8, 8, "os", 8, 63, 63, 63, 1); /* 63 fits 6 bits */
    assert_int_equal(p->dim_w, 6);
    check_widths(p);
    p = plan(c, 4, 4, "ws", 8, 4096, 16, 16, 0);
    assert_int_equal(p->dim_w, 13);
    check_widths(p);
    p = plan(c, 1, 1, "os", 8, 1, 1, 1, 0);
    check_widths(p);
    p = plan(c, 64, 64, "ws", 16, 64, 64, 64, 1);
    check_widths(p);
    /* a spread of shapes, deterministic */
    unsigned s = 12345;
    for (int i = 0; i < 400; i++) {
        s = s * 1103515245u + 12345u;
        int r = 1 + (int)(s >> 8) % 64;
        s = s * 1103515245u + 12345u;
        int cc = 1 + (int)(s >> 8) % 64;
        s = s * 1103515245u + 12345u;
        int mm = 1 + (int)(s >> 8) % 700;
        s = s * 1103515245u + 12345u;
        int mk = 1 + (int)(s >> 8) % 700;
        s = s * 1103515245u + 12345u;
        int mn = 1 + (int)(s >> 8) % 700;
        p = plan(c, r, cc, i % 2 ? "ws" : "os", 4 + i % 13, mm, mk, mn, i % 3 != 0);
        check_widths(p);
    }
}

static void test_clog2(void **state)
{
    (void)state;
    assert_int_equal(tf_clog2(0), 0);
    assert_int_equal(tf_clog2(1), 0);
    assert_int_equal(tf_clog2(2), 1);
    assert_int_equal(tf_clog2(3), 2);
    assert_int_equal(tf_clog2(4), 2);
    assert_int_equal(tf_clog2(5), 3);
    assert_int_equal(tf_clog2(4096), 12);
    assert_int_equal(tf_clog2(4097), 13);
    assert_int_equal(tf_clog2(1LL << 40), 40);
}

/* ---- buffers ----------------------------------------------------------------- */

static void test_depths_os(void **state)
{
    struct ctx *c = *state;
    const struct gemm_plan *p = plan(c, 3, 5, "os", 8, 10, 7, 11, 1);
    assert_int_equal(p->a_depth, cdiv(10, 3) * 7); /* 28: lane i, word mt*KMax + k */
    assert_int_equal(p->b_depth, cdiv(11, 5) * 7); /* 21 */
    assert_int_equal(p->acc_depth, 0);
    assert_int_equal(p->a_stride, 7);
    assert_int_equal(p->b_stride, 7);
    assert_int_equal(p->a_lane_on_col, 0);
    assert_int_equal(p->a_buf_bits, 3LL * 28 * 8);
    assert_int_equal(p->b_buf_bits, 5LL * 21 * 8);
    assert_int_equal(p->acc_buf_bits, 0);
    assert_int_equal(p->rq_prm_bits, 5LL * 3 * 36);
    assert_int_equal(p->out_data_bits, 5 * p->acc_bits);
    p = plan(c, 8, 8, "os", 8, 64, 64, 64, 1);
    assert_int_equal(p->a_depth, 512);
    assert_int_equal(p->b_depth, 512);
    assert_int_equal(p->a_buf_bits, 32768);
    assert_int_equal(p->b_buf_bits, 32768);
    assert_int_equal(p->rq_prm_bits, 8 * 8 * 36);
}

static void test_depths_ws(void **state)
{
    struct ctx *c = *state;
    const struct gemm_plan *p = plan(c, 3, 5, "ws", 8, 10, 7, 11, 0);
    assert_int_equal(p->a_depth, cdiv(7, 3) * 10); /* 30: lane i, word kt*MMax + m */
    assert_int_equal(p->b_depth, cdiv(11, 5) * 7); /* 21 */
    assert_int_equal(p->acc_depth, 10);            /* max_m */
    assert_int_equal(p->a_stride, 10);
    assert_int_equal(p->b_stride, 7);
    assert_int_equal(p->a_lane_on_col, 1);
    assert_int_equal(p->acc_buf_bits, 5LL * 10 * p->acc_bits);
    assert_int_equal(p->rq_prm_bits, 0);
    p = plan(c, 16, 12, "ws", 8, 50, 100, 37, 1);
    assert_int_equal(p->a_depth, cdiv(100, 16) * 50);
    assert_int_equal(p->b_depth, cdiv(37, 12) * 100);
    assert_int_equal(p->acc_depth, 50);
    assert_int_equal(p->acc_addr_w, 6);
    /* the same maxima as OS: only A and the accumulator buffer differ */
    struct gemm_plan ws = *p;
    p = plan(c, 16, 12, "os", 8, 50, 100, 37, 1);
    assert_int_equal(p->a_depth, cdiv(50, 16) * 100);
    assert_int_equal(p->b_depth, ws.b_depth);
    assert_int_equal(p->acc_depth, 0);
}

/* ---- latencies and the rest ----------------------------------------------------- */

static void test_latencies(void **state)
{
    struct ctx *c = *state;
    static const char *const df[] = {"os", "ws"};
    for (int d = 0; d < 2; d++) {
        for (int rq = 0; rq < 2; rq++) {
            const struct gemm_plan *p = plan(c, 4, 6, df[d], 8, 20, 20, 20, rq);
            assert_int_equal(p->dataflow, d ? TF_WS : TF_OS);
            assert_int_equal(p->lat_read, 1);
            assert_int_equal(p->lat_beat, 1);
            assert_int_equal(p->lat_feed, d ? 1 : 0);
            assert_int_equal(p->lat_rq, rq ? 2 : 0);
            assert_int_equal(p->min_period, d ? 2 : 1);
            assert_int_equal(p->requant, rq);
            assert_int_equal(p->rq_bits, rq ? 8 : 0);
        }
    }
}

static void test_copied_fields(void **state)
{
    struct ctx *c = *state;
    const struct gemm_plan *p = plan(c, 7, 3, "ws", 6, 30, 40, 50, 1);
    assert_string_equal(c->p.name, "t");
    assert_string_equal(c->p.config_path, "p.ini");
    assert_string_equal(c->p.macro, "T_");
    assert_int_equal(p->rows, 7);
    assert_int_equal(p->cols, 3);
    assert_int_equal(p->op_bits, 6);
    assert_int_equal(p->max_m, 30);
    assert_int_equal(p->max_k, 40);
    assert_int_equal(p->max_n, 50);
}

static void test_plan_print(void **state)
{
    struct ctx *c = *state;
    plan(c, 8, 8, "os", 8, 64, 64, 64, 1);
    FILE *f = tmpfile();
    assert_non_null(f);
    plan_print(&c->p, f);
    long n = ftell(f);
    assert_true(n > 0);
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    static const char *const want[] = {
        "design            t (from p.ini)\n",
        "blocks            GEMM engine\n",
        "array             8 x 8 PEs, output-stationary\n",
        "accumulator       signed 22-bit (no overflow for K <= 64)\n",
        "tiles at maxima   M/R = 8, N/C = 8\n",
        "requantization    per column, to signed 8-bit, 2-cycle stage\n",
        "A buffer          8 lanes x 512 words x 8 bits = 32768 bits\n",
        "widths            dim 7, addr 9, lane 3, row idx 6, col idx 6, counters 48\n",
        "cycle model       (T-1)*max(K,R,C) + K + C + Rlast + 3, T = ceil(M/R)*ceil(N/C)\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(buf, want[i]))
            fail_msg("plan_print lacks \"%s\" in:\n%s", want[i], buf);
    free(buf);
}

/* The register file's derived values: words per port, index widths, storage. */
static void test_trf_plan(void **state)
{
    struct ctx *c = *state;
    static const struct {
        int nr, nc, w, ports, banked;
        int nb, idx_w, row_w, col_w;
        long long bits;
    } v[] = {
        {3, 5, 12, 1, 1, 5, 3, 2, 3, 5LL * 3 * 12},       /* banks of NR words */
        {5, 3, 1, 2, 0, 5, 3, 3, 2, 15},                  /* flops: NR*NC*W */
        {1, 1, 64, 2, 0, 1, 1, 1, 1, 64},
        {64, 16, 8, 1, 1, 64, 6, 6, 4, 64LL * 64 * 8},    /* banked 4x the data */
        {16, 64, 8, 2, 1, 64, 6, 4, 6, 64LL * 16 * 8 * 2}, /* one copy per read port */
        {256, 200, 4, 1, 1, 256, 8, 8, 8, 256LL * 256 * 4},
    };
    for (volatile size_t i = 0; i < sizeof v / sizeof v[0]; i++) { /* live across setjmp */
        char text[512];
        snprintf(text, sizeof text,
                 "[design]\nname = t\n[array]\nrows = 2\ncols = 2\n[trf]\nrows = %d\ncols = %d\n"
                 "width = %d\nread_ports = %d\nimpl = %s\n",
                 v[i].nr, v[i].nc, v[i].w, v[i].ports, v[i].banked ? "banked" : "flops");
        if (setjmp(c->d.jb))
            fail_msg("config rejected: %s\n%s", c->d.msg, text);
        cfg_load_string(&c->cfg, "p.ini", text, NULL, 0, &c->a, &c->d);
        plan_derive(&c->p, &c->cfg, &c->a, &c->d);
        const struct trf_plan *t = plan_trf(&c->p);
        assert_non_null(t);
        assert_int_equal(t->nb, v[i].nb);
        assert_int_equal(t->idx_w, v[i].idx_w);
        assert_int_equal(t->row_w, v[i].row_w);
        assert_int_equal(t->col_w, v[i].col_w);
        assert_int_equal(t->bits, v[i].bits);
        assert_true(fits(v[i].nb - 1, t->idx_w)); /* every row and column index fits */
    }
    plan(c, 2, 2, "os", 8, 4, 4, 4, 1);
    assert_null(plan_trf(&c->p)); /* no [trf] section, no register file */
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* cmocka writes to stdout and stderr: keep the order */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_acc_width), T(test_acc_width_vs_model), T(test_tiles),    T(test_widths),
        T(test_clog2),     T(test_depths_os),          T(test_depths_ws), T(test_latencies),
        T(test_copied_fields), T(test_plan_print), T(test_trf_plan),
    };
#undef T
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
