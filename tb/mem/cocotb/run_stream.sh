#!/usr/bin/env bash
# run_stream.sh [NAME=VALUE...] -- the cocotb + cocotbext-axi test of tf_mem_stream on Icarus:
# tb/mem/cocotb/test_stream.py drives stream_top.v (tf_mem_stream, its AXI port under plain
# names) against cocotbext-axi's AxiSlave. NAME=VALUE sets a parameter of
# stream_top (DW, OffW, BytesW, ReqW, ...) for both the simulation and the test. Output:
# build/cocotb/stream-<params>/results.xml; prints "cocotb stream: N passed, M failed" and exits
# non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
tag=stream
params=()
for kv in "$@"; do
  params+=("-Pstream_top.${kv%%=*}=${kv#*=}")
  export "STREAM_${kv%%=*}=${kv#*=}"
  tag="$tag-${kv%%=*}${kv#*=}"
done
out=build/cocotb/$tag
mkdir -p "$out"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s stream_top "${params[@]}" \
  "$root/tb/mem/cocotb/stream_top.v" "$root/templates/mem/tf_mem_stream.v" "$root/templates/mem/tf_axi_rd.v" "$root/templates/mem/tf_axi_wr.v"
export LIBPYTHON_LOC=$(python3 -m cocotb.config --libpython)
export PYTHONHOME=$(python3 -c 'import sys; print(sys.prefix)')
# The verdict comes from results.xml (tb/common/cocotb_results.py), not from vvp's exit
# status (as in run.sh); the old results.xml is removed first.
rm -f "$out/results.xml"
(cd "$out" && MODULE=test_stream TOPLEVEL=stream_top TOPLEVEL_LANG=verilog COCOTB_RESULTS_FILE=results.xml \
   PYTHONPATH="$root/tb/mem/cocotb:${PYTHONPATH:-}" COCOTB_REDUCED_LOG_FMT=1 \
   vvp -M "$(python3 -m cocotb.config --lib-dir)" -m "$(python3 -m cocotb.config --lib-name vpi icarus)" sim.vvp -none >sim.log 2>&1) || true
python3 "$root/tb/common/cocotb_results.py" "$out/results.xml" "$out/sim.log" "$tag"
