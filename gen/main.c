/* main.c -- tforge: parse -> validate -> plan -> emit -> commit. */
#include "tforge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tforge <command> [options]\n"
    "\n"
    "commands:\n"
    "  gen CONFIG -o DIR [-D section.key=value]...   write the design into DIR\n"
    "  check CONFIG [-D section.key=value]...        validate and print the derived plan\n"
    "  pack CONFIG (--random SEED | --safetensors F) -o FILE [-D ...]\n"
    "                                                write the weight image of CONFIG's [model]\n"
    "  golden CONFIG --image F --input F -o FILE     run the golden layers on a packed image\n"
    "  perf CONFIG [--prompt L] [--decode N] ...     cycles, utilization and bytes of a run\n"
    "  keys                                          list every config key, range, default\n"
    "\n"
    "options:\n"
    "  -h, --help      help (also after a command: tforge gen --help)\n"
    "  -V, --version   print the version\n"
    "\n"
    "Exit status: 0 success, 2 bad input (config, -D, arguments), 3 internal error.\n";

static const char usage_gen[] =
    "usage: tforge gen CONFIG -o DIR [-D section.key=value]... [--plan]\n"
    "\n"
    "Reads the INI architecture file CONFIG, applies the -D overrides in order, derives\n"
    "the plan and writes into DIR: one Verilog-2005 module per file; <name>_params.h (C)\n"
    "and <name>_params.vh (Verilog); for each top a file list STEM.f (leaves first) and\n"
    "the Yosys scripts STEM_synth.ys and STEM_lint.ys; <name>_manifest.json (blocks,\n"
    "tops, files, parameters); <name>_plan.txt; and the marker .tforge.\n"
    "DIR is replaced whole or left untouched: files are written into a temporary\n"
    "directory that takes DIR's place only when everything succeeded. An existing DIR\n"
    "is replaced only if tforge wrote it.\n"
    "  --plan   also print the plan on standard output\n";

static const char usage_golden[] =
    "usage: tforge golden CONFIG --image IMAGE --input ROWS -o FILE [-D section.key=value]...\n"
    "\n"
    "Runs the golden model of CONFIG's layers (model/tf_layer.c, bit-exact) on the weight image\n"
    "IMAGE (tforge pack) with one prompt: ROWS holds T rows of d_model int8 values (T up to\n"
    "max_seq), FILE gets the T output rows, written whole or not at all.\n";

static const char usage_pack[] =
    "usage: tforge pack CONFIG (--random SEED | --safetensors FILE [--ln-eps X] [--calib F]\n"
    "                  [--calib-pct P] [--calib-per-tensor]) -o FILE [-D ...]\n"
    "\n"
    "Writes the external-memory image of the layers of CONFIG's [model] (int8 weights in the\n"
    "memory system's column tiles, per-column biases and requantization entries, LayerNorm,\n"
    "residual, GELU and attention parameters; docs/architecture.md, the weight image) to FILE,\n"
    "whole or not at all. CONFIG needs a [model] section.\n"
    "  --random SEED   a random model (0..18446744073709551615) whose scales keep activations\n"
    "                  at about 32 LSB rms\n"
    "  --safetensors F a BERT encoder's fp32 tensors (encoder.layer.I.*; post-LN), quantized:\n"
    "                  int8 weights per output channel, activation scales from a calibration\n"
    "                  run of the float layers (on standard-normal inputs without --calib)\n"
    "  --ln-eps X      the checkpoint's LayerNorm epsilon (default 1e-12, BERT's)\n"
    "  --calib F       calibration sequences: a safetensors file, one F32 tensor [L, d_model]\n"
    "                  per sequence (the first layer's input rows, e.g. a model's embeddings\n"
    "                  of real text; scripts/minilm.py writes them)\n"
    "  --calib-pct P   each int8 activation's scale from the P-th percentile of |x| in the\n"
    "                  calibration run (50..100; default 100, the maximum)\n"
    "  --calib-per-tensor  one scale per activation tensor (default: per-channel powers of two\n"
    "                  on the LayerNorm and GELU outputs, docs/numerics.md 12.1)\n";

