/* ep_ref.c -- the golden model of tf_epilogue's RUN for its cocotb test (loaded with ctypes;
 * built per design with its params header force-included): a random post-LN model of the
 * design's [model] shape (tfi_random, the model tforge pack writes), random int8 rows through
 * one of its weight GEMMs (tfm_gemm), and the auxiliary unit's model (tfx_run) on every row of
 * the accumulators with that GEMM's parameters, with the epilogue's per-column shifts, then the
 * int8 clamp -- as model/tf_accel.c does. */
#include "tf_aux.h"
#include "tf_image.h"
#include "tf_model.h"

#include <stdlib.h>
#include <string.h>

static struct tfi_model img;
static struct tfx_gelu_rom rom;
static const struct tfx_arch XA = TFP_AUX_ARCH_INIT;
static const struct tfa_arch AT = TFP_ATTN_ARCH_INIT;
static uint64_t rs;
static uint64_t next(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int ep_init(unsigned long long seed)
{
    struct tfl_shape s = {TFP_MODEL_D, TFP_MODEL_HEADS, TFP_MODEL_D_FF, 1, TFP_MODEL_MAX_SEQ, 0, 1};
    tfx_gelu_rom_init(&rom);
    rs = seed;
    return tfi_random(&s, &AT, seed, &img);
}

/* kind: 0 Q (BIAS, REQUANT), 1 O (+ RESIDUAL; ln: + LAYERNORM), 2 FF1 (+ GELU), 3 FF2 (as O),
 * 4 a pre-LN LayerNorm pass (cmd_zero: the engine's beats count as zeros; {REQUANT with Q's
 * table, RESIDUAL at scale 1, LAYERNORM with ln1}: LN of the residual rows). m rows. Out: k and n; acc (m x n), res (m x n int8), want (m x n int8); the GEMM's tables
 * (bias n, mult n, shift n) and, for O/FF2, gamma, beta (n) and the scalars
 * sc[0..9] = res mult, lshift, shift, ln gamma_frac, beta_frac, eps_q, gelu in_mant, in_exp,
 * out_mant, out_exp; shv (n): the epilogue's per-column shifts of the GEMM (O: sh_res1, FF2:
 * sh_res2 on the residual operand; FF1: sh_gelu on the output; none for Q and a pass).
 * Returns the auxiliary model's error (0). */
int ep_case(int kind, int ln, int m, int *kn, int *nn, int64_t *acc, int8_t *res, int8_t *want, int32_t *bias,
            uint32_t *mult, uint8_t *shift, int16_t *gamma, int32_t *beta, uint32_t *sc, uint8_t *shv)
{
    const struct tfl_layer *L = &img.layer[0];
    int d = TFP_MODEL_D, f = TFP_MODEL_D_FF;
    const struct tfl_proj *p = kind == 0 || kind == 4 ? &L->q : kind == 1 ? &L->o : kind == 2 ? &L->ff1 : &L->ff2;
    int k = kind == 3 ? f : d, n = kind == 2 ? f : d;
    *kn = k, *nn = n;
    int32_t *a = malloc(sizeof *a * (size_t)m * (size_t)k), *b = malloc(sizeof *b * (size_t)k * (size_t)n);
    for (int i = 0; i < m * k; i++)
        a[i] = (int32_t)(next() % 61) - 30;
    for (int i = 0; i < k * n; i++)
        b[i] = p->w[i];
    tfm_gemm(m, k, n, a, b, acc);
    free(a), free(b);
    struct tfx_cmd c;
    memset(&c, 0, sizeof c);
    c.d = n;
    if (kind != 4)
        c.ops[c.nops++] = TFX_OP_BIAS;
    c.ops[c.nops++] = TFX_OP_REQUANT;
    c.bias = p->bias, c.rq_mult = p->rq_mult, c.rq_shift = p->rq_shift;
    const struct tfx_ln_params *lp = kind == 1 || kind == 4 ? &L->ln1 : &L->ln2;
    if (kind == 4) {
        c.ops[c.nops++] = TFX_OP_RESIDUAL;
        c.res.mult = 1u << 30, c.res.lshift = 1, c.res.shift = 0; /* x 2^(30 + 1 - 31) = 1 */
        c.ops[c.nops++] = TFX_OP_LAYERNORM;
        c.ln = *lp;
    }
    if (kind == 1 || kind == 3) {
        c.ops[c.nops++] = TFX_OP_RESIDUAL;
        c.res = kind == 1 ? L->res1 : L->res2;
        if (ln) {
            c.ops[c.nops++] = TFX_OP_LAYERNORM;
            c.ln = *lp;
        }
    }
    if (kind == 2) {
        c.ops[c.nops++] = TFX_OP_GELU;
        c.gelu = L->gelu;
    }
    memcpy(bias, p->bias, 4 * (size_t)n);
    memcpy(mult, p->rq_mult, 4 * (size_t)n);
    memcpy(shift, p->rq_shift, (size_t)n);
    memcpy(gamma, lp->gamma, 2 * (size_t)d);
    memcpy(beta, lp->beta, 4 * (size_t)d);
    uint32_t s[10] = {c.res.mult, (uint32_t)c.res.lshift, (uint32_t)c.res.shift, (uint32_t)lp->gamma_frac,
                      (uint32_t)lp->beta_frac, lp->eps_q, L->gelu.in_mant, (uint32_t)L->gelu.in_exp,
                      L->gelu.out_mant, (uint32_t)L->gelu.out_exp};
    memcpy(sc, s, sizeof s);
    const uint8_t *sh = kind == 1 ? L->sh_res1 : kind == 3 ? L->sh_res2 : kind == 2 ? L->sh_gelu : NULL;
    for (int j = 0; j < n; j++)
        shv[j] = sh ? sh[j] : 0;
    int32_t r[4096];
    int64_t y[4096], z[4096] = {0};
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            res[i * n + j] = (int8_t)((int)(next() % 81) - 40);
            r[j] = tfl_res_shift(res[i * n + j], kind == 2 ? 0 : shv[j]);
        }
        int e = tfx_run(&XA, &rom, &c, kind == 4 ? z : acc + (size_t)i * n, r, y);
        if (e)
            return e;
        for (int j = 0; j < n; j++)
            want[i * n + j] = tfl_out_shift(y[j], kind == 2 ? shv[j] : 0);
    }
    return 0;
}
