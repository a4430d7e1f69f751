// gemm_harness.cpp -- Verilator co-simulation of a generated tforge GEMM engine
// against the golden model (model/tf_model.c).
//
// Built per design: the design's <name>_params.h is force-included, the model
// is linked in, the Verilated top is always class Vtop (--prefix Vtop).
// Every output element of every GEMM is compared bit-exact with the model,
// lanes beyond N must be zero, the beat order and sideband (row, col, last)
// must match, and stat_cycles - stat_stall must equal tfm_cycles().
// On the first mismatch: the indices, expected and actual value, the seed and
// test index to replay, and an FST waveform of the failing GEMM.
#include "Vtop.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "vl_bits.h"

extern "C" {
#include "tf_model.h"
}

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#ifndef TFP_NAME
#error "compile with -include <design>_params.h"
#endif

static const struct tfm_arch ARCH = TFP_ARCH_INIT;


// ---- options -------------------------------------------------------------
struct Shape {
    int m, k, n;
};

struct Options {
    uint64_t seed = 1;
    int gemms = 40;           // random GEMMs after the edge cases
    double bp = 0.3;          // probability c_ready_i is low in a cycle
    double in_gap = 0.1;      // probability in_valid_i is low in a cycle
    int only = -1;            // replay one test index
    bool edge = true;
    std::string json;         // cosim.json
    std::string csv;          // per-GEMM rows (bench)
    std::string fst = "fail.fst";
    std::vector<Shape> shapes; // explicit shapes (bench), instead of edge + random
    int chains = 6;           // random result-store chains after the fixed ones (gemm.store)
    std::vector<Shape> chain_bench; // LxDxT: attention chain, store vs round trip (bench)
    bool quiet = false;
};

static void usage()
{
    std::printf(
        "usage: harness [--seed S] [--gemms N] [--chains N] [--bp P] [--in-gap P] [--only I]\n"
        "               [--no-edge] [--shapes MxKxN,...] [--chain-bench LxDxT,...]\n"
        "               [--json FILE] [--csv FILE] [--fst FILE] [--quiet]\n");
}

static bool parse_shapes(const char *s, std::vector<Shape> &out)
{
    while (*s) {
        Shape sh;
        int used = 0;
        if (std::sscanf(s, "%dx%dx%d%n", &sh.m, &sh.k, &sh.n, &used) != 3)
            return false;
        out.push_back(sh);
        s += used;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return true;
}

// ---- one GEMM test case ----------------------------------------------------
enum Fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ALT };

struct Case {
    int m, k, n;
    bool rq;
    bool at, bt; // stream A / B transposed (LOAD_AT / LOAD_BT), e.g. K of Q*K^T by tokens
    int asrc = 0, bsrc = 0; // operand sources: 0 buffer (loaded), 1 result store S, 2 S^T
    bool store = false;     // results go to the result store, not to c_*
    std::vector<int32_t> a, b;
    std::vector<uint32_t> mult;
    std::vector<int> shift;
};

static void fill(std::vector<int32_t> &v, Fill f, std::mt19937_64 &rng)
{
    int32_t lo = tfm_op_min(ARCH.op_bits), hi = tfm_op_max(ARCH.op_bits);
    std::uniform_int_distribution<int32_t> d(lo, hi);
    for (std::size_t i = 0; i < v.size(); i++) {
        switch (f) {
        case FILL_RANDOM: v[i] = d(rng); break;
        case FILL_MIN: v[i] = lo; break;
        case FILL_MAX: v[i] = hi; break;
        case FILL_ALT: v[i] = (i % 2) ? hi : lo; break;
        }
    }
}

// The fixed edge cases, run before the random shapes (make_case picks the operand
// fills and load orientations of the last five).
static std::vector<Shape> edge_shapes()
{
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    auto clampd = [](int v, int hi) { return v < 1 ? 1 : (v > hi ? hi : v); };
    return {
        {1, 1, 1},
        {MM, MK, MN},
        {clampd(R - 1, MM), 1, clampd(C - 1, MN)},   // K = 1, M < R, N < C
        {MM, 1, MN},                                  // K = 1, full
        {1, MK, MN},                                  // single row
        {MM, MK, 1},                                  // single column
        {clampd(R + 1, MM), clampd(3, MK), clampd(C + 1, MN)}, // one past a tile
        {clampd(2 * R - 1, MM), clampd(2 * R + 1, MK), clampd(2 * C - 1, MN)},
        {MM, MK, MN},                                  // extremes: all minimum
        {MM, MK, MN},                                  // extremes: all maximum
        {MM, MK, MN},                                  // extremes: alternating
        {clampd(R + 3, MM), clampd(2 * R + 5, MK), clampd(3 * C + 1, MN)}, // Q*K^T: B by tokens
        {clampd(2 * R + 1, MM), clampd(R + 2, MK), clampd(C + 2, MN)},     // A^T and B^T
    };
}

static void random_rq(Case &c, std::mt19937_64 &rng);

