/* tf_accel.c -- the accelerator over memory (tf_accel.h): the schedule of
 * docs/architecture.md 3.11 on a byte memory, every value from a block model. */
#include "tf_accel.h"

#include <stdlib.h>
#include <string.h>

#include "tf_model.h"

static uint64_t up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

uint64_t tfacc_stride(const struct tfacc_cfg *c, int n) { return up((uint64_t)n, (uint64_t)c->port_bytes); }

static uint64_t buf_bytes(const struct tfacc_cfg *c, int b)
{
    int n = b == TFACC_H ? c->m.s.d_ff : c->m.s.d;
    return up((uint64_t)c->m.s.max_seq * tfacc_stride(c, n), (uint64_t)c->lo.align);
}

uint64_t tfacc_ws_base(const struct tfacc_cfg *c, uint64_t wbase, uint64_t image_bytes)
{
    return up(wbase + image_bytes, (uint64_t)c->lo.align);
}

uint64_t tfacc_ws_bytes(const struct tfacc_cfg *c)
{
    uint64_t n = 0;
    for (int b = 0; b < TFACC_NBUF; b++)
        n += buf_bytes(c, b);
    return n;
}

uint64_t tfacc_buf(const struct tfacc_cfg *c, uint64_t ws, int b)
{
    for (int i = 0; i < b; i++)
        ws += buf_bytes(c, i);
    return ws;
}

int tfacc_state_init(const struct tfacc_cfg *c, struct tfacc_state *st)
{
    size_t n = (size_t)c->sequences * (size_t)c->m.s.layers * (size_t)c->m.s.heads;
    memset(st, 0, sizeof *st);
    st->pos = (int *)calloc((size_t)c->sequences, sizeof *st->pos);
    st->done = (int *)calloc((size_t)c->sequences, sizeof *st->done);
    st->kv = (struct tfa_head *)calloc(n, sizeof *st->kv);
    if (!st->pos || !st->done || !st->kv) {
        tfacc_state_free(c, st);
        return TFACC_E_MEM;
    }
    for (size_t i = 0; i < n; i++)
        if (tfa_head_init(&st->kv[i], &c->m.attn) != 0) {
            tfacc_state_free(c, st);
            return TFACC_E_MEM;
        }
    st->fit = c->fit != 0;
    return TFACC_OK;
}

int tfacc_forget(const struct tfacc_cfg *c, struct tfacc_state *st, int i)
{
    size_t per = (size_t)c->m.s.layers * (size_t)c->m.s.heads;
    st->pos[i] = 0;
    st->done[i] = 0;
    for (size_t j = (size_t)i * per; j < (size_t)(i + 1) * per; j++) {
        tfa_head_free(&st->kv[j]);
        if (tfa_head_init(&st->kv[j], &c->m.attn) != 0)
            return TFACC_E_MEM;
    }
    return TFACC_OK;
}

void tfacc_state_free(const struct tfacc_cfg *c, struct tfacc_state *st)
{
    if (st->kv)
        for (size_t i = 0; i < (size_t)c->sequences * (size_t)c->m.s.layers * (size_t)c->m.s.heads; i++)
            tfa_head_free(&st->kv[i]);
    free(st->pos), free(st->done), free(st->kv);
    memset(st, 0, sizeof *st);
}

/* ---- memory rows ------------------------------------------------------------------------ */

struct rows {
    uint8_t *mem;
    uint64_t size;
};

static int in_mem(const struct rows *r, uint64_t addr, uint64_t stride, int t, int n)
{
    uint64_t end = addr + (uint64_t)(t - 1) * stride + (uint64_t)n;
    return end >= addr && end <= r->size;
}

static void get_rows(const struct rows *r, uint64_t addr, uint64_t stride, int t, int n, int8_t *x)
{
    for (int i = 0; i < t; i++)
        memcpy(x + (size_t)i * n, r->mem + addr + (uint64_t)i * stride, (size_t)n);
}

static void put_rows(const struct rows *r, uint64_t addr, uint64_t stride, int t, int n, const int8_t *x)
{
    for (int i = 0; i < t; i++)
        memcpy(r->mem + addr + (uint64_t)i * stride, x + (size_t)i * n, (size_t)n);
}

