// harness.cpp -- Verilator co-simulation of the auxiliary unit (templates/aux/tf_aux.v)
// against its golden model (model/tf_aux.c): every output element of every accepted RUN is
// compared with tfx_run(), every command's cycles with tfx_cycles_cmd() when it runs without
// gaps or back-pressure, and every refused command's err_code_o with tfx_hw_check().
//
// Standalone for now (docs/aux-rtl.md 6); structured to move onto a shared driver: one Sim
// (clock, reset, trace), one stream source (random gaps, valid held until taken) and one
// sink (random back-pressure), a cycle guard on every wait that names the stuck port, a
// first-mismatch report with indices, expected, actual, seed and a replay command, and an
// FST of the traced replay on failure.
//
// Commands, drawn from a seed: parameter loads (bias, requant entries, gamma, beta; a run
// uses what was loaded last, kept in a shadow copy, so a refused command that changed
// anything shows up in a later run), RUNs of every legal chain of the built stages (each
// alone, chained, pass-through), d from 1 to max_d with the multiples of the lanes and their
// neighbours favoured, 1..7 rows in groups of 1..ln_rows, beats in output-stationary,
// weight-stationary, row-major or shuffled order, padding lanes filled with garbage, input
// styles from uniform to extremes and constant rows, and refused commands of every kind
// (d, m, grp, widths, parameters, an unbuilt stage, an unknown op, load lengths).
// The design's parameters come from the header named by AUX_CFG (tb/aux/run.sh writes it).
#include "Vtf_aux.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "vl_bits.h"

extern "C" {
#include "tf_aux.h"
#include "tf_model.h"
}

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#ifndef AUX_Lanes
#error "compile with -include <config>.h (tb/aux/run.sh)"
#endif

// ---- the design ---------------------------------------------------------------------------
static const int L = AUX_Lanes;
static const int MAXD = AUX_MaxD;
static const int ROWW = AUX_RowW;
static int clog2(long long v)
{
    int n = 0;
    while ((1LL << n) < v)
        n++;
    return n;
}
static const int DW = clog2(MAXD + 1);
static const int COLW = MAXD > 1 ? clog2(MAXD) : 1;
static const int PW = AUX_AccW > AUX_ResW ? AUX_AccW : AUX_ResW;

static struct tfx_arch make_arch()
{
    struct tfx_arch a;
    std::memset(&a, 0, sizeof a);
    a.lanes = L;
    a.max_d = MAXD;
    a.acc_bits = AUX_AccW;
    a.bias_bits = AUX_BiasW;
    a.rq_bits = AUX_RqW;
    a.res_bits = AUX_ResW;
    a.res_in_bits = AUX_ResInW;
    a.ln_in_bits = AUX_LnInW;
    a.ln_out_bits = AUX_LnOutW;
    a.ln_max_d = AUX_LnMaxD;
    a.gelu_in_bits = AUX_GeluInW;
    a.gelu_out_bits = AUX_GeluOutW;
    return a;
}
static const struct tfx_arch ARCH = make_arch();
static const struct tfx_hw HW = {
    (AUX_HasBias ? TFX_OPBIT(TFX_OP_BIAS) : 0u) | (AUX_HasRq ? TFX_OPBIT(TFX_OP_REQUANT) : 0u) |
        (AUX_HasRes ? TFX_OPBIT(TFX_OP_RESIDUAL) : 0u) |
        (AUX_HasLn ? TFX_OPBIT(TFX_OP_LAYERNORM) : 0u) | (AUX_HasGelu ? TFX_OPBIT(TFX_OP_GELU) : 0u),
    AUX_LnRows, AUX_LnBanks, AUX_RowW};

// ---- simulator ------------------------------------------------------------------------------
struct Sim {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vtf_aux> top;
    std::unique_ptr<VerilatedFstC> trace;
    long long cyc = 0;
    Sim(uint64_t seed, const char *fst)
    {
        ctx.reset(new VerilatedContext);
        ctx->randReset(2);
        ctx->randSeed((int)(seed & 0x7fffffff));
        top.reset(new Vtf_aux(ctx.get()));
        if (fst) {
            ctx->traceEverOn(true);
            trace.reset(new VerilatedFstC);
            top->trace(trace.get(), 99);
            trace->open(fst);
        }
        top->clk_i = 0;
        top->rst_ni = 0;
        top->cmd_valid_i = 0;
        top->prm_valid_i = 0;
        top->in_valid_i = 0;
        top->res_valid_i = 0;
        top->out_ready_i = 1;
        top->eval();
        for (int i = 0; i < 3; i++)
            tick();
        top->rst_ni = 1;
        top->eval();
    }
    ~Sim()
    {
        if (trace)
            trace->close();
        top->final();
    }
    void half(int clk)
    {
        top->clk_i = clk;
        top->eval();
        if (trace)
            trace->dump(ctx->time());
        ctx->timeInc(5);
    }
    // inputs are set while the clock is low; the rising edge samples them
    void tick()
    {
        half(1);
        half(0);
        cyc++;
    }
};

// ---- stream endpoints -----------------------------------------------------------------------
// A valid/ready source of n items: once free, it offers the next item with probability
// 1 - gap per cycle and holds valid until the item is taken.
struct Source {
    size_t n = 0, i = 0;
    bool valid = false;
    double gap = 0;
    Source(size_t n_, double gap_) : n(n_), gap(gap_) {}
    bool offer(std::mt19937_64 &rng)
    {
        if (!valid && i < n && std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= gap)
            valid = true;
        return valid;
    }
    void taken() { i++, valid = false; }
    bool done() const { return i >= n; }
};

// A sink that refuses a beat with probability bp per cycle.
struct Sink {
    double bp = 0;
    explicit Sink(double bp_) : bp(bp_) {}
    bool ready(std::mt19937_64 &rng) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= bp; }
};

