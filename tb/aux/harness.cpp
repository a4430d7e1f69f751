// harness.cpp -- Verilator co-simulation of a generated auxiliary unit (<name>_aux) against
// its golden model (model/tf_aux.c), on the verification layer in tb/common: every output
// element of every accepted RUN is compared with tfx_run(), every command that runs without
// gaps or back-pressure takes exactly tfx_cycles_cmd() (loads: tfx_cycles_load()) cycles, and
// every refused command raises err_o with tfx_hw_check()'s code and changes nothing.
//
// Commands, drawn from the seed: parameter loads (bias, requant entries, gamma, beta; a RUN
// uses what was loaded last, kept in a shadow copy, so a refused command that changed a
// memory shows up in a later RUN), RUNs of every legal chain of the built stages (each alone,
// chained, pass-through; each legal chain once first), d from 1 to max_d with the multiples
// of the lanes and their neighbours favoured, 1..7 rows in LayerNorm groups of 1..ln_rows,
// beats in output-stationary, weight-stationary, row-major or shuffled order, padding lanes
// full of garbage, input styles from uniform to extremes and constant rows, and about 12 %
// refused commands of every kind (d, m, grp, widths, parameters, an unbuilt stage, an
// unknown op, load lengths). A third of the commands (--timing) run without gaps or
// back-pressure and are timed; the rest have input gaps (--in-gap, main and residual
// streams independently) and output back-pressure (--bp). Every wait for the design has a
// guard (--guard) that names the stuck port. First mismatch: command, beat, row, column,
// lane, expected, actual, input, the replay command line and an FST of the traced replay
// from the failing command on.
//
// --bench CSV: no gaps, no back-pressure, no refusals; for a few chains and d over a range,
// one RUN of 8 rows each (outputs still compared), RTL cycles (= model, checked) and the
// model's steady-state cycles per row appended to CSV.
#include "Vaux.h"
#include "tb.h"

extern "C" {
#include "tf_aux.h"
#include "tf_model.h"
}

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifndef TFP_AUX_ARCH_INIT
#error "compile with -include <design>_params.h of a design with an [aux] section"
#endif

// ---- the design (its params header) ----------------------------------------------------------
static const struct tfx_arch ARCH = TFP_AUX_ARCH_INIT;
static const struct tfx_hw HW = TFP_AUX_HW_INIT;
static const int L = TFP_AUX_LANES, MAXD = TFP_AUX_MAX_D, ROWW = TFP_AUX_ROW_W, DW = TFP_AUX_D_W;
static const int PW = TFP_AUX_OUT_W, PRM_W = TFP_AUX_PRM_W;

namespace {

[[noreturn]] void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list aq;
    va_copy(aq, ap);
    int n = std::vsnprintf(nullptr, 0, fmt, aq);
    va_end(aq);
    std::string s(n > 0 ? (std::size_t)n : 0, '\0');
    if (n > 0)
        std::vsnprintf(&s[0], (std::size_t)n + 1, fmt, ap);
    va_end(ap);
    tb::fail(s);
}

struct AuxOptions : tb::Options {
    int cmds = 300;
    double timing = 0.35;
    std::string bench;
    AuxOptions() : tb::Options("aux_harness", "aux_fail.fst")
    {
        streams(0.25, 0.2);
        add("--cmds", "N", "commands (default 300)", cmds);
        add("--timing", "P", "probability a command runs without gaps or back-pressure and is timed "
                             "(default 0.35)", timing);
        add("--bench", "CSV", "cycle benchmark: append a row per RUN to CSV (no gaps, back-pressure or refusals)",
            bench, false);
    }
};

struct Result {
    tb::Scoreboard sb; // lane values of output beats (padding lanes: must be 0)
    long long in_d = 0, beats = 0, runs = 0, loads = 0, refused = 0;
    long long timed = 0, timed_ok = 0, rtl_cycles = 0, model_cycles = 0, sim_cycles = 0;
    long long ops_seen[32] = {0};
    int chains() const
    {
        int n = 0;
        for (long long v : ops_seen)
            n += v > 0;
        return n;
    }
};

