/* tf_image.c -- the weight image (tf_image.h): its layout, writer and checked reader. */
#include "tf_image.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const proj_name[TFI_NPROJ] = {"q", "k", "v", "o", "ff1", "ff2"};

static uint64_t al(uint64_t x, int a) { return (x + (uint64_t)a - 1) / (uint64_t)a * (uint64_t)a; }

static void proj_dims(const struct tfl_shape *s, int p, int *k, int *n)
{
    *k = p == 5 ? s->d_ff : s->d;
    *n = p == 4 ? s->d_ff : s->d;
}

/* the canonical offsets: table, and per layer the TFI_REC_OFFS array offsets */
struct lay {
    uint64_t table, total;
    uint64_t *off; /* layers x TFI_REC_OFFS */
};

static int layout(const struct tfl_shape *s, const struct tfi_layout *lo, struct lay *y)
{
    y->off = (uint64_t *)malloc(sizeof *y->off * (size_t)s->layers * TFI_REC_OFFS);
    if (!y->off)
        return -1;
    uint64_t pos = al(TFI_HDR_BYTES, lo->align);
    y->table = pos;
    pos = al(pos + (uint64_t)s->layers * tfi_rec_stride(lo), lo->align);
    for (int l = 0; l < s->layers; l++) {
        uint64_t *o = y->off + (size_t)l * TFI_REC_OFFS;
        for (int p = 0; p < TFI_NPROJ; p++) {
            int k, n;
            proj_dims(s, p, &k, &n);
            o[3 * p] = pos;
            pos = al(pos + (uint64_t)k * tfi_wstride(lo, n), lo->align);
            o[3 * p + 1] = pos;
            pos = al(pos + 4ULL * (uint64_t)n, lo->align);
            o[3 * p + 2] = pos;
            pos = al(pos + 8ULL * (uint64_t)n, lo->align);
        }
        for (int i = 0; i < 2; i++) {
            o[18 + 2 * i] = pos;
            pos = al(pos + 2ULL * (uint64_t)s->d, lo->align);
            o[19 + 2 * i] = pos;
            pos = al(pos + 4ULL * (uint64_t)s->d, lo->align);
        }
        for (int i = 0; i < 3; i++) {
            o[22 + i] = pos;
            pos = al(pos + (uint64_t)(i == 2 ? s->d_ff : s->d), lo->align);
        }
    }
    y->total = pos;
    return 0;
}

uint64_t tfi_size(const struct tfl_shape *s, const struct tfi_layout *lo)
{
    struct lay y;
    if (layout(s, lo, &y))
        return 0;
    free(y.off);
    return y.total;
}

static void put32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint64_t get64(const uint8_t *b) { return (uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32; }

/* the header's u32 fields after the magic, in order */
enum { H_VERSION, H_HDR, H_D, H_HEADS, H_DFF, H_LAYERS, H_PRE, H_CAUSAL, H_TILE, H_ALIGN, H_REC, H_N32 };
static const char *const hname[H_N32] = {"version", "header_bytes", "d", "heads", "d_ff", "layers",
                                         "pre_ln", "causal", "wrow", "align", "layer_rec_bytes"};
#define H_SCALES (8 + 4 * H_N32)
#define H_TABLE (H_SCALES + 8)
#define H_TOTAL (H_TABLE + 8)

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void scalars(const struct tfl_layer *L, uint32_t *v)
{
    const struct tfx_ln_params *ln[2] = {&L->ln1, &L->ln2};
    int i = 0;
    v[i++] = L->scale_c;
    v[i++] = L->ao_mult;
    v[i++] = L->ao_shift;
    v[i++] = L->res1.mult;
    v[i++] = (uint32_t)L->res1.lshift;
    v[i++] = (uint32_t)L->res1.shift;
    v[i++] = L->res2.mult;
    v[i++] = (uint32_t)L->res2.lshift;
    v[i++] = (uint32_t)L->res2.shift;
    for (int j = 0; j < 2; j++) {
        v[i++] = (uint32_t)ln[j]->gamma_frac;
        v[i++] = (uint32_t)ln[j]->beta_frac;
        v[i++] = ln[j]->eps_q;
    }
    v[i++] = L->gelu.in_mant;
    v[i++] = (uint32_t)L->gelu.in_exp;
    v[i++] = L->gelu.out_mant;
    v[i++] = (uint32_t)L->gelu.out_exp;
}

static const char *const sname[TFI_REC_SCALARS] = {
    "scale_c", "ao_mult", "ao_shift", "res1.mult", "res1.lshift", "res1.shift", "res2.mult",
    "res2.lshift", "res2.shift", "ln1.gamma_frac", "ln1.beta_frac", "ln1.eps_q", "ln2.gamma_frac",
    "ln2.beta_frac", "ln2.eps_q", "gelu.in_mant", "gelu.in_exp", "gelu.out_mant", "gelu.out_exp"};
/* legal ranges of the scalars (docs/numerics.md 10, 11.4, 11.5, 11.6) */
static const uint32_t slo[TFI_REC_SCALARS] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0};
static const uint32_t shi[TFI_REC_SCALARS] = {
    0xffffffffu, 0x7fffffffu, 31, 0x7fffffffu, 24, 31, 0x7fffffffu, 24, 31, 15, 16, 0xffffffffu,
    15, 16, 0xffffffffu, 65535, 47, 65535, 40};

