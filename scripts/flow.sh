#!/usr/bin/env bash
# flow.sh -- the per-design flow behind the Makefile targets.
#   flow.sh gen    CONFIG [-D k=v]...   generate RTL into rtl_out/<name>/
#   flow.sh lint   CONFIG [-D k=v]...   Verilator -Wall, Icarus -Wall, Yosys check (no latches)
#   flow.sh cosim  CONFIG [-D k=v]...   Verilator harness vs golden model -> build/<name>/cosim.json
#   flow.sh icarus CONFIG [-D k=v]...   Icarus self-checking bench on golden-model vectors
#   flow.sh synth  CONFIG [-D k=v]...   Yosys generic synthesis -> build/<name>/synth_report.txt
# For a design with a [trf] section (the two-direction register file <name>_trf):
#   flow.sh trf-cosim  CONFIG ...   Verilator harness vs golden model -> build/<name>/trf_cosim.json
#   flow.sh trf-icarus CONFIG ...   Icarus bench on golden-model vectors
#   flow.sh trf-synth  CONFIG ...   Yosys generic synthesis -> build/<name>/trf_synth_report.txt
# For a design with an [attn] section (the attention unit <name>_attn):
#   flow.sh attn-cosim  CONFIG ...  Verilator harness vs golden model -> build/<name>/attn_cosim.json
#   flow.sh attn-icarus CONFIG ...  Icarus bench on golden-model vectors
#   flow.sh attn-synth  CONFIG ...  Yosys generic synthesis -> build/<name>/attn_synth_report.txt
# (lint checks the register file too when the design has one.)
# Environment: TFORGE (generator binary), COSIM_ARGS (extra harness arguments),
# ICARUS_TESTS (number of vector tests, default 8), SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
TFORGE=${TFORGE:-build/tforge}
step=${1:?usage: flow.sh gen|lint|cosim|icarus|synth CONFIG [-D k=v]...}
config=${2:?missing CONFIG}
shift 2
defs=("$@")
name=$("$TFORGE" check "$config" "${defs[@]}" --name)
rtl=rtl_out/$name
out=build/$name
mkdir -p "$out"

files() { sed "s|^|$rtl/|" "$rtl/$name.f"; }

gen() {
  "$TFORGE" gen "$config" "${defs[@]}" -o "$rtl" >/dev/null
}

