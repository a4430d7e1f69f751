/* vecgen.c -- decode-step vectors and the golden model's results for the Icarus
 * bench of the attention unit (tb/attn/tb.v). Built per design with its params header
 * force-included. Usage: attn_vecgen SEED STEPS OUT.txt
 *
 * Format (decimal): the number of steps, then per step
 *   HEAD CLEAR SCALE MODE REGION COUNT REFUSED SLOT EVICTED EVICT_SLOT CYCLES
 * and, unless CLEAR, D lines "q k v", then (unless REFUSED or MODE is append) D expected
 * values of o. SLOT is -1 for an attend (no slot to check). Steps cycle through random
 * int8 data, data peaked on a shared direction, and sharp (unit-scale constant: one token
 * takes all), and the cache fills, so evictions (or refusals without pruning) happen;
 * commands are whole steps (60 %), appends (20 %), attends (19 %) or an undefined mode;
 * with regions each names a random region and the model's count for it. Every 97th step
 * (without pruning: every region capacity + 5th) clears a head (with regions: the host
 * forgets the region: CLEAR is 2, and the bench sends nothing). */
#include "tf_attn.h"
#include "vecgen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const struct tfa_arch arch_all = TFP_ATTN_ARCH_INIT;
enum { REGIONS = TFP_ATTN_REGIONS };

static uint64_t s_rng;
static uint64_t next(void) { return tbv_next(&s_rng); }
static int i8(void) { return (int)(next() % 256) - 128; }
static double gauss(void)
{
    double u = ((double)(next() >> 11) + 0.5) / 9007199254740992.0;
    double w = ((double)(next() >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * w);
}
#define QS (5.0 / 127.0) /* int8 scale of the real-valued data, as in tb/attn/harness.cpp */
static int quant(double x) { return tfa_quant8(x, QS); }

int main(int argc, char **argv)
{
    long steps;
    FILE *f = tbv_args(argc, argv, "attn_vecgen", "STEPS", &s_rng, &steps);
    enum { H = TFP_ATTN_HEADS, NH = TFP_ATTN_HEADS * TFP_ATTN_REGIONS };
    struct tfa_arch arch0 = arch_all; /* the cache one command sees: a region */
    int d = arch0.head_dim;
    struct tfa_head heads[NH];
    for (int h = 0; h < NH; h++)
        if (tfa_head_init(&heads[h], &arch0) != 0)
            return 2;
    double *dir = malloc(sizeof *dir * (size_t)d);
    int8_t *q = malloc((size_t)d), *k = malloc((size_t)d), *v = malloc((size_t)d);
    int64_t *o = malloc(sizeof *o * (size_t)d);
    for (int i = 0; i < d; i++)
        dir[i] = gauss();
    uint32_t soft = tfa_scale_const_real(QS * QS, d, arch0.exp_frac_bits);
    fprintf(f, "%ld\n", steps);
    for (int t = 0; t < steps; t++) {
        int hd = (int)(next() % H), rg = REGIONS > 1 ? (int)(next() % REGIONS) : 0;
        int h = hd * REGIONS + rg;
        struct tfa_arch a = arch0;
        /* clear a head every 97 steps, or, without pruning, every capacity + 5 */
        int period = arch0.prune ? 97 : arch0.banks * arch0.tokens_per_bank + 5;
        if (t % period == period - 1) {
            fprintf(f, "%d %d %u 0 0 0 0 0 0 0 1\n", hd, REGIONS == 1 ? 1 : 2, soft ? soft : 1);
            tfa_head_free(&heads[h]);
            tfa_head_init(&heads[h], &arch0);
            continue;
        }
        int kind = (t / 20) % 3;
        a.scale_c = kind == 2 ? arch0.scale_c : (soft ? soft : 1);
        int hot = kind == 1 && next() % 8 == 0;
        for (int i = 0; i < d; i++) {
            q[i] = (int8_t)(kind == 1 ? quant(dir[i] + 0.5 * gauss()) : i8());
            k[i] = (int8_t)(hot ? quant(0.75 * dir[i] * 8.0 / sqrt((double)d) + 0.3 * gauss())
                                : (kind == 1 ? quant(gauss()) : i8()));
            v[i] = (int8_t)i8();
        }
        unsigned pick = (unsigned)(next() % 100);
        int mode = pick < 60 ? TFA_MODE_STEP : pick < 80 ? TFA_MODE_APPEND : pick < 99 ? TFA_MODE_ATTEND : TFA_MODES;
        int count = heads[h].count;
        struct tfa_step st = {0};
        st.evicted = -1;
        int rc;
        if (mode == TFA_MODES || (mode == TFA_MODE_ATTEND && count == 0))
            rc = -1;
        else if (mode == TFA_MODE_STEP)
            rc = tfa_decode(&a, &heads[h], q, k, v, o, &st);
        else if (mode == TFA_MODE_APPEND)
            rc = tfa_append(&a, &heads[h], k, v, &st) < 0 ? -1 : 0;
        else
            tfa_attend(&a, &heads[h], q, o, &st), rc = 0;
        int ev = rc == 0 && st.evicted >= 0;
        fprintf(f, "%d 0 %u %d %d %d %d %d %d %d %lld\n", hd, a.scale_c, mode, rg, count, rc != 0,
                rc || mode == TFA_MODE_ATTEND ? (rc ? 0 : -1) : st.slot, ev, ev ? st.evicted : 0,
                tfa_cmd_cycles(&a, TFP_ATTN_LANES, mode, heads[h].count, ev, rc != 0));
        for (int i = 0; i < d; i++)
            fprintf(f, "%d %d %d\n", q[i], k[i], v[i]);
        if (rc == 0 && mode != TFA_MODE_APPEND)
            for (int i = 0; i < d; i++)
                fprintf(f, "%lld\n", (long long)o[i]);
    }
    for (int h = 0; h < NH; h++)
        tfa_head_free(&heads[h]);
    free(dir), free(q), free(k), free(v), free(o);
    return fclose(f) == 0 ? 0 : 1;
}
