/* mem_rtl.c -- <name>_sys: the GEMM engine (<name>_gemm, with its buffer write port and
 * two-half operand buffers) and the DMA engine (tf_mem_dma, with the AXI4 master) wired
 * together: the DMA's lane-vectors go into the engine's buffer write port, the engine's
 * result beats through the result FIFO (tf_mem_fifo, MEM_WB_FIFO entries) into the DMA's
 * write-back. Parameters from the plan. */
#include "blocks/mem.h"
#include "blocks/gemm.h"
#include "blocks/model.h"

#include <stdio.h>
#include <string.h>

/* Write-back descriptors the controller lets wait (tf_mem_ctl's WbQ): 1, or with [model] the
 * column steps of the widest row the epilogue may hold (LayerNorm across column steps). */
int mem_wb_queue(const struct tf_plan *root)
{
    const struct model_plan *p = plan_model(root);
    const struct mem_plan *m = plan_mem(root);
    if (!p || !m)
        return 1;
    int wide = p->d > p->d_ff ? p->d : p->d_ff;
    return (wide + m->tile_n - 1) / m->tile_n + 1;
}

/* The ports of <name>_sys, in order: the engine's, the controller's, the DMA's, the AXI4
 * master's, and with [model] the epilogue's (ep_o_*, ep_i_*). Returns their number. */
