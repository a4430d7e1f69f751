/* attn_accuracy.c -- accuracy of the integer attention unit (model/tf_attn.c, bit-exact
 * with the RTL) against double-precision attention, for make bench.
 *
 * A sequence of L tokens is decoded one step at a time (causal: step t attends to
 * tokens 0..t). Real-valued q, k, v are drawn, quantized to int8 per tensor
 * (x = round(real / s), s = 5/127, clipped), and fed to the unit; the reference is
 * softmax(q.k / sqrt(D)) . v in double precision on the real values over the whole
 * context, so int8 quantization, int4 KV compression, the integer softmax and pruning
 * all count as error. Per configuration it reports, over every step and element, the
 * largest absolute error of o and the mean and minimum cosine similarity.
 *
 * Data: "random" (q, k, v ~ N(0, 1): scores ~ N(0, 1), a broad distribution) and
 * "peaked" (8 heavy-hitter tokens whose keys align with a direction every query
 * shares: about three quarters of the probability on them).
 *
 * usage: attn_accuracy [--csv FILE] [--steps L] [--dim D] [--seed S] */
#include "tf_attn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint64_t next64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double uniform(void) { return ((double)(next64() >> 11) + 0.5) / 9007199254740992.0; }
static double gauss(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }

#define QSCALE (5.0 / 127.0)

static int8_t quant(double x) { return tfa_quant8(x, QSCALE); }

struct result {
    double max_err, mean_cos, min_cos;
    long evictions;
};

/* Decode L steps of one sequence with architecture a; data is L x D each. */
static struct result run(const struct tfa_arch *a, int L, const double *q, const double *k,
                         const double *v)
{
    int d = a->head_dim;
    struct tfa_head h;
    struct result res = {0, 0, 2, 0};
    if (tfa_head_init(&h, a) != 0) {
        fprintf(stderr, "attn_accuracy: out of memory\n");
        exit(2);
    }
    int8_t *qi = malloc((size_t)d), *ki = malloc((size_t)d), *vi = malloc((size_t)d);
    int64_t *o = malloc(sizeof *o * (size_t)d);
    double *w = malloc(sizeof *w * (size_t)L), *ref = malloc(sizeof *ref * (size_t)d);
    double inv_sqrt_d = 1.0 / sqrt((double)d), cos_sum = 0;
    for (int t = 0; t < L; t++) {
        for (int i = 0; i < d; i++) {
            qi[i] = quant(q[(size_t)t * d + i]);
            ki[i] = quant(k[(size_t)t * d + i]);
            vi[i] = quant(v[(size_t)t * d + i]);
        }
        struct tfa_step st;
        if (tfa_decode(a, &h, qi, ki, vi, o, &st) != 0) {
            fprintf(stderr, "attn_accuracy: cache full without pruning\n");
            exit(2);
        }
        res.evictions += st.evicted >= 0;
        /* reference over the whole context 0..t */
        double m = -1e300, z = 0;
        for (int j = 0; j <= t; j++) {
            double s = 0;
            for (int i = 0; i < d; i++)
                s += q[(size_t)t * d + i] * k[(size_t)j * d + i];
            w[j] = s * inv_sqrt_d;
            m = w[j] > m ? w[j] : m;
        }
        for (int j = 0; j <= t; j++)
            z += (w[j] = exp(w[j] - m));
        for (int i = 0; i < d; i++) {
            double acc = 0;
            for (int j = 0; j <= t; j++)
                acc += w[j] * v[(size_t)j * d + i];
            ref[i] = acc / z;
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < d; i++) {
            double got = ldexp((double)o[i], -a->prob_bits) * QSCALE;
            double e = fabs(got - ref[i]);
            res.max_err = e > res.max_err ? e : res.max_err;
            dot += got * ref[i], na += got * got, nb += ref[i] * ref[i];
        }
        double c = (na > 0 && nb > 0) ? dot / sqrt(na * nb) : 1.0;
        cos_sum += c;
        res.min_cos = c < res.min_cos ? c : res.min_cos;
    }
    res.mean_cos = cos_sum / L;
    free(qi), free(ki), free(vi), free(o), free(w), free(ref);
    tfa_head_free(&h);
    return res;
}

