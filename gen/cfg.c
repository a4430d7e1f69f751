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
    const char *text; /* remaining text (checked by check_text: no NUL bytes) */
    int long_line;    /* first line longer than libinih's buffer, 0 if none */
    int bad_section;  /* line of the first unknown [section], 0 if none */
    int bad_header;   /* line of the first header with text after its ']', 0 if none */
    const char *bad_header_text;
    int seen[2];      /* optional_sections[i] had a header (it builds its block even if empty) */
    const char *bad_name;
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
    /* libinih reports keys, not sections: catch an unknown (possibly empty) one here,
     * and text after the ']' (libinih ignores it) */
    if (str[0] == '[') {
        const char *end = strchr(str, ']');
        if (end) {
            const char *name = arena_printf(ps->a, "%.*s", (int)(end - str - 1), str + 1);
            int opt = optional_index(name);
            if (opt >= 0)
                ps->seen[opt] = 1;
            if (!known_section(name) && !ps->bad_section) {
                ps->bad_section = ps->line;
                ps->bad_name = name;
            }
            const char *rest = end + 1 + strspn(end + 1, " \t\r\n");
            if (*rest && *rest != ';' && *rest != '#' && !ps->bad_header) {
                ps->bad_header = ps->line;
                ps->bad_header_text = arena_printf(ps->a, "%.*s", (int)strcspn(str, "\r\n"), str);
            }
        }
    }
}

static const char *legal_text(const struct key *k, struct arena *a)
{
    switch (k->kind) {
    case K_INT: return arena_printf(a, "%ld..%ld", k->lo, k->hi);
    case K_BOOL: return "true, false, yes, no, 1, 0";
    case K_ENUM: {
        const char *t = "";
        for (int i = 0; i < k->words->n; i++)
            t = arena_printf(a, "%s%s%s", t, i ? ", " : "", k->words->names[i]);
        return t;
    }
    case K_IDENT:
        return arena_printf(a, "a lower-case identifier [a-z][a-z0-9_]*, 1..%ld chars", k->hi);
    }
    return "";
}

void cfg_print_keys(FILE *f)
{
    struct arena a = {0};
    fprintf(f, "%-8s %-14s %-40s %-10s %s\n", "section", "key", "legal", "default", "meaning");
    for (int i = 0; i < NKEYS; i++) {
        const char *dflt;
        if (keys[i].required == 2)
            dflt = arena_printf(&a, "(required in [%s])", keys[i].section);
        else
            dflt = keys[i].required == 1 ? "(required)" : keys[i].dflt;
        fprintf(f, "%-8s %-14s %-40s %-10s %s\n", keys[i].section, keys[i].name,
                legal_text(&keys[i], &a), dflt, keys[i].meaning);
    }
    arena_free(&a);
}

/* "FILE:LINE", "-D:N", or the bare path for a value at its default. */
static const char *where(struct arena *a, const struct cfg_origin *o)
{
    if (o->line > 0)
        return arena_printf(a, "%s:%d", o->file, o->line);
    return o->file;
}

/* A user value as it is echoed in a message: printable, and a value longer than 64
 * characters shortened in the middle (with its length), so no value can push the
 * facts of a message out of sight. */
static const char *shown(struct arena *a, const char *v)
{
    const char *p = tf_printable(a, v, 0);
    size_t n = strlen(p);
    if (n <= 64)
        return p;
    return arena_printf(a, "%.30s...%s (%zu characters)", p, p + n - 24, strlen(v));
}

TF_NORETURN static void bad_value(struct arena *a, struct diag *d, const struct key *k,
                                  const struct entry *e, const char *what)
{
    tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: %s (legal: %s)", where(a, &e->at), k->section,
            k->name, shown(a, e->value), what, legal_text(k, a));
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

