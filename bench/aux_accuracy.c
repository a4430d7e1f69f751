/* aux_accuracy.c -- accuracy of the auxiliary unit's bit-exact model (model/tf_aux.c)
 * against long-double references, for docs/numerics.md section 11.
 *
 * 1. GELU, exhaustively: every input code at several pairs of scales for 4-, 8-, 12- and
 *    16-bit inputs, typical and extreme, and for every width 2..16 at two scale pairs (the extremes of the legal range:
 *    s_out just above 2^-16, s_in = 2^-32, s_in far above 1). Each output is compared
 *    with the correctly rounded exact GELU of the same quantized input, round half up of
 *    GELU(q s_in) / s_out, saturated (tfx_host_gelu_ref). Reported: the largest |LSB
 *    difference| (the requirement is <= 1), how many codes differ by 1, and the largest
 *    distance, in LSBs, of the model's value before the final rounding from the exact one.
 * 2. GELU L-infinity and L2 error in real units over [-4, 4) on the uniform grid x = q 2^-13
 *    (all 65536 16-bit codes; L2 = RMS over the grid, the convention that reproduces
 *    I-BERT's published i-GELU figures), for the model's value before output scaling
 *    (Q.28), for its 16-bit output at s_out = 2^-12, and for I-BERT's i-GELU evaluated in
 *    double in the same run.
 * 3. LayerNorm on more than 10^5 rows of several classes (random, Gaussian, small variance,
 *    constant, one outlier 100x the rest, extremes of the input range, a sweep of d from 1 to
 *    4096, extreme gamma), against the long-double LayerNorm of the same integer row with
 *    the same gamma, beta and eps (tfx_host_ln_ref).
 *
 * usage: aux_accuracy [--csv DIR] [--rows N] [--seed S] [--g-full]
 *   --csv DIR   write DIR/aux_gelu_accuracy.csv, aux_gelu_error.csv, aux_ln_accuracy.csv
 *   --rows N    LayerNorm rows per class (default 15000, twice that for "random"; with the
 *               d sweep more than 1.3 10^5 rows)
 *   --seed S    the random rows' seed (default 0x5eed)
 *   --g-full    also compare the GELU ROM's g with the exact g at every a28 (about a minute)
 * Exit status 1 if any output is more than 1 LSB from the reference. */
#include "tf_aux.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x5eed;
static uint64_t next64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double uniform(void) { return ((double)(next64() >> 11) + 0.5) / 9007199254740992.0; }
static double gauss(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }
static int64_t irange(int64_t lo, int64_t hi) { return lo + (int64_t)(next64() % (uint64_t)(hi - lo + 1)); }

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    if (!dir)
        return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "aux_accuracy: cannot write %s\n", path);
        exit(2);
    }
    fprintf(f, "%s\n", header);
    return f;
}

static int failures;

/* Distance of an exact value (in LSBs) from the nearest rounding boundary k + 1/2: an
 * output may differ from the correctly rounded one only where this is at most the
 * model's error before its final rounding. */
static long double tie_dist(long double y)
{
    return fabsl(y - floorl(y) - 0.5L);
}

/* ---- 1. GELU exhaustive ----------------------------------------------------------- */

struct gelu_case {
    const char *label;
    int in_bits, out_bits;
    double s_in, s_out;
};

struct gelu_tot {
    long codes, n1;
    int worst;
};

