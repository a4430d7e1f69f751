/* tf_accel.h -- the accelerator over memory: what its top does to a byte memory holding the
 * weight image, the request table's input rows and its workspace, operation by operation in
 * the order of the schedule (docs/architecture.md 3.11), each operation computed by the block
 * models. The RTL top is to leave memory exactly as tfacc_run leaves it (the workspace
 * included); the output rows equal the golden layers' (tfl_run) for every request.
 *
 * Memory map. The weight image (tforge pack) at wbase; the workspace right after it, at
 * tfacc_ws_base(): nine buffers of max_seq rows -- X and Y (layer input and output, taking
 * turns), XN (a pre-LN LayerNorm's output), Q, K, V, AO (the attention output), X1 (the
 * attention block's output) at a row stride of d rounded up to the port word, and H (the FFN's
 * hidden rows) at d_ff rounded up. Each request's input rows at its in address and output rows
 * at its out address, at the same row stride as X. Every buffer starts on `align`.
 *
 * The request table (the registers REQ_*): an active entry runs its len tokens; a prefill
 * (decode = 0) starts the sequence afresh at position 0, a decode continues it at its
 * position. The active entries run in batches (docs/architecture.md 3.12): each batch scans the
 * entries not yet run in table order, checking each; an entry joins while the batch has fewer
 * than cap entries (the BATCH register: CAP, 0 meaning bmax; bmax <= 1: batch 1) and their
 * tokens fit in max_seq rows. An entry that does not fit closes the batch (policy order), or
 * waits for a later batch while later entries may still join (policy fit, BATCH.FIT). A batch runs through every layer together: its entries' rows one
 * after the other (entry b from row o_b = the tokens of the entries before it) through the
 * weight GEMMs, attention per entry on its own cache. One entry reads its input rows and writes
 * its output rows in place; a batch of several first copies each entry's input rows into Y
 * (d bytes per row, at o_b) and at the end copies the last layer's rows to each entry's out
 * address (the layers take turns in X and Y as for one entry, the first reading Y). The KV cache of entry i, layer l, model head h is region
 * (l * sequences + i) * (heads / attn_heads) + h / attn_heads of cache h % attn_heads. */
#ifndef TF_ACCEL_H
#define TF_ACCEL_H

#include <stddef.h>
#include <stdint.h>

#include "tf_image.h"
#include "tf_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Errors (the ERR register's code): the first error stops the run. */
enum {
    TFACC_OK = 0,
    TFACC_E_IMAGE = 1,   /* the weight image is not one for this design (tfi_read) */
    TFACC_E_LEN = 2,     /* len 0, or position + len > max_seq */
    TFACC_E_DECODE = 3,  /* a decode of a bidirectional model's sequence (its prompt is whole) */
    TFACC_E_RANGE = 4,   /* an input, output or workspace row outside the memory (the hardware:
                          * an AXI error response, or a command the memory system refused) */
    TFACC_E_MEM = 5,     /* the model ran out of host memory (no hardware counterpart) */
    TFACC_E_UNIT = 6     /* (hardware) the auxiliary or attention unit refused a command: a
                          * parameter the image holds out of the unit's range */
};

struct tfacc_cfg {
    struct tfl_model m;     /* shape, attention-unit region arch, aux widths, GELU ROM; the
                             * layers come from the image (m.layer is ignored) */
    int attn_heads;         /* the unit's caches */
    int sequences;          /* request-table entries */
    int port_bytes;         /* rows start on port words */
    struct tfi_layout lo;   /* the image's layout */
    int bmax;               /* entries per batch (0 or 1: batch 1) */
    int fit;                /* BATCH.FIT after reset ([batch] policy = fit) */
};
enum { TFACC_MAX_SEQS = 64 }; /* request-table entries at most (model.sequences) */

struct tfacc_req {
    int active, decode, len;
    uint64_t in, out;       /* addresses of the input and output rows */
};

/* What persists between runs: each entry's position, and the KV cache regions
 * (sequences x layers x heads). */
struct tfacc_state {
    int *pos;
    int *done;              /* a bidirectional prompt ran: no decode may follow */
    struct tfa_head *kv;
    int cap, fit;           /* the BATCH register: CAP (0: bmax), FIT (tfacc_state_init: 0, c->fit) */
    long long batches;      /* batches run (the BATCHES counter) */
    /* called as each batch starts, with its entries (bit i: entry i), or NULL */
    void (*on_batch)(void *ctx, uint64_t mask);
    void *ctx;
};

int tfacc_state_init(const struct tfacc_cfg *c, struct tfacc_state *st); /* 0 or TFACC_E_MEM */
/* What REQ_CTRL.RESET does to entry i: its sequence is forgotten (position 0, its KV cache
 * regions freed); the entry is free for a new sequence. 0 or TFACC_E_MEM. */
int tfacc_forget(const struct tfacc_cfg *c, struct tfacc_state *st, int i);
void tfacc_state_free(const struct tfacc_cfg *c, struct tfacc_state *st);

/* Row stride of a buffer of n int8 columns: n rounded up to the port word. */
uint64_t tfacc_stride(const struct tfacc_cfg *c, int n);
/* The workspace: where it starts (after the image at wbase of image_bytes) and its bytes. */
uint64_t tfacc_ws_base(const struct tfacc_cfg *c, uint64_t wbase, uint64_t image_bytes);
uint64_t tfacc_ws_bytes(const struct tfacc_cfg *c);
enum { TFACC_X, TFACC_Y, TFACC_XN, TFACC_Q, TFACC_K, TFACC_V, TFACC_AO, TFACC_X1, TFACC_H, TFACC_NBUF };
/* Address of buffer b (TFACC_*) in the workspace at ws. */
uint64_t tfacc_buf(const struct tfacc_cfg *c, uint64_t ws, int b);

/* One run of the table (what START does): mem[0..size) holds the image at wbase. Returns
 * TFACC_OK, or the first error's code with the entry in *err_seq (-1 for the image). An entry
 * is checked as its batch is formed; an error there stops the run before that batch (the
 * batches before it are done); an error while a batch runs names its first entry. */
int tfacc_run(const struct tfacc_cfg *c, struct tfacc_state *st, uint8_t *mem, uint64_t size, uint64_t wbase,
              const struct tfacc_req *req, int *err_seq);

#ifdef __cplusplus
}
#endif

#endif
