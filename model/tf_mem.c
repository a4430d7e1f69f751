/* tf_mem.c -- golden and cycle model of the memory system's controller (tf_mem.h). */
#include "tf_mem.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

static long long cdiv(long long a, long long b) { return (a + b - 1) / b; }
static long long lmin(long long a, long long b) { return a < b ? a : b; }
static long long lmax(long long a, long long b) { return a > b ? a : b; }

/* ---- command check: tf_mem_ctl's chk, in its order -------------------------------- */

int tfmm_check(const struct tfmm_cfg *c, const struct tfmm_cmd *x)
{
    const struct tfm_arch *a = &c->arch;
    int has_rq = a->requant != 0, has_st = c->store != 0;
    int a_mem = x->asrc == TFM_SRC_BUF;
    long long m = x->m, n = x->n, k = x->k;
    if (m == 0 || n == 0 || k == 0)
        return TFMM_ZERO;
    int form = (x->requant && !has_rq) || ((x->store || !a_mem) && !has_st) ||
               (x->store && (!x->requant || !a_mem)) ||
               (x->asrc != TFM_SRC_BUF && x->asrc != TFM_SRC_ST && x->asrc != TFM_SRC_ST_T) ||
               (!c->n_tiles && n > c->tile_n);
    if (form)
        return TFMM_FORM;
    int src_rng = x->asrc == TFM_SRC_ST     ? (m > c->tile_m || k > a->max_n)
                  : x->asrc == TFM_SRC_ST_T ? (m > c->tile_m || m > a->max_n || k > a->max_m)
                                            : 0;
    if (k > a->max_k || src_rng || (x->store && (m > c->tile_m || n > c->tile_n)))
        return TFMM_RANGE;
    if (!x->store && x->cew == 3)
        return TFMM_WIDTH;
    uint64_t pbm = (uint64_t)c->port_bytes - 1;
    long long b_rows = x->btr ? n : k, b_cols = x->btr ? k : n;
    int a_multi = m > 1, b_multi = b_rows > 1, c_multi = a_multi;
    int al_a = a_mem && ((x->a_addr & pbm) || (a_multi && (x->a_stride & pbm)));
    int al_b = (x->b_addr & pbm) || (b_multi && (x->b_stride & pbm));
    int al_c = !x->store && ((x->c_addr & pbm) || (c_multi && (x->c_stride & pbm)) ||
                             (n > c->tile_n && (((uint64_t)c->tile_n << x->cew) & pbm)));
    if (al_a || al_b || al_c)
        return TFMM_ALIGN;
    u128 space = (u128)1 << c->addr_bits;
    u128 a_rb = (u128)k << c->eb_log, b_rb = (u128)b_cols << c->eb_log, c_rb = (u128)n << x->cew;
    u128 a_end = (u128)x->a_addr + (u128)(m - 1) * x->a_stride + a_rb;
    u128 b_end = (u128)x->b_addr + (u128)(b_rows - 1) * x->b_stride + b_rb;
    u128 c_end = (u128)x->c_addr + (u128)(m - 1) * x->c_stride + c_rb;
    int st_a = a_mem && ((a_multi && (u128)x->a_stride < a_rb) || a_end > space);
    int st_b = (b_multi && (u128)x->b_stride < b_rb) || b_end > space;
    int st_c = !x->store && ((c_multi && (u128)x->c_stride < c_rb) || c_end > space);
    if (st_a || st_b || st_c)
        return TFMM_STRIDE;
    return TFMM_OK;
}

/* ---- functional effect ----------------------------------------------------------- */

static int in_mem(uint64_t addr, uint64_t bytes, uint64_t size)
{
    return addr <= size && bytes <= size - addr;
}

/* element (r, q) of a row-major matrix at addr with stride, 2^eb bytes, op_bits value */
static int32_t load_op(const uint8_t *mem, uint64_t addr, int eb_log, int op_bits)
{
    uint64_t v = 0;
    for (int i = 0; i < (1 << eb_log); i++)
        v |= (uint64_t)mem[addr + (uint64_t)i] << (8 * i);
    uint64_t sign = 1ULL << (op_bits - 1), msk = (1ULL << op_bits) - 1;
    v &= msk;
    return (int32_t)(int64_t)((v ^ sign) - sign);
}

