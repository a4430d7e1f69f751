/* mem.c -- the memory system block: keys of [mem], their rules, its plan, report lines,
 * params section and top <name>_sys (the GEMM engine with its buffer write port, the
 * DMA engine and the AXI4 master). The Verilog wrapper is mem_rtl.c; the logic is
 * templates/mem/ (tf_axi_rd, tf_axi_wr, tf_mem_gbox, tf_mem_fifo, tf_mem_dma, tf_mem_ctl). */
#include "blocks/mem.h"
#include "blocks/gemm.h"

#include <string.h>

static int imax(int a, int b) { return a > b ? a : b; }

static const char *const mem_sections[] = {"mem", NULL};

#define F(f) offsetof(struct mem_cfg, f)
static const struct tf_key mem_keys[] = {
    {"mem", "data_bits", TF_K_INT, 32, 512, 0, "128", F(data_bits),
     "AXI4 data width in bits, a power of two (the [mem] section builds <name>_sys)", NULL, NULL},
    {"mem", "addr_bits", TF_K_INT, 16, 64, 0, "32", F(addr_bits), "AXI4 address width", NULL,
     NULL},
    {"mem", "id_bits", TF_K_INT, 1, 16, 0, "4", F(id_bits), "AXI4 ID width (the master uses ID 0)",
     NULL, NULL},
    {"mem", "burst_len", TF_K_INT, 1, 256, 0, "16", F(burst_len),
     "beats per INCR burst, at most (bursts never cross 4 KiB)", NULL, NULL},
    {"mem", "max_reads", TF_K_INT, 1, 64, 0, "4", F(max_reads), "read bursts outstanding, at most",
     NULL, NULL},
    {"mem", "max_writes", TF_K_INT, 1, 64, 0, "4", F(max_writes),
     "write bursts outstanding, at most", NULL, NULL},
    {"mem", "corner_words", TF_K_INT, 2, 256, 0, "16", F(corner_words),
     "corner turn of transposed loads: port words per row and slot, a power of two", NULL, NULL},
};
#undef F

static int pow2(long v) { return v > 0 && (v & (v - 1)) == 0; }

static void mem_check(const void *cfgp, struct tf_rules *r)
{
    const struct mem_cfg *m = cfgp;
    const struct gemm_cfg *g = r->cfg->blk[TF_BLK_gemm];
    if (!g)
        rule_fail(r, "mem.data_bits", "a config with [array] and [gemm]",
                  "the memory system fills the GEMM engine's buffers: it needs the GEMM engine");
    if (!pow2(m->data_bits))
        rule_fail(r, "mem.data_bits", "32, 64, 128, 256, 512", "not a power of two");
    if (!pow2(m->corner_words))
        rule_fail(r, "mem.corner_words", "2, 4, 8, ..., 256", "not a power of two");
    if ((long)m->burst_len * (m->data_bits / 8) > 4096)
        rule_fail(r, "mem.burst_len,mem.data_bits",
                  arena_printf(r->a, "burst_len at most %d at %d bits", 4096 / (m->data_bits / 8),
                               m->data_bits),
                  "a burst of %ld bytes would not fit a 4 KiB page",
                  (long)m->burst_len * (m->data_bits / 8));
    if (g->operand_bits > 16)
        rule_fail(r, "array.operand_bits", "4..16 with [mem]", "operands are 1 or 2 bytes in memory");
    /* descriptor counts (rows, columns, words of a row) must fit the address */
    int dim_w = tf_clog2(imax(imax(imax(g->max_m, g->max_k), imax(g->max_n, imax(g->rows, g->cols))), 2) + 1);
    if (m->addr_bits < dim_w + 2 || m->addr_bits < 16)
        rule_fail(r, "mem.addr_bits", arena_printf(r->a, "at least %d", imax(dim_w + 2, 16)),
                  "too narrow for the GEMM maxima");
}

