/* tf_aux.c -- golden model of the auxiliary unit (bias, requantization, residual add,
 * LayerNorm, GELU and their chaining); the specification is docs/numerics.md.
 *
 * Integer arithmetic only: no floating-point type or libm call in this file, and the GELU
 * coefficient ROM is computed from integer series, like the attention unit's exponent
 * table, so every platform computes the same bits. The host-side helpers, in double
 * precision, are in model/tf_aux_host.c. Like tf_model.c this relies on gcc/clang's
 * arithmetic >> of negative values (the RTL's >>>) and on __int128. */
#include "tf_aux.h"

#include "tf_model.h"

#include <stddef.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* ---- architecture ------------------------------------------------------------------ */

const char *tfx_check(const struct tfx_arch *a)
{
    if (a->lanes < 1 || a->lanes > 64) return "lanes: 1..64";
    if (a->max_d < 1 || a->max_d > 4096) return "max_d: 1..4096";
    if (a->acc_bits < 16 || a->acc_bits > 48) return "acc_bits: 16..48";
    if (a->bias_bits < 2 || a->bias_bits > 32 || a->bias_bits > a->acc_bits)
        return "bias_bits: 2..min(32, acc_bits)";
    if (a->rq_bits < 2 || a->rq_bits > 24) return "rq_bits: 2..24";
    if (a->res_bits < 2 || a->res_bits > 24) return "res_bits: 2..24";
    if (a->res_in_bits < 2 || a->res_in_bits > 16) return "res_in_bits: 2..16";
    if (a->ln_in_bits < 2 || a->ln_in_bits > 20) return "ln_in_bits: 2..20";
    if (a->ln_out_bits < 2 || a->ln_out_bits > 16) return "ln_out_bits: 2..16";
    if (a->ln_max_d < 1 || a->ln_max_d > a->max_d) return "ln_max_d: 1..max_d";
    if (a->gelu_in_bits < 2 || a->gelu_in_bits > 16) return "gelu_in_bits: 2..16";
    if (a->gelu_out_bits < 2 || a->gelu_out_bits > 16) return "gelu_out_bits: 2..16";
    return 0;
}

/* ---- bias, requantization, residual ------------------------------------------------- */

int64_t tfx_sat(int64_t x, int bits)
{
    int64_t hi = (int64_t)((1ULL << (bits - 1)) - 1), lo = -hi - 1;
    return x > hi ? hi : (x < lo ? lo : x);
}

int64_t tfx_bias(const struct tfx_arch *a, int64_t acc, int32_t bias)
{
    return tfx_sat(acc + bias, a->acc_bits); /* |acc + bias| < 2^48: exact in int64 */
}

int64_t tfx_requant(const struct tfx_arch *a, int64_t x, uint32_t mult, int shift)
{
    return tfm_requant(x, mult, shift, a->rq_bits);
}

int64_t tfx_residual(const struct tfx_arch *a, int64_t x, int32_t r,
                     const struct tfx_res_scale *s)
{
    /* r * 2^lshift: at most 2^15 * 2^24 = 2^39 in magnitude */
    int64_t al = tfm_requant((int64_t)r * ((int64_t)1 << s->lshift), s->mult, s->shift,
                             a->res_bits + 1);
    return tfx_sat(x + al, a->res_bits);
}

/* ---- LayerNorm ------------------------------------------------------------------------ */

uint64_t tfx_ln_eps(int d, uint32_t eps_q)
{
    uint64_t dd = (uint64_t)d * (uint64_t)d; /* <= 2^24 */
    return (dd * eps_q + (1ULL << (TFX_LN_EPS_FRAC - 1))) >> TFX_LN_EPS_FRAC; /* < 2^40 */
}

/* Radix-2 digit recurrence for R = floor(2^45 / sqrt(qn)), one result bit per iteration,
 * most significant first, bits 30..0 (31 iterations). With R' the bits decided so far
 * (as an integer), B = R' * qn and sigma = (2^90 - (R' 2^(j+1))^2 qn) / 2^(2j), bit j is 1
 * iff sigma >= 4B + qn; then sigma -= 4B + qn. Then R' = 2R' + bit, B = 2B + bit * qn,
 * sigma = 4 sigma. Adders only: sigma < 2^66, 4B + qn < 2^65. */
