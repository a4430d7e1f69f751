#!/usr/bin/env bash
# flow.sh -- the per-design flow behind the Makefile targets.
#   flow.sh gen    CONFIG [-D k=v]...   generate RTL into rtl_out/<name>/
#   flow.sh lint   CONFIG [-D k=v]...   Verilator -Wall, Icarus -Wall, Yosys check (no latches)
#   flow.sh cosim  CONFIG [-D k=v]...   Verilator harness vs golden model -> build/<name>/cosim.json
#   flow.sh icarus CONFIG [-D k=v]...   Icarus self-checking bench on golden-model vectors
#   flow.sh synth  CONFIG [-D k=v]...   Yosys generic synthesis -> build/<name>/synth_report.txt
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
  # Each template must also be clean on its own.
  for f in templates/*.v; do
    verilator --lint-only -Wall "$f" >>"$log" 2>&1 || { cat "$log"; return 1; }
  done
  echo "lint $name: verilator -Wall, iverilog -Wall, yosys check -assert: 0 warnings ($(wc -l <"$rtl/$name.f") files)"
}

build_harness() {
  gen
  local obj=$out/obj
  if [ ! -x "$obj/harness" ] || [ -n "$(find "$rtl" tb/gemm_harness.cpp model -newer "$obj/harness" -type f | head -1)" ]; then
    verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial unique --noassert --trace-fst \
      --prefix Vtop --top-module "${name}_top" -Mdir "$obj" -F "$rtl/$name.f" \
      "$PWD/tb/gemm_harness.cpp" "$PWD/model/tf_model.c" \
      -CFLAGS "-O2 -include $PWD/$rtl/${name}_params.h -I$PWD/model" -o harness >"$out/verilator_build.log" 2>&1 \
      || { tail -30 "$out/verilator_build.log"; echo "cosim $name: verilator build failed"; return 1; }
  fi
}

cosim() {
  build_harness
  "$out/obj/harness" --seed "${SEED:-1}" --json "$out/cosim.json" --fst "$out/fail.fst" ${COSIM_ARGS:-}
}

icarus() {
  gen
  gcc -std=c11 -O2 -Wall -Werror -include "$rtl/${name}_params.h" -Imodel -o "$out/vecgen" tb/vecgen.c model/tf_model.c
  "$out/vecgen" "${SEED:-1}" "${ICARUS_TESTS:-8}" "$out/vectors.txt"
  iverilog -g2005 -Wall -I "$rtl" -o "$out/gemm_tb.vvp" tb/gemm_tb.v $(files)
  vvp -n "$out/gemm_tb.vvp" +vec="$out/vectors.txt" | tee "$out/icarus.log" | grep -E "^ICARUS"
  grep -qE "^ICARUS $name: [0-9]+ passed, 0 failed" "$out/icarus.log"
}

synth() {
  gen
  local rep=$out/synth_report.txt
  (cd "$rtl" && yosys -q -l "../../$out/synth.log" -p "script ${name}_synth.ys; tee -q -o ../../$out/synth_stat.txt stat -top ${name}_top") >/dev/null \
    || { tail -20 "$out/synth.log"; echo "synth $name: yosys failed"; return 1; }
  {
    python3 scripts/synth_report.py "$out/synth_stat.txt" "$name"
    echo "Storage kept as memories (bits, from the plan; an SRAM or block RAM in a real flow):"
    grep -E "^(A buffer|B buffer|accumulator buf|requant params)" "$rtl/${name}_plan.txt" | sed 's/^/  /'
  } >"$rep"
  cat "$rep"
}

case "$step" in
  gen) gen; echo "gen $name: $rtl" ;;
  lint) lint ;;
  cosim) cosim ;;
  icarus) icarus ;;
  synth) synth ;;
  *) echo "flow.sh: unknown step '$step' (legal: gen, lint, cosim, icarus, synth)" >&2; exit 2 ;;
esac
