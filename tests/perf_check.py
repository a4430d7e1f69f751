#!/usr/bin/env python3
"""perf_check.py -- tforge perf's figures against what they must satisfy, on every
configs/model/ design.

For a prefill and decode steps of each design (its CSV, --csv): the CSV header; a layer's
cycles are its GEMM, attention and auxiliary parts; the MACs are n (4 d^2 + 2 d d_ff); the
utilization is MACs / (R C cycles); the GEMM cycles are at least the engine's compute, which
is at least the MACs at 100 %; every weight byte is read at least once per layer; the bound is
max(MACs / (R C), bytes / bandwidth, port), the units' bound max(engine compute, attention,
bytes / bandwidth, port), and the cycles are at least the units' bound, which is at least the
bound; and the attention cycles equal the unit's cycle formula
of docs/architecture.md section 3.5, recomputed here from the config file alone (a decode
step, an append, an attend; heads one after the other). Batched decode (--batch B): the same
invariants with B tokens a step, and on minilm_8x8 at B = 4 the weight bytes per token at least
3.9 x and the MAC utilization at least 3.4 x batch 1's (the batch controller's targets, as the
model predicts them). Then bad arguments: each refused with exit status 2, one line naming the
option and its legal range, and no CSV written.

usage: perf_check.py [--tforge BIN]   prints one line per check and "perf_check: N passed, M failed"
"""
import argparse
import configparser
import csv
import glob
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "perf_check")
HEADER = ("design,phase,step,tokens,context,layers,layer_cycles,gemm_cycles,attn_cycles,aux_cycles,seq_cycles,"
          "engine_compute,macs,mac_util,rd_bytes,wr_bytes,bound_cycles,cycles_over_bound,"
          "cycles_per_token,us_per_token,run_cycles,run_rd_bytes,run_wr_bytes,units_bound_cycles,"
          "cycles_over_units_bound").split(",")

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(("PASS  " if ok else "FAIL  ") + what)


def ini(path):
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    cp.read(path)
    get = lambda s, k, dflt: cp.get(s, k, fallback=str(dflt)).strip()
    m = {
        "R": int(get("array", "rows", 8)), "C": int(get("array", "cols", 8)),
        "d": int(get("model", "d_model", 0)), "heads": int(get("model", "heads", 1)),
        "d_ff": int(get("model", "d_ff", 0)), "layers": int(get("model", "layers", 1)),
        "max_seq": int(get("model", "max_seq", 1)),
        "causal": get("model", "attention", "causal") == "causal",
        "nb": int(get("attn", "banks", 1)), "tpb": int(get("attn", "tokens_per_bank", 1)),
        "regions": int(get("attn", "regions", 1)), "D": int(get("attn", "head_dim", 64)),
        "lanes": int(get("attn", "lanes", 8)), "aheads": int(get("attn", "heads", 1)),
        "par": get("attn", "heads_parallel", "false") == "true",
        "P": int(get("attn", "exp_bits", 15)), "PB": int(get("attn", "prob_bits", 15)),
        "port": int(get("mem", "data_bits", 64)) // 8,
    }
    return m


