/* vecgen.c -- writes random register-file accesses and the golden model's
 * expected read data for the Icarus testbench (tb/trf/tb.v). Built per design
 * with its params header force-included. Usage: trf_vecgen SEED CYCLES OUT.txt
 *
 * Format: the number of cycles, then one line per cycle:
 *   W_VALID W_DIR W_IDX W_MASK(hex) W_DATA(hex)  then per read port:
 *   R_VALID R_DIR R_IDX EXPECTED(hex)
 * EXPECTED is what the port must return one cycle later (read-first). The first
 * TFP_TRF_ROWS cycles fill the file by row writes. */
#include "tf_model.h"
#include "vecgen.h"

#include <stdio.h>
#include <stdlib.h>

enum { NR = TFP_TRF_ROWS, NC = TFP_TRF_COLS, W = TFP_TRF_WIDTH, NB = TFP_TRF_WORDS };


/* Print n words of w bits (word 0 least significant) as one hex number. */
static void hex(FILE *f, const uint64_t *v, int n, int w)
{
    int bits = n * w, digits = (bits + 3) / 4;
    for (int d = digits - 1; d >= 0; d--) {
        int nib = 0;
        for (int b = 3; b >= 0; b--) {
            int bit = d * 4 + b;
            int on = bit < bits ? (int)((v[bit / w] >> (bit % w)) & 1) : 0;
            nib = nib * 2 + on;
        }
        fputc("0123456789abcdef"[nib], f);
    }
}

int main(int argc, char **argv)
{
    uint64_t seed;
    long cycles;
    FILE *f = tbv_args(argc, argv, "trf_vecgen", "CYCLES", &seed, &cycles);
    struct tfm_trf m;
    if (tfm_trf_init(&m, NR, NC, W) != 0) {
        fprintf(stderr, "trf_vecgen: out of memory\n");
        return 2;
    }
    uint64_t wm = W >= 64 ? ~0ULL : ((1ULL << W) - 1);
    int idx_max = (1 << TFP_TRF_IDX_W) - 1;
    uint64_t data[NB], exp[NB], maskw[NB];
    uint8_t mask[NB];
    long total = NR + cycles;
    fprintf(f, "%ld\n", total);
    for (long c = 0; c < total; c++) {
        int fill = c < NR;
        /* reads see the contents before this cycle's write */
        int rv[2], rd[2], ri[2];
        uint64_t rexp[2][NB];
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            rv[p] = !fill && tbv_range(&seed, 0, 9) < 7;
            rd[p] = tbv_range(&seed, 0, 1);
            ri[p] = tbv_range(&seed, 0, 49) == 0 ? tbv_range(&seed, 0, idx_max) : tbv_range(&seed, 0, (rd[p] ? NC : NR) - 1);
            tfm_trf_read(&m, rd[p], ri[p], exp);
            for (int i = 0; i < NB; i++)
                rexp[p][i] = rv[p] ? exp[i] : 0;
        }
        int wv = fill || tbv_range(&seed, 0, 1);
        int wd = fill ? 0 : tbv_range(&seed, 0, 1);
        int wi = fill ? (int)c : (tbv_range(&seed, 0, 49) == 0 ? tbv_range(&seed, 0, idx_max) : tbv_range(&seed, 0, (wd ? NC : NR) - 1));
        for (int i = 0; i < NB; i++) {
            data[i] = tbv_next(&seed) & wm;
            mask[i] = (uint8_t)(fill || !TFP_TRF_MASK || tbv_range(&seed, 0, 3) != 0);
            maskw[i] = mask[i];
        }
        if (wv)
            tfm_trf_write(&m, wd, wi, data, mask);
        fprintf(f, "%d %d %d ", wv, wd, wi);
        hex(f, maskw, NB, 1);
        fputc(' ', f);
        hex(f, data, NB, W);
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            fprintf(f, " %d %d %d ", rv[p], rd[p], ri[p]);
            hex(f, rexp[p], NB, W);
        }
        fputc('\n', f);
    }
    tfm_trf_free(&m);
    return fclose(f) == 0 ? 0 : 1;
}
