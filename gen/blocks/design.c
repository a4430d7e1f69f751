/* design.c -- the [design] section: the design's name and its target clock. It builds
 * nothing itself; every generated module, file and params-header name starts with the name,
 * and the performance reports (tforge perf, make run) turn cycles into time at the clock. */
#include "tforge.h"

static const char *const design_sections[] = {"design", NULL};

static const struct tf_key design_keys[] = {
    {"design", "name", TF_K_IDENT, 1, 32, 1, NULL, offsetof(struct design_cfg, name),
     "design name: prefix of every generated module and file", NULL, NULL},
    {"design", "clock_mhz", TF_K_INT, 1, 5000, 0, "200", offsetof(struct design_cfg, clock_mhz),
     "target clock in MHz: the performance reports give times at it", NULL, NULL},
};

const struct tf_block tf_block_design = {
    .name = "design",
    .title = "design",
    .sections = design_sections,
    .keys = design_keys,
    .nkeys = (int)(sizeof design_keys / sizeof design_keys[0]),
    .cfg_size = sizeof(struct design_cfg),
    .hardware = 0,
};
