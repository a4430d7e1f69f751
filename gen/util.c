/* util.c -- diagnostics and the per-run arena. */
#include "tforge.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void tf_fail(struct diag *d, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    d->status = status;
    longjmp(d->jb, 1);
}

struct arena_block {
    struct arena_block *next;
    max_align_t align[];
};

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = malloc(sizeof *b + n);
    if (!b) {
        fprintf(stderr, "tforge: out of memory\n");
        exit(TF_EXIT_INTERNAL);
    }
    b->next = a->head;
    a->head = b;
    memset(b->align, 0, n);
    return b->align;
}

char *arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    memcpy(p, s, n);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

int tf_clog2(long long v)
{
    int n = 0;
    while ((1LL << n) < v)
        n++;
    return n;
}
