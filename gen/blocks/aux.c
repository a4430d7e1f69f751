/* aux.c -- the auxiliary unit block: keys of [aux] and their rules (docs/config.md 4.1),
 * its plan (the model's struct tfx_arch and struct tfx_hw, the RTL's widths, memory
 * bits), report lines, params section and top <name>_aux. The Verilog wrapper is
 * aux_rtl.c; the logic templates/aux/; the arithmetic model/tf_aux.c. */
#include "blocks/aux.h"
#include "blocks/gemm.h"

#include <string.h>

static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }

const char *const tf_aux_stage_key[TF_AUX_NSTAGES] = {"bias", "requant", "residual",
                                                       "layernorm", "gelu"};
static const char *const stage_title[TF_AUX_NSTAGES] = {"bias", "requantization", "residual add",
                                                        "LayerNorm", "GELU"};

static const char *const aux_sections[] = {"aux", NULL};

#define F(f) offsetof(struct aux_cfg, f)
static const struct tf_key aux_keys[] = {
    {"aux", "bias", TF_K_BOOL, 0, 1, 0, "true", F(bias),
     "build the bias stage: sat(acc + bias[col]) (the [aux] section describes the auxiliary unit)",
     NULL, NULL},
    {"aux", "requant", TF_K_BOOL, 0, 1, 0, "true", F(requant),
     "build the requantization stage (per column or per tensor)", NULL, NULL},
    {"aux", "residual", TF_K_BOOL, 0, 1, 0, "true", F(residual),
     "build the residual add (a second operand stream, rescaled)", NULL, NULL},
    {"aux", "layernorm", TF_K_BOOL, 0, 1, 0, "true", F(layernorm),
     "build the LayerNorm stage (row store, statistics, reciprocal square root)", NULL, NULL},
    {"aux", "gelu", TF_K_BOOL, 0, 1, 0, "true", F(gelu), "build the GELU stage (coefficient ROM per lane)",
     NULL, NULL},
    {"aux", "lanes", TF_K_INT, 1, 64, 0, "8", F(lanes),
     "elements per beat: the GEMM engine's array columns", NULL, NULL},
    {"aux", "max_d", TF_K_INT, 1, 4096, 0, "4096", F(max_d),
     "longest row (d); depth of the bias and requantization memories", NULL, NULL},
    {"aux", "max_rows", TF_K_INT, 1, 65535, 0, "512", F(max_rows), "rows of one RUN command (M)",
     NULL, NULL},
    {"aux", "acc_bits", TF_K_INT, 16, 48, 0, "32", F(acc_bits),
     "input lanes: the engine's accumulators", NULL, NULL},
    {"aux", "bias_bits", TF_K_INT, 2, 32, 0, "32", F(bias_bits), "a bias entry (<= acc_bits)", NULL,
     "aux.bias=true"},
    {"aux", "rq_bits", TF_K_INT, 2, 24, 0, "16", F(rq_bits), "requantization output", NULL,
     "aux.requant=true"},
    {"aux", "res_bits", TF_K_INT, 2, 24, 0, "20", F(res_bits), "residual add output", NULL,
     "aux.residual=true"},
    {"aux", "res_in_bits", TF_K_INT, 2, 16, 0, "8", F(res_in_bits), "a residual operand element",
     NULL, "aux.residual=true"},
    {"aux", "ln_in_bits", TF_K_INT, 2, 20, 0, "20", F(ln_in_bits), "widest LayerNorm input", NULL,
     "aux.layernorm=true"},
    {"aux", "ln_out_bits", TF_K_INT, 2, 16, 0, "8", F(ln_out_bits), "LayerNorm output", NULL,
     "aux.layernorm=true"},
    {"aux", "ln_max_d", TF_K_INT, 1, 4096, 0, "1024", F(ln_max_d),
     "longest LayerNorm row (<= max_d); depth of gamma, beta and the row store", NULL,
     "aux.layernorm=true"},
    {"aux", "ln_rows", TF_K_INT, 1, 256, 0, "8", F(ln_rows),
     "rows one LayerNorm group interleaves (OS engine: array rows; <= max_rows)", NULL,
     "aux.layernorm=true"},
    {"aux", "ln_banks", TF_K_INT, 2, 3, 0, "2", F(ln_banks),
     "row-store banks: 2 double-buffers, 3 also hides the per-row setup", NULL,
     "aux.layernorm=true"},
    {"aux", "gelu_in_bits", TF_K_INT, 2, 16, 0, "16", F(gelu_in_bits), "widest GELU input", NULL,
     "aux.gelu=true"},
    {"aux", "gelu_out_bits", TF_K_INT, 2, 16, 0, "8", F(gelu_out_bits), "GELU output", NULL,
     "aux.gelu=true"},
};
#undef F

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* LayerNorm's row depth as the plan uses it: ln_max_d, at most max_d (when LayerNorm is
 * not built its keys are not looked at). */