// ---- the command being driven ----------------------------------------------------------------
struct RunCmd {
    struct tfx_cmd c;
    unsigned ops = 0;
    int m = 1, grp = 1, order = 0;
    std::vector<int64_t> in;    // m x d
    std::vector<int32_t> res;   // m x d
    std::vector<int64_t> out;   // m x d expected
    std::vector<int64_t> pad;   // per beat, per lane: garbage for lanes beyond d
    std::vector<int64_t> rpad;
    std::vector<std::pair<int, int>> beats; // (row, tile)
};

struct Shadow {
    std::vector<int32_t> bias = std::vector<int32_t>((size_t)MAXD);
    std::vector<uint32_t> mult = std::vector<uint32_t>((size_t)MAXD);
    std::vector<uint8_t> shift = std::vector<uint8_t>((size_t)MAXD);
    std::vector<int16_t> gamma = std::vector<int16_t>((size_t)ARCH.ln_max_d);
    std::vector<int32_t> beta = std::vector<int32_t>((size_t)ARCH.ln_max_d);
};

const char *const OPNAME[] = {"BIAS", "REQUANT", "RESIDUAL", "LAYERNORM", "GELU"};
std::string ops_str(unsigned ops)
{
    std::string s;
    for (int i = 0; i < 5; i++)
        if (ops & (1u << i))
            s += (s.empty() ? "" : ">") + std::string(OPNAME[i]);
    return s.empty() ? "PASS" : s;
}

const struct tfx_gelu_rom &rom()
{
    static struct tfx_gelu_rom r;
    static bool ready = false;
    if (!ready) {
        tfx_gelu_rom_init(&r);
        ready = true;
    }
    return r;
}

// A valid/ready stream into the design whose valid, once raised, holds until the beat is
// taken; raised with probability 1 - gap per cycle (one timing draw per cycle).
struct Held {
    size_t n, i = 0;
    bool valid = false;
    double gap;
    Held(size_t n_, double gap_) : n(n_), gap(gap_) {}
    bool offer(tb::Rng &t)
    {
        bool draw = t.chance(gap);
        if (!valid && i < n && !draw)
            valid = true;
        return valid;
    }
    void taken() { i++, valid = false; }
    bool done() const { return i >= n; }
};

class Driver {
public:
    Driver(const AuxOptions &o, tb::Run &run, tb::Sim<Vaux> &s, tb::Rng &rng, Result &r)
        : o_(o), run_(run), s_(s), rng_(rng), r_(r)
    {
    }
    void random_commands();
    void bench(FILE *csv);

private:
    const AuxOptions &o_;
    tb::Run &run_;
    tb::Sim<Vaux> &s_;
    tb::Rng &rng_;
    Result &r_;
    Shadow sh_;
    int cmd_no_ = 0;

    double u01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
    long long rint(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }
    int64_t rbits(int bits) { return rint(-(1LL << (bits - 1)), (1LL << (bits - 1)) - 1); }
    int64_t value(int bits, int style, int64_t c0);
    int pick_d(bool ln);
    void idle_inputs();
    void issue(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd *c);
    bool load(int kind, int n, bool timed);
    bool refused(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd &c, int expect);
    bool run_cmd(RunCmd &rn, bool timed);
    bool make_run(RunCmd &rn, unsigned ops, int d = -1, int m = -1, int grp = -1, int order = -1);
    bool ensure_params(const RunCmd &rn, bool timed);
    bool random_refusal();
    std::vector<unsigned> legal_chains() const;
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
    int mx = ln ? ARCH.ln_max_d : MAXD;
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
    s_->cmd_valid_i = 0;
    s_->prm_valid_i = 0;
    s_->in_valid_i = 0;
    s_->res_valid_i = 0;
}

