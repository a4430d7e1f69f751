/* registry.c -- the table of blocks, built from registry.h. */
#include "tforge.h"

#define TF_BLOCK(b) extern const struct tf_block tf_block_##b;
#include "blocks/registry.h"
#undef TF_BLOCK

const struct tf_block *const tf_blocks[TF_NBLOCKS] = {
#define TF_BLOCK(b) &tf_block_##b,
#include "blocks/registry.h"
#undef TF_BLOCK
};
