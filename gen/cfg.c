/* cfg.c -- parse (libinih) and validate an architecture file plus -D overrides.
 *
 * The keys are the blocks' (gen/blocks/registry.h): each block describes its keys
 * once -- section, name, kind, legal range, default, where it lands in the block's
 * config struct -- and this engine parses, checks, defaults and reports them all
 * alike. Messages have the shape  FILE:LINE: section.key = value: what is wrong
 * (legal: ...). */
#include "tforge.h"

#include <ini.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- the keys of every block ------------------------------------------------------ */

/* Every key of the registry in one numbering: block b's keys start at key_base(b). */
static int key_base(int b)
{
    int n = 0;
    for (int i = 0; i < b; i++)
        n += tf_blocks[i]->nkeys;
    return n;
}

static int nkeys_total(void) { return key_base(TF_NBLOCKS); }

/* The block that owns SECTION, or -1. */
static int section_block(const char *section)
{
    for (int b = 0; b < TF_NBLOCKS; b++)
        for (const char *const *s = tf_blocks[b]->sections; *s; s++)
            if (!strcmp(*s, section))
                return b;
    return -1;
}

static int known_section(const char *s) { return section_block(s) >= 0; }

/* The key SECTION.NAME: its block in *blk and its number in *idx; NULL if none. */
static const struct tf_key *find_key_at(const char *section, const char *name, int *blk, int *idx)
{
    int b = section_block(section);
    if (b < 0)
        return NULL;
    for (int i = 0; i < tf_blocks[b]->nkeys; i++) {
        const struct tf_key *k = &tf_blocks[b]->keys[i];
        if (!strcmp(k->section, section) && !strcmp(k->name, name)) {
            if (blk)
                *blk = b;
            if (idx)
                *idx = key_base(b) + i;
            return k;
        }
    }
    return NULL;
}