// Presents one command and waits (guarded) until it is taken.
void Driver::issue(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd *c)
{
    auto &t = s_.top();
    t.cmd_op_i = (uint8_t)op;
    t.cmd_ops_i = (uint8_t)ops;
    t.cmd_d_i = (uint32_t)d;
    t.cmd_m_i = (uint32_t)m;
    t.cmd_grp_i = (uint32_t)grp;
    t.cmd_rq_pt_i = c ? (uint8_t)c->rq_per_tensor : 0;
    t.cmd_res_mult_i = c ? c->res.mult : 0;
    t.cmd_res_lsh_i = c ? (uint8_t)c->res.lshift : 0;
    t.cmd_res_shift_i = c ? (uint8_t)c->res.shift : 0;
    t.cmd_ln_gf_i = c ? (uint8_t)c->ln.gamma_frac : 0;
    t.cmd_ln_bf_i = c ? (uint8_t)c->ln.beta_frac : 0;
    t.cmd_ln_eps_i = c ? c->ln.eps_q : 0;
    t.cmd_gelu_in_mant_i = c ? (uint16_t)c->gelu.in_mant : 0;
    t.cmd_gelu_in_exp_i = c ? (uint8_t)c->gelu.in_exp : 0;
    t.cmd_gelu_out_mant_i = c ? (uint16_t)c->gelu.out_mant : 0;
    t.cmd_gelu_out_exp_i = c ? (uint8_t)c->gelu.out_exp : 0;
    tb::send_one(s_, t.cmd_valid_i, t.cmd_ready_o, tb::format("command %d: cmd_ready_o", cmd_no_), o_.guard);
}

uint64_t prm_word(const Shadow &sh, int kind, int i)
{
    switch (kind) {
    case TFP_AUX_OP_LOAD_BIAS: return (uint64_t)(uint32_t)sh.bias[(size_t)i];
    case TFP_AUX_OP_LOAD_RQ: return ((uint64_t)sh.shift[(size_t)i] << TFP_AUX_PRM_SHIFT_LSB) | sh.mult[(size_t)i];
    case TFP_AUX_OP_LOAD_GAMMA: return (uint64_t)(uint16_t)sh.gamma[(size_t)i];
    default: return (uint64_t)(uint32_t)sh.beta[(size_t)i];
    }
}

// A load of n entries (the shadow already holds the new values for 0..n-1).
bool Driver::load(int kind, int n, bool timed)
{
    auto &t = s_.top();
    if (tfx_hw_load_check(&ARCH, &HW, kind, n) != TFX_OK)
        failf("harness: load %d of %d refused by the model", kind, n);
    issue(kind, 0, n, 0, 0, nullptr);
    const long long c0 = (long long)s_.cycles() - 1; // the cycle the command was taken
    if (t.err_o)
        failf("command %d (load %d, n %d): refused with code %d, the model accepts it", cmd_no_, kind, n,
              (int)t.err_code_o);
    tb::Source src(s_, t.prm_valid_i, t.prm_ready_o, "prm_ready_o", s_.timing, timed ? 0.0 : o_.in_gap, o_.guard);
    src.send((size_t)n, [&](std::size_t i) { set_bits(t.prm_data_i, 0, PRM_W, prm_word(sh_, kind, (int)i)); },
             tb::format("command %d (load %d, n %d)", cmd_no_, kind, n));
    tb::Guard g(s_, o_.guard, tb::format("command %d (load %d, n %d): cmd_ready_o stuck low after the last entry",
                                         cmd_no_, kind, n));
    s_.fall();
    while (!t.cmd_ready_o) {
        g.wait();
        s_.rise();
        s_.fall();
    }
    s_.rise();
    if (t.err_o)
        failf("command %d (load %d, n %d): err_o set on an accepted load", cmd_no_, kind, n);
    if (timed) {
        // ready again in the cycle after the last entry: 1 + n cycles from acceptance
        long long cyc = (long long)s_.cycles() - 1 - c0, model = tfx_cycles_load(n);
        r_.timed++;
        r_.rtl_cycles += cyc;
        r_.model_cycles += model;
        if (cyc != model)
            failf("command %d (load %d, n %d): %lld cycles, model %lld", cmd_no_, kind, n, cyc, model);
        r_.timed_ok++;
    }
    r_.loads++;
    return true;
}

