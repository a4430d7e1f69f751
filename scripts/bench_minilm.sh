#!/usr/bin/env bash
# bench_minilm.sh -- all-MiniLM-L6-v2 on the accelerator (make bench): the fp32 reference
# against the published similarities, then the 240 sentences of tests/minilm/sentences.txt
# on the golden model (bit-exact with the RTL) against fp32 -- cosine per sentence, the
# paraphrase pairs' ranking, cycles, us, utilization, bytes and energy per sentence
# (build/bench/minilm.csv, minilm.png: cosine against sentence length) -- and decode steps
# under a causal mask against the fp32 causal layers (40 sentences).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
python3 scripts/minilm.py check
python3 scripts/minilm.py run --csv build/bench/minilm.csv
python3 scripts/minilm.py decode --limit 40
python3 - build/bench/minilm.csv build/bench/minilm.png <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
x = [int(r["tokens"]) for r in rows]
y = [float(r["cosine"]) for r in rows]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.scatter(x, y, s=10)
ax.axhline(0.99, ls="--", lw=0.8, color="gray", label="target mean 0.99")
ax.axhline(0.97, ls=":", lw=0.8, color="gray", label="target min 0.97")
ax.set_xlabel("tokens")
ax.set_ylabel("cosine to the fp32 embedding")
ax.set_title("all-MiniLM-L6-v2 on the accelerator (golden model = RTL)")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=120)
print(f"bench_minilm: wrote {sys.argv[1]} and {sys.argv[2]}")
PY
