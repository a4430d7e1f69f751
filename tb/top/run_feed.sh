#!/usr/bin/env bash
# run_feed.sh [CONFIG [HPC]] -- the cocotb test of tf_attn_feed on Icarus (tb/top/test_feed.py):
# generates CONFIG (default configs/attn/a08_b4x8_d8_regions.ini: an attention unit with cache
# regions), builds tb/top/feed_ref.c with the design's params header as a shared library (the
# golden model for ctypes), and runs feed_top.v (the feeder, the generated unit, a row streamer)
# against cocotbext-axi's AxiRam, with HPC (default 2) model heads per cache of the unit.
# Output: build/cocotb/feed-<name>-<HPC>/results.xml; prints "cocotb feed-<name>-<HPC>: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
config=${1:-configs/attn/a08_b4x8_d8_regions.ini}
hpc=${2:-2}
tforge=${TFORGE:-build/tforge}
name=$("$tforge" check "$config" --name)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
out=build/cocotb/feed-$name-$hpc
mkdir -p "$out"
mf() { python3 scripts/manifest.py "$rtl/${name}_manifest.json" param attn "$1"; }
ah=$(mf ATTN_HEADS) d=$(mf ATTN_D)
regions=$(mf ATTN_REGIONS) rows=$(mf ATTN_REG_ROWS)
banks=$(( $(mf ATTN_CAP) / ($(mf ATTN_REG_ROWS) * regions) ))
heads=$(( hpc * ah )) dw=64
words=$(( (heads * d + dw / 8 - 1) / (dw / 8) ))
waw=1; while (( (1 << waw) < words )); do waw=$((waw + 1)); done
hw=1; while (( (1 << hw) < ah )); do hw=$((hw + 1)); done
cc -std=c11 -O2 -shared -fPIC -Imodel -DTFP_SINGLE_DESIGN -include "$rtl/${name}_params.h" \
  -o "$out/feed_ref.so" tb/top/feed_ref.c model/tf_attn.c model/tf_model.c -lm
srcs=("$root/tb/top/feed_top.v" "$root/templates/top/tf_attn_feed.v" "$root/templates/tf_requant.v"
      "$root/templates/mem/tf_mem_stream.v" "$root/templates/mem/tf_axi_rd.v" "$root/templates/mem/tf_axi_wr.v")
while read -r f; do srcs+=("$root/$rtl/$f"); done <"$rtl/${name}_attn.f"
echo "+timescale+1ns/1ps" >"$out/cmds.f"
iverilog -g2005 -Wall -f "$out/cmds.f" -o "$out/sim.vvp" -s feed_top -DFEED_ATTN="${name}_attn" \
  -Pfeed_top.D="$d" -Pfeed_top.HEADS="$heads" -Pfeed_top.AH="$ah" -Pfeed_top.HW="$hw" \
  -Pfeed_top.RGW="$(mf ATTN_REGION_W)" -Pfeed_top.SLOTW="$(mf ATTN_SLOT_W)" -Pfeed_top.OW="$(mf ATTN_OW)" \
  -Pfeed_top.DW="$dw" -Pfeed_top.OffW=3 -Pfeed_top.WAW="$waw" "${srcs[@]}"
exec tb/common/cocotb_vvp.sh "$out" test_feed feed_top tb/top "feed-$name-$hpc" FEED_REF="$root/$out/feed_ref.so" \
  FEED_D="$d" FEED_HEADS="$heads" FEED_DW="$dw" FEED_REGION_CAP=$(( banks * rows ))