lint() {
  gen
  local log=$out/lint.log
  : >"$log"
  (cd "$rtl" && verilator --lint-only -Wall -F "$name.f" --top-module "${name}_top") >>"$log" 2>&1 \
    || { cat "$log"; echo "lint $name: verilator reported warnings"; return 1; }
  iverilog -g2005 -Wall -o /dev/null $(files) >>"$log" 2>&1 || { cat "$log"; return 1; }
  if [ -s "$log" ]; then cat "$log"; echo "lint $name: iverilog reported warnings"; return 1; fi
  (cd "$rtl" && yosys -q -l "../../$out/yosys_lint.log" -s "${name}_lint.ys") >/dev/null 2>&1 \
    || { cat "$out/yosys_lint.log"; echo "lint $name: yosys check failed"; return 1; }
  if [ -f "$rtl/${name}_trf.f" ]; then
    (cd "$rtl" && verilator --lint-only -Wall -F "${name}_trf.f" --top-module "${name}_trf") >>"$log" 2>&1 \
      || { cat "$log"; echo "lint $name: verilator reported warnings (register file)"; return 1; }
    iverilog -g2005 -Wall -o /dev/null $(sed "s|^|$rtl/|" "$rtl/${name}_trf.f") >>"$log" 2>&1 || { cat "$log"; return 1; }
    if [ -s "$log" ]; then cat "$log"; echo "lint $name: iverilog reported warnings (register file)"; return 1; fi
    (cd "$rtl" && yosys -q -l "../../$out/yosys_trf_lint.log" -s "${name}_trf_lint.ys") >/dev/null 2>&1 \
      || { cat "$out/yosys_trf_lint.log"; echo "lint $name: yosys check failed (register file)"; return 1; }
  fi
  if [ -f "$rtl/${name}_attn.f" ]; then
    (cd "$rtl" && verilator --lint-only -Wall -F "${name}_attn.f" --top-module "${name}_attn") >>"$log" 2>&1 \
      || { cat "$log"; echo "lint $name: verilator reported warnings (attention unit)"; return 1; }
    iverilog -g2005 -Wall -o /dev/null $(sed "s|^|$rtl/|" "$rtl/${name}_attn.f") >>"$log" 2>&1 || { cat "$log"; return 1; }
    if [ -s "$log" ]; then cat "$log"; echo "lint $name: iverilog reported warnings (attention unit)"; return 1; fi
    (cd "$rtl" && yosys -q -l "../../$out/yosys_attn_lint.log" -s "${name}_attn_lint.ys") >/dev/null 2>&1 \
      || { cat "$out/yosys_attn_lint.log"; echo "lint $name: yosys check failed (attention unit)"; return 1; }
  fi
  # Each template must also be clean on its own.
  for f in templates/*.v; do
    verilator --lint-only -Wall -y templates "$f" >>"$log" 2>&1 || { cat "$log"; return 1; }
  done
  local extra=""
  [ -f "$rtl/${name}_trf.f" ] && extra=" + register file"
  [ -f "$rtl/${name}_attn.f" ] && extra="$extra + attention unit"
  echo "lint $name: verilator -Wall, iverilog -Wall, yosys check -assert: 0 warnings ($(wc -l <"$rtl/$name.f") files$extra)"
}

need_trf() {
  [ -f "$rtl/${name}_trf.f" ] || { echo "$name has no [trf] section" >&2; exit 2; }
}

trf_cosim() {
  gen
  need_trf
  local obj=$out/trfobj
  if [ ! -x "$obj/trf_harness" ] || [ -n "$(find "$rtl" tb/trf tb/common model -newer "$obj/trf_harness" -type f | head -1)" ]; then
    verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial unique --noassert --trace-fst \
      --prefix Vtrf --top-module "${name}_trf" -Mdir "$obj" -F "$rtl/${name}_trf.f" \
      "$PWD"/tb/trf/*.cpp "$PWD/model/tf_model.c" \
      -CFLAGS "-O2 -Wall -Wextra -include $PWD/$rtl/${name}_params.h -I$PWD/model -I$PWD/tb/common" -o trf_harness >"$out/verilator_trf_build.log" 2>&1 \
      || { tail -30 "$out/verilator_trf_build.log"; echo "trf-cosim $name: verilator build failed"; return 1; }
  fi
  "$obj/trf_harness" --seed "${SEED:-1}" --cycles "${TRF_CYCLES:-100000}" --json "$out/trf_cosim.json" --fst "$out/trf_fail.fst"
}

trf_icarus() {
  gen
  need_trf
  gcc -std=c11 -O2 -Wall -Werror -include "$rtl/${name}_params.h" -Imodel -Itb/common -o "$out/trf_vecgen" tb/trf/vecgen.c model/tf_model.c
  "$out/trf_vecgen" "${SEED:-1}" "${TRF_ICARUS_CYCLES:-3000}" "$out/trf_vectors.txt"
  iverilog -g2005 -Wall -I "$rtl" -o "$out/trf_tb.vvp" tb/trf/tb.v $(sed "s|^|$rtl/|" "$rtl/${name}_trf.f")
  vvp -n "$out/trf_tb.vvp" +vec="$out/trf_vectors.txt" | tee "$out/trf_icarus.log" | grep -E "^ICARUS"
  grep -qE "^ICARUS ${name}_trf: [0-9]+ passed, 0 failed" "$out/trf_icarus.log"
}

trf_synth() {
  gen
  need_trf
  (cd "$rtl" && yosys -q -l "../../$out/trf_synth.log" -p "script ${name}_trf_synth.ys; tee -q -o ../../$out/trf_synth_stat.txt stat -top ${name}_trf; select t:\$mem_v2; write_rtlil -selected ../../$out/trf_synth_mem.il") >/dev/null \
    || { tail -20 "$out/trf_synth.log"; echo "trf-synth $name: yosys failed"; return 1; }
  python3 scripts/synth_report.py "$out/trf_synth_stat.txt" "$name" "${name}_trf" "$out/trf_synth_mem.il" | tee "$out/trf_synth_report.txt"
}

build_harness() {
  gen
  local obj=$out/obj
  if [ ! -x "$obj/harness" ] || [ -n "$(find "$rtl" tb/gemm tb/common model -newer "$obj/harness" -type f | head -1)" ]; then
    verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial unique --noassert --trace-fst \
      --prefix Vtop --top-module "${name}_top" -Mdir "$obj" -F "$rtl/$name.f" \
      "$PWD"/tb/gemm/*.cpp "$PWD/model/tf_model.c" \
      -CFLAGS "-O2 -Wall -Wextra -include $PWD/$rtl/${name}_params.h -I$PWD/model -I$PWD/tb/common" -o harness >"$out/verilator_build.log" 2>&1 \
      || { tail -30 "$out/verilator_build.log"; echo "cosim $name: verilator build failed"; return 1; }
  fi
}

cosim() {
  build_harness
  "$out/obj/harness" --seed "${SEED:-1}" --json "$out/cosim.json" --fst "$out/fail.fst" ${COSIM_ARGS:-}
}

icarus() {
  gen
  gcc -std=c11 -O2 -Wall -Werror -include "$rtl/${name}_params.h" -Imodel -Itb/common -o "$out/vecgen" tb/gemm/vecgen.c model/tf_model.c
  "$out/vecgen" "${SEED:-1}" "${ICARUS_TESTS:-8}" "$out/vectors.txt"
  iverilog -g2005 -Wall -I "$rtl" -o "$out/gemm_tb.vvp" tb/gemm/tb.v $(files)
  vvp -n "$out/gemm_tb.vvp" +vec="$out/vectors.txt" | tee "$out/icarus.log" | grep -E "^ICARUS"
  grep -qE "^ICARUS $name: [0-9]+ passed, 0 failed" "$out/icarus.log"
}

synth() {
  gen
  local rep=$out/synth_report.txt
  (cd "$rtl" && yosys -q -l "../../$out/synth.log" -p "script ${name}_synth.ys; tee -q -o ../../$out/synth_stat.txt stat -top ${name}_top; select t:\$mem_v2; write_rtlil -selected ../../$out/synth_mem.il") >/dev/null \
    || { tail -20 "$out/synth.log"; echo "synth $name: yosys failed"; return 1; }
  {
    python3 scripts/synth_report.py "$out/synth_stat.txt" "$name" "${name}_top" "$out/synth_mem.il"
    echo "Storage kept as memories (an SRAM or block RAM in a real flow), as planned:"
    grep -E "^(A buffer|B buffer|accumulator buf|requant params|result store)" "$rtl/${name}_plan.txt" | sed 's/^/  /'
  } >"$rep"
  cat "$rep"
}

need_attn() {
  [ -f "$rtl/${name}_attn.f" ] || { echo "$name has no [attn] section" >&2; exit 2; }
}

attn_cosim() {
  gen
  need_attn
  local obj=$out/attnobj
  if [ ! -x "$obj/attn_harness" ] || [ -n "$(find "$rtl" tb/attn tb/common model -newer "$obj/attn_harness" -type f | head -1)" ]; then
    verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial unique --noassert --trace-fst \
      --prefix Vattn --top-module "${name}_attn" -Mdir "$obj" -F "$rtl/${name}_attn.f" \
      "$PWD"/tb/attn/*.cpp "$PWD/model/tf_attn.c" \
      -CFLAGS "-O2 -Wall -Wextra -include $PWD/$rtl/${name}_params.h -I$PWD/model -I$PWD/tb/common" -LDFLAGS -lm -o attn_harness >"$out/verilator_attn_build.log" 2>&1 \
      || { tail -30 "$out/verilator_attn_build.log"; echo "attn-cosim $name: verilator build failed"; return 1; }
  fi
  "$obj/attn_harness" --seed "${SEED:-1}" --steps "${ATTN_STEPS:-600}" --json "$out/attn_cosim.json" --fst "$out/attn_fail.fst" ${ATTN_ARGS:-}
}

attn_icarus() {
  gen
  need_attn
  if grep -q '^#define TFP_ATTN_HEADS_PARALLEL 1' "$rtl/${name}_params.h"; then
    echo "attn-icarus $name: the Icarus bench drives one head lane; parallel heads are checked by attn-cosim" >&2
    exit 2
  fi
  gcc -std=c11 -O2 -Wall -Werror -include "$rtl/${name}_params.h" -Imodel -Itb/common -o "$out/attn_vecgen" tb/attn/vecgen.c model/tf_attn.c -lm
  "$out/attn_vecgen" "${SEED:-1}" "${ATTN_ICARUS_STEPS:-120}" "$out/attn_vectors.txt"
  iverilog -g2005 -Wall -I "$rtl" -o "$out/attn_tb.vvp" tb/attn/tb.v $(sed "s|^|$rtl/|" "$rtl/${name}_attn.f")
  vvp -n "$out/attn_tb.vvp" +vec="$out/attn_vectors.txt" | tee "$out/attn_icarus.log" | grep -E "^ICARUS"
  grep -qE "^ICARUS ${name}_attn: [0-9]+ passed, 0 failed" "$out/attn_icarus.log"
}

attn_synth() {
  gen
  need_attn
  (cd "$rtl" && yosys -q -l "../../$out/attn_synth.log" -p "script ${name}_attn_synth.ys; tee -q -o ../../$out/attn_synth_stat.txt stat -top ${name}_attn; select t:\$mem_v2; write_rtlil -selected ../../$out/attn_synth_mem.il") >/dev/null \
    || { tail -20 "$out/attn_synth.log"; echo "attn-synth $name: yosys failed"; return 1; }
  python3 scripts/synth_report.py "$out/attn_synth_stat.txt" "$name" "${name}_attn" "$out/attn_synth_mem.il" | tee "$out/attn_synth_report.txt"
}

case "$step" in
  gen) gen; echo "gen $name: $rtl" ;;
  lint) lint ;;
  cosim) cosim ;;
  icarus) icarus ;;
  synth) synth ;;
  trf-cosim) trf_cosim ;;
  trf-icarus) trf_icarus ;;
  trf-synth) trf_synth ;;
  attn-cosim) attn_cosim ;;
  attn-icarus) attn_icarus ;;
  attn-synth) attn_synth ;;
  *) echo "flow.sh: unknown step '$step' (legal: gen, lint, cosim, icarus, synth, trf-cosim, trf-icarus, trf-synth, attn-cosim, attn-icarus, attn-synth)" >&2; exit 2 ;;
esac
