#!/usr/bin/env python3
"""plot_batch.py -- decode against the batch size B (make bench): MAC utilization, and bytes per
token and utilization relative to batch 1 beside the ideal B, from a CSV with one row per B.

usage: plot_batch.py CSV PNG B_COL UTIL_COL UTIL_SCALE BYTES_RATIO_COL UTIL_RATIO_COL XLABEL TITLE
  UTIL_SCALE multiplies UTIL_COL into percent (100 for a fraction, 1 for percent).
Used by scripts/bench_perf.sh (tforge perf's perf_batch.csv) and scripts/bench_batch.sh (the
RTL's batch_rtl.csv)."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 10:
        sys.exit(__doc__)
    path, png, bcol, ucol, scale, brcol, urcol, xlabel, title = argv[1:]
    rows = list(csv.DictReader(open(path)))
    b = [int(r[bcol]) for r in rows]
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    ax[0].plot(b, [float(scale) * float(r[ucol]) for r in rows], marker="o")
    ax[0].set_ylabel("decode MAC utilization (%)")
    ax[1].plot(b, [float(r[brcol]) for r in rows], marker="o", label="bytes per token, batch 1 / B")
    ax[1].plot(b, [float(r[urcol]) for r in rows], marker="s", label="utilization, B / batch 1")
    ax[1].plot(b, b, linestyle=":", color="grey", label="ideal (B)")
    ax[1].set_ylabel("x batch 1")
    ax[1].legend(fontsize=8)
    for a in ax:
        a.set_xscale("log", base=2)
        a.set_xticks(b)
        a.set_xticklabels([str(x) for x in b])
        a.set_xlabel(xlabel)
        a.grid(True, alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main(sys.argv)
