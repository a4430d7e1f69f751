/* tf_image_host.c -- host-side (double precision) part of the weight image: a random model
 * whose integer parameters stand for sensible real scales (`tforge pack --random`, the
 * harnesses). Not part of the bit-exact model. */
#include "tf_image.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int irand(uint64_t *s, int lo, int hi) { return lo + (int)(next(s) % (uint64_t)(hi - lo + 1)); }
static double urand(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next(s) >> 11) / 9007199254740992.0;
}

/* Weights uniform in -64..64 (37 LSB rms); a requantization per column that brings the
 * accumulators of inputs of in_sd LSB rms to about `target` LSB rms (x 0.8..1.2), and a bias
 * of up to a quarter of the accumulators' spread. */
static void proj(uint64_t *rs, struct tfl_proj *p, uint8_t **mp, int k, int n, double in_sd, double target)
{
    int8_t *w = (int8_t *)*mp;
    *mp += (size_t)k * n;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    int32_t *bias = (int32_t *)*mp;
    *mp += 4 * (size_t)n;
    uint32_t *mult = (uint32_t *)*mp;
    *mp += 4 * (size_t)n;
    uint8_t *shift = *mp;
    *mp += (size_t)n;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    for (size_t i = 0; i < (size_t)k * n; i++)
        w[i] = (int8_t)irand(rs, -64, 64);
    double acc_sd = sqrt((double)k) * in_sd * 37.0;
    for (int j = 0; j < n; j++) {
        int sh;
        tfx_host_rq_fit(target / acc_sd * urand(rs, 0.8, 1.2), &mult[j], &sh);
        shift[j] = (uint8_t)sh;
        bias[j] = irand(rs, -(int)(acc_sd / 4), (int)(acc_sd / 4));
    }
    p->w = w;
    p->bias = bias;
    p->rq_mult = mult;
    p->rq_shift = shift;
}

static void ln(uint64_t *rs, struct tfx_ln_params *p, uint8_t **mp, int d)
{
    int32_t *beta = (int32_t *)*mp;
    *mp += 4 * (size_t)d;
    int16_t *gamma = (int16_t *)*mp;
    *mp += 2 * (size_t)d;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    for (int i = 0; i < d; i++) {
        gamma[i] = (int16_t)irand(rs, 24 * 256, 40 * 256); /* 24..40 output LSBs per unit */
        beta[i] = irand(rs, -1024, 1024);                  /* +-4 output LSBs */
    }
    p->gamma = gamma;
    p->beta = beta;
    p->gamma_frac = 8;
    p->beta_frac = 8;
    p->eps_q = 1u << 16;
}

