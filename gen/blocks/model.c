/* model.c -- the [model] section: the transformer the accelerator runs (d_model, heads,
 * d_ff, layers, maximum sequence length, LayerNorm placement, activation, attention mask,
 * request-table size), and the [batch] section (how many of the table's sequences share a
 * step's weight GEMMs), checked against the hardware sections with a message that names
 * both sides, its plan (head dimension, KV tokens per cache, weight bytes and MACs per
 * token), report lines and params section. Its Verilog: the register interface <name>_csr
 * (model_rtl.c, templates/top/tf_csr.v), the C driver (model_drv.c) and the accelerator top
 * <name>_accel (model_top.c). */
#include "blocks/model.h"

#include <string.h>
#include "blocks/attn.h"
#include "blocks/aux.h"
#include "blocks/gemm.h"
#include "blocks/mem.h"

static const char *const model_sections[] = {"model", "batch", NULL};
static const char *const norm_names[] = {"post", "pre"};           /* enum tf_norm */
static const char *const act_names[] = {"gelu"};                   /* enum tf_act */
static const char *const mask_names[] = {"causal", "bidirectional"}; /* enum tf_mask */
static const struct tf_words w_norm = TF_WORDS(norm_names, "LayerNorm placement");
static const struct tf_words w_act = TF_WORDS(act_names, "activation");
static const struct tf_words w_mask = TF_WORDS(mask_names, "attention mask");
static const char *const policy_names[] = {"order", "fit"}; /* enum tf_policy */
static const struct tf_words w_policy = TF_WORDS(policy_names, "batch policy");

#define F(f) offsetof(struct model_cfg, f)
static const struct tf_key model_keys[] = {
    {"model", "d_model", TF_K_INT, 2, 4096, 1, NULL, F(d_model),
     "model width d (the [model] section describes the transformer the accelerator runs)", NULL,
     NULL},
    {"model", "heads", TF_K_INT, 1, 256, 1, NULL, F(heads),
     "attention heads; d_model / heads is the attention unit's head_dim", NULL, NULL},
    {"model", "d_ff", TF_K_INT, 2, 16384, 1, NULL, F(d_ff), "FFN width", NULL, NULL},
    {"model", "layers", TF_K_INT, 1, 256, 0, "1", F(layers), "layers run in sequence", NULL,
     NULL},
    {"model", "max_seq", TF_K_INT, 1, 8192, 1, NULL, F(max_seq),
     "longest sequence (prompt + generated tokens)", NULL, NULL},
    {"model", "sequences", TF_K_INT, 1, 64, 0, "4", F(sequences),
     "entries of the request table: sequences whose KV caches are held at once", NULL, NULL},
    {"model", "norm", TF_K_ENUM, 0, 0, 0, "post", F(norm),
     "LayerNorm after each residual add (post, BERT/MiniLM) or before each block (pre, GPT)",
     &w_norm, NULL},
    {"model", "act", TF_K_ENUM, 0, 0, 0, "gelu", F(act), "FFN activation", &w_act, NULL},
    {"model", "attention", TF_K_ENUM, 0, 0, 0, "causal", F(attention),
     "causal (a token sees those before it: prefill and decode) or bidirectional (encoders)",
     &w_mask, NULL},
    {"batch", "bmax", TF_K_INT, 1, 16, 0, "1", F(bmax),
     "request-table entries whose tokens share a step's weight GEMMs (1: one at a time)", NULL,
     NULL},
    {"batch", "policy", TF_K_ENUM, 0, 0, 0, "fit", F(policy),
     "how batches are formed (the BATCH register's FIT after reset): order (table order, the first "
     "entry that does not fit closes the batch) or fit (it waits; later entries may still join)",
     &w_policy, NULL},
};
#undef F

static int imax(int a, int b) { return a > b ? a : b; }

const char *const tf_csr_cnt_name[TF_CSR_NCNT] = {"CYCLES", "ARRAY_BUSY", "ATTN_BUSY",
                                                   "STALL", "RD_BYTES", "WR_BYTES", "BATCHES"};

void model_csr_shape(const struct model_plan *p, unsigned out[3])
{
    out[0] = (unsigned)p->d | (unsigned)p->heads << 16;
    out[1] = (unsigned)p->d_ff | (unsigned)p->layers << 16;
    out[2] = (unsigned)p->max_seq | (unsigned)p->sequences << 16 |
             (unsigned)(p->norm == TF_NORM_PRE) << 24 | (unsigned)(p->attention == TF_MASK_CAUSAL) << 25;
}

