/* gemm.c -- the GEMM engine block: keys of [array] and [gemm], their rules, the
 * engine's plan, its report lines, its params section and its top.
 * The Verilog is gemm_rtl.c. */
#include "blocks/gemm.h"

#include <string.h>

static int imax(int a, int b) { return a > b ? a : b; }
static long long cdiv(long long a, long long b) { return (a + b - 1) / b; }

/* ---- keys ---------------------------------------------------------------------- */

static const char *const gemm_sections[] = {"array", "gemm", NULL};
static const char *const dataflow_names[] = {"os", "ws"};             /* enum tf_dataflow */
static const char *const store_names[] = {"none", "flops", "banked"}; /* enum tf_store */
static const struct tf_words w_dataflow = TF_WORDS(dataflow_names, "dataflow");
static const struct tf_words w_store = TF_WORDS(store_names, "store");

#define F(f) offsetof(struct gemm_cfg, f)
static const struct tf_key gemm_keys[] = {
    {"array", "rows", TF_K_INT, 1, 64, 1, NULL, F(rows), "PE rows R of the systolic array", NULL,
     NULL},
    {"array", "cols", TF_K_INT, 1, 64, 1, NULL, F(cols), "PE columns C of the systolic array",
     NULL, NULL},
    {"array", "dataflow", TF_K_ENUM, 0, 0, 0, "os", F(dataflow),
     "os = output-stationary, ws = weight-stationary", &w_dataflow, NULL},
    {"array", "operand_bits", TF_K_INT, 4, 16, 0, "8", F(operand_bits),
     "width of the signed A and B operands", NULL, NULL},
    {"gemm", "max_m", TF_K_INT, 1, 4096, 0, "64", F(max_m), "largest M (rows of A and C)", NULL,
     NULL},
    {"gemm", "max_k", TF_K_INT, 1, 4096, 0, "64", F(max_k), "largest K (the reduction length)",
     NULL, NULL},
    {"gemm", "max_n", TF_K_INT, 1, 4096, 0, "64", F(max_n), "largest N (columns of B and C)",
     NULL, NULL},
    {"gemm", "requant", TF_K_BOOL, 0, 1, 0, "true", F(requant),
     "build the per-column requantization stage", NULL, NULL},
    {"gemm", "requant_bits", TF_K_INT, 2, 16, 0, "8", F(requant_bits),
     "width of a requantized output element", NULL, "gemm.requant=true"},
    {"gemm", "store", TF_K_ENUM, 0, 0, 0, "none", F(store),
     "on-chip result store, a max_m x max_n two-direction register file a GEMM writes and "
     "the next reads as A, A^T, B or B^T: none, flops, banked", &w_store, NULL},
};
#undef F

/* ---- storage and rules ------------------------------------------------------------ */

/* Smallest signed width b with K * 2^(2W-2) <= 2^(b-1) - 1: a sum of K products
 * of two W-bit signed numbers, each at most (-2^(W-1))^2, never overflows. */
int tf_acc_width(int w, int kmax)
{
    int b = 2 * w;
    while ((long long)kmax * (1LL << (2 * w - 2)) > (1LL << (b - 1)) - 1)
        b++;
    return b;
}

void gemm_storage(const struct gemm_cfg *g, struct gemm_storage *st)
{
    long long r = g->rows, c = g->cols, ob = g->operand_bits;
    long long mt = cdiv(g->max_m, g->rows), nt = cdiv(g->max_n, g->cols);
    long long kt = cdiv(g->max_k, g->rows);
    st->a_depth = g->dataflow == TF_OS ? mt * g->max_k : kt * g->max_m;
    st->b_depth = nt * g->max_k;
    st->acc_depth = g->dataflow == TF_WS ? g->max_m : 0;
    st->a_bits = r * st->a_depth * ob;
    st->b_bits = c * st->b_depth * ob;
    st->acc_bits = c * st->acc_depth * tf_acc_width(g->operand_bits, g->max_k);
    st->prm_bits = g->requant ? c * nt * TF_GEMM_RQ_ENTRY_W : 0;
    st->total = st->a_bits + st->b_bits + st->acc_bits + st->prm_bits;
    st->store_bits = 0;
    if (g->store != TF_STORE_NONE) {
        long long nb = g->max_m > g->max_n ? g->max_m : g->max_n;
        /* two read ports: banked keeps one copy of the banks per port */
        st->store_bits = g->store == TF_STORE_BANKED ? nb * g->max_m * ob * 2
                                                     : (long long)g->max_m * g->max_n * ob;
    }
}

