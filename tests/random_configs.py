#!/usr/bin/env python3
"""random_configs.py -- seeded random valid configurations through the flow (make test,
make test-long).

  random_configs.py [--seed S] [--count N] [--wide] [--out DIR] [--draw-only]

Draws N configurations from seed S (default: a new seed from the clock, printed first so a
failure replays with --seed S; RANDOM_SEED in the environment sets it too). Each one has an
[array] and [gemm] section and, at random, a register file, an attention unit, an
auxiliary unit and a memory system; every key of those sections is drawn within its range
(caps on the sizes, wider with --wide, so that a run stays short: an engine of 1 PE
simulating GEMMs at maxima of 96 x 160 x 96 already takes a minute). A draw that tforge
refuses by a rule between keys is drawn again (tforge check decides; nothing here restates
its rules), up to 5 000 times. Each accepted config is written to DIR (default
build/random/S), then goes through tforge gen, lint (Verilator, Icarus, Yosys) and a short
Verilator co-simulation of every block it builds, each against its golden model.
Prints one line per step and ends with "random_configs: N passed, M failed".

The keys' ranges are checked against `tforge keys`: a key the generator does not know, or a
range outside tforge's, is an error, so a new key cannot be left out silently. The [model]
and [batch] sections (the accelerator) are not drawn: their rules tie every block's sizes to
the model's, and the accelerator configs of configs/model/ cover them.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TFORGE = os.path.join(ROOT, "build", "tforge")
FLOW = os.path.join(ROOT, "scripts", "flow.sh")

# (section, key): how to draw it, as (kind, small range, wide range).
#  int: inclusive bounds; pow2: a power of two within the bounds; choice: the values
B = ("choice", ["true", "false"], ["true", "false"])
KEYS = {
    ("design", "name"): None,  # set per config
    ("design", "clock_mhz"): ("int", (50, 1000), (1, 5000)),
    ("array", "rows"): ("int", (1, 6), (1, 16)),
    ("array", "cols"): ("int", (1, 6), (1, 16)),
    ("array", "dataflow"): ("choice", ["os", "ws"], ["os", "ws"]),
    ("array", "operand_bits"): ("int", (4, 16), (4, 16)),
    ("gemm", "max_m"): ("int", (1, 24), (1, 96)),
    ("gemm", "max_k"): ("int", (1, 40), (1, 160)),
    ("gemm", "max_n"): ("int", (1, 24), (1, 96)),
    ("gemm", "requant"): B,
    ("gemm", "requant_bits"): ("int", (2, 16), (2, 16)),
    ("gemm", "store"): ("choice", ["none", "flops", "banked"], ["none", "flops", "banked"]),
    ("trf", "rows"): ("int", (1, 12), (1, 64)),
    ("trf", "cols"): ("int", (1, 12), (1, 64)),
    ("trf", "width"): ("int", (1, 16), (1, 64)),
    ("trf", "read_ports"): ("int", (1, 2), (1, 2)),
    ("trf", "impl"): ("choice", ["flops", "banked"], ["flops", "banked"]),
    ("trf", "write_mask"): B,
    ("attn", "banks"): ("int", (1, 4), (1, 16)),
    ("attn", "tokens_per_bank"): ("int", (1, 12), (1, 64)),
    ("attn", "head_dim"): ("int", (1, 16), (1, 64)),
    ("attn", "heads"): ("int", (1, 3), (1, 4)),
    ("attn", "heads_parallel"): B,
    ("attn", "lanes"): ("divisor", "head_dim", None),
    ("attn", "kv_bits"): ("choice", [4, 8], [4, 8]),
    ("attn", "exp_table_bits"): ("int", (2, 10), (2, 10)),
    ("attn", "exp_bits"): ("int", (6, 16), (6, 16)),
    ("attn", "exp_frac_bits"): ("int", (2, 30), (2, 30)),
    ("attn", "prob_bits"): ("int", (6, 16), (6, 16)),
    ("attn", "importance_bits"): ("int", (7, 32), (7, 32)),
    ("attn", "prune"): ("choice", ["none", "importance"], ["none", "importance"]),
    ("attn", "recent"): ("int", (0, 4), (0, 16)),
    ("attn", "topk"): ("int", (0, 6), (0, 32)),
    ("attn", "regions"): ("divisor", "tokens_per_bank", None),
    ("aux", "bias"): B,
    ("aux", "requant"): B,
    ("aux", "residual"): B,
    ("aux", "layernorm"): B,
    ("aux", "gelu"): B,
    ("aux", "lanes"): ("int", (1, 6), (1, 16)),
    ("aux", "max_d"): ("int", (1, 64), (1, 512)),
    ("aux", "max_rows"): ("int", (1, 16), (1, 300)),
    ("aux", "acc_bits"): ("int", (16, 48), (16, 48)),
    ("aux", "bias_bits"): ("int", (2, 32), (2, 32)),
    ("aux", "rq_bits"): ("int", (2, 24), (2, 24)),
    ("aux", "res_bits"): ("int", (2, 24), (2, 24)),
    ("aux", "res_in_bits"): ("int", (2, 16), (2, 16)),
    ("aux", "ln_in_bits"): ("int", (2, 20), (2, 20)),
    ("aux", "ln_out_bits"): ("int", (2, 16), (2, 16)),
    ("aux", "ln_max_d"): ("int", (1, 64), (1, 512)),
    ("aux", "ln_rows"): ("int", (1, 8), (1, 32)),
    ("aux", "ln_banks"): ("int", (2, 3), (2, 3)),
    ("aux", "gelu_in_bits"): ("int", (2, 16), (2, 16)),
    ("aux", "gelu_out_bits"): ("int", (2, 16), (2, 16)),
    ("mem", "data_bits"): ("pow2", (32, 256), (32, 512)),
    ("mem", "addr_bits"): ("int", (16, 64), (16, 64)),
    ("mem", "id_bits"): ("int", (1, 16), (1, 16)),
    ("mem", "burst_len"): ("int", (1, 32), (1, 256)),
    ("mem", "max_reads"): ("int", (1, 8), (1, 64)),
    ("mem", "max_writes"): ("int", (1, 8), (1, 64)),
    ("mem", "corner_words"): ("pow2", (2, 32), (2, 256)),
}
# keys that apply only when another key has a value (tforge refuses them otherwise): dropped
# from a draw whose switch is off. (section, key) -> (switch key, value needed, its default)
NEEDS = {
    ("gemm", "requant_bits"): ("requant", "true", "true"),
    ("attn", "recent"): ("prune", "importance", "importance"),
    ("aux", "bias_bits"): ("bias", "true", "true"),
    ("aux", "rq_bits"): ("requant", "true", "true"),
    ("aux", "res_bits"): ("residual", "true", "true"),
    ("aux", "res_in_bits"): ("residual", "true", "true"),
    ("aux", "ln_in_bits"): ("layernorm", "true", "true"),
    ("aux", "ln_out_bits"): ("layernorm", "true", "true"),
    ("aux", "ln_max_d"): ("layernorm", "true", "true"),
    ("aux", "ln_rows"): ("layernorm", "true", "true"),
    ("aux", "ln_banks"): ("layernorm", "true", "true"),
    ("aux", "gelu_in_bits"): ("gelu", "true", "true"),
    ("aux", "gelu_out_bits"): ("gelu", "true", "true"),
}
NOT_DRAWN = {"model", "batch"}
# keys always written (besides all of [array]): the sizes, so that a default never makes a
# design larger than the caps above
ALWAYS_SET = {("gemm", "max_m"), ("gemm", "max_k"), ("gemm", "max_n"), ("trf", "rows"),
              ("trf", "cols"), ("attn", "banks"), ("attn", "tokens_per_bank")}
OPTIONAL = ["trf", "attn", "aux", "mem"]
# the flow step and its short run, per block the manifest lists
COSIM = {
    "gemm": ("cosim", {"COSIM_ARGS": "--gemms 12"}),
    "trf": ("trf-cosim", {"TRF_CYCLES": "3000"}),
    "attn": ("attn-cosim", {"ATTN_STEPS": "60"}),
    "aux": ("aux-cosim", {"AUX_CMDS": "25"}),
    "mem": ("mem-cosim", {"MEM_BATCHES": "8"}),
}


def tforge_ranges():
    """(section, key) -> (lo, hi) for the numeric keys of `tforge keys`, None for others."""
    out = subprocess.run([TFORGE, "keys"], capture_output=True, text=True, check=True).stdout
    ranges = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"^(\w+)\s+(\w+)\s+(\S+)", line)
        if not m:
            continue
        r = re.match(r"^(\d+)\.\.(\d+)$", m.group(3))
        ranges[(m.group(1), m.group(2))] = (int(r.group(1)), int(r.group(2))) if r else None
    return ranges


def check_table():
    errors = []
    ranges = tforge_ranges()
    for k, rng in ranges.items():
        if k[0] in NOT_DRAWN:
            continue
        if k not in KEYS:
            errors.append(f"{k[0]}.{k[1]}: a key of tforge keys the generator does not draw")
            continue
        spec = KEYS[k]
        if spec is None or rng is None or spec[0] not in ("int", "pow2"):
            continue
        for bounds in (spec[1], spec[2]):
            if bounds[0] < rng[0] or bounds[1] > rng[1]:
                errors.append(f"{k[0]}.{k[1]}: drawn in {bounds[0]}..{bounds[1]}, tforge's range is {rng[0]}..{rng[1]}")
    for k in KEYS:
        if k not in ranges:
            errors.append(f"{k[0]}.{k[1]}: drawn here but not a key of tforge keys")
    return errors


def draw(rng, name, wide):
    sections = ["design", "array", "gemm"] + [s for s in OPTIONAL if rng.random() < 0.5]
    cfg = {s: {} for s in sections}
    cfg["design"]["name"] = name
    for (sec, key), spec in KEYS.items():
        if sec not in cfg or spec is None or spec[0] == "divisor":
            continue
        kind, small, big = spec
        bounds = big if wide else small
        if kind == "int":
            v = rng.randint(*bounds)
        elif kind == "pow2":
            v = rng.choice([1 << i for i in range(31) if bounds[0] <= (1 << i) <= bounds[1]])
        else:
            v = rng.choice(bounds)
        # about half the keys are left at their defaults, so defaults are drawn too (the
        # draw comes first, so the random sequence is the same whichever keys are kept)
        if rng.random() < 0.5 or sec == "array" or (sec, key) in ALWAYS_SET:
            cfg[sec][key] = v
    # a few orderings between keys drawn in order, so that most draws pass (tforge check
    # still decides; these only raise the rate)
    a, g, t, x = cfg["array"], cfg["gemm"], cfg.get("attn"), cfg.get("aux")
    if g.get("store", "none") != "none":
        g["requant"] = "true"
    if "requant_bits" in g:
        g["requant_bits"] = rng.randint(2, min(16, 2 * int(a.get("operand_bits", 8))))
    if t is not None:
        if "importance_bits" in t:
            t["importance_bits"] = rng.randint(int(t.get("prob_bits", 15)) + 1, 32) if int(t.get("prob_bits", 15)) < 32 else 32
        if "exp_frac_bits" in t:
            t["exp_frac_bits"] = rng.randint(int(t.get("exp_table_bits", 8)), 30)
    if x is not None:
        x["lanes"] = a["cols"]
        # the engine's accumulators: two operands' product plus the bits of max_k
        eng = 2 * int(a.get("operand_bits", 8)) + max(1, (int(g.get("max_k", 64)) - 1).bit_length())
        if "acc_bits" in x:
            x["acc_bits"] = rng.randint(min(max(16, eng), 48), 48)
        acc = int(x.get("acc_bits", 32))
        if "bias_bits" in x or acc < 32:
            x["bias_bits"] = rng.randint(2, min(32, acc))
        if "max_rows" in x:
            x["max_rows"] = rng.randint(int(g.get("max_m", 64)), max(int(g.get("max_m", 64)), 300))
        if "ln_max_d" in x or "max_d" in x:
            x["ln_max_d"] = rng.randint(1, int(x.get("max_d", 4096)) if "max_d" in x else 64)
        if "ln_rows" in x or "max_rows" in x:
            x["ln_rows"] = rng.randint(1, min(256, int(x.get("max_rows", 512))))
    for (sec, key), (switch, value, default) in NEEDS.items():
        if sec in cfg and key in cfg[sec] and str(cfg[sec].get(switch, default)) != value:
            del cfg[sec][key]
    for (sec, key), spec in KEYS.items():
        if sec in cfg and spec is not None and spec[0] == "divisor" and (spec[1] in cfg[sec] or rng.random() < 0.7):
            of = int(cfg[sec].get(spec[1], 64 if spec[1] == "head_dim" else 1))
            cfg[sec][key] = rng.choice([d for d in range(1, of + 1) if of % d == 0])
    if t is not None and int(t.get("regions", 1)) > 1:
        t["prune"] = "none"
        t.pop("recent", None)
    return cfg


def text(cfg, seed, index):
    lines = [f"; drawn by tests/random_configs.py --seed {seed} (config {index})"]
    for sec, kv in cfg.items():
        lines.append(f"[{sec}]")
        for k, v in kv.items():
            lines.append(f"{k} = {str(v).lower() if isinstance(v, bool) else v}")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--wide", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--draw-only", action="store_true", help="draw and check the configs, run nothing")
    a = ap.parse_args()
    seed = a.seed
    if seed is None:
        seed = int(os.environ["RANDOM_SEED"]) if os.environ.get("RANDOM_SEED") else int(time.time()) % 1000000007
    if not 1 <= a.count <= 1000:
        sys.exit(f"random_configs: --count {a.count} (legal: 1..1000)")
    print(f"random_configs: seed {seed} (replay: python3 tests/random_configs.py --seed {seed} --count {a.count}"
          f"{' --wide' if a.wide else ''})", flush=True)
    errors = check_table()
    if errors:
        for e in errors:
            print("random_configs: key table:", e)
        print("random_configs: 0 passed, 1 failed")
        return 1
    rng = random.Random(seed)
    out = a.out or os.path.join(ROOT, "build", "random", str(seed))
    os.makedirs(out, exist_ok=True)
    passed = failed = 0
    for i in range(a.count):
        name = f"rnd{seed % 100000}_{i}"
        path = os.path.join(out, name + ".ini")
        for tries in range(1, 5001):
            body = text(draw(rng, name, a.wide), seed, i)
            with open(path, "w") as f:
                f.write(body)
            r = subprocess.run([TFORGE, "check", path], capture_output=True, text=True)
            if r.returncode == 0:
                break
            if r.returncode != 2 or len(r.stderr.strip().splitlines()) != 1:
                print(f"random_configs: FAIL {path}: tforge check exited {r.returncode} with {r.stderr.strip()!r} "
                      "(a refusal is one line and status 2)")
                failed += 1
                break
        else:
            print(f"random_configs: FAIL config {i}: no valid draw in 5000 tries")
            failed += 1
            continue
        if r.returncode != 0:
            continue
        print(f"random_configs: {path} (drawn in {tries} tries)", flush=True)
        if a.draw_only:
            passed += 1
            continue
        ok = run_step("lint", path, {})
        if ok:
            mpath = os.path.join(ROOT, "rtl_out", name, f"{name}_manifest.json")
            for blk in json.load(open(mpath))["blocks"]:
                if blk in COSIM:
                    step, env = COSIM[blk]
                    ok = run_step(step, path, env) and ok
        if ok:
            passed += 1
        else:
            failed += 1
    print(f"random_configs: {passed} passed, {failed} failed (seed {seed})")
    return 0 if failed == 0 else 1


def run_step(step, path, env):
    t0 = time.time()
    r = subprocess.run([FLOW, step, path], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, **env})
    tail = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    outs = [ln for ln in r.stdout.splitlines() if ln.strip()]
    verdict = (outs or tail or [""])[-1][:150]
    if r.returncode == 0:
        print(f"  ok   {step:10} {time.time() - t0:5.0f} s  {verdict}", flush=True)
        return True
    print(f"  FAIL {step:10} {time.time() - t0:5.0f} s  (status {r.returncode})")
    for ln in tail[-12:]:
        print("      " + ln)
    return False


if __name__ == "__main__":
    sys.exit(main())
