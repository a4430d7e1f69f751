/* gemm_rtl.c -- the GEMM engine's Verilog: <name>_gemm, a thin wrapper that sets the
 * parameters of the fixed-text engine tf_gemm (templates/gemm/) from the plan, and
 * <name>_top around it. The engine's ports are listed once, here, for both. */
#include "blocks/gemm.h"

#include <stdio.h>
#include <string.h>

struct port {
    const char *name;
    int out;            /* 1: output */
    int width;          /* bits */
    const char *before; /* a comment line before the port, or NULL */
};

/* 1 when the design has a memory system: the engine then has the buffer write port and
 * two halves in every operand lane memory (templates/gemm/tf_gemm.v, HasBw). */
int gemm_has_bw(const struct tf_plan *root) { return root->blk[TF_BLK_mem] != NULL; }
/* Width of bw_addr_i: a word address inside one half of the A or B lane memories. */
int gemm_bw_aw(const struct gemm_plan *p)
{
    return p->a_addr_w > p->b_addr_w ? p->a_addr_w : p->b_addr_w;
}

/* 1 when the DMA reaches the result store: a memory system and a store (tf_gemm's
 * sw_* and sr_* ports; <name>_sys connects them, <name>_top ties them off). */
static int gemm_has_st_port(const struct tf_plan *root, const struct gemm_plan *p)
{
    return gemm_has_bw(root) && p->store != 0;
}

/* The engine's port list (docs/architecture.md 2.1), widths from the plan; the buffer
 * write port and the half selects only with a memory system (bw), the DMA's result store
 * port only with a memory system and a store (st). */
static int gemm_ports(const struct gemm_plan *p, int bw, int st, struct port *o)
{
    int dw = p->dim_w, n = 0;
    static char cmd_note[128], out_note[64];
    snprintf(cmd_note, sizeof cmd_note,
             "command: %d LOAD_A, %d LOAD_B, %d LOAD_RQ, %d GEMM, %d LOAD_AT, %d LOAD_BT",
             TF_GEMM_OP_LOAD_A, TF_GEMM_OP_LOAD_B, TF_GEMM_OP_LOAD_RQ, TF_GEMM_OP_GEMM,
             TF_GEMM_OP_LOAD_AT, TF_GEMM_OP_LOAD_BT);
    snprintf(out_note, sizeof out_note, "results: one row of %d lanes per beat", p->cols);
    const struct port ports[] = {
        {"clk_i", 0, 1, NULL},
        {"rst_ni", 0, 1, NULL},
        {"cmd_valid_i", 0, 1, cmd_note},
        {"cmd_ready_o", 1, 1, NULL},
        {"cmd_op_i", 0, TF_GEMM_OP_W, NULL},
        {"cmd_m_i", 0, dw, NULL},
        {"cmd_k_i", 0, dw, NULL},
        {"cmd_n_i", 0, dw, NULL},
        {"cmd_requant_i", 0, 1, NULL},
        {"cmd_asrc_i", 0, TF_GEMM_SRC_W,
         "GEMM only: A and B source (0 buffer, 1 result store S, 2 S^T), store the result"},
        {"cmd_bsrc_i", 0, TF_GEMM_SRC_W, NULL},
        {"cmd_store_i", 0, 1, NULL},
        {"cmd_ahalf_i", 0, 1, "the halves a GEMM reads and a LOAD_* writes (memory system)"},
        {"cmd_bhalf_i", 0, 1, NULL},
        {"in_valid_i", 0, 1,
         "operand elements for LOAD_A / LOAD_B (row-major) and LOAD_AT / LOAD_BT (transposed)"},
        {"in_ready_o", 1, 1, NULL},
        {"in_data_i", 0, p->op_bits, NULL},
        {"rq_valid_i", 0, 1, "requantization entries for LOAD_RQ, column 0 first"},
        {"rq_ready_o", 1, 1, NULL},
        {"rq_mult_i", 0, TF_GEMM_RQ_MULT_W, NULL},
        {"rq_shift_i", 0, TF_GEMM_RQ_SHIFT_W, NULL},
        {"bw_valid_i", 0, 1,
         "buffer write port: two lane-vectors (slots) of A (bw_tgt_i 0) or B (1) per beat"},
        {"bw_ready_o", 1, 1, NULL},
        {"bw_tgt_i", 0, 1, NULL},
        {"bw_half_i", 0, 1, NULL},
        {"bw_addr_i", 0, 2 * gemm_bw_aw(p), NULL},
        {"bw_gpar_i", 0, 2, NULL},
        {"bw_data_i", 0, 2 * p->max_rc * p->op_bits, NULL},
        {"bw_mask_i", 0, 2 * p->max_rc, NULL},
        {"sw_valid_i", 0, 1, "the DMA's result store port: row writes and reads of C words (memory system)"},
        {"sw_ready_o", 1, 1, NULL},
        {"sw_row_i", 0, p->row_idx_w, NULL},
        {"sw_col_i", 0, p->col_idx_w, NULL},
        {"sw_data_i", 0, p->cols * p->op_bits, NULL},
        {"sw_mask_i", 0, p->cols, NULL},
        {"sr_valid_i", 0, 1, NULL},
        {"sr_ready_o", 1, 1, NULL},
        {"sr_row_i", 0, p->row_idx_w, NULL},
        {"sr_tile_i", 0, p->col_idx_w, NULL},
        {"sr_data_o", 1, p->cols * p->op_bits, NULL},
        {"c_valid_o", 1, 1, out_note},
        {"c_ready_i", 0, 1, NULL},
        {"c_data_o", 1, p->out_data_bits, NULL},
        {"c_row_o", 1, p->row_idx_w, NULL},
        {"c_col_o", 1, p->col_idx_w, NULL},
        {"c_last_o", 1, 1, NULL},
        {"busy_o", 1, 1, NULL},
        {"err_o", 1, 1, NULL},
        {"stat_cycles_o", 1, p->cnt_w, NULL},
        {"stat_stall_o", 1, p->cnt_w, NULL},
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        const char *nm = ports[i].name;
        if (!bw && (!strncmp(nm, "bw_", 3) || !strncmp(nm, "cmd_ahalf", 9) ||
                    !strncmp(nm, "cmd_bhalf", 9)))
            continue;
        if (!st && (!strncmp(nm, "sw_", 3) || !strncmp(nm, "sr_", 3)))
            continue;
        o[n++] = ports[i];
    }
    return n;
}
#define GEMM_MAX_PORTS 64

