/* test_cfg.c -- config parsing and validation (gen/cfg.c) in-process, and the
 * tforge binary's command line, exit statuses and output-directory promise.
 *
 * Every bad-input message has the shape
 *     FILE:LINE: section.key = value: what (legal: ...)
 * and exit status 2 (TF_EXIT_INPUT); -D overrides report "-D:<index>". */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tforge.h"
#include "blocks/attn.h"
#include "blocks/gemm.h"
#include "blocks/trf.h"
#include "tutil.h"

/* The loaded config's block configs, and a key's origin. */
#define G(c) ((const struct gemm_cfg *)(c)->cfg.blk[TF_BLK_gemm])
#define TR(c) ((const struct trf_cfg *)(c)->cfg.blk[TF_BLK_trf])
#define AT(c) ((const struct attn_cfg *)(c)->cfg.blk[TF_BLK_attn])
#define ORIG(c, sec, key) cfg_origin_of(&(c)->cfg, sec, key)

static char *scratch; /* build/tests-scratch/cfg-XXXXXX, for the whole group */

/* The legal-value texts of the messages. */
#define IDENT_LEGAL "a lower-case identifier [a-z][a-z0-9_]*, 1..32 chars"
#define BOOL_LEGAL "true, false, yes, no, 1, 0"
#define BUF_LEGAL "at most 67108864 bits; lower the maxima"

struct ctx {
    struct arena a;
    struct diag d;
    struct tf_config cfg;
    int status;
    char msg[16384];
    char text[4096];
    size_t text_len; /* != 0: load() passes this many bytes of its text (NUL bytes included) */
};

static int group_setup(void **state)
{
    (void)state;
    scratch = tu_scratch("cfg");
    return scratch ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (scratch)
        tu_rm_rf(scratch);
    free(scratch);
    tu_scratch_done();
    return 0;
}

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    diag_free(&c->d);
    arena_free(&c->a);
    free(c);
    return 0;
}

/* ---- in-process helpers -------------------------------------------------- */

/* Load TEXT as "t.ini", or the file PATH when TEXT is NULL; returns the status
 * (0 = accepted) and keeps the message. */
static int load_any(struct ctx *c, const char *path, const char *text, const char *const *defs,
                    int ndefs)
{
    c->msg[0] = '\0';
    c->status = 0;
    if (setjmp(c->d.jb)) {
        c->status = c->d.status;
        snprintf(c->msg, sizeof c->msg, "%s", c->d.msg);
        return c->status;
    }
    if (text)
        cfg_load_buffer(&c->cfg, path, text, c->text_len ? c->text_len : strlen(text), defs,
                        ndefs, &c->a, &c->d);
    else
        cfg_load(&c->cfg, path, defs, ndefs, &c->a, &c->d);
    return 0;
}

static int load(struct ctx *c, const char *text, const char *const *defs, int ndefs)
{
    return load_any(c, "t.ini", text, defs, ndefs);
}

static int load_file(struct ctx *c, const char *path, const char *const *defs, int ndefs)
{
    return load_any(c, path, NULL, defs, ndefs);
}

/* A config whose lines are
 *   1 [design]   2 name = NAME   3 [array]   4 rows = ROWS   5 cols = COLS
 *   6 [gemm]     7... EXTRA
 * A NULL value leaves a comment on its line, so the numbering stays. */
static const char *mk(struct ctx *c, const char *name, const char *rows, const char *cols,
                      const char *extra)
{
    char l2[128], l4[128], l5[128];
    if (name)
        snprintf(l2, sizeof l2, "name = %s", name);
    else
        snprintf(l2, sizeof l2, "; no name");
    if (rows)
        snprintf(l4, sizeof l4, "rows = %s", rows);
    else
        snprintf(l4, sizeof l4, "; no rows");
    if (cols)
        snprintf(l5, sizeof l5, "cols = %s", cols);
    else
        snprintf(l5, sizeof l5, "; no cols");
    snprintf(c->text, sizeof c->text, "[design]\n%s\n[array]\n%s\n%s\n[gemm]\n%s", l2, l4, l5,
             extra ? extra : "");
    return c->text;
}

static const char *good(struct ctx *c, const char *extra) { return mk(c, "tiny", "4", "4", extra); }

/* The load failed with status 2 and a message of exactly the shape
 * "WHERE: KEYVAL: ...WHAT... (legal: LEGAL)". */
static void expect_shape(const struct ctx *c, const char *where, const char *keyval,
                         const char *what, const char *legal)
{
    if (c->status != TF_EXIT_INPUT)
        fail_msg("expected exit status 2 for \"%s: %s\", got %d (message \"%s\")", where, keyval,
                 c->status, c->msg);
    char pre[512], suf[512], mid[1024];
    snprintf(pre, sizeof pre, "%s: %s: ", where, keyval);
    snprintf(suf, sizeof suf, " (legal: %s)", legal);
    size_t n = strlen(c->msg), np = strlen(pre), ns = strlen(suf);
    if (n < np + ns || strncmp(c->msg, pre, np) != 0 || strcmp(c->msg + n - ns, suf) != 0)
        fail_msg("message\n    \"%s\"\ndoes not have the shape\n    \"%s...%s\"", c->msg, pre, suf);
    snprintf(mid, sizeof mid, "%.*s", (int)(n - np - ns), c->msg + np);
    if (!strstr(mid, what))
        fail_msg("message \"%s\": expected \"%s\" in \"%s\"", c->msg, what, mid);
}

/* SECTION.KEY = VALUE placed on its own line of a config that is otherwise
 * good; expect the shaped message naming that line. */
static void bad(struct ctx *c, const char *section, const char *key, const char *value,
                const char *what, const char *legal)
{
    char extra[256], where[32], keyval[256];
    int line;
    if (!strcmp(key, "name")) {
        mk(c, value, "4", "4", NULL);
        line = 2;
    } else if (!strcmp(key, "rows")) {
        mk(c, "tiny", value, "4", NULL);
        line = 4;
    } else if (!strcmp(key, "cols")) {
        mk(c, "tiny", "4", value, NULL);
        line = 5;
    } else if (!strcmp(section, "gemm")) {
        snprintf(extra, sizeof extra, "%s = %s\n", key, value);
        good(c, extra);
        line = 7;
    } else {
        snprintf(extra, sizeof extra, "[%s]\n%s = %s\n", section, key, value);
        good(c, extra);
        line = 8;
    }
    load(c, c->text, NULL, 0);
    snprintf(where, sizeof where, "t.ini:%d", line);
    snprintf(keyval, sizeof keyval, "%s.%s = %s", section, key, value);
    expect_shape(c, where, keyval, what, legal);
}

/* ---- structure: sections, keys ------------------------------------------- */

