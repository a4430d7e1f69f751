/* st.c -- a safetensors file read whole and checked: an 8-byte little-endian header length,
 * a JSON header (parsed with jansson) mapping each tensor's name to its dtype, shape and
 * data offsets, then the data. Every entry is checked when the file is opened (its dtype
 * known, its shape, its offsets inside the data and as long as the shape says); a tensor is
 * then looked up by name with the rank, shape and dtype the caller needs. Every failure
 * names the file and the tensor or the byte offset. */
#define _POSIX_C_SOURCE 200809L
#include "tforge.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st.h"

static const struct {
    const char *name;
    int bytes;
} dtypes[] = {{"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2},
              {"I8", 1},  {"U8", 1},  {"BOOL", 1}, {"U16", 2}, {"U32", 4}, {"U64", 8},
              {"F8_E4M3", 1}, {"F8_E5M2", 1}};

static int dtype_bytes(const char *s)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (!strcmp(s, dtypes[i].name))
            return dtypes[i].bytes;
    return 0;
}

#define ST_MAX_BYTES (4ULL << 30)

void st_open(struct st_file *f, const char *path, struct arena *a, struct diag *d)
{
    memset(f, 0, sizeof *f);
    f->path = tf_printable(a, path, 0);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: cannot open it: %s (legal: a readable safetensors file)",
                f->path, strerror(errno));
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        n = ftell(fp);
    if (n < 0 || (unsigned long long)n > ST_MAX_BYTES || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: not a regular file of at most 4 GiB (legal: a "
                "safetensors file)", f->path);
    }
    f->n = (size_t)n;
    f->buf = arena_alloc(a, f->n + 1);
    size_t got = f->n ? fread(f->buf, 1, f->n, fp) : 0;
    fclose(fp);
    if (got != f->n)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: read error (legal: a readable safetensors file)", f->path);
    if (f->n < 8)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: offset 0: %zu bytes, no room for the header length "
                "(legal: a safetensors file: 8-byte length, JSON header, data)", f->path, f->n);
    uint64_t hl = 0;
    for (int i = 0; i < 8; i++)
        hl |= (uint64_t)f->buf[i] << (8 * i);
    if (hl < 2 || hl > f->n - 8)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: offset 0: header length %llu, the file has %zu bytes "
                "after it (legal: 2..%zu)", f->path, (unsigned long long)hl, f->n - 8, f->n - 8);
    f->data0 = 8 + (size_t)hl;
    size_t dn = f->n - f->data0;
    json_error_t je;
    json_t *h = json_loadb((const char *)f->buf + 8, (size_t)hl, JSON_REJECT_DUPLICATES, &je);
    if (!h || !json_is_object(h)) {
        if (h)
            json_decref(h);
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: offset %d: the header is not a JSON object: %s (legal: "
                "a safetensors header)", f->path, 8 + (h ? 0 : je.position), h ? "another JSON value" : je.text);
    }
    /* copy every entry out, then let the JSON go before any failure */
    size_t cnt = json_object_size(h);
    f->t = arena_alloc(a, sizeof *f->t * (cnt + 1));
    const char *key;
    json_t *v;
    const char *bad = NULL, *bad_name = NULL;
    json_object_foreach(h, key, v) {
        if (!strcmp(key, "__metadata__"))
            continue;
        struct st_tensor *t = &f->t[f->nt];
        t->name = arena_strdup(a, key);
        json_t *dt = json_object_get(v, "dtype"), *sh = json_object_get(v, "shape");
        json_t *off = json_object_get(v, "data_offsets");
        if (!json_is_object(v) || !json_is_string(dt) || !json_is_array(sh) || !json_is_array(off) ||
            json_array_size(off) != 2) {
            bad = "an entry without a dtype string, a shape array and two data_offsets";
        } else if (!(t->eb = dtype_bytes(json_string_value(dt)))) {
            bad = arena_printf(a, "dtype '%s' is not a safetensors dtype", tf_printable(a, json_string_value(dt), 0));
        } else if (json_array_size(sh) > ST_MAX_RANK) {
            bad = "more than 8 dimensions";
        } else {
            t->dtype = arena_strdup(a, json_string_value(dt));
            t->rank = (int)json_array_size(sh);
            unsigned long long elems = 1;
            for (int i = 0; i < t->rank && !bad; i++) {
                json_t *e = json_array_get(sh, (size_t)i);
                if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) > (1LL << 40))
                    bad = "a dimension that is not a non-negative integer";
                else
                    elems *= (unsigned long long)(t->shape[i] = (long)json_integer_value(e));
                if (elems > (1ULL << 40))
                    bad = "more than 2^40 elements";
            }
            json_t *b0 = json_array_get(off, 0), *b1 = json_array_get(off, 1);
            if (!bad && (!json_is_integer(b0) || !json_is_integer(b1) || json_integer_value(b0) < 0 ||
                         json_integer_value(b1) < json_integer_value(b0) ||
                         (unsigned long long)json_integer_value(b1) > dn))
                bad = arena_printf(a, "data_offsets outside the %zu bytes of data", dn);
            else if (!bad && (unsigned long long)(json_integer_value(b1) - json_integer_value(b0)) !=
                                 elems * (unsigned long long)t->eb)
                bad = arena_printf(a, "data_offsets span %lld bytes, the shape holds %llu",
                                   (long long)(json_integer_value(b1) - json_integer_value(b0)),
                                   elems * (unsigned long long)t->eb);
            if (!bad) {
                t->off = f->data0 + (size_t)json_integer_value(b0);
                t->elems = (size_t)elems;
            }
        }
        if (bad) {
            bad_name = t->name;
            break;
        }
        f->nt++;
    }
    json_decref(h);
    if (bad)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': %s (legal: a safetensors header entry)", f->path,
                tf_printable(a, bad_name, 0), bad);
}

