/* cfg.c -- parse (libinih) and validate an architecture file plus -D overrides.
 *
 * Every key is described once in `keys` below: section, name, kind, legal
 * range, default and where it lands in struct tf_config. Messages have the
 * shape  FILE:LINE: section.key = value: what is wrong (legal: ...). */
#include "tforge.h"

#include <ini.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum key_kind { K_INT, K_BOOL, K_ENUM, K_IDENT };

/* The words a K_ENUM key takes: word i sets the field to i (the enum values of
 * tforge.h are numbered in this order), anything else is "unknown <what>". */
struct words {
    const char *const *names;
    int n;
    const char *what;
};
static const char *const dataflow_names[] = {"os", "ws"};           /* enum tf_dataflow */
static const char *const trf_impl_names[] = {"flops", "banked"};    /* enum tf_trf_impl */
static const char *const store_names[] = {"none", "flops", "banked"}; /* enum tf_store */
static const char *const prune_names[] = {"none", "importance"};    /* enum tf_prune */
#define WORDS(a, what) {a, (int)(sizeof a / sizeof a[0]), what}
static const struct words w_dataflow = WORDS(dataflow_names, "dataflow");
static const struct words w_trf_impl = WORDS(trf_impl_names, "implementation");
static const struct words w_store = WORDS(store_names, "store");
static const struct words w_prune = WORDS(prune_names, "pruning policy");

struct key {
    const char *section, *name;
    enum key_kind kind;
    long lo, hi;         /* K_INT range */
    int required;        /* 1: always; 2: when its section is present */
    const char *dflt;    /* default as text (applied through the same parser) */
    size_t off;          /* offset of the int / const char * field */
    size_t ooff;         /* offset of its struct cfg_origin */
    const char *meaning;
    const struct words *words; /* K_ENUM */
};

#define F(f) offsetof(struct tf_config, f), offsetof(struct tf_config, o_##f)

