#!/usr/bin/env python3
"""synth_report.py -- turn Yosys `stat -top` output into a per-module table.

usage: synth_report.py STAT.txt DESIGN [TOP [MEM.il]]   (TOP defaults to DESIGN_top)
MEM.il is `write_rtlil -selected` of the $mem_v2 cells: their SIZE x WIDTH give the
memory bits (Yosys 0.23's stat does not count the bits of $mem_v2 cells).
Cells are Yosys generic gates after techmap + abc; flip-flops are the $_*DFF*
cells; memories are $mem_v2 cells left unmapped (SRAM / block RAM in a real flow).
Parameterized variants of one template (e.g. tf_delay of several depths) are
summed under the template's name."""
import re
import sys
from collections import OrderedDict, defaultdict


def base(name):
    """$paramod$<hash>\\tf_pe_os and $paramod\\tf_skid\\Width=.. -> the template name."""
    if name.startswith("$paramod"):
        return name.split("\\")[1]
    return name


def main():
    path, design = sys.argv[1], sys.argv[2]
    text = open(path).read()
    blocks = re.split(r"^=== (.+?) ===$", text, flags=re.M)
    mods = OrderedDict()
    hier = None
    for i in range(1, len(blocks), 2):
        name, body = blocks[i].strip(), blocks[i + 1]
        if name == "design hierarchy":
            hier = body
            continue
        cells = int(re.search(r"Number of cells:\s+(\d+)", body).group(1))
        kinds = dict((k, int(v)) for k, v in re.findall(r"^\s+(\S+)\s+(\d+)$", body, flags=re.M))
        flops = sum(v for k, v in kinds.items() if re.match(r"\$_(S?DFF|DLATCH|ALDFF|DFFSR)", k))
        mems = kinds.get("$mem_v2", 0)
        subs = sum(v for k, v in kinds.items() if k in mods or not k.startswith("$_") and k != "$mem_v2")
        mods[name] = dict(cells=cells - subs, flops=flops, mems=mems)
    # instance counts from the hierarchy listing (indentation = depth)
    inst = defaultdict(int)
    stack = []
    for line in (hier or "").splitlines():
        m = re.match(r"^(\s+)(\S+)\s+(\d+)\s*$", line)
        if not m:
            continue
        depth, name, n = len(m.group(1)), m.group(2), int(m.group(3))
        if name not in mods:
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        mult = stack[-1][1] if stack else 1
        inst[name] += mult * n
        stack.append((depth, mult * n))
    top = sys.argv[3] if len(sys.argv) > 3 else design + "_top"
    membits = defaultdict(int)
    if len(sys.argv) > 4:
        cur = None
        size = 0
        for line in open(sys.argv[4]):
            m = re.match(r"^module (\S+)", line)
            if m:
                cur = m.group(1)
                if cur.startswith("\\"):
                    cur = cur[1:]
            m = re.match(r"^\s+parameter \\SIZE (\d+)", line)
            if m:
                size = int(m.group(1))
            m = re.match(r"^\s+parameter \\WIDTH (\d+)", line)
            if m and cur:
                membits[cur] += size * int(m.group(1))
    inst[top] = inst.get(top, 0) or 1
    agg = OrderedDict()
    for name, s in mods.items():
        b = base(name)
        a = agg.setdefault(b, dict(inst=0, cells=0, flops=0, mems=0, bits=0, var=0))
        k = inst.get(name, 0)
        a["inst"] += k
        a["cells"] += k * s["cells"]
        a["flops"] += k * s["flops"]
        a["mems"] += k * s["mems"]
        a["bits"] += k * membits.get(name, 0)
        a["var"] += 1
    print(f"Yosys generic synthesis of {top} (own cells of each module, summed over instances)")
    print(f"{'module':<22} {'instances':>9} {'cells':>10} {'flip-flops':>10} {'memories':>8} {'memory bits':>11}")
    tc = tf = tm = tb = 0
    for b, a in sorted(agg.items(), key=lambda kv: -kv[1]["cells"]):
        print(f"{b:<22} {a['inst']:>9} {a['cells']:>10} {a['flops']:>10} {a['mems']:>8} {a['bits']:>11}")
        tc += a["cells"]
        tf += a["flops"]
        tm += a["mems"]
        tb += a["bits"]
    print(f"{'total':<22} {'':>9} {tc:>10} {tf:>10} {tm:>8} {tb:>11}")
    print(f"SUMMARY cells={tc} flops={tf} memories={tm} memory_bits={tb}")


if __name__ == "__main__":
    main()