/* Hands libinih one line of the (already checked) text at a time, counting lines,
 * so each entry knows where it stood. */
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
    /* skip the rest of an over-long line so line numbers stay right */
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
            bad_value(a, d, k, e, "empty value");
        char *end;
        errno = 0;
        int hex = (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'));
        const char *digits = v + (v[0] == '-');
        if (!(hex ? v[2] != '\0' : (digits[0] >= '0' && digits[0] <= '9')))
            bad_value(a, d, k, e, "not a number");
        long n = strtol(v, &end, hex ? 16 : 10);
        if (*end != '\0' || (hex && (v[2] == '-' || v[2] == '+' || v[2] == ' ')))
            bad_value(a, d, k, e, "not a number");
        if (errno == ERANGE || n < k->lo || n > k->hi)
            bad_value(a, d, k, e, "out of range");
        *(int *)(base + k->off) = (int)n;
        break;
    }
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
            *(int *)(base + k->off) = 1;
        else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
            *(int *)(base + k->off) = 0;
        else
            bad_value(a, d, k, e, "not a boolean");
        break;
    case K_ENUM: {
        int i = 0;
        while (i < k->words->n && strcmp(v, k->words->names[i]) != 0)
            i++;
        if (i == k->words->n)
            bad_value(a, d, k, e, arena_printf(a, "unknown %s", k->words->what));
        *(int *)(base + k->off) = i;
        break;
    }
    case K_IDENT: {
        size_t n = strlen(v);
        if (n < (size_t)k->lo || n > (size_t)k->hi)
            bad_value(a, d, k, e, "bad length");
        if (!(v[0] >= 'a' && v[0] <= 'z'))
            bad_value(a, d, k, e, "must start with a lower-case letter");
        for (size_t i = 0; i < n; i++)
            if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
                bad_value(a, d, k, e, "bad character");
        *(const char **)(base + k->off) = arena_strdup(a, v);
        break;
    }
    }
    *(struct cfg_origin *)(base + k->ooff) = e->at;
}

static void apply(struct tf_config *cfg, const struct entry *e, int from_file, struct arena *a,
                  struct diag *d)
{
    if (!*e->section)
        tf_fail(d, TF_EXIT_INPUT, "%s: %s = %s: key outside any section (legal: in one of the sections %s)",
                where(a, &e->at), shown(a, e->name), shown(a, e->value), sections);
    if (!known_section(e->section))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown section [%s] (legal: %s)",
                where(a, &e->at), shown(a, e->section), shown(a, e->name), shown(a, e->value),
                shown(a, e->section), sections);
    const struct key *k = find_key(e->section, e->name);
    if (!k) {
        const char *legal = "";
        for (int i = 0; i < NKEYS; i++)
            if (!strcmp(keys[i].section, e->section))
                legal = arena_printf(a, "%s%s%s", legal, *legal ? ", " : "", keys[i].name);
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown key in [%s] (legal: %s)",
                where(a, &e->at), e->section, shown(a, e->name), shown(a, e->value), e->section,
                legal);
    }
    const struct cfg_origin *prev = (const struct cfg_origin *)((const char *)cfg + k->ooff);
    if (from_file && prev->line > 0 && !strcmp(prev->file, e->at.file))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: duplicate key, first set at line %d (legal: once per file)",
                where(a, &e->at), k->section, k->name, shown(a, e->value), prev->line);
    set_value(cfg, k, e, a, d);
    int opt = optional_index(k->section);
    if (opt >= 0)
        *presence(cfg, opt) = 1;
}

/* ---- rules between keys ------------------------------------------------------------
 * A rule names the keys it involves, the one it is about first. The message starts at
 * the origin of the first of them the user set (file line or -D), lists each with its
 * value and, where it came from another place than that origin, that place --
 * "(default)" for a key left at its default -- so that a conflict with a default is as
 * clear as one between two lines:
 *     t.ini:9: attn.lanes = 8 (default), attn.head_dim = 12: ... (legal: ...)
 *     configs/default.ini:17: gemm.requant_bits = 8, gemm.requant = false (-D:1): ... */

static const struct cfg_origin *origin_of(const struct tf_config *cfg, const struct key *k)
{
    return (const struct cfg_origin *)((const char *)cfg + k->ooff);
}

static const char *value_text(const struct tf_config *cfg, const struct key *k, struct arena *a)
{
    const char *base = (const char *)cfg;
    int v = *(const int *)(base + k->off);
    switch (k->kind) {
    case K_INT: return arena_printf(a, "%d", v);
    case K_BOOL: return v ? "true" : "false";
    case K_ENUM: return k->words->names[v];
    case K_IDENT: return *(const char *const *)(base + k->off);
    }
    return "";
}