static const struct key keys[] = {
    {"design", "name", K_IDENT, 1, 32, 1, NULL, F(name),
     "design name: prefix of every generated module and file", NULL},
    {"array", "rows", K_INT, 1, 64, 1, NULL, F(rows), "PE rows R of the systolic array", NULL},
    {"array", "cols", K_INT, 1, 64, 1, NULL, F(cols), "PE columns C of the systolic array", NULL},
    {"array", "dataflow", K_ENUM, 0, 0, 0, "os", F(dataflow),
     "os = output-stationary, ws = weight-stationary", &w_dataflow},
    {"array", "operand_bits", K_INT, 4, 16, 0, "8", F(operand_bits),
     "width of the signed A and B operands", NULL},
    {"gemm", "max_m", K_INT, 1, 4096, 0, "64", F(max_m), "largest M (rows of A and C)", NULL},
    {"gemm", "max_k", K_INT, 1, 4096, 0, "64", F(max_k), "largest K (the reduction length)", NULL},
    {"gemm", "max_n", K_INT, 1, 4096, 0, "64", F(max_n), "largest N (columns of B and C)", NULL},
    {"gemm", "requant", K_BOOL, 0, 1, 0, "true", F(requant),
     "build the per-column requantization stage", NULL},
    {"gemm", "requant_bits", K_INT, 2, 16, 0, "8", F(requant_bits),
     "width of a requantized output element", NULL},
    {"gemm", "store", K_ENUM, 0, 0, 0, "none", F(store),
     "on-chip result store, a max_m x max_n two-direction register file a GEMM writes and "
     "the next reads as A, A^T, B or B^T: none, flops, banked", &w_store},
    {"trf", "rows", K_INT, 1, 256, 2, NULL, F(trf_rows),
     "register file rows NR (the [trf] section builds <name>_trf)", NULL},
    {"trf", "cols", K_INT, 1, 256, 2, NULL, F(trf_cols), "register file columns NC", NULL},
    {"trf", "width", K_INT, 1, 64, 0, "8", F(trf_width), "bits per word", NULL},
    {"trf", "read_ports", K_INT, 1, 2, 0, "1", F(trf_read_ports), "read ports", NULL},
    {"trf", "impl", K_ENUM, 0, 0, 0, "flops", F(trf_impl),
     "flops = registers + multiplexers, banked = max(NR,NC) skewed memory banks", &w_trf_impl},
    {"trf", "write_mask", K_BOOL, 0, 1, 0, "true", F(trf_write_mask), "per-word write mask", NULL},
    {"attn", "banks", K_INT, 1, 64, 2, NULL, F(attn_banks),
     "KV-cache banks, each with its own compute lanes (the [attn] section describes the attention unit)", NULL},
    {"attn", "tokens_per_bank", K_INT, 1, 1024, 2, NULL, F(attn_tokens_per_bank),
     "tokens each bank holds; capacity = banks * tokens_per_bank <= 8192", NULL},
    {"attn", "head_dim", K_INT, 1, 256, 0, "64", F(attn_head_dim), "head dimension D", NULL},
    {"attn", "heads", K_INT, 1, 16, 0, "1", F(attn_heads), "attention heads, one KV cache each", NULL},
    {"attn", "heads_parallel", K_BOOL, 0, 1, 0, "false", F(attn_heads_parallel),
     "one unit per head, all stepped together (true), or the heads time-multiplexed (false)", NULL},
    {"attn", "lanes", K_INT, 1, 256, 0, "8", F(attn_lanes),
     "multiply-accumulate lanes per bank; must divide head_dim", NULL},
    {"attn", "kv_bits", K_INT, 4, 8, 0, "8", F(attn_kv_bits),
     "KV storage: 8 (int8) or 4 (int4 with a per-token scale)", NULL},
    {"attn", "exp_table_bits", K_INT, 2, 10, 0, "8", F(attn_exp_table_bits),
     "the softmax exponent table has 2^exp_table_bits entries", NULL},
    {"attn", "exp_bits", K_INT, 6, 16, 0, "15", F(attn_exp_bits), "precision P of the exponent", NULL},
    {"attn", "exp_frac_bits", K_INT, 2, 30, 0, "24", F(attn_exp_frac_bits),
     "fraction bits F of the score constant and exponent argument (>= exp_table_bits)", NULL},
    {"attn", "prob_bits", K_INT, 6, 16, 0, "15", F(attn_prob_bits),
     "probabilities are unsigned Q0.prob_bits", NULL},
    {"attn", "importance_bits", K_INT, 7, 32, 0, "32", F(attn_importance_bits),
     "width of a token's accumulated importance (> prob_bits)", NULL},
    {"attn", "prune", K_ENUM, 0, 0, 0, "importance", F(attn_prune),
     "full cache: none = refuse the append, importance = evict the least important token",
     &w_prune},
    {"attn", "recent", K_INT, 0, 8191, 0, "0", F(attn_recent),
     "the most recent tokens never evicted (< capacity)", NULL},
    {"attn", "topk", K_INT, 0, 8192, 0, "0", F(attn_topk),
     "0 = off, else only the topk largest scores enter the softmax (<= capacity)", NULL},
};
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))

static const char *const sections = "design, array, gemm, trf, attn";

/* Total operand and accumulator buffer storage a config may ask for. */
#define TF_MAX_BUFFER_BITS (64LL * 1024 * 1024)
/* Register file storage (banked: all bank copies). */
#define TF_MAX_TRF_BITS (4LL * 1024 * 1024)

/* One "section.key = value" as read, in file order. */
struct entry {
    struct entry *next;
    const char *section, *name, *value;
    struct cfg_origin at;
};

struct parse_state {
    const char *path;
    struct arena *a;
    struct entry *head, **tail;
    int line;        /* lines handed to libinih so far */
    const char *text; /* cfg_load_string: remaining text */
    FILE *fp;
    int long_line;    /* first line longer than libinih's buffer, 0 if none */
    int bad_section;  /* line of the first unknown [section], 0 if none */
    int seen[2];      /* optional_sections[i] had a header (it builds its block even if empty) */
    char bad_name[64];
};

static int known_section(const char *s);

/* Sections whose presence builds a block; their keys with required = 2 are required then. */
static const struct {
    const char *name;
    size_t flag; /* offset of the int presence flag in struct tf_config */
} optional_sections[] = {
    {"trf", offsetof(struct tf_config, trf)},
    {"attn", offsetof(struct tf_config, attn)},
};
#define NOPT ((int)(sizeof optional_sections / sizeof optional_sections[0]))

