/* tf_image.h -- the external-memory image of a model's layers (what `tforge pack` writes and
 * the accelerator reads): int8 weights in rows the memory system reads, per-output-channel
 * biases and requantization entries, LayerNorm, residual, GELU and attention parameters.
 *
 * Little-endian throughout. Every array starts on a multiple of `align` bytes (the port
 * word, at least 64), so each is read from its first byte in whole port words.
 *
 *   header (TFI_HDR_BYTES): magic "TFWIMG01", then u32 fields: version, header_bytes, d,
 *     heads, d_ff, layers, pre_ln, causal, wrow, align, layer_rec_bytes, then two f32: the
 *     real value of an input LSB and of an output LSB, then u64 layer_table (offset of the
 *     layer records), u64 total_bytes
 *   layer records (layers of TFI_REC_BYTES at layer_table, one every tfi_rec_stride bytes: each
 *     starts on `align`): per layer, for each of the six
 *     GEMMs (q, k, v, o, ff1, ff2) the u64 offsets of its weights, biases and requantization
 *     entries; the u64 offsets of ln1's and ln2's gamma and beta; the u64 offsets of the
 *     per-column shifts sh_res1, sh_res2 and sh_gelu (tf_layer.h); then the u32 scalars:
 *     scale_c, ao_mult, ao_shift, res1 (mult, lshift, shift), res2 (same), ln1 (gamma_frac,
 *     beta_frac, eps_q), ln2 (same), gelu (in_mant, in_exp, out_mant, out_exp)
 *   arrays:
 *     weights of a K x N GEMM: K rows of N bytes (row-major), each row padded to a multiple
 *       of wrow bytes (the port word), so the memory system's B operand is the matrix at a
 *       row stride of ceil(N / wrow) * wrow bytes and every row starts on a port word
 *     biases: N x int32; requantization entries: N x (u32 mult, u32 shift)
 *     gamma: d x int16; beta: d x int32
 *     shifts: sh_res1, sh_res2 d x u8, sh_gelu d_ff x u8, each 0..TFL_SH_MAX
 * docs/architecture.md (the weight image) describes it with the reasons. */
#ifndef TF_IMAGE_H
#define TF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "tf_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    TFI_VERSION = 3,
    TFI_HDR_BYTES = 128,
    TFI_NPROJ = 6,             /* q, k, v, o, ff1, ff2 */
    TFI_REC_OFFS = TFI_NPROJ * 3 + 4 + 3, /* u64 offsets of a layer record */
    TFI_REC_SCALARS = 3 + 6 + 6 + 4,  /* u32 scalars of a layer record */
    TFI_REC_BYTES = TFI_REC_OFFS * 8 + TFI_REC_SCALARS * 4,
    TFI_MIN_ALIGN = 64,
    TFI_H_SCALES = 52,         /* the two f32 scales */
    TFI_H_TABLE = 60           /* u64 layer_table; u64 total_bytes at 68 */
};
#define TFI_MAGIC "TFWIMG01"

/* The layout facts the hardware fixes: the port word. */
struct tfi_layout {
    int wrow;   /* weight rows are padded to a multiple of it: the port's bytes */
    int align;  /* array alignment: max(64, port bytes), a power of two */
};

/* The layer records' stride: TFI_REC_BYTES rounded up to lo->align, so every record starts
 * on a port word. */
static inline uint64_t tfi_rec_stride(const struct tfi_layout *lo)
{
    return ((uint64_t)TFI_REC_BYTES + (uint64_t)lo->align - 1) / (uint64_t)lo->align * (uint64_t)lo->align;
}

/* The row stride of a weight matrix with n columns: n rounded up to lo->wrow. */
static inline uint64_t tfi_wstride(const struct tfi_layout *lo, int n)
{
    return ((uint64_t)n + (uint64_t)lo->wrow - 1) / (uint64_t)lo->wrow * (uint64_t)lo->wrow;
}

/* Bytes of the image of model m (its shape) at layout lo. */
uint64_t tfi_size(const struct tfl_shape *s, const struct tfi_layout *lo);

