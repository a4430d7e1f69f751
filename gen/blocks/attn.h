/* attn.h -- the PIM-style attention unit block ([attn] builds <name>_attn). */
#ifndef TF_BLOCKS_ATTN_H
#define TF_BLOCKS_ATTN_H

#include "tforge.h"
#include "tf_attn.h" /* model/: the unit's parameters and constants */

enum tf_prune { TF_PRUNE_NONE = 0, TF_PRUNE_IMPORTANCE = 1 };
enum { TF_ATTN_CNT_W = 48 }; /* statistics counters (tf_attn_core's CntW) */
enum { TF_ATTN_MODE_W = 2 };  /* cmd_mode_i: TFA_MODE_* (model/tf_attn.h) */

struct attn_cfg {
    int banks, tokens_per_bank, head_dim, heads, heads_parallel;
    int lanes, kv_bits, exp_table_bits, exp_bits, exp_frac_bits;
    int prob_bits, importance_bits, prune, recent, topk, regions;
};

/* docs/numerics.md section 10; the RTL is templates/tf_attn_core.v */
struct attn_plan {
    int banks, tpb, cap, d, heads, parallel, lanes, kv_bits;
    int t, p, f, pb, imp_bits, prune, recent, topk;
    int regions;          /* regions per head's cache (> 1: counts come with the command) */
    int reg_rows;         /* rows of a region: tpb / regions */
    int rg_w;             /* cmd_region_i: max(clog2(regions), 1) */
    unsigned scale_c;     /* default score constant round(log2(e)/sqrt(D) * 2^F) */
    int guard;            /* reciprocal guard bits G = max(1, ceil(log2 cap)) */
    long long bits;       /* KV storage (values and per-token scales, all heads) */
    /* widths of the RTL */
    int ch, row_w, ch_w, h_w, b_w, slot_w, dw, maw, saw, ow;
    int hp;               /* heads side by side: heads if heads_parallel, else 1 */
    int hcore;            /* heads per core: 1 if heads_parallel, else heads */
    int hcore_w;          /* max(clog2(hcore), 1) */
    int scale_w;          /* cmd_scale_i per head */
    int kv_w;             /* in_q/k/v_i per head */
    int cnt_w;            /* statistics counters */
};

/* KV-cache bits of a config: heads x capacity x (2 D kv_bits + 10 with int4 scales). */
long long attn_storage_bits(const struct attn_cfg *c);
/* The model's parameters (model/tf_attn.h) of the unit. */
struct tfa_arch attn_arch(const struct attn_plan *p);

static inline const struct attn_plan *plan_attn(const struct tf_plan *p)
{
    return (const struct attn_plan *)p->blk[TF_BLK_attn];
}

void attn_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                   struct diag *d);

#endif
