/* mem.h -- the memory system block ([mem] builds <name>_sys: the GEMM engine with its
 * buffer write port and two-half operand buffers, the DMA engine and the AXI4 master). */
#ifndef TF_BLOCKS_MEM_H
#define TF_BLOCKS_MEM_H

#include "tforge.h"

struct mem_cfg {
    int data_bits;    /* AXI data width */
    int addr_bits;    /* AXI address width */
    int id_bits;      /* AXI ID width */
    int burst_len;    /* beats per burst, at most */
    int max_reads;    /* read bursts outstanding */
    int max_writes;   /* write bursts outstanding */
    int corner_words; /* corner turn: port words per row and slot */
};

/* The memory system's interface facts: written once here; they reach the RTL (as
 * parameters), the params headers (MEM_*) and the docs. */
enum {
    TF_MEM_DST_A0 = 0, /* dsc_dst_i: half 0 of the A buffer */
    TF_MEM_DST_A1 = 1,
    TF_MEM_DST_B0 = 2,
    TF_MEM_DST_B1 = 3,
    TF_MEM_DST_MEM = 4, /* write-back of the result beats to memory */
    TF_MEM_DST_S = 5,   /* a load into rows dsc_srow_i.. of the result store S (gemm.store) */
    TF_MEM_DST_SMEM = 6, /* a write-back of rows dsc_srow_i.. of S to memory (gemm.store) */
    TF_MEM_DST_W = 3,
    TF_MEM_ERR_NONE = 0,   /* completion codes */
    TF_MEM_ERR_ZERO = 1,   /* rows or cols 0 */
    TF_MEM_ERR_RANGE = 2,  /* larger than the destination holds; transposed write-back or S access */
    TF_MEM_ERR_ALIGN = 3,  /* addr, or stride with rows > 1, not a multiple of the port word */
    TF_MEM_ERR_WIDTH = 4,  /* element width not the operand's (loads), above 4 bytes (write-back) */
    TF_MEM_ERR_DST = 5,    /* undefined destination (DST_S, DST_SMEM without a store) */
    TF_MEM_ERR_STRIDE = 6, /* rows overlap, or the matrix passes the end of the address space */
    TF_MEM_ERR_AXI = 7,    /* a SLVERR or DECERR response during the transfer */
    TF_MEM_ERR_W = 3,
    TF_MEM_EW_W = 2,       /* dsc_ew_i: log2 of the element's bytes */
    TF_MEM_TAG_W = 8,      /* descriptor id */
    TF_MEM_CNT_W = 48,     /* counters */
    TF_MEM_AXI_LEN_W = 8,  /* AxLEN (AXI4) */
    TF_MEM_CDIM_W = 16,    /* controller commands: M and N */
    TF_MEM_CERR_NONE = 0,  /* controller completion codes (TF_MEM_ERR_W bits) */
    TF_MEM_CERR_ZERO = 1,  /* M, N or K is 0 */
    TF_MEM_CERR_RANGE = 2, /* K > max_k; a store or S source needing more than one tile */
    TF_MEM_CERR_ALIGN = 3, /* an address, or a stride of a matrix of several rows, not port-aligned */
    TF_MEM_CERR_WIDTH = 4, /* C elements wider than 4 bytes */
    TF_MEM_CERR_FORM = 5,  /* a form the design cannot run (requant, store, S source, N tiling) */
    TF_MEM_CERR_STRIDE = 6, /* a stride below its row's bytes, or past the address space */
    TF_MEM_CERR_AXI = 7    /* an AXI error response during the command's transfers */
};

struct mem_plan {
    int dw, pb, off_w;           /* data bits, bytes per port word, log2(pb) */
    int addr_w, id_w, burst, max_rd, max_wr;
    int cw;                      /* corner-turn words per row and slot */
    int eb_log;                  /* operand bytes in memory: 2^eb_log */
    int epw;                     /* operand elements per port word */
    int lmax;                    /* lanes of a lane-vector: max(R, C) */
    int bw_aw;                   /* buffer word address inside a half */
    int a_stride, b_stride;      /* lane-group step of the A and B buffers */
    int a_lane_max, a_other_max; /* descriptor limits of A: along its lanes, the other index */
    int b_lane_max, b_other_max;
    int dim_w, row_idx_w, col_idx_w, acc_bits, op_bits, rows, cols;
    long long ct_bits;           /* corner-turn storage: 2 slots x lmax rows x cw words */
    int tile_m, tile_n;          /* controller tiles: rows, columns */
    int n_tiles;                 /* 1: N may exceed tile_n (tile_n port-aligned) */
    int max_m, max_k, max_n, dataflow, requant, store;
    int wb_fifo;                 /* result FIFO between the engine's c_* and the write-back: entries */
};

static inline const struct mem_plan *plan_mem(const struct tf_plan *p)
{
    return (const struct mem_plan *)p->blk[TF_BLK_mem];
}

void mem_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir, struct diag *d);

/* A port of <name>_sys (mem_rtl.c): the accelerator top connects them by this list. */
struct sys_port {
    const char *name;
    int out, width;
    const char *before;  /* a comment line before it, or NULL */
};
int mem_sys_ports(const struct tf_plan *root, struct sys_port *out, int max);
/* The controller's write-back descriptor queue (tf_mem_ctl's WbQ): 1 without [model]. */
int mem_wb_queue(const struct tf_plan *root);

#endif
