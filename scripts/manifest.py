#!/usr/bin/env python3
"""manifest.py -- read a design's <name>_manifest.json for the shell scripts, so no
script scrapes tforge's human-readable output or probes for files.

  manifest.py FILE tops [BLOCK]      one line per top: block module filelist synth lint
  manifest.py FILE has BLOCK         exit 0 if the design builds BLOCK, else 1
  manifest.py FILE param BLOCK NAME  a params-header value of BLOCK ("design" for the
                                     design's own), e.g. param gemm ROWS
  manifest.py FILE blocks            the blocks the design builds, one per line
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    m = json.load(open(argv[1]))
    cmd = argv[2]
    blocks = m["blocks"]
    if cmd == "tops":
        for b, blk in blocks.items():
            if len(argv) > 3 and b != argv[3]:
                continue
            for t in blk["tops"]:
                print(b, t["module"], t["filelist"], t["synth_script"], t["lint_script"])
    elif cmd == "has":
        sys.exit(0 if argv[3] in blocks else 1)
    elif cmd == "param":
        src = m["params"] if argv[3] == "design" else blocks.get(argv[3], {}).get("params", {})
        if argv[4] not in src:
            sys.exit(f"manifest.py: {argv[1]}: no parameter {argv[4]} in {argv[3]}")
        print(src[argv[4]])
    elif cmd == "blocks":
        print("\n".join(blocks))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
