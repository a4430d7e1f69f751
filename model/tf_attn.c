/* tf_attn.c -- golden model of the PIM-style attention unit; the specification is
 * docs/numerics.md section 10. Integer arithmetic only (also the exponent table), so
 * every platform computes the same bits. Also built as C++ by Verilator. */
#include "tf_attn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* floor(sqrt(x)) for a 128-bit x. */
static u128 isqrt128(u128 x)
{
    u128 r = 0, bit = (u128)1 << 126;
    while (bit > x)
        bit >>= 2;
    while (bit) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

#define TFA_ONE_BITS 62 /* the table is computed in Q1.62 */

/* 2^(-i / 2^T) in Q1.62: the product, over the set bits b of i, of 2^(-2^b / 2^T),
 * each the (T-b)-fold square root of 1/2, every step rounded down. */
static uint64_t exp2_frac_q62(int i, int t)
{
    u128 one = (u128)1 << TFA_ONE_BITS;
    u128 acc = one;
    for (int b = 0; b < t; b++) {
        if (!((i >> b) & 1))
            continue;
        u128 c = one >> 1; /* 2^-1 */
        for (int s = 0; s < t - b; s++)
            c = isqrt128(c << TFA_ONE_BITS); /* sqrt in Q1.62 */
        acc = (acc * c) >> TFA_ONE_BITS;
    }
    return (uint64_t)acc;
}

uint32_t tfa_exp_table(const struct tfa_arch *a, int i)
{
    uint64_t v = exp2_frac_q62(i, a->exp_table_bits);
    int sh = TFA_ONE_BITS - a->exp_bits;
    return (uint32_t)((v + (1ULL << (sh - 1))) >> sh); /* round half up to P fraction bits */
}

uint32_t tfa_exp2_neg(const struct tfa_arch *a, uint64_t t)
{
    int f = a->exp_frac_bits, tb = a->exp_table_bits;
    uint64_t n = t >> f;
    if (n > (uint64_t)a->exp_bits)
        return 0;
    uint64_t frac = t & ((1ULL << f) - 1);
    int idx = (int)(f >= tb ? frac >> (f - tb) : frac << (tb - f));
    return tfa_exp_table(a, idx) >> n;
}

uint32_t tfa_scale_const(int head_dim, int frac_bits)
{
    /* log2(e) / sqrt(d) * 2^F, rounded, in integer arithmetic: log2(e) in Q2.60 is a
     * fixed constant, floor(1.44269504088896340736 * 2^60); sqrt(d) in Q.30 from isqrt128. */
    const u128 log2e_q60 = (u128)1663314137230540311ULL; /* floor(log2(e) * 2^60) */
    u128 sqrt_d_q30 = isqrt128((u128)head_dim << 60);   /* floor(sqrt(d) * 2^30) */
    /* (log2e * 2^60 / (sqrt_d * 2^30)) * 2^F = ratio in Q.30 shifted */
    u128 num = log2e_q60 << frac_bits;                   /* Q.(60+F) */
    u128 q = num / sqrt_d_q30;                           /* Q.(30+F) / ... -> Q.30 */
    return (uint32_t)((q + ((u128)1 << 29)) >> 30);
}

uint32_t tfa_scale_const_real(double qk_scale, int head_dim, int frac_bits)
{
    double c = 1.4426950408889634074 * qk_scale / sqrt((double)head_dim);
    double v = c * (double)(1ULL << frac_bits) + 0.5;
    return v >= 4294967296.0 || v < 1.0 ? 0 : (uint32_t)v;
}

int8_t tfa_quant8(double x, double s)
{
    double r = floor(x / s + 0.5);
    return (int8_t)(r > 127 ? 127 : (r < -128 ? -128 : r));
}

const char *tfa_check(const struct tfa_arch *a)
{
    if (a->banks < 1 || a->banks > 64) return "banks: 1..64";
    if (a->tokens_per_bank < 1 || a->tokens_per_bank > 1024) return "tokens_per_bank: 1..1024";
    if ((long)a->banks * a->tokens_per_bank > 8192) return "banks * tokens_per_bank: at most 8192";
    if (a->head_dim < 1 || a->head_dim > 256) return "head_dim: 1..256";
    if (a->kv_bits != 8 && a->kv_bits != 4) return "kv_bits: 8 or 4";
    if (a->exp_table_bits < 2 || a->exp_table_bits > 10) return "exp_table_bits: 2..10";
    if (a->exp_frac_bits < a->exp_table_bits || a->exp_frac_bits > 30)
        return "exp_frac_bits: exp_table_bits..30";
    if (a->scale_c == 0) return "scale_c: at least 1";
    if (a->exp_bits < 6 || a->exp_bits > 16) return "exp_bits: 6..16";
    if (a->prob_bits < 6 || a->prob_bits > 16) return "prob_bits: 6..16";
    if (a->imp_bits < a->prob_bits + 1 || a->imp_bits > 32) return "imp_bits: prob_bits+1..32";
    if (a->prune != TFA_PRUNE_NONE && a->prune != TFA_PRUNE_IMPORTANCE) return "prune: none or importance";
    if (a->recent < 0 || a->recent >= a->banks * a->tokens_per_bank)
        return "recent: 0..capacity-1";
    if (a->topk < 0 || a->topk > a->banks * a->tokens_per_bank) return "topk: 0..capacity";
    return 0;
}

int tfa_recip_guard(const struct tfa_arch *a)
{
    int cap = a->banks * a->tokens_per_bank, g = 0;
    while ((1 << g) < cap)
        g++;
    return g < 1 ? 1 : g;
}

int tfa_head_init(struct tfa_head *h, const struct tfa_arch *a)
{
    memset(h, 0, sizeof *h);
    h->cap = a->banks * a->tokens_per_bank;
    size_t n = (size_t)h->cap, nd = n * (size_t)a->head_dim;
    h->k = (int8_t *)calloc(nd, 1);
    h->v = (int8_t *)calloc(nd, 1);
    h->ks = (uint8_t *)calloc(n, 1);
    h->vs = (uint8_t *)calloc(n, 1);
    h->pos = (int64_t *)calloc(n, sizeof *h->pos);
    h->imp = (uint32_t *)calloc(n, sizeof *h->imp);
    if (!h->k || !h->v || !h->ks || !h->vs || !h->pos || !h->imp) {
        tfa_head_free(h);
        return -1;
    }
    return 0;
}

void tfa_head_free(struct tfa_head *h)
{
    free(h->k), free(h->v), free(h->ks), free(h->vs), free(h->pos), free(h->imp);
    memset(h, 0, sizeof *h);
}

int tfa_compress4(const int8_t *x, int d, int8_t *x4)
{
    int big = 0;
    for (int i = 0; i < d; i++) {
        int m = x[i] < 0 ? -x[i] : x[i];
        big = m > big ? m : big;
    }
    int s = (big + 6) / 7;
    if (s < 1)
        s = 1;
    for (int i = 0; i < d; i++) {
        int m = x[i] < 0 ? -x[i] : x[i];
        int r = (2 * m + s) / (2 * s); /* |x| / s rounded half up: half away from zero */
        int v = x[i] < 0 ? -r : r;
        x4[i] = (int8_t)(v < -8 ? -8 : (v > 7 ? 7 : v));
    }
    return s;
}

/* The slot a new token takes when the cache is full: the least important token
 * outside the protected window (ties: the oldest). */
static int victim(const struct tfa_arch *a, const struct tfa_head *h)
{
    int best = -1;
    for (int s = 0; s < h->cap; s++) {
        if (h->pos[s] >= h->clock - a->recent)
            continue; /* one of the W most recent */
        if (best < 0 || h->imp[s] < h->imp[best] ||
            (h->imp[s] == h->imp[best] && h->pos[s] < h->pos[best]))
            best = s;
    }
    return best;
}

int tfa_decode(const struct tfa_arch *a, struct tfa_head *h, const int8_t *q, const int8_t *k,
               const int8_t *v, int64_t *o, struct tfa_step *st)
{
    struct tfa_step dummy;
    if (!st)
        st = &dummy;
    if (tfa_append(a, h, k, v, st) < 0)
        return -1;
    tfa_attend(a, h, q, o, st);
    return 0;
}

int tfa_append(const struct tfa_arch *a, struct tfa_head *h, const int8_t *k, const int8_t *v,
               struct tfa_step *st)
{
    int d = a->head_dim;
    struct tfa_step dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    st->evicted = -1;
    /* 1. append */
    int slot;
    if (h->count < h->cap) {
        slot = h->count++;
    } else {
        if (a->prune == TFA_PRUNE_NONE)
            return -1;
        slot = victim(a, h);
        st->evicted = slot;
        st->evicted_pos = h->pos[slot];
    }
    st->slot = slot;
    int8_t *ks = h->k + (size_t)slot * d, *vs = h->v + (size_t)slot * d;
    if (a->kv_bits == 4) {
        h->ks[slot] = (uint8_t)tfa_compress4(k, d, ks);
        h->vs[slot] = (uint8_t)tfa_compress4(v, d, vs);
    } else {
        memcpy(ks, k, (size_t)d);
        memcpy(vs, v, (size_t)d);
        h->ks[slot] = h->vs[slot] = 1;
    }
    h->pos[slot] = h->clock++;
    h->imp[slot] = 0;
    return slot;
}

void tfa_attend(const struct tfa_arch *a, struct tfa_head *h, const int8_t *q, int64_t *o,
                struct tfa_step *st)
{
    int d = a->head_dim;
    struct tfa_step dummy;
    if (!st) {
        st = &dummy;
        memset(st, 0, sizeof *st);
        st->evicted = -1;
    }
    /* 2. scores (each bank for its own slots) and the global maximum */
    int n = h->count;
    int32_t *s = (int32_t *)malloc(sizeof *s * (size_t)n);
    uint32_t *e = (uint32_t *)malloc(sizeof *e * (size_t)n);
    uint8_t *keep = (uint8_t *)malloc((size_t)n);
    if (!s || !e || !keep)
        abort();
    int32_t smax = INT32_MIN;
    for (int j = 0; j < n; j++) {
        int32_t acc = 0;
        const int8_t *kj = h->k + (size_t)j * d;
        for (int i = 0; i < d; i++)
            acc += (int32_t)q[i] * kj[i];
        s[j] = acc * h->ks[j];
        smax = s[j] > smax ? s[j] : smax;
        keep[j] = 1;
    }
    st->smax = smax;
    /* 3. top-k: keep the topk largest scores; at the threshold, lower slots first */
    if (a->topk > 0 && a->topk < n) {
        for (int j = 0; j < n; j++) {
            int above = 0; /* tokens ranked before j */
            for (int i = 0; i < n; i++)
                above += s[i] > s[j] || (s[i] == s[j] && i < j);
            keep[j] = above < a->topk;
        }
    }
    /* 4. exponent and sum */
    uint64_t z = 0;
    int kept = 0;
    for (int j = 0; j < n; j++) {
        uint64_t t = (uint64_t)((int64_t)smax - s[j]) * a->scale_c;
        e[j] = keep[j] ? tfa_exp2_neg(a, t) : 0;
        z += e[j];
        kept += keep[j];
    }
    st->z = z;
    st->kept = kept;
    /* 5. reciprocal, probabilities, weighted sum of V, importance */
    int g = tfa_recip_guard(a), p_sh = a->exp_bits + g;
    uint64_t r = (uint64_t)(((u128)1 << (a->exp_bits + a->prob_bits + g)) / z);
    st->recip = r;
    uint64_t imp_max = a->imp_bits >= 32 ? 0xffffffffULL : ((1ULL << a->imp_bits) - 1);
    for (int i = 0; i < d; i++)
        o[i] = 0;
    for (int j = 0; j < n; j++) {
        uint64_t p = ((uint64_t)e[j] * r + (1ULL << (p_sh - 1))) >> p_sh;
        const int8_t *vj = h->v + (size_t)j * d;
        int64_t pv = (int64_t)p * h->vs[j];
        for (int i = 0; i < d; i++)
            o[i] += pv * vj[i];
        uint64_t ni = (uint64_t)h->imp[j] + p;
        h->imp[j] = (uint32_t)(ni > imp_max ? imp_max : ni);
    }
    free(s), free(e), free(keep);
}

long long tfa_step_cycles(const struct tfa_arch *a, int lanes, int count, int evicts, int refused)
{
    long long d = a->head_dim, tpb = a->tokens_per_bank, ch = d / lanes;
    long long rows = (count + a->banks - 1) / a->banks;
    long long qw = a->exp_bits + a->prob_bits + tfa_recip_guard(a) + 1;
    if (refused)
        return 1 + d;
    long long topk = (a->topk > 0 && count > a->topk) ? 34 * rows + 33 : 0;
    return 2 * d + ch + 2 * rows * ch + rows + qw + 6 + (evicts ? tpb + 1 : 0) + topk;
}

long long tfa_cmd_cycles(const struct tfa_arch *a, int lanes, int mode, int count, int evicts,
                         int refused)
{
    long long d = a->head_dim, ch = d / lanes;
    if (refused)
        return 1 + d;
    if (mode == TFA_MODE_APPEND)
        return 1 + d + ch + (evicts ? a->tokens_per_bank + 1 : 0);
    long long c = tfa_step_cycles(a, lanes, count, evicts, 0);
    return mode == TFA_MODE_ATTEND ? c - ch : c;
}
