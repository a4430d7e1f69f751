/* tf_layer.c -- golden model of the transformer layers (tf_layer.h): the block models
 * composed. Integer only; the order of the operations is the accelerator's. */
#include "tf_layer.h"

#include <stdlib.h>
#include <string.h>

#include "tf_model.h"

const char *tfl_check(const struct tfl_model *m)
{
    const struct tfl_shape *s = &m->s;
    if (s->d < 2 || s->heads < 1 || s->d_ff < 2 || s->layers < 1 || s->max_seq < 1)
        return "d, heads, d_ff, layers and max_seq must be positive (d, d_ff at least 2)";
    if (s->d % s->heads || s->d / s->heads != m->attn.head_dim)
        return "d / heads must be the attention unit's head_dim";
    if (s->max_seq > m->attn.banks * m->attn.tokens_per_bank)
        return "a cache region of max_seq tokens does not fit the attention unit's cache";
    int wide = s->d > s->d_ff ? s->d : s->d_ff;
    if (m->aux.max_d < wide || m->aux.ln_max_d < s->d)
        return "auxiliary-unit rows shorter than the layer's (max_d, ln_max_d)";
    if (m->aux.ln_out_bits != 8 || m->aux.gelu_out_bits < 8 || m->aux.res_in_bits < 8 + TFL_SH_MAX)
        return "LayerNorm must output int8, GELU at least 8 bits, and the residual operand take int8 "
               "shifted left by up to 7";
    if (!m->rom || !m->layer)
        return "missing GELU ROM or layer parameters";
    return 0;
}

int tfl_seq_init(const struct tfl_model *m, struct tfl_seq *q)
{
    int n = m->s.layers * m->s.heads;
    memset(q, 0, sizeof *q);
    q->kv = (struct tfa_head *)calloc((size_t)n, sizeof *q->kv);
    if (!q->kv)
        return TFL_E_MEM;
    for (int i = 0; i < n; i++)
        if (tfa_head_init(&q->kv[i], &m->attn) != 0) {
            tfl_seq_free(m, q);
            return TFL_E_MEM;
        }
    return TFL_OK;
}

void tfl_seq_free(const struct tfl_model *m, struct tfl_seq *q)
{
    if (q->kv)
        for (int i = 0; i < m->s.layers * m->s.heads; i++)
            tfa_head_free(&q->kv[i]);
    free(q->kv);
    memset(q, 0, sizeof *q);
}

/* acc[t x n] = x[t x k] W[k x n] on the engine (tfm_gemm) */
static int gemm8(int t, int k, int n, const int8_t *x, const int8_t *w, int64_t *acc)
{
    int32_t *a = (int32_t *)malloc(sizeof *a * (size_t)t * (size_t)k);
    int32_t *b = (int32_t *)malloc(sizeof *b * (size_t)k * (size_t)n);
    if (!a || !b) {
        free(a), free(b);
        return TFL_E_MEM;
    }
    for (size_t i = 0; i < (size_t)t * (size_t)k; i++)
        a[i] = x[i];
    for (size_t i = 0; i < (size_t)k * (size_t)n; i++)
        b[i] = w[i];
    tfm_gemm(t, k, n, a, b, acc);
    free(a), free(b);
    return TFL_OK;
}

int32_t tfl_res_shift(int32_t r, int s) { return r * (int32_t)(1 << s); }

int8_t tfl_out_shift(int64_t y, int s)
{
    int64_t v = s ? (y + ((int64_t)1 << (s - 1))) >> s : y; /* arithmetic: floor */
    return (int8_t)tfx_sat(v, 8);
}

/* One auxiliary command over t rows of d: in[t x d] -> out[t x d]; res[t x d] (int8) the
 * residual operand rows, or NULL, each column shifted left by sh[c] (sh may be NULL: 0). */
static int aux_rows_sh(const struct tfl_model *m, const struct tfx_cmd *c, int t, const int64_t *in,
                       const int8_t *res, const uint8_t *sh, int64_t *out)
{
    int d = c->d;
    int32_t *r = (int32_t *)malloc(sizeof *r * (size_t)d);
    if (!r)
        return TFL_E_MEM;
    for (int i = 0; i < t; i++) {
        if (res)
            for (int j = 0; j < d; j++)
                r[j] = tfl_res_shift(res[(size_t)i * d + j], sh ? sh[j] : 0);
        if (tfx_run(&m->aux, m->rom, c, in + (size_t)i * d, res ? r : NULL, out + (size_t)i * d) != TFX_OK) {
            free(r);
            return TFL_E_AUX;
        }
    }
    free(r);
    return TFL_OK;
}

