/* gemm_rtl.c -- the GEMM engine's Verilog: the unrolled PE mesh, the engine
 * assembled from templates/engine/ fragments with the plan's localparams, and
 * <name>_top. Reads only the plan. */
#include "blocks/gemm.h"
#include "blocks/trf.h"

#include <string.h>

static const char *df_name(const struct gemm_plan *p) { return p->dataflow == TF_OS ? "os" : "ws"; }

/* ---- mesh ---------------------------------------------------------------- */

static void mesh_os(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    int R = p->rows, C = p->cols;
    emit_open(e, "module %s_mesh (", root->name);
    emit_line(e, "input  wire                  clk_i,");
    emit_line(e, "input  wire                  rst_ni,");
    emit_line(e, "input  wire                  en_i,");
    emit_line(e, "input  wire [%d:0] a_i,", R * p->op_bits - 1);
    emit_line(e, "input  wire [%d:0] vld_i,", R - 1);
    emit_line(e, "input  wire [%d:0] first_i,", R - 1);
    emit_line(e, "input  wire [%d:0] last_i,", R - 1);
    emit_line(e, "input  wire [%d:0] b_i,", C * p->op_bits - 1);
    emit_line(e, "input  wire [%d:0] rsel_i,", p->rowsel_w - 1);
    emit_line(e, "output wire [%d:0] res_row_o", C * p->acc_bits - 1);
    emit_close(e, ");");
    emit_blank(e);
    e->indent++;
    int W = p->op_bits;
    for (int i = 0; i < R; i++) {
        for (int j = 0; j < C; j++) {
            const char *u = j == C - 1 ? "unused_" : "";
            emit_line(e, "wire [%d:0] %sa_r%d_c%d;", W - 1, u, i, j);
            emit_line(e, "wire %svld_r%d_c%d, %sfirst_r%d_c%d, %slast_r%d_c%d;", u, i, j, u, i, j,
                      u, i, j);
            emit_line(e, "wire [%d:0] %sb_r%d_c%d;", W - 1, i == R - 1 ? "unused_" : "", i, j);
            emit_line(e, "wire [%d:0] res_r%d_c%d;", p->acc_bits - 1, i, j);
        }
    }
    emit_blank(e);
    for (int i = 0; i < R; i++) {
        for (int j = 0; j < C; j++) {
            char a_in[96], v_in[96], f_in[96], l_in[96], b_in[96];
            if (j == 0) {
                snprintf(a_in, sizeof a_in, "a_i[%d +: %d]", i * W, W);
                snprintf(v_in, sizeof v_in, "vld_i[%d]", i);
                snprintf(f_in, sizeof f_in, "first_i[%d]", i);
                snprintf(l_in, sizeof l_in, "last_i[%d]", i);
            } else {
                snprintf(a_in, sizeof a_in, "a_r%d_c%d", i, j - 1);
                snprintf(v_in, sizeof v_in, "vld_r%d_c%d", i, j - 1);
                snprintf(f_in, sizeof f_in, "first_r%d_c%d", i, j - 1);
                snprintf(l_in, sizeof l_in, "last_r%d_c%d", i, j - 1);
            }
            if (i == 0)
                snprintf(b_in, sizeof b_in, "b_i[%d +: %d]", j * W, W);
            else
                snprintf(b_in, sizeof b_in, "b_r%d_c%d", i - 1, j);
            const char *u = j == C - 1 ? "unused_" : "";
            emit_open(e, "tf_pe_os #(");
            emit_line(e, ".OpW  (%d),", W);
            emit_line(e, ".AccW (%d)", p->acc_bits);
            emit_close(e, ") u_pe_r%d_c%d (", i, j);
            e->indent++;
            emit_line(e, ".clk_i   (clk_i),");
            emit_line(e, ".rst_ni  (rst_ni),");
            emit_line(e, ".en_i    (en_i),");
            emit_line(e, ".a_i     (%s),", a_in);
            emit_line(e, ".vld_i   (%s),", v_in);
            emit_line(e, ".first_i (%s),", f_in);
            emit_line(e, ".last_i  (%s),", l_in);
            emit_line(e, ".b_i     (%s),", b_in);
            emit_line(e, ".a_o     (%sa_r%d_c%d),", u, i, j);
            emit_line(e, ".vld_o   (%svld_r%d_c%d),", u, i, j);
            emit_line(e, ".first_o (%sfirst_r%d_c%d),", u, i, j);
            emit_line(e, ".last_o  (%slast_r%d_c%d),", u, i, j);
            emit_line(e, ".b_o     (%sb_r%d_c%d),", i == R - 1 ? "unused_" : "", i, j);
            emit_line(e, ".res_o   (res_r%d_c%d)", i, j);
            emit_close(e, ");");
        }
    }
    /* Row readout: one R:1 multiplexer per column, selected by rsel_i. */
    emit_blank(e);
    for (int j = 0; j < C; j++) {
        emit_line(e, "reg [%d:0] row_c%d;", p->acc_bits - 1, j);
        emit_open(e, "always @* begin");
        emit_line(e, "row_c%d = {%d{1'b0}};", j, p->acc_bits);
        emit_open(e, "case (rsel_i)");
        for (int i = 0; i < R; i++)
            emit_line(e, "%d'd%d: row_c%d = res_r%d_c%d;", p->rowsel_w, i, j, i, j);
        emit_line(e, "default: row_c%d = {%d{1'b0}};", j, p->acc_bits);
        emit_close(e, "endcase");
        emit_close(e, "end");
        emit_line(e, "assign res_row_o[%d +: %d] = row_c%d;", j * p->acc_bits, p->acc_bits, j);
    }
    e->indent--;
    emit_blank(e);
    emit_line(e, "endmodule");
}

