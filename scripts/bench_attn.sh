#!/usr/bin/env bash
# bench_attn.sh -- the attention unit (make bench):
#  * build/bench/attn_cycles.csv: cycles per decode step against context length and bank
#    count -- capacity 256 tokens, D = 64, 8 lanes per bank, int8 KV, banks 1..16; each
#    design decodes 256 steps from an empty cache (context 1..256) in Verilator without
#    gaps or back-pressure, every output checked against the golden model, RTL cycles
#    compared with tfa_step_cycles();
#  * build/bench/attn_bytes.csv: bytes crossing the bank boundary per decode step, this
#    unit (q, k, v in, o out) against a design that streams K and V of the whole context
#    to a separate compute unit, for context lengths 64..8192, int8 and int4 KV;
#  * build/bench/attn_area.csv: Yosys generic area of configs/attn/a01 and a02.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/attn_cycles.csv
echo "design,banks,tokens_per_bank,head_dim,lanes,context,rtl_cycles,model_cycles" >"$csv"
for nb in 1 2 4 8 16; do
  tpb=$(( 256 / nb ))
  name=battn_b${nb}
  cfg=$out/$name.ini
  printf '[design]\nname = %s\n[attn]\nbanks = %d\ntokens_per_bank = %d\nhead_dim = 64\nlanes = 8\n' \
    "$name" "$nb" "$tpb" >"$cfg"
  ATTN_STEPS=1 scripts/flow.sh attn-cosim "$cfg" >/dev/null
  "build/$name/attnobj/attn_harness" --bench --steps 256 --csv "$csv" --quiet
  echo "  $nb banks x $tpb tokens: 256 steps checked"
done
area=$out/attn_area.csv
echo "config,cells,flops,memory_bits" >"$area"
for cfg in configs/attn/a01_b2x4_d8_i8.ini configs/attn/a02_b4x8_d16_i4_h2.ini; do
  name=$(build/tforge check "$cfg" --name)
  scripts/flow.sh attn-synth "$cfg" >/dev/null
  eval "$(sed -n 's/^SUMMARY //p' "build/$name/attn_synth_report.txt")" # cells= flops= memories= memory_bits=
  echo "$name,$cells,$flops,$memory_bits" >>"$area"
  echo "  $name: $cells cells, $flops flip-flops, $memory_bits memory bits"
done
python3 - "$csv" "$out/attn_bytes.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = sum(r["rtl_cycles"] != r["model_cycles"] for r in rows)
by = {}
for r in rows:
    by.setdefault(int(r["banks"]), {})[int(r["context"])] = int(r["rtl_cycles"])
ctxs = [1, 16, 64, 128, 256]
print("cycles per decode step (D = 64, 8 lanes per bank, capacity 256)")
print("banks " + "".join(f"{'L=' + str(c):>9}" for c in ctxs))
for nb in sorted(by):
    print(f"{nb:>5} " + "".join(f"{by[nb].get(c, 0):>9}" for c in ctxs))
print(f"RTL cycles == model cycles for {len(rows) - bad} of {len(rows)} steps")
# bytes per decode step: q, k, v in (1 byte each per element), o out (OW bits per element)
d, pb = 64, 15
with open(sys.argv[2], "w") as f:
    f.write("context,kv_bits,unit_bytes,conventional_bytes,ratio\n")
    print("\nbytes crossing the bank boundary per decode step (D = 64)")
    print(f"{'context':>8} {'KV':>4} {'this unit':>10} {'streaming K,V':>14} {'ratio':>8}")
    for L in [64, 256, 1024, 4096, 8192]:
        ow = pb + (L + 1).bit_length() + 15          # o element width of a unit of capacity L
        unit = 3 * d + d * ((ow + 7) // 8)
        for kv in (8, 4):
            per_tok = 2 * d * kv / 8 + (2 * 5 / 8 if kv == 4 else 0)   # K and V (+ scales)
            conv = unit + L * per_tok
            f.write(f"{L},{kv},{unit},{conv:.0f},{conv / unit:.1f}\n")
            print(f"{L:>8} {kv:>4} {unit:>10} {conv:>14.0f} {conv / unit:>7.1f}x")
sys.exit(1 if bad else 0)
PY
