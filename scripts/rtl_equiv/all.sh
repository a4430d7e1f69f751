#!/usr/bin/env bash
# all.sh -- every piece of evidence in docs/rtl-gemm-param.md, one after the other:
# lint_modules.py, equiv.sh (every config), lockstep.sh (every config), synth_cmp.sh,
# bench_cmp.sh. Logs in build/rtl_equiv/*.out.
set -uo pipefail
cd "$(dirname "$0")/../.."
o=build/rtl_equiv
mkdir -p $o
rm -f $o/equiv.csv
python3 scripts/rtl_equiv/lint_modules.py >$o/lint_modules.out 2>&1
scripts/rtl_equiv/equiv.sh >$o/equiv.out 2>&1
scripts/rtl_equiv/lockstep.sh "${LOCKSTEP_CYCLES:-30000}" configs/default.ini configs/matrix/*.ini \
  configs/examples/*.ini tests/golden/*.ini >$o/lockstep.out 2>&1
scripts/rtl_equiv/synth_cmp.sh configs/default.ini configs/matrix/m07_ws_8x8_i8.ini \
  configs/examples/os_8x8_store.ini >$o/synth_cmp.out 2>&1
scripts/rtl_equiv/bench_cmp.sh "${BENCH_RUNS:-3}" >$o/bench_cmp.out 2>&1
echo "all.sh: done" >>$o/bench_cmp.out
