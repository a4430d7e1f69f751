/* perf.c -- tforge perf: the analytic model of the accelerator running CONFIG's [model] at
 * batch 1: per layer and per token, cycles (split into the array's GEMMs, the attention
 * unit and the auxiliary unit's drains), MAC utilization and external bytes, for a prefill
 * and decode steps, in milliseconds rather than a simulation.
 *
 * It times the schedule of docs/architecture.md section 3.11 (the layer as the sequencer
 * runs it) with the blocks' own cycle models, each exact for its RTL: the memory system's
 * controller (tfmm_cycles: the GEMM commands with their loads, write-backs and memory
 * timing), the attention unit (tfa_cmd_cycles) and the auxiliary unit (tfx_cycles_cmd).
 * What joins them is the schedule: a layer's GEMM commands form one chain through the
 * controller's cycle model, each command held (its weights load at once) and given its go
 * when the command before it has completed (controller and epilogue) and the sequencer has
 * done what comes between -- the epilogue's drain, the tables, the attention before O
 * (the go delay of tfmm_cycles); a layer starts after the previous one has drained. */
#include "tforge.h"

#include "blocks/attn.h"
#include "blocks/aux.h"
#include "blocks/gemm.h"
#include "blocks/mem.h"
#include "blocks/model.h"
#include "tf_attn.h"
#include "tf_image.h"
#include "tf_aux.h"
#include "tf_mem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What the model needs of the design, gathered once. */
struct perf_hw {
    struct tfmm_cfg mc;        /* the memory system and its engine */
    struct tfa_arch at;        /* a region of an attention cache */
    int at_lanes, at_serial;   /* MAC lanes per bank; model heads one after the other */
    struct tfx_arch xa;
    struct tfx_hw xh;
    int d, d_ff, heads, pre_ln, causal, layers;
    int ln_chunk;              /* rows of a GEMM command whose rows end in LayerNorm */
};

/* One phase of one layer: n new tokens after p cached ones. */
struct perf_layer {
    long long n, ctx;                       /* new tokens; context after them */
    long long cycles, gemm, attn, aux, seq; /* total and its parts (seq: the sequencer's and the
                                             * feeder's own cycles: tables, records, rows) */
    long long macs, attn_macs;              /* array MACs (the GEMMs); attention MACs */
    long long rd, wr;                       /* external bytes */
    long long compute;                      /* sum of the engine's GEMM cycles (tfm_cycles) */
};

/* The sequencer's and the feeder's own cycles around the units' (templates/top/tf_seq.v,
 * tf_attn_feed.v, tf_epilogue.v): handshakes and state changes per command, per table load,
 * per row read, per head command, per record. */
enum { PERF_CMD_OVH = 6, PERF_LOAD_OVH = 8, PERF_ROW_OVH = 5, PERF_HEAD_OVH = 4, PERF_REC_OVH = 6,
       PERF_LN_ROW_OVH = 19, PERF_LN_WB = 30 };

static long long lmax(long long a, long long b) { return a > b ? a : b; }
static long long lmin(long long a, long long b) { return a < b ? a : b; }
static long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

