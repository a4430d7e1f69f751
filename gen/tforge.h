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
#include <stdio.h>

#include "tf_attn.h" /* model/: the attention unit's parameters and constants */

#define TF_VERSION "0.1.0"

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

/* ---- config (cfg.c) ---------------------------------------------------- */

enum tf_dataflow { TF_OS = 0, TF_WS = 1 };
enum tf_trf_impl { TF_TRF_FLOPS = 0, TF_TRF_BANKED = 1 };
enum tf_store { TF_STORE_NONE = 0, TF_STORE_FLOPS = 1, TF_STORE_BANKED = 2 };
enum tf_prune { TF_PRUNE_NONE = 0, TF_PRUNE_IMPORTANCE = 1 };

/* Where a value came from, for error messages. */
struct cfg_origin {
    const char *file; /* config path, or "-D" */
    int line;         /* line in the file, or index of the -D option (1-based) */
};

struct tf_config {
    const char *path;
    const char *name;
    int rows, cols;
    enum tf_dataflow dataflow;
    int operand_bits;
    int max_m, max_k, max_n;
    int requant;
    int requant_bits;
    int store; /* enum tf_store: the engine's on-chip result store */
    /* [trf]: the two-direction register file, built when the section is present */
    int trf;
    int trf_rows, trf_cols, trf_width, trf_read_ports, trf_write_mask;
    enum tf_trf_impl trf_impl;
    /* [attn]: the PIM-style attention unit, built when the section is present */
    int attn;
    int attn_banks, attn_tokens_per_bank, attn_head_dim, attn_heads, attn_heads_parallel;
    int attn_lanes, attn_kv_bits, attn_exp_table_bits, attn_exp_bits, attn_exp_frac_bits;
    int attn_prob_bits, attn_importance_bits, attn_prune, attn_recent, attn_topk;
    /* origin of each key that was set; line 0 = default */
    struct cfg_origin o_name, o_rows, o_cols, o_dataflow, o_operand_bits;
    struct cfg_origin o_max_m, o_max_k, o_max_n, o_requant, o_requant_bits, o_store;
    struct cfg_origin o_trf_rows, o_trf_cols, o_trf_width, o_trf_read_ports, o_trf_write_mask;
    struct cfg_origin o_trf_impl;
    struct cfg_origin o_attn_banks, o_attn_tokens_per_bank, o_attn_head_dim, o_attn_heads;
    struct cfg_origin o_attn_heads_parallel, o_attn_lanes, o_attn_kv_bits, o_attn_exp_table_bits;
    struct cfg_origin o_attn_exp_bits, o_attn_exp_frac_bits, o_attn_prob_bits;
    struct cfg_origin o_attn_importance_bits, o_attn_prune, o_attn_recent, o_attn_topk;
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

/* ---- plan (plan.c) ---------------------------------------------------- */

/* Every width, depth, count and latency of one design, computed once. */
struct tf_plan {
    const char *name;
    const char *config_path;
    int rows, cols;
    enum tf_dataflow dataflow;
    int op_bits;
    int acc_bits;        /* accumulator: no overflow for any K <= max_k */
    int max_m, max_k, max_n;
    int requant, rq_bits;

    int mt_max, nt_max, kt_max; /* tile counts at the maxima */
    int dim_w;           /* width of every dimension port and counter */
    int addr_w;          /* width of every buffer address counter */
    int a_addr_w, b_addr_w, acc_addr_w; /* address port of each lane memory */
    int mt_w, nt_w, kt_w;
    int lane_w;          /* lane index (max(rows, cols) lanes) */
    int rowsel_w;        /* row index inside the array */
    int row_idx_w;       /* c_row_o width (an M index) */
    int col_idx_w;       /* c_col_o width (an N index) */
    int cnt_w;           /* statistics counters */
    int max_rc;

    int a_depth, b_depth, acc_depth; /* words per lane memory */
    int a_stride, b_stride;          /* address step per tile */
    int a_lane_on_col;               /* 1: A lane = column index mod R (WS) */

    /* pipeline latencies used by the RTL and the cycle model */
    int lat_read;        /* operand buffer read */
    int lat_feed;        /* extra feed register in front of the WS array */
    int lat_beat;        /* beat register behind the array */
    int lat_rq;          /* requantization stage (0 when absent) */
    int min_period;      /* smallest tile period (WS accumulator read-modify-write) */

    /* storage, in bits */
    long long a_buf_bits, b_buf_bits, acc_buf_bits, rq_prm_bits;
    int out_data_bits;   /* c_data_o width */

