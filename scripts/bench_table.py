#!/usr/bin/env python3
"""bench_table.py DIR -- print the benchmark CSVs as tables (and check the model)."""
import csv
import sys

d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/gemm.csv")))
print(f"{'design':<16} {'M x K x N':<14} {'RTL':>8} {'model':>8} {'ideal':>8} {'SCALE-Sim':>9} {'util':>7} {'SS util':>7}")
bad = 0
for r in rows:
    m, k, n = int(r["m"]), int(r["k"]), int(r["n"])
    rc, mc = int(r["rtl_cycles"]), int(r["model_cycles"])
    ss = int(r["scalesim_cycles"])
    macs = m * k * n
    pe = int(r["rows"]) * int(r["cols"])
    bad += rc != mc
    print(f"{r['design']:<16} {f'{m}x{k}x{n}':<14} {rc:>8} {mc:>8} {r['ideal_cycles']:>8} {ss:>9} "
          f"{100*macs/(pe*rc):>6.1f}% {100*macs/(pe*ss):>6.1f}%")
print(f"\nRTL cycles == model cycles for {len(rows) - bad} of {len(rows)} GEMMs")
print("\nVerilator simulation speed")
for r in csv.DictReader(open(f"{d}/simspeed.csv")):
    print(f"  {r['design']:<16} {int(r['rows'])}x{int(r['cols'])} {r['dataflow']}: {float(r['cycles_per_second'])/1e6:.2f} M cycles/s")
print("\nGenerator wall time")
for r in csv.DictReader(open(f"{d}/gen.csv")):
    print(f"  {r['rows']}x{r['cols']} {r['dataflow']}: {r['verilog_files']} files, {r['verilog_lines']} lines, {r['wall_seconds']} s")
sys.exit(1 if bad else 0)
