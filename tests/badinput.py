#!/usr/bin/env python3
"""badinput.py -- the bad-input corpus of make test.

Generates bad inputs and runs the tforge binary on each, checking the promise of
docs/config.md section 5: a bad input gets exit status 2, nothing on standard output,
exactly one line on standard error that says where (FILE:LINE, -D:N or the argument),
and ends with "(legal: ...)"; and the output directory and its parent are exactly as
they were (names, modes, sizes, times and contents).

Classes:
  mutations   every key line of every shipped config: values out of range, malformed,
              look-alike characters, NUL bytes and other bytes that are not what the
              user sees, duplicated, renamed, deleted required keys, text after section
              headers, unknown sections, keys outside sections, over-long lines -- and
              the value mutations again as -D overrides
  cli         command-line misuse: options, arguments, -D syntax, CONFIG paths
  paths       -o paths: '.', '..', over-long names, long paths (which must work), files,
              foreign and read-only directories (as an unprivileged user when run as root)

usage: badinput.py [--tforge BIN] [--jobs N] [--quick]
Prints one line per class and "badinput: N cases, M problems"; exit 1 on any problem
(each listed in build/badinput/problems.txt).
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "badinput")
NOBODY = 65534

# ---- running tforge and judging the result --------------------------------------------


def run(tf, args, cwd=None, as_nobody=False):
    pre = None
    if as_nobody:
        def pre():
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    p = subprocess.run([tf] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=pre, timeout=60)
    return p.returncode, p.stdout, p.stderr


def open_dir(path):
    """A descriptor of directory PATH, opened component by component (any length)."""
    fd = os.open("/" if path.startswith("/") else ".", os.O_RDONLY | os.O_DIRECTORY)
    for comp in [c for c in path.split("/") if c]:
        try:
            nfd = os.open(comp, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        finally:
            os.close(fd)
        fd = nfd
    return fd


def snapshot(path, content=True):
    """Everything observable about a directory tree -- names, modes, sizes, times and
    (content=True) contents -- or a marker for a missing path / a plain file. Walks by
    descriptor, so any path length works."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return ("absent",)
    except OSError as e:
        if e.errno != 36:  # ENAMETOOLONG: checked below, by descriptor
            raise
        st = None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        with open(path, "rb") as f:
            return ("file", st.st_mode, st.st_mtime_ns, hashlib.sha1(f.read()).hexdigest())
    top_fd = open_dir(path)
    snap = []
    try:
        for top, dirs, files, fd in os.fwalk(".", dir_fd=top_fd):
            dst = os.stat(fd)
            snap.append((top, "dir", dst.st_mode, dst.st_mtime_ns))
            for name in sorted(files):
                fst = os.stat(name, dir_fd=fd, follow_symlinks=False)
                h = ""
                if content and stat.S_ISREG(fst.st_mode):
                    try:
                        with open(os.open(name, os.O_RDONLY, dir_fd=fd), "rb") as f:
                            h = hashlib.sha1(f.read()).hexdigest()
                    except PermissionError:
                        h = "unreadable"
                snap.append((top, name, fst.st_mode, fst.st_size, fst.st_mtime_ns, fst.st_ino, h))
    finally:
        os.close(top_fd)
    return tuple(sorted(snap))


class Judge:
    def __init__(self):
        self.cases = {}
        self.problems = []

    def count(self, cls):
        self.cases[cls] = self.cases.get(cls, 0) + 1

    def bad(self, cls, what, detail):
        self.problems.append(f"[{cls}] {what}: {detail}")

    def refused(self, cls, what, res, prefix=None, contains=None, snaps=(), content=True):
        """res = (status, out, err); snaps = [(path, before)] checked unchanged (before
        taken with the same content flag)."""
        self.count(cls)
        status, out, err = res
        text = err.decode("utf-8", "replace")
        lines = text.split("\n")
        problem = None
        if status != 2:
            problem = f"exit status {status}, expected 2"
        elif out:
            problem = f"wrote to standard output: {out[:80]!r}"
        elif not text.endswith("\n") or len(lines) != 2:
            problem = f"message is not exactly one line: {text[:300]!r}"
        elif any(ord(ch) < 0x20 and ch != "\n" or ord(ch) == 0x7f for ch in text):
            problem = f"control character in the message: {text[:300]!r}"
        elif "(legal: " not in lines[0] or not lines[0].endswith(")"):
            problem = f"no (legal: ...) at the end: {lines[0][:300]!r}"
        elif prefix is not None and not lines[0].startswith(prefix):
            problem = f"message {lines[0][:300]!r} does not start with {prefix[:200]!r}"
        elif contains is not None and contains not in lines[0]:
            problem = f"message {lines[0][:300]!r} does not contain {contains!r}"
        if problem is None:
            for path, before in snaps:
                if snapshot(path, content) != before:
                    problem = f"{path[:120]} changed"
                    break
        if problem:
            self.bad(cls, what, problem)
        return problem is None


