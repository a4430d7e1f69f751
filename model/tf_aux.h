/* tf_aux.h -- golden model of the auxiliary unit behind the GEMM engine: per-column bias,
 * requantization, residual add, LayerNorm over a row, GELU, chained by one command over a
 * row of d accumulators.
 *
 * Everything in model/tf_aux.c is integer and bit-exact (no float or double anywhere in
 * it, the GELU coefficient ROM included); docs/numerics.md is the specification, this
 * file's functions its reference implementation, element by element. Requantization is
 * tfm_requant() of model/tf_model.c, reused, not copied. The host-side helpers at the end
 * of this header use double precision and live in a separate file, model/tf_aux_host.c:
 * they are not part of the bit-exact model. */
#ifndef TF_AUX_H
#define TF_AUX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fixed constants of the arithmetic (docs/numerics.md) --------------------- */
enum {
    /* LayerNorm: Q = d^2 (var + eps) is normalized to Qn = Q / 4^k in [2^30, 2^32) and
     * R = floor(2^45 / sqrt(Qn)), in (2^29, 2^30], by a radix-2 digit recurrence of
     * TFX_LN_RSQRT_ITERS iterations; n = (d x - S1) / sqrt(Q) is kept with
     * TFX_LN_T_FRAC fraction bits, the output before its final rounding with
     * TFX_LN_Y_FRAC fraction bits of an output LSB. */
    TFX_LN_QN_LO_BITS = 30,
    TFX_LN_R_BITS = 30,
    TFX_LN_RSQRT_K = 45,
    TFX_LN_RSQRT_ITERS = 31,
    TFX_LN_T_FRAC = 24,
    TFX_LN_Y_FRAC = 16,
    TFX_LN_EPS_FRAC = 16,
    /* GELU: g(a) = a * (1 - Phi(a)) on a in [0, 8) by 2^(3 + SEG_BITS) quadratic
     * segments; a and g in Q.28; u (position in a segment) of U_BITS bits. */
    TFX_GELU_FRAC = 28,
    TFX_GELU_SEG_BITS = 5,
    TFX_GELU_SEGS = 256,
    TFX_GELU_U_BITS = 20
};

/* ---- architecture ---------------------------------------------------------------- */
struct tfx_arch {
    int lanes;         /* elements per beat (cycle model only): 1..64 */
    int max_d;         /* longest row (depth of the per-column parameter memories): 1..4096 */
    int acc_bits;      /* A: width of an accumulator lane and of the bias stage: 16..48 */
    int bias_bits;     /* width of a bias: 2..32, <= acc_bits */
    int rq_bits;       /* output width of the requantization stage: 2..24 */
    int res_bits;      /* output width of the residual add: 2..24 */
    int res_in_bits;   /* width of a residual operand: 2..16 (int8: 8) */
    int ln_in_bits;    /* widest LayerNorm input: 2..20 */
    int ln_out_bits;   /* LayerNorm output width: 2..16 */
    int ln_max_d;      /* longest LayerNorm row (row buffer depth): 1..max_d */
    int gelu_in_bits;  /* widest GELU input code: 2..16 */
    int gelu_out_bits; /* GELU output width: 2..16 */
};

/* 0 if a is legal, else a static message naming the first problem. */
const char *tfx_check(const struct tfx_arch *a);

/* ---- the functions, one element (or one row) at a time ----------------------------- */

/* Saturating clamp of x to a signed width of bits (1..63). */
int64_t tfx_sat(int64_t x, int bits);

/* Bias: sat_A(acc + bias); exact before the one saturation (A = acc_bits). */
int64_t tfx_bias(const struct tfx_arch *a, int64_t acc, int32_t bias);

/* Requantization: tfm_requant(x, mult, shift, rq_bits) (docs/numerics.md section 4). */
int64_t tfx_requant(const struct tfx_arch *a, int64_t x, uint32_t mult, int shift);

/* Residual operand alignment: the ratio of the operand's scale to the main path's is
 * mult * 2^(lshift - 31 - shift); mult < 2^31, lshift 0..24, shift 0..31. */
struct tfx_res_scale {
    uint32_t mult;
    int lshift, shift;
};
/* sat_R(x + al), al = tfm_requant(r * 2^lshift, mult, shift, R + 1), R = res_bits: equal to
 * saturating the exact sum x + requant(r) once (al's own clamp to R + 1 bits never
 * changes the result while |x| < 2^(R-1)). */
int64_t tfx_residual(const struct tfx_arch *a, int64_t x, int32_t r,
                     const struct tfx_res_scale *s);

