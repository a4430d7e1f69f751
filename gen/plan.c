/* plan.c -- the design's plan: each block derives its own, then the blocks link --
 * their tops, the modules below them, and the fixed-text templates to copy, each
 * once. Emitters, the params headers, the file lists, the scripts and the manifest
 * read only this. */
#include "tforge.h"

#include <ctype.h>
#include <string.h>

struct tf_top *top_add(struct tf_plan *p, int block, const char *stem, const char *module)
{
    struct tf_top *t = &p->tops[p->ntops++];
    memset(t, 0, sizeof *t);
    t->block = (enum tf_block_id)block;
    t->stem = stem;
    t->module = module;
    return t;
}

static void top_file(struct tf_top *t, const char *file, struct diag *d)
{
    if (t->nfiles >= TF_MAX_MODULES)
        tf_unreachable(d);
    t->files[t->nfiles++] = file;
}

void top_template(struct tf_top *t, struct tf_plan *p, const char *module, struct arena *a,
                  struct diag *d)
{
    int known = 0;
    for (int i = 0; i < p->ntemplates; i++)
        known |= !strcmp(p->templates[i], module);
    if (!known) {
        if (p->ntemplates >= TF_MAX_MODULES)
            tf_unreachable(d);
        p->templates[p->ntemplates++] = module;
    }
    top_file(t, arena_printf(a, "%s.v", module), d);
}

void top_generated(struct tf_top *t, const char *module, struct arena *a, struct diag *d)
{
    top_file(t, arena_printf(a, "%s.v", module), d);
}

const struct tf_top *plan_top(const struct tf_plan *p, const char *module)
{
    for (int i = 0; i < p->ntops; i++)
        if (!strcmp(p->tops[i].module, module))
            return &p->tops[i];
    return NULL;
}

void plan_derive(struct tf_plan *p, const struct tf_config *cfg, struct arena *a, struct diag *d)
{
    memset(p, 0, sizeof *p);
    p->name = cfg->name;
    p->clock_mhz = cfg->clock_mhz;
    p->config_path = cfg->path;
    char *m = arena_printf(a, "%s_", cfg->name);
    for (char *c = m; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    p->macro = m;
    p->dropped = cfg->dropped;
    p->ndropped = cfg->ndropped;
    for (int b = 0; b < TF_NBLOCKS; b++)
        if (cfg->blk[b] && tf_blocks[b]->derive)
            p->blk[b] = tf_blocks[b]->derive(cfg->blk[b], p, a, d);
    for (int b = 0; b < TF_NBLOCKS; b++)
        if (p->blk[b] && tf_blocks[b]->link)
            tf_blocks[b]->link(p->blk[b], p, a, d);
}

void plan_print(const struct tf_plan *p, FILE *f)
{
    fprintf(f, "design            %s (from %s)\n", p->name, p->config_path);
    const char *sep = "";
    fprintf(f, "blocks            ");
    for (int b = 0; b < TF_NBLOCKS; b++) {
        if (p->blk[b] && tf_blocks[b]->hardware) {
            fprintf(f, "%s%s", sep, tf_blocks[b]->title);
            sep = ", ";
        }
    }
    fprintf(f, "\n");
    for (int i = 0; i < p->ndropped; i++) {
        const struct cfg_dropped *dr = &p->dropped[i];
        fprintf(f, "dropped           %s.%s (%s:%d): %s.%s switched off by -D:%d\n",
                dr->key->section, dr->key->name, dr->at.file, dr->at.line, dr->by->section,
                dr->by->name, dr->by_at.line);
    }
    for (int b = 0; b < TF_NBLOCKS; b++)
        if (p->blk[b] && tf_blocks[b]->print)
            tf_blocks[b]->print(p->blk[b], p, f);
}