def attn_cycles(m, n, ctx):
    """one layer's attention cycles: docs/architecture.md 3.5, no top-k, no evictions"""
    D, nb, ch = m["D"], m["nb"], m["D"] // m["lanes"]
    cap = nb * (m["tpb"] // m["regions"])
    g = max(1, math.ceil(math.log2(cap)))
    qw = m["P"] + m["PB"] + g + 1

    def step(count):
        rows = -(-count // nb)
        return 2 * D + ch + 2 * rows * ch + rows + qw + 6

    p = ctx - n
    if m["causal"] or n == 1:
        c = sum(step(p + i + 1) for i in range(n))
    else:
        c = n * (1 + D + ch) + n * (step(ctx) - ch)
    serial = m["heads"] // m["aheads"] if m["par"] else m["heads"]
    return c * serial


def run(tforge, args):
    return subprocess.run([tforge, "perf"] + args, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tforge", default=os.path.join(ROOT, "build", "tforge"))
    o = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    runs = [(cfg, 1) for cfg in sorted(glob.glob(os.path.join(ROOT, "configs", "model", "*.ini")))]
    runs += [(os.path.join(ROOT, "configs", "model", "minilm_8x8.ini"), 4),
             (os.path.join(ROOT, "configs", "model", "tiny_post.ini"), 2)]
    per_token = {}
    for cfg, batch in runs:
        m = ini(cfg)
        name = os.path.basename(cfg) + (f" --batch {batch}" if batch > 1 else "")
        out = os.path.join(WORK, os.path.basename(cfg) + f".b{batch}.csv")
        args = [cfg, "--decode", "3", "--batch", str(batch), "--csv", out]
        if batch > 1:  # the prompts as one batch: batch x prompt <= max_seq
            args += ["--prompt", str((m["max_seq"] - 3) // batch)]
        r = run(o.tforge, args)
        check(r.returncode == 0, f"{name}: tforge perf --decode 3 runs (status {r.returncode}: {r.stderr.strip()})")
        if r.returncode:
            continue
        rows = list(csv.reader(open(out)))
        check(rows[0] == HEADER, f"{name}: CSV header")
        recs = [dict(zip(rows[0], x)) for x in rows[1:]]
        check([x["phase"] for x in recs] == ["prefill", "decode", "decode", "decode"],
              f"{name}: one prefill row and three decode rows")
        rc, d, f = m["R"] * m["C"], m["d"], m["d_ff"]
        wbytes = 4 * d * d + 2 * d * f
        for x in recs:
            i = {k: int(v) for k, v in x.items() if k in ("tokens", "context", "layers", "layer_cycles",
                 "gemm_cycles", "attn_cycles", "aux_cycles", "seq_cycles", "engine_compute", "macs", "rd_bytes",
                 "wr_bytes", "bound_cycles", "units_bound_cycles")}
            tag = f"{name}: {x['phase']} {x['step']} (tokens {i['tokens']}, context {i['context']})"
            check(i["layer_cycles"] == i["gemm_cycles"] + i["attn_cycles"] + i["aux_cycles"] + i["seq_cycles"],
                  f"{tag}: cycles = GEMMs + attention + aux + sequencer")
            check(i["macs"] == i["tokens"] * wbytes, f"{tag}: MACs = n (4 d^2 + 2 d d_ff) = {i['tokens'] * wbytes}")
            check(abs(float(x["mac_util"]) - i["macs"] / (rc * i["layer_cycles"])) < 1e-4,
                  f"{tag}: utilization = MACs / (R C cycles)")
            check(i["gemm_cycles"] >= i["engine_compute"] >= -(-i["macs"] // rc),
                  f"{tag}: GEMM cycles {i['gemm_cycles']} >= engine compute {i['engine_compute']} >= MACs / (R C)")
            check(i["rd_bytes"] >= wbytes, f"{tag}: every weight read ({i['rd_bytes']} >= {wbytes} bytes)")
            bw = m["port"]
            check(i["bound_cycles"] == max(-(-i["macs"] // rc), -(-(i["rd_bytes"] + i["wr_bytes"]) // bw),
                                           -(-i["rd_bytes"] // bw), -(-i["wr_bytes"] // bw)),
                  f"{tag}: bound = max(MACs / (R C), bytes / bw, bytes read or written / port bytes)")
            check(i["units_bound_cycles"] == max(i["engine_compute"], i["attn_cycles"],
                                                 -(-(i["rd_bytes"] + i["wr_bytes"]) // bw),
                                                 -(-i["rd_bytes"] // bw), -(-i["wr_bytes"] // bw)),
                  f"{tag}: units bound = max(engine compute, attention, bytes / bw, port)")
            check(i["layer_cycles"] >= i["units_bound_cycles"] >= i["bound_cycles"],
                  f"{tag}: cycles {i['layer_cycles']} >= units bound {i['units_bound_cycles']} >= bound")
            if batch == 1:
                want = attn_cycles(m, i["tokens"], i["context"])
            else:  # the batch: each sequence's tokens at the context
                want = batch * attn_cycles(m, i["tokens"] // batch, i["context"])
            check(i["attn_cycles"] == want, f"{tag}: attention {i['attn_cycles']} = the unit's formula {want}")
            if x["phase"] == "decode" and x["step"] == "0":
                per_token[(os.path.basename(cfg), batch)] = (i["rd_bytes"] / i["tokens"], float(x["mac_util"]))
        check(int(recs[1]["context"]) == int(recs[0]["context"]) + 1 and
              int(recs[3]["context"]) == int(recs[0]["context"]) + 3, f"{name}: decode contexts follow the prompt")
    # the batch controller's targets at B = 4 on MiniLM-sized layers, as the model predicts them
    b1, b4 = per_token.get(("minilm_8x8.ini", 1)), per_token.get(("minilm_8x8.ini", 4))
    if b1 and b4:
        check(b1[0] / b4[0] >= 3.9, f"minilm_8x8 --batch 4: bytes read per token {b1[0] / b4[0]:.2f} x lower (>= 3.9)")
        check(b4[1] / b1[1] >= 3.4, f"minilm_8x8 --batch 4: MAC utilization {b4[1] / b1[1]:.2f} x batch 1's (>= 3.4)")
    # bad arguments: status 2, one line naming the option and the legal range, no CSV
    cfg = os.path.join(ROOT, "configs", "model", "tiny_layer.ini")
    bad = [
        (["--prompt", "0"], "--prompt '0'", "legal: 1..65535"),
        (["--prompt", "17"], "--prompt 17", "legal: prompt 1..16"),
        (["--prompt", "10", "--decode", "7"], "--prompt 10 with --decode 7", "prompt + decode <= max_seq 16"),
        (["--decode", "16"], "--decode 16", "legal: 0..15"),
        (["--bw", "0"], "--bw '0'", "legal: 1..4096"),
        (["--lat", "x"], "--lat 'x'", "legal: 1..100000"),
        (["--prompt"], "--prompt needs an argument", "legal: --prompt N"),
        (["--bogus"], "unknown option '--bogus'", "--prompt L, --decode N"),
        (["--batch", "0"], "--batch '0'", "legal: 1..16"),
        (["--batch", "17"], "--batch '17'", "legal: 1..16"),
        (["--batch", "3"], "--batch 3: more sequences than the request table holds", "legal: 1..2"),
    ]
    for args, msg, legal in bad:
        out = os.path.join(WORK, "bad.csv")
        if os.path.exists(out):
            os.remove(out)
        r = run(o.tforge, [cfg, "--csv", out] + args)
        err = r.stderr.strip()
        check(r.returncode == 2 and msg in err and legal in err and "\n" not in err and not os.path.exists(out),
              f"refused {' '.join(args)}: {err}")
    r = run(o.tforge, [os.path.join(ROOT, "configs", "examples", "os_8x8_int8.ini")])
    check(r.returncode == 2 and "has no [model] section" in r.stderr, f"refused a config without [model]: {r.stderr.strip()}")
    r = run(o.tforge, [cfg, "--csv", WORK])
    check(r.returncode == 2 and f"tforge perf: --csv '{WORK}'" in r.stderr,
          f"refused a CSV path that is a directory: {r.stderr.strip()}")
    print(f"perf_check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
