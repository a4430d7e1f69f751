/* tf_attn.h -- golden model of the PIM-style attention unit: a KV cache
 * spread over banks that compute beside their storage, integer softmax, KV-cache
 * compression (int8, or int4 with a per-token scale) and pruning (accumulated
 * importance with a protected recent window, and/or top-k scores).
 *
 * Everything here is integer and bit-exact; docs/numerics.md section 10 is the
 * specification, this file its reference implementation. One head's cache is a
 * struct tfa_head; a multi-head unit keeps one per head (time-multiplexed or in
 * parallel only changes the cycles, not the values). */
#ifndef TF_ATTN_H
#define TF_ATTN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { TFA_PRUNE_NONE = 0, TFA_PRUNE_IMPORTANCE = 1 };

struct tfa_arch {
    int banks;          /* NB */
    int tokens_per_bank; /* cache capacity N = banks * tokens_per_bank */
    int head_dim;       /* D */
    int kv_bits;        /* 8, or 4 (per-token scale) */
    int exp_frac_bits;  /* F: fraction bits of the log2-domain exponent argument */
    int exp_table_bits; /* T: the 2^-f table has 2^T entries */
    int exp_bits;       /* P: table values are round(2^P * 2^-f), 2^(P-1) < e <= 2^P */
    int prob_bits;      /* PB: probabilities are unsigned Q0.PB */
    int imp_bits;       /* width of a token's accumulated importance (saturating) */
    int prune;          /* TFA_PRUNE_NONE: a full cache refuses appends; IMPORTANCE: evict */
    int recent;         /* W: the W most recently appended tokens are never evicted */
    int topk;           /* 0: off; else only the topk largest scores enter the softmax */
    uint32_t scale_c;   /* round(log2(e) * sq * sk / sqrt(D) * 2^F): a run-time register;
                         * tfa_scale_const() for unit scales sq = sk = 1 */
};

/* round(log2(e) / sqrt(d) * 2^frac_bits): the 1/sqrt(d) score scaling and the change
 * from e^x to 2^x in one constant (computed once, by the generator's plan). */
uint32_t tfa_scale_const(int head_dim, int frac_bits);

/* The same for int8 q and k that represent real values sq*q and sk*k (qk_scale =
 * sq * sk): computed by the host in double precision; 0 if it does not fit 32 bits. */
uint32_t tfa_scale_const_real(double qk_scale, int head_dim, int frac_bits);

/* A real value as an int8 of scale s: round(x / s) (halves up), clamped to -128..127.
 * Host-side, for the benchmarks and harnesses that start from real-valued data. */
int8_t tfa_quant8(double x, double s);

/* 0 if a is a legal architecture, else a static message naming the first problem. */
const char *tfa_check(const struct tfa_arch *a);

/* One head's KV cache and its bookkeeping. Slot s lives in bank s % banks at row
 * s / banks. Words are stored compressed: int8 values, or int4 values with a
 * per-token unsigned scale (1..19). */
struct tfa_head {
    int cap;            /* banks * tokens_per_bank */
    int count;          /* valid slots (slots 0..count-1 fill first, then evictions reuse) */
    int64_t clock;      /* tokens appended so far (the position of the next one) */
    int8_t *k, *v;      /* cap * D stored values (int8, or int4 in -8..7) */
    uint8_t *ks, *vs;   /* per-slot scales (1 for int8) */
    int64_t *pos;       /* position of the token in each slot */
    uint32_t *imp;      /* accumulated importance, Q0.PB, saturating at imp_bits */
};

int tfa_head_init(struct tfa_head *h, const struct tfa_arch *a); /* 0, or -1: no memory */
void tfa_head_free(struct tfa_head *h);

/* int4 compression of one D-vector x of int8 values: scale s = max(1, ceil(max|x| / 7)),
 * x4[i] = clamp(round_half_away(x[i] / s), -8, 7). Returns s. */
int tfa_compress4(const int8_t *x, int d, int8_t *x4);