long long model_macs_token(const struct model_plan *p, long long ctx)
{
    long long d = p->d;
    return 4 * d * d + 2 * d * p->d_ff + 2 * ctx * d;
}

static void model_check(const void *cfgp, struct tf_rules *r)
{
    const struct model_cfg *c = cfgp;
    const struct gemm_cfg *g = r->cfg->blk[TF_BLK_gemm];
    const struct attn_cfg *at = r->cfg->blk[TF_BLK_attn];
    const struct aux_cfg *x = r->cfg->blk[TF_BLK_aux];
    const void *m = r->cfg->blk[TF_BLK_mem];
    if (!g || !at || !x || !m)
        rule_fail(r, "model.d_model",
                  "a config with [array], [gemm], [attn], [aux] and [mem] besides [model]",
                  "a layer runs on the GEMM engine, the attention unit, the auxiliary unit and "
                  "the memory system: [%s] %s missing",
                  !g ? "gemm" : !at ? "attn" : !x ? "aux" : "mem", "is");
    if (c->d_model % c->heads)
        rule_fail(r, "model.d_model,model.heads", "heads dividing d_model",
                  "%d heads do not divide d_model %d", c->heads, c->d_model);
    int hd = c->d_model / c->heads;
    if (hd != at->head_dim)
        rule_fail(r, "attn.head_dim,model.d_model,model.heads",
                  arena_printf(r->a, "attn.head_dim = %d", hd),
                  "the model's heads are d_model / heads = %d wide", hd);
    if (c->heads % at->heads)
        rule_fail(r, "attn.heads,model.heads",
                  arena_printf(r->a, "attn.heads dividing %d", c->heads),
                  "the model's %d heads do not share the unit's %d caches evenly", c->heads,
                  at->heads);
    /* The KV cache of every layer, head and request-table entry stays in the unit's banks:
     * each of its caches holds one region per layer, sequence and model head it serves, and
     * the sequencer names the region and its count with every command. */
    long long need = (long long)(c->heads / at->heads) * c->layers * c->sequences;
    if (at->regions < need || at->regions < 2)
        rule_fail(r, "attn.regions,model.layers,model.sequences,model.heads,attn.heads",
                  arena_printf(r->a, "attn.regions at least %lld", need < 2 ? 2 : need),
                  "each cache holds a region per layer, sequence and model head of it "
                  "((heads / attn.heads) x layers x sequences = %lld), and the sequencer passes "
                  "every region's count (regions > 1)", need);
    else if (at->tokens_per_bank % at->regions == 0 &&
             c->max_seq > (long long)at->banks * (at->tokens_per_bank / at->regions))
        rule_fail(r, "model.max_seq,attn.banks,attn.tokens_per_bank,attn.regions",
                  arena_printf(r->a, "max_seq at most banks x tokens_per_bank / regions = %lld",
                               (long long)at->banks * (at->tokens_per_bank / at->regions)),
                  "a sequence's tokens of one layer and head fill one region");
    /* The weight GEMMs keep K whole (the memory system does not split K): K is d_model
     * for the projections and FFN-up, d_ff for FFN-down. */
    int kmax = imax(c->d_model, c->d_ff);
    if (g->max_k < kmax)
        rule_fail(r, "gemm.max_k,model.d_model,model.d_ff", arena_printf(r->a, "max_k at least %d", kmax),
                  "a weight GEMM of the layer has K = %d (FFN-down: d_ff; the rest: d_model)", kmax);
    if (g->operand_bits != 8)
        rule_fail(r, "array.operand_bits,model.d_model", "8 with [model]",
                  "the layer's weights and activations are int8");
    /* Every row the auxiliary unit finishes is one GEMM output row: N = d_model or d_ff. */
    int nmax = imax(c->d_model, c->d_ff);
    if (x->max_d < nmax)
        rule_fail(r, "aux.max_d,model.d_model,model.d_ff", arena_printf(r->a, "max_d at least %d", nmax),
                  "a GEMM output row of the layer is %d long", nmax);
    static const char *const stage[] = {"bias", "requant", "residual", "layernorm", "gelu"};
    const int on[] = {x->bias, x->requant, x->residual, x->layernorm, x->gelu};
    for (int i = 0; i < 5; i++)
        if (!on[i])
            rule_fail(r, arena_printf(r->a, "aux.%s,model.d_model", stage[i]), arena_printf(r->a, "aux.%s = true", stage[i]),
                      "a layer uses the %s stage", stage[i]);
    if (x->ln_max_d < c->d_model)
        rule_fail(r, "aux.ln_max_d,model.d_model", arena_printf(r->a, "ln_max_d at least %d", c->d_model),
                  "LayerNorm rows are d_model long");
    /* The epilogue puts the auxiliary unit on the engine's result beats (tf_epilogue,
     * docs/architecture.md 3.11): a beat's residual lanes inside one port word, a RUN over a
     * command's rows (one lane per array column, lanes as wide as the engine's accumulators:
     * the unit's own rules). */
    const struct mem_cfg *mc = m;
    if ((mc->data_bits / 8) % g->cols != 0)
        rule_fail(r, "mem.data_bits,array.cols,model.d_model",
                  arena_printf(r->a, "a port of a multiple of %d bytes", g->cols),
                  "a result beat's %d residual bytes must sit in one port word", g->cols);
    if (x->max_rows < c->max_seq)
        rule_fail(r, "aux.max_rows,model.max_seq", arena_printf(r->a, "aux.max_rows at least %d", c->max_seq),
                  "an auxiliary command covers a GEMM command's rows, up to a whole prompt");
    if (c->bmax > c->sequences)
        rule_fail(r, "batch.bmax,model.sequences", arena_printf(r->a, "bmax at most %d", c->sequences),
                  "a batch is formed from the request table's entries");
    if (x->ln_out_bits != 8)
        rule_fail(r, "aux.ln_out_bits,model.d_model", "8 with [model]",
                  "LayerNorm outputs are the next GEMM's int8 operands");
    /* the epilogue's per-column shifts (docs/numerics.md 12): an int8 residual operand shifted
     * left by up to 7, a GELU output shifted right by up to 7 to int8 */
    if (x->gelu_out_bits != 16 || x->res_in_bits != 16)
        rule_fail(r, x->gelu_out_bits != 16 ? "aux.gelu_out_bits,model.d_model" : "aux.res_in_bits,model.d_model",
                  "16 with [model]", "the epilogue shifts int8 residual operands left and GELU outputs right by "
                  "up to 7 bits per column");
}