static const void *mem_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                              struct diag *d)
{
    const struct mem_cfg *c = cfgp;
    const struct gemm_plan *g = plan_gemm(root);
    if (!g)
        tf_unreachable(d); /* mem_check requires the engine */
    struct mem_plan *p = arena_alloc(a, sizeof *p);
    p->dw = c->data_bits;
    p->pb = c->data_bits / 8;
    p->off_w = tf_clog2(p->pb);
    p->addr_w = c->addr_bits;
    p->id_w = c->id_bits;
    p->burst = c->burst_len;
    p->max_rd = c->max_reads;
    p->max_wr = c->max_writes;
    p->cw = c->corner_words;
    p->eb_log = g->op_bits > 8 ? 1 : 0;
    p->epw = p->pb >> p->eb_log;
    p->lmax = g->max_rc;
    p->bw_aw = gemm_bw_aw(g);
    p->a_stride = g->a_stride;
    p->b_stride = g->b_stride;
    if (g->dataflow == TF_OS) { /* A lanes: rows m; lane groups step max_k */
        p->a_lane_max = g->max_m;
        p->a_other_max = g->max_k;
    } else { /* A lanes: columns k; lane groups step max_m */
        p->a_lane_max = g->max_k;
        p->a_other_max = g->max_m;
    }
    p->b_lane_max = g->max_n;
    p->b_other_max = g->max_k;
    p->dim_w = g->dim_w;
    p->row_idx_w = g->row_idx_w;
    p->col_idx_w = g->col_idx_w;
    p->acc_bits = g->acc_bits;
    p->op_bits = g->op_bits;
    p->rows = g->rows;
    p->cols = g->cols;
    p->ct_bits = 2LL * p->lmax * p->cw * p->dw;
    p->max_m = g->max_m;
    p->max_k = g->max_k;
    p->max_n = g->max_n;
    p->dataflow = g->dataflow;
    p->requant = g->requant;
    p->store = g->store != 0;
    /* The result FIFO between the engine's result port and the DMA's write-back: an OS
     * output tile emits its R beats on consecutive cycles, which the write-back (a beat
     * every 3 cycles or so) cannot take; R entries absorb one tile's beats. WS emits up to
     * M beats of a column tile back to back, so deeper would help there; R is kept. */
    p->wb_fifo = g->rows;
    /* Controller tiles: as many rows as the buffers hold, rounded down to whole array
     * tiles; columns likewise, and port-aligned (a tile of B and of C then starts on a
     * port word): a multiple of lcm(C, port bytes) if one fits, else of the port bytes;
     * if none fits, N is one tile (at most max_n). */
    p->tile_m = g->max_m >= g->rows ? g->max_m - g->max_m % g->rows : g->max_m;
    int al = p->pb >> p->eb_log, l = al;
    while (l % g->cols)
        l += al;
    if (l <= g->max_n) {
        p->tile_n = g->max_n - g->max_n % l;
        p->n_tiles = 1;
    } else if (al <= g->max_n) {
        p->tile_n = g->max_n - g->max_n % al;
        p->n_tiles = 1;
    } else {
        p->tile_n = g->max_n;
        p->n_tiles = 0;
    }
    return p;
}

/* <name>_sys: the engine's modules (those of <name>_top but the top itself), the AXI
 * masters, the DMA engine and the wrapper. */
static void mem_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    (void)bp;
    const char *n = root->name;
    const struct tf_top *et = plan_top(root, arena_printf(a, "%s_top", n));
    if (!et)
        tf_unreachable(d);
    const char *top = arena_printf(a, "%s_sys", n);
    struct tf_top *t = top_add(root, TF_BLK_mem, top, top);
    const char *skip = arena_printf(a, "%s_top.v", n), *gen = arena_printf(a, "%s_gemm.v", n);
    for (int i = 0; i < et->nfiles; i++) {
        const char *f = et->files[i];
        if (!strcmp(f, skip))
            continue;
        char *mod = arena_strdup(a, f);
        mod[strlen(mod) - 2] = '\0'; /* drop ".v" */
        if (!strcmp(f, gen))
            top_generated(t, mod, a, d);
        else
            top_template(t, root, mod, a, d);
    }
    top_template(t, root, "tf_axi_rd", a, d);
    top_template(t, root, "tf_axi_wr", a, d);
    top_template(t, root, "tf_mem_gbox", a, d);
    top_template(t, root, "tf_mem_fifo", a, d);
    top_template(t, root, "tf_mem_dma", a, d);
    top_template(t, root, "tf_mem_ctl", a, d);
    top_generated(t, top, a, d);
}

