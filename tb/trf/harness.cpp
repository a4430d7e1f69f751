// trf_harness.cpp -- Verilator co-simulation of a generated two-direction register
// file (<name>_trf) against the golden model (tfm_trf_* in model/tf_model.c).
//
// The file is first filled by row writes, then every cycle does a random write
// (row or column, random mask, now and then an out-of-range index) and a random
// read on each port (row or column). The model reads before it writes (read-first),
// and every word of every read is compared one cycle later, dead words too (they
// must be zero). On the first mismatch: cycle, port, word, expected, actual, the
// replay command, and an FST of a replay of the run up to that cycle.
#include "Vtrf.h"
#include "verilated.h"
#include "verilated_fst_c.h"

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

#ifndef TFP_TRF_ROWS
#error "compile with -include <design>_params.h of a design with a [trf] section"
#endif

static const int NR = TFP_TRF_ROWS, NC = TFP_TRF_COLS, W = TFP_TRF_WIDTH, NB = TFP_TRF_WORDS;

// ---- word access on Verilator signals of any width --------------------------
template <std::size_t N> static void put(VlWide<N> &s, int lo, int width, uint64_t v)
{
    for (int b = 0; b < width; b++) {
        int bit = lo + b;
        uint32_t m = 1u << (bit % 32);
        if ((v >> b) & 1)
            s[bit / 32] |= m;
        else
            s[bit / 32] &= ~m;
    }
}
template <typename T> static void put(T &s, int lo, int width, uint64_t v)
{
    uint64_t m = (width >= 64 ? ~0ULL : ((1ULL << width) - 1)) << lo;
    s = (T)(((uint64_t)s & ~m) | ((v << lo) & m));
}
template <std::size_t N> static uint64_t get(const VlWide<N> &s, int lo, int width)
{
    uint64_t v = 0;
    for (int b = 0; b < width; b++) {
        int bit = lo + b;
        v |= (uint64_t)((s[bit / 32] >> (bit % 32)) & 1u) << b;
    }
    return v;
}
template <typename T> static uint64_t get(const T &s, int lo, int width)
{
    return ((uint64_t)s >> lo) & (width >= 64 ? ~0ULL : ((1ULL << width) - 1));
}

struct Port {
    bool pending = false;
    int dir = 0, idx = 0;
    std::vector<uint64_t> expect;
};

struct Result {
    long long cycles = 0, writes = 0, reads = 0, row_reads = 0, col_reads = 0, checks = 0,
              mismatches = 0;
    long long fail_cycle = -1;
    std::string what;
};

