/* tf_model.c -- tforge golden model and analytic cycle model. */
#include "tf_model.h"

#include <stdlib.h>

static long long cdiv(long long a, long long b) { return (a + b - 1) / b; }
static long long lmax(long long a, long long b) { return a > b ? a : b; }

int tfm_acc_bits(int op_bits, int max_k)
{
    int b = 2 * op_bits;
    while ((long long)max_k * (1LL << (2 * op_bits - 2)) > (1LL << (b - 1)) - 1)
        b++;
    return b;
}

int32_t tfm_op_min(int op_bits) { return -(int32_t)(1u << (op_bits - 1)); }
int32_t tfm_op_max(int op_bits) { return (int32_t)(1u << (op_bits - 1)) - 1; }

void tfm_gemm(int m, int k, int n, const int32_t *a, const int32_t *b, int64_t *c)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            int64_t s = 0;
            for (int q = 0; q < k; q++)
                s += (int64_t)a[i * k + q] * b[q * n + j];
            c[i * n + j] = s;
        }
    }
}

int64_t tfm_requant(int64_t acc, uint32_t mult, int shift, int out_bits)
{
    /* x = floor((acc * mult + 2^30) / 2^31): the product needs up to 76 bits. */
    __extension__ typedef __int128 i128;
    i128 prod = (i128)acc * (i128)(mult & 0x7fffffffu) + ((i128)1 << 30);
    /* >> of a negative value is an arithmetic shift (floor) with gcc and clang,
     * the compilers this model supports; it is what the RTL's >>> does. */
    i128 x = prod >> 31;
    int64_t xv = (int64_t)x;
    /* RoundingDivideByPOT(x, shift) */
    int64_t mask = shift ? (int64_t)((1ULL << shift) - 1) : 0;
    int64_t rem = xv & mask;
    int64_t threshold = (mask >> 1) + (xv < 0 ? 1 : 0);
    int64_t y = (xv >> shift) + (rem > threshold ? 1 : 0);
    int64_t hi = ((int64_t)1 << (out_bits - 1)) - 1, lo = -((int64_t)1 << (out_bits - 1));
    return y > hi ? hi : (y < lo ? lo : y);
}

long long tfm_tiles(const struct tfm_arch *a, int m, int k, int n)
{
    if (a->dataflow == TFM_OS)
        return cdiv(m, a->rows) * cdiv(n, a->cols);
    return cdiv(n, a->cols) * cdiv(k, a->rows);
}

long long tfm_period(const struct tfm_arch *a, int m, int k, int n)
{
    (void)n;
    if (a->dataflow == TFM_OS)
        return lmax(k, lmax(a->rows, a->cols));
    return lmax(m, lmax(a->rows, a->min_period));
}

long long tfm_cycles(const struct tfm_arch *a, int m, int k, int n)
{
    long long t = tfm_tiles(a, m, k, n), p = tfm_period(a, m, k, n);
    if (a->dataflow == TFM_OS) {
        /* last tile's last k issues at (T-1)P + K; its row r leaves the array
         * C-1+r cycles after the buffer read, then beat and requant stages. */
        long long rlast = m - (cdiv(m, a->rows) - 1) * a->rows;
        return (t - 1) * p + k + a->cols + rlast + a->lat_read + a->lat_beat + a->lat_rq - 1;
    }
    /* last tile's last row issues at (T-1)P + M; it crosses the feed register,
     * R rows and C columns (skew + de-skew), the accumulate, beat and requant stages. */
    return (t - 1) * p + m + a->rows + a->cols + a->lat_read + a->lat_feed + a->lat_beat +
           a->lat_rq - 1;
}

long long tfm_cycles_scalesim(int dataflow, int rows, int cols, int m, int k, int n)
{
    if (dataflow == TFM_OS)
        return cdiv(m, rows) * cdiv(n, cols) * (long long)(k + rows + cols - 2);
    return cdiv(k, rows) * cdiv(n, cols) * (long long)(2 * rows + cols + m - 2);
}

long long tfm_cycles_ideal(int rows, int cols, int m, int k, int n)
{
    return cdiv((long long)m * k * n, (long long)rows * cols);
}

int tfm_beat_count(const struct tfm_arch *a, int m, int n)
{
    return (int)(m * cdiv(n, a->cols));
}

void tfm_beat_at(const struct tfm_arch *a, int m, int n, int i, int *row, int *col)
{
    int nt_count = (int)cdiv(n, a->cols);
    if (a->dataflow == TFM_WS) {
        /* column tiles outer, rows inner */
        *col = (i / m) * a->cols;
        *row = i % m;
        return;
    }
    /* OS: row tiles outer, column tiles inner, the tile's valid rows innermost */
    int per_mt_full = a->rows * nt_count;
    int mt = i / per_mt_full;
    int rows_here = m - mt * a->rows < a->rows ? m - mt * a->rows : a->rows;
    int rest = i - mt * per_mt_full;
    *col = (rest / rows_here) * a->cols;
    *row = mt * a->rows + rest % rows_here;
}