static struct perf_hw perf_hw(const struct tf_plan *p)
{
    struct perf_hw h;
    memset(&h, 0, sizeof h);
    const struct gemm_plan *g = plan_gemm(p);
    const struct mem_plan *m = plan_mem(p);
    const struct attn_plan *at = plan_attn(p);
    const struct aux_plan *x = plan_aux(p);
    const struct model_plan *md = plan_model(p);
    struct tfm_arch ar = {g->rows, g->cols, g->dataflow, g->op_bits, g->acc_bits, g->max_m, g->max_k,
                          g->max_n, g->requant, g->rq_bits, g->lat_read, g->lat_feed, g->lat_beat,
                          g->lat_rq, g->min_period};
    h.mc.arch = ar;
    h.mc.port_bytes = m->pb;
    h.mc.addr_bits = m->addr_w;
    h.mc.eb_log = m->eb_log;
    h.mc.tile_m = m->tile_m;
    h.mc.tile_n = m->tile_n;
    h.mc.n_tiles = m->n_tiles;
    h.mc.store = m->store != 0;
    h.mc.burst_len = m->burst;
    h.mc.max_reads = m->max_rd;
    h.mc.max_writes = m->max_wr;
    h.mc.corner_words = m->cw;
    h.mc.wb_fifo = m->wb_fifo;
    h.at = attn_arch(at);
    h.at_lanes = at->lanes;
    /* heads of one cache share its core; with heads_parallel the caches' cores run together */
    h.at_serial = at->parallel ? md->heads / at->heads : md->heads;
    h.xa = x->arch;
    h.xh = x->hw;
    h.d = md->d;
    h.d_ff = md->d_ff;
    h.heads = md->heads;
    h.pre_ln = md->norm == TF_NORM_PRE;
    h.causal = md->attention == TF_MASK_CAUSAL;
    h.layers = md->layers;
    /* A LayerNorm group must hold every column of its rows before the next group's beats
     * arrive, and the controller interleaves a row tile's rows across its column steps:
     * a command whose rows end in LayerNorm has at most ln_rows rows (one group) and at
     * most a row tile. */
    h.ln_chunk = (int)lmin(x->hw.ln_rows, m->tile_m);
    return h;
}

/* A layer's GEMM commands as one chain (tfmm_cycles), with what the sequencer does between
 * a command's predecessor completing and its go: parts of its go delay, by kind. Work that
 * precedes the next command (attention, tables) is pending until that command is added. */
struct chain {
    struct tfmm_cmd *x;
    long long *d_attn, *d_aux, *d_seq;
    int n, cap;
    long long pend_attn, pend_seq, last_aux;  /* pending work; the last command's drain */
    struct arena *a;
};

static void chain_add(struct chain *ch, const struct tfmm_cmd *c, long long seq, long long blk)
{
    if (ch->n == ch->cap) {
        int nc = ch->cap ? 2 * ch->cap : 32;
        struct tfmm_cmd *x = arena_alloc(ch->a, (size_t)nc * sizeof *x);
        long long *p = arena_alloc(ch->a, (size_t)nc * 3 * sizeof *p);
        if (ch->n) {
            memcpy(x, ch->x, (size_t)ch->n * sizeof *x);
            memcpy(p, ch->d_attn, (size_t)ch->n * sizeof *p);
            memcpy(p + nc, ch->d_aux, (size_t)ch->n * sizeof *p);
            memcpy(p + 2 * nc, ch->d_seq, (size_t)ch->n * sizeof *p);
        }
        ch->x = x, ch->d_attn = p, ch->d_aux = p + nc, ch->d_seq = p + 2 * nc, ch->cap = nc;
    }
    int i = ch->n++;
    ch->x[i] = *c;
    ch->x[i].hold = 1;
    ch->d_attn[i] = ch->pend_attn;
    ch->d_aux[i] = ch->last_aux;
    ch->d_seq[i] = ch->pend_seq + seq;
    ch->x[i].go_delay = (int)(ch->d_attn[i] + ch->d_aux[i] + ch->d_seq[i]);
    if (ch->x[i].go_delay < 1)
        ch->x[i].go_delay = 1;
    /* the tables' reads hold the port's read channel (the streamer takes an entry per cycle)
     * while the command's weights may still be loading */
    ch->x[i].blk_at = (int)(ch->d_attn[i] + ch->d_aux[i] + ch->pend_seq);
    ch->x[i].blk_len = (int)blk;
    ch->pend_attn = ch->pend_seq = 0;
}

/* bytes of n elements read or written in whole port words */
static long long words(const struct perf_hw *h, long long bytes)
{
    return ceil_div(bytes, h->mc.port_bytes) * h->mc.port_bytes;
}

