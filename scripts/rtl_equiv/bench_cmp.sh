#!/usr/bin/env bash
# bench_cmp.sh [RUNS] -- the bench GEMM shapes (scripts/bench.sh) on OS and WS arrays of
# 8x8, 4x4 and 16x16 (max 128), generated today ("before") and with the parameterized
# engine ("after"): Verilator harness build time (fresh obj dir), the harness's rtl_cycles
# per shape, and simulation speed (sim cycles/s of the shapes run, best of RUNS runs).
# Writes build/rtl_equiv/bench/{cycles,speed}.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
runs=${1:-3}
root=$(scripts/rtl_equiv/mkroot.sh)
out=$top/build/rtl_equiv/bench
mkdir -p "$out"
shapes="64x64x64,128x128x128,32x64x32,8x64x64,1x64x64,64x8x64,64x64x1,17x33x29,100x100x100"
echo "design,side,m,k,n,rtl_cycles,model_cycles" >"$out/cycles.csv"
echo "design,side,build_seconds,build_cpu_seconds,sim_cycles,best_wall_seconds,best_cycles_per_second,all_cycles_per_second,best_user_seconds,all_user_seconds" >"$out/speed.csv"
for a in "8 8 os" "8 8 ws" "4 4 os" "4 4 ws" "16 16 os" "16 16 ws"; do
  read -r r c df <<<"$a"
  name=bench_${df}_${r}x${c}
  defs=(-D "design.name=$name" -D "array.rows=$r" -D "array.cols=$c" -D "array.dataflow=$df"
        -D gemm.max_m=128 -D gemm.max_k=128 -D gemm.max_n=128)
  for side in before after; do
    if [ $side = before ]; then dir=$top; else dir=$top/$root; fi
    (
      cd "$dir"
      scripts/flow.sh gen configs/default.ini "${defs[@]}" >/dev/null
      rm -rf "build/$name/obj"
      COSIM_ARGS="--gemms 0 --no-edge" /usr/bin/time -f "%e %U %S" -o "build/$name/build.time" \
        scripts/flow.sh cosim configs/default.ini "${defs[@]}" >/dev/null
      read -r bwall buser bsys <"build/$name/build.time"
      bcpu=$(python3 -c "print(round($buser+$bsys,1))")
      rm -f "build/$name/bench.csv"
      speeds=()
      for i in $(seq "$runs"); do
        rm -f "build/$name/bench.csv"
        /usr/bin/time -f "%U" -o "build/$name/bench.time" "build/$name/obj/harness" --shapes "$shapes" \
          --bp 0 --in-gap 0 --csv "build/$name/bench.csv" --json "build/$name/bench.json" --quiet
        speeds+=("$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["sim_cycles"], j["wall_seconds"], j["sim_cycles_per_second"], j["passed"])' "build/$name/bench.json") $(tail -1 "build/$name/bench.time")")
      done
      python3 - "$name" "$side" "build/$name/bench.csv" "$out/cycles.csv" <<'PY'
import csv, sys
name, side, src, dst = sys.argv[1:5]
# harness --csv rows: design,rows,cols,dataflow,m,k,n,rtl_cycles,model_cycles,ideal,scalesim,util
with open(dst, "a") as f:
    for r in csv.reader(open(src)):
        f.write(f"{name},{side},{r[4]},{r[5]},{r[6]},{r[7]},{r[8]}\n")
PY
      best=$(printf '%s\n' "${speeds[@]}" | sort -k3 -g | tail -1)
      all=$(printf '%s\n' "${speeds[@]}" | awk '{printf "%s%s", (NR>1?";":""), $3}')
      read -r sc wall cps passed _ <<<"$best"
      ubest=$(printf '%s\n' "${speeds[@]}" | sort -k5 -g | head -1 | awk '{print $5}')
      uall=$(printf '%s\n' "${speeds[@]}" | awk '{printf "%s%s", (NR>1?";":""), $5}')
      echo "$name,$side,$bwall,$bcpu,$sc,$wall,$cps,$all,$ubest,$uall" >>"$out/speed.csv"
      echo "$name $side: build $bwall s wall, $bcpu s CPU, $cps cycles/s (runs: $all), passed=$passed"
    )
  done
done
