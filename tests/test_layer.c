/* test_layer.c -- the golden model of the transformer layers (model/tf_layer.c).
 *
 * On random 2-layer models of width 32 (two heads of 16, FFN 64; tfi_random, the random model
 * tforge pack writes), post-LN and pre-LN, causal and bidirectional:
 *   - a causal prompt run at once, token by token, or split gives the same outputs (a prompt
 *     is its decode steps), and a bidirectional prompt's last token equals the causal one's
 *     on a single layer while its first token differs;
 *   - sequences too long, and tokens after a bidirectional prompt, are refused and change
 *     nothing;
 *   - the integer stack computes the layer it stands for: a double-precision evaluation of
 *     the same model (the real values the integer parameters mean: the requantization and
 *     residual scales, the score constant, the GELU and LayerNorm parameters; exact GELU,
 *     softmax and LayerNorm, no rounding anywhere) is within a few output LSBs of it.
 * The reference is C rather than numpy so that the unit test stays self-contained; the
 * numpy reference of a real model's layers belongs with the weight image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_image.h"
#include "tf_layer.h"
#include "tf_model.h"

enum { D = 32, H = 2, HD = 16, F = 64, NL = 2, SEQ = 16 };

static uint64_t rs;
static uint64_t next(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int irand(int lo, int hi) { return lo + (int)(next() % (uint64_t)(hi - lo + 1)); }

struct fix {
    struct tfl_model m;
    struct tfi_model img; /* the layers: tfi_random, the random model tforge pack writes */
    struct tfx_gelu_rom rom;
};

static double rq_real(uint32_t mult, int shift) { return (double)mult / 2147483648.0 / (double)(1u << shift); }

static struct fix *make(uint64_t seed, int pre_ln, int causal, int layers)
{
    struct fix *f = (struct fix *)calloc(1, sizeof *f);
    assert_non_null(f);
    rs = seed;
    struct tfl_model *m = &f->m;
    m->s = (struct tfl_shape){D, H, F, layers, SEQ, pre_ln, causal};
    m->attn = (struct tfa_arch){.banks = 4, .tokens_per_bank = 8, .head_dim = HD, .kv_bits = 8,
                                .exp_frac_bits = 24, .exp_table_bits = 8, .exp_bits = 15,
                                .prob_bits = 15, .imp_bits = 32, .prune = TFA_PRUNE_NONE};
    m->aux = (struct tfx_arch){.lanes = 4, .max_d = F, .acc_bits = 32, .bias_bits = 32, .rq_bits = 16,
                               .res_bits = 20, .res_in_bits = 16, .ln_in_bits = 20, .ln_out_bits = 8,
                               .ln_max_d = D, .gelu_in_bits = 16, .gelu_out_bits = 16};
    tfx_gelu_rom_init(&f->rom);
    m->rom = &f->rom;
    assert_int_equal(tfi_random(&m->s, &m->attn, seed, &f->img), 0);
    m->layer = f->img.layer;
    assert_null(tfl_check(m));
    return f;
}

static void destroy(struct fix *f)
{
    tfi_free(&f->img);
    free(f);
}

/* post-LN: inputs of the LayerNorm's output spread; pre-LN: a residual stream with room to
 * grow over the layers inside int8 */
static void input(int8_t *x, int t, int pre)
{
    for (int i = 0; i < t * D; i++)
        x[i] = (int8_t)(pre ? irand(-30, 30) : irand(-60, 60));
}

/* ---- the double-precision reference ------------------------------------------------ */

static void ref_proj(const struct tfl_proj *p, int t, int k, int n, const double *x, double *y)
{
    for (int i = 0; i < t; i++)
        for (int j = 0; j < n; j++) {
            double s = p->bias[j];
            for (int q = 0; q < k; q++)
                s += x[i * k + q] * p->w[q * n + j];
            y[i * n + j] = s * rq_real(p->rq_mult[j], p->rq_shift[j]);
        }
}