static void mesh_ws(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    int R = p->rows, C = p->cols, W = p->op_bits, A = p->acc_bits, RW = p->rowsel_w;
    emit_open(e, "module %s_mesh (", root->name);
    emit_line(e, "input  wire                  clk_i,");
    emit_line(e, "input  wire                  rst_ni,");
    emit_line(e, "input  wire                  en_i,");
    emit_line(e, "input  wire [%d:0] a_i,", R * W - 1);
    emit_line(e, "input  wire [%d:0] bank_i,", R - 1);
    emit_line(e, "input  wire [%d:0] wv_i,", C - 1);
    emit_line(e, "input  wire [%d:0] wrow_i,", C * RW - 1);
    emit_line(e, "input  wire [%d:0] wbank_i,", C - 1);
    emit_line(e, "input  wire [%d:0] w_i,", C * W - 1);
    emit_line(e, "output wire [%d:0] psum_o", C * A - 1);
    emit_close(e, ");");
    emit_blank(e);
    e->indent++;
    for (int i = 0; i < R; i++) {
        for (int j = 0; j < C; j++) {
            const char *u = j == C - 1 ? "unused_" : "";
            emit_line(e, "wire [%d:0] %sa_r%d_c%d;", W - 1, u, i, j);
            emit_line(e, "wire %sbank_r%d_c%d;", u, i, j);
            if (i < R - 1)
                emit_line(e, "wire [%d:0] psum_r%d_c%d;", A - 1, i, j);
        }
    }
    emit_blank(e);
    for (int i = 0; i < R; i++) {
        for (int j = 0; j < C; j++) {
            char a_in[96], k_in[96], p_in[96], p_out[96];
            if (j == 0) {
                snprintf(a_in, sizeof a_in, "a_i[%d +: %d]", i * W, W);
                snprintf(k_in, sizeof k_in, "bank_i[%d]", i);
            } else {
                snprintf(a_in, sizeof a_in, "a_r%d_c%d", i, j - 1);
                snprintf(k_in, sizeof k_in, "bank_r%d_c%d", i, j - 1);
            }
            if (i == 0)
                snprintf(p_in, sizeof p_in, "{%d{1'b0}}", A);
            else
                snprintf(p_in, sizeof p_in, "psum_r%d_c%d", i - 1, j);
            if (i == R - 1)
                snprintf(p_out, sizeof p_out, "psum_o[%d +: %d]", j * A, A);
            else
                snprintf(p_out, sizeof p_out, "psum_r%d_c%d", i, j);
            const char *u = j == C - 1 ? "unused_" : "";
            emit_open(e, "tf_pe_ws #(");
            emit_line(e, ".OpW    (%d),", W);
            emit_line(e, ".AccW   (%d),", A);
            emit_line(e, ".RowW   (%d),", RW);
            emit_line(e, ".RowIdx (%d'd%d)", RW, i);
            emit_close(e, ") u_pe_r%d_c%d (", i, j);
            e->indent++;
            emit_line(e, ".clk_i   (clk_i),");
            emit_line(e, ".rst_ni  (rst_ni),");
            emit_line(e, ".en_i    (en_i),");
            emit_line(e, ".a_i     (%s),", a_in);
            emit_line(e, ".bank_i  (%s),", k_in);
            emit_line(e, ".psum_i  (%s),", p_in);
            emit_line(e, ".wv_i    (wv_i[%d]),", j);
            emit_line(e, ".wrow_i  (wrow_i[%d +: %d]),", j * RW, RW);
            emit_line(e, ".wbank_i (wbank_i[%d]),", j);
            emit_line(e, ".w_i     (w_i[%d +: %d]),", j * W, W);
            emit_line(e, ".a_o     (%sa_r%d_c%d),", u, i, j);
            emit_line(e, ".bank_o  (%sbank_r%d_c%d),", u, i, j);
            emit_line(e, ".psum_o  (%s)", p_out);
            emit_close(e, ");");
        }
    }
    e->indent--;
    emit_blank(e);
    emit_line(e, "endmodule");
}