int mem_sys_ports(const struct tf_plan *root, struct sys_port *out, int max)
{
    const struct mem_plan *m = plan_mem(root);
    const struct gemm_plan *g = plan_gemm(root);
    int dw = g->dim_w, aw = m->addr_w;
    const struct sys_port ports[] = {
        {"clk_i", 0, 1, NULL},
        {"rst_ni", 0, 1, NULL},
        {"cmd_valid_i", 0, 1, "engine commands (tf_gemm): LOAD_*, LOAD_RQ, GEMM with the halves it reads"},
        {"cmd_ready_o", 1, 1, NULL},
        {"cmd_op_i", 0, TF_GEMM_OP_W, NULL},
        {"cmd_m_i", 0, dw, NULL},
        {"cmd_k_i", 0, dw, NULL},
        {"cmd_n_i", 0, dw, NULL},
        {"cmd_requant_i", 0, 1, NULL},
        {"cmd_asrc_i", 0, TF_GEMM_SRC_W, NULL},
        {"cmd_bsrc_i", 0, TF_GEMM_SRC_W, NULL},
        {"cmd_store_i", 0, 1, NULL},
        {"cmd_ahalf_i", 0, 1, NULL},
        {"cmd_bhalf_i", 0, 1, NULL},
        {"in_valid_i", 0, 1, "element-wise operand loads (LOAD_A/B/AT/BT), as without a memory system"},
        {"in_ready_o", 1, 1, NULL},
        {"in_data_i", 0, g->op_bits, NULL},
        {"rq_valid_i", 0, 1, "requantization entries (LOAD_RQ)"},
        {"rq_ready_o", 1, 1, NULL},
        {"rq_mult_i", 0, TF_GEMM_RQ_MULT_W, NULL},
        {"rq_shift_i", 0, TF_GEMM_RQ_SHIFT_W, NULL},
        {"busy_o", 1, 1, NULL},
        {"err_o", 1, 1, NULL},
        {"stat_cycles_o", 1, g->cnt_w, NULL},
        {"stat_stall_o", 1, g->cnt_w, NULL},
        {"ctl_valid_i", 0, 1, "controller commands (tf_mem_ctl): C = A*B with A, B, C in memory, tiled"},
        {"ctl_ready_o", 1, 1, NULL},
        {"ctl_a_addr_i", 0, aw, NULL},
        {"ctl_a_stride_i", 0, aw, NULL},
        {"ctl_b_addr_i", 0, aw, NULL},
        {"ctl_b_stride_i", 0, aw, NULL},
        {"ctl_c_addr_i", 0, aw, NULL},
        {"ctl_c_stride_i", 0, aw, NULL},
        {"ctl_m_i", 0, TF_MEM_CDIM_W, NULL},
        {"ctl_k_i", 0, dw, NULL},
        {"ctl_n_i", 0, TF_MEM_CDIM_W, NULL},
        {"ctl_requant_i", 0, 1, NULL},
        {"ctl_store_i", 0, 1, NULL},
        {"ctl_asrc_i", 0, TF_GEMM_SRC_W, NULL},
        {"ctl_btr_i", 0, 1, NULL},
        {"ctl_cew_i", 0, TF_MEM_EW_W, NULL},
        {"ctl_id_i", 0, TF_MEM_TAG_W, NULL},
        {"ctl_hold_i", 0, 1, "a held command loads B, then waits for a ctl_go_i pulse before A"},
        {"ctl_go_i", 0, 1, NULL},
        {"ctl_drop_i", 0, 1, "after an error: the held command is dropped instead of its go"},
        {"ctl_done_valid_o", 1, 1, NULL},
        {"ctl_done_id_o", 1, TF_MEM_TAG_W, NULL},
        {"ctl_done_code_o", 1, TF_MEM_ERR_W, NULL},
        {"ctl_busy_o", 1, 1, NULL},
        {"ctl_err_o", 1, 1, NULL},
        {"cnt_ctl_busy_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_ctl_gemm_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_ctl_wait_o", 1, TF_MEM_CNT_W, NULL},
        {"dsc_valid_i", 0, 1, "DMA descriptors (tf_mem_dma); the engine's and the DMA's own ports serve the host while ctl_busy_o is low"},
        {"dsc_ready_o", 1, 1, NULL},
        {"dsc_addr_i", 0, aw, NULL},
        {"dsc_rows_i", 0, dw, NULL},
        {"dsc_cols_i", 0, dw, NULL},
        {"dsc_stride_i", 0, aw, NULL},
        {"dsc_ew_i", 0, TF_MEM_EW_W, NULL},
        {"dsc_dst_i", 0, TF_MEM_DST_W, NULL},
        {"dsc_tr_i", 0, 1, NULL},
        {"dsc_id_i", 0, TF_MEM_TAG_W, NULL},
        {"dsc_srow_i", 0, dw, NULL},
        {"rdone_valid_o", 1, 1, NULL},
        {"rdone_id_o", 1, TF_MEM_TAG_W, NULL},
        {"rdone_code_o", 1, TF_MEM_ERR_W, NULL},
        {"wdone_valid_o", 1, 1, NULL},
        {"wdone_id_o", 1, TF_MEM_TAG_W, NULL},
        {"wdone_code_o", 1, TF_MEM_ERR_W, NULL},
        {"dma_rd_busy_o", 1, 1, NULL},
        {"dma_wr_busy_o", 1, 1, NULL},
        {"dma_err_o", 1, 1, NULL},
        {"dma_err_wr_o", 1, 1, NULL},
        {"dma_err_addr_o", 1, aw, NULL},
        {"dma_err_resp_o", 1, 2, NULL},
        {"dma_err_clr_i", 0, 1, NULL},
        {"cnt_rd_bytes_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_wr_bytes_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_rd_busy_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_wr_busy_o", 1, TF_MEM_CNT_W, NULL},
        {"cnt_clr_i", 0, 1, NULL},
        {"m_axi_arid_o", 1, m->id_w, "AXI4 master"},
        {"m_axi_araddr_o", 1, aw, NULL},
        {"m_axi_arlen_o", 1, TF_MEM_AXI_LEN_W, NULL},
        {"m_axi_arsize_o", 1, 3, NULL},
        {"m_axi_arburst_o", 1, 2, NULL},
        {"m_axi_arcache_o", 1, 4, NULL},
        {"m_axi_arprot_o", 1, 3, NULL},
        {"m_axi_arvalid_o", 1, 1, NULL},
        {"m_axi_arready_i", 0, 1, NULL},
        {"m_axi_rid_i", 0, m->id_w, NULL},
        {"m_axi_rdata_i", 0, m->dw, NULL},
        {"m_axi_rresp_i", 0, 2, NULL},
        {"m_axi_rlast_i", 0, 1, NULL},
        {"m_axi_rvalid_i", 0, 1, NULL},
        {"m_axi_rready_o", 1, 1, NULL},
        {"m_axi_awid_o", 1, m->id_w, NULL},
        {"m_axi_awaddr_o", 1, aw, NULL},
        {"m_axi_awlen_o", 1, TF_MEM_AXI_LEN_W, NULL},
        {"m_axi_awsize_o", 1, 3, NULL},
        {"m_axi_awburst_o", 1, 2, NULL},
        {"m_axi_awcache_o", 1, 4, NULL},
        {"m_axi_awprot_o", 1, 3, NULL},
        {"m_axi_awvalid_o", 1, 1, NULL},
        {"m_axi_awready_i", 0, 1, NULL},
        {"m_axi_wdata_o", 1, m->dw, NULL},
        {"m_axi_wstrb_o", 1, m->pb, NULL},
        {"m_axi_wlast_o", 1, 1, NULL},
        {"m_axi_wvalid_o", 1, 1, NULL},
        {"m_axi_wready_i", 0, 1, NULL},
        {"m_axi_bid_i", 0, m->id_w, NULL},
        {"m_axi_bresp_i", 0, 2, NULL},
        {"m_axi_bvalid_i", 0, 1, NULL},
        {"m_axi_bready_o", 1, 1, NULL},
    };
    /* With [model] the result beats leave for the accelerator's epilogue (tf_epilogue) on ep_o_*
     * and come back on ep_i_* into the result FIFO; without, the engine feeds the FIFO. */
    int ep = plan_model(root) != NULL;
    int beat = g->cols * g->acc_bits;
    const struct sys_port eports[] = {
        {"ep_o_valid_o", 1, 1, "the engine's result beats to the epilogue, and back into the result FIFO"},
        {"ep_o_ready_i", 0, 1, NULL},
        {"ep_o_data_o", 1, beat, NULL},
        {"ep_o_row_o", 1, g->row_idx_w, NULL},
        {"ep_o_col_o", 1, g->col_idx_w, NULL},
        {"ep_o_last_o", 1, 1, NULL},
        {"ep_i_valid_i", 0, 1, NULL},
        {"ep_i_ready_o", 1, 1, NULL},
        {"ep_i_data_i", 0, beat, NULL},
        {"ep_i_row_i", 0, g->row_idx_w, NULL},
        {"ep_i_col_i", 0, g->col_idx_w, NULL},
        {"ep_i_last_i", 0, 1, NULL},
    };
    int n0 = (int)(sizeof ports / sizeof ports[0]), ne = ep ? (int)(sizeof eports / sizeof eports[0]) : 0;
    int n = 0;
    for (int i = 0; i < n0 + ne && n < max; i++)
        out[n++] = i < n0 ? ports[i] : eports[i - n0];
    return n;
}

