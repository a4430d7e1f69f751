#!/usr/bin/env bash
# speed_cmp.sh [RUNS] -- Verilator simulation speed, before vs after, on the harnesses that
# bench_cmp.sh built (8x8 and 16x16, OS and WS, max 128): RUNS alternating runs of
# 32 128x128x128 GEMMs each; user CPU seconds and the harness's sim cycles/s.
# Writes build/rtl_equiv/bench/simspeed.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
root=build/rtl_equiv/root
out=build/rtl_equiv/bench/simspeed.csv
shapes=$(python3 -c "print(','.join(['128x128x128'] * 32))")
echo "design,side,run,sim_cycles,user_seconds,wall_cycles_per_second" >"$out"
for name in bench_os_8x8 bench_ws_8x8 bench_os_16x16 bench_ws_16x16; do
  for i in $(seq "$runs"); do
    for side in before after; do
      if [ $side = before ]; then h=build/$name/obj/harness; else h=$root/build/$name/obj/harness; fi
      /usr/bin/time -f "%U" -o /tmp/speed_cmp.time "$h" --shapes "$shapes" --bp 0 --in-gap 0 \
        --json /tmp/speed_cmp.json --quiet
      python3 - "$name" "$side" "$i" "$(tail -1 /tmp/speed_cmp.time)" >>"$out" <<'PY'
import json, sys
j = json.load(open("/tmp/speed_cmp.json"))
assert j["passed"]
print(f"{sys.argv[1]},{sys.argv[2]},{sys.argv[3]},{j['sim_cycles']},{sys.argv[4]},{j['sim_cycles_per_second']}")
PY
    done
  done
done
python3 - "$out" <<'PY'
import csv, sys
from collections import defaultdict
r = defaultdict(lambda: defaultdict(list))
for row in csv.DictReader(open(sys.argv[1])):
    r[row["design"]][row["side"]].append((float(row["user_seconds"]), float(row["wall_cycles_per_second"]), int(row["sim_cycles"])))
for d, s in r.items():
    ub, ua = min(x[0] for x in s["before"]), min(x[0] for x in s["after"])
    cb, ca = max(x[1] for x in s["before"]), max(x[1] for x in s["after"])
    cyc = s["before"][0][2]
    print(f"{d}: {cyc} sim cycles; user s best {ub:.2f} -> {ua:.2f} ({100*(ua-ub)/ub:+.1f} %), "
          f"= {cyc/ub:,.0f} -> {cyc/ua:,.0f} cycles/CPU-s; wall cycles/s best {cb:,.0f} -> {ca:,.0f} ({100*(ca-cb)/cb:+.1f} %)")
PY
