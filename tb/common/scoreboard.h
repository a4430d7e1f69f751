// scoreboard.h -- element-by-element comparison of the design's outputs with the
// golden model. Every compared element is counted; the first difference is counted
// as a mismatch, kept (first()) and ends the run (fail(): the runner reports it with
// the seed and a replay command line, and writes the waveform).
#ifndef TB_SCOREBOARD_H
#define TB_SCOREBOARD_H

#include "fail.h"

#include <string>

namespace tb {

class Scoreboard {
public:
    long long checks = 0;     // elements compared
    long long mismatches = 0; // differences found (0 or 1: the run stops at the first)

    // One element, counted in `counter` (checks unless a harness keeps a separate
    // count, e.g. padding lanes). describe(): indices, expected and actual, called only
    // on a difference.
    template <class T, class Describe>
    void expect(long long &counter, const T &expected, const T &actual, Describe describe)
    {
        check(counter, expected == actual, describe);
    }
    template <class T, class Describe>
    void expect(const T &expected, const T &actual, Describe describe)
    {
        check(checks, expected == actual, describe);
    }
    // An element whose comparison is more than equality (value and sideband).
    template <class Describe>
    void check(long long &counter, bool ok, Describe describe)
    {
        counter++;
        if (!ok)
            mismatch(describe());
    }
    template <class Describe>
    void check(bool ok, Describe describe)
    {
        check(checks, ok, describe);
    }

    [[noreturn]] void mismatch(const std::string &what)
    {
        mismatches++;
        if (first_.empty())
            first_ = what;
        fail(what);
    }
    const std::string &first() const { return first_; }

private:
    std::string first_;
};

} // namespace tb

#endif