static void gemm_check(const void *cfgp, struct tf_rules *r)
{
    const struct gemm_cfg *g = cfgp;
    if (g->requant && g->requant_bits > g->operand_bits * 2)
        rule_fail(r, "gemm.requant_bits,array.operand_bits",
                  arena_printf(r->a, "requant_bits 2..%d", g->operand_bits * 2),
                  "wider than a product of two operands");
    /* The result store holds requantized results as operands: max_m x max_n words of
     * operand_bits, so requantization must exist and fit an operand, and the register
     * file's 256 rows / columns apply. At most 256 x 256 x 16 bits x 2 banked copies
     * = 2 Mibit: no size rule of its own. */
    if (g->store != TF_STORE_NONE) {
        if (!g->requant)
            rule_fail(r, "gemm.store,gemm.requant", "store = none, or requant = true",
                      "the store keeps requantized results");
        if (g->requant_bits > g->operand_bits)
            rule_fail(r, "gemm.store,gemm.requant_bits,array.operand_bits",
                      arena_printf(r->a, "requant_bits 2..%d with a store", g->operand_bits),
                      "a stored result is an operand, narrower than requant_bits");
        if (g->max_m > 256 || g->max_n > 256)
            rule_fail(r, "gemm.store,gemm.max_m,gemm.max_n",
                      "max_m and max_n 1..256 with a store", "the store is max_m x max_n words");
    }
    struct gemm_storage st;
    gemm_storage(g, &st);
    if (st.total > TF_MAX_BUFFER_BITS)
        rule_fail(r, "gemm.max_m,gemm.max_k,gemm.max_n,array.operand_bits",
                  arena_printf(r->a, "at most %lld bits; lower the maxima", TF_MAX_BUFFER_BITS),
                  "the on-chip buffers (A, B, accumulator, requant entries) would hold %lld "
                  "bits", st.total);
}

/* ---- plan ------------------------------------------------------------------------- */

static const void *gemm_derive(const void *cfgp, const struct tf_plan *root, struct arena *a,
                               struct diag *d)
{
    (void)root;
    const struct gemm_cfg *cfg = cfgp;
    struct gemm_plan *p = arena_alloc(a, sizeof *p);
    p->rows = cfg->rows;
    p->cols = cfg->cols;
    p->dataflow = (enum tf_dataflow)cfg->dataflow;
    p->op_bits = cfg->operand_bits;
    p->max_m = cfg->max_m;
    p->max_k = cfg->max_k;
    p->max_n = cfg->max_n;
    p->requant = cfg->requant;
    p->rq_bits = cfg->requant ? cfg->requant_bits : 0;
    p->acc_bits = tf_acc_width(p->op_bits, p->max_k);
    if (p->acc_bits > 63)
        tf_unreachable(d); /* the key ranges keep it below 45 */

    int r = p->rows, c = p->cols;
    p->mt_max = (int)cdiv(p->max_m, r);
    p->nt_max = (int)cdiv(p->max_n, c);
    p->kt_max = (int)cdiv(p->max_k, r);
    p->max_rc = imax(r, c);

    int dims = imax(imax(imax(p->max_m, p->max_k), imax(p->max_n, p->max_rc)), 2);
    p->dim_w = tf_clog2(dims + 1);
    p->mt_w = imax(tf_clog2(p->mt_max), 1);
    p->nt_w = imax(tf_clog2(p->nt_max), 1);
    p->kt_w = imax(tf_clog2(p->kt_max), 1);
    p->lane_w = imax(tf_clog2(p->max_rc), 1);
    p->rowsel_w = imax(tf_clog2(r), 1);
    p->row_idx_w = imax(tf_clog2(p->max_m), p->rowsel_w);
    p->col_idx_w = imax(tf_clog2(p->max_n), 1);
    p->cnt_w = TF_GEMM_CNT_W;
    p->rq_entry_w = TF_GEMM_RQ_ENTRY_W;

