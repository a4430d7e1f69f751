/* aux_rtl.c -- <name>_aux: the auxiliary unit's wrapper around tf_aux (templates/aux/),
 * with every parameter, derived widths included, from the plan and its ports sized by
 * it (the command fields by the block's interface constants, gen/blocks/aux.h). */
#include "blocks/aux.h"

#include <stdio.h>
#include <string.h>

struct port {
    const char *dir, *name;
    int width;
};

static void emit_aux(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct aux_plan *p = plan_aux(root);
    const struct tfx_arch *ar = &p->arch;
    const unsigned b = p->hw.built;
    struct emitter e;
    char file[128];
    snprintf(file, sizeof file, "%s_aux.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    static const char *const stage[TF_AUX_NSTAGES] = {"bias", "requantization", "residual add",
                                                      "LayerNorm", "GELU"};
    char list[96] = "";
    for (int i = 0; i < TF_AUX_NSTAGES; i++)
        if (b & TFX_OPBIT(TFX_OP_BIAS + i))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? ", " : "", stage[i]);
    emit_line(&e, "// %s_aux -- auxiliary unit: %s; %d lanes, rows up to %d elements", root->name,
              *list ? list : "no stage (pass-through)", ar->lanes, ar->max_d);
    emit_line(&e, "// (LayerNorm up to %d, groups of up to %d rows, %d row-store banks). The logic is",
              ar->ln_max_d, p->hw.ln_rows, p->hw.ln_banks);
    emit_line(&e, "// templates/aux/tf_aux.v; this wrapper fixes its parameters. Interface, command and");
    emit_line(&e, "// load formats, cycles: docs/architecture.md 3.6; arithmetic: docs/numerics.md 11.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    const struct port ports[] = {
        {"input ", "clk_i", 1},
        {"input ", "rst_ni", 1},
        {"input ", "cmd_valid_i", 1},
        {"output", "cmd_ready_o", 1},
        {"input ", "cmd_op_i", TF_AUX_OP_W},
        {"input ", "cmd_ops_i", TF_AUX_OPS_W},
        {"input ", "cmd_d_i", p->dw},
        {"input ", "cmd_m_i", p->row_w},
        {"input ", "cmd_grp_i", p->row_w},
        {"input ", "cmd_rq_pt_i", 1},
        {"input ", "cmd_res_mult_i", TF_AUX_RES_MULT_W},
        {"input ", "cmd_res_lsh_i", TF_AUX_RES_LSH_W},
        {"input ", "cmd_res_shift_i", TF_AUX_RES_SHIFT_W},
        {"input ", "cmd_ln_gf_i", TF_AUX_LN_GF_W},
        {"input ", "cmd_ln_bf_i", TF_AUX_LN_BF_W},
        {"input ", "cmd_ln_eps_i", TF_AUX_LN_EPS_W},
        {"input ", "cmd_gelu_in_mant_i", TF_AUX_GELU_MANT_W},
        {"input ", "cmd_gelu_in_exp_i", TF_AUX_GELU_EXP_W},
        {"input ", "cmd_gelu_out_mant_i", TF_AUX_GELU_MANT_W},
        {"input ", "cmd_gelu_out_exp_i", TF_AUX_GELU_EXP_W},
        {"input ", "prm_valid_i", 1},
        {"output", "prm_ready_o", 1},
        {"input ", "prm_data_i", TF_AUX_PRM_W},
        {"input ", "in_valid_i", 1},
        {"output", "in_ready_o", 1},
        {"input ", "in_data_i", ar->lanes * ar->acc_bits},
        {"input ", "in_row_i", p->row_w},
        {"input ", "in_col_i", p->col_w},
        {"input ", "res_valid_i", 1},
        {"output", "res_ready_o", 1},
        {"input ", "res_data_i", ar->lanes * ar->res_in_bits},
        {"output", "out_valid_o", 1},
        {"input ", "out_ready_i", 1},
        {"output", "out_data_o", ar->lanes * p->out_w},
        {"output", "out_row_o", p->row_w},
        {"output", "out_col_o", p->col_w},
        {"output", "out_last_o", 1},
        {"output", "busy_o", 1},
        {"output", "err_o", 1},
        {"output", "err_code_o", TF_AUX_ERR_W},
        {"output", "stat_cycles_o", TF_AUX_CNT_W},
        {"output", "stat_stall_o", TF_AUX_CNT_W},
    };
    const int np = (int)(sizeof ports / sizeof ports[0]);
    emit_open(&e, "module %s_aux (", root->name);
    for (int i = 0; i < np; i++) {
        char range[32] = "";
        if (ports[i].width > 1)
            snprintf(range, sizeof range, "[%d:0]", ports[i].width - 1);
        emit_line(&e, "%s wire %-8s %s%s", ports[i].dir, range, ports[i].name, i + 1 < np ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    emit_open(&e, "tf_aux #(");
    emit_line(&e, ".Lanes (%d), .MaxD (%d), .AccW (%d), .BiasW (%d), .RqW (%d), .ResW (%d),", ar->lanes,
              ar->max_d, ar->acc_bits, ar->bias_bits, ar->rq_bits, ar->res_bits);
    emit_line(&e, ".ResInW (%d), .LnInW (%d), .LnOutW (%d), .LnMaxD (%d), .LnRows (%d), .LnBanks (%d),",
              ar->res_in_bits, ar->ln_in_bits, ar->ln_out_bits, ar->ln_max_d, p->hw.ln_rows,
              p->hw.ln_banks);
    emit_line(&e, ".GeluInW (%d), .GeluOutW (%d), .RowW (%d),", ar->gelu_in_bits, ar->gelu_out_bits,
              p->row_w);
    emit_line(&e, ".HasBias (%d), .HasRq (%d), .HasRes (%d), .HasLn (%d), .HasGelu (%d), .CntW (%d),",
              (b & TFX_OPBIT(TFX_OP_BIAS)) != 0, (b & TFX_OPBIT(TFX_OP_REQUANT)) != 0,
              (b & TFX_OPBIT(TFX_OP_RESIDUAL)) != 0, (b & TFX_OPBIT(TFX_OP_LAYERNORM)) != 0,
              (b & TFX_OPBIT(TFX_OP_GELU)) != 0, TF_AUX_CNT_W);
    emit_line(&e, ".DW (%d), .ColW (%d), .PW (%d)", p->dw, p->col_w, p->out_w);
    emit_close(&e, ") u_aux (");
    e.indent++;
    for (int i = 0; i < np; i++)
        emit_line(&e, ".%-20s(%s)%s", ports[i].name, ports[i].name, i + 1 < np ? "," : "");
    e.indent--;
    emit_close(&e, ");");
    emit_blank(&e);
    emit_vfooter(&e);
}

void aux_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                  struct diag *d)
{
    (void)bp;
    emit_aux(root, dir, d);
}
