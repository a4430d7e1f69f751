/* vecgen.h -- what the Icarus benches' vector writers (tb/<block>/vecgen.c, C11) share:
 * the command line "PROG SEED COUNT OUT.txt" and a small seeded generator
 * (splitmix64: the same numbers on every platform, so a seed names the same vectors). */
#ifndef TB_VECGEN_H
#define TB_VECGEN_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* the next number of the sequence seeded by *s */
static inline uint64_t tbv_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* lo..hi, both included */
static inline int tbv_range(uint64_t *s, int lo, int hi)
{
    return lo + (int)(tbv_next(s) % (uint64_t)(hi - lo + 1));
}

/* Parses PROG SEED COUNT OUT.txt (count: what COUNT is, e.g. "STEPS") and opens OUT for
 * writing; on an error says why and exits with 2. */
static inline FILE *tbv_args(int argc, char **argv, const char *prog, const char *count, uint64_t *seed,
                             long *n)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SEED %s OUT.txt\n", prog, count);
        exit(2);
    }
    char *end;
    errno = 0;
    *seed = strtoull(argv[1], &end, 0);
    if (!*argv[1] || *end || errno || *argv[1] == '-') {
        fprintf(stderr, "%s: bad SEED '%s'\n", prog, argv[1]);
        exit(2);
    }
    *n = strtol(argv[2], &end, 10);
    if (!*argv[2] || *end || errno || *n < 1 || *n > 100000000L) {
        fprintf(stderr, "%s: bad %s '%s' (1..100000000)\n", prog, count, argv[2]);
        exit(2);
    }
    FILE *f = fopen(argv[3], "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s\n", prog, argv[3]);
        exit(2);
    }
    return f;
}

#endif