    struct gemm_storage st;
    gemm_storage(cfg, &st);
    p->a_depth = (int)st.a_depth;
    p->b_depth = (int)st.b_depth;
    p->acc_depth = (int)st.acc_depth;
    if (p->dataflow == TF_OS) {
        p->a_stride = p->max_k; /* lane i, word mt*KMax + k = A[mt*R+i][k] */
        p->a_lane_on_col = 0;
    } else {
        p->a_stride = p->max_m; /* lane i, word kt*MMax + m = A[m][kt*R+i] */
        p->a_lane_on_col = 1;
    }
    /* lane j, word nt*KMax + k = B[k][nt*C+j] */
    p->b_stride = p->max_k;
    p->addr_w = imax(imax(tf_clog2(p->a_depth), tf_clog2(p->b_depth)),
                     imax(tf_clog2(p->acc_depth), p->dim_w));
    p->addr_w = imax(p->addr_w, 1);
    p->a_addr_w = imax(tf_clog2(p->a_depth), 1);
    p->b_addr_w = imax(tf_clog2(p->b_depth), 1);
    p->acc_addr_w = imax(tf_clog2(p->acc_depth), 1);

    p->lat_read = 1;
    p->lat_feed = p->dataflow == TF_WS ? 1 : 0;
    p->lat_beat = 1;
    p->lat_rq = p->requant ? 2 : 0;
    p->min_period = p->dataflow == TF_WS ? 2 : 1;

    p->a_buf_bits = st.a_bits;
    p->b_buf_bits = st.b_bits;
    p->acc_buf_bits = st.acc_bits;
    p->rq_prm_bits = st.prm_bits;
    p->out_data_bits = c * p->acc_bits;

    p->store = cfg->store;
    if (p->store != TF_STORE_NONE) {
        p->st_nb = imax(p->max_m, p->max_n);
        p->st_idx_w = imax(tf_clog2(p->st_nb), 1);
        p->st_row_w = imax(tf_clog2(p->max_m), 1);
        p->st_col_w = imax(tf_clog2(p->max_n), 1);
        p->store_bits = st.store_bits;
    }
    return p;
}

/* <name>_top (today the engine's wrapper; the accelerator top replaces it), with
 * <name>_gemm and the fixed-text modules below it: the cells, the mesh of the dataflow,
 * the output stage and the store when built, and tf_gemm. */
static void gemm_link(const void *bp, struct tf_plan *root, struct arena *a, struct diag *d)
{
    const struct gemm_plan *p = bp;
    const char *n = root->name;
    struct tf_top *t = top_add(root, TF_BLK_gemm, n, arena_printf(a, "%s_top", n));
    top_template(t, root, p->dataflow == TF_OS ? "tf_pe_os" : "tf_pe_ws", a, d);
    top_template(t, root, "tf_delay", a, d);
    top_template(t, root, "tf_ram_1r1w", a, d);
    top_template(t, root, "tf_skid", a, d);
    if (p->requant)
        top_template(t, root, "tf_requant", a, d);
    if (p->store == TF_STORE_BANKED) {
        top_template(t, root, "tf_rotate", a, d);
        top_template(t, root, "tf_trf_banked", a, d);
    } else if (p->store == TF_STORE_FLOPS) {
        top_template(t, root, "tf_trf_flops", a, d);
    }
    top_template(t, root, p->dataflow == TF_OS ? "tf_mesh_os" : "tf_mesh_ws", a, d);
    if (p->requant)
        top_template(t, root, "tf_gemm_rq", a, d);
    if (p->store != TF_STORE_NONE)
        top_template(t, root, "tf_gemm_store", a, d);
    top_template(t, root, "tf_gemm", a, d);
    top_generated(t, arena_printf(a, "%s_gemm", n), a, d);
    top_generated(t, arena_printf(a, "%s_top", n), a, d);
}