static int aux_rows(const struct tfl_model *m, const struct tfx_cmd *c, int t, const int64_t *in,
                    const int8_t *res, int64_t *out)
{
    return aux_rows_sh(m, c, t, in, res, NULL, out);
}

/* The command of a projection: BIAS, REQUANT, then the given ops (stage order). */
static struct tfx_cmd proj_cmd(const struct tfl_proj *p, int n, int nextra, const int *extra)
{
    struct tfx_cmd c;
    memset(&c, 0, sizeof c);
    c.d = n;
    c.ops[c.nops++] = TFX_OP_BIAS;
    c.ops[c.nops++] = TFX_OP_REQUANT;
    for (int i = 0; i < nextra; i++)
        c.ops[c.nops++] = extra[i];
    c.bias = p->bias;
    c.rq_mult = p->rq_mult;
    c.rq_shift = p->rq_shift;
    return c;
}

/* y[t x n] = the projection of x[t x k] through its command c; the residual rows shifted by sh */
static int project(const struct tfl_model *m, const struct tfl_proj *p, const struct tfx_cmd *c,
                   int t, int k, const int8_t *x, const int8_t *res, const uint8_t *sh, int64_t *acc, int64_t *y)
{
    int e = gemm8(t, k, c->d, x, p->w, acc);
    return e ? e : aux_rows_sh(m, c, t, acc, res, sh, y);
}

static void to_int8_sat(size_t n, const int64_t *v, int8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (int8_t)tfx_sat(v[i], 8);
}

/* Attention of one layer: q, k, v [t x d] -> a [t x d] int8 (each head's output requantized) */
static int attention(const struct tfl_model *m, const struct tfl_layer *L, struct tfa_head *kv,
                     int t, const int8_t *q, const int8_t *k, const int8_t *v, int8_t *a)
{
    int d = m->s.d, hd = m->attn.head_dim;
    struct tfa_arch ar = m->attn;
    ar.scale_c = L->scale_c;
    int64_t *o = (int64_t *)malloc(sizeof *o * (size_t)hd);
    if (!o)
        return TFL_E_MEM;
    for (int h = 0; h < m->s.heads; h++) {
        struct tfa_head *r = &kv[h];
        if (!m->s.causal)
            for (int i = 0; i < t; i++)
                if (tfa_append(&ar, r, k + (size_t)i * d + h * hd, v + (size_t)i * d + h * hd, NULL) < 0)
                    abort(); /* tfl_run checked the length against the region */
        for (int i = 0; i < t; i++) {
            const int8_t *qi = q + (size_t)i * d + h * hd;
            if (m->s.causal) {
                if (tfa_decode(&ar, r, qi, k + (size_t)i * d + h * hd, v + (size_t)i * d + h * hd, o, NULL) < 0)
                    abort();
            } else {
                tfa_attend(&ar, r, qi, o, NULL);
            }
            for (int j = 0; j < hd; j++)
                a[(size_t)i * d + h * hd + j] = (int8_t)tfm_requant(o[j], L->ao_mult, L->ao_shift, 8);
        }
    }
    free(o);
    return TFL_OK;
}