// A cycle guard: a wait that sees no progress for `limit` cycles fails, naming the port.
struct Guard {
    long long last, limit;
    Guard(long long now, long long lim) : last(now), limit(lim) {}
    void progress(long long now) { last = now; }
    bool stuck(long long now) const { return now - last > limit; }
};

// ---- options, results -----------------------------------------------------------------------
struct Options {
    uint64_t seed = 1;
    int cmds = 300;
    double gap = 0.2, bp = 0.25, timing = 0.35;
    std::string json, fst = "aux_fail.fst", bench;
    bool quiet = false;
};

struct Result {
    long long runs = 0, loads = 0, refused = 0, elements = 0, in_d = 0, beats = 0, mismatches = 0;
    long long timed = 0, timed_ok = 0, rtl_cycles = 0, model_cycles = 0, sim_cycles = 0;
    long long ops_seen[32] = {0};
    std::string failure;
};

static bool fail(Result &r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Result &r, const char *fmt, ...)
{
    if (!r.failure.empty())
        return false;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r.failure = buf;
    r.mismatches++;
    return false;
}

// ---- the command being driven -------------------------------------------------------------------
struct Run {
    struct tfx_cmd c;
    unsigned ops = 0;
    int m = 1, grp = 1, order = 0;
    std::vector<int64_t> in;    // m x d
    std::vector<int32_t> res;   // m x d
    std::vector<int64_t> out;   // m x d expected
    std::vector<int64_t> pad;   // per beat, per lane: garbage for lanes beyond d
    std::vector<int64_t> rpad;
    std::vector<std::pair<int, int>> beats;  // (row, tile)
};

struct Shadow {
    std::vector<int32_t> bias = std::vector<int32_t>((size_t)MAXD);
    std::vector<uint32_t> mult = std::vector<uint32_t>((size_t)MAXD);
    std::vector<uint8_t> shift = std::vector<uint8_t>((size_t)MAXD);
    std::vector<int16_t> gamma = std::vector<int16_t>((size_t)AUX_LnMaxD);
    std::vector<int32_t> beta = std::vector<int32_t>((size_t)AUX_LnMaxD);
    int nbias = 0, nrq = 0, ngamma = 0, nbeta = 0;  // loaded prefix lengths
};

static const char *OPNAME[] = {"BIAS", "REQUANT", "RESIDUAL", "LAYERNORM", "GELU"};
static std::string ops_str(unsigned ops)
{
    std::string s;
    for (int i = 0; i < 5; i++)
        if (ops & (1u << i))
            s += (s.empty() ? "" : ">") + std::string(OPNAME[i]);
    return s.empty() ? "PASS" : s;
}

class Driver {
  public:
    Driver(const Options &o, Sim &s, Result &r) : o_(o), s_(s), r_(r), rng_(o.seed) {}
    bool run();

  private:
    const Options &o_;
    Sim &s_;
    Result &r_;
    std::mt19937_64 rng_;
    Shadow sh_;
    int cmd_no_ = 0;

    double u01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
    long long rint(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }
    int64_t rbits(int bits) { return rint(-(1LL << (bits - 1)), (1LL << (bits - 1)) - 1); }
    int64_t value(int bits, int style, int64_t c0);
    int pick_d(bool ln);

    void idle_inputs();
    bool issue(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd *c);
    bool wait_ready(const char *what);
    bool load(int kind, int n, bool timed);
    bool refused(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd &c, int expect);
    bool run_cmd(Run &rn, bool timed);
    bool make_run(Run &rn, unsigned ops, int d = -1, int m = -1, int grp = -1, int order = -1);
  public:
    bool bench(FILE *f);
  private:
    bool ensure_params(const Run &rn, bool timed);
    bool random_refusal();
};

// An element drawn in one of several styles: uniform over the width, uniform over a random
// narrower width, an extreme, zero, or near a row constant c0.
int64_t Driver::value(int bits, int style, int64_t c0)
{
    int64_t lo = -(1LL << (bits - 1)), hi = (1LL << (bits - 1)) - 1;
    switch (style) {
    case 0: return rbits(bits);
    case 1: return rbits((int)rint(1, bits));
    case 2: return u01() < 0.5 ? lo : hi;
    case 3: return c0;
    case 4: return tfx_sat(c0 + rint(-1, 1), bits);
    default: return u01() < 0.3 ? 0 : rbits((int)rint(1, std::min(bits, 12)));
    }
}

int Driver::pick_d(bool ln)
{
    int mx = ln ? AUX_LnMaxD : MAXD;
    double p = u01();
    int d;
    if (p < 0.15)
        d = (int)rint(1, std::min(mx, 3));
    else if (p < 0.45) {
        int k = (int)rint(1, std::max(1, mx / L));
        d = k * L + (int)rint(-1, 1);
    } else if (p < 0.55)
        d = mx - (int)rint(0, 1);
    else if (p < 0.8)
        d = (int)rint(1, std::min(mx, 8 * L + 3));
    else
        d = (int)rint(1, mx);
    return std::max(1, std::min(mx, d));
}

void Driver::idle_inputs()
{
    auto *t = s_.top.get();
    t->cmd_valid_i = 0;
    t->prm_valid_i = 0;
    t->in_valid_i = 0;
    t->res_valid_i = 0;
}