/* ---- one GEMM with its epilogue: memory rows in, int8 rows out -------------------------- */

struct work {
    int64_t *acc, *y;
    int32_t *a, *b, *res;
    int8_t *x, *o, *r;
};

/* out rows (t x n at dst) = sat8(aux c of (x rows (t x k at src) * w)), with the residual
 * rows at res (t x n) when c has RESIDUAL; the epilogue's per-column shifts (tf_layer.h):
 * res_sh of the residual operand, out_sh of the output (each may be NULL: none) */
static int gemm_ep(const struct tfacc_cfg *c, const struct rows *m, struct work *w, int t, int k, int n,
                   uint64_t src, uint64_t dst, uint64_t res, const int8_t *wt, const struct tfx_cmd *cmd,
                   const uint8_t *res_sh, const uint8_t *out_sh)
{
    get_rows(m, src, tfacc_stride(c, k), t, k, w->x);
    for (size_t i = 0; i < (size_t)t * (size_t)k; i++)
        w->a[i] = w->x[i];
    for (size_t i = 0; i < (size_t)k * (size_t)n; i++)
        w->b[i] = wt[i];
    tfm_gemm(t, k, n, w->a, w->b, w->acc);
    int has_res = 0;
    for (int i = 0; i < cmd->nops; i++)
        has_res |= cmd->ops[i] == TFX_OP_RESIDUAL;
    if (has_res)
        get_rows(m, res, tfacc_stride(c, n), t, n, w->r);
    for (int i = 0; i < t; i++) {
        if (has_res)
            for (int j = 0; j < n; j++)
                w->res[j] = tfl_res_shift(w->r[(size_t)i * n + j], res_sh ? res_sh[j] : 0);
        if (tfx_run(&c->m.aux, c->m.rom, cmd, w->acc + (size_t)i * n, has_res ? w->res : NULL,
                    w->y + (size_t)i * n) != TFX_OK)
            return TFACC_E_IMAGE; /* parameters the image holds but the unit refuses */
    }
    for (size_t i = 0; i < (size_t)t * (size_t)n; i++)
        w->o[i] = tfl_out_shift(w->y[i], out_sh ? out_sh[i % (size_t)n] : 0);
    put_rows(m, dst, tfacc_stride(c, n), t, n, w->o);
    return TFACC_OK;
}

/* a LayerNorm pass (pre-LN) as the accelerator runs it: the epilogue takes zeros for the
 * engine's data (a K = 1 GEMM only paces it) through {REQUANT with q's table, RESIDUAL at
 * scale 1 = 2^30 * 2^(1 - 31), LAYERNORM}, the rows at src as the residual operand; to dst */
static int ln_pass(const struct tfacc_cfg *c, const struct rows *m, struct work *w, int t, uint64_t src,
                   uint64_t dst, const struct tfl_proj *q, const struct tfx_ln_params *ln)
{
    int d = c->m.s.d;
    struct tfx_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.d = d;
    cmd.nops = 3;
    cmd.ops[0] = TFX_OP_REQUANT;
    cmd.ops[1] = TFX_OP_RESIDUAL;
    cmd.ops[2] = TFX_OP_LAYERNORM;
    cmd.rq_mult = q->rq_mult;
    cmd.rq_shift = q->rq_shift;
    cmd.res.mult = 1u << 30;
    cmd.res.lshift = 1;
    cmd.res.shift = 0;
    cmd.ln = *ln;
    get_rows(m, src, tfacc_stride(c, d), t, d, w->x);
    for (int j = 0; j < d; j++)
        w->acc[j] = 0;
    for (int i = 0; i < t; i++) {
        for (int j = 0; j < d; j++)
            w->res[j] = w->x[(size_t)i * d + j];
        if (tfx_run(&c->m.aux, c->m.rom, &cmd, w->acc, w->res, w->y + (size_t)i * d) != TFX_OK)
            return TFACC_E_IMAGE;
    }
    for (size_t i = 0; i < (size_t)t * (size_t)d; i++)
        w->o[i] = (int8_t)tfx_sat(w->y[i], 8);
    put_rows(m, dst, tfacc_stride(c, d), t, d, w->o);
    return TFACC_OK;
}

