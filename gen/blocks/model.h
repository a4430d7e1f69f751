/* model.h -- the transformer the accelerator runs ([model]): its shape, checked against
 * the hardware sections (the GEMM engine, the attention unit, the auxiliary unit and the
 * memory system), and the figures of its work that follow from the shape alone. */
#ifndef TF_BLOCKS_MODEL_H
#define TF_BLOCKS_MODEL_H

#include "tforge.h"

enum tf_norm { TF_NORM_POST = 0, TF_NORM_PRE = 1 };
enum tf_act { TF_ACT_GELU = 0 };
enum tf_mask { TF_MASK_CAUSAL = 0, TF_MASK_BIDIR = 1 };
/* how a batch is formed from the request table (docs/architecture.md 3.12): in table order, the
 * first entry that does not fit closes the batch; or first fit, an entry that does not fit waits
 * for a later batch of the same run while later entries may still join */
enum tf_policy { TF_POLICY_ORDER = 0, TF_POLICY_FIT = 1 };

struct model_cfg {
    int d_model, heads, d_ff, layers, max_seq, sequences, bmax;
    int norm, act, attention, policy;
};

struct model_plan {
    int d, heads, head_dim, d_ff, layers, max_seq, sequences, bmax;
    int norm, act, attention;
    int policy;                 /* enum tf_policy: BATCH.FIT's value after reset */
    int heads_per_cache;        /* model heads on one of the attention unit's caches */
    long long kv_tokens;        /* tokens one cache holds at most: heads_per_cache x layers x
                                 * max_seq x sequences */
    int kv_cap;                 /* the unit's tokens per cache */
    long long weight_bytes;     /* int8 weights of one layer: 4 d^2 + 2 d d_ff */
    long long macs_token;       /* MACs of one token of one layer at context max_seq:
                                 * 4 d^2 + 2 d d_ff + 2 max_seq d */
};

/* The register map of the accelerator (AXI4-Lite, 32-bit registers, byte offsets in a 4 KiB
 * space), written once here: the generator passes it to <name>_csr (tf_csr's parameters), the
 * params headers (MODEL_CSR_*) and the docs take it from this table. */
enum {
    TF_CSR_ID = 0x000,        /* RO: TF_CSR_ID_VALUE */
    TF_CSR_SHAPE0 = 0x004,    /* RO: d_model [15:0], heads [31:16] */
    TF_CSR_SHAPE1 = 0x008,    /* RO: d_ff [15:0], layers [31:16] */
    TF_CSR_SHAPE2 = 0x00c,    /* RO: max_seq [15:0], sequences [23:16], pre_ln [24], causal [25] */
    TF_CSR_CTRL = 0x010,      /* START (write 1: start; refused while busy), IRQ_EN (RW) */
    TF_CSR_STATUS = 0x014,    /* RO: BUSY, DONE, ERR */
    TF_CSR_IRQ = 0x018,       /* DONE, ERR pending; write 1 to clear */
    TF_CSR_ERR = 0x01c,       /* RO: code [7:0], sequence [15:8] of the first error since START */
    TF_CSR_WBASE_LO = 0x020,  /* RW (not while busy): the weight image's address */
    TF_CSR_WBASE_HI = 0x024,
    TF_CSR_BATCH = 0x028,     /* RW (not while busy): CAP [4:0] entries per batch at most (0: the
                               * design's bmax; a CAP above bmax is refused), FIT [8] (the policy) */
    TF_CSR_CNT = 0x040,       /* RO counters, 64 bits each: LO at +8k, HI at +8k+4 */
    TF_CSR_REQ = 0x100,       /* request-table entry i at +i*TF_CSR_REQ_STRIDE */
    TF_CSR_REQ_STRIDE = 0x20,
    TF_CSR_REQ_CTRL = 0x00,   /* ACTIVE, DECODE (RW), RESET (write 1: forget the sequence) */
    TF_CSR_REQ_POS = 0x04,    /* RO: tokens the sequence has run */
    TF_CSR_REQ_LEN = 0x08,    /* RW: tokens of this request [15:0] */
    TF_CSR_REQ_IN_LO = 0x0c,  /* RW: address of the input rows */
    TF_CSR_REQ_IN_HI = 0x10,
    TF_CSR_REQ_OUT_LO = 0x14, /* RW: address of the output rows */
    TF_CSR_REQ_OUT_HI = 0x18,
    /* fields: bit positions */
    TF_CSR_CTRL_START = 0, TF_CSR_CTRL_IRQ_EN = 1,
    TF_CSR_ST_BUSY = 0, TF_CSR_ST_DONE = 1, TF_CSR_ST_ERR = 2,
    TF_CSR_REQ_ACTIVE = 0, TF_CSR_REQ_DECODE = 1, TF_CSR_REQ_RESET = 2,
    TF_CSR_BATCH_FIT = 8, TF_CSR_BATCH_CAP_W = 5,
    TF_CSR_LEN_W = 16,
    TF_CSR_NCNT = 7
};
#define TF_CSR_ID_VALUE 0x54464731u /* "TFG1" */
/* the counters, in register order */
extern const char *const tf_csr_cnt_name[TF_CSR_NCNT];

/* MACs of one token of one layer at context L: 4 d^2 + 2 d f + 2 L d (the weight GEMMs
 * and the attention's scores and weighted sum). */
long long model_macs_token(const struct model_plan *p, long long ctx);

/* The SHAPE0..2 words of a plan */
void model_csr_shape(const struct model_plan *p, unsigned out[3]);
void model_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                    struct diag *d);
/* <name>_accel (model_top.c): built for post-LN models on a time-multiplexed attention unit */
int model_has_accel(const struct tf_plan *p);
void model_emit_accel(const struct tf_plan *p, const struct tf_dir *dir, struct diag *d);
/* <name>_driver.h and <name>_driver.c (model_drv.c) */
void model_emit_driver(const struct tf_plan *p, const struct tf_dir *dir, struct diag *d);

static inline const struct model_plan *plan_model(const struct tf_plan *p)
{
    return (const struct model_plan *)p->blk[TF_BLK_model];
}

#endif