/* Index of an optional section, or -1. */
static int optional_index(const char *section)
{
    for (int i = 0; i < NOPT; i++)
        if (!strcmp(section, optional_sections[i].name))
            return i;
    return -1;
}

static int *presence(struct tf_config *cfg, int i)
{
    return (int *)((char *)cfg + optional_sections[i].flag);
}

/* Hand a line to libinih without its leading white space: libinih would take an
 * indented line for the continuation of the previous value. A line that does not
 * fit libinih's buffer is remembered and reported as an error. */
static void prepare_line(struct parse_state *ps, char *str, int num)
{
    size_t n = strlen(str);
    if ((int)n == num - 1 && str[n - 1] != '\n' && !ps->long_line)
        ps->long_line = ps->line;
    size_t lead = strspn(str, " \t");
    if (lead)
        memmove(str, str + lead, n - lead + 1);
    /* libinih reports keys, not sections: catch an unknown (possibly empty) one here */
    if (str[0] == '[' && !ps->bad_section) {
        const char *end = strchr(str, ']');
        if (end) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(end - str - 1), str + 1);
            int opt = optional_index(name);
            if (opt >= 0)
                ps->seen[opt] = 1;
            if (!known_section(name)) {
                ps->bad_section = ps->line;
                snprintf(ps->bad_name, sizeof ps->bad_name, "%s", name);
            }
        }
    }
}

static void legal_text(const struct key *k, char *buf, size_t n)
{
    switch (k->kind) {
    case K_INT: snprintf(buf, n, "%ld..%ld", k->lo, k->hi); break;
    case K_BOOL: snprintf(buf, n, "true, false, yes, no, 1, 0"); break;
    case K_ENUM:
        buf[0] = '\0';
        for (int i = 0; i < k->words->n; i++)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? ", " : "", k->words->names[i]);
        break;
    case K_IDENT: snprintf(buf, n, "a lower-case identifier [a-z][a-z0-9_]*, 1..%ld chars", k->hi); break;
    }
}

void cfg_print_keys(FILE *f)
{
    fprintf(f, "%-8s %-14s %-40s %-10s %s\n", "section", "key", "legal", "default", "meaning");
    for (int i = 0; i < NKEYS; i++) {
        char legal[128], dflt[64];
        legal_text(&keys[i], legal, sizeof legal);
        if (keys[i].required == 2)
            snprintf(dflt, sizeof dflt, "(required in [%s])", keys[i].section);
        else
            snprintf(dflt, sizeof dflt, "%s", keys[i].required == 1 ? "(required)" : keys[i].dflt);
        fprintf(f, "%-8s %-14s %-40s %-10s %s\n", keys[i].section, keys[i].name, legal, dflt,
                keys[i].meaning);
    }
}

static const char *where(const struct cfg_origin *o, char *buf, size_t n)
{
    if (o->line > 0)
        snprintf(buf, n, "%s:%d", o->file, o->line);
    else
        snprintf(buf, n, "%s", o->file);
    return buf;
}

TF_NORETURN static void bad_value(struct diag *d, const struct key *k, const struct entry *e,
                                  const char *what)
{
    char legal[128], w[512];
    legal_text(k, legal, sizeof legal);
    tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: %s (legal: %s)", where(&e->at, w, sizeof w),
            k->section, k->name, e->value, what, legal);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *ps = user;
    struct entry *e = arena_alloc(ps->a, sizeof *e);
    e->section = arena_strdup(ps->a, section);
    e->name = arena_strdup(ps->a, name);
    e->value = arena_strdup(ps->a, value);
    e->at.file = ps->path;
    e->at.line = ps->line;
    *ps->tail = e;
    ps->tail = &e->next;
    return 1;
}