static Case make_case(const Options &o, int idx, std::mt19937_64 &rng)
{
    Case c;
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    // Edge cases first, then random shapes.
    std::vector<Shape> edges = edge_shapes();
    Fill fa = FILL_RANDOM, fb = FILL_RANDOM;
    int nedge = o.edge && o.shapes.empty() ? (int)edges.size() : 0;
    if (!o.shapes.empty()) {
        const Shape &s = o.shapes[(std::size_t)idx % o.shapes.size()];
        c.m = s.m, c.k = s.k, c.n = s.n;
    } else if (idx < nedge) {
        c.m = edges[idx].m, c.k = edges[idx].k, c.n = edges[idx].n;
        if (idx == nedge - 5)
            fa = fb = FILL_MIN;
        if (idx == nedge - 4)
            fa = fb = FILL_MAX;
        if (idx == nedge - 3)
            fa = FILL_ALT, fb = FILL_MIN;
    } else {
        // Mostly small shapes, sometimes up to the maxima.
        std::uniform_int_distribution<int> big(0, 3);
        auto pick = [&](int hi) {
            int lim = big(rng) == 0 ? hi : std::min(hi, 3 * std::max(R, C));
            return std::uniform_int_distribution<int>(1, lim)(rng);
        };
        c.m = pick(MM), c.k = pick(MK), c.n = pick(MN);
    }
    c.a.resize((std::size_t)c.m * c.k);
    c.b.resize((std::size_t)c.k * c.n);
    fill(c.a, fa, rng);
    fill(c.b, fb, rng);
    c.rq = ARCH.requant && (rng() % 3 == 0); // mostly raw: requant can hide an off-by-one
    c.at = rng() % 4 == 0;
    c.bt = rng() % 3 == 0;
    if (o.shapes.empty() && idx == nedge - 2)
        c.at = false, c.bt = true;
    if (o.shapes.empty() && idx == nedge - 1)
        c.at = c.bt = true;
    if (!o.shapes.empty())
        c.at = c.bt = false; // benchmarks load as documented: row-major
    random_rq(c, rng);
    return c;
}

// ---- result-store chains (gemm.store) ---------------------------------------
// A chain is one test: a GEMM that stores its requantized result in S, GEMMs that
// read S or S^T as A and/or B, and a read-back (S times an identity) that compares
// every stored element. The golden store (tfm_store_*) is kept here, so each step's
// operands are plain matrices and run_case checks its output as for any GEMM.
struct Chain {
    struct tfm_trf st;
    std::vector<char> def; // cells written by a storing GEMM (the RTL store starts unknown)
    int ms = 0, ns = 0;    // shape of the last stored result
    Chain() { tfm_trf_init(&st, ARCH.max_m, ARCH.max_n, ARCH.op_bits); def.assign((std::size_t)ARCH.max_m * ARCH.max_n, 0); }
    ~Chain() { tfm_trf_free(&st); }
    Chain(const Chain &) = delete;
    Chain &operator=(const Chain &) = delete;
};

static void random_rq(Case &c, std::mt19937_64 &rng)
{
    c.mult.resize((std::size_t)c.n);
    c.shift.resize((std::size_t)c.n);
    std::uniform_int_distribution<uint32_t> dm(0, 0x7fffffffu);
    std::uniform_int_distribution<int> ds(0, std::min(31, ARCH.acc_bits - 1));
    for (int j = 0; j < c.n; j++) {
        c.mult[(std::size_t)j] = (j % 5 == 4) ? 0x7fffffffu : dm(rng);
        c.shift[(std::size_t)j] = (j % 7 == 6) ? 0 : ds(rng);
    }
}

static std::vector<int64_t> reference(const Case &c)
{
    std::vector<int64_t> ref((std::size_t)c.m * c.n);
    tfm_gemm(c.m, c.k, c.n, c.a.data(), c.b.data(), ref.data());
    if (c.rq)
        for (int i = 0; i < c.m; i++)
            for (int j = 0; j < c.n; j++)
                ref[(std::size_t)i * c.n + j] =
                    tfm_requant(ref[(std::size_t)i * c.n + j], c.mult[(std::size_t)j],
                                c.shift[(std::size_t)j], ARCH.rq_bits);
    return ref;
}

// A storing GEMM from loaded operands; its requantization spreads each column over
// the output range (multiplier in [2^30, 2^31), shift from the column's largest |acc|).
static Case store_step(Chain &ch, int m, int k, int n, bool bt, std::mt19937_64 &rng)
{
    Case c;
    c.m = m, c.k = k, c.n = n, c.rq = true, c.at = rng() % 4 == 0, c.bt = bt, c.store = true;
    c.a.resize((std::size_t)m * k);
    c.b.resize((std::size_t)k * n);
    fill(c.a, FILL_RANDOM, rng);
    fill(c.b, FILL_RANDOM, rng);
    std::vector<int64_t> acc((std::size_t)m * n);
    tfm_gemm(m, k, n, c.a.data(), c.b.data(), acc.data());
    c.mult.resize((std::size_t)n);
    c.shift.resize((std::size_t)n);
    std::uniform_int_distribution<uint32_t> dm(0x40000000u, 0x7fffffffu);
    for (int j = 0; j < n; j++) {
        c.mult[(std::size_t)j] = dm(rng);
        c.shift[(std::size_t)j] = tfm_requant_fit_shift(acc.data(), m, n, j, ARCH.rq_bits);
    }
    std::vector<int64_t> res = reference(c);
    tfm_store_result(&ARCH, &ch.st, m, n, res.data());
    for (int i = 0; i < m; i++)
        for (int q = 0; q < ARCH.max_n && q < (n + ARCH.cols - 1) / ARCH.cols * ARCH.cols; q++)
            ch.def[(std::size_t)i * ARCH.max_n + q] = 1;
    ch.ms = m, ch.ns = n;
    return c;
}