// A refused command: taken at once, err_o and err_code_o next cycle, and for 12 cycles with
// every input valid high nothing is taken on any stream and nothing comes out.
bool Driver::refused(int op, unsigned ops, int d, int m, int grp, const struct tfx_cmd &c, int expect)
{
    auto &t = s_.top();
    issue(op, ops, d, m, grp, &c);
    if (!t.err_o || t.err_code_o != expect || t.busy_o)
        failf("command %d (op %d, %s, d %d, m %d, grp %d): err_o %d err_code_o %d busy_o %d, "
              "expected a refusal with code %d (%s)",
              cmd_no_, op, ops_str(ops).c_str(), d, m, grp, (int)t.err_o, (int)t.err_code_o, (int)t.busy_o,
              expect, tfx_err_str(expect));
    for (int k = 0; k < 12; k++) {
        t.in_valid_i = 1;
        t.res_valid_i = 1;
        t.prm_valid_i = 1;
        t.out_ready_i = 1;
        s_.fall();
        if (t.in_ready_o || t.res_ready_o || t.prm_ready_o || t.out_valid_o || t.busy_o)
            failf("command %d: refused, but in_ready_o %d res_ready_o %d prm_ready_o %d out_valid_o %d busy_o %d",
                  cmd_no_, (int)t.in_ready_o, (int)t.res_ready_o, (int)t.prm_ready_o, (int)t.out_valid_o,
                  (int)t.busy_o);
        s_.rise();
    }
    idle_inputs();
    r_.refused++;
    return true;
}

// The loads a RUN needs (every table its chain uses, freshly drawn).
bool Driver::ensure_params(const RunCmd &rn, bool timed)
{
    const int d = rn.c.d;
    if (rn.ops & TFX_OPBIT(TFX_OP_BIAS))
        load(TFP_AUX_OP_LOAD_BIAS, d, timed);
    if (rn.ops & TFX_OPBIT(TFX_OP_REQUANT))
        load(TFP_AUX_OP_LOAD_RQ, rn.c.rq_per_tensor ? (int)rint(1, d) : d, timed);
    if (rn.ops & TFX_OPBIT(TFX_OP_LAYERNORM)) {
        load(TFP_AUX_OP_LOAD_GAMMA, d, timed);
        load(TFP_AUX_OP_LOAD_BETA, d, timed);
    }
    return true;
}

int bitlen(uint64_t v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

// Draws the data and parameters of a RUN of chain ops (legal) and its expected output.
bool Driver::make_run(RunCmd &rn, unsigned ops, int d_set, int m_set, int grp_set, int order_set)
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
    rn.grp = ln ? (int)rint(1, std::min(HW.ln_rows, std::max(1, rn.m))) : (int)rint(1, 3);
    if (ln && u01() < 0.2)
        rn.grp = HW.ln_rows;
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
        int64_t c0 = rbits(ARCH.acc_bits);
        for (int k = 0; k < d; k++)
            rn.in[(size_t)i * d + k] = value(ARCH.acc_bits, style, c0);
    }
    // bias (a new one half the time; a run always loads what it uses, but the values may
    // repeat the old ones)
    for (int k = 0; k < d; k++)
        sh_.bias[(size_t)k] = (int32_t)(u01() < 0.1 ? (u01() < 0.5 ? -(1LL << (ARCH.bias_bits - 1))
                                                                   : (1LL << (ARCH.bias_bits - 1)) - 1)
                                                    : rbits((int)rint(1, ARCH.bias_bits)));
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
            int outw = ARCH.rq_bits;
            if (ops & TFX_OPBIT(TFX_OP_LAYERNORM))
                outw = std::min(outw, ARCH.ln_in_bits);
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
            int outw = ARCH.rq_bits;
            if (ops & TFX_OPBIT(TFX_OP_LAYERNORM))
                outw = std::min(outw, ARCH.ln_in_bits);
            sh_.shift[0] = (uint8_t)std::max(0, std::min(31, bitlen(big) - (outw - 1) + (int)rint(-1, 1)));
        }
    }
    c.rq_mult = sh_.mult.data();
    c.rq_shift = sh_.shift.data();
    // residual operand and its scale
    for (int i = 0; i < m; i++) {
        int style = (int)rint(0, 5);
        int64_t c0 = rbits(ARCH.res_in_bits);
        for (int k = 0; k < d; k++)
            rn.res[(size_t)i * d + k] = (int32_t)value(ARCH.res_in_bits, style, c0);
    }
    c.res.mult = u01() < 0.1 ? (uint32_t)rint(0, (1u << 31) - 1) : (uint32_t)rint(1u << 30, (1u << 31) - 1);
    c.res.lshift = u01() < 0.1 ? (u01() < 0.5 ? 0 : 24) : (int)rint(0, std::min(24, std::max(0, ARCH.res_bits - ARCH.res_in_bits + 1)));
    c.res.shift = u01() < 0.1 ? (int)rint(0, 31) : (int)rint(0, 4);
    // LayerNorm parameters
    for (int k = 0; k < d && k < ARCH.ln_max_d; k++) {
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
        int inw = ARCH.gelu_in_bits;
        double s_in = std::ldexp(1.0 + u01(), -(int)rint(inw - 5, inw + 2));
        double s_out = std::max(std::ldexp(1.0 + u01(), -(int)rint(std::max(1, ARCH.gelu_out_bits - 5), 15)), 1.0 / 65000);
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
        v = rbits(ARCH.acc_bits);
    for (auto &v : rn.rpad)
        v = rbits(ARCH.res_in_bits);
    // expected rows
    int e = tfx_cmd_check(&ARCH, &c);
    int eh = tfx_hw_check(&ARCH, &HW, &c, m, rn.grp);
    if (e != TFX_OK || eh != TFX_OK)
        failf("harness: a drawn run is refused by the model (check %d, hw %d)", e, eh);
    for (int i = 0; i < m; i++) {
        int rc = tfx_run(&ARCH, &rom(), &c, &rn.in[(size_t)i * d], &rn.res[(size_t)i * d],
                         &rn.out[(size_t)i * d]);
        if (rc != TFX_OK)
            failf("harness: tfx_run returned %d", rc);
    }
    return true;
}

