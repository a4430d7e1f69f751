/* design.c -- the [design] section: the design's name. It builds nothing itself;
 * every generated module, file and params-header name starts with it. */
#include "tforge.h"

struct design_cfg {
    const char *name;
};

static const char *const design_sections[] = {"design", NULL};

static const struct tf_key design_keys[] = {
    {"design", "name", TF_K_IDENT, 1, 32, 1, NULL, offsetof(struct design_cfg, name),
     "design name: prefix of every generated module and file", NULL, NULL},
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
