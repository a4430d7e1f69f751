// engine.h -- the GEMM engine's ports driven through tb/common, and one GEMM run
// and checked on them.
#ifndef TB_GEMM_ENGINE_H
#define TB_GEMM_ENGINE_H

#include "Vtop.h"
#include "gemm.h"
#include "tb.h"

#include <cstdio>

struct Totals {
    tb::Scoreboard sb; // output elements inside N: checks, mismatches
    long long pad_checks = 0, cycle_mismatches = 0, protocol_errors = 0;
    long long rtl_cycles = 0, model_cycles = 0, stall_cycles = 0, useful_macs = 0;
    long long sim_cycles = 0;
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
};

const char *op_name(int op);

// Loads the operands of c (or reads them from the store), runs the GEMM, and checks
// every beat: sideband (row, col, last), every element inside N against the model,
// padding lanes zero, then stat_cycles - stat_stall against tfm_cycles(). idx: the
// test, for messages. A CSV row per GEMM on csv (bench).
void run_case(Engine &e, const Case &c, Totals &t, FILE *csv, int idx);

// Commands out of range or that the design cannot honour: each must raise err_o and
// leave the engine idle.
void check_bad_commands(Engine &e, Totals &t);

// --chain-bench (exit status)
int chain_bench(const GemmOptions &o);

#endif