bool Driver::random_refusal()
{
    RunCmd rn;
    std::vector<unsigned> legal;
    for (unsigned ops = 0; ops < (1u << TFP_AUX_OPS_W); ops++)
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
    int op = TFP_AUX_OP_RUN;
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
    case 3: ops = (unsigned)rint(0, (1 << TFP_AUX_OPS_W) - 1); break;  // may name an unbuilt stage, or a bad width
    case 4: ops |= TFX_OPBIT(TFX_OP_RESIDUAL); c.res.lshift = (int)rint(25, 31); break;
    case 5:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        c.ln.beta_frac = (int)rint(17, 31);
        break;
    case 6:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        grp = u01() < 0.5 ? 0 : (int)rint(HW.ln_rows + 1, std::min((1 << ROWW) - 1, HW.ln_rows + 8));
        if (grp > (1 << ROWW) - 1)
            grp = 0;
        break;
    case 7:
        ops |= TFX_OPBIT(TFX_OP_LAYERNORM);
        if (ARCH.ln_max_d < MAXD)
            c.d = (int)rint(ARCH.ln_max_d + 1, MAXD);
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
    case 9: op = (int)rint(TFP_AUX_OP_LOAD_BETA + 1, (1 << TFP_AUX_OP_W) - 1); break;
    case 10:
        op = (int)rint(TFP_AUX_OP_LOAD_BIAS, TFP_AUX_OP_LOAD_BETA);
        c.d = u01() < 0.5 ? 0 : (int)std::min<long long>((1LL << DW) - 1, (op >= TFP_AUX_OP_LOAD_GAMMA ? ARCH.ln_max_d : MAXD) + 1);
        break;
    default: ops = (unsigned)rint(0, (1 << TFP_AUX_OPS_W) - 1); m = (int)rint(0, 2); break;
    }
    c.nops = 0;
    for (int o = TFX_OP_BIAS; o <= TFX_OP_GELU; o++)
        if (ops & TFX_OPBIT(o))
            c.ops[c.nops++] = o;
    int expect;
    if (op == TFP_AUX_OP_RUN)
        expect = tfx_hw_check(&ARCH, &HW, &c, m, grp);
    else
        expect = tfx_hw_load_check(&ARCH, &HW, op, c.d);
    if (expect == TFX_OK)
        return true;  // this draw happens to be legal: skip it
    // the model's own check agrees where it can judge (every stage built, legal m and grp)
    if (op == TFP_AUX_OP_RUN && m >= 1 && (ops & ~HW.built) == 0 && (!(ops & TFX_OPBIT(TFX_OP_LAYERNORM)) || (grp >= 1 && grp <= HW.ln_rows))) {
        struct tfx_cmd full = c;
        full.bias = sh_.bias.data();
        full.rq_mult = sh_.mult.data();
        full.rq_shift = sh_.shift.data();
        int em = tfx_cmd_check(&ARCH, &full);
        if (em != expect)
            failf("harness: tfx_hw_check %d and tfx_cmd_check %d disagree", expect, em);
    }
    return refused(op, ops, c.d, m, grp, c, expect);
}