/* The result of one decode step, for the harnesses and the benchmarks. */
struct tfa_step {
    int slot;           /* slot the new token went to */
    int evicted;        /* slot whose token was evicted for it, or -1 */
    int64_t evicted_pos;
    int32_t smax;       /* largest score */
    uint64_t z;         /* softmax denominator: sum of e_j over kept tokens */
    uint64_t recip;     /* floor(2^(P + PB + G) / z) */
    int kept;           /* tokens that entered the softmax */
};

/* One decode step: append (k, v) (evicting if the cache is full and pruning is on),
 * attend with q over every cached token, write o[0..D-1] (signed, Q.PB: the value is
 * o / 2^PB) and update the importances. Returns 0, or -1 if the cache is full and
 * pruning is off (nothing changes). Scratch-free: allocates nothing on success paths
 * beyond a per-call buffer of cap words. */
int tfa_decode(const struct tfa_arch *a, struct tfa_head *h, const int8_t *q, const int8_t *k,
               const int8_t *v, int64_t *o, struct tfa_step *st);

/* The two halves of a decode step (tfa_decode is the first followed by the second).
 * tfa_append: (k, v) into a free slot, or over the victim when the cache is full and
 * pruning is on; returns the slot, or -1 when full without pruning (nothing changes); st
 * (may be NULL) gets the append fields and zero softmax fields. tfa_attend: q attends over
 * every cached token (h->count >= 1): o and the importances as tfa_decode; st (may be NULL)
 * gets the softmax fields. A bidirectional prompt appends all its tokens first and then
 * attends with each query. */
int tfa_append(const struct tfa_arch *a, struct tfa_head *h, const int8_t *k, const int8_t *v,
               struct tfa_step *st);
void tfa_attend(const struct tfa_arch *a, struct tfa_head *h, const int8_t *q, int64_t *o,
                struct tfa_step *st);

/* Cycles of one decode step of the RTL (templates/tf_attn_core.v) with `lanes` MAC
 * lanes per bank, from the cycle the command is accepted to the last output beat,
 * without input gaps or output back-pressure, where count is the number of cached tokens
 * after the append and rows = ceil(count / banks):
 *   2D + CH + 2 rows CH + rows + QW + 6, plus TPB + 1 when the step evicts, plus
 *   34 rows + 33 when top-k applies (topk > 0 and count > topk)
 * (CH = D / lanes, QW = P + PB + G + 1); 1 + D when the step is refused. */
long long tfa_step_cycles(const struct tfa_arch *a, int lanes, int count, int evicts, int refused);

/* What one command of the unit does (cmd_mode_i): a decode step (tfa_decode), its append
 * half alone (tfa_append: no o), or its attend half alone (tfa_attend: nothing appended; a
 * region holding no token refuses it). Another code is refused. */
enum { TFA_MODE_STEP = 0, TFA_MODE_APPEND = 1, TFA_MODE_ATTEND = 2, TFA_MODES = 3 };

/* Cycles of one command of mode `mode` (count: the cached tokens after it):
 * TFA_MODE_STEP as tfa_step_cycles; TFA_MODE_APPEND 1 + D + CH (+ TPB + 1 when it evicts);
 * TFA_MODE_ATTEND tfa_step_cycles - CH (no write); 1 + D when refused. */
long long tfa_cmd_cycles(const struct tfa_arch *a, int lanes, int mode, int count, int evicts,
                         int refused);

/* The integer exponent: e = table[idx] >> n for a log2-domain argument -t / 2^F (t >= 0):
 * n = t >> F, idx = (t mod 2^F) >> (F - T) (or << (T - F) when T > F), 0 when n > P. */
uint32_t tfa_exp2_neg(const struct tfa_arch *a, uint64_t t);
/* Table entry i of 2^T: round(2^P * 2^(-i / 2^T)), the contents the generator emits. */
uint32_t tfa_exp_table(const struct tfa_arch *a, int i);
/* Guard bits of the reciprocal: ceil(log2(cap)) (at least 1). */
int tfa_recip_guard(const struct tfa_arch *a);

#ifdef __cplusplus
}
#endif

#endif