/* Readers that count lines, so each entry knows where it stood. */
static char *read_file_line(char *str, int num, void *stream)
{
    struct parse_state *ps = stream;
    char *r = fgets(str, num, ps->fp);
    if (!r)
        return NULL;
    ps->line++;
    prepare_line(ps, str, num);
    /* skip the rest of an over-long line so line numbers stay right */
    if (ps->long_line == ps->line && strchr(str, '\n') == NULL) {
        int ch;
        while ((ch = fgetc(ps->fp)) != EOF && ch != '\n')
            ;
    }
    return r;
}

static char *read_string_line(char *str, int num, void *stream)
{
    struct parse_state *ps = stream;
    if (!*ps->text)
        return NULL;
    int n = 0;
    while (n < num - 1 && ps->text[n]) {
        str[n] = ps->text[n];
        n++;
        if (str[n - 1] == '\n')
            break;
    }
    str[n] = '\0';
    ps->text += n;
    ps->line++;
    char last = str[n - 1];
    prepare_line(ps, str, num);
    if (ps->long_line == ps->line && last != '\n') {
        while (*ps->text && *ps->text != '\n')
            ps->text++;
        if (*ps->text)
            ps->text++;
    }
    return str;
}

static const struct key *find_key(const char *section, const char *name)
{
    for (int i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

static int known_section(const char *s)
{
    for (int i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, s))
            return 1;
    return 0;
}

static void set_value(struct tf_config *cfg, const struct key *k, const struct entry *e,
                      struct arena *a, struct diag *d)
{
    char *base = (char *)cfg;
    const char *v = e->value;
    switch (k->kind) {
    case K_INT: {
        if (!*v)
            bad_value(d, k, e, "empty value");
        char *end;
        errno = 0;
        int hex = (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'));
        if (!(hex ? v[2] != '\0' : (v[0] >= '0' && v[0] <= '9')))
            bad_value(d, k, e, "not a number");
        long n = strtol(v, &end, hex ? 16 : 10);
        if (*end != '\0')
            bad_value(d, k, e, "not a number");
        if (errno == ERANGE || n < k->lo || n > k->hi)
            bad_value(d, k, e, "out of range");
        *(int *)(base + k->off) = (int)n;
        break;
    }
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
            *(int *)(base + k->off) = 1;
        else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
            *(int *)(base + k->off) = 0;
        else
            bad_value(d, k, e, "not a boolean");
        break;
    case K_ENUM: {
        int i = 0;
        while (i < k->words->n && strcmp(v, k->words->names[i]) != 0)
            i++;
        if (i == k->words->n) {
            char what[64];
            snprintf(what, sizeof what, "unknown %s", k->words->what);
            bad_value(d, k, e, what);
        }
        *(int *)(base + k->off) = i;
        break;
    }
    case K_IDENT: {
        size_t n = strlen(v);
        if (n < (size_t)k->lo || n > (size_t)k->hi)
            bad_value(d, k, e, "bad length");
        if (!(v[0] >= 'a' && v[0] <= 'z'))
            bad_value(d, k, e, "must start with a lower-case letter");
        for (size_t i = 0; i < n; i++)
            if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
                bad_value(d, k, e, "bad character");
        *(const char **)(base + k->off) = arena_strdup(a, v);
        break;
    }
    }
    *(struct cfg_origin *)(base + k->ooff) = e->at;
}

static void apply(struct tf_config *cfg, const struct entry *e, int from_file, struct arena *a,
                  struct diag *d)
{
    char w[512];
    if (!*e->section)
        tf_fail(d, TF_EXIT_INPUT, "%s: %s = %s: key outside any section (legal: in one of the sections %s)",
                where(&e->at, w, sizeof w), e->name, e->value, sections);
    if (!known_section(e->section))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown section [%s] (legal: %s)",
                where(&e->at, w, sizeof w), e->section, e->name, e->value, e->section, sections);
    const struct key *k = find_key(e->section, e->name);
    if (!k) {
        char legal[256] = "";
        for (int i = 0; i < NKEYS; i++) {
            if (strcmp(keys[i].section, e->section))
                continue;
            if (*legal)
                strncat(legal, ", ", sizeof legal - strlen(legal) - 1);
            strncat(legal, keys[i].name, sizeof legal - strlen(legal) - 1);
        }
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown key in [%s] (legal: %s)",
                where(&e->at, w, sizeof w), e->section, e->name, e->value, e->section, legal);
    }
    const struct cfg_origin *prev = (const struct cfg_origin *)((const char *)cfg + k->ooff);
    if (from_file && prev->line > 0 && !strcmp(prev->file, e->at.file))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: duplicate key, first set at line %d (legal: once per file)",
                where(&e->at, w, sizeof w), k->section, k->name, e->value, prev->line);
    set_value(cfg, k, e, a, d);
    int opt = optional_index(k->section);
    if (opt >= 0)
        *presence(cfg, opt) = 1;
}

