/* plan.c -- derive every width, depth, count and latency of a design, once.
 * Emitters, the C params header and the docs read only this. */
#include "tforge.h"
#include "tf_attn.h"

static int imax(int a, int b) { return a > b ? a : b; }
static long long cdiv(long long a, long long b) { return (a + b - 1) / b; }

/* Smallest signed width b with K * 2^(2W-2) <= 2^(b-1) - 1: a sum of K products
 * of two W-bit signed numbers, each at most (-2^(W-1))^2, never overflows. */
int tf_acc_width(int w, int kmax)
{
    int b = 2 * w;
    while ((long long)kmax * (1LL << (2 * w - 2)) > (1LL << (b - 1)) - 1)
        b++;
    return b;
}

void plan_storage(const struct tf_config *cfg, struct tf_storage *st)
{
    long long r = cfg->rows, c = cfg->cols, ob = cfg->operand_bits;
    long long mt = cdiv(cfg->max_m, cfg->rows), nt = cdiv(cfg->max_n, cfg->cols);
    long long kt = cdiv(cfg->max_k, cfg->rows);
    st->a_depth = cfg->dataflow == TF_OS ? mt * cfg->max_k : kt * cfg->max_m;
    st->b_depth = nt * cfg->max_k;
    st->acc_depth = cfg->dataflow == TF_WS ? cfg->max_m : 0;
    st->a_bits = r * st->a_depth * ob;
    st->b_bits = c * st->b_depth * ob;
    st->acc_bits = c * st->acc_depth * tf_acc_width(cfg->operand_bits, cfg->max_k);
    st->prm_bits = cfg->requant ? c * nt * 36 : 0;
    st->total = st->a_bits + st->b_bits + st->acc_bits + st->prm_bits;
    st->trf_bits = 0;
    if (cfg->trf) {
        long long nb = cfg->trf_rows > cfg->trf_cols ? cfg->trf_rows : cfg->trf_cols;
        st->trf_bits = cfg->trf_impl == TF_TRF_BANKED
                           ? nb * cfg->trf_rows * cfg->trf_width * cfg->trf_read_ports
                           : (long long)cfg->trf_rows * cfg->trf_cols * cfg->trf_width;
    }
    st->attn_bits = 0;
    if (cfg->attn) {
        long long cap = (long long)cfg->attn_banks * cfg->attn_tokens_per_bank;
        long long per_token = 2LL * cfg->attn_head_dim * cfg->attn_kv_bits + (cfg->attn_kv_bits == 4 ? 10 : 0);
        st->attn_bits = cfg->attn_heads * cap * per_token;
    }
    st->store_bits = 0;
    if (cfg->store != TF_STORE_NONE) {
        long long nb = cfg->max_m > cfg->max_n ? cfg->max_m : cfg->max_n;
        /* two read ports: banked keeps one copy of the banks per port */
        st->store_bits = cfg->store == TF_STORE_BANKED ? nb * cfg->max_m * ob * 2
                                                       : (long long)cfg->max_m * cfg->max_n * ob;
    }
}

