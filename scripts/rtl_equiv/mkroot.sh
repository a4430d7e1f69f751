#!/usr/bin/env bash
# mkroot.sh -- build/rtl_equiv/root: a second project root whose scripts/flow.sh (a
# symlink to ours) writes rtl_out/ and build/ beside it, so the parameterized designs
# (TFORGE=scripts/rtl_equiv/tforge_param.sh) never overwrite the generated ones.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
root=build/rtl_equiv/root
mkdir -p "$root/scripts" "$root/build"
for p in configs tb model templates tests; do ln -sfn "$top/$p" "$root/$p"; done
for s in flow.sh synth_report.py; do ln -sfn "$top/scripts/$s" "$root/scripts/$s"; done
ln -sfn "$top/scripts/rtl_equiv/tforge_param.sh" "$root/build/tforge"
echo "$root"