/* Every code of one case; a row of the table and of the CSV. */
static void gelu_case_run(const struct tfx_gelu_rom *rom, const struct gelu_case *g, FILE *csv,
                          struct gelu_tot *t)
{
    struct tfx_arch a;
    memset(&a, 0, sizeof a);
    a.gelu_in_bits = g->in_bits;
    a.gelu_out_bits = g->out_bits;
    struct tfx_gelu_scale s = tfx_host_gelu_scale(g->s_in, g->s_out);
    long double sin_ = ldexpl((long double)s.in_mant, -s.in_exp);
    long double inv_out = ldexpl((long double)s.out_mant, -s.out_exp);
    long lo = -(1L << (g->in_bits - 1)), hi = (1L << (g->in_bits - 1)) - 1, n1 = 0;
    int maxe = 0;
    long double maxpre = 0, maxtie = 0, lim = ldexpl(1.0L, g->out_bits - 1);
    for (long q = lo; q <= hi; q++) {
        int64_t ours = tfx_gelu(&a, rom, q, &s);
        int64_t ref = tfx_host_gelu_ref(q, &s, g->out_bits);
        int e = (int)llabs(ours - ref);
        maxe = e > maxe ? e : maxe;
        n1 += e == 1;
        /* the value before the final rounding against the exact value, in LSBs, where the
         * output does not saturate */
        int big;
        int64_t v = tfx_gelu_value(rom, q, &s, &big);
        long double pre = ldexpl((long double)v, -(big ? s.in_exp : TFX_GELU_FRAC)) * inv_out;
        long double ex = tfx_host_gelu_exact((long double)q * sin_) * inv_out;
        if (fabsl(ex) < lim - 1 && fabsl(pre - ex) > maxpre)
            maxpre = fabsl(pre - ex);
        if (e && tie_dist(ex) > maxtie)
            maxtie = tie_dist(ex);
    }
    long codes = hi - lo + 1;
    t->codes += codes;
    t->n1 += n1;
    t->worst = maxe > t->worst ? maxe : t->worst;
    if (maxe > 1)
        failures++;
    printf("%-36s %5d %5d %11.5g %11.5g %6ld %7d %6ld %9.3Lg %9.3Lg\n", g->label, g->in_bits,
           g->out_bits, (double)sin_, (double)(1.0L / inv_out), codes, maxe, n1, maxpre, maxtie);
    if (csv)
        fprintf(csv, "\"%s\",%d,%d,%.9g,%.9g,%u,%d,%u,%d,%ld,%d,%ld,%.6Lg,%.6Lg\n", g->label,
                g->in_bits, g->out_bits, (double)sin_, (double)(1.0L / inv_out), s.in_mant,
                s.in_exp, s.out_mant, s.out_exp, codes, maxe, n1, maxpre, maxtie);
}