/* LayerNorm parameters, all in units of the output LSB (the output scale is folded in):
 * gamma_i / 2^gamma_frac and beta_i / 2^beta_frac output LSBs; eps = eps_q / 2^16 input
 * units squared (the unit applies eps_eff = E / d^2, E = tfx_ln_eps(d, eps_q)). */
struct tfx_ln_params {
    const int16_t *gamma; /* d entries */
    const int32_t *beta;  /* d entries */
    int gamma_frac;       /* 0..15 */
    int beta_frac;        /* 0..16 */
    uint32_t eps_q;       /* unsigned Q16.16 */
};

/* The per-row quantities of one LayerNorm row, for harnesses that compare the RTL's
 * statistics and reciprocal square root, not only its outputs. */
struct tfx_ln_trace {
    int64_t s1;  /* sum x */
    uint64_t s2; /* sum x^2 */
    uint64_t v;  /* d * s2 - s1^2 = d^2 var */
    uint64_t e;  /* tfx_ln_eps(d, eps_q) */
    uint64_t q;  /* v + e */
    int k;       /* normalization: qn = q / 4^k (k < 0: q * 4^-k) */
    uint64_t qn; /* in [2^30, 2^32), or 0 when q = 0 */
    uint32_t r;  /* floor(2^45 / sqrt(qn)), 0 when q = 0 */
    int sh;      /* 21 + k: the right shift that gives t */
};

/* E = round_half_up(d^2 * eps_q / 2^16), once per command. */
uint64_t tfx_ln_eps(int d, uint32_t eps_q);
/* floor(2^45 / sqrt(qn)) for qn in [2^30, 2^32), by the digit recurrence of the spec. */
uint32_t tfx_ln_rsqrt(uint64_t qn);
/* One row: x[0..d-1] (each within ln_in_bits) -> y[0..d-1] (ln_out_bits); y may be x.
 * pre (may be NULL) gets each element's value before the final rounding, in units of
 * 2^-16 output LSB; tr (may be NULL) the row's quantities. */
void tfx_layernorm(const struct tfx_arch *a, int d, const int64_t *x,
                   const struct tfx_ln_params *p, int64_t *y, int64_t *pre,
                   struct tfx_ln_trace *tr);

/* GELU scales: the input code q means q * s_in with s_in = in_mant * 2^-in_exp; the output
 * code y means y * s_out with 1 / s_out = out_mant * 2^-out_exp.
 * Legal: in_mant, out_mant 1..65535, in_exp 0..47, out_exp 0..40 (so s_out > 2^-16). */
struct tfx_gelu_scale {
    uint32_t in_mant;
    int in_exp;
    uint32_t out_mant;
    int out_exp;
};

/* The coefficient ROM: segment s covers a in [s/32, (s+1)/32); with w = u / 2^20,
 * g(a) ~ c0 + c1 w + c2 w^2 in Q.28. Computed in integer arithmetic only. */
struct tfx_gelu_rom {
    int32_t c0[TFX_GELU_SEGS], c1[TFX_GELU_SEGS], c2[TFX_GELU_SEGS];
};
void tfx_gelu_rom_init(struct tfx_gelu_rom *rom);
/* g(k / 512) = (k / 512) * (1 - Phi(k / 512)) in Q.56 for k = 0..4096: the node values
 * the ROM is fitted to (integer series arithmetic, error below 2^-50). */
int64_t tfx_gelu_node_q56(int k);
/* g(a) from the ROM for a28 = a * 2^28 < 2^31, in Q.28. */
int64_t tfx_gelu_g28(const struct tfx_gelu_rom *rom, uint32_t a28);
/* The GELU value before the output scaling: GELU(q s_in) * 2^28 (*big = 0), or, when
 * a = |q| s_in >= 8 (*big = 1), the value 0 for q <= 0 and a_x = |q| in_mant (GELU =
 * a_x * 2^-in_exp) for q > 0. */
int64_t tfx_gelu_value(const struct tfx_gelu_rom *rom, int64_t q, const struct tfx_gelu_scale *s,
                       int *big);
/* One element: the gelu_out_bits output code. */
int64_t tfx_gelu(const struct tfx_arch *a, const struct tfx_gelu_rom *rom, int64_t q,
                 const struct tfx_gelu_scale *s);

/* ---- commands: a chain over one row --------------------------------------------- */
enum tfx_op {
    TFX_OP_BIAS = 1,
    TFX_OP_REQUANT = 2,
    TFX_OP_RESIDUAL = 3,
    TFX_OP_LAYERNORM = 4,
    TFX_OP_GELU = 5
};
#define TFX_MAX_OPS 5

