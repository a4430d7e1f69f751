/* feed_ref.c -- the golden model of tf_attn_feed's command for its cocotb test (loaded with
 * ctypes; built per design with its params header force-included): the attention unit's
 * model (model/tf_attn.c) on one cache region per (cache, region), each head's output
 * requantized to int8 (tfm_requant), exactly as model/tf_accel.c's attention does it.
 * A refused step (a count the region cannot take) gives 0 bytes for that head. */
#include "tf_attn.h"
#include "tf_model.h"

#include <string.h>

static const struct tfa_arch ARCH = TFP_ATTN_ARCH_INIT;
enum { NR = TFP_ATTN_HEADS * TFP_ATTN_REGIONS };
static struct tfa_head reg[NR];
static int ready;

int feed_reset(void)
{
    for (int i = 0; i < NR; i++) {
        if (ready)
            tfa_head_free(&reg[i]);
        if (tfa_head_init(&reg[i], &ARCH) != 0)
            return -1;
    }
    ready = 1;
    return 0;
}

/* n tokens of a sequence whose regions start at rbase, model heads `heads` on the unit's
 * TFP_ATTN_HEADS caches: q, k, v, ao are n x d int8 rows (d = heads x D). Returns the number of
 * refused steps. */
int feed_run(int heads, int bidir, int n, int rbase, unsigned scale, unsigned mult, int shift, const int8_t *q,
             const int8_t *k, const int8_t *v, int8_t *ao)
{
    int D = ARCH.head_dim, d = heads * D, refused = 0, ah = TFP_ATTN_HEADS;
    struct tfa_arch a = ARCH;
    a.scale_c = scale;
    int64_t o[256];
    if (bidir)
        for (int i = 0; i < n; i++)
            for (int h = 0; h < heads; h++)
                refused += tfa_append(&a, &reg[(h % ah) * TFP_ATTN_REGIONS + rbase + h / ah],
                                      k + i * d + h * D, v + i * d + h * D, NULL) < 0;
    for (int i = 0; i < n; i++)
        for (int h = 0; h < heads; h++) {
            struct tfa_head *r = &reg[(h % ah) * TFP_ATTN_REGIONS + rbase + h / ah];
            int rc = 0;
            if (bidir)
                tfa_attend(&a, r, q + i * d + h * D, o, NULL);
            else
                rc = tfa_decode(&a, r, q + i * d + h * D, k + i * d + h * D, v + i * d + h * D, o, NULL);
            refused += rc != 0;
            for (int j = 0; j < D; j++)
                ao[i * d + h * D + j] = rc ? 0 : (int8_t)tfm_requant(o[j], mult, shift, 8);
        }
    return refused;
}
