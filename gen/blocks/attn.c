/* attn.c -- the PIM-style attention unit block: keys of [attn] and their rules
 * (docs/config.md 4.1, docs/numerics.md 10), its plan (the model's constants come
 * from model/tf_attn.c), report lines, params section and top <name>_attn. */
#include "blocks/attn.h"

static int imax(int a, int b) { return a > b ? a : b; }

static const char *const attn_sections[] = {"attn", NULL};
static const char *const prune_names[] = {"none", "importance"}; /* enum tf_prune */
static const struct tf_words w_prune = TF_WORDS(prune_names, "pruning policy");

#define F(f) offsetof(struct attn_cfg, f)
static const struct tf_key attn_keys[] = {
    {"attn", "banks", TF_K_INT, 1, 64, 1, NULL, F(banks),
     "KV-cache banks, each with its own compute lanes (the [attn] section describes the attention unit)",
     NULL, NULL},
    {"attn", "tokens_per_bank", TF_K_INT, 1, 1024, 1, NULL, F(tokens_per_bank),
     "tokens each bank holds; capacity = banks * tokens_per_bank <= 8192", NULL, NULL},
    {"attn", "head_dim", TF_K_INT, 1, 256, 0, "64", F(head_dim), "head dimension D", NULL, NULL},
    {"attn", "heads", TF_K_INT, 1, 16, 0, "1", F(heads), "attention heads, one KV cache each", NULL,
     NULL},
    {"attn", "heads_parallel", TF_K_BOOL, 0, 1, 0, "false", F(heads_parallel),
     "one unit per head, all stepped together (true), or the heads time-multiplexed (false)", NULL,
     NULL},
    {"attn", "lanes", TF_K_INT, 1, 256, 0, "8", F(lanes),
     "multiply-accumulate lanes per bank; must divide head_dim", NULL, NULL},
    {"attn", "kv_bits", TF_K_INT, 4, 8, 0, "8", F(kv_bits),
     "KV storage: 8 (int8) or 4 (int4 with a per-token scale)", NULL, NULL},
    {"attn", "exp_table_bits", TF_K_INT, 2, 10, 0, "8", F(exp_table_bits),
     "the softmax exponent table has 2^exp_table_bits entries", NULL, NULL},
    {"attn", "exp_bits", TF_K_INT, 6, 16, 0, "15", F(exp_bits), "precision P of the exponent", NULL,
     NULL},
    {"attn", "exp_frac_bits", TF_K_INT, 2, 30, 0, "24", F(exp_frac_bits),
     "fraction bits F of the score constant and exponent argument (>= exp_table_bits)", NULL, NULL},
    {"attn", "prob_bits", TF_K_INT, 6, 16, 0, "15", F(prob_bits),
     "probabilities are unsigned Q0.prob_bits", NULL, NULL},
    {"attn", "importance_bits", TF_K_INT, 7, 32, 0, "32", F(importance_bits),
     "width of a token's accumulated importance (> prob_bits)", NULL, NULL},
    {"attn", "prune", TF_K_ENUM, 0, 0, 0, "importance", F(prune),
     "full cache: none = refuse the append, importance = evict the least important token",
     &w_prune, NULL},
    {"attn", "recent", TF_K_INT, 0, 8191, 0, "0", F(recent),
     "the most recent tokens never evicted (< capacity)", NULL, "attn.prune=importance"},
    {"attn", "topk", TF_K_INT, 0, 8192, 0, "0", F(topk),
     "0 = off, else only the topk largest scores enter the softmax (<= capacity)", NULL, NULL},
    {"attn", "regions", TF_K_INT, 1, 1024, 0, "1", F(regions),
     "regions per head's cache, tokens_per_bank / regions rows each; > 1: every command names "
     "its region and the tokens it holds (needs prune = none)", NULL, NULL},
};
#undef F

long long attn_storage_bits(const struct attn_cfg *c)
{
    long long cap = (long long)c->banks * c->tokens_per_bank;
    long long per_token = 2LL * c->head_dim * c->kv_bits + (c->kv_bits == 4 ? 10 : 0);
    return c->heads * cap * per_token;
}

