/* pack.c -- tforge pack: the external-memory image of a model's layers (model/tf_image.h)
 * for an accelerator config ([model] and the hardware sections), written whole or not at
 * all. The weights come from a seeded random model (--random SEED) or a BERT checkpoint's
 * safetensors file, quantized with a calibration run. And tforge golden: the golden layers
 * (model/tf_layer.c) on such an image. */
#define _POSIX_C_SOURCE 200809L
#include "tforge.h"

#include "blocks/attn.h"
#include "blocks/aux.h"
#include "blocks/mem.h"
#include "blocks/model.h"
#include "st.h"
#include "tf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tfl_shape pack_shape(const struct tf_plan *p)
{
    const struct model_plan *m = plan_model(p);
    struct tfl_shape s = {m->d, m->heads, m->d_ff, m->layers, m->max_seq, m->norm == TF_NORM_PRE,
                          m->attention == TF_MASK_CAUSAL};
    return s;
}

static struct tfi_layout pack_layout(const struct tf_plan *p)
{
    const struct mem_plan *m = plan_mem(p);
    struct tfi_layout lo = {m->pb, m->pb > TFI_MIN_ALIGN ? m->pb : TFI_MIN_ALIGN};
    return lo;
}

/* a whole file (arena) */
static uint8_t *read_all(const char *cmd, const char *path, size_t *n, struct arena *a, struct diag *d)
{
    FILE *fp = fopen(path, "rb");
    long len = -1;
    if (fp && fseek(fp, 0, SEEK_END) == 0)
        len = ftell(fp);
    if (!fp || len < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        int e = errno;
        if (fp)
            fclose(fp);
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s: cannot read it: %s (legal: a readable file)", cmd,
                tf_printable(a, path, 0), strerror(e));
    }
    uint8_t *b = arena_alloc(a, (size_t)len + 1);
    size_t got = len ? fread(b, 1, (size_t)len, fp) : 0;
    fclose(fp);
    if (got != (size_t)len)
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s: read error (legal: a readable file)", cmd, tf_printable(a, path, 0));
    *n = (size_t)len;
    return b;
}

/* write n bytes to path through a temporary file beside it, renamed over path at the end */
void tf_write_whole(const char *cmd, const char *opt, const char *path, const uint8_t *buf, size_t n,
                    struct arena *a, struct diag *d)
{
    const char *shown = tf_printable(a, path, 0);
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/')
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s '%s': not a file name (legal: %s FILE)", cmd, opt, shown, opt);
    /* mkstemp's template: it replaces the six X with a unique suffix */
    char *tmp = arena_printf(a, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s '%s': cannot create a file there: %s (legal: a "
                "writable directory)", cmd, opt, shown, strerror(errno));
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            close(fd);
            unlink(tmp);
            tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s '%s': write error: %s (legal: room for %zu bytes)",
                    cmd, opt, shown, strerror(e), n);
        }
        done += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s '%s': %s (legal: a writable file system)", cmd, opt, shown,
                strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        tf_fail(d, TF_EXIT_INPUT, "tforge %s: %s '%s': cannot replace it: %s (legal: a file path "
                "that is not a directory)", cmd, opt, shown, strerror(e));
    }
}

/* the float layers of a BERT checkpoint ("encoder.layer.I..." or "bert.encoder.layer.I...") */
static void load_bert(const struct st_file *f, const struct tfl_shape *s, struct tfi_float_layer *fl,
                      struct arena *a, struct diag *d)
{
    const char *pre = st_has(f, "encoder.layer.0.attention.self.query.weight") ? "" : "bert.";
    if (!st_has(f, arena_printf(a, "%sencoder.layer.0.attention.self.query.weight", pre)))
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor 'encoder.layer.0.attention.self.query.weight': "
                "missing (legal: a BERT encoder's tensors, e.g. all-MiniLM-L6-v2's model.safetensors)", f->path);
    if (st_has(f, arena_printf(a, "%sencoder.layer.%d.attention.self.query.weight", pre, s->layers)))
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%sencoder.layer.%d.attention.self.query.weight': "
                "the file has more layers than the config's %d (legal: model.layers = the checkpoint's layers)",
                f->path, pre, s->layers, s->layers);
    long dd[2] = {s->d, s->d}, fd[2] = {s->d_ff, s->d}, df[2] = {s->d, s->d_ff}, d1[1] = {s->d},
         f1[1] = {s->d_ff};
    for (int l = 0; l < s->layers; l++) {
        struct tfi_float_layer *L = &fl[l];
        const char *b = arena_printf(a, "%sencoder.layer.%d.", pre, l);
#define T(field, name, rank, shape) L->field = st_f32(f, arena_printf(a, "%s%s", b, name), rank, shape, a, d)
        T(wq, "attention.self.query.weight", 2, dd);
        T(bq, "attention.self.query.bias", 1, d1);
        T(wk, "attention.self.key.weight", 2, dd);
        T(bk, "attention.self.key.bias", 1, d1);
        T(wv, "attention.self.value.weight", 2, dd);
        T(bv, "attention.self.value.bias", 1, d1);
        T(wo, "attention.output.dense.weight", 2, dd);
        T(bo, "attention.output.dense.bias", 1, d1);
        T(ln1g, "attention.output.LayerNorm.weight", 1, d1);
        T(ln1b, "attention.output.LayerNorm.bias", 1, d1);
        T(w1, "intermediate.dense.weight", 2, fd);
        T(b1, "intermediate.dense.bias", 1, f1);
        T(w2, "output.dense.weight", 2, df);
        T(b2, "output.dense.bias", 1, d1);
        T(ln2g, "output.LayerNorm.weight", 1, d1);
        T(ln2b, "output.LayerNorm.bias", 1, d1);
#undef T
    }
}