/* The result store holds requantized results as operands: max_m x max_n words of
 * operand_bits, so requantization must exist and fit an operand, and the register
 * file's 256 rows / columns apply. */
static void check_store(const struct tf_config *cfg, struct diag *d)
{
    char w[512];
    if (cfg->store == TF_STORE_NONE)
        return;
    const char *impl = cfg->store == TF_STORE_BANKED ? "banked" : "flops";
    if (!cfg->requant)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.store = %s: the store keeps requantized results, but gemm.requant = false "
                "(legal: store = none, or requant = true)",
                where(&cfg->o_store, w, sizeof w), impl);
    if (cfg->requant_bits > cfg->operand_bits)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.store = %s: a stored result is a %d-bit operand, but gemm.requant_bits = %d "
                "(legal: requant_bits 2..%d with a store)",
                where(&cfg->o_store, w, sizeof w), impl, cfg->operand_bits, cfg->requant_bits,
                cfg->operand_bits);
    if (cfg->max_m > 256 || cfg->max_n > 256)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.store = %s: the store is max_m x max_n = %d x %d words (legal: max_m and "
                "max_n 1..256 with a store)",
                where(&cfg->o_store, w, sizeof w), impl, cfg->max_m, cfg->max_n);
    /* at most 256 x 256 x 16 bits x 2 banked copies = 2 Mibit: below TF_MAX_TRF_BITS */
}

/* [attn]: the rules docs/numerics.md section 10 and docs/config.md 4.1 state. */
static void check_attn(const struct tf_config *cfg, struct diag *d)
{
    char w[512];
    if (!cfg->attn)
        return;
    long cap = (long)cfg->attn_banks * cfg->attn_tokens_per_bank;
    if (cap > 8192)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.banks = %d, attn.tokens_per_bank = %d: capacity %ld tokens (legal: "
                "banks * tokens_per_bank at most 8192)",
                where(cfg->o_attn_tokens_per_bank.line ? &cfg->o_attn_tokens_per_bank
                                                       : &cfg->o_attn_banks, w, sizeof w),
                cfg->attn_banks, cfg->attn_tokens_per_bank, cap);
    if (cfg->attn_kv_bits != 4 && cfg->attn_kv_bits != 8)
        tf_fail(d, TF_EXIT_INPUT, "%s: attn.kv_bits = %d: not a KV storage format (legal: 4, 8)",
                where(&cfg->o_attn_kv_bits, w, sizeof w), cfg->attn_kv_bits);
    if (cfg->attn_lanes > cfg->attn_head_dim || cfg->attn_head_dim % cfg->attn_lanes != 0)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.lanes = %d: does not divide attn.head_dim = %d (legal: a divisor of "
                "head_dim)",
                where(&cfg->o_attn_lanes, w, sizeof w), cfg->attn_lanes, cfg->attn_head_dim);
    if (cfg->attn_exp_frac_bits < cfg->attn_exp_table_bits)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.exp_frac_bits = %d: fewer than attn.exp_table_bits = %d (legal: %d..30)",
                where(&cfg->o_attn_exp_frac_bits, w, sizeof w), cfg->attn_exp_frac_bits,
                cfg->attn_exp_table_bits, cfg->attn_exp_table_bits);
    if (cfg->attn_importance_bits <= cfg->attn_prob_bits)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.importance_bits = %d: not wider than attn.prob_bits = %d (legal: %d..32)",
                where(&cfg->o_attn_importance_bits, w, sizeof w), cfg->attn_importance_bits,
                cfg->attn_prob_bits, cfg->attn_prob_bits + 1);
    if (cfg->attn_prune == TF_PRUNE_NONE && cfg->o_attn_recent.line > 0)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.recent = %d: set, but attn.prune = none (legal: drop the key, or set "
                "attn.prune = importance)",
                where(&cfg->o_attn_recent, w, sizeof w), cfg->attn_recent);
    if (cfg->attn_recent >= cap)
        tf_fail(d, TF_EXIT_INPUT, "%s: attn.recent = %d: the whole cache would be protected (legal: "
                "0..%ld)", where(&cfg->o_attn_recent, w, sizeof w), cfg->attn_recent, cap - 1);
    if (cfg->attn_topk > cap)
        tf_fail(d, TF_EXIT_INPUT, "%s: attn.topk = %d: more than the capacity (legal: 0..%ld)",
                where(&cfg->o_attn_topk, w, sizeof w), cfg->attn_topk, cap);
}