static struct tfx_cmd proj_cmd(const struct tfl_proj *p, int n, int nextra, const int *extra)
{
    struct tfx_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.d = n;
    cmd.ops[cmd.nops++] = TFX_OP_BIAS;
    cmd.ops[cmd.nops++] = TFX_OP_REQUANT;
    for (int i = 0; i < nextra; i++)
        cmd.ops[cmd.nops++] = extra[i];
    cmd.bias = p->bias;
    cmd.rq_mult = p->rq_mult;
    cmd.rq_shift = p->rq_shift;
    return cmd;
}

/* attention of one layer of one entry: its t Q, K, V rows of the workspace, from row o on ->
 * its AO rows */
static int attention(const struct tfacc_cfg *c, const struct rows *m, struct work *w, const struct tfl_layer *L,
                     struct tfa_head *kv, int t, int o_row, uint64_t ws)
{
    const struct tfl_shape *s = &c->m.s;
    int d = s->d, hd = c->m.attn.head_dim;
    uint64_t st = tfacc_stride(c, d), off = (uint64_t)o_row * st;
    int8_t *q = w->x, *k = w->r, *v = w->o; /* t x d each */
    int8_t *ao = (int8_t *)w->a;            /* t x d */
    get_rows(m, tfacc_buf(c, ws, TFACC_Q) + off, st, t, d, q);
    get_rows(m, tfacc_buf(c, ws, TFACC_K) + off, st, t, d, k);
    get_rows(m, tfacc_buf(c, ws, TFACC_V) + off, st, t, d, v);
    struct tfa_arch ar = c->m.attn;
    ar.scale_c = L->scale_c;
    int64_t *o = w->acc;
    for (int h = 0; h < s->heads; h++) {
        struct tfa_head *r = &kv[h];
        if (!s->causal)
            for (int i = 0; i < t; i++)
                if (tfa_append(&ar, r, k + (size_t)i * d + h * hd, v + (size_t)i * d + h * hd, NULL) < 0)
                    return TFACC_E_LEN;
        for (int i = 0; i < t; i++) {
            const int8_t *qi = q + (size_t)i * d + h * hd;
            if (s->causal) {
                if (tfa_decode(&ar, r, qi, k + (size_t)i * d + h * hd, v + (size_t)i * d + h * hd, o, NULL) < 0)
                    return TFACC_E_LEN;
            } else {
                tfa_attend(&ar, r, qi, o, NULL);
            }
            for (int j = 0; j < hd; j++)
                ao[(size_t)i * d + h * hd + j] = (int8_t)tfm_requant(o[j], L->ao_mult, L->ao_shift, 8);
        }
    }
    put_rows(m, tfacc_buf(c, ws, TFACC_AO) + off, st, t, d, ao);
    return TFACC_OK;
}

/* the entries of a batch: each one's KV regions of the layer, tokens and first row */
struct member {
    struct tfa_head *kv; /* the entry's regions of layer 0 (layer l: + l * heads) */
    int len, row;
};

/* one layer of a batch: its t rows (the members' rows one after the other) src -> dst; the
 * weight GEMMs on all t rows, attention per member on its own cache */