static void emit_mesh(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct gemm_plan *p = plan_gemm(root);
    struct emitter e;
    char file[128];
    snprintf(file, sizeof file, "%s_mesh.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_mesh -- %d x %d %s systolic array of tf_pe_%s, unrolled.", root->name,
              p->rows, p->cols, p->dataflow == TF_OS ? "output-stationary" : "weight-stationary",
              df_name(p));
    if (p->dataflow == TF_OS) {
        emit_line(&e, "// Row i takes its A operand and flags at a_i/vld_i/first_i/last_i[i]; they move");
        emit_line(&e, "// right one PE per cycle. Column j takes B at b_i[j]; it moves down one PE per");
        emit_line(&e, "// cycle. res_row_o is row rsel_i of the PEs' last finished dot products.");
    } else {
        emit_line(&e, "// Row i takes A and its weight-bank tag at a_i/bank_i[i]; they move right one PE");
        emit_line(&e, "// per cycle. Partial sums move down; psum_o[j] leaves the bottom of column j.");
        emit_line(&e, "// Column j's weight bus (wv/wrow/wbank/w) is broadcast to its rows; PE(i,j)");
        emit_line(&e, "// takes the weight whose wrow equals i into bank wbank.");
    }
    emit_line(&e, "// Handshake: none; advances when en_i is high. Latency: one cycle per PE hop.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    if (p->dataflow == TF_OS)
        mesh_os(&e, root);
    else
        mesh_ws(&e, root);
    emit_blank(&e);
    emit_line(&e, "`default_nettype wire");
    emit_end(&e);
}

/* ---- engine -------------------------------------------------------------- */

static void lp_int(struct emitter *e, const char *name, long long v)
{
    emit_line(e, "localparam integer %s = %lld;", name, v);
}

static void lp_sized(struct emitter *e, const char *name, int w, long long v)
{
    emit_line(e, "localparam [%d:0] %s = %d'd%lld;", w - 1, name, w, v & ((1LL << w) - 1));
}

static void hook_mesh(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    e->indent = 1;
    emit_open(e, "%s_mesh u_mesh (", root->name);
    emit_line(e, ".clk_i   (clk_i),");
    emit_line(e, ".rst_ni  (rst_ni),");
    emit_line(e, ".en_i    (en),");
    if (p->dataflow == TF_OS) {
        emit_line(e, ".a_i     (mesh_a),");
        emit_line(e, ".vld_i   (mesh_vld),");
        emit_line(e, ".first_i (mesh_first),");
        emit_line(e, ".last_i  (mesh_last),");
        emit_line(e, ".b_i     (mesh_b),");
        emit_line(e, ".rsel_i  (rd_row_q),");
        emit_line(e, ".res_row_o (row_sel)");
    } else {
        emit_line(e, ".a_i     (mesh_a),");
        emit_line(e, ".bank_i  (mesh_bank),");
        emit_line(e, ".wv_i    (mesh_wv),");
        emit_line(e, ".wrow_i  (mesh_wrow),");
        emit_line(e, ".wbank_i (mesh_wbank),");
        emit_line(e, ".w_i     (mesh_w),");
        emit_line(e, ".psum_o  (mesh_psum)");
    }
    emit_close(e, ");");
    e->indent = 0;
}

static void hook_output_stage(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    emit_template(e, root, p->requant ? "engine/out_rq.vt" : "engine/out_norq.vt", NULL, 0);
}

/* The result store (gemm.store): without it, the schedule reads the lane memories. */
static void store_none(struct emitter *e)
{
    e->indent = 1;
    emit_line(e, "// No result store (gemm.store = none): the schedule reads the lane memories,");
    emit_line(e, "// and a GEMM that names a store source or cmd_store_i is refused (err_o).");
    emit_line(e, "assign a_rdata = a_lane_rdata;");
    emit_line(e, "assign b_rdata = b_lane_rdata;");
    emit_line(e, "wire unused_src = ^{asrc_q, bsrc_q};");
    e->indent = 0;
}

/* reg [lanes*OpW-1:0] out = words grp*lanes .. grp*lanes+lanes-1 of a store read
 * (zero beyond its nb words), for each of ngrp values of the registered group. */
static void store_select(struct emitter *e, const struct tf_plan *root, const char *out, int lanes,
                         const char *grp, int grp_w, int ngrp, const char *rdata, int port)
{
    const struct gemm_plan *p = plan_gemm(root);
    int ow = p->op_bits, nb = p->st_nb;
    emit_line(e, "reg  [%d:0] %s;", lanes * ow - 1, out);
    emit_open(e, "always @* begin");
    emit_open(e, "case (%s)", grp);
    for (int g = 0; g < ngrp; g++) {
        emit_open(e, "%d'd%d: begin", grp_w, g);
        for (int i = 0; i < lanes; i++) {
            int w = g * lanes + i;
            if (w < nb)
                emit_line(e, "%s[%d +: %d] = %s[%d +: %d];", out, i * ow, ow, rdata,
                          (port * nb + w) * ow, ow);
            else
                emit_line(e, "%s[%d +: %d] = %d'd0;", out, i * ow, ow, ow);
        }
        emit_close(e, "end");
    }
    if (ngrp < (1 << grp_w))
        emit_line(e, "default: %s = %d'd0;", out, lanes * ow);
    emit_close(e, "endcase");
    emit_close(e, "end");
}

static void hook_store(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    if (p->store == TF_STORE_NONE) {
        store_none(e);
        return;
    }
    int os = p->dataflow == TF_OS, nb = p->st_nb, ow = p->op_bits, iw = p->st_idx_w;
    int C = p->cols;
    e->indent = 1;
    emit_line(e, "// ---------------------------------------------------------------------------");
    emit_line(e, "// Result store (gemm.store = %s, emitted by gen/emit_rtl.c): S is a %d x %d",
              p->store == TF_STORE_BANKED ? "banked" : "flops", p->max_m, p->max_n);
    emit_line(e, "// two-direction register file of %d-bit operand words (%s). A GEMM issued with",
              ow, p->store == TF_STORE_BANKED ? "tf_trf_banked" : "tf_trf_flops");
    emit_line(e, "// cmd_store_i writes each output beat (row m, columns col .. col+%d, requantized)", C - 1);
    emit_line(e, "// as one masked row write; lanes at or beyond N write 0. Read port 0 feeds A,");
    emit_line(e, "// port 1 feeds B, one row or column per cycle at the index the schedule reads");
    emit_line(e, "// its lane memories, read latency 1 like them, so the schedule is unchanged:");
    if (os) {
        emit_line(e, "//   A = S: column k, words mt*R..   A = S^T: row k, words mt*R..");
        emit_line(e, "//   B = S: row k, words nt*C..      B = S^T: column k, words nt*C..");
    } else {
        emit_line(e, "//   A = S: row m, words kt*R..      A = S^T: column m, words kt*R..");
        emit_line(e, "//   B = S: row kt*R+ph, words nt*C..  B = S^T: column kt*R+ph, words nt*C..");
    }
    emit_line(e, "// ---------------------------------------------------------------------------");
    /* write side */
    emit_line(e, "wire             st_we    = en && o_vld && store_q;");
    emit_line(e, "wire [RowIdxW-1:0] st_wrow = o_meta[ColIdxW +: RowIdxW];");
    emit_line(e, "wire [ColIdxW-1:0] st_wcol = o_meta[0 +: ColIdxW];");
    emit_line(e, "wire [%d:0] st_widx;", iw - 1);
    if (p->row_idx_w >= iw) {
        emit_line(e, "assign st_widx = st_wrow[%d:0];", iw - 1);
        if (p->row_idx_w > iw)
            emit_line(e, "wire unused_st_wrow = ^st_wrow;");
    } else {
        emit_line(e, "assign st_widx = {%d'd0, st_wrow};", iw - p->row_idx_w);
    }
    emit_line(e, "wire [%d:0] st_wdata;", nb * ow - 1);
    emit_line(e, "wire [%d:0] st_wmask;", nb - 1);
    emit_line(e, "// word n of the row takes lane n mod %d when the beat's first column is its tile's", C);
    for (int w = 0; w < nb; w++) {
        if (w < p->max_n) {
            emit_line(e, "assign st_wdata[%d +: %d] = o_data[%d +: %d];", w * ow, ow,
                      (w % C) * p->acc_bits, ow);
            emit_line(e, "assign st_wmask[%d] = (st_wcol == %d'd%d);", w, p->col_idx_w, (w / C) * C);
        } else {
            emit_line(e, "assign st_wdata[%d +: %d] = %d'd0;", w * ow, ow, ow);
            emit_line(e, "assign st_wmask[%d] = 1'b0;", w);
        }
    }
    emit_line(e, "// low %d bits of each lane: requantized results fit (requant_bits <= operand_bits)", ow);
    emit_line(e, "wire unused_st_odata = ^o_data;");
    emit_blank(e);
    /* read side: indices and groups of the schedule */
    emit_line(e, "wire [PhW-1:0] st_aidx_f;");
    emit_line(e, "wire [PhW-1:0] st_bidx_f;");
    if (os) {
        emit_line(e, "assign st_aidx_f = ph_q;");
        emit_line(e, "assign st_bidx_f = ph_q;");
    } else {
        emit_line(e, "// WS: the k-tile and its first k, tracked beside the schedule's counters");
        emit_line(e, "reg  [KtW-1:0]  st_kt_q;");
        emit_line(e, "reg  [DimW-1:0] st_k0_q;");
        emit_open(e, "always @(posedge clk_i or negedge rst_ni) begin");
        emit_open(e, "if (!rst_ni) begin");
        emit_line(e, "st_kt_q <= {KtW{1'b0}};");
        emit_line(e, "st_k0_q <= {DimW{1'b0}};");
        emit_close(e, "end else if (run_go) begin");
        e->indent++;
        emit_line(e, "st_kt_q <= {KtW{1'b0}};");
        emit_line(e, "st_k0_q <= {DimW{1'b0}};");
        emit_close(e, "end else if (en && feeding_q && tile_end) begin");
        e->indent++;
        emit_open(e, "if (last_kt) begin");
        emit_line(e, "st_kt_q <= {KtW{1'b0}};");
        emit_line(e, "st_k0_q <= {DimW{1'b0}};");
        emit_close(e, "end else begin");
        e->indent++;
        emit_line(e, "st_kt_q <= st_kt_q + 1'b1;");
        emit_line(e, "st_k0_q <= st_k0_q + RV_M;");
        emit_close(e, "end");
        emit_close(e, "end");
        emit_close(e, "end");
        emit_line(e, "assign st_aidx_f = ph_q;");
        emit_line(e, "assign st_bidx_f = st_k0_q + ph_q;");
    }
    emit_line(e, "// reads beyond the store (not issued: ph >= K or M) may alias; their words are unused");
    emit_line(e, "wire [%d:0] st_aidx = st_aidx_f[%d:0];", iw - 1, iw - 1);
    emit_line(e, "wire [%d:0] st_bidx = st_bidx_f[%d:0];", iw - 1, iw - 1);
    if (p->dim_w > iw)
        emit_line(e, "wire unused_st_idx = ^{st_aidx_f, st_bidx_f};");
    emit_line(e, "wire st_adir = (asrc_q == %s);", os ? "SrcSt" : "SrcStT");
    emit_line(e, "wire st_bdir = (bsrc_q == SrcStT);");
    const char *agrp = os ? "mt_q" : "st_kt_q";
    int agw = os ? p->mt_w : p->kt_w, angrp = os ? p->mt_max : p->kt_max;
    emit_line(e, "reg  [%d:0] st_agrp_q;", agw - 1);
    emit_line(e, "reg  [%d:0] st_bgrp_q;", p->nt_w - 1);
    emit_open(e, "always @(posedge clk_i or negedge rst_ni) begin");
    emit_open(e, "if (!rst_ni) begin");
    emit_line(e, "st_agrp_q <= %d'd0;", agw);
    emit_line(e, "st_bgrp_q <= %d'd0;", p->nt_w);
    emit_close(e, "end else if (en) begin");
    e->indent++;
    emit_line(e, "st_agrp_q <= %s;", agrp);
    emit_line(e, "st_bgrp_q <= nt_q;");
    emit_close(e, "end");
    emit_close(e, "end");
    emit_blank(e);
    emit_line(e, "wire [1:0]   st_rvalid;");
    emit_line(e, "wire [%d:0] st_rdata;", 2 * nb * ow - 1);
    trf_emit_instance_params(e, p->store == TF_STORE_BANKED ? TF_TRF_BANKED : TF_TRF_FLOPS, "MMax",
                             "NMax", "OpW", 2, nb, iw, p->st_row_w, p->st_col_w);
    emit_close(e, ") u_store (");
    e->indent++;
    emit_line(e, ".clk_i     (clk_i),");
    emit_line(e, ".rst_ni    (rst_ni),");
    emit_line(e, ".w_valid_i (st_we),");
    emit_line(e, ".w_dir_i   (1'b0),");
    emit_line(e, ".w_idx_i   (st_widx),");
    emit_line(e, ".w_data_i  (st_wdata),");
    emit_line(e, ".w_mask_i  (st_wmask),");
    emit_line(e, ".r_valid_i ({en, en}),");
    emit_line(e, ".r_dir_i   ({st_bdir, st_adir}),");
    emit_line(e, ".r_idx_i   ({st_bidx, st_aidx}),");
    emit_line(e, ".r_valid_o (st_rvalid),");
    emit_line(e, ".r_data_o  (st_rdata)");
    emit_close(e, ");");
    e->indent--;
    emit_line(e, "wire unused_st_r = ^{st_rvalid, st_rdata};");
    emit_blank(e);
    store_select(e, root, "st_a", p->rows, "st_agrp_q", agw, angrp, "st_rdata", 0);
    store_select(e, root, "st_b", C, "st_bgrp_q", p->nt_w, p->nt_max, "st_rdata", 1);
    emit_line(e, "assign a_rdata = (asrc_q != SrcBuf) ? st_a : a_lane_rdata;");
    emit_line(e, "assign b_rdata = (bsrc_q != SrcBuf) ? st_b : b_lane_rdata;");
    e->indent = 0;
}

static void engine_ports(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    int dw = p->dim_w;
    emit_open(e, "module %s_gemm (", root->name);
    emit_line(e, "input  wire        clk_i,");
    emit_line(e, "input  wire        rst_ni,");
    emit_line(e, "// command: 0 LOAD_A, 1 LOAD_B, 2 LOAD_RQ, 3 GEMM, 4 LOAD_AT, 5 LOAD_BT");
    emit_line(e, "input  wire        cmd_valid_i,");
    emit_line(e, "output wire        cmd_ready_o,");
    emit_line(e, "input  wire [2:0]  cmd_op_i,");
    emit_line(e, "input  wire [%d:0] cmd_m_i,", dw - 1);
    emit_line(e, "input  wire [%d:0] cmd_k_i,", dw - 1);
    emit_line(e, "input  wire [%d:0] cmd_n_i,", dw - 1);
    emit_line(e, "input  wire        cmd_requant_i,");
    emit_line(e, "// GEMM only: A and B source (0 buffer, 1 result store S, 2 S^T), store the result");
    emit_line(e, "input  wire [1:0]  cmd_asrc_i,");
    emit_line(e, "input  wire [1:0]  cmd_bsrc_i,");
    emit_line(e, "input  wire        cmd_store_i,");
    emit_line(e, "// operand elements for LOAD_A / LOAD_B (row-major) and LOAD_AT / LOAD_BT (transposed)");
    emit_line(e, "input  wire        in_valid_i,");
    emit_line(e, "output wire        in_ready_o,");
    emit_line(e, "input  wire [%d:0] in_data_i,", p->op_bits - 1);
    emit_line(e, "// requantization entries for LOAD_RQ, column 0 first");
    emit_line(e, "input  wire        rq_valid_i,");
    emit_line(e, "output wire        rq_ready_o,");
    emit_line(e, "input  wire [30:0] rq_mult_i,");
    emit_line(e, "input  wire [4:0]  rq_shift_i,");
    emit_line(e, "// results: one row of %d lanes per beat", p->cols);
    emit_line(e, "output wire        c_valid_o,");
    emit_line(e, "input  wire        c_ready_i,");
    emit_line(e, "output wire [%d:0] c_data_o,", p->out_data_bits - 1);
    emit_line(e, "output wire [%d:0] c_row_o,", p->row_idx_w - 1);
    emit_line(e, "output wire [%d:0] c_col_o,", p->col_idx_w - 1);
    emit_line(e, "output wire        c_last_o,");
    emit_line(e, "output wire        busy_o,");
    emit_line(e, "output wire        err_o,");
    emit_line(e, "output wire [%d:0] stat_cycles_o,", p->cnt_w - 1);
    emit_line(e, "output wire [%d:0] stat_stall_o", p->cnt_w - 1);
    emit_close(e, ");");
}

static void engine_localparams(struct emitter *e, const struct tf_plan *root)
{
    const struct gemm_plan *p = plan_gemm(root);
    e->indent = 1;
    emit_line(e, "// Derived by the plan (tforge check %s prints them all).", root->config_path);
    lp_int(e, "R", p->rows);
    lp_int(e, "C", p->cols);
    lp_int(e, "OpW", p->op_bits);
    lp_int(e, "AccW", p->acc_bits);
    lp_int(e, "MMax", p->max_m);
    lp_int(e, "KMax", p->max_k);
    lp_int(e, "NMax", p->max_n);
    lp_int(e, "DimW", p->dim_w);
    lp_int(e, "MW", p->dim_w);
    lp_int(e, "KW", p->dim_w);
    lp_int(e, "NW", p->dim_w);
    lp_int(e, "PhW", p->dim_w);
    lp_int(e, "AW", p->addr_w);
    int os = p->dataflow == TF_OS, ws = !os, rq = p->requant;
    if (os)
        lp_int(e, "MtW", p->mt_w);
    lp_int(e, "NtW", p->nt_w);
    lp_int(e, "LaneW", p->lane_w);
    lp_int(e, "RowSelW", p->rowsel_w);
    lp_int(e, "RowIdxW", p->row_idx_w);
    lp_int(e, "ColIdxW", p->col_idx_w);
    lp_int(e, "CntW", p->cnt_w);
    if (os)
        lp_int(e, "MaxRC", p->max_rc);
    if (rq)
        lp_int(e, "NTMax", p->nt_max);
    lp_int(e, "ADepth", p->a_depth);
    lp_int(e, "AAW", p->a_addr_w);
    lp_int(e, "BDepth", p->b_depth);
    lp_int(e, "BAW", p->b_addr_w);
    if (ws) {
        lp_int(e, "AccDepth", p->acc_depth);
        lp_int(e, "CAW", p->acc_addr_w);
        lp_int(e, "MinPeriod", p->min_period);
    }
    lp_int(e, "ALaneOnCol", p->a_lane_on_col);
    lp_int(e, "HasRq", p->requant);
    lp_int(e, "HasStore", p->store != TF_STORE_NONE);
    if (ws && p->store != TF_STORE_NONE)
        lp_int(e, "KtW", p->kt_w);
    if (rq) {
        lp_int(e, "RqOutW", p->rq_bits);
        lp_int(e, "RqLat", p->lat_rq);
    }
    lp_sized(e, "AStride", p->addr_w, p->a_stride);
    lp_sized(e, "BStride", p->addr_w, p->b_stride);
    lp_sized(e, "ALanesM1", p->lane_w, p->rows - 1);
    lp_sized(e, "BLanesM1", p->lane_w, p->cols - 1);
    lp_sized(e, "CLanesM1", p->lane_w, p->cols - 1);
    lp_sized(e, "RV_M", p->dim_w, p->rows);
    lp_sized(e, "CV_N", p->dim_w, p->cols);
    if (os)
        lp_sized(e, "RV_Row", p->row_idx_w, p->rows);
    lp_sized(e, "CV_Col", p->col_idx_w, p->cols);
    emit_blank(e);
    e->indent = 0;
}

static void emit_engine(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct gemm_plan *p = plan_gemm(root);
    struct emitter e;
    char file[128];
    snprintf(file, sizeof file, "%s_gemm.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_gemm -- tiled GEMM engine C[MxN] = A[MxK] * B[KxN] on a %d x %d %s array.",
              root->name, p->rows, p->cols, p->dataflow == TF_OS ? "output-stationary" : "weight-stationary");
    emit_line(&e, "// Load A and B into the on-chip buffers (LOAD_A, LOAD_B, row-major on in_*),");
    emit_line(&e, "// optionally the per-column requantization entries (LOAD_RQ on rq_*), then issue");
    emit_line(&e, "// GEMM. Results leave on c_* one row of C lanes per beat (lanes at or beyond N");
    emit_line(&e, "// are zero), tile by tile; c_row_o is the row m, c_col_o the first column n.");
    emit_line(&e, "// Every stream is valid/ready. stat_cycles_o counts the cycles of the last GEMM,");
    emit_line(&e, "// stat_stall_o those of them lost to c_ready_i back-pressure.");
    emit_line(&e, "// Assembled from templates/engine/head.vt, sched_%s.vt, tail.vt and %s.", df_name(p),
              p->requant ? "out_rq.vt" : "out_norq.vt");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    engine_ports(&e, root);
    emit_blank(&e);
    engine_localparams(&e, root);
    static const struct emit_hook hooks[] = {{"MESH_INSTANCE", hook_mesh},
                                             {"OUTPUT_STAGE", hook_output_stage},
                                             {"STORE", hook_store}};
    emit_template(&e, root, "engine/head.vt", hooks, 3);
    emit_template(&e, root, p->dataflow == TF_OS ? "engine/sched_os.vt" : "engine/sched_ws.vt",
                  hooks, 3);
    emit_template(&e, root, "engine/tail.vt", hooks, 3);
    emit_vfooter(&e);
}

/* ---- top ----------------------------------------------------------------- */

static void emit_top(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct gemm_plan *p = plan_gemm(root);
    static const char *const ports[][2] = {
        {"clk_i", "in"}, {"rst_ni", "in"}, {"cmd_valid_i", "in"}, {"cmd_ready_o", "out"},
        {"cmd_op_i", "in"}, {"cmd_m_i", "in"}, {"cmd_k_i", "in"}, {"cmd_n_i", "in"},
        {"cmd_requant_i", "in"}, {"cmd_asrc_i", "in"}, {"cmd_bsrc_i", "in"},
        {"cmd_store_i", "in"}, {"in_valid_i", "in"}, {"in_ready_o", "out"},
        {"in_data_i", "in"}, {"rq_valid_i", "in"}, {"rq_ready_o", "out"}, {"rq_mult_i", "in"},
        {"rq_shift_i", "in"}, {"c_valid_o", "out"}, {"c_ready_i", "in"}, {"c_data_o", "out"},
        {"c_row_o", "out"}, {"c_col_o", "out"}, {"c_last_o", "out"}, {"busy_o", "out"},
        {"err_o", "out"}, {"stat_cycles_o", "out"}, {"stat_stall_o", "out"},
    };
    int widths[] = {1, 1, 1, 1, 3, p->dim_w, p->dim_w, p->dim_w, 1, 2, 2, 1, 1, 1, p->op_bits, 1, 1, 31, 5,
                    1, 1, p->out_data_bits, p->row_idx_w, p->col_idx_w, 1, 1, 1, p->cnt_w, p->cnt_w};
    int n = (int)(sizeof ports / sizeof ports[0]);
    struct emitter e;
    char file[128];
    snprintf(file, sizeof file, "%s_top.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_top -- the accelerator top. Today it holds the GEMM engine (%s_gemm);", root->name,
              root->name);
    emit_line(&e, "// its ports are the engine's, documented there and in docs/architecture.md.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    emit_open(&e, "module %s_top (", root->name);
    for (int i = 0; i < n; i++) {
        const char *dir_kw = !strcmp(ports[i][1], "in") ? "input " : "output";
        char range[32] = "";
        if (widths[i] > 1)
            snprintf(range, sizeof range, "[%d:0] ", widths[i] - 1);
        emit_line(&e, "%s wire %s%s%s", dir_kw, range, ports[i][0], i + 1 < n ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    emit_open(&e, "%s_gemm u_gemm (", root->name);
    for (int i = 0; i < n; i++)
        emit_line(&e, ".%s (%s)%s", ports[i][0], ports[i][0], i + 1 < n ? "," : "");
    emit_close(&e, ");");
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
}


void gemm_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                   struct diag *d)
{
    (void)bp;
    emit_mesh(root, dir, d);
    emit_engine(root, dir, d);
    emit_top(root, dir, d);
}
