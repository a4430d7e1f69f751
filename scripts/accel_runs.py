#!/usr/bin/env python3
"""accel_runs.py -- the accelerator top's measured runs next to tforge perf's prediction.

  accel_runs.py LOG PERF_CSV csv      one CSV row per run (no header; bench_accel.sh)
  accel_runs.py LOG PERF_CSV table PES  per-token figures for people (make run); PES = R x C
  accel_runs.py LOG PERF_CSV check      make test: every run's bytes read and written equal
                                        perf's, its cycles within 3 %; one summary line

LOG is the output of the accelerator co-simulation in its benchmark mode (tb/accel/harness.cpp
--prompt L, rounds 1 + N: one "round" line per run, the CYCLES / RD_BYTES / WR_BYTES counters
read through the C driver, cumulative since reset); PERF_CSV is `tforge perf CONFIG --prompt L
--decode N [--batch B] --csv FILE` for the same runs: its run_cycles, run_rd_bytes and
run_wr_bytes columns are a whole run's (every layer, a batch's copies, the image's header).
x bound is the measured cycles over perf's bound for the layers, max(MACs / (R x C), bytes /
bandwidth, port words). MAC utilization is the useful array MACs of the run (the weight GEMMs; perf's macs column:
tokens x MACs per token, a property of the workload) over R x C x the measured cycles.
"""
import csv
import re
import sys


def runs(log_path, perf_path):
    text = open(log_path).read()
    rtl = [tuple(map(int, m)) for m in re.findall(r"CYCLES (\d+), RD_BYTES (\d+), WR_BYTES (\d+)", text)]
    rows = list(csv.DictReader(open(perf_path)))
    if len(rtl) != len(rows):
        sys.exit(f"accel_runs.py: {log_path} has {len(rtl)} runs, {perf_path} {len(rows)}")
    prev = (0, 0, 0)
    for (c, rd, wr), p in zip(rtl, rows):
        dc, drd, dwr = c - prev[0], rd - prev[1], wr - prev[2]
        prev = (c, rd, wr)
        yield p, dc, drd, dwr, int(p["run_cycles"]), int(p["run_rd_bytes"]), int(p["run_wr_bytes"])


def main(argv):
    if len(argv) < 4 or argv[3] not in ("csv", "table", "check") or len(argv) != (5 if argv[3] == "table" else 4):
        sys.exit(__doc__)
    log, perf, mode = argv[1:4]
    if mode == "check":
        bad, n, worst = [], 0, 0.0
        for p, dc, drd, dwr, pc, prd, pwr in runs(log, perf):
            n += 1
            err = 100.0 * (pc - dc) / dc
            worst = max(worst, abs(err))
            name = f"{p['phase']} {p['step']}"
            if (drd, dwr) != (prd, pwr):
                bad.append(f"{name}: bytes read/written {drd}/{dwr}, tforge perf {prd}/{pwr}")
            if abs(err) > 3.0:
                bad.append(f"{name}: {dc} cycles, tforge perf {pc} ({err:+.2f} %, legal: within 3 %)")
        for b in bad:
            print("accel_runs.py: " + b)
        print(f"accel vs perf: {n} runs, bytes {'exact' if not any('bytes' in b for b in bad) else 'DIFFER'}, "
              f"cycles within {worst:.2f} %{'' if not bad else ' -- FAILED'}")
        sys.exit(1 if bad else 0)
    if mode == "csv":
        for p, dc, drd, dwr, pc, prd, pwr in runs(log, perf):
            b, u = int(p["bound_cycles"]) * int(p["layers"]), int(p["units_bound_cycles"]) * int(p["layers"])
            print(f"{p['design']},{p['phase']},{p['tokens']},{p['context']},{dc},{pc},"
                  f"{100.0 * (pc - dc) / dc:.2f},{drd},{prd},{dwr},{pwr},{b},{u},{dc / b:.4f},{dc / u:.4f}")
        return
    # the table: per token (a prefill's figures divided by its tokens)
    pe = int(argv[4])
    mhz = None
    print(f"{'run':<14}{'tokens':>7}{'context':>8}{'cycles/token':>14}{'us/token':>10}{'MAC util':>10}"
          f"{'read B/token':>14}{'written B/token':>17}{'x bound':>9}{'x units':>9}{'perf cycles':>13}{'error':>8}")
    for p, dc, drd, dwr, pc, prd, pwr in runs(log, perf):
        if mhz is None:  # the config's clock, as perf states it
            mhz = float(p["cycles_per_token"]) / float(p["us_per_token"])
        t = int(p["tokens"])
        name = f"{p['phase']} {p['step']}" if p["phase"] == "decode" else "prefill"
        util = int(p["macs"]) * int(p["layers"]) / (pe * dc)
        bound = int(p["bound_cycles"]) * int(p["layers"])  # max(compute, bytes / bw, port), the layers'
        units = int(p["units_bound_cycles"]) * int(p["layers"])  # max(engine compute, attention, bytes / bw, port)
        if (drd, dwr) != (prd, pwr):
            sys.exit(f"accel_runs.py: {name}: bytes read/written {drd}/{dwr}, tforge perf {prd}/{pwr}")
        print(f"{name:<14}{t:>7}{p['context']:>8}{dc / t:>14.1f}{dc / t / mhz:>10.2f}{100 * util:>9.1f}%"
              f"{drd / t:>14.0f}{dwr / t:>17.0f}{dc / bound:>9.3f}{dc / units:>9.3f}{pc:>13}{100.0 * (pc - dc) / dc:>+7.2f}%")


if __name__ == "__main__":
    main(sys.argv)
