/* tforge.h -- shared types of the generator: diagnostics, config, plan, emitter.
 *
 * The pipeline is parse (cfg.c) -> validate (cfg.c) -> derive one plan (plan.c)
 * -> emitters that only read the plan (emit_*.c) -> commit the output
 * directory whole (outdir.c). No global mutable state: everything a stage
 * needs is passed in. */
#ifndef TFORGE_H
#define TFORGE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>


#define TF_VERSION "0.1.0"

/* Limits of on-chip storage a config may ask for (docs/config.md section 4.1). */
#define TF_MAX_BUFFER_BITS (64LL * 1024 * 1024) /* a block's buffers, or the KV cache */
#define TF_MAX_TRF_BITS (4LL * 1024 * 1024)     /* the register file (banked: all copies) */

#if defined(__GNUC__)
#define TF_NORETURN __attribute__((noreturn))
#define TF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TF_NORETURN
#define TF_PRINTF(f, a)
#endif

/* ---- diagnostics ------------------------------------------------------ */

struct arena;
struct tf_dir;

/* Exit status for bad user input (config, -D, CLI). Internal errors use 3. */
enum { TF_EXIT_INPUT = 2, TF_EXIT_INTERNAL = 3 };

struct diag {
    jmp_buf jb;      /* where tf_fail() returns to */
    int status;      /* exit status the failure asks for */
    char *msg;       /* the complete message, one line, no trailing newline (malloc'd;
                      * diag_free releases it); NULL until a failure */
};

/* Format msg, then longjmp to d->jb. The caller prints d->msg and calls diag_free.
 * The message has no length limit, and every control character or invalid UTF-8
 * byte in it (a newline in a -D value or a path, say) is shown escaped (\n,
 * \x01), so a message is always exactly one line. */
TF_NORETURN void tf_fail(struct diag *d, int status, const char *fmt, ...) TF_PRINTF(3, 4);
TF_NORETURN void tf_vfail(struct diag *d, int status, const char *fmt, va_list ap);
void diag_free(struct diag *d);
/* S as one printable line: control characters and invalid UTF-8 bytes escaped as in
 * messages; with cmt != 0 also "*" "/" (so the text can sit inside a C comment).
 * Used wherever user text (a path) is echoed into a message or a generated file. */
char *tf_printable(struct arena *a, const char *s, int cmt);
/* One UTF-8 sequence at s (n bytes available): its length and code point, 0 if invalid. */
int tf_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);
/* 1 for a code point that does not show as itself: C0/C1 controls, DEL, soft hyphen,
 * zero-width and bidirectional formatting characters, line/paragraph separators, BOM. */
int tf_invisible(unsigned cp);
/* An internal bug: names the source file and line. */
#define tf_unreachable(d) tf_fail((d), TF_EXIT_INTERNAL, "internal error at %s:%d", __FILE__, __LINE__)

/* ---- arena: one per run, freed once ----------------------------------- */

struct arena {
    struct arena_block *head;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) TF_PRINTF(2, 3);
void arena_free(struct arena *a);

/* ---- blocks, keys, config (block.h, cfg.c) ------------------------------ */

#include "block.h"

/* Where a value came from, for error messages. */
struct cfg_origin {
    const char *file; /* config path, or "-D" */
    int line;         /* line in the file, or index of the -D option (1-based); 0 = default */
};

/* A key set in the file that a -D override made meaningless (it switched off the
 * feature the key belongs to): dropped, and said so in the plan report. */
struct cfg_dropped {
    const struct tf_key *key;
    struct cfg_origin at;
    const struct tf_key *by;
    struct cfg_origin by_at;
};

/* The validated config: the design name and, for each block of the registry, its
 * config struct (NULL when the config does not build it). */
/* [design] (gen/blocks/design.c): name first (cfg.c reads it through a const char *) */
struct design_cfg {
    const char *name;
    int clock_mhz;
};

