#!/usr/bin/env bash
# bench_accel.sh -- the accelerator top against its analytic model (make bench;
# docs/performance.md, the accelerator): the Verilator co-simulation of <name>_accel in its
# benchmark mode (one entry: a prompt of L tokens, then decode steps; every byte of memory
# still compared with tf_accel) and tforge perf for the same run, per run: cycles (the CYCLES
# counter), bytes read and written (the byte counters), and the model's error.
# Designs: configs/default.ini (a prompt of 16, then four decode steps: make run's timed run),
# configs/model/tiny_post.ini (prompts 4, 8, 16, then two decode steps), configs/model/tiny_layer.ini
# (pre-LN: a prompt of 8, two decode steps) and
# configs/model/minilm_8x8.ini (prompts of 2 and 128 tokens; 6 layers of d 384; the second is
# the 128-token prefill of docs/performance.md, about 5 minutes); and batched runs: MiniLM-sized
# causal layers at batch 1 and in batches of 4 (and at batch 1 on a 64-bit port), the default
# design in batches of 3.
# -> build/bench/accel_vs_perf.csv (with a header)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/accel_vs_perf.csv
echo "design,phase,tokens,context,rtl_cycles,perf_cycles,cycles_error_pct,rtl_rd_bytes,perf_rd_bytes,rtl_wr_bytes,perf_wr_bytes,bound_cycles,units_bound_cycles,rtl_over_bound,rtl_over_units" >"$csv"
run() { # config prompt decode [entries [-D ...]]
  local cfg=$1 L=$2 N=$3 E=${4:-1} out_d log
  shift $(( $# < 4 ? $# : 4 ))
  read -r _ out_d < <(scripts/flow.sh dir "$cfg" "$@")
  mkdir -p "$out_d"
  log=$out_d/bench_${L}_${E}.log
  ACCEL_ARGS="--prompt $L --entries $E" ACCEL_ROUNDS=$((1 + N)) scripts/flow.sh accel-cosim "$cfg" "$@" >"$log" 2>&1 \
    || { cat "$log"; return 1; }
  build/tforge perf "$cfg" "$@" --prompt "$L" --decode "$N" --batch "$E" --csv "$out/perf_tmp.csv" >/dev/null
  python3 scripts/accel_runs.py "$log" "$out/perf_tmp.csv" csv >>"$csv"
}
run configs/default.ini 16 4
run configs/model/tiny_post.ini 4 2
run configs/model/tiny_post.ini 8 2
run configs/model/tiny_post.ini 16 0
run configs/model/tiny_layer.ini 8 2
run configs/model/minilm_8x8.ini 2 0
run configs/model/minilm_8x8.ini 128 0
# batches (docs/performance.md 13.3): MiniLM-sized causal layers, four prompts of 16 tokens, then
# two decode steps of the four, on the same RTL (bmax = 4): batch 1 (one entry per START) and
# batches of 4
run configs/model/minilm_8x8.ini 16 2 1 -D model.attention=causal -D batch.bmax=4
run configs/model/minilm_8x8.ini 16 2 4 -D model.attention=causal -D batch.bmax=4
# decode at batch 1 with a port of 8 bytes per cycle (the array's edge): against the memory bound
run configs/model/minilm_8x8.ini 16 1 1 -D model.attention=causal -D mem.data_bits=64
run configs/default.ini 8 2 3 -D batch.bmax=3
rm -f "$out/perf_tmp.csv"
column -s, -t "$csv"