// Presents one command and waits (guarded) for it to be taken.
bool Driver::issue(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd *c)
{
    auto *t = s_.top.get();
    if (!wait_ready("cmd_ready_o"))
        return false;
    t->cmd_valid_i = 1;
    t->cmd_op_i = (uint8_t)op;
    t->cmd_ops_i = (uint8_t)ops;
    t->cmd_d_i = (uint32_t)d;
    t->cmd_m_i = (uint32_t)m;
    t->cmd_grp_i = (uint32_t)grp;
    t->cmd_rq_pt_i = c ? (uint8_t)c->rq_per_tensor : 0;
    t->cmd_res_mult_i = c ? c->res.mult : 0;
    t->cmd_res_lsh_i = c ? (uint8_t)c->res.lshift : 0;
    t->cmd_res_shift_i = c ? (uint8_t)c->res.shift : 0;
    t->cmd_ln_gf_i = c ? (uint8_t)c->ln.gamma_frac : 0;
    t->cmd_ln_bf_i = c ? (uint8_t)c->ln.beta_frac : 0;
    t->cmd_ln_eps_i = c ? c->ln.eps_q : 0;
    t->cmd_gelu_in_mant_i = c ? (uint16_t)c->gelu.in_mant : 0;
    t->cmd_gelu_in_exp_i = c ? (uint8_t)c->gelu.in_exp : 0;
    t->cmd_gelu_out_mant_i = c ? (uint16_t)c->gelu.out_mant : 0;
    t->cmd_gelu_out_exp_i = c ? (uint8_t)c->gelu.out_exp : 0;
    t->eval();
    if (!t->cmd_ready_o)
        return fail(r_, "command %d: cmd_ready_o fell with cmd_valid_i", cmd_no_);
    s_.tick();
    t->cmd_valid_i = 0;
    t->eval();
    return true;
}

bool Driver::wait_ready(const char *what)
{
    auto *t = s_.top.get();
    for (int i = 0; i < 100000; i++) {
        t->eval();
        if (t->cmd_ready_o)
            return true;
        s_.tick();
    }
    return fail(r_, "command %d: %s stuck low for 100000 cycles (busy_o %d)", cmd_no_, what,
                (int)t->busy_o);
}

static uint64_t prm_word(const Shadow &sh, int kind, int i)
{
    switch (kind) {
    case TFX_CMD_LOAD_BIAS: return (uint64_t)(uint32_t)sh.bias[(size_t)i];
    case TFX_CMD_LOAD_RQ: return ((uint64_t)sh.shift[(size_t)i] << 31) | sh.mult[(size_t)i];
    case TFX_CMD_LOAD_GAMMA: return (uint64_t)(uint16_t)sh.gamma[(size_t)i];
    default: return (uint64_t)(uint32_t)sh.beta[(size_t)i];
    }
}

// A load of n entries (the shadow already holds the new values for 0..n-1).
bool Driver::load(int kind, int n, bool timed)
{
    auto *t = s_.top.get();
    int expect = tfx_hw_load_check(&ARCH, &HW, kind, n);
    if (expect != TFX_OK)
        return fail(r_, "harness: load %d of %d refused by the model", kind, n);
    if (!issue(kind, 0, n, 0, 0, nullptr))
        return false;
    long long c0 = s_.cyc - 1;  // the cycle the command was taken
    Source src((size_t)n, timed ? 0.0 : o_.gap);
    Guard guard(s_.cyc, 10000);
    while (!src.done()) {
        t->prm_valid_i = src.offer(rng_);
        set_bits(t->prm_data_i, 0, 36, prm_word(sh_, kind, (int)src.i));
        t->eval();
        bool fire = src.valid && t->prm_ready_o;
        s_.tick();
        if (fire) {
            src.taken();
            guard.progress(s_.cyc);
        } else if (guard.stuck(s_.cyc)) {
            return fail(r_, "command %d (load %d, n %d): prm_ready_o stuck low at entry %zu", cmd_no_,
                        kind, n, src.i);
        }
    }
    t->prm_valid_i = 0;
    t->eval();
    for (int k = 0; k < 100 && !t->cmd_ready_o; k++) {
        s_.tick();
        t->eval();
    }
    if (!t->cmd_ready_o)
        return fail(r_, "command %d (load): cmd_ready_o stuck low after the last entry", cmd_no_);
    if (t->err_o)
        return fail(r_, "command %d (load %d, n %d): err_o set on an accepted load", cmd_no_, kind, n);
    if (timed) {
        long long cyc = s_.cyc - c0, model = tfx_cycles_load(n);
        r_.timed++;
        r_.rtl_cycles += cyc;
        r_.model_cycles += model;
        if (cyc != model)
            return fail(r_, "command %d (load %d, n %d): %lld cycles, model %lld", cmd_no_, kind, n,
                        cyc, model);
        r_.timed_ok++;
    }
    r_.loads++;
    return true;
}

// A refused command: taken at once, err_o and err_code_o next cycle, and for a while nothing
// is taken on any stream and nothing comes out.
bool Driver::refused(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd &c, int expect)
{
    auto *t = s_.top.get();
    if (!issue(op, ops, d, m, grp, &c))
        return false;
    if (!t->err_o || t->err_code_o != expect || t->busy_o)
        return fail(r_,
                    "command %d (op %d, %s, d %d, m %d, grp %d): err_o %d err_code_o %d busy_o %d, "
                    "expected a refusal with code %d (%s)",
                    cmd_no_, op, ops_str(ops).c_str(), d, m, grp, (int)t->err_o, (int)t->err_code_o,
                    (int)t->busy_o, expect, tfx_err_str(expect));
    for (int k = 0; k < 12; k++) {
        t->in_valid_i = 1;
        t->res_valid_i = 1;
        t->prm_valid_i = 1;
        t->out_ready_i = 1;
        t->eval();
        if (t->in_ready_o || t->res_ready_o || t->prm_ready_o || t->out_valid_o || t->busy_o)
            return fail(r_, "command %d: refused, but in_ready_o %d res_ready_o %d prm_ready_o %d "
                            "out_valid_o %d busy_o %d",
                        cmd_no_, (int)t->in_ready_o, (int)t->res_ready_o, (int)t->prm_ready_o,
                        (int)t->out_valid_o, (int)t->busy_o);
        s_.tick();
    }
    idle_inputs();
    t->eval();
    r_.refused++;
    return true;
}

