/* accel_ref.c -- the reference of the accelerator top's cocotb test (tb/top/test_accel.py),
 * loaded with ctypes; built per design with its params header force-included: a random model
 * of the design's [model] shape packed into a weight image (tfi_random, tfi_write: what tforge
 * pack writes), and the accelerator over memory (tfacc_run) that the top must reproduce byte
 * for byte. */
#include "tf_accel.h"
#include "tf_image.h"

#include <stdlib.h>
#include <string.h>

static struct tfacc_cfg C;
static struct tfi_model IMG;
static struct tfacc_state ST;
static struct tfx_gelu_rom ROM;

/* the image into mem at wbase; *ws_end: the first byte after the workspace */
int ref_init(unsigned long long seed, uint8_t *mem, unsigned long long size, unsigned long long wbase,
             unsigned long long *ws_end)
{
    memset(&C, 0, sizeof C);
    C.m.s = (struct tfl_shape){TFP_MODEL_D, TFP_MODEL_HEADS, TFP_MODEL_D_FF, TFP_MODEL_LAYERS, TFP_MODEL_MAX_SEQ,
                               TFP_MODEL_PRE_LN, TFP_MODEL_CAUSAL};
    C.m.attn = (struct tfa_arch)TFP_ATTN_ARCH_INIT;
    C.m.aux = (struct tfx_arch)TFP_AUX_ARCH_INIT;
    tfx_gelu_rom_init(&ROM);
    C.m.rom = &ROM;
    C.attn_heads = TFP_ATTN_HEADS;
    C.sequences = TFP_MODEL_SEQUENCES;
    C.bmax = TFP_MODEL_BMAX;
    C.fit = TFP_MODEL_BATCH_FIT;
    C.port_bytes = TFP_MEM_PORT_BYTES;
    C.lo = (struct tfi_layout){TFP_MEM_PORT_BYTES, TFP_MEM_PORT_BYTES > TFI_MIN_ALIGN ? TFP_MEM_PORT_BYTES : TFI_MIN_ALIGN};
    if (tfi_random(&C.m.s, &C.m.attn, seed, &IMG) != 0)
        return -1;
    C.m.layer = IMG.layer;
    uint64_t n = tfi_size(&C.m.s, &C.lo);
    const char *why = NULL;
    if (wbase + n > size || tfi_write(&C.m, &C.lo, 1.0 / 32, 1.0 / 32, mem + wbase, (size_t)n, &why) != 0)
        return -2;
    *ws_end = tfacc_ws_base(&C, wbase, n) + tfacc_ws_bytes(&C);
    return tfacc_state_init(&C, &ST);
}

/* one run of the table (S entries) on mem: the code, the entry in *eseq */
int ref_run(uint8_t *mem, unsigned long long size, unsigned long long wbase, const int *active, const int *decode,
            const int *len, const unsigned long long *in, const unsigned long long *out, int *eseq)
{
    struct tfacc_req r[64];
    for (int i = 0; i < C.sequences && i < 64; i++)
        r[i] = (struct tfacc_req){active[i], decode[i], len[i], in[i], out[i]};
    return tfacc_run(&C, &ST, mem, size, wbase, r, eseq);
}
