/* tf_mem_cycles.c -- the exact cycle model of the memory system (tf_mem.h: tfmm_cycles):
 * a cycle-by-cycle model of <name>_sys at the level of handshakes and counts -- the
 * controller (tf_mem_ctl), the DMA engine (tf_mem_dma: issue, width converter, corner
 * turn, write-back), the AXI4 masters (tf_axi_rd, tf_axi_wr), the GEMM engine as a beat
 * schedule behind its skid buffer (tf_gemm: results leave at fixed steps of its global
 * advance, which the skid buffer's registered ready stops), the result FIFO between the
 * skid buffer and the write-back (tf_mem_fifo: ready and valid from its count) -- against the harness's
 * memory model at stall 0 (tb/common/axi_mem.h: a fixed latency and a bandwidth credit).
 * No data moves: only valid/ready, counts and addresses (bursts split at 4 KiB).
 *
 * Each cycle: every component's outputs from its registers (and the combinational paths
 * the RTL has: ready of the masters, the width converter's room, the write-back's free
 * slot), then every register's next value, in the RTL's order of assignments. The
 * signal names are the RTL's. docs/architecture.md (the memory system) describes it. */
#include "tf_mem.h"

#include <stdlib.h>
#include <string.h>

static long long cdivl(long long a, long long b) { return (a + b - 1) / b; }
static long long minl(long long a, long long b) { return a < b ? a : b; }

/* ---- the memory (axi_mem.h at stall 0) ---------------------------------------------- */
struct mburst {
    int beats, done;
    long long ready;
};
struct mq {
    struct mburst *b;
    int head, n, cap;
};
static int mq_push(struct mq *q, struct mburst x)
{
    if (q->n == q->cap) {
        int nc = q->cap ? 2 * q->cap : 64;
        struct mburst *nb = (struct mburst *)malloc(sizeof *nb * (size_t)nc);
        if (!nb)
            return -1;
        for (int i = 0; i < q->n; i++)
            nb[i] = q->b[(q->head + i) % q->cap];
        free(q->b);
        q->b = nb, q->head = 0, q->cap = nc;
    }
    q->b[(q->head + q->n) % q->cap] = x;
    q->n++;
    return 0;
}
static struct mburst *mq_front(struct mq *q) { return &q->b[q->head]; }
static void mq_pop(struct mq *q)
{
    q->head = (q->head + 1) % q->cap;
    q->n--;
}

/* ---- the AXI masters: splitter and outstanding bursts ------------------------------- */
struct master {
    int act;
    uint64_t addr;
    long long left;
    int out;            /* bursts outstanding */
    /* read: "last burst of its request" per outstanding burst; write: beats per burst */
    int *fl, *wl;
    int wp, rp, wr, wn, wbeat;
};

/* burst length of the splitter's next burst */
static long long blen_of(const struct master *m, int pb, int burst)
{
    long long to4k = (4096 - (long long)(m->addr & 4095)) / pb;
    return minl(minl(m->left, burst), to4k);
}

/* ---- the engine's GEMM: its result beats and their steps ---------------------------- */
struct beat {
    int row, col, last;
    long long step;
};

static int gemm_beats(const struct tfm_arch *a, int m, int k, int n, struct beat **out, long long *steps)
{
    int nb = tfm_beat_count(a, m, n);
    struct beat *b = (struct beat *)malloc(sizeof *b * (size_t)nb);
    if (!b)
        return -1;
    long long p = tfm_period(a, m, k, n);
    long long tot = tfm_cycles(a, m, k, n);
    long long ntc = cdivl(n, a->cols), ktc = cdivl(k, a->rows);
    for (int i = 0; i < nb; i++) {
        tfm_beat_at(a, m, n, i, &b[i].row, &b[i].col);
        b[i].last = i == nb - 1;
        long long t;
        int r;
        if (a->dataflow == TFM_OS) { /* tile (mt, nt), its rows one per step */
            t = (long long)(b[i].row / a->rows) * ntc + b[i].col / a->cols;
            r = b[i].row % a->rows;
            b[i].step = t * p + k + a->cols + r + a->lat_read + a->lat_beat + a->lat_rq;
        } else { /* the last k tile of column tile nt, its rows one per step */
            t = (long long)(b[i].col / a->cols) * ktc + ktc - 1;
            r = b[i].row;
            b[i].step = t * p + r + a->rows + a->cols + a->lat_read + a->lat_feed + a->lat_beat + a->lat_rq;
        }
    }
    *out = b;
    *steps = tot;
    return nb;
}

