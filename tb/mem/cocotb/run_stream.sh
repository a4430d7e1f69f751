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
exec tb/common/cocotb_vvp.sh "$out" test_stream stream_top tb/mem/cocotb "$tag"
