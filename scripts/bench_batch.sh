#!/usr/bin/env bash
# bench_batch.sh -- decode against the batch size B on ONE build (make bench): the default design
# with eight request-table entries and batches of up to eight (-D model.sequences=8
# -D attn.regions=16 -D attn.tokens_per_bank=128 -D batch.bmax=8) runs eight prompts of 4 tokens,
# then two decode steps of all eight sequences, with the BATCH register's CAP = B (1, 2, 4, 8):
# the same tokens in 8 / B batches per step. Every byte of memory and every batch is still
# compared with tf_accel, every output row with the golden layers. From the top's counters
# (the second decode step): cycles, bytes read per token, MAC utilization (weight-GEMM MACs over
# R x C x cycles), and tforge perf --batch B's prediction of a step of B sequences.
# -> build/bench/batch_rtl.csv (with a header) and batch_rtl.png
set -euo pipefail
cd "$(dirname "$0")/.."
defs=(-D model.sequences=8 -D attn.regions=16 -D attn.tokens_per_bank=128 -D batch.bmax=8)
cfg=configs/default.ini
read -r rtl out < <(scripts/flow.sh dir "$cfg" "${defs[@]}")
mkdir -p build/bench "$out"
scripts/flow.sh gen "$cfg" "${defs[@]}" >/dev/null
mf() { python3 scripts/manifest.py "$rtl"/*_manifest.json "$@"; }
pe=$(( $(mf param gemm ROWS) * $(mf param gemm COLS) ))
macs=$(( 8 * $(mf param model MODEL_LAYERS) * $(mf param model MODEL_WEIGHT_BYTES) ))   # a step's weight-GEMM MACs
csv=build/bench/batch_rtl.csv
echo "B,batches_per_step,step_cycles,cycles_per_token,rd_bytes_per_token,mac_util_pct,perf_cycles_per_token,perf_rd_bytes_per_token,bytes_ratio,util_ratio" >"$csv.tmp"
for b in 1 2 4 8; do
  log=$out/bench_batch_$b.log
  ACCEL_ARGS="--prompt 4 --entries 8 --cap $b --fit 1" ACCEL_ROUNDS=3 \
    scripts/flow.sh accel-cosim "$cfg" "${defs[@]}" >"$log" 2>&1 || { cat "$log"; exit 1; }
  build/tforge perf "$cfg" "${defs[@]}" --prompt 4 --decode 2 --batch "$b" --csv "$out/bench_batch_perf.csv" >/dev/null
  python3 - "$log" "$out/bench_batch_perf.csv" "$pe" "$macs" "$b" >>"$csv.tmp" <<'PY'
import csv, re, sys
log, pcsv, pe, macs, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
text = open(log).read()
assert re.search(r": PASS: ", text), "the co-simulation failed"
rounds = [(int(c), int(r)) for c, r in re.findall(r"counters CYCLES (\d+), RD_BYTES (\d+)", text)]
(c1, r1), (c2, r2) = rounds[-2], rounds[-1]
rows = list(csv.DictReader(open(pcsv)))
last = rows[-1]   # perf: the last decode step of B sequences
pc = float(last["run_cycles"]) / b
pr = float(last["run_rd_bytes"]) / b
step = c2 - c1
# the ratios to batch 1 are filled in below, once every row is there
print(f"{b},{8 // b},{step},{step / 8:.1f},{(r2 - r1) / 8:.0f},{100 * macs / (pe * step):.2f},{pc:.1f},{pr:.0f},,")
PY
done
python3 - "$csv.tmp" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
b1 = rows[0]
for r in rows:
    r["bytes_ratio"] = f'{float(b1["rd_bytes_per_token"]) / float(r["rd_bytes_per_token"]):.2f}'
    r["util_ratio"] = f'{float(r["mac_util_pct"]) / float(b1["mac_util_pct"]):.2f}'
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=list(rows[0].keys()), lineterminator="\n")
w.writeheader()
w.writerows(rows)
PY
mv "$csv.tmp" "$csv"
python3 scripts/plot_batch.py "$csv" build/bench/batch_rtl.png B mac_util_pct 1 bytes_ratio util_ratio \
  "BATCH.CAP (sequences per batch)" \
  "One build, eight decoding sequences, CAP = B (default design, -D batch.bmax=8; RTL counters)"
echo "batch: build/bench/batch_rtl.csv, batch_rtl.png"
column -s, -t "$csv"
