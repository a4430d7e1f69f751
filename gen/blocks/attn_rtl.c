/* attn_rtl.c -- <name>_attn: the attention unit's wrapper around tf_attn_core (one
 * core, or one per head side by side), with the exponent table as a parameter. */
#include "blocks/attn.h"

#include <stdio.h>

/* ---- attention unit wrapper ------------------------------------------------ */

static void emit_attn(const struct tf_plan *root, const struct tf_dir *dir, struct diag *d)
{
    const struct attn_plan *p = plan_attn(root);
    struct emitter e;
    char file[128];
    snprintf(file, sizeof file, "%s_attn.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_attn -- PIM-style attention unit: %d head%s on %d banks x %d tokens, D = %d,",
              root->name, p->heads, p->heads > 1 ? "s" : "", p->banks, p->tpb, p->d);
    emit_line(&e, "// %d MAC lanes per bank, KV int%d, pruning %s. The logic is templates/tf_attn_core.v;",
              p->lanes, p->kv_bits, p->prune == TF_PRUNE_IMPORTANCE ? "by importance" : "off");
    emit_line(&e, "// this wrapper fixes its parameters and the exponent table round(2^%d * 2^(-i/%d)).",
              p->p, 1 << p->t);
    emit_line(&e, "// Ports and timing: docs/architecture.md 3.5; arithmetic: docs/numerics.md 10.");
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    int hp = p->hp, sw = p->slot_w, ow = p->ow;
    if (p->parallel) {
        emit_line(&e, "// Heads in parallel: %d cores side by side, stepped together by one command (cmd_head_i",
                  hp);
        emit_line(&e, "// is ignored, cmd_clear_i empties every head). Per-head fields are packed, head h in");
        emit_line(&e, "// [h*W +: W]: cmd_scale_i, in_q/k/v_i, o_data_o, evict_o, evict_slot_o, slot_o.");
    }
    emit_open(&e, "module %s_attn (", root->name);
    emit_line(&e, "input  wire        clk_i,");
    emit_line(&e, "input  wire        rst_ni,");
    emit_line(&e, "input  wire        cmd_valid_i,");
    emit_line(&e, "output wire        cmd_ready_o,");
    emit_line(&e, "input  wire [%d:0] cmd_head_i,", p->h_w - 1);
    emit_line(&e, "input  wire [%d:0] cmd_scale_i,", p->scale_w * hp - 1);
    emit_line(&e, "input  wire        cmd_clear_i,");
    emit_line(&e, "input  wire [%d:0]  cmd_mode_i,", TF_ATTN_MODE_W - 1);
    emit_line(&e, "input  wire [%d:0]  cmd_region_i,", p->rg_w - 1);
    emit_line(&e, "input  wire [%d:0] cmd_count_i,", sw - 1);
    emit_line(&e, "input  wire        in_valid_i,");
    emit_line(&e, "output wire        in_ready_o,");
    emit_line(&e, "input  wire [%d:0]  in_q_i,", p->kv_w * hp - 1);
    emit_line(&e, "input  wire [%d:0]  in_k_i,", p->kv_w * hp - 1);
    emit_line(&e, "input  wire [%d:0]  in_v_i,", p->kv_w * hp - 1);
    emit_line(&e, "output wire        o_valid_o,");
    emit_line(&e, "input  wire        o_ready_i,");
    emit_line(&e, "output wire [%d:0] o_data_o,", ow * hp - 1);
    emit_line(&e, "output wire        o_last_o,");
    emit_line(&e, "output wire        busy_o,");
    emit_line(&e, "output wire        step_err_o,");
    emit_line(&e, "output wire [%d:0] evict_o,", hp - 1);
    emit_line(&e, "output wire [%d:0] evict_slot_o,", sw * hp - 1);
    emit_line(&e, "output wire [%d:0] slot_o,", sw * hp - 1);
    emit_line(&e, "output wire [%d:0] stat_cycles_o,", p->cnt_w - 1);
    emit_line(&e, "output wire [%d:0] stat_wait_o", p->cnt_w - 1);
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    struct tfa_arch ar = attn_arch(p);
    int ew = p->p + 1, n = 1 << p->t;
    if (p->parallel) {
        /* the cores stay in lockstep: every handshake fires for all of them or none */
        emit_line(&e, "wire [%d:0] c_cmd_ready, c_in_ready, c_o_valid, c_o_last, c_busy, c_err;", hp - 1);
        emit_line(&e, "wire [%d:0] c_cycles, c_wait;", p->cnt_w * hp - 1);
        emit_line(&e, "assign cmd_ready_o   = &c_cmd_ready;");
        emit_line(&e, "assign in_ready_o    = &c_in_ready;");
        emit_line(&e, "assign o_valid_o     = &c_o_valid;");
        emit_line(&e, "assign o_last_o      = c_o_last[0];");
        emit_line(&e, "assign busy_o        = |c_busy;");
        emit_line(&e, "assign step_err_o    = c_err[0];");
        emit_line(&e, "assign stat_cycles_o = c_cycles[%d:0];", p->cnt_w - 1);
        emit_line(&e, "assign stat_wait_o   = c_wait[%d:0];", p->cnt_w - 1);
        emit_line(&e, "wire unused_par = ^{cmd_head_i, c_o_last, c_err, c_cycles, c_wait};");
        emit_line(&e, "genvar gh;");
        emit_open(&e, "generate");
        emit_open(&e, "for (gh = 0; gh < %d; gh = gh + 1) begin : g_head", hp);
    }
    emit_open(&e, "tf_attn_core #(");
    emit_line(&e, ".NB(%d), .TPB(%d), .D(%d), .LN(%d), .H(%d), .KVB(%d),", p->banks, p->tpb,
              p->d, p->lanes, p->hcore, p->kv_bits);
    emit_line(&e, ".Regions(%d), .RegRows(%d), .RgW(%d),", p->regions, p->reg_rows, p->rg_w);
    emit_line(&e, ".ModeStep(%d'd%d), .ModeAppend(%d'd%d), .ModeAttend(%d'd%d),", TF_ATTN_MODE_W,
              TFA_MODE_STEP, TF_ATTN_MODE_W, TFA_MODE_APPEND, TF_ATTN_MODE_W, TFA_MODE_ATTEND);
    emit_line(&e, ".T(%d), .P(%d), .F(%d), .PB(%d), .IMPW(%d), .Prune(%d), .Recent(%d), .TopK(%d),",
              p->t, p->p, p->f, p->pb, p->imp_bits,
              p->prune == TF_PRUNE_IMPORTANCE, p->recent, p->topk);
    emit_line(&e, ".G(%d), .OW(%d), .CntW(%d),", p->guard, p->ow, p->cnt_w);
    emit_line(&e, ".CH(%d), .RowW(%d), .ChW(%d), .HW(%d), .BW(%d), .SlotW(%d), .DW(%d), .MAW(%d), .SAW(%d),",
              p->ch, p->row_w, p->ch_w, p->hcore_w, p->b_w, p->slot_w, p->dw,
              p->maw, p->saw);
    emit_line(&e, "// entry i in bits [i*%d +: %d], entry %d first", ew, ew, n - 1);
    emit_open(&e, ".ExpTable ({");
    for (int i = n - 1; i >= 0; i -= 8) {
        char line[256];
        int len = 0;
        for (int j = i; j > i - 8 && j >= 0; j--)
            len += snprintf(line + len, sizeof line - (size_t)len, "%d'd%u%s", ew,
                            (unsigned)tfa_exp_table(&ar, j), j > 0 ? ", " : "");
        emit_line(&e, "%s", line);
    }
    emit_close(&e, "})");
    emit_close(&e, ") u_core (");
    e.indent++;
    if (!p->parallel) {
        static const char *const ports[] = {
            "clk_i", "rst_ni", "cmd_valid_i", "cmd_ready_o", "cmd_head_i", "cmd_scale_i", "cmd_clear_i",
            "cmd_mode_i", "cmd_region_i", "cmd_count_i",
            "in_valid_i", "in_ready_o", "in_q_i", "in_k_i", "in_v_i", "o_valid_o", "o_ready_i",
            "o_data_o", "o_last_o", "busy_o", "step_err_o", "evict_o", "evict_slot_o", "slot_o",
            "stat_cycles_o", "stat_wait_o"};
        int np = (int)(sizeof ports / sizeof ports[0]);
        for (int i = 0; i < np; i++)
            emit_line(&e, ".%s(%s)%s", ports[i], ports[i], i + 1 < np ? "," : "");
        e.indent--;
        emit_close(&e, ");");
    } else {
        emit_line(&e, ".clk_i(clk_i),");
        emit_line(&e, ".rst_ni(rst_ni),");
        emit_line(&e, ".cmd_valid_i(cmd_valid_i && cmd_ready_o),");
        emit_line(&e, ".cmd_ready_o(c_cmd_ready[gh]),");
        emit_line(&e, ".cmd_head_i(1'b0),");
        emit_line(&e, ".cmd_scale_i(cmd_scale_i[gh*%d +: %d]),", p->scale_w, p->scale_w);
        emit_line(&e, ".cmd_clear_i(cmd_clear_i),");
        emit_line(&e, ".cmd_mode_i(cmd_mode_i),");
        emit_line(&e, ".cmd_region_i(cmd_region_i),");
        emit_line(&e, ".cmd_count_i(cmd_count_i),");
        emit_line(&e, ".in_valid_i(in_valid_i && in_ready_o),");
        emit_line(&e, ".in_ready_o(c_in_ready[gh]),");
        emit_line(&e, ".in_q_i(in_q_i[gh*%d +: %d]),", p->kv_w, p->kv_w);
        emit_line(&e, ".in_k_i(in_k_i[gh*%d +: %d]),", p->kv_w, p->kv_w);
        emit_line(&e, ".in_v_i(in_v_i[gh*%d +: %d]),", p->kv_w, p->kv_w);
        emit_line(&e, ".o_valid_o(c_o_valid[gh]),");
        emit_line(&e, ".o_ready_i(o_ready_i && o_valid_o),");
        emit_line(&e, ".o_data_o(o_data_o[gh*%d +: %d]),", ow, ow);
        emit_line(&e, ".o_last_o(c_o_last[gh]),");
        emit_line(&e, ".busy_o(c_busy[gh]),");
        emit_line(&e, ".step_err_o(c_err[gh]),");
        emit_line(&e, ".evict_o(evict_o[gh]),");
        emit_line(&e, ".evict_slot_o(evict_slot_o[gh*%d +: %d]),", sw, sw);
        emit_line(&e, ".slot_o(slot_o[gh*%d +: %d]),", sw, sw);
        emit_line(&e, ".stat_cycles_o(c_cycles[gh*%d +: %d]),", p->cnt_w, p->cnt_w);
        emit_line(&e, ".stat_wait_o(c_wait[gh*%d +: %d])", p->cnt_w, p->cnt_w);
        e.indent--;
        emit_close(&e, ");");
        emit_close(&e, "end");
        emit_close(&e, "endgenerate");
    }
    emit_blank(&e);
    emit_vfooter(&e);
}


void attn_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                   struct diag *d)
{
    (void)bp;
    emit_attn(root, dir, d);
}
