/* vecgen.c -- decode-step vectors and the golden model's results for the Icarus
 * bench of the attention unit (tb/attn/tb.v). Built per design with its params header
 * force-included. Usage: attn_vecgen SEED STEPS OUT.txt
 *
 * Format (decimal): the number of steps, then per step
 *   HEAD CLEAR SCALE REFUSED SLOT EVICTED EVICT_SLOT CYCLES
 * and, unless CLEAR, D lines "q k v", then (unless REFUSED) D expected values of o.
 * Steps cycle through random int8 data, data peaked on a shared direction, and sharp
 * (unit-scale constant: one token takes all), and the cache fills, so evictions (or
 * refusals without pruning) happen; every 97th step (without pruning: every capacity + 5th)
 * clears a head. */
#include "tf_attn.h"
#include "vecgen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const struct tfa_arch arch0 = TFP_ATTN_ARCH_INIT;

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
    enum { H = TFP_ATTN_HEADS };
    int d = arch0.head_dim;
    struct tfa_head heads[H];
    for (int h = 0; h < H; h++)
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
        int h = (int)(next() % H);
        struct tfa_arch a = arch0;
        /* clear a head every 97 steps, or, without pruning, every capacity + 5 */
        int period = arch0.prune ? 97 : arch0.banks * arch0.tokens_per_bank + 5;
        if (t % period == period - 1) {
            fprintf(f, "%d 1 %u 0 0 0 0 1\n", h, soft ? soft : 1);
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
        struct tfa_step st;
        int rc = tfa_decode(&a, &heads[h], q, k, v, o, &st);
        fprintf(f, "%d 0 %u %d %d %d %d %lld\n", h, a.scale_c, rc != 0, rc ? 0 : st.slot,
                rc == 0 && st.evicted >= 0, rc == 0 && st.evicted >= 0 ? st.evicted : 0,
                tfa_step_cycles(&a, TFP_ATTN_LANES, heads[h].count, rc == 0 && st.evicted >= 0, rc != 0));
        for (int i = 0; i < d; i++)
            fprintf(f, "%d %d %d\n", q[i], k[i], v[i]);
        if (rc == 0)
            for (int i = 0; i < d; i++)
                fprintf(f, "%lld\n", (long long)o[i]);
    }
    for (int h = 0; h < H; h++)
        tfa_head_free(&heads[h]);
    free(dir), free(q), free(k), free(v), free(o);
    return fclose(f) == 0 ? 0 : 1;
}