TF_NORETURN TF_PRINTF(6, 7) static void
rule_fail(const struct tf_config *cfg, struct arena *a, struct diag *d, const char *keylist,
          const char *legal, const char *fmt, ...)
{
    const struct key *ks[8];
    int n = 0;
    for (const char *s = keylist; *s && n < 8;) {
        size_t len = strcspn(s, ",");
        const char *q = arena_printf(a, "%.*s", (int)len, s);
        const char *dot = strchr(q, '.');
        ks[n] = dot ? find_key(arena_printf(a, "%.*s", (int)(dot - q), q), dot + 1) : NULL;
        if (!ks[n])
            tf_unreachable(d);
        n++;
        s += len + (s[len] == ',');
    }
    const struct cfg_origin *blame = NULL;
    for (int i = 0; i < n && !blame; i++)
        if (origin_of(cfg, ks[i])->line > 0)
            blame = origin_of(cfg, ks[i]);
    const char *text = "";
    for (int i = 0; i < n; i++) {
        const struct cfg_origin *o = origin_of(cfg, ks[i]);
        const char *from = "";
        if (o->line == 0)
            from = " (default)";
        else if (blame && strcmp(o->file, blame->file) != 0)
            from = arena_printf(a, " (%s)", where(a, o));
        else if (o != blame && !strcmp(o->file, "-D"))
            from = arena_printf(a, " (-D:%d)", o->line);
        text = arena_printf(a, "%s%s%s.%s = %s%s", text, i ? ", " : "", ks[i]->section,
                            ks[i]->name, value_text(cfg, ks[i], a), from);
    }
    va_list ap;
    va_start(ap, fmt);
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *what = arena_alloc(a, (size_t)len + 1);
    vsnprintf(what, (size_t)len + 1, fmt, ap);
    va_end(ap);
    tf_fail(d, TF_EXIT_INPUT, "%s: %s: %s (legal: %s)", blame ? where(a, blame) : cfg->path, text,
            what, legal);
}

/* The result store holds requantized results as operands: max_m x max_n words of
 * operand_bits, so requantization must exist and fit an operand, and the register
 * file's 256 rows / columns apply. */
static void check_store(const struct tf_config *cfg, struct arena *a, struct diag *d)
{
    if (cfg->store == TF_STORE_NONE)
        return;
    if (!cfg->requant)
        rule_fail(cfg, a, d, "gemm.store,gemm.requant", "store = none, or requant = true",
                  "the store keeps requantized results");
    if (cfg->requant_bits > cfg->operand_bits)
        rule_fail(cfg, a, d, "gemm.store,gemm.requant_bits,array.operand_bits",
                  arena_printf(a, "requant_bits 2..%d with a store", cfg->operand_bits),
                  "a stored result is an operand, narrower than requant_bits");
    if (cfg->max_m > 256 || cfg->max_n > 256)
        rule_fail(cfg, a, d, "gemm.store,gemm.max_m,gemm.max_n",
                  "max_m and max_n 1..256 with a store", "the store is max_m x max_n words");
    /* at most 256 x 256 x 16 bits x 2 banked copies = 2 Mibit: below TF_MAX_TRF_BITS */
}

/* [attn]: the rules docs/numerics.md section 10 and docs/config.md 4.1 state. */
static void check_attn(const struct tf_config *cfg, struct arena *a, struct diag *d)
{
    if (!cfg->attn)
        return;
    long cap = (long)cfg->attn_banks * cfg->attn_tokens_per_bank;
    if (cap > 8192)
        rule_fail(cfg, a, d, "attn.tokens_per_bank,attn.banks",
                  "banks * tokens_per_bank at most 8192", "capacity %ld tokens", cap);
    if (cfg->attn_kv_bits != 4 && cfg->attn_kv_bits != 8)
        rule_fail(cfg, a, d, "attn.kv_bits", "4, 8", "not a KV storage format");
    if (cfg->attn_lanes > cfg->attn_head_dim || cfg->attn_head_dim % cfg->attn_lanes != 0)
        rule_fail(cfg, a, d, "attn.lanes,attn.head_dim", "a divisor of head_dim",
                  "lanes does not divide head_dim");
    if (cfg->attn_exp_frac_bits < cfg->attn_exp_table_bits)
        rule_fail(cfg, a, d, "attn.exp_frac_bits,attn.exp_table_bits",
                  arena_printf(a, "exp_frac_bits %d..30", cfg->attn_exp_table_bits),
                  "fewer fraction bits than table bits");
    if (cfg->attn_importance_bits <= cfg->attn_prob_bits)
        rule_fail(cfg, a, d, "attn.importance_bits,attn.prob_bits",
                  arena_printf(a, "importance_bits %d..32", cfg->attn_prob_bits + 1),
                  "importances not wider than probabilities");
    if (cfg->attn_prune == TF_PRUNE_NONE && cfg->o_attn_recent.line > 0)
        rule_fail(cfg, a, d, "attn.recent,attn.prune",
                  "drop the key, or set attn.prune = importance",
                  "a recent window, but no pruning");
    if (cfg->attn_recent >= cap)
        rule_fail(cfg, a, d, "attn.recent,attn.banks,attn.tokens_per_bank",
                  arena_printf(a, "recent 0..%ld", cap - 1),
                  "the whole cache of %ld tokens would be protected", cap);
    if (cfg->attn_topk > cap)
        rule_fail(cfg, a, d, "attn.topk,attn.banks,attn.tokens_per_bank",
                  arena_printf(a, "topk 0..%ld", cap), "more than the capacity of %ld tokens", cap);
}