static const void *model_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                                struct diag *d)
{
    const struct model_cfg *c = cfgp;
    const struct attn_plan *at = plan_attn(root);
    if (!at)
        tf_unreachable(d); /* model_check */
    struct model_plan *p = arena_alloc(a, sizeof *p);
    p->d = c->d_model;
    p->heads = c->heads;
    p->head_dim = c->d_model / c->heads;
    p->d_ff = c->d_ff;
    p->layers = c->layers;
    p->max_seq = c->max_seq;
    p->sequences = c->sequences;
    p->bmax = c->bmax;
    p->norm = c->norm;
    p->act = c->act;
    p->attention = c->attention;
    p->policy = c->policy;
    p->heads_per_cache = c->heads / at->heads;
    p->kv_tokens = (long long)p->heads_per_cache * p->layers * p->max_seq * p->sequences;
    p->kv_cap = at->cap;
    p->weight_bytes = 4LL * p->d * p->d + 2LL * p->d * p->d_ff;
    p->macs_token = model_macs_token(p, p->max_seq);
    return p;
}

static void model_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    (void)root;
    const struct model_plan *p = bp;
    fprintf(f,
            "model             %d layer%s, d %d = %d heads x %d, d_ff %d, %s-LN, %s, %s attention; "
            "up to %d tokens, %d sequence%s, batches of up to %d (%s)\n",
            p->layers, p->layers > 1 ? "s" : "", p->d, p->heads, p->head_dim, p->d_ff,
            norm_names[p->norm], act_names[p->act], mask_names[p->attention], p->max_seq,
            p->sequences, p->sequences > 1 ? "s" : "", p->bmax, policy_names[p->policy]);
    fprintf(f,
            "model work        per layer: %lld weight bytes (int8), %lld MACs per token at %d tokens "
            "of context; KV %lld of %d tokens per attention cache\n",
            p->weight_bytes, p->macs_token, p->max_seq, p->kv_tokens, p->kv_cap);
}