// Drives one accepted RUN: its beats with random gaps (main and residual streams apart), the
// output with random back-pressure, every lane of every output beat compared.
bool Driver::run_cmd(RunCmd &rn, bool timed)
{
    auto &t = s_.top();
    const int d = rn.c.d, m = rn.m;
    const size_t nb = rn.beats.size();
    const bool res_on = rn.ops & TFX_OPBIT(TFX_OP_RESIDUAL);
    issue(TFP_AUX_OP_RUN, rn.ops, d, m, rn.grp, &rn.c);
    const long long c0 = (long long)s_.cycles() - 1;
    if (t.err_o)
        failf("command %d (RUN %s, d %d, m %d): refused with code %d, the model accepts it", cmd_no_,
              ops_str(rn.ops).c_str(), d, m, (int)t.err_code_o);
    const double gap = timed ? 0.0 : o_.in_gap, bp = timed ? 0.0 : o_.bp;
    Held msrc(nb, gap), rsrc(nb, gap);
    size_t oi = 0;
    long long ready_at = -1;
    tb::Guard guard(s_, o_.guard, [&] {
        if (!msrc.done())
            return tb::format("command %d (RUN %s, d %d, m %d, grp %d): in_ready_o stuck low at beat %zu of %zu "
                              "(%zu out)",
                              cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, msrc.i, nb, oi);
        if (oi < nb)
            return tb::format("command %d (RUN %s, d %d, m %d, grp %d): out_valid_o stuck low after %zu of %zu beats",
                              cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, oi, nb);
        return tb::format("command %d: cmd_ready_o stuck low after the last beat", cmd_no_);
    });
    tb::Rng &tr = s_.timing;
    while (oi < nb || ready_at < 0) {
        const size_t mi = msrc.i, ri = rsrc.i;
        bool mv = msrc.offer(tr);
        bool rv = res_on && rsrc.offer(tr);
        bool garbage = tr.chance(0.3);
        t.in_valid_i = mv;
        if (mv) {
            auto b = rn.beats[mi];
            t.in_row_i = (uint32_t)b.first;
            t.in_col_i = (uint32_t)(b.second * L);
            for (int j = 0; j < L; j++) {
                int col = b.second * L + j;
                int64_t v = col < d ? rn.in[(size_t)b.first * d + col] : rn.pad[mi * L + j];
                set_bits(t.in_data_i, j * ARCH.acc_bits, ARCH.acc_bits, (uint64_t)v);
            }
        }
        // without RESIDUAL the operand stream must be ignored: offer garbage now and then
        t.res_valid_i = res_on ? rv : garbage;
        if (res_on && rv) {
            auto b = rn.beats[ri];
            for (int j = 0; j < L; j++) {
                int col = b.second * L + j;
                int64_t v = col < d ? rn.res[(size_t)b.first * d + col] : rn.rpad[ri * L + j];
                set_bits(t.res_data_i, j * ARCH.res_in_bits, ARCH.res_in_bits, (uint64_t)v);
            }
        }
        t.out_ready_i = !tr.chance(bp);
        s_.fall();
        bool fin = t.in_valid_i && t.in_ready_o;
        bool fres = t.res_valid_i && t.res_ready_o;
        bool fout = t.out_valid_o && t.out_ready_i;
        if (res_on && fin != fres)
            failf("command %d: in_* and res_* beats taken apart (in %d, res %d, beats %zu/%zu)", cmd_no_, (int)fin,
                  (int)fres, mi, ri);
        if (!res_on && t.res_ready_o)
            failf("command %d: res_ready_o high in a run without RESIDUAL", cmd_no_);
        if (ready_at < 0 && t.cmd_ready_o && oi + (fout ? 1 : 0) == nb)
            ready_at = (long long)s_.cycles();
        if (fout) {
            if (oi >= nb)
                failf("command %d: an output beat beyond the %zu expected", cmd_no_, nb);
            auto b = rn.beats[oi];
            int row = (int)t.out_row_o, col = (int)t.out_col_o, last = (int)t.out_last_o;
            if (row != b.first || col != b.second * L || last != (oi + 1 == nb))
                failf("command %d (RUN %s, d %d, m %d, grp %d, order %d), beat %zu: row %d col %d last %d, "
                      "expected row %d col %d last %d",
                      cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, oi, row, col, last, b.first,
                      b.second * L, (int)(oi + 1 == nb));
            for (int j = 0; j < L; j++) {
                int cc = b.second * L + j;
                int64_t exp = cc < d ? rn.out[(size_t)b.first * d + cc] : 0;
                int64_t act = sext(get_bits(t.out_data_o, j * PW, PW), PW);
                r_.in_d += cc < d;
                r_.sb.expect(exp, act, [&] {
                    return tb::format("command %d (RUN %s, d %d, m %d, grp %d, order %d), beat %zu, row %d, column %d "
                                      "(lane %d): expected %" PRId64 ", actual %" PRId64 " (input %" PRId64 ")",
                                      cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, oi, b.first, cc, j,
                                      exp, act, cc < d ? rn.in[(size_t)b.first * d + cc] : 0);
                });
            }
            r_.beats++;
        }
        s_.rise();
        if (fin)
            msrc.taken();
        if (fres)
            rsrc.taken();
        if (fout)
            oi++;
        if (fin || fout)
            guard.progress();
        else
            guard.wait();
    }
    idle_inputs();
    t.out_ready_i = 1;
    if (timed) {
        long long cyc = ready_at - c0;
        long long model = tfx_cycles_cmd(&ARCH, &HW, rn.ops, m, d, rn.grp);
        r_.timed++;
        r_.rtl_cycles += cyc;
        r_.model_cycles += model;
        if (cyc != model || (long long)t.stat_cycles_o != model - 1 || t.stat_stall_o != 0)
            failf("command %d (RUN %s, d %d, m %d, grp %d, order %d): %lld cycles (stat_cycles_o %lld, stat_stall_o "
                  "%lld), model %lld",
                  cmd_no_, ops_str(rn.ops).c_str(), d, m, rn.grp, rn.order, cyc, (long long)t.stat_cycles_o,
                  (long long)t.stat_stall_o, model);
        r_.timed_ok++;
    }
    r_.runs++;
    r_.ops_seen[rn.ops]++;
    return true;
}

