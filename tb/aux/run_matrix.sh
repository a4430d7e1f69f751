#!/usr/bin/env bash
# run_matrix.sh -- the auxiliary unit's verification matrix (docs/aux-rtl.md 6):
#   1. the model's unit tests (tests/test_aux.c) and the GELU ROM template against the model;
#   2. every template linted alone (verilator -Wall, iverilog -Wall, yosys check -assert, no
#      latch) at its default parameters;
#   3. for every parameter set in tb/aux/configs/*.cfg: tf_aux linted with it, the Verilator
#      co-simulation (CMDS commands, random gaps and back-pressure, a third of them timed) and
#      the Icarus bench (VECS golden-model commands);
#   4. a summary: build/aux/matrix.csv and a table on stdout.
# usage: tb/aux/run_matrix.sh [--long]    (--long: 5 seeds x 600 commands, 200 Icarus commands)
# Takes about 6 minutes from scratch on 2 shared cores (Verilator builds are cached in
# build/aux/<cfg>/obj: about 2 minutes when they are up to date); --long about 22 minutes
# (1295 s measured), most of it a3_l8_wide4096 (rows up to 4096).
set -euo pipefail
cd "$(dirname "$0")/../.."
CMDS=${CMDS:-250}; VECS=${VECS:-40}; SEEDS=${SEEDS:-1}
if [ "${1:-}" = "--long" ]; then CMDS=600; VECS=200; SEEDS="1 2 3 4 5"; fi
t0=$(date +%s)
fails=0; passes=0
ok() { passes=$((passes + 1)); }
ko() { fails=$((fails + 1)); echo "FAILED: $*"; }

echo "== model unit tests, GELU ROM"
make -s -f model/aux.mk aux-test >build/aux/test_aux.log 2>&1 && ok || { tail -20 build/aux/test_aux.log; ko aux-test; }
make -s -f model/aux.mk aux-rom-check && ok || ko aux-rom-check

echo "== templates alone"
tpl=(templates/tf_ram_1r1w.v templates/tf_skid.v templates/tf_delay.v templates/tf_requant.v)
for f in templates/aux/*.v; do
  m=$(basename "$f" .v)
  log=build/aux/lint_$m.log
  if verilator --lint-only -Wall --top-module "$m" "${tpl[@]}" templates/aux/*.v >"$log" 2>&1 &&
     iverilog -g2005 -Wall -s "$m" -o /dev/null "${tpl[@]}" templates/aux/*.v >>"$log" 2>&1 && [ ! -s "$log" ] &&
     yosys -q -p "read_verilog -defer ${tpl[*]} $(echo templates/aux/*.v); hierarchy -check -top $m; proc; check -assert; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr" >>"$log" 2>&1; then
    ok
  else
    cat "$log"; ko "lint $m"
  fi
done
echo "   $(ls templates/aux/*.v | wc -l) templates: 0 warnings"

echo "== parameter sets"
csv=build/aux/matrix.csv
echo "config,simulator,seed,runs,loads,refused,chains,beats,lane_values,row_elements,mismatches,timed,timed_equal,passed" >"$csv"
for cfg in tb/aux/configs/*.cfg; do
  name=$(basename "$cfg" .cfg)
  tb/aux/run.sh lint "$cfg" && ok || ko "lint $name"
  for s in $SEEDS; do
    if SEED=$s tb/aux/run.sh cosim "$cfg" --cmds "$CMDS" --quiet; then ok; else ko "cosim $name seed $s"; fi
    python3 - "$csv" "build/aux/$name/cosim.json" "$s" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
with open(sys.argv[1], "a") as f:
    f.write(f"{j['config']},verilator,{sys.argv[3]},{j['runs']},{j['loads']},{j['refused']},{j['chains']},"
            f"{j['beats']},{j['elements_checked']},{j['elements_in_d']},{j['mismatches']},{j['timed_commands']},{j['timed_equal']},"
            f"{str(j['passed']).lower()}\n")
PY
    if SEED=$s tb/aux/run.sh icarus "$cfg" "$VECS" >/dev/null; then ok; else ko "icarus $name seed $s"; fi
    python3 - "$csv" "build/aux/$name/icarus.json" "$s" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
with open(sys.argv[1], "a") as f:
    f.write(f"{j['config']},icarus,{sys.argv[3]},{j['runs']},{j['loads']},{j['refused']},,"
            f"{j['beats']},{j['elements_checked']},{j['elements_in_d']},{j['mismatches']},{j['timed_commands']},{j['timed_equal']},"
            f"{str(j['passed']).lower()}\n")
PY
  done
done
column -s, -t "$csv"
echo "matrix: $(($(date +%s) - t0)) s; results in $csv"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
