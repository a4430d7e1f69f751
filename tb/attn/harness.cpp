// attn_harness.cpp -- Verilator co-simulation of a generated attention unit
// (<name>_attn) against its golden model (model/tf_attn.c).
//
// Runs decode sequences on every head (heads chosen at random per step), with random
// gaps on the input stream and random back-pressure on the output; for every step it
// compares every element of o, the slot the token went to, the evicted slot (pruning
// active once the cache is full), a refusal (full cache without pruning), and
// stat_cycles - stat_wait against tfa_step_cycles(). Heads are occasionally cleared.
// Steps come in blocks of 50 of three kinds: "random" int8 data, "peaked" data (keys
// near a direction the queries share: importances differ), and "sharp" data scored with
// the unit-scale constant (one token takes all the probability, the others get exactly
// 0, so importances tie and the oldest-first tie rule decides evictions). First mismatch: step, element,
// expected, actual, the seed, and an FST of the run up to it.
#include "Vattn.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "vl_bits.h"

extern "C" {
#include "tf_attn.h"
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

#ifndef TFP_ATTN_ARCH_INIT
#error "compile with -include <design>_params.h of a design with [attn]"
#endif

static const struct tfa_arch ARCH = TFP_ATTN_ARCH_INIT;

struct Sim {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vattn> top;
    std::unique_ptr<VerilatedFstC> trace;
    uint64_t cycles = 0;
    Sim(uint64_t seed, const char *fst)
    {
        ctx.reset(new VerilatedContext);
        ctx->randReset(2);
        ctx->randSeed((int)(seed & 0x7fffffff));
        top.reset(new Vattn(ctx.get()));
        if (fst) {
            ctx->traceEverOn(true);
            trace.reset(new VerilatedFstC);
            top->trace(trace.get(), 99);
            trace->open(fst);
        }
        top->clk_i = 0;
        top->rst_ni = 0;
        top->cmd_valid_i = 0;
        top->in_valid_i = 0;
        top->o_ready_i = 1;
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
    void fall() { half(0); }
    void rise()
    {
        half(1);
        cycles++;
    }
    void tick() { fall(), rise(); }
};

struct Options {
    uint64_t seed = 1;
    int steps = 600;
    double bp = 0.25, in_gap = 0.15, clear = 0.004;
    std::string json, fst = "attn_fail.fst", csv;
    bool quiet = false, bench = false, clear_set = false;
};

struct Result {
    long long checks = 0, mismatches = 0, evictions = 0, refusals = 0, clears = 0, steps = 0;
    long long rtl_cycles = 0, model_cycles = 0, waits = 0, sim_cycles = 0;
    std::string failure;
};

// One run of o.steps decode steps; fst: waveform file or null. CSV rows (bench) on csv.
static bool run_sim(const Options &o, const char *fst, FILE *csv, Result &r)
{
    const int H = TFP_ATTN_HEADS, D = ARCH.head_dim;
    std::vector<struct tfa_head> heads((std::size_t)H);
    for (auto &h : heads)
        if (tfa_head_init(&h, &ARCH) != 0)
            std::exit(2);
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<int> i8(-128, 127);
    std::normal_distribution<double> nd(0.0, 1.0);
    // A shared direction per head: "peaked" steps draw keys close to it.
    std::vector<std::vector<double>> dir((std::size_t)H, std::vector<double>((std::size_t)D));
    for (auto &v : dir)
        for (auto &x : v)
            x = nd(rng);
    const double qs = 5.0 / 127.0;
    uint32_t scale = tfa_scale_const_real(qs * qs, D, ARCH.exp_frac_bits);
    if (scale == 0)
        scale = 1;
    struct tfa_arch arch = ARCH;
    arch.scale_c = scale;

    auto quant = [&](double x) { return tfa_quant8(x, qs); };
    long long &checks = r.checks, &mismatches = r.mismatches, &evictions = r.evictions;
    long long &refusals = r.refusals, &clears = r.clears, &steps = r.steps;
    long long &rtl_cycles = r.rtl_cycles, &model_cycles = r.model_cycles, &waits = r.waits;
    std::string &failure = r.failure;
    Sim s(o.seed, fst);
    // Lanes: with heads in parallel every command steps all H heads (lane h = head h);
    // otherwise one lane carries the head the command names.
    const int HP = TFP_ATTN_HEADS_PARALLEL ? H : 1;
    std::vector<std::vector<int8_t>> q((std::size_t)HP, std::vector<int8_t>((std::size_t)D));
    std::vector<std::vector<int8_t>> k = q, v = q;
    std::vector<std::vector<int64_t>> ref((std::size_t)HP, std::vector<int64_t>((std::size_t)D));
    std::vector<struct tfa_step> ms((std::size_t)HP);
    std::vector<int> lane_head((std::size_t)HP);
    char buf[512];
    auto fail = [&](const std::string &what) {
        failure = what;
        return false;
    };
    auto command = [&](int head, bool clear, uint32_t sc) {
        s.top->cmd_valid_i = 1;
        s.top->cmd_head_i = (uint32_t)head;
        for (int l = 0; l < HP; l++)
            set_bits(s.top->cmd_scale_i, 32 * l, 32, sc);
        s.top->cmd_clear_i = clear;
        while (!s.top->cmd_ready_o)
            s.tick();
        s.tick();
        s.top->cmd_valid_i = 0;
        s.top->cmd_clear_i = 0;
    };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

    bool ok = true;
    for (int st = 0; st < o.steps && ok; st++) {
        int head = (int)(rng() % (uint64_t)H);
        for (int l = 0; l < HP; l++)
            lane_head[(std::size_t)l] = HP > 1 ? l : head;
        if (chance(o.clear)) {
            command(head, true, scale);
            for (int l = 0; l < HP; l++) {
                struct tfa_head &hh = heads[(std::size_t)lane_head[(std::size_t)l]];
                tfa_head_free(&hh);
                tfa_head_init(&hh, &ARCH);
            }
            clears++;
            continue;
        }
        int kind = (st / 50) % 3; // 0 random, 1 peaked, 2 sharp
        bool peaked = kind == 1;
        arch.scale_c = kind == 2 ? ARCH.scale_c : scale;
        int mrc = 0;
        for (int l = 0; l < HP; l++) {
            int hd = lane_head[(std::size_t)l];
            bool hot = peaked && rng() % 8 == 0;
            const std::vector<double> &u = dir[(std::size_t)hd];
            for (int i = 0; i < D; i++) {
                std::size_t x = (std::size_t)i;
                q[(std::size_t)l][x] = peaked ? quant(u[x] + 0.5 * nd(rng)) : (int8_t)i8(rng);
                k[(std::size_t)l][x] = hot ? quant(0.75 * u[x] * 8.0 / std::sqrt((double)D) + 0.3 * nd(rng))
                                           : (peaked ? quant(nd(rng)) : (int8_t)i8(rng));
                v[(std::size_t)l][x] = (int8_t)i8(rng);
            }
            mrc |= tfa_decode(&arch, &heads[(std::size_t)hd], q[(std::size_t)l].data(), k[(std::size_t)l].data(),
                              v[(std::size_t)l].data(), ref[(std::size_t)l].data(), &ms[(std::size_t)l]);
        }
        command(head, false, arch.scale_c);
        // D input beats
        for (int i = 0; i < D;) {
            bool valid = !chance(o.in_gap);
            s.top->in_valid_i = valid;
            for (int l = 0; l < HP; l++) {
                set_bits(s.top->in_q_i, 8 * l, 8, (uint8_t)q[(std::size_t)l][(std::size_t)i]);
                set_bits(s.top->in_k_i, 8 * l, 8, (uint8_t)k[(std::size_t)l][(std::size_t)i]);
                set_bits(s.top->in_v_i, 8 * l, 8, (uint8_t)v[(std::size_t)l][(std::size_t)i]);
            }
            s.fall();
            bool fire = valid && s.top->in_ready_o;
            s.rise();
            if (fire)
                i++;
        }
        s.top->in_valid_i = 0;
        int got = 0, expect = mrc == 0 ? D : 0;
        long guard = 0;
        while (got < expect || s.top->busy_o) {
            s.top->o_ready_i = !chance(o.bp);
            s.fall();
            if (s.top->o_valid_o && s.top->o_ready_i) {
                if (got >= expect) {
                    ok = fail("step " + std::to_string(st) + ": an output beat from a refused step");
                    break;
                }
                for (int l = 0; l < HP && ok; l++) {
                    int64_t act = sext(get_bits(s.top->o_data_o, TFP_ATTN_OW * l, TFP_ATTN_OW), TFP_ATTN_OW);
                    int64_t want = ref[(std::size_t)l][(std::size_t)got];
                    checks++;
                    if (act != want || (int)s.top->o_last_o != (got == D - 1)) {
                        mismatches++;
                        std::snprintf(buf, sizeof buf,
                                      "step %d (head %d, %s): o[%d]: expected %" PRId64 ", actual %" PRId64
                                      " (last %d)",
                                      st, lane_head[(std::size_t)l],
                                      kind == 0 ? "random" : (peaked ? "peaked" : "sharp"), got, want, act,
                                      (int)s.top->o_last_o);
                        ok = fail(buf);
                    }
                }
                if (!ok)
                    break;
                got++;
            }
            s.rise();
            if (++guard > 1000000) {
                ok = fail("step " + std::to_string(st) + ": timeout");
                break;
            }
        }
        s.top->o_ready_i = 1;
        if (!ok)
            break;
        steps++;
        if (mrc != 0) {
            refusals++;
            if (!s.top->step_err_o) {
                ok = fail("step " + std::to_string(st) + ": the model refused (full cache), the RTL did not");
                break;
            }
        } else {
            for (int l = 0; l < HP && ok; l++) {
                const struct tfa_step &m = ms[(std::size_t)l];
                int slot = (int)get_bits(s.top->slot_o, TFP_ATTN_SLOT_W * l, TFP_ATTN_SLOT_W);
                int ev = (int)get_bits(s.top->evict_o, l, 1);
                int evs = (int)get_bits(s.top->evict_slot_o, TFP_ATTN_SLOT_W * l, TFP_ATTN_SLOT_W);
                if (s.top->step_err_o || slot != m.slot || ev != (m.evicted >= 0) || (m.evicted >= 0 && evs != m.evicted)) {
                    std::snprintf(buf, sizeof buf,
                                  "step %d head %d: slot %d evict %d (slot %d) err %d, model slot %d evicted %d",
                                  st, lane_head[(std::size_t)l], slot, ev, evs, (int)s.top->step_err_o, m.slot,
                                  m.evicted);
                    ok = fail(buf);
                }
                evictions += m.evicted >= 0;
            }
            if (!ok)
                break;
        }
        const struct tfa_head &h0 = heads[(std::size_t)lane_head[0]];
        long long rc = (long long)s.top->stat_cycles_o, wc = (long long)s.top->stat_wait_o;
        long long mc = tfa_step_cycles(&arch, TFP_ATTN_LANES, h0.count, ms[0].evicted >= 0 && mrc == 0, mrc != 0);
        rtl_cycles += rc - wc;
        model_cycles += mc;
        waits += wc;
        if (csv && mrc == 0)
            std::fprintf(csv, "%s,%d,%d,%d,%d,%d,%lld,%lld\n", TFP_NAME, ARCH.banks, ARCH.tokens_per_bank,
                         D, TFP_ATTN_LANES, h0.count, rc - wc, mc);
        if (rc - wc != mc) {
            std::snprintf(buf, sizeof buf, "step %d: RTL cycles %lld - waits %lld = %lld, model %lld", st, rc,
                          wc, rc - wc, mc);
            ok = fail(buf);
        }
    }
    r.sim_cycles = (long long)s.cycles;
    for (auto &h : heads)
        tfa_head_free(&h);
    return ok;
}

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "attn_harness: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--seed") o.seed = std::strtoull(next(), nullptr, 0);
        else if (a == "--steps") o.steps = std::atoi(next());
        else if (a == "--bp") o.bp = std::atof(next());
        else if (a == "--in-gap") o.in_gap = std::atof(next());
        else if (a == "--clear") o.clear = std::atof(next()), o.clear_set = true;
        else if (a == "--json") o.json = next();
        else if (a == "--csv") o.csv = next();
        else if (a == "--fst") o.fst = next();
        else if (a == "--quiet") o.quiet = true;
        else if (a == "--bench") o.bench = true;
        else {
            std::fprintf(stderr,
                         "usage: attn_harness [--seed S] [--steps N] [--bp P] [--in-gap P] [--clear P]\n"
                         "                    [--json FILE] [--csv FILE] [--fst FILE] [--quiet] [--bench]\n");
            return 2;
        }
    }
    // Without pruning a full cache refuses steps: clear a head about every capacity + 4 steps.
    if (!o.clear_set && ARCH.prune == TFA_PRUNE_NONE)
        o.clear = 1.0 / (ARCH.banks * ARCH.tokens_per_bank + 4);
    if (o.bench)
        o.bp = o.in_gap = o.clear = 0;
    FILE *csv = nullptr;
    if (!o.csv.empty()) {
        csv = std::fopen(o.csv.c_str(), "a");
        if (!csv) {
            std::perror(o.csv.c_str());
            return 2;
        }
    }
    Result r;
    auto t0 = std::chrono::steady_clock::now();
    bool ok = run_sim(o, nullptr, csv, r);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (csv)
        std::fclose(csv);
    if (!ok) {
        std::fprintf(stderr, "MISMATCH %s: %s\n", TFP_NAME, r.failure.c_str());
        std::fprintf(stderr, "replay: %s --seed %" PRIu64 " --steps %d\n", argv[0], o.seed, o.steps);
        Result again;
        bool same = !run_sim(o, o.fst.c_str(), nullptr, again) && again.failure == r.failure;
        std::fprintf(stderr, "waveform: %s (%s)\n", o.fst.c_str(),
                     same ? "the traced replay fails the same way" : "the traced replay differs");
    }
    long long checks = r.checks, mismatches = r.mismatches, evictions = r.evictions;
    long long refusals = r.refusals, clears = r.clears, steps = r.steps, sim_cycles = r.sim_cycles;
    long long rtl_cycles = r.rtl_cycles, model_cycles = r.model_cycles, waits = r.waits;
    const std::string &failure = r.failure;
    if (!o.json.empty()) {
        FILE *j = std::fopen(o.json.c_str(), "w");
        if (!j)
            return 2;
        std::fprintf(j,
                     "{\n  \"design\": \"%s\",\n  \"simulator\": \"verilator\",\n  \"seed\": %" PRIu64
                     ",\n  \"steps\": %lld,\n  \"elements_checked\": %lld,\n  \"mismatches\": %lld,\n"
                     "  \"evictions\": %lld,\n  \"refusals\": %lld,\n  \"clears\": %lld,\n  \"cycles\": %lld,\n"
                     "  \"model_cycles\": %lld,\n  \"wait_cycles\": %lld,\n  \"sim_cycles\": %lld,\n"
                     "  \"wall_seconds\": %.3f,\n  \"passed\": %s,\n  \"failure\": \"%s\"\n}\n",
                     TFP_NAME, o.seed, steps, checks, mismatches, evictions, refusals, clears, rtl_cycles,
                     model_cycles, waits, sim_cycles, wall, ok ? "true" : "false", failure.c_str());
        std::fclose(j);
    }
    if (!o.quiet || !ok)
        std::printf("%s_attn: %s: %lld decode steps, %lld elements of o checked, %lld mismatches, %lld "
                    "evictions, %lld refused, %lld clears; cycles %lld = model %lld (+%lld waiting), %.0f "
                    "sim cycles/s\n",
                    TFP_NAME, ok ? "PASS" : "FAIL", steps, checks, mismatches, evictions, refusals, clears,
                    rtl_cycles, model_cycles, waits, wall > 0 ? sim_cycles / wall : 0.0);
    return ok ? 0 : 1;
}