int tfi_random(const struct tfl_shape *s, const struct tfa_arch *at, uint64_t seed, struct tfi_model *out)
{
    memset(out, 0, sizeof *out);
    size_t per = 0;
    int dims[6][2] = {{s->d, s->d}, {s->d, s->d}, {s->d, s->d}, {s->d, s->d}, {s->d, s->d_ff}, {s->d_ff, s->d}};
    for (int p = 0; p < 6; p++)
        per += (size_t)dims[p][0] * dims[p][1] + 9 * (size_t)dims[p][1] + 16;
    per += 2 * (6 * (size_t)s->d + 8);
    per += 2 * (size_t)s->d + (size_t)s->d_ff + 8; /* the per-column shifts */
    out->layer = (struct tfl_layer *)calloc((size_t)s->layers, sizeof *out->layer);
    out->mem = malloc(per * (size_t)s->layers + 8);
    if (!out->layer || !out->mem) {
        tfi_free(out);
        return -1;
    }
    uint64_t rs = seed;
    uint8_t *mp = (uint8_t *)out->mem;
    /* pre-LN: the residual stream stays int8, so each block adds less to it */
    double res_target = s->pre_ln ? 8.0 : 32.0;
    for (int l = 0; l < s->layers; l++) {
        struct tfl_layer *L = &out->layer[l];
        proj(&rs, &L->q, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->k, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->v, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->o, &mp, s->d, s->d, 24, res_target);
        proj(&rs, &L->ff1, &mp, s->d, s->d_ff, 32, 32);
        proj(&rs, &L->ff2, &mp, s->d_ff, s->d, 12, res_target);
        /* scores of q, k of 32 LSB rms: about 1.5 real units of spread after 1/sqrt(D) */
        L->scale_c = tfa_scale_const_real(urand(&rs, 1.0, 2.0) / 1024.0, at->head_dim, at->exp_frac_bits);
        int sh;
        tfx_host_rq_fit(urand(&rs, 0.9, 1.1) / (double)(1u << at->prob_bits), &L->ao_mult, &sh);
        L->ao_shift = (uint8_t)sh;
        L->res1 = tfx_host_res_scale(s->pre_ln ? 1.0 : urand(&rs, 0.8, 1.2));
        L->res2 = tfx_host_res_scale(s->pre_ln ? 1.0 : urand(&rs, 0.8, 1.2));
        ln(&rs, &L->ln1, &mp, s->d);
        ln(&rs, &L->ln2, &mp, s->d);
        /* per-column shifts: post-LN, residual operands shifted by 0..2 (their ratio halved,
         * so a channel's operand keeps about its size on average); pre-LN, none (the stream
         * would grow block after block). The GELU output at half the int8 LSB, shifted right
         * by 1 or 2 (about 32 or 16 LSB rms after it). */
        uint8_t *shv = mp;
        mp += 2 * (size_t)s->d + (size_t)s->d_ff;
        mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
        for (int c = 0; c < 2 * s->d; c++)
            shv[c] = s->pre_ln ? 0 : (uint8_t)irand(&rs, 0, 2);
        for (int c = 0; c < s->d_ff; c++)
            shv[2 * s->d + c] = (uint8_t)irand(&rs, 1, 2);
        L->sh_res1 = shv;
        L->sh_res2 = shv + s->d;
        L->sh_gelu = shv + 2 * (size_t)s->d;
        if (!s->pre_ln) {
            L->res1.mult /= 2; /* mult in [2^30, 2^31): halved, still legal */
            L->res2.mult /= 2;
        }
        L->gelu = tfx_host_gelu_scale(1.0 / 32.0, 1.0 / 64.0);
    }
    return 0;
}

/* ---- a float (BERT, post-LN) model: its layers in double, and its quantization ---------- */

/* y[t x n] = x[t x k] W^T + b, W [n][k] */
static void linear(int t, int k, int n, const double *x, const float *w, const float *b, double *y)
{
    for (int i = 0; i < t; i++)
        for (int j = 0; j < n; j++) {
            double s = b[j];
            for (int q = 0; q < k; q++)
                s += x[(size_t)i * k + q] * w[(size_t)j * k + q];
            y[(size_t)i * n + j] = s;
        }
}

static void layernorm(int t, int d, const double *x, const float *g, const float *b, double eps, double *y)
{
    for (int i = 0; i < t; i++) {
        const double *r = x + (size_t)i * d;
        double mu = 0, var = 0;
        for (int j = 0; j < d; j++)
            mu += r[j];
        mu /= d;
        for (int j = 0; j < d; j++)
            var += (r[j] - mu) * (r[j] - mu);
        var /= d;
        double inv = 1.0 / sqrt(var + eps);
        for (int j = 0; j < d; j++)
            y[(size_t)i * d + j] = g[j] * (r[j] - mu) * inv + b[j];
    }
}

static double gelu(double x) { return 0.5 * x * erfc(-x / sqrt(2.0)); }

/* the tensors one layer's calibration records */
enum { M_X, M_Q, M_K, M_V, M_A, M_O, M_S1, M_X1, M_U, M_H, M_F, M_S2, M_Y, M_N };

