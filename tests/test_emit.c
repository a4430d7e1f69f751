/* test_emit.c -- the emitters: golden text of two tiny designs, the emitter's
 * indentation and template rules, and the embedded template table.
 *
 * Golden files: tests/golden/<design>/<file> is what emit_rtl + emit_aux write
 * for tests/golden/<design>.ini (always loaded by that relative path, which
 * the generated headers quote). After an intended change of the generated
 * text, `make update-golden` (UPDATE_GOLDEN=1) rewrites them; review the diff. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tforge.h"
#include "blocks/gemm.h"
#include "tutil.h"

#define GOLDEN "tests/golden"

static char *scratch;
static int update_golden;

struct ctx {
    struct arena a;
    struct diag d;
    struct tf_config cfg;
    struct tf_plan p;
    struct emitter e;
    struct tf_dir dirs[4]; /* directories opened by dir_of, closed by teardown */
    int ndirs;
};

static int group_setup(void **state)
{
    (void)state;
    if (!tu_is_dir(GOLDEN)) {
        fprintf(stderr, "test_emit: %s not found: run from the repository root\n", GOLDEN);
        return -1;
    }
    const char *u = getenv("UPDATE_GOLDEN");
    update_golden = u && *u && strcmp(u, "0") != 0;
    scratch = tu_scratch("emit");
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
    if (c->e.f)
        fclose(c->e.f);
    for (int i = 0; i < c->ndirs; i++)
        tf_dir_close(&c->dirs[i]);
    diag_free(&c->d);
    arena_free(&c->a);
    free(c);
    return 0;
}

/* Load and plan a config file; a failure fails the test. */
static const struct tf_plan *plan_file(struct ctx *c, const char *ini)
{
    if (setjmp(c->d.jb))
        fail_msg("%s rejected: %s", ini, c->d.msg);
    cfg_load(&c->cfg, ini, NULL, 0, &c->a, &c->d);
    plan_derive(&c->p, &c->cfg, &c->a, &c->d);
    return &c->p;
}

/* Line number (1-based) of the first difference of two texts, and that line of each. */
static void describe_diff(const char *a, size_t alen, const char *b, size_t blen, char *out,
                          size_t n)
{
    size_t i = 0, line = 1, start = 0;
    while (i < alen && i < blen && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    const char *ae = memchr(a + start, '\n', alen > start ? alen - start : 0);
    const char *be = memchr(b + start, '\n', blen > start ? blen - start : 0);
    int al = (int)(ae ? (size_t)(ae - (a + start)) : (alen > start ? alen - start : 0));
    int bl = (int)(be ? (size_t)(be - (b + start)) : (blen > start ? blen - start : 0));
    snprintf(out, n, "line %zu:\n    golden:    %.*s\n    generated: %.*s", line,
             al > 200 ? 200 : al, a + start, bl > 200 ? 200 : bl, b + start);
}

/* 1 if NAME is one of the plan's fixed-text modules ("tf_skid.v"). */
static int is_template(const struct tf_plan *p, const char *name)
{
    for (int i = 0; i < p->ntemplates; i++) {
        size_t n = strlen(p->templates[i]);
        if (!strncmp(name, p->templates[i], n) && !strcmp(name + n, ".v"))
            return 1;
    }
    return 0;
}

/* The file of template NAME ("tf_skid.v", "aux/tf_aux.v"): templates/NAME, or, for a name
 * without its directory, templates/<dir>/NAME. */
static char *template_path(const char *name)
{
    char *path = tu_fmt("templates/%s", name);
    if (access(path, R_OK) == 0)
        return path;
    DIR *d = opendir("templates");
    if (!d)
        return path;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = tu_fmt("templates/%s/%s", e->d_name, name);
        if (access(sub, R_OK) == 0) {
            free(path);
            path = sub;
            break;
        }
        free(sub);
    }
    closedir(d);
    return path;
}

/* The copied fixed-text modules of dir are their templates/ file under the two-line
 * "generated" header: compared with the source, not stored twice. */