/* --calib: a safetensors file whose every tensor is one calibration sequence, F32 [L, d] with
 * 1 <= L <= max_seq: the rows the host gives the first layer (a real model's embeddings) */
static void load_calib(const char *path, const struct tfl_shape *s, struct tfi_calib *cal, struct arena *a,
                       struct diag *d)
{
    struct st_file f;
    st_open(&f, path, a, d);
    f.path = arena_printf(a, "--calib %s", f.path); /* st_f32's messages name the option */
    if (f.nt == 0)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: no tensor (legal: one F32 tensor [L, %d] per "
                "calibration sequence, 1 <= L <= %d)", f.path, s->d, s->max_seq);
    int *len = arena_alloc(a, sizeof *len * (size_t)f.nt);
    const double **x = arena_alloc(a, sizeof *x * (size_t)f.nt);
    for (int i = 0; i < f.nt; i++) {
        const struct st_tensor *t = &f.t[i];
        if (t->rank != 2 || t->shape[1] != s->d || t->shape[0] < 1 || t->shape[0] > s->max_seq)
            tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': %s (legal: F32 [L, %d], 1 <= L <= %d: "
                    "one calibration sequence of the first layer's input rows)", f.path,
                    tf_printable(a, t->name, 0),
                    t->rank != 2 ? arena_printf(a, "rank %d", t->rank)
                                 : arena_printf(a, "shape [%ld, %ld]", t->shape[0], t->shape[1]),
                    s->d, s->max_seq);
        const float *v = st_f32(&f, t->name, 2, t->shape, a, d);
        double *xd = arena_alloc(a, sizeof *xd * (size_t)t->elems);
        for (size_t j = 0; j < t->elems; j++)
            xd[j] = v[j];
        len[i] = (int)t->shape[0];
        x[i] = xd;
    }
    cal->n = f.nt;
    cal->len = len;
    cal->x = x;
}

