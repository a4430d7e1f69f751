#!/usr/bin/env bash
# netlist_fault.sh -- the netlist check refuses a broken netlist (make test).
# NETLIST_FAULT=1 changes one gate of the first processing element of the synthesized
# netlist (scripts/fpga.py fault): the generic netlist of configs/default.ini's GEMM engine
# (make synth) and the iCE40 netlist of configs/fpga/f01_ws_2x2_i8.ini (make fpga) must
# then fail, and the message must name the design and the first differing element.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
expect_refusal() { # what log command...
  local what=$1 log=$2
  shift 2
  if "$@" >"$log" 2>&1; then
    echo "netlist_fault: FAIL $what: the broken netlist passed the check ($log)"
    fail=$((fail + 1))
  elif ! grep -qE "^netlist [a-z0-9_]+: FAILED -- the [a-z0-9]+ netlist of [a-z0-9_]+_top differs from the golden model; first difference: test [0-9]+ .*C\[[0-9]+\]\[[0-9]+\]: expected -?[0-9]+, actual" "$log"; then
    echo "netlist_fault: FAIL $what: refused, but without naming the design and the first differing element ($log):"
    tail -5 "$log"
    fail=$((fail + 1))
  else
    echo "netlist_fault: ok $what: $(grep -m1 -oE 'fpga.py fault: .*' "$log" | sed 's/^fpga.py fault: //') -> $(grep -m1 '^netlist .*FAILED' "$log" | cut -c1-160)"
    pass=$((pass + 1))
  fi
}
mkdir -p build/test-logs
expect_refusal "generic netlist (tf_default)" build/test-logs/netlist_fault_generic.log \
  env NETLIST_FAULT=1 scripts/flow.sh synth configs/default.ini
expect_refusal "iCE40 netlist (f01_ws_2x2_i8)" build/test-logs/netlist_fault_ice40.log \
  env NETLIST_FAULT=1 FAMILY=ice40 scripts/flow.sh fpga configs/fpga/f01_ws_2x2_i8.ini
echo "netlist_fault: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