/* A GEMM of the layer (M = n rows of activations, K x N weights) as the sequencer issues it:
 * commands of at most `chunk` rows, one after the other, into the chain; the epilogue `ops`
 * on the auxiliary unit between the engine and the write-back (int8 results): its tables
 * loaded before the first command's RUN, its drain after each command's last beat. Adds the
 * traffic (tfmm_traffic, the parameter tables, the residual rows) and the MACs to L. */
static void gemm_op(const struct perf_hw *h, const struct tfmm_mem_timing *mt, long long n, int k,
                    int nn, unsigned ops, int shifts, long long chunk, struct perf_layer *L, struct chain *ch,
                    struct arena *a, struct diag *d)
{
    int pb = h->mc.port_bytes;
    long long ncmd = ceil_div(n, chunk);
    struct tfmm_cmd *x = arena_alloc(a, (size_t)ncmd * sizeof *x);
    memset(x, 0, (size_t)ncmd * sizeof *x);
    /* addresses: activations, weights and results in separate, port-aligned regions */
    uint64_t a0 = 1ull << 24, b0 = 1ull << 26, c0 = 1ull << 28;
    long long ak = words(h, k), cn = words(h, nn); /* rows start on port words */
    for (long long i = 0; i < ncmd; i++) {
        long long m0 = i * chunk, m = lmin(chunk, n - m0);
        struct tfmm_cmd *c = &x[i];
        c->a_addr = a0 + (uint64_t)(m0 * ak);
        c->a_stride = (uint64_t)ak;
        c->b_addr = b0;
        c->b_stride = (uint64_t)cn;
        c->c_addr = c0 + (uint64_t)(m0 * cn);
        c->c_stride = (uint64_t)cn;
        c->m = (int)m;
        c->k = k;
        c->n = nn;
        c->cew = 0;
        c->id = (int)(i & 0xff);
        int code = tfmm_check(&h->mc, c);
        if (code)
            tf_fail(d, TF_EXIT_INPUT, "tforge perf: %s: a %lld x %d x %d GEMM command is refused by the "
                    "memory system (code %d) (legal: a layer the memory system can run; port %d bytes)",
                    "the layer", m, k, nn, code, pb);
        struct tfmm_traffic t;
        tfmm_traffic(&h->mc, c, &t);
        L->rd += t.rd_bytes;
        L->wr += t.wr_bytes;
        L->compute += t.compute;
    }
    L->macs += n * (long long)k * nn;
    /* the parameter tables the epilogue loads before the first command's RUN (bias int32,
     * requantization mult and shift, LayerNorm gamma int16 and beta int32, and for O, FF1 and
     * FF2 the per-column shifts, a byte each): each a row read and one entry per cycle; and
     * the residual rows */
    const int eb[5] = {4, 8, 2, 4, 1};
    const int on[5] = {(ops & TFX_OPBIT(TFX_OP_BIAS)) != 0, (ops & TFX_OPBIT(TFX_OP_REQUANT)) != 0,
                       (ops & TFX_OPBIT(TFX_OP_LAYERNORM)) != 0, (ops & TFX_OPBIT(TFX_OP_LAYERNORM)) != 0, shifts};
    long long tables = 0, blk = 0;
    for (int t = 0; t < 5; t++)
        if (on[t]) {
            long long wb = words(h, (long long)eb[t] * nn);
            L->rd += wb;
            tables += mt->lat + nn + PERF_LOAD_OVH;
            blk += nn;
        }
    /* each command given its go after its predecessor's completion and the epilogue's drain
     * (a group of rows through its stages after the last result beat) */
    for (long long i = 0; i < ncmd; i++) {
        chain_add(ch, &x[i], PERF_CMD_OVH + (i == 0 ? tables : 0), i == 0 ? blk : 0);
        long long tiles = ceil_div(nn, h->xa.lanes);
        ch->last_aux = tfx_cycles_cmd(&h->xa, &h->xh, ops, 1, nn, 1) - tiles;
        if (ops & TFX_OPBIT(TFX_OP_LAYERNORM)) {
            /* a LayerNorm group's rows all complete with the last column tile of the engine's
             * beats (the controller interleaves a row tile's rows across its column steps), so
             * the rows after the first are set up and normalized one after the other after it
             * (measured on the RTL: per row the setup, the row's beats and PERF_LN_ROW_OVH);
             * the write-back follows the unit's output: the command completes that long after
             * its last result beat */
            long long drain = ch->last_aux + (x[i].m - 1) * (TFX_LN_SETUP_ROW + tiles + PERF_LN_ROW_OVH);
            ch->x[ch->n - 1].tail = (int)(drain + PERF_LN_WB);
            ch->last_aux = 0;
        }
    }
    if (ops & TFX_OPBIT(TFX_OP_RESIDUAL))
        L->rd += n * words(h, nn);
}