// The operand a GEMM reads from the store; every cell it touches must be defined.
static std::vector<int32_t> store_operand(const Chain &ch, int src, int rows, int cols)
{
    std::vector<int32_t> v((std::size_t)rows * cols);
    tfm_store_operand(&ARCH, &ch.st, src, rows, cols, v.data());
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            int r = src == TFM_SRC_ST ? i : j, q = src == TFM_SRC_ST ? j : i;
            if (!ch.def[(std::size_t)r * ARCH.max_n + q]) {
                std::fprintf(stderr, "harness: chain reads undefined store cell (%d, %d)\n", r, q);
                std::exit(2);
            }
        }
    return v;
}

// A GEMM reading A from asrc and B from bsrc, dimensions drawn inside the stored
// result (or exactly m, k, n when given).
static Case use_step(Chain &ch, int asrc, int bsrc, std::mt19937_64 &rng, int m = 0, int k = 0, int n = 0)
{
    int mhi = ARCH.max_m, khi = ARCH.max_k, nhi = ARCH.max_n;
    if (asrc == TFM_SRC_ST) mhi = std::min(mhi, ch.ms), khi = std::min(khi, ch.ns);
    if (asrc == TFM_SRC_ST_T) mhi = std::min(mhi, ch.ns), khi = std::min(khi, ch.ms);
    if (bsrc == TFM_SRC_ST) khi = std::min(khi, ch.ms), nhi = std::min(nhi, ch.ns);
    if (bsrc == TFM_SRC_ST_T) khi = std::min(khi, ch.ns), nhi = std::min(nhi, ch.ms);
    auto pick = [&](int hi) {
        // mostly the whole stored extent, sometimes a part of it
        return rng() % 3 ? hi : std::uniform_int_distribution<int>(1, hi)(rng);
    };
    Case c;
    c.m = m ? m : pick(mhi);
    c.k = k ? k : pick(khi);
    c.n = n ? n : pick(nhi);
    c.asrc = asrc, c.bsrc = bsrc;
    c.rq = ARCH.requant && rng() % 3 == 0;
    c.at = asrc == 0 && rng() % 4 == 0;
    c.bt = bsrc == 0 && rng() % 3 == 0;
    if (asrc)
        c.a = store_operand(ch, asrc, c.m, c.k);
    else {
        c.a.resize((std::size_t)c.m * c.k);
        fill(c.a, FILL_RANDOM, rng);
    }
    if (bsrc)
        c.b = store_operand(ch, bsrc, c.k, c.n);
    else {
        c.b.resize((std::size_t)c.k * c.n);
        fill(c.b, FILL_RANDOM, rng);
    }
    random_rq(c, rng);
    return c;
}

// Read every stored element back: S * I (or I * S when the row is longer than max_k).
static bool readback_step(Chain &ch, Case &c)
{
    auto ident = [](int d) {
        std::vector<int32_t> v((std::size_t)d * d, 0);
        for (int i = 0; i < d; i++)
            v[(std::size_t)i * d + i] = 1;
        return v;
    };
    c = Case();
    c.rq = false, c.at = c.bt = false;
    if (ch.ns <= ARCH.max_k) {
        c.m = ch.ms, c.k = ch.ns, c.n = ch.ns, c.asrc = TFM_SRC_ST;
        c.a = store_operand(ch, TFM_SRC_ST, c.m, c.k);
        c.b = ident(c.k);
    } else if (ch.ms <= ARCH.max_k) {
        c.m = ch.ms, c.k = ch.ms, c.n = ch.ns, c.bsrc = TFM_SRC_ST;
        c.a = ident(c.k);
        c.b = store_operand(ch, TFM_SRC_ST, c.k, c.n);
    } else {
        return false;
    }
    c.mult.assign((std::size_t)c.n, 0);
    c.shift.assign((std::size_t)c.n, 0);
    return true;
}

// Chain ci: the fixed ones first (attention Q*K^T -> S, then S read as A, A^T, B,
// B^T, both operands), then random ones that also overwrite the store.
static int fixed_chains() { return 6; }

