// chains.cpp -- result-store chains (gemm.store): the steps of one chain test, with
// the golden store kept alongside so every step is an ordinary Case.
#include "gemm.h"

#include <algorithm>
#include <random>

static const int S = TFP_SRC_ST, ST = TFP_SRC_ST_T, BUF = TFP_SRC_BUF;

Chain::Chain()
{
    tfm_trf_init(&st, ARCH.max_m, ARCH.max_n, ARCH.op_bits);
    def.assign((std::size_t)ARCH.max_m * ARCH.max_n, 0);
}

Chain::~Chain() { tfm_trf_free(&st); }

// A storing GEMM from loaded operands; its requantization spreads each column over
// the output range (multiplier in the upper half of the port's range, [2^30, 2^31),
// shift from the column's largest |acc|).
Case store_step(Chain &ch, int m, int k, int n, bool bt, tb::Rng &rng)
{
    Case c;
    c.m = m, c.k = k, c.n = n, c.rq = true, c.at = rng() % 4 == 0, c.bt = bt, c.store = true;
    c.a.resize((std::size_t)m * k);
    c.b.resize((std::size_t)k * n);
    fill(c.a, FILL_RANDOM, rng);
    fill(c.b, FILL_RANDOM, rng);
    std::vector<int64_t> acc((std::size_t)m * n);
    tfm_gemm(m, k, n, c.a.data(), c.b.data(), acc.data());
    c.mult.resize((std::size_t)n);
    c.shift.resize((std::size_t)n);
    std::uniform_int_distribution<uint32_t> dm(RQ_MULT_HALF, RQ_MULT_MAX);
    for (int j = 0; j < n; j++) {
        c.mult[(std::size_t)j] = dm(rng);
        c.shift[(std::size_t)j] = tfm_requant_fit_shift(acc.data(), m, n, j, ARCH.rq_bits);
    }
    std::vector<int64_t> res = reference(c);
    tfm_store_result(&ARCH, &ch.st, m, n, res.data());
    for (int i = 0; i < m; i++)
        for (int q = 0; q < ARCH.max_n && q < (n + ARCH.cols - 1) / ARCH.cols * ARCH.cols; q++)
            ch.def[(std::size_t)i * ARCH.max_n + q] = 1;
    ch.ms = m, ch.ns = n;
    return c;
}

// The operand a GEMM reads from the store; every cell it touches must be defined.
static std::vector<int32_t> store_operand(const Chain &ch, int src, int rows, int cols)
{
    std::vector<int32_t> v((std::size_t)rows * cols);
    tfm_store_operand(&ARCH, &ch.st, src, rows, cols, v.data());
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            int r = src == S ? i : j, q = src == S ? j : i;
            if (!ch.def[(std::size_t)r * ARCH.max_n + q])
                tb::fail("harness: chain reads undefined store cell (" + std::to_string(r) + ", " +
                         std::to_string(q) + ")");
        }
    return v;
}

// A GEMM reading A from asrc and B from bsrc, dimensions drawn inside the stored
// result (or exactly m, k, n when given).
Case use_step(Chain &ch, int asrc, int bsrc, tb::Rng &rng, int m, int k, int n)
{
    int mhi = ARCH.max_m, khi = ARCH.max_k, nhi = ARCH.max_n;
    if (asrc == S) mhi = std::min(mhi, ch.ms), khi = std::min(khi, ch.ns);
    if (asrc == ST) mhi = std::min(mhi, ch.ns), khi = std::min(khi, ch.ms);
    if (bsrc == S) khi = std::min(khi, ch.ms), nhi = std::min(nhi, ch.ns);
    if (bsrc == ST) khi = std::min(khi, ch.ns), nhi = std::min(nhi, ch.ms);
    auto pick = [&](int hi) {
        // mostly the whole stored extent, sometimes a part of it
        return rng() % 3 ? hi : std::uniform_int_distribution<int>(1, hi)(rng);
    };
    Case c;
    c.m = m ? m : pick(mhi);
    c.k = k ? k : pick(khi);
    c.n = n ? n : pick(nhi);
    c.asrc = asrc, c.bsrc = bsrc;
    c.rq = ARCH.requant && rng() % 3 == 0;
    c.at = asrc == BUF && rng() % 4 == 0;
    c.bt = bsrc == BUF && rng() % 3 == 0;
    if (asrc != BUF)
        c.a = store_operand(ch, asrc, c.m, c.k);
    else {
        c.a.resize((std::size_t)c.m * c.k);
        fill(c.a, FILL_RANDOM, rng);
    }
    if (bsrc != BUF)
        c.b = store_operand(ch, bsrc, c.k, c.n);
    else {
        c.b.resize((std::size_t)c.k * c.n);
        fill(c.b, FILL_RANDOM, rng);
    }
    random_rq(c, rng);
    return c;
}

