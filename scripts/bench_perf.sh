#!/usr/bin/env bash
# bench_perf.sh -- the accelerator's analytic model (tforge perf; docs/performance.md, the
# accelerator) on configs/model/minilm_8x8.ini: a MiniLM-sized layer (d 384, 12 heads,
# d_ff 1536) on the 8x8 array at 16 bytes per cycle, a prefill of 128 tokens and one decode
# step after 127, against their bounds max(array MACs at 100 %, bytes / bandwidth); then a
# sweep of the design space the model is for: array 8x8 and 16x16, memory 4..64 bytes per
# cycle (the AXI port as wide: mem.data_bits = 8 x bytes per cycle; at least a byte per
# array column), LayerNorm groups (aux.ln_rows) of 8 and 128 rows; and batched decode (--batch B,
# the schedule the batch controller is to run: B sequences' tokens through the weight GEMMs
# together) for B = 1, 2, 4, 8 after prompts of 16 tokens (8 sequences: a KV store of 8 x 768
# tokens per head).
# -> build/bench/perf_minilm.csv, perf_sweep.csv, perf_batch.csv (with headers), perf_sweep.png,
#    perf_batch.png
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
cfg=configs/model/minilm_8x8.ini
tf=build/tforge
$tf perf "$cfg" --prompt 128 --csv "$out/perf_prefill.csv"
$tf perf "$cfg" --prompt 127 --decode 1 --csv "$out/perf_decode.csv" | tail -3
{ cat "$out/perf_prefill.csv"; tail -n +2 "$out/perf_decode.csv"; } >"$out/perf_minilm.csv"
rm -f "$out/perf_prefill.csv" "$out/perf_decode.csv"

sweep=$out/perf_sweep.csv
echo "array,bw,ln_rows,phase,layer_cycles,mac_util,cycles_over_bound,gemm_cycles,attn_cycles,rd_bytes" >"$sweep"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for a in 8 16; do
  for bw in 4 8 16 32 64; do
    # a port of whole beats of residual bytes (the [model] rule): at least as many bytes as columns
    [ $((bw % a)) -eq 0 ] || continue
    for ln in 8 128; do
      $tf perf "$cfg" --prompt 127 --decode 1 --bw "$bw" --csv "$tmp" -D array.rows=$a -D array.cols=$a \
        -D aux.lanes=$a -D aux.ln_rows=$ln -D mem.data_bits=$((bw * 8)) >/dev/null
      python3 - "$tmp" "$a" "$bw" "$ln" >>"$sweep" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(f"{sys.argv[2]}x{sys.argv[2]},{sys.argv[3]},{sys.argv[4]},{r['phase']},{r['layer_cycles']},"
          f"{r['mac_util']},{r['cycles_over_bound']},{r['gemm_cycles']},{r['attn_cycles']},{r['rd_bytes']}")
PY
    done
  done
done
python3 - "$sweep" "$out/perf_sweep.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
fig, ax = plt.subplots(1, 2, figsize=(11, 4))
for arr in ("8x8", "16x16"):
    for ln in ("8", "128"):
        for k, phase in enumerate(("prefill", "decode")):
            sel = [r for r in rows if r["array"] == arr and r["ln_rows"] == ln and r["phase"] == phase]
            x = [int(r["bw"]) for r in sel]
            y = [100 * float(r["mac_util"]) if phase == "prefill" else float(r["cycles_over_bound"]) for r in sel]
            ax[k].plot(x, y, marker="o", label=f"{arr}, ln_rows {ln}")
ax[0].set_title("MiniLM layer, prefill of 127 tokens")
ax[0].set_ylabel("layer MAC utilization (%)")
ax[1].set_title("MiniLM layer, one decode step (context 128)")
ax[1].set_ylabel("cycles / max(compute, bytes / bw, port)")
for a in ax:
    a.set_xscale("log", base=2)
    a.set_xlabel("memory bandwidth = port width (bytes per cycle)")
    a.grid(True, alpha=0.3)
    a.legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
PY
echo "perf: build/bench/perf_minilm.csv, perf_sweep.csv ($(($(wc -l <"$sweep") - 1)) rows), perf_sweep.png"
column -s, -t "$sweep" | head -50

batch=$out/perf_batch.csv
echo "batch,cycles_per_step,cycles_per_token,mac_util,rd_bytes_per_token_per_layer,rd_bytes_ratio,mac_util_ratio" >"$batch"
for b in 1 2 4 8; do
  $tf perf "$cfg" -D model.sequences=8 -D attn.regions=48 -D attn.tokens_per_bank=768 --prompt 16 --decode 1 \
    --batch "$b" --csv "$tmp" >/dev/null
  tail -n 1 "$tmp" >>"$batch.raw"
done
python3 - "$batch.raw" >>"$batch" <<'PY'
import sys
rows = [l.strip().split(",") for l in open(sys.argv[1])]
base = None
for r in rows:
    b, layers, lc, util, rd = int(r[3]), int(r[5]), int(r[6]), float(r[13]), int(r[14])
    step = float(r[18]) * b
    cur = (rd / b, util)
    base = base or cur
    print(f"{b},{step:.0f},{step / b:.0f},{util:.4f},{rd / b:.0f},{base[0] / cur[0]:.2f},{cur[1] / base[1]:.2f}")
PY
rm -f "$batch.raw"
python3 scripts/plot_batch.py "$batch" "$out/perf_batch.png" batch mac_util 100 rd_bytes_ratio mac_util_ratio \
  "sequences per batch (B)" "MiniLM-sized layers on the 8x8 array, one decode step (tforge perf --batch B)"
echo "perf: build/bench/perf_batch.csv, perf_batch.png (batched decode, the model's prediction)"
column -s, -t "$batch"
