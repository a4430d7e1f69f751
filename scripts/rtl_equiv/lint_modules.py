#!/usr/bin/env python3
"""lint_modules.py [CONFIG...] -- each templates/gemm module on its own, at its default
parameters and at the parameters of each CONFIG (taken from the wrapper that wrap.py
writes for it): verilator --lint-only -Wall (-y templates -y templates/gemm), iverilog
-g2005 -Wall (same library directories), Yosys hierarchy -check; proc; check -assert with
no latch. Prints one line per module and parameter set; exits 1 on any warning."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.chdir(ROOT)
CONFIGS = sys.argv[1:] or ["configs/default.ini", "configs/matrix/m07_ws_8x8_i8.ini",
                           "configs/matrix/m15_os_3x4_i8_store.ini",
                           "configs/matrix/m16_ws_4x3_i4_store.ini",
                           "configs/matrix/m12_os_5x7_i8.ini", "configs/matrix/m01_os_1x1_i8.ini",
                           "configs/examples/os_8x8_store.ini", "configs/matrix/m11_ws_16x12_i8.ini"]
SUB = {
    "tf_mesh_os": ["R", "C", "OpW", "AccW", "RowSelW"],
    "tf_mesh_ws": ["R", "C", "OpW", "AccW", "RowSelW"],
    "tf_gemm_rq": ["C", "AccW", "RqOutW", "RqLat", "LaneW", "NtW", "NTMax", "RowIdxW", "ColIdxW"],
    "tf_gemm_store": ["Dataflow", "R", "C", "OpW", "AccW", "MMax", "NMax", "RowIdxW", "ColIdxW",
                      "NtW", "NTMax", "StoreImpl", "StNB", "StIdxW", "StRowW", "StColW"],
}
CELLS = ["templates/" + f for f in sorted(os.listdir("templates")) if f.endswith(".v")] + \
        ["templates/gemm/" + f for f in sorted(os.listdir("templates/gemm")) if f.endswith(".v")]


def gemm_params(config, tmp):
    d = os.path.join(tmp, os.path.basename(config)[:-4])
    subprocess.run(["scripts/rtl_equiv/tforge_param.sh", "gen", config, "-o", d], check=True,
                   stdout=subprocess.DEVNULL)
    w = [f for f in os.listdir(d) if f.endswith("_gemm.v") and f != "tf_gemm.v"][0]
    text = open(os.path.join(d, w)).read()
    body = text[text.index("tf_gemm #("):text.index(") u_gemm")]
    return {k: v for k, v in re.findall(r"\.(\w+)\s*\(([^)]*)\)", body) if re.fullmatch(r"-?\d+", v)}


def sets_for(mod, p):
    """The parameters of mod in a design whose tf_gemm parameters are p (None: not used)."""
    ws = p["Dataflow"] == "1"
    if mod == "tf_gemm":
        return dict(p)
    if mod == "tf_mesh_os" and ws or mod == "tf_mesh_ws" and not ws:
        return None
    if mod == "tf_gemm_rq" and p["HasRq"] == "0":
        return None
    if mod == "tf_gemm_store":
        if p["StoreImpl"] == "0":
            return None
        q = {k: p[k] for k in SUB[mod]}
        q.update(AGrpW=p["KtW"] if ws else p["MtW"],
                 AGrpN=p["KTMax"] if ws else p["MTMax"])
        return q
    return {k: p[k] for k in SUB[mod]}


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    return r.returncode, r.stdout


def check(mod, params):
    path = f"templates/gemm/{mod}.v"
    errs = []
    g = [f"-G{k}={v}" for k, v in params.items()]
    rc, out = run(["verilator", "--lint-only", "-Wall", "-y", "templates", "-y", "templates/gemm",
                   "--top-module", mod, *g, path])
    if rc or out.strip():
        errs.append("verilator: " + out.strip()[:800])
    pp = [f"-P{mod}.{k}={v}" for k, v in params.items()]
    rc, out = run(["iverilog", "-g2005", "-Wall", "-y", "templates", "-y", "templates/gemm",
                   "-s", mod, *pp, "-o", "/dev/null", path])
    if rc or out.strip():
        errs.append("iverilog: " + out.strip()[:800])
    chp = "".join(f"chparam -set {k} {v} {mod}; " for k, v in params.items())
    script = ("".join(f"read_verilog -defer {c}; " for c in CELLS) + chp +
              f"hierarchy -check -top {mod}; proc; check -assert; "
              "select -assert-none t:$dlatch t:$adlatch t:$dlatchsr")
    rc, out = run(["yosys", "-q", "-p", script])
    if rc:
        errs.append("yosys: " + out.strip()[-800:])
    return errs


def main():
    bad = 0
    mods = ["tf_mesh_os", "tf_mesh_ws", "tf_gemm_rq", "tf_gemm_store", "tf_gemm"]
    with tempfile.TemporaryDirectory() as tmp:
        psets = [("defaults", None)] + [(c, gemm_params(c, tmp)) for c in CONFIGS]
        for mod in mods:
            for label, p in psets:
                params = {} if p is None else sets_for(mod, p)
                if params is None:
                    continue
                errs = check(mod, params)
                bad += bool(errs)
                print(f"{'FAIL' if errs else 'ok  '} {mod:<14} {label:<42} "
                      f"({len(params)} parameters overridden)")
                for e in errs:
                    print("      " + e.replace("\n", "\n      "))
    print(f"lint_modules: {'all clean' if not bad else f'{bad} failing'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