/* Cross-key rules, checked after every key is known. */
static void check_consistency(struct tf_config *cfg, struct arena *a, struct diag *d)
{
    if (!cfg->requant && cfg->o_requant_bits.line > 0)
        rule_fail(cfg, a, d, "gemm.requant_bits,gemm.requant",
                  "drop the key, or set gemm.requant = true",
                  "requant_bits set, but no requantization");
    if (cfg->requant && cfg->requant_bits > cfg->operand_bits * 2)
        rule_fail(cfg, a, d, "gemm.requant_bits,array.operand_bits",
                  arena_printf(a, "requant_bits 2..%d", cfg->operand_bits * 2),
                  "wider than a product of two operands");
    check_store(cfg, a, d);
    check_attn(cfg, a, d);
    struct tf_storage st;
    plan_storage(cfg, &st);
    if (st.trf_bits > TF_MAX_TRF_BITS)
        rule_fail(cfg, a, d, "trf.rows,trf.cols,trf.width,trf.impl,trf.read_ports",
                  arena_printf(a, "at most %lld bits", TF_MAX_TRF_BITS),
                  "the register file would hold %lld bits", st.trf_bits);
    if (st.attn_bits > TF_MAX_BUFFER_BITS)
        rule_fail(cfg, a, d,
                  "attn.heads,attn.banks,attn.tokens_per_bank,attn.head_dim,attn.kv_bits",
                  arena_printf(a, "at most %lld bits", TF_MAX_BUFFER_BITS),
                  "the KV cache would hold %lld bits", st.attn_bits);
    if (st.total > TF_MAX_BUFFER_BITS)
        rule_fail(cfg, a, d, "gemm.max_m,gemm.max_k,gemm.max_n,array.operand_bits",
                  arena_printf(a, "at most %lld bits; lower the maxima", TF_MAX_BUFFER_BITS),
                  "the on-chip buffers (A, B, accumulator, requant entries) would hold %lld "
                  "bits", st.total);
}

/* ---- the text of a config, and of a -D ---------------------------------------------
 * What libinih sees must be what the user sees: no NUL byte (C stops reading a line
 * there), no control character but tabs (CR only in a CRLF line end), valid UTF-8,
 * no invisible or reordering characters (zero-width, bidirectional, BOM but at the
 * start), and outside comments nothing but ASCII (a key or value never needs more,
 * and a look-alike letter would otherwise give a puzzling "unknown key"). */

#define CFG_MAX_BYTES (1 << 20)

/* The first problem in line [s, s + n) (no '\n' in it), or NULL; *col its column
 * (1-based, in characters). comments != 0: text after a comment start may be any
 * visible UTF-8. */
static const char *line_problem(const unsigned char *s, size_t n, int comments, int *col,
                                struct arena *a)
{
    int in_comment = 0, c = 0;
    size_t lead = 0;
    while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    for (size_t i = 0; i < n; c++) {
        *col = c + 1;
        unsigned cp;
        int k = tf_utf8_decode(s + i, n - i, &cp);
        if (s[i] == 0)
            return "NUL byte";
        if (k == 0)
            return arena_printf(a, "invalid UTF-8 byte 0x%02x", s[i]);
        if (comments && !in_comment &&
            ((i == lead && (cp == ';' || cp == '#')) ||
             (cp == ';' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))))
            in_comment = 1;
        if (cp == '\r' && i + 1 == n && comments)
            return NULL; /* CRLF line end of a file */
        if (cp != '\t' && tf_invisible(cp))
            return arena_printf(a, "%s U+%04X", cp < 0x20 || cp == 0x7f ? "control character"
                                                                       : "invisible character",
                                cp);
        if (cp >= 0x80 && !in_comment)
            return arena_printf(a, "non-ASCII character U+%04X%s", cp,
                                comments ? " outside a comment" : "");
        i += (size_t)k;
    }
    return NULL;
}

