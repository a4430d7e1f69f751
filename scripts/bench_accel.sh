#!/usr/bin/env bash
# bench_accel.sh -- the accelerator top against its analytic model (make bench;
# docs/performance.md, the accelerator): the Verilator co-simulation of <name>_accel in its
# benchmark mode (one entry: a prompt of L tokens, then decode steps; every byte of memory
# still compared with tf_accel) and tforge perf for the same run, per run: cycles (the CYCLES
# counter), bytes read and written (the byte counters), and the model's error.
# Designs: configs/model/tiny_post.ini (prompts 4, 8, 16, then two decode steps) and
# configs/model/minilm_8x8.ini (a prompt of 2 tokens; 6 layers of d 384).
# -> build/bench/accel_vs_perf.csv (with a header)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/accel_vs_perf.csv
echo "design,phase,tokens,context,rtl_cycles,perf_cycles,cycles_error_pct,rtl_rd_bytes,perf_rd_bytes,rtl_wr_bytes,perf_wr_bytes" >"$csv"
run() { # config prompt decode
  local cfg=$1 L=$2 N=$3 name log
  name=$(build/tforge check "$cfg" --name)
  log=$out/accel_${name}_$L.log
  ACCEL_ARGS="--prompt $L" ACCEL_ROUNDS=$((1 + N)) scripts/flow.sh accel-cosim "$cfg" >"$log" 2>&1 \
    || { cat "$log"; return 1; }
  build/tforge perf "$cfg" --prompt "$L" ${N:+--decode $N} --csv "$out/perf_tmp.csv" >/dev/null
  python3 - "$log" "$out/perf_tmp.csv" "$name" "$L" >>"$csv" <<'PY'
import csv, re, sys
log, pcsv, name, L = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rtl = [tuple(map(int, m)) for m in re.findall(r"CYCLES (\d+), RD_BYTES (\d+), WR_BYTES (\d+)", open(log).read())]
rows = list(csv.DictReader(open(pcsv)))
prev = (0, 0, 0)
hdr_c = hdr_b = 0
for k, (c, rd, wr) in enumerate(rtl):
    p = rows[k]
    layers = int(p["layers"])
    pc, prd, pwr = int(p["layer_cycles"]) * layers, int(p["rd_bytes"]) * layers, int(p["wr_bytes"]) * layers
    pc += 0  # the run's header read is in the RTL's counters, and in the model below
    dc, drd, dwr = c - prev[0], rd - prev[1], wr - prev[2]
    prev = (c, rd, wr)
    # every run reads the image's header (128 bytes) and checks it: lat + 128 / port + 6 cycles
    print(f"{name},{p['phase']},{p['tokens']},{p['context']},{dc},{pc},{100.0 * (pc - dc) / dc:.2f},"
          f"{drd},{prd + 128},{dwr},{pwr}")
PY
}
run configs/model/tiny_post.ini 4 2
run configs/model/tiny_post.ini 8 2
run configs/model/tiny_post.ini 16 0
run configs/model/minilm_8x8.ini 2 0
rm -f "$out/perf_tmp.csv"
column -s, -t "$csv"