/* A LayerNorm pass (pre-LN): n rows of d through the epilogue as the residual operand of a
 * K = 1 GEMM whose results count as zeros (commands of at most a LayerNorm group), with Q's
 * requantization table and the LayerNorm's gamma and beta; its MACs are not useful work. */
static void ln_pass(const struct perf_hw *h, const struct tfmm_mem_timing *mt, long long n, struct perf_layer *L,
                    struct chain *ch, struct arena *a, struct diag *d)
{
    unsigned ops = TFX_OPBIT(TFX_OP_REQUANT) | TFX_OPBIT(TFX_OP_RESIDUAL) | TFX_OPBIT(TFX_OP_LAYERNORM);
    gemm_op(h, mt, n, 1, h->d, ops, 0, h->ln_chunk, L, ch, a, d);
    L->macs -= n * (long long)h->d;
}

/* The chain through the controller's cycle model: the layer's cycles after its record
 * (L->seq holds it), split into the parts of the go delays (attention, the epilogue's
 * drains, the sequencer's tables and handshakes) and the rest, the GEMM commands' own time
 * (loads not hidden, compute, write-back); the last command's drain ends the layer. */
static void chain_run(const struct perf_hw *h, const struct tfmm_mem_timing *mt, struct chain *ch,
                      struct perf_layer *L, struct diag *d)
{
    long long cyc = 0, dly = 0;
    if (ch->n > 0) {
        struct tfmm_timing tm;
        memset(&tm, 0, sizeof tm);
        if (tfmm_cycles(&h->mc, mt, ch->x, ch->n, &tm) != 0)
            tf_fail(d, TF_EXIT_INTERNAL, "tforge perf: the memory system's cycle model failed");
        cyc = tm.cycles;
    }
    for (int i = 0; i < ch->n; i++) {
        L->attn += ch->d_attn[i];
        L->aux += ch->d_aux[i];
        L->seq += ch->d_seq[i];
        dly += ch->d_attn[i] + ch->d_aux[i] + ch->d_seq[i];
    }
    L->aux += ch->last_aux;
    L->gemm += cyc - dly;
    L->cycles = L->gemm + L->attn + L->aux + L->seq;
}

/* A batch of several sequences (nb of n1 tokens each): its rows copied into the workspace
 * before the first layer and out after the last, each sequence's rows a copy pass (the
 * LayerNorm pass's K = 1 GEMM with {REQUANT, RESIDUAL} and no LayerNorm); no useful MACs. */
static void copies(const struct perf_hw *h, const struct tfmm_mem_timing *mt, long long nb, long long n1,
                   struct perf_layer *L, struct arena *a, struct diag *d)
{
    if (nb < 2)
        return;
    unsigned ops = TFX_OPBIT(TFX_OP_REQUANT) | TFX_OPBIT(TFX_OP_RESIDUAL);
    for (int half = 0; half < 2; half++) { /* in before the first layer, out after the last */
        struct chain ch;
        memset(&ch, 0, sizeof ch);
        ch.a = a;
        for (long long i = 0; i < nb; i++) {
            gemm_op(h, mt, n1, 1, h->d, ops, 0, h->ln_chunk, L, &ch, a, d);
            L->macs -= n1 * (long long)h->d;
        }
        chain_run(h, mt, &ch, L, d);
    }
}

