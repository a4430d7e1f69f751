/* tf_model.h -- tforge golden model (bit-exact arithmetic) and analytic cycle
 * model. The constants of one design come from its generated params header:
 *     static const struct tfm_arch arch = TFP_ARCH_INIT;
 * The arithmetic is specified in docs/numerics.md; the cycle model in
 * docs/architecture.md. */
#ifndef TF_MODEL_H
#define TF_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { TFM_OS = 0, TFM_WS = 1 };

struct tfm_arch {
    int rows, cols, dataflow;
    int op_bits, acc_bits;
    int max_m, max_k, max_n;
    int requant, rq_bits;
    int lat_read, lat_feed, lat_beat, lat_rq, min_period;
};

/* Smallest signed accumulator width for which a dot product of max_k
 * products of two op_bits-bit signed operands can never overflow. */
int tfm_acc_bits(int op_bits, int max_k);

/* Operand range of a signed op_bits-bit number. */
int32_t tfm_op_min(int op_bits);
int32_t tfm_op_max(int op_bits);

/* C[m x n] = A[m x k] * B[k x n], all row-major; exact (int64). */
void tfm_gemm(int m, int k, int n, const int32_t *a, const int32_t *b, int64_t *c);

/* Fixed-point requantization of one accumulator (gemmlowp/TFLite scheme with a
 * non-negative Q0.31 multiplier): round-half-up high multiply, then a rounding
 * right shift (half away from zero), then saturation to out_bits. */
int64_t tfm_requant(int64_t acc, uint32_t mult, int shift, int out_bits);

/* Cycles from the GEMM command to the last result entering the output buffer,
 * not counting cycles stalled by output back-pressure. Exact for the RTL. */
long long tfm_cycles(const struct tfm_arch *a, int m, int k, int n);
/* Tile period and tile count behind tfm_cycles. */
long long tfm_period(const struct tfm_arch *a, int m, int k, int n);
long long tfm_tiles(const struct tfm_arch *a, int m, int k, int n);

/* SCALE-Sim's fold model (no overlap between folds), BRIEF.md section 3. */
long long tfm_cycles_scalesim(int dataflow, int rows, int cols, int m, int k, int n);
/* The lower bound ceil(M*K*N / (R*C)). */
long long tfm_cycles_ideal(int rows, int cols, int m, int k, int n);

/* The order of result beats: beat i carries row *row, columns *col.. *col+cols-1. */
int tfm_beat_count(const struct tfm_arch *a, int m, int n);
void tfm_beat_at(const struct tfm_arch *a, int m, int n, int i, int *row, int *col);

/* ---- two-direction accessible register file ----------------------------
 * NR x NC words of W bits (W <= 64). An access moves a whole row (dir 0, idx =
 * row, NC words) or a whole column (dir 1, idx = column, NR words). Data arrays
 * have max(NR, NC) words; words beyond the access length read as 0 and are
 * ignored on writes; an out-of-range idx reads zeros and writes nothing.
 * One hardware cycle = every read port's read, then the write (read-first). */
struct tfm_trf {
    int nr, nc, w;
    uint64_t *cell; /* cell[r * nc + c] */
};

int tfm_trf_init(struct tfm_trf *t, int nr, int nc, int w); /* 0, or -1 out of memory */
void tfm_trf_free(struct tfm_trf *t);
int tfm_trf_words(const struct tfm_trf *t);                 /* max(nr, nc) */
void tfm_trf_read(const struct tfm_trf *t, int dir, int idx, uint64_t *out);
/* mask: NULL for all words, else mask[i] != 0 enables word i */
void tfm_trf_write(struct tfm_trf *t, int dir, int idx, const uint64_t *data,
                   const uint8_t *mask);

#ifdef __cplusplus
}
#endif

#endif