static void mem_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    const struct mem_plan *p = bp;
    fprintf(f, "memory port       AXI4 master, %d data bits (%d bytes/beat), %d address bits, ID %d "
               "bits; INCR bursts <= %d beats, no 4 KiB crossing; %d reads, %d writes outstanding\n",
            p->dw, p->pb, p->addr_w, p->id_w, p->burst, p->max_rd, p->max_wr);
    fprintf(f, "dma               operands %d byte(s) in memory, %d per port word; lane-vectors of %d, two "
               "per cycle; corner turn 2 x %d rows x %d words = %lld bits\n",
            1 << p->eb_log, p->epw, p->lmax, p->lmax, p->cw, p->ct_bits);
    fprintf(f, "buffer halves     A and B lane memories hold two halves each (the engine's "
               "buffers doubled), in two banks; bw address %d bits per slot\n", p->bw_aw);
    fprintf(f, "controller        tiles of %d x K x %d (K <= %d whole)%s; operands of the next tile "
               "load into the other halves while a tile's GEMM runs\n",
            p->tile_m, p->tile_n, p->max_k, p->n_tiles ? "" : ", N at most one tile (no port-aligned tile fits)");
    fprintf(f, "write-back fifo   %d result beats between the engine and the write-back (%s)\n", p->wb_fifo,
            p->dataflow == TF_OS ? "an output tile's rows" : "R; a column tile emits up to M beats back to back");
    if (plan_gemm(root)->dataflow == TF_OS)
        fprintf(f, "descriptor limits A (lanes: M) M <= %d, K <= %d; B (lanes: N) N <= %d, K <= %d\n",
                p->a_lane_max, p->a_other_max, p->b_lane_max, p->b_other_max);
    else
        fprintf(f, "descriptor limits A (lanes: K) K <= %d, M <= %d; B (lanes: N) N <= %d, K <= %d\n",
                p->a_lane_max, p->a_other_max, p->b_lane_max, p->b_other_max);
}

