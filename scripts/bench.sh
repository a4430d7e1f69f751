#!/usr/bin/env bash
# bench.sh -- make bench: GEMM cycles on generated arrays (RTL vs analytic model vs
# ideal vs SCALE-Sim's fold model), Verilator simulation speed, generator wall time.
# Writes build/bench/gemm.csv, build/bench/simspeed.csv, build/bench/gen.csv, and
# (scripts/bench_trf.sh) build/bench/trf_area.csv, (scripts/bench_store.sh)
# build/bench/store_chain.csv and store_area.csv, and (bench/attn_accuracy.c)
# build/bench/attn_accuracy.csv, and (scripts/bench_attn.sh) attn_cycles.csv, attn_bytes.csv,
# and (scripts/bench_aux.sh) the auxiliary unit's aux_gelu_accuracy.csv, aux_gelu_error.csv and
# .png, aux_ln_accuracy.csv, aux_cycles_rtl.csv, aux_cycles_model.csv, aux_area.csv, and
# (scripts/bench_mem.sh) the memory system's mem_roofline.csv, and (scripts/bench_perf.sh)
# tforge perf's perf_minilm.csv, perf_sweep.csv and .png, and (scripts/bench_accel.sh) the
# accelerator top's cycles and bytes against tforge perf, accel_vs_perf.csv, and
# (scripts/bench_batch.sh) decode against B on one build, batch_rtl.csv and .png, and
# (scripts/bench_serve.sh) the batch policy on served requests, serve.csv and .png, and
# (scripts/bench_minilm.sh) all-MiniLM-L6-v2 against fp32, minilm.csv and .png, and
# (scripts/bench_fpga.sh) the arrays on iCE40 and ECP5 against a plain one, fpga.csv and .png,
# and the FPGA flow on GEMM engines, fpga_engine.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
echo "design,rows,cols,dataflow,m,k,n,rtl_cycles,model_cycles,ideal_cycles,scalesim_cycles,utilization" >"$out/gemm.csv"
echo "design,rows,cols,dataflow,sim_cycles,wall_seconds,cycles_per_second" >"$out/simspeed.csv"
echo "rows,cols,dataflow,verilog_files,verilog_lines,wall_seconds" >"$out/gen.csv"

# Arrays and the GEMM shapes run on each (all with max 128 so every shape fits).
arrays=("8 8 os" "8 8 ws" "4 4 os" "4 4 ws" "16 16 os" "16 16 ws" "8 16 os" "16 8 ws")
shapes="64x64x64,128x128x128,32x64x32,8x64x64,1x64x64,64x8x64,64x64x1,17x33x29,100x100x100"

for a in "${arrays[@]}"; do
  read -r r c df <<<"$a"
  name=bench_${df}_${r}x${c}
  defs=(-D "design.name=$name" -D "array.rows=$r" -D "array.cols=$c" -D "array.dataflow=$df"
        -D gemm.max_m=128 -D gemm.max_k=128 -D gemm.max_n=128)
  echo "== $name"
  scripts/flow.sh gen configs/examples/os_8x8_int8.ini "${defs[@]}" >/dev/null
  COSIM_ARGS="--gemms 0 --no-edge" scripts/flow.sh cosim configs/examples/os_8x8_int8.ini "${defs[@]}" >/dev/null
  build/$name/obj/harness --shapes "$shapes" --bp 0 --in-gap 0 --csv "$out/gemm.csv" --json "build/$name/bench.json" --quiet
  python3 - "$out/simspeed.csv" "build/$name/bench.json" "$r" "$c" "$df" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
with open(sys.argv[1], "a") as f:
    f.write(f"{j['design']},{sys.argv[3]},{sys.argv[4]},{sys.argv[5]},{j['sim_cycles']},{j['wall_seconds']},{j['sim_cycles_per_second']}\n")
PY
done

# Simulation speed of a 32x32 array (Verilator, one 64x64x64 GEMM).
name=bench_os_32x32
defs=(-D "design.name=$name" -D array.rows=32 -D array.cols=32 -D gemm.max_m=64 -D gemm.max_k=64 -D gemm.max_n=64)
echo "== $name"
COSIM_ARGS="--gemms 0 --no-edge" scripts/flow.sh cosim configs/examples/os_8x8_int8.ini "${defs[@]}" >/dev/null
build/$name/obj/harness --shapes 64x64x64,64x64x64 --bp 0 --in-gap 0 --csv "$out/gemm.csv" --json "build/$name/bench.json" --quiet
python3 - "$out/simspeed.csv" "build/$name/bench.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
with open(sys.argv[1], "a") as f:
    f.write(f"{j['design']},32,32,os,{j['sim_cycles']},{j['wall_seconds']},{j['sim_cycles_per_second']}\n")
PY

# Generator wall time, up to a 64x64 array.
for a in "8 8 os" "32 32 os" "64 64 os" "64 64 ws"; do
  read -r r c df <<<"$a"
  dir=$out/gen_${df}_${r}x${c}
  t0=$(date +%s.%N)
  build/tforge gen configs/examples/os_8x8_int8.ini -D "design.name=gen_${df}_${r}x${c}" -D "array.rows=$r" -D "array.cols=$c" \
    -D "array.dataflow=$df" -o "$dir" >/dev/null
  t1=$(date +%s.%N)
  files=$(ls "$dir"/*.v | wc -l)
  lines=$(cat "$dir"/*.v | wc -l)
  echo "$r,$c,$df,$files,$lines,$(python3 -c "print(round($t1-$t0,4))")" >>"$out/gen.csv"
done

python3 scripts/bench_table.py "$out"
echo
echo "== register file area (build/bench/trf_area.csv)"
scripts/bench_trf.sh
echo
echo "== result store: chain cycles and area (build/bench/store_chain.csv, store_area.csv)"
scripts/bench_store.sh
echo
echo "== attention unit: integer model vs double-precision attention (build/bench/attn_accuracy.csv)"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Imodel -o build/attn_accuracy bench/attn_accuracy.c model/tf_attn.c -lm
build/attn_accuracy --csv "$out/attn_accuracy.csv"
echo
echo "== attention unit: cycles per decode step and bytes per step (build/bench/attn_cycles.csv, attn_bytes.csv)"
scripts/bench_attn.sh
echo
echo "== auxiliary unit: accuracy (GELU, LayerNorm), cycles per row, area per function (build/bench/aux_*)"
scripts/bench_aux.sh
echo
echo "== memory system: end-to-end GEMMs through the AXI port vs the roofline (build/bench/mem_roofline.csv)"
scripts/bench_mem.sh
echo
echo "== the accelerator's analytic model: a MiniLM layer, prefill and decode, and a design sweep (build/bench/perf_*.csv)"
scripts/bench_perf.sh
echo
echo "== the accelerator top against its analytic model: cycles and bytes per run (build/bench/accel_vs_perf.csv)"
scripts/bench_accel.sh
echo
echo "== the batch controller: eight decoding sequences at BATCH.CAP = 1, 2, 4, 8 on one build (build/bench/batch_rtl.csv)"
scripts/bench_batch.sh
echo
echo "== the batch controller: the same requests served in batch 1, in order and first fit (build/bench/serve.csv)"
scripts/bench_serve.sh
echo
echo "== all-MiniLM-L6-v2 on the accelerator against fp32 (build/bench/minilm.csv, minilm.png)"
scripts/bench_minilm.sh
echo
echo "== FPGAs: tforge's arrays against a plain output-stationary array, the engines (build/bench/fpga.csv, fpga.png, fpga_engine.csv)"
scripts/bench_fpga.sh