/* One layer: x [t x d] -> y [t x d] */
static int layer(const struct tfl_model *m, const struct tfl_layer *L, struct tfa_head *kv, int t,
                 const int8_t *x, int8_t *y, int64_t *acc, int64_t *w64, int8_t *b8)
{
    const struct tfl_shape *s = &m->s;
    int d = s->d, f = s->d_ff, e;
    size_t td = (size_t)t * d, tf = (size_t)t * f;
    int8_t *xn = b8, *q = b8 + td, *k = b8 + 2 * td, *v = b8 + 3 * td, *at = b8 + 4 * td;
    int8_t *x1 = b8 + 5 * td, *hh = b8 + 6 * td; /* hh: t x f */
    /* pre-LN: the normalized input feeds Q, K, V. The int8 row enters the auxiliary unit
     * as accumulators; an identity requantization (per tensor, mult 2^31 - 1, shift 0:
     * exact for |x| < 2^30) narrows it to the LayerNorm's input width. */
    static const uint32_t id_mult = 0x7fffffffu;
    static const uint8_t id_shift = 0;
    struct tfx_cmd ln;
    memset(&ln, 0, sizeof ln);
    ln.d = d;
    ln.nops = 2;
    ln.ops[0] = TFX_OP_REQUANT;
    ln.ops[1] = TFX_OP_LAYERNORM;
    ln.rq_per_tensor = 1;
    ln.rq_mult = &id_mult;
    ln.rq_shift = &id_shift;
    if (s->pre_ln) {
        for (size_t i = 0; i < td; i++)
            w64[i] = x[i];
        ln.ln = L->ln1;
        if ((e = aux_rows(m, &ln, t, w64, NULL, acc)))
            return e;
        to_int8_sat(td, acc, xn);
    } else {
        memcpy(xn, x, td);
    }
    /* Q, K, V: bias and requantization, then the clamp to int8 */
    const struct tfl_proj *pr[3] = {&L->q, &L->k, &L->v};
    int8_t *dst[3] = {q, k, v};
    for (int i = 0; i < 3; i++) {
        struct tfx_cmd c = proj_cmd(pr[i], d, 0, NULL);
        if ((e = project(m, pr[i], &c, t, d, xn, NULL, NULL, acc, w64)))
            return e;
        to_int8_sat(td, w64, dst[i]);
    }
    if ((e = attention(m, L, kv, t, q, k, v, at)))
        return e;
    /* output projection and the first residual add (post: and LayerNorm) */
    static const int post_ops[] = {TFX_OP_RESIDUAL, TFX_OP_LAYERNORM};
    struct tfx_cmd c = proj_cmd(&L->o, d, s->pre_ln ? 1 : 2, post_ops);
    c.res = L->res1;
    c.ln = L->ln1;
    if ((e = project(m, &L->o, &c, t, d, at, x, L->sh_res1, acc, w64)))
        return e;
    to_int8_sat(td, w64, x1);
    /* pre-LN: the FFN's input is normalized */
    if (s->pre_ln) {
        for (size_t i = 0; i < td; i++)
            w64[i] = x1[i];
        ln.ln = L->ln2;
        if ((e = aux_rows(m, &ln, t, w64, NULL, acc)))
            return e;
        to_int8_sat(td, acc, xn);
    } else {
        memcpy(xn, x1, td);
    }
    /* FFN: up with GELU, down with the second residual add (post: and LayerNorm) */
    static const int gelu_op[] = {TFX_OP_GELU};
    c = proj_cmd(&L->ff1, f, 1, gelu_op);
    c.gelu = L->gelu;
    if ((e = project(m, &L->ff1, &c, t, d, xn, NULL, NULL, acc, w64)))
        return e;
    for (size_t i = 0; i < tf; i++)
        hh[i] = tfl_out_shift(w64[i], L->sh_gelu ? L->sh_gelu[i % (size_t)f] : 0);
    c = proj_cmd(&L->ff2, d, s->pre_ln ? 1 : 2, post_ops);
    c.res = L->res2;
    c.ln = L->ln2;
    if ((e = project(m, &L->ff2, &c, t, f, hh, x1, L->sh_res2, acc, w64)))
        return e;
    to_int8_sat(td, w64, y);
    return TFL_OK;
}

int tfl_run(const struct tfl_model *m, struct tfl_seq *q, int t, const int8_t *x, int8_t *y)
{
    const struct tfl_shape *s = &m->s;
    if (t < 1 || q->len + t > s->max_seq || q->done)
        return TFL_E_SEQ;
    int d = s->d, w = d > s->d_ff ? d : s->d_ff;
    size_t tw = (size_t)t * (size_t)w, td = (size_t)t * (size_t)d;
    int64_t *acc = (int64_t *)malloc(sizeof *acc * tw);
    int64_t *w64 = (int64_t *)malloc(sizeof *w64 * tw);
    int8_t *b8 = (int8_t *)malloc(6 * td + (size_t)t * (size_t)s->d_ff);
    int8_t *cur = (int8_t *)malloc(td);
    int e = TFL_OK;
    if (!acc || !w64 || !b8 || !cur)
        e = TFL_E_MEM;
    if (!e)
        memcpy(cur, x, td);
    for (int l = 0; l < s->layers && !e; l++)
        e = layer(m, &m->layer[l], &q->kv[(size_t)l * s->heads], t, cur, cur, acc, w64, b8);
    if (!e) {
        memcpy(y, cur, td);
        q->len += t;
        q->done = !s->causal;
    }
    free(acc), free(w64), free(b8), free(cur);
    return e;
}