static void gelu_exhaustive(const struct tfx_gelu_rom *rom, FILE *csv)
{
    static const struct gelu_case cases[] = {
        {"8b typical x in [-8,8)", 8, 8, 1.0 / 16, 1.0 / 16},
        {"8b typical 10/127", 8, 8, 10.0 / 127, 10.0 / 127},
        {"8b typical 4/127", 8, 8, 4.0 / 127, 4.0 / 127},
        {"8b out finer (rho > 1)", 8, 8, 0.05, 0.0123},
        {"8b out coarser (rho < 1)", 8, 8, 0.0123, 0.05},
        {"8b in, 16b out 2^-11", 8, 16, 1.0 / 16, 1.0 / 2048},
        {"8b in, 16b out extreme s_out 2^-16", 8, 16, 1.0 / 16, 1.0 / 65535},
        {"8b large s_in 1", 8, 8, 1.0, 1.0},
        {"8b huge s_in 100", 8, 8, 100.0, 100.0},
        {"8b tiny s_in 2^-10, s_out 2^-16", 8, 16, 1.0 / 1024, 1.0 / 65535},
        {"8b extreme s_in 2^-32", 8, 16, 1.0 / 4294967296.0, 1.0 / 65535},
        {"4b typical", 4, 4, 0.5, 0.5},
        {"4b in, 8b out", 4, 8, 0.5, 1.0 / 32},
        {"12b typical x in [-8,8)", 12, 12, 1.0 / 256, 1.0 / 256},
        {"12b in, 16b out 2^-13", 12, 16, 1.0 / 256, 1.0 / 8192},
        {"16b typical x in [-8,8)", 16, 16, 1.0 / 4096, 1.0 / 4096},
        {"16b typical 8/32767", 16, 16, 8.0 / 32767, 8.0 / 32767},
        {"16b x in [-4,4), s_out 2^-12", 16, 16, 1.0 / 8192, 1.0 / 4096},
        {"16b extreme s_out 2^-16", 16, 16, 1.0 / 8192, 1.0 / 65535},
        {"16b x in [-1,1), s_out 2^-16", 16, 16, 1.0 / 32768, 1.0 / 65535},
        {"16b in, 8b out", 16, 8, 1.0 / 4096, 1.0 / 16},
        {"16b x in [-128,128)", 16, 16, 1.0 / 256, 1.0 / 256},
        {"16b x in [-2048,2048)", 16, 16, 1.0 / 16, 1.0 / 16},
        {"16b tiny s_in 2^-20, s_out 2^-16", 16, 16, 1.0 / 1048576, 1.0 / 65535},
        {"16b extreme s_in 2^-32", 16, 16, 1.0 / 4294967296.0, 1.0 / 65535},
        {"16b odd scales 0.000317/0.000291", 16, 16, 0.000317, 0.000291},
    };
    printf("GELU, every input code, against round(GELU(q s_in) / s_out) in long double\n");
    printf("%-36s %5s %5s %11s %11s %6s %7s %6s %9s %9s\n", "case", "in_b", "out_b", "s_in",
           "s_out", "codes", "max_err", "n_1lsb", "max_pre", "max_tie");
    struct gelu_tot t = {0, 0, 0};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        gelu_case_run(rom, &cases[c], csv, &t);
    /* every supported input width, 2..16: x in [-8, 8) at s_out = s_in, and the finest
     * legal output scale */
    char lab[2][64];
    for (int b = 2; b <= 16; b++) {
        double s = 8.0 / (double)(1L << (b - 1));
        snprintf(lab[0], sizeof lab[0], "width %db, x in [-8,8), s_out = s_in", b);
        snprintf(lab[1], sizeof lab[1], "width %db, x in [-8,8), s_out 2^-16", b);
        struct gelu_case w0 = {lab[0], b, b, s, s}, w1 = {lab[1], b, 16, s, 1.0 / 65535};
        gelu_case_run(rom, &w0, csv, &t);
        gelu_case_run(rom, &w1, csv, &t);
    }
    printf("GELU total: %ld codes, worst |error| %d LSB, %ld codes 1 LSB off (%.4f%%)\n\n", t.codes,
           t.worst, t.n1, 100.0 * (double)t.n1 / (double)t.codes);
}

/* ---- 2. GELU error in real units over [-4, 4) ---------------------------------------- */

struct norm {
    long double linf, sum2;
    long n;
};
static void norm_add(struct norm *m, long double e)
{
    e = fabsl(e);
    m->linf = e > m->linf ? e : m->linf;
    m->sum2 += e * e;
    m->n++;
}
static double norm_rms(const struct norm *m) { return (double)sqrtl(m->sum2 / m->n); }