# ---- the key table ------------------------------------------------------------------


def key_table(tf):
    """{(section, key): kind, lo, hi, required} from `tforge keys`."""
    _, out, _ = run(tf, ["keys"])
    keys = {}
    for line in out.decode().splitlines()[1:]:
        sec, key, rest = line.split(None, 2)
        m = re.match(r"(\d+)\.\.(\d+)\s", rest)
        if m:
            kind, lo, hi = "int", int(m.group(1)), int(m.group(2))
        elif rest.startswith("true, false"):
            kind, lo, hi = "bool", 0, 1
        elif rest.startswith("a lower-case identifier"):
            kind, lo, hi = "ident", 1, 32
        else:
            kind, lo, hi = "enum", 0, 0
        keys[(sec, key)] = (kind, lo, hi, "(required" in rest)
    return keys


# ---- mutations of the shipped configs ------------------------------------------------

# Values no key accepts, whatever its kind, with what the message must say about them.
BAD_BYTES = [
    (b"\x00garbage", "NUL byte"), (b"\x01", "control character"), (b"\x0b", "control character"),
    (b"\x1b[0m", "control character"), (b"\x7f", "control character"),
    (b"\rx", "control character"), (b"\xff", "invalid UTF-8"), (b"\xc0\xaf", "invalid UTF-8"),
    (b"\xe2\x82", "invalid UTF-8"), (b"\xed\xa0\x80", "invalid UTF-8"),
    (b"\xe2\x80\x8b", "invisible character"), (b"\xe2\x80\xae", "invisible character"),
    (b"\xef\xbb\xbf", "invisible character"), (b"\xc2\xad", "invisible character"),
    (b"\xc2\xa0", "non-ASCII"), (b"\xd0\xbe", "non-ASCII"), (b"\xef\xbc\x98", "non-ASCII"),
]