static void mem_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                       struct arena *a)
{
    const struct mem_plan *p = bp;
    par_section(pp, "memory system (<name>_sys: engine, DMA, AXI4 master)");
    par_v(pp, "MEM_TOP", arena_printf(a, "%s_sys", root->name), "the memory system's top module");
    par_flag(pp, "MEM_BW", 1, "the engine has the buffer write port and two-half buffers");
    par_int(pp, "MEM_DATA_BITS", p->dw, "AXI4 data width");
    par_int(pp, "MEM_PORT_BYTES", p->pb, "bytes per beat");
    par_int(pp, "MEM_ADDR_BITS", p->addr_w, NULL);
    par_int(pp, "MEM_ID_BITS", p->id_w, NULL);
    par_int(pp, "MEM_BURST_LEN", p->burst, NULL);
    par_int(pp, "MEM_MAX_READS", p->max_rd, NULL);
    par_int(pp, "MEM_MAX_WRITES", p->max_wr, NULL);
    par_int(pp, "MEM_CORNER_WORDS", p->cw, NULL);
    par_int(pp, "MEM_EB_LOG", p->eb_log, "operand bytes in memory: 2^MEM_EB_LOG");
    par_int(pp, "MEM_LANES", p->lmax, "lanes of a bw_data_i slot");
    par_int(pp, "MEM_BW_AW", p->bw_aw, "a bw_addr_i slot: word address in a half");
    par_int(pp, "MEM_A_STRIDE", p->a_stride, "lane-group step of the A buffer");
    par_int(pp, "MEM_B_STRIDE", p->b_stride, NULL);
    par_int(pp, "MEM_A_LANE_MAX", p->a_lane_max, "descriptor limits");
    par_int(pp, "MEM_A_OTHER_MAX", p->a_other_max, NULL);
    par_int(pp, "MEM_B_LANE_MAX", p->b_lane_max, NULL);
    par_int(pp, "MEM_B_OTHER_MAX", p->b_other_max, NULL);
    par_int(pp, "MEM_DST_W", TF_MEM_DST_W, "dsc_dst_i");
    par_int(pp, "MEM_DST_A0", TF_MEM_DST_A0, NULL);
    par_int(pp, "MEM_DST_A1", TF_MEM_DST_A1, NULL);
    par_int(pp, "MEM_DST_B0", TF_MEM_DST_B0, NULL);
    par_int(pp, "MEM_DST_B1", TF_MEM_DST_B1, NULL);
    par_int(pp, "MEM_DST_MEM", TF_MEM_DST_MEM, NULL);
    par_int(pp, "MEM_DST_S", TF_MEM_DST_S, "memory -> rows of the result store S");
    par_int(pp, "MEM_DST_SMEM", TF_MEM_DST_SMEM, "rows of S -> memory");
    par_flag(pp, "MEM_STORE", p->store, "the DMA reaches the result store (DST_S, DST_SMEM)");
    par_int(pp, "MEM_ERR_W", TF_MEM_ERR_W, "completion codes");
    par_int(pp, "MEM_ERR_NONE", TF_MEM_ERR_NONE, NULL);
    par_int(pp, "MEM_ERR_ZERO", TF_MEM_ERR_ZERO, NULL);
    par_int(pp, "MEM_ERR_RANGE", TF_MEM_ERR_RANGE, NULL);
    par_int(pp, "MEM_ERR_ALIGN", TF_MEM_ERR_ALIGN, NULL);
    par_int(pp, "MEM_ERR_WIDTH", TF_MEM_ERR_WIDTH, NULL);
    par_int(pp, "MEM_ERR_DST", TF_MEM_ERR_DST, NULL);
    par_int(pp, "MEM_ERR_STRIDE", TF_MEM_ERR_STRIDE, NULL);
    par_int(pp, "MEM_ERR_AXI", TF_MEM_ERR_AXI, NULL);
    par_int(pp, "MEM_EW_W", TF_MEM_EW_W, "dsc_ew_i");
    par_int(pp, "MEM_TAG_W", TF_MEM_TAG_W, "dsc_id_i");
    par_int(pp, "MEM_CNT_W", TF_MEM_CNT_W, "counters");
    par_int(pp, "MEM_TILE_M", p->tile_m, "controller: tile rows");
    par_int(pp, "MEM_TILE_N", p->tile_n, "controller: tile columns");
    par_int(pp, "MEM_N_TILES", p->n_tiles, "controller: N may exceed MEM_TILE_N");
    par_int(pp, "MEM_WB_FIFO", p->wb_fifo, "result FIFO (engine -> write-back): entries");
    par_int(pp, "MEM_CDIM_W", TF_MEM_CDIM_W, "controller: ctl_m_i, ctl_n_i");
    par_int(pp, "MEM_CERR_NONE", TF_MEM_CERR_NONE, "controller completion codes");
    par_int(pp, "MEM_CERR_ZERO", TF_MEM_CERR_ZERO, NULL);
    par_int(pp, "MEM_CERR_RANGE", TF_MEM_CERR_RANGE, NULL);
    par_int(pp, "MEM_CERR_ALIGN", TF_MEM_CERR_ALIGN, NULL);
    par_int(pp, "MEM_CERR_WIDTH", TF_MEM_CERR_WIDTH, NULL);
    par_int(pp, "MEM_CERR_FORM", TF_MEM_CERR_FORM, NULL);
    par_int(pp, "MEM_CERR_STRIDE", TF_MEM_CERR_STRIDE, NULL);
    par_int(pp, "MEM_CERR_AXI", TF_MEM_CERR_AXI, NULL);
}

const struct tf_block tf_block_mem = {
    .name = "mem",
    .title = "memory system",
    .sections = mem_sections,
    .keys = mem_keys,
    .nkeys = (int)(sizeof mem_keys / sizeof mem_keys[0]),
    .cfg_size = sizeof(struct mem_cfg),
    .hardware = 1,
    .check = mem_check,
    .derive = mem_derive,
    .link = mem_link,
    .print = mem_print,
    .params = mem_params,
    .emit_rtl = mem_emit_rtl,
};
