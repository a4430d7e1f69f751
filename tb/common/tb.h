// tb.h -- the verification layer shared by the Verilator harnesses (docs/architecture.md section 5.1):
//   sim.h         Sim<Top>: model, reset, clock halves, cycles, waveform; Run
//   fail.h        fail(): the end of a run on the first difference
//   stream.h      Guard, send_one, Source (gaps), Sink (back-pressure): every wait bounded
//   scoreboard.h  element-by-element comparison, counts, the first mismatch
//   options.h     the command line: common options and each harness's own
//   json.h        the JSON report
//   runner.h      run(): the test once, and on a failure the report, replay line and waveform
//   rng.h         the seeded random engine;  vl_bits.h  bit access on wide ports
// Include after the Verilated model's header (Vtop.h ...).
#ifndef TB_TB_H
#define TB_TB_H

#include "fail.h"
#include "json.h"
#include "options.h"
#include "rng.h"
#include "runner.h"
#include "scoreboard.h"
#include "sim.h"
#include "stream.h"
#include "vl_bits.h"

#endif