static int layer(const struct tfacc_cfg *c, const struct rows *m, struct work *w, const struct tfl_layer *L, int l,
                 const struct member *mb, int nb, int t, uint64_t src, uint64_t dst, uint64_t ws)
{
    const struct tfl_shape *s = &c->m.s;
    int d = s->d, f = s->d_ff, e;
    uint64_t xn = tfacc_buf(c, ws, TFACC_XN), x1 = tfacc_buf(c, ws, TFACC_X1), hh = tfacc_buf(c, ws, TFACC_H);
    uint64_t in = src;
    if (s->pre_ln) {
        if ((e = ln_pass(c, m, w, t, src, xn, &L->q, &L->ln1)))
            return e;
        in = xn;
    }
    const struct tfl_proj *pr[3] = {&L->q, &L->k, &L->v};
    static const int dstb[3] = {TFACC_Q, TFACC_K, TFACC_V};
    for (int i = 0; i < 3; i++) {
        struct tfx_cmd cmd = proj_cmd(pr[i], d, 0, NULL);
        if ((e = gemm_ep(c, m, w, t, d, d, in, tfacc_buf(c, ws, dstb[i]), 0, pr[i]->w, &cmd, NULL, NULL)))
            return e;
    }
    for (int b = 0; b < nb; b++)
        if ((e = attention(c, m, w, L, mb[b].kv + (size_t)l * s->heads, mb[b].len, mb[b].row, ws)))
            return e;
    static const int post_ops[] = {TFX_OP_RESIDUAL, TFX_OP_LAYERNORM};
    struct tfx_cmd cmd = proj_cmd(&L->o, d, s->pre_ln ? 1 : 2, post_ops);
    cmd.res = L->res1;
    cmd.ln = L->ln1;
    if ((e = gemm_ep(c, m, w, t, d, d, tfacc_buf(c, ws, TFACC_AO), x1, src, L->o.w, &cmd, L->sh_res1, NULL)))
        return e;
    uint64_t fin = x1;
    if (s->pre_ln) {
        if ((e = ln_pass(c, m, w, t, x1, xn, &L->q, &L->ln2)))
            return e;
        fin = xn;
    }
    static const int gelu_op[] = {TFX_OP_GELU};
    cmd = proj_cmd(&L->ff1, f, 1, gelu_op);
    cmd.gelu = L->gelu;
    if ((e = gemm_ep(c, m, w, t, d, f, fin, hh, 0, L->ff1.w, &cmd, NULL, L->sh_gelu)))
        return e;
    cmd = proj_cmd(&L->ff2, d, s->pre_ln ? 1 : 2, post_ops);
    cmd.res = L->res2;
    cmd.ln = L->ln2;
    return gemm_ep(c, m, w, t, f, d, hh, dst, x1, L->ff2.w, &cmd, L->sh_res2, NULL);
}