static void compare_templates(const struct tf_plan *p, const char *dir)
{
    for (int i = 0; i < p->ntemplates; i++) {
        /* the embedded copy, which test_embedded_templates checks against templates/ */
        char *src = tu_fmt("%s.v", p->templates[i]);
        char *gen = tu_fmt("%s/%s.v", dir, p->templates[i]);
        const char *want_text = template_text(src);
        char *got = tu_read(gen, NULL);
        if (!want_text || !got)
            fail_msg("template %s or %s is missing", src, gen);
        char *want = tu_fmt("// Generated by tforge %s from %s -- do not edit\n// Fixed-text module, "
                            "copied from templates/ unchanged.\n%s", TF_VERSION, p->config_path,
                            want_text);
        if (strcmp(want, got) != 0)
            fail_msg("%s is not %s under the generated header", gen, src);
        free(want);
        free(got);
        free(src);
        free(gen);
    }
}

/* Compare every generated file of dir but the copied templates with golden_dir: the
 * same names, the same bytes. */
static void compare_dirs(const struct tf_plan *p, const char *golden_dir, const char *dir)
{
    char **gn, **dn;
    int ng = tu_list(golden_dir, &gn), nd = tu_list(dir, &dn);
    /* the templates are not in the golden set */
    int k = 0;
    for (int i = 0; i < nd; i++) {
        if (is_template(p, dn[i]))
            free(dn[i]);
        else
            dn[k++] = dn[i];
    }
    nd = k;
    if (ng < 0) {
        tu_free_names(dn, nd < 0 ? 0 : nd);
        fail_msg("%s is missing: run make update-golden", golden_dir);
    }
    assert_true(nd > 0);
    int failures = 0;
    char report[4096] = "";
    for (int i = 0, j = 0; i < ng || j < nd;) {
        int cmp = i >= ng ? 1 : j >= nd ? -1 : strcmp(gn[i], dn[j]);
        char line[1024];
        line[0] = '\0';
        if (cmp < 0) {
            snprintf(line, sizeof line, "  %s: in the golden set, not generated\n", gn[i++]);
        } else if (cmp > 0) {
            snprintf(line, sizeof line, "  %s: generated, not in the golden set\n", dn[j++]);
        } else {
            char *gp = tu_join(golden_dir, gn[i]), *dp = tu_join(dir, dn[j]);
            size_t gl = 0, dl = 0;
            char *g = tu_read(gp, &gl), *d = tu_read(dp, &dl);
            if (!g || !d) {
                snprintf(line, sizeof line, "  %s: unreadable\n", gn[i]);
            } else if (gl != dl || memcmp(g, d, gl) != 0) {
                char why[800];
                describe_diff(g, gl, d, dl, why, sizeof why);
                snprintf(line, sizeof line, "  %s differs at %s\n", gn[i], why);
            }
            free(g);
            free(d);
            free(gp);
            free(dp);
            i++;
            j++;
        }
        if (*line) {
            failures++;
            strncat(report, line, sizeof report - strlen(report) - 1);
        }
    }
    tu_free_names(gn, ng);
    tu_free_names(dn, nd);
    compare_templates(p, dir);
    if (failures)
        fail_msg("%s: %d file(s) differ from the golden text (after an intended change: make "
                 "update-golden):\n%s",
                 golden_dir, failures, report);
}

/* Copy the generated files of FROM (not the copied templates) into TO. */
static void copy_dir(const struct tf_plan *p, const char *from, const char *to)
{
    char **names;
    int n = tu_list(from, &names);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        if (is_template(p, names[i]))
            continue;
        char *src = tu_join(from, names[i]), *dst = tu_join(to, names[i]);
        size_t len = 0;
        char *data = tu_read(src, &len);
        assert_non_null(data);
        FILE *f = fopen(dst, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        free(data);
        free(src);
        free(dst);
    }
    tu_free_names(names, n);
}

/* An open directory the emitters write into (closed by teardown). */
static const struct tf_dir *dir_of(struct ctx *c, const char *path)
{
    static struct diag d; /* its own: the caller's c->d.jb may be armed already */
    assert_true(c->ndirs < 4);
    if (setjmp(d.jb))
        fail_msg("cannot open %s: %s", path, d.msg);
    tf_dir_open(&c->dirs[c->ndirs], path, &c->a, &d);
    return &c->dirs[c->ndirs++];
}

/* emit_rtl + emit_aux into dir; a failure fails the test. */
static void emit_all(struct ctx *c, const struct tf_plan *p, const char *dir)
{
    const struct tf_dir *od = dir_of(c, dir);
    if (setjmp(c->d.jb))
        fail_msg("emitting %s failed: %s", p->name, c->d.msg);
    emit_rtl(p, od, &c->a, &c->d);
    emit_params(p, od, &c->a, &c->d);
    emit_files(p, od, &c->a, &c->d);
    emit_report(p, od, &c->a, &c->d);
}

