// engine.h -- the GEMM engine's ports driven through tb/common, and one GEMM run
// and checked on them.
#ifndef TB_GEMM_ENGINE_H
#define TB_GEMM_ENGINE_H

#include "Vtop.h"
#include "gemm.h"
#include "tb.h"

#include <cstdio>
#include <deque>
#include <vector>

struct Totals {
    tb::Scoreboard sb; // output elements inside N: checks, mismatches
    long long pad_checks = 0, cycle_mismatches = 0, protocol_errors = 0;
    long long rtl_cycles = 0, model_cycles = 0, stall_cycles = 0, useful_macs = 0;
    long long sim_cycles = 0;
    long long bw_vectors = 0, bw_blocked = 0; // buffer write port: vectors written, cycles blocked
    int gemms = 0, chains = 0;
};

// The engine (the design's <name>_top, Verilated as Vtop) after reset, with its three
// streams: in_* (operands, random gaps), rq_* (requant parameters, random gaps) and
// c_* (results, random back-pressure). Gaps and back-pressure draw from sim.timing.
class Engine {
public:
    Engine(tb::Run &run, const tb::Options &o, double in_gap, double bp);

    // One command (cmd_valid_i until cmd_ready_o).
    void command(int op, int m, int k, int n, bool rq, int asrc = TFP_SRC_BUF, int bsrc = TFP_SRC_BUF,
                 bool store = false);
    // LOAD_A, LOAD_B, LOAD_AT or LOAD_BT and its elements in stream order.
    void load(int op, int m, int k, int n, const std::vector<int32_t> &v);
    // LOAD_RQ and the N (multiplier, shift) pairs of c.
    void load_rq(const Case &c);

    tb::Sim<Vtop> sim;
    uint64_t guard;
    tb::Source in, rq;
    tb::Sink c;
    double in_gap;

    // The buffer write port (designs with a memory system): beats of one or two
    // lane-vectors (slots 0 and 1, in different banks) waiting to be written, offered one
    // per cycle (random gaps) while the harness waits for results.
    struct BwWrite {
        int tgt, half, addr[2], gpar[2];
        std::vector<int32_t> lanes; // 2 x MEM_LANES words: slot 0, then slot 1
        uint64_t mask[2];
    };
    std::deque<BwWrite> bwq;
    long long bw_written = 0, bw_blocked = 0; // vectors written; cycles a write waited on its half
    int ahalf = 0, bhalf = 0;                 // cmd_ahalf_i / cmd_bhalf_i of the next commands
    long prefetched = -1;                     // the test whose operands are in the other half
    // Offers the queue's first write for one cycle (call before the cycle's fall); after
    // the fall, bw_fired() says whether it was taken (then pop it with bw_taken()).
    void bw_offer();
    bool bw_fired();
    void bw_drain(); // cycles until the queue is empty
};

// The lane-vectors that put c's operands into half `half` of the A and B buffers, as the
// DMA writes them (docs/architecture.md, the memory system), in a random order, two to a
// beat wherever two neighbours of the order are in different banks.
std::vector<Engine::BwWrite> bw_vectors(const Case &c, int half, tb::Rng &rng);
// One vector of all lanes at word 0 of half `half` of A (bank 0, slot 0).
Engine::BwWrite bw_single(int half, int32_t value);

const char *op_name(int op);

// Loads the operands of c (or reads them from the store), runs the GEMM, and checks
// every beat: sideband (row, col, last), every element inside N against the model,
// padding lanes zero, then stat_cycles - stat_stall against tfm_cycles(). idx: the
// test, for messages. A CSV row per GEMM on csv (bench).
// next: with a memory system, the test after this one, whose operands are written into
// the other half on bw_* while this GEMM runs (NULL: none).
void run_case(Engine &e, const Case &c, Totals &t, FILE *csv, int idx, const Case *next = nullptr);

// Commands out of range or that the design cannot honour: each must raise err_o and
// leave the engine idle.
void check_bad_commands(Engine &e, Totals &t);

// --chain-bench (exit status)
int chain_bench(const GemmOptions &o);

#endif