    /* two-direction register file (trf = 0: not built) */
    int trf;
    int trf_nr, trf_nc, trf_w, trf_ports, trf_mask;
    enum tf_trf_impl trf_impl;
    int trf_nb;          /* words per data port = banks of the banked layout = max(nr, nc) */
    int trf_idx_w;       /* row / column index width: max(clog2(nb), 1) */
    int trf_row_w;       /* max(clog2(nr), 1): bank address width */
    int trf_col_w;       /* max(clog2(nc), 1) */
    long long trf_bits;  /* storage bits (banked: nb banks x nr words x w x ports) */

    /* result store (gemm.store): a max_m x max_n register file of operand words with
     * two read ports (A, B), written by the output beats */
    int store;           /* enum tf_store */
    int st_nb;           /* words per data port: max(max_m, max_n) */
    int st_idx_w;        /* max(clog2(st_nb), 1) */
    int st_row_w;        /* max(clog2(max_m), 1) */
    int st_col_w;        /* max(clog2(max_n), 1) */
    long long store_bits;

    /* attention unit (attn = 0: not built); docs/numerics.md section 10 */
    int attn;
    int at_banks, at_tpb, at_cap, at_d, at_heads, at_parallel, at_lanes, at_kv_bits;
    int at_t, at_p, at_f, at_pb, at_imp_bits, at_prune, at_recent, at_topk;
    unsigned at_scale_c;  /* default score constant round(log2(e)/sqrt(D) * 2^F) */
    int at_guard;         /* reciprocal guard bits G = max(1, ceil(log2 cap)) */
    long long attn_bits;  /* KV storage (values and per-token scales, all heads) */
    /* widths of the attention RTL (templates/tf_attn_core.v) */
    int at_ch, at_row_w, at_ch_w, at_h_w, at_b_w, at_slot_w, at_dw, at_maw, at_saw, at_ow;
    int at_hp;            /* heads side by side: heads if heads_parallel, else 1 */
    int at_hcore;         /* heads per core: 1 if heads_parallel, else heads */
    int at_hcore_w;       /* max(clog2(at_hcore), 1) */
};

void plan_derive(struct tf_plan *p, const struct tf_config *cfg, struct diag *d);
/* The attention unit's model parameters (model/tf_attn.h) of a plan with [attn]. */
struct tfa_arch tf_plan_attn_arch(const struct tf_plan *p);

/* On-chip storage of a config (words per lane memory and bits), the one formula
 * used by the plan and by the config's size limit. */
struct tf_storage {
    long long a_depth, b_depth, acc_depth;
    long long a_bits, b_bits, acc_bits, prm_bits, total;
    long long trf_bits; /* register file, 0 without [trf] */
    long long store_bits; /* result store, 0 without gemm.store */
    long long attn_bits;  /* attention unit KV cache (all heads, scales included), 0 without [attn] */
};
void plan_storage(const struct tf_config *cfg, struct tf_storage *st);
void plan_print(const struct tf_plan *p, FILE *f);
int tf_clog2(long long v); /* ceil(log2(v)), 0 for v <= 1 */
/* Smallest signed accumulator width with no overflow for K <= max_k. */
int tf_acc_width(int op_bits, int max_k);

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
/* Copy a template, replacing each line "//%% NAME" by the output of the
 * matching callback; an unknown NAME is an internal error. */
struct emit_hook {
    const char *name;
    void (*fn)(struct emitter *e, const struct tf_plan *p);
};
void emit_template(struct emitter *e, const struct tf_plan *p, const char *tmpl_name,
                   const struct emit_hook *hooks, int nhooks);
void emit_vheader(struct emitter *e, const struct tf_plan *p, const char *what);

/* ---- embedded templates (build/templates.c, made by gen/embed.c) ------ */

struct tf_template {
    const char *name;
    const char *text;
};
extern const struct tf_template tf_templates[];
extern const int tf_ntemplates;
const char *template_text(const char *name); /* NULL if absent */

/* ---- emitters --------------------------------------------------------- */

/* Write every artifact of the plan into dir (which must exist). */
void emit_rtl(const struct tf_plan *p, const struct tf_dir *dir, struct diag *d);
void emit_aux(const struct tf_plan *p, const struct tf_dir *dir, struct diag *d);
/* Names of the Verilog files in dependency order (leaves first). */
#define TF_FILE_NAME_MAX 64 /* design names are at most 32 characters */
int rtl_files(const struct tf_plan *p, char out[][TF_FILE_NAME_MAX], int max);
/* The attention unit's files (p->attn), leaves first. */
int attn_files(const struct tf_plan *p, char out[][TF_FILE_NAME_MAX], int max);
/* The same for the register file block (<name>_trf and what it instantiates). */
int trf_files(const struct tf_plan *p, char out[][TF_FILE_NAME_MAX], int max);

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