static int eff_ln_max_d(const struct aux_cfg *c)
{
    return c->layernorm ? c->ln_max_d : imin(c->ln_max_d, c->max_d);
}

void aux_storage(const struct aux_cfg *c, long long *bias, long long *rq, long long *gb,
                 long long *store, long long *rom)
{
    long long l = c->lanes, tiles = ceil_div(c->max_d, c->lanes);
    long long lt = ceil_div(eff_ln_max_d(c), c->lanes);
    *bias = c->bias ? l * tiles * c->bias_bits : 0;
    *rq = c->requant ? l * tiles * TF_AUX_RQ_ENTRY_BITS : 0;
    *gb = c->layernorm ? l * lt * (TF_AUX_GAMMA_BITS + TF_AUX_BETA_BITS) : 0;
    /* the row store: ln_banks banks of ln_rows x lt words of the lanes, a slot and a tile */
    long long word = l * c->ln_in_bits + imax(tf_clog2(c->ln_rows), 1) + imax(tf_clog2(lt), 1);
    *store = c->layernorm ? c->ln_banks * c->ln_rows * lt * word : 0;
    *rom = c->gelu ? l * TF_AUX_ROM_BITS : 0;
}

/* The narrowest input a stage can be given: the output of the nearest built stage before
 * it (each a command may skip), or the accumulators. */
static int narrowest_input(const struct aux_cfg *c, int stage)
{
    int w = c->acc_bits;
    if (stage > 1 && c->requant)
        w = imin(w, c->rq_bits);
    if (stage > 2 && c->residual)
        w = imin(w, c->res_bits);
    if (stage > 3 && c->layernorm)
        w = imin(w, c->ln_out_bits);
    return w;
}

static const char *input_keys(const struct aux_cfg *c, int stage)
{
    const char *k = "aux.acc_bits";
    if (stage > 1 && c->requant)
        k = "aux.acc_bits,aux.rq_bits";
    if (stage > 2 && c->residual)
        k = c->requant ? "aux.acc_bits,aux.rq_bits,aux.res_bits" : "aux.acc_bits,aux.res_bits";
    return k;
}

