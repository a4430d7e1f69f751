/* vecgen.c -- golden-model vectors for the auxiliary unit's Icarus bench (tb/aux/tb.v).
 *
 * usage: aux_vecgen SEED COMMANDS OUT.txt   (compiled with -DTFP_SINGLE_DESIGN -include
 *        <design>_params.h of a design with an [aux] section: scripts/flow.sh aux-icarus)
 *
 * Writes COMMANDS commands drawn from SEED: RUNs of random legal chains of the built stages
 * (with the loads they need), and refused commands with the err_code_o the model expects.
 * Every RUN's beats carry the input lanes, the residual lanes and the expected output lanes
 * (tfx_run; 0 beyond d) as one hex number each, lane 0 in the low bits; padding lanes of the
 * inputs hold garbage. A RUN marked timed is driven without gaps or back-pressure and its
 * cycles are checked against tfx_cycles_cmd.
 *
 *   L kind n                         then n lines: the 36-bit load word in hex
 *   R ops d m grp rqpt res_mult res_lsh res_shift gf bf eps in_mant in_exp out_mant out_exp
 *     nbeats timed model_cycles      then nbeats lines: B row col in_hex res_hex exp_hex
 *   X op ops d m grp res_lsh bf in_mant in_exp out_mant out_exp code
 *   E
 */
#include "tf_aux.h"
#include "tf_model.h"
#include "vecgen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TFP_AUX_ARCH_INIT
#error "compile with -DTFP_SINGLE_DESIGN -include <design>_params.h of a design with [aux]"
#endif

enum { L = TFP_AUX_LANES, MAXD = TFP_AUX_MAX_D };

static uint64_t rs;
static uint64_t rnd(void) { return tbv_next(&rs); }
static long long rint_(long long lo, long long hi) { return lo + (long long)(rnd() % (uint64_t)(hi - lo + 1)); }
static int64_t rbits(int bits) { return rint_(-(1LL << (bits - 1)), (1LL << (bits - 1)) - 1); }

/* A hex number of nl lanes of w bits each (lane 0 lowest), from v[0..nl-1]. */
static void put_hex(FILE *f, const int64_t *v, int nl, int w)
{
    int bits = nl * w, nd = (bits + 3) / 4;
    for (int dgt = nd - 1; dgt >= 0; dgt--) {
        unsigned x = 0;
        for (int b = 3; b >= 0; b--) {
            int bit = dgt * 4 + b;
            unsigned one = 0;
            if (bit < bits)
                one = (unsigned)(((uint64_t)v[bit / w] >> (bit % w)) & 1u);
            x = (x << 1) | one;
        }
        fputc("0123456789abcdef"[x], f);
    }
}

