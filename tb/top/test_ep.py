"""test_ep.py -- cocotb test of tf_epilogue (tb/top/ep_top.v) on Icarus: a weight GEMM's epilogue
on its result path through a generated auxiliary unit, its parameter tables and residual rows
read from cocotbext-axi's AxiRam by a row streamer, against the golden model (tb/top/ep_ref.c:
tfx_run on every row and the int8 clamp, loaded with ctypes).

For each case the test loads the GEMM's tables (LOAD: bias, requantization, and gamma and beta
with LayerNorm) as the weight image stores them, issues the RUN, and plays the engine: the
accumulators of a real GEMM of the model as result beats in the controller's order (steps of
TM x TN, row-tile major; inside a step the output-stationary order; step-relative tags, last on
each step's last beat), with random gaps; the write-back side takes beats with random
back-pressure. Checked: every lane of every output beat against the model, its step-relative
tags, the step's last flag, the number of beats. Cases: Q (bias, requantization), O with the
residual add and LayerNorm, FF1 with GELU over two column steps, FF2 with the residual add with
and without LayerNorm -- O, FF1 and FF2 with the epilogue's per-column shift table loaded and
applied (the residual lanes shifted left, FF1's output lanes right with rounding) -- and the LayerNorm pass of pre-LN layers (cmd_zero: the engine's beats,
a real GEMM's, must count as zeros; the rows arrive as the residual operand at scale 1); then the
same under random pauses on the AXI channels.
Parameters from the environment (EP_*; tb/top/run_ep.sh).
"""
import ctypes
import os
import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiBus, AxiRam

E = {k[3:]: int(v) for k, v in os.environ.items() if k.startswith("EP_") and v.lstrip("-").isdigit()}
L, R, TM, TN, EACC, PB, D, DFF = E["L"], E["R"], E["TM"], E["TN"], E["EACCW"], E["PB"], E["D"], E["DFF"]
OP_BIAS, OP_RQ, OP_GAMMA, OP_BETA, OP_SHIFT = E["OP_BIAS"], E["OP_RQ"], E["OP_GAMMA"], E["OP_BETA"], E["OP_SHIFT"]
CH_BIAS, CH_RQ, CH_RES, CH_LN, CH_GELU = 1, 2, 4, 8, 16
RAM = 1 << 17
BIAS_A, RQ_A, GAMMA_A, BETA_A, RES_A, SH_A = 0x1000, 0x4000, 0x8000, 0x9000, 0xc000, 0x1c000  # room for d_ff 4096


def pauses(seed, p):
    r = random.Random(seed)
    while True:
        yield r.random() < p


def up(x, a):
    return (x + a - 1) // a * a


