#!/usr/bin/env bash
# accel_check.sh CONFIG PROMPT DECODE -- the accelerator top against tforge perf (make test): the
# top's timed run in Verilator (tb/accel/harness.cpp --prompt PROMPT, then DECODE decode steps;
# every byte of memory still compared with tf_accel, every output row with tfl_run) and tforge
# perf for the same runs; every run's bytes read and written (the top's counters) must equal the
# model's and its cycles be within 3 % (scripts/accel_runs.py check).
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:?usage: accel_check.sh CONFIG PROMPT DECODE} prompt=${2:?} decode=${3:?}
name=$(build/tforge check "$cfg" --name)
out=build/$name
mkdir -p "$out"
ACCEL_ARGS="--prompt $prompt" ACCEL_ROUNDS=$((1 + decode)) scripts/flow.sh accel-cosim "$cfg" >"$out/check_timed.log" \
  || { cat "$out/check_timed.log"; exit 1; }
build/tforge perf "$cfg" --prompt "$prompt" --decode "$decode" --csv "$out/check_perf.csv" >/dev/null
exec python3 scripts/accel_runs.py "$out/check_timed.log" "$out/check_perf.csv" check
