// bad_commands.cpp -- commands the engine must refuse: each raises err_o, starts
// nothing (busy_o stays low), and the model agrees that it is illegal.
#include "engine.h"

#include <string>
#include <vector>

void check_bad_commands(Engine &e, Totals &t)
{
    auto refuse = [&](const std::string &what) {
        if (!e.sim->err_o || e.sim->busy_o) {
            t.protocol_errors++;
            tb::fail(what);
        }
    };
    e.command(TFP_OP_GEMM, 0, 1, 1, false);
    e.sim.tick();
    refuse("a GEMM with M = 0 did not raise err_o");
    // K = max_k + 1 is only representable if the port is wide enough.
    if (ARCH.max_k + 1 <= (1 << TFP_DIM_W) - 1) {
        e.command(TFP_OP_LOAD_A, ARCH.max_m, ARCH.max_k + 1, 1, false);
        e.sim.tick();
        refuse("LOAD_A with K > max_k did not raise err_o");
    }
    // Result-store commands the design cannot honour: every one must be refused.
    struct Bad {
        int m, k, n, asrc, bsrc, store, rq;
        std::string what;
    };
    const int S = TFP_SRC_ST, ST = TFP_SRC_ST_T, BUF = TFP_SRC_BUF;
    const int UNDEF = TFP_SRC_ST_T + 1; // the first source code past the defined ones
    std::vector<Bad> bad;
    int MM = ARCH.max_m, MN = ARCH.max_n;
    if (!TFP_STORE) {
        bad.push_back({1, 1, 1, S, BUF, 0, 0, "A from a result store the design lacks"});
        bad.push_back({1, 1, 1, BUF, ST, 0, 0, "B from a result store the design lacks"});
        bad.push_back({1, 1, 1, BUF, BUF, 1, ARCH.requant, "cmd_store_i without a result store"});
    } else {
        bad.push_back({1, 1, 1, UNDEF, BUF, 0, 0, "A source " + std::to_string(UNDEF)});
        bad.push_back({1, 1, 1, BUF, UNDEF, 0, 0, "B source " + std::to_string(UNDEF)});
        bad.push_back({1, 1, 1, S, BUF, 1, 1, "store while reading A from the store"});
        bad.push_back({1, 1, 1, BUF, ST, 1, 1, "store while reading B from the store"});
        bad.push_back({1, 1, 1, BUF, BUF, 1, 0, "store without requantization"});
        if (MN + 1 <= ARCH.max_k)
            bad.push_back({1, MN + 1, 1, S, BUF, 0, 0, "A = S with K > max_n"});
        if (MM + 1 <= ARCH.max_k)
            bad.push_back({1, MM + 1, 1, BUF, S, 0, 0, "B = S with K > max_m"});
        if (MN + 1 <= ARCH.max_m)
            bad.push_back({MN + 1, 1, 1, ST, BUF, 0, 0, "A = S^T with M > max_n"});
        if (MM + 1 <= ARCH.max_n)
            bad.push_back({1, 1, MM + 1, BUF, ST, 0, 0, "B = S^T with N > max_m"});
    }
    for (const Bad &b : bad) {
        e.command(TFP_OP_GEMM, b.m, b.k, b.n, b.rq, b.asrc, b.bsrc, b.store);
        e.sim.tick();
        bool model_ok = tfm_store_sources_ok(&ARCH, b.m, b.k, b.n, b.asrc, b.bsrc, b.store) &&
                        !(b.store && !b.rq) && TFP_STORE;
        if (model_ok) {
            t.protocol_errors++;
            tb::fail(std::string("harness: the model accepts a GEMM with ") + b.what);
        }
        refuse(std::string("a GEMM with ") + b.what + " was not refused with err_o");
    }
}
