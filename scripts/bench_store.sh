#!/usr/bin/env bash
# bench_store.sh -- the engine's result store (gemm.store): what keeping a GEMM result
# on chip saves, and what it costs.
#  * build/bench/store_chain.csv: the attention chain S = requant(Q*K^T), O = S*V on
#    8x8 OS and WS engines with a banked store, run two ways on the same RTL:
#    "store" (S stays in the store, the second GEMM reads it as A) and "round_trip"
#    (S leaves on c_* and is loaded back element by element, the transpose pass a
#    row-only operand buffer needs). Engine cycles from the RTL (Verilator) and the
#    cycle model, every output element checked against the golden model.
#  * build/bench/store_area.csv: Yosys generic cells / flip-flops / memory bits of the
#    whole engine without a store, with a flops store and with a banked store.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/store_chain.csv
echo "design,rows,cols,dataflow,l,d,t,variant,rtl_cycles,model_cycles,elements_moved,checked,mismatches" >"$csv"
shapes="64x64x64,32x64x64,8x64x64,64x16x64,64x64x16,64x32x32"
for df in os ws; do
  name=bstore_${df}_8x8
  defs=(-D "design.name=$name" -D "array.dataflow=$df")
  COSIM_ARGS="--gemms 0 --no-edge --chains 0" scripts/flow.sh cosim configs/examples/os_8x8_store.ini "${defs[@]}" >/dev/null
  "build/$name/obj/harness" --chain-bench "$shapes" --csv "$csv"
done

area=$out/store_area.csv
echo "design,rows,cols,max,store,cells,flops,memory_bits" >"$area"
for cfg in "4 4 16 none" "4 4 16 flops" "4 4 16 banked" "8 8 64 none" "8 8 64 banked"; do
  read -r r c mx st <<<"$cfg"
  name=bstorea_${r}x${c}_${mx}_${st}
  defs=(-D "design.name=$name" -D "array.rows=$r" -D "array.cols=$c" -D "gemm.max_m=$mx"
        -D "gemm.max_k=$mx" -D "gemm.max_n=$mx" -D "gemm.store=$st")
  scripts/flow.sh synth configs/examples/os_8x8_int8.ini "${defs[@]}" >/dev/null
  eval "$(sed -n 's/^SUMMARY //p' "build/$name/synth_report.txt")" # cells= flops= memories= memory_bits=
  echo "$name,$r,$c,$mx,$st,$cells,$flops,$memory_bits" >>"$area"
  echo "  ${r}x${c} max $mx store $st: $cells cells, $flops flip-flops, $memory_bits memory bits"
done
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = sum(r["rtl_cycles"] != r["model_cycles"] or r["mismatches"] != "0" for r in rows)
by = {}
for r in rows:
    by.setdefault((r["dataflow"], r["l"], r["d"], r["t"]), {})[r["variant"]] = r
print(f"{'df':<3} {'L x D x T':<12} {'store':>8} {'round trip':>10} {'saved':>7} {'elements st/rt':>16}")
for (df, l, d, t), v in by.items():
    s, rt = int(v["store"]["rtl_cycles"]), int(v["round_trip"]["rtl_cycles"])
    print(f"{df:<3} {f'{l}x{d}x{t}':<12} {s:>8} {rt:>10} {100*(rt-s)/rt:>6.1f}% "
          f"{v['store']['elements_moved']:>7}/{v['round_trip']['elements_moved']:<8}")
print(f"RTL cycles == model cycles and 0 mismatches for {len(rows) - bad} of {len(rows)} chain runs")
sys.exit(1 if bad else 0)
PY