static void test_unknown_section(void **state)
{
    struct ctx *c = *state;
    load(c, good(c, "[arrray]\nrows = 4\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "arrray.rows = 4", "unknown section [arrray]",
                 "design, array, gemm, trf, attn, aux, mem, model, batch");
    load(c, mk(c, "tiny", "4", "4", "\n\n[Design]\nname = x\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "Design.name = x", "unknown section [Design]",
                 "design, array, gemm, trf, attn, aux, mem, model, batch");
    /* a section with no keys never reaches libinih's handler; it is caught too */
    load(c, good(c, "[bogus]\n"), NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_string_equal(c->msg, "t.ini:7: [bogus]: unknown section (legal: design, array, gemm, trf, attn, aux, mem, model, batch)");
}

static void test_unknown_key(void **state)
{
    struct ctx *c = *state;
    load(c, good(c, "max_q = 4\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.max_q = 4", "unknown key in [gemm]",
                 "max_m, max_k, max_n, requant, requant_bits, store");
    load(c, good(c, "[array]\nrowz = 4\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "array.rowz = 4", "unknown key in [array]",
                 "rows, cols, dataflow, operand_bits");
    load(c, good(c, "[design]\ntitle = hello\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "design.title = hello", "unknown key in [design]", "name, clock_mhz");
}

static void test_key_outside_section(void **state)
{
    struct ctx *c = *state;
    load(c, "rows = 4\n[design]\nname = t\n[array]\nrows = 4\ncols = 4\n", NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    /* "t.ini:1: rows = 4: key outside any section (legal sections: ...)" */
    const char *pre = "t.ini:1: rows = 4: ";
    if (strncmp(c->msg, pre, strlen(pre)) || !strstr(c->msg, "key outside any section") ||
        !strstr(c->msg, "(legal") || !strstr(c->msg, "design, array, gemm, trf, attn, aux, mem, model, batch)"))
        fail_msg("unexpected message \"%s\"", c->msg);
}

static void test_missing_required(void **state)
{
    struct ctx *c = *state;
    static const char ident[] = IDENT_LEGAL;
    load(c, mk(c, NULL, "4", "4", NULL), NULL, 0);
    expect_shape(c, "t.ini", "design.name", "required key is missing", ident);
    load(c, mk(c, "tiny", NULL, "4", NULL), NULL, 0);
    expect_shape(c, "t.ini", "array.rows", "required key is missing", "1..64");
    load(c, mk(c, "tiny", "4", NULL, NULL), NULL, 0);
    expect_shape(c, "t.ini", "array.cols", "required key is missing", "1..64");
    load(c, "", NULL, 0); /* an empty file: the first required key is named */
    expect_shape(c, "t.ini", "design.name", "required key is missing", ident);
}

static void test_syntax_error(void **state)
{
    struct ctx *c = *state;
    static const char *const lines[] = {"this line has no equals sign\n", "[array\n", "]\n"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        load(c, good(c, lines[i]), NULL, 0);
        assert_int_equal(c->status, TF_EXIT_INPUT);
        const char *pre = "t.ini:7: syntax error (legal: ";
        if (strncmp(c->msg, pre, strlen(pre)) || !strstr(c->msg, "'key = value'") ||
            c->msg[strlen(c->msg) - 1] != ')')
            fail_msg("line \"%.*s\": unexpected message \"%s\"", (int)strlen(lines[i]) - 1,
                     lines[i], c->msg);
    }
    /* the first bad line is the one reported */
    load(c, good(c, "max_m = 8\n\nnot a pair\nalso not\n"), NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_true(!strncmp(c->msg, "t.ini:9: syntax error", 21));
}

/* ---- values ---------------------------------------------------------------- */

static void test_malformed_number(void **state)
{
    struct ctx *c = *state;
    static const char *const v[] = {"8x", "", "0x", "-", "1e3", "0x1G", "+8", "8 8", "4.0", "x8",
                                    "0x-5", "-0x5"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        bad(c, "array", "rows", v[i], *v[i] ? "not a number" : "empty value", "1..64");
    /* a negative number is a number, out of range */
    bad(c, "array", "rows", "-3", "out of range", "1..64");
    bad(c, "gemm", "max_k", "64k", "not a number", "1..4096");
    bad(c, "array", "operand_bits", "0x", "not a number", "4..16");
    bad(c, "gemm", "requant_bits", "", "empty value", "2..16");
}

static void test_out_of_range(void **state)
{
    struct ctx *c = *state;
    bad(c, "array", "rows", "0", "out of range", "1..64");
    bad(c, "array", "rows", "65", "out of range", "1..64");
    bad(c, "array", "rows", "0x41", "out of range", "1..64");
    bad(c, "array", "rows", "99999999999999999999999", "out of range", "1..64");
    bad(c, "array", "cols", "0", "out of range", "1..64");
    bad(c, "array", "cols", "65", "out of range", "1..64");
    bad(c, "array", "operand_bits", "3", "out of range", "4..16");
    bad(c, "array", "operand_bits", "17", "out of range", "4..16");
    bad(c, "gemm", "max_k", "4097", "out of range", "1..4096");
    bad(c, "gemm", "max_m", "0", "out of range", "1..4096");
    bad(c, "gemm", "max_n", "4097", "out of range", "1..4096");
    bad(c, "gemm", "requant_bits", "1", "out of range", "2..16");
    bad(c, "gemm", "requant_bits", "17", "out of range", "2..16");
}

static void test_bad_enum(void **state)
{
    struct ctx *c = *state;
    bad(c, "array", "dataflow", "xs", "unknown dataflow", "os, ws");
    bad(c, "array", "dataflow", "OS", "unknown dataflow", "os, ws");
    bad(c, "array", "dataflow", "", "unknown dataflow", "os, ws");
}

static void test_bad_bool(void **state)
{
    struct ctx *c = *state;
    static const char *const v[] = {"maybe", "True", "on", "2", ""};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        bad(c, "gemm", "requant", v[i], "not a boolean", BOOL_LEGAL);
}

static void test_bad_identifier(void **state)
{
    struct ctx *c = *state;
    static const char ident[] = IDENT_LEGAL;
    bad(c, "design", "name", "1abc", "must start with a lower-case letter", ident);
    bad(c, "design", "name", "_abc", "must start with a lower-case letter", ident);
    bad(c, "design", "name", "Tiny", "must start with a lower-case letter", ident);
    bad(c, "design", "name", "tIny", "bad character", ident);
    bad(c, "design", "name", "tiny-x", "bad character", ident);
    bad(c, "design", "name", "tiny.x", "bad character", ident);
    bad(c, "design", "name", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bad length", ident); /* 33 */
    bad(c, "design", "name", "", "bad length", ident);
    /* 32 characters is the limit */
    assert_int_equal(load(c, mk(c, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "4", "4", NULL), NULL, 0), 0);
    assert_string_equal(c->cfg.name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2");
}

static void test_duplicate_key(void **state)
{
    struct ctx *c = *state;
    load(c, good(c, "[array]\nrows = 5\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "array.rows = 5", "duplicate key, first set at line 4",
                 "once per file");
    load(c, good(c, "max_m = 8\nmax_k = 8\n\nmax_m = 9\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "gemm.max_m = 9", "first set at line 7", "once per file");
    load(c, good(c, "[design]\nname = other\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "design.name = other", "first set at line 2", "once per file");
    /* the same value twice is still a duplicate */
    load(c, good(c, "[array]\ncols = 4\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "array.cols = 4", "first set at line 5", "once per file");
}

static void test_inconsistent(void **state)
{
    struct ctx *c = *state;
    static const char drop[] = "drop the key, or set gemm.requant = true";
    load(c, good(c, "requant = false\nrequant_bits = 8\n"), NULL, 0);
    expect_shape(c, "t.ini:8", "gemm.requant_bits = 8, gemm.requant = false",
                 "requant_bits set, but requant is not true", drop);
    load(c, good(c, "requant_bits = 6\nrequant = no\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.requant_bits = 6, gemm.requant = false",
                 "requant_bits set, but requant is not true", drop);
    /* requant_bits wider than a product of two operands */
    load(c, good(c, "requant_bits = 9\n[array]\noperand_bits = 4\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.requant_bits = 9, array.operand_bits = 4",
                 "wider than a product of two operands", "requant_bits 2..8");
    /* the other key at its default: the message says so, and names the set key's line */
    load(c, good(c, "[array]\noperand_bits = 4\n[gemm]\nrequant_bits = 10\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "gemm.requant_bits = 10, array.operand_bits = 4",
                 "wider than a product", "requant_bits 2..8");
    assert_int_equal(load(c, good(c, "requant_bits = 8\n[array]\noperand_bits = 4\n"), NULL, 0), 0);
}

/* The storage the plan would build for a config (not validated), in bits: what
 * the buffer-size rule must count. */
static long long plan_bits(const char *df, int rows, int cols, int w, int mm, int mk, int mn,
                           int rq)
{
    struct gemm_cfg g = {0};
    g.rows = rows;
    g.cols = cols;
    g.dataflow = !strcmp(df, "ws") ? TF_WS : TF_OS;
    g.operand_bits = w;
    g.max_m = mm;
    g.max_k = mk;
    g.max_n = mn;
    g.requant = rq;
    g.requant_bits = 8;
    struct gemm_storage st;
    gemm_storage(&g, &st);
    return st.total;
}

static void test_buffers_too_large(void **state)
{
    struct ctx *c = *state;
    static const char *const df[] = {"os", "ws"};
    for (int i = 0; i < 2; i++) {
        /* 64x64, int16, every maximum 4096: A alone is 64*64*4096*16 = 2^28 bits */
        char extra[256], what[128];
        snprintf(extra, sizeof extra,
                 "max_m = 4096\nmax_k = 4096\nmax_n = 4096\n[array]\noperand_bits = 16\n"
                 "dataflow = %s\n", df[i]);
        load(c, mk(c, "big", "64", "64", extra), NULL, 0);
        long long bits = plan_bits(df[i], 64, 64, 16, 4096, 4096, 4096, 1);
        assert_true(bits > (1LL << 29));
        snprintf(what, sizeof what, "would hold %lld bits", bits);
        expect_shape(c, "t.ini:7", "gemm.max_m = 4096, gemm.max_k = 4096, gemm.max_n = 4096, "
                     "array.operand_bits = 16", what, BUF_LEGAL);
    }
    /* exactly at the limit: A = 32*64*1024*16 = 2^25, B the same, total 2^26 */
    assert_int_equal(plan_bits("os", 64, 64, 16, 2048, 1024, 2048, 0), 1LL << 26);
    assert_int_equal(load(c, mk(c, "big", "64", "64", "max_m = 2048\nmax_k = 1024\n"
                                "max_n = 2048\nrequant = false\n[array]\noperand_bits = 16\n"),
                          NULL, 0), 0);
    /* one more K: 2 * 32*64*1025*16 = 67174400 */
    load(c, mk(c, "big", "64", "64", "max_m = 2048\nmax_k = 1025\nmax_n = 2048\n"
                                     "requant = false\n[array]\noperand_bits = 16\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.max_m = 2048, gemm.max_k = 1025, gemm.max_n = 2048, "
                 "array.operand_bits = 16", "would hold 67174400 bits", BUF_LEGAL);
    /* the requantization entries count too: at the limit above, requant tips it over */
    load(c, mk(c, "big", "64", "64", "max_m = 2048\nmax_k = 1024\nmax_n = 2048\n"
                                     "[array]\noperand_bits = 16\n"), NULL, 0);
    char what[128];
    snprintf(what, sizeof what, "would hold %lld bits", plan_bits("os", 64, 64, 16, 2048, 1024, 2048, 1));
    expect_shape(c, "t.ini:7", "gemm.max_m = 2048, gemm.max_k = 1024, gemm.max_n = 2048, "
                 "array.operand_bits = 16", what, BUF_LEGAL);
}

/* ---- files -------------------------------------------------------------------- */

static void test_unreadable_file(void **state)
{
    struct ctx *c = *state;
    char *missing = tu_join(scratch, "no-such-config.ini");
    load_file(c, missing, NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    char *pre = tu_fmt("%s: cannot read: ", missing);
    if (strncmp(c->msg, pre, strlen(pre)) || !strstr(c->msg, "No such file or directory") ||
        !strstr(c->msg, "(legal: a readable INI file)"))
        fail_msg("unexpected message \"%s\"", c->msg);
    free(pre);
    free(missing);
    /* a directory opens but cannot be read */
    load_file(c, scratch, NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_non_null(strstr(c->msg, scratch));
    assert_non_null(strstr(c->msg, "(legal: a readable INI file)"));
}

static void test_file_lines(void **state)
{
    struct ctx *c = *state;
    char *path = tu_join(scratch, "lines.ini");
    assert_int_equal(tu_write(path, "; header\n\n[design]\nname = filed\n[array]\nrows = 2\n"
                                    "cols = 3\n\n[gemm]\nmax_k = 5000\n"), 0);
    load_file(c, path, NULL, 0);
    char *where = tu_fmt("%s:10", path);
    expect_shape(c, where, "gemm.max_k = 5000", "out of range", "1..4096");
    free(where);
    assert_int_equal(tu_write(path, "; header\n\n[design]\nname = filed\n[array]\nrows = 2\n"
                                    "cols = 3\n"), 0);
    assert_int_equal(load_file(c, path, NULL, 0), 0);
    assert_string_equal(c->cfg.name, "filed");
    assert_string_equal(c->cfg.path, path);
    assert_int_equal(G(c)->rows, 2);
    assert_int_equal(G(c)->cols, 3);
    assert_string_equal(ORIG(c, "array", "cols")->file, path);
    assert_int_equal(ORIG(c, "array", "cols")->line, 7);
    free(path);
}

/* ---- -D overrides ----------------------------------------------------------------- */

static void test_define_malformed(void **state)
{
    struct ctx *c = *state;
    static const char *const v[] = {"array.rows", "rows=4", "x=a.b", ".rows=4", "array.=4", ""};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const char *defs[] = {v[i]};
        load(c, good(c, NULL), defs, 1);
        char *keyval = tu_fmt("'%s'", v[i]);
        expect_shape(c, "-D:1", keyval, "malformed override", "-D section.key=value");
        free(keyval);
    }
    /* the index of the bad one is reported */
    const char *defs[] = {"array.rows=2", "gemm.max_m=9", "bogus"};
    load(c, good(c, NULL), defs, 3);
    expect_shape(c, "-D:3", "'bogus'", "malformed override", "-D section.key=value");
}

static void test_define_bad_values(void **state)
{
    struct ctx *c = *state;
    const char *d1[] = {"array.rowz=4"};
    load(c, good(c, NULL), d1, 1);
    expect_shape(c, "-D:1", "array.rowz = 4", "unknown key in [array]",
                 "rows, cols, dataflow, operand_bits");
    const char *d2[] = {"arr.rows=4"};
    load(c, good(c, NULL), d2, 1);
    expect_shape(c, "-D:1", "arr.rows = 4", "unknown section [arr]", "design, array, gemm, trf, attn, aux, mem, model, batch");
    const char *d3[] = {"array.rows=65"};
    load(c, good(c, NULL), d3, 1);
    expect_shape(c, "-D:1", "array.rows = 65", "out of range", "1..64");
    const char *d4[] = {"gemm.max_m=8", "array.cols=2", "array.dataflow=xs"};
    load(c, good(c, NULL), d4, 3);
    expect_shape(c, "-D:3", "array.dataflow = xs", "unknown dataflow", "os, ws");
    const char *d5[] = {"gemm.max_k=4097"};
    load(c, good(c, NULL), d5, 1);
    expect_shape(c, "-D:1", "gemm.max_k = 4097", "out of range", "1..4096");
    const char *d6[] = {"design.name=Big"};
    load(c, good(c, NULL), d6, 1);
    expect_shape(c, "-D:1", "design.name = Big", "must start with a lower-case letter",
                 IDENT_LEGAL);
    /* cross-key rules see -D values too; a -D that switches a feature off drops the
     * file's keys that only it uses (and the plan says so) */
    const char *d7[] = {"gemm.requant=false"};
    assert_int_equal(load(c, good(c, "requant_bits = 6\n"), d7, 1), 0);
    assert_int_equal(G(c)->requant, 0);
    assert_int_equal(G(c)->requant_bits, 8); /* back to its default */
    assert_int_equal(ORIG(c, "gemm", "requant_bits")->line, 0);
    assert_int_equal(c->cfg.ndropped, 1);
    assert_string_equal(c->cfg.dropped[0].key->name, "requant_bits");
    assert_int_equal(c->cfg.dropped[0].at.line, 7);
    assert_string_equal(c->cfg.dropped[0].by->name, "requant");
    assert_int_equal(c->cfg.dropped[0].by_at.line, 1);
    /* but not a key the same command line sets */
    const char *d8[] = {"gemm.requant=false", "gemm.requant_bits=4"};
    load(c, good(c, NULL), d8, 2);
    expect_shape(c, "-D:2", "gemm.requant_bits = 4, gemm.requant = false (-D:1)",
                 "requant_bits set, but requant is not true",
                 "drop the key, or set gemm.requant = true");
}

static void test_define_overrides(void **state)
{
    struct ctx *c = *state;
    const char *d1[] = {"array.rows=8"};
    assert_int_equal(load(c, good(c, "max_m = 20\n"), d1, 1), 0);
    assert_int_equal(G(c)->rows, 8);
    assert_string_equal(ORIG(c, "array", "rows")->file, "-D");
    assert_int_equal(ORIG(c, "array", "rows")->line, 1);
    assert_int_equal(G(c)->max_m, 20); /* untouched keys keep the file value */
    assert_int_equal(ORIG(c, "gemm", "max_m")->line, 7);
    /* in order: the last one wins; not a duplicate */
    const char *d2[] = {"array.cols=2", "gemm.max_n=100", "array.cols=3", "design.name=other"};
    assert_int_equal(load(c, good(c, NULL), d2, 4), 0);
    assert_int_equal(G(c)->cols, 3);
    assert_int_equal(ORIG(c, "array", "cols")->line, 3);
    assert_int_equal(G(c)->max_n, 100);
    assert_string_equal(c->cfg.name, "other");
    /* a -D supplies a required key the file lacks */
    const char *d3[] = {"array.cols=5"};
    assert_int_equal(load(c, mk(c, "tiny", "4", NULL, NULL), d3, 1), 0);
    assert_int_equal(G(c)->cols, 5);
    /* -D changes the dataflow and turns requantization off */
    const char *d4[] = {"array.dataflow=ws", "gemm.requant=0"};
    assert_int_equal(load(c, good(c, "requant = true\n"), d4, 2), 0);
    assert_int_equal(G(c)->dataflow, TF_WS);
    assert_int_equal(G(c)->requant, 0);
}

/* ---- good configs ------------------------------------------------------------------ */

static void test_defaults(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, good(c, NULL), NULL, 0), 0);
    assert_string_equal(c->cfg.path, "t.ini");
    assert_string_equal(c->cfg.name, "tiny");
    assert_int_equal(G(c)->rows, 4);
    assert_int_equal(G(c)->cols, 4);
    assert_int_equal(G(c)->dataflow, TF_OS);
    assert_int_equal(G(c)->operand_bits, 8);
    assert_int_equal(G(c)->max_m, 64);
    assert_int_equal(G(c)->max_k, 64);
    assert_int_equal(G(c)->max_n, 64);
    assert_int_equal(G(c)->requant, 1);
    assert_int_equal(G(c)->requant_bits, 8);
    /* where each value came from: set keys name their line, defaults line 0 */
    assert_string_equal(ORIG(c, "design", "name")->file, "t.ini");
    assert_int_equal(ORIG(c, "design", "name")->line, 2);
    assert_int_equal(ORIG(c, "array", "rows")->line, 4);
    assert_int_equal(ORIG(c, "array", "cols")->line, 5);
    assert_int_equal(ORIG(c, "array", "dataflow")->line, 0);
    assert_int_equal(ORIG(c, "array", "operand_bits")->line, 0);
    assert_int_equal(ORIG(c, "gemm", "max_m")->line, 0);
    assert_int_equal(ORIG(c, "gemm", "requant")->line, 0);
    assert_int_equal(ORIG(c, "gemm", "requant_bits")->line, 0);
}

static void test_all_keys(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, "[design]\nname = all_keys_1\n[array]\nrows = 3\ncols = 5\n"
                             "dataflow = ws\noperand_bits = 12\n[gemm]\nmax_m = 100\n"
                             "max_k = 200\nmax_n = 300\nrequant = yes\nrequant_bits = 16\n",
                          NULL, 0), 0);
    assert_string_equal(c->cfg.name, "all_keys_1");
    assert_int_equal(G(c)->rows, 3);
    assert_int_equal(G(c)->cols, 5);
    assert_int_equal(G(c)->dataflow, TF_WS);
    assert_int_equal(G(c)->operand_bits, 12);
    assert_int_equal(G(c)->max_m, 100);
    assert_int_equal(G(c)->max_k, 200);
    assert_int_equal(G(c)->max_n, 300);
    assert_int_equal(G(c)->requant, 1);
    assert_int_equal(G(c)->requant_bits, 16);
    assert_int_equal(ORIG(c, "gemm", "requant_bits")->line, 13);
    /* the sections may come in any order, and twice */
    assert_int_equal(load(c, "[gemm]\nmax_m = 7\n[array]\nrows = 2\n[design]\nname = x\n"
                             "[array]\ncols = 1\n", NULL, 0), 0);
    assert_int_equal(G(c)->max_m, 7);
    assert_int_equal(G(c)->cols, 1);
}

static void test_booleans(void **state)
{
    struct ctx *c = *state;
    static const struct { const char *v; int b; } t[] = {
        {"true", 1}, {"1", 1}, {"yes", 1}, {"false", 0}, {"0", 0}, {"no", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char extra[64];
        snprintf(extra, sizeof extra, "requant = %s\n", t[i].v);
        assert_int_equal(load(c, good(c, extra), NULL, 0), 0);
        assert_int_equal(G(c)->requant, t[i].b);
    }
}

static void test_hex_numbers(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, mk(c, "hex", "0x10", "0X3f", "max_k = 0x1000\nmax_m = 010\n"
                                                         "max_n = 0xA\n"), NULL, 0), 0);
    assert_int_equal(G(c)->rows, 16);
    assert_int_equal(G(c)->cols, 63);
    assert_int_equal(G(c)->max_k, 4096);
    assert_int_equal(G(c)->max_m, 10); /* decimal: a leading 0 is not octal */
    assert_int_equal(G(c)->max_n, 10);
}

static void test_comments(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, "; a comment\n# another comment\n\n[design] ; section comment\n"
                             "name = commented   ; the name\n\n[array]\n   \n"
                             "rows=6\ncols   =   7 ; seven columns\n; rows = 99\n"
                             "dataflow = ws ; weight-stationary\n[gemm]\n# max_m = 0\n"
                             "requant = false ; none\n",
                          NULL, 0), 0);
    assert_string_equal(c->cfg.name, "commented");
    assert_int_equal(G(c)->rows, 6);
    assert_int_equal(G(c)->cols, 7);
    assert_int_equal(G(c)->dataflow, TF_WS);
    assert_int_equal(G(c)->max_m, 64);
    assert_int_equal(G(c)->requant, 0);
    assert_int_equal(ORIG(c, "array", "cols")->line, 10);
    /* Windows line ends */
    assert_int_equal(load(c, "[design]\r\nname = crlf\r\n[array]\r\nrows = 2\r\ncols = 2\r\n",
                          NULL, 0), 0);
    assert_string_equal(c->cfg.name, "crlf");
    assert_int_equal(G(c)->cols, 2);
}

static void test_indented_lines(void **state)
{
    struct ctx *c = *state;
    /* indentation is not a continuation of the previous value */
    assert_int_equal(load(c, "[design]\n  name = ind\n[array]\n    rows = 8\n    cols = 8\n"
                             "\tdataflow = ws\n  [gemm]\n  max_m = 9\n    requant = false\n",
                          NULL, 0), 0);
    assert_string_equal(c->cfg.name, "ind");
    assert_int_equal(G(c)->rows, 8);
    assert_int_equal(G(c)->cols, 8);
    assert_int_equal(G(c)->dataflow, TF_WS);
    assert_int_equal(G(c)->max_m, 9);
    assert_int_equal(G(c)->requant, 0);
    assert_int_equal(ORIG(c, "array", "cols")->line, 5);
    /* and an indented bad value names its own line */
    load(c, "[design]\nname = ind\n[array]\n    rows = 8\n    cols = 99\n", NULL, 0);
    expect_shape(c, "t.ini:5", "array.cols = 99", "out of range", "1..64");
}

static void test_long_lines(void **state)
{
    struct ctx *c = *state;
    char line[512];
    /* 198 characters fit */
    memset(line, 'c', sizeof line);
    line[0] = ';';
    line[1] = ' ';
    line[198] = '\0';
    char *text = tu_fmt("[design]\nname = t\n%s\n[array]\nrows = 2\ncols = 2\n", line);
    assert_int_equal(load(c, text, NULL, 0), 0);
    assert_int_equal(ORIG(c, "array", "rows")->line, 5);
    free(text);
    /* 199 do not, wherever they are; the message names the line */
    line[198] = 'c';
    line[199] = '\0';
    static const char *const fmts[] = {
        "[design]\nname = t\n%s\n[array]\nrows = 2\ncols = 2\n",
        "[design]\nname = t\n[array]\nrows = 2\ncols = 2\n\n\n%s\n",
    };
    static const int at[] = {3, 8};
    for (int i = 0; i < 2; i++) {
        text = tu_fmt(fmts[i], line);
        load(c, text, NULL, 0);
        free(text);
        assert_int_equal(c->status, TF_EXIT_INPUT);
        char *want = tu_fmt("t.ini:%d: line too long (legal: lines of at most 198 characters)",
                            at[i]);
        assert_string_equal(c->msg, want);
        free(want);
    }
    /* a long value line, read from a file */
    char *path = tu_join(scratch, "long.ini");
    char *value = tu_fmt("[design]\nname = t\n[array]\nrows = 2\ncols = 2\n[gemm]\nmax_m = %0250d\n", 7);
    assert_int_equal(tu_write(path, value), 0);
    load_file(c, path, NULL, 0);
    char *want = tu_fmt("%s:7: line too long (legal: lines of at most 198 characters)", path);
    assert_string_equal(c->msg, want);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    free(want);
    free(value);
    free(path);
}

/* ---- the bytes of a config ----------------------------------------------------------
 * What the parser sees must be what the user sees: each of these is refused with the
 * line and column, and the lines after it keep their numbers. */

/* Load LEN bytes of BYTES; returns the status. */
static int load_bytes(struct ctx *c, const char *bytes, size_t len)
{
    memcpy(c->text, bytes, len);
    c->text_len = len;
    int rc = load(c, c->text, NULL, 0);
    c->text_len = 0;
    return rc;
}
#define LOAD_BYTES(c, lit) load_bytes((c), (lit), sizeof(lit) - 1)

static void expect_text_error(const struct ctx *c, const char *want_start)
{
    static const char legal[] =
        " (legal: printable ASCII and tabs, any visible UTF-8 in comments, no NUL bytes)";
    assert_int_equal(c->status, TF_EXIT_INPUT);
    if (strncmp(c->msg, want_start, strlen(want_start)) != 0 ||
        strcmp(c->msg + strlen(c->msg) - strlen(legal), legal) != 0)
        fail_msg("message \"%s\": expected \"%s...%s\"", c->msg, want_start, legal);
}

static void test_text_bytes(void **state)
{
    struct ctx *c = *state;
    /* a NUL byte in a value, in a comment, and on a later line */
    LOAD_BYTES(c, "[design]\nname = t\n[array]\nrows = 8\0garbage\ncols = 2\n");
    expect_text_error(c, "t.ini:4: NUL byte at column 9");
    LOAD_BYTES(c, "; a\0comment\n[design]\nname = t\n");
    expect_text_error(c, "t.ini:1: NUL byte at column 4");
    LOAD_BYTES(c, "[design]\nname = t\n[array]\nrows = 8\ncols = 2\n\n\n\0");
    expect_text_error(c, "t.ini:8: NUL byte at column 1");
    /* control characters; a CR only as part of a CRLF line end */
    LOAD_BYTES(c, "[design]\nname = t\x01x\n");
    expect_text_error(c, "t.ini:2: control character U+0001 at column 9");
    LOAD_BYTES(c, "[design]\nname = t\n[array]\nrows = 8\rcols = 2\n");
    expect_text_error(c, "t.ini:4: control character U+000D at column 9");
    LOAD_BYTES(c, "[design]\x0b\n");
    expect_text_error(c, "t.ini:1: control character U+000B at column 9");
    LOAD_BYTES(c, "[design]\nname = t\x7f\n");
    expect_text_error(c, "t.ini:2: control character U+007F at column 9");
    LOAD_BYTES(c, "[design]\nname = \x1b[31mred\n");
    expect_text_error(c, "t.ini:2: control character U+001B at column 8");
    /* invalid UTF-8, and characters that do not show as themselves */
    LOAD_BYTES(c, "[design]\nname = t\xff\n");
    expect_text_error(c, "t.ini:2: invalid UTF-8 byte 0xff at column 9");
    LOAD_BYTES(c, "[design]\nname = t\xc0\xaf\n"); /* an overlong '/' */
    expect_text_error(c, "t.ini:2: invalid UTF-8 byte 0xc0 at column 9");
    LOAD_BYTES(c, "[design]\nname = t\xe2\x80\x8b\n"); /* zero-width space */
    expect_text_error(c, "t.ini:2: invisible character U+200B at column 9");
    LOAD_BYTES(c, "; \xe2\x80\xae reversed\n[design]\n"); /* right-to-left override */
    expect_text_error(c, "t.ini:1: invisible character U+202E at column 3");
    LOAD_BYTES(c, "[design]\n\xef\xbb\xbfname = t\n"); /* a BOM not at the start */
    expect_text_error(c, "t.ini:2: invisible character U+FEFF at column 1");
    /* non-ASCII outside comments: a full-width digit looks like 8 */
    LOAD_BYTES(c, "[design]\nname = t\n[array]\nrows = \xef\xbc\x98\ncols = 2\n");
    expect_text_error(c, "t.ini:4: non-ASCII character U+FF18 outside a comment at column 8");
    LOAD_BYTES(c, "[design]\nname = caf\xc3\xa9\n");
    expect_text_error(c, "t.ini:2: non-ASCII character U+00E9 outside a comment at column 11");
    /* visible UTF-8 in comments is fine, at the start of a line or after a value */
    assert_int_equal(LOAD_BYTES(c, "; na\xc3\xafve \xc3\x97 comment\n[design]\nname = t ; \xe2\x86\x92 "
                                   "name\n[array]\nrows = 2\ncols = 2\n# \xce\xbb\n"), 0);
    assert_int_equal(ORIG(c, "array", "cols")->line, 6);
    /* a file of CRLF lines is fine */
    assert_int_equal(LOAD_BYTES(c, "[design]\r\nname = t\r\n[array]\r\nrows = 2\r\ncols = 2\r\n"), 0);
}

/* A UTF-8 byte-order mark at the start is dropped: line 1 is read as the user sees it. */
static void test_bom(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(LOAD_BYTES(c, "\xef\xbb\xbf[design]\nname = t\n[array]\nrows = 2\ncols = 2\n"), 0);
    assert_int_equal(ORIG(c, "design", "name")->line, 2);
    /* an empty optional section on line 1 still builds its block */
    LOAD_BYTES(c, "\xef\xbb\xbf[trf]\n[design]\nname = t\n[array]\nrows = 2\ncols = 2\n");
    assert_string_equal(c->msg, "t.ini: trf.rows: required key is missing (legal: 1..256)");
    LOAD_BYTES(c, "\xef\xbb\xbf[attn]\n[design]\nname = t\n[array]\nrows = 2\ncols = 2\n");
    assert_string_equal(c->msg, "t.ini: attn.banks: required key is missing (legal: 1..64)");
    LOAD_BYTES(c, "\xef\xbb\xbf[bogus]\n[design]\nname = t\n");
    assert_string_equal(c->msg, "t.ini:1: [bogus]: unknown section (legal: design, array, gemm, trf, attn, aux, mem, model, batch)");
}

static void test_section_header_text(void **state)
{
    struct ctx *c = *state;
    static const char legal[] = "(legal: '[section]' alone on its line, or followed by a ; comment)";
    static const char *const bad_headers[] = {"[design] junk", "[design]junk", "[design] ]",
                                              "[design] = x", "[design] name = t"};
    for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++) {
        char *text = tu_fmt("; header\n%s\nname = t\n[array]\nrows = 2\ncols = 2\n", bad_headers[i]);
        load(c, text, NULL, 0);
        free(text);
        char *want = tu_fmt("t.ini:2: %s: text after the section header %s", bad_headers[i], legal);
        if (strcmp(c->msg, want) != 0)
            fail_msg("header \"%s\": message \"%s\", expected \"%s\"", bad_headers[i], c->msg, want);
        free(want);
    }
    assert_int_equal(load(c, "[design]  ; c\nname = t\n[array] # c\nrows = 2\ncols = 2\n[gemm]\t\n",
                          NULL, 0), 0);
}

/* No name, path or value is long enough to cost a message its line or legal values. */
static void test_long_messages(void **state)
{
    struct ctx *c = *state;
    /* a config path of 3000 characters */
    char path[3100];
    memset(path, 'p', 3000);
    memcpy(path + 3000, ".ini", 5);
    load_any(c, path, "[design]\nname = t\n[array]\nrows = 0\n", NULL, 0);
    char *want = tu_fmt("%s:4: array.rows = 0: out of range (legal: 1..64)", path);
    assert_string_equal(c->msg, want);
    free(want);
    /* a long -D value is shown shortened, with its length; the facts stay */
    char def[2100] = "gemm.max_m=";
    memset(def + 11, '9', 2000);
    def[2011] = '\0';
    const char *defs[] = {def};
    load(c, good(c, NULL), defs, 1);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_true(strlen(c->msg) < 200);
    assert_non_null(strstr(c->msg, "(2000 characters): out of range (legal: 1..4096)"));
    assert_true(!strncmp(c->msg, "-D:1: gemm.max_m = 999", 22));
    /* an unknown key in a section with many keys lists them all */
    const char *d2[] = {"attn.bogus=1"};
    load(c, good(c, NULL), d2, 1);
    assert_non_null(strstr(c->msg, "(legal: banks, tokens_per_bank, head_dim, heads, heads_parallel, "
                                   "lanes, kv_bits, exp_table_bits, exp_bits, exp_frac_bits, "
                                   "prob_bits, importance_bits, prune, recent, topk, regions)"));
}

/* A -D is one line of printable ASCII: a newline, a control character or a non-ASCII
 * character in it is refused, and the message stays one line. */
static void test_define_bytes(void **state)
{
    struct ctx *c = *state;
    static const struct {
        const char *def, *want;
    } cases[] = {
        {"gemm.max_m=6\n4", "-D:1: 'gemm.max_m=6\\n4': control character U+000A at column 13"},
        {"gemm.max_m=64\r", "-D:1: 'gemm.max_m=64\\r': control character U+000D at column 14"},
        {"array.rows=\t8\x01", "-D:1: 'array.rows=\\t8\\x01': control character U+0001 at column 14"},
        {"array.dataflow=o\xc5\x9b", "-D:1: 'array.dataflow=o\xc5\x9b': non-ASCII character U+015B at column 17"},
        {"array.rows=8\xff", "-D:1: 'array.rows=8\\xff': invalid UTF-8 byte 0xff at column 13"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *defs[] = {cases[i].def};
        load(c, good(c, NULL), defs, 1);
        assert_int_equal(c->status, TF_EXIT_INPUT);
        assert_null(strchr(c->msg, '\n'));
        char *want = tu_fmt("%s (legal: -D section.key=value in printable ASCII)", cases[i].want);
        assert_string_equal(c->msg, want);
        free(want);
    }
}

/* Every block is optional, the GEMM engine included; a config must build one. */
static void test_blocks_optional(void **state)
{
    struct ctx *c = *state;
    load(c, "[design]\nname = nothing\n", NULL, 0);
    assert_string_equal(c->msg, "t.ini: no block to build: the config names only the design (legal: "
                                "at least one of the sections [array] (GEMM engine), [trf] "
                                "(two-direction register file), [attn] (attention unit), [aux] (auxiliary "
                                "unit), [mem] (memory system), [model] (transformer model))");
    assert_int_equal(load(c, "[design]\nname = a\n[attn]\nbanks = 2\ntokens_per_bank = 4\n"
                             "head_dim = 8\n", NULL, 0), 0);
    assert_null(G(c));
    assert_null(TR(c));
    assert_non_null(AT(c));
    /* a key of a block builds it, from the file or a -D */
    const char *d[] = {"trf.rows=2", "trf.cols=3"};
    assert_int_equal(load(c, "[design]\nname = a\n", d, 2), 0);
    assert_non_null(TR(c));
    assert_null(G(c));
    /* an empty [gemm] builds the engine, so its required keys are needed */
    load(c, "[design]\nname = a\n[gemm]\n", NULL, 0);
    assert_string_equal(c->msg, "t.ini: array.rows: required key is missing (legal: 1..64)");
}

/* An auxiliary unit beside the GEMM engine takes its result beats: the rules between blocks. */
static void test_aux_with_gemm(void **state)
{
    struct ctx *c = *state;
    static const char base[] = "[design]\nname = t\n[array]\nrows = 4\ncols = 4\n[aux]\n";
    load(c, base, NULL, 0);
    assert_string_equal(c->msg, "t.ini:5: aux.lanes = 8 (default), array.cols = 4: the unit takes the "
                                "engine's result beats, one lane per array column (legal: lanes = 4)");
    const char *d1[] = {"aux.lanes=4"};
    assert_int_equal(load(c, base, d1, 1), 0);
    const char *d2[] = {"aux.lanes=4", "aux.acc_bits=16", "aux.bias_bits=16"};
    load(c, base, d2, 3);
    expect_shape(c, "-D:2", "aux.acc_bits = 16, array.operand_bits = 8 (default), gemm.max_k = 64 "
                 "(default)", "narrower than the engine's 22-bit accumulators", "acc_bits 22..48");
    const char *d3[] = {"aux.lanes=4", "gemm.max_n=128", "aux.max_d=100", "aux.ln_max_d=100"};
    load(c, base, d3, 4);
    expect_shape(c, "-D:3", "aux.max_d = 100, gemm.max_n = 128 (-D:2)",
                 "shorter than the engine's longest result row", "max_d 128..4096");
    const char *d4[] = {"aux.lanes=4", "gemm.max_m=600"};
    load(c, base, d4, 2);
    expect_shape(c, "-D:2", "aux.max_rows = 512 (default), gemm.max_m = 600",
                 "fewer rows than the engine's largest result", "max_rows 600..65535");
}

static void test_define_trimmed(void **state)
{
    struct ctx *c = *state;
    /* white space around the parts of a -D is dropped, as around file values */
    const char *defs[] = {" array.rows = 7 ", "gemm . max_m=\t5", "array.dataflow= ws"};
    assert_int_equal(load(c, good(c, NULL), defs, 3), 0);
    assert_int_equal(G(c)->rows, 7);
    assert_int_equal(G(c)->max_m, 5);
    assert_int_equal(G(c)->dataflow, TF_WS);
    const char *d2[] = {"array.rows= "};
    load(c, good(c, NULL), d2, 1);
    expect_shape(c, "-D:1", "array.rows = ", "empty value", "1..64");
}

/* [trf]: absent -> no register file; present (even empty) -> rows and cols required;
 * values, ranges, the storage limit. */
static void test_trf_section(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, good(c, NULL), NULL, 0), 0);
    assert_int_equal((c->cfg.blk[TF_BLK_trf] != NULL), 0);
    assert_int_equal(load(c, good(c, "[trf]\nrows = 3\ncols = 5\nimpl = banked\nread_ports = 2\n"), NULL, 0), 0);
    assert_int_equal((c->cfg.blk[TF_BLK_trf] != NULL), 1);
    assert_int_equal(TR(c)->rows, 3);
    assert_int_equal(TR(c)->cols, 5);
    assert_int_equal(TR(c)->impl, TF_TRF_BANKED);
    assert_int_equal(TR(c)->read_ports, 2);
    assert_int_equal(TR(c)->width, 8);
    assert_int_equal(TR(c)->write_mask, 1);
    load(c, good(c, "[trf]\n"), NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_string_equal(c->msg, "t.ini: trf.rows: required key is missing (legal: 1..256)");
    load(c, good(c, "[trf]\nrows = 3\ncols = 257\n"), NULL, 0);
    expect_shape(c, "t.ini:9", "trf.cols = 257", "out of range", "1..256");
    load(c, good(c, "[trf]\nrows = 3\ncols = 5\nimpl = sram\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "trf.impl = sram", "unknown implementation", "flops, banked");
    load(c, good(c, "[trf]\nrows = 3\ncols = 5\nread_ports = 3\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "trf.read_ports = 3", "out of range", "1..2");
    /* flops at the largest size is exactly the limit; banked with two copies is above it */
    assert_int_equal(load(c, good(c, "[trf]\nrows = 256\ncols = 256\nwidth = 64\n"), NULL, 0), 0);
    load(c, good(c, "[trf]\nrows = 256\ncols = 256\nwidth = 64\nimpl = banked\nread_ports = 2\n"),
         NULL, 0);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_string_equal(c->msg, "t.ini:8: trf.rows = 256, trf.cols = 256, trf.width = 64, trf.impl = "
                                "banked, trf.read_ports = 2: the register file would hold 8388608 "
                                "bits (legal: at most 4194304 bits)");
}

/* gemm.store: the result store needs requantization to operand width and at most
 * 256 rows and columns; flops and banked count their storage differently. */
static void test_store_key(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, good(c, NULL), NULL, 0), 0);
    assert_int_equal(G(c)->store, TF_STORE_NONE);
    assert_int_equal(load(c, good(c, "store = banked\n"), NULL, 0), 0);
    assert_int_equal(G(c)->store, TF_STORE_BANKED);
    assert_int_equal(load(c, good(c, "store = flops\nrequant_bits = 5\n"), NULL, 0), 0);
    assert_int_equal(G(c)->store, TF_STORE_FLOPS);
    load(c, good(c, "store = sram\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.store = sram", "unknown store", "none, flops, banked");
    load(c, good(c, "store = banked\nrequant = false\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.store = banked, gemm.requant = false",
                 "the store keeps requantized results", "store = none, or requant = true");
    load(c, good(c, "store = flops\nrequant_bits = 9\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.store = flops, gemm.requant_bits = 9, array.operand_bits = 8 "
                 "(default)", "narrower than requant_bits", "requant_bits 2..8 with a store");
    load(c, good(c, "store = banked\nmax_n = 257\n"), NULL, 0);
    expect_shape(c, "t.ini:7", "gemm.store = banked, gemm.max_m = 64 (default), gemm.max_n = 257",
                 "max_m x max_n words", "max_m and max_n 1..256 with a store");
    /* the largest store, 256 x 256 x 16 bits in two banked copies (2 Mibit), is accepted */
    const char *d[] = {"gemm.store=banked", "array.operand_bits=16", "gemm.requant_bits=16",
                       "gemm.max_m=256", "gemm.max_n=256"};
    assert_int_equal(load(c, good(c, NULL), d, 5), 0);
    assert_int_equal(G(c)->max_n, 256);
}

/* [attn]: present only when the section is; the cross rules of docs/config.md 4.1. The
 * section starts on line 7 of these texts ([gemm] is line 6 and empty). */
static void test_attn_section(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(load(c, good(c, NULL), NULL, 0), 0);
    assert_int_equal((c->cfg.blk[TF_BLK_attn] != NULL), 0);
    assert_int_equal(load(c, good(c, "[attn]\nbanks = 4\ntokens_per_bank = 16\nhead_dim = 32\n"), NULL, 0), 0);
    assert_int_equal((c->cfg.blk[TF_BLK_attn] != NULL), 1);
    assert_int_equal(AT(c)->banks, 4);
    assert_int_equal(AT(c)->lanes, 8);
    assert_int_equal(AT(c)->prune, TF_PRUNE_IMPORTANCE);
    load(c, good(c, "[attn]\n"), NULL, 0);
    assert_string_equal(c->msg, "t.ini: attn.banks: required key is missing (legal: 1..64)");
    const char *sec = "[attn]\nbanks = 4\ntokens_per_bank = 16\nhead_dim = 32\n";
    struct {
        const char *def, *where, *keyval, *what, *legal;
    } bad[] = {
        {"attn.lanes=5", "-D:1", "attn.lanes = 5, attn.head_dim = 32 (t.ini:10)", "does not divide",
         "a divisor of head_dim"},
        {"attn.kv_bits=6", "-D:1", "attn.kv_bits = 6", "not a KV storage format", "4, 8"},
        {"attn.banks=64", "-D:1", "attn.banks = 64, attn.tokens_per_bank = 16", "capacity 1024",
         "banks * tokens_per_bank at most 8192"},
        {"attn.recent=64", "-D:1", "attn.recent = 64, attn.banks = 4 (t.ini:8), attn.tokens_per_bank "
         "= 16 (t.ini:9)", "the whole cache of 64 tokens would be protected", "recent 0..63"},
        {"attn.topk=65", "-D:1", "attn.topk = 65, attn.banks = 4 (t.ini:8), attn.tokens_per_bank = "
         "16 (t.ini:9)", "more than the capacity", "topk 0..64"},
        {"attn.exp_frac_bits=7", "-D:1", "attn.exp_frac_bits = 7, attn.exp_table_bits = 8 (default)",
         "fewer fraction bits than table bits", "exp_frac_bits 8..30"},
        {"attn.importance_bits=15", "-D:1", "attn.importance_bits = 15, attn.prob_bits = 15 (default)",
         "not wider", "importance_bits 16..32"},
        {"attn.prune=lru", "-D:1", "attn.prune = lru", "unknown pruning policy", "none, importance"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *d[] = {bad[i].def};
        load(c, good(c, sec), d, 1);
        if (i == 2) { /* 64 x 16 = 1024 is legal: the capacity rule needs more */
            assert_int_equal(c->status, 0);
            continue;
        }
        expect_shape(c, bad[i].where, bad[i].keyval, bad[i].what, bad[i].legal);
    }
    const char *tk[] = {"attn.topk=2"};
    assert_int_equal(load(c, good(c, sec), tk, 1), 0);
    assert_int_equal(AT(c)->topk, 2);
    const char *hp[] = {"attn.heads_parallel=true"};
    assert_int_equal(load(c, good(c, sec), hp, 1), 0);
    assert_int_equal(AT(c)->heads_parallel, 1);
    const char *big[] = {"attn.banks=64", "attn.tokens_per_bank=256"};
    load(c, good(c, sec), big, 2);
    expect_shape(c, "-D:2", "attn.tokens_per_bank = 256, attn.banks = 64 (-D:1)", "capacity 16384",
                 "banks * tokens_per_bank at most 8192");
    load(c, good(c, "[attn]\nbanks = 4\ntokens_per_bank = 16\nprune = none\nrecent = 2\n"), NULL, 0);
    expect_shape(c, "t.ini:11", "attn.recent = 2, attn.prune = none", "recent set, but prune is not importance",
                 "drop the key, or set attn.prune = importance");
    /* a rule against a key at its default: the set key's line, and "(default)" */
    load(c, good(c, "[attn]\nbanks = 4\ntokens_per_bank = 16\nhead_dim = 12\n"), NULL, 0);
    expect_shape(c, "t.ini:10", "attn.lanes = 8 (default), attn.head_dim = 12", "does not divide",
                 "a divisor of head_dim");
    const char *kv[] = {"attn.heads=16", "attn.banks=8", "attn.tokens_per_bank=1024", "attn.head_dim=256"};
    load(c, good(c, sec), kv, 4);
    assert_int_equal(c->status, TF_EXIT_INPUT);
    assert_string_equal(c->msg, "-D:1: attn.heads = 16, attn.banks = 8 (-D:2), attn.tokens_per_bank "
                                "= 1024 (-D:3), attn.head_dim = 256 (-D:4), attn.kv_bits = 8 "
                                "(default): the KV cache would hold 536870912 bits (legal: at most "
                                "67108864 bits)");
}

/* Every key, its section and its default as the key table prints them. */
static const struct {
    const char *section, *key, *dflt;
} all_keys[] = {
    {"design", "name", "(required)"}, {"design", "clock_mhz", "200"},
    {"array", "rows", "(required in [array])"},
    {"array", "cols", "(required in [array])"},  {"array", "dataflow", "os"},
    {"array", "operand_bits", "8"},   {"gemm", "max_m", "64"},
    {"gemm", "max_k", "64"},          {"gemm", "max_n", "64"},
    {"gemm", "requant", "true"},      {"gemm", "requant_bits", "8"},
    {"gemm", "store", "none"},
    {"attn", "banks", "(required in [attn])"}, {"attn", "tokens_per_bank", "(required in [attn])"},
    {"attn", "head_dim", "64"},       {"attn", "heads", "1"},
    {"attn", "heads_parallel", "false"}, {"attn", "lanes", "8"},
    {"attn", "kv_bits", "8"},         {"attn", "exp_table_bits", "8"},
    {"attn", "exp_bits", "15"},       {"attn", "exp_frac_bits", "24"},
    {"attn", "prob_bits", "15"},      {"attn", "importance_bits", "32"},
    {"attn", "prune", "importance"},  {"attn", "recent", "0"},
    {"attn", "topk", "0"},           {"attn", "regions", "1"},
    {"aux", "bias", "true"},          {"aux", "requant", "true"},
    {"aux", "residual", "true"},      {"aux", "layernorm", "true"},
    {"aux", "gelu", "true"},          {"aux", "lanes", "8"},
    {"aux", "max_d", "4096"},         {"aux", "max_rows", "512"},
    {"aux", "acc_bits", "32"},        {"aux", "bias_bits", "32"},
    {"aux", "rq_bits", "16"},         {"aux", "res_bits", "20"},
    {"aux", "res_in_bits", "8"},      {"aux", "ln_in_bits", "20"},
    {"aux", "ln_out_bits", "8"},      {"aux", "ln_max_d", "1024"},
    {"aux", "ln_rows", "8"},          {"aux", "ln_banks", "2"},
    {"aux", "gelu_in_bits", "16"},    {"aux", "gelu_out_bits", "8"},
    {"trf", "rows", "(required in [trf])"}, {"trf", "cols", "(required in [trf])"},
    {"trf", "width", "8"},            {"trf", "read_ports", "1"},
    {"trf", "impl", "flops"},         {"trf", "write_mask", "true"},
    {"mem", "data_bits", "128"},      {"mem", "addr_bits", "32"},
    {"mem", "id_bits", "4"},          {"mem", "burst_len", "16"},
    {"mem", "max_reads", "4"},        {"mem", "max_writes", "4"},
    {"mem", "corner_words", "16"},
    {"model", "d_model", "(required in [model])"}, {"model", "heads", "(required in [model])"},
    {"model", "d_ff", "(required in [model])"}, {"model", "layers", "1"},
    {"model", "max_seq", "(required in [model])"}, {"model", "sequences", "4"},
    {"model", "norm", "post"},        {"model", "act", "gelu"},
    {"model", "attention", "causal"},
    {"batch", "bmax", "1"},
    {"batch", "policy", "fit"},
};
#define NALL ((int)(sizeof all_keys / sizeof all_keys[0]))

static char *keys_table(void)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    cfg_print_keys(f);
    long n = ftell(f);
    assert_true(n > 0);
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

static void test_key_table(void **state)
{
    struct ctx *c = *state;
    char *t = keys_table();
    int lines = 0;
    for (const char *s = t; (s = strchr(s, '\n')); s++)
        lines++;
    assert_int_equal(lines, 1 + NALL); /* a header and one line per key */
    assert_true(!strncmp(t, "section", 7));
    for (int i = 0; i < NALL; i++) {
        /* the line starts with section and key, and names the default */
        char head[64];
        snprintf(head, sizeof head, "\n%-8s %-14s ", all_keys[i].section, all_keys[i].key);
        const char *l = strstr(t, head);
        if (!l)
            fail_msg("the key table lacks %s.%s:\n%s", all_keys[i].section, all_keys[i].key, t);
        const char *e = strchr(l + 1, '\n');
        char dflt[32];
        snprintf(dflt, sizeof dflt, " %s ", all_keys[i].dflt);
        char *line = tu_fmt("%.*s", (int)(e - l), l);
        if (!strstr(line, dflt))
            fail_msg("key table line \"%s\" lacks the default \"%s\"", line + 1, all_keys[i].dflt);
        free(line);
        /* and the documented default is a value the parser accepts */
        if (all_keys[i].dflt[0] != '(') { /* "(required)", "(required in [trf])" */
            char def[128];
            snprintf(def, sizeof def, "%s.%s=%s", all_keys[i].section, all_keys[i].key,
                     all_keys[i].dflt);
            /* a [trf] or [attn] key brings its section, which needs its required keys */
            const char *trf[] = {def, "trf.rows=2", "trf.cols=3"};
            const char *attn[] = {def, "attn.banks=2", "attn.tokens_per_bank=4"};
            /* beside the 4-column engine of good(), the unit has 4 lanes (a lanes key
             * itself is checked alone: its default is exercised by the aux-only configs) */
            const char *aux[] = {def, "aux.lanes=4"};
            const char **defs = !strcmp(all_keys[i].section, "attn") ? attn
                                : !strcmp(all_keys[i].section, "aux") ? aux : trf;
            int ndefs = !strcmp(all_keys[i].section, "aux") ? (strcmp(all_keys[i].key, "lanes") ? 2 : 1)
                        : strcmp(all_keys[i].section, "trf") && strcmp(all_keys[i].section, "attn") ? 1 : 3;
            if (!strcmp(all_keys[i].section, "aux") && !strcmp(all_keys[i].key, "lanes"))
                continue; /* lanes = 8 against good()'s 4 columns is refused, by design */
            /* a [model] or [batch] key needs every hardware section: the MiniLM example has them */
            if (!strcmp(all_keys[i].section, "model") || !strcmp(all_keys[i].section, "batch")) {
                if (load_file(c, "configs/model/minilm_8x8.ini", defs, 1) != 0)
                    fail_msg("documented default %s: %s", def, c->msg);
                continue;
            }
            if (load(c, good(c, NULL), defs, ndefs) != 0)
                fail_msg("documented default %s: %s", def, c->msg);
        }
    }
    free(t);
}

/* ---- the tforge binary --------------------------------------------------------------- */

struct run {
    int status;
    char *out, *err;
};

static struct run run_tforge(const char *a1, ...)
{
    const char *bin = tu_tforge_bin();
    if (access(bin, X_OK) != 0)
        fail_msg("tforge binary %s not found: run make tforge, or set TFORGE_BIN", bin);
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)bin;
    va_list ap;
    va_start(ap, a1);
    for (const char *s = a1; s && n < 31; s = va_arg(ap, const char *))
        argv[n++] = (char *)s;
    va_end(ap);
    argv[n] = NULL;
    struct run r;
    r.status = tu_run(argv, &r.out, &r.err);
    if (!r.out || !r.err)
        fail_msg("could not run %s", bin);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

#define EXPECT_RUN(r, st, stream, text)                                                        \
    do {                                                                                       \
        if ((r).status != (st) || !strstr((r).stream, (text)))                                 \
            fail_msg("%s:%d: expected status %d and \"%s\" on " #stream                        \
                     "; got status %d\n--- stdout:\n%s--- stderr:\n%s",                        \
                     __FILE__, __LINE__, (st), (text), (r).status, (r).out, (r).err);          \
    } while (0)

static char *write_cfg(const char *file, const char *text)
{
    char *p = tu_join(scratch, file);
    if (tu_write(p, text) != 0)
        fail_msg("cannot write %s", p);
    return p;
}

static const char good_ini[] = "[design]\nname = good\n[array]\nrows = 2\ncols = 3\n[gemm]\n"
                               "max_m = 8\nmax_k = 8\nmax_n = 8\n";

static void test_cli_help(void **state)
{
    (void)state;
    struct run r = run_tforge("--help", NULL);
    EXPECT_RUN(r, 0, out, "usage: tforge <command>");
    assert_string_equal(r.err, "");
    run_free(&r);
    r = run_tforge("-h", NULL);
    EXPECT_RUN(r, 0, out, "usage: tforge <command>");
    run_free(&r);
    r = run_tforge("--version", NULL);
    EXPECT_RUN(r, 0, out, "tforge " TF_VERSION);
    assert_string_equal(r.out, "tforge " TF_VERSION "\n");
    run_free(&r);
    r = run_tforge("-V", NULL);
    assert_string_equal(r.out, "tforge " TF_VERSION "\n");
    run_free(&r);
    r = run_tforge("gen", "--help", NULL);
    EXPECT_RUN(r, 0, out, "usage: tforge gen CONFIG -o DIR");
    run_free(&r);
    r = run_tforge("check", "--help", NULL);
    EXPECT_RUN(r, 0, out, "usage: tforge check CONFIG");
    run_free(&r);
    /* help wins over everything else on the line, even bad arguments */
    r = run_tforge("gen", "missing.ini", "--bogus", "-h", NULL);
    EXPECT_RUN(r, 0, out, "usage: tforge gen");
    run_free(&r);
}

static void test_cli_keys(void **state)
{
    (void)state;
    struct run r = run_tforge("keys", NULL);
    char *t = keys_table();
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, t);
    assert_string_equal(r.err, "");
    free(t);
    run_free(&r);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char *cfg = write_cfg("cli_good.ini", good_ini);
    char *out = tu_join(scratch, "cli_out");
    struct run r = run_tforge(NULL);
    EXPECT_RUN(r, 2, err, "usage: tforge");
    run_free(&r);
    r = run_tforge("frobnicate", NULL);
    EXPECT_RUN(r, 2, err,
               "tforge: unknown command 'frobnicate' (legal: gen, check, pack, golden, perf, keys, --help, --version)");
    run_free(&r);
    r = run_tforge("gen", cfg, "-o", out, "--frob", NULL);
    EXPECT_RUN(r, 2, err, "tforge gen: unknown option '--frob' (legal: ");
    run_free(&r);
    r = run_tforge("check", cfg, "--plan", NULL); /* a gen option */
    EXPECT_RUN(r, 2, err, "tforge check: unknown option '--plan' (legal: ");
    run_free(&r);
    r = run_tforge("gen", cfg, NULL);
    EXPECT_RUN(r, 2, err, "tforge gen: missing -o DIR");
    run_free(&r);
    r = run_tforge("gen", cfg, "-o", NULL);
    EXPECT_RUN(r, 2, err, "tforge gen: -o needs an argument (legal: -o DIR)");
    run_free(&r);
    r = run_tforge("check", NULL);
    EXPECT_RUN(r, 2, err, "tforge check: missing CONFIG");
    run_free(&r);
    r = run_tforge("check", cfg, cfg, NULL);
    EXPECT_RUN(r, 2, err, "unexpected argument");
    run_free(&r);
    r = run_tforge("keys", "--bogus", NULL);
    EXPECT_RUN(r, 2, err, "tforge keys: unexpected argument '--bogus' (legal: tforge keys)");
    run_free(&r);
    r = run_tforge("check", cfg, "-D", NULL);
    EXPECT_RUN(r, 2, err, "-D needs an argument (legal: -D section.key=value)");
    run_free(&r);
    /* none of these wrote anything */
    assert_false(tu_is_dir(out));
    assert_int_equal(tu_count_entries(scratch, ".tmp-"), 0);
    free(cfg);
    free(out);
}

static void test_cli_bad_config(void **state)
{
    (void)state;
    char *cfg = write_cfg("cli_bad.ini", "[design]\nname = good\n[array]\nrows = 65\ncols = 3\n");
    char *want = tu_fmt("%s:4: array.rows = 65: out of range (legal: 1..64)\n", cfg);
    struct run r = run_tforge("check", cfg, NULL);
    EXPECT_RUN(r, 2, err, want);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    run_free(&r);
    char *out = tu_join(scratch, "bad_out");
    r = run_tforge("gen", cfg, "-o", out, NULL);
    assert_string_equal(r.err, want);
    assert_int_equal(r.status, 2);
    run_free(&r);
    assert_false(tu_is_dir(out));
    char *missing = tu_join(scratch, "nope.ini");
    r = run_tforge("check", missing, NULL);
    EXPECT_RUN(r, 2, err, "cannot read");
    EXPECT_RUN(r, 2, err, missing);
    run_free(&r);
    free(missing);
    free(out);
    free(want);
    free(cfg);
}

static void test_cli_bad_define(void **state)
{
    (void)state;
    char *cfg = write_cfg("cli_good.ini", good_ini);
    struct run r = run_tforge("check", cfg, "-D", "array.rows=0", NULL);
    EXPECT_RUN(r, 2, err, "-D:1: array.rows = 0: out of range (legal: 1..64)\n");
    run_free(&r);
    r = run_tforge("check", cfg, "-Dgemm.max_m=8", "-Darray.cols=65", NULL); /* attached form */
    EXPECT_RUN(r, 2, err, "-D:2: array.cols = 65: out of range (legal: 1..64)\n");
    run_free(&r);
    r = run_tforge("check", cfg, "-D", "rows=4", NULL);
    EXPECT_RUN(r, 2, err, "-D:1: 'rows=4': malformed override (legal: -D section.key=value)\n");
    run_free(&r);
    r = run_tforge("check", cfg, "-D", "array.bogus=1", NULL);
    EXPECT_RUN(r, 2, err, "-D:1: array.bogus = 1: unknown key in [array] (legal: ");
    run_free(&r);
    free(cfg);
}

static void test_cli_check(void **state)
{
    (void)state;
    char *cfg = write_cfg("cli_good.ini", good_ini);
    struct run r = run_tforge("check", cfg, NULL);
    EXPECT_RUN(r, 0, out, "array             2 x 3 PEs, output-stationary\n");
    EXPECT_RUN(r, 0, out, "accumulator       signed 19-bit (no overflow for K <= 8)\n");
    assert_string_equal(r.err, "");
    run_free(&r);
    r = run_tforge("check", cfg, "--name", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "good\n");
    run_free(&r);
    r = run_tforge("check", cfg, "-D", "array.rows=5", "-D", "array.dataflow=ws", NULL);
    EXPECT_RUN(r, 0, out, "array             5 x 3 PEs, weight-stationary\n");
    run_free(&r);
    free(cfg);
}

/* ---- the output directory promise ------------------------------------------------------- */

static const char *const gen_files[] = {
    "good_top.v", "good_gemm.v", "tf_gemm.v", "good_params.h", "good_params.vh", "good.f",
    "good_manifest.json",
    "good_synth.ys", "good_lint.ys", "good_plan.txt", ".tforge",
};

/* A fresh parent directory for one test, so leftovers are easy to count. */
static char *parent(const char *name)
{
    char *p = tu_join(scratch, name);
    if (mkdir(p, 0777) != 0)
        fail_msg("mkdir %s failed", p);
    return p;
}

static void expect_no_leftovers(const char *dir)
{
    int tmp = tu_count_entries(dir, ".tmp-"), old = tu_count_entries(dir, ".old-");
    if (tmp || old)
        fail_msg("%s: %d temporary and %d old directories left behind", dir, tmp, old);
}

static void expect_generated(const char *dir)
{
    for (size_t i = 0; i < sizeof gen_files / sizeof gen_files[0]; i++) {
        char *f = tu_join(dir, gen_files[i]);
        if (!tu_is_file(f))
            fail_msg("gen did not write %s", f);
        free(f);
    }
    /* every file of the file list exists */
    char *flist = tu_join(dir, "good.f");
    char *text = tu_read(flist, NULL);
    assert_non_null(text);
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f = tu_join(dir, line);
        if (!tu_is_file(f))
            fail_msg("good.f names %s, which gen did not write", line);
        free(f);
        n++;
    }
    assert_true(n >= 8); /* 5 fixed modules with requant, mesh, gemm, top */
    free(text);
    free(flist);
    char *marker = tu_join(dir, ".tforge");
    text = tu_read(marker, NULL);
    assert_non_null(text);
    assert_true(!strncmp(text, "tforge " TF_VERSION "\n", strlen("tforge " TF_VERSION "\n")));
    assert_non_null(strstr(text, "design good\n"));
    free(text);
    free(marker);
}

static void test_gen_new_dir(void **state)
{
    (void)state;
    char *cfg = write_cfg("gen_good.ini", good_ini);
    char *par = parent("gen_a");
    char *out = tu_join(par, "design");
    struct run r = run_tforge("gen", cfg, "-o", out, NULL);
    char *msg = tu_fmt("tforge: wrote %s (good_top)\n", out);
    EXPECT_RUN(r, 0, out, msg);
    assert_string_equal(r.err, "");
    run_free(&r);
    free(msg);
    expect_generated(out);
    expect_no_leftovers(par);
    /* missing parents are made; --plan prints the plan too */
    char *deep = tu_join(par, "x/y/design");
    r = run_tforge("gen", cfg, "-o", deep, "--plan", NULL);
    EXPECT_RUN(r, 0, out, "array             2 x 3 PEs, output-stationary\n");
    run_free(&r);
    expect_generated(deep);
    free(deep);
    free(out);
    free(par);
    free(cfg);
}

static void test_gen_failure_leaves_dir(void **state)
{
    (void)state;
    char *cfg = write_cfg("gen_good.ini", good_ini);
    char *badcfg = write_cfg("gen_bad.ini", "[design]\nname = good\n[array]\nrows = 2\ncols = x\n");
    char *par = parent("gen_b");
    char *out = tu_join(par, "design");
    struct run r = run_tforge("gen", cfg, "-o", out, NULL);
    EXPECT_RUN(r, 0, out, "tforge: wrote");
    run_free(&r);
    struct tu_snap before, after;
    assert_int_equal(tu_snap_take(&before, out), 0);
    assert_true(before.n >= 10);

    r = run_tforge("gen", badcfg, "-o", out, NULL);
    EXPECT_RUN(r, 2, err, "array.cols = x: not a number");
    run_free(&r);
    r = run_tforge("gen", cfg, "-o", out, "-D", "array.rows=0", NULL);
    EXPECT_RUN(r, 2, err, "-D:1: array.rows = 0: out of range");
    run_free(&r);
    r = run_tforge("gen", cfg, "-o", out, "--bogus", NULL);
    EXPECT_RUN(r, 2, err, "unknown option");
    run_free(&r);

    assert_int_equal(tu_snap_take(&after, out), 0);
    const char *diff = tu_snap_diff(&before, &after);
    if (diff)
        fail_msg("a failing gen changed %s: %s", out, diff);
    tu_snap_free(&before);
    tu_snap_free(&after);
    expect_no_leftovers(par);
    char **names;
    int n = tu_list(par, &names);
    assert_int_equal(n, 1); /* just "design" */
    assert_string_equal(names[0], "design");
    tu_free_names(names, n);
    free(out);
    free(par);
    free(badcfg);
    free(cfg);
}

static void test_gen_refuses_foreign_dir(void **state)
{
    (void)state;
    char *cfg = write_cfg("gen_good.ini", good_ini);
    char *par = parent("gen_c");
    char *out = tu_join(par, "mine");
    assert_int_equal(mkdir(out, 0777), 0);
    char *precious = tu_join(out, "precious.txt");
    assert_int_equal(tu_write(precious, "not tforge's\n"), 0);
    char *sub = tu_join(out, "good_top.v"); /* even a name tforge would write */
    assert_int_equal(tu_write(sub, "// mine\n"), 0);
    struct tu_snap before, after;
    assert_int_equal(tu_snap_take(&before, out), 0);

    struct run r = run_tforge("gen", cfg, "-o", out, NULL);
    char *want = tu_fmt("%s: exists and was not written by tforge; refusing to replace it", out);
    EXPECT_RUN(r, 2, err, want);
    assert_string_equal(r.out, "");
    run_free(&r);
    free(want);

    assert_int_equal(tu_snap_take(&after, out), 0);
    const char *diff = tu_snap_diff(&before, &after);
    if (diff)
        fail_msg("gen touched a directory it did not write: %s", diff);
    tu_snap_free(&before);
    tu_snap_free(&after);
    expect_no_leftovers(par);

    /* an empty directory is not tforge's either */
    char *empty = tu_join(par, "empty");
    assert_int_equal(mkdir(empty, 0777), 0);
    r = run_tforge("gen", cfg, "-o", empty, NULL);
    EXPECT_RUN(r, 2, err, "exists and was not written by tforge");
    run_free(&r);
    char **names;
    int n = tu_list(empty, &names);
    assert_int_equal(n, 0);
    tu_free_names(names, n);

    /* nor is a regular file */
    char *file = tu_join(par, "afile");
    assert_int_equal(tu_write(file, "data\n"), 0);
    r = run_tforge("gen", cfg, "-o", file, NULL);
    EXPECT_RUN(r, 2, err, "exists and was not written by tforge");
    run_free(&r);
    char *data = tu_read(file, NULL);
    assert_string_equal(data, "data\n");
    free(data);
    expect_no_leftovers(par);

    free(file);
    free(empty);
    free(sub);
    free(precious);
    free(out);
    free(par);
    free(cfg);
}

static void test_gen_replaces_own_dir(void **state)
{
    (void)state;
    char *cfg = write_cfg("gen_good.ini", good_ini);
    char *par = parent("gen_d");
    char *out = tu_join(par, "design");
    struct run r = run_tforge("gen", cfg, "-o", out, NULL);
    EXPECT_RUN(r, 0, out, "tforge: wrote");
    run_free(&r);
    char *stale = tu_join(out, "stale.txt");
    assert_int_equal(tu_write(stale, "left over\n"), 0);
    char *plan = tu_join(out, "good_plan.txt");
    char *old_plan = tu_read(plan, NULL);
    assert_non_null(strstr(old_plan, "2 x 3 PEs"));

    r = run_tforge("gen", cfg, "-o", out, "-D", "array.cols=4", NULL);
    EXPECT_RUN(r, 0, out, "(good_top)");
    run_free(&r);
    assert_false(tu_is_file(stale));
    char *new_plan = tu_read(plan, NULL);
    assert_non_null(new_plan);
    assert_non_null(strstr(new_plan, "2 x 4 PEs"));
    expect_generated(out);
    expect_no_leftovers(par);
    char **names;
    int n = tu_list(par, &names);
    assert_int_equal(n, 1);
    tu_free_names(names, n);

    /* and again with a trailing slash on -o */
    char *slash = tu_fmt("%s/", out);
    assert_int_equal(tu_write(stale, "left over\n"), 0);
    r = run_tforge("gen", cfg, "-o", slash, NULL);
    EXPECT_RUN(r, 0, out, "tforge: wrote");
    run_free(&r);
    assert_false(tu_is_file(stale));
    expect_generated(out);
    expect_no_leftovers(par);

    free(slash);
    free(new_plan);
    free(old_plan);
    free(plan);
    free(stale);
    free(out);
    free(par);
    free(cfg);
}

/* [model]: each rule against the hardware sections, on the MiniLM accelerator config
 * with one -D that breaks it; the message names the keys of both sides. */
static void test_model_rules(void **state)
{
    struct ctx *c = *state;
    static const char path[] = "configs/model/minilm_8x8.ini";
    static const struct {
        const char *def, *keys, *legal;
    } cases[] = {
        {"model.heads=5", "model.d_model = 384, model.heads = 5", "heads dividing d_model"},
        {"attn.head_dim=64", "attn.head_dim = 64, model.d_model = 384", "attn.head_dim = 32"},
        {"attn.heads=5", "attn.heads = 5, model.heads = 12", "attn.heads dividing 12"},
        {"model.layers=7", "attn.regions = 24, model.layers = 7 (-D:1), model.sequences = 4 (default)",
         "attn.regions at least 28"},
        {"model.max_seq=129", "-D:1: model.max_seq = 129, attn.banks = 8",
         "max_seq at most banks x tokens_per_bank / regions = 128"},
        {"gemm.max_k=1535", "gemm.max_k = 1535, model.d_model = 384", "max_k at least 1536"},
        {"aux.max_d=1535", "aux.max_d = 1535, model.d_model = 384", "max_d at least 1536"},
        {"aux.ln_max_d=383", "aux.ln_max_d = 383, model.d_model = 384", "ln_max_d at least 384"},
        {"aux.residual=false", "aux.residual = false, model.d_model = 384", "aux.residual = true"},
        {"aux.gelu_out_bits=8", "aux.gelu_out_bits = 8, model.d_model = 384", "16 with [model]"},
        {"aux.res_in_bits=8", "aux.res_in_bits = 8, model.d_model = 384", "16 with [model]"},
        {"aux.ln_out_bits=16", "aux.ln_out_bits = 16, model.d_model = 384", "8 with [model]"},
        {"array.operand_bits=4", "array.operand_bits = 4, model.d_model = 384", "8 with [model]"},
        {"mem.data_bits=32", "mem.data_bits = 32, array.cols = 8", "a port of a multiple of 8 bytes"},
    };
    assert_int_equal(load_file(c, path, NULL, 0), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *defs[] = {cases[i].def};
        if (load_file(c, path, defs, 1) == 0)
            fail_msg("%s: accepted", cases[i].def);
        char *legal = tu_fmt("(legal: %s)", cases[i].legal);
        if (!strstr(c->msg, cases[i].keys) || !strstr(c->msg, legal))
            fail_msg("%s: message \"%s\" lacks \"%s\" or \"%s\"", cases[i].def, c->msg,
                     cases[i].keys, legal);
        free(legal);
    }
    /* a RUN of the auxiliary unit covers a GEMM command's rows: up to max_seq */
    const char *rows[] = {"gemm.max_m=64", "aux.max_rows=64"};
    if (load_file(c, path, rows, 2) == 0)
        fail_msg("aux.max_rows below max_seq: accepted");
    assert_non_null(strstr(c->msg, "aux.max_rows = 64, model.max_seq = 128"));
    assert_non_null(strstr(c->msg, "(legal: aux.max_rows at least 128)"));
    /* the layer needs every unit: a [model] beside the attention unit alone */
    load(c, "[design]\nname = m\n[attn]\nbanks = 2\ntokens_per_bank = 4\nhead_dim = 8\n"
            "[model]\nd_model = 8\nheads = 1\nd_ff = 16\nmax_seq = 2\n", NULL, 0);
    expect_shape(c, "t.ini:8", "model.d_model = 8", "[gemm] is missing",
                 "a config with [array], [gemm], [attn], [aux] and [mem] besides [model]");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* cmocka writes to stdout and stderr: keep the order */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_unknown_section),
        T(test_unknown_key),
        T(test_key_outside_section),
        T(test_missing_required),
        T(test_syntax_error),
        T(test_malformed_number),
        T(test_out_of_range),
        T(test_bad_enum),
        T(test_bad_bool),
        T(test_bad_identifier),
        T(test_duplicate_key),
        T(test_inconsistent),
        T(test_buffers_too_large),
        T(test_unreadable_file),
        T(test_file_lines),
        T(test_define_malformed),
        T(test_define_bad_values),
        T(test_define_overrides),
        T(test_defaults),
        T(test_all_keys),
        T(test_booleans),
        T(test_hex_numbers),
        T(test_comments),
        T(test_indented_lines),
        T(test_long_lines),
        T(test_define_trimmed),
        T(test_blocks_optional),
        T(test_aux_with_gemm),
        T(test_text_bytes),
        T(test_bom),
        T(test_section_header_text),
        T(test_long_messages),
        T(test_define_bytes),
        T(test_key_table),
        T(test_trf_section),
        T(test_store_key),
        T(test_attn_section),
        T(test_model_rules),
        T(test_cli_help),
        T(test_cli_keys),
        T(test_cli_errors),
        T(test_cli_bad_config),
        T(test_cli_bad_define),
        T(test_cli_check),
        T(test_gen_new_dir),
        T(test_gen_failure_leaves_dir),
        T(test_gen_refuses_foreign_dir),
        T(test_gen_replaces_own_dir),
    };
#undef T
    return cmocka_run_group_tests_name("cfg", tests, group_setup, group_teardown);
}
