/* block.h -- the block interface.
 *
 * A block -- the GEMM engine, the register file, the attention unit, and the
 * blocks still to come -- owns everything about itself: its config sections and
 * keys, the rules between them, the derivation of its plan, its lines of the plan
 * report, its Verilog, its section of the params headers, its tops and their
 * modules, and its facts in the manifest. The generic parts (cfg.c: parsing and
 * values; plan.c: linking; out/: headers, file lists, scripts, manifest) only walk
 * the registry. Adding a block is its own files (gen/blocks/<b>.c, <b>_rtl.c, a
 * header for its plan) plus one line in gen/blocks/registry.h.
 * docs/architecture.md section 1.1 walks through it. */
#ifndef TF_BLOCK_H
#define TF_BLOCK_H

#include <stddef.h>
#include <stdio.h>

struct arena;
struct diag;
struct tf_config;
struct tf_plan;
struct tf_dir;
struct cfg_origin;

/* The blocks, in registry order: TF_BLK_design, TF_BLK_gemm, ... */
enum tf_block_id {
#define TF_BLOCK(b) TF_BLK_##b,
#include "blocks/registry.h"
#undef TF_BLOCK
    TF_NBLOCKS
};

#define TF_MAX_MODULES 96 /* Verilog files of one top */

/* ---- keys --------------------------------------------------------------------- */

enum tf_key_kind { TF_K_INT, TF_K_BOOL, TF_K_ENUM, TF_K_IDENT };

/* The words a TF_K_ENUM key takes: word i sets the field to i. */
struct tf_words {
    const char *const *names;
    int n;
    const char *what; /* "dataflow": the message says "unknown dataflow" */
};
#define TF_WORDS(a, what) {a, (int)(sizeof a / sizeof a[0]), what}

struct tf_key {
    const char *section, *name;
    enum tf_key_kind kind;
    long lo, hi;         /* TF_K_INT range; TF_K_IDENT length */
    int required;        /* 1: required whenever its block is built */
    const char *dflt;    /* default as text (through the same parser); NULL if required */
    size_t off;          /* offset of its int (const char * for TF_K_IDENT) in the block's config */
    const char *meaning;
    const struct tf_words *words; /* TF_K_ENUM */
    /* "section.key=value": the key means something only when that key has that value.
     * Set while the other is switched off, it is an error -- unless the switch came
     * from a -D and the key from the file: then the key is dropped and the plan says
     * so (so -D gemm.requant=false works on a config that sets requant_bits). */
    const char *needs;
};

/* ---- rules between keys (cfg.c) ------------------------------------------------ */

/* What a block's check gets: the config so far, and where to fail. */
struct tf_rules {
    const struct tf_config *cfg;
    struct arena *a;
    struct diag *d;
};

/* Fail with the keys a rule involves ("gemm.store,gemm.requant", the one the rule is
 * about first), each with its value and origin, then WHAT and (legal: LEGAL). */
#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 4, 5)))
#endif
void rule_fail(struct tf_rules *r, const char *keylist, const char *legal, const char *fmt, ...);
/* 1 if the key was set by the file or a -D (not left at its default). */
int rule_set(const struct tf_rules *r, const char *section, const char *name);

/* ---- params headers (out/params.c) ---------------------------------------------- */

/* One name of <name>_params.h and <name>_params.vh. Names are given without the
 * design prefix ("ROWS"); the headers write them as <NAME>_ROWS, and, under
 * TFP_SINGLE_DESIGN, as TFP_ROWS too (harnesses built for one design). */
struct tf_params;
void par_section(struct tf_params *pp, const char *title);
void par_int(struct tf_params *pp, const char *name, long long v, const char *comment);
/* A feature flag: C gets NAME 0 or 1, Verilog defines NAME (as 1) only when it is on,
 * for `ifdef. */
void par_flag(struct tf_params *pp, const char *name, int on, const char *comment);
/* A string: "tf_default" (C and Verilog string literals) */
void par_str(struct tf_params *pp, const char *name, const char *v);
/* Verilog only: a module name, or a sized literal (3'd4); C only: an initializer.
 * In the text, "@" stands for the design prefix (".rows = @ROWS"). */
void par_v(struct tf_params *pp, const char *name, const char *text, const char *comment);
void par_c(struct tf_params *pp, const char *name, const char *text, const char *comment);

/* ---- tops and files (plan.c) ------------------------------------------------------ */

struct tf_top;
/* A new top of block B: STEM.f lists its files, MODULE is the top module. */
struct tf_top *top_add(struct tf_plan *p, int block, const char *stem, const char *module);
/* Append a module below it (leaves first): a fixed-text template ("tf_skid", copied
 * from templates/) or a module the block writes ("<name>_mesh"). A template already
 * listed is not listed twice. */
void top_template(struct tf_top *t, struct tf_plan *p, const char *module, struct arena *a,
                  struct diag *d);
void top_generated(struct tf_top *t, const char *module, struct arena *a, struct diag *d);

/* ---- the block ------------------------------------------------------------------- */

struct tf_block {
    const char *name;             /* "gemm": registry, plan report, manifest */
    const char *title;            /* "GEMM engine" */
    const char *const *sections;  /* its config sections, NULL-terminated */
    const struct tf_key *keys;
    int nkeys;
    size_t cfg_size;              /* its config struct */
    int hardware;                 /* 0 for [design]: it names the design, builds nothing */
    /* Rules between its keys, after every key and override is known. */
    void (*check)(const void *cfg, struct tf_rules *r);
    /* Its plan: every width, depth and count, computed once. */
    const void *(*derive)(const void *cfg, const struct tf_plan *p, struct arena *a,
                          struct diag *d);
    /* Its tops and their modules (called after every block derived). */
    void (*link)(const void *bp, struct tf_plan *p, struct arena *a, struct diag *d);
    /* Its lines of the plan report. */
    void (*print)(const void *bp, const struct tf_plan *p, FILE *f);
    /* Its section of the params headers; the manifest lists the same names and values
     * under the block, for scripts. */
    void (*params)(const void *bp, const struct tf_plan *p, struct tf_params *pp, struct arena *a);
    /* Its generated Verilog modules (the templates are copied by emit_rtl). */
    void (*emit_rtl)(const void *bp, const struct tf_plan *p, const struct tf_dir *dir,
                     struct diag *d);
};

/* The registry: tf_blocks[TF_BLK_x] (gen/blocks/registry.c). */
extern const struct tf_block *const tf_blocks[TF_NBLOCKS];

#endif