static double res_real(const struct tfx_res_scale *r)
{
    return (double)r->mult * pow(2.0, r->lshift - 31 - r->shift);
}

static void ref_ln(const struct tfx_ln_params *p, int t, const double *x, double *y)
{
    double e = (double)tfx_ln_eps(D, p->eps_q) / ((double)D * D);
    for (int i = 0; i < t; i++) {
        const double *r = x + i * D;
        double mu = 0, var = 0;
        for (int j = 0; j < D; j++)
            mu += r[j];
        mu /= D;
        for (int j = 0; j < D; j++)
            var += (r[j] - mu) * (r[j] - mu);
        var /= D;
        for (int j = 0; j < D; j++)
            y[i * D + j] = p->gamma[j] / 256.0 * (r[j] - mu) / sqrt(var + e) + p->beta[j] / 256.0;
    }
}

/* t tokens of one prompt through the model's layers, in reals */
static void ref_run(const struct fix *f, int t, const int8_t *x8, double *out)
{
    const struct tfl_model *m = &f->m;
    size_t n = (size_t)t * F;
    double *x = calloc(n, sizeof *x), *xn = calloc(n, sizeof *xn), *q = calloc(n, sizeof *q);
    double *k = calloc(n, sizeof *k), *v = calloc(n, sizeof *v), *a = calloc(n, sizeof *a);
    double *y = calloc(n, sizeof *y), *x1 = calloc(n, sizeof *x1), *h = calloc(n, sizeof *h);
    assert_true(x && xn && q && k && v && a && y && x1 && h);
    for (int i = 0; i < t * D; i++)
        x[i] = x8[i];
    double s_in = tfx_host_gelu_s_in(&m->layer[0].gelu), s_out = tfx_host_gelu_s_out(&m->layer[0].gelu);
    for (int l = 0; l < m->s.layers; l++) {
        const struct tfl_layer *L = &m->layer[l];
        if (m->s.pre_ln)
            ref_ln(&L->ln1, t, x, xn);
        else
            memcpy(xn, x, sizeof *x * (size_t)t * D);
        ref_proj(&L->q, t, D, D, xn, q);
        ref_proj(&L->k, t, D, D, xn, k);
        ref_proj(&L->v, t, D, D, xn, v);
        double c = (double)L->scale_c / (double)(1u << m->attn.exp_frac_bits); /* log2 units */
        double ao = rq_real(L->ao_mult, L->ao_shift) * (double)(1u << m->attn.prob_bits);
        for (int hh = 0; hh < H; hh++)
            for (int i = 0; i < t; i++) {
                int last = m->s.causal ? i : t - 1;
                double sc[SEQ], smax = -1e300, z = 0;
                for (int j = 0; j <= last; j++) {
                    double s = 0;
                    for (int e = 0; e < HD; e++)
                        s += q[i * D + hh * HD + e] * k[j * D + hh * HD + e];
                    sc[j] = s;
                    smax = s > smax ? s : smax;
                }
                for (int j = 0; j <= last; j++)
                    z += (sc[j] = exp2(c * (sc[j] - smax)));
                for (int e = 0; e < HD; e++) {
                    double o = 0;
                    for (int j = 0; j <= last; j++)
                        o += sc[j] / z * v[j * D + hh * HD + e];
                    a[i * D + hh * HD + e] = o * ao;
                }
            }
        ref_proj(&L->o, t, D, D, a, y);
        for (int i = 0; i < t * D; i++)
            y[i] += x[i] * ldexp(res_real(&L->res1), L->sh_res1[i % D]);
        if (m->s.pre_ln) {
            memcpy(x1, y, sizeof *y * (size_t)t * D);
            ref_ln(&L->ln2, t, x1, xn);
        } else {
            ref_ln(&L->ln1, t, y, x1);
            memcpy(xn, x1, sizeof *x1 * (size_t)t * D);
        }
        ref_proj(&L->ff1, t, D, F, xn, h);
        for (int i = 0; i < t * F; i++)
            h[i] = ldexp((double)tfx_host_gelu_exact((long double)(h[i] * s_in)) / s_out, -L->sh_gelu[i % F]);
        ref_proj(&L->ff2, t, F, D, h, y);
        for (int i = 0; i < t * D; i++)
            y[i] += x1[i] * ldexp(res_real(&L->res2), L->sh_res2[i % D]);
        if (m->s.pre_ln)
            memcpy(x, y, sizeof *y * (size_t)t * D);
        else
            ref_ln(&L->ln2, t, y, x);
    }
    memcpy(out, x, sizeof *x * (size_t)t * D);
    free(x), free(xn), free(q), free(k), free(v), free(a), free(y), free(x1), free(h);
}

