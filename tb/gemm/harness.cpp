// harness.cpp -- Verilator co-simulation of a generated tforge GEMM engine against
// the golden model (model/tf_model.c), on the verification layer in tb/common.
//
// Built per design: the design's <name>_params.h is force-included, the model is
// linked in, the Verilated top is always class Vtop (--prefix Vtop). Every output
// element of every GEMM is compared bit-exact with the model, lanes beyond N must be
// zero, the beat order and sideband (row, col, last) must match, and
// stat_cycles - stat_stall must equal tfm_cycles(). Before the tests, commands the
// engine must refuse (bad_commands.cpp). On the first difference: the indices,
// expected and actual value, the seed and the command line that replays the test,
// and an FST waveform of the failing test (tb/common/runner.h).
//
// The tests, in order: the edge cases (cases.cpp), --gemms random GEMMs, then with a
// result store the fixed and --chains random chains (chains.cpp); or the --shapes
// given (bench). --chain-bench runs the store benchmark instead (chain_bench.cpp).
#include "engine.h"

#include <cinttypes>
#include <cstdio>
#include <memory>

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

GemmOptions::GemmOptions() : tb::Options("harness", "fail.fst")
{
    streams(0.3, 0.1);
    units("test");
    add("--gemms", "N", "random GEMMs after the edge cases (default 40)", gemms);
    add("--chains", "N", "random result-store chains after the fixed ones (default 6)", chains);
    flag("--no-edge", "skip the edge cases", no_edge);
    add("--shapes", "MxKxN,...", "run these shapes instead (bench)", [this](const char *v) {
        if (!parse_shapes(v, shapes))
            bad("--shapes wants MxKxN[,MxKxN...]");
        return true;
    });
    add("--chain-bench", "LxDxT,...", "the attention chain, store vs round trip (bench)", [this](const char *v) {
        if (!parse_shapes(v, chain_bench))
            bad("--chain-bench wants LxDxT[,LxDxT...]");
        return true;
    });
    add("--csv", "FILE", "append a CSV row per GEMM (bench)", csv, false);
}

// Test idx: a single GEMM (edge case, random or --shapes), or a result-store chain.
// Its cases draw from an engine of their own, so --only idx builds the same ones.
static void run_test(Engine &e, const GemmOptions &o, int idx, int nsingle, Totals &t, FILE *csv)
{
    tb::Rng rng(o.seed * 1000003ULL + (uint64_t)idx);
    if (idx < nsingle) {
        Case c = make_case(o, idx, rng);
#if TB_HAS_BW
        // With a memory system: the test alternates the halves; the random GEMMs take their
        // operands on the buffer write port, the next one's written while this one runs.
        int nedge = o.shapes.empty() && !o.no_edge ? (int)edge_shapes().size() : 0;
        auto bw_case = [&](int i) { return o.shapes.empty() && i >= nedge && i < nsingle; };
        c.half = idx % 2;
        c.via_bw = bw_case(idx);
        if (c.via_bw && o.only < 0 && bw_case(idx + 1)) {
            tb::Rng rn(o.seed * 1000003ULL + (uint64_t)(idx + 1));
            Case n = make_case(o, idx + 1, rn);
            n.half = (idx + 1) % 2;
            n.via_bw = true;
            run_case(e, c, t, csv, idx, &n);
            return;
        }
#endif
        run_case(e, c, t, csv, idx);
        return;
    }
    std::vector<Case> steps = make_chain(idx - nsingle, rng);
    for (std::size_t i = 0; i < steps.size(); i++) {
        try {
            run_case(e, steps[i], t, nullptr, idx);
        } catch (const tb::Failure &f) {
            tb::fail(std::string(f.what()) + " [chain step " + std::to_string(i) + " of " +
                     std::to_string(steps.size()) + "]");
        }
    }
    t.chains++;
}

