/* vecgen.c -- writes GEMM test vectors and the golden model's expected results
 * for the Icarus testbench (tb/gemm_tb.v). Built per design with its params
 * header force-included. Usage: vecgen SEED COUNT OUT.txt
 *
 * Format (whitespace-separated decimal): the number of tests, then per test
 *   M K N RQ MODEL_CYCLES AT BT, the A values in stream order (M*K row-major, or
 *   A^T K*M row-major if AT: loaded with LOAD_AT), the B values likewise (B^T, N*K,
 *   if BT: LOAD_BT), N "mult shift" pairs if RQ, the number of beats, then per
 *   beat: ROW COL LAST and COLS lane values. */
#include "tf_model.h"

#include <stdio.h>
#include <stdlib.h>

static const struct tfm_arch arch = TFP_ARCH_INIT;

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int range(uint64_t *s, int lo, int hi) { return lo + (int)(next(s) % (uint64_t)(hi - lo + 1)); }

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: vecgen SEED COUNT OUT.txt\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    int count = atoi(argv[2]);
    FILE *f = fopen(argv[3], "w");
    if (!f || count < 1) {
        fprintf(stderr, "vecgen: cannot write %s or bad COUNT\n", argv[3]);
        return 2;
    }
    int R = arch.rows, C = arch.cols;
    int lo = tfm_op_min(arch.op_bits), hi = tfm_op_max(arch.op_bits);
    fprintf(f, "%d\n", count);
    for (int t = 0; t < count; t++) {
        int m, k, n;
        /* edge cases first: 1x1x1, K = 1 with M < R and N < C, one past a tile */
        if (t == 0) {
            m = 1, k = 1, n = 1;
        } else if (t == 1) {
            m = clampi(R - 1, 1, arch.max_m), k = 1, n = clampi(C - 1, 1, arch.max_n);
        } else if (t == 2) {
            m = clampi(R + 1, 1, arch.max_m), k = clampi(3, 1, arch.max_k), n = clampi(C + 1, 1, arch.max_n);
        } else {
            m = range(&seed, 1, clampi(2 * R + 1, 1, arch.max_m));
            k = range(&seed, 1, clampi(2 * R + 1, 1, arch.max_k));
            n = range(&seed, 1, clampi(2 * C + 1, 1, arch.max_n));
        }
        int rq = arch.requant && (t % 2 == 1);
        int at = t % 3 == 2;     /* A streamed transposed */
        int bt = t % 4 >= 2;     /* B streamed transposed (Q*K^T with K by tokens) */
        int32_t *a = malloc(sizeof *a * (size_t)(m * k));
        int32_t *b = malloc(sizeof *b * (size_t)(k * n));
        int64_t *c = malloc(sizeof *c * (size_t)(m * n));
        uint32_t *mult = malloc(sizeof *mult * (size_t)n);
        int *shift = malloc(sizeof *shift * (size_t)n);
        for (int i = 0; i < m * k; i++)
            a[i] = t == 3 ? lo : range(&seed, lo, hi);
        for (int i = 0; i < k * n; i++)
            b[i] = t == 3 ? lo : (t == 4 ? hi : range(&seed, lo, hi));
        for (int j = 0; j < n; j++) {
            mult[j] = (uint32_t)(next(&seed) & 0x7fffffffu);
            shift[j] = range(&seed, 0, arch.acc_bits - 1 < 31 ? arch.acc_bits - 1 : 31);
        }
        tfm_gemm(m, k, n, a, b, c);
        fprintf(f, "%d %d %d %d %lld %d %d\n", m, k, n, rq, tfm_cycles(&arch, m, k, n), at, bt);
        for (int i = 0; i < m * k; i++) {
            int v = at ? a[(i % m) * k + i / m] : a[i]; /* A^T row-major: i = kk*m + mm */
            fprintf(f, "%d%c", v, (i + 1) % 16 ? ' ' : '\n');
        }
        fprintf(f, "\n");
        for (int i = 0; i < k * n; i++) {
            int v = bt ? b[(i % k) * n + i / k] : b[i]; /* B^T row-major: i = nn*k + kk */
            fprintf(f, "%d%c", v, (i + 1) % 16 ? ' ' : '\n');
        }
        fprintf(f, "\n");
        if (rq)
            for (int j = 0; j < n; j++)
                fprintf(f, "%u %d\n", mult[j], shift[j]);
        int beats = tfm_beat_count(&arch, m, n);
        fprintf(f, "%d\n", beats);
        for (int i = 0; i < beats; i++) {
            int row, col;
            tfm_beat_at(&arch, m, n, i, &row, &col);
            fprintf(f, "%d %d %d", row, col, i == beats - 1);
            for (int j = 0; j < C; j++) {
                int64_t v = 0;
                if (col + j < n) {
                    v = c[row * n + col + j];
                    if (rq)
                        v = tfm_requant(v, mult[col + j], shift[col + j], arch.rq_bits);
                }
                fprintf(f, " %lld", (long long)v);
            }
            fprintf(f, "\n");
        }
        free(a), free(b), free(c), free(mult), free(shift);
    }
    return fclose(f) == 0 ? 0 : 1;
}
