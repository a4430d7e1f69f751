#!/usr/bin/env bash
# bench_fpga.sh -- make bench: tforge's systolic arrays on FPGAs against a plain
# output-stationary array (bench/fpga/plain_os_array.v), side by side in one run, and the
# FPGA flow's GEMM engines. Each array goes through scripts/fpga_run.sh (Yosys, nextpnr,
# the I/O chains of scripts/fpga.py wrap) at int8 operands and 22-bit accumulators, on
# iCE40 (UP5K with its 8 DSPs; HX8K, which has none, for the 4x4 arrays without DSPs) and
# ECP5 (LFE5U-25F; -85F for the 8x8 arrays), with and without DSPs.
# Writes build/bench/fpga.csv (one row per array run) and build/bench/fpga_engine.csv (make
# fpga on the engines of configs/fpga/*.ini), and prints the table docs/performance.md holds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
csv=$out/fpga.csv
# nextpnr's target: above what any of these reaches, so that each is placed for speed
export FREQ=${FREQ:-250}
echo "family,device,dsp,design,rows,cols,macs,core_lut,core_ff,core_carry,core_dsp,placed_cells,core_cells,core_cells_per_mac,core_lut_per_mac,fmax_mhz,yosys,nextpnr" >"$csv"

run() { # family dsp device design rows cols
  local fam=$1 dsp=$2 dev=$3 des=$4 r=$5 c=$6 top files setup rs d
  rs=1
  while [ $((1 << rs)) -lt "$r" ]; do rs=$((rs + 1)); done
  case $des in
    tforge_os) top=tf_mesh_os; files="templates/tf_pe_os.v templates/gemm/tf_mesh_os.v"
               setup="chparam -set R $r -set C $c -set OpW 8 -set AccW 22 -set RowSelW $rs tf_mesh_os" ;;
    tforge_ws) top=tf_mesh_ws; files="templates/tf_pe_ws.v templates/gemm/tf_mesh_ws.v"
               setup="chparam -set R $r -set C $c -set OpW 8 -set AccW 22 -set RowSelW $rs tf_mesh_ws" ;;
    plain_os)  top=plain_os_array; files="bench/fpga/plain_os_array.v"
               setup="chparam -set R $r -set C $c -set OpW 8 -set AccW 22 plain_os_array" ;;
  esac
  d=build/bench/fpga/${fam}_${dev}_dsp${dsp}_${des}_${r}x${c}
  # read_verilog -defer + chparam: the parameters must reach the module before elaboration
  if ! scripts/fpga_run.sh "$fam" "$dsp" "$dev" "$top" "$d" "$setup" -- $files 2>"$d.err"; then
    echo "$fam,$dev,$dsp,$des,$r,$c,$((r * c)),,,,,,,,,,," >>"$csv"
    echo "bench_fpga: $des ${r}x${c} on $fam $dev (DSP=$dsp) did not place: $(tail -1 "$d.err")"
    return 0
  fi
  python3 - "$fam" "$dev" "$dsp" "$top" "$d" "$des" "$r" "$c" "$csv" <<'PY'
import os, sys
sys.path.insert(0, "scripts")
import fpga
fam, dev, dsp, top, d, des, r, c, csv = sys.argv[1:]
m = fpga.measure(fam, dev, int(dsp), top, d, float(os.environ["FREQ"]))
macs = int(r) * int(c)
core, p = m["core"], m["placed"]
row = [fam, dev, dsp, des, r, c, macs, core["lut"], core["ff"], core["carry"], core["dsp"],
       p["cells"], p["core_cells"], round(p["core_cells"] / macs, 1), round(core["lut"] / macs, 1),
       m["fmax_mhz"], m["yosys"], m["nextpnr"]]
open(csv, "a").write(",".join(str(x) for x in row) + "\n")
PY
}