static void aux_check(const void *cfgp, struct tf_rules *r)
{
    const struct aux_cfg *c = cfgp;
    if (c->bias && c->bias_bits > c->acc_bits)
        rule_fail(r, "aux.bias_bits,aux.acc_bits", arena_printf(r->a, "bias_bits 2..%d", imin(32, c->acc_bits)),
                  "biases wider than the accumulators they are added to");
    if (c->layernorm && c->ln_max_d > c->max_d)
        rule_fail(r, "aux.ln_max_d,aux.max_d", arena_printf(r->a, "ln_max_d 1..%d", c->max_d),
                  "LayerNorm rows longer than the longest row");
    if (c->layernorm && c->ln_rows > c->max_rows)
        rule_fail(r, "aux.ln_rows,aux.max_rows", arena_printf(r->a, "ln_rows 1..%d", imin(256, c->max_rows)),
                  "a LayerNorm group larger than a command");
    /* every built stage must be usable by some command: its narrowest possible input fits */
    static const char *const wkey[TF_AUX_NSTAGES] = {NULL, NULL, "res_bits", "ln_in_bits", "gelu_in_bits"};
    static const int whi[TF_AUX_NSTAGES] = {0, 0, 24, 20, 16};
    const int on[TF_AUX_NSTAGES] = {c->bias, c->requant, c->residual, c->layernorm, c->gelu};
    const int win[TF_AUX_NSTAGES] = {0, 0, c->res_bits, c->ln_in_bits, c->gelu_in_bits};
    for (int st = 2; st < TF_AUX_NSTAGES; st++) {
        int need = narrowest_input(c, st);
        if (!on[st] || need <= win[st])
            continue;
        const char *keys = input_keys(c, st);
        if (st == 4 && c->layernorm)
            keys = arena_printf(r->a, "%s,aux.ln_out_bits", keys);
        const char *legal =
            need <= whi[st]
                ? arena_printf(r->a, "%s %d..%d", wkey[st], need, whi[st])
                : arena_printf(r->a, "an input of at most %d bits before it, or %s = false", whi[st],
                               tf_aux_stage_key[st]);
        rule_fail(r, arena_printf(r->a, "aux.%s,%s", wkey[st], keys), legal,
                  "no command can use the %s stage: its input is at least %d bits", stage_title[st], need);
    }
    /* Fed by the GEMM engine's result beats (c_data_o, c_row_o, c_col_o) when the design
     * builds both: a beat is a row piece of array.cols lanes of acc_bits, rows up to max_m
     * and columns up to max_n. */
    const struct gemm_cfg *g = r->cfg->blk[TF_BLK_gemm];
    if (g) {
        int acc = tf_acc_width(g->operand_bits, g->max_k);
        if (c->lanes != g->cols)
            rule_fail(r, "aux.lanes,array.cols", arena_printf(r->a, "lanes = %d", g->cols),
                      "the unit takes the engine's result beats, one lane per array column");
        if (c->acc_bits < acc)
            rule_fail(r, "aux.acc_bits,array.operand_bits,gemm.max_k",
                      arena_printf(r->a, "acc_bits %d..48", acc),
                      "narrower than the engine's %d-bit accumulators", acc);
        if (c->max_d < g->max_n)
            rule_fail(r, "aux.max_d,gemm.max_n", arena_printf(r->a, "max_d %d..4096", g->max_n),
                      "shorter than the engine's longest result row");
        if (c->max_rows < g->max_m)
            rule_fail(r, "aux.max_rows,gemm.max_m",
                      arena_printf(r->a, "max_rows %d..65535", g->max_m),
                      "fewer rows than the engine's largest result");
    }
    long long b, q, gr, s, rom;
    aux_storage(c, &b, &q, &gr, &s, &rom);
    long long bits = b + q + gr + s + rom;
    if (bits > TF_MAX_BUFFER_BITS)
        rule_fail(r, "aux.lanes,aux.max_d,aux.ln_max_d,aux.ln_rows,aux.ln_banks,aux.ln_in_bits",
                  arena_printf(r->a, "at most %lld bits", TF_MAX_BUFFER_BITS),
                  "the unit's memories would hold %lld bits", bits);
}

static const void *aux_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                              struct diag *d)
{
    (void)root;
    const struct aux_cfg *c = cfgp;
    struct aux_plan *p = arena_alloc(a, sizeof *p);
    struct tfx_arch *ar = &p->arch;
    ar->lanes = c->lanes;
    ar->max_d = c->max_d;
    ar->acc_bits = c->acc_bits;
    /* a stage that is not built ignores its widths: keep them legal for the model */
    ar->bias_bits = c->bias ? c->bias_bits : imin(c->bias_bits, c->acc_bits);
    ar->rq_bits = c->rq_bits;
    ar->res_bits = c->res_bits;
    ar->res_in_bits = c->res_in_bits;
    ar->ln_in_bits = c->ln_in_bits;
    ar->ln_out_bits = c->ln_out_bits;
    ar->ln_max_d = eff_ln_max_d(c);
    ar->gelu_in_bits = c->gelu_in_bits;
    ar->gelu_out_bits = c->gelu_out_bits;
    const int on[TF_AUX_NSTAGES] = {c->bias, c->requant, c->residual, c->layernorm, c->gelu};
    p->hw.built = 0;
    for (int i = 0; i < TF_AUX_NSTAGES; i++)
        if (on[i])
            p->hw.built |= TFX_OPBIT(TFX_OP_BIAS + i);
    p->max_rows = c->max_rows;
    int ln_rows = c->layernorm ? c->ln_rows : 1;
    p->hw.ln_rows = ln_rows;
    p->hw.ln_banks = c->ln_banks;
    /* M up to max_rows; with LayerNorm, tf_aux_ln keeps a group's slot (max(clog2(ln_rows), 1)
     * bits) and compares rows within a group in RowW bits: RowW >= slot bits + 2 (which also
     * gives ln_rows < 2^(RowW-1), the model's rule) */
    int slot_w = imax(tf_clog2(ln_rows), 1);
    p->row_w = imax(tf_clog2((long long)c->max_rows + 1), c->layernorm ? slot_w + 2 : 2);
    p->hw.row_bits = p->row_w;
    const char *why = tfx_check(ar);
    if (why) /* the key ranges and the rules above enforce every condition the model checks */
        tf_fail(d, TF_EXIT_INTERNAL, "internal error: auxiliary unit plan rejected by the model (%s)", why);
    p->dw = tf_clog2((long long)c->max_d + 1);
    p->col_w = imax(tf_clog2(c->max_d), 1);
    p->out_w = imax(c->acc_bits, c->res_bits);
    p->tiles = ceil_div(c->max_d, c->lanes);
    p->ln_tiles = ceil_div(ar->ln_max_d, c->lanes);
    aux_storage(c, &p->bias_bits, &p->rq_bits, &p->gb_bits, &p->store_bits, &p->rom_bits);
    p->bits = p->bias_bits + p->rq_bits + p->gb_bits + p->store_bits + p->rom_bits;
    return p;
}