static const char usage_perf[] =
    "usage: tforge perf CONFIG [--prompt L] [--decode N] [--batch B] [--bw B] [--lat C] [--csv FILE] [-D ...]\n"
    "\n"
    "The analytic model of the accelerator running CONFIG's [model], without\n"
    "simulation: per layer and per token, the cycles (GEMMs on the array, attention on the\n"
    "attention unit, the auxiliary unit's drains), MAC utilization, external bytes read and\n"
    "written, the bound max(array MACs at 100 %, bytes / bandwidth) and the units' bound\n"
    "max(the array's own cycles, the attention unit's, bytes / bandwidth), for a prefill of L\n"
    "tokens and N decode steps after it (docs/architecture.md, the accelerator's schedule).\n"
    "  --prompt L   prompt tokens, 1..max_seq (default max_seq - N)\n"
    "  --decode N   decode steps after the prompt, 0..max_seq - 1 (default 0)\n"
    "  --batch B    decode steps of B sequences together, 1..16 and at most model.sequences\n"
    "               (default 1): the weight GEMMs on B rows, attention per sequence, as\n"
    "               the top runs a batch (batch.bmax; docs/architecture.md)\n"
    "  --bw B       memory bandwidth in bytes per cycle, 1..4096 (default: the port's width)\n"
    "  --lat C      memory latency in cycles, 1..100000 (default 12)\n"
    "  --csv FILE   also write the figures as CSV (with a header), whole or not at all\n";

static const char usage_check[] =
    "usage: tforge check CONFIG [-D section.key=value]... [--name]\n"
    "\n"
    "Validates CONFIG and prints the derived plan: every width, depth, count and latency.\n"
    "  --name   print only the design name (for scripts)\n";

struct args {
    const char *cmd;
    const char *config;
    const char *out;
    const char **defs;
    int ndefs;
    int print_plan;
    int print_name;
    const char *seed;   /* pack --random */
    const char *st;     /* pack --safetensors */
    const char *ln_eps; /* pack --ln-eps */
    const char *calib;  /* pack --calib */
    const char *pct;    /* pack --calib-pct */
    int per_tensor;     /* pack --calib-per-tensor */
    const char *image;  /* golden --image */
    const char *input;  /* golden --input */
    struct perf_opts perf;
};

static int cmd_keys(void)
{
    cfg_print_keys(stdout);
    return 0;
}