static void gelu_norms(const struct tfx_gelu_rom *rom, FILE *csv)
{
    struct tfx_arch a;
    memset(&a, 0, sizeof a);
    a.gelu_in_bits = 16;
    a.gelu_out_bits = 16;
    /* x = q 2^-13, q = -32768..32767: [-4, 4) */
    struct tfx_gelu_scale core = {32768, 28, 32768, 15}; /* s_in = 2^-13, s_out = 1 (unused) */
    struct tfx_gelu_scale out16 = {32768, 28, 32768, 3}; /* s_out = 2^-12 */
    struct tfx_arch a8 = a;
    a8.gelu_in_bits = 8;
    a8.gelu_out_bits = 8;
    struct tfx_gelu_scale s8 = {32768, 20, 32768, 10};   /* x = q / 32 in [-4, 4), s_out = 1/32 */
    struct norm m_core = {0, 0, 0}, m_16 = {0, 0, 0}, m_ig = {0, 0, 0}, m_8 = {0, 0, 0},
                m_8best = {0, 0, 0}, m_8ig = {0, 0, 0};
    for (long q = -32768; q <= 32767; q++) {
        long double x = ldexpl((long double)q, -13);
        long double ex = tfx_host_gelu_exact(x);
        int big;
        long double ours = ldexpl((long double)tfx_gelu_value(rom, q, &core, &big), -TFX_GELU_FRAC);
        long double o16 = ldexpl((long double)tfx_gelu(&a, rom, q, &out16), -12);
        long double ig = tfx_host_igelu((double)x);
        norm_add(&m_core, ours - ex);
        norm_add(&m_16, o16 - ex);
        norm_add(&m_ig, ig - ex);
        if (csv && q % 8 == 0)
            fprintf(csv, "%.9Lf,%.12Lg,%.12Lg,%.12Lg,%.12Lg\n", x, ex, ours, o16, ig);
    }
    for (long q = -128; q <= 127; q++) {
        long double x = ldexpl((long double)q, -5);
        long double ex = tfx_host_gelu_exact(x);
        norm_add(&m_8, ldexpl((long double)tfx_gelu(&a8, rom, q, &s8), -5) - ex);
        norm_add(&m_8best, ldexpl(floorl(ex * 32 + 0.5L), -5) - ex);
        norm_add(&m_8ig, tfx_host_igelu((double)x) - ex);
    }
    printf("GELU error in real units over [-4, 4), uniform grid (L2 = RMS over the grid)\n");
    printf("%-58s %8s %12s %12s\n", "function", "points", "Linf", "L2 (RMS)");
    printf("%-58s %8ld %12.3Le %12.3e\n", "ours, value before output scaling (Q.28), x = q 2^-13",
           m_core.n, m_core.linf, norm_rms(&m_core));
    printf("%-58s %8ld %12.3Le %12.3e\n", "ours, 16-bit output code at s_out = 2^-12", m_16.n,
           m_16.linf, norm_rms(&m_16));
    printf("%-58s %8ld %12.3Le %12.3e\n", "i-GELU (I-BERT), double, same grid", m_ig.n, m_ig.linf,
           norm_rms(&m_ig));
    printf("%-58s %8ld %12.3Le %12.3e\n", "ours, 8-bit in/out, s = 1/32 (x = q/32)", m_8.n, m_8.linf,
           norm_rms(&m_8));
    printf("%-58s %8ld %12.3Le %12.3e\n", "correctly rounded exact GELU, same 8-bit grid", m_8best.n,
           m_8best.linf, norm_rms(&m_8best));
    printf("%-58s %8ld %12.3Le %12.3e\n", "i-GELU (I-BERT), double, same 8-bit input grid", m_8ig.n,
           m_8ig.linf, norm_rms(&m_8ig));
    printf("i-GELU / ours (Q.28): Linf ratio %.0f, L2 ratio %.0f\n\n",
           (double)(m_ig.linf / m_core.linf), norm_rms(&m_ig) / norm_rms(&m_core));
}

/* The ROM's g against the exact g(a) = a (1 - Phi(a)) over every a28 < 2^31 (a in [0, 8)):
 * the model's g depends on a28 >> 3 only, so each of the 2^28 cells is checked at both of
 * its ends (the exact g is monotone across 8 units of 2^-28). About a minute. */
static void gelu_g_full(const struct tfx_gelu_rom *rom)
{
    long double mx = 0, at = 0, s2 = sqrtl(2.0L);
    for (uint32_t c = 0; c < (1u << 28); c++) {
        long double g = ldexpl((long double)tfx_gelu_g28(rom, c << 3), -TFX_GELU_FRAC);
        for (int j = 0; j < 8; j += 7) {
            long double a = ldexpl((long double)((c << 3) + (uint32_t)j), -TFX_GELU_FRAC);
            long double e = fabsl(g - a * 0.5L * erfcl(a / s2));
            if (e > mx) {
                mx = e;
                at = a;
            }
        }
    }
    printf("GELU ROM, every a in [0, 8) at 2^-28: max |g - exact g| = %.4Le = 2^%.3f (at a = "
           "%.9Lf)\n\n", mx, log2((double)mx), at);
}