static void attn_check(const void *cfgp, struct tf_rules *r)
{
    const struct attn_cfg *c = cfgp;
    long cap = (long)c->banks * c->tokens_per_bank;
    if (cap > 8192)
        rule_fail(r, "attn.tokens_per_bank,attn.banks", "banks * tokens_per_bank at most 8192",
                  "capacity %ld tokens", cap);
    if (c->kv_bits != 4 && c->kv_bits != 8)
        rule_fail(r, "attn.kv_bits", "4, 8", "not a KV storage format");
    if (c->lanes > c->head_dim || c->head_dim % c->lanes != 0)
        rule_fail(r, "attn.lanes,attn.head_dim", "a divisor of head_dim",
                  "lanes does not divide head_dim");
    if (c->exp_frac_bits < c->exp_table_bits)
        rule_fail(r, "attn.exp_frac_bits,attn.exp_table_bits",
                  arena_printf(r->a, "exp_frac_bits %d..30", c->exp_table_bits),
                  "fewer fraction bits than table bits");
    if (c->importance_bits <= c->prob_bits)
        rule_fail(r, "attn.importance_bits,attn.prob_bits",
                  arena_printf(r->a, "importance_bits %d..32", c->prob_bits + 1),
                  "importances not wider than probabilities");
    if (c->recent >= cap)
        rule_fail(r, "attn.recent,attn.banks,attn.tokens_per_bank",
                  arena_printf(r->a, "recent 0..%ld", cap - 1),
                  "the whole cache of %ld tokens would be protected", cap);
    if (c->regions > 1 && c->tokens_per_bank % c->regions == 0)
        cap = (long)c->banks * (c->tokens_per_bank / c->regions);
    if (c->topk > cap)
        rule_fail(r, c->regions > 1 ? "attn.topk,attn.banks,attn.tokens_per_bank,attn.regions"
                                    : "attn.topk,attn.banks,attn.tokens_per_bank",
                  arena_printf(r->a, "topk 0..%ld", cap), "more than the %s of %ld tokens",
                  c->regions > 1 ? "capacity of a region" : "capacity", cap);
    if (c->regions > 1 && c->tokens_per_bank % c->regions != 0)
        rule_fail(r, "attn.regions,attn.tokens_per_bank", "a divisor of tokens_per_bank",
                  "regions of unequal size");
    if (c->regions > 1 && c->prune != TF_PRUNE_NONE)
        rule_fail(r, "attn.regions,attn.prune", "prune = none with regions > 1",
                  "the host keeps a region's count, so the unit cannot evict");
    long long bits = attn_storage_bits(c);
    if (bits > TF_MAX_BUFFER_BITS)
        rule_fail(r, "attn.heads,attn.banks,attn.tokens_per_bank,attn.head_dim,attn.kv_bits",
                  arena_printf(r->a, "at most %lld bits", TF_MAX_BUFFER_BITS),
                  "the KV cache would hold %lld bits", bits);
}

struct tfa_arch attn_arch(const struct attn_plan *p)
{
    struct tfa_arch a = {0};
    a.banks = p->banks;
    a.tokens_per_bank = p->reg_rows; /* the cache one command sees: a region */
    a.head_dim = p->d;
    a.kv_bits = p->kv_bits;
    a.exp_frac_bits = p->f;
    a.exp_table_bits = p->t;
    a.exp_bits = p->p;
    a.prob_bits = p->pb;
    a.imp_bits = p->imp_bits;
    a.prune = p->prune == TF_PRUNE_IMPORTANCE ? TFA_PRUNE_IMPORTANCE : TFA_PRUNE_NONE;
    a.recent = p->recent;
    a.topk = p->topk;
    a.scale_c = p->scale_c;
    return a;
}

static const void *attn_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                               struct diag *d)
{
    (void)root;
    const struct attn_cfg *c = cfgp;
    struct attn_plan *p = arena_alloc(a, sizeof *p);
    p->banks = c->banks;
    p->tpb = c->tokens_per_bank;
    p->cap = p->banks * p->tpb;
    p->d = c->head_dim;
    p->heads = c->heads;
    p->parallel = c->heads_parallel;
    p->lanes = c->lanes;
    p->kv_bits = c->kv_bits;
    p->t = c->exp_table_bits;
    p->p = c->exp_bits;
    p->f = c->exp_frac_bits;
    p->pb = c->prob_bits;
    p->imp_bits = c->importance_bits;
    p->prune = c->prune;
    p->recent = c->recent;
    p->topk = c->topk;
    p->regions = c->regions;
    p->reg_rows = c->tokens_per_bank / c->regions;
    p->rg_w = imax(tf_clog2(p->regions), 1);
    p->scale_c = tfa_scale_const(p->d, p->f);
    p->bits = attn_storage_bits(c);
    struct tfa_arch ar = attn_arch(p);
    ar.scale_c = ar.scale_c ? ar.scale_c : 1;
    const char *why = tfa_check(&ar);
    if (why) /* the config rules above enforce every condition the model checks */
        tf_fail(d, TF_EXIT_INTERNAL, "internal error: attention plan rejected by the model (%s)", why);
    p->guard = tfa_recip_guard(&ar);
    p->ch = p->d / p->lanes;
    p->row_w = imax(tf_clog2(p->tpb), 1);
    p->ch_w = imax(tf_clog2(p->ch), 1);
    p->h_w = imax(tf_clog2(p->heads), 1);
    p->b_w = imax(tf_clog2(p->banks), 1);
    p->slot_w = imax(tf_clog2(p->cap + 1), 1);
    p->dw = imax(tf_clog2(p->d), 1);
    p->hp = p->parallel ? p->heads : 1;
    p->hcore = p->parallel ? 1 : p->heads;
    p->hcore_w = imax(tf_clog2(p->hcore), 1);
    p->maw = imax(tf_clog2((long long)p->hcore * p->tpb * p->ch), 1);
    p->saw = imax(tf_clog2((long long)p->hcore * p->tpb), 1);
    /* |o| <= (2^PB + cap) * 19 * 128: PB + clog2(cap) + 14 bits and a sign */
    p->ow = p->pb + tf_clog2(p->cap + 1) + 15;
    p->scale_w = 32;         /* scale_c: a 32-bit run-time constant (model/tf_attn.h) */
    p->kv_w = 8;             /* q, k, v arrive as int8 */
    p->cnt_w = TF_ATTN_CNT_W;
    return p;
}

