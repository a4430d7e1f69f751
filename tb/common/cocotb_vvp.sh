#!/usr/bin/env bash
# cocotb_vvp.sh OUT MODULE TOPLEVEL TESTDIR TAG [NAME=VALUE...] -- run the cocotb test MODULE
# (in TESTDIR) on the Icarus simulation OUT/sim.vvp whose top is TOPLEVEL, with the NAME=VALUE
# pairs in its environment, and give the verdict: "cocotb TAG: N passed, M failed" from
# OUT/results.xml (tb/common/cocotb_results.py), non-zero on a failure (vvp -n: a $stop of
# the design's simulation checks ends the run instead of waiting for input). The one place the
# cocotb runners (tb/*/run*.sh, tb/common/cocotb_top.sh) start a simulation.
set -euo pipefail
out=$1 module=$2 toplevel=$3 testdir=$4 tag=$5
shift 5
root=$(cd "$(dirname "$0")/../.." && pwd)
LIBPYTHON_LOC=$(python3 -m cocotb.config --libpython)
PYTHONHOME=$(python3 -c 'import sys; print(sys.prefix)')
export LIBPYTHON_LOC PYTHONHOME
# The verdict comes from results.xml, not from vvp's exit status: cocotb exits 0 with failed
# tests and non-zero for reasons cocotb_results.py reports better (the log's tail). The old
# results.xml is removed first, so a run that dies early cannot pass on it.
rm -f "$out/results.xml"
(cd "$out" && env "$@" MODULE="$module" TOPLEVEL="$toplevel" TOPLEVEL_LANG=verilog COCOTB_RESULTS_FILE=results.xml \
   PYTHONPATH="$root/$testdir:${PYTHONPATH:-}" COCOTB_REDUCED_LOG_FMT=1 \
   vvp -M "$(python3 -m cocotb.config --lib-dir)" -m "$(python3 -m cocotb.config --lib-name vpi icarus)" \
   -n sim.vvp -none >sim.log 2>&1) || true # the verdict is results.xml's (above)
exec python3 "$root/tb/common/cocotb_results.py" "$out/results.xml" "$out/sim.log" "$tag"