/* The unit's modules, leaves first (docs/architecture.md 3.6). */
static const char *const aux_templates[] = {
    "tf_ram_1r1w", "tf_skid", "tf_delay", "tf_requant", "tf_aux_fit", "tf_aux_bias",
    "tf_aux_rq", "tf_aux_res", "tf_aux_gelu_rom", "tf_aux_gelu", "tf_aux_rsqrt",
    "tf_aux_ln_lane", "tf_aux_ln", "tf_aux"};

static void aux_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    (void)bp;
    const char *top = arena_printf(a, "%s_aux", root->name);
    struct tf_top *t = top_add(root, TF_BLK_aux, top, top);
    for (size_t i = 0; i < sizeof aux_templates / sizeof aux_templates[0]; i++)
        top_template(t, root, aux_templates[i], a, d);
    top_generated(t, top, a, d);
}

static void aux_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    (void)root;
    const struct aux_plan *p = bp;
    const struct tfx_arch *ar = &p->arch;
    char built[128] = "";
    for (int i = 0; i < TF_AUX_NSTAGES; i++)
        if (p->hw.built & TFX_OPBIT(TFX_OP_BIAS + i))
            snprintf(built + strlen(built), sizeof built - strlen(built), "%s%s", *built ? ", " : "",
                     stage_title[i]);
    fprintf(f, "auxiliary unit    %s; %d lanes, rows up to %d elements, %d rows per command; "
               "int%d accumulators\n",
            *built ? built : "no stage (pass-through)", ar->lanes, ar->max_d, p->max_rows, ar->acc_bits);
    fprintf(f, "aux widths        bias %d, requant %d, residual %d (operand %d), LayerNorm %d -> %d, "
               "GELU %d -> %d; output lanes %d bits\n",
            ar->bias_bits, ar->rq_bits, ar->res_bits, ar->res_in_bits, ar->ln_in_bits, ar->ln_out_bits,
            ar->gelu_in_bits, ar->gelu_out_bits, p->out_w);
    if (p->hw.built & TFX_OPBIT(TFX_OP_LAYERNORM))
        fprintf(f, "aux LayerNorm     rows up to %d, groups of up to %d rows, %d row-store banks; "
                   "%lld cycles from a group's last input to its first output (g rows: 3 + 35 g + 1)\n",
                ar->ln_max_d, p->hw.ln_rows, p->hw.ln_banks, tfx_ln_group_gap(1));
    fprintf(f, "aux memories      bias %lld, requant %lld, gamma/beta %lld, row store %lld bits; "
               "GELU ROM %lld bits; %lld in all\n",
            p->bias_bits, p->rq_bits, p->gb_bits, p->store_bits, p->rom_bits, p->bits);
    fprintf(f, "aux latency       %d cycles before LayerNorm, %d after; a RUN of M rows of d without "
               "LayerNorm: M ceil(d/%d) + %d cycles\n",
            tfx_lat_up(&p->hw), tfx_lat_down(&p->hw), ar->lanes,
            tfx_lat_up(&p->hw) + tfx_lat_down(&p->hw) + 1);
}

