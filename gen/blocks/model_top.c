/* model_top.c -- <name>_accel: the accelerator top that runs the layers (docs/architecture.md
 * 3.11): the registers (<name>_csr), the memory system with the GEMM engine (<name>_sys), the
 * auxiliary unit, the attention unit, and the top's own modules -- the sequencer (tf_seq), the
 * GEMM epilogue (tf_epilogue), the attention feeder (tf_attn_feed), the row streamer
 * (tf_mem_stream) and the AXI4 mux (tf_axi_mux) that puts the DMA and the streamer on one port.
 * Every parameter comes from the plan; the memory map is model/tf_accel.c's. */
#include "blocks/attn.h"
#include "blocks/aux.h"
#include "blocks/gemm.h"
#include "blocks/mem.h"
#include "blocks/model.h"
#include "tf_image.h"

#include <stdio.h>
#include <string.h>

static int imax(int a, int b) { return a > b ? a : b; }
static long long up(long long x, long long a) { return (x + a - 1) / a * a; }

/* what the top is built from, in one place */
struct accel {
    int s, aw, dw, pb, idw, c, tokw, align, strd, strf, lnc, raw, waw, hpc;
    long long bd, bf, rec_stride;
};

static struct accel accel_of(const struct tf_plan *root)
{
    const struct model_plan *p = plan_model(root);
    const struct mem_plan *m = plan_mem(root);
    const struct aux_plan *x = plan_aux(root);
    const struct attn_plan *at = plan_attn(root);
    struct accel a;
    memset(&a, 0, sizeof a);
    a.s = p->sequences;
    a.aw = m->addr_w;
    a.dw = m->dw;
    a.pb = m->pb;
    a.idw = m->id_w;
    a.c = plan_gemm(root)->cols;
    a.tokw = imax(tf_clog2(p->max_seq + 1), 1);
    a.align = imax(TFI_MIN_ALIGN, a.pb);
    a.strd = (int)up(p->d, a.pb);
    a.strf = (int)up(p->d_ff, a.pb);
    a.bd = up((long long)p->max_seq * a.strd, a.align);
    a.bf = up((long long)p->max_seq * a.strf, a.align);
    a.rec_stride = up(TFI_REC_BYTES, a.align);
    a.lnc = x->hw.ln_rows < m->tile_m ? x->hw.ln_rows : m->tile_m;
    int wd = (x->arch.max_d + a.pb - 1) / a.pb;
    a.raw = imax(tf_clog2((long long)a.lnc * wd), 1);
    a.waw = imax(tf_clog2((p->d + a.pb - 1) / a.pb), 1);
    a.hpc = p->heads / at->heads;
    return a;
}

int model_has_accel(const struct tf_plan *root)
{
    const struct model_plan *p = plan_model(root);
    return p && !plan_attn(root)->parallel;
}

/* the header's first 52 bytes as the design expects them, byte 0 lowest */
static void header_bytes(const struct tf_plan *root, const struct accel *a, unsigned char h[52])
{
    const struct model_plan *p = plan_model(root);
    memcpy(h, TFI_MAGIC, 8);
    unsigned v[11] = {TFI_VERSION, TFI_HDR_BYTES, (unsigned)p->d, (unsigned)p->heads, (unsigned)p->d_ff,
                      (unsigned)p->layers, p->norm == TF_NORM_PRE, p->attention == TF_MASK_CAUSAL,
                      (unsigned)a->pb, (unsigned)a->align, TFI_REC_BYTES};
    for (int i = 0; i < 11; i++)
        for (int b = 0; b < 4; b++)
            h[8 + 4 * i + b] = (unsigned char)(v[i] >> (8 * b));
}

/* the connection of a <name>_sys port into buf: a signal of the top, or a constant (inputs
 * the accelerator does not use); 0 for an output nobody reads */
