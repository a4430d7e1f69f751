/* pack.c -- tforge pack: the external-memory image of a model's layers (model/tf_image.h)
 * for an accelerator config ([model] and the hardware sections), written whole or not at
 * all. The weights come from a seeded random model (--random SEED). */
#define _POSIX_C_SOURCE 200809L
#include "tforge.h"

#include "blocks/attn.h"
#include "blocks/mem.h"
#include "blocks/model.h"
#include "tf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tfl_shape pack_shape(const struct tf_plan *p)
{
    const struct model_plan *m = plan_model(p);
    struct tfl_shape s = {m->d, m->heads, m->d_ff, m->layers, m->max_seq, m->norm == TF_NORM_PRE,
                          m->attention == TF_MASK_CAUSAL};
    return s;
}

struct tfi_layout pack_layout(const struct tf_plan *p)
{
    const struct mem_plan *m = plan_mem(p);
    struct tfi_layout lo = {m->tile_n, m->pb > TFI_MIN_ALIGN ? m->pb : TFI_MIN_ALIGN};
    return lo;
}

/* write n bytes to path through a temporary file beside it, renamed over path at the end */
static void write_whole(const char *path, const uint8_t *buf, size_t n, struct arena *a, struct diag *d)
{
    const char *shown = tf_printable(a, path, 0);
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/')
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: -o '%s': not a file name (legal: -o FILE)", shown);
    char *tmp = arena_printf(a, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: -o '%s': cannot create a file there: %s (legal: a "
                "writable directory)", shown, strerror(errno));
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            close(fd);
            unlink(tmp);
            tf_fail(d, TF_EXIT_INPUT, "tforge pack: -o '%s': write error: %s (legal: room for %zu bytes)",
                    shown, strerror(e), n);
        }
        done += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: -o '%s': %s (legal: a writable file system)", shown,
                strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        tf_fail(d, TF_EXIT_INPUT, "tforge pack: -o '%s': cannot replace it: %s (legal: a file path "
                "that is not a directory)", shown, strerror(e));
    }
}

void pack_run(const struct tf_plan *p, const char *out, unsigned long long seed, struct arena *a,
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
    if (tfi_random(&s, &at, seed, &m) != 0)
        tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: out of memory");
    struct tfl_model tm;
    memset(&tm, 0, sizeof tm);
    tm.s = s;
    tm.layer = m.layer;
    uint64_t n = tfi_size(&s, &lo);
    /* in the arena: a failure below (longjmp) leaves nothing allocated behind */
    uint8_t *buf = n ? (uint8_t *)arena_alloc(a, (size_t)n) : NULL;
    const char *why = NULL;
    if (!buf || tfi_write(&tm, &lo, buf, (size_t)n, &why) != 0) {
        tfi_free(&m);
        tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: internal error: %s", why ? why : "out of memory");
    }
    tfi_free(&m);
    /* the image must read back as the model it was written from */
    struct tfi_model back;
    char err[256];
    if (tfi_read(buf, (size_t)n, &s, &lo, &back, err, sizeof err) != 0) {
        tf_fail(d, TF_EXIT_INTERNAL, "tforge pack: internal error: the image does not read back: %s", err);
    }
    tfi_free(&back);
    write_whole(out, buf, (size_t)n, a, d);
    const struct model_plan *mp = plan_model(p);
    printf("tforge: wrote %s (%llu bytes: %d layer%s of %lld weight bytes, random weights, seed %llu; "
           "column tiles of %d, arrays aligned to %d bytes)\n",
           tf_printable(a, out, 0), (unsigned long long)n, s.layers, s.layers > 1 ? "s" : "",
           mp->weight_bytes, seed, lo.tile_n, lo.align);
}