/* ---- the system ----------------------------------------------------------------------- */
enum { LIdle, LWait, LA, LB, LFin, LGo };

struct sys {
    const struct tfmm_cfg *c;
    int pb, lanes_max, epw;
    /* memory */
    long long now, credit, cap;
    int w_turn;         /* the last contested cycle went to W */
    struct mq rq, wq, bq;
    /* masters */
    struct master rd, wrm;
    /* engine */
    int e_state;            /* 0 idle, 1 run */
    int e_store, e_ah, e_bh;
    struct beat *e_b;
    int e_nb, e_i;
    long long e_s, e_steps;
    int sk_out, sk_skid;    /* skid: out register, skid register valid */
    struct beat sk_ob, sk_sb;
    /* result FIFO (tf_mem_fifo, c->wb_fifo entries; 0: the skid drives the write-back) */
    struct beat *fq;
    int fq_head, fq_n;
    /* DMA load */
    int rd_act, l_tr, l_tgtb, l_half;
    int l_rows, l_cols, l_wpr, l_lastn, l_lanes;
    uint64_t l_stride, l_addr, grp_addr;
    int iss_act, iss_row, grp_left, chk_w0;
    int gb_cnt, gb_fl, dv_rows;
    int sl_busy[2], sl_full[2], sl_rows[2], sl_cols[2], sl_fin[2];
    int iptr, fptr, dptr, fi, dj, tv, tf;
    /* DMA write-back */
    int wr_act, w_rows, w_cols, w_ew, w_lastin, rq_pend, w_left, w_nw;
    uint64_t wv_stride;
    uint64_t w_base, w_stride, w_addr;
    /* controller */
    int p_valid, p_idx;
    struct tfmm_cmd p;
    int ls, l_newa, l_newb, l_first, l_out, ha, hb;
    int l_held, go_n;       /* a held command's first step; go pulses not yet taken */
    long long *acc_at, *done_at; /* per command: acceptance and completion cycle, or -1 */
    long long *beat_at;          /* per command: the cycle its last result beat left the engine */
    long long l_mleft, l_nleft;
    uint64_t l_aaddr, l_baddr, l_crow, l_caddr;
    int l_idx;
    int s_valid, s_m, s_n, s_st, s_ha, s_hb, s_first, s_last, s_idx;
    uint64_t s_caddr;
    int e_run, r_pend, r_st, r_idx, w_valid, w_out;
    uint64_t wv_addr;
    int wv_rows, wv_cols, wv_ew, wv_idx, w_idx;
};

static void free_sys(struct sys *s)
{
    free(s->rq.b), free(s->wq.b), free(s->bq.b);
    free(s->rd.fl), free(s->rd.wl), free(s->wrm.fl), free(s->wrm.wl);
    free(s->e_b);
    free(s->fq);
    free(s->acc_at), free(s->done_at), free(s->beat_at);
}

