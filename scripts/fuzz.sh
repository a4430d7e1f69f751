#!/usr/bin/env bash
# fuzz.sh [SECONDS] -- fuzz the config loader (tests/fuzz_cfg.c) with libFuzzer, ASan
# and UBSan for SECONDS (default 30), seeded with every shipped config. Prints the
# number of inputs tried; fails on a crash, a sanitizer report or a malformed message
# (the input is kept in build/fuzz/crash-*). `make fuzz FUZZ_SECONDS=600` runs longer.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
out=build/fuzz
mkdir -p "$out/corpus"
CLANG=$(command -v clang || command -v clang-14 || true)
[ -n "$CLANG" ] || { echo "fuzz: clang not found (scripts/install-deps.sh installs it)"; exit 1; }
[ -f build/templates.c ] || make --no-print-directory build/templates.c >/dev/null
srcs=(gen/util.c gen/cfg.c gen/plan.c gen/emit.c gen/outdir.c gen/blocks/*.c gen/out/*.c
      model/tf_attn.c model/tf_aux.c model/tf_model.c build/templates.c tests/fuzz_cfg.c)
if [ ! -x "$out/fuzz_cfg" ] || [ -n "$(find "${srcs[@]}" gen/*.h gen/blocks/*.h model/*.h -newer "$out/fuzz_cfg")" ]; then
  "$CLANG" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wno-overlength-strings -Igen -Imodel -o "$out/fuzz_cfg" "${srcs[@]}" -linih -ljansson -lm
fi
# seeds: the shipped configs, and one with -D overrides appended
for f in configs/*.ini configs/*/*.ini tests/golden/*.ini; do
  cp "$f" "$out/corpus/seed_$(basename "$f")"
done
{ cat configs/default.ini; printf '\n\001D\narray.rows=4\ngemm.requant=false\n'; } >"$out/corpus/seed_defs"
log=$out/fuzz.log
if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
     "$out/fuzz_cfg" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" >"$log" 2>&1; then
  tail -40 "$log"
  echo "fuzz: config loader FAILED (input kept in $out/crash-* or $out/leak-*)"
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
corp=$(ls "$out/corpus" | wc -l)
echo "fuzz: config loader: $runs inputs in ${secs}s ($cov, corpus $corp), 0 crashes, 0 sanitizer reports, every refusal one line with (legal: ...)"
