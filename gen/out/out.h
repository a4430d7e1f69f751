/* out.h -- what the output writers share (gen/out/). */
#ifndef TF_OUT_H
#define TF_OUT_H

#include "tforge.h"

/* Every params-header name of the design, in order (params.c). */
struct tf_params *params_collect(const struct tf_plan *p, struct arena *a, struct diag *d);
int params_count(const struct tf_params *pp);
/* The i-th name if it is an integer (or flag): 1 and its name, value and block (-1: the
 * design's own); 0 otherwise. */
int params_int_at(const struct tf_params *pp, int i, const char **name, long long *v, int *block);

#endif