int tfmm_cycles(const struct tfmm_cfg *c, const struct tfmm_mem_timing *mt, const struct tfmm_cmd *x,
                int n, struct tfmm_timing *t)
{
    const struct tfm_arch *a = &c->arch;
    struct sys S, *s = &S;
    memset(s, 0, sizeof S);
    long long *acc = t->accept, *dn = t->done;
    memset(t, 0, sizeof *t);
    t->accept = acc, t->done = dn;
    s->c = c;
    s->pb = c->port_bytes;
    s->epw = c->port_bytes >> c->eb_log;
    s->lanes_max = a->rows > a->cols ? a->rows : a->cols;
    s->cap = mt->bw > 0 ? mt->bw + s->pb : 0;
    s->credit = s->cap;
    s->rd.fl = (int *)calloc((size_t)c->max_reads, sizeof(int));
    s->rd.wl = (int *)calloc((size_t)c->max_reads, sizeof(int));
    s->wrm.fl = (int *)calloc((size_t)c->max_writes, sizeof(int));
    s->wrm.wl = (int *)calloc((size_t)c->max_writes, sizeof(int));
    s->ha = s->hb = 1;
    const int fd = c->wb_fifo > 0 ? c->wb_fifo : 0;
    s->fq = fd ? (struct beat *)calloc((size_t)fd, sizeof(struct beat)) : NULL;
    s->acc_at = (long long *)malloc((size_t)(n > 0 ? n : 1) * sizeof(long long));
    s->done_at = (long long *)malloc((size_t)(n > 0 ? n : 1) * sizeof(long long));
    s->beat_at = (long long *)malloc((size_t)(n > 0 ? n : 1) * sizeof(long long));
    if (!s->rd.fl || !s->rd.wl || !s->wrm.fl || !s->wrm.wl || (fd && !s->fq) || !s->acc_at || !s->done_at ||
        !s->beat_at) {
        free_sys(s);
        return -1;
    }
    for (int i = 0; i < n; i++)
        s->acc_at[i] = s->done_at[i] = s->beat_at[i] = -1;
    int next = 0, ndone = 0, gnext = 0; /* gnext: the next command whose go may be due */
    long long last_go = -1, go_at = -1, blk_from = 0, blk_to = 0;
    long long cyc = 0, first = -1, last = 0;
    const long long limit = 200000000LL;
    int pb = s->pb;
    for (;; cyc++) {
        if (cyc > limit) {
            free_sys(s);
            return -1;
        }
        /* the go of the next held command: go_delay after the latest of its acceptance, the
         * previous command's completion and the previous go (commands without a go are
         * skipped) */
        int go_in = 0;
        while (go_at < 0 && gnext < n && gnext < next) {
            const struct tfmm_cmd *g = &x[gnext];
            long long prev = gnext == 0 ? s->acc_at[0] : s->done_at[gnext - 1];
            if (!g->hold || s->done_at[gnext] == s->acc_at[gnext]) { /* not held, or refused */
                gnext++;
                continue;
            }
            if (prev < 0)
                break;
            long long base = s->acc_at[gnext] > prev ? s->acc_at[gnext] : prev;
            if (last_go > base)
                base = last_go;
            go_at = base + (g->go_delay > 0 ? g->go_delay : 1);
            blk_from = base + g->blk_at;
            blk_to = g->blk_len > 0 ? blk_from + g->blk_len : blk_from;
        }
        if (go_at >= 0 && cyc == go_at) {
            go_in = 1;
            last_go = cyc;
            go_at = -1;
            gnext++;
        }
        int r_blk = cyc >= blk_from && cyc < blk_to;
        /* ---------------- outputs of this cycle ---------------- */
        /* memory (drive) */
        s->now++;
        if (mt->bw > 0)
            s->credit = minl(s->credit + mt->bw, s->cap);
        int has_cr = mt->bw <= 0 || s->credit >= pb;
        /* R and W take turns while both have a beat due and the credit holds one word */
        if (!s->rq.n && !s->wq.n && !s->bq.n)
            s->w_turn = 0;
        int r_due = s->rq.n && mq_front(&s->rq)->ready <= s->now;
        int w_due = s->wq.n && s->w_left != 0 && s->wrm.wn != 0;
        int contest = mt->bw > 0 && r_due && w_due && has_cr && s->credit < 2LL * pb;
        if (contest)
            s->w_turn = !s->w_turn;
        int rv = r_due && has_cr && !(contest && !s->w_turn) && !r_blk;
        int r_last = rv && mq_front(&s->rq)->done + 1 == mq_front(&s->rq)->beats;
        int wrdy = s->wq.n && (mt->bw <= 0 || s->credit - (rv ? pb : 0) >= pb);
        int bv = s->bq.n && mq_front(&s->bq)->ready <= s->now;
        /* engine */
        int en = !s->sk_skid;
        int eng_ready = s->e_state == 0;
        int o_vld = s->e_state == 1 && s->e_i < s->e_nb && s->e_b[s->e_i].step == s->e_s + 1;
        /* the skid buffer's output into the result FIFO, the FIFO's head to the write-back */
        int sk_valid = s->sk_out;
        int f_ready = s->fq_n != fd; /* from the count only */
        int c_valid = fd ? s->fq_n != 0 : sk_valid;
        /* read master */
        long long r_blen = s->rd.act ? blen_of(&s->rd, pb, c->burst_len) : 0;
        int arvalid = s->rd.act && s->rd.out != c->max_reads;
        int ar_fire = arvalid; /* ARREADY at stall 0 */
        int r_lastb = r_blen == s->rd.left;
        int rd_req_ready = !s->rd.act || (ar_fire && r_lastb);
        int d_last = r_last && s->rd.fl[s->rd.rp];
        /* write master */
        long long w_blen = s->wrm.act ? blen_of(&s->wrm, pb, c->burst_len) : 0;
        int awvalid = s->wrm.act && s->wrm.out != c->max_writes;
        int aw_fire = awvalid;
        int w_lastb = w_blen == s->wrm.left;
        int wr_req_ready = !s->wrm.act || (aw_fire && w_lastb);
        int w_have = s->wrm.wn != 0;
        int wd_ready = wrdy && w_have;
        int b_fire = bv;
        int wm_busy = s->wrm.act || s->wrm.out != 0;
        int rm_busy = s->rd.act || s->rd.out != 0;
        /* DMA write-back */
        int wq_fire = s->rq_pend && wr_req_ready;
        int wd_valid = s->w_left != 0;
        int wd_fire = wd_valid && wd_ready;
        int w_free = (!s->rq_pend || wq_fire) && (s->w_left == 0 || (s->w_left == 1 && wd_fire));
        int c_ready = s->wr_act && !s->w_lastin && w_free;
        int c_fire = c_valid && c_ready;
        int sk_ready = fd ? f_ready : c_ready;
        int f_push = fd && sk_valid && f_ready;
        int wb_done = s->wr_act && s->w_lastin && !s->rq_pend && s->w_left == 0 && !wm_busy;
        /* DMA load: buffer port, width converter, corner turn, issue */
        int bw_ready = !(s->e_state == 1 && s->l_half == (s->l_tgtb ? s->e_bh : s->e_ah));
        int lanes = s->l_lanes;
        int glanes = 2 * lanes; /* the converter's vector: both slots of the buffer port */
        int emit = s->gb_cnt >= glanes || (s->gb_fl && s->gb_cnt != 0);
        int n_out = s->gb_cnt < glanes ? s->gb_cnt : glanes;
        int gb_last = s->gb_fl && s->gb_cnt <= glanes;
        int o_fire = emit && bw_ready;
        int cnt_a = o_fire ? s->gb_cnt - n_out : s->gb_cnt;
        int fl_a = s->gb_fl && !(o_fire && gb_last);
        int room = !fl_a && cnt_a + s->epw <= s->epw + 2 * s->lanes_max;
        int rd_ready = s->l_tr ? 1 : room;
        int r_fire = rv && rd_ready;
        int gb_in = s->rd_act && !s->l_tr && rv;
        int i_fire = gb_in && room;
        int t_en = !s->tv || bw_ready;
        int bw_valid = s->l_tr ? s->tv : (s->rd_act && emit);
        int bw_fire = bw_valid && bw_ready;
        int d_final = gb_last && s->dv_rows == s->l_rows - 1;
        int bw_final = s->l_tr ? s->tf : d_final;
        int ld_done = s->rd_act && bw_fire && bw_final;
        int grp_rows = s->grp_left < lanes ? s->grp_left : lanes;
        int chk_left = s->l_wpr - s->chk_w0;
        int chk_nw = chk_left < c->corner_words ? chk_left : c->corner_words;
        int chk_lastc = chk_left <= c->corner_words;
        int grp_lastg = s->grp_left <= lanes;
        int slot_free = !s->sl_busy[s->iptr];
        int iss_ok = s->iss_act && (!s->l_tr || s->iss_row != 0 || slot_free);
        int rq_fire = iss_ok && rd_req_ready;
        uint64_t rq_addr = s->l_tr ? s->l_addr + (uint64_t)s->chk_w0 * (uint64_t)pb : s->l_addr;
        int rq_beats = s->l_tr ? chk_nw : s->l_wpr;
        int chunk_start = rq_fire && s->l_tr && s->iss_row == 0;
        int chk_cols = (int)minl(s->l_cols - (long long)s->chk_w0 * s->epw, (long long)c->corner_words * s->epw);
        int chunk_end = rq_fire && s->l_tr && s->iss_row == grp_rows - 1;
        int ct_we = s->rd_act && s->l_tr && rv;
        int fill_end = ct_we && d_last && s->fi == s->sl_rows[s->fptr] - 1;
        int dr_act = s->l_tr && s->sl_full[s->dptr];
        int dr_fire = dr_act && t_en;
        int dj_lst = s->dj + 2 >= s->sl_cols[s->dptr]; /* two columns per cycle */
        int dr_end = dr_fire && dj_lst;
        int tf_d = s->sl_fin[s->dptr] && dj_lst;
        int tv_d = s->rd_act && dr_act;
        int go_take = s->ls == LGo && s->go_n != 0;
        /* controller */
        int ret_fire = s->r_pend && (s->r_st ? !s->e_run : (!s->w_valid && !s->w_out)) &&
                       (x[s->r_idx].tail <= 0 ||
                        (s->beat_at[s->r_idx] >= 0 && cyc >= s->beat_at[s->r_idx] + x[s->r_idx].tail));
        int ctl_ready = !s->p_valid && !ret_fire;
        int ctl_valid = next < n;
        int ctl_fire = ctl_valid && ctl_ready;
        int chk = ctl_fire ? tfmm_check(c, &x[next]) : 0;
        int take = s->p_valid && s->ls == LIdle;
        int sel_wb = s->w_valid && !s->wr_act;
        int ld_b = s->ls == LB;
        long long mt_w = minl(s->l_mleft, c->tile_m), nt_w = minl(s->l_nleft, c->tile_n);
        int l_lastn = s->l_nleft <= c->tile_n, l_lastm = s->l_mleft <= c->tile_m;
        int one_n = x[s->l_idx].n <= c->tile_n;
        const struct tfmm_cmd *lc = &x[s->l_idx];
        int ldsc = !sel_wb && (s->ls == LA || (s->ls == LB && s->l_newb));
        int dsc_valid = sel_wb || s->ls == LA || (s->ls == LB && s->l_newb);
        int dsc_is_wb = sel_wb;
        int dsc_ready = dsc_is_wb ? !s->wr_act : !s->rd_act;
        int dsc_fire = dsc_valid && dsc_ready;
        int l_dsc_fire = ldsc && dsc_ready;
        int w_fire = sel_wb && dsc_ready;
        int rdone = ld_done; /* the controller's descriptors are never refused */
        int wdone = wb_done;
        int l_push = s->ls == LFin && !s->l_out && !rdone && !s->s_valid;
        int eng_valid = s->s_valid && !(s->s_first && s->r_pend) && !(s->w_valid && !s->s_st);
        int s_take = eng_valid && eng_ready;
        int busy = s->p_valid || s->ls != LIdle || s->s_valid || s->e_run || s->r_pend || s->w_valid || s->w_out;
        int waiting = !s->e_run && !s->s_valid && s->ls != LIdle;
        int s_valid_r = s->s_valid;
        int ha_step = s->l_newa ? !s->ha : s->ha, hb_step = s->l_newb ? !s->hb : s->hb;
        (void)dsc_fire;

        /* completions, acceptance, counters */
        if (ctl_fire) {
            if (first < 0)
                first = cyc;
            s->acc_at[next] = cyc;
            if (t->accept)
                t->accept[next] = cyc - first;
            if (chk) {
                s->done_at[next] = cyc;
                if (t->done)
                    t->done[next] = cyc - first;
                ndone++;
                last = cyc;
            }
        }
        if (ret_fire) {
            s->done_at[s->r_idx] = cyc;
            if (t->done)
                t->done[s->r_idx] = cyc - first;
            ndone++;
            last = cyc;
        }
        if (busy)
            t->busy++;
        if (s->e_run)
            t->gemm++;
        if (waiting)
            t->wait++;
        if (rm_busy)
            t->rd_busy++;
        if (wm_busy)
            t->wr_busy++;
        if (ndone == n && !busy && !s->rd_act && !s->wr_act && !s->rq.n && !s->wq.n && !s->bq.n && !rm_busy &&
            !wm_busy && s->e_state == 0 && !s->sk_out && !s->sk_skid && !s->fq_n)
            break;

        /* ---------------- next state ---------------- */
        /* memory (sample) */
        if (ar_fire) {
            struct mburst b = {(int)r_blen, 0, s->now + mt->lat};
            if (mq_push(&s->rq, b)) {
                free_sys(s);
                return -1;
            }
        }
        if (r_fire) {
            if (mt->bw > 0)
                s->credit -= pb;
            if (++mq_front(&s->rq)->done == mq_front(&s->rq)->beats)
                mq_pop(&s->rq);
        }
        if (aw_fire) {
            struct mburst b = {(int)w_blen, 0, 0};
            if (mq_push(&s->wq, b)) {
                free_sys(s);
                return -1;
            }
        }
        int w_fire_ax = wd_valid && w_have && wrdy;
        int w_end = 0;
        if (w_fire_ax) {
            if (mt->bw > 0)
                s->credit -= pb;
            struct mburst *wb = mq_front(&s->wq);
            if (++wb->done == wb->beats) {
                struct mburst b = {wb->beats, wb->beats, s->now + mt->lat};
                mq_pop(&s->wq);
                if (mq_push(&s->bq, b)) {
                    free_sys(s);
                    return -1;
                }
            }
            w_end = s->wrm.wbeat == s->wrm.wl[s->wrm.wr];
        }
        if (b_fire)
            mq_pop(&s->bq);
        /* read master */
        int r_done = r_fire && r_last;
        if (ar_fire) {
            s->rd.fl[s->rd.wp] = r_lastb;
            s->rd.wp = (s->rd.wp + 1) % c->max_reads;
            s->rd.addr += (uint64_t)r_blen * (uint64_t)pb;
            s->rd.left -= r_blen;
            if (r_lastb)
                s->rd.act = 0;
        }
        if (rq_fire) {
            s->rd.act = 1;
            s->rd.addr = rq_addr;
            s->rd.left = rq_beats;
        }
        if (ar_fire && !r_done)
            s->rd.out++;
        else if (r_done && !ar_fire)
            s->rd.out--;
        if (r_done)
            s->rd.rp = (s->rd.rp + 1) % c->max_reads;
        /* write master */
        if (aw_fire) {
            s->wrm.wl[s->wrm.wp] = (int)w_blen - 1;
            s->wrm.wp = (s->wrm.wp + 1) % c->max_writes;
            s->wrm.addr += (uint64_t)w_blen * (uint64_t)pb;
            s->wrm.left -= w_blen;
            if (w_lastb)
                s->wrm.act = 0;
        }
        if (wq_fire) {
            s->wrm.act = 1;
            s->wrm.addr = s->w_addr;
            s->wrm.left = s->w_nw;
        }
        if (aw_fire && !b_fire)
            s->wrm.out++;
        else if (b_fire && !aw_fire)
            s->wrm.out--;
        if (aw_fire && !w_end)
            s->wrm.wn++;
        else if (w_end && !aw_fire)
            s->wrm.wn--;
        if (w_end) {
            s->wrm.wr = (s->wrm.wr + 1) % c->max_writes;
            s->wrm.wbeat = 0;
        } else if (w_fire_ax) {
            s->wrm.wbeat++;
        }
        /* engine and its skid buffer */
        int in_v = o_vld && !s->e_store;
        int out_free = sk_ready || !s->sk_out;
        struct beat ob = s->sk_ob;
        int skid_before = s->sk_skid;
        if (out_free) {
            s->sk_out = skid_before || in_v;
            if (skid_before)
                ob = s->sk_sb;
            else if (in_v)
                ob = s->e_b[s->e_i];
            s->sk_skid = 0;
        } else if (in_v && !skid_before) {
            s->sk_skid = 1;
            s->sk_sb = s->e_b[s->e_i];
        }
        /* the beat on c_* this cycle: the FIFO's head (or the skid's output) */
        struct beat taken = fd ? s->fq[s->fq_head] : s->sk_ob;
        if (fd) {
            if (f_push)
                s->fq[(s->fq_head + s->fq_n) % fd] = s->sk_ob;
            if (c_fire) {
                s->fq_head = (s->fq_head + 1) % fd;
                s->fq_n--;
            }
            if (f_push)
                s->fq_n++;
        }
        s->sk_ob = ob;
        int run_done = s->e_state == 1 && o_vld && s->e_i == s->e_nb - 1 && en;
        if (run_done && s->r_pend)
            s->beat_at[s->r_idx] = cyc;
        if (s->e_state == 1 && en) {
            s->e_s++;
            if (o_vld)
                s->e_i++;
        }
        if (run_done)
            s->e_state = 0;
        if (s_take) {
            long long st;
            free(s->e_b);
            s->e_b = NULL;
            s->e_nb = gemm_beats(a, s->s_m, x[s->s_idx].k, s->s_n, &s->e_b, &st);
            if (s->e_nb < 0) {
                free_sys(s);
                return -1;
            }
            s->e_steps = st;
            s->e_state = 1;
            s->e_s = 0;
            s->e_i = 0;
            s->e_store = s->s_st;
            s->e_ah = s->s_ha;
            s->e_bh = s->s_hb;
        }
        /* DMA load engine */
        if (l_dsc_fire) { /* ld_go */
            int tgtb = ld_b;
            s->rd_act = 1;
            s->l_tr = ld_b ? lc->btr : (a->dataflow == TFM_OS);
            s->l_tgtb = tgtb;
            s->l_half = ld_b ? hb_step : ha_step;
            s->l_rows = (int)(ld_b ? (lc->btr ? nt_w : lc->k) : mt_w);
            s->l_cols = (int)(ld_b ? (lc->btr ? lc->k : nt_w) : lc->k);
            s->l_stride = ld_b ? lc->b_stride : lc->a_stride;
            s->l_wpr = (int)cdivl((long long)s->l_cols << c->eb_log, pb);
            s->l_lastn = (s->l_cols - 1) % s->epw + 1;
            s->l_lanes = tgtb ? a->cols : a->rows;
            s->iss_act = 1;
            s->iss_row = 0;
            s->l_addr = ld_b ? s->l_baddr : s->l_aaddr;
            s->grp_addr = s->l_addr;
            s->grp_left = s->l_rows;
            s->chk_w0 = 0;
            s->dv_rows = 0;
            memset(s->sl_busy, 0, sizeof s->sl_busy);
            memset(s->sl_full, 0, sizeof s->sl_full);
            s->iptr = s->fptr = s->dptr = s->fi = s->dj = 0;
        } else {
            if (ld_done)
                s->rd_act = 0;
            if (rq_fire) {
                if (!s->l_tr) {
                    s->l_addr += s->l_stride;
                    if (s->iss_row == s->l_rows - 1)
                        s->iss_act = 0;
                    s->iss_row++;
                } else if (!chunk_end) {
                    s->l_addr += s->l_stride;
                    s->iss_row++;
                } else {
                    s->iss_row = 0;
                    if (!chk_lastc) {
                        s->chk_w0 += c->corner_words;
                        s->l_addr = s->grp_addr;
                    } else {
                        s->chk_w0 = 0;
                        s->l_addr += s->l_stride;
                        s->grp_addr = s->l_addr;
                        s->grp_left -= grp_rows;
                        if (grp_lastg)
                            s->iss_act = 0;
                    }
                }
            }
            /* direct: converter and row count */
            if (o_fire && gb_last)
                s->dv_rows++;
            /* corner turn */
            if (chunk_start) {
                s->sl_rows[s->iptr] = grp_rows;
                s->sl_cols[s->iptr] = chk_cols;
                s->sl_fin[s->iptr] = chk_lastc && grp_lastg;
                s->sl_busy[s->iptr] = 1;
            }
            if (chunk_end)
                s->iptr = !s->iptr;
            if (ct_we && d_last)
                s->fi = fill_end ? 0 : s->fi + 1;
            if (fill_end) {
                s->sl_full[s->fptr] = 1;
                s->fptr = !s->fptr;
            }
            if (dr_fire)
                s->dj = dr_end ? 0 : s->dj + 2;
            if (dr_end) {
                s->sl_full[s->dptr] = 0;
                s->sl_busy[s->dptr] = 0;
                s->dptr = !s->dptr;
            }
        }
        /* the drain stage (tv is not reset by a new descriptor) and the converter */
        if (t_en) {
            s->tf = tf_d;
            s->tv = tv_d;
        }
        s->gb_cnt = i_fire ? cnt_a + (d_last ? s->l_lastn : s->epw) : cnt_a;
        s->gb_fl = i_fire ? d_last : fl_a;
        /* DMA write-back engine */
        if (w_fire) { /* wb_go */
            s->wr_act = 1;
            s->w_base = s->wv_addr;
            s->w_stride = s->wv_stride;
            s->w_rows = s->wv_rows;
            s->w_cols = s->wv_cols;
            s->w_ew = s->wv_ew;
            s->w_idx = s->wv_idx;
            s->w_lastin = 0;
        } else {
            if (wq_fire)
                s->rq_pend = 0;
            if (wd_fire)
                s->w_left--;
            if (c_fire) {
                int nlive = 0;
                for (int j = 0; j < a->cols; j++)
                    nlive += taken.col + j < s->w_cols && taken.row < s->w_rows;
                long long vbytes = (long long)nlive << s->w_ew;
                uint64_t col_b = (uint64_t)taken.col << s->w_ew;
                long long off = (long long)(col_b & (uint64_t)(pb - 1));
                int nw = vbytes == 0 ? 0 : (int)((vbytes + off + pb - 1) / pb);
                if (x[s->w_idx].tail > 0) /* an epilogue holds the results: it takes a beat per
                                           * cycle, its writes overlap its tail */
                    nw = 0;
                s->w_lastin = taken.last;
                s->rq_pend = nw != 0;
                s->w_left = nw;
                s->w_nw = nw;
                s->w_addr = s->w_base + (uint64_t)taken.row * s->w_stride + (col_b & ~(uint64_t)(pb - 1));
            }
            if (wb_done)
                s->wr_act = 0;
        }
        /* controller: the pending command */
        if (take)
            s->p_valid = 0;
        if (ctl_fire) {
            s->p_valid = chk == 0;
            if (!chk) {
                s->p = x[next];
                s->p_idx = next;
            }
            next++;
        }
        /* controller: the step queue (from the front end's registers before they change) */
        if (s_take)
            s->s_valid = 0;
        if (l_push) {
            s->s_valid = 1;
            s->ha = ha_step;
            s->hb = hb_step;
            s->s_m = (int)mt_w;
            s->s_n = (int)nt_w;
            s->s_st = lc->store;
            s->s_ha = ha_step;
            s->s_hb = hb_step;
            s->s_first = s->l_first;
            s->s_last = l_lastn && l_lastm;
            s->s_caddr = s->l_caddr;
            s->s_idx = s->l_idx;
        }
        /* controller: front end */
        if (l_dsc_fire)
            s->l_out = !rdone;
        else if (rdone)
            s->l_out = 0;
        s->go_n += go_in - go_take;
        {
            int ls = s->ls;
            if (ls == LIdle) {
                if (take) {
                    s->ls = LWait;
                    s->l_first = 1;
                    s->l_newa = s->p.asrc == TFM_SRC_BUF;
                    s->l_newb = 1;
                    s->l_held = s->p.hold != 0;
                }
            } else if (ls == LWait) {
                if (!s_valid_r)
                    s->ls = s->l_newa && !s->l_held ? LA : LB;
            } else if (ls == LA) {
                if (l_dsc_fire)
                    s->ls = s->l_held ? LFin : LB;
            } else if (ls == LB) {
                if (!s->l_newb || l_dsc_fire)
                    s->ls = s->l_held ? LGo : LFin;
            } else if (ls == LGo) {
                if (go_take)
                    s->ls = s->l_newa ? LA : LFin;
            } else if (l_push) {
                s->l_first = 0;
                s->l_held = 0;
                if (l_lastn && l_lastm) {
                    s->ls = LIdle;
                } else {
                    s->ls = LWait;
                    s->l_newa = l_lastn && lc->asrc == TFM_SRC_BUF;
                    s->l_newb = !one_n;
                }
            }
        }
        if (take) {
            s->l_idx = s->p_idx;
            s->l_aaddr = s->p.a_addr;
            s->l_baddr = s->p.b_addr;
            s->l_crow = s->l_caddr = s->p.c_addr;
            s->l_mleft = s->p.m;
            s->l_nleft = s->p.n;
        } else if (l_push) {
            if (l_lastn) {
                s->l_nleft = lc->n;
                s->l_mleft -= c->tile_m;
                s->l_aaddr += (uint64_t)c->tile_m * lc->a_stride;
                s->l_baddr = lc->b_addr;
                s->l_crow += (uint64_t)c->tile_m * lc->c_stride;
                s->l_caddr = s->l_crow;
            } else {
                s->l_nleft -= c->tile_n;
                s->l_baddr += lc->btr ? (uint64_t)c->tile_n * lc->b_stride : (uint64_t)c->tile_n << c->eb_log;
                s->l_caddr += (uint64_t)c->tile_n << lc->cew;
            }
        }
        /* controller: back end */
        if (s_take)
            s->e_run = 1;
        else if (eng_ready)
            s->e_run = 0;
        if (w_fire) {
            s->w_valid = 0;
            s->w_out = !wdone;
        } else if (wdone) {
            s->w_out = 0;
        }
        if (ret_fire)
            s->r_pend = 0;
        if (s_take) {
            s->r_idx = s->s_idx;
            s->r_st = s->s_st;
            if (s->s_last)
                s->r_pend = 1;
            if (!s->s_st)
                s->w_valid = 1;
            s->wv_addr = s->s_caddr;
            s->wv_rows = s->s_m;
            s->wv_cols = s->s_n;
            s->wv_ew = x[s->s_idx].cew;
            s->wv_idx = s->s_idx;
            s->wv_stride = x[s->s_idx].c_stride;
        }
    }
    t->cycles = first < 0 ? 0 : last - first;
    free_sys(s);
    return 0;
}
