#!/usr/bin/env bash
# run_csr.sh CONFIG -- the cocotb + cocotbext-axi test of the accelerator's AXI4-Lite registers
# (<name>_csr of a config with [model]) on Icarus: tb/model/cocotb/test_csr.py drives them with
# cocotbext-axi's AxiLiteMaster, every offset and field from the design's manifest. A wrapper
# (csr_top, written here from <name>_csr.v's port list) gives the AXI4-Lite ports their plain
# names for AxiLiteBus.from_prefix(dut, "s_axil").
# Output: build/cocotb/csr-<name>/results.xml; prints "cocotb csr-<name>: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
config=${1:?usage: run_csr.sh CONFIG}
tforge=${TFORGE:-build/tforge}
name=$("$tforge" check "$config" --name)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
out=build/cocotb/csr-$name
mkdir -p "$out"
manifest=$root/$rtl/${name}_manifest.json
python3 - "$rtl/${name}_csr.v" "$name" "$out/csr_top.v" <<'PY'
import re, sys
src, name, dst = sys.argv[1:]
ports = re.findall(r"^\s*(input|output)\s+wire\s+(\[\d+:0\])?\s*(\w+)", open(src).read(), re.M)
plain = lambda p: re.sub(r"_[io]$", "", p) if p.startswith("s_axil_") else p
lines = ["// csr_top -- written by tb/model/cocotb/run_csr.sh: %s_csr with the AXI4-Lite ports" % name,
         "// under their plain names (s_axil_awvalid, ...). Simulation only.", "`default_nettype none", "",
         "module csr_top ("]
lines += ["  %s wire %s %s%s" % (d.ljust(6), w or "", plain(p), "," if i + 1 < len(ports) else "")
          for i, (d, w, p) in enumerate(ports)]
lines += [");", "  %s_csr u_csr (" % name]
lines += ["    .%s (%s)%s" % (p, plain(p), "," if i + 1 < len(ports) else "") for i, (_, _, p) in enumerate(ports)]
lines += ["  );", "endmodule", "", "`default_nettype wire", ""]
open(dst, "w").write("\n".join(lines))
PY
srcs=("$root/$out/csr_top.v")
while read -r f; do srcs+=("$root/$rtl/$f"); done <"$rtl/${name}_csr.f"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s csr_top "${srcs[@]}"
export LIBPYTHON_LOC=$(python3 -m cocotb.config --libpython)
export PYTHONHOME=$(python3 -c 'import sys; print(sys.prefix)')
# The verdict comes from results.xml (tb/mem/cocotb/results.py), not from vvp's exit status
# (cocotb exits 0 with failed tests); the old results.xml is removed first.
rm -f "$out/results.xml"
(cd "$out" && MODULE=test_csr TOPLEVEL=csr_top TOPLEVEL_LANG=verilog COCOTB_RESULTS_FILE=results.xml \
   CSR_MANIFEST="$manifest" PYTHONPATH="$root/tb/model/cocotb:${PYTHONPATH:-}" COCOTB_REDUCED_LOG_FMT=1 \
   vvp -M "$(python3 -m cocotb.config --lib-dir)" -m "$(python3 -m cocotb.config --lib-name vpi icarus)" sim.vvp -none >sim.log 2>&1) || true
python3 "$root/tb/mem/cocotb/results.py" "$out/results.xml" "$out/sim.log" "csr-$name"