/* the int8 tensors, whose scale a percentile may set (the 16-bit ones keep the maximum) */
static int m_int8(int m) { return m != M_O && m != M_S1 && m != M_U && m != M_F && m != M_S2; }

/* A calibration record: every tensor's largest magnitude, and with a percentile below 100
 * every magnitude of the int8 tensors (float, to find the percentile at the end). */
struct fbuf {
    float *v;
    size_t n, cap;
};
struct crec {
    double *mx;      /* layers x M_N */
    struct fbuf *fb; /* layers x M_N, or NULL */
    double *cmx;     /* per channel: layers x (d of X, d of X1, d_ff of H), or NULL */
    int d, f, oom;
};

/* per-channel maxima of the tensors that take per-column scales (X, X1: t x d; H: t x d_ff) */
static void rec_ch(struct crec *r, int l, int m, const double *a, int t)
{
    if (!r || !r->cmx)
        return;
    int n = m == M_H ? r->f : r->d;
    double *c = r->cmx + (size_t)l * (2 * (size_t)r->d + (size_t)r->f) + (m == M_X ? 0 : m == M_X1 ? (size_t)r->d
                                                                                                     : 2 * (size_t)r->d);
    for (int i = 0; i < t; i++)
        for (int j = 0; j < n; j++)
            c[j] = fmax(c[j], fabs(a[(size_t)i * n + j]));
}

static void rec(struct crec *r, int l, int m, const double *a, size_t n)
{
    if (!r)
        return;
    double *mx = &r->mx[(size_t)l * M_N + m];
    for (size_t i = 0; i < n; i++)
        *mx = fmax(*mx, fabs(a[i]));
    if (!r->fb || !m_int8(m))
        return;
    struct fbuf *b = &r->fb[(size_t)l * M_N + m];
    if (b->n + n > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 4096) + n;
        float *v = (float *)realloc(b->v, cap * sizeof *v);
        if (!v) {
            r->oom = 1;
            return;
        }
        b->v = v;
        b->cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        b->v[b->n++] = (float)fabs(a[i]);
}

/* one layer on t tokens; r (may be NULL) records its tensors as layer l */
static void float_layer(const struct tfi_float_model *fm, const struct tfi_float_layer *L, int t, const double *x,
                        double *y, struct crec *r, int l)
{
    const struct tfl_shape *s = &fm->s;
    int d = s->d, f = s->d_ff, hd = d / s->heads;
    size_t td = (size_t)t * d, tf = (size_t)t * f;
    double *q = (double *)calloc(td, sizeof *q), *k = (double *)calloc(td, sizeof *k), *v = (double *)calloc(td, sizeof *v);
    double *a = (double *)calloc(td, sizeof *a), *o = (double *)calloc(td, sizeof *o), *x1 = (double *)calloc(td, sizeof *x1);
    double *u = (double *)calloc(tf, sizeof *u), *f2 = (double *)calloc(td, sizeof *f2), *sc = (double *)calloc((size_t)t, sizeof *sc);
    if (!q || !k || !v || !a || !o || !x1 || !u || !f2 || !sc)
        abort();
    rec(r, l, M_X, x, td);
    rec_ch(r, l, M_X, x, t);
    linear(t, d, d, x, L->wq, L->bq, q);
    linear(t, d, d, x, L->wk, L->bk, k);
    linear(t, d, d, x, L->wv, L->bv, v);
    for (int h = 0; h < s->heads; h++)
        for (int i = 0; i < t; i++) {
            int last = s->causal ? i : t - 1;
            double m = -1e300, z = 0;
            for (int j = 0; j <= last; j++) {
                double e = 0;
                for (int c = 0; c < hd; c++)
                    e += q[(size_t)i * d + h * hd + c] * k[(size_t)j * d + h * hd + c];
                sc[j] = e / sqrt((double)hd);
                m = sc[j] > m ? sc[j] : m;
            }
            for (int j = 0; j <= last; j++)
                z += (sc[j] = exp(sc[j] - m));
            for (int c = 0; c < hd; c++) {
                double acc = 0;
                for (int j = 0; j <= last; j++)
                    acc += sc[j] / z * v[(size_t)j * d + h * hd + c];
                a[(size_t)i * d + h * hd + c] = acc;
            }
        }
    rec(r, l, M_Q, q, td);
    rec(r, l, M_K, k, td);
    rec(r, l, M_V, v, td);
    rec(r, l, M_A, a, td);
    linear(t, d, d, a, L->wo, L->bo, o);
    rec(r, l, M_O, o, td);
    for (size_t i = 0; i < td; i++)
        x1[i] = x[i] + o[i];
    rec(r, l, M_S1, x1, td);
    layernorm(t, d, x1, L->ln1g, L->ln1b, fm->ln_eps, x1);
    rec(r, l, M_X1, x1, td);
    rec_ch(r, l, M_X1, x1, t);
    linear(t, d, f, x1, L->w1, L->b1, u);
    rec(r, l, M_U, u, tf);
    for (size_t i = 0; i < tf; i++)
        u[i] = gelu(u[i]);
    rec(r, l, M_H, u, tf);
    rec_ch(r, l, M_H, u, t);
    linear(t, f, d, u, L->w2, L->b2, f2);
    rec(r, l, M_F, f2, td);
    for (size_t i = 0; i < td; i++)
        y[i] = x1[i] + f2[i];
    rec(r, l, M_S2, y, td);
    layernorm(t, d, y, L->ln2g, L->ln2b, fm->ln_eps, y);
    rec(r, l, M_Y, y, td);
    free(q), free(k), free(v), free(a), free(o), free(x1), free(u), free(f2), free(sc);
}