static std::vector<Case> make_chain(int ci, std::mt19937_64 &rng)
{
    Chain ch;
    std::vector<Case> steps;
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    auto clampd = [](int v, int hi) { return v < 1 ? 1 : (v > hi ? hi : v); };
    if (ci < fixed_chains()) {
        // S = requant(Q * K^T): Q is L x D, K streamed token by token (LOAD_BT), T tokens.
        int L = clampd(2 * R + 1, MM), D = clampd(R + 3, std::min(MK, MN));
        int T = clampd(3 * C + 1, std::min(MN, MK));
        steps.push_back(store_step(ch, L, D, T, true, rng));
        static const int src[6][2] = {{1, 0}, {2, 0}, {0, 1}, {0, 2}, {1, 2}, {2, 1}};
        if (ci == 0) // O = S * V, the attention output (V: T x D)
            steps.push_back(use_step(ch, 1, 0, rng, L, T, D));
        else
            steps.push_back(use_step(ch, src[ci][0], src[ci][1], rng));
    } else {
        auto pick = [&](int hi) {
            int lim = rng() % 4 == 0 ? hi : std::min(hi, 3 * std::max(R, C));
            return std::uniform_int_distribution<int>(1, lim)(rng);
        };
        static const int src[8][2] = {{1, 0}, {2, 0}, {0, 1}, {0, 2}, {1, 2}, {2, 1}, {1, 1}, {2, 2}};
        for (int round = 0; round < 2; round++) {
            steps.push_back(store_step(ch, pick(MM), pick(MK), pick(MN), rng() % 2 == 0, rng));
            for (int u = 0; u < 2; u++) {
                const int *sp = src[rng() % 8];
                steps.push_back(use_step(ch, sp[0], sp[1], rng));
            }
        }
    }
    Case rb;
    if (readback_step(ch, rb))
        steps.push_back(rb);
    return steps;
}

// ---- the simulation driver -------------------------------------------------
struct Sim {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vtop> top;
    std::unique_ptr<VerilatedFstC> trace;
    uint64_t cycles = 0;
    std::mt19937_64 rng;
    double bp = 0, in_gap = 0;

    explicit Sim(uint64_t seed, const char *fst)
    {
        ctx.reset(new VerilatedContext);
        ctx->randReset(2);
        ctx->randSeed((int)(seed & 0x7fffffff));
        top.reset(new Vtop(ctx.get()));
        if (fst) {
            ctx->traceEverOn(true);
            trace.reset(new VerilatedFstC);
            top->trace(trace.get(), 99);
            trace->open(fst);
        }
        rng.seed(seed ^ 0x5eedULL);
        top->clk_i = 0;
        top->rst_ni = 0;
        top->cmd_valid_i = 0;
        top->in_valid_i = 0;
        top->rq_valid_i = 0;
        top->c_ready_i = 1;
        top->cmd_asrc_i = 0;
        top->cmd_bsrc_i = 0;
        top->cmd_store_i = 0;
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
    // One clock cycle in two halves: fall() evaluates the inputs just set (outputs
    // of this cycle can then be sampled), rise() is the active edge.
    void fall()
    {
        top->clk_i = 0;
        top->eval();
        if (trace)
            trace->dump(ctx->time());
        ctx->timeInc(5);
    }
    void rise()
    {
        top->clk_i = 1;
        top->eval();
        if (trace)
            trace->dump(ctx->time());
        ctx->timeInc(5);
        cycles++;
    }
    void tick()
    {
        fall();
        rise();
    }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

    void command(int op, int m, int k, int n, bool rq, int asrc = 0, int bsrc = 0, bool store = false)
    {
        top->cmd_valid_i = 1;
        top->cmd_asrc_i = (uint8_t)asrc;
        top->cmd_bsrc_i = (uint8_t)bsrc;
        top->cmd_store_i = store;
        top->cmd_op_i = (uint8_t)op;
        top->cmd_m_i = (uint32_t)m;
        top->cmd_k_i = (uint32_t)k;
        top->cmd_n_i = (uint32_t)n;
        top->cmd_requant_i = rq;
        while (!top->cmd_ready_o)
            tick();
        tick();
        top->cmd_valid_i = 0;
    }
    void load(int op, int m, int k, int n, const std::vector<int32_t> &v)
    {
        command(op, m, k, n, false);
        std::size_t i = 0;
        uint32_t mask = (ARCH.op_bits >= 32) ? ~0u : ((1u << ARCH.op_bits) - 1);
        long guard = 0;
        while (i < v.size()) {
            bool valid = !chance(in_gap);
            top->in_valid_i = valid;
            top->in_data_i = (uint32_t)v[i] & mask;
            fall();
            bool fire = valid && top->in_ready_o;
            rise();
            if (fire)
                i++;
            if (++guard > 100L * (long)v.size() + 1000) {
                std::fprintf(stderr, "harness: loader stuck at element %zu\n", i);
                std::exit(1);
            }
        }
        top->in_valid_i = 0;
    }
    void load_rq(const Case &c)
    {
        command(2, c.m, c.k, c.n, false);
        for (int j = 0; j < c.n;) {
            bool valid = !chance(in_gap);
            top->rq_valid_i = valid;
            top->rq_mult_i = c.mult[(std::size_t)j];
            top->rq_shift_i = (uint8_t)c.shift[(std::size_t)j];
            fall();
            bool fire = valid && top->rq_ready_o;
            rise();
            if (fire)
                j++;
        }
        top->rq_valid_i = 0;
    }
};

struct Totals {
    long long checks = 0, pad_checks = 0, mismatches = 0, cycle_mismatches = 0, protocol_errors = 0;
    long long rtl_cycles = 0, model_cycles = 0, stall_cycles = 0, useful_macs = 0;
    long long sim_cycles = 0;
    int gemms = 0, chains = 0;
};

struct Failure {
    bool failed = false;
    std::string what;
};

// Runs one case on sim; returns false on the first mismatch (described in f).
static std::vector<int32_t> transpose(const std::vector<int32_t> &x, int rows, int cols)
{
    std::vector<int32_t> y(x.size());
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < cols; q++)
            y[(std::size_t)q * rows + r] = x[(std::size_t)r * cols + q];
    return y;
}