static const struct st_tensor *find(const struct st_file *f, const char *name)
{
    for (int i = 0; i < f->nt; i++)
        if (!strcmp(f->t[i].name, name))
            return &f->t[i];
    return NULL;
}

int st_has(const struct st_file *f, const char *name) { return find(f, name) != NULL; }

const float *st_f32(const struct st_file *f, const char *name, int rank, const long *shape, struct arena *a,
                    struct diag *d)
{
    const struct st_tensor *t = find(f, name);
    char want[96] = "", *w = want;
    for (int i = 0; i < rank; i++)
        w += snprintf(w, sizeof want - (size_t)(w - want), "%s%ld", i ? ", " : "", shape[i]);
    if (!t)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': missing (legal: F32 [%s])", f->path, name, want);
    if (strcmp(t->dtype, "F32") != 0)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': dtype %s (legal: F32)", f->path, name,
                t->dtype);
    int same = t->rank == rank;
    for (int i = 0; i < rank && same; i++)
        same = t->shape[i] == shape[i];
    if (!same) {
        char got[96] = "", *g = got;
        for (int i = 0; i < t->rank; i++)
            g += snprintf(g, sizeof got - (size_t)(g - got), "%s%ld", i ? ", " : "", t->shape[i]);
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': shape [%s] (legal: [%s], the config's [model])",
                f->path, name, got, want);
    }
    float *out = arena_alloc(a, sizeof *out * (t->elems ? t->elems : 1));
    for (size_t i = 0; i < t->elems; i++) {
        const uint8_t *p = f->buf + t->off + 4 * i;
        uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        memcpy(&out[i], &u, 4);
        if (out[i] != out[i] || out[i] > 3.0e38f || out[i] < -3.0e38f)
            tf_fail(d, TF_EXIT_INPUT, "tforge pack: %s: tensor '%s': element %zu is not finite (legal: finite "
                    "numbers)", f->path, name, i);
    }
    return out;
}