static void golden(struct ctx *c, const char *design)
{
    char *ini = tu_fmt(GOLDEN "/%s.ini", design);
    char *gdir = tu_fmt(GOLDEN "/%s", design);
    char *out = tu_join(scratch, design);
    assert_int_equal(mkdir(out, 0777), 0);
    const struct tf_plan *p = plan_file(c, ini);
    assert_string_equal(p->name, design);
    emit_all(c, p, out);
    if (update_golden) {
        tu_rm_rf(gdir);
        assert_int_equal(mkdir(gdir, 0777), 0);
        copy_dir(p, out, gdir);
        printf("update-golden: rewrote %s/\n", gdir);
    }
    compare_dirs(p, gdir, out);
    free(out);
    free(gdir);
    free(ini);
}

/* ---- golden text ---------------------------------------------------------- */

static void test_golden_tiny_os(void **state) { golden(*state, "tiny_os"); }
static void test_golden_tiny_ws(void **state) { golden(*state, "tiny_ws"); }
static void test_golden_tiny_attn(void **state) { golden(*state, "tiny_attn"); }
static void test_golden_tiny_aux(void **state) { golden(*state, "tiny_aux"); }

/* The tforge binary writes the same text as the library (main.c adds nothing
 * and loses nothing). */
static void test_golden_binary(void **state)
{
    const char *bin = tu_tforge_bin();
    if (access(bin, X_OK) != 0)
        fail_msg("tforge binary %s not found: run make tforge, or set TFORGE_BIN", bin);
    struct ctx *c = *state;
    static const char *const designs[] = {"tiny_os", "tiny_ws", "tiny_attn", "tiny_aux"};
    for (int i = 0; i < 4; i++) {
        char *ini = tu_fmt(GOLDEN "/%s.ini", designs[i]);
        const struct tf_plan *p = plan_file(c, ini);
        char *gdir = tu_fmt(GOLDEN "/%s", designs[i]);
        char *out = tu_fmt("%s/bin_%s", scratch, designs[i]);
        char *argv[] = {(char *)bin, "gen", ini, "-o", out, NULL};
        char *so = NULL, *se = NULL;
        int st = tu_run(argv, &so, &se);
        if (st != 0)
            fail_msg("%s gen %s -o %s: status %d\n%s%s", bin, ini, out, st, so ? so : "",
                     se ? se : "");
        compare_dirs(p, gdir, out);
        free(so);
        free(se);
        free(out);
        free(gdir);
        free(ini);
    }
}

/* Structure that holds whatever the golden text says: one module per Verilog
 * file named like the file, every top's file list complete and in the manifest,
 * R*C PEs in the mesh. */
