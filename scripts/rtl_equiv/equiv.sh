#!/usr/bin/env bash
# equiv.sh [CONFIG...] -- the existing flow's checks on each design as generated today
# ("before", rtl_out/<name>, build/<name>) and with the parameterized engine ("after",
# build/rtl_equiv/root/{rtl_out,build}/<name>): lint (Verilator, Icarus, Yosys), the
# Verilator co-simulation harness (the default config and configs/matrix: --gemms 30 as
# in make test) and the Icarus bench (8 tests, 38 with a result store, as in make test).
# Appends one line per design and side to build/rtl_equiv/equiv.csv and compares the
# harness JSON of the two sides (every count, cycles included, must be identical).
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
root=$(scripts/rtl_equiv/mkroot.sh)
csv=build/rtl_equiv/equiv.csv
[ -f "$csv" ] || echo "design,side,lint,cosim_gemms,cosim_checks,cosim_pad_checks,cosim_mismatches,cosim_cycle_mismatches,cosim_protocol_errors,cosim_cycles,cosim_model_cycles,cosim_stall,icarus" >"$csv"
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(configs/default.ini configs/matrix/*.ini configs/examples/*.ini tests/golden/*.ini)
status=0
for config in "${configs[@]}"; do
  name=$(build/tforge check "$config" --name)
  full=0
  case "$config" in configs/default.ini|configs/matrix/*) full=1 ;; esac
  for side in before after; do
    if [ $side = before ]; then dir=$top; else dir=$top/$root; fi
    log=build/rtl_equiv/logs/$name.$side.log
    mkdir -p build/rtl_equiv/logs
    (
      cd "$dir" || exit 1
      lint=$(scripts/flow.sh lint "$config" 2>&1 | tail -1)
      case "$lint" in "lint $name: verilator -Wall, iverilog -Wall, yosys check -assert: 0 warnings"*) lint=pass ;; *) lint="FAIL: $lint" ;; esac
      cos=",,,,,,,,"
      if [ $full = 1 ]; then
        rm -f "build/$name/cosim.json"
        COSIM_ARGS="--gemms 30" scripts/flow.sh cosim "$config" >/dev/null 2>&1
        cos=$(python3 -c '
import json,sys
try: j=json.load(open(sys.argv[1]))
except Exception: print("FAIL,,,,,,,,"); sys.exit()
print(",".join(str(j[k]) for k in ("gemms","checks","pad_checks","mismatches","cycle_mismatches","protocol_errors","cycles","model_cycles","stall_cycles")))' "build/$name/cosim.json")
      fi
      tests=8
      grep -q '^#define TFP_STORE [12]' "rtl_out/$name/${name}_params.h" && tests=38
      ic=$(ICARUS_TESTS=$tests scripts/flow.sh icarus "$config" 2>&1 | grep '^ICARUS' | tail -1)
      echo "$name,$side,$lint,$cos,\"$ic\""
    ) >"$log" 2>&1
    tail -1 "$log" | tee -a "$csv"
  done
  if [ $full = 1 ]; then
    if python3 - "build/$name/cosim.json" "$root/build/$name/cosim.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ("gemms", "store_chains", "checks", "pad_checks", "mismatches", "cycle_mismatches",
        "protocol_errors", "cycles", "model_cycles", "stall_cycles", "useful_macs", "sim_cycles", "passed")
diff = [k for k in keys if a[k] != b[k]]
sys.exit(1 if diff or not b["passed"] else 0)
PY
    then echo "$name: cosim JSON identical before/after"; else echo "$name: cosim JSON DIFFERS"; status=1; fi
  fi
done
exit $status