static void model_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                         struct arena *a)
{
    (void)root;
    const struct model_plan *p = bp;
    par_section(pp, "the transformer ([model])");
    par_int(pp, "MODEL_D", p->d, "d_model");
    par_int(pp, "MODEL_HEADS", p->heads, NULL);
    par_int(pp, "MODEL_HEAD_DIM", p->head_dim, "d_model / heads");
    par_int(pp, "MODEL_D_FF", p->d_ff, NULL);
    par_int(pp, "MODEL_LAYERS", p->layers, NULL);
    par_int(pp, "MODEL_EP_OP_LOAD_SHIFT", TF_EP_OP_LOAD_SHIFT, "the GEMM epilogue's LOAD of its per-column shift table");
    par_int(pp, "MODEL_MAX_SEQ", p->max_seq, "longest sequence");
    par_int(pp, "MODEL_SEQUENCES", p->sequences, "request-table entries");
    par_int(pp, "MODEL_BMAX", p->bmax, "entries per batch ([batch] bmax)");
    par_flag(pp, "MODEL_BATCH_FIT", p->policy == TF_POLICY_FIT, "[batch] policy = fit (BATCH.FIT after reset)");
    par_flag(pp, "MODEL_PRE_LN", p->norm == TF_NORM_PRE, "LayerNorm before each block (else after)");
    par_flag(pp, "MODEL_CAUSAL", p->attention == TF_MASK_CAUSAL, "causal attention (else bidirectional)");
    par_int(pp, "MODEL_HEADS_PER_CACHE", p->heads_per_cache, "model heads on one attention cache");
    par_int(pp, "MODEL_WEIGHT_BYTES", p->weight_bytes, "int8 weights of one layer");
    par_section(pp, "the accelerator's registers (<name>_csr, AXI4-Lite; byte offsets)");
    static const struct {
        const char *name;
        int v;
        const char *what;
    } regs[] = {
        {"MODEL_CSR_ID", TF_CSR_ID, "RO: MODEL_CSR_ID_VALUE"},
        {"MODEL_CSR_SHAPE0", TF_CSR_SHAPE0, "RO: d_model [15:0], heads [31:16]"},
        {"MODEL_CSR_SHAPE1", TF_CSR_SHAPE1, "RO: d_ff [15:0], layers [31:16]"},
        {"MODEL_CSR_SHAPE2", TF_CSR_SHAPE2, "RO: max_seq [15:0], sequences [23:16], pre_ln [24], causal [25]"},
        {"MODEL_CSR_CTRL", TF_CSR_CTRL, "START (write 1), IRQ_EN"},
        {"MODEL_CSR_STATUS", TF_CSR_STATUS, "RO: BUSY, DONE, ERR"},
        {"MODEL_CSR_IRQ", TF_CSR_IRQ, "DONE, ERR pending; write 1 to clear"},
        {"MODEL_CSR_ERR", TF_CSR_ERR, "RO: code [7:0], sequence [15:8]"},
        {"MODEL_CSR_WBASE_LO", TF_CSR_WBASE_LO, "weight image address"},
        {"MODEL_CSR_WBASE_HI", TF_CSR_WBASE_HI, NULL},
        {"MODEL_CSR_BATCH", TF_CSR_BATCH, "CAP [4:0] (0: bmax; above bmax refused), FIT"},
        {"MODEL_CSR_CNT", TF_CSR_CNT, "RO 64-bit counters: LO at +8k, HI at +8k+4"},
        {"MODEL_CSR_REQ", TF_CSR_REQ, "request-table entry i at + i * MODEL_CSR_REQ_STRIDE"},
        {"MODEL_CSR_REQ_STRIDE", TF_CSR_REQ_STRIDE, NULL},
        {"MODEL_CSR_REQ_CTRL", TF_CSR_REQ_CTRL, "ACTIVE, DECODE, RESET (write 1)"},
        {"MODEL_CSR_REQ_POS", TF_CSR_REQ_POS, "RO: tokens run"},
        {"MODEL_CSR_REQ_LEN", TF_CSR_REQ_LEN, "tokens of this request"},
        {"MODEL_CSR_REQ_IN_LO", TF_CSR_REQ_IN_LO, "input rows' address"},
        {"MODEL_CSR_REQ_IN_HI", TF_CSR_REQ_IN_HI, NULL},
        {"MODEL_CSR_REQ_OUT_LO", TF_CSR_REQ_OUT_LO, "output rows' address"},
        {"MODEL_CSR_REQ_OUT_HI", TF_CSR_REQ_OUT_HI, NULL},
        {"MODEL_CSR_CTRL_START", TF_CSR_CTRL_START, "bit positions"},
        {"MODEL_CSR_CTRL_IRQ_EN", TF_CSR_CTRL_IRQ_EN, NULL},
        {"MODEL_CSR_ST_BUSY", TF_CSR_ST_BUSY, NULL},
        {"MODEL_CSR_ST_DONE", TF_CSR_ST_DONE, "STATUS and IRQ"},
        {"MODEL_CSR_ST_ERR", TF_CSR_ST_ERR, "STATUS and IRQ"},
        {"MODEL_CSR_REQ_ACTIVE", TF_CSR_REQ_ACTIVE, NULL},
        {"MODEL_CSR_REQ_DECODE", TF_CSR_REQ_DECODE, NULL},
        {"MODEL_CSR_REQ_RESET", TF_CSR_REQ_RESET, NULL},
        {"MODEL_CSR_BATCH_FIT", TF_CSR_BATCH_FIT, "BATCH: first-fit policy"},
        {"MODEL_CSR_BATCH_CAP_W", TF_CSR_BATCH_CAP_W, "BATCH: width of CAP"},
        {"MODEL_CSR_LEN_W", TF_CSR_LEN_W, "width of REQ_LEN and REQ_POS"},
        {"MODEL_CSR_NCNT", TF_CSR_NCNT, "counters"},
    };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        par_int(pp, regs[i].name, regs[i].v, regs[i].what);
    par_int(pp, "MODEL_CSR_ID_VALUE", TF_CSR_ID_VALUE, "\"TFG1\"");
    for (int k = 0; k < TF_CSR_NCNT; k++)
        par_int(pp, arena_printf(a, "MODEL_CSR_CNT_%s", tf_csr_cnt_name[k]), TF_CSR_CNT + 8 * k,
                k == 0 ? "cycles while busy" : NULL);
    unsigned sh[3];
    model_csr_shape(p, sh);
    par_int(pp, "MODEL_CSR_SHAPE0_VALUE", sh[0], NULL);
    par_int(pp, "MODEL_CSR_SHAPE1_VALUE", sh[1], NULL);
    par_int(pp, "MODEL_CSR_SHAPE2_VALUE", sh[2], NULL);
}

