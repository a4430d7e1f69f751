// harness.cpp -- Verilator co-simulation of a generated attention unit (<name>_attn)
// against its golden model (model/tf_attn.c), on the verification layer in tb/common.
//
// Runs decode sequences on every head (heads chosen at random per step), with random
// gaps on the input stream and random back-pressure on the output; each command is a
// whole step (60 %), its append half (20 %) or its attend half (19 %), or an undefined
// mode (1 %, refused). With regions (attn.regions > 1) every command also names a random
// region of the head's cache and passes the count the model holds for it (1 % of them a
// count beyond the region, refused). For every command it compares every element of o,
// the slot the token went to, the evicted slot (pruning active once the cache is full), a
// refusal (full cache without pruning, nothing to attend to, undefined mode or count), and
// stat_cycles - stat_wait against tfa_cmd_cycles(). Heads (regions) are occasionally
// cleared (with regions, by the host forgetting the region: the unit keeps no count).
// Steps come in blocks of 50 of three kinds: "random" int8 data, "peaked" data (keys
// near a direction the queries share: importances differ), and "sharp" data scored with
// the unit-scale constant (one token takes all the probability, the others get exactly
// 0, so importances tie and the oldest-first tie rule decides evictions). First
// mismatch: step, element, expected, actual, the seed, and an FST of the run up to it.
//
// One engine draws the data and the stream timing (gaps, back-pressure) in one
// sequence, as it always has, so a seed keeps meaning the same run.
#include "Vattn.h"
#include "tb.h"

extern "C" {
#include "tf_attn.h"
}

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#ifndef TFP_ATTN_ARCH_INIT
#error "compile with -include <design>_params.h of a design with [attn]"
#endif

static const struct tfa_arch ARCH = TFP_ATTN_ARCH_INIT;
static const int REGIONS = TFP_ATTN_REGIONS;
// ARCH is the cache one command sees: a region of banks x reg_rows tokens (with one
// region, the head's whole cache); the model keeps one per head and region.
static const struct tfa_arch &RARCH = ARCH;

// Port lane widths: cmd_scale_i carries a scale constant per lane, in_q_i / in_k_i / in_v_i
// an element per lane.
static const int SCALE_W = TFP_ATTN_SCALE_W, ELEM_W = TFP_ATTN_KV_W;