static void parse_args(struct args *a, int argc, char **argv, struct arena *ar, struct diag *d)
{
    a->defs = arena_alloc(ar, sizeof(char *) * (size_t)(argc + 1));
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-D")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge %s: -D needs an argument (legal: -D section.key=value)", a->cmd);
            a->defs[a->ndefs++] = argv[++i];
        } else if (!strncmp(s, "-D", 2)) {
            a->defs[a->ndefs++] = s + 2;
        } else if (!strcmp(s, "-o") && (!strcmp(a->cmd, "gen") || !strcmp(a->cmd, "pack") ||
                                        !strcmp(a->cmd, "golden"))) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge %s: -o needs an argument (legal: -o %s)", a->cmd,
                        !strcmp(a->cmd, "gen") ? "DIR" : "FILE");
            a->out = argv[++i];
        } else if (!strcmp(s, "--random") && !strcmp(a->cmd, "pack")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge pack: --random needs an argument (legal: --random "
                        "SEED, 0..18446744073709551615)");
            a->seed = argv[++i];
        } else if ((!strcmp(s, "--safetensors") || !strcmp(s, "--ln-eps")) && !strcmp(a->cmd, "pack")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s needs an argument (legal: %s)", s,
                        s[2] == 's' ? "--safetensors FILE" : "--ln-eps X, a positive number");
            if (s[2] == 's')
                a->st = argv[++i];
            else
                a->ln_eps = argv[++i];
        } else if (!strcmp(s, "--calib-per-tensor") && !strcmp(a->cmd, "pack")) {
            a->per_tensor = 1;
        } else if ((!strcmp(s, "--calib") || !strcmp(s, "--calib-pct")) && !strcmp(a->cmd, "pack")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s needs an argument (legal: %s)", s,
                        s[7] ? "--calib-pct P, a percentile in [50, 100]" : "--calib FILE");
            if (s[7])
                a->pct = argv[++i];
            else
                a->calib = argv[++i];
        } else if ((!strcmp(s, "--image") || !strcmp(s, "--input")) && !strcmp(a->cmd, "golden")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge golden: %s needs an argument (legal: %s FILE)", s, s);
            if (!strcmp(s, "--image"))
                a->image = argv[++i];
            else
                a->input = argv[++i];
        } else if (!strcmp(a->cmd, "perf") && (!strcmp(s, "--prompt") || !strcmp(s, "--decode") ||
                                               !strcmp(s, "--bw") || !strcmp(s, "--lat") ||
                                               !strcmp(s, "--batch"))) {
            static const struct { const char *opt; long lo, hi; } lim[] = {
                {"--prompt", 1, 65535}, {"--decode", 0, 65535}, {"--bw", 1, 4096}, {"--lat", 1, 100000},
                {"--batch", 1, 16}};
            int k = 0;
            while (strcmp(lim[k].opt, s))
                k++;
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge perf: %s needs an argument (legal: %s N, %ld..%ld)", s, s,
                        lim[k].lo, lim[k].hi);
            const char *v = argv[++i];
            char *end = NULL;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (!*v || *end || errno || n < lim[k].lo || n > lim[k].hi)
                tf_fail(d, TF_EXIT_INPUT, "tforge perf: %s '%s': not a number in range (legal: %ld..%ld)", s,
                        tf_printable(ar, v, 0), lim[k].lo, lim[k].hi);
            int *dst[] = {&a->perf.prompt, &a->perf.decode, &a->perf.bw, &a->perf.lat, &a->perf.batch};
            *dst[k] = (int)n;
        } else if (!strcmp(s, "--csv") && !strcmp(a->cmd, "perf")) {
            if (i + 1 >= argc)
                tf_fail(d, TF_EXIT_INPUT, "tforge perf: --csv needs an argument (legal: --csv FILE)");
            a->perf.csv = argv[++i];
        } else if (!strcmp(s, "--plan") && !strcmp(a->cmd, "gen")) {
            a->print_plan = 1;
        } else if (!strcmp(s, "--name") && !strcmp(a->cmd, "check")) {
            a->print_name = 1;
        } else if (s[0] == '-' && s[1]) {
            tf_fail(d, TF_EXIT_INPUT, "tforge %s: unknown option '%s' (legal: %s)", a->cmd, s,
                    !strcmp(a->cmd, "gen")    ? "-o DIR, -D section.key=value, --plan, --help"
                    : !strcmp(a->cmd, "pack")
                        ? "--random SEED, --safetensors FILE, --ln-eps X, -o FILE, -D section.key=value, --help"
                    : !strcmp(a->cmd, "golden") ? "--image FILE, --input FILE, -o FILE, -D section.key=value, --help"
                    : !strcmp(a->cmd, "perf")   ? "--prompt L, --decode N, --batch B, --bw B, --lat C, --csv FILE, -D "
                                                  "section.key=value, --help"
                                                : "-D section.key=value, --name, --help");
        } else if (!a->config) {
            a->config = s;
        } else {
            tf_fail(d, TF_EXIT_INPUT, "tforge %s: unexpected argument '%s' (legal: one CONFIG)",
                    a->cmd, s);
        }
    }
    if (a->config && !*a->config)
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: CONFIG is an empty string (legal: the path of an "
                "INI file)", a->cmd);
    if (!a->config)
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: missing CONFIG (legal: tforge %s CONFIG ...; see tforge %s --help)", a->cmd,
                a->cmd, a->cmd);
    if (!strcmp(a->cmd, "gen") && !a->out)
        tf_fail(d, TF_EXIT_INPUT, "tforge gen: missing -o DIR (legal: tforge gen CONFIG -o DIR; see tforge gen --help)");
    if (!strcmp(a->cmd, "pack") && !a->out)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: missing -o FILE (legal: tforge pack CONFIG --random SEED -o FILE; "
                "see tforge pack --help)");
    if (!strcmp(a->cmd, "pack") && !a->seed == !a->st)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s (legal: one of --random SEED, --safetensors FILE; see "
                "tforge pack --help)", a->seed ? "two weights' sources" : "missing the weights' source");
    if (!strcmp(a->cmd, "pack") && a->ln_eps && !a->st)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: --ln-eps without --safetensors (legal: --ln-eps with a "
                "checkpoint)");
    if (!strcmp(a->cmd, "pack") && (a->calib || a->pct || a->per_tensor) && !a->st) {
        const char *o = a->calib ? "--calib" : a->pct ? "--calib-pct" : "--calib-per-tensor";
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s without --safetensors (legal: %s with a checkpoint's "
                "--safetensors FILE)", o, o);
    }
    if (!strcmp(a->cmd, "golden") && (!a->out || !a->image || !a->input))
        tf_fail(d, TF_EXIT_INPUT, "tforge golden: missing %s (legal: tforge golden CONFIG --image FILE --input "
                "FILE -o FILE)", !a->image ? "--image FILE" : !a->input ? "--input FILE" : "-o FILE");
}

/* --ln-eps: a positive finite number */
static double parse_eps(const char *s, struct arena *ar, struct diag *d)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v > 0) || v > 1.0)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: --ln-eps '%s': not an epsilon (legal: a number in (0, 1])",
                tf_printable(ar, s, 0));
    return v;
}

/* --calib-pct: a percentile in [50, 100] */
static double parse_pct(const char *s, struct arena *ar, struct diag *d)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= 50 && v <= 100))
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: --calib-pct '%s': not a percentile (legal: a number in [50, 100]; "
                "100 = the maximum)", tf_printable(ar, s, 0));
    return v;
}