uint32_t tfx_ln_rsqrt(uint64_t qn)
{
    u128 sigma = (u128)1 << (2 * TFX_LN_RSQRT_K - 2 * TFX_LN_R_BITS); /* 2^30 */
    u128 b = 0;
    uint32_t r = 0;
    for (int j = TFX_LN_R_BITS; j >= 0; j--) {
        u128 t = 4 * b + qn;
        int bit = sigma >= t;
        if (bit)
            sigma -= t;
        r = 2 * r + (uint32_t)bit;
        b = 2 * b + (bit ? qn : 0);
        sigma <<= 2;
    }
    return r;
}

static int bitlen64(uint64_t v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

void tfx_layernorm(const struct tfx_arch *a, int d, const int64_t *x,
                   const struct tfx_ln_params *p, int64_t *y, int64_t *pre,
                   struct tfx_ln_trace *tr)
{
    /* statistics pass: |s1| <= 2^31, s2 <= 2^50 (ln_in_bits <= 20, d <= 4096) */
    int64_t s1 = 0;
    uint64_t s2 = 0;
    for (int i = 0; i < d; i++) {
        s1 += x[i];
        s2 += (uint64_t)(x[i] * x[i]);
    }
    /* per row: v = d^2 var <= 2^62, q = v + E < 2^63 */
    uint64_t v = (uint64_t)d * s2 - (uint64_t)(s1 * s1);
    uint64_t e = tfx_ln_eps(d, p->eps_q);
    uint64_t q = v + e;
    int k = 0;
    uint64_t qn = 0;
    uint32_t r = 0;
    if (q) {
        int bl = bitlen64(q); /* 1..63 */
        k = bl >= 31 ? (bl - 31) / 2 : -((32 - bl) / 2);
        qn = k >= 0 ? q >> (2 * k) : q << (-2 * k);
        r = tfx_ln_rsqrt(qn);
    }
    int sh = TFX_LN_RSQRT_K + k - TFX_LN_T_FRAC; /* 21 + k: 6..37 */
    if (tr) {
        tr->s1 = s1, tr->s2 = s2, tr->v = v, tr->e = e, tr->q = q;
        tr->k = k, tr->qn = qn, tr->r = r, tr->sh = sh;
    }
    /* normalize pass (y may alias x: element i reads only x[i]) */
    int gs = TFX_LN_T_FRAC + p->gamma_frac - TFX_LN_Y_FRAC; /* 8 + gamma_frac */
    int64_t bmul = (int64_t)1 << (TFX_LN_Y_FRAC - p->beta_frac);
    for (int i = 0; i < d; i++) {
        int64_t c = (int64_t)d * x[i] - s1;                      /* |c| < 2^32 */
        int64_t pr = c * (int64_t)r;                              /* |pr| < 2^62 */
        int64_t t = (pr + ((int64_t)1 << (sh - 1))) >> sh;        /* n in Q.24, |t| < 2^30 */
        int64_t z = t * p->gamma[i];                              /* |z| <= 2^45 */
        int64_t u = (z + ((int64_t)1 << (gs - 1))) >> gs;         /* Q.16 output LSBs */
        int64_t w = u + (int64_t)p->beta[i] * bmul;               /* |w| < 2^48 */
        if (pre)
            pre[i] = w;
        y[i] = tfx_sat((w + ((int64_t)1 << (TFX_LN_Y_FRAC - 1))) >> TFX_LN_Y_FRAC,
                       a->ln_out_bits);
    }
}

/* ---- GELU: the coefficient ROM in integer arithmetic ----------------------------------- */

/* floor(t * m / dv) without overflow while the result is below 2^128 (m * dv < 2^64). */
static u128 mul_div(u128 t, uint64_t m, uint64_t dv)
{
    return (t / dv) * m + ((t % dv) * m) / dv;
}

static int bitlen128(u128 v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

#define NODE_FRAC 76 /* the series are summed in Q.76 (values below 2^47) */
/* floor(2^63 / sqrt(2 pi)): a fixed constant (printed by a 400-bit Machin-formula
 * computation of pi and an integer square root; docs/numerics.md) */
static const uint64_t INV_SQRT_2PI_Q63 = 3679593073373651226ULL;

/* g(a) = a (1 - Phi(a)) for a = k / 512, with Marsaglia's series
 *     Phi(a) = 1/2 + phi(a) S(a),  S(a) = sum_n a^(2n+1) / (1 * 3 * ... * (2n+1)),
 * phi(a) = e^(-a^2/2) / sqrt(2 pi), every term positive; e^(a^2/2) = sum y^n / n! with
 * y = a^2 / 2, then phi S = (S / e^(a^2/2)) / sqrt(2 pi). */
int64_t tfx_gelu_node_q56(int k)
{
    if (k <= 0)
        return 0;
    uint64_t k2 = (uint64_t)k * (uint64_t)k; /* a^2 = k2 / 2^18 */
    u128 term = (u128)k << (NODE_FRAC - 9), s = 0;
    for (uint64_t n = 1; term; n++) {
        s += term;
        term = mul_div(term, k2, (2 * n + 1) << 18);
    }
    u128 ex = 0;
    term = (u128)1 << NODE_FRAC;
    for (uint64_t n = 1; term; n++) {
        ex += term;
        term = mul_div(term, k2, n << 19);
    }
    int sh = bitlen128(ex) - 64;
    if (sh < 0)
        sh = 0;
    u128 ratio = ((s >> sh) << 60) / (ex >> sh);           /* S e^(-a^2/2) in Q.60 */
    i128 phic = ((i128)1 << 122) - (i128)(ratio * INV_SQRT_2PI_Q63); /* Q.123 */
    if (phic < 0)
        phic = 0;
    u128 g = ((u128)phic >> 23) * (u128)k;                 /* 512 g in Q.100 */
    return (int64_t)((g + ((u128)1 << 52)) >> 53);         /* g in Q.56 */
}

/* floor(n / dv + 1/2) for dv > 0 even */
static i128 rdiv(i128 n, i128 dv)
{
    i128 m = n + dv / 2, q = m / dv;
    if (m % dv < 0)
        q--;
    return q;
}

/* Segment s covers a in [s/32, (s+1)/32) = k in [16s, 16s + 16) / 512. The quadratic
 * interpolates g at w = 1/16, 1/2, 15/16 (k = 16s + 1, 16s + 8, 16s + 15: close to the
 * Chebyshev nodes 0.067, 0.5, 0.933), equally spaced by 7/16, so with D2 = f0 - 2 f1 + f2:
 *     c2 = 128 D2 / 49,  c1 = (56 (f2 - f0) - 128 D2) / 49,
 *     c0 = (49 f1 - 28 (f2 - f0) + 32 D2) / 49,
 * each rounded half up from Q.56 to Q.28. */
void tfx_gelu_rom_init(struct tfx_gelu_rom *rom)
{
    const int us = 56 - TFX_GELU_FRAC;
    for (int s = 0; s < TFX_GELU_SEGS; s++) {
        i128 f0 = tfx_gelu_node_q56(16 * s + 1), f1 = tfx_gelu_node_q56(16 * s + 8),
             f2 = tfx_gelu_node_q56(16 * s + 15);
        i128 d2 = f0 - 2 * f1 + f2, den = (i128)49 << us;
        rom->c2[s] = (int32_t)rdiv(128 * d2, den);
        rom->c1[s] = (int32_t)rdiv(56 * (f2 - f0) - 128 * d2, den);
        rom->c0[s] = (int32_t)rdiv(49 * f1 - 28 * (f2 - f0) + 32 * d2, den);
    }
}

int64_t tfx_gelu_g28(const struct tfx_gelu_rom *rom, uint32_t a28)
{
    const int idx_sh = TFX_GELU_FRAC - TFX_GELU_SEG_BITS;   /* 23 */
    const int u_sh = idx_sh - TFX_GELU_U_BITS;               /* 3 */
    int s = (int)(a28 >> idx_sh);
    int64_t u = (int64_t)((a28 >> u_sh) & ((1u << TFX_GELU_U_BITS) - 1));
    int64_t t1 = ((int64_t)rom->c2[s] * u) >> TFX_GELU_U_BITS;
    int64_t t2 = rom->c1[s] + t1;
    int64_t t3 = (t2 * u) >> TFX_GELU_U_BITS;
    return rom->c0[s] + t3;
}

int64_t tfx_gelu_value(const struct tfx_gelu_rom *rom, int64_t q, const struct tfx_gelu_scale *s,
                       int *big)
{
    uint64_t aq = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q; /* <= 2^15 */
    uint64_t ax = aq * s->in_mant;                                  /* < 2^31 */
    int se = s->in_exp;
    uint64_t a28 = se <= TFX_GELU_FRAC
                       ? ax << (TFX_GELU_FRAC - se)
                       : (ax + (1ULL << (se - TFX_GELU_FRAC - 1))) >> (se - TFX_GELU_FRAC);
    if (a28 >= (1ULL << (TFX_GELU_FRAC + 3))) { /* a >= 8: GELU = relu, g < 2^-47 */
        *big = 1;
        return q > 0 ? (int64_t)ax : 0;
    }
    *big = 0;
    int64_t g = tfx_gelu_g28(rom, (uint32_t)a28);
    return (q > 0 ? (int64_t)a28 : 0) - g;
}

int64_t tfx_gelu(const struct tfx_arch *a, const struct tfx_gelu_rom *rom, int64_t q,
                 const struct tfx_gelu_scale *s)
{
    int big;
    int64_t v = tfx_gelu_value(rom, q, s, &big);
    int sh = (big ? s->in_exp : TFX_GELU_FRAC) + s->out_exp; /* 0..87 */
    i128 w = (i128)v * (i128)s->out_mant;                       /* |w| < 2^47 */
    i128 y = sh ? (w + ((i128)1 << (sh - 1))) >> sh : w;
    return tfx_sat((int64_t)y, a->gelu_out_bits);
}

/* ---- commands ------------------------------------------------------------------------ */

const char *tfx_err_str(int e)
{
    switch (e) {
    case TFX_OK: return "ok";
    case TFX_E_D: return "row length out of range";
    case TFX_E_ORDER: return "ops: unknown, repeated or out of stage order";
    case TFX_E_WIDTH: return "an op's input is wider than it takes";
    case TFX_E_PARAM: return "parameter out of range or missing";
    case TFX_E_DATA: return "input element out of range";
    case TFX_E_BUILT: return "an op the design does not have";
    default: return "unknown error";
    }
}

static int fits(int64_t v, int bits)
{
    return tfx_sat(v, bits) == v;
}

/* Checks op i's parameters; *w is the width of its input, then of its output. */
static int check_op(const struct tfx_arch *a, const struct tfx_cmd *c, int op, int *w)
{
    int d = c->d;
    switch (op) {
    case TFX_OP_BIAS:
        if (!c->bias)
            return TFX_E_PARAM;
        for (int i = 0; i < d; i++)
            if (!fits(c->bias[i], a->bias_bits))
                return TFX_E_PARAM;
        *w = a->acc_bits;
        return TFX_OK;
    case TFX_OP_REQUANT: {
        if (!c->rq_mult || !c->rq_shift)
            return TFX_E_PARAM;
        int n = c->rq_per_tensor ? 1 : d;
        for (int i = 0; i < n; i++)
            if (c->rq_mult[i] >= (1u << 31) || c->rq_shift[i] > 31)
                return TFX_E_PARAM;
        *w = a->rq_bits;
        return TFX_OK;
    }
    case TFX_OP_RESIDUAL:
        if (*w > a->res_bits)
            return TFX_E_WIDTH;
        if (c->res.mult >= (1u << 31) || c->res.lshift < 0 || c->res.lshift > 24 ||
            c->res.shift < 0 || c->res.shift > 31)
            return TFX_E_PARAM;
        *w = a->res_bits;
        return TFX_OK;
    case TFX_OP_LAYERNORM:
        if (d > a->ln_max_d)
            return TFX_E_D;
        if (*w > a->ln_in_bits)
            return TFX_E_WIDTH;
        if (!c->ln.gamma || !c->ln.beta || c->ln.gamma_frac < 0 || c->ln.gamma_frac > 15 ||
            c->ln.beta_frac < 0 || c->ln.beta_frac > 16)
            return TFX_E_PARAM;
        *w = a->ln_out_bits;
        return TFX_OK;
    case TFX_OP_GELU:
        if (*w > a->gelu_in_bits)
            return TFX_E_WIDTH;
        if (c->gelu.in_mant < 1 || c->gelu.in_mant > 65535 || c->gelu.out_mant < 1 ||
            c->gelu.out_mant > 65535 || c->gelu.in_exp < 0 || c->gelu.in_exp > 47 ||
            c->gelu.out_exp < 0 || c->gelu.out_exp > 40)
            return TFX_E_PARAM;
        *w = a->gelu_out_bits;
        return TFX_OK;
    default:
        return TFX_E_ORDER;
    }
}

int tfx_cmd_check(const struct tfx_arch *a, const struct tfx_cmd *c)
{
    if (c->d < 1 || c->d > a->max_d)
        return TFX_E_D;
    if (c->nops < 0 || c->nops > TFX_MAX_OPS)
        return TFX_E_ORDER;
    /* first the chain's shape, then each op's input width and parameters */
    int w = a->acc_bits, prev = 0;
    for (int i = 0; i < c->nops; i++) {
        int op = c->ops[i];
        if (op < TFX_OP_BIAS || op > TFX_OP_GELU || op <= prev)
            return TFX_E_ORDER;
        prev = op;
    }
    for (int i = 0; i < c->nops; i++) {
        int e = check_op(a, c, c->ops[i], &w);
        if (e)
            return e;
    }
    return TFX_OK;
}

int tfx_cmd_out_bits(const struct tfx_arch *a, const struct tfx_cmd *c)
{
    int w = a->acc_bits;
    for (int i = 0; i < c->nops; i++)
        switch (c->ops[i]) {
        case TFX_OP_BIAS: w = a->acc_bits; break;
        case TFX_OP_REQUANT: w = a->rq_bits; break;
        case TFX_OP_RESIDUAL: w = a->res_bits; break;
        case TFX_OP_LAYERNORM: w = a->ln_out_bits; break;
        case TFX_OP_GELU: w = a->gelu_out_bits; break;
        default: break;
        }
    return w;
}

int tfx_run(const struct tfx_arch *a, const struct tfx_gelu_rom *rom, const struct tfx_cmd *c,
            const int64_t *in, const int32_t *res, int64_t *out)
{
    int e = tfx_cmd_check(a, c);
    if (e)
        return e;
    int d = c->d, has_res = 0;
    for (int i = 0; i < c->nops; i++) {
        if (c->ops[i] == TFX_OP_RESIDUAL && !res)
            return TFX_E_PARAM;
        if (c->ops[i] == TFX_OP_GELU && !rom)
            return TFX_E_PARAM;
        has_res |= c->ops[i] == TFX_OP_RESIDUAL;
    }
    if (!in || !out)
        return TFX_E_PARAM;
    for (int i = 0; i < d; i++)
        if (!fits(in[i], a->acc_bits) || (has_res && !fits(res[i], a->res_in_bits)))
            return TFX_E_DATA;
    for (int i = 0; i < d; i++)
        out[i] = in[i];
    for (int k = 0; k < c->nops; k++) {
        switch (c->ops[k]) {
        case TFX_OP_BIAS:
            for (int i = 0; i < d; i++)
                out[i] = tfx_bias(a, out[i], c->bias[i]);
            break;
        case TFX_OP_REQUANT:
            for (int i = 0; i < d; i++) {
                int j = c->rq_per_tensor ? 0 : i;
                out[i] = tfx_requant(a, out[i], c->rq_mult[j], c->rq_shift[j]);
            }
            break;
        case TFX_OP_RESIDUAL:
            for (int i = 0; i < d; i++)
                out[i] = tfx_residual(a, out[i], res[i], &c->res);
            break;
        case TFX_OP_LAYERNORM:
            tfx_layernorm(a, d, out, &c->ln, out, NULL, NULL);
            break;
        case TFX_OP_GELU:
            for (int i = 0; i < d; i++)
                out[i] = tfx_gelu(a, rom, out[i], &c->gelu);
            break;
        default:
            break;
        }
    }
    return TFX_OK;
}

/* ---- the RTL: command check and cycle model (templates/aux/tf_aux.v) -------------------- */

int tfx_cmd_mask(const struct tfx_cmd *c)
{
    if (c->nops < 0 || c->nops > TFX_MAX_OPS)
        return -1;
    int mask = 0, prev = 0;
    for (int i = 0; i < c->nops; i++) {
        int op = c->ops[i];
        if (op < TFX_OP_BIAS || op > TFX_OP_GELU || op <= prev)
            return -1;
        prev = op;
        mask |= (int)TFX_OPBIT(op);
    }
    return mask;
}

int tfx_hw_check(const struct tfx_arch *a, const struct tfx_hw *h, const struct tfx_cmd *c,
                 int m, int grp)
{
    int mask = tfx_cmd_mask(c);
    if (mask < 0)
        return TFX_E_ORDER;
    unsigned ops = (unsigned)mask;
    if (c->d < 1 || c->d > a->max_d || m < 1)
        return TFX_E_D;
    if (ops & ~h->built)
        return TFX_E_BUILT;
    /* the width entering each stage, as the RTL's static checks */
    int w = (ops & TFX_OPBIT(TFX_OP_REQUANT)) ? a->rq_bits : a->acc_bits;
    if (ops & TFX_OPBIT(TFX_OP_RESIDUAL)) {
        if (w > a->res_bits)
            return TFX_E_WIDTH;
        if (c->res.lshift < 0 || c->res.lshift > 24)
            return TFX_E_PARAM;
        w = a->res_bits;
    }
    if (ops & TFX_OPBIT(TFX_OP_LAYERNORM)) {
        if (c->d > a->ln_max_d || grp < 1 || grp > h->ln_rows)
            return TFX_E_D;
        if (w > a->ln_in_bits)
            return TFX_E_WIDTH;
        if (c->ln.beta_frac < 0 || c->ln.beta_frac > 16)
            return TFX_E_PARAM;
        w = a->ln_out_bits;
    }
    if (ops & TFX_OPBIT(TFX_OP_GELU)) {
        if (w > a->gelu_in_bits)
            return TFX_E_WIDTH;
        if (c->gelu.in_mant < 1 || c->gelu.in_mant > 65535 || c->gelu.out_mant < 1 ||
            c->gelu.out_mant > 65535 || c->gelu.in_exp < 0 || c->gelu.in_exp > 47 ||
            c->gelu.out_exp < 0 || c->gelu.out_exp > 40)
            return TFX_E_PARAM;
    }
    return TFX_OK;
}

int tfx_hw_load_check(const struct tfx_arch *a, const struct tfx_hw *h, int kind, int n)
{
    switch (kind) {
    case TFX_CMD_LOAD_BIAS:
    case TFX_CMD_LOAD_RQ: {
        int op = kind == TFX_CMD_LOAD_BIAS ? TFX_OP_BIAS : TFX_OP_REQUANT;
        if (!(h->built & TFX_OPBIT(op)))
            return TFX_E_BUILT;
        return n < 1 || n > a->max_d ? TFX_E_D : TFX_OK;
    }
    case TFX_CMD_LOAD_GAMMA:
    case TFX_CMD_LOAD_BETA:
        if (!(h->built & TFX_OPBIT(TFX_OP_LAYERNORM)))
            return TFX_E_BUILT;
        return n < 1 || n > a->ln_max_d ? TFX_E_D : TFX_OK;
    default:
        return TFX_E_ORDER;
    }
}

int tfx_lat_up(const struct tfx_hw *h)
{
    int bias = (h->built & TFX_OPBIT(TFX_OP_BIAS)) ? 1 : 0;
    int rq = (h->built & TFX_OPBIT(TFX_OP_REQUANT)) ? 2 : 0;
    int res = 0;
    if (h->built & TFX_OPBIT(TFX_OP_RESIDUAL))
        res = bias + rq < 2 ? 3 - (bias + rq) : 1; /* the operand's 2-cycle alignment */
    return 1 + bias + rq + res;                   /* 1: the input register S0 */
}

int tfx_lat_down(const struct tfx_hw *h)
{
    return (h->built & TFX_OPBIT(TFX_OP_GELU)) ? 8 : 0;
}

int tfx_op_latency(int op)
{
    switch (op) {
    case TFX_OP_BIAS: return 1;
    case TFX_OP_REQUANT: return 2;
    case TFX_OP_RESIDUAL: return 1;
    case TFX_OP_LAYERNORM: return 6;
    case TFX_OP_GELU: return 8;
    default: return 0;
    }
}

/* statistics pipeline: the write, the lane sums, the accumulation, seen by the sequencer */
#define LN_STATS_CYCLES 3
/* the normalize read and the 5 lane stages */
#define LN_NORM_LAT 6

long long tfx_ln_group_gap(int g)
{
    return LN_STATS_CYCLES + (long long)TFX_LN_SETUP_ROW * g + 1;
}

long long tfx_ln_row_cycles(const struct tfx_arch *a, int d)
{
    (void)a;
    (void)d; /* neither the row length nor the lanes change the per-row setup */
    return tfx_ln_group_gap(1);
}

static long long lmax2(long long x, long long y) { return x > y ? x : y; }

/* The LayerNorm schedule of docs/architecture.md 3.6, cycle 0 = the command's acceptance. Group j
 * (g_j rows, b_j = g_j * tiles beats) is written into bank j mod banks from cycle ws_j to
 * we_j = ws_j + b_j - 1, starting when the previous group's writes are done and its bank has
 * been read out (the input stalls meanwhile); the setup sequencer sees its statistics at
 * we_j + 3 and, once done with the previous group, sets its rows up in 35 g_j cycles; the
 * normalizer reads it from the cycle after (or after the previous group's reads) for b_j
 * cycles. Returns the last read's cycle. */
static long long ln_schedule(const struct tfx_arch *a, const struct tfx_hw *h, int m, int d,
                             int grp)
{
    long long tiles = (d + a->lanes - 1) / a->lanes;
    int banks = h->ln_banks;
    long long nlast_hist[8] = {0}; /* nlast of the last `banks` groups (banks <= 8) */
    long long we = 1 + tfx_lat_up(h) - 1; /* cycle before the first write */
    long long su_free = 0;                /* first cycle the sequencer checks again */
    long long nlast = 0;
    int rows = 0;
    for (long long j = 0; rows < m; j++) {
        int g = m - rows < grp ? m - rows : grp;
        long long b = (long long)g * tiles;
        long long ws = we + 1;
        if (j >= banks)
            ws = lmax2(ws, nlast_hist[j % banks] + 1);
        we = ws + b - 1;
        long long ic = lmax2(we + LN_STATS_CYCLES, su_free);
        long long ready = ic + (long long)TFX_LN_SETUP_ROW * g + 1;
        su_free = ready;
        long long ns = j == 0 ? ready : lmax2(ready, nlast + 1);
        nlast = ns + b - 1;
        nlast_hist[j % banks] = nlast;
        rows += g;
    }
    return nlast;
}

long long tfx_cycles_cmd(const struct tfx_arch *a, const struct tfx_hw *h, unsigned ops, int m,
                         int d, int grp)
{
    long long tiles = (d + a->lanes - 1) / a->lanes;
    if (!(ops & TFX_OPBIT(TFX_OP_LAYERNORM))) {
        /* beat i (i = 1..B) enters in cycle i, leaves the last register in cycle
         * i + lat_up + lat_down, entering the skid buffer; the next command one cycle later */
        long long beats = (long long)m * tiles;
        return beats + tfx_lat_up(h) + tfx_lat_down(h) + 1;
    }
    return ln_schedule(a, h, m, d, grp) + LN_NORM_LAT + tfx_lat_down(h) + 1;
}

long long tfx_cycles_load(long long n) { return 1 + n; }

long long tfx_cycles_groups(const struct tfx_arch *a, const struct tfx_hw *h, unsigned ops,
                            int d, int grp, int n)
{
    int k = 4 * (h->ln_banks + 4); /* past the start-up transient of the bank rotation */
    return tfx_cycles_cmd(a, h, ops, (k + n) * grp, d, grp) -
           tfx_cycles_cmd(a, h, ops, k * grp, d, grp);
}