int main(int argc, char **argv)
{
    uint64_t seed;
    long ncmdl;
    FILE *f = tbv_args(argc, argv, "aux_vecgen", "COMMANDS", &seed, &ncmdl);
    rs = seed;
    const int ncmd = (int)ncmdl;
    const struct tfx_arch a = TFP_AUX_ARCH_INIT;
    const struct tfx_hw h = TFP_AUX_HW_INIT;
    const int pw = TFP_AUX_OUT_W, dw = TFP_AUX_D_W;
    static struct tfx_gelu_rom rom;
    tfx_gelu_rom_init(&rom);
    static int32_t bias[MAXD], beta[MAXD];
    static uint32_t mult[MAXD];
    static uint8_t shift[MAXD];
    static int16_t gamma[MAXD];
    static int64_t in[8 * MAXD], out[8 * MAXD];
    static int32_t res[8 * MAXD];
    unsigned legal[1 << TFP_AUX_OPS_W];
    int nlegal = 0;
    for (unsigned ops = 0; ops < (1u << TFP_AUX_OPS_W); ops++) {
        struct tfx_cmd c;
        memset(&c, 0, sizeof c);
        c.d = 1;
        for (int op = TFX_OP_BIAS; op <= TFX_OP_GELU; op++)
            if (ops & TFX_OPBIT(op))
                c.ops[c.nops++] = op;
        c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
        c.res = (struct tfx_res_scale){1u << 30, 0, 0};
        if (tfx_hw_check(&a, &h, &c, 1, 1) == TFX_OK)
            legal[nlegal++] = ops;
    }
    long long elements = 0, runs = 0, refusals = 0;
    for (int n = 0; n < ncmd; n++) {
        struct tfx_cmd c;
        memset(&c, 0, sizeof c);
        c.res = (struct tfx_res_scale){(uint32_t)rint_(1u << 30, (1u << 31) - 1), (int)rint_(0, 6),
                                       (int)rint_(0, 3)};
        c.ln.gamma = gamma, c.ln.beta = beta;
        c.ln.gamma_frac = (int)rint_(0, 15), c.ln.beta_frac = (int)rint_(0, 16);
        c.ln.eps_q = rint_(0, 1) ? 0u : (uint32_t)rnd();
        c.gelu.in_mant = (uint32_t)rint_(1, 65535), c.gelu.in_exp = (int)rint_(TFP_AUX_GELU_IN_W, 30);
        c.gelu.out_mant = (uint32_t)rint_(1, 65535), c.gelu.out_exp = (int)rint_(10, 24);
        c.bias = bias, c.rq_mult = mult, c.rq_shift = shift;
        if (rint_(0, 9) == 0) { /* a refusal */
            int op = 0, m = (int)rint_(0, 3), grp = (int)rint_(0, TFP_AUX_LN_ROWS + 1);
            unsigned ops = (unsigned)rint_(0, (1 << TFP_AUX_OPS_W) - 1);
            c.d = (int)rint_(0, (1LL << dw) - 1);
            if (rint_(0, 3) == 0)
                op = (int)rint_(TFP_AUX_OP_LOAD_BIAS, (1 << TFP_AUX_OP_W) - 1);
            if (rint_(0, 1))
                c.res.lshift = (int)rint_(0, 31), c.ln.beta_frac = (int)rint_(0, 31),
                c.gelu.in_exp = (int)rint_(0, 63), c.gelu.out_exp = (int)rint_(0, 63),
                c.gelu.in_mant = (uint32_t)rint_(0, 3);
            for (int o = TFX_OP_BIAS; o <= TFX_OP_GELU; o++)
                if (ops & TFX_OPBIT(o))
                    c.ops[c.nops++] = o;
            int code = op ? tfx_hw_load_check(&a, &h, op, c.d) : tfx_hw_check(&a, &h, &c, m, grp);
            if (code == TFX_OK) {
                n--;
                continue;
            }
            fprintf(f, "X %d %u %d %d %d %d %d %u %d %u %d %d\n", op, ops, c.d, m, grp, c.res.lshift,
                    c.ln.beta_frac, c.gelu.in_mant, c.gelu.in_exp, c.gelu.out_mant, c.gelu.out_exp, code);
            refusals++;
            continue;
        }
        unsigned ops = legal[n < nlegal ? n : (int)rint_(0, nlegal - 1)];
        int ln = (ops & TFX_OPBIT(TFX_OP_LAYERNORM)) != 0;
        for (int o = TFX_OP_BIAS; o <= TFX_OP_GELU; o++)
            if (ops & TFX_OPBIT(o))
                c.ops[c.nops++] = o;
        int mx = ln ? TFP_AUX_LN_MAX_D : MAXD;
        int d = rint_(0, 2) ? (int)rint_(1, mx < 4 * L + 2 ? mx : 4 * L + 2) : (int)rint_(1, mx);
        int m = (int)rint_(1, 4), grp = ln ? (int)rint_(1, TFP_AUX_LN_ROWS < m ? TFP_AUX_LN_ROWS : m) : 1;
        if (m > (1 << TFP_AUX_ROW_W) - 1)
            m = (1 << TFP_AUX_ROW_W) - 1;
        c.d = d;
        c.rq_per_tensor = rint_(0, 4) == 0;
        for (int i = 0; i < m * d; i++) {
            in[i] = rint_(0, 4) ? rbits((int)rint_(1, TFP_AUX_ACC_W)) : rbits(TFP_AUX_ACC_W);
            res[i] = (int32_t)rbits(TFP_AUX_RES_IN_W);
        }
        for (int k = 0; k < d; k++) {
            bias[k] = (int32_t)rbits((int)rint_(1, TFP_AUX_BIAS_W));
            mult[k] = (uint32_t)rint_(1u << 30, (1u << 31) - 1);
            int outw = TFP_AUX_RQ_W < TFP_AUX_LN_IN_W ? TFP_AUX_RQ_W : TFP_AUX_LN_IN_W;
            shift[k] = (uint8_t)(rint_(0, 3) ? (TFP_AUX_ACC_W - outw + (int)rint_(-6, 1) > 0
                                                    ? TFP_AUX_ACC_W - outw + (int)rint_(-6, 1) : 0)
                                             : rint_(0, 31));
            if (shift[k] > 31)
                shift[k] = 31;
            gamma[k] = (int16_t)rint_(-32768, 32767);
            beta[k] = (int32_t)rbits((int)rint_(1, 32));
        }
        if (tfx_cmd_check(&a, &c) != TFX_OK || tfx_hw_check(&a, &h, &c, m, grp) != TFX_OK) {
            fprintf(stderr, "vecgen: drew a refused run\n");
            return 1;
        }
        for (int i = 0; i < m; i++)
            if (tfx_run(&a, &rom, &c, &in[i * d], &res[i * d], &out[i * d]) != TFX_OK) {
                fprintf(stderr, "vecgen: tfx_run failed\n");
                return 1;
            }
        /* loads */
        struct {
            int kind, on;
        } ld[4] = {{TFP_AUX_OP_LOAD_BIAS, (ops & TFX_OPBIT(TFX_OP_BIAS)) != 0},
                   {TFP_AUX_OP_LOAD_RQ, (ops & TFX_OPBIT(TFX_OP_REQUANT)) != 0},
                   {TFP_AUX_OP_LOAD_GAMMA, ln},
                   {TFP_AUX_OP_LOAD_BETA, ln}};
        for (int q = 0; q < 4; q++) {
            if (!ld[q].on)
                continue;
            int nn = ld[q].kind == TFP_AUX_OP_LOAD_RQ && c.rq_per_tensor ? 1 : d;
            fprintf(f, "L %d %d\n", ld[q].kind, nn);
            for (int k = 0; k < nn; k++) {
                uint64_t w;
                switch (ld[q].kind) {
                case TFP_AUX_OP_LOAD_BIAS: w = (uint32_t)bias[k]; break;
                case TFP_AUX_OP_LOAD_RQ: w = ((uint64_t)shift[k] << TFP_AUX_PRM_SHIFT_LSB) | mult[k]; break;
                case TFP_AUX_OP_LOAD_GAMMA: w = (uint16_t)gamma[k]; break;
                default: w = (uint32_t)beta[k]; break;
                }
                fprintf(f, "%09llx\n", (unsigned long long)w);
            }
        }
        int tiles = (d + L - 1) / L, nb = m * tiles, timed = rint_(0, 2) == 0;
        long long model = tfx_cycles_cmd(&a, &h, ops, m, d, grp);
        fprintf(f, "R %u %d %d %d %d %u %d %d %d %d %u %u %d %u %d %d %d %lld\n", ops, d, m, grp,
                c.rq_per_tensor, c.res.mult, c.res.lshift, c.res.shift, c.ln.gamma_frac,
                c.ln.beta_frac, c.ln.eps_q, c.gelu.in_mant, c.gelu.in_exp, c.gelu.out_mant,
                c.gelu.out_exp, nb, timed, model);
        /* beats: groups of grp rows, tile-major inside a group (the OS order) or row-major */
        int rowmajor = (int)rint_(0, 1);
        int step = ln ? grp : m;
        for (int g0 = 0; g0 < m; g0 += step) {
            int g = m - g0 < step ? m - g0 : step;
            for (int x = 0; x < g * tiles; x++) {
                int row = g0 + (rowmajor ? x / tiles : x % g), t = rowmajor ? x % tiles : x / g;
                int64_t vi[L], vr[L], ve[L];
                for (int j = 0; j < L; j++) {
                    int col = t * L + j;
                    vi[j] = col < d ? in[row * d + col] : rbits(TFP_AUX_ACC_W);
                    vr[j] = col < d ? res[row * d + col] : rbits(TFP_AUX_RES_IN_W);
                    ve[j] = col < d ? out[row * d + col] : 0;
                    elements += col < d;
                }
                fprintf(f, "B %d %d ", row, t * L);
                put_hex(f, vi, L, TFP_AUX_ACC_W);
                fputc(' ', f);
                put_hex(f, vr, L, TFP_AUX_RES_IN_W);
                fputc(' ', f);
                put_hex(f, ve, L, pw);
                fputc('\n', f);
            }
        }
        runs++;
    }
    fprintf(f, "E\n");
    printf("vecgen: %lld runs (%lld elements in d), %lld refusals\n", runs, elements, refusals);
    return fclose(f) ? 1 : 0;
}