/* Serialize m into buf (tfi_size bytes, zero-filled padding). 0, or -1 if a parameter does
 * not fit its field (a static message in *why). */
int tfi_write(const struct tfl_model *m, const struct tfi_layout *lo, double in_scale, double out_scale,
              uint8_t *buf, size_t n, const char **why);

/* The model an image holds, read and checked: every field, offset, size and parameter range
 * (requantization and residual entries, LayerNorm fractions, GELU scales). The layers'
 * arrays are copied out of the image (weights without their rows' padding, K x N).
 * Returns 0, or -1 with a message naming the byte offset and the field in err (errn bytes).
 * shape and layout must match what the image says (a mismatch is an error). */
struct tfi_model {
    struct tfl_layer *layer;
    void *mem;        /* the arrays */
    float in_scale;   /* the real value of an input LSB (header) */
    float out_scale;  /* ... of an output LSB */
};
int tfi_read(const uint8_t *buf, size_t n, const struct tfl_shape *s, const struct tfi_layout *lo,
             struct tfi_model *out, char *err, size_t errn);
void tfi_free(struct tfi_model *m);

/* Host side (double precision, model/tf_image_host.c): a random model of shape s for the
 * attention unit at (its head_dim, exp_frac_bits, prob_bits) from seed: int8 weights
 * uniform in -64..64, and every scale chosen so that activations keep about 32 LSB rms (the
 * pre-LN residual stream gets about 8 LSB per block, to stay in int8). 0, or -1 out of memory. */
int tfi_random(const struct tfl_shape *s, const struct tfa_arch *at, uint64_t seed,
               struct tfi_model *out);

/* A post-LN (BERT) model's layers in fp32, as checkpoints hold them: each Linear's weight
 * [out][in] and bias [out]; LayerNorm gamma and beta [d]. */
struct tfi_float_layer {
    const float *wq, *bq, *wk, *bk, *wv, *bv, *wo, *bo; /* d x d, d */
    const float *ln1g, *ln1b;                           /* attention output LayerNorm */
    const float *w1, *b1;                               /* d_ff x d, d_ff */
    const float *w2, *b2;                               /* d x d_ff, d */
    const float *ln2g, *ln2b;                           /* output LayerNorm */
};
struct tfi_float_model {
    struct tfl_shape s; /* post-LN */
    double ln_eps;
    const struct tfi_float_layer *layer;
};

/* The calibration of tfi_quantize: n real sequences (the layers' input rows, as the host
 * gives them to the accelerator), or n = 0: synth_seqs sequences of synth_tokens tokens of
 * standard-normal inputs drawn from seed (the spread of a LayerNorm's outputs). */
struct tfi_calib {
    int n;
    const int *len;          /* n lengths, 1..max_seq */
    const double *const *x;  /* n sequences of len[i] x d */
    int synth_seqs, synth_tokens;
    uint64_t seed;
    double pct; /* 100: each int8 tensor's max |x| -> 127; below: that percentile of |x| */
    int per_channel; /* 1: per-channel power-of-two scales on X, X1 and H (docs/numerics.md 12.1) */
};

/* Host side (double precision): quantize a float model for the attention unit at and the
 * auxiliary unit ax. Weights int8 per output channel (max |w| -> 127); every activation's scale
 * from a calibration run of the float layers (double) on cal's sequences: int8 tensors
 * max |x| (or cal->pct's percentile of |x|) -> 127, the 16-bit requantization outputs
 * 1.25 max |x| -> 32767. *in_scale, *out_scale: the real value of an input and an output
 * LSB. 0, or -1 with a message in err (a scale outside what the units take, a non-finite
 * value). */
int tfi_quantize(const struct tfi_float_model *fm, const struct tfa_arch *at, const struct tfx_arch *ax,
                 const struct tfi_calib *cal, struct tfi_model *out, double *in_scale, double *out_scale, char *err,
                 size_t errn);
/* The float layers (double) on t tokens x[t x d] -> y[t x d], the reference of tfi_quantize's
 * calibration (causal or bidirectional by fm->s.causal). */
void tfi_float_run(const struct tfi_float_model *fm, int t, const double *x, double *y);

#ifdef __cplusplus
}
#endif

#endif