static void gemm_print(const void *bp, const struct tf_plan *root, FILE *f)
{
    (void)root;
    const struct gemm_plan *p = bp;
    fprintf(f, "array             %d x %d PEs, %s\n", p->rows, p->cols,
            p->dataflow == TF_OS ? "output-stationary" : "weight-stationary");
    fprintf(f, "operands          signed %d-bit\n", p->op_bits);
    fprintf(f, "accumulator       signed %d-bit (no overflow for K <= %d)\n", p->acc_bits, p->max_k);
    fprintf(f, "gemm maxima       M <= %d, K <= %d, N <= %d\n", p->max_m, p->max_k, p->max_n);
    if (p->dataflow == TF_OS)
        fprintf(f, "tiles at maxima   M/R = %d, N/C = %d\n", p->mt_max, p->nt_max);
    else
        fprintf(f, "tiles at maxima   N/C = %d, K/R = %d\n", p->nt_max, p->kt_max);
    if (p->requant)
        fprintf(f, "requantization    per column, to signed %d-bit, %d-cycle stage\n", p->rq_bits,
                p->lat_rq);
    else
        fprintf(f, "requantization    none\n");
    fprintf(f, "A buffer          %d lanes x %d words x %d bits = %lld bits\n", p->rows, p->a_depth,
            p->op_bits, p->a_buf_bits);
    fprintf(f, "B buffer          %d lanes x %d words x %d bits = %lld bits\n", p->cols, p->b_depth,
            p->op_bits, p->b_buf_bits);
    if (p->acc_depth)
        fprintf(f, "accumulator buf   %d lanes x %d words x %d bits = %lld bits\n", p->cols,
                p->acc_depth, p->acc_bits, p->acc_buf_bits);
    if (p->requant)
        fprintf(f, "requant params    %d lanes x %d entries x %d bits = %lld bits\n", p->cols,
                p->nt_max, p->rq_entry_w, p->rq_prm_bits);
    fprintf(f, "widths            dim %d, addr %d, lane %d, row idx %d, col idx %d, counters %d\n",
            p->dim_w, p->addr_w, p->lane_w, p->row_idx_w, p->col_idx_w, p->cnt_w);
    fprintf(f, "output beat       %d lanes x %d bits = %d bits\n", p->cols, p->acc_bits,
            p->out_data_bits);
    if (p->store != TF_STORE_NONE)
        fprintf(f,
                "result store      %d x %d words of %d bits, %s, 2 read ports (A, B); %lld storage "
                "bits\n",
                p->max_m, p->max_n, p->op_bits, p->store == TF_STORE_BANKED ? "banked" : "flip-flops",
                p->store_bits);
    fprintf(f, "latencies         read %d, feed %d, beat %d, requant %d; min tile period %d\n",
            p->lat_read, p->lat_feed, p->lat_beat, p->lat_rq, p->min_period);
    if (p->dataflow == TF_OS)
        fprintf(f, "cycle model       (T-1)*max(K,R,C) + K + C + Rlast + %d, T = ceil(M/R)*ceil(N/C)\n",
                p->lat_read + p->lat_beat + p->lat_rq - 1);
    else
        fprintf(f, "cycle model       (T-1)*max(M,R,%d) + M + R + C + %d, T = ceil(N/C)*ceil(K/R)\n",
                p->min_period, p->lat_read + p->lat_feed + p->lat_beat + p->lat_rq - 1);
}

