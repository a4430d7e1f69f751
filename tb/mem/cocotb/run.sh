#!/usr/bin/env bash
# run.sh [NAME=VALUE...] -- the cocotb + cocotbext-axi test of the DMA engine on Icarus:
# tb/mem/cocotb/test_dma.py drives dma_top.v (tf_mem_dma, the AXI masters and, with
# HasSt=1, the result store tf_gemm_store) against
# cocotbext-axi's AxiRam. NAME=VALUE sets a parameter of dma_top (DW, R, C, BurstLen, CW,
# ...) for both the simulation and the test. Output: build/cocotb-<params>/results.xml;
# prints "cocotb dma: N passed, M failed" and exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
tag=dma
params=()
for kv in "$@"; do
  params+=("-Pdma_top.${kv%%=*}=${kv#*=}")
  export "DMA_${kv%%=*}=${kv#*=}"
  tag="$tag-${kv%%=*}${kv#*=}"
done
out=build/cocotb/$tag
mkdir -p "$out"
srcs=("$root/tb/mem/cocotb/dma_top.v" "$root/templates/mem/tf_mem_dma.v" "$root/templates/mem/tf_axi_rd.v"
      "$root/templates/mem/tf_axi_wr.v" "$root/templates/mem/tf_mem_gbox.v" "$root/templates/tf_ram_1r1w.v"
      "$root/templates/gemm/tf_gemm_store.v" "$root/templates/tf_trf_flops.v" "$root/templates/tf_trf_banked.v"
      "$root/templates/tf_rotate.v")
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s dma_top "${params[@]}" "${srcs[@]}"
exec tb/common/cocotb_vvp.sh "$out" test_dma dma_top tb/mem/cocotb "$tag"
