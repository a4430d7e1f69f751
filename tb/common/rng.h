// rng.h -- the harnesses' random numbers: std::mt19937_64 (the standard
// distributions draw from it directly) plus the two helpers every harness writes.
// Every random choice of a run comes from engines seeded from the run's --seed, so a
// run is reproduced exactly by its seed and options.
#ifndef TB_RNG_H
#define TB_RNG_H

#include <cstdint>
#include <random>

namespace tb {

class Rng : public std::mt19937_64 {
public:
    explicit Rng(uint64_t seed) : std::mt19937_64(seed) {}

    // true with probability p. Always exactly one draw, whatever p is (0 included),
    // so the sequence of later draws does not depend on the probabilities.
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(*this) < p; }

    // uniform in lo..hi (both included)
    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(*this); }
};

} // namespace tb

#endif