int main(int argc, char **argv)
{
    GemmOptions o;
    o.parse(argc, argv);
    for (const Shape &s : o.shapes)
        if (s.m < 1 || s.m > ARCH.max_m || s.k < 1 || s.k > ARCH.max_k || s.n < 1 || s.n > ARCH.max_n)
            o.bad(tb::format("shape %dx%dx%d outside 1..%d x 1..%d x 1..%d", s.m, s.k, s.n, ARCH.max_m,
                             ARCH.max_k, ARCH.max_n));
    int nedge = o.shapes.empty() && !o.no_edge ? (int)edge_shapes().size() : 0;
    int nsingle = o.shapes.empty() ? nedge + o.gemms : (int)o.shapes.size();
    int nchain = TFP_STORE && o.shapes.empty() ? fixed_chains() + o.chains : 0;
    int total = nsingle + nchain;
    if (!o.chain_bench.empty())
        return chain_bench(o);

    bool csv_ok;
    tb::CsvFile csv = tb::open_csv(o.csv, csv_ok);
    if (!csv_ok)
        return 2;
    Totals t;
    tb::Verdict v = tb::run(o, TFP_NAME, t, tb::Trace::from_failing_unit("test"), [&](tb::Run &r, Totals &tt) {
        Engine e(r, o, o.in_gap, o.bp);
        try {
            if (o.only < 0)
                check_bad_commands(e, tt);
            for (int i = 0; i < total; i++) {
                if (o.only >= 0 && i != o.only)
                    continue;
                r.begin(i);
                run_test(e, o, i, nsingle, tt, r.replay() ? nullptr : csv.get());
            }
        } catch (const tb::Failure &) {
            tt.sim_cycles = (long long)e.sim.cycles();
            throw;
        }
        tt.sim_cycles = (long long)e.sim.cycles();
#if TB_HAS_BW
        tt.bw_vectors = e.bw_written;
        tt.bw_blocked = e.bw_blocked;
#endif
    });
    csv.reset();

    double wall = v.wall;
    double util = t.rtl_cycles ? (double)t.useful_macs / ((double)ARCH.rows * ARCH.cols * (double)t.rtl_cycles) : 0;
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, TFP_NAME);
        j.integer("gemms", t.gemms)
            .integer("store_chains", t.chains)
            .integer("checks", t.sb.checks)
            .integer("pad_checks", t.pad_checks)
            .integer("mismatches", t.sb.mismatches)
            .integer("cycle_mismatches", t.cycle_mismatches)
            .integer("protocol_errors", t.protocol_errors)
            .integer("cycles", t.rtl_cycles)
            .integer("model_cycles", t.model_cycles)
            .integer("stall_cycles", t.stall_cycles)
            .integer("useful_macs", t.useful_macs)
            .fixed("mac_utilization", util, 6)
            .fixed("backpressure", o.bp, 3)
            .integer("sim_cycles", t.sim_cycles)
            .fixed("wall_seconds", wall, 3)
            .fixed("sim_cycles_per_second", wall > 0 ? t.sim_cycles / wall : 0.0, 0)
            .boolean("passed", !v.failed)
            .string("failure", v.what);
        if (TB_HAS_BW)
            j.integer("bw_vectors", t.bw_vectors).integer("bw_blocked_cycles", t.bw_blocked);
        if (!j.write(o.json))
            return 2;
    }
    if (TB_HAS_BW && (!o.quiet || v.failed))
        std::printf("%s: buffer write port: %lld lane-vectors written (during GEMMs on the other half), "
                    "%lld cycles a write waited for the half a GEMM read\n", TFP_NAME, t.bw_vectors, t.bw_blocked);
    if (!o.quiet || v.failed)
        std::printf("%s: %s: %d GEMMs%s, %lld elements checked (+%lld padding), %lld mismatches, "
                    "cycles %lld = model %lld, %lld stalled, MAC utilization %.2f%%, %.0f sim cycles/s\n",
                    TFP_NAME, v.failed ? "FAIL" : "PASS", t.gemms,
                    TFP_STORE ? (" (" + std::to_string(t.chains) + " result-store chains)").c_str() : "",
                    t.sb.checks, t.pad_checks, t.sb.mismatches, t.rtl_cycles, t.model_cycles, t.stall_cycles,
                    100 * util, wall > 0 ? t.sim_cycles / wall : 0.0);
    return v.failed ? 1 : 0;
}