void plan_derive(struct tf_plan *p, const struct tf_config *cfg, struct diag *d)
{
    *p = (struct tf_plan){0};
    p->name = cfg->name;
    p->config_path = cfg->path;
    p->rows = cfg->rows;
    p->cols = cfg->cols;
    p->dataflow = cfg->dataflow;
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
    p->mt_max = cdiv(p->max_m, r);
    p->nt_max = cdiv(p->max_n, c);
    p->kt_max = cdiv(p->max_k, r);
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
    p->cnt_w = 48;

    struct tf_storage st;
    plan_storage(cfg, &st);
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

    p->trf = cfg->trf;
    if (p->trf) {
        p->trf_nr = cfg->trf_rows;
        p->trf_nc = cfg->trf_cols;
        p->trf_w = cfg->trf_width;
        p->trf_ports = cfg->trf_read_ports;
        p->trf_mask = cfg->trf_write_mask;
        p->trf_impl = cfg->trf_impl;
        p->trf_nb = imax(p->trf_nr, p->trf_nc);
        p->trf_idx_w = imax(tf_clog2(p->trf_nb), 1);
        p->trf_row_w = imax(tf_clog2(p->trf_nr), 1);
        p->trf_col_w = imax(tf_clog2(p->trf_nc), 1);
        p->trf_bits = st.trf_bits;
    }
    p->attn = cfg->attn;
    if (p->attn) {
        p->at_banks = cfg->attn_banks;
        p->at_tpb = cfg->attn_tokens_per_bank;
        p->at_cap = p->at_banks * p->at_tpb;
        p->at_d = cfg->attn_head_dim;
        p->at_heads = cfg->attn_heads;
        p->at_parallel = cfg->attn_heads_parallel;
        p->at_lanes = cfg->attn_lanes;
        p->at_kv_bits = cfg->attn_kv_bits;
        p->at_t = cfg->attn_exp_table_bits;
        p->at_p = cfg->attn_exp_bits;
        p->at_f = cfg->attn_exp_frac_bits;
        p->at_pb = cfg->attn_prob_bits;
        p->at_imp_bits = cfg->attn_importance_bits;
        p->at_prune = cfg->attn_prune;
        p->at_recent = cfg->attn_recent;
        p->at_topk = cfg->attn_topk;
        p->at_scale_c = tfa_scale_const(p->at_d, p->at_f);
        p->attn_bits = st.attn_bits;
        struct tfa_arch ar = tf_plan_attn_arch(p);
        ar.scale_c = ar.scale_c ? ar.scale_c : 1;
        const char *why = tfa_check(&ar);
        if (why) /* the config rules above enforce every condition the model checks */
            tf_fail(d, TF_EXIT_INTERNAL, "internal error: attention plan rejected by the model (%s)", why);
        p->at_guard = tfa_recip_guard(&ar);
        p->at_ch = p->at_d / p->at_lanes;
        p->at_row_w = imax(tf_clog2(p->at_tpb), 1);
        p->at_ch_w = imax(tf_clog2(p->at_ch), 1);
        p->at_h_w = imax(tf_clog2(p->at_heads), 1);
        p->at_b_w = imax(tf_clog2(p->at_banks), 1);
        p->at_slot_w = imax(tf_clog2(p->at_cap + 1), 1);
        p->at_dw = imax(tf_clog2(p->at_d), 1);
        p->at_hp = p->at_parallel ? p->at_heads : 1;
        p->at_hcore = p->at_parallel ? 1 : p->at_heads;
        p->at_hcore_w = imax(tf_clog2(p->at_hcore), 1);
        p->at_maw = imax(tf_clog2((long long)p->at_hcore * p->at_tpb * p->at_ch), 1);
        p->at_saw = imax(tf_clog2((long long)p->at_hcore * p->at_tpb), 1);
        /* |o| <= (2^PB + cap) * 19 * 128: PB + clog2(cap) + 14 bits and a sign */
        p->at_ow = p->at_pb + tf_clog2(p->at_cap + 1) + 15;
    }
    p->store = cfg->store;
    if (p->store != TF_STORE_NONE) {
        p->st_nb = imax(p->max_m, p->max_n);
        p->st_idx_w = imax(tf_clog2(p->st_nb), 1);
        p->st_row_w = imax(tf_clog2(p->max_m), 1);
        p->st_col_w = imax(tf_clog2(p->max_n), 1);
        p->store_bits = st.store_bits;
    }
}