static void emit_sys(const struct tf_plan *root, const struct mem_plan *m, const struct gemm_plan *g,
                     const struct tf_dir *dir, struct diag *d)
{
    char file[128];
    snprintf(file, sizeof file, "%s_sys.v", root->name);
    struct emitter e;
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_sys -- the GEMM engine with its memory system: %s_gemm (%d x %d, %s) with two",
              root->name, root->name, g->rows, g->cols, g->dataflow == TF_OS ? "OS" : "WS");
    emit_line(&e, "// halves in every operand lane memory, and tf_mem_dma (descriptors, width converter,");
    emit_line(&e, "// corner turn, write-back) on an AXI4 master of %d data bits. The DMA writes the", m->dw);
    emit_line(&e, "// engine's buffers through its buffer write port (while a GEMM reads the other half);");
    emit_line(&e, "// the engine's result beats go through a result FIFO of %d entries (tf_mem_fifo) to", m->wb_fifo);
    emit_line(&e, "// the DMA's write-back. Ports, codes and timing:");
    emit_line(&e, "// tf_gemm's and tf_mem_dma's headers, docs/architecture.md (the memory system).");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    int dw = g->dim_w, aw = m->addr_w;
    struct sys_port all[160];
    int n = mem_sys_ports(root, all, 160);
    int ep = plan_model(root) != NULL;
    emit_open(&e, "module %s_sys (", root->name);
    for (int i = 0; i < n; i++) {
        const struct sys_port *pt = &all[i];
        char range[32] = "";
        if (pt->width > 1)
            snprintf(range, sizeof range, "[%d:0]", pt->width - 1);
        if (pt->before)
            emit_line(&e, "// %s", pt->before);
        emit_line(&e, "%s wire %-9s %s%s", pt->out ? "output" : "input ", range, pt->name, i + 1 < n ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    int lanes = m->lmax;
    emit_line(&e, "// the DMA's lane-vectors into the engine's buffers, the engine's results to the DMA");
    emit_line(&e, "wire                bw_valid;");
    emit_line(&e, "wire                bw_ready;");
    emit_line(&e, "wire                bw_tgt;");
    emit_line(&e, "wire                bw_half;");
    emit_line(&e, "wire [%d:0] bw_addr;", 2 * m->bw_aw - 1);
    emit_line(&e, "wire [1:0]          bw_gpar;");
    emit_line(&e, "wire [%d:0] bw_data;", 2 * lanes * g->op_bits - 1);
    emit_line(&e, "wire [%d:0] bw_mask;", 2 * lanes - 1);
    emit_line(&e, "wire                c_valid;");
    emit_line(&e, "wire                c_ready;");
    emit_line(&e, "wire [%d:0] c_data;", g->cols * g->acc_bits - 1);
    emit_line(&e, "wire [%d:0] c_row;", g->row_idx_w - 1);
    emit_line(&e, "wire [%d:0] c_col;", g->col_idx_w - 1);
    emit_line(&e, "wire                c_last;");
    emit_line(&e, "// the engine's result beats into the result FIFO (r_*), out of it to the DMA (c_*)");
    emit_line(&e, "wire                r_valid;");
    emit_line(&e, "wire                r_ready;");
    emit_line(&e, "wire [%d:0] r_data;", g->cols * g->acc_bits - 1);
    emit_line(&e, "wire [%d:0] r_row;", g->row_idx_w - 1);
    emit_line(&e, "wire [%d:0] r_col;", g->col_idx_w - 1);
    emit_line(&e, "wire                r_last;");
    emit_line(&e, "// the DMA's row writes into and row reads from the result store S%s",
              g->store ? "" : " (no store: never ready)");
    emit_line(&e, "wire                sw_valid;");
    emit_line(&e, "wire                sw_ready;");
    emit_line(&e, "wire [%d:0] sw_row;", g->row_idx_w - 1);
    emit_line(&e, "wire [%d:0] sw_col;", g->col_idx_w - 1);
    emit_line(&e, "wire [%d:0] sw_data;", g->cols * g->op_bits - 1);
    emit_line(&e, "wire [%d:0] sw_mask;", g->cols - 1);
    emit_line(&e, "wire                sr_valid;");
    emit_line(&e, "wire                sr_ready;");
    emit_line(&e, "wire [%d:0] sr_row;", g->row_idx_w - 1);
    emit_line(&e, "wire [%d:0] sr_tile;", g->col_idx_w - 1);
    emit_line(&e, "wire [%d:0] sr_data;", g->cols * g->op_bits - 1);
    if (!g->store) {
        emit_line(&e, "assign sw_ready = 1'b0;");
        emit_line(&e, "assign sr_ready = 1'b0;");
        emit_line(&e, "assign sr_data  = {%d{1'b0}};", g->cols * g->op_bits);
        emit_line(&e, "wire   unused_st = ^{sw_valid, sw_row, sw_col, sw_data, sw_mask, sr_valid, sr_row, sr_tile};");
    }
    emit_line(&e, "// the engine's command port and the DMA's descriptor port: the controller's while");
    emit_line(&e, "// it is busy, else the host's");
    const struct { const char *w, *host, *ctl; int width; } mx[] = {
        {"e_valid", "cmd_valid_i", "k_valid", 1}, {"e_op", "cmd_op_i", "k_op", TF_GEMM_OP_W},
        {"e_m", "cmd_m_i", "k_m", dw}, {"e_k", "cmd_k_i", "k_k", dw}, {"e_n", "cmd_n_i", "k_n", dw},
        {"e_requant", "cmd_requant_i", "k_requant", 1}, {"e_asrc", "cmd_asrc_i", "k_asrc", TF_GEMM_SRC_W},
        {"e_bsrc", "cmd_bsrc_i", "k_bsrc", TF_GEMM_SRC_W}, {"e_store", "cmd_store_i", "k_store", 1},
        {"e_ahalf", "cmd_ahalf_i", "k_ahalf", 1}, {"e_bhalf", "cmd_bhalf_i", "k_bhalf", 1},
        {"d_valid", "dsc_valid_i", "q_valid", 1}, {"d_addr", "dsc_addr_i", "q_addr", aw},
        {"d_rows", "dsc_rows_i", "q_rows", dw}, {"d_cols", "dsc_cols_i", "q_cols", dw},
        {"d_stride", "dsc_stride_i", "q_stride", aw}, {"d_ew", "dsc_ew_i", "q_ew", TF_MEM_EW_W},
        {"d_dst", "dsc_dst_i", "q_dst", TF_MEM_DST_W}, {"d_tr", "dsc_tr_i", "q_tr", 1},
        {"d_id", "dsc_id_i", "q_id", TF_MEM_TAG_W}};
    int nmx = (int)(sizeof mx / sizeof mx[0]);
    emit_line(&e, "wire                ctl_own;");
    emit_line(&e, "wire                e_ready;");
    emit_line(&e, "wire                d_ready;");
    for (int i = 0; i < nmx; i++) {
        char range[32] = "";
        if (mx[i].width > 1)
            snprintf(range, sizeof range, "[%d:0]", mx[i].width - 1);
        emit_line(&e, "wire %-14s %s;", range, mx[i].ctl);
        emit_line(&e, "wire %-14s %s = ctl_own ? %s : %s;", range, mx[i].w, mx[i].ctl, mx[i].host);
    }
    emit_line(&e, "// the controller issues no result store descriptors: S rows are the host's");
    emit_line(&e, "wire [%d:0] d_srow = ctl_own ? {%d{1'b0}} : dsc_srow_i;", dw - 1, dw);
    emit_line(&e, "assign cmd_ready_o = !ctl_own && e_ready;");
    emit_line(&e, "assign dsc_ready_o = !ctl_own && d_ready;");
    emit_line(&e, "assign ctl_busy_o  = ctl_own;");
    emit_blank(&e);
    emit_open(&e, "tf_mem_ctl #(");
    const struct { const char *name; long long v; int sized; } cp[] = {
        {"Dataflow", g->dataflow, 0}, {"AddrW", aw, 0}, {"DimW", dw, 0}, {"CDimW", TF_MEM_CDIM_W, 0},
        {"MMax", g->max_m, 0}, {"KMax", g->max_k, 0}, {"NMax", g->max_n, 0}, {"MT", m->tile_m, 0},
        {"NT", m->tile_n, 0}, {"NTiles", m->n_tiles, 0}, {"OffW", m->off_w, 0},
        {"EbLog", m->eb_log, 0}, {"HasRq", g->requant, 0}, {"HasStore", g->store != 0, 0},
        {"TagW", TF_MEM_TAG_W, 0}, {"CntW", TF_MEM_CNT_W, 0}, {"CmdOpW", TF_GEMM_OP_W, 0},
        {"OpGemm", TF_GEMM_OP_GEMM, TF_GEMM_OP_W}, {"SrcW", TF_GEMM_SRC_W, 0},
        {"SrcBuf", TF_GEMM_SRC_BUF, TF_GEMM_SRC_W}, {"SrcSt", TF_GEMM_SRC_ST, TF_GEMM_SRC_W},
        {"SrcStT", TF_GEMM_SRC_ST_T, TF_GEMM_SRC_W}, {"DstW", TF_MEM_DST_W, 0},
        {"DstA0", TF_MEM_DST_A0, TF_MEM_DST_W}, {"DstA1", TF_MEM_DST_A1, TF_MEM_DST_W},
        {"DstB0", TF_MEM_DST_B0, TF_MEM_DST_W}, {"DstB1", TF_MEM_DST_B1, TF_MEM_DST_W},
        {"DstMem", TF_MEM_DST_MEM, TF_MEM_DST_W}, {"ErrW", TF_MEM_ERR_W, 0},
        {"ErrAxi", TF_MEM_ERR_AXI, TF_MEM_ERR_W}, {"CErrNone", TF_MEM_CERR_NONE, TF_MEM_ERR_W},
        {"CErrZero", TF_MEM_CERR_ZERO, TF_MEM_ERR_W}, {"CErrRange", TF_MEM_CERR_RANGE, TF_MEM_ERR_W},
        {"CErrAlign", TF_MEM_CERR_ALIGN, TF_MEM_ERR_W}, {"CErrWidth", TF_MEM_CERR_WIDTH, TF_MEM_ERR_W},
        {"CErrForm", TF_MEM_CERR_FORM, TF_MEM_ERR_W}, {"CErrStride", TF_MEM_CERR_STRIDE, TF_MEM_ERR_W},
        {"CErrAxi", TF_MEM_CERR_AXI, TF_MEM_ERR_W}};
    int ncp = (int)(sizeof cp / sizeof cp[0]);
    int wbq = mem_wb_queue(root);
    for (int i = 0; i < ncp; i++) {
        if (cp[i].sized)
            emit_line(&e, ".%-10s (%d'd%lld)%s", cp[i].name, cp[i].sized, cp[i].v, i + 1 < ncp || ep ? "," : "");
        else
            emit_line(&e, ".%-10s (%lld)%s", cp[i].name, cp[i].v, i + 1 < ncp || ep ? "," : "");
    }
    if (ep) /* the epilogue holds a row until its last column step: the engine runs ahead */
        emit_line(&e, ".%-10s (%d), .WbQW (%d)", "WbQ", wbq, tf_clog2(wbq) > 0 ? tf_clog2(wbq) : 1);
    emit_close(&e, ") u_ctl (");
    e.indent++;
    static const char *const ctl[][2] = {{"clk_i", "clk_i"}, {"rst_ni", "rst_ni"},
        {"ctl_valid_i", "ctl_valid_i"}, {"ctl_ready_o", "ctl_ready_o"}, {"ctl_a_addr_i", "ctl_a_addr_i"},
        {"ctl_a_stride_i", "ctl_a_stride_i"}, {"ctl_b_addr_i", "ctl_b_addr_i"},
        {"ctl_b_stride_i", "ctl_b_stride_i"}, {"ctl_c_addr_i", "ctl_c_addr_i"},
        {"ctl_c_stride_i", "ctl_c_stride_i"}, {"ctl_m_i", "ctl_m_i"}, {"ctl_k_i", "ctl_k_i"},
        {"ctl_n_i", "ctl_n_i"}, {"ctl_requant_i", "ctl_requant_i"}, {"ctl_store_i", "ctl_store_i"},
        {"ctl_asrc_i", "ctl_asrc_i"}, {"ctl_btr_i", "ctl_btr_i"}, {"ctl_cew_i", "ctl_cew_i"},
        {"ctl_id_i", "ctl_id_i"}, {"ctl_hold_i", "ctl_hold_i"}, {"ctl_go_i", "ctl_go_i"},
        {"ctl_drop_i", "ctl_drop_i"},
        {"ctl_done_valid_o", "ctl_done_valid_o"},
        {"ctl_done_id_o", "ctl_done_id_o"}, {"ctl_done_code_o", "ctl_done_code_o"},
        {"busy_o", "ctl_own"}, {"err_o", "ctl_err_o"},
        {"eng_valid_o", "k_valid"}, {"eng_ready_i", "e_ready"}, {"eng_op_o", "k_op"},
        {"eng_m_o", "k_m"}, {"eng_k_o", "k_k"}, {"eng_n_o", "k_n"}, {"eng_requant_o", "k_requant"},
        {"eng_asrc_o", "k_asrc"}, {"eng_bsrc_o", "k_bsrc"}, {"eng_store_o", "k_store"},
        {"eng_ahalf_o", "k_ahalf"}, {"eng_bhalf_o", "k_bhalf"},
        {"dsc_valid_o", "q_valid"}, {"dsc_ready_i", "d_ready"}, {"dsc_addr_o", "q_addr"},
        {"dsc_rows_o", "q_rows"}, {"dsc_cols_o", "q_cols"}, {"dsc_stride_o", "q_stride"},
        {"dsc_ew_o", "q_ew"}, {"dsc_dst_o", "q_dst"}, {"dsc_tr_o", "q_tr"}, {"dsc_id_o", "q_id"},
        {"rdone_valid_i", "rdone_valid_o"}, {"rdone_code_i", "rdone_code_o"},
        {"wdone_valid_i", "wdone_valid_o"}, {"wdone_code_i", "wdone_code_o"},
        {"dma_wr_busy_i", "dma_wr_busy_o"}, {"cnt_clr_i", "cnt_clr_i"},
        {"cnt_busy_o", "cnt_ctl_busy_o"}, {"cnt_gemm_o", "cnt_ctl_gemm_o"}, {"cnt_wait_o", "cnt_ctl_wait_o"}};
    int nc = (int)(sizeof ctl / sizeof ctl[0]);
    for (int i = 0; i < nc; i++)
        emit_line(&e, ".%-16s (%s)%s", ctl[i][0], ctl[i][1], i + 1 < nc ? "," : "");
    emit_close(&e, ");");
    emit_blank(&e);
    emit_open(&e, "%s_gemm u_gemm (", root->name);
    static const char *const eng[][2] = {{"clk_i", "clk_i"}, {"rst_ni", "rst_ni"},
        {"cmd_valid_i", "e_valid"}, {"cmd_ready_o", "e_ready"}, {"cmd_op_i", "e_op"},
        {"cmd_m_i", "e_m"}, {"cmd_k_i", "e_k"}, {"cmd_n_i", "e_n"}, {"cmd_requant_i", "e_requant"},
        {"cmd_asrc_i", "e_asrc"}, {"cmd_bsrc_i", "e_bsrc"}, {"cmd_store_i", "e_store"},
        {"cmd_ahalf_i", "e_ahalf"}, {"cmd_bhalf_i", "e_bhalf"}, {"in_valid_i", "in_valid_i"},
        {"in_ready_o", "in_ready_o"}, {"in_data_i", "in_data_i"}, {"rq_valid_i", "rq_valid_i"},
        {"rq_ready_o", "rq_ready_o"}, {"rq_mult_i", "rq_mult_i"}, {"rq_shift_i", "rq_shift_i"},
        {"busy_o", "busy_o"}, {"err_o", "err_o"}, {"stat_cycles_o", "stat_cycles_o"},
        {"stat_stall_o", "stat_stall_o"}};
    for (size_t i = 0; i < sizeof eng / sizeof eng[0]; i++)
        emit_line(&e, ".%-13s (%s),", eng[i][0], eng[i][1]);
    static const char *const wires[][2] = {
        {"bw_valid_i", "bw_valid"}, {"bw_ready_o", "bw_ready"}, {"bw_tgt_i", "bw_tgt"},
        {"bw_half_i", "bw_half"},   {"bw_addr_i", "bw_addr"},   {"bw_data_i", "bw_data"},
        {"bw_mask_i", "bw_mask"},   {"bw_gpar_i", "bw_gpar"},   {"c_valid_o", "r_valid"},   {"c_ready_i", "r_ready"},
        {"c_data_o", "r_data"},     {"c_row_o", "r_row"},       {"c_col_o", "r_col"},
        {"c_last_o", "r_last"}};
    static const char *const swires[][2] = {
        {"sw_valid_i", "sw_valid"}, {"sw_ready_o", "sw_ready"}, {"sw_row_i", "sw_row"},
        {"sw_col_i", "sw_col"},     {"sw_data_i", "sw_data"},   {"sw_mask_i", "sw_mask"},
        {"sr_valid_i", "sr_valid"}, {"sr_ready_o", "sr_ready"}, {"sr_row_i", "sr_row"},
        {"sr_tile_i", "sr_tile"},   {"sr_data_o", "sr_data"}};
    int nw = (int)(sizeof wires / sizeof wires[0]);
    int nsw = g->store ? (int)(sizeof swires / sizeof swires[0]) : 0;
    for (int i = 0; i < nw; i++)
        emit_line(&e, ".%-13s (%s)%s", wires[i][0], wires[i][1], i + 1 < nw || nsw ? "," : "");
    for (int i = 0; i < nsw; i++) /* the DMA's store port (the engine has a store) */
        emit_line(&e, ".%-13s (%s)%s", swires[i][0], swires[i][1], i + 1 < nsw ? "," : "");
    emit_close(&e, ");");
    emit_blank(&e);
    int fw = g->cols * g->acc_bits + g->row_idx_w + g->col_idx_w + 1;
    emit_line(&e, "// the result FIFO: an output tile's beats leave the engine back to back, the");
    emit_line(&e, "// write-back drains them at its own pace (%d entries: MEM_WB_FIFO)", m->wb_fifo);
    emit_open(&e, "tf_mem_fifo #(");
    emit_line(&e, ".Width (%d),", fw);
    emit_line(&e, ".Depth (%d)", m->wb_fifo);
    emit_close(&e, ") u_wbf (");
    e.indent++;
    emit_line(&e, ".clk_i       (clk_i),");
    emit_line(&e, ".rst_ni      (rst_ni),");
    if (ep) {
        emit_line(&e, ".in_valid_i  (ep_i_valid_i),");
        emit_line(&e, ".in_ready_o  (ep_i_ready_o),");
        emit_line(&e, ".in_data_i   ({ep_i_last_i, ep_i_col_i, ep_i_row_i, ep_i_data_i}),");
    } else {
        emit_line(&e, ".in_valid_i  (r_valid),");
        emit_line(&e, ".in_ready_o  (r_ready),");
        emit_line(&e, ".in_data_i   ({r_last, r_col, r_row, r_data}),");
    }
    emit_line(&e, ".out_valid_o (c_valid),");
    emit_line(&e, ".out_ready_i (c_ready),");
    emit_line(&e, ".out_data_o  ({c_last, c_col, c_row, c_data})");
    emit_close(&e, ");");
    emit_blank(&e);
    if (ep) {
        emit_line(&e, "assign ep_o_valid_o = r_valid;");
        emit_line(&e, "assign r_ready      = ep_o_ready_i;");
        emit_line(&e, "assign ep_o_data_o  = r_data;");
        emit_line(&e, "assign ep_o_row_o   = r_row;");
        emit_line(&e, "assign ep_o_col_o   = r_col;");
        emit_line(&e, "assign ep_o_last_o  = r_last;");
        emit_blank(&e);
    }
    emit_open(&e, "tf_mem_dma #(");
    const struct {
        const char *name;
        long long v;
        int sized;
    } prm[] = {
        {"DW", m->dw, 0}, {"AddrW", m->addr_w, 0}, {"IdW", m->id_w, 0}, {"BurstLen", m->burst, 0},
        {"MaxRd", m->max_rd, 0}, {"MaxWr", m->max_wr, 0}, {"R", g->rows, 0}, {"C", g->cols, 0},
        {"LMax", m->lmax, 0}, {"OpW", g->op_bits, 0}, {"EbLog", m->eb_log, 0},
        {"AccW", g->acc_bits, 0}, {"DimW", g->dim_w, 0}, {"RowIdxW", g->row_idx_w, 0},
        {"ColIdxW", g->col_idx_w, 0}, {"BwAW", m->bw_aw, 0}, {"AStride", m->a_stride, 0},
        {"BStride", m->b_stride, 0}, {"ALaneMax", m->a_lane_max, 0},
        {"AOtherMax", m->a_other_max, 0}, {"BLaneMax", m->b_lane_max, 0},
        {"BOtherMax", m->b_other_max, 0}, {"MMax", g->max_m, 0}, {"NMax", g->max_n, 0},
        {"CW", m->cw, 0}, {"TagW", TF_MEM_TAG_W, 0}, {"CntW", TF_MEM_CNT_W, 0},
        {"HasSt", g->store != 0, 0},
        {"DstW", TF_MEM_DST_W, 0}, {"DstA0", TF_MEM_DST_A0, TF_MEM_DST_W},
        {"DstA1", TF_MEM_DST_A1, TF_MEM_DST_W}, {"DstB0", TF_MEM_DST_B0, TF_MEM_DST_W},
        {"DstB1", TF_MEM_DST_B1, TF_MEM_DST_W}, {"DstMem", TF_MEM_DST_MEM, TF_MEM_DST_W},
        {"DstS", TF_MEM_DST_S, TF_MEM_DST_W}, {"DstSMem", TF_MEM_DST_SMEM, TF_MEM_DST_W},
        {"ErrW", TF_MEM_ERR_W, 0}, {"ErrNone", TF_MEM_ERR_NONE, TF_MEM_ERR_W},
        {"ErrZero", TF_MEM_ERR_ZERO, TF_MEM_ERR_W}, {"ErrRange", TF_MEM_ERR_RANGE, TF_MEM_ERR_W},
        {"ErrAlign", TF_MEM_ERR_ALIGN, TF_MEM_ERR_W}, {"ErrWidth", TF_MEM_ERR_WIDTH, TF_MEM_ERR_W},
        {"ErrDst", TF_MEM_ERR_DST, TF_MEM_ERR_W}, {"ErrStride", TF_MEM_ERR_STRIDE, TF_MEM_ERR_W},
        {"ErrAxi", TF_MEM_ERR_AXI, TF_MEM_ERR_W},
    };
    int np = (int)(sizeof prm / sizeof prm[0]);
    for (int i = 0; i < np; i++) {
        if (prm[i].sized)
            emit_line(&e, ".%-10s (%d'd%lld)%s", prm[i].name, prm[i].sized, prm[i].v, i + 1 < np ? "," : "");
        else
            emit_line(&e, ".%-10s (%lld)%s", prm[i].name, prm[i].v, i + 1 < np ? "," : "");
    }
    emit_close(&e, ") u_dma (");
    e.indent++;
    static const char *const dma[][2] = {
        {"clk_i", "clk_i"}, {"rst_ni", "rst_ni"},
        {"dsc_valid_i", "d_valid"}, {"dsc_ready_o", "d_ready"}, {"dsc_addr_i", "d_addr"},
        {"dsc_rows_i", "d_rows"}, {"dsc_cols_i", "d_cols"}, {"dsc_stride_i", "d_stride"},
        {"dsc_ew_i", "d_ew"}, {"dsc_dst_i", "d_dst"}, {"dsc_tr_i", "d_tr"},
        {"dsc_id_i", "d_id"}, {"dsc_srow_i", "d_srow"}, {"rdone_valid_o", "rdone_valid_o"}, {"rdone_id_o", "rdone_id_o"},
        {"rdone_code_o", "rdone_code_o"}, {"wdone_valid_o", "wdone_valid_o"},
        {"wdone_id_o", "wdone_id_o"}, {"wdone_code_o", "wdone_code_o"},
        {"bw_valid_o", "bw_valid"}, {"bw_ready_i", "bw_ready"}, {"bw_tgt_o", "bw_tgt"},
        {"bw_half_o", "bw_half"}, {"bw_addr_o", "bw_addr"}, {"bw_data_o", "bw_data"},
        {"bw_mask_o", "bw_mask"}, {"bw_gpar_o", "bw_gpar"}, {"c_valid_i", "c_valid"}, {"c_ready_o", "c_ready"},
        {"c_data_i", "c_data"}, {"c_row_i", "c_row"}, {"c_col_i", "c_col"}, {"c_last_i", "c_last"},
        {"sw_valid_o", "sw_valid"}, {"sw_ready_i", "sw_ready"}, {"sw_row_o", "sw_row"},
        {"sw_col_o", "sw_col"}, {"sw_data_o", "sw_data"}, {"sw_mask_o", "sw_mask"},
        {"sr_valid_o", "sr_valid"}, {"sr_ready_i", "sr_ready"}, {"sr_row_o", "sr_row"},
        {"sr_tile_o", "sr_tile"}, {"sr_data_i", "sr_data"},
        {"rd_busy_o", "dma_rd_busy_o"}, {"wr_busy_o", "dma_wr_busy_o"}, {"err_o", "dma_err_o"},
        {"err_wr_o", "dma_err_wr_o"}, {"err_addr_o", "dma_err_addr_o"},
        {"err_resp_o", "dma_err_resp_o"}, {"err_clr_i", "dma_err_clr_i"},
        {"cnt_rd_bytes_o", "cnt_rd_bytes_o"}, {"cnt_wr_bytes_o", "cnt_wr_bytes_o"},
        {"cnt_rd_busy_o", "cnt_rd_busy_o"}, {"cnt_wr_busy_o", "cnt_wr_busy_o"},
        {"cnt_clr_i", "cnt_clr_i"}};
    int nd = (int)(sizeof dma / sizeof dma[0]);
    for (int i = 0; i < nd; i++)
        emit_line(&e, ".%-16s (%s),", dma[i][0], dma[i][1]);
    /* the AXI ports keep their names */
    int last_axi = -1;
    for (int i = 0; i < n; i++)
        if (!strncmp(all[i].name, "m_axi_", 6))
            last_axi = i;
    for (int i = 0; i < n; i++)
        if (!strncmp(all[i].name, "m_axi_", 6))
            emit_line(&e, ".%-16s (%s)%s", all[i].name, all[i].name, i < last_axi ? "," : "");
    emit_close(&e, ");");
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
}

void mem_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    emit_sys(root, bp, plan_gemm(root), dir, d);
}