static const struct tfl_proj *proj_of(const struct tfl_layer *L, int p)
{
    const struct tfl_proj *t[TFI_NPROJ] = {&L->q, &L->k, &L->v, &L->o, &L->ff1, &L->ff2};
    return t[p];
}

int tfi_write(const struct tfl_model *m, const struct tfi_layout *lo, double in_scale, double out_scale,
              uint8_t *buf, size_t n, const char **why)
{
    const struct tfl_shape *s = &m->s;
    struct lay y;
    *why = 0;
    if (layout(s, lo, &y)) {
        *why = "out of memory";
        return -1;
    }
    if (n != y.total) {
        free(y.off);
        *why = "buffer size is not tfi_size()";
        return -1;
    }
    memset(buf, 0, n);
    memcpy(buf, TFI_MAGIC, 8);
    const uint32_t h[H_N32] = {TFI_VERSION, TFI_HDR_BYTES, (uint32_t)s->d, (uint32_t)s->heads,
                               (uint32_t)s->d_ff, (uint32_t)s->layers, (uint32_t)s->pre_ln,
                               (uint32_t)s->causal, (uint32_t)lo->wrow, (uint32_t)lo->align,
                               TFI_REC_BYTES};
    for (int i = 0; i < H_N32; i++)
        put32(buf + 8 + 4 * i, h[i]);
    float sc[2] = {(float)in_scale, (float)out_scale};
    for (int i = 0; i < 2; i++) {
        if (!(sc[i] > 0.0f) || sc[i] != sc[i] || sc[i] > 3.0e38f) {
            *why = "a scale that is not a positive finite number";
            free(y.off);
            return -1;
        }
        put32(buf + H_SCALES + 4 * i, f32_bits(sc[i]));
    }
    put64(buf + H_TABLE, y.table);
    put64(buf + H_TOTAL, y.total);
    for (int l = 0; l < s->layers; l++) {
        const struct tfl_layer *L = &m->layer[l];
        const uint64_t *o = y.off + (size_t)l * TFI_REC_OFFS;
        uint8_t *rec = buf + y.table + (uint64_t)l * tfi_rec_stride(lo);
        for (int i = 0; i < TFI_REC_OFFS; i++)
            put64(rec + 8 * i, o[i]);
        uint32_t v[TFI_REC_SCALARS];
        scalars(L, v);
        for (int i = 0; i < TFI_REC_SCALARS; i++) {
            if (v[i] < slo[i] || v[i] > shi[i]) {
                *why = sname[i];
                free(y.off);
                return -1;
            }
            put32(rec + 8 * TFI_REC_OFFS + 4 * i, v[i]);
        }
        for (int p = 0; p < TFI_NPROJ; p++) {
            const struct tfl_proj *pr = proj_of(L, p);
            int k, nn;
            proj_dims(s, p, &k, &nn);
            uint8_t *w = buf + o[3 * p];
            uint64_t ws = tfi_wstride(lo, nn); /* a row's bytes, padded */
            for (int r = 0; r < k; r++)
                for (int c = 0; c < nn; c++)
                    w[(uint64_t)r * ws + (uint64_t)c] = (uint8_t)pr->w[(size_t)r * nn + c];
            for (int j = 0; j < nn; j++) {
                if (pr->rq_mult[j] > 0x7fffffffu || pr->rq_shift[j] > 31) {
                    *why = "a requantization entry out of range";
                    free(y.off);
                    return -1;
                }
                put32(buf + o[3 * p + 1] + 4 * j, (uint32_t)pr->bias[j]);
                put32(buf + o[3 * p + 2] + 8 * j, pr->rq_mult[j]);
                put32(buf + o[3 * p + 2] + 8 * j + 4, pr->rq_shift[j]);
            }
        }
        const struct tfx_ln_params *ln[2] = {&L->ln1, &L->ln2};
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < s->d; j++) {
                uint16_t g = (uint16_t)ln[i]->gamma[j];
                buf[o[18 + 2 * i] + 2 * j] = (uint8_t)g;
                buf[o[18 + 2 * i] + 2 * j + 1] = (uint8_t)(g >> 8);
                put32(buf + o[19 + 2 * i] + 4 * j, (uint32_t)ln[i]->beta[j]);
            }
        const uint8_t *sh[3] = {L->sh_res1, L->sh_res2, L->sh_gelu};
        for (int i = 0; i < 3; i++)
            for (int j = 0; sh[i] && j < (i == 2 ? s->d_ff : s->d); j++) {
                if (sh[i][j] > TFL_SH_MAX) {
                    *why = "a per-column shift out of range";
                    free(y.off);
                    return -1;
                }
                buf[o[22 + i] + (uint64_t)j] = sh[i][j];
            }
    }
    free(y.off);
    return 0;
}