/* Check a config's bytes; returns the text libinih gets (a leading BOM dropped). */
static const char *check_text(const char *path, const char *buf, size_t len, struct arena *a,
                              struct diag *d)
{
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
        buf += 3, len -= 3;
    int line = 1, col;
    for (size_t i = 0; i < len; line++) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
        const char *why = line_problem((const unsigned char *)buf + i, n, 1, &col, a);
        if (why)
            tf_fail(d, TF_EXIT_INPUT, "%s:%d: %s at column %d (legal: %s)", path, line, why, col,
                    "printable ASCII and tabs, any visible UTF-8 in comments, no NUL bytes");
        i += n + 1;
    }
    return arena_printf(a, "%.*s", (int)len, buf);
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
    if (ps->bad_header)
        tf_fail(d, TF_EXIT_INPUT,
                "%s:%d: %s: text after the section header (legal: '[section]' alone on its line, "
                "or followed by a ; comment)", ps->path, ps->bad_header,
                shown(a, ps->bad_header_text));

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
                ps->bad_section, shown(a, ps->bad_name), sections);
    for (int i = 0; i < ndefs; i++) {
        const char *def = defs[i];
        int col;
        const char *why = line_problem((const unsigned char *)def, strlen(def), 0, &col, a);
        if (why)
            tf_fail(d, TF_EXIT_INPUT, "-D:%d: '%s': %s at column %d (legal: -D section.key=value "
                    "in printable ASCII)", i + 1, shown(a, def), why, col);
        const char *dot = strchr(def, '.');
        const char *eq = strchr(def, '=');
        if (!dot || !eq || dot > eq || dot == def || eq == dot + 1)
            tf_fail(d, TF_EXIT_INPUT,
                    "-D:%d: '%s': malformed override (legal: -D section.key=value)", i + 1,
                    shown(a, def));
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
        if (needed && o->line == 0)
            tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s: required key is missing (legal: %s)", ps->path,
                    keys[i].section, keys[i].name, legal_text(&keys[i], a));
    }
    check_consistency(cfg, a, d);
}

void cfg_load_buffer(struct tf_config *cfg, const char *path, const char *buf, size_t len,
                     const char *const *defs, int ndefs, struct arena *a, struct diag *d)
{
    struct parse_state ps = {0};
    ps.path = tf_printable(a, path, 1);
    ps.a = a;
    ps.tail = &ps.head;
    ps.text = check_text(ps.path, buf, len, a, d);
    int rc = ini_parse_stream(read_string_line, &ps, handler, &ps);
    load_common(cfg, &ps, rc, defs, ndefs, d);
}

void cfg_load(struct tf_config *cfg, const char *path, const char *const *defs, int ndefs,
              struct arena *a, struct diag *d)
{
    const char *p = tf_printable(a, path, 1);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot read: %s (legal: a readable INI file)", p,
                strerror(errno));
    char *buf = arena_alloc(a, CFG_MAX_BYTES + 1);
    size_t len = fread(buf, 1, CFG_MAX_BYTES + 1, fp);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err)
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot read: %s (legal: a readable INI file)", p,
                strerror(err));
    if (len > CFG_MAX_BYTES)
        tf_fail(d, TF_EXIT_INPUT, "%s: larger than %d bytes (legal: a config of at most %d bytes)",
                p, CFG_MAX_BYTES, CFG_MAX_BYTES);
    cfg_load_buffer(cfg, path, buf, len, defs, ndefs, a, d);
}

void cfg_load_string(struct tf_config *cfg, const char *path, const char *text,
                     const char *const *defs, int ndefs, struct arena *a, struct diag *d)
{
    cfg_load_buffer(cfg, path, text, strlen(text), defs, ndefs, a, d);
}
