// stream.h -- valid/ready stream drivers with loop guards.
//
// Every loop that waits for the design goes through a Guard: more than `bound`
// cycles without the awaited event fail the run with a message that names the port
// and the cycle, e.g.
//   load_rq: rq_ready_o stuck low for 100000 cycles at cycle 1234
// so a stuck handshake ends in a report and a waveform, never in a hang.
//
//   send_one  one transfer (a command): valid held until ready, one cycle, valid low
//   Source    an element stream into the design, with random gaps on valid
//   Sink      a beat stream out of the design, with random back-pressure on ready
//
// Gaps and back-pressure draw one random number per cycle from the Rng given (the
// Sim's `timing` engine, or a harness's own engine whose draw order it must keep).
#ifndef TB_STREAM_H
#define TB_STREAM_H

#include "options.h"
#include "sim.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace tb {

class Guard {
public:
    // what(): the port and the state it is stuck in ("load: in_ready_o stuck low");
    // called only when the guard fires.
    Guard(const SimBase &sim, uint64_t bound, std::function<std::string()> what)
        : sim_(sim), bound_(bound), what_(std::move(what))
    {
    }
    Guard(const SimBase &sim, uint64_t bound, const std::string &what)
        : Guard(sim, bound, [what] { return what; })
    {
    }

    // When the guard fires, also count it in c (e.g. a harness's protocol errors).
    Guard &counts(long long &c)
    {
        count_ = &c;
        return *this;
    }
    // One more cycle without the event: fails the run once `bound` cycles have passed.
    void wait()
    {
        if (++waited_ > bound_) {
            if (count_)
                ++*count_;
            fail(what_() + " for " + std::to_string(bound_) + " cycles at cycle " +
                 std::to_string(sim_.cycles()));
        }
    }
    // The event happened: the count starts again.
    void progress() { waited_ = 0; }
    uint64_t waited() const { return waited_; }

private:
    const SimBase &sim_;
    uint64_t bound_;
    std::function<std::string()> what_;
    uint64_t waited_ = 0;
    long long *count_ = nullptr;
};

// One transfer on a valid/ready port (a command): the caller has set the payload;
// valid goes high and stays until ready (sampled after the last edge), then one cycle
// for the transfer, then valid low. port: the ready signal and context, for the guard.
inline void send_one(SimBase &sim, CData &valid, const CData &ready, const std::string &port,
                     uint64_t bound)
{
    valid = 1;
    Guard g(sim, bound, [&] { return port + " stuck low"; });
    while (!ready) {
        g.wait();
        sim.tick();
    }
    sim.tick();
    valid = 0;
}

// An element stream into the design. Each cycle the current element is offered with
// probability 1 - gap (one draw from rng); it is taken when ready is high at the
// falling half (after the inputs are evaluated).
class Source {
public:
    Source(SimBase &sim, CData &valid, const CData &ready, std::string port, Rng &rng, double gap,
           uint64_t bound)
        : sim_(sim), valid_(valid), ready_(ready), port_(std::move(port)), rng_(rng), gap_(gap), bound_(bound)
    {
    }
    void gap(double p) { gap_ = p; }

    // Sends n elements; drive(i) puts element i on the data port(s). what: context for
    // the guard ("load A^T"). The guard counts cycles without a transfer.
    template <class Drive>
    void send(std::size_t n, Drive drive, const std::string &what)
    {
        Guard g(sim_, bound_, [&] { return what + ": " + port_ + " stuck low"; });
        for (std::size_t i = 0; i < n;) {
            bool valid = !rng_.chance(gap_);
            valid_ = valid;
            drive(i);
            sim_.fall();
            bool fire = valid && ready_;
            sim_.rise();
            if (fire) {
                i++;
                g.progress();
            } else {
                g.wait();
            }
        }
        valid_ = 0;
    }

private:
    SimBase &sim_;
    CData &valid_;
    const CData &ready_;
    std::string port_;
    Rng &rng_;
    double gap_;
    uint64_t bound_;
};

// A beat stream out of the design. Each cycle ready is low with probability bp (one
// draw from rng); a beat is taken when valid and ready are high at the falling half.
class Sink {
public:
    Sink(SimBase &sim, const CData &valid, CData &ready, Rng &rng, double bp)
        : sim_(sim), valid_(valid), ready_(ready), rng_(rng), bp_(bp)
    {
    }
    void bp(double p) { bp_ = p; }

    // One cycle: draw ready, evaluate (fall); if a beat is taken, take() checks it (and
    // may fail the run, before the edge); then the edge (rise). Returns whether a beat
    // was taken. The caller loops and guards the loop.
    template <class Take>
    bool cycle(Take take)
    {
        ready_ = !rng_.chance(bp_);
        sim_.fall();
        bool fire = valid_ && ready_;
        if (fire)
            take();
        sim_.rise();
        return fire;
    }
    // Between streams: ready high, as after reset.
    void idle() { ready_ = 1; }

private:
    SimBase &sim_;
    const CData &valid_;
    CData &ready_;
    Rng &rng_;
    double bp_;
};

} // namespace tb

#endif
