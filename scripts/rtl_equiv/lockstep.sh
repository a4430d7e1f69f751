#!/usr/bin/env bash
# lockstep.sh CYCLES CONFIG... -- today's <name>_gemm and the wrapped tf_gemm side by side
# in Icarus (lockstep_tb.v): every output compared with !== after every clock edge.
set -uo pipefail
cd "$(dirname "$0")/../.."
cycles=$1
shift
status=0
for config in "$@"; do
  name=$(build/tforge check "$config" --name)
  d=build/rtl_equiv/lockstep/$name
  rm -rf "$d"
  build/tforge gen "$config" -o "$d/ref" >/dev/null
  scripts/rtl_equiv/tforge_param.sh gen "$config" -o "$d/dut" >/dev/null || { status=1; continue; }
  grep -q "^  tf_gemm #(" "$d/dut/${name}_gemm.v" || { echo "$name: no wrapper"; status=1; continue; }
  sed "s/^module ${name}_gemm (/module eq_ref_gemm (/" "$d/ref/${name}_gemm.v" >"$d/eq_ref_gemm.v"
  sed "s/^module ${name}_gemm (/module eq_dut_gemm (/" "$d/dut/${name}_gemm.v" >"$d/eq_dut_gemm.v"
  files=()
  while read -r f; do
    case "$f" in "${name}_top.v" | "${name}_gemm.v") ;; *) files+=("$d/ref/$f") ;; esac
  done <"$d/ref/$name.f"
  for f in tf_mesh_os tf_mesh_ws tf_gemm_rq tf_gemm_store tf_gemm; do
    [ -f "$d/dut/$f.v" ] && files+=("$d/dut/$f.v")
  done
  mx=$(sed -n 's/^#define TFP_MAX_\([MKN]\) \([0-9]*\)$/-DMAX\1=\2/p' "$d/ref/${name}_params.h")
  iverilog -g2005 -Wall -I "$d/ref" $mx -o "$d/tb.vvp" scripts/rtl_equiv/lockstep_tb.v \
    "$d/eq_ref_gemm.v" "$d/eq_dut_gemm.v" "${files[@]}" 2>"$d/iverilog.log"
  if [ -s "$d/iverilog.log" ]; then cat "$d/iverilog.log"; status=1; continue; fi
  vvp -n "$d/tb.vvp" +cycles="$cycles" +seed="${SEED:-1}" >"$d/run.log"
  grep -E "^(LOCKSTEP|MISMATCH)" "$d/run.log" | head -6
  grep -q "^LOCKSTEP .*, 0 mismatches" "$d/run.log" || status=1
done
exit $status
