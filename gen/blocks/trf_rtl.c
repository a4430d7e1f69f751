/* trf_rtl.c -- <name>_trf: the register file's wrapper around tf_trf_flops or
 * tf_trf_banked, with its ports sized by the plan. */
#include "blocks/trf.h"

/* ---- register file wrapper ---------------------------------------------- */

static void emit_trf(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct trf_plan *p = plan_trf(root);
    struct emitter e;
    char file[128];
    int nb = p->nb, w = p->w, iw = p->idx_w, np = p->ports;
    snprintf(file, sizeof file, "%s_trf.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_trf -- two-direction accessible register file: %d rows x %d columns of %d-bit",
              root->name, p->nr, p->nc, w);
    emit_line(&e, "// words, %s. Every access moves a whole row (dir 0, idx = row) or a whole",
              p->impl == TF_TRF_BANKED ? "on max(NR, NC) skewed memory banks (tf_trf_banked)"
                                           : "in flip-flops (tf_trf_flops)");
    emit_line(&e, "// column (dir 1, idx = column); data ports carry %d words, word i in [i*%d +: %d].", nb, w,
              w);
    emit_line(&e, "// One write port%s, %d read port%s; reads return the contents before a",
              p->mask ? " with a per-word mask" : "", np, np > 1 ? "s" : "");
    emit_line(&e, "// same-cycle write (read-first); read latency 1; an out-of-range idx writes nothing");
    emit_line(&e, "// and reads zeros. Handshake: none, every port accepts an access each cycle.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    emit_open(&e, "module %s_trf (", root->name);
    emit_line(&e, "input  wire        clk_i,");
    emit_line(&e, "input  wire        rst_ni,");
    emit_line(&e, "input  wire        w_valid_i,");
    emit_line(&e, "input  wire        w_dir_i,");
    emit_line(&e, "input  wire [%d:0] w_idx_i,", iw - 1);
    if (p->mask)
        emit_line(&e, "input  wire [%d:0] w_mask_i,", nb - 1);
    emit_line(&e, "input  wire [%d:0] w_data_i,", nb * w - 1);
    for (int k = 0; k < np; k++) {
        emit_line(&e, "input  wire        r%d_valid_i,", k);
        emit_line(&e, "input  wire        r%d_dir_i,", k);
        emit_line(&e, "input  wire [%d:0] r%d_idx_i,", iw - 1, k);
        emit_line(&e, "output wire        r%d_valid_o,", k);
        emit_line(&e, "output wire [%d:0] r%d_data_o%s", nb * w - 1, k, k + 1 < np ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    const char *cat_v = np == 2 ? "{r1_valid_i, r0_valid_i}" : "r0_valid_i";
    const char *cat_d = np == 2 ? "{r1_dir_i, r0_dir_i}" : "r0_dir_i";
    const char *cat_i = np == 2 ? "{r1_idx_i, r0_idx_i}" : "r0_idx_i";
    const char *cat_vo = np == 2 ? "{r1_valid_o, r0_valid_o}" : "r0_valid_o";
    const char *cat_do = np == 2 ? "{r1_data_o, r0_data_o}" : "r0_data_o";
    char nr[16], nc[16], ws[16]; /* numbers: 3 digits at most */
    snprintf(nr, sizeof nr, "%d", p->nr);
    snprintf(nc, sizeof nc, "%d", p->nc);
    snprintf(ws, sizeof ws, "%d", w);
    trf_emit_instance_params(&e, p->impl, nr, nc, ws, np, nb, iw, p->row_w, p->col_w);
    emit_close(&e, ") u_trf (");
    e.indent++;
    emit_line(&e, ".clk_i     (clk_i),");
    emit_line(&e, ".rst_ni    (rst_ni),");
    emit_line(&e, ".w_valid_i (w_valid_i),");
    emit_line(&e, ".w_dir_i   (w_dir_i),");
    emit_line(&e, ".w_idx_i   (w_idx_i),");
    emit_line(&e, ".w_data_i  (w_data_i),");
    if (p->mask)
        emit_line(&e, ".w_mask_i  (w_mask_i),");
    else
        emit_line(&e, ".w_mask_i  ({%d{1'b1}}),", nb);
    emit_line(&e, ".r_valid_i (%s),", cat_v);
    emit_line(&e, ".r_dir_i   (%s),", cat_d);
    emit_line(&e, ".r_idx_i   (%s),", cat_i);
    emit_line(&e, ".r_valid_o (%s),", cat_vo);
    emit_line(&e, ".r_data_o  (%s)", cat_do);
    emit_close(&e, ");");
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
}


/* "tf_trf_banked #(" or "tf_trf_flops #(" and its parameter list, shared by <name>_trf
 * and the GEMM engine's result store; the caller closes it with its instance name. */
void trf_emit_instance_params(struct emitter *e, int impl, const char *nr, const char *nc,
                              const char *w, int ports, int nb, int idx_w, int row_w, int col_w)
{
    emit_open(e, "%s #(", impl == TF_TRF_BANKED ? "tf_trf_banked" : "tf_trf_flops");
    emit_line(e, ".NR    (%s),", nr);
    emit_line(e, ".NC    (%s),", nc);
    emit_line(e, ".W     (%s),", w);
    emit_line(e, ".Ports (%d),", ports);
    emit_line(e, ".NB    (%d),", nb);
    emit_line(e, ".IdxW  (%d),", idx_w);
    if (impl == TF_TRF_BANKED) {
        emit_line(e, ".RowW  (%d)", row_w);
    } else {
        emit_line(e, ".RowW  (%d),", row_w);
        emit_line(e, ".ColW  (%d)", col_w);
    }
}

void trf_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                  struct diag *d)
{
    (void)bp;
    emit_trf(root, dir, d);
}
