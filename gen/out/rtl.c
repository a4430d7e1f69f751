/* rtl.c -- the Verilog of a design: every fixed-text module the tops use, copied
 * from templates/ once with a two-line header, then each block's own modules. */
#include "tforge.h"

static void emit_copy(const struct tf_plan *p, const struct tf_dir *dir, const char *mod,
                      struct arena *a, struct diag *d)
{
    struct emitter e;
    const char *file = arena_printf(a, "%s.v", mod);
    emit_begin(&e, dir, file, d);
    emit_vheader(&e, p, "Fixed-text module, copied from templates/ unchanged.");
    emit_template(&e, p, file);
    emit_end(&e);
}

void emit_rtl(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a, struct diag *d)
{
    for (int i = 0; i < p->ntemplates; i++)
        emit_copy(p, dir, p->templates[i], a, d);
    for (int b = 0; b < TF_NBLOCKS; b++)
        if (p->blk[b] && tf_blocks[b]->emit_rtl)
            tf_blocks[b]->emit_rtl(p->blk[b], p, dir, d);
}