/* Attention of one layer: every model head, n tokens after ctx - n cached ones. */
static void attention(const struct perf_hw *h, const struct tfmm_mem_timing *mt, long long n, long long ctx,
                      struct perf_layer *L, struct chain *ch)
{
    long long p = ctx - n, cyc = 0;
    int D = h->at.head_dim;
    if (h->causal || n == 1) {
        for (long long i = 0; i < n; i++)
            cyc += tfa_cmd_cycles(&h->at, h->at_lanes, TFA_MODE_STEP, (int)(p + i + 1), 0, 0);
    } else {
        for (long long i = 0; i < n; i++)
            cyc += tfa_cmd_cycles(&h->at, h->at_lanes, TFA_MODE_APPEND, (int)(p + i + 1), 0, 0);
        cyc += n * tfa_cmd_cycles(&h->at, h->at_lanes, TFA_MODE_ATTEND, (int)ctx, 0, 0);
    }
    ch->pend_attn += cyc * h->at_serial;
    /* the feeder: each token's rows (causal: q, k, v; bidirectional: k, v, then q) read before
     * its heads run; each head's command, and a cycle for each port word its bytes start */
    int pb = h->mc.port_bytes;
    long long rows = h->causal || n == 1 ? 3 : 3, wd = words(h, h->d) / pb;
    ch->pend_seq += n * rows * (mt->lat + wd + PERF_ROW_OVH) + (h->causal || n == 1 ? 1 : 2) * n * h->heads *
                    (ceil_div(D, pb) + 1 + PERF_HEAD_OVH);
    /* q, k and v rows in, o rows out (int8), whole port words per row */
    L->rd += 3 * n * words(h, h->d);
    L->wr += n * h->d;
    /* scores and p.v: 2 D MACs per cached token and query, per head */
    long long pairs = 0;
    for (long long i = 0; i < n; i++)
        pairs += (h->causal || n == 1) ? p + i + 1 : ctx;
    L->attn_macs += 2 * pairs * D * h->heads;
}

/* One layer of nb sequences with n tokens each after ctx - n cached ones, in the schedule's
 * order: the weight GEMMs on all nb * n rows, attention per sequence. */
static struct perf_layer layer(const struct perf_hw *h, const struct tfmm_mem_timing *mt, long long nb,
                               long long n1, long long ctx, struct arena *a, struct diag *dg)
{
    struct perf_layer L;
    memset(&L, 0, sizeof L);
    long long n = nb * n1;
    L.n = n;
    L.ctx = ctx;
    const unsigned bias = TFX_OPBIT(TFX_OP_BIAS), rq = TFX_OPBIT(TFX_OP_REQUANT),
                   res = TFX_OPBIT(TFX_OP_RESIDUAL), ln = TFX_OPBIT(TFX_OP_LAYERNORM),
                   gelu = TFX_OPBIT(TFX_OP_GELU);
    long long all = lmax(n, 1);
    int d = h->d;
    L.rd += words(h, TFI_REC_BYTES); /* the layer's record: its offsets and scalars */
    L.seq += mt->lat + words(h, TFI_REC_BYTES) / h->mc.port_bytes + PERF_REC_OVH;
    struct chain ch;
    memset(&ch, 0, sizeof ch);
    ch.a = a;
    if (h->pre_ln)
        ln_pass(h, mt, n, &L, &ch, a, dg);
    /* Q, K, V: one command each, the tables loaded before it */
    for (int i = 0; i < 3; i++)
        gemm_op(h, mt, n, d, d, bias | rq, 0, all, &L, &ch, a, dg);
    /* attention before O's RUN (O's command is held while it runs) */
    for (long long b = 0; b < nb; b++)
        attention(h, mt, n1, ctx, &L, &ch);
    /* output projection, residual (and LayerNorm after it, post-LN): commands of at most a
     * LayerNorm group either way (the epilogue's residual buffer holds one) */
    gemm_op(h, mt, n, d, d, bias | rq | res | (h->pre_ln ? 0 : ln), 1, h->ln_chunk, &L, &ch, a, dg);
    if (h->pre_ln)
        ln_pass(h, mt, n, &L, &ch, a, dg);
    gemm_op(h, mt, n, d, h->d_ff, bias | rq | gelu, 1, all, &L, &ch, a, dg);
    gemm_op(h, mt, n, h->d_ff, d, bias | rq | res | (h->pre_ln ? 0 : ln), 1, h->ln_chunk, &L, &ch, a, dg);
    chain_run(h, mt, &ch, &L, dg);
    return L;
}