struct tf_config {
    const char *path;                 /* as shown in messages and generated files */
    const char *name;                 /* design.name */
    int clock_mhz;                    /* design.clock_mhz */
    void *blk[TF_NBLOCKS];
    struct cfg_origin *origin;        /* one per key, in the order of cfg_key_at() */
    struct cfg_dropped *dropped;
    int ndropped;
};

/* Parse and validate CONFIG with the -D overrides applied in order.
 * On any error calls tf_fail(d, TF_EXIT_INPUT, ...). */
void cfg_load(struct tf_config *cfg, const char *path, const char *const *defs, int ndefs,
              struct arena *a, struct diag *d);
/* Parse from memory (tests, the fuzzer): LEN bytes that may hold anything, NUL
 * bytes included; path is only used in messages. */
void cfg_load_buffer(struct tf_config *cfg, const char *path, const char *buf, size_t len,
                     const char *const *defs, int ndefs, struct arena *a, struct diag *d);
/* Parse from a string (tests); path is only used in messages. */
void cfg_load_string(struct tf_config *cfg, const char *path, const char *text,
                     const char *const *defs, int ndefs, struct arena *a, struct diag *d);

/* Print the key table (section, key, legal values, default, meaning). */
void cfg_print_keys(FILE *f);
/* The config of block B, NULL when it is not built. */
static inline const void *cfg_block(const struct tf_config *cfg, enum tf_block_id b)
{
    return cfg->blk[b];
}
/* The origin of a key of block B given by name ("rows"); NULL if there is no such key. */
const struct cfg_origin *cfg_origin_of(const struct tf_config *cfg, const char *section,
                                       const char *name);

/* ---- plan (plan.c) ---------------------------------------------------- */

/* One top-level module a block provides, with the modules below it, leaves first
 * (fixed-text templates as "tf_x", generated ones as "<name>_x"). */
struct tf_top {
    enum tf_block_id block;
    const char *stem;       /* file-list and script names: STEM.f, STEM_synth.ys, STEM_lint.ys */
    const char *module;     /* the top module */
    const char *files[TF_MAX_MODULES]; /* "<module>.v", leaves first */
    int nfiles;
};

/* The design's plan: the block plans (NULL = block absent), linked -- the tops
 * with their file lists and the fixed-text modules to copy, each once. */
struct tf_plan {
    const char *name;
    int clock_mhz;                     /* design.clock_mhz: for the performance reports */
    const char *config_path;
    const char *macro;                 /* "TF_DEFAULT_": prefix of the params headers' names */
    const void *blk[TF_NBLOCKS];
    struct tf_top tops[TF_NBLOCKS * 2];
    int ntops;
    const char *templates[TF_MAX_MODULES]; /* fixed-text modules, leaves first */
    int ntemplates;
    const struct cfg_dropped *dropped;
    int ndropped;
};

void plan_derive(struct tf_plan *p, const struct tf_config *cfg, struct arena *a, struct diag *d);
void plan_print(const struct tf_plan *p, FILE *f);

/* tforge pack (gen/pack.c): the weight image of p's model, written to OUT whole or not at
 * all, from a random model (st NULL: seed) or a BERT checkpoint's safetensors file. */
struct pack_src {
    const char *st;          /* safetensors path, or NULL */
    unsigned long long seed; /* random model */
    double ln_eps;           /* the checkpoint's LayerNorm epsilon */
    const char *calib;       /* --calib: real calibration sequences (safetensors), or NULL */
    double pct;              /* --calib-pct: 100 = max |x| */
    int per_tensor;          /* --calib-per-tensor: no per-channel scales */
};
void pack_run(const struct tf_plan *p, const char *out, const struct pack_src *src, struct arena *a,
              struct diag *d);
/* tforge golden: the golden layers on image IMAGE and the int8 rows of INPUT, one prompt, to OUT */
void golden_run(const struct tf_plan *p, const char *image, const char *input, const char *out, struct arena *a,
                struct diag *d);
/* Write n bytes to PATH through a temporary file beside it, renamed over PATH at the end
 * (pack.c); messages name `tforge CMD` and the option OPT that gave PATH. */