// Read every stored element back: S * I (or I * S when the row is longer than max_k).
static bool readback_step(Chain &ch, Case &c)
{
    auto ident = [](int d) {
        std::vector<int32_t> v((std::size_t)d * d, 0);
        for (int i = 0; i < d; i++)
            v[(std::size_t)i * d + i] = 1;
        return v;
    };
    c = Case();
    c.rq = false, c.at = c.bt = false;
    if (ch.ns <= ARCH.max_k) {
        c.m = ch.ms, c.k = ch.ns, c.n = ch.ns, c.asrc = S;
        c.a = store_operand(ch, S, c.m, c.k);
        c.b = ident(c.k);
    } else if (ch.ms <= ARCH.max_k) {
        c.m = ch.ms, c.k = ch.ms, c.n = ch.ns, c.bsrc = S;
        c.a = ident(c.k);
        c.b = store_operand(ch, S, c.k, c.n);
    } else {
        return false;
    }
    c.mult.assign((std::size_t)c.n, 0);
    c.shift.assign((std::size_t)c.n, 0);
    return true;
}

// Chain ci: the fixed ones first (attention Q*K^T -> S, then S read as A, A^T, B,
// B^T, both operands), then random ones that also overwrite the store.
int fixed_chains() { return 6; }

std::vector<Case> make_chain(int ci, tb::Rng &rng)
{
    Chain ch;
    std::vector<Case> steps;
    int R = ARCH.rows, C = ARCH.cols, MM = ARCH.max_m, MK = ARCH.max_k, MN = ARCH.max_n;
    auto clampd = [](int v, int hi) { return v < 1 ? 1 : (v > hi ? hi : v); };
    if (ci < fixed_chains()) {
        // S = requant(Q * K^T): Q is L x D, K streamed token by token (LOAD_BT), T tokens.
        int L = clampd(2 * R + 1, MM), D = clampd(R + 3, std::min(MK, MN));
        int T = clampd(3 * C + 1, std::min(MN, MK));
        steps.push_back(store_step(ch, L, D, T, true, rng));
        static const int src[6][2] = {{S, BUF}, {ST, BUF}, {BUF, S}, {BUF, ST}, {S, ST}, {ST, S}};
        if (ci == 0) // O = S * V, the attention output (V: T x D)
            steps.push_back(use_step(ch, S, BUF, rng, L, T, D));
        else
            steps.push_back(use_step(ch, src[ci][0], src[ci][1], rng));
    } else {
        auto pick = [&](int hi) {
            int lim = rng() % 4 == 0 ? hi : std::min(hi, 3 * std::max(R, C));
            return std::uniform_int_distribution<int>(1, lim)(rng);
        };
        static const int src[8][2] = {{S, BUF}, {ST, BUF}, {BUF, S}, {BUF, ST}, {S, ST}, {ST, S}, {S, S}, {ST, ST}};
        for (int round = 0; round < 2; round++) {
            // (the order in which these arguments draw is the compiler's; unchanged since
            // the first harness, so a seed keeps meaning the same chains)
            steps.push_back(store_step(ch, pick(MM), pick(MK), pick(MN), rng() % 2 == 0, rng));
            for (int u = 0; u < 2; u++) {
                const int *sp = src[rng() % 8];
                steps.push_back(use_step(ch, sp[0], sp[1], rng));
            }
        }
    }
    Case rb;
    if (readback_step(ch, rb))
        steps.push_back(rb);
    return steps;
}