static void aux_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                       struct arena *a)
{
    const struct aux_plan *p = bp;
    const struct tfx_arch *ar = &p->arch;
    par_section(pp, "auxiliary unit (<name>_aux)");
    par_v(pp, "AUX_TOP", arena_printf(a, "%s_aux", root->name), "the unit's top module");
    par_int(pp, "AUX_LANES", ar->lanes, "elements per beat");
    par_int(pp, "AUX_MAX_D", ar->max_d, "longest row");
    par_int(pp, "AUX_LN_MAX_D", ar->ln_max_d, "longest LayerNorm row");
    par_int(pp, "AUX_MAX_ROWS", p->max_rows, "rows of one RUN (the hardware takes up to 2^ROW_W - 1)");
    par_int(pp, "AUX_ACC_W", ar->acc_bits, "in_data_i lane");
    par_int(pp, "AUX_BIAS_W", ar->bias_bits, NULL);
    par_int(pp, "AUX_RQ_W", ar->rq_bits, NULL);
    par_int(pp, "AUX_RES_W", ar->res_bits, NULL);
    par_int(pp, "AUX_RES_IN_W", ar->res_in_bits, "res_data_i lane");
    par_int(pp, "AUX_LN_IN_W", ar->ln_in_bits, NULL);
    par_int(pp, "AUX_LN_OUT_W", ar->ln_out_bits, NULL);
    par_int(pp, "AUX_GELU_IN_W", ar->gelu_in_bits, NULL);
    par_int(pp, "AUX_GELU_OUT_W", ar->gelu_out_bits, NULL);
    par_int(pp, "AUX_LN_ROWS", p->hw.ln_rows, "rows of one LayerNorm group");
    par_int(pp, "AUX_LN_BANKS", p->hw.ln_banks, "row-store banks");
    par_int(pp, "AUX_BUILT", (long long)p->hw.built, "built stages: CHAIN_* bits");
    static const char *const has[TF_AUX_NSTAGES] = {"AUX_HAS_BIAS", "AUX_HAS_RQ", "AUX_HAS_RES",
                                                    "AUX_HAS_LN", "AUX_HAS_GELU"};
    for (int i = 0; i < TF_AUX_NSTAGES; i++)
        par_int(pp, has[i], (p->hw.built & TFX_OPBIT(TFX_OP_BIAS + i)) != 0, NULL);
    par_int(pp, "AUX_ROW_W", p->row_w, "cmd_m_i, cmd_grp_i, in_row_i, out_row_o");
    par_int(pp, "AUX_D_W", p->dw, "cmd_d_i");
    par_int(pp, "AUX_COL_W", p->col_w, "in_col_i, out_col_o");
    par_int(pp, "AUX_OUT_W", p->out_w, "out_data_o lane");
    par_int(pp, "AUX_CNT_W", TF_AUX_CNT_W, "stat_cycles_o, stat_stall_o");
    par_int(pp, "AUX_LAT_UP", tfx_lat_up(&p->hw), "pipeline registers before LayerNorm");
    par_int(pp, "AUX_LAT_DOWN", tfx_lat_down(&p->hw), "pipeline registers after LayerNorm");
    par_int(pp, "AUX_OP_W", TF_AUX_OP_W, "cmd_op_i");
    par_int(pp, "AUX_OP_RUN", TF_AUX_OP_RUN, "commands (cmd_op_i)");
    par_int(pp, "AUX_OP_LOAD_BIAS", TF_AUX_OP_LOAD_BIAS, NULL);
    par_int(pp, "AUX_OP_LOAD_RQ", TF_AUX_OP_LOAD_RQ, NULL);
    par_int(pp, "AUX_OP_LOAD_GAMMA", TF_AUX_OP_LOAD_GAMMA, NULL);
    par_int(pp, "AUX_OP_LOAD_BETA", TF_AUX_OP_LOAD_BETA, NULL);
    par_int(pp, "AUX_OPS_W", TF_AUX_OPS_W, "cmd_ops_i: the chain");
    par_int(pp, "AUX_CHAIN_BIAS", TFX_OPBIT(TFX_OP_BIAS), "chain bits (cmd_ops_i)");
    par_int(pp, "AUX_CHAIN_RQ", TFX_OPBIT(TFX_OP_REQUANT), NULL);
    par_int(pp, "AUX_CHAIN_RES", TFX_OPBIT(TFX_OP_RESIDUAL), NULL);
    par_int(pp, "AUX_CHAIN_LN", TFX_OPBIT(TFX_OP_LAYERNORM), NULL);
    par_int(pp, "AUX_CHAIN_GELU", TFX_OPBIT(TFX_OP_GELU), NULL);
    par_int(pp, "AUX_ERR_W", TF_AUX_ERR_W, "err_code_o");
    par_int(pp, "AUX_E_D", TFX_E_D, "error codes (err_code_o)");
    par_int(pp, "AUX_E_ORDER", TFX_E_ORDER, NULL);
    par_int(pp, "AUX_E_WIDTH", TFX_E_WIDTH, NULL);
    par_int(pp, "AUX_E_PARAM", TFX_E_PARAM, NULL);
    par_int(pp, "AUX_E_BUILT", TFX_E_BUILT, NULL);
    par_int(pp, "AUX_PRM_W", TF_AUX_PRM_W, "prm_data_i");
    par_int(pp, "AUX_PRM_SHIFT_LSB", TF_AUX_PRM_SHIFT_LSB, "LOAD_RQ entry: mult below, shift from here");
    par_int(pp, "AUX_RES_MULT_W", TF_AUX_RES_MULT_W, "cmd_res_mult_i");
    par_int(pp, "AUX_RES_LSH_W", TF_AUX_RES_LSH_W, "cmd_res_lsh_i");
    par_int(pp, "AUX_RES_SHIFT_W", TF_AUX_RES_SHIFT_W, "cmd_res_shift_i");
    par_int(pp, "AUX_LN_GF_W", TF_AUX_LN_GF_W, "cmd_ln_gf_i");
    par_int(pp, "AUX_LN_BF_W", TF_AUX_LN_BF_W, "cmd_ln_bf_i");
    par_int(pp, "AUX_LN_EPS_W", TF_AUX_LN_EPS_W, "cmd_ln_eps_i");
    par_int(pp, "AUX_GELU_MANT_W", TF_AUX_GELU_MANT_W, "cmd_gelu_in_mant_i, cmd_gelu_out_mant_i");
    par_int(pp, "AUX_GELU_EXP_W", TF_AUX_GELU_EXP_W, "cmd_gelu_in_exp_i, cmd_gelu_out_exp_i");
    par_int(pp, "AUX_MEM_BITS", p->bits, "memory bits as planned (ROM included)");
    par_c(pp, "AUX_ARCH_INIT",
          arena_printf(a,
                       "{ .lanes = %d, .max_d = %d, .acc_bits = %d, .bias_bits = %d, .rq_bits = %d, "
                       ".res_bits = %d, .res_in_bits = %d, .ln_in_bits = %d, .ln_out_bits = %d, "
                       ".ln_max_d = %d, .gelu_in_bits = %d, .gelu_out_bits = %d }",
                       ar->lanes, ar->max_d, ar->acc_bits, ar->bias_bits, ar->rq_bits, ar->res_bits,
                       ar->res_in_bits, ar->ln_in_bits, ar->ln_out_bits, ar->ln_max_d,
                       ar->gelu_in_bits, ar->gelu_out_bits),
          "initializer for struct tfx_arch (model/tf_aux.h)");
    par_c(pp, "AUX_HW_INIT",
          arena_printf(a, "{ .built = 0x%xu, .ln_rows = %d, .ln_banks = %d, .row_bits = %d }",
                       p->hw.built, p->hw.ln_rows, p->hw.ln_banks, p->hw.row_bits),
          "initializer for struct tfx_hw (model/tf_aux.h)");
}

const struct tf_block tf_block_aux = {
    .name = "aux",
    .title = "auxiliary unit",
    .sections = aux_sections,
    .keys = aux_keys,
    .nkeys = (int)(sizeof aux_keys / sizeof aux_keys[0]),
    .cfg_size = sizeof(struct aux_cfg),
    .hardware = 1,
    .check = aux_check,
    .derive = aux_derive,
    .link = aux_link,
    .print = aux_print,
    .params = aux_params,
    .emit_rtl = aux_emit_rtl,
};