/* the files of another top, into t (each once, in their order: leaves first) */
static void top_include(struct tf_top *t, const struct tf_top *o)
{
    for (int i = 0; o && i < o->nfiles; i++) {
        int have = 0;
        for (int j = 0; j < t->nfiles; j++)
            have |= !strcmp(t->files[j], o->files[i]);
        if (!have && t->nfiles < TF_MAX_MODULES)
            t->files[t->nfiles++] = o->files[i];
    }
}

static void model_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    (void)bp;
    const char *top = arena_printf(a, "%s_csr", root->name);
    struct tf_top *t = top_add(root, TF_BLK_model, top, top);
    top_template(t, root, "tf_csr", a, d);
    top_generated(t, top, a, d);
    if (!model_has_accel(root))
        return;
    /* the accelerator: the blocks' tops below it, then the top's own modules */
    const char *acc = arena_printf(a, "%s_accel", root->name);
    const struct tf_top *sub[] = {plan_top(root, arena_printf(a, "%s_sys", root->name)),
                                  plan_top(root, arena_printf(a, "%s_aux", root->name)),
                                  plan_top(root, arena_printf(a, "%s_attn", root->name))};
    struct tf_top *ta = top_add(root, TF_BLK_model, acc, acc);
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        if (!sub[i])
            tf_unreachable(d); /* model_check: [mem], [aux], [attn] are built */
        top_include(ta, sub[i]);
    }
    struct tf_top tmp;
    memset(&tmp, 0, sizeof tmp);
    static const char *const own[] = {"tf_csr", "tf_mem_stream", "tf_axi_mux", "tf_epilogue", "tf_attn_feed",
                                      "tf_seq"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        top_template(&tmp, root, own[i], a, d);
    top_include(ta, &tmp);
    top_include(ta, t); /* <name>_csr */
    top_generated(ta, acc, a, d);
}

const struct tf_block tf_block_model = {
    .name = "model",
    .title = "transformer model",
    .sections = model_sections,
    .keys = model_keys,
    .nkeys = (int)(sizeof model_keys / sizeof model_keys[0]),
    .cfg_size = sizeof(struct model_cfg),
    .hardware = 1,
    .check = model_check,
    .derive = model_derive,
    .link = model_link,
    .print = model_print,
    .params = model_params,
    .emit_rtl = model_emit_rtl,
};
