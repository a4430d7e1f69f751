/* vecgen.c -- writes GEMM test vectors and the golden model's expected results
 * for the Icarus testbench (tb/gemm/tb.v). Built per design with its params
 * header force-included. Usage: vecgen SEED COUNT OUT.txt
 *
 * Format (whitespace-separated decimal): the number of tests, then per test
 *   M K N RQ MODEL_CYCLES AT BT ASRC BSRC ST, the A values in stream order (M*K
 *   row-major, or A^T K*M row-major if AT: loaded with LOAD_AT; absent if ASRC != 0:
 *   A is read from the result store, 1 = S, 2 = S^T), the B values likewise (B^T,
 *   N*K, if BT: LOAD_BT; absent if BSRC != 0), N "mult shift" pairs if RQ, the
 *   number of beats (0 if ST: the results go to the result store), then per beat:
 *   ROW COL LAST and COLS lane values.
 * With a result store (gemm.store), test 5 and every fourth after it store their
 * requantized result, and the test after each reads it as A and/or B (S or S^T,
 * the eight combinations in turn: 38 tests cover them all). */
#include "tf_model.h"
#include "vecgen.h"

#include <stdio.h>
#include <stdlib.h>

static const struct tfm_arch arch = TFP_ARCH_INIT;

/* requant port ranges: rq_mult_i (Q0.31 multiplier), rq_shift_i (right shift) */
#define RQ_MULT_MAX ((1u << TFP_RQ_MULT_W) - 1)
#define RQ_MULT_HALF (1u << (TFP_RQ_MULT_W - 1))
#define RQ_SHIFT_MAX ((1 << TFP_RQ_SHIFT_W) - 1)


static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