/* ---- two-direction accessible register file ---------------------------- */

int tfm_trf_init(struct tfm_trf *t, int nr, int nc, int w)
{
    t->nr = nr;
    t->nc = nc;
    t->w = w;
    t->cell = (uint64_t *)calloc((size_t)nr * (size_t)nc, sizeof *t->cell); /* also built as C++ */
    return t->cell ? 0 : -1;
}

void tfm_trf_free(struct tfm_trf *t)
{
    free(t->cell);
    t->cell = NULL;
}

int tfm_trf_words(const struct tfm_trf *t) { return t->nr > t->nc ? t->nr : t->nc; }

static uint64_t trf_word_mask(int w) { return w >= 64 ? ~0ULL : ((1ULL << w) - 1); }

void tfm_trf_read(const struct tfm_trf *t, int dir, int idx, uint64_t *out)
{
    int nb = tfm_trf_words(t);
    for (int i = 0; i < nb; i++)
        out[i] = 0;
    if (dir == 0 && idx >= 0 && idx < t->nr)
        for (int c = 0; c < t->nc; c++)
            out[c] = t->cell[(size_t)idx * t->nc + c];
    if (dir != 0 && idx >= 0 && idx < t->nc)
        for (int r = 0; r < t->nr; r++)
            out[r] = t->cell[(size_t)r * t->nc + idx];
}

void tfm_trf_write(struct tfm_trf *t, int dir, int idx, const uint64_t *data,
                   const uint8_t *mask)
{
    uint64_t m = trf_word_mask(t->w);
    if (dir == 0 && idx >= 0 && idx < t->nr)
        for (int c = 0; c < t->nc; c++)
            if (!mask || mask[c])
                t->cell[(size_t)idx * t->nc + c] = data[c] & m;
    if (dir != 0 && idx >= 0 && idx < t->nc)
        for (int r = 0; r < t->nr; r++)
            if (!mask || mask[r])
                t->cell[(size_t)r * t->nc + idx] = data[r] & m;
}

/* ---- result store --------------------------------------------------------- */

void tfm_store_result(const struct tfm_arch *a, struct tfm_trf *s, int m, int n, const int64_t *c)
{
    int nb = tfm_trf_words(s), beats = tfm_beat_count(a, m, n);
    uint64_t *row = (uint64_t *)calloc((size_t)nb, sizeof *row);
    uint8_t *mask = (uint8_t *)calloc((size_t)nb, 1);
    if (!row || !mask)
        abort();
    for (int i = 0; i < beats; i++) {
        int r, col;
        tfm_beat_at(a, m, n, i, &r, &col);
        for (int w = 0; w < nb; w++) {
            row[w] = 0;
            mask[w] = 0;
        }
        for (int j = 0; j < a->cols && col + j < s->nc; j++) {
            int q = col + j;
            row[q] = q < n ? (uint64_t)c[(size_t)r * n + q] : 0;
            mask[q] = 1;
        }
        tfm_trf_write(s, 0, r, row, mask);
    }
    free(row);
    free(mask);
}

void tfm_store_operand(const struct tfm_arch *a, const struct tfm_trf *s, int src, int rows,
                       int cols, int32_t *out)
{
    uint64_t sign = 1ULL << (a->op_bits - 1), m = (1ULL << a->op_bits) - 1;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            int r = src == TFM_SRC_ST ? i : j, q = src == TFM_SRC_ST ? j : i;
            uint64_t v = (r < s->nr && q < s->nc) ? s->cell[(size_t)r * s->nc + q] & m : 0;
            out[(size_t)i * cols + j] = (int32_t)(int64_t)((v ^ sign) - sign);
        }
}

int tfm_store_sources_ok(const struct tfm_arch *a, int m, int k, int n, int asrc, int bsrc,
                         int store)
{
    int am = a->max_m, an = a->max_n;
    if (asrc < 0 || asrc > 2 || bsrc < 0 || bsrc > 2)
        return 0;
    if (store && (asrc || bsrc))
        return 0;
    if (asrc == TFM_SRC_ST && k > an)
        return 0;
    if (asrc == TFM_SRC_ST_T && (m > an || k > am))
        return 0;
    if (bsrc == TFM_SRC_ST && k > am)
        return 0;
    if (bsrc == TFM_SRC_ST_T && (n > am || k > an))
        return 0;
    return 1;
}

int tfm_requant_fit_shift(const int64_t *c, int m, int n, int col, int out_bits)
{
    uint64_t big = 1;
    for (int i = 0; i < m; i++) {
        int64_t v = c[(size_t)i * n + col];
        uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        big = a > big ? a : big;
    }
    int len = 0;
    while ((big >> len) != 0)
        len++;
    int sh = len - (out_bits - 1);
    return sh < 0 ? 0 : (sh > 31 ? 31 : sh);
}

long long tfm_load_cycles(long long e) { return 1 + e; }

long long tfm_gemm_cmd_cycles(const struct tfm_arch *a, int m, int k, int n, int stored)
{
    return 1 + tfm_cycles(a, m, k, n) + (stored ? 0 : 1);
}
