/* trf.h -- the two-direction register file block ([trf] builds <name>_trf). */
#ifndef TF_BLOCKS_TRF_H
#define TF_BLOCKS_TRF_H

#include "tforge.h"

enum tf_trf_impl { TF_TRF_FLOPS = 0, TF_TRF_BANKED = 1 };

struct trf_cfg {
    int rows, cols, width, read_ports, write_mask;
    int impl; /* enum tf_trf_impl */
};

struct trf_plan {
    int nr, nc, w, ports, mask;
    enum tf_trf_impl impl;
    int nb;          /* words per data port = banks of the banked layout = max(nr, nc) */
    int idx_w;       /* row / column index width: max(clog2(nb), 1) */
    int row_w;       /* max(clog2(nr), 1): bank address width */
    int col_w;       /* max(clog2(nc), 1) */
    int lat_read;    /* read latency */
    long long bits;  /* storage bits (banked: nb banks x nr words x w x ports) */
};

/* Storage bits of a register file config (the plan and the size rule). */
long long trf_storage_bits(const struct trf_cfg *t);

static inline const struct trf_plan *plan_trf(const struct tf_plan *p)
{
    return (const struct trf_plan *)p->blk[TF_BLK_trf];
}

struct emitter;
void trf_emit_instance_params(struct emitter *e, int impl, const char *nr, const char *nc,
                              const char *w, int ports, int nb, int idx_w, int row_w, int col_w);
void trf_emit_rtl(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                  struct diag *d);

#endif
