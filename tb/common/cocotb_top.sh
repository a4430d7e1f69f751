#!/usr/bin/env bash
# cocotb_top.sh CONFIG TOP PREFIX TESTDIR MODULE TAG -- a cocotb test (Icarus) of one generated top:
# generates CONFIG into rtl_out/<name>/, writes a wrapper TOP_top (from <name>_TOP.v's port list)
# that gives the ports starting with PREFIX (or any of a comma-separated list) their plain names
# (PREFIXawvalid_i -> PREFIXawvalid,
# for cocotbext-axi's bus lookup by prefix), builds it with iverilog -Wall and runs TESTDIR/MODULE.py
# with DUT_MANIFEST naming the design's manifest. Output: build/cocotb/TAG-<name>/results.xml;
# prints "cocotb TAG-<name>: N passed, M failed" (tb/common/cocotb_results.py), non-zero on a
# failure. Used by tb/mem/cocotb/run_sys.sh, tb/model/cocotb/run_csr.sh and tb/top/run_accel.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
config=${1:?usage: cocotb_top.sh CONFIG TOP PREFIX TESTDIR MODULE TAG}
top=$2 prefix=$3 testdir=$4 module=$5 tag=$6
tforge=${TFORGE:-build/tforge}
name=$("$tforge" check "$config" --name)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
out=build/cocotb/$tag-$name
mkdir -p "$out"
python3 - "$rtl/${name}_$top.v" "$name" "$top" "$prefix" "$out/${top}_top.v" <<'PY'
import re, sys
src, name, top, prefix, dst = sys.argv[1:]
ports = re.findall(r"^\s*(input|output)\s+wire\s+(\[\d+:0\])?\s*(\w+)", open(src).read(), re.M)
plain = lambda p: re.sub(r"_[io]$", "", p) if any(p.startswith(x) for x in prefix.split(",")) else p
lines = ["// %s_top -- written by tb/common/cocotb_top.sh: %s_%s with the ports %s* under" % (top, name, top, prefix),
         "// their plain names. Simulation only.", "`default_nettype none", "", "module %s_top (" % top]
lines += ["  %s wire %s %s%s" % (d.ljust(6), w or "", plain(p), "," if i + 1 < len(ports) else "")
          for i, (d, w, p) in enumerate(ports)]
lines += [");", "  %s_%s u_%s (" % (name, top, top)]
lines += ["    .%s (%s)%s" % (p, plain(p), "," if i + 1 < len(ports) else "") for i, (_, _, p) in enumerate(ports)]
lines += ["  );", "endmodule", "", "`default_nettype wire", ""]
open(dst, "w").write("\n".join(lines))
PY
srcs=("$root/$out/${top}_top.v")
while read -r f; do srcs+=("$root/$rtl/$f"); done <"$rtl/${name}_$top.f"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s "${top}_top" "${srcs[@]}"
exec tb/common/cocotb_vvp.sh "$out" "$module" "${top}_top" "$testdir" "$tag-$name" \
  DUT_MANIFEST="$root/$rtl/${name}_manifest.json"
