/* tf_aux_host.c -- HOST-SIDE helpers of the auxiliary unit's model, in double and long
 * double precision: choosing integer parameters for real scales, and the references the
 * tests and the accuracy benchmark compare the bit-exact model (model/tf_aux.c) with.
 * Nothing in here is part of the bit-exact arithmetic. */
#include "tf_aux.h"

#include <math.h>

int tfx_host_fit16(double s, uint32_t *mant, int *exp)
{
    if (!(s > 0)) {
        *mant = 0;
        *exp = 0;
        return -1;
    }
    int e;
    double f = frexp(s, &e); /* s = f 2^e, f in [1/2, 1) */
    double m = floor(f * 65536.0 + 0.5);
    if (m >= 65536.0) {
        m = 32768.0;
        e++;
    }
    *mant = (uint32_t)m;
    *exp = 16 - e;
    return 0;
}

struct tfx_gelu_scale tfx_host_gelu_scale(double s_in, double s_out)
{
    struct tfx_gelu_scale g;
    tfx_host_fit16(s_in, &g.in_mant, &g.in_exp);
    tfx_host_fit16(1.0 / s_out, &g.out_mant, &g.out_exp);
    return g;
}

double tfx_host_gelu_s_in(const struct tfx_gelu_scale *s)
{
    return ldexp((double)s->in_mant, -s->in_exp);
}

double tfx_host_gelu_s_out(const struct tfx_gelu_scale *s)
{
    return 1.0 / ldexp((double)s->out_mant, -s->out_exp);
}

struct tfx_res_scale tfx_host_res_scale(double ratio)
{
    struct tfx_res_scale r = {0, 0, 0};
    int e;
    double f = frexp(ratio, &e); /* ratio = f 2^e */
    double m = floor(f * 2147483648.0 + 0.5);
    if (m >= 2147483648.0) {
        m = 1073741824.0;
        e++;
    }
    r.mult = (uint32_t)m;
    if (e >= 0)
        r.lshift = e;
    else
        r.shift = -e;
    return r;
}

void tfx_host_rq_fit(double s, uint32_t *mult, int *shift)
{
    int e = (int)floor(-log2(s)); /* s 2^e in [1/2, 1) */
    if (ldexp(s, e) >= 1.0)
        e--;
    if (ldexp(s, e) < 0.5)
        e++;
    if (e <= 31) {
        double m = floor(ldexp(s, 31 + e) + 0.5);
        if (m >= 2147483648.0) {
            if (e >= 1) {
                m = 1073741824.0;
                e--;
            } else {
                m = 2147483647.0;
            }
        }
        *mult = (uint32_t)m;
        *shift = e < 0 ? 0 : e;
        return;
    }
    *shift = 31;
    *mult = (uint32_t)floor(ldexp(s, 62) + 0.5);
}

long double tfx_host_gelu_exact(long double x)
{
    return 0.5L * x * erfcl(-x / sqrtl(2.0L));
}

double tfx_host_igelu(double x)
{
    const double a = -0.2888, b = -1.769;
    double z = x / sqrt(2.0), az = fabs(z);
    double l = a * ((az < -b ? az : -b) + b) * ((az < -b ? az : -b) + b) + 1.0;
    double erf_ = z < 0 ? -l : l;
    return 0.5 * x * (1.0 + erf_);
}

static int64_t round_sat(long double y, int bits)
{
    long double r = floorl(y + 0.5L);
    long double hi = ldexpl(1.0L, bits - 1) - 1.0L, lo = -ldexpl(1.0L, bits - 1);
    return (int64_t)(r > hi ? hi : (r < lo ? lo : r));
}

int64_t tfx_host_gelu_ref(int64_t q, const struct tfx_gelu_scale *s, int out_bits)
{
    long double x = ldexpl((long double)q * (long double)s->in_mant, -s->in_exp);
    long double y = tfx_host_gelu_exact(x) * ldexpl((long double)s->out_mant, -s->out_exp);
    return round_sat(y, out_bits);
}

void tfx_host_ln_ref(int d, const int64_t *x, const struct tfx_ln_params *p, int out_bits,
                     long double *yr, int64_t *yq)
{
    long double sum = 0, var = 0;
    for (int i = 0; i < d; i++)
        sum += (long double)x[i];
    long double mean = sum / d;
    for (int i = 0; i < d; i++)
        var += ((long double)x[i] - mean) * ((long double)x[i] - mean);
    var /= d;
    long double eps = (long double)tfx_ln_eps(d, p->eps_q) / ((long double)d * d);
    long double den = sqrtl(var + eps);
    for (int i = 0; i < d; i++) {
        long double n = den > 0 ? ((long double)x[i] - mean) / den : 0.0L;
        long double y = ldexpl((long double)p->gamma[i], -p->gamma_frac) * n +
                        ldexpl((long double)p->beta[i], -p->beta_frac);
        if (yr)
            yr[i] = y;
        if (yq)
            yq[i] = round_sat(y, out_bits);
    }
}