static std::string case_desc(const Case &c)
{
    static const char *const srcname[] = {"", "S", "S^T"};
    std::string d = "M=" + std::to_string(c.m) + " K=" + std::to_string(c.k) + " N=" + std::to_string(c.n);
    if (c.rq) d += ", requant";
    if (c.at) d += ", A^T load";
    if (c.bt) d += ", B^T load";
    if (c.asrc) d += std::string(", A = ") + srcname[c.asrc];
    if (c.bsrc) d += std::string(", B = ") + srcname[c.bsrc];
    if (c.store) d += ", stored";
    return d;
}

static bool run_case(Sim &s, const Case &c, Totals &t, Failure &f, FILE *csv, int idx)
{
    if (c.asrc == 0) {
        if (c.at)
            s.load(4, c.m, c.k, c.n, transpose(c.a, c.m, c.k)); // A^T: K x M row-major
        else
            s.load(0, c.m, c.k, c.n, c.a);
    }
    if (c.bsrc == 0) {
        if (c.bt)
            s.load(5, c.m, c.k, c.n, transpose(c.b, c.k, c.n)); // B^T: N x K row-major (tokens)
        else
            s.load(1, c.m, c.k, c.n, c.b);
    }
    if (c.rq)
        s.load_rq(c);
    std::vector<int64_t> ref = reference(c);

    s.command(3, c.m, c.k, c.n, c.rq, c.asrc, c.bsrc, c.store);
    // A storing GEMM sends nothing on c_*: any beat is a protocol error.
    int nbeats = c.store ? 0 : tfm_beat_count(&ARCH, c.m, c.n), got = 0;
    long guard = 0, limit = 4 * tfm_cycles(&ARCH, c.m, c.k, c.n) + 10000;
    char buf[512];
    while (got < nbeats || s.top->busy_o) {
        s.top->c_ready_i = !s.chance(s.bp);
        s.fall();
        if (s.top->c_valid_o && s.top->c_ready_i) {
            int row = (int)s.top->c_row_o, col = (int)s.top->c_col_o, last = s.top->c_last_o;
            int erow = -1, ecol = -1;
            if (got < nbeats)
                tfm_beat_at(&ARCH, c.m, c.n, got, &erow, &ecol);
            if (row != erow || col != ecol || last != (got == nbeats - 1)) {
                std::snprintf(buf, sizeof buf,
                              "test %d: beat %d: row %d col %d last %d, expected row %d col %d last %d",
                              idx, got, row, col, last, erow, ecol, got == nbeats - 1);
                t.protocol_errors++;
                f = {true, buf};
                return false;
            }
            for (int j = 0; j < ARCH.cols; j++) {
                int64_t act = sext(get_bits(s.top->c_data_o, j * ARCH.acc_bits, ARCH.acc_bits),
                                   ARCH.acc_bits);
                if (col + j < c.n) {
                    int64_t exp = ref[(std::size_t)row * c.n + col + j];
                    t.checks++;
                    if (act != exp) {
                        t.mismatches++;
                        std::snprintf(buf, sizeof buf,
                                      "test %d (%s): C[%d][%d]: expected %" PRId64 ", actual %" PRId64,
                                      idx, case_desc(c).c_str(), row, col + j, exp, act);
                        f = {true, buf};
                        return false;
                    }
                } else {
                    t.pad_checks++;
                    if (act != 0) {
                        t.mismatches++;
                        std::snprintf(buf, sizeof buf,
                                      "test %d: padding lane %d of row %d col %d: expected 0, actual %" PRId64,
                                      idx, j, row, col, act);
                        f = {true, buf};
                        return false;
                    }
                }
            }
            got++;
        }
        s.rise();
        if (++guard > limit) {
            std::snprintf(buf, sizeof buf, "test %d (%s): timeout, %d of %d beats", idx,
                          case_desc(c).c_str(), got, nbeats);
            t.protocol_errors++;
            f = {true, buf};
            return false;
        }
    }
    s.top->c_ready_i = 1;
    long long rtl = (long long)s.top->stat_cycles_o, stall = (long long)s.top->stat_stall_o;
    long long model = tfm_cycles(&ARCH, c.m, c.k, c.n);
    t.rtl_cycles += rtl - stall;
    t.model_cycles += model;
    t.stall_cycles += stall;
    t.useful_macs += (long long)c.m * c.k * c.n;
    t.gemms++;
    if (csv) {
        long long active = rtl - stall;
        std::fprintf(csv, "%s,%d,%d,%s,%d,%d,%d,%lld,%lld,%lld,%lld,%.4f\n", TFP_NAME, ARCH.rows,
                     ARCH.cols, ARCH.dataflow ? "ws" : "os", c.m, c.k, c.n, active, model,
                     tfm_cycles_ideal(ARCH.rows, ARCH.cols, c.m, c.k, c.n),
                     tfm_cycles_scalesim(ARCH.dataflow, ARCH.rows, ARCH.cols, c.m, c.k, c.n),
                     (double)c.m * c.k * c.n / ((double)ARCH.rows * ARCH.cols * (double)active));
    }
    if (rtl - stall != model) {
        t.cycle_mismatches++;
        std::snprintf(buf, sizeof buf,
                      "test %d (%s): RTL cycles %lld - stalls %lld = %lld, model %lld", idx,
                      case_desc(c).c_str(), rtl, stall, rtl - stall, model);
        f = {true, buf};
        return false;
    }
    return true;
}

