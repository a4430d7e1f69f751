/* tf_mem.h -- golden and cycle model of the memory system's controller (<name>_sys,
 * templates/mem/tf_mem_ctl.v): what a command does to memory and to the result store,
 * how it is tiled, which descriptors it issues, how many bytes cross the port, and its
 * cycles. docs/architecture.md (the memory system) specifies the schedule. */
#ifndef TF_MEM_H
#define TF_MEM_H

#include "tf_model.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One design's memory system: from the params header (TFP_MEM_*, TFP_*): TFMM_CFG_INIT
 * with the design's header included (TFP_SINGLE_DESIGN). */
struct tfmm_cfg {
    struct tfm_arch arch;
    int port_bytes;      /* PB */
    int addr_bits;
    int eb_log;          /* operand bytes in memory: 2^eb_log */
    int tile_m, tile_n, n_tiles;
    int store;           /* the engine has a result store */
    int burst_len, max_reads, max_writes, corner_words;
    int wb_fifo;         /* result FIFO (engine -> write-back): entries; 0: none */
};
#define TFMM_CFG_INIT                                                                       \
    { .arch = TFP_ARCH_INIT, .port_bytes = TFP_MEM_PORT_BYTES, .addr_bits = TFP_MEM_ADDR_BITS, \
      .eb_log = TFP_MEM_EB_LOG, .tile_m = TFP_MEM_TILE_M, .tile_n = TFP_MEM_TILE_N,            \
      .n_tiles = TFP_MEM_N_TILES, .store = TFP_STORE != 0, .burst_len = TFP_MEM_BURST_LEN,     \
      .max_reads = TFP_MEM_MAX_READS, .max_writes = TFP_MEM_MAX_WRITES,                        \
      .corner_words = TFP_MEM_CORNER_WORDS, .wb_fifo = TFP_MEM_WB_FIFO }

/* A controller command (the ctl_* ports). hold: ctl_hold_i (the first step loads B, then
 * waits for a go before A); go_delay: for the cycle model, when its go pulses (ctl_go_i):
 * go_delay >= 1 cycles after the latest of its acceptance, the previous command's
 * completion (none for the first) and the previous held command's go. blk_at, blk_len:
 * for an estimate of the accelerator (gen/perf.c), another master's reads on the shared
 * port while the command waits (the epilogue's table loads): from blk_at cycles after the
 * same point as go_delay, for blk_len cycles, no R beat reaches the controller's loads
 * (0: none; the RTL's own harness never sets them). tail, likewise for the accelerator: the
 * command completes no earlier than tail cycles after its last result beat left the engine
 * (an epilogue that holds results back: LayerNorm; it takes a result beat per cycle and
 * its writes, which overlap the tail, are not timed; 0: none). None of them changes what the
 * command does. */
struct tfmm_cmd {
    uint64_t a_addr, a_stride, b_addr, b_stride, c_addr, c_stride;
    int m, k, n;
    int requant, store, asrc, btr, cew, id;
    int hold, go_delay, blk_at, blk_len, tail;
};

/* Completion codes (TFP_MEM_CERR_*). */
enum {
    TFMM_OK = 0, TFMM_ZERO = 1, TFMM_RANGE = 2, TFMM_ALIGN = 3, TFMM_WIDTH = 4,
    TFMM_FORM = 5, TFMM_STRIDE = 6, TFMM_AXI = 7
};

/* The controller's check of a command: 0, or the code it is refused with (in the RTL's
 * order of precedence: zero, form, range, width, align, stride). The fields must be
 * representable on the ports: m, n < 2^16 (ctl_m_i), k < 2^dim_w, addresses and strides
 * below 2^addr_bits. */
int tfmm_check(const struct tfmm_cfg *c, const struct tfmm_cmd *x);

/* The effect of an accepted command on memory mem[0..size) and the result store s (NULL
 * without one): C = A*B (A from memory or from S / S^T), requantized with entry n mod
 * tile_n of rq_mult/rq_shift when x->requant, written row-major as 2^cew-byte elements
 * (the low bytes of the value sign-extended to 32 bits), or kept in S (x->store).
 * Operands in memory are 2^eb_log-byte little-endian elements, of which the low op_bits
 * are the value (sign-extended). The command must pass tfmm_check, and C must not overlap
 * A or B (the RTL reads a tile's operands before it writes the tile, but a later tile's
 * operands after an earlier tile's results). Returns 0, or -1 if an access falls outside
 * mem (or a store operand is given without s). */
int tfmm_run(const struct tfmm_cfg *c, const struct tfmm_cmd *x, uint8_t *mem, uint64_t size,
             const uint32_t *rq_mult, const int *rq_shift, struct tfm_trf *s);

/* Tiling: steps (engine GEMMs), load and write-back descriptors, bytes read from memory
 * (R beats x port bytes: every row of a loaded tile in whole port words; A once per
 * M tile, B once per command if N is one tile, else once per step) and written (bytes
 * with WSTRB set: M*N*2^cew). Exact for the RTL (cnt_rd_bytes_o, cnt_wr_bytes_o). A
 * refused command moves nothing: all zero. */
struct tfmm_traffic {
    long long steps, a_loads, b_loads, writebacks;
    long long rd_bytes, wr_bytes;
    long long compute;   /* sum of the steps' engine cycles (tfm_cycles) */
};
void tfmm_traffic(const struct tfmm_cfg *c, const struct tfmm_cmd *x, struct tfmm_traffic *t);

/* Memory timing of the cycle model: a fixed latency (AR to first R beat, last W beat to
 * B) and a bandwidth credit of bw bytes per cycle shared by R and W, R first but taking
 * turns while both have a beat due and the credit holds one word (0: a word per cycle and
 * channel): the harness's memory model (tb/common/axi_mem.h) at stall 0, settled (idle,
 * credit full) when the first command is offered. */
struct tfmm_mem_timing {
    int lat, bw;
};

/* Cycles of a sequence of commands (accepted or refused; tfmm_check decides), offered
 * back to back from an idle system (the next one as soon as the controller takes one),
 * from the first acceptance to the last completion; per command its acceptance and
 * completion cycle relative to the first acceptance (into accept[] and done[] when not
 * NULL), and the counters over the whole run. Exact for the RTL (model/tf_mem_cycles.c
 * models it cycle by cycle); AXI error responses do not change the timing. Returns 0, or
 * -1 (out of memory, or a run beyond 2*10^8 cycles). */
struct tfmm_timing {
    long long cycles;
    long long busy, gemm, wait;       /* cnt_ctl_busy/gemm/wait */
    long long rd_busy, wr_busy;       /* the DMA's port busy counters (cnt_rd/wr_busy) */
    long long *accept, *done;         /* per command, or NULL */
};
int tfmm_cycles(const struct tfmm_cfg *c, const struct tfmm_mem_timing *mt, const struct tfmm_cmd *x,
                int n, struct tfmm_timing *t);

/* The roofline bound of a command: max(compute at 100 %, bytes / bw, port) where compute
 * is ceil(M*K*N / (R*C)), bytes the compulsory traffic (A and B read once at their
 * element bytes, C written at 2^cew bytes) and port the cycles the AXI port needs at a
 * word per cycle on R (A, B) and on W (C); bw <= 0: the port alone. */
long long tfmm_roofline(const struct tfmm_cfg *c, const struct tfmm_cmd *x, int bw);

#ifdef __cplusplus
}
#endif

#endif