/* ---- tests ------------------------------------------------------------------------ */

static void run_ok(const struct fix *f, struct tfl_seq *s, int t, const int8_t *x, int8_t *y)
{
    int e = tfl_run(&f->m, s, t, x, y);
    if (e != TFL_OK)
        fail_msg("tfl_run of %d tokens: %d", t, e);
}

static void test_check(void **state)
{
    (void)state;
    struct fix *f = make(1, 0, 1, NL);
    struct tfl_model m = f->m;
    m.s.heads = 3;
    assert_non_null(tfl_check(&m));
    m = f->m;
    m.s.max_seq = 33; /* the cache holds 4 x 8 */
    assert_non_null(tfl_check(&m));
    m = f->m;
    m.aux.ln_max_d = D - 1;
    assert_non_null(tfl_check(&m));
    m = f->m;
    m.aux.gelu_out_bits = 7;
    assert_non_null(tfl_check(&m));
    m = f->m;
    m.aux.res_in_bits = 14; /* int8 shifted left by 7 needs 15 */
    assert_non_null(tfl_check(&m));
    destroy(f);
}

/* a causal prompt at once = token by token = in two pieces (pre-LN and post-LN) */
static void test_prefill_is_decode(void **state)
{
    (void)state;
    for (int pre = 0; pre < 2; pre++) {
        struct fix *f = make(10 + (uint64_t)pre, pre, 1, NL);
        int8_t x[12 * D], y1[12 * D], y2[12 * D], y3[12 * D];
        input(x, 12, pre);
        struct tfl_seq a, b, c;
        assert_int_equal(tfl_seq_init(&f->m, &a), 0);
        assert_int_equal(tfl_seq_init(&f->m, &b), 0);
        assert_int_equal(tfl_seq_init(&f->m, &c), 0);
        run_ok(f, &a, 12, x, y1);
        for (int i = 0; i < 12; i++)
            run_ok(f, &b, 1, x + i * D, y2 + i * D);
        run_ok(f, &c, 7, x, y3);
        run_ok(f, &c, 5, x + 7 * D, y3 + 7 * D);
        assert_memory_equal(y1, y2, sizeof y1);
        assert_memory_equal(y1, y3, sizeof y1);
        assert_int_equal(a.len, 12);
        int nz = 0;
        for (int i = 0; i < 12 * D; i++)
            nz += y1[i] != 0;
        assert_true(nz > 12 * D / 2); /* the outputs are not degenerate */
        tfl_seq_free(&f->m, &a);
        tfl_seq_free(&f->m, &b);
        tfl_seq_free(&f->m, &c);
        destroy(f);
    }
}