/* ---- 3. LayerNorm ------------------------------------------------------------------ */

struct ln_acc {
    long rows, elems, n1;
    int maxe;
    long double maxpre, maxtie;
};

enum { CLS_RANDOM, CLS_GAUSS, CLS_SMALLVAR, CLS_CONST, CLS_OUTLIER, CLS_EXTREME, CLS_GAMMA, CLS_SWEEP };
static const char *cls_name[] = {"random", "gaussian", "small_variance", "constant",
                                 "outlier_100x", "input_extremes", "gamma_beta_extremes",
                                 "d_sweep"};

struct ln_worst {
    int maxe;
    long double pre;
    int cls, d, in_bits;
};

/* One row of class cls and length d: draws x, gamma, beta, eps, runs model and reference. */
static void ln_row(int cls, int d, int64_t *x, int16_t *gm, int32_t *bt, int64_t *y,
                   int64_t *pre, int64_t *yq, long double *yr, struct ln_acc *acc,
                   struct ln_worst *w)
{
    static const int in_choices[] = {8, 12, 16, 20};
    int L = cls == CLS_EXTREME ? (next64() & 1 ? 20 : 16) : in_choices[next64() % 4];
    int out_bits = next64() % 4 == 0 ? 16 : 8;
    int64_t xmax = (1LL << (L - 1)) - 1, xmin = -(1LL << (L - 1));
    struct tfx_arch a;
    memset(&a, 0, sizeof a);
    a.lanes = 16;
    a.max_d = 4096;
    a.ln_in_bits = L;
    a.ln_out_bits = out_bits;
    a.ln_max_d = 4096;
    int64_t base = irange(xmin / 2, xmax / 2);
    double sigma = ldexp(1.0, (int)irange(0, L - 2)) * uniform();
    int64_t small = irange(1, 1LL << (L > 12 ? L - 9 : 2));
    int pattern = (int)(next64() % 3);
    for (int i = 0; i < d; i++) {
        int64_t v;
        switch (cls) {
        case CLS_GAUSS:
            v = base + (int64_t)llround(sigma * gauss());
            break;
        case CLS_SMALLVAR:
            v = base + (int64_t)(next64() % 3) - 1;
            break;
        case CLS_CONST:
            v = base;
            break;
        case CLS_OUTLIER:
            v = irange(-small, small);
            break;
        case CLS_EXTREME:
            v = pattern == 0 ? (i & 1 ? xmax : xmin)
                : pattern == 1 ? (next64() & 1 ? xmax : xmin)
                               : (i == 0 ? xmin : xmax);
            break;
        default:
            v = irange(xmin, xmax);
            break;
        }
        x[i] = v > xmax ? xmax : (v < xmin ? xmin : v);
    }
    if (cls == CLS_OUTLIER) {
        int64_t o = 100 * small * (next64() & 1 ? 1 : -1);
        x[next64() % (uint64_t)d] = o > xmax ? xmax : (o < xmin ? xmin : o);
    }
    /* gamma: output LSBs per unit of the normalized value; typically a spread of the
     * output range over a few sigma */
    struct tfx_ln_params p;
    memset(&p, 0, sizeof p);
    p.gamma = gm;
    p.beta = bt;
    if (cls == CLS_GAMMA) {
        p.gamma_frac = next64() & 1 ? 0 : 15;
        p.beta_frac = (int)irange(0, 16);
        for (int i = 0; i < d; i++) {
            gm[i] = (int16_t)(next64() & 1 ? 32767 : -32768);
            if (next64() % 4 == 0)
                gm[i] = (int16_t)irange(-32768, 32767);
            bt[i] = (int32_t)(next64() & 1 ? INT32_MAX : INT32_MIN);
            if (next64() % 2)
                bt[i] = (int32_t)irange(-(1LL << 24), 1LL << 24);
        }
    } else {
        double gtarget = ldexp(1.0, out_bits - 3) * (0.25 + 1.5 * uniform());
        int gf = 0;
        while (gf < 15 && gtarget * ldexp(1.0, gf + 1) < 16384)
            gf++;
        p.gamma_frac = gf;
        p.beta_frac = (int)irange(0, 16);
        for (int i = 0; i < d; i++) {
            double gv = gtarget * (0.05 + 1.9 * uniform()) * (next64() % 8 == 0 ? -1 : 1);
            gm[i] = (int16_t)llround(ldexp(gv, gf));
            double bv = ldexp(1.0, out_bits - 2) * (2 * uniform() - 1);
            bt[i] = (int32_t)llround(ldexp(bv, p.beta_frac));
        }
    }
    uint64_t epsr = next64() % 4;
    p.eps_q = epsr == 0 ? 0 : epsr == 1 ? (uint32_t)irange(1, 65536) : (uint32_t)(next64() >> 32);
    if (cls == CLS_SMALLVAR || cls == CLS_CONST)
        p.eps_q = next64() & 1 ? 0 : (uint32_t)irange(0, 1 << 18);
    if (cls == CLS_RANDOM && next64() % 4 == 0)
        p.eps_q = 1; /* BERT's eps is far below one input unit^2 */

