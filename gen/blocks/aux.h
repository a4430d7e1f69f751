/* aux.h -- the auxiliary unit block ([aux] builds <name>_aux): bias, requantization,
 * residual add, LayerNorm and GELU on the GEMM engine's result rows, chained by one
 * command. The logic is templates/aux/ (tf_aux and its stages), the arithmetic
 * model/tf_aux.c (docs/numerics.md 11), the interface docs/architecture.md 3.6. */
#ifndef TF_BLOCKS_AUX_H
#define TF_BLOCKS_AUX_H

#include "tforge.h"
#include "tf_aux.h" /* model/: struct tfx_arch, struct tfx_hw, opcodes, error codes */

/* The unit's interface facts, written once: the wrapper's ports, the params headers
 * (AUX_*) and the docs take them from here. Opcodes, chain bits and error codes are the
 * model's (model/tf_aux.h); the port widths are tf_aux's fixed command fields. */
enum {
    TF_AUX_OP_W = 3,            /* cmd_op_i */
    TF_AUX_OP_RUN = TFX_CMD_RUN,
    TF_AUX_OP_LOAD_BIAS = TFX_CMD_LOAD_BIAS,
    TF_AUX_OP_LOAD_RQ = TFX_CMD_LOAD_RQ,
    TF_AUX_OP_LOAD_GAMMA = TFX_CMD_LOAD_GAMMA,
    TF_AUX_OP_LOAD_BETA = TFX_CMD_LOAD_BETA,
    /* the accelerator's GEMM epilogue (tf_epilogue): a LOAD of its own per-column shift table
     * (docs/numerics.md 12), beside the unit's LOAD opcodes and never passed to the unit */
    TF_EP_OP_LOAD_SHIFT = 7,
    TF_AUX_OPS_W = 5,           /* cmd_ops_i: the chain, one bit per stage */
    TF_AUX_PRM_W = 36,          /* prm_data_i: one parameter entry */
    TF_AUX_PRM_SHIFT_LSB = 31,  /* LOAD_RQ entry: [30:0] mult, [35:31] shift */
    TF_AUX_RES_MULT_W = 31,     /* cmd_res_mult_i */
    TF_AUX_RES_LSH_W = 5,       /* cmd_res_lsh_i (0..24) */
    TF_AUX_RES_SHIFT_W = 5,     /* cmd_res_shift_i */
    TF_AUX_LN_GF_W = 4,         /* cmd_ln_gf_i: gamma_frac 0..15 */
    TF_AUX_LN_BF_W = 5,         /* cmd_ln_bf_i: beta_frac 0..16 */
    TF_AUX_LN_EPS_W = 32,       /* cmd_ln_eps_i: eps_q, unsigned Q16.16 */
    TF_AUX_GELU_MANT_W = 16,    /* cmd_gelu_in_mant_i, cmd_gelu_out_mant_i */
    TF_AUX_GELU_EXP_W = 6,      /* cmd_gelu_in_exp_i, cmd_gelu_out_exp_i */
    TF_AUX_ERR_W = 3,           /* err_code_o */
    TF_AUX_CNT_W = 32,          /* stat_cycles_o, stat_stall_o */
    TF_AUX_RQ_ENTRY_BITS = 36,  /* a requantization entry in the parameter memory */
    TF_AUX_GAMMA_BITS = 16,     /* a gamma entry (int16) */
    TF_AUX_BETA_BITS = 32,      /* a beta entry (int32) */
    TF_AUX_ROM_BITS = TFX_GELU_SEGS * 68 /* one GELU lane's coefficient ROM */
};

/* The stages, in chain order: key names, params names, plan report. */
enum { TF_AUX_NSTAGES = 5 };
extern const char *const tf_aux_stage_key[TF_AUX_NSTAGES];   /* "bias" ... "gelu" */

struct aux_cfg {
    int bias, requant, residual, layernorm, gelu; /* which stages are built */
    int lanes, max_d, max_rows;
    int acc_bits, bias_bits, rq_bits, res_bits, res_in_bits;
    int ln_in_bits, ln_out_bits, ln_max_d, ln_rows, ln_banks;
    int gelu_in_bits, gelu_out_bits;
};

struct aux_plan {
    struct tfx_arch arch; /* the model's parameters; the fields of a stage that is not
                           * built hold values tfx_check accepts (bias_bits <= acc_bits,
                           * ln_max_d <= max_d) and are never used */
    struct tfx_hw hw;     /* built stages, ln_rows, ln_banks, row_bits */
    int max_rows;
    /* widths of the RTL */
    int dw;               /* cmd_d_i: clog2(max_d + 1) */
    int col_w;            /* in_col_i, out_col_o: max(clog2(max_d), 1) */
    int out_w;            /* an out_data_o lane: max(acc_bits, res_bits) */
    int row_w;            /* cmd_m_i, cmd_grp_i, in_row_i, out_row_o */
    int tiles, ln_tiles;  /* words per lane of the column memories */
    /* memory bits as planned (the area bench measures them) */
    long long bias_bits, rq_bits, gb_bits, store_bits, rom_bits, bits;
};

/* Memory bits of a config (the size rule and the plan). */
void aux_storage(const struct aux_cfg *c, long long *bias, long long *rq, long long *gb,
                 long long *store, long long *rom);

static inline const struct aux_plan *plan_aux(const struct tf_plan *p)
{
    return (const struct aux_plan *)p->blk[TF_BLK_aux];
}

void aux_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                  struct diag *d);

#endif