/* one layer: the bidirectional prompt's last token sees what the causal one sees */
static void test_bidirectional(void **state)
{
    (void)state;
    struct fix *fc = make(20, 0, 1, 1), *fb = make(20, 0, 0, 1);
    int8_t x[9 * D], yc[9 * D], yb[9 * D];
    input(x, 9, 0);
    struct tfl_seq c, b;
    assert_int_equal(tfl_seq_init(&fc->m, &c), 0);
    assert_int_equal(tfl_seq_init(&fb->m, &b), 0);
    run_ok(fc, &c, 9, x, yc);
    run_ok(fb, &b, 9, x, yb);
    assert_memory_equal(yc + 8 * D, yb + 8 * D, D);
    assert_memory_not_equal(yc, yb, D);
    /* nothing may follow a bidirectional prompt */
    assert_int_equal(tfl_run(&fb->m, &b, 1, x, yb), TFL_E_SEQ);
    assert_int_equal(b.len, 9);
    tfl_seq_free(&fc->m, &c);
    tfl_seq_free(&fb->m, &b);
    destroy(fc);
    destroy(fb);
}

/* more than max_seq tokens: refused, the sequence unchanged */
static void test_seq_limit(void **state)
{
    (void)state;
    struct fix *f = make(30, 0, 1, NL);
    int8_t x[SEQ * D], y[SEQ * D], y2[SEQ * D];
    input(x, SEQ, 0);
    struct tfl_seq a, b;
    assert_int_equal(tfl_seq_init(&f->m, &a), 0);
    assert_int_equal(tfl_seq_init(&f->m, &b), 0);
    run_ok(f, &a, SEQ - 2, x, y);
    assert_int_equal(tfl_run(&f->m, &a, 3, x, y2), TFL_E_SEQ);
    assert_int_equal(tfl_run(&f->m, &a, 0, x, y2), TFL_E_SEQ);
    assert_int_equal(a.len, SEQ - 2);
    run_ok(f, &a, 2, x + (SEQ - 2) * D, y + (SEQ - 2) * D);
    run_ok(f, &b, SEQ, x, y2);
    assert_memory_equal(y, y2, sizeof y);
    assert_int_equal(tfl_run(&f->m, &a, 1, x, y2), TFL_E_SEQ);
    tfl_seq_free(&f->m, &a);
    tfl_seq_free(&f->m, &b);
    destroy(f);
}

/* the integer stack against the real-valued layers it stands for */
static void test_vs_reference(void **state)
{
    (void)state;
    for (int cfg = 0; cfg < 4; cfg++) {
        int pre = cfg & 1, causal = !(cfg & 2), t = 12;
        struct fix *f = make(40 + (uint64_t)cfg, pre, causal, NL);
        int8_t x[12 * D], y[12 * D];
        double r[12 * D];
        input(x, t, pre);
        struct tfl_seq s;
        assert_int_equal(tfl_seq_init(&f->m, &s), 0);
        run_ok(f, &s, t, x, y);
        ref_run(f, t, x, r);
        double sum = 0, mx = 0, sd = 0;
        for (int i = 0; i < t * D; i++) {
            double e = fabs(y[i] - r[i]);
            sum += e;
            mx = e > mx ? e : mx;
            sd += r[i] * r[i];
        }
        double mean = sum / (t * D);
        sd = sqrt(sd / (t * D));
        printf("layer stack (%s-LN, %s, %d layers, %d tokens): |int - real| mean %.3f, max %.3f LSB "
               "(outputs' rms %.1f LSB)\n", pre ? "pre" : "post", causal ? "causal" : "bidirectional",
               NL, t, mean, mx, sd);
        /* Each int8 rounding is at most 1/2 LSB; a layer rounds Q, K, V, the attention output,
         * the projections and the FFN before its outputs, and LayerNorm rescales by about
         * gamma / sigma. A wiring mistake (a wrong residual, a missing bias or scale) costs
         * tens of LSBs on most elements. */
        if (mean > 1.5 || mx > 8.0)
            fail_msg("the integer layers are %.3f LSB (mean), %.3f (max) from the reference", mean, mx);
        assert_true(sd > 10.0);
        tfl_seq_free(&f->m, &s);
        destroy(f);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_prefill_is_decode),
        cmocka_unit_test(test_bidirectional),
        cmocka_unit_test(test_seq_limit),
        cmocka_unit_test(test_vs_reference),
    };
    return cmocka_run_group_tests_name("layer", tests, NULL, NULL);
}