/* One command: ops[0..nops-1] in strictly increasing enum order (the order of the
 * hardware's stages; any subset; nops = 0 passes the accumulators through). Arrays of
 * per-column parameters have d entries (requant: 1 entry when rq_per_tensor). */
struct tfx_cmd {
    int d;
    int nops;
    int ops[TFX_MAX_OPS];
    const int32_t *bias;       /* BIAS */
    int rq_per_tensor;         /* REQUANT */
    const uint32_t *rq_mult;   /* each < 2^31 */
    const uint8_t *rq_shift;   /* each 0..31 */
    struct tfx_res_scale res;  /* RESIDUAL; the operand row is tfx_run's res argument */
    struct tfx_ln_params ln;   /* LAYERNORM */
    struct tfx_gelu_scale gelu; /* GELU */
};

enum tfx_err {
    TFX_OK = 0,
    TFX_E_D = 1,     /* d < 1 or d > max_d, or LayerNorm with d > ln_max_d */
    TFX_E_ORDER = 2, /* unknown op, an op twice, or ops out of the stage order */
    TFX_E_WIDTH = 3, /* an op's input can be wider than the op takes */
    TFX_E_PARAM = 4, /* a parameter out of its range, or a missing array */
    TFX_E_DATA = 5,  /* an input element outside acc_bits or a residual outside res_in_bits */
    TFX_E_BUILT = 6  /* (RTL) an op whose stage the design does not have */
};
const char *tfx_err_str(int e);

/* TFX_OK or the first problem of the command (parameters included). */
int tfx_cmd_check(const struct tfx_arch *a, const struct tfx_cmd *c);
/* The width of the command's output lanes (acc_bits for a pass-through). */
int tfx_cmd_out_bits(const struct tfx_arch *a, const struct tfx_cmd *c);

/* Run command c on one row: in[0..d-1] accumulators (within acc_bits), res[0..d-1] the
 * residual operand row (NULL unless RESIDUAL), out[0..d-1] the results. Returns TFX_OK, or
 * the error of tfx_cmd_check / TFX_E_DATA, in which case out is not written. */
int tfx_run(const struct tfx_arch *a, const struct tfx_gelu_rom *rom, const struct tfx_cmd *c,
            const int64_t *in, const int32_t *res, int64_t *out);

/* ---- the RTL: what is built, its command check, its cycle model ---------------------- */
/* templates/aux/tf_aux.v (docs/architecture.md 3.6). A RUN command is the chain c over m rows of
 * c->d elements, in beats of lanes elements; with LAYERNORM the rows arrive in groups of
 * grp rows (the last group possibly fewer) whose beats may interleave (the GEMM engine's
 * OS order interleaves R rows, WS all M). */
#define TFX_OPBIT(op) (1u << ((op) - 1))
#define TFX_BUILT_ALL 0x1fu
struct tfx_hw {
    unsigned built; /* TFX_OPBIT(op) set: the op's stage exists (Has* = 1) */
    int ln_rows;    /* LnRows: rows of one LayerNorm group, 1 .. 2^(row_bits-1) - 1 */
    int ln_banks;   /* LnBanks: row-store banks, >= 2 */
    int row_bits;   /* RowW: rows of a command 1 .. 2^row_bits - 1 */
};
/* RTL command kinds (cmd_op_i) */
enum { TFX_CMD_RUN = 0, TFX_CMD_LOAD_BIAS = 1, TFX_CMD_LOAD_RQ = 2, TFX_CMD_LOAD_GAMMA = 3,
       TFX_CMD_LOAD_BETA = 4 };

/* The ops mask of c (bit op-1 for each op; the RTL's cmd_ops_i), or -1 when c->ops is not
 * a strictly increasing list of known ops (not expressible as a mask). */
int tfx_cmd_mask(const struct tfx_cmd *c);
/* The RTL's err_code_o for a RUN of c over m rows in groups of grp: TFX_OK or the first
 * problem in the RTL's order (d and m; an op not built: TFX_E_BUILT; then per op in stage
 * order its width and scalar parameters, with LAYERNORM's d <= ln_max_d and 1 <= grp <=
 * ln_rows as TFX_E_D). The arrays are not looked at: the RTL keeps them in its parameter
 * memories, loaded before the command. For a legal m and grp and every op built it equals
 * tfx_cmd_check() whenever that finds no array problem. */
int tfx_hw_check(const struct tfx_arch *a, const struct tfx_hw *h, const struct tfx_cmd *c,
                 int m, int grp);
/* err_code_o of a load command (TFX_CMD_LOAD_*) of n entries; TFX_E_ORDER for kind > 4. */
int tfx_hw_load_check(const struct tfx_arch *a, const struct tfx_hw *h, int kind, int n);

