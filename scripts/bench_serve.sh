#!/usr/bin/env bash
# bench_serve.sh -- the batch policy on a served workload (make bench): the default design with
# six request-table entries and batches of up to four (-D model.sequences=6 -D attn.regions=12
# -D attn.tokens_per_bank=96 -D batch.bmax=4) serves the same 120 requests (SERVE_REQUESTS) (random arrivals,
# prompts and output lengths; SEED) in Verilator under three settings of the BATCH register --
# batch 1 (CAP 1), in order and first fit (CAP 0) -- for three prompt-length mixes (the share of
# prompts of up to max_seq tokens; the others up to a quarter of it). Every run is the full
# co-simulation (every byte of memory, every batch against tf_accel). From the top's counters:
# cycles, bytes read per token, batches and MAC utilization (weight-GEMM MACs over R x C x busy
# cycles). Writes build/bench/serve.csv and serve.png and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${SERVE_REQUESTS:-120}
defs=(-D model.sequences=6 -D attn.regions=12 -D attn.tokens_per_bank=96 -D batch.bmax=4)
cfg=configs/default.ini
read -r rtl out < <(scripts/flow.sh dir "$cfg" "${defs[@]}")
mkdir -p build/bench
scripts/flow.sh gen "$cfg" "${defs[@]}" >/dev/null
mf() { python3 scripts/manifest.py "$rtl"/*_manifest.json "$@"; }
pe=$(( $(mf param gemm ROWS) * $(mf param gemm COLS) ))
csv=build/bench/serve.csv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "long_share,policy,cap,fit,requests,tokens,batches,table_full,busy_cycles,cycles_per_token,rd_bytes_per_token,mac_util_pct" >"$tmp"
for long in 0 0.2 0.5; do
  for pol in "batch1 1 0" "order 0 0" "fit 0 1"; do
    read -r name cap fit <<<"$pol"
    ACCEL_ARGS="--serve $n --long $long --cap $cap --fit $fit --bw 8 --quiet" SEED=${SEED:-3} \
      scripts/flow.sh accel-cosim "$cfg" "${defs[@]}" >/dev/null
    python3 - "$out/accel_cosim.json" "$pe" "$long" "$name" "$cap" "$fit" >>"$tmp" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["passed"], "the co-simulation failed"
pe = int(sys.argv[2])
t = j["tokens"]
print(f'{sys.argv[3]},{sys.argv[4]},{sys.argv[5]},{sys.argv[6]},{j["requests"]},{t},{j["batches"]},{j["table_full"]},'
      f'{j["busy_cycles"]},{j["busy_cycles"] / t:.1f},{j["rd_bytes"] / t:.0f},{100 * j["gemm_macs"] / (pe * j["busy_cycles"]):.2f}')
PY
  done
done
mv "$tmp" "$csv"
trap - EXIT
python3 - "$csv" build/bench/serve.png <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
mixes = sorted({r["long_share"] for r in rows}, key=float)
pols = ["batch1", "order", "fit"]
fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
w = 0.27
for k, (col, label) in enumerate([("mac_util_pct", "MAC utilization (%)"),
                                  ("rd_bytes_per_token", "bytes read per token"),
                                  ("batches", "batches run")]):
    for j, p in enumerate(pols):
        y = [float(next(r[col] for r in rows if r["policy"] == p and r["long_share"] == m)) for m in mixes]
        ax[k].bar([i + (j - 1) * w for i in range(len(mixes))], y, w, label=p)
    ax[k].set_xticks(range(len(mixes)))
    ax[k].set_xticklabels([f"{float(m):.0%} long" for m in mixes])
    ax[k].set_ylabel(label)
    ax[k].grid(True, axis="y", alpha=0.3)
ax[0].legend(fontsize=8)
fig.suptitle("The same requests served on one RTL: batch 1 (CAP 1), in order and first fit (CAP 0, bmax 4)")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
PY
echo "serve: build/bench/serve.csv, serve.png"
column -s, -t "$csv"