namespace {

struct AttnOptions : tb::Options {
    int steps = 600;
    double clear = 0.004;
    std::string csv;
    bool bench = false, clear_set = false;
    AttnOptions() : tb::Options("attn_harness", "attn_fail.fst")
    {
        streams(0.25, 0.15);
        add("--steps", "N", "decode steps (default 600)", steps);
        add("--clear", "P", "probability a step clears a head instead (default 0.004; without pruning "
                            "1 / (capacity + 4))",
            [this](const char *v) { return parse_prob(v, clear) && (clear_set = true); });
        flag("--bench", "no gaps, back-pressure or clears (cycle benchmark)", bench);
        add("--csv", "FILE", "append a CSV row per step (bench)", csv, false);
    }
};

struct Result {
    tb::Scoreboard sb; // elements of o
    long long evictions = 0, refusals = 0, clears = 0, steps = 0;
    long long rtl_cycles = 0, model_cycles = 0, waits = 0, sim_cycles = 0;
};

// The golden model's heads, freed however the run ends.
struct Heads {
    std::vector<struct tfa_head> h;
    explicit Heads(int n) : h((std::size_t)n)
    {
        for (auto &x : h)
            if (tfa_head_init(&x, &RARCH) != 0)
                tb::fail("harness: out of memory");
    }
    ~Heads()
    {
        for (auto &x : h)
            tfa_head_free(&x);
    }
    Heads(const Heads &) = delete;
    Heads &operator=(const Heads &) = delete;
    struct tfa_head &operator[](int i) { return h[(std::size_t)i]; }
};

// One run of o.steps decode steps. CSV rows (bench) on csv.
void run_attn(const AttnOptions &o, tb::Run &r, Result &res, FILE *csv)
{
    const int H = TFP_ATTN_HEADS, D = ARCH.head_dim, RCAP = RARCH.banks * RARCH.tokens_per_bank;
    Heads heads(H * REGIONS); // head h, region g: h * REGIONS + g
    tb::Rng rng(o.seed);
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
    struct tfa_arch arch = RARCH;
    arch.scale_c = scale;
    auto quant = [&](double x) { return tfa_quant8(x, qs); };

    tb::Sim<Vattn> s(r);
    s->cmd_valid_i = 0;
    s->in_valid_i = 0;
    s->o_ready_i = 1;
    s.reset(3);
    tb::Source in(s, s->in_valid_i, s->in_ready_o, "in_ready_o", rng, o.in_gap, o.guard);
    tb::Sink out(s, s->o_valid_o, s->o_ready_i, rng, o.bp);

    // Lanes: with heads in parallel every command steps all H heads (lane h = head h);
    // otherwise one lane carries the head the command names.
    const int HP = TFP_ATTN_HEADS_PARALLEL ? H : 1;
    std::vector<std::vector<int8_t>> q((std::size_t)HP, std::vector<int8_t>((std::size_t)D));
    std::vector<std::vector<int8_t>> k = q, v = q;
    std::vector<std::vector<int64_t>> ref((std::size_t)HP, std::vector<int64_t>((std::size_t)D));
    std::vector<struct tfa_step> ms((std::size_t)HP);
    std::vector<int> lane_head((std::size_t)HP);
    auto command = [&](int head, bool clear, uint32_t sc, int mode, int region, int count) {
        s->cmd_head_i = (uint32_t)head;
        for (int l = 0; l < HP; l++)
            set_bits(s->cmd_scale_i, SCALE_W * l, SCALE_W, sc);
        s->cmd_clear_i = clear;
        s->cmd_mode_i = (uint32_t)mode;
        s->cmd_region_i = (uint32_t)region;
        s->cmd_count_i = (uint32_t)count;
        tb::send_one(s, s->cmd_valid_i, s->cmd_ready_o, std::string(clear ? "clear" : "step") + " command: cmd_ready_o",
                     o.guard);
        s->cmd_clear_i = 0;
    };

    try {
        for (int st = 0; st < o.steps; st++) {
            r.begin(st);
            int head = (int)(rng() % (uint64_t)H);
            int region = REGIONS > 1 ? (int)(rng() % (uint64_t)REGIONS) : 0;
            for (int l = 0; l < HP; l++)
                lane_head[(std::size_t)l] = (HP > 1 ? l : head) * REGIONS + region;
            if (rng.chance(o.clear)) {
                if (REGIONS == 1) // with regions the host just forgets the region's count
                    command(head, true, scale, TFA_MODE_STEP, 0, 0);
                for (int l = 0; l < HP; l++) {
                    struct tfa_head &hh = heads[lane_head[(std::size_t)l]];
                    tfa_head_free(&hh);
                    if (tfa_head_init(&hh, &RARCH) != 0)
                        tb::fail("harness: out of memory");
                }
                res.clears++;
                continue;
            }
            unsigned mpick = (unsigned)(rng() % 100);
            int mode = mpick < 60 ? TFA_MODE_STEP : mpick < 80 ? TFA_MODE_APPEND : mpick < 99 ? TFA_MODE_ATTEND : TFA_MODES;
            int count = heads[lane_head[0]].count;
            bool bad_count = REGIONS > 1 && rng() % 100 == 0;
            if (o.bench) // the benchmark times whole steps
                mode = TFA_MODE_STEP, bad_count = false;
            if (bad_count)
                count = RCAP + 1 + (int)(rng() % (uint64_t)((1 << TFP_ATTN_SLOT_W) - RCAP - 1));
            int kind = (st / 50) % 3; // 0 random, 1 peaked, 2 sharp
            bool peaked = kind == 1;
            const char *kind_name = kind == 0 ? "random" : (peaked ? "peaked" : "sharp");
            arch.scale_c = kind == 2 ? ARCH.scale_c : scale;
            int mrc = 0;
            for (int l = 0; l < HP; l++) {
                int hd = lane_head[(std::size_t)l];
                bool hot = peaked && rng() % 8 == 0;
                const std::vector<double> &u = dir[(std::size_t)(hd / REGIONS)];
                for (int i = 0; i < D; i++) {
                    std::size_t x = (std::size_t)i;
                    q[(std::size_t)l][x] = peaked ? quant(u[x] + 0.5 * nd(rng)) : (int8_t)i8(rng);
                    k[(std::size_t)l][x] = hot ? quant(0.75 * u[x] * 8.0 / std::sqrt((double)D) + 0.3 * nd(rng))
                                               : (peaked ? quant(nd(rng)) : (int8_t)i8(rng));
                    v[(std::size_t)l][x] = (int8_t)i8(rng);
                }
                struct tfa_head &hh = heads[hd];
                struct tfa_step &m = ms[(std::size_t)l];
                m = tfa_step{};
                m.evicted = -1;
                if (mode == TFA_MODES || bad_count || (mode == TFA_MODE_ATTEND && hh.count == 0))
                    mrc = -1;
                else if (mode == TFA_MODE_STEP)
                    mrc |= tfa_decode(&arch, &hh, q[(std::size_t)l].data(), k[(std::size_t)l].data(),
                                      v[(std::size_t)l].data(), ref[(std::size_t)l].data(), &m);
                else if (mode == TFA_MODE_APPEND)
                    mrc |= tfa_append(&arch, &hh, k[(std::size_t)l].data(), v[(std::size_t)l].data(), &m) < 0;
                else
                    tfa_attend(&arch, &hh, q[(std::size_t)l].data(), ref[(std::size_t)l].data(), &m);
            }
            command(head, false, arch.scale_c, mode, region, count);
            // D input beats, (q, k, v) of every lane
            in.send((std::size_t)D, [&](std::size_t i) {
                for (int l = 0; l < HP; l++) {
                    set_bits(s->in_q_i, ELEM_W * l, ELEM_W, (uint8_t)q[(std::size_t)l][i]);
                    set_bits(s->in_k_i, ELEM_W * l, ELEM_W, (uint8_t)k[(std::size_t)l][i]);
                    set_bits(s->in_v_i, ELEM_W * l, ELEM_W, (uint8_t)v[(std::size_t)l][i]);
                }
            }, "step " + std::to_string(st));
            // D output beats (none for a refused step), every lane checked
            int got = 0, expect = mrc == 0 && mode != TFA_MODE_APPEND ? D : 0;
            tb::Guard g(s, 1000000, [&] {
                return tb::format("step %d: o_valid_o: %d of %d beats, busy_o %d,", st, got, expect, (int)s->busy_o);
            });
            while (got < expect || s->busy_o) {
                out.cycle([&] {
                    if (got >= expect)
                        tb::fail("step " + std::to_string(st) + ": an output beat from a refused step or an append");
                    for (int l = 0; l < HP; l++) {
                        int64_t act = sext(get_bits(s->o_data_o, TFP_ATTN_OW * l, TFP_ATTN_OW), TFP_ATTN_OW);
                        int64_t want = ref[(std::size_t)l][(std::size_t)got];
                        int last = (int)s->o_last_o;
                        res.sb.check(act == want && last == (got == D - 1), [&] {
                            return tb::format("step %d (head %d region %d, %s, mode %d): o[%d]: expected %" PRId64
                                              ", actual %" PRId64 " (last %d)",
                                              st, lane_head[(std::size_t)l] / REGIONS, region, kind_name, mode, got,
                                              want, act, last);
                        });
                    }
                    got++;
                });
                g.wait();
            }
            out.idle();
            res.steps++;
            if (mrc != 0) {
                res.refusals++;
                if (!s->step_err_o)
                    tb::fail(tb::format("step %d: mode %d, count %d: the model refused, the RTL did not", st, mode,
                                        count));
            } else if (mode == TFA_MODE_ATTEND) {
                if (s->step_err_o || get_bits(s->evict_o, 0, 1))
                    tb::fail(tb::format("step %d: attend: err %d evict %d, expected 0 0", st, (int)s->step_err_o,
                                        (int)get_bits(s->evict_o, 0, 1)));
            } else {
                for (int l = 0; l < HP; l++) {
                    const struct tfa_step &m = ms[(std::size_t)l];
                    int slot = (int)get_bits(s->slot_o, TFP_ATTN_SLOT_W * l, TFP_ATTN_SLOT_W);
                    int ev = (int)get_bits(s->evict_o, l, 1);
                    int evs = (int)get_bits(s->evict_slot_o, TFP_ATTN_SLOT_W * l, TFP_ATTN_SLOT_W);
                    if (s->step_err_o || slot != m.slot || ev != (m.evicted >= 0) || (m.evicted >= 0 && evs != m.evicted))
                        tb::fail(tb::format("step %d head %d: slot %d evict %d (slot %d) err %d, model slot %d evicted %d",
                                            st, lane_head[(std::size_t)l], slot, ev, evs, (int)s->step_err_o, m.slot,
                                            m.evicted));
                    res.evictions += m.evicted >= 0;
                }
            }
            const struct tfa_head &h0 = heads[lane_head[0]];
            long long rc = (long long)s->stat_cycles_o, wc = (long long)s->stat_wait_o;
            long long mc = tfa_cmd_cycles(&arch, TFP_ATTN_LANES, mode, h0.count, ms[0].evicted >= 0 && mrc == 0,
                                          mrc != 0);
            res.rtl_cycles += rc - wc;
            res.model_cycles += mc;
            res.waits += wc;
            if (csv && mrc == 0 && mode == TFA_MODE_STEP)
                std::fprintf(csv, "%s,%d,%d,%d,%d,%d,%lld,%lld\n", TFP_NAME, ARCH.banks, ARCH.tokens_per_bank, D,
                             TFP_ATTN_LANES, h0.count, rc - wc, mc);
            if (rc - wc != mc)
                tb::fail(tb::format("step %d (mode %d, %d tokens after it): RTL cycles %lld - waits %lld = %lld, model %lld",
                                    st, mode, h0.count, rc, wc, rc - wc, mc));
        }
    } catch (const tb::Failure &) {
        res.sim_cycles = (long long)s.cycles();
        throw;
    }
    res.sim_cycles = (long long)s.cycles();
}

} // namespace

