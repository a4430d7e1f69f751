/* report.c -- <name>_plan.txt (the plan, as `tforge check` prints it) and the .tforge
 * marker that lets a later run replace this directory. */
#include "tforge.h"

void emit_report(const struct tf_plan *p, const struct tf_dir *dir, struct arena *a,
                 struct diag *d)
{
    struct emitter e;
    emit_begin(&e, dir, arena_printf(a, "%s_plan.txt", p->name), d);
    plan_print(p, e.f);
    emit_end(&e);

    emit_begin(&e, dir, ".tforge", d);
    emit_line(&e, "tforge %s", TF_VERSION);
    emit_line(&e, "design %s", p->name);
    emit_line(&e, "config %s", p->config_path);
    emit_end(&e);
}
