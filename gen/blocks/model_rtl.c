/* model_rtl.c -- <name>_csr: the accelerator's AXI4-Lite register interface, tf_csr with the
 * plan's register map (model.h), the model's shape words and request-table size. */
#include "blocks/model.h"

#include <stdio.h>

void model_emit_rtl(const void *bp, const struct tf_plan *root, const struct tf_dir *dir,
                    struct diag *d)
{
    const struct model_plan *p = bp;
    struct emitter e;
    char file[160];
    int s = p->sequences, seq_w = tf_clog2(s) > 0 ? tf_clog2(s) : 1;
    unsigned sh[3];
    model_csr_shape(p, sh);
    snprintf(file, sizeof file, "%s_csr.v", root->name);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, root, "");
    emit_line(&e, "// %s_csr -- the accelerator's control and status registers on an AXI4-Lite slave:",
              root->name);
    emit_line(&e, "// identification and shape, start / status / interrupt, the weight image's address and");
    emit_line(&e, "// the batch cap and policy (BATCH),");
    emit_line(&e, "// %d counters of 64 bits, and a request table of %d entries (tf_csr; the offsets",
              TF_CSR_NCNT, s);
    emit_line(&e, "// are MODEL_CSR_* of %s_params.h and docs/architecture.md, the register interface).",
              root->name);
    emit_line(&e, "`default_nettype none");
    emit_blank(&e);
    emit_open(&e, "module %s_csr (", root->name);
    static const struct {
        const char *dir, *name;
        int w; /* 0: scalar; < 0: a multiple of the entries: -w bits per entry */
    } ports[] = {
        {"input ", "clk_i", 0},           {"input ", "rst_ni", 0},
        {"input ", "s_axil_awvalid_i", 0}, {"output", "s_axil_awready_o", 0},
        {"input ", "s_axil_awaddr_i", 12}, {"input ", "s_axil_awprot_i", 3},
        {"input ", "s_axil_wvalid_i", 0},  {"output", "s_axil_wready_o", 0},
        {"input ", "s_axil_wdata_i", 32},  {"input ", "s_axil_wstrb_i", 4},
        {"output", "s_axil_bvalid_o", 0},  {"input ", "s_axil_bready_i", 0},
        {"output", "s_axil_bresp_o", 2},   {"input ", "s_axil_arvalid_i", 0},
        {"output", "s_axil_arready_o", 0}, {"input ", "s_axil_araddr_i", 12},
        {"input ", "s_axil_arprot_i", 3},  {"output", "s_axil_rvalid_o", 0},
        {"input ", "s_axil_rready_i", 0},  {"output", "s_axil_rdata_o", 32},
        {"output", "s_axil_rresp_o", 2},   {"output", "start_o", 0},
        {"input ", "busy_i", 0},           {"input ", "done_i", 0},
        {"input ", "err_i", 0},            {"input ", "err_code_i", 8},
        {"input ", "err_seq_i", 8},        {"output", "irq_o", 0},
        {"output", "wbase_o", 64},         {"output", "bcap_o", TF_CSR_BATCH_CAP_W},
        {"output", "bfit_o", 0},           {"output", "req_active_o", -1},
        {"output", "req_decode_o", -1},    {"output", "req_reset_o", -1},
        {"output", "req_len_o", -TF_CSR_LEN_W}, {"output", "req_in_o", -64},
        {"output", "req_out_o", -64},      {"input ", "req_pos_i", -TF_CSR_LEN_W},
        {"input ", "cnt_i", TF_CSR_NCNT * 64},
    };
    int np = (int)(sizeof ports / sizeof ports[0]);
    for (int i = 0; i < np; i++) {
        int w = ports[i].w < 0 ? -ports[i].w * s : ports[i].w;
        char range[32] = "";
        if (w > 1 || (w == 1 && ports[i].w < 0))
            snprintf(range, sizeof range, "[%d:0]", w - 1);
        emit_line(&e, "%s wire %-8s %s%s", ports[i].dir, range, ports[i].name, i + 1 < np ? "," : "");
    }
    emit_close(&e, ");");
    emit_blank(&e);
    e.indent++;
    emit_open(&e, "tf_csr #(");
    const struct {
        const char *name;
        long long v;
        int bits; /* 0: integer; else a sized literal */
    } prm[] = {
        {"Seqs", s, 0},
        {"IdValue", TF_CSR_ID_VALUE, 32},
        {"Shape0V", sh[0], 32},
        {"Shape1V", sh[1], 32},
        {"Shape2V", sh[2], 32},
        {"OffId", TF_CSR_ID, 12},
        {"OffShape0", TF_CSR_SHAPE0, 12},
        {"OffShape1", TF_CSR_SHAPE1, 12},
        {"OffShape2", TF_CSR_SHAPE2, 12},
        {"OffCtrl", TF_CSR_CTRL, 12},
        {"OffStatus", TF_CSR_STATUS, 12},
        {"OffIrq", TF_CSR_IRQ, 12},
        {"OffErr", TF_CSR_ERR, 12},
        {"OffWbLo", TF_CSR_WBASE_LO, 12},
        {"OffWbHi", TF_CSR_WBASE_HI, 12},
        {"OffBatch", TF_CSR_BATCH, 12},
        {"OffCnt", TF_CSR_CNT, 12},
        {"NCnt", TF_CSR_NCNT, 0},
        {"OffReq", TF_CSR_REQ, 12},
        {"ReqCtrl", TF_CSR_REQ_CTRL, 5},
        {"ReqPos", TF_CSR_REQ_POS, 5},
        {"ReqLen", TF_CSR_REQ_LEN, 5},
        {"ReqInLo", TF_CSR_REQ_IN_LO, 5},
        {"ReqInHi", TF_CSR_REQ_IN_HI, 5},
        {"ReqOutLo", TF_CSR_REQ_OUT_LO, 5},
        {"ReqOutHi", TF_CSR_REQ_OUT_HI, 5},
        {"BitStart", TF_CSR_CTRL_START, 0},
        {"BitIrqEn", TF_CSR_CTRL_IRQ_EN, 0},
        {"BitBusy", TF_CSR_ST_BUSY, 0},
        {"BitDone", TF_CSR_ST_DONE, 0},
        {"BitErr", TF_CSR_ST_ERR, 0},
        {"BitActive", TF_CSR_REQ_ACTIVE, 0},
        {"BitDecode", TF_CSR_REQ_DECODE, 0},
        {"BitReset", TF_CSR_REQ_RESET, 0},
        {"BitFit", TF_CSR_BATCH_FIT, 0},
        {"CapW", TF_CSR_BATCH_CAP_W, 0},
        {"BMax", p->bmax, 0},
        {"FitInit", p->policy == TF_POLICY_FIT, 0},
        {"LenW", TF_CSR_LEN_W, 0},
        {"SeqW", seq_w, 0},
    };
    int nprm = (int)(sizeof prm / sizeof prm[0]);
    for (int i = 0; i < nprm; i++) {
        const char *sep = i + 1 < nprm ? "," : "";
        if (prm[i].bits)
            emit_line(&e, ".%-9s (%d'h%llx)%s", prm[i].name, prm[i].bits, prm[i].v, sep);
        else
            emit_line(&e, ".%-9s (%lld)%s", prm[i].name, prm[i].v, sep);
    }
    emit_close(&e, ") u_csr (");
    e.indent++;
    for (int i = 0; i < np; i++)
        emit_line(&e, ".%-16s (%s)%s", ports[i].name, ports[i].name, i + 1 < np ? "," : "");
    emit_close(&e, ");");
    e.indent--;
    emit_blank(&e);
    emit_vfooter(&e);
    model_emit_driver(root, dir, d);
    if (model_has_accel(root))
        model_emit_accel(root, dir, d);
}
