/* model.h -- the transformer the accelerator runs ([model]): its shape, checked against
 * the hardware sections (the GEMM engine, the attention unit, the auxiliary unit and the
 * memory system), and the figures of its work that follow from the shape alone. */
#ifndef TF_BLOCKS_MODEL_H
#define TF_BLOCKS_MODEL_H

#include "tforge.h"

enum tf_norm { TF_NORM_POST = 0, TF_NORM_PRE = 1 };
enum tf_act { TF_ACT_GELU = 0 };
enum tf_mask { TF_MASK_CAUSAL = 0, TF_MASK_BIDIR = 1 };

struct model_cfg {
    int d_model, heads, d_ff, layers, max_seq, sequences;
    int norm, act, attention;
};

struct model_plan {
    int d, heads, head_dim, d_ff, layers, max_seq, sequences;
    int norm, act, attention;
    int heads_per_cache;        /* model heads on one of the attention unit's caches */
    long long kv_tokens;        /* tokens one cache holds at most: heads_per_cache x layers x
                                 * max_seq x sequences */
    int kv_cap;                 /* the unit's tokens per cache */
    long long weight_bytes;     /* int8 weights of one layer: 4 d^2 + 2 d d_ff */
    long long macs_token;       /* MACs of one token of one layer at context max_seq:
                                 * 4 d^2 + 2 d d_ff + 2 max_seq d */
};

/* MACs of one token of one layer at context L: 4 d^2 + 2 d f + 2 L d (the weight GEMMs
 * and the attention's scores and weighted sum). */
long long model_macs_token(const struct model_plan *p, long long ctx);

static inline const struct model_plan *plan_model(const struct tf_plan *p)
{
    return (const struct model_plan *)p->blk[TF_BLK_model];
}

#endif
