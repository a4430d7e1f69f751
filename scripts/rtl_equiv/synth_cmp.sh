#!/usr/bin/env bash
# synth_cmp.sh CONFIG... -- scripts/flow.sh synth (Yosys generic synthesis, the design's
# <name>_synth.ys) on the generated design and on the wrapped one; prints both reports'
# SUMMARY lines and keeps the reports in build/rtl_equiv/synth/<name>.{before,after}.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(scripts/rtl_equiv/mkroot.sh)
mkdir -p build/rtl_equiv/synth
for config in "$@"; do
  name=$(build/tforge check "$config" --name)
  scripts/flow.sh synth "$config" >"build/rtl_equiv/synth/$name.before.txt"
  (cd "$root" && scripts/flow.sh synth "$config") >"build/rtl_equiv/synth/$name.after.txt"
  for side in before after; do
    echo "$name $side $(grep SUMMARY "build/rtl_equiv/synth/$name.$side.txt")"
  done
done
