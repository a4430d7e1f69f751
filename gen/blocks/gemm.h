/* gemm.h -- the GEMM engine block: its config ([array], [gemm]) and its plan. */
#ifndef TF_BLOCKS_GEMM_H
#define TF_BLOCKS_GEMM_H

#include "tforge.h"

enum tf_dataflow { TF_OS = 0, TF_WS = 1 };
enum tf_store { TF_STORE_NONE = 0, TF_STORE_FLOPS = 1, TF_STORE_BANKED = 2 };

struct gemm_cfg {
    int rows, cols;
    int dataflow; /* enum tf_dataflow */
    int operand_bits;
    int max_m, max_k, max_n;
    int requant, requant_bits;
    int store; /* enum tf_store: the engine's on-chip result store */
};

/* The engine's interface facts: written once here, they reach the RTL (as
 * parameters), the params headers and the docs. */
enum {
    TF_GEMM_OP_LOAD_A = 0,
    TF_GEMM_OP_LOAD_B = 1,
    TF_GEMM_OP_LOAD_RQ = 2,
    TF_GEMM_OP_GEMM = 3,
    TF_GEMM_OP_LOAD_AT = 4,
    TF_GEMM_OP_LOAD_BT = 5,
    TF_GEMM_OP_W = 3,     /* cmd_op_i */
    TF_GEMM_SRC_BUF = 0,  /* operand from its buffer */
    TF_GEMM_SRC_ST = 1,   /* from the result store S */
    TF_GEMM_SRC_ST_T = 2, /* from S transposed */
    TF_GEMM_SRC_W = 2,    /* cmd_asrc_i, cmd_bsrc_i */
    TF_GEMM_RQ_MULT_W = 31, /* rq_mult_i: Q0.31 multiplier */
    TF_GEMM_RQ_SHIFT_W = 5, /* rq_shift_i: right shift 0..31 */
    TF_GEMM_RQ_ENTRY_W = TF_GEMM_RQ_MULT_W + TF_GEMM_RQ_SHIFT_W, /* one stored entry */
    TF_GEMM_CNT_W = 48    /* statistics counters */
};

/* On-chip storage of a GEMM config, in words and bits: the one formula used by the
 * plan and by the buffer-size rule. */
struct gemm_storage {
    long long a_depth, b_depth, acc_depth;
    long long a_bits, b_bits, acc_bits, prm_bits, total;
    long long store_bits; /* result store, 0 without gemm.store */
};
void gemm_storage(const struct gemm_cfg *g, struct gemm_storage *st);
/* Smallest signed accumulator width with no overflow for K <= max_k. */
int tf_acc_width(int op_bits, int max_k);

/* Every width, depth, count and latency of the engine, computed once. */
struct gemm_plan {
    int rows, cols;
    enum tf_dataflow dataflow;
    int op_bits;
    int acc_bits;        /* accumulator: no overflow for any K <= max_k */
    int max_m, max_k, max_n;
    int requant, rq_bits;

    int mt_max, nt_max, kt_max; /* tile counts at the maxima */
    int dim_w;           /* width of every dimension port and counter */
    int addr_w;          /* width of every buffer address counter */
    int a_addr_w, b_addr_w, acc_addr_w; /* address port of each lane memory */
    int mt_w, nt_w, kt_w;
    int lane_w;          /* lane index (max(rows, cols) lanes) */
    int rowsel_w;        /* row index inside the array */
    int row_idx_w;       /* c_row_o width (an M index) */
    int col_idx_w;       /* c_col_o width (an N index) */
    int cnt_w;           /* statistics counters */
    int rq_entry_w;      /* one requantization entry: {mult, shift} */
    int max_rc;

    int a_depth, b_depth, acc_depth; /* words per lane memory */
    int a_stride, b_stride;          /* address step per tile */
    int a_lane_on_col;               /* 1: A lane = column index mod R (WS) */

    /* pipeline latencies used by the RTL and the cycle model */
    int lat_read;        /* operand buffer read */
    int lat_feed;        /* extra feed register in front of the WS array */
    int lat_beat;        /* beat register behind the array */
    int lat_rq;          /* requantization stage (0 when absent) */
    int min_period;      /* smallest tile period (WS accumulator read-modify-write) */

    /* storage, in bits */
    long long a_buf_bits, b_buf_bits, acc_buf_bits, rq_prm_bits;
    int out_data_bits;   /* c_data_o width */

    /* result store (gemm.store): a max_m x max_n register file of operand words with
     * two read ports (A, B), written by the output beats */
    int store;           /* enum tf_store */
    int st_nb;           /* words per data port: max(max_m, max_n) */
    int st_idx_w;        /* max(clog2(st_nb), 1) */
    int st_row_w;        /* max(clog2(max_m), 1) */
    int st_col_w;        /* max(clog2(max_n), 1) */
    long long store_bits;
};

/* The engine's plan of a design that builds it, else NULL. */
static inline const struct gemm_plan *plan_gemm(const struct tf_plan *p)
{
    return (const struct gemm_plan *)p->blk[TF_BLK_gemm];
}

/* gemm_rtl.c */
int gemm_has_bw(const struct tf_plan *root);
int gemm_bw_aw(const struct gemm_plan *p);
void gemm_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                   struct diag *d);

#endif