// Runs the whole test; with stop_at >= 0 stops after that cycle (replay for the FST).
static Result run(uint64_t seed, long long ncycles, const char *fst, long long stop_at)
{
    Result res;
    std::unique_ptr<VerilatedContext> ctx(new VerilatedContext);
    ctx->randReset(2);
    ctx->randSeed((int)(seed & 0x7fffffff));
    std::unique_ptr<Vtrf> top(new Vtrf(ctx.get()));
    std::unique_ptr<VerilatedFstC> tr;
    if (fst) {
        ctx->traceEverOn(true);
        tr.reset(new VerilatedFstC);
        top->trace(tr.get(), 99);
        tr->open(fst);
    }
    std::mt19937_64 rng(seed);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int idx_max = (1 << TFP_TRF_IDX_W) - 1;
    uint64_t wmask = W >= 64 ? ~0ULL : ((1ULL << W) - 1);

    struct tfm_trf m;
    if (tfm_trf_init(&m, NR, NC, W) != 0) {
        res.what = "out of memory";
        return res;
    }
    Port port[TFP_TRF_PORTS];
    std::vector<uint64_t> data(NB), got(NB);
    std::vector<uint8_t> mask(NB);

    auto tick = [&]() {
        top->clk_i = 0;
        top->eval();
        if (tr)
            tr->dump(ctx->time());
        ctx->timeInc(5);
        top->clk_i = 1;
        top->eval();
        if (tr)
            tr->dump(ctx->time());
        ctx->timeInc(5);
    };
    top->rst_ni = 0;
    top->w_valid_i = 0;
    top->r0_valid_i = 0;
#if TFP_TRF_PORTS > 1
    top->r1_valid_i = 0;
#endif
    tick();
    tick();
    top->rst_ni = 1;

    long long init = NR, total = init + ncycles;
    for (long long cyc = 0; cyc <= total; cyc++) {
        // 1. compare the reads issued last cycle
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            if (!port[p].pending)
                continue;
            bool vo = p == 0 ? top->r0_valid_o : false;
#if TFP_TRF_PORTS > 1
            if (p == 1)
                vo = top->r1_valid_o;
#endif
            for (int i = 0; i < NB; i++) {
                uint64_t a = p == 0 ? get(top->r0_data_o, i * W, W) : 0;
#if TFP_TRF_PORTS > 1
                if (p == 1)
                    a = get(top->r1_data_o, i * W, W);
#endif
                got[(size_t)i] = a;
            }
            res.checks += NB;
            for (int i = 0; i < NB && res.fail_cycle < 0; i++) {
                if (!vo || got[(size_t)i] != port[p].expect[(size_t)i]) {
                    res.mismatches++;
                    char buf[256];
                    std::snprintf(buf, sizeof buf,
                                  "cycle %lld: port %d %s %d, word %d: expected 0x%" PRIx64
                                  ", actual 0x%" PRIx64 "%s",
                                  cyc - 1, p, port[p].dir ? "column" : "row", port[p].idx, i,
                                  port[p].expect[(size_t)i], got[(size_t)i], vo ? "" : " (r_valid_o low)");
                    res.what = buf;
                    res.fail_cycle = cyc - 1;
                }
            }
            port[p].pending = false;
        }
        if (res.fail_cycle >= 0 || cyc == total || (stop_at >= 0 && cyc > stop_at))
            break;
        // 2. drive this cycle's accesses; the model reads first, then writes
        bool filling = cyc < init;
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            bool v = !filling && chance(0.7);
            int dir = pick(0, 1);
            int lim = dir ? NC : NR;
            int idx = chance(0.02) ? pick(0, idx_max) : pick(0, lim - 1);
            if (v) {
                port[p].pending = true;
                port[p].dir = dir;
                port[p].idx = idx;
                port[p].expect.assign((size_t)NB, 0);
                tfm_trf_read(&m, dir, idx, port[p].expect.data());
                res.reads++;
                (dir ? res.col_reads : res.row_reads)++;
            }
            if (p == 0) {
                top->r0_valid_i = v;
                top->r0_dir_i = dir;
                top->r0_idx_i = (uint32_t)idx;
            }
#if TFP_TRF_PORTS > 1
            if (p == 1) {
                top->r1_valid_i = v;
                top->r1_dir_i = dir;
                top->r1_idx_i = (uint32_t)idx;
            }
#endif
        }
        bool wv = filling || chance(0.5);
        int wdir = filling ? 0 : pick(0, 1);
        int wlim = wdir ? NC : NR;
        int widx = filling ? (int)cyc : (chance(0.02) ? pick(0, idx_max) : pick(0, wlim - 1));
        for (int i = 0; i < NB; i++) {
            data[(size_t)i] = rng() & wmask;
            mask[(size_t)i] = (uint8_t)(filling || !TFP_TRF_MASK || chance(0.75));
            put(top->w_data_i, i * W, W, data[(size_t)i]);
#if TFP_TRF_MASK
            put(top->w_mask_i, i, 1, mask[(size_t)i]);
#endif
        }
        top->w_valid_i = wv;
        top->w_dir_i = wdir;
        top->w_idx_i = (uint32_t)widx;
        if (wv) {
            tfm_trf_write(&m, wdir, widx, data.data(), mask.data());
            res.writes++;
        }
        tick();
        res.cycles++;
    }
    tfm_trf_free(&m);
    if (tr)
        tr->close();
    top->final();
    return res;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    long long cycles = 100000;
    std::string json, fst = "trf_fail.fst";
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc && a != "--help") {
            std::fprintf(stderr, "trf_harness: %s needs a value\n", a.c_str());
            return 2;
        }
        if (a == "--seed") seed = std::strtoull(argv[++i], nullptr, 0);
        else if (a == "--cycles") cycles = std::atoll(argv[++i]);
        else if (a == "--json") json = argv[++i];
        else if (a == "--fst") fst = argv[++i];
        else {
            std::fprintf(stderr, "usage: trf_harness [--seed S] [--cycles N] [--json FILE] [--fst FILE]\n");
            return 2;
        }
    }
    auto t0 = std::chrono::steady_clock::now();
    Result r = run(seed, cycles, nullptr, -1);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bool ok = r.fail_cycle < 0 && r.what.empty();
    if (!ok) {
        std::fprintf(stderr, "MISMATCH %s_trf: %s\nreplay: %s --seed %" PRIu64 " --cycles %lld\n",
                     TFP_NAME, r.what.c_str(), argv[0], seed, cycles);
        run(seed, cycles, fst.c_str(), r.fail_cycle + 1);
        std::fprintf(stderr, "waveform: %s\n", fst.c_str());
    }
    if (!json.empty()) {
        FILE *j = std::fopen(json.c_str(), "w");
        if (!j)
            return 2;
        std::fprintf(j,
                     "{\n  \"design\": \"%s_trf\",\n  \"simulator\": \"verilator\",\n  \"seed\": %" PRIu64
                     ",\n  \"cycles\": %lld,\n  \"writes\": %lld,\n  \"reads\": %lld,\n"
                     "  \"row_reads\": %lld,\n  \"column_reads\": %lld,\n  \"checks\": %lld,\n"
                     "  \"mismatches\": %lld,\n  \"wall_seconds\": %.3f,\n  \"passed\": %s\n}\n",
                     TFP_NAME, seed, r.cycles, r.writes, r.reads, r.row_reads, r.col_reads, r.checks,
                     r.mismatches, wall, ok ? "true" : "false");
        std::fclose(j);
    }
    std::printf("%s_trf: %s: %lld cycles, %lld writes, %lld reads (%lld row, %lld column), "
                "%lld words checked, %lld mismatches\n",
                TFP_NAME, ok ? "PASS" : "FAIL", r.cycles, r.writes, r.reads, r.row_reads, r.col_reads,
                r.checks, r.mismatches);
    return ok ? 0 : 1;
}
