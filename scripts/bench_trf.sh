#!/usr/bin/env bash
# bench_trf.sh -- Yosys area of the two-direction register file, flops vs banked,
# across sizes (one read port, write mask, W = 8), plus the 256x200 banked config's
# 100k-access co-simulation. Writes build/bench/trf_area.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/trf_area.csv
echo "impl,rows,cols,width,ports,cells,flops,memories,memory_bits,storage_bits" >"$csv"
for size in "4 4" "8 8" "16 16" "32 32" "64 64" "16 64" "64 16"; do
  read -r nr nc <<<"$size"
  for impl in flops banked; do
    name=trfb_${impl}_${nr}x${nc}
    # configs/trf/t01_flops_1x8.ini has a minimal GEMM engine; -D replaces its register file
    defs=(-D "design.name=$name" -D "trf.rows=$nr" -D "trf.cols=$nc" -D trf.width=8
          -D "trf.impl=$impl" -D trf.read_ports=1 -D trf.write_mask=true)
    scripts/flow.sh trf-synth configs/trf/t01_flops_1x8.ini "${defs[@]}" >/dev/null
    sum=$(sed -n 's/^SUMMARY //p' "build/$name/trf_synth_report.txt")
    eval "$sum" # cells= flops= memories= memory_bits=
    nb=$(( nr > nc ? nr : nc ))
    [ "$impl" = banked ] && storage=$(( nb * nr * 8 )) || storage=$(( nr * nc * 8 ))
    echo "$impl,$nr,$nc,8,1,$cells,$flops,$memories,$memory_bits,$storage" >>"$csv"
    echo "  $impl ${nr}x${nc}: $cells cells, $flops flip-flops, $memory_bits memory bits"
  done
done
echo "== large register file co-simulation (configs/trf_large)"
for f in configs/trf_large/*.ini; do
  scripts/flow.sh trf-cosim "$f"
done