int main(int argc, char **argv)
{
    uint64_t seed;
    long count;
    FILE *f = tbv_args(argc, argv, "vecgen", "COUNT", &seed, &count);
    int R = arch.rows, C = arch.cols;
    int lo = tfm_op_min(arch.op_bits), hi = tfm_op_max(arch.op_bits);
    struct tfm_trf st = {0};
    int ms = 0, ns = 0; /* shape of the last stored result */
    if (TFP_STORE && tfm_trf_init(&st, arch.max_m, arch.max_n, arch.op_bits) != 0)
        return 2;
    enum { BUF = TFP_SRC_BUF, S = TFP_SRC_ST, ST = TFP_SRC_ST_T };
    static const int srcs[8][2] = {{S, BUF}, {ST, BUF}, {BUF, S}, {BUF, ST}, {S, ST}, {ST, S}, {S, S}, {ST, ST}};
    fprintf(f, "%ld\n", count);
    for (int t = 0; t < count; t++) {
        int m, k, n;
        int store = TFP_STORE && t >= 5 && t % 4 == 1;
        int asrc = BUF, bsrc = BUF;
        if (TFP_STORE && t >= 6 && t % 4 == 2) {
            bsrc = srcs[(t / 4) % 8][1];
            asrc = srcs[(t / 4) % 8][0];
        }
        /* edge cases first: 1x1x1, K = 1 with M < R and N < C, one past a tile */
        if (asrc || bsrc) {
            /* inside the stored result (see tfm_store_sources_ok) */
            int mhi = arch.max_m, khi = arch.max_k, nhi = arch.max_n;
            if (asrc == S) mhi = clampi(ms, 1, mhi), khi = clampi(ns, 1, khi);
            if (asrc == ST) mhi = clampi(ns, 1, mhi), khi = clampi(ms, 1, khi);
            if (bsrc == S) khi = clampi(ms, 1, khi), nhi = clampi(ns, 1, nhi);
            if (bsrc == ST) khi = clampi(ns, 1, khi), nhi = clampi(ms, 1, nhi);
            m = tbv_range(&seed, 1, mhi), k = tbv_range(&seed, 1, khi), n = tbv_range(&seed, 1, nhi);
        } else if (t == 0) {
            m = 1, k = 1, n = 1;
        } else if (t == 1) {
            m = clampi(R - 1, 1, arch.max_m), k = 1, n = clampi(C - 1, 1, arch.max_n);
        } else if (t == 2) {
            m = clampi(R + 1, 1, arch.max_m), k = clampi(3, 1, arch.max_k), n = clampi(C + 1, 1, arch.max_n);
        } else {
            m = tbv_range(&seed, 1, clampi(2 * R + 1, 1, arch.max_m));
            k = tbv_range(&seed, 1, clampi(2 * R + 1, 1, arch.max_k));
            n = tbv_range(&seed, 1, clampi(2 * C + 1, 1, arch.max_n));
        }
        int rq = arch.requant && (t % 2 == 1 || store);
        int at = t % 3 == 2;     /* A streamed transposed */
        int bt = t % 4 >= 2;     /* B streamed transposed (Q*K^T with K by tokens) */
        int32_t *a = malloc(sizeof *a * (size_t)(m * k));
        int32_t *b = malloc(sizeof *b * (size_t)(k * n));
        int64_t *c = malloc(sizeof *c * (size_t)(m * n));
        uint32_t *mult = malloc(sizeof *mult * (size_t)n);
        int *shift = malloc(sizeof *shift * (size_t)n);
        for (int i = 0; i < m * k; i++)
            a[i] = t == 3 ? lo : tbv_range(&seed, lo, hi);
        for (int i = 0; i < k * n; i++)
            b[i] = t == 3 ? lo : (t == 4 ? hi : tbv_range(&seed, lo, hi));
        if (asrc)
            tfm_store_operand(&arch, &st, asrc, m, k, a);
        if (bsrc)
            tfm_store_operand(&arch, &st, bsrc, k, n, b);
        for (int j = 0; j < n; j++) {
            mult[j] = (uint32_t)(tbv_next(&seed) & RQ_MULT_MAX);
            shift[j] = tbv_range(&seed, 0, arch.acc_bits - 1 < RQ_SHIFT_MAX ? arch.acc_bits - 1 : RQ_SHIFT_MAX);
        }
        tfm_gemm(m, k, n, a, b, c);
        if (store) {
            /* spread each column over the output range: mult in [2^30, 2^31), shift from max |acc| */
            for (int j = 0; j < n; j++) {
                mult[j] = RQ_MULT_HALF | (uint32_t)(tbv_next(&seed) & (RQ_MULT_HALF - 1));
                shift[j] = tfm_requant_fit_shift(c, m, n, j, arch.rq_bits);
            }
        }
        fprintf(f, "%d %d %d %d %lld %d %d %d %d %d\n", m, k, n, rq, tfm_cycles(&arch, m, k, n), at,
                bt, asrc, bsrc, store);
        for (int i = 0; i < m * k && !asrc; i++) {
            int v = at ? a[(i % m) * k + i / m] : a[i]; /* A^T row-major: i = kk*m + mm */
            fprintf(f, "%d%c", v, (i + 1) % 16 ? ' ' : '\n');
        }
        fprintf(f, "\n");
        for (int i = 0; i < k * n && !bsrc; i++) {
            int v = bt ? b[(i % k) * n + i / k] : b[i]; /* B^T row-major: i = nn*k + kk */
            fprintf(f, "%d%c", v, (i + 1) % 16 ? ' ' : '\n');
        }
        fprintf(f, "\n");
        if (rq)
            for (int j = 0; j < n; j++)
                fprintf(f, "%u %d\n", mult[j], shift[j]);
        if (rq)
            for (int i = 0; i < m * n; i++)
                c[i] = tfm_requant(c[i], mult[i % n], shift[i % n], arch.rq_bits);
        if (store) {
            tfm_store_result(&arch, &st, m, n, c);
            ms = m, ns = n;
            fprintf(f, "0\n");
            free(a), free(b), free(c), free(mult), free(shift);
            continue;
        }
        int beats = tfm_beat_count(&arch, m, n);
        fprintf(f, "%d\n", beats);
        for (int i = 0; i < beats; i++) {
            int row, col;
            tfm_beat_at(&arch, m, n, i, &row, &col);
            fprintf(f, "%d %d %d", row, col, i == beats - 1);
            for (int j = 0; j < C; j++) {
                int64_t v = 0;
                if (col + j < n)
                    v = c[row * n + col + j];
                fprintf(f, " %lld", (long long)v);
            }
            fprintf(f, "\n");
        }
        free(a), free(b), free(c), free(mult), free(shift);
    }
    tfm_trf_free(&st);
    return fclose(f) == 0 ? 0 : 1;
}
