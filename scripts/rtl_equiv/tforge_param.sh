#!/usr/bin/env bash
# tforge_param.sh -- build/tforge, except that `gen` then rewrites the design to use the
# parameterized engine (wrap.py). Used as TFORGE=... for scripts/flow.sh, so that the
# existing flow's lint, cosim, icarus and synth steps run unchanged on the new RTL.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
real=${TFORGE_REAL:-$here/../../build/tforge}
if [ "${1:-}" != gen ]; then
  exec "$real" "$@"
fi
"$real" "$@"
out=""
prev=""
for a in "$@"; do
  [ "$prev" = "-o" ] && out=$a
  prev=$a
done
[ -n "$out" ] || { echo "tforge_param.sh: gen without -o" >&2; exit 2; }
python3 "$here/wrap.py" "$out"
