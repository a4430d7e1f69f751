// chain_bench.cpp -- --chain-bench: the attention chain S = requant(Q * K^T), O = S * V,
// run twice on one engine without input gaps or back-pressure: (store) S stays on chip
// in the result store and the second GEMM reads it as A; (round trip) S leaves on c_*
// and is loaded back (LOAD_A, L*T elements), as with row-only operand buffers. Both
// outputs are checked against the golden model; engine cycles are measured from the
// first command to the last result and compared with the cycle model. One line per
// run on stdout, CSV rows on --csv; a failing run also gets the runner's report and
// waveform.
#include "engine.h"

#include <cstdio>
#include <memory>

namespace {

struct BenchResult {
    Totals t;
    long long rtl = 0; // engine cycles, first command to last result
};

} // namespace

int chain_bench(const GemmOptions &o)
{
    std::unique_ptr<FILE, int (*)(FILE *)> csv(o.csv.empty() ? nullptr : std::fopen(o.csv.c_str(), "a"),
                                               [](FILE *f) { return f ? std::fclose(f) : 0; });
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
            long long model = tfm_load_cycles((long long)L * D) + tfm_load_cycles((long long)T * D) +
                              tfm_load_cycles(T) + tfm_gemm_cmd_cycles(&ARCH, L, D, T, variant == 0) +
                              (variant ? tfm_load_cycles((long long)L * T) : 0) +
                              tfm_load_cycles((long long)T * D) + tfm_gemm_cmd_cycles(&ARCH, L, T, D, 0);
            // elements crossing the engine boundary: Q, K, V, requant entries in, O out; S out and in
            long long moved = (long long)L * D + 2LL * T * D + T + (long long)L * D + (variant ? 2LL * L * T : 0);
            BenchResult res;
            tb::Verdict v = tb::run(o, TFP_NAME, res, tb::Trace::from_reset("chain"), [&](tb::Run &r, BenchResult &b) {
                Engine e(r, o, 0, 0); // no gaps, no back-pressure
                tb::Rng rng(o.seed);
                Chain ch;
                Case qk = store_step(ch, L, D, T, true, rng);
                qk.at = false;
                Case sv = use_step(ch, TFP_SRC_ST, TFP_SRC_BUF, rng, L, T, D);
                sv.rq = false, sv.bt = false;
                if (variant == 1) {
                    qk.store = false;       // S leaves on c_* ...
                    sv.asrc = TFP_SRC_BUF;  // ... and comes back as A
                }
                uint64_t c0 = e.sim.cycles();
                run_case(e, qk, b.t, nullptr, 0);
                run_case(e, sv, b.t, nullptr, 1);
                b.rtl = (long long)(e.sim.cycles() - c0);
                if (b.rtl != model)
                    tb::fail(tb::format("engine cycles %lld differ from the model %lld", b.rtl, model));
            });
            std::printf("%s: chain L=%d D=%d T=%d %s: %s, %lld engine cycles (model %lld), %lld "
                        "elements checked, %lld elements crossing the engine boundary\n",
                        TFP_NAME, L, D, T, variant ? "round trip" : "store", v.failed ? "FAIL" : "PASS", res.rtl,
                        model, res.t.sb.checks, moved);
            if (v.failed)
                rc = 1;
            if (csv)
                std::fprintf(csv.get(), "%s,%d,%d,%s,%d,%d,%d,%s,%lld,%lld,%lld,%lld,%lld\n", TFP_NAME,
                             ARCH.rows, ARCH.cols, ARCH.dataflow ? "ws" : "os", L, D, T,
                             variant ? "round_trip" : "store", res.rtl, model, moved, res.t.sb.checks,
                             res.t.sb.mismatches);
        }
    }
    return rc;
}