void tf_write_whole(const char *cmd, const char *opt, const char *path, const uint8_t *buf, size_t n,
                    struct arena *a, struct diag *d);
/* tforge perf (gen/perf.c): the analytic model of the accelerator running p's [model] */
struct perf_opts {
    int prompt, decode;      /* tokens of the prompt; decode steps after it */
    int batch;               /* sequences per decode step (0: 1) */
    int bw, lat;             /* memory: bytes per cycle, latency in cycles */
    const char *csv;         /* CSV output, or NULL */
};
void perf_run(const struct tf_plan *p, const struct perf_opts *o, struct arena *a, struct diag *d);
/* The top named MODULE, or NULL. */
const struct tf_top *plan_top(const struct tf_plan *p, const char *module);
int tf_clog2(long long v); /* ceil(log2(v)), 0 for v <= 1 */

/* ---- emitter (emit.c) ------------------------------------------------- */

struct emitter {
    FILE *f;
    int indent;
    struct diag *d;
    const char *path; /* file name, for messages */
    const char *dir;  /* its directory as shown in messages */
};

void emit_begin(struct emitter *e, const struct tf_dir *dir, const char *file, struct diag *d);
void emit_end(struct emitter *e);
void emit_line(struct emitter *e, const char *fmt, ...) TF_PRINTF(2, 3);
void emit_open(struct emitter *e, const char *fmt, ...) TF_PRINTF(2, 3);
void emit_close(struct emitter *e, const char *fmt, ...) TF_PRINTF(2, 3);
void emit_blank(struct emitter *e);
/* Copy template NAME verbatim (templates/ are parameterized Verilog that lints alone). */
void emit_template(struct emitter *e, const struct tf_plan *p, const char *tmpl_name);
void emit_vheader(struct emitter *e, const struct tf_plan *p, const char *what);
/* "endmodule", a blank line, "`default_nettype wire", and the end of the file. */
void emit_vfooter(struct emitter *e);

/* ---- embedded templates (build/templates.c, made by gen/embed.c) ------ */

struct tf_template {
    const char *name;
    const char *text;
};
extern const struct tf_template tf_templates[];
extern const int tf_ntemplates;
const char *template_text(const char *name); /* NULL if absent */

/* ---- outputs (gen/out/) -------------------------------------------------- */

/* The Verilog of every block, and the fixed-text modules the tops use. */
void emit_rtl(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a, struct diag *d);
/* <name>_params.h and <name>_params.vh (out/params.c). */
void emit_params(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a,
                 struct diag *d);
/* Per top: STEM.f, STEM_synth.ys, STEM_lint.ys; <name>_manifest.json (out/files.c). */
void emit_files(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a,
                struct diag *d);
/* <name>_plan.txt and the .tforge marker (out/report.c). */
void emit_report(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a,
                 struct diag *d);

/* ---- output directory (outdir.c) -------------------------------------- */

/* A directory the emitters write into: an open descriptor (files are created with
 * openat, so no path is ever built) and the path shown in messages. */
struct tf_dir {
    int fd;
    const char *shown;
};
/* An existing directory (tests); tf_dir_close releases it. */
void tf_dir_open(struct tf_dir *dir, const char *path, struct arena *a, struct diag *d);
void tf_dir_close(struct tf_dir *dir);

/* DIR of `tforge gen -o DIR`: written into a fresh temporary directory beside it,
 * which replaces DIR in one step at the end. */
struct outdir;
/* Check DIR (last component a name; absent, or a directory tforge wrote whose
 * directories can all be emptied), create its missing parents and the temporary
 * directory. */
struct outdir *outdir_begin(const char *final_dir, struct arena *a, struct diag *d);
const struct tf_dir *outdir_dir(const struct outdir *od);
/* Replace DIR by the temporary directory in one step; refuse to replace a
 * directory that tforge did not write. */
void outdir_commit(struct outdir *od, struct arena *a, struct diag *d);
/* Remove the temporary directory and the parents this run created. */
void outdir_abort(struct outdir *od);

#endif
