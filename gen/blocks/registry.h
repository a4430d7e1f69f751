/* registry.h -- the blocks tforge generates, in the order they are derived, linked
 * and reported. Adding a block: its files in gen/blocks/ and one line here. */
TF_BLOCK(design)
TF_BLOCK(gemm)
TF_BLOCK(trf)
TF_BLOCK(attn)
TF_BLOCK(aux)
TF_BLOCK(mem)
TF_BLOCK(model)