/* Cross-key rules, checked after every key is known. */
static void check_consistency(struct tf_config *cfg, struct diag *d)
{
    char w[512];
    if (!cfg->requant && cfg->o_requant_bits.line > 0)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.requant_bits = %d: set, but gemm.requant = false (legal: drop the key, "
                "or set gemm.requant = true)",
                where(&cfg->o_requant_bits, w, sizeof w), cfg->requant_bits);
    if (cfg->requant && cfg->requant_bits > cfg->operand_bits * 2)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.requant_bits = %d: wider than a product of two %d-bit operands "
                "(legal: 2..%d)",
                where(&cfg->o_requant_bits, w, sizeof w), cfg->requant_bits, cfg->operand_bits,
                cfg->operand_bits * 2);
    check_store(cfg, d);
    check_attn(cfg, d);
    struct tf_storage st;
    plan_storage(cfg, &st);
    long long total = st.total;
    if (st.trf_bits > TF_MAX_TRF_BITS)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: trf.rows = %d, trf.cols = %d, trf.width = %d: the register file would hold "
                "%lld bits (legal: at most %lld bits)",
                where(cfg->o_trf_rows.line ? &cfg->o_trf_rows : &cfg->o_trf_cols, w, sizeof w),
                cfg->trf_rows, cfg->trf_cols, cfg->trf_width, st.trf_bits, TF_MAX_TRF_BITS);
    if (st.attn_bits > TF_MAX_BUFFER_BITS)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: attn.heads = %d, attn.banks = %d, attn.tokens_per_bank = %d, attn.head_dim = %d: "
                "the KV cache would hold %lld bits (legal: at most %lld bits)",
                where(cfg->o_attn_tokens_per_bank.line ? &cfg->o_attn_tokens_per_bank
                                                       : &cfg->o_attn_banks, w, sizeof w),
                cfg->attn_heads, cfg->attn_banks, cfg->attn_tokens_per_bank, cfg->attn_head_dim,
                st.attn_bits, TF_MAX_BUFFER_BITS);
    /* point at the largest maximum the user set (they all scale the buffers) */
    const struct cfg_origin *blame = &cfg->o_max_m;
    int best = 0;
    const struct cfg_origin *os[] = {&cfg->o_max_m, &cfg->o_max_k, &cfg->o_max_n};
    int vs[] = {cfg->max_m, cfg->max_k, cfg->max_n};
    for (int i = 0; i < 3; i++) {
        if (os[i]->line > 0 && vs[i] > best) {
            best = vs[i];
            blame = os[i];
        }
    }
    if (total > TF_MAX_BUFFER_BITS)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: gemm.max_m = %d, gemm.max_k = %d, gemm.max_n = %d: the on-chip buffers (A, B, "
                "accumulator, requant entries) would hold %lld bits (legal: at most %lld bits; "
                "lower the maxima)",
                where(blame, w, sizeof w), cfg->max_m, cfg->max_k, cfg->max_n, total,
                TF_MAX_BUFFER_BITS);
}

/* Copy [b, e) without surrounding white space, as libinih does for file values. */
static const char *trim(struct arena *a, const char *b, const char *e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return arena_printf(a, "%.*s", (int)(e - b), b);
}