// The chains the design can run (every stage built, widths that fit).
std::vector<unsigned> Driver::legal_chains() const
{
    std::vector<unsigned> legal;
    for (unsigned ops = 0; ops < (1u << TFP_AUX_OPS_W); ops++) {
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
    return legal;
}

// Each legal chain once first, then at random; about 12 % refusals.
void Driver::random_commands()
{
    std::vector<unsigned> legal = legal_chains();
    if (legal.empty())
        failf("harness: the design can run no chain");
    for (cmd_no_ = 0; cmd_no_ < o_.cmds; cmd_no_++) {
        run_.begin(cmd_no_);
        bool timed = u01() < o_.timing;
        if (u01() < 0.12) {
            random_refusal();
            continue;
        }
        unsigned ops = cmd_no_ < (int)legal.size() ? legal[(size_t)cmd_no_]
                                                   : legal[(size_t)rint(0, (long long)legal.size() - 1)];
        RunCmd rn;
        make_run(rn, ops);
        ensure_params(rn, timed);
        run_cmd(rn, timed);
    }
}

// For d over a range and a few chains, one RUN of BENCH_M rows in groups of one row without
// gaps or back-pressure: the RTL's cycles (equal to the model's, outputs compared as always)
// and the model's steady-state cycles per row (a whole bank rotation averaged). CSV columns:
// design,lanes,ln_banks,chain,d,m,grp,cycles,model_cycles,cycles_per_row,steady_per_row
const int BENCH_M = 8;
void Driver::bench(FILE *csv)
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
                           MAXD, ARCH.ln_max_d};
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
            if (d > (ln ? ARCH.ln_max_d : MAXD))
                continue;
            run_.begin(cmd_no_);
            const int grp = 1;
            RunCmd rn;
            make_run(rn, ch.second, d, BENCH_M, grp, 0);
            ensure_params(rn, true);
            run_cmd(rn, true);
            long long rtl = (long long)s_->stat_cycles_o + 1;
            long long model = tfx_cycles_cmd(&ARCH, &HW, ch.second, BENCH_M, d, grp);
            long long steady = tfx_cycles_groups(&ARCH, &HW, ch.second, d, grp, 4 * HW.ln_banks);
            if (csv)
                std::fprintf(csv, "%s,%d,%d,%s,%d,%d,%d,%lld,%lld,%.3f,%.3f\n", TFP_NAME, L, HW.ln_banks, ch.first, d,
                             BENCH_M, grp, rtl, model, (double)rtl / BENCH_M, (double)steady / (4 * HW.ln_banks));
            cmd_no_++;
        }
    }
}