/* the bound of a layer: max(its array MACs at 100 %, its bytes at the memory's bandwidth,
 * and at the port's: a word per cycle on the read and on the write channel) */
static long long bound(const struct perf_hw *h, const struct perf_layer *L, int bw)
{
    long long rc = (long long)h->mc.arch.rows * h->mc.arch.cols, pb = h->mc.port_bytes;
    return lmax(lmax(ceil_div(L->macs, rc), ceil_div(L->rd + L->wr, bw)),
                lmax(ceil_div(L->rd, pb), ceil_div(L->wr, pb)));
}

/* the units' bound: what each unit needs on its own for this work -- the array's cycles for
 * the GEMMs (tfm_cycles: at M = 1 an R x C array takes at most C weights per cycle, so
 * MACs / (R C) is not reachable there), the attention unit's, the memory's at its bandwidth
 * and the port's -- the largest of them */
static long long bound_units(const struct perf_hw *h, const struct perf_layer *L, int bw)
{
    long long pb = h->mc.port_bytes;
    return lmax(lmax(L->compute, L->attn), lmax(ceil_div(L->rd + L->wr, bw),
                                                lmax(ceil_div(L->rd, pb), ceil_div(L->wr, pb))));
}

static double pct(long long a, long long b) { return b > 0 ? 100.0 * (double)a / (double)b : 0.0; }