// An out-of-range command must be refused with err_o and change nothing.
static bool check_bad_command(Sim &s, Failure &f)
{
    s.command(3, 0, 1, 1, false);
    s.tick();
    if (!s.top->err_o || s.top->busy_o) {
        f = {true, "a GEMM with M = 0 did not raise err_o"};
        return false;
    }
    // K = max_k + 1 is only representable if the port is wide enough.
    if (ARCH.max_k + 1 <= (1 << TFP_DIM_W) - 1) {
        s.command(0, ARCH.max_m, ARCH.max_k + 1, 1, false);
        s.tick();
        if (!s.top->err_o || s.top->busy_o) {
            f = {true, "LOAD_A with K > max_k did not raise err_o"};
            return false;
        }
    }
    // Result-store commands the design cannot honour: every one must be refused.
    struct Bad {
        int m, k, n, asrc, bsrc, store, rq;
        const char *what;
    };
    std::vector<Bad> bad;
    int MM = ARCH.max_m, MN = ARCH.max_n;
    if (!TFP_STORE) {
        bad.push_back({1, 1, 1, 1, 0, 0, 0, "A from a result store the design lacks"});
        bad.push_back({1, 1, 1, 0, 2, 0, 0, "B from a result store the design lacks"});
        bad.push_back({1, 1, 1, 0, 0, 1, ARCH.requant, "cmd_store_i without a result store"});
    } else {
        bad.push_back({1, 1, 1, 3, 0, 0, 0, "A source 3"});
        bad.push_back({1, 1, 1, 0, 3, 0, 0, "B source 3"});
        bad.push_back({1, 1, 1, 1, 0, 1, 1, "store while reading A from the store"});
        bad.push_back({1, 1, 1, 0, 2, 1, 1, "store while reading B from the store"});
        bad.push_back({1, 1, 1, 0, 0, 1, 0, "store without requantization"});
        if (MN + 1 <= ARCH.max_k)
            bad.push_back({1, MN + 1, 1, 1, 0, 0, 0, "A = S with K > max_n"});
        if (MM + 1 <= ARCH.max_k)
            bad.push_back({1, MM + 1, 1, 0, 1, 0, 0, "B = S with K > max_m"});
        if (MN + 1 <= ARCH.max_m)
            bad.push_back({MN + 1, 1, 1, 2, 0, 0, 0, "A = S^T with M > max_n"});
        if (MM + 1 <= ARCH.max_n)
            bad.push_back({1, 1, MM + 1, 0, 2, 0, 0, "B = S^T with N > max_m"});
    }
    for (const Bad &b : bad) {
        s.command(3, b.m, b.k, b.n, b.rq, b.asrc, b.bsrc, b.store);
        s.tick();
        bool model_ok = tfm_store_sources_ok(&ARCH, b.m, b.k, b.n, b.asrc, b.bsrc, b.store) &&
                        !(b.store && !b.rq) && TFP_STORE;
        if (!s.top->err_o || s.top->busy_o || model_ok) {
            f = {true, std::string("a GEMM with ") + b.what + " was not refused with err_o"};
            return false;
        }
    }
    return true;
}

// Test idx: a single GEMM (edge case, random or --shapes), or a result-store chain.
static bool run_test(Sim &s, const Options &o, int idx, int nsingle, Totals &t, Failure &f, FILE *csv)
{
    std::mt19937_64 rng(o.seed * 1000003ULL + (uint64_t)idx);
    if (idx < nsingle) {
        Case c = make_case(o, idx, rng);
        return run_case(s, c, t, f, csv, idx);
    }
    std::vector<Case> steps = make_chain(idx - nsingle, rng);
    for (std::size_t i = 0; i < steps.size(); i++) {
        if (!run_case(s, steps[i], t, f, nullptr, idx)) {
            f.what += " [chain step " + std::to_string(i) + " of " + std::to_string(steps.size()) + "]";
            return false;
        }
    }
    t.chains++;
    return true;
}