struct tfa_arch tf_plan_attn_arch(const struct tf_plan *p)
{
    struct tfa_arch a = {0};
    a.banks = p->at_banks;
    a.tokens_per_bank = p->at_tpb;
    a.head_dim = p->at_d;
    a.kv_bits = p->at_kv_bits;
    a.exp_frac_bits = p->at_f;
    a.exp_table_bits = p->at_t;
    a.exp_bits = p->at_p;
    a.prob_bits = p->at_pb;
    a.imp_bits = p->at_imp_bits;
    a.prune = p->at_prune == TF_PRUNE_IMPORTANCE ? TFA_PRUNE_IMPORTANCE : TFA_PRUNE_NONE;
    a.recent = p->at_recent;
    a.topk = p->at_topk;
    a.scale_c = p->at_scale_c;
    return a;
}

void plan_print(const struct tf_plan *p, FILE *f)
{
    fprintf(f, "design            %s (from %s)\n", p->name, p->config_path);
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
        fprintf(f, "requant params    %d lanes x %d entries x 36 bits = %lld bits\n", p->cols,
                p->nt_max, p->rq_prm_bits);
    fprintf(f, "widths            dim %d, addr %d, lane %d, row idx %d, col idx %d, counters %d\n",
            p->dim_w, p->addr_w, p->lane_w, p->row_idx_w, p->col_idx_w, p->cnt_w);
    fprintf(f, "output beat       %d lanes x %d bits = %d bits\n", p->cols, p->acc_bits,
            p->out_data_bits);
    if (p->trf)
        fprintf(f,
                "register file     %d x %d words of %d bits, %s, %d read port%s, %s; data ports %d "
                "words; %lld storage bits%s\n",
                p->trf_nr, p->trf_nc, p->trf_w,
                p->trf_impl == TF_TRF_BANKED ? "banked" : "flip-flops", p->trf_ports,
                p->trf_ports > 1 ? "s" : "", p->trf_mask ? "write mask" : "no write mask",
                p->trf_nb, p->trf_bits,
                p->trf_impl == TF_TRF_BANKED ? " (banks of NR words, one copy per read port)" : "");
    if (p->store != TF_STORE_NONE)
        fprintf(f,
                "result store      %d x %d words of %d bits, %s, 2 read ports (A, B); %lld storage "
                "bits\n",
                p->max_m, p->max_n, p->op_bits, p->store == TF_STORE_BANKED ? "banked" : "flip-flops",
                p->store_bits);
    if (p->attn)
        fprintf(f,
                "attention unit    %d head%s (%s), %d banks x %d tokens = %d, D = %d, %d lanes per bank; "
                "KV int%d%s, %lld bits; exp table 2^%d x %d bits, F = %d, PB = %d, scale_c %u; "
                "pruning %s%s; top-k %d\n",
                p->at_heads, p->at_heads > 1 ? "s" : "", p->at_parallel ? "parallel" : "time-multiplexed",
                p->at_banks, p->at_tpb, p->at_cap, p->at_d, p->at_lanes, p->at_kv_bits,
                p->at_kv_bits == 4 ? " + per-token scale" : "", p->attn_bits, p->at_t, p->at_p + 1,
                p->at_f, p->at_pb, p->at_scale_c,
                p->at_prune == TF_PRUNE_IMPORTANCE ? "importance" : "none",
                p->at_prune == TF_PRUNE_IMPORTANCE && p->at_recent ? ", recent window" : "", p->at_topk);
    fprintf(f, "latencies         read %d, feed %d, beat %d, requant %d; min tile period %d\n",
            p->lat_read, p->lat_feed, p->lat_beat, p->lat_rq, p->min_period);
    if (p->dataflow == TF_OS)
        fprintf(f, "cycle model       (T-1)*max(K,R,C) + K + C + Rlast + %d, T = ceil(M/R)*ceil(N/C)\n",
                p->lat_read + p->lat_beat + p->lat_rq - 1);
    else
        fprintf(f, "cycle model       (T-1)*max(M,R,%d) + M + R + C + %d, T = ceil(N/C)*ceil(K/R)\n",
                p->min_period, p->lat_read + p->lat_feed + p->lat_beat + p->lat_rq - 1);
}