static void check_structure(struct ctx *c, const char *design)
{
    char *ini = tu_fmt(GOLDEN "/%s.ini", design);
    const struct tf_plan *p = plan_file(c, ini);
    char *out = tu_fmt("%s/struct_%s", scratch, design);
    assert_int_equal(mkdir(out, 0777), 0);
    emit_all(c, p, out);
    char *manifest_path = tu_fmt("%s/%s_manifest.json", out, p->name);
    char *manifest = tu_read(manifest_path, NULL);
    assert_non_null(manifest);
    assert_true(p->ntops >= 1);
    for (int ti = 0; ti < p->ntops; ti++) {
        const struct tf_top *t = &p->tops[ti];
        char *flist_path = tu_fmt("%s/%s.f", out, t->stem);
        char *flist = tu_read(flist_path, NULL);
        assert_non_null(flist);
        char *mod_json = tu_fmt("\"module\": \"%s\"", t->module);
        if (!strstr(manifest, mod_json))
            fail_msg("%s_manifest.json does not name the top %s", p->name, t->module);
        free(mod_json);
        size_t off = 0;
        for (int f = 0; f < t->nfiles; f++) {
            /* the .f lists exactly the top's files, in order */
            size_t len = strlen(t->files[f]);
            if (strncmp(flist + off, t->files[f], len) || flist[off + len] != '\n')
                fail_msg("%s.f: entry %d is not %s", t->stem, f, t->files[f]);
            off += len + 1;
            char *path = tu_join(out, t->files[f]);
            char *v = tu_read(path, NULL);
            assert_non_null(v);
            char mod[128];
            snprintf(mod, sizeof mod, "module %.*s", (int)(len - 2), t->files[f]);
            const char *m = strstr(v, mod);
            if (!m || (m != v && m[-1] != '\n') ||
                !(m[strlen(mod)] == ' ' || m[strlen(mod)] == '(' || m[strlen(mod)] == '\n' ||
                  m[strlen(mod)] == '#'))
                fail_msg("%s does not declare \"%s\"", t->files[f], mod);
            int mods = 0, ends = 0;
            for (const char *s = v; (s = strstr(s, "module ")); s++)
                if (s == v || s[-1] == '\n')
                    mods++;
            for (const char *s = v; (s = strstr(s, "endmodule")); s++)
                ends++;
            if (mods != 1 || ends != 1)
                fail_msg("%s: %d module and %d endmodule lines, expected one each", t->files[f],
                         mods, ends);
            static const char hdr[] = "// Generated by tforge " TF_VERSION " from ";
            assert_true(!strncmp(v, hdr, strlen(hdr)));
            free(v);
            free(path);
        }
        assert_int_equal(flist[off], '\0');
        /* the top is the last file */
        char *last = tu_fmt("%s.v", t->module);
        assert_string_equal(t->files[t->nfiles - 1], last);
        free(last);
        free(flist);
        free(flist_path);
    }
    free(manifest);
    free(manifest_path);
    const struct gemm_plan *g = plan_gemm(p);
    char *gemm = tu_fmt("%s/%s_gemm.v", out, p->name);
    if (g) {
        /* the engine is tf_gemm with the plan's parameters, e.g. the array */
        char *v = tu_read(gemm, NULL);
        assert_non_null(v);
        char *want = tu_fmt(".R          (%d),\n", g->rows);
        if (!strstr(v, "tf_gemm #(") || !strstr(v, want))
            fail_msg("%s_gemm.v does not set tf_gemm's R to %d", p->name, g->rows);
        free(want);
        free(v);
    } else {
        /* a design without the GEMM engine writes none of it */
        assert_false(tu_is_file(gemm));
    }
    free(gemm);
    free(out);
    free(ini);
}

static void test_generated_structure(void **state)
{
    check_structure(*state, "tiny_os");
    check_structure(*state, "tiny_ws");
    check_structure(*state, "tiny_attn");
    check_structure(*state, "tiny_aux");
}

/* ---- the emitter ------------------------------------------------------------- */

static void test_indentation(void **state)
{
    struct ctx *c = *state;
    const char *empty = ""; /* a variable: a literal "" would be a zero-length format */
    if (setjmp(c->d.jb))
        fail_msg("emitter failed: %s", c->d.msg);
    emit_begin(&c->e, dir_of(c, scratch), "indent.txt", &c->d);
    emit_line(&c->e, "top %d", 1);
    emit_open(&c->e, "module m (");
    emit_line(&c->e, "a,");
    emit_open(&c->e, "begin %s", "b");
    emit_line(&c->e, "x = %s;", "y");
    emit_line(&c->e, empty); /* an empty line carries no indentation */
    emit_blank(&c->e);
    emit_close(&c->e, "end");
    emit_close(&c->e, ");");
    emit_line(&c->e, "done");
    emit_end(&c->e);
    assert_null(c->e.f);
    char *path = tu_join(scratch, "indent.txt");
    char *text = tu_read(path, NULL);
    assert_non_null(text);
    assert_string_equal(text, "top 1\nmodule m (\n  a,\n  begin b\n    x = y;\n\n\n  end\n);\ndone\n");
    free(text);
    free(path);
}

static void test_formatted_empty_line(void **state)
{
    struct ctx *c = *state;
    if (setjmp(c->d.jb))
        fail_msg("emitter failed: %s", c->d.msg);
    emit_begin(&c->e, dir_of(c, scratch), "blank.txt", &c->d);
    emit_open(&c->e, "a");
    emit_line(&c->e, "%s", "");
    emit_close(&c->e, "b");
    emit_end(&c->e);
    char *path = tu_join(scratch, "blank.txt");
    char *text = tu_read(path, NULL);
    assert_non_null(text);
    /* "%s" of "" is not an empty format: the indentation is written */
    assert_string_equal(text, "a\n  \nb\n");
    free(text);
    free(path);
}

