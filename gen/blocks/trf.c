/* trf.c -- the two-direction accessible register file block: keys of [trf], the size
 * rule, its plan, report lines, params section and top <name>_trf. The Verilog
 * wrapper is trf_rtl.c; the storage is templates/tf_trf_flops.v or tf_trf_banked.v. */
#include "blocks/trf.h"

static int imax(int a, int b) { return a > b ? a : b; }

static const char *const trf_sections[] = {"trf", NULL};
static const char *const impl_names[] = {"flops", "banked"}; /* enum tf_trf_impl */
static const struct tf_words w_impl = TF_WORDS(impl_names, "implementation");

#define F(f) offsetof(struct trf_cfg, f)
static const struct tf_key trf_keys[] = {
    {"trf", "rows", TF_K_INT, 1, 256, 1, NULL, F(rows),
     "register file rows NR (the [trf] section builds <name>_trf)", NULL, NULL},
    {"trf", "cols", TF_K_INT, 1, 256, 1, NULL, F(cols), "register file columns NC", NULL, NULL},
    {"trf", "width", TF_K_INT, 1, 64, 0, "8", F(width), "bits per word", NULL, NULL},
    {"trf", "read_ports", TF_K_INT, 1, 2, 0, "1", F(read_ports), "read ports", NULL, NULL},
    {"trf", "impl", TF_K_ENUM, 0, 0, 0, "flops", F(impl),
     "flops = registers + multiplexers, banked = max(NR,NC) skewed memory banks", &w_impl, NULL},
    {"trf", "write_mask", TF_K_BOOL, 0, 1, 0, "true", F(write_mask), "per-word write mask", NULL,
     NULL},
};
#undef F

long long trf_storage_bits(const struct trf_cfg *t)
{
    long long nb = t->rows > t->cols ? t->rows : t->cols;
    return t->impl == TF_TRF_BANKED ? nb * t->rows * t->width * t->read_ports
                                    : (long long)t->rows * t->cols * t->width;
}

static void trf_check(const void *cfgp, struct tf_rules *r)
{
    long long bits = trf_storage_bits(cfgp);
    if (bits > TF_MAX_TRF_BITS)
        rule_fail(r, "trf.rows,trf.cols,trf.width,trf.impl,trf.read_ports",
                  arena_printf(r->a, "at most %lld bits", TF_MAX_TRF_BITS),
                  "the register file would hold %lld bits", bits);
}

static const void *trf_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                              struct diag *d)
{
    (void)root;
    (void)d;
    const struct trf_cfg *c = cfgp;
    struct trf_plan *p = arena_alloc(a, sizeof *p);
    p->nr = c->rows;
    p->nc = c->cols;
    p->w = c->width;
    p->ports = c->read_ports;
    p->mask = c->write_mask;
    p->impl = (enum tf_trf_impl)c->impl;
    p->nb = imax(p->nr, p->nc);
    p->idx_w = imax(tf_clog2(p->nb), 1);
    p->row_w = imax(tf_clog2(p->nr), 1);
    p->col_w = imax(tf_clog2(p->nc), 1);
    p->lat_read = 1;
    p->bits = trf_storage_bits(c);
    return p;
}

static void trf_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    const struct trf_plan *p = bp;
    const char *top = arena_printf(a, "%s_trf", root->name);
    struct tf_top *t = top_add(root, TF_BLK_trf, top, top);
    if (p->impl == TF_TRF_BANKED) {
        top_template(t, root, "tf_ram_1r1w", a, d);
        top_template(t, root, "tf_rotate", a, d);
        top_template(t, root, "tf_trf_banked", a, d);
    } else {
        top_template(t, root, "tf_trf_flops", a, d);
    }
    top_generated(t, top, a, d);
}

static void trf_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    (void)root;
    const struct trf_plan *p = bp;
    fprintf(f,
            "register file     %d x %d words of %d bits, %s, %d read port%s, %s; data ports %d "
            "words; %lld storage bits%s\n",
            p->nr, p->nc, p->w, p->impl == TF_TRF_BANKED ? "banked" : "flip-flops", p->ports,
            p->ports > 1 ? "s" : "", p->mask ? "write mask" : "no write mask", p->nb, p->bits,
            p->impl == TF_TRF_BANKED ? " (banks of NR words, one copy per read port)" : "");
}

static void trf_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                       struct arena *a)
{
    const struct trf_plan *p = bp;
    par_section(pp, "two-direction register file (<name>_trf)");
    par_v(pp, "TRF_TOP", arena_printf(a, "%s_trf", root->name), "the register file's top module");
    par_int(pp, "TRF_ROWS", p->nr, NULL);
    par_int(pp, "TRF_COLS", p->nc, NULL);
    par_int(pp, "TRF_WIDTH", p->w, NULL);
    par_int(pp, "TRF_PORTS", p->ports, NULL);
    par_flag(pp, "TRF_MASK", p->mask, "w_mask_i is a port");
    par_int(pp, "TRF_BANKED", p->impl == TF_TRF_BANKED, NULL);
    par_int(pp, "TRF_WORDS", p->nb, "words per data port: max(rows, cols)");
    par_int(pp, "TRF_IDX_W", p->idx_w, NULL);
    par_int(pp, "TRF_LAT_READ", p->lat_read, NULL);
    par_flag(pp, "TRF_TWO_PORTS", p->ports > 1, "r1_* ports exist");
}

const struct tf_block tf_block_trf = {
    .name = "trf",
    .title = "two-direction register file",
    .sections = trf_sections,
    .keys = trf_keys,
    .nkeys = (int)(sizeof trf_keys / sizeof trf_keys[0]),
    .cfg_size = sizeof(struct trf_cfg),
    .hardware = 1,
    .check = trf_check,
    .derive = trf_derive,
    .link = trf_link,
    .print = trf_print,
    .params = trf_params,
    .emit_rtl = trf_emit_rtl,
};
