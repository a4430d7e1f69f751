#!/usr/bin/env bash
# run_ep.sh [CONFIG] -- the cocotb test of tf_epilogue on Icarus (tb/top/test_ep.py): generates
# CONFIG (default configs/model/tiny_layer.ini), builds tb/top/ep_ref.c with the design's params
# header as a shared library (the golden model for ctypes), and runs ep_top.v (the epilogue, the
# generated auxiliary unit, a row streamer) against cocotbext-axi's AxiRam.
# Output: build/cocotb/ep-<name>/results.xml; prints "cocotb ep-<name>: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
config=${1:-configs/model/tiny_layer.ini}
tforge=${TFORGE:-build/tforge}
name=$("$tforge" check "$config" --name)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
out=build/cocotb/ep-$name
mkdir -p "$out"
mf() { python3 scripts/manifest.py "$rtl/${name}_manifest.json" param "$1" "$2"; }
l=$(mf aux AUX_LANES) pb=$(( $(mf mem MEM_PORT_BYTES) ))
maxd=$(mf aux AUX_MAX_D) rb=$(mf aux AUX_LN_ROWS)
[ "$(mf mem MEM_TILE_M)" -gt "$rb" ] && rb=$(mf mem MEM_TILE_M)
wd=$(( (maxd + pb - 1) / pb ))
raw=1; while (( (1 << raw) < rb * wd )); do raw=$((raw + 1)); done
cc -std=c11 -O2 -shared -fPIC -Imodel -DTFP_SINGLE_DESIGN -include "$rtl/${name}_params.h" \
  -o "$out/ep_ref.so" tb/top/ep_ref.c model/tf_aux.c model/tf_aux_host.c model/tf_model.c model/tf_attn.c \
  model/tf_image.c model/tf_image_host.c model/tf_layer.c -lm
srcs=("$root/tb/top/ep_top.v" "$root/templates/top/tf_epilogue.v"
      "$root/templates/mem/tf_mem_stream.v" "$root/templates/mem/tf_axi_rd.v" "$root/templates/mem/tf_axi_wr.v")
while read -r f; do srcs+=("$root/$rtl/$f"); done <"$rtl/${name}_aux.f"
offw=0; while (( (1 << offw) < pb )); do offw=$((offw + 1)); done
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s ep_top -DEP_AUX="${name}_aux" \
  -Pep_top.L="$l" -Pep_top.EAccW="$(mf gemm ACC_BITS)" -Pep_top.XAccW="$(mf aux AUX_ACC_W)" \
  -Pep_top.PW="$(mf aux AUX_OUT_W)" -Pep_top.ResInW="$(mf aux AUX_RES_IN_W)" -Pep_top.XRowW="$(mf aux AUX_ROW_W)" \
  -Pep_top.XColW="$(mf aux AUX_COL_W)" -Pep_top.XDW="$(mf aux AUX_D_W)" -Pep_top.ERowW="$(mf gemm ROW_IDX_W)" \
  -Pep_top.EColW="$(mf gemm COL_IDX_W)" -Pep_top.TM="$(mf mem MEM_TILE_M)" -Pep_top.TN="$(mf mem MEM_TILE_N)" \
  -Pep_top.MaxD="$maxd" -Pep_top.RB="$rb" -Pep_top.RAW="$raw" -Pep_top.DW=$((pb * 8)) -Pep_top.OffW="$offw" \
  -Pep_top.OpShift="$(mf model MODEL_EP_OP_LOAD_SHIFT)" -Pep_top.OpRq="$(mf aux AUX_OP_LOAD_RQ)" \
  -Pep_top.OpGamma="$(mf aux AUX_OP_LOAD_GAMMA)" \
  "${srcs[@]}"
r=$(mf gemm ROWS) tm=$(mf mem MEM_TILE_M) tn=$(mf mem MEM_TILE_N) acc=$(mf gemm ACC_BITS)
d=$(mf model MODEL_D) dff=$(mf model MODEL_D_FF)
exec tb/common/cocotb_vvp.sh "$out" test_ep ep_top tb/top "ep-$name" EP_REF="$root/$out/ep_ref.so" EP_L="$l" \
  EP_R="$r" EP_TM="$tm" EP_TN="$tn" EP_EACCW="$acc" EP_PB="$pb" EP_D="$d" EP_DFF="$dff" \
  EP_OP_SHIFT="$(mf model MODEL_EP_OP_LOAD_SHIFT)" EP_OP_BIAS="$(mf aux AUX_OP_LOAD_BIAS)" \
  EP_OP_RQ="$(mf aux AUX_OP_LOAD_RQ)" EP_OP_GAMMA="$(mf aux AUX_OP_LOAD_GAMMA)" EP_OP_BETA="$(mf aux AUX_OP_LOAD_BETA)"