/* Pipeline registers a beat passes: before the LayerNorm (S0 and the built BIAS, REQUANT,
 * RESIDUAL stages), and after it (the built GELU stage). */
int tfx_lat_up(const struct tfx_hw *h);
int tfx_lat_down(const struct tfx_hw *h);
/* Nominal latency of an op's stage: BIAS 1, REQUANT 2, RESIDUAL 1 (3 - bias - requant when
 * those are fewer than 2 cycles: tfx_lat_up), LAYERNORM 6 (read and normalize, after the
 * row's setup), GELU 8. */
int tfx_op_latency(int op);
/* Setup cycles of one LayerNorm row (d S2 and S1^2, Q, normalization, 31 reciprocal
 * square root steps, d R and S1 R). */
#define TFX_LN_SETUP_ROW 35
/* Cycles from a LayerNorm group's last row-store write to its first normalize read when the
 * setup unit and the normalizer are free: statistics (3) + 35 g + 1. */
long long tfx_ln_group_gap(int g);
/* The same for one row (g = 1): 39 whatever d and lanes. */
long long tfx_ln_row_cycles(const struct tfx_arch *a, int d);

/* Cycles of a RUN (mask ops, m rows of d, LayerNorm groups of grp) from the cycle it is
 * accepted to the first cycle the next command can be, with every input beat offered at once
 * and no output back-pressure. Exact for the RTL: its stat_cycles_o is this minus 1. */
long long tfx_cycles_cmd(const struct tfx_arch *a, const struct tfx_hw *h, unsigned ops, int m,
                         int d, int grp);
/* Cycles of a load of n entries: 1 + n. */
long long tfx_cycles_load(long long n);
/* Steady-state cycles that n more groups of grp rows of d add to a long RUN (tfx_cycles_cmd
 * of k + n groups minus k groups, k large): n ceil(d / lanes) grp without LAYERNORM; with it
 * the bank rotation of docs/architecture.md 3.6, whose per-group increments can alternate (2 banks,
 * long rows: b and b + 38), so take n a multiple of ln_banks for a rate: n times
 * max(b, 35 g + 1, (2 b + 35 g + 3) / ln_banks), b = g ceil(d / lanes) (tests/test_aux.c). */
long long tfx_cycles_groups(const struct tfx_arch *a, const struct tfx_hw *h, unsigned ops,
                            int d, int grp, int n);

/* ==== Host-side helpers: DOUBLE PRECISION, defined in model/tf_aux_host.c ==========
 * Not part of the bit-exact model: they pick integer parameters for real scales and
 * compute double-precision references for the tests and the benchmark. */

/* s = mant * 2^-exp with mant in [2^15, 2^16) (rounded); 0 if s <= 0. */
int tfx_host_fit16(double s, uint32_t *mant, int *exp);
/* GELU scales for real s_in and s_out (s_out > 2^-16 and s_in >= 2^-32 for legal ones). */
struct tfx_gelu_scale tfx_host_gelu_scale(double s_in, double s_out);
/* The real scales the integer ones stand for. */
double tfx_host_gelu_s_in(const struct tfx_gelu_scale *s);
double tfx_host_gelu_s_out(const struct tfx_gelu_scale *s);
/* Residual alignment for a real ratio s_r / s_main in [2^-31, 2^24). */
struct tfx_res_scale tfx_host_res_scale(double ratio);
/* (mult, shift) for a real requantization scale in (0, 1), docs/numerics.md 4.6. */
void tfx_host_rq_fit(double s, uint32_t *mult, int *shift);
/* Exact GELU, x * Phi(x), in long double (erfc form: no cancellation for x < 0). */
long double tfx_host_gelu_exact(long double x);
/* I-BERT's i-GELU (arXiv 2101.01321, eq. for L(x)) evaluated in double. */
double tfx_host_igelu(double x);
/* The correctly rounded reference output code of GELU for code q: round half up of
 * GELU(q s_in) / s_out, saturated to out_bits. */
int64_t tfx_host_gelu_ref(int64_t q, const struct tfx_gelu_scale *s, int out_bits);
/* The reference LayerNorm row in long double: gamma_i 2^-gf (x_i - mean) /
 * sqrt(var + E / d^2) + beta_i 2^-bf (0/0 taken as 0), in output LSBs (yr, may be NULL)
 * and rounded half up and saturated to out_bits (yq). */
void tfx_host_ln_ref(int d, const int64_t *x, const struct tfx_ln_params *p, int out_bits,
                     long double *yr, int64_t *yq);

#ifdef __cplusplus
}
#endif

#endif