static void gemm_params(const void *bp, const struct tf_plan *root, struct tf_params *pp,
                        struct arena *a)
{
    const struct gemm_plan *p = bp;
    par_section(pp, "GEMM engine (<name>_gemm, under <name>_top)");
    par_v(pp, "TOP", arena_printf(a, "%s_top", root->name), "the engine's top module");
    par_int(pp, "ROWS", p->rows, NULL);
    par_int(pp, "COLS", p->cols, NULL);
    par_int(pp, "DATAFLOW", p->dataflow, "0 output-stationary, 1 weight-stationary");
    par_int(pp, "OP_BITS", p->op_bits, NULL);
    par_int(pp, "ACC_BITS", p->acc_bits, NULL);
    par_int(pp, "MAX_M", p->max_m, NULL);
    par_int(pp, "MAX_K", p->max_k, NULL);
    par_int(pp, "MAX_N", p->max_n, NULL);
    par_int(pp, "REQUANT", p->requant, NULL);
    par_int(pp, "RQ_BITS", p->rq_bits, NULL);
    par_int(pp, "DIM_W", p->dim_w, NULL);
    par_int(pp, "ROW_IDX_W", p->row_idx_w, NULL);
    par_int(pp, "COL_IDX_W", p->col_idx_w, NULL);
    par_int(pp, "CNT_W", p->cnt_w, "stat_cycles_o, stat_stall_o");
    par_int(pp, "OUT_DATA_BITS", p->out_data_bits, "c_data_o");
    par_int(pp, "LAT_READ", p->lat_read, NULL);
    par_int(pp, "LAT_FEED", p->lat_feed, NULL);
    par_int(pp, "LAT_BEAT", p->lat_beat, NULL);
    par_int(pp, "LAT_RQ", p->lat_rq, NULL);
    par_int(pp, "MIN_PERIOD", p->min_period, NULL);
    par_int(pp, "STORE", p->store, "result store: 0 none, 1 flops, 2 banked");
    par_int(pp, "OP_W", TF_GEMM_OP_W, "cmd_op_i");
    par_int(pp, "OP_LOAD_A", TF_GEMM_OP_LOAD_A, "commands (cmd_op_i)");
    par_int(pp, "OP_LOAD_B", TF_GEMM_OP_LOAD_B, NULL);
    par_int(pp, "OP_LOAD_RQ", TF_GEMM_OP_LOAD_RQ, NULL);
    par_int(pp, "OP_GEMM", TF_GEMM_OP_GEMM, NULL);
    par_int(pp, "OP_LOAD_AT", TF_GEMM_OP_LOAD_AT, NULL);
    par_int(pp, "OP_LOAD_BT", TF_GEMM_OP_LOAD_BT, NULL);
    par_int(pp, "SRC_W", TF_GEMM_SRC_W, "cmd_asrc_i, cmd_bsrc_i");
    par_int(pp, "SRC_BUF", TF_GEMM_SRC_BUF, "operand sources");
    par_int(pp, "SRC_ST", TF_GEMM_SRC_ST, NULL);
    par_int(pp, "SRC_ST_T", TF_GEMM_SRC_ST_T, NULL);
    par_int(pp, "RQ_MULT_W", TF_GEMM_RQ_MULT_W, "rq_mult_i: Q0.31 multiplier");
    par_int(pp, "RQ_SHIFT_W", TF_GEMM_RQ_SHIFT_W, "rq_shift_i: right shift 0..31");
    par_c(pp, "ARCH_INIT",
          "{ .rows = @ROWS, .cols = @COLS, .dataflow = @DATAFLOW, .op_bits = @OP_BITS, "
          ".acc_bits = @ACC_BITS, .max_m = @MAX_M, .max_k = @MAX_K, .max_n = @MAX_N, "
          ".requant = @REQUANT, .rq_bits = @RQ_BITS, .lat_read = @LAT_READ, "
          ".lat_feed = @LAT_FEED, .lat_beat = @LAT_BEAT, .lat_rq = @LAT_RQ, "
          ".min_period = @MIN_PERIOD }",
          "initializer for struct tfm_arch (model/tf_model.h)");
}

const struct tf_block tf_block_gemm = {
    .name = "gemm",
    .title = "GEMM engine",
    .sections = gemm_sections,
    .keys = gemm_keys,
    .nkeys = (int)(sizeof gemm_keys / sizeof gemm_keys[0]),
    .cfg_size = sizeof(struct gemm_cfg),
    .hardware = 1,
    .check = gemm_check,
    .derive = gemm_derive,
    .link = gemm_link,
    .print = gemm_print,
    .params = gemm_params,
    .emit_rtl = gemm_emit_rtl,
};