static void attn_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    (void)bp;
    const char *top = arena_printf(a, "%s_attn", root->name);
    struct tf_top *t = top_add(root, TF_BLK_attn, top, top);
    top_template(t, root, "tf_ram_1r1w", a, d);
    top_template(t, root, "tf_attn_core", a, d);
    top_generated(t, top, a, d);
}

static void attn_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    (void)root;
    const struct attn_plan *p = bp;
    fprintf(f,
            "attention unit    %d head%s (%s), %d banks x %d tokens = %d, D = %d, %d lanes per bank; "
            "KV int%d%s, %lld bits; exp table 2^%d x %d bits, F = %d, PB = %d, scale_c %u; "
            "pruning %s%s; top-k %d",
            p->heads, p->heads > 1 ? "s" : "", p->parallel ? "parallel" : "time-multiplexed",
            p->banks, p->tpb, p->cap, p->d, p->lanes, p->kv_bits,
            p->kv_bits == 4 ? " + per-token scale" : "", p->bits, p->t, p->p + 1, p->f, p->pb,
            p->scale_c, p->prune == TF_PRUNE_IMPORTANCE ? "importance" : "none",
            p->prune == TF_PRUNE_IMPORTANCE && p->recent ? ", recent window" : "", p->topk);
    if (p->regions > 1)
        fprintf(f, "; %d regions of %d tokens per head, counts from the command",
                p->regions, p->banks * p->reg_rows);
    fputc('\n', f);
}

static void attn_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                        struct arena *a)
{
    const struct attn_plan *p = bp;
    par_section(pp, "attention unit (<name>_attn)");
    par_v(pp, "ATTN_TOP", arena_printf(a, "%s_attn", root->name), "the unit's top module");
    par_int(pp, "ATTN_HEADS", p->heads, NULL);
    par_int(pp, "ATTN_HEADS_PARALLEL", p->parallel, NULL);
    par_int(pp, "ATTN_LANES", p->lanes, NULL);
    par_int(pp, "ATTN_D", p->d, "head dimension");
    par_int(pp, "ATTN_CAP", p->cap, "tokens per head");
    par_int(pp, "ATTN_GUARD", p->guard, "reciprocal guard bits");
    par_int(pp, "ATTN_OW", p->ow, "o_data_o width per head");
    par_int(pp, "ATTN_SLOT_W", p->slot_w, NULL);
    par_int(pp, "ATTN_HEAD_W", p->h_w, "cmd_head_i");
    par_int(pp, "ATTN_SCALE_W", p->scale_w, "cmd_scale_i per head");
    par_int(pp, "ATTN_KV_W", p->kv_w, "in_q_i, in_k_i, in_v_i per head");
    par_int(pp, "ATTN_CNT_W", p->cnt_w, "stat_cycles_o, stat_wait_o");
    par_int(pp, "ATTN_REGIONS", p->regions, "regions per head's cache (> 1: counts from the command)");
    par_int(pp, "ATTN_REG_ROWS", p->reg_rows, "rows of a region");
    par_int(pp, "ATTN_REGION_W", p->rg_w, "cmd_region_i");
    par_int(pp, "ATTN_MODE_W", TF_ATTN_MODE_W, "cmd_mode_i");
    par_int(pp, "ATTN_MODE_STEP", TFA_MODE_STEP, "append, then attend");
    par_int(pp, "ATTN_MODE_APPEND", TFA_MODE_APPEND, "append only (no o)");
    par_int(pp, "ATTN_MODE_ATTEND", TFA_MODE_ATTEND, "attend only (nothing appended)");
    par_c(pp, "ATTN_ARCH_INIT",
          arena_printf(a,
                       "{ .banks = %d, .tokens_per_bank = %d, .head_dim = %d, .kv_bits = %d, "
                       ".exp_frac_bits = %d, .exp_table_bits = %d, .exp_bits = %d, "
                       ".prob_bits = %d, .imp_bits = %d, .prune = %d, .recent = %d, "
                       ".topk = %d, .scale_c = %uu }",
                       p->banks, p->reg_rows, p->d, p->kv_bits, p->f, p->t, p->p, p->pb,
                       p->imp_bits, p->prune, p->recent, p->topk, p->scale_c),
          "initializer for struct tfa_arch (model/tf_attn.h): the cache one command sees, a region");
}

const struct tf_block tf_block_attn = {
    .name = "attn",
    .title = "attention unit",
    .sections = attn_sections,
    .keys = attn_keys,
    .nkeys = (int)(sizeof attn_keys / sizeof attn_keys[0]),
    .cfg_size = sizeof(struct attn_cfg),
    .hardware = 1,
    .check = attn_check,
    .derive = attn_derive,
    .link = attn_link,
    .print = attn_print,
    .params = attn_params,
    .emit_rtl = attn_emit_rtl,
};