int tfacc_run(const struct tfacc_cfg *c, struct tfacc_state *st, uint8_t *mem, uint64_t size, uint64_t wbase,
              const struct tfacc_req *req, int *err_seq)
{
    const struct tfl_shape *s = &c->m.s;
    *err_seq = -1;
    if (wbase > size)
        return TFACC_E_RANGE;
    /* the image: its header says how long it is; tfi_read checks it all */
    struct tfi_model im;
    char msg[256];
    uint64_t ibytes = 0;
    if (size - wbase >= TFI_HDR_BYTES)
        for (int i = 0; i < 8; i++)
            ibytes |= (uint64_t)mem[wbase + TFI_H_TABLE + 8 + (uint64_t)i] << (8 * i);
    if (ibytes == 0 || ibytes > size - wbase ||
        tfi_read(mem + wbase, (size_t)ibytes, s, &c->lo, &im, msg, sizeof msg) != 0)
        return TFACC_E_IMAGE;
    uint64_t ws = tfacc_ws_base(c, wbase, ibytes);
    struct rows m = {mem, size};
    if (ws + tfacc_ws_bytes(c) > size || ws + tfacc_ws_bytes(c) < ws) {
        tfi_free(&im);
        return TFACC_E_RANGE;
    }
    int d = s->d, f = s->d_ff, wmax = d > f ? d : f;
    size_t tw = (size_t)s->max_seq * (size_t)wmax;
    struct work w;
    w.acc = (int64_t *)malloc(sizeof *w.acc * tw);
    w.y = (int64_t *)malloc(sizeof *w.y * tw);
    w.a = (int32_t *)malloc(sizeof *w.a * tw);
    w.b = (int32_t *)malloc(sizeof *w.b * (size_t)wmax * (size_t)wmax);
    w.res = (int32_t *)malloc(sizeof *w.res * (size_t)wmax);
    w.x = (int8_t *)malloc(tw), w.o = (int8_t *)malloc(tw), w.r = (int8_t *)malloc(tw);
    int e = TFACC_OK;
    if (!w.acc || !w.y || !w.a || !w.b || !w.res || !w.x || !w.o || !w.r)
        e = TFACC_E_MEM;
    /* batches: each scans the active entries not yet run in table order; at most cap of them
     * and max_seq rows; a misfit closes the batch (order) or waits (fit) */
    uint64_t stride = tfacc_stride(c, d);
    int bmax = c->bmax > 1 ? c->bmax : 1;
    int cap = st->cap >= 1 && st->cap <= bmax ? st->cap : bmax;
    struct member mb[TFACC_MAX_SEQS];
    int idx[TFACC_MAX_SEQS], pos[TFACC_MAX_SEQS], taken[TFACC_MAX_SEQS] = {0};
    while (!e) {
        int nb = 0, t = 0;
        uint64_t mask = 0;
        for (int i = 0; i < c->sequences; i++) {
            const struct tfacc_req *r = &req[i];
            if (!r->active || taken[i])
                continue;
            *err_seq = i;
            if (r->decode && !s->causal && st->done[i]) {
                e = TFACC_E_DECODE;
                break;
            }
            int p = r->decode ? st->pos[i] : 0;
            if (r->len < 1 || p + r->len > s->max_seq) {
                e = TFACC_E_LEN;
                break;
            }
            if (!in_mem(&m, r->in, stride, r->len, d) || !in_mem(&m, r->out, stride, r->len, d)) {
                e = TFACC_E_RANGE;
                break;
            }
            if (nb == cap || (t + r->len > s->max_seq && !st->fit))
                break; /* the entry waits for the next batch */
            if (t + r->len > s->max_seq)
                continue; /* first fit: a later entry may still join */
            taken[i] = 1;
            mask |= 1ULL << i;
            mb[nb].kv = st->kv + (size_t)i * (size_t)s->layers * (size_t)s->heads;
            mb[nb].len = r->len;
            mb[nb].row = t;
            idx[nb] = i;
            pos[nb] = p;
            nb++;
            t += r->len;
        }
        if (e || nb == 0)
            break;
        st->batches++;
        if (st->on_batch)
            st->on_batch(st->ctx, mask);
        for (int b = 0; b < nb && !e; b++)
            if (!req[idx[b]].decode) /* a prefill starts the sequence afresh */
                for (int j = 0; j < s->layers * s->heads; j++) {
                    tfa_head_free(&mb[b].kv[j]);
                    if (tfa_head_init(&mb[b].kv[j], &c->m.attn) != 0) {
                        e = TFACC_E_MEM;
                        break;
                    }
                }
        /* one entry: its rows in place; several: gathered into Y (d bytes a row), the last
         * layer's rows scattered to each entry's out */
        uint64_t src = nb == 1 ? req[idx[0]].in : tfacc_buf(c, ws, TFACC_Y);
        if (nb > 1)
            for (int b = 0; b < nb; b++)
                for (int r = 0; r < mb[b].len; r++)
                    memmove(mem + src + (uint64_t)(mb[b].row + r) * stride,
                            mem + req[idx[b]].in + (uint64_t)r * stride, (size_t)d);
        for (int l = 0; l < s->layers && !e; l++) {
            int last = l == s->layers - 1;
            uint64_t dst = last && nb == 1 ? req[idx[0]].out : tfacc_buf(c, ws, l % 2 ? TFACC_Y : TFACC_X);
            e = layer(c, &m, &w, &im.layer[l], l, mb, nb, t, src, dst, ws);
            src = dst;
        }
        if (!e && nb > 1)
            for (int b = 0; b < nb; b++)
                for (int r = 0; r < mb[b].len; r++)
                    memmove(mem + req[idx[b]].out + (uint64_t)r * stride,
                            mem + src + (uint64_t)(mb[b].row + r) * stride, (size_t)d);
        if (e) {
            *err_seq = idx[0];
            break;
        }
        for (int b = 0; b < nb; b++) {
            st->pos[idx[b]] = pos[b] + mb[b].len;
            st->done[idx[b]] = !s->causal;
        }
    }
    if (!e)
        *err_seq = -1;
    free(w.acc), free(w.y), free(w.a), free(w.b), free(w.res), free(w.x), free(w.o), free(w.r);
    tfi_free(&im);
    return e;
}