/* L x D real data of one kind. */
static void make_data(int peaked, int L, int d, double *q, double *k, double *v)
{
    double *u = malloc(sizeof *u * (size_t)d);
    for (int i = 0; i < d; i++)
        u[i] = gauss();
    int hot[8];
    for (int h = 0; h < 8; h++)
        hot[h] = (int)((long)(h * 2 + 1) * L / 17); /* spread over the sequence */
    for (int t = 0; t < L; t++) {
        int is_hot = 0;
        for (int h = 0; h < 8; h++)
            is_hot |= hot[h] == t;
        for (int i = 0; i < d; i++) {
            size_t x = (size_t)t * d + i;
            v[x] = gauss();
            if (!peaked) {
                q[x] = gauss();
                k[x] = gauss();
            } else {
                q[x] = u[i] + 0.5 * gauss();
                /* hot keys: score ~ 0.75 * |u|^2 / sqrt(D) ~ 0.75 sqrt(D) = 6 at D = 64 */
                k[x] = is_hot ? 0.75 * u[i] * 8.0 / sqrt((double)d) + 0.3 * gauss() : gauss();
            }
        }
    }
    free(u);
}

int main(int argc, char **argv)
{
    const char *csv_path = NULL;
    int L = 512, d = 64;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv_path = argv[++i];
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc) L = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dim") && i + 1 < argc) d = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: attn_accuracy [--csv FILE] [--steps L] [--dim D] [--seed S]\n");
            return 2;
        }
    }
    if (L < 16 || L > 8192 || d < 1 || d > 256) {
        fprintf(stderr, "attn_accuracy: --steps 16..8192, --dim 1..256\n");
        return 2;
    }
    FILE *csv = csv_path ? fopen(csv_path, "w") : NULL;
    if (csv_path && !csv) {
        perror(csv_path);
        return 2;
    }
    if (csv)
        fprintf(csv, "data,kv_bits,capacity,prune,recent,topk,steps,dim,evictions,max_abs_err,mean_cos,min_cos\n");
    printf("%-7s %-3s %8s %-10s %5s %8s %10s %9s %9s\n", "data", "kv", "capacity", "pruning", "topk",
           "evicted", "max|err|", "mean cos", "min cos");
    size_t n = (size_t)L * d;
    double *q = malloc(sizeof *q * n), *k = malloc(sizeof *k * n), *v = malloc(sizeof *v * n);
    int caps[] = {L, L / 2, L / 4, L / 8};
    for (int peaked = 0; peaked < 2; peaked++) {
        rng_state = seed * 7919 + (uint64_t)peaked;
        make_data(peaked, L, d, q, k, v);
        for (int kv = 8; kv >= 4; kv -= 4) {
            for (int ci = 0; ci < 4; ci++) {
                for (int topk = 0; topk <= 32; topk += 32) {
                    struct tfa_arch a;
                    memset(&a, 0, sizeof a);
                    a.banks = 8;
                    a.tokens_per_bank = caps[ci] / 8;
                    a.head_dim = d;
                    a.kv_bits = kv;
                    a.exp_frac_bits = 24;
                    a.exp_table_bits = 8;
                    a.exp_bits = 15;
                    a.prob_bits = 15;
                    a.imp_bits = 32;
                    a.prune = ci == 0 ? TFA_PRUNE_NONE : TFA_PRUNE_IMPORTANCE;
                    a.recent = ci == 0 ? 0 : 16;
                    a.topk = topk;
                    a.scale_c = tfa_scale_const_real(QSCALE * QSCALE, d, a.exp_frac_bits);
                    const char *why = tfa_check(&a);
                    if (why) {
                        fprintf(stderr, "attn_accuracy: %s\n", why);
                        return 2;
                    }
                    struct result r = run(&a, L, q, k, v);
                    const char *pr = ci == 0 ? "none" : "importance";
                    printf("%-7s %-3d %8d %-10s %5d %8ld %10.5f %9.6f %9.6f\n",
                           peaked ? "peaked" : "random", kv, caps[ci], pr, topk, r.evictions,
                           r.max_err, r.mean_cos, r.min_cos);
                    if (csv)
                        fprintf(csv, "%s,%d,%d,%s,%d,%d,%d,%d,%ld,%.6f,%.6f,%.6f\n",
                                peaked ? "peaked" : "random", kv, caps[ci], pr, a.recent, topk, L, d,
                                r.evictions, r.max_err, r.mean_cos, r.min_cos);
                }
            }
        }
    }
    free(q), free(k), free(v);
    if (csv)
        fclose(csv);
    return 0;
}