static uint8_t *a8(uint8_t *p) { return (uint8_t *)(((uintptr_t)p + 7) & ~(uintptr_t)7); }

static int fail(char *err, size_t errn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errn, fmt, ap);
    va_end(ap);
    return -1;
}

int tfi_read(const uint8_t *buf, size_t n, const struct tfl_shape *s, const struct tfi_layout *lo,
             struct tfi_model *out, char *err, size_t errn)
{
    memset(out, 0, sizeof *out);
    if (n < TFI_HDR_BYTES)
        return fail(err, errn, "offset 0: %zu bytes, shorter than the header (legal: at least %d bytes)",
                    n, TFI_HDR_BYTES);
    if (memcmp(buf, TFI_MAGIC, 8) != 0)
        return fail(err, errn, "offset 0 (magic): not a tforge weight image (legal: \"%s\")", TFI_MAGIC);
    const uint32_t want[H_N32] = {TFI_VERSION, TFI_HDR_BYTES, (uint32_t)s->d, (uint32_t)s->heads,
                                  (uint32_t)s->d_ff, (uint32_t)s->layers, (uint32_t)s->pre_ln,
                                  (uint32_t)s->causal, (uint32_t)lo->wrow, (uint32_t)lo->align,
                                  TFI_REC_BYTES};
    for (int i = 0; i < H_N32; i++) {
        uint32_t v = get32(buf + 8 + 4 * i);
        if (v != want[i])
            return fail(err, errn, "offset %d (header %s): %" PRIu32 ", but the design has %" PRIu32
                        " (legal: %" PRIu32 "; pack the image for this design)", 8 + 4 * i, hname[i], v,
                        want[i], want[i]);
    }
    float sc[2];
    for (int i = 0; i < 2; i++) {
        sc[i] = bits_f32(get32(buf + H_SCALES + 4 * i));
        if (!(sc[i] > 0.0f) || sc[i] > 3.0e38f)
            return fail(err, errn, "offset %d (header %s): %g (legal: a positive finite number)", H_SCALES + 4 * i,
                        i ? "out_scale" : "in_scale", (double)sc[i]);
    }
    struct lay y;
    if (layout(s, lo, &y))
        return fail(err, errn, "out of memory");
    uint64_t table = get64(buf + H_TABLE), total = get64(buf + H_TOTAL);
    int e = 0;
    if (table != y.table)
        e = fail(err, errn, "offset %d (header layer_table): %" PRIu64 " (legal: %" PRIu64 ")", H_TABLE,
                 table, y.table);
    else if (total != y.total || (uint64_t)n != y.total)
        e = fail(err, errn, "offset %d (header total_bytes): %" PRIu64 ", the file has %zu bytes (legal: "
                 "%" PRIu64 " for this model)", H_TOTAL, total, n, y.total);
    if (e) {
        free(y.off);
        return e;
    }
    /* arrays: per layer, each projection's weights (K x N), bias, mult, shift; 2 x (gamma, beta) */
    size_t per = 0;
    for (int p = 0; p < TFI_NPROJ; p++) {
        int k, nn;
        proj_dims(s, p, &k, &nn);
        per += (size_t)k * nn + (size_t)nn * (4 + 4 + 1);
    }
    per += (size_t)s->d * 2 * (2 + 4);
    per += 2 * (size_t)s->d + (size_t)s->d_ff; /* the per-column shifts */
    per += 8 * 32; /* each array starts on 8 bytes */
    out->layer = (struct tfl_layer *)calloc((size_t)s->layers, sizeof *out->layer);
    out->mem = malloc(per * (size_t)s->layers + 16);
    /* malloc's block is aligned for any type: a8 keeps every array aligned inside it */
    if (!out->layer || !out->mem) {
        free(y.off);
        tfi_free(out);
        return fail(err, errn, "out of memory");
    }
    uint8_t *mp = (uint8_t *)out->mem;
    out->in_scale = sc[0];
    out->out_scale = sc[1];
    for (int l = 0; l < s->layers && !e; l++) {
        struct tfl_layer *L = &out->layer[l];
        const uint64_t *o = y.off + (size_t)l * TFI_REC_OFFS;
        uint64_t ra = y.table + (uint64_t)l * tfi_rec_stride(lo);
        const uint8_t *rec = buf + ra;
        for (int i = 0; i < TFI_REC_OFFS && !e; i++) {
            uint64_t v = get64(rec + 8 * i);
            if (v != o[i])
                e = fail(err, errn, "offset %" PRIu64 " (layer %d, array offset %d): %" PRIu64 " (legal: %" PRIu64
                         ")", ra + 8 * (uint64_t)i, l, i, v, o[i]);
        }
        uint32_t v[TFI_REC_SCALARS];
        for (int i = 0; i < TFI_REC_SCALARS && !e; i++) {
            v[i] = get32(rec + 8 * TFI_REC_OFFS + 4 * i);
            if (v[i] < slo[i] || v[i] > shi[i])
                e = fail(err, errn, "offset %" PRIu64 " (layer %d, %s): %" PRIu32 " (legal: %" PRIu32 "..%" PRIu32 ")",
                         ra + 8 * TFI_REC_OFFS + 4 * (uint64_t)i, l, sname[i], v[i], slo[i], shi[i]);
        }
        if (e)
            break;
        L->scale_c = v[0];
        L->ao_mult = v[1];
        L->ao_shift = (uint8_t)v[2];
        L->res1 = (struct tfx_res_scale){v[3], (int)v[4], (int)v[5]};
        L->res2 = (struct tfx_res_scale){v[6], (int)v[7], (int)v[8]};
        struct tfx_ln_params *ln[2] = {&L->ln1, &L->ln2};
        for (int j = 0; j < 2; j++) {
            ln[j]->gamma_frac = (int)v[9 + 3 * j];
            ln[j]->beta_frac = (int)v[10 + 3 * j];
            ln[j]->eps_q = v[11 + 3 * j];
        }
        L->gelu = (struct tfx_gelu_scale){v[15], (int)v[16], v[17], (int)v[18]};
        for (int p = 0; p < TFI_NPROJ && !e; p++) {
            struct tfl_proj *pr = (struct tfl_proj *)proj_of(L, p);
            int k, nn;
            proj_dims(s, p, &k, &nn);
            int8_t *w = (int8_t *)mp;
            mp += (size_t)k * nn;
            const uint8_t *src = buf + o[3 * p];
            uint64_t ws = tfi_wstride(lo, nn);
            for (int r = 0; r < k; r++)
                for (int c = 0; c < nn; c++)
                    w[(size_t)r * nn + c] = (int8_t)src[(uint64_t)r * ws + (uint64_t)c];
            /* 4-byte fields first, then the shifts: alignment of every array */
            mp = a8(mp);
            int32_t *bias = (int32_t *)mp;
            mp += 4 * (size_t)nn;
            uint32_t *mult = (uint32_t *)mp;
            mp += 4 * (size_t)nn;
            for (int j = 0; j < nn && !e; j++) {
                bias[j] = (int32_t)get32(buf + o[3 * p + 1] + 4 * j);
                uint64_t at = o[3 * p + 2] + 8 * (uint64_t)j;
                mult[j] = get32(buf + at);
                uint32_t sh = get32(buf + at + 4);
                if (mult[j] > 0x7fffffffu)
                    e = fail(err, errn, "offset %" PRIu64 " (layer %d, %s requantization mult of column %d): %" PRIu32
                             " (legal: 0..2147483647)", at, l, proj_name[p], j, mult[j]);
                else if (sh > 31)
                    e = fail(err, errn, "offset %" PRIu64 " (layer %d, %s requantization shift of column %d): %" PRIu32
                             " (legal: 0..31)", at + 4, l, proj_name[p], j, sh);
            }
            pr->w = w;
            pr->bias = bias;
            pr->rq_mult = mult;
            pr->rq_shift = NULL; /* set below, once the shifts' bytes are placed */
        }
        if (e)
            break;
        for (int j = 0; j < 2; j++) {
            mp = a8(mp);
            int32_t *beta = (int32_t *)mp;
            mp += 4 * (size_t)s->d;
            int16_t *gamma = (int16_t *)mp;
            mp += 2 * (size_t)s->d;
            for (int i = 0; i < s->d; i++) {
                const uint8_t *g = buf + o[18 + 2 * j] + 2 * i;
                gamma[i] = (int16_t)(uint16_t)(g[0] | g[1] << 8);
                beta[i] = (int32_t)get32(buf + o[19 + 2 * j] + 4 * i);
            }
            ln[j]->gamma = gamma;
            ln[j]->beta = beta;
        }
        for (int p = 0; p < TFI_NPROJ; p++) {
            struct tfl_proj *pr = (struct tfl_proj *)proj_of(L, p);
            int k, nn;
            proj_dims(s, p, &k, &nn);
            (void)k;
            uint8_t *sh = mp;
            mp += (size_t)nn;
            for (int j = 0; j < nn; j++)
                sh[j] = (uint8_t)get32(buf + o[3 * p + 2] + 8 * (uint64_t)j + 4);
            pr->rq_shift = sh;
        }
        static const char *const shname[3] = {"sh_res1", "sh_res2", "sh_gelu"};
        uint8_t *shv[3];
        for (int i = 0; i < 3 && !e; i++) {
            int nn = i == 2 ? s->d_ff : s->d;
            shv[i] = mp;
            mp += (size_t)nn;
            for (int j = 0; j < nn && !e; j++) {
                shv[i][j] = buf[o[22 + i] + (uint64_t)j];
                if (shv[i][j] > TFL_SH_MAX)
                    e = fail(err, errn, "offset %" PRIu64 " (layer %d, %s of column %d): %d (legal: 0..%d)",
                             o[22 + i] + (uint64_t)j, l, shname[i], j, shv[i][j], TFL_SH_MAX);
            }
        }
        if (e)
            break;
        L->sh_res1 = shv[0];
        L->sh_res2 = shv[1];
        L->sh_gelu = shv[2];
        mp = a8(mp);
    }
    free(y.off);
    if (e)
        tfi_free(out);
    return e;
}

void tfi_free(struct tfi_model *m)
{
    free(m->layer);
    free(m->mem);
    memset(m, 0, sizeof *m);
}