for des in tforge_os tforge_ws plain_os; do
  run ice40 1 up5k $des 2 2
  run ice40 0 up5k $des 2 2
  run ice40 0 hx8k $des 4 4
  run ecp5 1 25k $des 2 2
  run ecp5 1 25k $des 4 4
  run ecp5 0 25k $des 4 4
  run ecp5 1 85k $des 8 8
  run ecp5 0 85k $des 8 8
done

python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("family device  DSPs array      design     core cells/MAC  LUT4/MAC  DSPs  Fmax MHz")
for r in rows:
    print(f"{r['family']:6} {r['device']:7} {'yes' if r['dsp'] == '1' else 'no':4} "
          f"{r['rows']}x{r['cols']:<8} {r['design']:10} {r['core_cells_per_mac'] or '-':>15} "
          f"{r['core_lut_per_mac'] or '-':>9} {r['core_dsp'] or '-':>5} {r['fmax_mhz'] or 'no fit':>9}")
PY
# the figure: logic per MAC and Fmax of each array, by family and DSP use
python3 - "$csv" "$out/fpga.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["fmax_mhz"]]
groups = []
for r in rows:
    g = f"{r['family']} {r['device']}\n{r['rows']}x{r['cols']} {'DSP' if r['dsp'] == '1' else 'no DSP'}"
    if g not in groups:
        groups.append(g)
designs = ["tforge_os", "tforge_ws", "plain_os"]
fig, axes = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
w = 0.27
for k, des in enumerate(designs):
    xs, cells, fmax = [], [], []
    for i, g in enumerate(groups):
        for r in rows:
            gr = f"{r['family']} {r['device']}\n{r['rows']}x{r['cols']} {'DSP' if r['dsp'] == '1' else 'no DSP'}"
            if gr == g and r["design"] == des:
                xs.append(i + (k - 1) * w)
                cells.append(float(r["core_cells_per_mac"]))
                fmax.append(float(r["fmax_mhz"]))
    axes[0].bar(xs, cells, w, label=des)
    axes[1].bar(xs, fmax, w, label=des)
axes[0].set_ylabel("core cells per MAC: ICESTORM_LC\n(iCE40), TRELLIS_COMB (ECP5)")
axes[1].set_ylabel("Fmax (MHz, nextpnr)")
axes[1].set_xticks(range(len(groups)))
axes[1].set_xticklabels(groups, fontsize=7)
axes[0].legend()
axes[0].set_title("int8 systolic arrays on FPGAs: tforge's PEs against a plain output-stationary PE")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
PY

# the FPGA flow on GEMM engines (make fpga): the whole engine, its netlist checked on iCE40
ecsv=$out/fpga_engine.csv
echo "config,family,device,dsp,core_lut,core_ff,core_carry,core_dsp,core_bram,placed_cells,core_cells,fmax_mhz,netlist_check" >"$ecsv"
engine() { # config family device dsp
  local cfg=$1 name j
  FAMILY=$2 DEVICE=$3 DSP=$4 scripts/flow.sh fpga "$cfg" | tail -6
  name=$(build/tforge check "$cfg" --name)
  j=build/$name/fpga_${2}_${3}$([ "$4" = 1 ] || echo _nodsp).json
  python3 - "$j" "$cfg" "$ecsv" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
c, p = j["core"], j["placed"]
row = [sys.argv[2], j["family"], j["device"], int(j["dsp"]), c["lut"], c["ff"], c["carry"], c["dsp"], c["bram"],
       p["cells"], p["core_cells"], j["fmax_mhz"], '"' + j["netlist_check"] + '"']
open(sys.argv[3], "a").write(",".join(str(x) for x in row) + "\n")
PY
}
engine configs/fpga/f01_ws_2x2_i8.ini ice40 up5k 1
engine configs/fpga/f01_ws_2x2_i8.ini ice40 up5k 0
engine configs/fpga/f01_ws_2x2_i8.ini ecp5 25k 1
engine configs/default.ini ecp5 85k 1
echo "bench_fpga: wrote $csv, $out/fpga.png and $ecsv"