/* SEED: decimal, 0..2^64-1 */
static unsigned long long parse_seed(const char *s, struct arena *ar, struct diag *d)
{
    unsigned long long v = 0;
    int ok = *s != 0;
    for (const char *c = s; *c && ok; c++) {
        unsigned dg = (unsigned)(*c - '0');
        if (dg > 9 || v > (~0ULL - dg) / 10)
            ok = 0;
        else
            v = v * 10 + dg;
    }
    if (!ok)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: --random '%s': not a seed (legal: a decimal number "
                "0..18446744073709551615)", tf_printable(ar, s, 0));
    return v;
}

/* Everything that can fail on user input. The arena lives in the caller, so no
 * automatic object of this function changes between setjmp and longjmp except
 * the volatile od. */
static int run(const char *cmd, int argc, char **argv, struct arena *arena, struct diag *d)
{
    struct args a = {0};
    struct tf_config cfg;
    struct tf_plan plan;
    struct outdir *volatile od = NULL;
    a.cmd = cmd;
    if (setjmp(d->jb)) {
        if (od)
            outdir_abort(od);
        fprintf(stderr, "%s\n", d->msg);
        return d->status;
    }
    int is_gen = !strcmp(cmd, "gen"), is_pack = !strcmp(cmd, "pack"), is_golden = !strcmp(cmd, "golden");
    int is_perf = !strcmp(cmd, "perf");
    if (!strcmp(cmd, "keys")) {
        if (argc > 2)
            tf_fail(d, TF_EXIT_INPUT, "tforge keys: unexpected argument '%s' (legal: tforge keys)",
                    argv[2]);
        return cmd_keys();
    }
    if (!is_gen && !is_pack && !is_golden && !is_perf && strcmp(cmd, "check") != 0)
        tf_fail(d, TF_EXIT_INPUT,
                "tforge: unknown command '%s' (legal: gen, check, pack, golden, perf, keys, --help, --version)",
                cmd);
    a.perf.lat = 12;
    parse_args(&a, argc, argv, arena, d);
    struct pack_src src = {a.st, 0, 1e-12, a.calib, 100, a.per_tensor};
    if (is_pack && a.pct)
        src.pct = parse_pct(a.pct, arena, d);
    if (is_pack && a.seed)
        src.seed = parse_seed(a.seed, arena, d);
    if (is_pack && a.ln_eps)
        src.ln_eps = parse_eps(a.ln_eps, arena, d);
    cfg_load(&cfg, a.config, a.defs, a.ndefs, arena, d);
    plan_derive(&plan, &cfg, arena, d);
    if (is_pack) {
        pack_run(&plan, a.out, &src, arena, d);
        return 0;
    }
    if (is_golden) {
        golden_run(&plan, a.image, a.input, a.out, arena, d);
        return 0;
    }
    if (is_perf) {
        perf_run(&plan, &a.perf, arena, d);
        return 0;
    }
    if (!is_gen) {
        if (a.print_name)
            printf("%s\n", plan.name);
        else
            plan_print(&plan, stdout);
        return 0;
    }
    od = outdir_begin(a.out, arena, d);
    emit_rtl(&plan, outdir_dir(od), arena, d);
    emit_params(&plan, outdir_dir(od), arena, d);
    emit_files(&plan, outdir_dir(od), arena, d);
    emit_report(&plan, outdir_dir(od), arena, d);
    outdir_commit(od, arena, d);
    od = NULL;
    if (a.print_plan)
        plan_print(&plan, stdout);
    printf("tforge: wrote %s (", tf_printable(arena, a.out, 0));
    for (int i = 0; i < plan.ntops; i++)
        printf("%s%s", i ? ", " : "", plan.tops[i].module);
    printf(")\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return TF_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("tforge %s\n", TF_VERSION);
        return 0;
    }
    int is_gen = !strcmp(cmd, "gen"), is_check = !strcmp(cmd, "check"), is_pack = !strcmp(cmd, "pack"),
        is_golden = !strcmp(cmd, "golden"), is_perf = !strcmp(cmd, "perf");
    for (int i = 2; i < argc && (is_gen || is_check || is_pack || is_golden || is_perf); i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(is_gen ? usage_gen : is_pack ? usage_pack : is_golden ? usage_golden : is_perf ? usage_perf
                                                                                              : usage_check,
                  stdout);
            return 0;
        }
    }

    /* The arena and the diagnostics live here, outside the function that calls
     * setjmp, so the only local changed between setjmp and longjmp there is the
     * volatile od. */
    struct arena arena = {0};
    struct diag d;
    memset(&d, 0, sizeof d);
    int rc = run(cmd, argc, argv, &arena, &d);
    diag_free(&d);
    arena_free(&arena);
    /* what was printed must have reached standard output whole (a full disk, a closed
     * pipe): otherwise say so and fail */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tforge: standard output: write error: %s (legal: an output that "
                "accepts the whole text)\n", strerror(errno));
        return rc ? rc : TF_EXIT_INPUT;
    }
    return rc;
}
