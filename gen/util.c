/* util.c -- diagnostics and the per-run arena. */
#include "tforge.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One UTF-8 sequence at s (at most n bytes): its length, and its code point in *cp.
 * 0 for an invalid sequence (stray continuation byte, overlong form, surrogate,
 * beyond U+10FFFF, truncated). */
int tf_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    int len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

int tf_invisible(unsigned cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0xad ||
           (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

/* Write the printable form of s into out (if not NULL); returns its length. */
static size_t printable(char *out, const char *s, int cmt)
{
    size_t n = 0, len = strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    char tmp[16];
    for (size_t i = 0; i < len;) {
        unsigned cp;
        int k = tf_utf8_decode(u + i, len - i, &cp);
        const char *rep = NULL;
        if (k == 0) {
            snprintf(tmp, sizeof tmp, "\\x%02x", u[i]);
            rep = tmp, k = 1;
        } else if (cp == '\n') {
            rep = "\\n";
        } else if (cp == '\t') {
            rep = "\\t";
        } else if (cp == '\r') {
            rep = "\\r";
        } else if (tf_invisible(cp)) {
            snprintf(tmp, sizeof tmp, cp < 0x80 ? "\\x%02x" : "\\u%04x", cp);
            rep = tmp;
        } else if (cmt && cp == '*' && i + 1 < len && u[i + 1] == '/') {
            rep = "*\\";
        }
        if (rep) {
            size_t r = strlen(rep);
            if (out)
                memcpy(out + n, rep, r);
            n += r;
        } else {
            if (out)
                memcpy(out + n, s + i, (size_t)k);
            n += (size_t)k;
        }
        i += (size_t)k;
    }
    if (out)
        out[n] = '\0';
    return n;
}

char *tf_printable(struct arena *a, const char *s, int cmt)
{
    char *p = arena_alloc(a, printable(NULL, s, cmt) + 1);
    printable(p, s, cmt);
    return p;
}

static char oom_msg[] = "tforge: out of memory";

void tf_vfail(struct diag *d, int status, const char *fmt, va_list ap)
{
    char *oom = oom_msg;
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *raw = n >= 0 ? malloc((size_t)n + 1) : NULL;
    char *msg = NULL;
    if (raw) {
        vsnprintf(raw, (size_t)n + 1, fmt, ap);
        msg = malloc(printable(NULL, raw, 0) + 1);
        if (msg)
            printable(msg, raw, 0);
        free(raw);
    }
    if (d->msg != oom)
        free(d->msg);
    d->msg = msg ? msg : oom;
    d->status = msg ? status : TF_EXIT_INTERNAL;
    longjmp(d->jb, 1);
}

void tf_fail(struct diag *d, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tf_vfail(d, status, fmt, ap);
}

void diag_free(struct diag *d)
{
    if (d->msg != oom_msg)
        free(d->msg);
    d->msg = NULL;
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
