/* aux_cycles.c -- the auxiliary unit's cycle table from the model (tfx_cycles_cmd and
 * tfx_cycles_groups, exact for the RTL: tb/aux/harness.cpp checks them on every timed
 * command, and its --bench mode on the rows of this table it simulates: scripts/bench_aux.sh).
 *
 * usage: cycles [CSV]     writes lanes,ln_banks,chain,d,cycles_per_row_steady,
 *                         cycles_one_row (a RUN of one row, acceptance to the next command)
 * Chains: "stream" (every element-wise stage: bias, requant, residual, GELU), "layernorm"
 * (requant, residual, LayerNorm, GELU). Every stage built; groups of one row. */
#include "tf_aux.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static const int lanes[] = {1, 2, 4, 8, 16, 32, 64};
    static const int ds[] = {64, 128, 256, 384, 512, 768, 1024, 2048, 4096};
    unsigned stream = TFX_OPBIT(TFX_OP_BIAS) | TFX_OPBIT(TFX_OP_REQUANT) |
                      TFX_OPBIT(TFX_OP_RESIDUAL) | TFX_OPBIT(TFX_OP_GELU);
    unsigned ln = TFX_OPBIT(TFX_OP_REQUANT) | TFX_OPBIT(TFX_OP_RESIDUAL) |
                  TFX_OPBIT(TFX_OP_LAYERNORM) | TFX_OPBIT(TFX_OP_GELU);
    fprintf(f, "lanes,ln_banks,chain,d,cycles_per_row_steady,cycles_one_row\n");
    for (int banks = 2; banks <= 3; banks++)
        for (size_t li = 0; li < sizeof lanes / sizeof *lanes; li++)
            for (int ch = 0; ch < 2; ch++) {
                if (ch == 0 && banks == 3)
                    continue; /* the banks only matter to LayerNorm */
                for (size_t di = 0; di < sizeof ds / sizeof *ds; di++) {
                    struct tfx_arch a;
                    memset(&a, 0, sizeof a);
                    a.lanes = lanes[li], a.max_d = 4096, a.ln_max_d = 4096;
                    struct tfx_hw h = {TFX_BUILT_ALL, 1, banks, 8};
                    unsigned ops = ch ? ln : stream;
                    int n = 4 * banks;
                    long long g = tfx_cycles_groups(&a, &h, ops, ds[di], 1, n);
                    fprintf(f, "%d,%d,%s,%d,%.3f,%lld\n", lanes[li], banks, ch ? "layernorm" : "stream",
                            ds[di], (double)g / n, tfx_cycles_cmd(&a, &h, ops, 1, ds[di], 1));
                }
            }
    return f == stdout ? 0 : (fclose(f) ? 1 : 0);
}
