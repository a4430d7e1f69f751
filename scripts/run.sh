#!/usr/bin/env bash
# run.sh CONFIG -- the main job (make run): generate, lint, co-simulate in Verilator
# and Icarus, synthesize, and print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/default.ini}
name=$(build/tforge check "$config" --name)
out=build/$name
say() { printf '\n== %s\n' "$*"; }

say "plan ($config)"
build/tforge check "$config"
say "generate"
scripts/flow.sh gen "$config"
say "lint"
scripts/flow.sh lint "$config"
say "co-simulation, Verilator (random GEMMs + edge cases, 30% output back-pressure)"
scripts/flow.sh cosim "$config"
cp "$out/cosim.json" "$out/cosim_random.json"
say "utilization: one 64x64x64-class GEMM, no back-pressure"
mf() { python3 scripts/manifest.py "rtl_out/$name/${name}_manifest.json" "$@"; }
mm=$(mf param gemm MAX_M) mk=$(mf param gemm MAX_K) mn=$(mf param gemm MAX_N)
shape="$(( mm < 64 ? mm : 64 ))x$(( mk < 64 ? mk : 64 ))x$(( mn < 64 ? mn : 64 ))"
"$out/obj/harness" --shapes "$shape" --bp 0 --in-gap 0 --json "$out/cosim_util.json"
say "co-simulation, Icarus (golden-model vectors)"
scripts/flow.sh icarus "$config"
say "synthesis (Yosys generic gates)"
scripts/flow.sh synth "$config"

j() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
cells=$(sed -n 's/^SUMMARY cells=\([0-9]*\) flops=\([0-9]*\).*/\1 cells, \2 flip-flops/p' "$out/synth_report.txt")
icarus=$(grep -E "^ICARUS" "$out/icarus.log")
cat <<SUMMARY_END

== summary: $name
RTL                 rtl_out/$name/ ($(wc -l < "rtl_out/$name/$name.f") Verilog files, lint clean)
Verilator cosim     $(j "$out/cosim_random.json" gemms) GEMMs, $(j "$out/cosim_random.json" checks) elements compared, $(j "$out/cosim_random.json" mismatches) mismatches; cycles $(j "$out/cosim_random.json" cycles) = model $(j "$out/cosim_random.json" model_cycles) (+ $(j "$out/cosim_random.json" stall_cycles) back-pressure stalls)
GEMM $shape       $(j "$out/cosim_util.json" cycles) cycles (model $(j "$out/cosim_util.json" model_cycles)), MAC utilization $(python3 -c "import json;print('%.2f%%' % (100*json.load(open('$out/cosim_util.json'))['mac_utilization']))")
Icarus              ${icarus#ICARUS }
Yosys               $cells (report: $out/synth_report.txt)
Results             $out/cosim_random.json, $out/cosim_util.json, $out/icarus.log, $out/synth_report.txt
SUMMARY_END
