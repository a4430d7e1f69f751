#!/usr/bin/env bash
# bench_mem.sh -- the memory system end to end (make bench; docs/performance.md, the memory
# system): one controller command per GEMM on <name>_sys in Verilator (tb/mem/harness.cpp
# --bench: every byte of memory compared with tfmm_run, the cycles with tfmm_cycles, which
# must be equal), A and B read from memory, C
# requantized and written back, against the roofline max(M*K*N / (R*C), bytes / bw).
# Design: configs/mem/p01_os_8x8_128.ini (8x8 OS, 128-bit AXI4 port) with max_k = 1536 and
# max_m = 128, so tiles of 128 x K x 64: K is never split (the controller keeps K whole,
# K <= max_k; neither it nor the engine accumulates over K splits), so the design holds
# the largest K of the list. Memory: latency 12 cycles, 8, 16, 32 bytes per cycle.
# Shapes: GPT-2 / BERT-base QKV (32 x 768 x 2304, 1 x 768 x 2304), MiniLM (d = 384, FFN
# 1536) at M = 1, 4, 32, 128: QKV 384 -> 1152, out-proj 384 -> 384, FFN up 384 -> 1536,
# FFN down 1536 -> 384.
# -> build/bench/mem_roofline.csv, mem_chain.csv (with headers), mem_roofline.png
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
cfg=configs/mem/p01_os_8x8_128.ini
defs=(-D gemm.max_k=1536 -D gemm.max_m=128)
LAT=${LAT:-12}
MEM_BATCHES=1 scripts/flow.sh mem-cosim "$cfg" "${defs[@]}" >/dev/null
read -r _ obj < <(scripts/flow.sh dir "$cfg" "${defs[@]}")
bin=$obj/memobj/mem_harness
shapes=32x768x2304,1x768x2304
for m in 1 4 32 128; do
  shapes="$shapes,${m}x384x1152,${m}x384x384,${m}x384x1536,${m}x1536x384"
done
csv=$out/mem_roofline.csv
echo "design,rows,cols,m,k,n,bw,lat,cycles,model_cycles,compute,roofline,roofline_frac,rd_bytes,wr_bytes,gemm_cycles,wait_cycles,busy_cycles" >"$csv"
for bw in 8 16 32; do
  echo "-- bw $bw bytes/cycle, latency $LAT"
  "$bin" --bench "$shapes" --bw "$bw" --lat "$LAT" --csv "$csv" --quiet
done
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'M x K x N':>16} {'bw':>3} {'cycles':>9} {'model':>9} {'compute':>9} {'roofline':>9} {'of roof':>8}")
for r in rows:
    print(f"{r['m']+'x'+r['k']+'x'+r['n']:>16} {r['bw']:>3} {r['cycles']:>9} {r['model_cycles']:>9} {r['compute']:>9} {r['roofline']:>9} {100*float(r['roofline_frac']):7.1f}%")
bad = [r for r in rows if r['cycles'] != r['model_cycles']]
print(f"RTL cycles = tfmm_cycles on {len(rows) - len(bad)} of {len(rows)} GEMMs")
PY
# The store chain of performance.md (the result store) end to end: Q, K, V in memory, S =
# requant(Q K^T) kept in the result store, O = S V written back; the 8x8 OS engine with a
# banked 64 x 64 store (configs/examples/os_8x8_store.ini) and a 128-bit port. Reference:
# its compute-only cycles (the two GEMMs' tfm_cycles).
scfg=configs/examples/os_8x8_store.ini
sdefs=(-D mem.data_bits=128)
MEM_BATCHES=1 scripts/flow.sh mem-cosim "$scfg" "${sdefs[@]}" >/dev/null
read -r _ sobj < <(scripts/flow.sh dir "$scfg" "${sdefs[@]}")
ccsv=$out/mem_chain.csv
echo "design,rows,cols,l,d,t,bw,lat,cycles,model_cycles,compute,roofline,compute_frac,rd_bytes,wr_bytes,gemm_cycles,wait_cycles,busy_cycles" >"$ccsv"
for bw in 8 16 32; do
  "$sobj/memobj/mem_harness" --chain 64x64x64,32x64x64,8x64x64,64x16x64,64x64x16,64x32x32 --bw "$bw" \
    --lat "$LAT" --csv "$ccsv" --quiet
done
python3 - "$ccsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'L x D x T':>12} {'bw':>3} {'cycles':>7} {'model':>7} {'compute':>7} {'over compute':>12}")
for r in rows:
    print(f"{r['l']+'x'+r['d']+'x'+r['t']:>12} {r['bw']:>3} {r['cycles']:>7} {r['model_cycles']:>7} {r['compute']:>7} "
          f"{100*(int(r['cycles'])/int(r['compute'])-1):11.1f}%")
bad = [r for r in rows if r['cycles'] != r['model_cycles']]
print(f"store chain: RTL cycles = tfmm_cycles on {len(rows) - len(bad)} of {len(rows)} chains")
PY
# plot: % of the roofline per GEMM at each bandwidth, and the chains' cycles over compute
python3 - "$csv" "$ccsv" "$out/mem_roofline.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
chains = list(csv.DictReader(open(sys.argv[2])))
shapes = []
for r in rows:
    s = f"{r['m']}x{r['k']}x{r['n']}"
    if s not in shapes:
        shapes.append(s)
bws = sorted({int(r['bw']) for r in rows})
fig, (ax, bx) = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [3, 1]})
w = 0.8 / len(bws)
for i, bw in enumerate(bws):
    v = {f"{r['m']}x{r['k']}x{r['n']}": 100 * float(r['roofline_frac']) for r in rows if int(r['bw']) == bw}
    ax.bar([j + i * w for j in range(len(shapes))], [v[s] for s in shapes], w, label=f"{bw} B/cycle")
ax.axhline(95, color="k", lw=0.8, ls="--", label="95 % target")
ax.set_xticks([j + w for j in range(len(shapes))])
ax.set_xticklabels(shapes, rotation=60, ha="right", fontsize=8)
ax.set_ylabel("% of roofline max(MKN/(R C), bytes/bw)")
ax.set_title(f"{rows[0]['design']}: GEMMs end to end through the AXI4 port (RTL = model)")
ax.set_ylim(0, 115)
ax.legend(fontsize=8, loc="upper center", ncol=4)
cs = [c for c in chains if c['bw'] == '16']
bx.bar(range(len(cs)), [100 * (int(c['cycles']) / int(c['compute']) - 1) for c in cs])
bx.axhline(10, color="k", lw=0.8, ls="--", label="10 % target")
bx.set_xticks(range(len(cs)))
bx.set_xticklabels([f"{c['l']}x{c['d']}x{c['t']}" for c in cs], rotation=60, ha="right", fontsize=8)
bx.set_ylabel("% over compute-only cycles")
bx.set_title("store chain, 16 B/cycle")
bx.legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[3], dpi=110)
print(f"plot: {sys.argv[3]}")
PY
echo "bench_mem: $csv $ccsv $out/mem_roofline.png"