void pack_run(const struct tf_plan *p, const char *out, const struct pack_src *src, struct arena *a,
              struct diag *d)
{
    if (!plan_model(p))
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s has no [model] section (legal: an accelerator "
                "config with [model], e.g. configs/model/tiny_layer.ini)",
                tf_printable(a, p->config_path, 0));
    struct tfl_shape s = pack_shape(p);
    struct tfi_layout lo = pack_layout(p);
    struct tfa_arch at = attn_arch(plan_attn(p));
    struct tfi_model m;
    double in_scale = 1.0 / 32, out_scale = 1.0 / 32;
    const char *what;
    if (src->st) {
        if (s.pre_ln)
            tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: model.norm = pre, but a BERT checkpoint is post-LN "
                    "(legal: model.norm = post with --safetensors)", tf_printable(a, p->config_path, 0));
        struct st_file f;
        st_open(&f, src->st, a, d);
        struct tfi_float_layer *fl = arena_alloc(a, sizeof *fl * (size_t)s.layers);
        load_bert(&f, &s, fl, a, d);
        struct tfi_float_model fm = {s, src->ln_eps, fl};
        struct tfi_calib cal = {0, NULL, NULL, 8, s.max_seq < 32 ? s.max_seq : 32, 1, src->pct, !src->per_tensor};
        if (src->calib)
            load_calib(src->calib, &s, &cal, a, d);
        char err[256];
        if (tfi_quantize(&fm, &at, &plan_aux(p)->arch, &cal, &m, &in_scale, &out_scale, err, sizeof err) != 0)
            tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: %s (legal: weights whose scales the units can take)",
                    f.path, err);
        what = arena_printf(a, "quantized from %s, calibrated on %s%s%s", f.path,
                            src->calib ? arena_printf(a, "%d sequences of %s", cal.n, tf_printable(a, src->calib, 0))
                                       : "8 standard-normal sequences",
                            src->pct < 100 ? arena_printf(a, " at the %g-th percentile", src->pct) : "",
                            src->per_tensor ? ", scales per tensor" : "");
    } else {
        if (tfi_random(&s, &at, src->seed, &m) != 0)
            tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: out of memory");
        what = arena_printf(a, "random weights, seed %llu", src->seed);
    }
    struct tfl_model tm;
    memset(&tm, 0, sizeof tm);
    tm.s = s;
    tm.layer = m.layer;
    uint64_t n = tfi_size(&s, &lo);
    /* in the arena: a failure below (longjmp) leaves nothing allocated behind */
    uint8_t *buf = n ? (uint8_t *)arena_alloc(a, (size_t)n) : NULL;
    const char *why = NULL;
    if (!buf || tfi_write(&tm, &lo, in_scale, out_scale, buf, (size_t)n, &why) != 0) {
        tfi_free(&m);
        tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: internal error: %s", why ? why : "out of memory");
    }
    tfi_free(&m);
    /* the image must read back as the model it was written from */
    struct tfi_model back;
    char err[256];
    if (tfi_read(buf, (size_t)n, &s, &lo, &back, err, sizeof err) != 0)
        tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: internal error: the image does not read back: %s", err);
    tfi_free(&back);
    tf_write_whole("pack", "-o", out, buf, (size_t)n, a, d);
    const struct model_plan *mp = plan_model(p);
    printf("tforge: wrote %s (%llu bytes: %d layer%s of %lld weight bytes, %s; weight rows padded to %d, "
           "arrays aligned to %d bytes; an input LSB is %.6g, an output LSB %.6g)\n",
           tf_printable(a, out, 0), (unsigned long long)n, s.layers, s.layers > 1 ? "s" : "", mp->weight_bytes,
           what, lo.wrow, lo.align, in_scale, out_scale);
}

/* tforge golden: the golden layers on a packed image, one prompt of int8 rows */
void golden_run(const struct tf_plan *p, const char *image, const char *input, const char *out, struct arena *a,
                struct diag *d)
{
    if (!plan_model(p))
        tf_fail(d, TF_EXIT_INPUT, "tforge golden: %s has no [model] section (legal: an accelerator "
                "config with [model])", tf_printable(a, p->config_path, 0));
    struct tfl_shape s = pack_shape(p);
    struct tfi_layout lo = pack_layout(p);
    size_t n, xn;
    uint8_t *img = read_all("golden", image, &n, a, d);
    uint8_t *x = read_all("golden", input, &xn, a, d);
    if (xn == 0 || xn % (size_t)s.d || xn / (size_t)s.d > (size_t)s.max_seq)
        tf_fail(d, TF_EXIT_INPUT, "tforge golden: --input %s: %zu bytes (legal: 1..%d rows of %d int8 values)",
                tf_printable(a, input, 0), xn, s.max_seq, s.d);
    struct tfi_model m;
    char err[256];
    if (tfi_read(img, n, &s, &lo, &m, err, sizeof err) != 0)
        tf_fail(d, TF_EXIT_INPUT, "tforge golden: --image %s: %s", tf_printable(a, image, 0), err);
    struct tfx_gelu_rom *rom = arena_alloc(a, sizeof *rom);
    tfx_gelu_rom_init(rom);
    struct tfl_model tm = {s, attn_arch(plan_attn(p)), plan_aux(p)->arch, rom, m.layer};
    const char *why = tfl_check(&tm);
    struct tfl_seq q;
    int t = (int)(xn / (size_t)s.d), e = why ? TFL_E_SHAPE : tfl_seq_init(&tm, &q);
    uint8_t *y = arena_alloc(a, xn);
    if (!e) {
        e = tfl_run(&tm, &q, t, (const int8_t *)x, (int8_t *)y);
        tfl_seq_free(&tm, &q);
    }
    tfi_free(&m);
    if (e)
        tf_fail(d, TF_EXIT_INTERNAL, "tforge golden: the layers failed (%d%s%s)", e, why ? ": " : "", why ? why : "");
    tf_write_whole("golden", "-o", out, y, xn, a, d);
    printf("tforge: wrote %s (%d token%s x %d, %d layer%s)\n", tf_printable(a, out, 0), t, t > 1 ? "s" : "", s.d,
           s.layers, s.layers > 1 ? "s" : "");
}
