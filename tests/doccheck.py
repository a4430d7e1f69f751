#!/usr/bin/env python3
"""doccheck.py -- the transcripts in the docs are what the binary prints.

In every fenced block of docs/*.md, a line "$ tforge ..." (indentation allowed) is a
command; the lines after it, up to the next "$ " line or the end of the block, are its
output (standard output and standard error together). This runs each command from the
repository root with build/ first on PATH and compares, so the key table, the messages and
the legal lists the docs quote cannot drift from the code.

usage: doccheck.py [--update]   (--update rewrites the outputs in place; review the diff)
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CMD = re.compile(r"^(\s*)\$ (tforge\b.*)$")


def run(cmd):
    env = dict(os.environ, PATH=os.path.join(ROOT, "build") + os.pathsep + os.environ["PATH"])
    p = subprocess.run(["bash", "-c", cmd + " 2>&1"], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    return p.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")


def check(path, update):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, problems, n = [], [], 0
    i, in_block = 0, False
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            in_block = not in_block
            out.append(line)
            i += 1
            continue
        m = CMD.match(line) if in_block else None
        if not m:
            out.append(line)
            i += 1
            continue
        indent, cmd = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and not CMD.match(lines[j]) and not lines[j].strip().startswith("```"):
            j += 1
        want = [l[len(indent):] if l.startswith(indent) else l for l in lines[i + 1:j]]
        while want and not want[-1].strip():
            want.pop()
        got = run(cmd)
        n += 1
        if got != want:
            problems.append(f"{os.path.relpath(path, ROOT)}:{i + 1}: $ {cmd}\n"
                            + "".join(f"    want: {w}\n" for w in want)
                            + "".join(f"    got:  {g}\n" for g in got))
        out.append(line)
        out += [indent + g if g else "" for g in (got if update else want)]
        out += lines[i + 1 + len(want):j]
        i = j
    if update and problems:
        open(path, "w", encoding="utf-8").write("\n".join(out))
    return n, problems


def main():
    update = "--update" in sys.argv[1:]
    total, problems = 0, []
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT, "README.md")]:
        n, p = check(path, update)
        total += n
        problems += p
    for p in problems:
        print(p, end="")
    verb = "updated" if update else "differ"
    print(f"doccheck: {total} transcripts in docs/*.md and README.md, {len(problems)} {verb}")
    return 1 if problems and not update else 0


if __name__ == "__main__":
    sys.exit(main())