static void test_unbalanced_close(void **state)
{
    struct ctx *c = *state;
    if (setjmp(c->d.jb)) {
        assert_int_equal(c->d.status, TF_EXIT_INTERNAL);
        assert_string_equal(c->d.msg, "internal error: unbalanced close in unbalanced.v");
        return; /* teardown closes the file */
    }
    emit_begin(&c->e, dir_of(c, scratch), "unbalanced.v", &c->d);
    emit_open(&c->e, "a");
    emit_close(&c->e, "b");
    emit_close(&c->e, "c"); /* one too many */
    fail_msg("an unbalanced emit_close was accepted");
}

static void test_unclosed_end(void **state)
{
    struct ctx *c = *state;
    if (setjmp(c->d.jb)) {
        c->e.f = NULL; /* emit_end closed it before failing */
        assert_int_equal(c->d.status, TF_EXIT_INTERNAL);
        assert_string_equal(c->d.msg, "internal error: unclosed.v ends at indent 2");
        return;
    }
    emit_begin(&c->e, dir_of(c, scratch), "unclosed.v", &c->d);
    emit_open(&c->e, "a");
    emit_open(&c->e, "b");
    emit_end(&c->e);
    fail_msg("emit_end accepted an open block");
}

static void test_unwritable_dir(void **state)
{
    struct ctx *c = *state;
    /* a directory removed after it was opened: nothing can be created in it */
    char *dir = tu_join(scratch, "gone");
    assert_int_equal(mkdir(dir, 0777), 0);
    const struct tf_dir *od = dir_of(c, dir);
    assert_int_equal(rmdir(dir), 0);
    if (setjmp(c->d.jb)) {
        assert_int_equal(c->d.status, TF_EXIT_INPUT);
        char *want = tu_fmt("%s/x.v: cannot write: ", dir);
        assert_true(!strncmp(c->d.msg, want, strlen(want)));
        assert_non_null(strstr(c->d.msg, "(legal: -o DIR in a writable directory with room for "
                                         "the design)"));
        free(want);
        free(dir);
        return;
    }
    emit_begin(&c->e, od, "x.v", &c->d);
    fail_msg("emit_begin into a removed directory succeeded");
}

static void test_template_missing(void **state)
{
    struct ctx *c = *state;
    const struct tf_plan *p = plan_file(c, GOLDEN "/tiny_os.ini");
    assert_null(template_text("nonexistent.v"));
    assert_null(template_text("gemm/nonexistent.v"));
    assert_non_null(template_text("tf_gemm.v"));      /* found in templates/gemm/ */
    assert_non_null(template_text("gemm/tf_gemm.v"));
    assert_null(template_text("aux/tf_gemm.v"));      /* a directory named must match */
    if (setjmp(c->d.jb)) {
        assert_int_equal(c->d.status, TF_EXIT_INTERNAL);
        assert_string_equal(c->d.msg, "internal error: template nonexistent.v is not built in");
        return;
    }
    emit_begin(&c->e, dir_of(c, scratch), "missing.v", &c->d);
    emit_template(&c->e, p, "nonexistent.v");
    fail_msg("a missing template was accepted");
}

static void test_vheader(void **state)
{
    struct ctx *c = *state;
    const struct tf_plan *p = plan_file(c, GOLDEN "/tiny_ws.ini");
    if (setjmp(c->d.jb))
        fail_msg("%s", c->d.msg);
    emit_begin(&c->e, dir_of(c, scratch), "header.v", &c->d);
    emit_vheader(&c->e, p, "What it is.");
    emit_end(&c->e);
    char *path = tu_join(scratch, "header.v");
    char *got = tu_read(path, NULL);
    assert_string_equal(got, "// Generated by tforge " TF_VERSION
                             " from tests/golden/tiny_ws.ini -- do not edit\n// What it is.\n");
    free(got);
    free(path);
}

