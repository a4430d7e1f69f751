// gemm.h -- the GEMM engine harness (tb/gemm): its options and the test cases, which
// are pure golden-model code (no Verilated model here; engine.h drives the RTL).
//
//   cases.cpp        one GEMM: the edge cases, random shapes, operand fills, requant
//                    parameters, the model's result
//   chains.cpp       result-store chains (gemm.store): a storing GEMM, GEMMs that read
//                    the store, a read-back, with the golden store kept alongside
//   engine.cpp       the engine's ports: commands, operand and requant loads, one GEMM
//                    run and checked beat by beat (run_case)
//   bad_commands.cpp commands the engine must refuse with err_o
//   chain_bench.cpp  --chain-bench: the attention chain with and without the store
//   harness.cpp      the command line, the run (edge cases, random GEMMs, chains), the
//                    JSON report and the summary line
#ifndef TB_GEMM_H
#define TB_GEMM_H

extern "C" {
#include "tf_model.h"
}

#include "fail.h"
#include "options.h"
#include "rng.h"

#include <cstdint>
#include <string>
#include <vector>

#ifndef TFP_NAME
#error "compile with -include <design>_params.h"
#endif
// A design with a memory system: the engine has the buffer write port and two halves.
#ifdef TFP_MEM_DATA_BITS
#define TB_HAS_BW 1
#else
#define TB_HAS_BW 0
#endif

static const struct tfm_arch ARCH = TFP_ARCH_INIT;

// The requantization port ranges (rq_mult_i: Q0.31 multiplier, rq_shift_i: right shift).
constexpr uint32_t RQ_MULT_MAX = (1u << TFP_RQ_MULT_W) - 1;
constexpr uint32_t RQ_MULT_HALF = 1u << (TFP_RQ_MULT_W - 1); // the upper half: [HALF, MAX]
constexpr int RQ_SHIFT_MAX = (1 << TFP_RQ_SHIFT_W) - 1;

// The model's store operand codes are the engine's cmd_asrc_i / cmd_bsrc_i codes.
static_assert(TFM_SRC_BUF == TFP_SRC_BUF && TFM_SRC_ST == TFP_SRC_ST && TFM_SRC_ST_T == TFP_SRC_ST_T,
              "model and engine operand sources differ");

struct Shape {
    int m, k, n;
};

struct GemmOptions : tb::Options {
    int gemms = 40;                 // random GEMMs after the edge cases
    int chains = 6;                 // random result-store chains after the fixed ones (gemm.store)
    bool no_edge = false;           // skip the edge cases
    std::string csv;                // per-GEMM rows (bench)
    std::vector<Shape> shapes;      // explicit shapes (bench), instead of edge + random
    std::vector<Shape> chain_bench; // LxDxT: attention chain, store vs round trip (bench)

    GemmOptions();
};

// ---- one GEMM ----------------------------------------------------------------
struct Case {
    int m, k, n;
    bool rq;
    bool at, bt;                     // stream A / B transposed (LOAD_AT / LOAD_BT), e.g. K of Q*K^T by tokens
    int asrc = TFP_SRC_BUF, bsrc = TFP_SRC_BUF; // operand sources: buffer (loaded), result store S, S^T
    bool store = false;              // results go to the result store, not to c_*
    // With a memory system (the buffer write port, two halves): the half the GEMM reads and
    // its loads write, and whether the operands come as lane-vectors on bw_* (written while
    // the previous GEMM runs on the other half) instead of LOAD_A/B on in_*.
    int half = 0;
    bool via_bw = false;
    std::vector<int32_t> a, b;
    std::vector<uint32_t> mult;
    std::vector<int> shift;
};

enum Fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ALT };

void fill(std::vector<int32_t> &v, Fill f, tb::Rng &rng);
std::vector<Shape> edge_shapes();
Case make_case(const GemmOptions &o, int idx, tb::Rng &rng);
void random_rq(Case &c, tb::Rng &rng);
std::vector<int64_t> reference(const Case &c);
std::vector<int32_t> transpose(const std::vector<int32_t> &x, int rows, int cols);
std::string case_desc(const Case &c);

// ---- result-store chains (gemm.store) ------------------------------------------
// A chain is one test: a GEMM that stores its requantized result in S, GEMMs that
// read S or S^T as A and/or B, and a read-back (S times an identity) that compares
// every stored element. The golden store (tfm_store_*) is kept here, so each step's
// operands are plain matrices and run_case checks its output as for any GEMM.
struct Chain {
    struct tfm_trf st;
    std::vector<char> def; // cells written by a storing GEMM (the RTL store starts unknown)
    int ms = 0, ns = 0;    // shape of the last stored result
    Chain();
    ~Chain();
    Chain(const Chain &) = delete;
    Chain &operator=(const Chain &) = delete;
};

int fixed_chains();
std::vector<Case> make_chain(int ci, tb::Rng &rng);
Case store_step(Chain &ch, int m, int k, int n, bool bt, tb::Rng &rng);
Case use_step(Chain &ch, int asrc, int bsrc, tb::Rng &rng, int m = 0, int k = 0, int n = 0);

#endif