void run_aux(const AuxOptions &o, tb::Run &r, Result &res, FILE *csv)
{
    tb::Rng rng(o.seed);
    tb::Sim<Vaux> s(r);
    s->cmd_valid_i = 0;
    s->prm_valid_i = 0;
    s->in_valid_i = 0;
    s->res_valid_i = 0;
    s->out_ready_i = 1;
    s.reset(3);
    Driver drv(o, r, s, rng, res);
    try {
        if (o.bench.empty())
            drv.random_commands();
        else
            drv.bench(csv);
    } catch (const tb::Failure &) {
        res.sim_cycles = (long long)s.cycles();
        throw;
    }
    res.sim_cycles = (long long)s.cycles();
}

} // namespace

int main(int argc, char **argv)
{
    AuxOptions o;
    o.parse(argc, argv);
    if (!o.bench.empty())
        o.bp = o.in_gap = 0;
    std::unique_ptr<FILE, int (*)(FILE *)> csv(o.bench.empty() ? nullptr : std::fopen(o.bench.c_str(), "a"),
                                               [](FILE *f) { return f ? std::fclose(f) : 0; });
    if (!o.bench.empty() && !csv) {
        std::perror(o.bench.c_str());
        return 2;
    }
    Result r;
    tb::Verdict v = tb::run(o, std::string(TFP_NAME) + "_aux", r, tb::Trace::from_failing_unit("command"),
                            [&](tb::Run &run, Result &res) { run_aux(o, run, res, run.replay() ? nullptr : csv.get()); });
    csv.reset();
    if (!o.json.empty()) {
        tb::Json j;
        j.string("design", TFP_NAME)
            .string("simulator", "verilator")
            .integer("seed", o.seed)
            .integer("runs", r.runs)
            .integer("loads", r.loads)
            .integer("refused", r.refused)
            .integer("chains", r.chains())
            .integer("beats", r.beats)
            .integer("elements_checked", r.sb.checks)
            .integer("elements_in_d", r.in_d)
            .integer("mismatches", r.sb.mismatches + (v.failed && r.sb.mismatches == 0 ? 1 : 0))
            .integer("timed_commands", r.timed)
            .integer("timed_equal", r.timed_ok)
            .integer("cycles", r.rtl_cycles)
            .integer("model_cycles", r.model_cycles)
            .integer("sim_cycles", r.sim_cycles)
            .fixed("wall_seconds", v.wall, 3)
            .boolean("passed", !v.failed)
            .string("failure", v.what);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s_aux: %s: %lld runs (%d chains), %lld loads, %lld refused; %lld lane values (%lld elements of "
                    "rows) in %lld beats checked, %lld mismatches; %lld/%lld timed commands cycles = model (%lld = "
                    "%lld); %lld sim cycles, %.1f s\n",
                    TFP_NAME, v.failed ? "FAIL" : "PASS", r.runs, r.chains(), r.loads, r.refused, r.sb.checks, r.in_d,
                    r.beats, r.sb.mismatches + (v.failed && r.sb.mismatches == 0 ? 1 : 0), r.timed_ok, r.timed,
                    r.rtl_cycles, r.model_cycles, r.sim_cycles, v.wall);
    return v.failed ? 1 : 0;
}