/* Tie-offs of the DMA's result store port, for an instance whose user has none. */
static void emit_st_port_tieoff(struct emitter *e, const struct gemm_plan *p)
{
    emit_line(e, ".%-13s (1'b0),", "sw_valid_i");
    emit_line(e, ".%-13s (unused_sw_ready),", "sw_ready_o");
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sw_row_i", p->row_idx_w);
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sw_col_i", p->col_idx_w);
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sw_data_i", p->cols * p->op_bits);
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sw_mask_i", p->cols);
    emit_line(e, ".%-13s (1'b0),", "sr_valid_i");
    emit_line(e, ".%-13s (unused_sr_ready),", "sr_ready_o");
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sr_row_i", p->row_idx_w);
    emit_line(e, ".%-13s ({%d{1'b0}}),", "sr_tile_i", p->col_idx_w);
    emit_line(e, ".%-13s (unused_sr_data),", "sr_data_o");
}

static void emit_st_port_unused(struct emitter *e, const struct gemm_plan *p)
{
    emit_line(e, "// the DMA's result store port is not used here");
    emit_line(e, "wire unused_sw_ready;");
    emit_line(e, "wire unused_sr_ready;");
    emit_line(e, "wire [%d:0] unused_sr_data;", p->cols * p->op_bits - 1);
    emit_blank(e);
}

/* "module NAME (" and the port declarations. */
static void emit_ports(struct emitter *e, const char *module, const struct port *ports, int n)
{
    emit_open(e, "module %s (", module);
    for (int i = 0; i < n; i++) {
        char range[32] = "";
        if (ports[i].width > 1)
            snprintf(range, sizeof range, "[%d:0]", ports[i].width - 1);
        if (ports[i].before)
            emit_line(e, "// %s", ports[i].before);
        emit_line(e, "%s wire %-9s %s%s", ports[i].out ? "output" : "input ", range, ports[i].name,
                  i + 1 < n ? "," : "");
    }
    emit_close(e, ");");
}

