/* tf_layer.h -- golden model of the transformer layers the accelerator runs ([model]):
 * the composition of the block models, bit-exact, and nothing else.
 *
 * Every value comes from a block model: the weight GEMMs are tfm_gemm (model/tf_model.c),
 * each GEMM's row goes through one auxiliary-unit command (tfx_run, model/tf_aux.c: bias,
 * requantization, residual add, LayerNorm, GELU), attention is the attention unit's step
 * (tfa_decode / tfa_attend, model/tf_attn.c) on one cache region per (layer, head,
 * sequence), and its output is requantized by tfm_requant. The only operation of its own
 * is the saturation of a row that leaves the auxiliary unit wider than int8 where an int8
 * operand is next (Q, K, V; the pre-LN residual stream): tfx_sat(x, 8), the clamp the
 * accelerator applies on that path. docs/numerics.md (the layer) is the specification. */
#ifndef TF_LAYER_H
#define TF_LAYER_H

#include <stdint.h>

#include "tf_attn.h"
#include "tf_aux.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tfl_shape {
    int d, heads, d_ff, layers, max_seq;
    int pre_ln; /* 0: LayerNorm after each residual add (BERT); 1: before each block (GPT) */
    int causal; /* 1: causal attention; 0: bidirectional (a prompt at once, no decode) */
};

/* One weight GEMM y = x W (W: K x N int8, row-major) and the parameters of the auxiliary
 * command on its rows: a bias and a requantization entry per output column. */
struct tfl_proj {
    const int8_t *w;
    const int32_t *bias;     /* N, accumulator units */
    const uint32_t *rq_mult; /* N, each < 2^31 */
    const uint8_t *rq_shift; /* N, each 0..31 */
};

struct tfl_layer {
    struct tfl_proj q, k, v;  /* d x d each */
    struct tfl_proj o;        /* d x d */
    struct tfl_proj ff1;      /* d x d_ff */
    struct tfl_proj ff2;      /* d_ff x d */
    uint32_t scale_c;         /* the attention unit's score constant for this layer's q, k */
    uint32_t ao_mult;         /* attention output (Q.PB in v units) -> int8 */
    uint8_t ao_shift;
    struct tfx_res_scale res1, res2; /* residual operand alignment: attention, FFN block */
    struct tfx_ln_params ln1, ln2;   /* post: after the adds; pre: before attention, FFN */
    struct tfx_gelu_scale gelu;
    /* per-column power-of-two scales, 0..TFL_SH_MAX each (docs/numerics.md 12), applied by
     * the GEMM epilogue around the auxiliary unit: the residual operand of the attention
     * block's add (x) and of the FFN's (x1) enters the unit shifted left by sh_res1[c] and
     * sh_res2[c]; the FFN-up output (GELU, gelu_out_bits wide) leaves it shifted right by
     * sh_gelu[c], rounding half up, before the int8 saturation (tfl_res_shift, tfl_out_shift) */
    const uint8_t *sh_res1, *sh_res2; /* d each */
    const uint8_t *sh_gelu;           /* d_ff */
};

enum { TFL_SH_MAX = 7 };
/* the epilogue's per-column shifts: a residual element r * 2^s; an output element
 * sat8(floor((y + 2^(s - 1)) / 2^s)) (s = 0: sat8(y)) */
int32_t tfl_res_shift(int32_t r, int s);
int8_t tfl_out_shift(int64_t y, int s);

struct tfl_model {
    struct tfl_shape s;
    struct tfa_arch attn;           /* the unit; scale_c is taken from each layer */
    struct tfx_arch aux;            /* the auxiliary unit's widths */
    const struct tfx_gelu_rom *rom; /* tfx_gelu_rom_init */
    const struct tfl_layer *layer;  /* s.layers entries */
};

/* One sequence's state: its length and its KV cache regions, layers x heads. */
struct tfl_seq {
    int len;
    int done; /* bidirectional: the prompt has run (nothing may follow) */
    struct tfa_head *kv;
};

enum tfl_err {
    TFL_OK = 0,
    TFL_E_SHAPE = -1,  /* the shape does not fit the units (tfl_check) */
    TFL_E_SEQ = -2,    /* more tokens than max_seq, or tokens after a bidirectional prompt */
    TFL_E_AUX = -3,    /* an auxiliary command refused its parameters or data (tfx_run) */
    TFL_E_MEM = -4     /* out of memory */
};

/* 0 if m's shape fits its units, else a static message naming the first problem. */
const char *tfl_check(const struct tfl_model *m);
int tfl_seq_init(const struct tfl_model *m, struct tfl_seq *q); /* TFL_OK or TFL_E_MEM */
void tfl_seq_free(const struct tfl_model *m, struct tfl_seq *q);

/* t new tokens of sequence q through every layer: x[t * d] -> y[t * d] (int8; y may be x).
 * Causal: token by token, each appended to its regions and attending over them (a prompt is
 * its decode steps). Bidirectional: the prompt at once (each layer appends all t tokens,
 * then every query attends over all of them); nothing may follow it. On an error nothing
 * of q changes only for TFL_E_SEQ (checked first); after TFL_E_AUX q is undefined. */
int tfl_run(const struct tfl_model *m, struct tfl_seq *q, int t, const int8_t *x, int8_t *y);

#ifdef __cplusplus
}
#endif

#endif