class TB:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, reset_active_level=False, size=RAM)
        self.ref = ctypes.CDLL(os.environ["EP_REF"])
        assert self.ref.ep_init(ctypes.c_ulonglong(seed)) == 0
        self.p_in = self.p_out = 0.0
        self.checked = 0
        dut.cmd_valid.value = 0
        dut.e_valid.value = 0
        dut.o_ready.value = 0

    async def reset(self):
        self.dut.rst_n.value = 0
        for _ in range(4):
            await RisingEdge(self.dut.clk)
        self.dut.rst_n.value = 1
        await RisingEdge(self.dut.clk)

    def backpressure(self, p):
        chans = [self.ram.read_if.ar_channel, self.ram.read_if.r_channel]
        for i, ch in enumerate(chans):
            ch.set_pause_generator(pauses(self.rng.randrange(1 << 30) + i, p))
        self.p_in = self.p_out = p

    async def command(self, **f):
        d = self.dut
        for k in ("kind", "op", "n", "addr", "stride", "m", "d", "grp", "ops", "zero", "shl", "shr", "res_mult", "res_lsh",
                  "res_shift",
                  "ln_gf", "ln_bf", "ln_eps", "gelu_in_mant", "gelu_in_exp", "gelu_out_mant", "gelu_out_exp"):
            getattr(d, "cmd_" + k).value = f.get(k, 0)
        d.cmd_valid.value = 1
        await RisingEdge(d.clk)
        while not int(d.cmd_ready.value):
            await RisingEdge(d.clk)
        d.cmd_valid.value = 0

    async def wait_done(self):
        for _ in range(200000):
            await RisingEdge(self.dut.clk)
            if int(self.dut.done.value):
                return
        raise AssertionError("no done")

    def steps(self, m, n):
        for mt in range(0, m, TM):
            for nt in range(0, n, TN):
                yield mt, nt, min(TM, m - mt), min(TN, n - nt)

    def beats(self, m, n):
        """(mt, nt, row, col, last) in the controller's order, tags relative to the step"""
        for mt, nt, rs, cs in self.steps(m, n):
            seq = [(rt + r, ct) for rt in range(0, rs, R) for ct in range(0, cs, L) for r in range(min(R, rs - rt))]
            for i, (row, col) in enumerate(seq):
                yield mt, nt, row, col, cs, i == len(seq) - 1

    async def engine(self, m, n, acc):
        d = self.dut
        for mt, nt, row, col, cs, last in self.beats(m, n):
            while self.rng.random() < self.p_in:
                d.e_valid.value = 0
                await RisingEdge(d.clk)
            v = 0
            for j in range(L):
                x = acc[(mt + row) * n + nt + col + j] if col + j < cs else 0
                v |= (x & ((1 << EACC) - 1)) << (j * EACC)
            d.e_data.value = v
            d.e_row.value = row
            d.e_col.value = col
            d.e_last.value = int(last)
            d.e_valid.value = 1
            await RisingEdge(d.clk)
            while not int(d.e_ready.value):
                await RisingEdge(d.clk)
        d.e_valid.value = 0

    async def run_case(self, kind, ln, m):
        d = self.dut
        n_out = DFF if kind == 2 else D
        k = ctypes.c_int()
        nn = ctypes.c_int()
        acc = (ctypes.c_int64 * (m * n_out))()
        res = (ctypes.c_int8 * (m * n_out))()
        want = (ctypes.c_int8 * (m * n_out))()
        bias = (ctypes.c_int32 * n_out)()
        mult = (ctypes.c_uint32 * n_out)()
        shift = (ctypes.c_uint8 * n_out)()
        gamma = (ctypes.c_int16 * D)()
        beta = (ctypes.c_int32 * D)()
        sc = (ctypes.c_uint32 * 10)()
        shv = (ctypes.c_uint8 * n_out)()
        e = self.ref.ep_case(kind, ln, m, ctypes.byref(k), ctypes.byref(nn), acc, res, want, bias, mult, shift,
                             gamma, beta, sc, shv)
        assert e == 0 and nn.value == n_out, f"ep_case: {e}"
        n = n_out
        self.ram.write(BIAS_A, b"".join(struct.pack("<i", x) for x in bias))
        self.ram.write(RQ_A, b"".join(struct.pack("<II", mult[i], shift[i]) for i in range(n)))
        self.ram.write(GAMMA_A, b"".join(struct.pack("<h", x) for x in gamma))
        self.ram.write(BETA_A, b"".join(struct.pack("<i", x) for x in beta))
        self.ram.write(SH_A, bytes(shv))
        stride = up(n, PB)
        for r in range(m):
            self.ram.write(RES_A + r * stride, bytes(ctypes.c_uint8(x).value for x in res[r * n:(r + 1) * n]))
        loads = [(OP_BIAS, n, BIAS_A), (OP_RQ, n, RQ_A)]
        ops = CH_BIAS | CH_RQ
        if kind == 4:  # a LayerNorm pass: the engine's beats count as zeros, the rows are the residual
            loads = [(OP_RQ, n, RQ_A), (OP_GAMMA, n, GAMMA_A), (OP_BETA, n, BETA_A)]
            ops = CH_RQ | CH_RES | CH_LN
        if kind in (1, 3):
            ops |= CH_RES
            if ln:
                ops |= CH_LN
                loads += [(OP_GAMMA, n, GAMMA_A), (OP_BETA, n, BETA_A)]
        if kind == 2:
            ops |= CH_GELU
        if kind in (1, 2, 3):  # O, FF1, FF2: the per-column shift table, last (as the sequencer)
            loads.append((OP_SHIFT, n, SH_A))
        for op, cnt, addr in loads:
            await self.command(kind=1, op=op, n=cnt, addr=addr)
            await self.wait_done()
        assert not int(d.aux_err.value), "the auxiliary unit refused a LOAD"
        await self.command(kind=0, m=m, d=n, grp=m, ops=ops, zero=int(kind == 4), shl=int(kind in (1, 3)),
                           shr=int(kind == 2), addr=RES_A, stride=stride, res_mult=sc[0],
                           res_lsh=sc[1], res_shift=sc[2], ln_gf=sc[3], ln_bf=sc[4], ln_eps=sc[5],
                           gelu_in_mant=sc[6], gelu_in_exp=sc[7], gelu_out_mant=sc[8], gelu_out_exp=sc[9])
        eng = cocotb.start_soon(self.engine(m, n, acc))
        expect = list(self.beats(m, n))
        got = 0
        done = False
        for _ in range(500000):
            d.o_ready.value = 0 if self.rng.random() < self.p_out else 1
            await RisingEdge(d.clk)
            if int(d.done.value):
                done = True
            if int(d.o_valid.value) and int(d.o_ready.value):
                assert got < len(expect), "more output beats than input beats"
                mt, nt, row, col, cs, last = expect[got]
                assert (int(d.o_row.value), int(d.o_col.value), int(d.o_last.value)) == (row, col, int(last)), \
                    f"beat {got}: tags {int(d.o_row.value)}, {int(d.o_col.value)}, last {int(d.o_last.value)}; " \
                    f"expected {row}, {col}, {int(last)}"
                v = int(d.o_data.value)
                for j in range(L):
                    if col + j >= cs:
                        continue
                    x = (v >> (j * EACC)) & ((1 << EACC) - 1)
                    x -= (1 << EACC) if x >> (EACC - 1) else 0
                    w = want[(mt + row) * n + nt + col + j]
                    assert x == w, f"kind {kind}: row {mt + row} column {nt + col + j}: {x}, model {w}"
                    self.checked += 1
                got += 1
            if done and got == len(expect):
                break
        else:
            raise AssertionError(f"{got} of {len(expect)} output beats")
        d.o_ready.value = 0
        await eng
        assert not int(d.aux_err.value), "the auxiliary unit refused the RUN"


CASES = [(1, 1, 1), (0, 0, 1), (0, 0, 16), (1, 1, 8), (2, 0, 16), (3, 0, 12), (3, 1, 5), (3, 1, 1), (4, 1, 5),
         (4, 1, 1)]


@cocotb.test()
async def epilogues(dut):
    tb = TB(dut, 1)
    await tb.reset()
    for kind, ln, m in CASES:
        await tb.run_case(kind, ln, m)
    dut._log.info(f"{tb.checked} output elements checked")


@cocotb.test()
async def epilogues_backpressure(dut):
    tb = TB(dut, 2)
    tb.backpressure(0.3)
    await tb.reset()
    for kind, ln, m in CASES:
        await tb.run_case(kind, ln, m)
    dut._log.info(f"{tb.checked} output elements checked")
