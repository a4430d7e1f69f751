#!/usr/bin/env bash
# run.sh CONFIG -- the main job (make run): generate, lint, co-simulate in Verilator and
# Icarus, synthesize, and print a summary. For a config with a [model] (the default)
# that is the accelerator top <name>_accel: the layers' prefill and decode steps of several
# sequences with every byte of memory compared against the golden model, then a timed prompt
# and decode steps with per-token figures (cycles, us at design.clock_mhz, MAC utilization,
# external bytes) measured on the RTL next to tforge perf's prediction, then Icarus (cocotb,
# cocotbext-axi) and Yosys on the whole top; a causal design with several request-table
# entries is also timed in batches of all of them (-D batch.bmax = entries: their prompts as
# one batch, then decode steps of all), side by side with batch 1, and serves RUN_SERVE random
# requests (random arrivals, prompts and output lengths) on that build twice: in batch 1 (the
# BATCH register's CAP = 1) and in batches (CAP = 0, first fit). Without a [model], the GEMM
# engine's flow.
# Environment: RUN_PROMPT (16), RUN_DECODE (4): the timed runs; RUN_SERVE (40).
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/default.ini}
name=$(build/tforge check "$config" --name)
out=build/$name
say() { printf '\n== %s\n' "$*"; }
j() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
mf() { python3 scripts/manifest.py "rtl_out/$name/${name}_manifest.json" "$@"; }
cells() { sed -n 's/^SUMMARY cells=\([0-9]*\) flops=\([0-9]*\).*/\1 cells, \2 flip-flops/p' "$1"; }

say "plan ($config)"
build/tforge check "$config"
say "generate"
scripts/flow.sh gen "$config"
say "lint"
scripts/flow.sh lint "$config"

if mf tops model | grep -q "_accel "; then
  prompt=${RUN_PROMPT:-16} decode=${RUN_DECODE:-4}
  say "co-simulation, Verilator: the request table through the C driver, prefill and decode of every sequence, every byte of memory against the golden model"
  scripts/flow.sh accel-cosim "$config" | tee "$out/run_cosim.log"
  say "timed run, Verilator: a prompt of $prompt tokens, then $decode decode steps (still every byte compared)"
  ACCEL_ARGS="--prompt $prompt" ACCEL_ROUNDS=$((1 + decode)) scripts/flow.sh accel-cosim "$config" \
    | tee "$out/run_timed.log"
  build/tforge perf "$config" --prompt "$prompt" --decode "$decode" --csv "$out/run_perf.csv" >/dev/null
  pes=$(( $(mf param gemm ROWS) * $(mf param gemm COLS) ))
  python3 scripts/accel_runs.py "$out/run_timed.log" "$out/run_perf.csv" table "$pes" >"$out/run_tokens.txt"
  nseq=$(mf param model MODEL_SEQUENCES) maxseq=$(mf param model MODEL_MAX_SEQ)
  : >"$out/run_batch_tokens.txt"
  if [ "$nseq" -ge 2 ] && [ "$(mf param model MODEL_CAUSAL)" = 1 ]; then
    bp=$(( prompt * nseq <= maxseq ? prompt : maxseq / nseq ))
    say "timed run in batches of $nseq (batch.bmax = $nseq): $nseq prompts of $bp tokens as one batch, then $decode decode steps of the $nseq"
    ACCEL_ARGS="--prompt $bp --entries $nseq" ACCEL_ROUNDS=$((1 + decode)) \
      scripts/flow.sh accel-cosim "$config" -D batch.bmax="$nseq" | tee "$out/run_batch.log"
    build/tforge perf "$config" -D batch.bmax="$nseq" --prompt "$bp" --decode "$decode" --batch "$nseq" \
      --csv "$out/run_batch_perf.csv" >/dev/null
    { echo "In batches of $nseq (-D batch.bmax=$nseq; the same counters):"
      python3 scripts/accel_runs.py "$out/run_batch.log" "$out/run_batch_perf.csv" table "$pes"; } \
      >"$out/run_batch_tokens.txt"
    nserve=${RUN_SERVE:-40}
    read -r _ bout < <(scripts/flow.sh dir "$config" -D batch.bmax="$nseq")
    for cap in 1 0; do
      say "serving $nserve requests as they arrive (every batch and byte checked), BATCH.CAP = $cap"
      ACCEL_ARGS="--serve $nserve --cap $cap --fit 1 --bw 8" \
        scripts/flow.sh accel-cosim "$config" -D batch.bmax="$nseq" | tail -1
      cp "$bout/accel_cosim.json" "$out/run_serve_cap$cap.json"
    done
    python3 - "$out/run_serve_cap1.json" "$out/run_serve_cap0.json" "$pes" "$(mf param model MODEL_LAYERS)" \
      "$(mf param model MODEL_WEIGHT_BYTES)" >>"$out/run_batch_tokens.txt" <<'PY'