static void load_common(struct tf_config *cfg, struct parse_state *ps, int rc,
                        const char *const *defs, int ndefs, struct diag *d)
{
    struct arena *a = ps->a;
    if (ps->long_line)
        tf_fail(d, TF_EXIT_INPUT, "%s:%d: line too long (legal: lines of at most %d characters)",
                ps->path, ps->long_line, INI_MAX_LINE - 2);
    if (rc > 0)
        tf_fail(d, TF_EXIT_INPUT,
                "%s:%d: syntax error (legal: '[section]', 'key = value', '; comment')",
                ps->path, rc);

    memset(cfg, 0, sizeof *cfg);
    cfg->path = ps->path;
    for (int i = 0; i < NOPT; i++)
        *presence(cfg, i) = ps->seen[i];
    /* defaults, through the same parser, with line 0 */
    for (int i = 0; i < NKEYS; i++) {
        struct cfg_origin *o = (struct cfg_origin *)((char *)cfg + keys[i].ooff);
        o->file = ps->path;
        if (!keys[i].dflt)
            continue;
        struct entry e = {NULL, keys[i].section, keys[i].name, keys[i].dflt, {"(default)", 0}};
        set_value(cfg, &keys[i], &e, a, d);
        o->file = ps->path;
        o->line = 0;
    }
    for (const struct entry *e = ps->head; e; e = e->next)
        apply(cfg, e, 1, a, d);
    /* an unknown section with keys failed above, on its first key; this is an empty one */
    if (ps->bad_section)
        tf_fail(d, TF_EXIT_INPUT, "%s:%d: [%s]: unknown section (legal: %s)", ps->path,
                ps->bad_section, ps->bad_name, sections);
    for (int i = 0; i < ndefs; i++) {
        const char *def = defs[i];
        const char *dot = strchr(def, '.');
        const char *eq = strchr(def, '=');
        if (!dot || !eq || dot > eq || dot == def || eq == dot + 1)
            tf_fail(d, TF_EXIT_INPUT,
                    "-D:%d: '%s': malformed override (legal: -D section.key=value)", i + 1, def);
        struct entry e;
        e.next = NULL;
        e.section = trim(a, def, dot);
        e.name = trim(a, dot + 1, eq);
        e.value = trim(a, eq + 1, eq + strlen(eq));
        e.at.file = "-D";
        e.at.line = i + 1;
        apply(cfg, &e, 0, a, d);
    }
    for (int i = 0; i < NKEYS; i++) {
        const struct cfg_origin *o = (const struct cfg_origin *)((const char *)cfg + keys[i].ooff);
        int opt = optional_index(keys[i].section);
        int needed = keys[i].required == 1 || (keys[i].required == 2 && opt >= 0 && *presence(cfg, opt));
        if (needed && o->line == 0) {
            char legal[128];
            legal_text(&keys[i], legal, sizeof legal);
            tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s: required key is missing (legal: %s)", ps->path,
                    keys[i].section, keys[i].name, legal);
        }
    }
    check_consistency(cfg, d);
}

void cfg_load(struct tf_config *cfg, const char *path, const char *const *defs, int ndefs,
              struct arena *a, struct diag *d)
{
    struct parse_state ps = {0};
    ps.path = path;
    ps.a = a;
    ps.tail = &ps.head;
    ps.fp = fopen(path, "r");
    if (!ps.fp)
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot read: %s (legal: a readable INI file)", path,
                strerror(errno));
    int rc = ini_parse_stream(read_file_line, &ps, handler, &ps);
    int rerr = ferror(ps.fp);
    fclose(ps.fp);
    if (rerr)
        tf_fail(d, TF_EXIT_INPUT, "%s: read error (legal: a readable INI file)", path);
    load_common(cfg, &ps, rc, defs, ndefs, d);
}

void cfg_load_string(struct tf_config *cfg, const char *path, const char *text,
                     const char *const *defs, int ndefs, struct arena *a, struct diag *d)
{
    struct parse_state ps = {0};
    ps.path = path;
    ps.a = a;
    ps.tail = &ps.head;
    ps.text = text;
    int rc = ini_parse_stream(read_string_line, &ps, handler, &ps);
    load_common(cfg, &ps, rc, defs, ndefs, d);
}