/* a growing text in the arena (freed with it, also after an error) */
struct sbuf {
    char *p;
    size_t len, cap;
    struct arena *a;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        k = 0;
    if (b->len + (size_t)k + 1 > b->cap) {
        size_t nc = (b->cap + (size_t)k + 1) * 2;
        char *np = arena_alloc(b->a, nc);
        if (b->len)
            memcpy(np, b->p, b->len);
        b->p = np;
        b->cap = nc;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
}

void perf_run(const struct tf_plan *p, const struct perf_opts *o, struct arena *a, struct diag *d)
{
    const struct model_plan *md = plan_model(p);
    if (!md)
        tf_fail(d, TF_EXIT_INPUT, "tforge perf: %s has no [model] section (legal: an accelerator config "
                "with [model], e.g. configs/model/minilm_8x8.ini)", tf_printable(a, p->config_path, 0));
    struct perf_hw h = perf_hw(p);
    int prompt = o->prompt > 0 ? o->prompt : md->max_seq - o->decode;
    if (o->decode < 0 || o->decode >= md->max_seq)
        tf_fail(d, TF_EXIT_INPUT, "tforge perf: --decode %d: out of range (legal: 0..%d, fewer than the "
                "model's max_seq)", o->decode, md->max_seq - 1);
    if (prompt < 1 || prompt + o->decode > md->max_seq)
        tf_fail(d, TF_EXIT_INPUT, "tforge perf: --prompt %d with --decode %d: out of range (legal: prompt "
                "1..%d, prompt + decode <= max_seq %d)", prompt, o->decode, md->max_seq - o->decode,
                md->max_seq);
    int bw = o->bw > 0 ? o->bw : h.mc.port_bytes;
    /* the report and the CSV are built first: nothing is printed or written unless all is */
    struct sbuf csv = {NULL, 0, 0, a}, txt = {NULL, 0, 0, a};
#define rep(...) sb_printf(&txt, __VA_ARGS__)
    struct tfmm_mem_timing mt = {o->lat, bw};
    const struct gemm_plan *g = plan_gemm(p);
    double mhz = p->clock_mhz;
    int L = h.layers;
    rep("tforge perf: %s: %d x %d %s array, memory %d bytes/cycle (port %d), latency %d cycles, %d MHz\n",
           p->name, g->rows, g->cols, g->dataflow == TF_WS ? "WS" : "OS", bw, h.mc.port_bytes, o->lat,
           p->clock_mhz);
    rep("model: %d layer%s, d %d = %d heads x %d, d_ff %d, %s, %s attention; decode batch %d\n", L,
           L > 1 ? "s" : "", h.d, h.heads, h.at.head_dim, h.d_ff, h.pre_ln ? "pre-LN" : "post-LN",
           h.causal ? "causal" : "bidirectional", o->batch > 1 ? o->batch : 1);
    sb_printf(&csv, "design,phase,step,tokens,context,layers,layer_cycles,gemm_cycles,"
            "attn_cycles,aux_cycles,seq_cycles,engine_compute,macs,mac_util,rd_bytes,wr_bytes,bound_cycles,"
            "cycles_over_bound,cycles_per_token,us_per_token,run_cycles,run_rd_bytes,run_wr_bytes,"
            "units_bound_cycles,cycles_over_units_bound\n");
    int B = o->batch > 1 ? o->batch : 1;
    if (B > md->sequences)
        tf_fail(d, TF_EXIT_INPUT, "tforge perf: --batch %d: more sequences than the request table holds "
                "(legal: 1..%d, model.sequences)", B, md->sequences < 16 ? md->sequences : 16);
    if ((long long)B * prompt > md->max_seq)
        tf_fail(d, TF_EXIT_INPUT, "tforge perf: --batch %d with --prompt %d: the prompts do not fit one batch "
                "(legal: batch x prompt <= max_seq %d)", B, prompt, md->max_seq);
    /* once per run: the image's header (read and checked before the first entry) */
    long long hdr = mt.lat + TFI_HDR_BYTES / h.mc.port_bytes + PERF_REC_OVH;
    long long rc = (long long)g->rows * g->cols;
    /* the prefill: B prompts as one batch (B = 1: one sequence, in place) */
    struct perf_layer pf = layer(&h, &mt, B, prompt, prompt, a, d), pc;
    memset(&pc, 0, sizeof pc);
    copies(&h, &mt, B, prompt, &pc, a, d);
    long long pb = bound(&h, &pf, bw), pu = bound_units(&h, &pf, bw), ptok = (long long)B * prompt;
    long long prun = pf.cycles * L + pc.cycles + hdr, prd = pf.rd * L + pc.rd + TFI_HDR_BYTES,
              pwr = pf.wr * L + pc.wr;
    if (B == 1)
        rep("\nprefill of %d token%s, per layer (x %d layers):\n", prompt, prompt > 1 ? "s" : "", L);
    else
        rep("\nprefill of %d prompts of %d token%s as one batch, per layer (x %d layers; the batch's rows "
            "copied in and out: %lld cycles):\n", B, prompt, prompt > 1 ? "s" : "", L, pc.cycles);
    rep("  cycles      %lld = GEMMs %lld (%.1f %%) + attention %lld (%.1f %%) + aux drains %lld (%.1f %%)\n"
        "              + sequencer and feeder %lld (%.1f %%)\n",
        pf.cycles, pf.gemm, pct(pf.gemm, pf.cycles), pf.attn, pct(pf.attn, pf.cycles), pf.aux,
        pct(pf.aux, pf.cycles), pf.seq, pct(pf.seq, pf.cycles));
    rep("  MAC util    %.1f %% (%lld array MACs / (%lld x %lld cycles)); the GEMMs alone %.1f %%; engine "
           "compute %lld cycles\n", pct(pf.macs, rc * pf.cycles), pf.macs, rc, pf.cycles,
           pct(pf.macs, rc * pf.gemm), pf.compute);
    rep("  bytes       read %lld, written %lld; bound max(compute, bytes / bw, port) = %lld cycles (x %.3f)\n",
           pf.rd, pf.wr, pb, (double)pf.cycles / (double)pb);
    rep("  units       bound max(engine compute, attention, bytes / bw, port) = %lld cycles (x %.3f)\n", pu,
        (double)pf.cycles / (double)pu);
    rep("  prompt      %lld cycles = %.1f us for %d layers and the header; per token %.0f cycles = %.3f us\n",
        prun, (double)prun / mhz, L, (double)prun / ptok, (double)prun / ptok / mhz);
    sb_printf(&csv, "%s,prefill,0,%lld,%d,%d,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.4f,%lld,%lld,%lld,%.4f,%.1f,%.4f,"
            "%lld,%lld,%lld,%lld,%.4f\n",
            p->name, ptok, prompt, L, pf.cycles, pf.gemm, pf.attn, pf.aux, pf.seq, pf.compute, pf.macs,
            (double)pf.macs / (double)(rc * pf.cycles), pf.rd, pf.wr, pb, (double)pf.cycles / (double)pb,
            (double)prun / ptok, (double)prun / ptok / mhz, prun, prd, pwr, pu, (double)pf.cycles / (double)pu);
    /* decode steps: B sequences, a token each, as one batch */
    struct perf_layer dc;
    memset(&dc, 0, sizeof dc);
    copies(&h, &mt, B, 1, &dc, a, d);
    if (o->decode > 0) {
        if (B == 1)
            rep("\ndecode, one token per step (all %d layers):\n", L);
        else
            rep("\ndecode, %d sequences per step, one token each, as one batch (all %d layers; per step and "
                "per token):\n", B, L);
        rep("  %5s %7s %12s %10s %9s %8s %10s %10s %12s %8s %12s %8s\n", "step", "context", "cycles", "us",
               "MAC util", "attn %", "read", "written", "bound", "x bound", "units bound", "x units");
    }
    for (int s = 0; s < o->decode; s++) {
        struct perf_layer dl = layer(&h, &mt, B, 1, prompt + s + 1, a, d);
        long long db = bound(&h, &dl, bw), du = bound_units(&h, &dl, bw);
        long long cyc = dl.cycles * L + dc.cycles + hdr, rd = dl.rd * L + dc.rd + TFI_HDR_BYTES,
                  wr = dl.wr * L + dc.wr;
        rep("  %5d %7lld %12lld %10.2f %8.1f%% %7.1f%% %10lld %10lld %12lld %8.3f %12lld %8.3f\n", s, dl.ctx,
               cyc, (double)cyc / mhz, pct(dl.macs * L, rc * cyc), pct(dl.attn * L, cyc), rd, wr, db * L,
               (double)cyc / (double)(db * L), du * L, (double)cyc / (double)(du * L));
        if (B > 1)
            rep("  %5s %7s %12.0f %10.2f %9s %8s %10.0f %10.0f   per token\n", "", "", (double)cyc / B,
                (double)cyc / B / mhz, "", "", (double)rd / B, (double)wr / B);
        sb_printf(&csv, "%s,decode,%d,%d,%lld,%d,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.4f,%lld,%lld,%lld,%.4f,%.1f,%.4f,"
                "%lld,%lld,%lld,%lld,%.4f\n",
                p->name, s, B, dl.ctx, L, dl.cycles, dl.gemm, dl.attn, dl.aux, dl.seq, dl.compute, dl.macs,
                (double)dl.macs / (double)(rc * dl.cycles), dl.rd, dl.wr, db, (double)dl.cycles / (double)db,
                (double)cyc / B, (double)cyc / B / mhz, cyc, rd, wr, du, (double)dl.cycles / (double)du);
    }
#undef rep
    if (o->csv)
        tf_write_whole("perf", "--csv", o->csv, (const uint8_t *)csv.p, csv.len, a, d);
    fwrite(txt.p, 1, txt.len, stdout);
}
