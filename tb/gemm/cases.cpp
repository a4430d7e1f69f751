// cases.cpp -- one GEMM test case: shape, operands, requantization, expected result.
// Test idx draws from its own engine (seed * 1000003 + idx, harness.cpp), so a case
// is the same whichever tests run before it.
#include "gemm.h"

#include <algorithm>
#include <random>

void fill(std::vector<int32_t> &v, Fill f, tb::Rng &rng)
{
    int32_t lo = tfm_op_min(ARCH.op_bits), hi = tfm_op_max(ARCH.op_bits);
    std::uniform_int_distribution<int32_t> d(lo, hi);
    for (std::size_t i = 0; i < v.size(); i++) {
        switch (f) {
        case FILL_RANDOM: v[i] = d(rng); break;
        case FILL_MIN: v[i] = lo; break;
        case FILL_MAX: v[i] = hi; break;
        case FILL_ALT: v[i] = (i % 2) ? hi : lo; break;
        }
    }
}

// The fixed edge cases, run before the random shapes (make_case picks the operand
// fills and load orientations of the last five).
std::vector<Shape> edge_shapes()
{
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    auto clampd = [](int v, int hi) { return v < 1 ? 1 : (v > hi ? hi : v); };
    return {
        {1, 1, 1},
        {MM, MK, MN},
        {clampd(R - 1, MM), 1, clampd(C - 1, MN)},   // K = 1, M < R, N < C
        {MM, 1, MN},                                  // K = 1, full
        {1, MK, MN},                                  // single row
        {MM, MK, 1},                                  // single column
        {clampd(R + 1, MM), clampd(3, MK), clampd(C + 1, MN)}, // one past a tile
        {clampd(2 * R - 1, MM), clampd(2 * R + 1, MK), clampd(2 * C - 1, MN)},
        {MM, MK, MN},                                  // extremes: all minimum
        {MM, MK, MN},                                  // extremes: all maximum
        {MM, MK, MN},                                  // extremes: alternating
        {clampd(R + 3, MM), clampd(2 * R + 5, MK), clampd(3 * C + 1, MN)}, // Q*K^T: B by tokens
        {clampd(2 * R + 1, MM), clampd(R + 2, MK), clampd(C + 2, MN)},     // A^T and B^T
    };
}

Case make_case(const GemmOptions &o, int idx, tb::Rng &rng)
{
    Case c;
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    // Edge cases first, then random shapes.
    std::vector<Shape> edges = edge_shapes();
    Fill fa = FILL_RANDOM, fb = FILL_RANDOM;
    int nedge = !o.no_edge && o.shapes.empty() ? (int)edges.size() : 0;
    if (!o.shapes.empty()) {
        const Shape &s = o.shapes[(std::size_t)idx % o.shapes.size()];
        c.m = s.m, c.k = s.k, c.n = s.n;
    } else if (idx < nedge) {
        c.m = edges[(std::size_t)idx].m, c.k = edges[(std::size_t)idx].k, c.n = edges[(std::size_t)idx].n;
        if (idx == nedge - 5)
            fa = fb = FILL_MIN;
        if (idx == nedge - 4)
            fa = fb = FILL_MAX;
        if (idx == nedge - 3)
            fa = FILL_ALT, fb = FILL_MIN;
    } else {
        // Mostly small shapes, sometimes up to the maxima.
        std::uniform_int_distribution<int> big(0, 3);
        auto pick = [&](int hi) {
            int lim = big(rng) == 0 ? hi : std::min(hi, 3 * std::max(R, C));
            return std::uniform_int_distribution<int>(1, lim)(rng);
        };
        c.m = pick(MM), c.k = pick(MK), c.n = pick(MN);
    }
    c.a.resize((std::size_t)c.m * c.k);
    c.b.resize((std::size_t)c.k * c.n);
    fill(c.a, fa, rng);
    fill(c.b, fb, rng);
    c.rq = ARCH.requant && (rng() % 3 == 0); // mostly raw: requant can hide an off-by-one
    c.at = rng() % 4 == 0;
    c.bt = rng() % 3 == 0;
    if (o.shapes.empty() && idx == nedge - 2)
        c.at = false, c.bt = true;
    if (o.shapes.empty() && idx == nedge - 1)
        c.at = c.bt = true;
    if (!o.shapes.empty())
        c.at = c.bt = false; // benchmarks load as documented: row-major
    random_rq(c, rng);
    return c;
}

// Per-column requantization parameters over the whole port range, with the largest
// multiplier every fifth column and shift 0 every seventh.
void random_rq(Case &c, tb::Rng &rng)
{
    c.mult.resize((std::size_t)c.n);
    c.shift.resize((std::size_t)c.n);
    std::uniform_int_distribution<uint32_t> dm(0, RQ_MULT_MAX);
    std::uniform_int_distribution<int> ds(0, std::min(RQ_SHIFT_MAX, ARCH.acc_bits - 1));
    for (int j = 0; j < c.n; j++) {
        c.mult[(std::size_t)j] = (j % 5 == 4) ? RQ_MULT_MAX : dm(rng);
        c.shift[(std::size_t)j] = (j % 7 == 6) ? 0 : ds(rng);
    }
}

std::vector<int64_t> reference(const Case &c)
{
    std::vector<int64_t> ref((std::size_t)c.m * c.n);
    tfm_gemm(c.m, c.k, c.n, c.a.data(), c.b.data(), ref.data());
    if (c.rq)
        for (int i = 0; i < c.m; i++)
            for (int j = 0; j < c.n; j++)
                ref[(std::size_t)i * c.n + j] =
                    tfm_requant(ref[(std::size_t)i * c.n + j], c.mult[(std::size_t)j],
                                c.shift[(std::size_t)j], ARCH.rq_bits);
    return ref;
}

std::vector<int32_t> transpose(const std::vector<int32_t> &x, int rows, int cols)
{
    std::vector<int32_t> y(x.size());
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < cols; q++)
            y[(std::size_t)q * rows + r] = x[(std::size_t)r * cols + q];
    return y;
}

std::string case_desc(const Case &c)
{
    auto src = [](int s) { return s == TFP_SRC_ST ? "S" : s == TFP_SRC_ST_T ? "S^T" : "?"; };
    std::string d = "M=" + std::to_string(c.m) + " K=" + std::to_string(c.k) + " N=" + std::to_string(c.n);
    if (c.rq) d += ", requant";
    if (c.at) d += ", A^T load";
    if (c.bt) d += ", B^T load";
    if (c.asrc != TFP_SRC_BUF) d += std::string(", A = ") + src(c.asrc);
    if (c.bsrc != TFP_SRC_BUF) d += std::string(", B = ") + src(c.bsrc);
    if (c.store) d += ", stored";
    return d;
}
