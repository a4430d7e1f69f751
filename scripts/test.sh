#!/usr/bin/env bash
# test.sh CONFIG... [-- LIGHT_CONFIG...] [--trf TRF_CONFIG...] [--attn ATTN_CONFIG...] -- make test: unit
# tests (plain, then ASan+UBSan), the bad-input corpus (tests/badinput.py) and a short
# fuzz run of the config loader (scripts/fuzz.sh), then for each CONFIG: lint, Verilator
# co-simulation, Icarus co-simulation of the GEMM engine; for each LIGHT_CONFIG
# (examples, 64x64 arrays, golden-text configs): lint and Icarus; for each TRF_CONFIG: lint, Verilator
# and Icarus co-simulation of the register file.
# Ends with one line "tforge: N passed, M failed" and a non-zero status if
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
failed=()
mkdir -p build/test-logs
check() { # name command...
  local name=$1
  shift
  local log=build/test-logs/${name//\//_}.log
  local t0=$SECONDS
  if "$@" >"$log" 2>&1; then
    pass=$((pass + 1))
    printf 'PASS  %-46s %4ss  %s\n' "$name" $((SECONDS - t0)) "$(grep -hE '^(lint |ICARUS|[a-z0-9_]+: PASS|\[  PASSED|badinput: [0-9]|fuzz: |doccheck: )' "$log" | tail -1 | cut -c1-140)"
  else
    fail=$((fail + 1))
    failed+=("$name")
    printf 'FAIL  %-46s %4ss  (log: %s)\n' "$name" $((SECONDS - t0)) "$log"
    tail -15 "$log" | sed 's/^/      /'
  fi
}

check "unit tests" make --no-print-directory unit-tests
check "unit tests (ASan+UBSan)" make --no-print-directory unit-tests-asan
check "docs: transcripts match the binary" python3 tests/doccheck.py
check "bad-input corpus" python3 tests/badinput.py
check "fuzz: config loader" scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
mode=full
for config in "$@"; do
  case "$config" in
    --) mode=light; continue ;;
    --trf) mode=trf; continue ;;
    --attn) mode=attn; continue ;;
  esac
  name=$(build/tforge check "$config" --name)
  check "$name: lint" scripts/flow.sh lint "$config"
  mf() { python3 scripts/manifest.py "rtl_out/$name/${name}_manifest.json" "$@"; }
  if [ $mode = attn ]; then
    check "$name: attn verilator cosim" scripts/flow.sh attn-cosim "$config"
    # Icarus: up to 300 steps, fewer for large caches (it runs about 400x slower)
    size=$(mf param attn ATTN_D)
    cap=$(mf param attn ATTN_CAP)
    steps=$(( 40000 / (${cap:-1} * ${size:-1}) ))
    steps=$(( steps > 300 ? 300 : (steps < 20 ? 20 : steps) ))
    # the Icarus bench drives one head lane: parallel-head units are checked in Verilator only
    if [ "$(mf param attn ATTN_HEADS_PARALLEL)" != 1 ]; then
      check "$name: attn icarus cosim" env ATTN_ICARUS_STEPS=$steps scripts/flow.sh attn-icarus "$config"
    fi
    continue
  fi
  if [ $mode = trf ]; then
    check "$name: trf verilator cosim" scripts/flow.sh trf-cosim "$config"
    # Icarus is slow on wide files: fewer cycles above 64 words per access
    words=$(mf param trf TRF_WORDS)
    cycles=${TRF_ICARUS_CYCLES:-$(( ${words:-0} > 64 ? 500 : 2000 ))}
    check "$name: trf icarus cosim" env TRF_ICARUS_CYCLES=$cycles scripts/flow.sh trf-icarus "$config"
    continue
  fi
  [ $mode = light ] || check "$name: verilator cosim" env COSIM_ARGS="--gemms ${TEST_GEMMS:-30}" scripts/flow.sh cosim "$config"
  # the 64x64 arrays simulate slowly in Icarus: three GEMMs (the first edge cases);
  # with a result store, 38 (every store source combination, tb/vecgen.c)
  case "$config" in
    configs/large/*) tests=3 ;;
    *) tests=8
       [ "$(mf param gemm STORE)" != 0 ] && tests=38 ;;
  esac
  check "$name: icarus cosim" env ICARUS_TESTS=$tests scripts/flow.sh icarus "$config"
done
echo
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "tforge: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