/* The tops and their files, leaves first; a template used by two tops is copied once. */
static void test_tops(void **state)
{
    struct ctx *c = *state;
    const struct tf_plan *p = plan_file(c, GOLDEN "/tiny_os.ini");
    /* the result store's modules after the engine's own leaves (tf_ram_1r1w first) */
    static const char *const os[] = {"tf_pe_os.v", "tf_delay.v", "tf_ram_1r1w.v", "tf_skid.v",
                                     "tf_requant.v", "tf_rotate.v", "tf_trf_banked.v",
                                     "tf_mesh_os.v", "tf_gemm_rq.v", "tf_gemm_store.v",
                                     "tf_gemm.v", "tiny_os_gemm.v", "tiny_os_top.v"};
    const struct tf_top *t = plan_top(p, "tiny_os_top");
    assert_non_null(t);
    assert_string_equal(t->stem, "tiny_os");
    assert_int_equal(t->nfiles, 13);
    for (int i = 0; i < 13; i++)
        assert_string_equal(t->files[i], os[i]);
    t = plan_top(p, "tiny_os_trf");
    assert_non_null(t);
    static const char *const trf[] = {"tf_trf_flops.v", "tiny_os_trf.v"};
    assert_int_equal(t->nfiles, 2);
    for (int i = 0; i < 2; i++)
        assert_string_equal(t->files[i], trf[i]);
    assert_int_equal(p->ntemplates, 12); /* 11 of the engine, tf_trf_flops */
    p = plan_file(c, GOLDEN "/tiny_ws.ini");
    static const char *const ws[] = {"tf_pe_ws.v", "tf_delay.v", "tf_ram_1r1w.v", "tf_skid.v",
                                     "tf_mesh_ws.v", "tf_gemm.v", "tiny_ws_gemm.v", "tiny_ws_top.v"};
    t = plan_top(p, "tiny_ws_top");
    assert_non_null(t);
    assert_int_equal(t->nfiles, 8);
    for (int i = 0; i < 8; i++)
        assert_string_equal(t->files[i], ws[i]);
    assert_int_equal(p->ntops, 3);
    /* an attention-only design has no engine */
    p = plan_file(c, GOLDEN "/tiny_attn.ini");
    assert_int_equal(p->ntops, 1);
    assert_string_equal(p->tops[0].module, "tiny_attn_attn");
    assert_null(plan_gemm(p));
    assert_null(plan_top(p, "tiny_attn_top"));
}

/* ---- embedded templates -------------------------------------------------------- */

static void test_embedded_templates(void **state)
{
    (void)state;
    /* every template compiled in is byte-for-byte the file in templates/ (the
     * embed tool escapes \, ", ? and tabs) */
    assert_true(tf_ntemplates >= 10);
    for (int i = 0; i < tf_ntemplates; i++) {
        char *path = template_path(tf_templates[i].name);
        size_t len = 0;
        char *disk = tu_read(path, &len);
        if (!disk)
            fail_msg("embedded template %s has no file %s", tf_templates[i].name, path);
        if (strlen(tf_templates[i].text) != len || memcmp(disk, tf_templates[i].text, len))
            fail_msg("embedded %s differs from %s (rebuild: make %s)", tf_templates[i].name, path,
                     "build/templates.o");
        assert_ptr_equal(template_text(tf_templates[i].name), tf_templates[i].text);
        free(disk);
        free(path);
    }
    /* and every Verilog file in templates/ and its subdirectories is compiled in */
    char **dirs;
    int nd = tu_list("templates", &dirs);
    assert_true(nd > 0);
    for (int d = -1; d < nd; d++) {
        char *dir = d < 0 ? tu_fmt("templates") : tu_fmt("templates/%s", dirs[d]);
        if (d >= 0 && !tu_is_dir(dir)) {
            free(dir);
            continue;
        }
        char **names;
        int n = tu_list(dir, &names);
        for (int i = 0; i < n; i++) {
            size_t l = strlen(names[i]);
            if (!(l > 2 && !strcmp(names[i] + l - 2, ".v")))
                continue;
            char *name = d < 0 ? tu_fmt("%s", names[i]) : tu_fmt("%s/%s", dirs[d], names[i]);
            if (!template_text(name))
                fail_msg("templates/%s is not embedded", name);
            free(name);
        }
        tu_free_names(names, n < 0 ? 0 : n);
        free(dir);
    }
    tu_free_names(dirs, nd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* cmocka writes to stdout and stderr: keep the order */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_golden_tiny_os),
        T(test_golden_tiny_ws),
        T(test_golden_tiny_attn),
        T(test_golden_tiny_aux),
        T(test_golden_binary),
        T(test_generated_structure),
        T(test_indentation),
        T(test_formatted_empty_line),
        T(test_unbalanced_close),
        T(test_unclosed_end),
        T(test_unwritable_dir),
        T(test_template_missing),
        T(test_vheader),
        T(test_tops),
        T(test_embedded_templates),
    };
#undef T
    return cmocka_run_group_tests_name("emit", tests, group_setup, group_teardown);
}
