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

/* A right shift for column col of the m x n accumulators c that, with a multiplier in
 * [2^30, 2^31), spreads the column over the out_bits output range: the bit length of
 * the column's largest |acc| (at least 1) minus out_bits - 1, clamped to 0..31. The
 * harnesses use it to draw requantization entries whose results are not all saturated. */
int tfm_requant_fit_shift(const int64_t *c, int m, int n, int col, int out_bits);

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

/* ---- the GEMM engine's result store (gemm.store) ---------------------------
 * A max_m x max_n register file (struct tfm_trf, w = op_bits). A storing GEMM
 * writes each output beat as one masked row write: row m, words col..col+cols-1,
 * word n gets C[m][n] (requantized) if n < N and 0 otherwise (n < max_n). A later
 * GEMM reads an operand from it: source 1 is S itself, source 2 is S^T. */
enum { TFM_SRC_BUF = 0, TFM_SRC_ST = 1, TFM_SRC_ST_T = 2 };

/* Apply the output beats of an m x n result c (row-major) to the store s. */
void tfm_store_result(const struct tfm_arch *a, struct tfm_trf *s, int m, int n, const int64_t *c);
/* The rows x cols operand a GEMM reads from source src (1 or 2), row-major,
 * sign-extended from op_bits. */
void tfm_store_operand(const struct tfm_arch *a, const struct tfm_trf *s, int src, int rows,
                       int cols, int32_t *out);
/* 1 if a GEMM (m, k, n) may read A from asrc and B from bsrc (bounds of S), as the
 * engine's command check; a storing GEMM must read both from buffers. */
int tfm_store_sources_ok(const struct tfm_arch *a, int m, int k, int n, int asrc, int bsrc,
                         int store);

/* Cycles of one command without input gaps or back-pressure, from the cycle it
 * is accepted to the first cycle the next one can be: a load of e elements
 * (LOAD_A/AT/B/BT, LOAD_RQ), and a GEMM up to its last result: written into the
 * result store (stored != 0), or taken from c_* (one cycle more: the output
 * buffer). */
long long tfm_load_cycles(long long e);
long long tfm_gemm_cmd_cycles(const struct tfm_arch *a, int m, int k, int n, int stored);

#ifdef __cplusplus
}
#endif

#endif