// The loads a run needs that are not in place yet (or, at random, fresh ones).
bool Driver::ensure_params(const Run &rn, bool timed)
{
    const int d = rn.c.d;
    if ((rn.ops & TFX_OPBIT(TFX_OP_BIAS)) && !load(TFX_CMD_LOAD_BIAS, d, timed))
        return false;
    if (rn.ops & TFX_OPBIT(TFX_OP_REQUANT)) {
        int n = rn.c.rq_per_tensor ? (int)rint(1, d) : d;
        if (!load(TFX_CMD_LOAD_RQ, n, timed))
            return false;
    }
    if (rn.ops & TFX_OPBIT(TFX_OP_LAYERNORM)) {
        if (!load(TFX_CMD_LOAD_GAMMA, d, timed) || !load(TFX_CMD_LOAD_BETA, d, timed))
            return false;
    }
    return true;
}

static int bitlen(uint64_t v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

// Draws the data and parameters of a RUN of chain ops (legal) and its expected output.
bool Driver::make_run(Run &rn, unsigned ops, int d_set, int m_set, int grp_set, int order_set)
{
    const bool ln = ops & TFX_OPBIT(TFX_OP_LAYERNORM);
    struct tfx_cmd &c = rn.c;
    std::memset(&c, 0, sizeof c);
    rn.ops = ops;
    c.d = d_set > 0 ? d_set : pick_d(ln);
    const int d = c.d;
    rn.m = m_set > 0 ? m_set : (int)rint(1, u01() < 0.2 ? 1 : 7);
    if (rn.m > (1 << ROWW) - 1)
        rn.m = (1 << ROWW) - 1;
    rn.grp = ln ? (int)rint(1, std::min(AUX_LnRows, std::max(1, rn.m))) : (int)rint(1, 3);
    if (ln && u01() < 0.2)
        rn.grp = AUX_LnRows;
    if (grp_set > 0)
        rn.grp = grp_set;
    for (int op = TFX_OP_BIAS; op <= TFX_OP_GELU; op++)
        if (ops & TFX_OPBIT(op))
            c.ops[c.nops++] = op;
    const int m = rn.m;
    rn.in.assign((size_t)m * d, 0);
    rn.res.assign((size_t)m * d, 0);
    rn.out.assign((size_t)m * d, 0);
    // inputs: accumulators within acc_bits, one style per row
    for (int i = 0; i < m; i++) {
        int style = (int)rint(0, 5);
        int64_t c0 = rbits(AUX_AccW);
        for (int k = 0; k < d; k++)
            rn.in[(size_t)i * d + k] = value(AUX_AccW, style, c0);
    }
    // bias (a new one half the time; a run always loads what it uses, but the values may
    // repeat the old ones)
    for (int k = 0; k < d; k++)
        sh_.bias[(size_t)k] = (int32_t)(u01() < 0.1 ? (u01() < 0.5 ? -(1LL << (AUX_BiasW - 1))
                                                                   : (1LL << (AUX_BiasW - 1)) - 1)
                                                    : rbits((int)rint(1, AUX_BiasW)));
    c.bias = sh_.bias.data();
    // requant entries: shifts fitted to the column's range (after the bias) plus jitter, so
    // that most outputs are not saturated; sometimes extremes
    c.rq_per_tensor = u01() < 0.2;
    {
        uint64_t big = 1;
        for (int k = 0; k < d; k++) {
            uint64_t cbig = 1;
            for (int i = 0; i < m; i++) {
                int64_t v = rn.in[(size_t)i * d + k];
                if (ops & TFX_OPBIT(TFX_OP_BIAS))
                    v = tfx_bias(&ARCH, v, sh_.bias[(size_t)k]);
                uint64_t av = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
                cbig = std::max(cbig, av);
            }
            big = std::max(big, cbig);
            int outw = AUX_RqW;
            if (ops & TFX_OPBIT(TFX_OP_LAYERNORM))
                outw = std::min(outw, AUX_LnInW);
            int sh = bitlen(c.rq_per_tensor ? big : cbig) - (outw - 1) + (int)rint(-1, 2);
            sh = std::max(0, std::min(31, sh));
            uint32_t mult = (uint32_t)rint(1u << 30, (1u << 31) - 1);
            double p = u01();
            if (p < 0.05)
                mult = 0x7fffffffu;
            else if (p < 0.08)
                mult = (uint32_t)rint(0, 3);
            else if (p < 0.12)
                sh = (int)rint(0, 31);
            sh_.mult[(size_t)k] = mult;
            sh_.shift[(size_t)k] = (uint8_t)sh;
        }
        if (c.rq_per_tensor) {
            // entry 0 applies to every column: fit it to the whole row set
            int outw = AUX_RqW;
            if (ops & TFX_OPBIT(TFX_OP_LAYERNORM))
                outw = std::min(outw, AUX_LnInW);
            sh_.shift[0] = (uint8_t)std::max(0, std::min(31, bitlen(big) - (outw - 1) + (int)rint(-1, 1)));
        }
    }
    c.rq_mult = sh_.mult.data();
    c.rq_shift = sh_.shift.data();
    // residual operand and its scale
    for (int i = 0; i < m; i++) {
        int style = (int)rint(0, 5);
        int64_t c0 = rbits(AUX_ResInW);
        for (int k = 0; k < d; k++)
            rn.res[(size_t)i * d + k] = (int32_t)value(AUX_ResInW, style, c0);
    }
    c.res.mult = u01() < 0.1 ? (uint32_t)rint(0, (1u << 31) - 1) : (uint32_t)rint(1u << 30, (1u << 31) - 1);
    c.res.lshift = u01() < 0.1 ? (u01() < 0.5 ? 0 : 24) : (int)rint(0, std::min(24, std::max(0, AUX_ResW - AUX_ResInW + 1)));
    c.res.shift = u01() < 0.1 ? (int)rint(0, 31) : (int)rint(0, 4);
    // LayerNorm parameters
    for (int k = 0; k < d && k < AUX_LnMaxD; k++) {
        double p = u01();
        sh_.gamma[(size_t)k] = (int16_t)(p < 0.1 ? (u01() < 0.5 ? -32768 : 32767) : rint(-32768, 32767));
        sh_.beta[(size_t)k] = (int32_t)(u01() < 0.1 ? (u01() < 0.5 ? INT32_MIN : INT32_MAX) : rbits((int)rint(1, 32)));
    }
    c.ln.gamma = sh_.gamma.data();
    c.ln.beta = sh_.beta.data();
    c.ln.gamma_frac = (int)rint(0, 15);
    c.ln.beta_frac = (int)rint(0, 16);
    {
        double p = u01();
        c.ln.eps_q = p < 0.3 ? 0u : (p < 0.6 ? (uint32_t)rint(1, 65535) : (p < 0.9 ? (uint32_t)rint(0, 0xffffffffu) : 0xffffffffu));
    }
    // GELU scales: realistic ones from real scales half the time, raw fields otherwise
    if (u01() < 0.5) {
        int inw = AUX_GeluInW;
        double s_in = std::ldexp(1.0 + u01(), -(int)rint(inw - 5, inw + 2));
        double s_out = std::max(std::ldexp(1.0 + u01(), -(int)rint(std::max(1, AUX_GeluOutW - 5), 15)), 1.0 / 65000);
        c.gelu = tfx_host_gelu_scale(s_in, s_out);
        if (c.gelu.in_mant < 1 || c.gelu.in_exp > 47 || c.gelu.out_mant < 1 || c.gelu.out_exp > 40)
            c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
    } else {
        c.gelu.in_mant = (uint32_t)rint(1, 65535);
        c.gelu.in_exp = (int)rint(0, 47);
        c.gelu.out_mant = (uint32_t)rint(1, 65535);
        c.gelu.out_exp = (int)rint(0, 40);
    }
    // beat order
    const int tiles = (d + L - 1) / L;
    rn.order = order_set >= 0 ? order_set : (int)rint(0, 3);
    rn.beats.clear();
    if (ln) {
        for (int g0 = 0; g0 < m; g0 += rn.grp) {
            int g = std::min(rn.grp, m - g0);
            std::vector<std::pair<int, int>> grp;
            if (rn.order == 1) {  // row-major
                for (int i = 0; i < g; i++)
                    for (int t = 0; t < tiles; t++)
                        grp.push_back({g0 + i, t});
            } else {  // tile-major (the engine's OS order within a row tile, WS with g = M)
                for (int t = 0; t < tiles; t++)
                    for (int i = 0; i < g; i++)
                        grp.push_back({g0 + i, t});
                if (rn.order >= 2)
                    std::shuffle(grp.begin(), grp.end(), rng_);
            }
            rn.beats.insert(rn.beats.end(), grp.begin(), grp.end());
        }
    } else {
        for (int t = 0; t < tiles; t++)
            for (int i = 0; i < m; i++)
                rn.beats.push_back({i, t});
        if (rn.order == 1)
            std::sort(rn.beats.begin(), rn.beats.end());
        else if (rn.order >= 2)
            std::shuffle(rn.beats.begin(), rn.beats.end(), rng_);
    }
    rn.pad.assign(rn.beats.size() * L, 0);
    rn.rpad.assign(rn.beats.size() * L, 0);
    for (auto &v : rn.pad)
        v = rbits(AUX_AccW);
    for (auto &v : rn.rpad)
        v = rbits(AUX_ResInW);
    // expected rows
    struct tfx_gelu_rom *rom = nullptr;
    static struct tfx_gelu_rom rom_store;
    static bool rom_ready = false;
    if (!rom_ready) {
        tfx_gelu_rom_init(&rom_store);
        rom_ready = true;
    }
    rom = &rom_store;
    int e = tfx_cmd_check(&ARCH, &c);
    int eh = tfx_hw_check(&ARCH, &HW, &c, m, rn.grp);
    if (e != TFX_OK || eh != TFX_OK)
        return fail(r_, "harness: a drawn run is refused by the model (check %d, hw %d)", e, eh);
    for (int i = 0; i < m; i++) {
        int rc = tfx_run(&ARCH, rom, &c, &rn.in[(size_t)i * d], &rn.res[(size_t)i * d],
                         &rn.out[(size_t)i * d]);
        if (rc != TFX_OK)
            return fail(r_, "harness: tfx_run returned %d", rc);
    }
    return true;
}

// Drives one accepted RUN: its beats with random gaps (main and residual streams separately),
// the output with random back-pressure, every output element compared.
bool Driver::run_cmd(Run &rn, bool timed)
{
    auto *t = s_.top.get();
    const int d = rn.c.d, m = rn.m;
    const size_t nb = rn.beats.size();
    const bool res_on = rn.ops & TFX_OPBIT(TFX_OP_RESIDUAL);
    if (!issue(TFX_CMD_RUN, rn.ops, d, m, rn.grp, &rn.c))
        return false;
    const long long c0 = s_.cyc - 1;
    if (t->err_o)
        return fail(r_, "command %d (RUN %s, d %d, m %d): refused with code %d, the model accepts it",
                    cmd_no_, ops_str(rn.ops).c_str(), d, m, (int)t->err_code_o);
    // main and residual streams with independent gaps; the output with back-pressure
    Source msrc(nb, timed ? 0.0 : o_.gap), rsrc(nb, timed ? 0.0 : o_.gap);
    Sink sink(timed ? 0.0 : o_.bp);
    size_t oi = 0;
    long long ready_at = -1;
    const int limit = 20000;
    Guard guard(s_.cyc, limit);
    while (oi < nb || ready_at < 0) {
        const size_t mi = msrc.i, ri = rsrc.i;
        bool mv = msrc.offer(rng_);
        bool rv = res_on && rsrc.offer(rng_);
        t->in_valid_i = mv;
        if (mv) {
            auto b = rn.beats[mi];
            t->in_row_i = (uint32_t)b.first;
            t->in_col_i = (uint32_t)(b.second * L);
            for (int j = 0; j < L; j++) {
                int col = b.second * L + j;
                int64_t v = col < d ? rn.in[(size_t)b.first * d + col] : rn.pad[mi * L + j];
                set_bits(t->in_data_i, j * AUX_AccW, AUX_AccW, (uint64_t)v);
            }
        }
        // without RESIDUAL the operand stream must be ignored: offer garbage now and then
        t->res_valid_i = res_on ? rv : (u01() < 0.3);
        if (res_on && rv) {
            auto b = rn.beats[ri];
            for (int j = 0; j < L; j++) {
                int col = b.second * L + j;
                int64_t v = col < d ? rn.res[(size_t)b.first * d + col] : rn.rpad[ri * L + j];
                set_bits(t->res_data_i, j * AUX_ResInW, AUX_ResInW, (uint64_t)v);
            }
        }
        t->out_ready_i = sink.ready(rng_);
        t->eval();
        bool fin = t->in_valid_i && t->in_ready_o;
        bool fres = t->res_valid_i && t->res_ready_o;
        bool fout = t->out_valid_o && t->out_ready_i;
        if (res_on && fin != fres)
            return fail(r_, "command %d: in_* and res_* beats taken apart (in %d, res %d, beats %zu/%zu)",
                        cmd_no_, (int)fin, (int)fres, mi, ri);
        if (!res_on && t->res_ready_o)
            return fail(r_, "command %d: res_ready_o high in a run without RESIDUAL", cmd_no_);
        if (ready_at < 0 && t->cmd_ready_o && oi + (fout ? 1 : 0) == nb)
            ready_at = s_.cyc;
        if (fout) {
            if (oi >= nb)
                return fail(r_, "command %d: an output beat beyond the %zu expected", cmd_no_, nb);
            auto b = rn.beats[oi];
            int row = (int)t->out_row_o, col = (int)t->out_col_o, last = (int)t->out_last_o;
            if (row != b.first || col != b.second * L || last != (oi + 1 == nb))
                return fail(r_,
                            "command %d (RUN %s, d %d, m %d, grp %d, order %d), beat %zu: row %d col %d "
                            "last %d, expected row %d col %d last %d",
                            cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, oi, row, col, last,
                            b.first, b.second * L, (int)(oi + 1 == nb));
            for (int j = 0; j < L; j++) {
                int cc = b.second * L + j;
                int64_t exp = cc < d ? rn.out[(size_t)b.first * d + cc] : 0;
                int64_t act = sext(get_bits(t->out_data_o, j * PW, PW), PW);
                r_.elements++;
                r_.in_d += cc < d;
                if (act != exp)
                    return fail(r_,
                                "command %d (RUN %s, d %d, m %d, grp %d, order %d), beat %zu, row %d, "
                                "column %d (lane %d): expected %" PRId64 ", actual %" PRId64
                                " (input %" PRId64 ")",
                                cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, oi, b.first,
                                cc, j, exp, act, cc < d ? rn.in[(size_t)b.first * d + cc] : 0);
            }
            r_.beats++;
        }
        s_.tick();
        if (fin)
            msrc.taken();
        if (fres)
            rsrc.taken();
        if (fout)
            oi++;
        if (fin || fout)
            guard.progress(s_.cyc);
        if (guard.stuck(s_.cyc)) {
            if (!msrc.done())
                return fail(r_, "command %d (RUN %s, d %d, m %d, grp %d): in_ready_o stuck low for %d "
                                "cycles at beat %zu of %zu (%zu out)",
                            cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, limit, msrc.i, nb, oi);
            if (oi < nb)
                return fail(r_, "command %d (RUN %s, d %d, m %d, grp %d): out_valid_o stuck low for %d "
                                "cycles after %zu of %zu beats",
                            cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, limit, oi, nb);
            return fail(r_, "command %d: cmd_ready_o stuck low for %d cycles after the last beat",
                        cmd_no_, limit);
        }
    }
    idle_inputs();
    t->out_ready_i = 1;
    t->eval();
    if (timed) {
        long long cyc = ready_at - c0;
        long long model = tfx_cycles_cmd(&ARCH, &HW, rn.ops, m, d, rn.grp);
        r_.timed++;
        r_.rtl_cycles += cyc;
        r_.model_cycles += model;
        if (cyc != model || (long long)t->stat_cycles_o != model - 1 || t->stat_stall_o != 0)
            return fail(r_,
                        "command %d (RUN %s, d %d, m %d, grp %d, order %d): %lld cycles (stat_cycles_o "
                        "%lld, stat_stall_o %lld), model %lld",
                        cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, cyc,
                        (long long)t->stat_cycles_o, (long long)t->stat_stall_o, model);
        r_.timed_ok++;
    }
    r_.runs++;
    r_.ops_seen[rn.ops]++;
    return true;
}

// A refusal of a random kind the design can express; the expected code from the model.
bool Driver::random_refusal()
{
    Run rn;
    std::vector<unsigned> legal;
    for (unsigned ops = 0; ops < 32; ops++)
        if ((ops & ~HW.built) == 0)
            legal.push_back(ops);
    unsigned ops = legal[(size_t)rint(0, (long long)legal.size() - 1)];
    struct tfx_cmd &c = rn.c;
    std::memset(&c, 0, sizeof c);
    c.d = (int)rint(1, MAXD);
    c.res = (struct tfx_res_scale){1u << 30, 0, 0};
    c.ln.gamma = sh_.gamma.data();
    c.ln.beta = sh_.beta.data();
    c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
    int m = (int)rint(1, 3), grp = 1;
    int op = TFX_CMD_RUN;
    int kind = (int)rint(0, 11);
    switch (kind) {
    case 0: c.d = 0; break;
    case 1:
        if ((1LL << DW) - 1 > MAXD)
            c.d = (int)rint(MAXD + 1, (1LL << DW) - 1);
        else
            c.d = 0;
        break;
    case 2: m = 0; break;
    case 3: ops = (unsigned)rint(0, 31); break;  // may name an unbuilt stage, or a bad width
    case 4: ops |= TFX_OPBIT(TFX_OP_RESIDUAL); c.res.lshift = (int)rint(25, 31); break;
    case 5:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        c.ln.beta_frac = (int)rint(17, 31);
        break;
    case 6:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        grp = u01() < 0.5 ? 0 : (int)rint(AUX_LnRows + 1, std::min((1 << ROWW) - 1, AUX_LnRows + 8));
        if (grp > (1 << ROWW) - 1)
            grp = 0;
        break;
    case 7:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        if (AUX_LnMaxD < MAXD)
            c.d = (int)rint(AUX_LnMaxD + 1, MAXD);
        break;
    case 8: {
        ops |= TFX_OPBIT(TFX_OP_GELU);
        int w = (int)rint(0, 3);
        if (w == 0) c.gelu.in_mant = 0;
        if (w == 1) c.gelu.out_mant = 0;
        if (w == 2) c.gelu.in_exp = (int)rint(48, 63);
        if (w == 3) c.gelu.out_exp = (int)rint(41, 63);
        break;
    }
    case 9: op = (int)rint(5, 7); break;
    case 10:
        op = (int)rint(1, 4);
        c.d = u01() < 0.5 ? 0 : (int)std::min<long long>((1LL << DW) - 1, (op >= 3 ? AUX_LnMaxD : MAXD) + 1);
        break;
    default: ops = (unsigned)rint(0, 31); m = (int)rint(0, 2); break;
    }
    c.nops = 0;
    for (int o = TFX_OP_BIAS; o <= TFX_OP_GELU; o++)
        if (ops & TFX_OPBIT(o))
            c.ops[c.nops++] = o;
    int expect;
    if (op == TFX_CMD_RUN)
        expect = tfx_hw_check(&ARCH, &HW, &c, m, grp);
    else
        expect = tfx_hw_load_check(&ARCH, &HW, op, c.d);
    if (expect == TFX_OK)
        return true;  // this draw happens to be legal: skip it
    // the model's own check agrees where it can judge (every stage built, legal m and grp)
    if (op == TFX_CMD_RUN && m >= 1 && (ops & ~HW.built) == 0 && (!(ops & TFX_OPBIT(TFX_OP_LAYERNORM)) || (grp >= 1 && grp <= AUX_LnRows))) {
        struct tfx_cmd full = c;
        full.bias = sh_.bias.data();
        full.rq_mult = sh_.mult.data();
        full.rq_shift = sh_.shift.data();
        int em = tfx_cmd_check(&ARCH, &full);
        if (em != expect)
            return fail(r_, "harness: tfx_hw_check %d and tfx_cmd_check %d disagree", expect, em);
    }
    return refused(op, ops, c.d, m, grp, c, expect);
}

bool Driver::run()
{
    std::vector<unsigned> legal;
    for (unsigned ops = 0; ops < 32; ops++) {
        if (ops & ~HW.built)
            continue;
        struct tfx_cmd c;
        std::memset(&c, 0, sizeof c);
        c.d = 1;
        for (int op = TFX_OP_BIAS; op <= TFX_OP_GELU; op++)
            if (ops & TFX_OPBIT(op))
                c.ops[c.nops++] = op;
        c.res = (struct tfx_res_scale){1u << 30, 0, 0};
        c.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
        if (tfx_hw_check(&ARCH, &HW, &c, 1, 1) == TFX_OK)
            legal.push_back(ops);
    }
    // each legal chain once first, then at random
    for (cmd_no_ = 0; cmd_no_ < o_.cmds; cmd_no_++) {
        bool timed = u01() < o_.timing;
        if (u01() < 0.12) {
            if (!random_refusal())
                return false;
            continue;
        }
        unsigned ops = cmd_no_ < (int)legal.size() ? legal[(size_t)cmd_no_]
                                                   : legal[(size_t)rint(0, (long long)legal.size() - 1)];
        Run rn;
        if (!make_run(rn, ops) || !ensure_params(rn, timed) || !run_cmd(rn, timed))
            return false;
    }
    return true;
}

// ---- bench: cycles per command and per row, RTL and model ----------------------------------------
// For d over a range and a few chains, one RUN of BENCH_M rows without gaps or back-pressure:
// the RTL's cycles (checked equal to the model's, outputs compared as always) and the model's
// steady-state cycles per row (a whole bank rotation averaged). CSV columns:
// config,lanes,ln_banks,chain,d,m,grp,cycles,model_cycles,cycles_per_row,steady_per_row
static const int BENCH_M = 8;
bool Driver::bench(FILE *f)
{
    const unsigned rq = HW.built & TFX_OPBIT(TFX_OP_REQUANT);
    std::vector<std::pair<const char *, unsigned>> chains = {{"pass", 0u}};
    if (HW.built & TFX_OPBIT(TFX_OP_BIAS))
        chains.push_back({"bias", TFX_OPBIT(TFX_OP_BIAS) | rq});
    if (rq && (HW.built & TFX_OPBIT(TFX_OP_GELU)))
        chains.push_back({"gelu", rq | TFX_OPBIT(TFX_OP_GELU)});
    if (rq && (HW.built & TFX_OPBIT(TFX_OP_LAYERNORM)))
        chains.push_back({"layernorm", rq | TFX_OPBIT(TFX_OP_LAYERNORM)});
    std::vector<int> ds = {1, 2, L, L + 1, 2 * L, 32, 64, 128, 256, 384, 512, 768, 1024, 2048, 3072, 4096,
                           MAXD, AUX_LnMaxD};
    std::sort(ds.begin(), ds.end());
    ds.erase(std::unique(ds.begin(), ds.end()), ds.end());
    for (auto &ch : chains) {
        struct tfx_cmd probe;
        std::memset(&probe, 0, sizeof probe);
        for (int op = TFX_OP_BIAS; op <= TFX_OP_GELU; op++)
            if (ch.second & TFX_OPBIT(op))
                probe.ops[probe.nops++] = op;
        probe.d = 1;
        probe.gelu = (struct tfx_gelu_scale){32768, 20, 32768, 20};
        if (tfx_hw_check(&ARCH, &HW, &probe, 1, 1) != TFX_OK)
            continue;
        const bool ln = ch.second & TFX_OPBIT(TFX_OP_LAYERNORM);
        for (int d : ds) {
            if (d > (ln ? AUX_LnMaxD : MAXD))
                continue;
            int grp = 1;
            Run rn;
            if (!make_run(rn, ch.second, d, BENCH_M, grp, 0) || !ensure_params(rn, true) || !run_cmd(rn, true))
                return false;
            long long rtl = (long long)s_.top->stat_cycles_o + 1;
            long long model = tfx_cycles_cmd(&ARCH, &HW, ch.second, BENCH_M, d, grp);
            long long steady = tfx_cycles_groups(&ARCH, &HW, ch.second, d, grp, 4 * HW.ln_banks);
            std::fprintf(f, "%s,%d,%d,%s,%d,%d,%d,%lld,%lld,%.3f,%.3f\n", AUX_NAME, L, HW.ln_banks, ch.first, d,
                         BENCH_M, grp, rtl, model, (double)rtl / BENCH_M, (double)steady / (4 * HW.ln_banks));
            cmd_no_++;
        }
    }
    return true;
}

static bool bench(const Options &o, Result &r)
{
    FILE *f = std::fopen(o.bench.c_str(), "a");
    if (!f) {
        std::perror(o.bench.c_str());
        return false;
    }
    Options q = o;
    q.gap = q.bp = 0;
    Sim s(o.seed, nullptr);
    Driver drv(q, s, r);
    bool ok = drv.bench(f);
    r.sim_cycles = s.cyc;
    std::fclose(f);
    return ok;
}

static bool run_all(const Options &o, const char *fst, Result &r)
{
    Sim s(o.seed, fst);
    Driver drv(o, s, r);
    bool ok = drv.run();
    r.sim_cycles = s.cyc;
    return ok;
}

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "harness: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--seed") o.seed = std::strtoull(next(), nullptr, 0);
        else if (a == "--cmds") o.cmds = std::atoi(next());
        else if (a == "--gap") o.gap = std::atof(next());
        else if (a == "--bp") o.bp = std::atof(next());
        else if (a == "--timing") o.timing = std::atof(next());
        else if (a == "--json") o.json = next();
        else if (a == "--fst") o.fst = next();
        else if (a == "--bench") o.bench = next();
        else if (a == "--quiet") o.quiet = true;
        else {
            std::fprintf(stderr, "usage: harness [--seed S] [--cmds N] [--gap P] [--bp P] [--timing P]\n"
                                 "               [--json FILE] [--fst FILE] [--bench CSV] [--quiet]\n");
            return 2;
        }
    }
    Result r;
    auto t0 = std::chrono::steady_clock::now();
    bool ok = o.bench.empty() ? run_all(o, nullptr, r) : bench(o, r);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) {
        std::fprintf(stderr, "MISMATCH %s (seed %" PRIu64 "): %s\n", AUX_NAME, o.seed, r.failure.c_str());
        std::fprintf(stderr, "replay: %s --seed %" PRIu64 " --cmds %d --gap %g --bp %g --timing %g\n", argv[0],
                     o.seed, o.cmds, o.gap, o.bp, o.timing);
        if (o.bench.empty()) {
            Result again;
            bool same = !run_all(o, o.fst.c_str(), again) && again.failure == r.failure;
            std::fprintf(stderr, "waveform: %s (%s)\n", o.fst.c_str(),
                         same ? "the traced replay fails the same way" : "the traced replay differs");
        }
    }
    int chains = 0;
    for (int i = 0; i < 32; i++)
        chains += r.ops_seen[i] > 0;
    if (!o.json.empty()) {
        FILE *j = std::fopen(o.json.c_str(), "w");
        if (!j)
            return 2;
        std::string fl;
        for (char ch : r.failure)
            fl += (ch == '"' || ch == '\\') ? '\'' : ch;
        std::fprintf(j,
                     "{\n  \"config\": \"%s\",\n  \"simulator\": \"verilator\",\n  \"seed\": %" PRIu64
                     ",\n  \"runs\": %lld,\n  \"loads\": %lld,\n  \"refused\": %lld,\n  \"chains\": %d,\n"
                     "  \"beats\": %lld,\n  \"elements_checked\": %lld,\n  \"elements_in_d\": %lld,\n  \"mismatches\": %lld,\n"
                     "  \"timed_commands\": %lld,\n  \"timed_equal\": %lld,\n  \"cycles\": %lld,\n"
                     "  \"model_cycles\": %lld,\n  \"sim_cycles\": %lld,\n  \"wall_seconds\": %.3f,\n"
                     "  \"passed\": %s,\n  \"failure\": \"%s\"\n}\n",
                     AUX_NAME, o.seed, r.runs, r.loads, r.refused, chains, r.beats, r.elements, r.in_d, r.mismatches,
                     r.timed, r.timed_ok, r.rtl_cycles, r.model_cycles, r.sim_cycles, wall,
                     ok ? "true" : "false", fl.c_str());
        std::fclose(j);
    }
    if (!o.quiet || !ok)
        std::printf("%s: %s: %lld runs (%d chains), %lld loads, %lld refused; %lld lane values (%lld elements of "
                    "rows) in %lld beats checked, %lld mismatches; %lld/%lld timed commands cycles = model (%lld = %lld); "
                    "%lld sim cycles, %.1f s\n",
                    AUX_NAME, ok ? "PASS" : "FAIL", r.runs, chains, r.loads, r.refused, r.elements, r.in_d, r.beats,
                    r.mismatches, r.timed_ok, r.timed, r.rtl_cycles, r.model_cycles, r.sim_cycles, wall);
    return ok ? 0 : 1;
}
