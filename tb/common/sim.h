// sim.h -- the Verilator driver shared by the harnesses.
//
// Sim<Top> builds a Verilated model (registers start random, seeded from the run: the
// build uses --x-initial unique), holds rst_ni low for N cycles, and steps the clock
// in halves: fall() evaluates the inputs just set (this cycle's outputs can then be
// sampled), rise() is the active edge; cycles() counts rising edges.
//
// Failures: fail() throws tb::Failure. The stack unwinds to the runner (runner.h); each
// Sim on the way closes its waveform in its destructor. The runner reports the failure
// and replays the run with the waveform on. No harness code calls exit(), so there is
// no way out of a failing run that skips the waveform.
//
// Waveforms: a Run carries the FST file and the first unit (test, step) to trace; the
// Sim of a traced replay opens the file and dumps from the moment the run reaches that
// unit (Run::begin). Untraced runs build the model without tracing (full speed).
#ifndef TB_SIM_H
#define TB_SIM_H

#include "verilated.h"
#include "verilated_fst_c.h"

#include "fail.h"
#include "rng.h"

#include <climits>
#include <cstdint>
#include <memory>

namespace tb {

class SimBase;

// One run of a harness body (runner.h): the seed, the unit in progress (a test, a decode
// step, ...; -1 before the first) and, for a traced replay, the FST file and the first
// unit to trace (LONG_MIN: from the start).
class Run {
public:
    explicit Run(uint64_t seed, const char *fst = nullptr, long trace_from = LONG_MIN)
        : seed_(seed), fst_(fst), trace_from_(trace_from)
    {
    }
    Run(const Run &) = delete;
    Run &operator=(const Run &) = delete;

    uint64_t seed() const { return seed_; }
    const char *fst() const { return fst_; }
    // a traced replay of a failed run: the harness writes no CSV rows in it
    bool replay() const { return fst_ != nullptr; }
    long unit() const { return unit_; }
    bool tracing() const { return fst_ && unit_ >= trace_from_; }
    // unit u begins (units in increasing order); the waveform starts at the first traced one
    inline void begin(long u);

private:
    friend class SimBase;
    uint64_t seed_;
    const char *fst_;
    long trace_from_;
    long unit_ = -1;
    SimBase *sim_ = nullptr; // the Sim of this run, if one exists now
};

// What the stream drivers (stream.h) need of a Sim, independent of the model class.
class SimBase {
public:
    explicit SimBase(Run &run) : run_(run), timing(run.seed() ^ 0x5eedULL) { run_.sim_ = this; }
    virtual ~SimBase()
    {
        if (run_.sim_ == this)
            run_.sim_ = nullptr;
    }
    SimBase(const SimBase &) = delete;
    SimBase &operator=(const SimBase &) = delete;

    virtual void fall() = 0; // clock low: evaluate the inputs just set
    virtual void rise() = 0; // clock high: the active edge; one more cycle
    void tick()
    {
        fall();
        rise();
    }
    uint64_t cycles() const { return cycles_; }
    Run &run() { return run_; }

protected:
    friend class Run;
    virtual void trace(bool on) = 0; // dump the waveform from now on (if the run has one)
    Run &run_;
    uint64_t cycles_ = 0;

public:
    // Timing randomness (input gaps, output back-pressure) for the stream drivers, apart
    // from the harness's data: seeded from the run's seed.
    Rng timing;
};

inline void Run::begin(long u)
{
    unit_ = u;
    if (sim_)
        sim_->trace(tracing());
}

// Top: the Verilated class (--prefix). Ports clk_i and rst_ni (active low).
template <class Top>
class Sim : public SimBase {
public:
    explicit Sim(Run &run) : SimBase(run), ctx_(new VerilatedContext)
    {
        ctx_->randReset(2); // random initial values (--x-initial unique), from the seed
        ctx_->randSeed((int)(run.seed() & 0x7fffffff));
        if (run.fst())
            ctx_->traceEverOn(true);
        top_.reset(new Top(ctx_.get()));
        if (run.fst()) {
            fst_.reset(new VerilatedFstC);
            top_->trace(fst_.get(), 99);
            fst_->open(run.fst());
        }
        trace(run.tracing());
        top_->clk_i = 0;
    }
    ~Sim() override
    {
        if (fst_)
            fst_->close();
        top_->final();
    }

    Top *operator->() { return top_.get(); }
    Top &top() { return *top_; }

    // rst_ni low for n cycles, with the inputs at the idle values the harness has set,
    // then high (asynchronous: no edge needed).
    void reset(int n)
    {
        top_->rst_ni = 0;
        top_->eval();
        for (int i = 0; i < n; i++)
            tick();
        top_->rst_ni = 1;
        top_->eval();
    }
    void fall() override { half(0); }
    void rise() override
    {
        half(1);
        cycles_++;
    }

private:
    void half(int clk)
    {
        top_->clk_i = (uint8_t)clk;
        top_->eval();
        if (dumping_)
            fst_->dump(ctx_->time());
        ctx_->timeInc(5);
    }
    void trace(bool on) override { dumping_ = on && fst_; }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Top> top_;
    std::unique_ptr<VerilatedFstC> fst_;
    bool dumping_ = false;
};

} // namespace tb

#endif