def bad_values(kind, lo, hi):
    """Textual values a key of this kind refuses (-D and file alike)."""
    common = ["", "   ", "x", "1.5", "--1", "8 8", "0x", "0x1g", "'8'", '"8"', "8;x",
              "9" * 30, "a" * 150]
    if kind == "int":
        return common + [str(lo - 1), str(hi + 1), hex(hi + 1), "-" + str(hi), "+1e3",
                         "99999999999999999999"]
    if kind == "bool":
        return common + ["True", "FALSE", "on", "off", "2", "-1", "y"]
    if kind == "enum":
        return common + ["OS", "Ws", "importance,none", "flops banked", "n one"]
    return [v for v in common if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", v)] + \
        ["Name", "1abc", "a-b", "a.b", "_x", "a" * 33, "name$"]


SECTION_RE = re.compile(rb"^\s*\[([^\]]*)\]")
KEY_RE = re.compile(rb"^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)([^;\r\n]*?)(\s*(;.*)?)$")


def parse_lines(data):
    """[(index, section, key, match)] for each key line."""
    out, sec = [], None
    for i, line in enumerate(data.split(b"\n")):
        m = SECTION_RE.match(line)
        if m:
            sec = m.group(1).decode()
            continue
        if line.strip().startswith((b";", b"#")) or not line.strip():
            continue
        m = KEY_RE.match(line)
        if m and sec:
            out.append((i, sec, m.group(2).decode(), m))
    return out


def mutations(data, keys, seen, full):
    """(class, description, mutated bytes, expected prefix tail, contains) for one config.
    The prefix tail is ':LINE: ' (or ': ' for messages without a line). Structural
    mutations apply to every key line; a bad value to each key once in the corpus, and
    each bad byte sequence once per config (on a different key line each) -- unless
    full, when all of them apply to every key line. seen: (key, value) pairs already
    generated (shared across configs)."""
    lines = data.split(b"\n")
    found = parse_lines(data)
    headers = [i for i, l in enumerate(lines) if SECTION_RE.match(l)]

    def with_line(i, new):
        return b"\n".join(lines[:i] + [new] + lines[i + 1:])

    for i, sec, key, m in found:
        kind, lo, hi, required = keys.get((sec, key), ("?", 0, 0, False))
        where = f":{i + 1}: "
        name = f"{sec}.{key}"
        for v in bad_values(kind, lo, hi):
            if not full and (name, v) in seen:
                continue
            seen.add((name, v))
            new = m.group(1) + m.group(2) + m.group(3) + v.encode()
            if len(new) > 190:
                yield ("mutations", f"{name} = long", with_line(i, new), where, "line too long")
            else:
                yield ("mutations", f"{name} = {v[:20]!r}", with_line(i, new), where, name)
        for bi, (b, what) in enumerate(BAD_BYTES):
            if not full and bi % len(found) != found.index((i, sec, key, m)) % len(BAD_BYTES):
                continue
            new = m.group(1) + m.group(2) + m.group(3) + m.group(4) + b + m.group(5)
            yield ("mutations", f"{name} + {b!r}", with_line(i, new), where, what)
            new = m.group(1) + m.group(2) + b + m.group(3) + m.group(4)
            yield ("mutations", f"{name} key + {b!r}", with_line(i, new), where, what)
        # a duplicate on the next line
        dup = b"\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
        yield ("mutations", f"{name} twice", dup, f":{i + 2}: ", "duplicate key")
        # a misspelt key
        new = m.group(1) + m.group(2) + b"x" + m.group(3) + m.group(4)
        yield ("mutations", f"{name}x", with_line(i, new), where, "unknown key")
        # a required key deleted
        if required:
            gone = b"\n".join(lines[:i] + [b"; deleted"] + lines[i + 1:])
            yield ("mutations", f"{name} deleted", gone, ": ", "required key is missing")
        # the key before any section
        moved = b"\n".join([lines[i]] + lines[:i] + lines[i + 1:])
        yield ("mutations", f"{name} outside sections", moved, ":1: ", "key outside any section")
    for h in headers:
        for junk in (b" junk", b"junk", b" = 1", b" ]", b"\x00", b" \xe2\x80\x8b"):
            new = lines[h].rstrip(b"\r") + junk
            yield ("mutations", f"header {lines[h][:20]!r} + {junk!r}", with_line(h, new),
                   f":{h + 1}: ", None)
    # unknown sections, empty and with a key; an unterminated header; a line without '='
    last = len(data.rstrip(b"\n").split(b"\n"))
    for extra, desc, at, contains in ((b"[bogus]", "empty unknown section", 1, "unknown section"),
                                      (b"[bogus]\nk = 1", "unknown section with a key", 2,
                                       "unknown section"),
                                      (b"[array", "unterminated header", 1, "syntax error"),
                                      (b"[]", "empty section name", 1, "unknown section"),
                                      (b"just text", "a line without '='", 1, "syntax error")):
        yield ("mutations", desc, data.rstrip(b"\n") + b"\n" + extra + b"\n",
               f":{last + at}: ", contains)


def value_defs(keys, found_keys, seen, full):
    """-D cases: (description, [-D args], contains); each once in the corpus unless full."""
    for sec, key in sorted(found_keys):
        kind, lo, hi, _ = keys.get((sec, key), ("?", 0, 0, False))
        name = f"{sec}.{key}"
        for v in bad_values(kind, lo, hi):
            if not full and ("-D", name, v) in seen:
                continue
            seen.add(("-D", name, v))
            yield (f"-D {name}={v[:20]!r}", [f"{name}={v}"], name)
        for b, what in BAD_BYTES:
            if b"\x00" in b or (not full and ("-D", name, b) in seen):
                continue  # an argument cannot hold a NUL byte
            seen.add(("-D", name, b))
            arg = f"{name}=".encode() + b
            yield (f"-D {name}= + {b!r}", [os.fsdecode(arg)], what)


def plan_config(cfg, keys, seen, full):
    with open(os.path.join(ROOT, cfg), "rb") as f:
        data = f.read()
    cases = list(mutations(data, keys, seen, full))
    found = {(sec, key) for _, sec, key, _ in parse_lines(data)}
    return cases, list(value_defs(keys, found, seen, full))


def run_config(tf, cfg, cases, dcases, judge):
    """The mutations of one shipped config, against a previous design in out/."""
    base = os.path.join(WORK, "m", re.sub(r"[^A-Za-z0-9]", "_", cfg))
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    out = os.path.join(base, "out")
    st, _, err = run(tf, ["gen", os.path.join(ROOT, cfg), "-o", out])
    if st != 0:
        judge.bad("mutations", cfg, f"the shipped config itself fails: {err[:200]!r}")
        return
    full = snapshot(out)
    before = snapshot(out, content=False)
    t = os.path.join(base, "t.ini")
    open(t, "wb").close()
    parent_before = sorted(os.listdir(base))
    for cls, desc, mutated, tail, contains in cases:
        with open(t, "wb") as f:
            f.write(mutated)
        res = run(tf, ["gen", "t.ini", "-o", "out"], cwd=base)
        ok = judge.refused(cls, f"{cfg}: {desc}", res, prefix="t.ini" + tail, contains=contains,
                           snaps=[(out, before)], content=False)
        if sorted(os.listdir(base)) != parent_before:
            judge.bad(cls, f"{cfg}: {desc}", f"left {sorted(set(os.listdir(base)) - set(parent_before))}")
            ok = False
        if not ok:
            shutil.rmtree(out, ignore_errors=True)
            run(tf, ["gen", os.path.join(ROOT, cfg), "-o", out])
            full = snapshot(out)
            before = snapshot(out, content=False)
    if snapshot(out) != full:
        judge.bad("mutations", cfg, "the previous design's contents changed")
    for desc, defs, contains in dcases:
        args = ["check", os.path.join(ROOT, cfg)]
        for dv in defs:
            args += ["-D", dv]
        judge.refused("defines", f"{cfg}: {desc}", run(tf, args), prefix="-D:1: ",
                      contains=contains)


# ---- command line ----------------------------------------------------------------------


def run_cli(tf, judge):
    cfg = os.path.join(ROOT, "configs", "default.ini")
    base = os.path.join(WORK, "cli")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    big = os.path.join(base, "big.ini")
    with open(big, "wb") as f:
        f.write(b"; x\n" * 300000)
    empty = os.path.join(base, "empty.ini")
    open(empty, "wb").close()
    mcfg = os.path.join(ROOT, "configs", "model", "tiny_layer.ini")
    gcfg = os.path.join(ROOT, "configs", "examples", "os_8x8_int8.ini")  # no [model]
    rows = os.path.join(base, "rows.bin")  # two rows of tiny_layer's 32 int8 values
    with open(rows, "wb") as f:
        f.write(bytes(64))
    cases = [
        (["gen"], "tforge gen: missing CONFIG"),
        (["check"], "tforge check: missing CONFIG"),
        (["frob"], "tforge: unknown command 'frob'"),
        (["frob\nx"], "tforge: unknown command 'frob\\nx'"),
        (["keys", "x"], "tforge keys: unexpected argument 'x'"),
        (["check", cfg, "b.ini"], "tforge check: unexpected argument 'b.ini'"),
        (["check", cfg, "--bogus"], "tforge check: unknown option '--bogus'"),
        (["check", cfg, "--bo\x1bgus"], "tforge check: unknown option '--bo\\x1bgus'"),
        (["gen", cfg, "--name", "-o", "x"], "tforge gen: unknown option '--name'"),
        (["check", cfg, "--plan"], "tforge check: unknown option '--plan'"),
        (["gen", cfg], "tforge gen: missing -o DIR"),
        (["gen", cfg, "-o"], "tforge gen: -o needs an argument"),
        (["check", cfg, "-D"], "tforge check: -D needs an argument"),
        (["check", cfg, "-D", "array.rows"], "-D:1: 'array.rows': malformed override"),
        (["check", cfg, "-Darray.rows"], "-D:1: 'array.rows': malformed override"),
        (["check", cfg, "-D", ".rows=1"], "-D:1: '.rows=1': malformed override"),
        (["check", cfg, "-D", "array.=1"], "-D:1: 'array.=1': malformed override"),
        (["check", cfg, "-D", "=1"], "-D:1: '=1': malformed override"),
        (["check", cfg, "-D", "a=b.c"], "-D:1: 'a=b.c': malformed override"),
        (["check", cfg, "-D", "array.rows=4", "-D", "x"], "-D:2: 'x': malformed override"),
        (["check", cfg, "-D", "array.rows=6\n4"], "-D:1: 'array.rows=6\\n4': control character"),
        (["check", cfg, "-D", "array.rows=" + "9" * 10000], "-D:1: array.rows = 999"),
        (["check", cfg, "-D", "bogus.rows=1"], "-D:1: bogus.rows = 1: unknown section"),
        (["check", ""], "tforge check: CONFIG is an empty string"),
        (["check", os.path.join(base, "missing.ini")], os.path.join(base, "missing.ini") + ": cannot read"),
        (["check", base], base + ": cannot read: Is a directory"),
        (["check", big], big + ": larger than 1048576 bytes"),
        (["check", empty], empty + ": design.name: required key is missing"),
        (["check", "/" + "p" * 5000 + ".ini"], "/ppp"),
        (["check", os.path.join(base, "new\nline.ini")], os.path.join(base, "new\\nline.ini")),
        # pack and golden (the accelerator configs)
        (["pack", mcfg, "-o", "x.img"], "tforge pack: missing the weights' source"),
        (["pack", mcfg, "--random", "1", "--safetensors", "a", "-o", "x.img"], "tforge pack: two weights' sources"),
        (["pack", mcfg, "--random", "1"], "tforge pack: missing -o FILE"),
        (["pack", mcfg, "--random"], "tforge pack: --random needs an argument"),
        (["pack", mcfg, "--random", "0x10", "-o", "x.img"], "tforge pack: --random '0x10': not a seed"),
        (["pack", mcfg, "--random", "1", "--ln-eps", "1e-5", "-o", "x.img"], "tforge pack: --ln-eps without"),
        (["pack", mcfg, "--safetensors", "a", "--ln-eps", "-1", "-o", "x.img"], "tforge pack: --ln-eps '-1'"),
        (["pack", mcfg, "-D", "model.norm=post", "--safetensors", os.path.join(base, "none.st"), "-o", "x.img"],
         "tforge pack: " + os.path.join(base, "none.st") + ": cannot open it"),
        (["pack", mcfg, "-D", "model.norm=post", "--safetensors", empty, "-o", "x.img"],
         "tforge pack: " + empty + ": offset 0: 0 bytes"),
        (["pack", mcfg, "--safetensors", empty, "-o", "x.img"], "tforge pack: " + mcfg + ": model.norm = pre"),
        (["pack", gcfg, "--random", "1", "-o", "x.img"], "tforge pack: " + gcfg + " has no [model] section"),
        (["pack", mcfg, "--random", "1", "-o", base], "tforge pack: -o '" + base + "': cannot replace it"),
        (["pack", mcfg, "--random", "1", "--plan", "-o", "x.img"], "tforge pack: unknown option '--plan'"),
        (["golden", mcfg, "--image", "a", "--input", "b"], "tforge golden: missing -o FILE"),
        (["golden", mcfg, "--input", "b", "-o", "y"], "tforge golden: missing --image FILE"),
        (["golden", mcfg, "--image", empty, "--input", empty, "-o", "y"], "tforge golden: --input " + empty),
        (["golden", mcfg, "--image", big, "--input", big, "-o", "y"], "tforge golden: --input " + big),
        (["golden", mcfg, "--image", empty, "--input", rows, "-o", "y"], "tforge golden: --image " + empty +
         ": offset 0: 0 bytes, shorter than the header"),
        (["golden", gcfg, "--image", "a", "--input", "b", "-o", "y"], "tforge golden: " + gcfg + " has no [model]"),
        # perf (its ranges and the CSV's atomicity: tests/perf_check.py)
        (["perf", gcfg], "tforge perf: " + gcfg + " has no [model] section"),
        (["perf", mcfg, "--prompt", "1e3"], "tforge perf: --prompt '1e3': not a number in range"),
        (["perf", mcfg, "--decode", "-1"], "tforge perf: --decode '-1': not a number in range"),
        (["perf", mcfg, "--bw", ""], "tforge perf: --bw '': not a number in range"),
        (["perf", mcfg, "--lat"], "tforge perf: --lat needs an argument"),
        (["perf", mcfg, "--csv"], "tforge perf: --csv needs an argument"),
        (["perf", mcfg, "--csv", base], "tforge perf: --csv '" + base + "': cannot replace it"),
        (["perf", mcfg, "-o", "x"], "tforge perf: unknown option '-o'"),
    ]
    for args, prefix in cases:
        judge.refused("cli", repr(args)[:60], run(tf, args, cwd=base), prefix=prefix)


# ---- output paths ---------------------------------------------------------------------


def run_paths(tf, judge):
    cfg = os.path.join(ROOT, "configs", "default.ini")
    base = os.path.join(WORK, "paths")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    os.chmod(base, 0o777)  # the unprivileged cases write here too

    def parent_state():
        return snapshot(base)

    ref = os.path.join(base, "ref")
    st, _, err = run(tf, ["gen", cfg, "-o", ref])
    assert st == 0, err
    ref_snap = {e[1]: e[6] for e in snapshot(ref) if e[1] != "dir"}

    refusals = [
        (["-o", ""], "tforge gen: -o '': the last component"),
        (["-o", "."], "tforge gen: -o '.': the last component"),
        (["-o", ".."], "tforge gen: -o '..': the last component"),
        (["-o", "/"], "tforge gen: -o '/': the last component"),
        (["-o", "newparent/.."], "tforge gen: -o 'newparent/..': the last component"),
        (["-o", "a/b/c/."], "tforge gen: -o 'a/b/c/.': the last component"),
        (["-o", "n" * 245], "tforge gen: -o " + "n" * 245 + ": the directory name is 245 bytes"),
        (["-o", "deep/" + "n" * 300], "tforge gen: -o deep/"),
        (["-o", "x/" + "d" * 256 + "/out"], "tforge gen: -o x/ddd"),
    ]
    # a file, a foreign directory, a directory path through a file
    with open(os.path.join(base, "afile"), "w") as f:
        f.write("data\n")
    os.makedirs(os.path.join(base, "foreign"))
    with open(os.path.join(base, "foreign", "precious.txt"), "w") as f:
        f.write("mine\n")
    refusals += [
        (["-o", "afile"], "afile: exists and was not written by tforge"),
        (["-o", "foreign"], "foreign: exists and was not written by tforge"),
        (["-o", "afile/sub"], "afile/sub: cannot open a parent directory"),
        (["-o", "afile/sub/deeper"], "afile/sub/deeper: cannot open a parent directory"),
    ]
    for args, prefix in refusals:
        before = parent_state()
        res = run(tf, ["gen", cfg] + args, cwd=base)
        judge.refused("paths", repr(args)[:60], res, prefix=prefix, snaps=[(base, before)])
    # a newline is legal in a file name: the design is made, and the name shown escaped
    judge.count("paths")
    st, out, err = run(tf, ["gen", cfg, "-o", "ref/../ref2\n"], cwd=base)
    if st != 0 or b"tforge: wrote ref/../ref2\\n (" not in out:
        judge.bad("paths", "newline in -o", f"status {st}, {out[:200]!r} {err[:200]!r}")
    shutil.rmtree(os.path.join(base, "ref2\n"), ignore_errors=True)

    # long paths are handled, not truncated: every file under its own name
    for total in (4077, 4081, 4085, 4089, 4095, 4100, 4500):
        comps, n = [], len(os.path.join(base, "long")) + 1
        while n + 201 + 10 < total:
            comps.append("d" * 200)
            n += 201
        comps.append("e" * (total - n))
        path = os.path.join(base, "long", *comps)
        assert len(path) == total, (len(path), total)
        judge.count("paths")
        st, out, err = run(tf, ["gen", cfg, "-o", path], cwd=base)
        if st != 0:
            judge.bad("paths", f"-o of {len(path)} characters", f"status {st}: {err[:200]!r}")
            continue
        got = {e[1]: e[6] for e in snapshot(path) if e[1] != "dir"}
        if got != ref_snap:
            judge.bad("paths", f"-o of {len(path)} characters",
                      f"files differ from a short -o: {sorted(set(got) ^ set(ref_snap))}")
        leftovers = [e[1] for e in snapshot(os.path.join(base, "long"), False)
                     if ".tmp-" in e[1] or ".old-" in e[1] or ".tmp-" in e[0]]
        if leftovers:
            judge.bad("paths", f"-o of {len(path)} characters", f"left {leftovers}")
    subprocess.run(["rm", "-rf", os.path.join(base, "long")], cwd=base)

    # as an unprivileged user: read-only directories are refused before anything changes
    priv = os.geteuid() == 0
    own = os.path.join(base, "own")
    os.makedirs(own)
    if priv:
        os.chown(own, NOBODY, NOBODY)

    def gen_as_user(args, cwd=own):
        return run(tf, ["gen", cfg] + args, cwd=cwd, as_nobody=priv)

    st, _, err = gen_as_user(["-o", "d"])
    assert st == 0, err
    d = os.path.join(own, "d")
    cases = []
    os.chmod(d, 0o555)
    cases.append(("0555 DIR", ["-o", "d"], "d: the previous design cannot be removed"))
    for desc, args, prefix in cases:
        before = snapshot(own)
        judge.refused("paths", desc, gen_as_user(args), prefix=prefix, snaps=[(own, before)])
    os.chmod(d, 0o755)
    sub = os.path.join(d, "sub")
    os.makedirs(sub)
    if priv:
        os.chown(sub, NOBODY, NOBODY)
    os.chmod(sub, 0o555)
    before = snapshot(own)
    judge.refused("paths", "0555 subdirectory", gen_as_user(["-o", "d"]),
                  prefix="d/sub: the previous design cannot be removed", snaps=[(own, before)])
    if os.path.isdir(sub):
        os.chmod(sub, 0o755)
    ro = os.path.join(own, "ro")
    os.makedirs(ro)
    if priv:
        os.chown(ro, NOBODY, NOBODY)
    os.chmod(ro, 0o555)
    for args, prefix in ((["-o", "ro/x"], "ro/x: cannot create a directory beside it"),
                         (["-o", "ro/new/x"], "ro/new/x: cannot create a parent directory")):
        before = snapshot(own)
        judge.refused("paths", f"read-only parent {args[1]}", gen_as_user(args), prefix=prefix,
                      snaps=[(own, before)])
    os.chmod(ro, 0o755)
    # after all that, the unprivileged user can still replace its own design
    judge.count("paths")
    st, _, err = gen_as_user(["-o", "d"])
    if st != 0 or any(".tmp-" in n or ".old-" in n for n in os.listdir(own)):
        judge.bad("paths", "replace own design", f"status {st}, {err[:200]!r}, {os.listdir(own)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tforge", default=os.path.join(ROOT, "build", "tforge"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--full", action="store_true",
                    help="every mutation on every key line (about 50 000 cases; make test-long)")
    a = ap.parse_args()
    tf = os.path.abspath(a.tforge)
    os.makedirs(WORK, exist_ok=True)
    keys = key_table(tf)
    configs = sorted(os.path.relpath(p, ROOT) for p in
                     glob.glob(os.path.join(ROOT, "configs", "**", "*.ini"), recursive=True) +
                     glob.glob(os.path.join(ROOT, "tests", "golden", "*.ini")))
    judges, seen = [], set()
    plans = [(c,) + plan_config(c, keys, seen, a.full) for c in configs]
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = []
        for c, cases, dcases in plans:
            j = Judge()
            judges.append(j)
            futs.append(ex.submit(run_config, tf, c, cases, dcases, j))
        for f in futs:
            f.result()
    jc = Judge()
    run_cli(tf, jc)
    jp = Judge()
    run_paths(tf, jp)
    judges += [jc, jp]
    total, problems = {}, []
    for j in judges:
        for k, v in j.cases.items():
            total[k] = total.get(k, 0) + v
        problems += j.problems
    n = sum(total.values())
    for k in ("mutations", "defines", "cli", "paths"):
        print(f"badinput: {k:9s} {total.get(k, 0):6d} cases" +
              (f" ({len(configs)} configs, {len(keys)} keys)" if k == "mutations" else ""))
    with open(os.path.join(WORK, "problems.txt"), "w") as f:
        f.write("\n".join(problems) + ("\n" if problems else ""))
    for p in problems[:30]:
        print("  " + p)
    print(f"badinput: {n} cases, {len(problems)} problems" +
          ("" if not problems else f" (all in {os.path.relpath(WORK, ROOT)}/problems.txt)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