/* "design, array, gemm, trf, attn" */
static const char *section_list(struct arena *a)
{
    const char *t = "";
    for (int b = 0; b < TF_NBLOCKS; b++)
        for (const char *const *s = tf_blocks[b]->sections; *s; s++)
            t = arena_printf(a, "%s%s%s", t, *t ? ", " : "", *s);
    return t;
}

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
    int seen[TF_NBLOCKS]; /* a header of one of block b's sections (it builds the block even if empty) */
    const char *bad_name;
};

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
            int b = section_block(name);
            if (b >= 0)
                ps->seen[b] = 1;
            if (b < 0 && !ps->bad_section) {
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

static const char *legal_text(const struct tf_key *k, struct arena *a)
{
    switch (k->kind) {
    case TF_K_INT: return arena_printf(a, "%ld..%ld", k->lo, k->hi);
    case TF_K_BOOL: return "true, false, yes, no, 1, 0";
    case TF_K_ENUM: {
        const char *t = "";
        for (int i = 0; i < k->words->n; i++)
            t = arena_printf(a, "%s%s%s", t, i ? ", " : "", k->words->names[i]);
        return t;
    }
    case TF_K_IDENT:
        return arena_printf(a, "a lower-case identifier [a-z][a-z0-9_]*, 1..%ld chars", k->hi);
    }
    return "";
}

void cfg_print_keys(FILE *f)
{
    struct arena a = {0};
    fprintf(f, "%-8s %-14s %-40s %-10s %s\n", "section", "key", "legal", "default", "meaning");
    for (int b = 0; b < TF_NBLOCKS; b++) {
        for (int i = 0; i < tf_blocks[b]->nkeys; i++) {
            const struct tf_key *k = &tf_blocks[b]->keys[i];
            const char *dflt;
            if (k->required && tf_blocks[b]->hardware)
                dflt = arena_printf(&a, "(required in [%s])", k->section);
            else
                dflt = k->required ? "(required)" : k->dflt;
            fprintf(f, "%-8s %-14s %-40s %-10s %s\n", k->section, k->name, legal_text(k, &a),
                    dflt, k->meaning);
        }
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

TF_NORETURN static void bad_value(struct arena *a, struct diag *d, const struct tf_key *k,
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

/* The field of key K (number IDX) in CFG. */
static char *field(struct tf_config *cfg, int blk, const struct tf_key *k)
{
    return (char *)cfg->blk[blk] + k->off;
}

static void set_value(struct tf_config *cfg, int blk, int idx, const struct tf_key *k,
                      const struct entry *e, struct arena *a, struct diag *d)
{
    char *f = field(cfg, blk, k);
    const char *v = e->value;
    switch (k->kind) {
    case TF_K_INT: {
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
        *(int *)f = (int)n;
        break;
    }
    case TF_K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
            *(int *)f = 1;
        else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
            *(int *)f = 0;
        else
            bad_value(a, d, k, e, "not a boolean");
        break;
    case TF_K_ENUM: {
        int i = 0;
        while (i < k->words->n && strcmp(v, k->words->names[i]) != 0)
            i++;
        if (i == k->words->n)
            bad_value(a, d, k, e, arena_printf(a, "unknown %s", k->words->what));
        *(int *)f = i;
        break;
    }
    case TF_K_IDENT: {
        size_t n = strlen(v);
        if (n < (size_t)k->lo || n > (size_t)k->hi)
            bad_value(a, d, k, e, "bad length");
        if (!(v[0] >= 'a' && v[0] <= 'z'))
            bad_value(a, d, k, e, "must start with a lower-case letter");
        for (size_t i = 0; i < n; i++)
            if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
                bad_value(a, d, k, e, "bad character");
        *(const char **)f = arena_strdup(a, v);
        break;
    }
    }
    cfg->origin[idx] = e->at;
}

/* Which blocks a run builds: a section header seen, or a key set. */
struct presence {
    int on[TF_NBLOCKS];
};

static void apply(struct tf_config *cfg, struct presence *pr, const struct entry *e, int from_file,
                  struct arena *a, struct diag *d)
{
    if (!*e->section)
        tf_fail(d, TF_EXIT_INPUT, "%s: %s = %s: key outside any section (legal: in one of the sections %s)",
                where(a, &e->at), shown(a, e->name), shown(a, e->value), section_list(a));
    if (!known_section(e->section))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown section [%s] (legal: %s)",
                where(a, &e->at), shown(a, e->section), shown(a, e->name), shown(a, e->value),
                shown(a, e->section), section_list(a));
    int blk, idx;
    const struct tf_key *k = find_key_at(e->section, e->name, &blk, &idx);
    if (!k) {
        const char *legal = "";
        int b = section_block(e->section);
        for (int i = 0; i < tf_blocks[b]->nkeys; i++)
            if (!strcmp(tf_blocks[b]->keys[i].section, e->section))
                legal = arena_printf(a, "%s%s%s", legal, *legal ? ", " : "", tf_blocks[b]->keys[i].name);
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: unknown key in [%s] (legal: %s)",
                where(a, &e->at), e->section, shown(a, e->name), shown(a, e->value), e->section,
                legal);
    }
    const struct cfg_origin *prev = &cfg->origin[idx];
    if (from_file && prev->line > 0 && !strcmp(prev->file, e->at.file))
        tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s = %s: duplicate key, first set at line %d (legal: once per file)",
                where(a, &e->at), k->section, k->name, shown(a, e->value), prev->line);
    set_value(cfg, blk, idx, k, e, a, d);
    pr->on[blk] = 1;
}

const struct cfg_origin *cfg_origin_of(const struct tf_config *cfg, const char *section,
                                       const char *name)
{
    int idx;
    return find_key_at(section, name, NULL, &idx) ? &cfg->origin[idx] : NULL;
}

/* ---- rules between keys ------------------------------------------------------------
 * A rule names the keys it involves, the one it is about first. The message starts at
 * the origin of the first of them the user set (file line or -D), lists each with its
 * value and, where it came from another place than that origin, that place --
 * "(default)" for a key left at its default -- so that a conflict with a default is as
 * clear as one between two lines:
 *     t.ini:9: attn.lanes = 8 (default), attn.head_dim = 12: ... (legal: ...)
 *     configs/default.ini:17: gemm.requant_bits = 8, gemm.requant = false (-D:1): ... */

/* The value of key K (of block BLK) as text. */
static const char *value_text(const struct tf_config *cfg, int blk, const struct tf_key *k,
                              struct arena *a)
{
    const char *f = (const char *)cfg->blk[blk] + k->off;
    int v = *(const int *)f;
    switch (k->kind) {
    case TF_K_INT: return arena_printf(a, "%d", v);
    case TF_K_BOOL: return v ? "true" : "false";
    case TF_K_ENUM: return k->words->names[v];
    case TF_K_IDENT: return *(const char *const *)f;
    }
    return "";
}

/* "section.key" -> the key, its block and number; an unknown name is a bug. */
static const struct tf_key *qualified_key(const char *q, struct arena *a, struct diag *d, int *blk,
                                          int *idx)
{
    const char *dot = strchr(q, '.');
    const struct tf_key *k =
        dot ? find_key_at(arena_printf(a, "%.*s", (int)(dot - q), q), dot + 1, blk, idx) : NULL;
    if (!k)
        tf_fail(d, TF_EXIT_INTERNAL, "internal error: a rule names the unknown key '%s'", q);
    return k;
}

int rule_set(const struct tf_rules *r, const char *section, const char *name)
{
    const struct cfg_origin *o = cfg_origin_of(r->cfg, section, name);
    return o && o->line > 0;
}

void rule_fail(struct tf_rules *r, const char *keylist, const char *legal, const char *fmt, ...)
{
    struct arena *a = r->a;
    const struct tf_config *cfg = r->cfg;
    const struct tf_key *ks[12];
    int kb[12], ki[12], n = 0;
    for (const char *s = keylist; *s && n < 12;) {
        size_t len = strcspn(s, ",");
        ks[n] = qualified_key(arena_printf(a, "%.*s", (int)len, s), a, r->d, &kb[n], &ki[n]);
        n++;
        s += len + (s[len] == ',');
    }
    const struct cfg_origin *blame = NULL;
    for (int i = 0; i < n && !blame; i++)
        if (cfg->origin[ki[i]].line > 0)
            blame = &cfg->origin[ki[i]];
    const char *text = "";
    for (int i = 0; i < n; i++) {
        const struct cfg_origin *o = &cfg->origin[ki[i]];
        const char *from = "";
        if (o->line == 0)
            from = " (default)";
        else if (blame && strcmp(o->file, blame->file) != 0)
            from = arena_printf(a, " (%s)", where(a, o));
        else if (o != blame && !strcmp(o->file, "-D"))
            from = arena_printf(a, " (-D:%d)", o->line);
        text = arena_printf(a, "%s%s%s.%s = %s%s", text, i ? ", " : "", ks[i]->section,
                            ks[i]->name, value_text(cfg, kb[i], ks[i], a), from);
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
    tf_fail(r->d, TF_EXIT_INPUT, "%s: %s: %s (legal: %s)", blame ? where(a, blame) : cfg->path,
            text, what, legal);
}

/* A key whose "needs" are not met: dropped (set in the file, switched off by a -D),
 * else an error. */
static void check_needs(struct tf_config *cfg, struct tf_rules *r)
{
    struct arena *a = r->a;
    for (int b = 0; b < TF_NBLOCKS; b++) {
        if (!cfg->blk[b])
            continue;
        for (int i = 0; i < tf_blocks[b]->nkeys; i++) {
            const struct tf_key *k = &tf_blocks[b]->keys[i];
            int idx = key_base(b) + i;
            if (!k->needs || cfg->origin[idx].line == 0)
                continue;
            const char *eq = strchr(k->needs, '=');
            int nb, ni;
            const char *qn = arena_printf(a, "%.*s", (int)(eq - k->needs), k->needs);
            const struct tf_key *nk = qualified_key(qn, a, r->d, &nb, &ni);
            if (!strcmp(value_text(cfg, nb, nk, a), eq + 1))
                continue;
            const struct cfg_origin *ko = &cfg->origin[idx], *no = &cfg->origin[ni];
            if (strcmp(ko->file, "-D") != 0 && !strcmp(no->file, "-D")) {
                cfg->dropped = cfg->dropped ? cfg->dropped
                                            : arena_alloc(a, sizeof *cfg->dropped * (size_t)nkeys_total());
                struct cfg_dropped *dr = &cfg->dropped[cfg->ndropped++];
                dr->key = k;
                dr->at = *ko;
                dr->by = nk;
                dr->by_at = *no;
                /* back to its default, as if the file had not set it */
                struct entry e = {NULL, k->section, k->name, k->dflt, {cfg->path, 0}};
                set_value(cfg, b, idx, k, &e, a, r->d);
                cfg->origin[idx].line = 0;
                continue;
            }
            rule_fail(r, arena_printf(a, "%s.%s,%s", k->section, k->name, qn),
                      arena_printf(a, "drop the key, or set %s = %s", qn, eq + 1),
                      "%s set, but %s is not %s", k->name, nk->name, eq + 1);
        }
    }
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
    cfg->origin = arena_alloc(a, sizeof *cfg->origin * (size_t)(nkeys_total() + 1));
    struct presence pr = {{0}};
    /* every block's config, with its defaults through the same parser (line 0) */
    for (int b = 0; b < TF_NBLOCKS; b++) {
        cfg->blk[b] = arena_alloc(a, tf_blocks[b]->cfg_size);
        pr.on[b] = ps->seen[b] || !tf_blocks[b]->hardware;
        for (int i = 0; i < tf_blocks[b]->nkeys; i++) {
            const struct tf_key *k = &tf_blocks[b]->keys[i];
            int idx = key_base(b) + i;
            if (k->dflt) {
                struct entry e = {NULL, k->section, k->name, k->dflt, {ps->path, 0}};
                set_value(cfg, b, idx, k, &e, a, d);
            }
            cfg->origin[idx].file = ps->path;
            cfg->origin[idx].line = 0;
        }
    }
    for (const struct entry *e = ps->head; e; e = e->next)
        apply(cfg, &pr, e, 1, a, d);
    /* an unknown section with keys failed above, on its first key; this is an empty one */
    if (ps->bad_section)
        tf_fail(d, TF_EXIT_INPUT, "%s:%d: [%s]: unknown section (legal: %s)", ps->path,
                ps->bad_section, shown(a, ps->bad_name), section_list(a));
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
        apply(cfg, &pr, &e, 0, a, d);
    }
    int any = 0;
    for (int b = 0; b < TF_NBLOCKS; b++) {
        if (!pr.on[b]) {
            cfg->blk[b] = NULL;
            continue;
        }
        any |= tf_blocks[b]->hardware;
        for (int i = 0; i < tf_blocks[b]->nkeys; i++) {
            const struct tf_key *k = &tf_blocks[b]->keys[i];
            if (k->required && cfg->origin[key_base(b) + i].line == 0)
                tf_fail(d, TF_EXIT_INPUT, "%s: %s.%s: required key is missing (legal: %s)",
                        ps->path, k->section, k->name, legal_text(k, a));
        }
    }
    if (!any) {
        const char *blocks = "";
        for (int b = 0; b < TF_NBLOCKS; b++)
            if (tf_blocks[b]->hardware)
                blocks = arena_printf(a, "%s%s[%s] (%s)", blocks, *blocks ? ", " : "",
                                      tf_blocks[b]->sections[0], tf_blocks[b]->title);
        tf_fail(d, TF_EXIT_INPUT, "%s: no block to build: the config names only the design "
                "(legal: at least one of the sections %s)", ps->path, blocks);
    }
    cfg->name = *(const char *const *)cfg->blk[TF_BLK_design];
    cfg->clock_mhz = ((const struct design_cfg *)cfg->blk[TF_BLK_design])->clock_mhz;
    struct tf_rules r = {cfg, a, d};
    check_needs(cfg, &r);
    for (int b = 0; b < TF_NBLOCKS; b++)
        if (cfg->blk[b] && tf_blocks[b]->check)
            tf_blocks[b]->check(cfg->blk[b], &r);
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
