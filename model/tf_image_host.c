/* tf_image_host.c -- host-side (double precision) part of the weight image: a random model
 * whose integer parameters stand for sensible real scales (`tforge pack --random`, the
 * harnesses). Not part of the bit-exact model. */
#include "tf_image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int irand(uint64_t *s, int lo, int hi) { return lo + (int)(next(s) % (uint64_t)(hi - lo + 1)); }
static double urand(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next(s) >> 11) / 9007199254740992.0;
}

/* Weights uniform in -64..64 (37 LSB rms); a requantization per column that brings the
 * accumulators of inputs of in_sd LSB rms to about `target` LSB rms (x 0.8..1.2), and a bias
 * of up to a quarter of the accumulators' spread. */
static void proj(uint64_t *rs, struct tfl_proj *p, uint8_t **mp, int k, int n, double in_sd, double target)
{
    int8_t *w = (int8_t *)*mp;
    *mp += (size_t)k * n;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    int32_t *bias = (int32_t *)*mp;
    *mp += 4 * (size_t)n;
    uint32_t *mult = (uint32_t *)*mp;
    *mp += 4 * (size_t)n;
    uint8_t *shift = *mp;
    *mp += (size_t)n;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    for (size_t i = 0; i < (size_t)k * n; i++)
        w[i] = (int8_t)irand(rs, -64, 64);
    double acc_sd = sqrt((double)k) * in_sd * 37.0;
    for (int j = 0; j < n; j++) {
        int sh;
        tfx_host_rq_fit(target / acc_sd * urand(rs, 0.8, 1.2), &mult[j], &sh);
        shift[j] = (uint8_t)sh;
        bias[j] = irand(rs, -(int)(acc_sd / 4), (int)(acc_sd / 4));
    }
    p->w = w;
    p->bias = bias;
    p->rq_mult = mult;
    p->rq_shift = shift;
}

static void ln(uint64_t *rs, struct tfx_ln_params *p, uint8_t **mp, int d)
{
    int32_t *beta = (int32_t *)*mp;
    *mp += 4 * (size_t)d;
    int16_t *gamma = (int16_t *)*mp;
    *mp += 2 * (size_t)d;
    *mp = (uint8_t *)(((uintptr_t)*mp + 7) & ~(uintptr_t)7);
    for (int i = 0; i < d; i++) {
        gamma[i] = (int16_t)irand(rs, 24 * 256, 40 * 256); /* 24..40 output LSBs per unit */
        beta[i] = irand(rs, -1024, 1024);                  /* +-4 output LSBs */
    }
    p->gamma = gamma;
    p->beta = beta;
    p->gamma_frac = 8;
    p->beta_frac = 8;
    p->eps_q = 1u << 16;
}

int tfi_random(const struct tfl_shape *s, const struct tfa_arch *at, uint64_t seed, struct tfi_model *out)
{
    memset(out, 0, sizeof *out);
    size_t per = 0;
    int dims[6][2] = {{s->d, s->d}, {s->d, s->d}, {s->d, s->d}, {s->d, s->d}, {s->d, s->d_ff}, {s->d_ff, s->d}};
    for (int p = 0; p < 6; p++)
        per += (size_t)dims[p][0] * dims[p][1] + 9 * (size_t)dims[p][1] + 16;
    per += 2 * (6 * (size_t)s->d + 8);
    out->layer = (struct tfl_layer *)calloc((size_t)s->layers, sizeof *out->layer);
    out->mem = malloc(per * (size_t)s->layers + 8);
    if (!out->layer || !out->mem) {
        tfi_free(out);
        return -1;
    }
    uint64_t rs = seed;
    uint8_t *mp = (uint8_t *)out->mem;
    /* pre-LN: the residual stream stays int8, so each block adds less to it */
    double res_target = s->pre_ln ? 12.0 : 32.0;
    for (int l = 0; l < s->layers; l++) {
        struct tfl_layer *L = &out->layer[l];
        proj(&rs, &L->q, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->k, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->v, &mp, s->d, s->d, 32, 32);
        proj(&rs, &L->o, &mp, s->d, s->d, 24, res_target);
        proj(&rs, &L->ff1, &mp, s->d, s->d_ff, 32, 32);
        proj(&rs, &L->ff2, &mp, s->d_ff, s->d, 12, res_target);
        /* scores of q, k of 32 LSB rms: about 1.5 real units of spread after 1/sqrt(D) */
        L->scale_c = tfa_scale_const_real(urand(&rs, 1.0, 2.0) / 1024.0, at->head_dim, at->exp_frac_bits);
        int sh;
        tfx_host_rq_fit(urand(&rs, 0.9, 1.1) / (double)(1u << at->prob_bits), &L->ao_mult, &sh);
        L->ao_shift = (uint8_t)sh;
        L->res1 = tfx_host_res_scale(s->pre_ln ? 1.0 : urand(&rs, 0.8, 1.2));
        L->res2 = tfx_host_res_scale(s->pre_ln ? 1.0 : urand(&rs, 0.8, 1.2));
        ln(&rs, &L->ln1, &mp, s->d);
        ln(&rs, &L->ln2, &mp, s->d);
        L->gelu = tfx_host_gelu_scale(1.0 / 32.0, 1.0 / 32.0);
    }
    return 0;
}