int main(int argc, char **argv)
{
    AttnOptions o;
    o.parse(argc, argv);
    // Without pruning a full cache refuses steps: clear a head about every capacity + 4 steps.
    if (!o.clear_set && ARCH.prune == TFA_PRUNE_NONE)
        o.clear = 1.0 / (RARCH.banks * RARCH.tokens_per_bank + 4);
    if (o.bench)
        o.bp = o.in_gap = o.clear = 0;
    bool csv_ok;
    tb::CsvFile csv = tb::open_csv(o.csv, csv_ok);
    if (!csv_ok)
        return 2;
    Result r;
    tb::Verdict v = tb::run(o, TFP_NAME, r, tb::Trace::from_reset("step"), [&](tb::Run &run, Result &res) {
        run_attn(o, run, res, run.replay() ? nullptr : csv.get());
    });
    csv.reset();
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, TFP_NAME);
        j.integer("steps", r.steps)
            .integer("elements_checked", r.sb.checks)
            .integer("mismatches", r.sb.mismatches)
            .integer("evictions", r.evictions)
            .integer("refusals", r.refusals)
            .integer("clears", r.clears)
            .integer("cycles", r.rtl_cycles)
            .integer("model_cycles", r.model_cycles)
            .integer("wait_cycles", r.waits)
            .integer("sim_cycles", r.sim_cycles)
            .fixed("wall_seconds", v.wall, 3)
            .boolean("passed", !v.failed)
            .string("failure", v.what);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s_attn: %s: %lld decode steps, %lld elements of o checked, %lld mismatches, %lld "
                    "evictions, %lld refused, %lld clears; cycles %lld = model %lld (+%lld waiting), %.0f "
                    "sim cycles/s\n",
                    TFP_NAME, v.failed ? "FAIL" : "PASS", r.steps, r.sb.checks, r.sb.mismatches, r.evictions,
                    r.refusals, r.clears, r.rtl_cycles, r.model_cycles, r.waits,
                    v.wall > 0 ? r.sim_cycles / v.wall : 0.0);
    return v.failed ? 1 : 0;
}