/* ".port (port)," for every port, closing the instance. */
static void emit_connections(struct emitter *e, const struct port *ports, int n)
{
    for (int i = 0; i < n; i++)
        emit_line(e, ".%-13s (%s)%s", ports[i].name, ports[i].name, i + 1 < n ? "," : "");
    emit_close(e, ");");
}

static void emit_gemm(const struct tf_plan *root, const struct gemm_plan *p,
                      const struct tf_dir *dir, struct diag *d)
{
    struct port ports[GEMM_MAX_PORTS];
    int bw = gemm_has_bw(root), st = gemm_has_st_port(root, p);
    int n = gemm_ports(p, bw, st, ports);
    char file[128];
    snprintf(file, sizeof file, "%s_gemm.v", root->name); /* names are at most 32 characters */
    struct emitter e;
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_gemm -- the GEMM engine of this design, C[MxN] = A[MxK] * B[KxN] on a %d x %d",
              root->name, p->rows, p->cols);
    emit_line(&e, "// %s array: tf_gemm (templates/gemm/) with the plan's parameters.",
              p->dataflow == TF_OS ? "output-stationary" : "weight-stationary");
    emit_line(&e, "// Ports, handshakes and timing: tf_gemm's header and docs/architecture.md 2.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    char mod[96];
    snprintf(mod, sizeof mod, "%s_gemm", root->name);
    emit_ports(&e, mod, ports, n);
    emit_blank(&e);
    e.indent++;
    if (!bw) {
        emit_line(&e, "wire unused_bw_ready;");
        emit_blank(&e);
    }
    if (!st)
        emit_st_port_unused(&e, p);
    const struct {
        const char *name;
        long long v;
        int sized; /* > 0: a sized literal of that width */
    } prm[] = {
        {"Dataflow", p->dataflow, 0},   {"R", p->rows, 0},
        {"C", p->cols, 0},              {"OpW", p->op_bits, 0},
        {"AccW", p->acc_bits, 0},       {"MMax", p->max_m, 0},
        {"KMax", p->max_k, 0},          {"NMax", p->max_n, 0},
        {"DimW", p->dim_w, 0},          {"AW", p->addr_w, 0},
        {"MtW", p->mt_w, 0},            {"NtW", p->nt_w, 0},
        {"KtW", p->kt_w, 0},            {"MTMax", p->mt_max, 0},
        {"NTMax", p->nt_max, 0},        {"KTMax", p->kt_max, 0},
        {"LaneW", p->lane_w, 0},        {"RowSelW", p->rowsel_w, 0},
        {"RowIdxW", p->row_idx_w, 0},   {"ColIdxW", p->col_idx_w, 0},
        {"MaxRC", p->max_rc, 0},        {"ADepth", p->a_depth, 0},
        {"AAW", p->a_addr_w, 0},        {"BDepth", p->b_depth, 0},
        {"BAW", p->b_addr_w, 0},        {"AccDepth", p->acc_depth, 0},
        {"CAW", p->acc_addr_w, 0},      {"MinPeriod", p->min_period, 0},
        {"ALaneOnCol", p->a_lane_on_col, 0}, {"AStride", p->a_stride, 0},
        {"BStride", p->b_stride, 0},    {"HasRq", p->requant, 0},
        {"RqOutW", p->rq_bits, 0},      {"RqLat", p->lat_rq, 0},
        {"StoreImpl", p->store, 0},     {"StNB", p->st_nb, 0},
        {"StIdxW", p->st_idx_w, 0},     {"StRowW", p->st_row_w, 0},
        {"StColW", p->st_col_w, 0},     {"CntW", p->cnt_w, 0},
        {"CmdOpW", TF_GEMM_OP_W, 0},
        {"OpLoadA", TF_GEMM_OP_LOAD_A, TF_GEMM_OP_W},
        {"OpLoadB", TF_GEMM_OP_LOAD_B, TF_GEMM_OP_W},
        {"OpLoadRq", TF_GEMM_OP_LOAD_RQ, TF_GEMM_OP_W},
        {"OpGemm", TF_GEMM_OP_GEMM, TF_GEMM_OP_W},
        {"OpLoadAT", TF_GEMM_OP_LOAD_AT, TF_GEMM_OP_W},
        {"OpLoadBT", TF_GEMM_OP_LOAD_BT, TF_GEMM_OP_W},
        {"SrcW", TF_GEMM_SRC_W, 0},
        {"SrcBuf", TF_GEMM_SRC_BUF, TF_GEMM_SRC_W},
        {"SrcSt", TF_GEMM_SRC_ST, TF_GEMM_SRC_W},
        {"SrcStT", TF_GEMM_SRC_ST_T, TF_GEMM_SRC_W},
        {"RqMultW", TF_GEMM_RQ_MULT_W, 0},
        {"RqShiftW", TF_GEMM_RQ_SHIFT_W, 0},
        {"HasBw", bw, 0},
        {"LMax", p->max_rc, 0},
        {"BwAW", gemm_bw_aw(p), 0},
    };
    int np = (int)(sizeof prm / sizeof prm[0]);
    emit_open(&e, "tf_gemm #(");
    for (int i = 0; i < np; i++) {
        if (prm[i].sized)
            emit_line(&e, ".%-10s (%d'd%lld)%s", prm[i].name, prm[i].sized, prm[i].v,
                      i + 1 < np ? "," : "");
        else
            emit_line(&e, ".%-10s (%lld)%s", prm[i].name, prm[i].v, i + 1 < np ? "," : "");
    }
    emit_close(&e, ") u_gemm (");
    e.indent++;
    if (!bw) {
        /* without a memory system: one half, no buffer write port */
        emit_line(&e, ".%-13s (1'b0),", "cmd_ahalf_i");
        emit_line(&e, ".%-13s (1'b0),", "cmd_bhalf_i");
        emit_line(&e, ".%-13s (1'b0),", "bw_valid_i");
        emit_line(&e, ".%-13s (unused_bw_ready),", "bw_ready_o");
        emit_line(&e, ".%-13s (1'b0),", "bw_tgt_i");
        emit_line(&e, ".%-13s (1'b0),", "bw_half_i");
        emit_line(&e, ".%-13s ({%d{1'b0}}),", "bw_addr_i", 2 * gemm_bw_aw(p));
        emit_line(&e, ".%-13s (2'b00),", "bw_gpar_i");
        emit_line(&e, ".%-13s ({%d{1'b0}}),", "bw_data_i", 2 * p->max_rc * p->op_bits);
        emit_line(&e, ".%-13s ({%d{1'b0}}),", "bw_mask_i", 2 * p->max_rc);
    }
    if (!st)
        emit_st_port_tieoff(&e, p);
    emit_connections(&e, ports, n);
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
}

static void emit_top(const struct tf_plan *root, const struct gemm_plan *p,
                     const struct tf_dir *dir, struct diag *d)
{
    struct port ports[GEMM_MAX_PORTS];
    int n = gemm_ports(p, gemm_has_bw(root), 0, ports), st = gemm_has_st_port(root, p);
    char file[128], mod[96];
    snprintf(file, sizeof file, "%s_top.v", root->name);
    struct emitter e;
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_top -- the accelerator top. Today it holds the GEMM engine (%s_gemm);",
              root->name, root->name);
    emit_line(&e, "// its ports are the engine's, documented there and in docs/architecture.md.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    snprintf(mod, sizeof mod, "%s_top", root->name);
    emit_ports(&e, mod, ports, n);
    emit_blank(&e);
    e.indent++;
    if (st) /* <name>_sys connects the DMA's store port; the top has no DMA */
        emit_st_port_unused(&e, p);
    emit_open(&e, "%s_gemm u_gemm (", root->name);
    if (st)
        emit_st_port_tieoff(&e, p);
    emit_connections(&e, ports, n);
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
}

void gemm_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                   struct diag *d)
{
    const struct gemm_plan *p = bp;
    emit_gemm(root, p, dir, d);
    emit_top(root, p, dir, d);
}