static int sys_conn(const char *port, int out, int width, char *buf, size_t n)
{
    static const char *const map[][2] = {
        {"clk_i", "clk_i"}, {"rst_ni", "rst_ni"},
        {"ctl_valid_i", "ctl_valid"}, {"ctl_ready_o", "ctl_ready"}, {"ctl_a_addr_i", "ctl_a_addr"},
        {"ctl_a_stride_i", "ctl_a_stride"}, {"ctl_b_addr_i", "ctl_b_addr"}, {"ctl_b_stride_i", "ctl_b_stride"},
        {"ctl_c_addr_i", "ctl_c_addr"}, {"ctl_c_stride_i", "ctl_c_stride"}, {"ctl_m_i", "ctl_m"},
        {"ctl_k_i", "ctl_k"}, {"ctl_n_i", "ctl_n"}, {"ctl_done_valid_o", "ctl_done"},
        {"ctl_done_code_o", "ctl_done_code"}, {"ctl_hold_i", "ctl_hold"}, {"ctl_go_i", "ctl_go"},
        {"ctl_drop_i", "ctl_drop"}, {"busy_o", "eng_busy"}, {"cnt_ctl_wait_o", "cnt_wait"},
        {"ep_o_valid_o", "e_valid"}, {"ep_o_ready_i", "e_ready"}, {"ep_o_data_o", "e_data"},
        {"ep_o_row_o", "e_row"}, {"ep_o_col_o", "e_col"}, {"ep_o_last_o", "e_last"},
        {"ep_i_valid_i", "o_valid"}, {"ep_i_ready_o", "o_ready"}, {"ep_i_data_i", "o_data"},
        {"ep_i_row_i", "o_row"}, {"ep_i_col_i", "o_col"}, {"ep_i_last_i", "o_last"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(port, map[i][0])) {
            snprintf(buf, n, "%s", map[i][1]);
            return 1;
        }
    if (!strncmp(port, "m_axi_", 6)) { /* the DMA's master: the mux's port 0 */
        snprintf(buf, n, "s0_axi_%.*s", (int)strlen(port) - 8, port + 6);
        return 1;
    }
    if (out)
        return 0;
    snprintf(buf, n, "%d'd0", width);
    return 1;
}

void model_emit_accel(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct model_plan *p = plan_model(root);
    const struct gemm_plan *g = plan_gemm(root);
    const struct mem_plan *m = plan_mem(root);
    const struct aux_plan *x = plan_aux(root);
    const struct attn_plan *at = plan_attn(root);
    struct accel a = accel_of(root);
    const char *nm = root->name;
    struct emitter e;
    char file[160];
    snprintf(file, sizeof file, "%s_accel.v", nm);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_accel -- the accelerator: %d layer%s of d %d (%d heads, FFN %d, %s, %s) on a %d x %d",
              nm, p->layers, p->layers > 1 ? "s" : "", p->d, p->heads, p->d_ff, p->norm == TF_NORM_PRE ? "pre-LN" : "post-LN",
              p->attention == TF_MASK_CAUSAL ? "causal" : "bidirectional", g->rows, g->cols);
    emit_line(&e, "// array, driven through AXI4-Lite registers (%s_csr), reading the weight image and", nm);
    emit_line(&e, "// the request table's rows through one AXI4 master (the DMA of %s_sys and the row", nm);
    emit_line(&e, "// streamer behind tf_axi_mux). The sequencer runs the schedule of docs/architecture.md");
    emit_line(&e, "// 3.11; memory ends up as model/tf_accel.c leaves it.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    emit_open(&e, "module %s_accel (", nm);
    emit_line(&e, "input  wire          clk_i,");
    emit_line(&e, "input  wire          rst_ni,");
    emit_line(&e, "// registers (AXI4-Lite slave)");
    static const struct { const char *dir, *name; int w; } lite[] = {
        {"input ", "s_axil_awvalid_i", 1}, {"output", "s_axil_awready_o", 1}, {"input ", "s_axil_awaddr_i", 12},
        {"input ", "s_axil_awprot_i", 3},  {"input ", "s_axil_wvalid_i", 1},  {"output", "s_axil_wready_o", 1},
        {"input ", "s_axil_wdata_i", 32},  {"input ", "s_axil_wstrb_i", 4},   {"output", "s_axil_bvalid_o", 1},
        {"input ", "s_axil_bready_i", 1},  {"output", "s_axil_bresp_o", 2},   {"input ", "s_axil_arvalid_i", 1},
        {"output", "s_axil_arready_o", 1}, {"input ", "s_axil_araddr_i", 12}, {"input ", "s_axil_arprot_i", 3},
        {"output", "s_axil_rvalid_o", 1},  {"input ", "s_axil_rready_i", 1},  {"output", "s_axil_rdata_o", 32},
        {"output", "s_axil_rresp_o", 2},   {"output", "irq_o", 1}};
    for (size_t i = 0; i < sizeof lite / sizeof lite[0]; i++) {
        char r[24] = "";
        if (lite[i].w > 1)
            snprintf(r, sizeof r, "[%d:0]", lite[i].w - 1);
        emit_line(&e, "%s wire %-8s %s,", lite[i].dir, r, lite[i].name);
    }
    emit_line(&e, "// trace: a one-cycle pulse as each batch starts, with its request-table entries");
    emit_line(&e, "output wire          trace_batch_o,");
    if (a.s > 1)
        emit_line(&e, "output wire [%d:0]    trace_mask_o,", a.s - 1);
    else
        emit_line(&e, "output wire          trace_mask_o,");
    emit_line(&e, "// memory (AXI4 master; IDs one bit wider than the DMA's: the mux's port index)");
    static const struct { const char *n; int out; int w; } axi[] = {
        {"arid", 1, -1}, {"araddr", 1, -2}, {"arlen", 1, 8}, {"arsize", 1, 3}, {"arburst", 1, 2},
        {"arcache", 1, 4}, {"arprot", 1, 3}, {"arvalid", 1, 1}, {"arready", 0, 1}, {"rid", 0, -1},
        {"rdata", 0, -3}, {"rresp", 0, 2}, {"rlast", 0, 1}, {"rvalid", 0, 1}, {"rready", 1, 1},
        {"awid", 1, -1}, {"awaddr", 1, -2}, {"awlen", 1, 8}, {"awsize", 1, 3}, {"awburst", 1, 2},
        {"awcache", 1, 4}, {"awprot", 1, 3}, {"awvalid", 1, 1}, {"awready", 0, 1}, {"wdata", 1, -3},
        {"wstrb", 1, -4}, {"wlast", 1, 1}, {"wvalid", 1, 1}, {"wready", 0, 1}, {"bid", 0, -1},
        {"bresp", 0, 2}, {"bvalid", 0, 1}, {"bready", 1, 1}};
    int naxi = (int)(sizeof axi / sizeof axi[0]);
    for (int i = 0; i < naxi; i++) {
        int w = axi[i].w == -1 ? a.idw + 1 : axi[i].w == -2 ? a.aw : axi[i].w == -3 ? a.dw : axi[i].w == -4 ? a.pb
                                                                                                  : axi[i].w;
        char r[24] = "";
        if (w > 1)
            snprintf(r, sizeof r, "[%d:0]", w - 1);
        emit_line(&e, "%s wire %-8s m_axi_%s_%s%s", axi[i].out ? "output" : "input ", r, axi[i].n,
                  axi[i].out ? "o" : "i", i + 1 < naxi ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;

    /* ---- registers ---- */
    int S = a.s;
    emit_line(&e, "// ---- registers");
    emit_line(&e, "wire          start, busy, done, err;");
    emit_line(&e, "wire [7:0]    err_code, err_seq;");
    emit_line(&e, "wire [63:0]   wbase;");
    emit_line(&e, "wire [%d:0]    bcap;", TF_CSR_BATCH_CAP_W - 1);
    emit_line(&e, "wire          bfit;");
    emit_line(&e, "wire [%d:0]  req_active, req_decode, req_reset;", S - 1);
    emit_line(&e, "wire [%d:0] req_len, req_pos;", S * 16 - 1);
    emit_line(&e, "wire [%d:0] req_in, req_out;", S * 64 - 1);
    emit_line(&e, "wire [%d:0] cnt;", TF_CSR_NCNT * 64 - 1);
    emit_open(&e, "%s_csr u_csr (", nm);
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni),");
    for (size_t i = 0; i + 1 < sizeof lite / sizeof lite[0]; i++)
        emit_line(&e, ".%s(%s),", lite[i].name, lite[i].name);
    emit_line(&e, ".start_o(start), .busy_i(busy), .done_i(done), .err_i(err), .err_code_i(err_code),");
    emit_line(&e, ".err_seq_i(err_seq), .irq_o(irq_o), .wbase_o(wbase), .bcap_o(bcap), .bfit_o(bfit),");
    emit_line(&e, ".req_active_o(req_active),");
    emit_line(&e, ".req_decode_o(req_decode), .req_reset_o(req_reset), .req_len_o(req_len), .req_in_o(req_in),");
    emit_line(&e, ".req_out_o(req_out), .req_pos_i(req_pos), .cnt_i(cnt)");
    emit_close(&e, ");");
    emit_line(&e, "// addresses: the low %d bits of the registers' 64", a.aw);
    emit_line(&e, "wire [%d:0] req_in_a, req_out_a;", S * a.aw - 1);
    emit_line(&e, "genvar gi;");
    emit_open(&e, "generate");
    emit_open(&e, "for (gi = 0; gi < %d; gi = gi + 1) begin : g_req", S);
    emit_line(&e, "assign req_in_a[gi*%d +: %d]  = req_in[gi*64 +: %d];", a.aw, a.aw, a.aw);
    emit_line(&e, "assign req_out_a[gi*%d +: %d] = req_out[gi*64 +: %d];", a.aw, a.aw, a.aw);
    emit_close(&e, "end");
    emit_close(&e, "endgenerate");
    emit_blank(&e);

    /* ---- the memory system ---- */
    struct sys_port sp[160];
    int nsp = mem_sys_ports(root, sp, 160);
    emit_line(&e, "// ---- the memory system and the GEMM engine (its controller only; the engine's and");
    emit_line(&e, "// the DMA's own command ports are idle)");
    int beat = g->cols * g->acc_bits;
    emit_line(&e, "wire          ctl_valid, ctl_ready, ctl_done, eng_busy, ctl_hold, ctl_go, ctl_drop;");
    emit_line(&e, "wire [%d:0]  ctl_a_addr, ctl_a_stride, ctl_b_addr, ctl_b_stride, ctl_c_addr, ctl_c_stride;",
              a.aw - 1);
    emit_line(&e, "wire [%d:0]  ctl_m, ctl_n;", TF_MEM_CDIM_W - 1);
    emit_line(&e, "wire [%d:0]   ctl_k;", g->dim_w - 1);
    emit_line(&e, "wire [%d:0]   ctl_done_code;", TF_MEM_ERR_W - 1);
    emit_line(&e, "wire [%d:0]  cnt_wait;", TF_MEM_CNT_W - 1);
    emit_line(&e, "wire          e_valid, e_ready, e_last, o_valid, o_ready, o_last;");
    emit_line(&e, "wire [%d:0] e_data, o_data;", beat - 1);
    emit_line(&e, "wire [%d:0]   e_row, o_row;", g->row_idx_w - 1);
    emit_line(&e, "wire [%d:0]   e_col, o_col;", g->col_idx_w - 1);
    for (int i = 0; i < naxi; i++) {
        int w = axi[i].w == -1 ? a.idw : axi[i].w == -2 ? a.aw : axi[i].w == -3 ? a.dw : axi[i].w == -4 ? a.pb
                                                                                                     : axi[i].w;
        emit_line(&e, "wire [%d:0] s0_axi_%s, s1_axi_%s;", w - 1, axi[i].n, axi[i].n);
    }
    /* outputs nobody reads, for the unused-signal sink */
    char unused[4096] = "";
    size_t ul = 0;
    char cb[96];
    for (int i = 0; i < nsp; i++)
        if (sp[i].out && !sys_conn(sp[i].name, 1, sp[i].width, cb, sizeof cb)) {
            emit_line(&e, "wire [%d:0] sys_%s;", sp[i].width - 1, sp[i].name);
            ul += (size_t)snprintf(unused + ul, sizeof unused - ul, "%ssys_%s", ul ? ", " : "", sp[i].name);
        }
    emit_open(&e, "%s_sys u_sys (", nm);
    for (int i = 0; i < nsp; i++) {
        if (!sys_conn(sp[i].name, sp[i].out, sp[i].width, cb, sizeof cb))
            snprintf(cb, sizeof cb, "sys_%s", sp[i].name);
        emit_line(&e, ".%s(%s)%s", sp[i].name, cb, i + 1 < nsp ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);

    /* ---- the auxiliary unit and the epilogue ---- */
    emit_line(&e, "// ---- the auxiliary unit on the result beats (tf_epilogue)");
    int L = x->arch.lanes;
    emit_line(&e, "wire          x_cmd_valid, x_cmd_ready, x_cmd_rq_pt, x_prm_valid, x_prm_ready, x_in_valid,");
    emit_line(&e, "              x_in_ready, x_res_valid, x_res_ready, x_out_valid, x_out_ready, x_out_last,");
    emit_line(&e, "              x_busy, x_err;");
    emit_line(&e, "wire [2:0]    x_cmd_op, x_err_code;");
    emit_line(&e, "wire [4:0]    x_cmd_ops, x_cmd_res_lsh, x_cmd_res_shift, x_cmd_ln_bf;");
    emit_line(&e, "wire [%d:0]    x_cmd_d;", x->dw - 1);
    emit_line(&e, "wire [%d:0]    x_cmd_m, x_cmd_grp, x_in_row, x_out_row;", x->row_w - 1);
    emit_line(&e, "wire [30:0]   x_cmd_res_mult;");
    emit_line(&e, "wire [3:0]    x_cmd_ln_gf;");
    emit_line(&e, "wire [31:0]   x_cmd_ln_eps, x_cycles, x_stall;");
    emit_line(&e, "wire [15:0]   x_cmd_gelu_in_mant, x_cmd_gelu_out_mant;");
    emit_line(&e, "wire [5:0]    x_cmd_gelu_in_exp, x_cmd_gelu_out_exp;");
    emit_line(&e, "wire [35:0]   x_prm_data;");
    emit_line(&e, "wire [%d:0] x_in_data;", L * x->arch.acc_bits - 1);
    emit_line(&e, "wire [%d:0]  x_res_data;", L * x->arch.res_in_bits - 1);
    emit_line(&e, "wire [%d:0] x_out_data;", L * x->out_w - 1);
    emit_line(&e, "wire [%d:0]    x_in_col, x_out_col;", x->col_w - 1);
    emit_open(&e, "%s_aux u_aux (", nm);
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .cmd_valid_i(x_cmd_valid), .cmd_ready_o(x_cmd_ready),");
    emit_line(&e, ".cmd_op_i(x_cmd_op), .cmd_ops_i(x_cmd_ops), .cmd_d_i(x_cmd_d), .cmd_m_i(x_cmd_m),");
    emit_line(&e, ".cmd_grp_i(x_cmd_grp), .cmd_rq_pt_i(x_cmd_rq_pt), .cmd_res_mult_i(x_cmd_res_mult),");
    emit_line(&e, ".cmd_res_lsh_i(x_cmd_res_lsh), .cmd_res_shift_i(x_cmd_res_shift), .cmd_ln_gf_i(x_cmd_ln_gf),");
    emit_line(&e, ".cmd_ln_bf_i(x_cmd_ln_bf), .cmd_ln_eps_i(x_cmd_ln_eps), .cmd_gelu_in_mant_i(x_cmd_gelu_in_mant),");
    emit_line(&e, ".cmd_gelu_in_exp_i(x_cmd_gelu_in_exp), .cmd_gelu_out_mant_i(x_cmd_gelu_out_mant),");
    emit_line(&e, ".cmd_gelu_out_exp_i(x_cmd_gelu_out_exp), .prm_valid_i(x_prm_valid), .prm_ready_o(x_prm_ready),");
    emit_line(&e, ".prm_data_i(x_prm_data), .in_valid_i(x_in_valid), .in_ready_o(x_in_ready), .in_data_i(x_in_data),");
    emit_line(&e, ".in_row_i(x_in_row), .in_col_i(x_in_col), .res_valid_i(x_res_valid), .res_ready_o(x_res_ready),");
    emit_line(&e, ".res_data_i(x_res_data), .out_valid_o(x_out_valid), .out_ready_i(x_out_ready),");
    emit_line(&e, ".out_data_o(x_out_data), .out_row_o(x_out_row), .out_col_o(x_out_col), .out_last_o(x_out_last),");
    emit_line(&e, ".busy_o(x_busy), .err_o(x_err), .err_code_o(x_err_code), .stat_cycles_o(x_cycles),");
    emit_line(&e, ".stat_stall_o(x_stall)");
    emit_close(&e, ");");
    emit_line(&e, "// the streamer's three clients: the sequencer (0), the epilogue (1), the feeder (2)");
    emit_line(&e, "wire [1:0]    owner;");
    emit_line(&e, "wire          q_rd_valid, q_rd_ready, ep_rd_valid, fd_rd_valid, fd_wr_valid, ep_r_ready, fd_r_ready;");
    emit_line(&e, "wire [%d:0]  q_rd_addr, ep_rd_addr, ep_rd_stride, fd_rd_addr, fd_rd_stride, fd_wr_addr, fd_wr_stride;",
              a.aw - 1);
    emit_line(&e, "wire [15:0]   q_rd_bytes, ep_rd_rows, ep_rd_bytes, fd_rd_rows, fd_rd_bytes, fd_wr_rows, fd_wr_bytes;");
    emit_line(&e, "wire          ep_valid, ep_ready, ep_kind, ep_zero, ep_shl, ep_shr, ep_done, ep_busy, fd_valid, fd_ready,");
    emit_line(&e, "              fd_done, fd_busy,");
    emit_line(&e, "              fd_err;");
    emit_line(&e, "wire [2:0]    ep_op;");
    emit_line(&e, "wire [%d:0]    ep_n, ep_d;", x->dw - 1);
    emit_line(&e, "wire [%d:0]  ep_addr, ep_stride;", a.aw - 1);
    emit_line(&e, "wire [%d:0]    ep_m;", x->row_w - 1);
    emit_line(&e, "wire [4:0]    ep_ops, ep_res_lsh, ep_res_shift, ep_ln_bf;");
    emit_line(&e, "wire [30:0]   ep_res_mult;");
    emit_line(&e, "wire [3:0]    ep_ln_gf;");
    emit_line(&e, "wire [31:0]   ep_ln_eps;");
    emit_line(&e, "wire [15:0]   ep_gim, ep_gom;");
    emit_line(&e, "wire [5:0]    ep_gie, ep_goe;");
    emit_line(&e, "wire          st_rd_valid, st_rd_ready, st_r_valid, st_r_ready, st_r_eor, st_r_last, st_rdone;");
    emit_line(&e, "wire          st_wr_ready, st_w_valid, st_w_ready, st_wdone, st_busy, st_err;");
    emit_line(&e, "wire [%d:0]  st_rd_addr, st_rd_stride, st_err_addr;", a.aw - 1);
    emit_line(&e, "wire [15:0]   st_rd_rows, st_rd_bytes;");
    emit_line(&e, "wire [%d:0] st_r_data, st_w_data;", a.dw - 1);
    emit_line(&e, "wire [%d:0]    st_r_n;", m->off_w);
    emit_line(&e, "wire [1:0]    st_rdone_code, st_wdone_code;");
    emit_open(&e, "tf_epilogue #(");
    emit_line(&e, ".L(%d), .EAccW(%d), .XAccW(%d), .PW(%d), .ResInW(%d), .XRowW(%d), .XColW(%d), .XDW(%d),", L,
              g->acc_bits, x->arch.acc_bits, x->out_w, x->arch.res_in_bits, x->row_w, x->col_w, x->dw);
    emit_line(&e, ".ERowW(%d), .EColW(%d), .TM(%d), .TN(%d), .MaxD(%d), .RB(%d), .RAW(%d), .DW(%d), .AddrW(%d),",
              g->row_idx_w, g->col_idx_w, m->tile_m, m->tile_n, x->arch.max_d, a.lnc, a.raw, a.dw, a.aw);
    emit_line(&e, ".RowsW(16), .BytesW(16), .OpRun(3'd%d), .OpRq(3'd%d), .OpGamma(3'd%d), .OpShift(3'd%d),",
              TF_AUX_OP_RUN, TF_AUX_OP_LOAD_RQ, TF_AUX_OP_LOAD_GAMMA, TF_EP_OP_LOAD_SHIFT);
    emit_line(&e, ".ChainRes(5'd%u)", TFX_OPBIT(TFX_OP_RESIDUAL));
    emit_close(&e, ") u_ep (");
    e.indent++;
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .cmd_valid_i(ep_valid), .cmd_ready_o(ep_ready), .cmd_kind_i(ep_kind),");
    emit_line(&e, ".cmd_op_i(ep_op), .cmd_n_i(ep_n), .cmd_addr_i(ep_addr), .cmd_stride_i(ep_stride), .cmd_m_i(ep_m),");
    emit_line(&e, ".cmd_d_i(ep_d), .cmd_grp_i(ep_m), .cmd_ops_i(ep_ops), .cmd_zero_i(ep_zero), .cmd_shl_i(ep_shl),");
    emit_line(&e, ".cmd_shr_i(ep_shr), .cmd_rq_pt_i(1'b0),");
    emit_line(&e, ".cmd_res_mult_i(ep_res_mult),");
    emit_line(&e, ".cmd_res_lsh_i(ep_res_lsh), .cmd_res_shift_i(ep_res_shift), .cmd_ln_gf_i(ep_ln_gf),");
    emit_line(&e, ".cmd_ln_bf_i(ep_ln_bf), .cmd_ln_eps_i(ep_ln_eps), .cmd_gelu_in_mant_i(ep_gim), .cmd_gelu_in_exp_i(ep_gie),");
    emit_line(&e, ".cmd_gelu_out_mant_i(ep_gom), .cmd_gelu_out_exp_i(ep_goe), .done_o(ep_done), .busy_o(ep_busy),");
    emit_line(&e, ".rd_valid_o(ep_rd_valid), .rd_ready_i(st_rd_ready && owner == 2'd1), .rd_addr_o(ep_rd_addr),");
    emit_line(&e, ".rd_stride_o(ep_rd_stride), .rd_rows_o(ep_rd_rows), .rd_bytes_o(ep_rd_bytes),");
    emit_line(&e, ".r_valid_i(st_r_valid && owner == 2'd1), .r_ready_o(ep_r_ready), .r_data_i(st_r_data),");
    emit_line(&e, ".r_eor_i(st_r_eor), .r_last_i(st_r_last),");
    emit_line(&e, ".x_cmd_valid_o(x_cmd_valid), .x_cmd_ready_i(x_cmd_ready), .x_cmd_op_o(x_cmd_op), .x_cmd_ops_o(x_cmd_ops),");
    emit_line(&e, ".x_cmd_d_o(x_cmd_d), .x_cmd_m_o(x_cmd_m), .x_cmd_grp_o(x_cmd_grp), .x_cmd_rq_pt_o(x_cmd_rq_pt),");
    emit_line(&e, ".x_cmd_res_mult_o(x_cmd_res_mult), .x_cmd_res_lsh_o(x_cmd_res_lsh), .x_cmd_res_shift_o(x_cmd_res_shift),");
    emit_line(&e, ".x_cmd_ln_gf_o(x_cmd_ln_gf), .x_cmd_ln_bf_o(x_cmd_ln_bf), .x_cmd_ln_eps_o(x_cmd_ln_eps),");
    emit_line(&e, ".x_cmd_gelu_in_mant_o(x_cmd_gelu_in_mant), .x_cmd_gelu_in_exp_o(x_cmd_gelu_in_exp),");
    emit_line(&e, ".x_cmd_gelu_out_mant_o(x_cmd_gelu_out_mant), .x_cmd_gelu_out_exp_o(x_cmd_gelu_out_exp),");
    emit_line(&e, ".x_prm_valid_o(x_prm_valid), .x_prm_ready_i(x_prm_ready), .x_prm_data_o(x_prm_data),");
    emit_line(&e, ".x_in_valid_o(x_in_valid), .x_in_ready_i(x_in_ready), .x_in_data_o(x_in_data), .x_in_row_o(x_in_row),");
    emit_line(&e, ".x_in_col_o(x_in_col), .x_res_valid_o(x_res_valid), .x_res_ready_i(x_res_ready),");
    emit_line(&e, ".x_res_data_o(x_res_data), .x_out_valid_i(x_out_valid), .x_out_ready_o(x_out_ready),");
    emit_line(&e, ".x_out_data_i(x_out_data), .x_out_row_i(x_out_row), .x_out_col_i(x_out_col), .x_out_last_i(x_out_last),");
    emit_line(&e, ".e_valid_i(e_valid), .e_ready_o(e_ready), .e_data_i(e_data), .e_row_i(e_row), .e_col_i(e_col),");
    emit_line(&e, ".e_last_i(e_last), .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data), .o_row_o(o_row),");
    emit_line(&e, ".o_col_o(o_col), .o_last_o(o_last)");
    e.indent--;
    emit_line(&e, ");");
    emit_blank(&e);

    /* ---- the attention unit and its feeder ---- */
    emit_line(&e, "// ---- the attention unit and its feeder");
    emit_line(&e, "wire          a_cmd_valid, a_cmd_ready, a_in_valid, a_in_ready, a_o_valid, a_o_ready, a_o_last,");
    emit_line(&e, "              a_busy, a_step_err;");
    emit_line(&e, "wire [%d:0]    a_cmd_head;", at->h_w - 1);
    emit_line(&e, "wire [31:0]   a_cmd_scale;");
    emit_line(&e, "wire [1:0]    a_cmd_mode;");
    emit_line(&e, "wire [%d:0]    a_cmd_region;", at->rg_w - 1);
    emit_line(&e, "wire [%d:0]    a_cmd_count, a_slot, a_evict_slot;", at->slot_w - 1);
    emit_line(&e, "wire [7:0]    a_in_q, a_in_k, a_in_v;");
    emit_line(&e, "wire [%d:0]   a_o_data;", at->ow - 1);
    emit_line(&e, "wire          a_evict;");
    emit_line(&e, "wire [%d:0]   a_cycles, a_wait;", at->cnt_w - 1);
    emit_open(&e, "%s_attn u_attn (", nm);
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .cmd_valid_i(a_cmd_valid), .cmd_ready_o(a_cmd_ready),");
    emit_line(&e, ".cmd_head_i(a_cmd_head), .cmd_scale_i(a_cmd_scale), .cmd_clear_i(1'b0), .cmd_mode_i(a_cmd_mode),");
    emit_line(&e, ".cmd_region_i(a_cmd_region), .cmd_count_i(a_cmd_count), .in_valid_i(a_in_valid),");
    emit_line(&e, ".in_ready_o(a_in_ready), .in_q_i(a_in_q), .in_k_i(a_in_k), .in_v_i(a_in_v), .o_valid_o(a_o_valid),");
    emit_line(&e, ".o_ready_i(a_o_ready), .o_data_o(a_o_data), .o_last_o(a_o_last), .busy_o(a_busy),");
    emit_line(&e, ".step_err_o(a_step_err), .evict_o(a_evict), .evict_slot_o(a_evict_slot), .slot_o(a_slot),");
    emit_line(&e, ".stat_cycles_o(a_cycles), .stat_wait_o(a_wait)");
    emit_close(&e, ");");
    emit_line(&e, "wire          fd_bidir;");
    emit_line(&e, "wire [%d:0]    fd_n, fd_pos;", a.tokw - 1);
    emit_line(&e, "wire [%d:0]    fd_rbase;", at->rg_w - 1);
    emit_line(&e, "wire [%d:0]  fd_q, fd_k, fd_v, fd_ao, fd_stride;", a.aw - 1);
    emit_line(&e, "wire [31:0]   fd_scale;");
    emit_line(&e, "wire [30:0]   fd_mult;");
    emit_line(&e, "wire [4:0]    fd_shift;");
    emit_open(&e, "tf_attn_feed #(");
    emit_line(&e, ".D(%d), .HEADS(%d), .AH(%d), .HW(%d), .RGW(%d), .SLOTW(%d), .OW(%d), .DW(%d), .AddrW(%d),", at->d,
              p->heads, at->heads, at->h_w, at->rg_w, at->slot_w, at->ow, a.dw, a.aw);
    emit_line(&e, ".TokW(%d), .RowsW(16), .BytesW(16), .WAW(%d), .ModeStep(2'd%d), .ModeAppend(2'd%d),", a.tokw, a.waw,
              TFA_MODE_STEP, TFA_MODE_APPEND);
    emit_line(&e, ".ModeAttend(2'd%d)", TFA_MODE_ATTEND);
    emit_close(&e, ") u_feed (");
    e.indent++;
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .cmd_valid_i(fd_valid), .cmd_ready_o(fd_ready), .cmd_bidir_i(fd_bidir),");
    emit_line(&e, ".cmd_n_i(fd_n), .cmd_pos_i(fd_pos), .cmd_rbase_i(fd_rbase), .cmd_q_i(fd_q), .cmd_k_i(fd_k),");
    emit_line(&e, ".cmd_v_i(fd_v), .cmd_ao_i(fd_ao), .cmd_stride_i(fd_stride), .cmd_scale_i(fd_scale),");
    emit_line(&e, ".cmd_ao_mult_i(fd_mult), .cmd_ao_shift_i(fd_shift), .done_o(fd_done), .busy_o(fd_busy), .err_o(fd_err),");
    emit_line(&e, ".rd_valid_o(fd_rd_valid), .rd_ready_i(st_rd_ready && owner == 2'd2), .rd_addr_o(fd_rd_addr),");
    emit_line(&e, ".rd_stride_o(fd_rd_stride), .rd_rows_o(fd_rd_rows), .rd_bytes_o(fd_rd_bytes),");
    emit_line(&e, ".r_valid_i(st_r_valid && owner == 2'd2), .r_ready_o(fd_r_ready), .r_data_i(st_r_data),");
    emit_line(&e, ".r_last_i(st_r_last), .rdone_i(st_rdone), .wr_valid_o(fd_wr_valid), .wr_ready_i(st_wr_ready),");
    emit_line(&e, ".wr_addr_o(fd_wr_addr), .wr_stride_o(fd_wr_stride), .wr_rows_o(fd_wr_rows), .wr_bytes_o(fd_wr_bytes),");
    emit_line(&e, ".w_valid_o(st_w_valid), .w_ready_i(st_w_ready), .w_data_o(st_w_data), .wdone_i(st_wdone),");
    emit_line(&e, ".a_cmd_valid_o(a_cmd_valid), .a_cmd_ready_i(a_cmd_ready), .a_cmd_head_o(a_cmd_head),");
    emit_line(&e, ".a_cmd_scale_o(a_cmd_scale), .a_cmd_mode_o(a_cmd_mode), .a_cmd_region_o(a_cmd_region),");
    emit_line(&e, ".a_cmd_count_o(a_cmd_count), .a_in_valid_o(a_in_valid), .a_in_ready_i(a_in_ready),");
    emit_line(&e, ".a_in_q_o(a_in_q), .a_in_k_o(a_in_k), .a_in_v_o(a_in_v), .a_o_valid_i(a_o_valid),");
    emit_line(&e, ".a_o_ready_o(a_o_ready), .a_o_data_i(a_o_data), .a_busy_i(a_busy), .a_step_err_i(a_step_err)");
    e.indent--;
    emit_line(&e, ");");
    emit_blank(&e);

    /* ---- the row streamer, its owner, the mux ---- */
    emit_line(&e, "// ---- the row streamer (one client at a time) and the mux onto the AXI4 port");
    emit_line(&e, "assign st_rd_valid  = (owner == 2'd0) ? q_rd_valid : (owner == 2'd1) ? ep_rd_valid : fd_rd_valid;");
    emit_line(&e, "assign q_rd_ready   = st_rd_ready && owner == 2'd0;");
    emit_line(&e, "assign st_rd_addr   = (owner == 2'd0) ? q_rd_addr : (owner == 2'd1) ? ep_rd_addr : fd_rd_addr;");
    emit_line(&e, "assign st_rd_stride = (owner == 2'd0) ? %d'd0 : (owner == 2'd1) ? ep_rd_stride : fd_rd_stride;", a.aw);
    emit_line(&e, "assign st_rd_rows   = (owner == 2'd0) ? 16'd1 : (owner == 2'd1) ? ep_rd_rows : fd_rd_rows;");
    emit_line(&e, "assign st_rd_bytes  = (owner == 2'd0) ? q_rd_bytes : (owner == 2'd1) ? ep_rd_bytes : fd_rd_bytes;");
    emit_line(&e, "assign st_r_ready   = (owner == 2'd0) ? 1'b1 : (owner == 2'd1) ? ep_r_ready : fd_r_ready;");
    int offw = m->off_w;
    emit_open(&e, "tf_mem_stream #(");
    emit_line(&e, ".DW(%d), .AddrW(%d), .IdW(%d), .BurstLen(%d), .MaxRd(%d), .MaxWr(%d), .RowsW(16), .BytesW(16),",
              a.dw, a.aw, a.idw, m->burst, m->max_rd, m->max_wr);
    emit_line(&e, ".OffW(%d), .ReqW(%d)", offw, 16 - offw + 1);
    emit_close(&e, ") u_stream (");
    e.indent++;
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .rd_valid_i(st_rd_valid), .rd_ready_o(st_rd_ready),");
    emit_line(&e, ".rd_addr_i(st_rd_addr), .rd_stride_i(st_rd_stride), .rd_rows_i(st_rd_rows), .rd_bytes_i(st_rd_bytes),");
    emit_line(&e, ".r_valid_o(st_r_valid), .r_ready_i(st_r_ready), .r_data_o(st_r_data), .r_n_o(st_r_n), .r_eor_o(st_r_eor),");
    emit_line(&e, ".r_last_o(st_r_last), .rdone_valid_o(st_rdone), .rdone_code_o(st_rdone_code), .wr_valid_i(fd_wr_valid),");
    emit_line(&e, ".wr_ready_o(st_wr_ready), .wr_addr_i(fd_wr_addr), .wr_stride_i(fd_wr_stride), .wr_rows_i(fd_wr_rows),");
    emit_line(&e, ".wr_bytes_i(fd_wr_bytes), .w_valid_i(st_w_valid), .w_ready_o(st_w_ready), .w_data_i(st_w_data),");
    emit_line(&e, ".wdone_valid_o(st_wdone), .wdone_code_o(st_wdone_code), .busy_o(st_busy), .err_o(st_err),");
    emit_line(&e, ".err_addr_o(st_err_addr), .err_clr_i(start),");
    for (int i = 0; i < naxi; i++)
        emit_line(&e, ".m_axi_%s_%s(s1_axi_%s)%s", axi[i].n, axi[i].out ? "o" : "i", axi[i].n, i + 1 < naxi ? "," : "");
    e.indent--;
    emit_line(&e, ");");
    emit_open(&e, "tf_axi_mux #(");
    emit_line(&e, ".DW(%d), .AddrW(%d), .IdW(%d), .WDepth(4), .WPtrW(2)", a.dw, a.aw, a.idw);
    emit_close(&e, ") u_mux (");
    e.indent++;
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni),");
    for (int pidx = 0; pidx < 2; pidx++)
        for (int i = 0; i < naxi; i++)
            emit_line(&e, ".s%d_axi_%s_%s(s%d_axi_%s),", pidx, axi[i].n, axi[i].out ? "i" : "o", pidx, axi[i].n);
    for (int i = 0; i < naxi; i++)
        emit_line(&e, ".m_axi_%s_%s(m_axi_%s_%s)%s", axi[i].n, axi[i].out ? "o" : "i", axi[i].n, axi[i].out ? "o" : "i",
                  i + 1 < naxi ? "," : "");
    e.indent--;
    emit_line(&e, ");");
    emit_blank(&e);

    /* ---- the sequencer ---- */
    emit_line(&e, "// ---- the sequencer");
    unsigned char hdr[52];
    header_bytes(root, &a, hdr);
    char hexs[160];
    int hl = 0;
    for (int i = 51; i >= 0; i--)
        hl += snprintf(hexs + hl, sizeof hexs - (size_t)hl, "%02x", hdr[i]);
    emit_open(&e, "tf_seq #(");
    emit_line(&e, ".AddrW(%d), .DW(%d), .S(%d), .BMAX(%d), .LAYERS(%d), .D(%d), .DFF(%d), .MAXSEQ(%d), .HPC(%d),",
              a.aw, a.dw, S, p->bmax, p->layers, p->d, p->d_ff, p->max_seq, a.hpc);
    emit_line(&e, ".CAUSAL(%d), .PRE_LN(%d), .TokW(%d), .RgW(%d), .LNC(%d), .XRowW(%d), .XDW(%d), .CDimW(%d), .DimW(%d),",
              p->attention == TF_MASK_CAUSAL, p->norm == TF_NORM_PRE, a.tokw, at->rg_w, a.lnc, x->row_w, x->dw,
              TF_MEM_CDIM_W, g->dim_w);
    emit_line(&e, ".StrD(%d), .StrF(%d), .Align(%d), .RecStride(%lld),", a.strd, a.strf, a.align, a.rec_stride);
    emit_line(&e, ".OffX(%lld), .OffY(%lld), .OffXN(%lld), .OffQ(%lld), .OffK(%lld), .OffV(%lld), .OffAO(%lld),",
              0LL, a.bd, 2 * a.bd, 3 * a.bd, 4 * a.bd, 5 * a.bd, 6 * a.bd);
    emit_line(&e, ".OffX1(%lld), .OffH(%lld),", 7 * a.bd, 8 * a.bd);
    emit_line(&e, ".HdrExp(416'h%s),", hexs);
    emit_line(&e, ".OpBias(3'd%d), .OpRq(3'd%d), .OpGamma(3'd%d), .OpBeta(3'd%d), .OpShift(3'd%d),", TF_AUX_OP_LOAD_BIAS,
              TF_AUX_OP_LOAD_RQ, TF_AUX_OP_LOAD_GAMMA, TF_AUX_OP_LOAD_BETA, TF_EP_OP_LOAD_SHIFT);
    emit_line(&e, ".ChBias(5'd%u), .ChRq(5'd%u), .ChRes(5'd%u), .ChLn(5'd%u), .ChGelu(5'd%u)", TFX_OPBIT(TFX_OP_BIAS),
              TFX_OPBIT(TFX_OP_REQUANT), TFX_OPBIT(TFX_OP_RESIDUAL), TFX_OPBIT(TFX_OP_LAYERNORM), TFX_OPBIT(TFX_OP_GELU));
    emit_close(&e, ") u_seq (");
    e.indent++;
    emit_line(&e, ".clk_i(clk_i), .rst_ni(rst_ni), .start_i(start), .busy_o(busy), .done_o(done), .err_o(err),");
    emit_line(&e, ".err_code_o(err_code), .err_seq_o(err_seq), .wbase_i(wbase[%d:0]), .cap_i(bcap), .fit_i(bfit),", a.aw - 1);
    emit_line(&e, ".bt_valid_o(trace_batch_o), .bt_mask_o(trace_mask_o), .req_active_i(req_active),");
    emit_line(&e, ".req_decode_i(req_decode), .req_reset_i(req_reset), .req_len_i(req_len), .req_in_i(req_in_a),");
    emit_line(&e, ".req_out_i(req_out_a), .req_pos_o(req_pos), .owner_o(owner), .rd_valid_o(q_rd_valid),");
    emit_line(&e, ".rd_ready_i(q_rd_ready), .rd_addr_o(q_rd_addr), .rd_bytes_o(q_rd_bytes),");
    emit_line(&e, ".r_valid_i(st_r_valid && owner == 2'd0), .r_data_i(st_r_data), .r_last_i(st_r_last), .rdone_i(st_rdone),");
    emit_line(&e, ".rdone_code_i(st_rdone_code), .ctl_valid_o(ctl_valid), .ctl_ready_i(ctl_ready),");
    emit_line(&e, ".ctl_a_addr_o(ctl_a_addr), .ctl_a_stride_o(ctl_a_stride), .ctl_b_addr_o(ctl_b_addr),");
    emit_line(&e, ".ctl_b_stride_o(ctl_b_stride), .ctl_c_addr_o(ctl_c_addr), .ctl_c_stride_o(ctl_c_stride),");
    emit_line(&e, ".ctl_m_o(ctl_m), .ctl_k_o(ctl_k), .ctl_n_o(ctl_n), .ctl_hold_o(ctl_hold), .ctl_go_o(ctl_go),");
    emit_line(&e, ".ctl_drop_o(ctl_drop), .ctl_done_i(ctl_done), .ctl_done_code_i(ctl_done_code), .ctl_busy_i(eng_busy),");
    emit_line(&e, ".ep_valid_o(ep_valid), .ep_ready_i(ep_ready), .ep_kind_o(ep_kind), .ep_op_o(ep_op), .ep_n_o(ep_n),");
    emit_line(&e, ".ep_addr_o(ep_addr), .ep_stride_o(ep_stride), .ep_m_o(ep_m), .ep_d_o(ep_d), .ep_ops_o(ep_ops),");
    emit_line(&e, ".ep_zero_o(ep_zero), .ep_shl_o(ep_shl), .ep_shr_o(ep_shr),");
    emit_line(&e, ".ep_res_mult_o(ep_res_mult), .ep_res_lsh_o(ep_res_lsh), .ep_res_shift_o(ep_res_shift),");
    emit_line(&e, ".ep_ln_gf_o(ep_ln_gf), .ep_ln_bf_o(ep_ln_bf), .ep_ln_eps_o(ep_ln_eps), .ep_gelu_in_mant_o(ep_gim),");
    emit_line(&e, ".ep_gelu_in_exp_o(ep_gie), .ep_gelu_out_mant_o(ep_gom), .ep_gelu_out_exp_o(ep_goe),");
    emit_line(&e, ".ep_done_i(ep_done), .aux_err_i(x_err), .fd_valid_o(fd_valid), .fd_ready_i(fd_ready),");
    emit_line(&e, ".fd_bidir_o(fd_bidir), .fd_n_o(fd_n), .fd_pos_o(fd_pos), .fd_rbase_o(fd_rbase), .fd_q_o(fd_q),");
    emit_line(&e, ".fd_k_o(fd_k), .fd_v_o(fd_v), .fd_ao_o(fd_ao), .fd_stride_o(fd_stride), .fd_scale_o(fd_scale),");
    emit_line(&e, ".fd_ao_mult_o(fd_mult), .fd_ao_shift_o(fd_shift), .fd_done_i(fd_done), .fd_err_i(fd_err)");
    e.indent--;
    emit_line(&e, ");");
    emit_blank(&e);

    /* ---- counters ---- */
    emit_line(&e, "// ---- counters (cumulative): cycles busy, the engine busy, the attention unit busy, the");
    emit_line(&e, "// engine waiting for operands (the controller's), bytes read and written on the port,");
    emit_line(&e, "// batches run");
    emit_line(&e, "reg  [63:0] c_cyc_q, c_arr_q, c_att_q, c_rd_q, c_wr_q, c_bat_q;");
    emit_line(&e, "reg  [%d:0] strb_n;", tf_clog2(a.pb + 1) - 1);
    emit_line(&e, "integer bi;");
    emit_open(&e, "always @* begin");
    emit_line(&e, "strb_n = %d'd0;", tf_clog2(a.pb + 1));
    emit_line(&e, "for (bi = 0; bi < %d; bi = bi + 1) strb_n = strb_n + {{%d{1'b0}}, m_axi_wstrb_o[bi]};", a.pb,
              tf_clog2(a.pb + 1) - 1);
    emit_close(&e, "end");
    emit_open(&e, "always @(posedge clk_i or negedge rst_ni) begin");
    emit_open(&e, "if (!rst_ni) begin");
    emit_line(&e, "c_cyc_q <= 64'd0; c_arr_q <= 64'd0; c_att_q <= 64'd0; c_rd_q <= 64'd0; c_wr_q <= 64'd0;");
    emit_line(&e, "c_bat_q <= 64'd0;");
    emit_close(&e, "end else begin");
    e.indent++;
    emit_line(&e, "if (busy) c_cyc_q <= c_cyc_q + 64'd1;");
    emit_line(&e, "if (eng_busy) c_arr_q <= c_arr_q + 64'd1;");
    emit_line(&e, "if (a_busy) c_att_q <= c_att_q + 64'd1;");
    emit_line(&e, "if (trace_batch_o) c_bat_q <= c_bat_q + 64'd1;");
    emit_line(&e, "if (m_axi_rvalid_i && m_axi_rready_o) c_rd_q <= c_rd_q + 64'd%d;", a.pb);
    emit_line(&e, "if (m_axi_wvalid_o && m_axi_wready_i) c_wr_q <= c_wr_q + {{%d{1'b0}}, strb_n};", 64 - tf_clog2(a.pb + 1));
    emit_close(&e, "end");
    emit_close(&e, "end");
    emit_line(&e, "assign cnt = {c_bat_q, c_wr_q, c_rd_q, {%d'd0, cnt_wait}, c_att_q, c_arr_q, c_cyc_q};", 64 - TF_MEM_CNT_W);
    emit_blank(&e);
    emit_line(&e, "wire unused = ^{x_busy, x_err_code, x_cycles, x_stall, a_o_last, a_evict, a_evict_slot, a_slot,");
    emit_line(&e, "                a_cycles, a_wait, st_r_n, st_wdone_code, st_busy, st_err, st_err_addr, fd_busy, ep_busy,");
    emit_line(&e, "                wbase[63:%d], req_in[%d:0], req_out[%d:0]%s%s};", a.aw, S * 64 - 1, S * 64 - 1,
              ul ? ", " : "", unused);
    e.indent--;
    emit_vfooter(&e);
}