    tfx_layernorm(&a, d, x, &p, y, pre, NULL);
    tfx_host_ln_ref(d, x, &p, out_bits, yr, yq);
    acc->rows++;
    acc->elems += d;
    long double lim = ldexpl(1.0L, out_bits - 1);
    for (int i = 0; i < d; i++) {
        int e = (int)llabs(y[i] - yq[i]);
        acc->maxe = e > acc->maxe ? e : acc->maxe;
        acc->n1 += e == 1;
        if (e && tie_dist(yr[i]) > acc->maxtie)
            acc->maxtie = tie_dist(yr[i]);
        if (fabsl(yr[i]) < lim - 1) {
            long double pe = fabsl(ldexpl((long double)pre[i], -TFX_LN_Y_FRAC) - yr[i]);
            acc->maxpre = pe > acc->maxpre ? pe : acc->maxpre;
            if (pe > w->pre) {
                w->pre = pe;
                w->cls = cls;
                w->d = d;
                w->in_bits = L;
            }
        }
        if (e > w->maxe)
            w->maxe = e;
    }
}

static int draw_d(void)
{
    /* log-uniform over 1..4096 */
    int d = (int)floor(exp(uniform() * log(4096.0))) + (int)(next64() % 2);
    return d < 1 ? 1 : (d > 4096 ? 4096 : d);
}

static void ln_print(FILE *csv, const char *cls, const char *drange, const struct ln_acc *s)
{
    printf("%-20s %-7s %6ld %9ld %7d %6ld %9.3Lg %9.3Lg\n", cls, drange, s->rows, s->elems,
           s->maxe, s->n1, s->maxpre, s->maxtie);
    if (csv)
        fprintf(csv, "%s,%s,%ld,%ld,%d,%ld,%.6Lg,%.6Lg\n", cls, drange, s->rows, s->elems, s->maxe,
                s->n1, s->maxpre, s->maxtie);
    if (s->maxe > 1)
        failures++;
}