import json, sys
pe = int(sys.argv[3])
print(f"Serving {json.load(open(sys.argv[1]))['requests']} random requests on the same RTL (8 B/cycle; counters over the whole run):")
print(f"  {'BATCH':<22}{'batches':>8}{'tokens':>8}{'cycles/token':>14}{'bytes read/token':>18}{'MAC util':>10}{'table full':>12}")
for f, name in ((sys.argv[1], "CAP 1 (batch 1)"), (sys.argv[2], "CAP 0 (first fit)")):
    j = json.load(open(f))
    t = j["tokens"]
    print(f"  {name:<22}{j['batches']:>8}{t:>8}{j['busy_cycles'] / t:>14.1f}{j['rd_bytes'] / t:>18.0f}"
          f"{100 * j['gemm_macs'] / (pe * j['busy_cycles']):>9.1f}%{j['table_full']:>12}")
PY
  fi
  say "co-simulation, Icarus: the top under cocotb (cocotbext-axi AxiLiteMaster and AxiRam)"
  tb/top/run_accel.sh "$config" | tail -1 | tee "$out/run_icarus.log"
  say "synthesis (Yosys generic gates) of ${name}_accel"
  scripts/flow.sh accel-synth "$config"
  cat <<SUMMARY_END

== summary: $name ($(build/tforge check "$config" | sed -n 's/^model   *//p'))
RTL                 rtl_out/$name/ ($(wc -l < "rtl_out/$name/${name}_accel.f") Verilog files in ${name}_accel, lint clean)
Verilator cosim     $(sed -n 's/^[a-z0-9_]*: PASS: //p' "$out/run_cosim.log")
Icarus cosim        $(cat "$out/run_icarus.log")
Yosys               $(cells "$out/accel_synth_report.txt") (report: $out/accel_synth_report.txt)
Per token (RTL counters; MAC utilization = weight-GEMM MACs / (R x C x cycles); perf = tforge perf's cycles, error vs the RTL):
$(cat "$out/run_tokens.txt")
$(cat "$out/run_batch_tokens.txt")
Results             $out/run_cosim.log, $out/run_timed.log, $out/run_tokens.txt, $out/run_batch_tokens.txt, $out/accel_synth_report.txt
SUMMARY_END
  exit 0
fi

say "co-simulation, Verilator (random GEMMs + edge cases, 30% output back-pressure)"
scripts/flow.sh cosim "$config"
cp "$out/cosim.json" "$out/cosim_random.json"
say "utilization: one 64x64x64-class GEMM, no back-pressure"
mm=$(mf param gemm MAX_M) mk=$(mf param gemm MAX_K) mn=$(mf param gemm MAX_N)
shape="$(( mm < 64 ? mm : 64 ))x$(( mk < 64 ? mk : 64 ))x$(( mn < 64 ? mn : 64 ))"
"$out/obj/harness" --shapes "$shape" --bp 0 --in-gap 0 --json "$out/cosim_util.json"
say "co-simulation, Icarus (golden-model vectors)"
scripts/flow.sh icarus "$config"
say "synthesis (Yosys generic gates)"
scripts/flow.sh synth "$config"

icarus=$(grep -E "^ICARUS" "$out/icarus.log")
cat <<SUMMARY_END

== summary: $name
RTL                 rtl_out/$name/ ($(wc -l < "rtl_out/$name/$name.f") Verilog files, lint clean)
Verilator cosim     $(j "$out/cosim_random.json" gemms) GEMMs, $(j "$out/cosim_random.json" checks) elements compared, $(j "$out/cosim_random.json" mismatches) mismatches; cycles $(j "$out/cosim_random.json" cycles) = model $(j "$out/cosim_random.json" model_cycles) (+ $(j "$out/cosim_random.json" stall_cycles) back-pressure stalls)
GEMM $shape       $(j "$out/cosim_util.json" cycles) cycles (model $(j "$out/cosim_util.json" model_cycles)), MAC utilization $(python3 -c "import json;print('%.2f%%' % (100*json.load(open('$out/cosim_util.json'))['mac_utilization']))")
Icarus              ${icarus#ICARUS }
Yosys               $(cells "$out/synth_report.txt") (report: $out/synth_report.txt)
Results             $out/cosim_random.json, $out/cosim_util.json, $out/icarus.log, $out/synth_report.txt
SUMMARY_END
