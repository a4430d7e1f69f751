#!/usr/bin/env bash
# accel_check.sh CONFIG PROMPT DECODE [ENTRIES [-D section.key=value]...] -- the accelerator top
# against tforge perf (make test): the top's timed run in Verilator (tb/accel/harness.cpp
# --prompt PROMPT in ENTRIES entries (default 1; with batch.bmax >= ENTRIES they run as one
# batch), then DECODE decode steps of a token each; every byte of memory still compared with
# tf_accel, every output row with tfl_run) and tforge perf --batch ENTRIES for the same runs;
# every run's bytes read and written (the top's counters) must equal the model's and its cycles
# be within 3 % (scripts/accel_runs.py check).
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:?usage: accel_check.sh CONFIG PROMPT DECODE [ENTRIES [-D section.key=value]...]}
prompt=${2:?} decode=${3:?} entries=${4:-1}
shift $(( $# < 4 ? $# : 4 ))
read -r _ out < <(scripts/flow.sh dir "$cfg" "$@")
mkdir -p "$out"
ACCEL_ARGS="--prompt $prompt --entries $entries" ACCEL_ROUNDS=$((1 + decode)) scripts/flow.sh accel-cosim "$cfg" "$@" \
  >"$out/check_timed.log" || { cat "$out/check_timed.log"; exit 1; }
build/tforge perf "$cfg" "$@" --prompt "$prompt" --decode "$decode" --batch "$entries" --csv "$out/check_perf.csv" >/dev/null
exec python3 scripts/accel_runs.py "$out/check_timed.log" "$out/check_perf.csv" check