void tfi_float_run(const struct tfi_float_model *fm, int t, const double *x, double *y)
{
    size_t td = (size_t)t * fm->s.d;
    double *cur = (double *)malloc(sizeof *cur * td);
    if (!cur)
        abort();
    memcpy(cur, x, sizeof *cur * td);
    for (int l = 0; l < fm->s.layers; l++)
        float_layer(fm, &fm->layer[l], t, cur, cur, NULL, l);
    memcpy(y, cur, sizeof *y * td);
    free(cur);
}

static double gauss(uint64_t *rs)
{
    double u1 = (double)((next(rs) >> 11) + 1) / 9007199254740993.0, u2 = (double)(next(rs) >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* weights [n][k] float -> K x N int8 (per output column j: max |w| -> 127); sw[j]. tin (may
 * be NULL): input row q carries the factor 2^-tin[q] (its activations' per-channel scale, which
 * the weights absorb: x_q w = (x_q / s_q) (s_q w) with s_q = s_in 2^-tin[q]) */
static int qweights(const float *w, int k, int n, const uint8_t *tin, int8_t *out, double *sw)
{
    for (int j = 0; j < n; j++) {
        double m = 0;
        for (int q = 0; q < k; q++) {
            double a = fabs((double)w[(size_t)j * k + q]) * (tin ? ldexp(1, -tin[q]) : 1);
            if (a != a || a > 1e30)
                return -1;
            m = fmax(m, a);
        }
        sw[j] = m > 0 ? m / 127.0 : 1.0;
        for (int q = 0; q < k; q++) {
            double r = nearbyint((double)w[(size_t)j * k + q] * (tin ? ldexp(1, -tin[q]) : 1) / sw[j]);
            out[(size_t)q * n + j] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
        }
    }
    return 0;
}

/* bias and requantization of a projection: acc (units s_in * sw[j]) -> s_out */
static int qproj(const float *b, int n, double s_in, const double *sw, double s_out, int32_t *bias, uint32_t *mult,
                 uint8_t *shift)
{
    for (int j = 0; j < n; j++) {
        double unit = s_in * sw[j], m = unit / s_out;
        double bi = nearbyint((double)b[j] / unit);
        if (!(m > 0 && m < 1) || !(fabs(bi) < 2147483647.0))
            return -1;
        int sh;
        tfx_host_rq_fit(m, &mult[j], &sh);
        if (mult[j] > 0x7fffffffu || sh < 0 || sh > 31)
            return -1;
        shift[j] = (uint8_t)sh;
        bias[j] = (int32_t)bi;
    }
    return 0;
}

/* LayerNorm parameters for inputs in units of s_in, outputs in units of s_out 2^tout[i] (tout
 * may be NULL: 0), the output's per-channel scale folded into gamma and beta */
static double ch_scale(double s, const uint8_t *t, int i) { return t ? ldexp(s, -t[i]) : s; }

static int qln(const float *g, const float *b, int d, double eps, double s_in, double s_out, const uint8_t *tout,
               struct tfx_ln_params *p, int16_t *gamma, int32_t *beta)
{
    double gm = 0, bm = 0;
    for (int i = 0; i < d; i++) {
        gm = fmax(gm, fabs((double)g[i] / ch_scale(s_out, tout, i)));
        bm = fmax(bm, fabs((double)b[i] / ch_scale(s_out, tout, i)));
    }
    int gf = 15, bf = 16;
    while (gf > 0 && gm * (double)(1 << gf) > 32767.0)
        gf--;
    while (bf > 0 && bm * (double)(1 << bf) > 2147483647.0)
        bf--;
    if (gm * (double)(1 << gf) > 32767.0 || bm * (double)(1 << bf) > 2147483647.0)
        return -1;
    for (int i = 0; i < d; i++) {
        gamma[i] = (int16_t)nearbyint((double)g[i] / ch_scale(s_out, tout, i) * (double)(1 << gf));
        beta[i] = (int32_t)nearbyint((double)b[i] / ch_scale(s_out, tout, i) * (double)(1 << bf));
    }
    double eq = nearbyint(eps / (s_in * s_in) * 65536.0);
    p->gamma = gamma;
    p->beta = beta;
    p->gamma_frac = gf;
    p->beta_frac = bf;
    p->eps_q = eq > 4294967295.0 ? 0xffffffffu : (uint32_t)eq;
    return 0;
}

static int qfail(char *err, size_t errn, int l, const char *what)
{
    snprintf(err, errn, "layer %d: %s", l, what);
    return -1;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int tfi_quantize(const struct tfi_float_model *fm, const struct tfa_arch *at, const struct tfx_arch *ax,
                 const struct tfi_calib *cal, struct tfi_model *out, double *in_scale, double *out_scale, char *err,
                 size_t errn)
{
    const struct tfl_shape *s = &fm->s;
    int d = s->d, f = s->d_ff, nl = s->layers;
    memset(out, 0, sizeof *out);
    (void)ax;
    /* calibration: every tensor of every layer recorded over the calibration sequences */
    int synth = cal->n == 0, nseq = synth ? cal->synth_seqs : cal->n;
    int maxt = synth ? cal->synth_tokens : 0;
    for (int c = 0; c < cal->n; c++)
        maxt = cal->len[c] > maxt ? cal->len[c] : maxt;
    double *mx = (double *)calloc((size_t)nl * M_N, sizeof *mx);
    struct fbuf *fb = cal->pct < 100 ? (struct fbuf *)calloc((size_t)nl * M_N, sizeof *fb) : NULL;
    size_t cw = 2 * (size_t)d + (size_t)f; /* per layer: X, X1, H channels */
    double *cmx = (double *)calloc((size_t)nl * cw, sizeof *cmx);
    size_t td = (size_t)maxt * d;
    double *x = (double *)malloc(sizeof *x * (td ? td : 1)), *y = (double *)malloc(sizeof *y * (td ? td : 1));
    struct crec r = {mx, fb, cmx, d, f, 0};
    if (!mx || !x || !y || !cmx || (cal->pct < 100 && !fb)) {
        free(mx), free(fb), free(x), free(y), free(cmx);
        snprintf(err, errn, "out of memory");
        return -1;
    }
    uint64_t rs = cal->seed;
    for (int c = 0; c < nseq && !r.oom; c++) {
        int t = synth ? cal->synth_tokens : cal->len[c];
        for (size_t i = 0; i < (size_t)t * d; i++)
            x[i] = synth ? gauss(&rs) : cal->x[c][i];
        for (int l = 0; l < nl; l++) {
            float_layer(fm, &fm->layer[l], t, x, y, &r, l);
            memcpy(x, y, sizeof *x * (size_t)t * d);
        }
    }
    free(x), free(y);
    /* a percentile below 100: the int8 tensors' scale from that percentile of |x| */
    for (int i = 0; fb && i < nl * M_N; i++) {
        if (!r.oom && fb[i].n) {
            qsort(fb[i].v, fb[i].n, sizeof *fb[i].v, cmp_float);
            size_t at_i = (size_t)ceil(cal->pct / 100.0 * (double)fb[i].n);
            mx[i] = fb[i].v[at_i ? at_i - 1 : 0];
        }
        free(fb[i].v);
    }
    free(fb);
    if (r.oom) {
        free(mx), free(cmx);
        snprintf(err, errn, "out of memory");
        return -1;
    }
    for (int i = 0; i < nl * M_N; i++)
        if (!(mx[i] > 0) || mx[i] > 1e30) {
            snprintf(err, errn, "layer %d: a tensor of the calibration run is %s", i / M_N,
                     mx[i] > 0 ? "not finite" : "zero everywhere");
            free(mx), free(cmx);
            return -1;
        }
    /* per-channel scales (docs/numerics.md 12.1): channel c of X, X1 and H gets the scale
     * S 2^-t[c], S the tensor's, t[c] = floor(-a log2(max |x_c| / max |x|)) clipped to
     * 0..TFL_SH_MAX (a = 0.75 for the LayerNorm outputs X and X1, 0.5 for the GELU output H):
     * SmoothQuant's migration with powers of two, which the epilogue's per-column shifts undo
     * exactly on the residual operands and the GELU output. Layer 0's input and the last
     * layer's output stay per tensor (the host quantizes and reads them). */
    uint8_t *tch = (uint8_t *)calloc((size_t)(nl + 1) * cw, 1); /* layer l: X, X1, H; layer nl: none */
    if (!tch) {
        free(mx), free(cmx);
        snprintf(err, errn, "out of memory");
        return -1;
    }
    for (int l = 0; l < nl && cal->per_channel; l++)
        for (int part = l ? 0 : 1; part < 3; part++) {
            int n = part == 2 ? f : d;
            size_t o = (size_t)l * cw + (part ? (size_t)d * (size_t)part : 0);
            double a = part == 2 ? 0.5 : 0.75, top = 0;
            for (int c = 0; c < n; c++)
                top = fmax(top, cmx[o + (size_t)c]);
            for (int c = 0; c < n; c++) {
                double rel = cmx[o + (size_t)c] / top;
                double t = rel > 0 ? floor(-a * log2(rel)) : TFL_SH_MAX;
                tch[o + (size_t)c] = (uint8_t)(t < 0 ? 0 : t > TFL_SH_MAX ? TFL_SH_MAX : t);
            }
        }
    free(cmx);
    /* the integer model */
    size_t per = 0;
    int dims[6][2] = {{d, d}, {d, d}, {d, d}, {d, d}, {d, f}, {f, d}};
    for (int p = 0; p < 6; p++)
        per += (size_t)dims[p][0] * dims[p][1] + 9 * (size_t)dims[p][1] + 16;
    per += 2 * (6 * (size_t)d + 8);
    per += cw + 24; /* the per-column shifts */
    out->layer = (struct tfl_layer *)calloc((size_t)nl, sizeof *out->layer);
    out->mem = malloc(per * (size_t)nl + 8);
    double *sw = (double *)malloc(sizeof *sw * (size_t)(d > f ? d : f));
    if (!out->layer || !out->mem || !sw) {
        free(mx), free(sw), free(tch);
        tfi_free(out);
        snprintf(err, errn, "out of memory");
        return -1;
    }
    uint8_t *mp = (uint8_t *)out->mem;
    int e = 0;
    double sx = mx[M_X] / 127.0; /* the input of layer 0 */
    *in_scale = sx;
    for (int l = 0; l < nl && !e; l++) {
        const double *m = mx + (size_t)l * M_N;
        const struct tfi_float_layer *F = &fm->layer[l];
        struct tfl_layer *L = &out->layer[l];
        /* the channel exponents of this layer's X, X1, H and of the next layer's X (its LN2's output) */
        const uint8_t *tx = tch + (size_t)l * cw, *tx1 = tx + d, *th = tx + 2 * (size_t)d;
        const uint8_t *ty = tch + (size_t)(l + 1) * cw;
        int Tx = 0, Tx1 = 0, Th = 0;
        for (int c = 0; c < d; c++) {
            Tx = tx[c] > Tx ? tx[c] : Tx;
            Tx1 = tx1[c] > Tx1 ? tx1[c] : Tx1;
        }
        for (int c = 0; c < f; c++)
            Th = th[c] > Th ? th[c] : Th;
        double s_q = m[M_Q] / 127, s_k = m[M_K] / 127, s_v = m[M_V] / 127, s_a = m[M_A] / 127;
        double s_o = fmax(m[M_O], m[M_S1]) * 1.25 / 32767, s_x1 = m[M_X1] / 127;
        double s_u = m[M_U] * 1.25 / 32767, s_h = m[M_H] / 127;
        double s_f = fmax(m[M_F], m[M_S2]) * 1.25 / 32767, s_y = m[M_Y] / 127;
        struct {
            struct tfl_proj *p;
            const float *w, *b;
            int k, n;
            double s_in, s_out;
            const uint8_t *tin; /* the input's channel exponents */
        } pj[6] = {{&L->q, F->wq, F->bq, d, d, sx, s_q, tx},        {&L->k, F->wk, F->bk, d, d, sx, s_k, tx},
                   {&L->v, F->wv, F->bv, d, d, sx, s_v, tx},        {&L->o, F->wo, F->bo, d, d, s_a, s_o, NULL},
                   {&L->ff1, F->w1, F->b1, d, f, s_x1, s_u, tx1}, {&L->ff2, F->w2, F->b2, f, d, s_h, s_f, th}};
        for (int p = 0; p < 6 && !e; p++) {
            int8_t *w = (int8_t *)mp;
            mp += (size_t)pj[p].k * pj[p].n;
            mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
            int32_t *bias = (int32_t *)mp;
            mp += 4 * (size_t)pj[p].n;
            uint32_t *mult = (uint32_t *)mp;
            mp += 4 * (size_t)pj[p].n;
            uint8_t *shift = mp;
            mp += (size_t)pj[p].n;
            mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
            static const char *const pname[6] = {"query", "key", "value", "attention output", "FFN up", "FFN down"};
            if (qweights(pj[p].w, pj[p].k, pj[p].n, pj[p].tin, w, sw) != 0) {
                snprintf(err, errn, "layer %d: %s weights: a value that is not finite", l, pname[p]);
                e = -1;
                break;
            }
            /* an output LSB no finer than the finest accumulator LSB of the projection: the
             * requantization only divides (mult < 2^31); the tensor's scale is shared by its
             * columns, since what follows (attention, residual, LayerNorm, GELU) takes one */
            double umax = 0;
            for (int j = 0; j < pj[p].n; j++)
                umax = fmax(umax, pj[p].s_in * sw[j]);
            pj[p].s_out = fmax(pj[p].s_out, umax * 1.001);
            double *const s_of[6] = {&s_q, &s_k, &s_v, &s_o, &s_u, &s_f};
            *s_of[p] = pj[p].s_out;
            if (qproj(pj[p].b, pj[p].n, pj[p].s_in, sw, pj[p].s_out, bias, mult, shift) != 0) {
                snprintf(err, errn, "layer %d: %s: a requantization scale or bias outside the unit's range", l,
                         pname[p]);
                e = -1;
            }
            pj[p].p->w = w;
            pj[p].p->bias = bias;
            pj[p].p->rq_mult = mult;
            pj[p].p->rq_shift = shift;
        }
        if (e)
            break;
        L->scale_c = tfa_scale_const_real(s_q * s_k, at->head_dim, at->exp_frac_bits);
        int sh;
        double am = s_v / (double)(1u << at->prob_bits) / s_a;
        if (L->scale_c == 0 || !(am > 0 && am < 1)) {
            e = qfail(err, errn, l, "the attention's score or output scale outside the unit's range");
            break;
        }
        tfx_host_rq_fit(am, &L->ao_mult, &sh);
        L->ao_shift = (uint8_t)sh;
        /* the residual operands enter shifted left by T - t[c]: in units of S 2^-T */
        double r1 = ldexp(sx, -Tx) / s_o, r2 = ldexp(s_x1, -Tx1) / s_f;
        if (!(r1 >= ldexp(1, -31) && r1 < ldexp(1, 24)) || !(r2 >= ldexp(1, -31) && r2 < ldexp(1, 24))) {
            e = qfail(err, errn, l, "a residual scale ratio outside 2^-31..2^24");
            break;
        }
        L->res1 = tfx_host_res_scale(r1);
        L->res2 = tfx_host_res_scale(r2);
        int32_t *beta1 = (int32_t *)mp;
        mp += 4 * (size_t)d;
        int16_t *gamma1 = (int16_t *)mp;
        mp += 2 * (size_t)d;
        mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
        int32_t *beta2 = (int32_t *)mp;
        mp += 4 * (size_t)d;
        int16_t *gamma2 = (int16_t *)mp;
        mp += 2 * (size_t)d;
        mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
        if (qln(F->ln1g, F->ln1b, d, fm->ln_eps, s_o, s_x1, tx1, &L->ln1, gamma1, beta1) != 0 ||
            qln(F->ln2g, F->ln2b, d, fm->ln_eps, s_f, s_y, ty, &L->ln2, gamma2, beta2) != 0) {
            e = qfail(err, errn, l, "a LayerNorm gamma or beta too large for its field");
            break;
        }
        if (!(ldexp(s_h, -Th) > ldexp(1, -16)) || !(s_u >= ldexp(1, -32))) {
            e = qfail(err, errn, l, "GELU scales outside the unit's range");
            break;
        }
        /* the GELU output in units of S_h 2^-Th, shifted right by Th - t[c] to int8 */
        L->gelu = tfx_host_gelu_scale(s_u, ldexp(s_h, -Th));
        uint8_t *shv = mp;
        mp += cw;
        mp = (uint8_t *)(((uintptr_t)mp + 7) & ~(uintptr_t)7);
        for (int c = 0; c < d; c++) {
            shv[c] = (uint8_t)(Tx - tx[c]);
            shv[d + c] = (uint8_t)(Tx1 - tx1[c]);
        }
        for (int c = 0; c < f; c++)
            shv[2 * d + c] = (uint8_t)(Th - th[c]);
        L->sh_res1 = shv;
        L->sh_res2 = shv + d;
        L->sh_gelu = shv + 2 * (size_t)d;
        sx = s_y;
    }
    *out_scale = sx;
    free(mx), free(sw), free(tch);
    if (e)
        tfi_free(out);
    return e ? -1 : 0;
}
