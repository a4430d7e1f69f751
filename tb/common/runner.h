// runner.h -- runs a harness's test and handles a failure the same way for every block.
//
//   tb::Verdict v = tb::run(opt, "tf_default", totals, tb::Trace::from_failing_unit("test"),
//                           [&](tb::Run &r, Totals &t) { ... });
//
// body(run, result) builds its Sim from `run`, calls run.begin(u) as each unit (test,
// step) starts, counts into `result`, and ends with tb::fail() (or a Scoreboard
// mismatch, or a Guard) on the first difference. It runs once without a waveform.
// On a failure the runner prints to stderr
//   MISMATCH <dut>: <what>
//   replay: <the command line that runs the failing unit again>
//   waveform: <fst> (...)
// after running body again, identically (same seed, same options: the simulation is
// deterministic) but with the waveform on from the failing unit, or from the start,
// into --fst. The result of the first run is what the harness reports; the replay
// only makes the waveform (it tells whether it failed the same way).
#ifndef TB_RUNNER_H
#define TB_RUNNER_H

#include "options.h"
#include "sim.h"

#include "json.h"

#include <chrono>
#include <memory>
#include <climits>
#include <cstdio>
#include <string>

namespace tb {

struct Verdict {
    bool failed = false;
    std::string what; // the failure
    long unit = -1;   // the unit it happened in (-1: before the first)
    double wall = 0;  // seconds of the first run
};

// Where the waveform of a failure starts: at the failing unit (the state before it is in
// the first values of the trace) or at reset. unit: what a unit is ("test", "step").
struct Trace {
    bool from_start;
    const char *unit;
    static Trace from_failing_unit(const char *unit) { return {false, unit}; }
    static Trace from_reset(const char *unit) { return {true, unit}; }
};

template <class Result, class Body>
Verdict run(const Options &opt, const std::string &dut, Result &result, Trace trace, Body body)
{
    Verdict v;
    auto t0 = std::chrono::steady_clock::now();
    {
        Run r(opt.seed);
        try {
            body(r, result);
        } catch (const Failure &f) {
            v.failed = true;
            v.what = f.what();
            v.unit = r.unit();
        }
    }
    v.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!v.failed)
        return v;

    std::fprintf(stderr, "MISMATCH %s: %s\n", dut.c_str(), v.what.c_str());
    std::fprintf(stderr, "replay: %s\n", opt.replay_command(v.unit).c_str());
    std::fflush(stderr);
    std::string again;
    {
        Run r(opt.seed, opt.fst.c_str(), trace.from_start ? LONG_MIN : v.unit);
        Result scratch{};
        try {
            body(r, scratch);
        } catch (const Failure &f) {
            again = f.what();
        }
    } // the Sim of the replay has closed the waveform
    std::string from = trace.from_start || v.unit < 0 ? std::string("from reset")
                                                      : "from " + std::string(trace.unit) + " " + std::to_string(v.unit);
    std::fprintf(stderr, "waveform: %s (traced replay %s: %s)\n", opt.fst.c_str(), from.c_str(),
                 again == v.what ? "fails the same way"
                                 : again.empty() ? "passed" : ("fails differently: " + again).c_str());
    return v;
}

// The JSON report's first fields, the same in every harness: design, simulator, seed.
inline Json report_start(const Options &o, const std::string &design)
{
    Json j;
    j.string("design", design).string("simulator", "verilator").integer("seed", o.seed);
    return j;
}

// A harness's --csv file, opened for appending; null when none was asked for. ok is false
// (and the reason printed) when the file cannot be opened: the harness then exits 2.
using CsvFile = std::unique_ptr<FILE, int (*)(FILE *)>;
inline CsvFile open_csv(const std::string &path, bool &ok)
{
    CsvFile f(path.empty() ? nullptr : std::fopen(path.c_str(), "a"),
              [](FILE *p) { return p ? std::fclose(p) : 0; });
    ok = path.empty() || f;
    if (!ok)
        std::perror(path.c_str());
    return f;
}

} // namespace tb

#endif
