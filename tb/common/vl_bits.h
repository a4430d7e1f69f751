// vl_bits.h -- bit access on Verilator signals of any width (packed lanes, words), for
// the C++ harnesses (tb/<block>/harness.cpp). Include after verilated.h.
#ifndef TB_VL_BITS_H
#define TB_VL_BITS_H

#include <cstddef>
#include <cstdint>

// bits lo .. lo+width-1 (width <= 64) of a port wider than 64 bits, or of a narrow one
template <std::size_t N>
static inline uint64_t get_bits(const VlWide<N> &w, int lo, int width)
{
    uint64_t v = 0;
    for (int b = 0; b < width; b++) {
        int bit = lo + b;
        v |= (uint64_t)((w[bit / 32] >> (bit % 32)) & 1u) << b;
    }
    return v;
}
static inline uint64_t get_bits(uint64_t w, int lo, int width)
{
    return (w >> lo) & (width >= 64 ? ~0ULL : ((1ULL << width) - 1));
}

// write bits lo .. lo+width-1 of an input port
template <std::size_t N>
static inline void set_bits(VlWide<N> &w, int lo, int width, uint64_t v)
{
    for (int b = 0; b < width; b++) {
        int bit = lo + b;
        uint32_t m = 1u << (bit % 32);
        w[bit / 32] = ((v >> b) & 1) ? (w[bit / 32] | m) : (w[bit / 32] & ~m);
    }
}
template <typename T>
static inline void set_bits(T &port, int lo, int width, uint64_t v)
{
    uint64_t m = (width >= 64 ? ~0ULL : ((1ULL << width) - 1)) << lo;
    port = (T)(((uint64_t)port & ~m) | ((v << lo) & m));
}

// the low `bits` bits of v as a signed number
static inline int64_t sext(uint64_t v, int bits)
{
    uint64_t sign = 1ULL << (bits - 1);
    v &= (bits >= 64) ? ~0ULL : ((1ULL << bits) - 1);
    return (int64_t)((v ^ sign) - sign);
}

#endif
