#!/usr/bin/env bash
# run_sys.sh CONFIG -- the cocotb + cocotbext-axi test of a whole <name>_sys (engine with its
# result store, DMA, AXI4 master, controller) on Icarus: tb/mem/cocotb/test_sys.py moves
# matrices between cocotbext-axi's RAM and the result store S (MEM_DST_S, MEM_DST_SMEM), runs
# GEMMs that read S and that store into S, and checks the store port rule (no DMA access to
# S while a GEMM runs). The design must have [mem] and gemm.store. The generator writes the
# design into rtl_out/<name>/; a wrapper (sys_top, written here from <name>_sys.v's port
# list) gives the AXI ports their plain names for AxiBus.from_prefix(dut, "m_axi").
# Output: build/cocotb/sys-<name>/results.xml; prints "cocotb sys-<name>: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
config=${1:?usage: run_sys.sh CONFIG}
tforge=${TFORGE:-build/tforge}
name=$(sed -n 's/^name *= *//p' "$config" | head -1)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
out=build/cocotb/sys-$name
mkdir -p "$out"
manifest=$root/$rtl/${name}_manifest.json
python3 - "$rtl/${name}_sys.v" "$name" "$out/sys_top.v" <<'PY'
import re, sys
src, name, dst = sys.argv[1:]
ports = re.findall(r"^\s*(input|output)\s+wire\s+(\[\d+:0\])?\s*(\w+)", open(src).read(), re.M)
plain = lambda p: re.sub(r"_[io]$", "", p) if p.startswith("m_axi_") else p
lines = ["// sys_top -- written by tb/mem/cocotb/run_sys.sh: %s_sys with the AXI ports under" % name,
         "// their plain names (m_axi_arvalid, ...). Simulation only.", "`default_nettype none", "",
         "module sys_top ("]
lines += ["  %s wire %s %s%s" % (d.ljust(6), w or "", plain(p), "," if i + 1 < len(ports) else "")
          for i, (d, w, p) in enumerate(ports)]
lines += [");", "  %s_sys u_sys (" % name]
lines += ["    .%s (%s)%s" % (p, plain(p), "," if i + 1 < len(ports) else "") for i, (_, _, p) in enumerate(ports)]
lines += ["  );", "endmodule", "", "`default_nettype wire", ""]
open(dst, "w").write("\n".join(lines))
PY
srcs=("$root/$out/sys_top.v")
while read -r f; do srcs+=("$root/$rtl/$f"); done <"$rtl/${name}_sys.f"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s sys_top "${srcs[@]}"
export LIBPYTHON_LOC=$(python3 -m cocotb.config --libpython)
export PYTHONHOME=$(python3 -c 'import sys; print(sys.prefix)')
# The verdict comes from results.xml (results.py), not from vvp's exit status: cocotb exits
# 0 with failed tests and non-zero for reasons results.py reports better (the log's tail).
# The old results.xml is removed first, so a run that dies early cannot pass on it.
rm -f "$out/results.xml"
(cd "$out" && MODULE=test_sys TOPLEVEL=sys_top TOPLEVEL_LANG=verilog COCOTB_RESULTS_FILE=results.xml \
   SYS_MANIFEST="$manifest" PYTHONPATH="$root/tb/mem/cocotb:${PYTHONPATH:-}" COCOTB_REDUCED_LOG_FMT=1 \
   vvp -M "$(python3 -m cocotb.config --lib-dir)" -m "$(python3 -m cocotb.config --lib-name vpi icarus)" sim.vvp -none >sim.log 2>&1) || true
python3 "$root/tb/mem/cocotb/results.py" "$out/results.xml" "$out/sim.log" "sys-$name"