int tfmm_run(const struct tfmm_cfg *c, const struct tfmm_cmd *x, uint8_t *mem, uint64_t size,
             const uint32_t *rq_mult, const int *rq_shift, struct tfm_trf *s)
{
    const struct tfm_arch *a = &c->arch;
    int m = x->m, k = x->k, n = x->n, eb = 1 << c->eb_log;
    if (x->asrc == TFM_SRC_BUF) {
        if (!in_mem(x->a_addr + (uint64_t)(m - 1) * x->a_stride, (uint64_t)k * eb, size))
            return -1;
    } else if (!s) {
        return -1;
    }
    int b_rows = x->btr ? n : k, b_cols = x->btr ? k : n;
    if (!in_mem(x->b_addr + (uint64_t)(b_rows - 1) * x->b_stride, (uint64_t)b_cols * eb, size))
        return -1;
    if (!x->store && !in_mem(x->c_addr + (uint64_t)(m - 1) * x->c_stride, (uint64_t)n << x->cew, size))
        return -1;
    if (x->store && !s)
        return -1;
    int32_t *av = (int32_t *)malloc(sizeof *av * (size_t)m * (size_t)k);
    int32_t *bv = (int32_t *)malloc(sizeof *bv * (size_t)k * (size_t)n);
    int64_t *cv = (int64_t *)malloc(sizeof *cv * (size_t)m * (size_t)n);
    if (!av || !bv || !cv) {
        free(av), free(bv), free(cv);
        return -1;
    }
    if (x->asrc == TFM_SRC_BUF) {
        for (int i = 0; i < m; i++)
            for (int q = 0; q < k; q++)
                av[(size_t)i * k + q] = load_op(mem, x->a_addr + (uint64_t)i * x->a_stride + (uint64_t)q * eb,
                                                c->eb_log, a->op_bits);
    } else {
        tfm_store_operand(a, s, x->asrc, m, k, av);
    }
    for (int q = 0; q < k; q++)
        for (int j = 0; j < n; j++) {
            uint64_t ad = x->btr ? x->b_addr + (uint64_t)j * x->b_stride + (uint64_t)q * eb
                                 : x->b_addr + (uint64_t)q * x->b_stride + (uint64_t)j * eb;
            bv[(size_t)q * n + j] = load_op(mem, ad, c->eb_log, a->op_bits);
        }
    tfm_gemm(m, k, n, av, bv, cv);
    if (x->requant)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int e = j % c->tile_n;
                cv[(size_t)i * n + j] = tfm_requant(cv[(size_t)i * n + j], rq_mult[e], rq_shift[e], a->rq_bits);
            }
    if (x->store) {
        tfm_store_result(a, s, m, n, cv);
    } else {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                uint64_t v = (uint64_t)cv[(size_t)i * n + j];
                uint64_t ad = x->c_addr + (uint64_t)i * x->c_stride + ((uint64_t)j << x->cew);
                for (int b = 0; b < (1 << x->cew); b++)
                    mem[ad + (uint64_t)b] = (uint8_t)(v >> (8 * b));
            }
    }
    free(av), free(bv), free(cv);
    return 0;
}

/* ---- traffic ------------------------------------------------------------------- */

/* R beats of a load of rows x cols operands: every row in whole port words */
static long long load_bytes(const struct tfmm_cfg *c, long long rows, long long cols)
{
    return rows * cdiv(cols << c->eb_log, c->port_bytes) * c->port_bytes;
}

void tfmm_traffic(const struct tfmm_cfg *c, const struct tfmm_cmd *x, struct tfmm_traffic *t)
{
    memset(t, 0, sizeof *t);
    if (tfmm_check(c, x) != TFMM_OK)
        return;
    long long mtiles = cdiv(x->m, c->tile_m), ntiles = cdiv(x->n, c->tile_n);
    int a_mem = x->asrc == TFM_SRC_BUF, one_n = x->n <= c->tile_n;
    t->steps = mtiles * ntiles;
    for (long long mi = 0; mi < mtiles; mi++) {
        long long mt = lmin(c->tile_m, x->m - mi * c->tile_m);
        for (long long ni = 0; ni < ntiles; ni++) {
            long long nt = lmin(c->tile_n, x->n - ni * c->tile_n);
            if (a_mem && ni == 0) {
                t->a_loads++;
                t->rd_bytes += load_bytes(c, mt, x->k);
            }
            if (!one_n || (mi == 0 && ni == 0)) {
                t->b_loads++;
                t->rd_bytes += x->btr ? load_bytes(c, nt, x->k) : load_bytes(c, x->k, nt);
            }
            if (!x->store) {
                t->writebacks++;
                t->wr_bytes += (mt * nt) << x->cew;
            }
            t->compute += tfm_cycles(&c->arch, (int)mt, x->k, (int)nt);
        }
    }
}

/* ---- roofline ------------------------------------------------------------------ */

long long tfmm_roofline(const struct tfmm_cfg *c, const struct tfmm_cmd *x, int bw)
{
    const struct tfm_arch *a = &c->arch;
    long long compute = tfm_cycles_ideal(a->rows, a->cols, x->m, x->k, x->n);
    long long rd = ((long long)x->k * x->n) << c->eb_log, wr = 0;
    if (x->asrc == TFM_SRC_BUF)
        rd += ((long long)x->m * x->k) << c->eb_log;
    if (!x->store)
        wr = ((long long)x->m * x->n) << x->cew;
    /* the port: a word per cycle on R and another on W, whatever the memory's bandwidth */
    long long port = lmax(cdiv(rd, c->port_bytes), cdiv(wr, c->port_bytes));
    long long mem = bw > 0 ? lmax(cdiv(rd + wr, bw), port) : port;
    return lmax(compute, mem);
}