static void ln_runs(long rows_per_class, FILE *csv)
{
    size_t n = 4096;
    int64_t *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *pre = malloc(n * sizeof *pre),
            *yq = malloc(n * sizeof *yq);
    int16_t *gm = malloc(n * sizeof *gm);
    int32_t *bt = malloc(n * sizeof *bt);
    long double *yr = malloc(n * sizeof *yr);
    if (!x || !y || !pre || !yq || !gm || !bt || !yr) {
        fprintf(stderr, "aux_accuracy: out of memory\n");
        exit(2);
    }
    struct ln_worst w = {0, 0, 0, 0, 0};
    long total_rows = 0, total_el = 0, total1 = 0;
    printf("LayerNorm against the long-double LayerNorm of the same integer row, gamma, beta, eps\n");
    printf("%-20s %-7s %6s %9s %7s %6s %9s %9s\n", "class", "d", "rows", "elements", "max_err",
           "n_1lsb", "max_pre", "max_tie");
    for (int cls = CLS_RANDOM; cls <= CLS_GAMMA; cls++) {
        struct ln_acc s = {0, 0, 0, 0, 0, 0};
        long rows = cls == CLS_RANDOM ? 2 * rows_per_class : rows_per_class;
        for (long r = 0; r < rows; r++)
            ln_row(cls, draw_d(), x, gm, bt, y, pre, yq, yr, &s, &w);
        ln_print(csv, cls_name[cls], "1-4096", &s);
        total_rows += s.rows, total_el += s.elems, total1 += s.n1;
    }
    static const int ds[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128,
                             129, 255, 257, 384, 511, 513, 768, 1000, 1023, 1024, 1025, 2047,
                             2049, 3072, 4095, 4096};
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        struct ln_acc s = {0, 0, 0, 0, 0, 0};
        long rows = ds[k] >= 1024 ? 60 : 400;
        for (long r = 0; r < rows; r++)
            ln_row((int)(next64() % CLS_SWEEP), ds[k], x, gm, bt, y, pre, yq, yr, &s, &w);
        char dr[16];
        snprintf(dr, sizeof dr, "%d", ds[k]);
        ln_print(csv, cls_name[CLS_SWEEP], dr, &s);
        total_rows += s.rows, total_el += s.elems, total1 += s.n1;
    }
    printf("LayerNorm total: %ld rows, %ld elements, worst |error| %d LSB, %ld elements 1 LSB off "
           "(%.5f%%)\n", total_rows, total_el, w.maxe, total1,
           100.0 * (double)total1 / (double)total_el);
    printf("largest distance before the final rounding: %.3Lg LSB (class %s, d = %d, %d-bit "
           "input)\n\n", w.pre, cls_name[w.cls], w.d, w.in_bits);
    free(x), free(y), free(pre), free(yq), free(gm), free(bt), free(yr);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    long rows = 15000;
    int g_full = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            rows = atol(argv[++i]);
        else if (!strcmp(argv[i], "--g-full"))
            g_full = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng_state = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: aux_accuracy [--csv DIR] [--rows N] [--seed S] [--g-full]\n");
            return 2;
        }
    }
    struct tfx_gelu_rom rom;
    tfx_gelu_rom_init(&rom);
    FILE *f1 = open_csv(dir, "aux_gelu_accuracy.csv",
                        "case,in_bits,out_bits,s_in,s_out,in_mant,in_exp,out_mant,out_exp,codes,"
                        "max_abs_lsb_err,count_1lsb,max_preround_err_lsb,max_tie_dist_of_1lsb");
    gelu_exhaustive(&rom, f1);
    FILE *f2 = open_csv(dir, "aux_gelu_error.csv", "x,exact,ours_q28,ours_out16,igelu");
    gelu_norms(&rom, f2);
    if (g_full)
        gelu_g_full(&rom);
    FILE *f3 = open_csv(dir, "aux_ln_accuracy.csv",
                        "row_class,d,rows,elements,max_abs_lsb_err,count_1lsb,max_preround_err_lsb,"
                        "max_tie_dist_of_1lsb");
    ln_runs(rows, f3);
    if (f1) fclose(f1);
    if (f2) fclose(f2);
    if (f3) fclose(f3);
    printf("%s\n", failures ? "FAIL: some output is more than 1 LSB off" : "all outputs within 1 LSB");
    return failures ? 1 : 0;
}
