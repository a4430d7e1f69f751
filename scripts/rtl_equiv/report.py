#!/usr/bin/env python3
"""report.py -- markdown tables from build/rtl_equiv/ (equiv.csv, lockstep.out,
synth/*.txt, bench/*.csv), printed for docs/rtl-gemm-param.md."""
import csv
import os
import re
from collections import defaultdict

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
B = "build/rtl_equiv"


def equiv():
    rows = list(csv.DictReader(open(f"{B}/equiv.csv")))
    lock = {}
    if os.path.exists(f"{B}/lockstep.out"):
        for m in re.finditer(r"^LOCKSTEP (\S+): (\d+) cycles, (\d+) mismatches \((\d+) commands, (\d+) GEMM, "
                             r"(\d+) output beats, (\d+) err cycles", open(f"{B}/lockstep.out").read(), re.M):
            lock[m.group(1)] = m.groups()[1:]
    by = defaultdict(dict)
    for r in rows:
        by[r["design"]][r["side"]] = r
    print("| design | lint before / after | cosim: GEMMs, elements (+pad) checked, mismatches, "
          "cycle mismatches | cosim cycles = model (before / after) | Icarus before / after | "
          "lockstep: cycles, mismatches (commands, GEMMs, beats) |")
    print("|---|---|---|---|---|---|")
    for d, s in by.items():
        b, a = s.get("before"), s.get("after")
        if not (a and b):
            continue
        lint = f"{b['lint']} / {a['lint']}"
        if a["cosim_gemms"]:
            same = all(a[k] == b[k] for k in a if k.startswith("cosim"))
            cos = (f"{a['cosim_gemms']}, {a['cosim_checks']} (+{a['cosim_pad_checks']}), "
                   f"{a['cosim_mismatches']}, {a['cosim_cycle_mismatches']}"
                   + ("" if same else " **differs**"))
            cyc = f"{b['cosim_cycles']} = {b['cosim_model_cycles']} / {a['cosim_cycles']} = {a['cosim_model_cycles']}"
        else:
            cos, cyc = "(lint + Icarus config)", "-"

        def ic(x):
            m = re.search(r"(\d+) passed, (\d+) failed \((\d+) elements checked, \+(\d+) padding, (\d+) mismatches",
                          x["icarus"])
            return f"{m.group(1)} passed, {m.group(2)} failed, {m.group(3)} el., {m.group(5)} mism." if m else "FAIL"
        icx = f"{ic(b)} / {ic(a)}"
        l = lock.get(d)
        lk = f"{l[0]}, {l[1]} ({l[2]}, {l[3]}, {l[4]})" if l else "-"
        print(f"| {d} | {lint} | {cos} | {cyc} | {icx} | {lk} |")


def synth():
    print("\n| design | cells before → after | Δ | flip-flops before → after | memory bits before → after |")
    print("|---|---|---|---|---|")
    for f in sorted(os.listdir(f"{B}/synth")):
        if not f.endswith(".before.txt"):
            continue
        n = f[:-len(".before.txt")]
        s = {}
        for side in ("before", "after"):
            m = re.search(r"SUMMARY cells=(\d+) flops=(\d+) memories=(\d+) memory_bits=(\d+)",
                          open(f"{B}/synth/{n}.{side}.txt").read())
            s[side] = [int(x) for x in m.groups()]
        cb, ca = s["before"][0], s["after"][0]
        print(f"| {n} | {cb} → {ca} | {ca - cb:+d} ({100.0 * (ca - cb) / cb:+.2f} %) | "
              f"{s['before'][1]} → {s['after'][1]} | {s['before'][3]} → {s['after'][3]} |")


def bench():
    rows = list(csv.DictReader(open(f"{B}/bench/cycles.csv")))
    by = defaultdict(dict)
    for r in rows:
        by[(r["design"], r["m"], r["k"], r["n"])][r["side"]] = r["rtl_cycles"]
    designs = sorted({k[0] for k in by}, key=lambda d: [k[0] for k in by].index(d))
    shapes = []
    for k in by:
        if (k[1], k[2], k[3]) not in shapes:
            shapes.append((k[1], k[2], k[3]))
    print("\n| shape M×K×N | " + " | ".join(designs) + " |")
    print("|---|" + "---|" * len(designs))
    for sh in shapes:
        cells = []
        for d in designs:
            v = by.get((d,) + sh, {})
            b, a = v.get("before"), v.get("after")
            cells.append(f"{b}" if a == b else f"{b} → **{a}**")
        print(f"| {'x'.join(sh)} | " + " | ".join(cells) + " |")
    ident = all(v.get("before") == v.get("after") for v in by.values())
    print(f"\nrtl_cycles identical before/after for all {len(by)} (design, shape) pairs: {ident}")
    sp = list(csv.DictReader(open(f"{B}/bench/speed.csv")))
    s = defaultdict(dict)
    for r in sp:
        s[r["design"]][r["side"]] = r
    print("\n| design | Verilator build: wall s, CPU s (before → after) | harness sim cycles/s, best of runs "
          "(before → after) | Δ | harness user CPU s, best (before → after) | Δ |")
    print("|---|---|---|---|---|---|")
    for d, v in s.items():
        b, a = v.get("before"), v.get("after")
        if not (a and b):
            continue
        cb, ca = float(b["best_cycles_per_second"]), float(a["best_cycles_per_second"])
        ub, ua = float(b["best_user_seconds"]), float(a["best_user_seconds"])
        du = f"{100 * (ua - ub) / ub:+.1f} %" if ub > 0 else "-"
        print(f"| {d} | {b['build_seconds']}, {b['build_cpu_seconds']} → {a['build_seconds']}, "
              f"{a['build_cpu_seconds']} | {cb:,.0f} → {ca:,.0f} | {100 * (ca - cb) / cb:+.1f} % | "
              f"{ub:.2f} → {ua:.2f} | {du} |")

if __name__ == "__main__":
    equiv()
    if os.path.isdir(f"{B}/synth"):
        synth()
    if os.path.exists(f"{B}/bench/cycles.csv"):
        bench()