// --chain-bench: the attention chain S = requant(Q * K^T), O = S * V, run twice on
// one engine without input gaps or back-pressure: (store) S stays on chip in the
// result store and the second GEMM reads it as A; (round trip) S leaves on c_* and is
// loaded back (LOAD_A, L*T elements), as with row-only operand buffers. Both outputs
// are checked against the golden model; engine cycles are measured from the first
// command to the last result and compared with the cycle model. CSV on --csv.
static int chain_bench(const Options &o)
{
    FILE *csv = o.csv.empty() ? nullptr : std::fopen(o.csv.c_str(), "a");
    if (!o.csv.empty() && !csv) {
        std::perror(o.csv.c_str());
        return 2;
    }
    int rc = 0;
    for (const Shape &sh : o.chain_bench) {
        int L = sh.m, D = sh.k, T = sh.n;
        if (!TFP_STORE || L > ARCH.max_m || D > ARCH.max_k || D > ARCH.max_n || T > ARCH.max_n ||
            T > ARCH.max_k) {
            std::fprintf(stderr, "harness: chain %dx%dx%d needs a result store, L <= max_m, D and T <= "
                                 "min(max_k, max_n)\n", L, D, T);
            return 2;
        }
        for (int variant = 0; variant < 2; variant++) {
            Sim s(o.seed, nullptr);
            std::mt19937_64 rng(o.seed);
            Chain ch;
            Case qk = store_step(ch, L, D, T, true, rng);
            qk.at = false;
            Case sv = use_step(ch, TFM_SRC_ST, 0, rng, L, T, D);
            sv.rq = false, sv.bt = false;
            if (variant == 1) {
                qk.store = false; // S leaves on c_* ...
                sv.asrc = 0;      // ... and comes back as A
            }
            long long model = tfm_load_cycles((long long)L * D) + tfm_load_cycles((long long)T * D) +
                              tfm_load_cycles(T) + tfm_gemm_cmd_cycles(&ARCH, L, D, T, qk.store) +
                              (variant ? tfm_load_cycles((long long)L * T) : 0) +
                              tfm_load_cycles((long long)T * D) + tfm_gemm_cmd_cycles(&ARCH, L, T, D, 0);
            // elements crossing the engine boundary: Q, K, V, requant entries in, O out; S out and in
            long long moved = (long long)L * D + 2LL * T * D + T + (long long)L * D + (variant ? 2LL * L * T : 0);
            Totals t;
            Failure f;
            uint64_t c0 = s.cycles;
            bool ok = run_case(s, qk, t, f, nullptr, 0) && run_case(s, sv, t, f, nullptr, 1);
            long long rtl = (long long)(s.cycles - c0);
            ok = ok && rtl == model;
            std::printf("%s: chain L=%d D=%d T=%d %s: %s, %lld engine cycles (model %lld), %lld "
                        "elements checked, %lld elements crossing the engine boundary\n",
                        TFP_NAME, L, D, T, variant ? "round trip" : "store", ok ? "PASS" : "FAIL", rtl,
                        model, t.checks, moved);
            if (!ok) {
                std::fprintf(stderr, "%s\n", f.failed ? f.what.c_str() : "engine cycles differ from the model");
                rc = 1;
            }
            if (csv)
                std::fprintf(csv, "%s,%d,%d,%s,%d,%d,%d,%s,%lld,%lld,%lld,%lld,%lld\n", TFP_NAME,
                             ARCH.rows, ARCH.cols, ARCH.dataflow ? "ws" : "os", L, D, T,
                             variant ? "round_trip" : "store", rtl, model, moved, t.checks,
                             t.mismatches);
        }
    }
    if (csv)
        std::fclose(csv);
    return rc;
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
        else if (a == "--gemms") o.gemms = std::atoi(next());
        else if (a == "--bp") o.bp = std::atof(next());
        else if (a == "--in-gap") o.in_gap = std::atof(next());
        else if (a == "--only") o.only = std::atoi(next());
        else if (a == "--no-edge") o.edge = false;
        else if (a == "--json") o.json = next();
        else if (a == "--csv") o.csv = next();
        else if (a == "--fst") o.fst = next();
        else if (a == "--quiet") o.quiet = true;
        else if (a == "--chains") o.chains = std::atoi(next());
        else if (a == "--chain-bench") {
            if (!parse_shapes(next(), o.chain_bench)) {
                std::fprintf(stderr, "harness: --chain-bench wants LxDxT[,LxDxT...]\n");
                return 2;
            }
        }
        else if (a == "--shapes") {
            if (!parse_shapes(next(), o.shapes)) {
                std::fprintf(stderr, "harness: --shapes wants MxKxN[,MxKxN...]\n");
                return 2;
            }
        } else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            std::fprintf(stderr, "harness: unknown argument '%s'\n", a.c_str());
            usage();
            return 2;
        }
    }
    for (const Shape &s : o.shapes) {
        if (s.m < 1 || s.m > ARCH.max_m || s.k < 1 || s.k > ARCH.max_k || s.n < 1 || s.n > ARCH.max_n) {
            std::fprintf(stderr, "harness: shape %dx%dx%d outside 1..%d x 1..%d x 1..%d\n", s.m, s.k,
                         s.n, ARCH.max_m, ARCH.max_k, ARCH.max_n);
            return 2;
        }
    }
    int nedge = o.shapes.empty() && o.edge ? (int)edge_shapes().size() : 0;
    int nsingle = o.shapes.empty() ? nedge + o.gemms : (int)o.shapes.size();
    int nchain = TFP_STORE && o.shapes.empty() ? fixed_chains() + o.chains : 0;
    int total = nsingle + nchain;
    if (!o.chain_bench.empty())
        return chain_bench(o);

    FILE *csv = nullptr;
    if (!o.csv.empty()) {
        csv = std::fopen(o.csv.c_str(), "a");
        if (!csv) {
            std::perror(o.csv.c_str());
            return 2;
        }
    }
    auto t0 = std::chrono::steady_clock::now();
    Totals t;
    Failure f;
    int failed_idx = -1;
    {
        Sim s(o.seed, nullptr);
        s.bp = o.bp;
        s.in_gap = o.in_gap;
        if (o.only < 0 && !check_bad_command(s, f))
            failed_idx = -2;
        for (int i = 0; i < total && failed_idx == -1; i++) {
            if (o.only >= 0 && i != o.only)
                continue;
            if (!run_test(s, o, i, nsingle, t, f, csv))
                failed_idx = i;
        }
        t.sim_cycles = (long long)s.cycles;
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (csv)
        std::fclose(csv);

    if (f.failed) {
        std::fprintf(stderr, "MISMATCH %s: %s\n", TFP_NAME, f.what.c_str());
        if (failed_idx >= 0) {
            std::fprintf(stderr, "replay: %s --seed %" PRIu64 " --bp %g --in-gap %g --only %d\n",
                         argv[0], o.seed, o.bp, o.in_gap, failed_idx);
            // Replay the failing case alone with tracing on, so the waveform is kept.
            Sim s(o.seed, o.fst.c_str());
            s.bp = o.bp;
            s.in_gap = o.in_gap;
            Totals t2;
            Failure f2;
            bool again = !run_test(s, o, failed_idx, nsingle, t2, f2, nullptr);
            std::fprintf(stderr, "waveform: %s (%s)\n", o.fst.c_str(),
                         again ? "the replay fails the same way" : "the replay passed");
        }
    }
    double util = t.rtl_cycles ? (double)t.useful_macs / ((double)ARCH.rows * ARCH.cols * (double)t.rtl_cycles) : 0;
    if (!o.json.empty()) {
        FILE *j = std::fopen(o.json.c_str(), "w");
        if (!j) {
            std::perror(o.json.c_str());
            return 2;
        }
        std::fprintf(j,
                     "{\n  \"design\": \"%s\",\n  \"simulator\": \"verilator\",\n  \"seed\": %" PRIu64
                     ",\n  \"gemms\": %d,\n  \"store_chains\": %d,\n  \"checks\": %lld,\n  \"pad_checks\": %lld,\n"
                     "  \"mismatches\": %lld,\n  \"cycle_mismatches\": %lld,\n  \"protocol_errors\": %lld,\n"
                     "  \"cycles\": %lld,\n"
                     "  \"model_cycles\": %lld,\n  \"stall_cycles\": %lld,\n  \"useful_macs\": %lld,\n"
                     "  \"mac_utilization\": %.6f,\n  \"backpressure\": %.3f,\n  \"sim_cycles\": %lld,\n"
                     "  \"wall_seconds\": %.3f,\n  \"sim_cycles_per_second\": %.0f,\n  \"passed\": %s,\n  \"failure\": \"%s\"\n}\n",
                     TFP_NAME, o.seed, t.gemms, t.chains, t.checks, t.pad_checks, t.mismatches,
                     t.cycle_mismatches, t.protocol_errors + (failed_idx == -2 ? 1 : 0), t.rtl_cycles, t.model_cycles, t.stall_cycles, t.useful_macs,
                     util, o.bp, t.sim_cycles, wall, wall > 0 ? t.sim_cycles / wall : 0.0,
                     f.failed ? "false" : "true", f.what.c_str());
        std::fclose(j);
    }
    if (!o.quiet || f.failed)
        std::printf("%s: %s: %d GEMMs%s, %lld elements checked (+%lld padding), %lld mismatches, "
                    "cycles %lld = model %lld, %lld stalled, MAC utilization %.2f%%, %.0f sim cycles/s\n",
                    TFP_NAME, f.failed ? "FAIL" : "PASS", t.gemms,
                    TFP_STORE ? (" (" + std::to_string(t.chains) + " result-store chains)").c_str() : "",
                    t.checks, t.pad_checks,
                    t.mismatches, t.rtl_cycles, t.model_cycles, t.stall_cycles, 100 * util,
                    wall > 0 ? t.sim_cycles / wall : 0.0);
    return f.failed ? 1 : 0;
}
