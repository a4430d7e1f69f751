#!/usr/bin/env python3
"""pack_check.py -- a BERT checkpoint through tforge pack and the golden layers, against numpy.

A random post-LN BERT encoder of configs/model/tiny_layer.ini's shape (d 32, two heads, FFN 64,
two layers; bidirectional and causal) is written as a safetensors file with the safetensors
package (tensor names and [out][in] layouts of a real checkpoint, "encoder.layer.I...");
`tforge pack --safetensors` quantizes it into a weight image; `tforge golden` runs the
bit-exact integer layers on quantized inputs; numpy runs the same float layers on the same
(dequantized) inputs. Checked: every token's output agrees with numpy (cosine similarity, and
the error relative to the outputs' spread), and a damaged checkpoint is refused with the
tensor's name and what is wrong, exit status 2, one line, no output file.

usage: pack_check.py [--tforge BIN]   prints one line per check and "pack_check: N passed, M failed"
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys

import numpy as np
from safetensors.numpy import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "pack_check")
CONFIG = os.path.join(ROOT, "configs", "model", "tiny_layer.ini")
D, H, F, L, T = 32, 2, 64, 2, 12
EPS = 1e-12


def bert(rng):
    """random BERT layers: weights N(0, 1/in), biases and LayerNorm shifts small, gains near 1"""
    t = {}
    for i in range(L):
        p = f"encoder.layer.{i}."
        for name, o, n in (("attention.self.query", D, D), ("attention.self.key", D, D),
                           ("attention.self.value", D, D), ("attention.output.dense", D, D),
                           ("intermediate.dense", F, D), ("output.dense", D, F)):
            t[p + name + ".weight"] = (rng.standard_normal((o, n)) / math.sqrt(n)).astype(np.float32)
            t[p + name + ".bias"] = (0.1 * rng.standard_normal(o)).astype(np.float32)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            t[p + ln + ".weight"] = (1 + 0.1 * rng.standard_normal(D)).astype(np.float32)
            t[p + ln + ".bias"] = (0.1 * rng.standard_normal(D)).astype(np.float32)
    t["embeddings.word_embeddings.weight"] = rng.standard_normal((10, D)).astype(np.float32)  # not used
    return t


def layernorm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + EPS) + b


def gelu(x):
    from math import erf
    return 0.5 * x * (1 + np.vectorize(erf)(x / math.sqrt(2)))


def reference(t, x, causal):
    """the float layers in numpy (float64)"""
    hd = D // H
    for i in range(L):
        p = f"encoder.layer.{i}."
        w = lambda n: t[p + n + ".weight"].astype(np.float64)
        b = lambda n: t[p + n + ".bias"].astype(np.float64)
        q = x @ w("attention.self.query").T + b("attention.self.query")
        k = x @ w("attention.self.key").T + b("attention.self.key")
        v = x @ w("attention.self.value").T + b("attention.self.value")
        a = np.zeros_like(x)
        for h in range(H):
            s = q[:, h * hd:(h + 1) * hd] @ k[:, h * hd:(h + 1) * hd].T / math.sqrt(hd)
            if causal:
                s = np.where(np.tril(np.ones((len(x), len(x)))) > 0, s, -np.inf)
            s = np.exp(s - s.max(-1, keepdims=True))
            a[:, h * hd:(h + 1) * hd] = (s / s.sum(-1, keepdims=True)) @ v[:, h * hd:(h + 1) * hd]
        o = a @ w("attention.output.dense").T + b("attention.output.dense")
        x1 = layernorm(x + o, w("attention.output.LayerNorm"), b("attention.output.LayerNorm"))
        u = gelu(x1 @ w("intermediate.dense").T + b("intermediate.dense"))
        f = u @ w("output.dense").T + b("output.dense")
        x = layernorm(x1 + f, w("output.LayerNorm"), b("output.LayerNorm"))
    return x


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, ok, what):
        print(("PASS  " if ok else "FAIL  ") + what)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def run(tf, *args):
    return subprocess.run([tf] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tforge", default=os.path.join(ROOT, "build", "tforge"))
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    ok = Checks()
    rng = np.random.default_rng(7)
    t = bert(rng)
    st = os.path.join(WORK, "bert.safetensors")
    save_file(t, st)
    for mask, causal in (("bidirectional", False), ("causal", True)):
        img = os.path.join(WORK, f"{mask}.img")
        defs = ["-D", "model.norm=post", "-D", f"model.attention={mask}"]
        r = run(a.tforge, "pack", CONFIG, *defs, "--safetensors", st, "-o", img)
        ok(r.returncode == 0, f"pack {mask}: {r.stdout.strip() or r.stderr.strip()}")
        if r.returncode:
            continue
        hdr = open(img, "rb").read(64)
        in_s, out_s = struct.unpack_from("<ff", hdr, 52)
        x = rng.standard_normal((T, D))
        xq = np.clip(np.round(x / in_s), -128, 127).astype(np.int8)
        xin = os.path.join(WORK, f"{mask}.in")
        yout = os.path.join(WORK, f"{mask}.out")
        xq.tofile(xin)
        r = run(a.tforge, "golden", CONFIG, *defs, "--image", img, "--input", xin, "-o", yout)
        ok(r.returncode == 0, f"golden {mask}: {r.stdout.strip() or r.stderr.strip()}")
        if r.returncode:
            continue
        y = np.fromfile(yout, dtype=np.int8).reshape(T, D).astype(np.float64) * out_s
        ref = reference(t, xq.astype(np.float64) * in_s, causal)
        cos = [float(y[i] @ ref[i] / (np.linalg.norm(y[i]) * np.linalg.norm(ref[i]))) for i in range(T)]
        rel = float(np.abs(y - ref).mean() / np.abs(ref).mean())
        worst = float(np.abs(y - ref).max() / np.abs(ref).std())
        # int8 activations and weights through two layers: each rounding is half an LSB of a
        # tensor whose LSB is max|x| / 127; a wrong scale or wiring gives cosines far below 0.9
        ok(min(cos) > 0.98 and rel < 0.1,
           f"{mask}: integer layers vs numpy, {T} tokens: cosine min {min(cos):.4f} mean {np.mean(cos):.4f}, "
           f"mean |error| {100 * rel:.1f} % of mean |output|, max error {worst:.2f} output sd "
           f"(an output LSB {out_s:.4g})")
    # --calib: calibration on given sequences (real text's embeddings, in scripts/minilm.py) gives
    # the scales of those sequences: the image's input LSB is their max |x| / 127 (with
    # --calib-pct 99, their 99th percentile of |x| / 127), and the integer layers stay as close
    # to numpy on them; malformed calibration files are refused, naming the tensor
    img = os.path.join(WORK, "calib.img")
    cal = {f"seq.{i}": (rng.standard_normal((T - i, D)) * 1.5).astype(np.float32) for i in range(4)}
    cfile = os.path.join(WORK, "calib.safetensors")
    save_file(cal, cfile)
    allx = np.abs(np.concatenate([v.ravel() for v in cal.values()]).astype(np.float64))
    for pct, want_in in ((None, allx.max() / 127), ("99", np.percentile(allx, 99, method="inverted_cdf") / 127)):
        extra = ["--calib-pct", pct] if pct else []
        r = run(a.tforge, "pack", CONFIG, "-D", "model.norm=post", "--safetensors", st, "--calib", cfile, *extra,
                "-o", img)
        ok(r.returncode == 0, f"pack --calib {pct or ''}: {r.stdout.strip() or r.stderr.strip()}")
        if r.returncode:
            continue
        in_s, out_s = struct.unpack_from("<ff", open(img, "rb").read(64), 52)
        ok(abs(in_s - want_in) <= 1e-6 * want_in, f"--calib {pct or 'max'}: input LSB {in_s:.6g}, the calibration "
           f"sequences' {'99th percentile' if pct else 'max'} |x| / 127 = {want_in:.6g}")
    bad_cal = [("rank 3", {"seq.0": np.zeros((1, T, D), np.float32)}, "tensor 'seq.0': rank 3"),
               ("wrong width", {"seq.0": np.zeros((T, D + 1), np.float32)}, f"tensor 'seq.0': shape [{T}, {D + 1}]"),
               ("too long", {"s": np.zeros((129, D), np.float32)}, f"tensor 's': shape [129, {D}]"),
               ("not finite", {"s": np.full((2, D), np.inf, np.float32)}, "tensor 's': element 0 is not finite"),
               ("no tensor", {}, "no tensor")]
    for what, tensors, want in bad_cal:
        f = os.path.join(WORK, "badcal.safetensors")
        save_file(tensors, f)
        if os.path.exists(img):
            os.unlink(img)
        r = run(a.tforge, "pack", CONFIG, "-D", "model.norm=post", "--safetensors", st, "--calib", f, "-o", img)
        ok(r.returncode == 2 and want in r.stderr and "--calib" in r.stderr and "(legal: " in r.stderr
           and not os.path.exists(img), f"--calib refused ({what}): {r.stderr.strip()}")
    for args, want in ((["--calib-pct", "40"], "--calib-pct '40': not a percentile"),
                       (["--calib-pct", "99x"], "--calib-pct '99x': not a percentile")):
        r = run(a.tforge, "pack", CONFIG, "-D", "model.norm=post", "--safetensors", st, *args, "-o", img)
        ok(r.returncode == 2 and want in r.stderr and not os.path.exists(img), f"refused ({' '.join(args)}): "
           f"{r.stderr.strip()}")
    r = run(a.tforge, "pack", CONFIG, "--random", "1", "--calib", cfile, "-o", img)
    ok(r.returncode == 2 and "--calib without --safetensors" in r.stderr, f"refused (--calib, random): {r.stderr.strip()}")
    # damaged checkpoints: refused with the tensor's name, one line, no output
    img = os.path.join(WORK, "bad.img")
    key = "encoder.layer.1.attention.self.key.weight"
    cases = []
    b = dict(t)
    del b[key]
    cases.append(("missing tensor", b, f"tensor '{key}': missing"))
    b = dict(t)
    b[key] = b[key][:, :-1].copy()
    cases.append(("wrong shape", b, f"tensor '{key}': shape [32, 31]"))
    b = dict(t)
    b[key] = b[key].astype(np.float16)
    cases.append(("wrong dtype", b, f"tensor '{key}': dtype F16"))
    b = dict(t)
    b[key] = b[key].copy()
    b[key][3, 4] = np.nan
    cases.append(("not finite", b, f"tensor '{key}': element 100 is not finite"))
    b = dict(t)
    b["encoder.layer.2.attention.self.query.weight"] = t["encoder.layer.0.attention.self.query.weight"]
    cases.append(("more layers", b, "more layers than the config's 2"))
    for what, tensors, want in cases:
        f = os.path.join(WORK, "bad.safetensors")
        save_file(tensors, f)
        if os.path.exists(img):
            os.unlink(img)
        r = run(a.tforge, "pack", CONFIG, "-D", "model.norm=post", "--safetensors", f, "-o", img)
        ok(r.returncode == 2 and want in r.stderr and r.stderr.count("\n") == 1 and "(legal: " in r.stderr
           and not os.path.exists(img) and not [n for n in os.listdir(WORK) if ".tmp-" in n],
           f"refused ({what}): {r.stderr.strip()}")
    raw = open(st, "rb").read()
    for what, data, want in (("truncated", raw[:len(raw) // 2], "data_offsets outside"),
                             ("header length", struct.pack("<Q", 1 << 40) + raw[8:], "header length"),
                             ("not JSON", raw[:8] + b"!" + raw[9:], "not a JSON object")):
        f = os.path.join(WORK, "bad.safetensors")
        open(f, "wb").write(data)
        r = run(a.tforge, "pack", CONFIG, "-D", "model.norm=post", "--safetensors", f, "-o", img)
        ok(r.returncode == 2 and want in r.stderr and not os.path.exists(img), f"refused ({what}): {r.stderr.strip()}")
    print(f"pack_check: {ok.passed} passed, {ok.failed} failed")
    return 1 if ok.failed else 0


if __name__ == "__main__":
    sys.exit(main())
