#!/usr/bin/env python3
"""area.py -- one CSV row of the auxiliary unit's area from Yosys output (tb/aux/run.sh synth).

usage: area.py NAME STAT.txt MEM.il
STAT.txt is `stat` of the flattened design after generic synthesis (techmap + abc -fast):
cells are Yosys generic gates plus the memories left as $mem_v2 cells; flip-flops are the
$_*DFF* cells. MEM.il is `write_rtlil -selected` of the $mem_v2 cells: SIZE x WIDTH gives the
memory bits (Yosys 0.23's stat does not count them); ROMs (no write port) are counted apart.
Columns: config,cells,flip_flops,memories,memory_bits,rom_bits"""
import re
import sys


def main():
    name, stat, mem = sys.argv[1:4]
    text = open(stat).read()
    cells = int(re.findall(r"Number of cells:\s+(\d+)", text)[-1])
    kinds = dict((k, int(v)) for k, v in re.findall(r"^\s+(\$\S+)\s+(\d+)$", text, flags=re.M))
    flops = sum(v for k, v in kinds.items() if re.match(r"\$_(S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|DFFSR)", k))
    mems = kinds.get("$mem_v2", 0)
    bits = rom = 0
    cur = {}
    for line in open(mem):
        line = line.strip()
        if line.startswith("cell "):
            cur = {}
        m = re.match(r"parameter \\(SIZE|WIDTH|WR_PORTS) (\d+)", line)
        if m:
            cur[m.group(1)] = int(m.group(2))
        if line == "end" and "SIZE" in cur:
            b = cur["SIZE"] * cur["WIDTH"]
            if cur.get("WR_PORTS", 1) == 0:
                rom += b
            else:
                bits += b
            cur = {}
    print(f"{name},{cells},{flops},{mems},{bits},{rom}")


if __name__ == "__main__":
    main()
