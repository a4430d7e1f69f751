#!/usr/bin/env bash
# run_mux.sh [NAME=VALUE...] -- the cocotb + cocotbext-axi test of tf_axi_mux on Icarus:
# tb/mem/cocotb/test_mux.py drives mux_top.v (tf_axi_mux under plain AXI names) with two
# cocotbext-axi AxiMasters against cocotbext-axi's AxiRam. NAME=VALUE sets a parameter of
# mux_top (DW, IdW, WDepth, WPtrW) for both the simulation and the test. Output:
# build/cocotb/mux-<params>/results.xml; prints "cocotb mux: N passed, M failed" and exits
# non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
tag=mux
params=()
for kv in "$@"; do
  params+=("-Pmux_top.${kv%%=*}=${kv#*=}")
  export "MUX_${kv%%=*}=${kv#*=}"
  tag="$tag-${kv%%=*}${kv#*=}"
done
out=build/cocotb/$tag
mkdir -p "$out"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s mux_top "${params[@]}" \
  "$root/tb/mem/cocotb/mux_top.v" "$root/templates/mem/tf_axi_mux.v"
exec tb/common/cocotb_vvp.sh "$out" test_mux mux_top tb/mem/cocotb "$tag"
