"""test_accel.py -- the accelerator top (<name>_accel) on Icarus under cocotb, against models
written outside this project: cocotbext-axi's AxiLiteMaster drives its registers (every offset
from the design's manifest, MODEL_CSR_*) and cocotbext-axi's AxiRam is its memory (the ID of
every response is the request's, so the top's AXI4 mux routes by it).

The reference is the accelerator over memory (model/tf_accel.c through tb/top/accel_ref.c and
ctypes): a random model packed into a weight image in a memory of random bytes, input rows per
entry. Each run: the entries written into the request table, START, STATUS polled until DONE
(or ERR), then the whole memory compared with tfacc_run's on a copy, and each position. Runs: a
prompt in each entry; a decode step of entry 0 (causal designs) or a second prompt; a decode
that does not fit (ERR code and entry, memory unchanged).
"""
import ctypes
import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam

_M = json.load(open(os.environ["DUT_MANIFEST"]))
X = _M["blocks"]["model"]["params"]
R = {k[len("MODEL_CSR_"):]: v for k, v in X.items() if k.startswith("MODEL_CSR_")}
S, D, MAXSEQ, CAUSAL = X["MODEL_SEQUENCES"], X["MODEL_D"], X["MODEL_MAX_SEQ"], X["MODEL_CAUSAL"]
PB = _M["blocks"]["mem"]["params"]["MEM_PORT_BYTES"]
STRIDE = (D + PB - 1) // PB * PB
WBASE = 0x1000
MEM = 1 << 18


def entry(i, reg):
    return R["REQ"] + i * R["REQ_STRIDE"] + R[reg]


class TB:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk_i, 10, units="ns").start())
        self.lite = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                                  reset_active_level=False)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk_i, dut.rst_ni, reset_active_level=False,
                          size=MEM)
        self.ref = ctypes.CDLL(os.environ["ACCEL_REF"])
        self.mem = (ctypes.c_uint8 * MEM)(*[self.rng.randrange(256) for _ in range(MEM)])
        ws_end = ctypes.c_ulonglong()
        assert self.ref.ref_init(ctypes.c_ulonglong(seed), self.mem, ctypes.c_ulonglong(MEM),
                                 ctypes.c_ulonglong(WBASE), ctypes.byref(ws_end)) == 0
        self.io = (ws_end.value + 0xfff) & ~0xfff
        self.iob = (MAXSEQ * STRIDE + 0xff) & ~0xff
        assert self.io + 2 * S * self.iob <= MEM
        self.pos = [0] * S

    async def reset(self):
        self.dut.rst_ni.value = 0
        for _ in range(4):
            await RisingEdge(self.dut.clk_i)
        self.dut.rst_ni.value = 1
        await RisingEdge(self.dut.clk_i)
        self.ram.write(0, bytes(self.mem))
        await self.lite.write_dword(R["WBASE_LO"], WBASE)
        await self.lite.write_dword(R["WBASE_HI"], 0)

    async def run(self, table, expect_err=0):
        """table: [(len, decode)] per entry (len 0: inactive)"""
        act = (ctypes.c_int * S)()
        dec = (ctypes.c_int * S)()
        lens = (ctypes.c_int * S)()
        ins = (ctypes.c_ulonglong * S)()
        outs = (ctypes.c_ulonglong * S)()
        for i, (n, d) in enumerate(table):
            act[i], dec[i], lens[i] = int(n > 0), d, n
            ins[i], outs[i] = self.io + i * self.iob, self.io + (S + i) * self.iob
            for t in range(n):
                row = bytes(self.rng.randrange(256) - 0 for _ in range(D))
                row = bytes((b % 81 - 40) & 0xff for b in row)
                a = ins[i] + t * STRIDE
                self.mem[a:a + D] = list(row)
                self.ram.write(a, row)
            await self.lite.write_dword(entry(i, "REQ_LEN"), n)
            await self.lite.write_dword(entry(i, "REQ_IN_LO"), ins[i])
            await self.lite.write_dword(entry(i, "REQ_IN_HI"), 0)
            await self.lite.write_dword(entry(i, "REQ_OUT_LO"), outs[i])
            await self.lite.write_dword(entry(i, "REQ_OUT_HI"), 0)
            await self.lite.write_dword(entry(i, "REQ_CTRL"),
                                        (int(n > 0) << R["REQ_ACTIVE"]) | (d << R["REQ_DECODE"]))
        eseq = ctypes.c_int()
        code = self.ref.ref_run(self.mem, ctypes.c_ulonglong(MEM), ctypes.c_ulonglong(WBASE), act, dec, lens, ins,
                                outs, ctypes.byref(eseq))
        assert code == expect_err, f"the model returned {code}, expected {expect_err}"
        await self.lite.write_dword(R["CTRL"], 1 << R["CTRL_START"])
        for _ in range(100000):
            st = await self.lite.read_dword(R["STATUS"])
            if st & ((1 << R["ST_DONE"]) | (1 << R["ST_ERR"])):
                break
        else:
            raise AssertionError("no DONE or ERR")
        if expect_err:
            assert st & (1 << R["ST_ERR"]), f"STATUS {st:#x}: no ERR"
            err = await self.lite.read_dword(R["ERR"])
            assert err == (expect_err | ((eseq.value & 0xff) << 8)), f"ERR {err:#x}, model {expect_err}/{eseq.value}"
        else:
            assert st & (1 << R["ST_DONE"]) and not st & (1 << R["ST_ERR"]), f"STATUS {st:#x}"
        got = self.ram.read(0, MEM)
        want = bytes(self.mem)
        if got != want:
            bad = [a for a in range(MEM) if got[a] != want[a]]
            raise AssertionError(f"{len(bad)} bytes of memory differ from the model's, the first at {bad[0]:#x}")
        if not expect_err:
            for i, (n, d) in enumerate(table):
                if n:
                    self.pos[i] = (self.pos[i] if d else 0) + n
                    p = await self.lite.read_dword(entry(i, "REQ_POS"))
                    assert p == self.pos[i], f"entry {i}: position {p}, expected {self.pos[i]}"


@cocotb.test()
async def layers(dut):
    tb = TB(dut, 1)
    await tb.reset()
    await tb.run([(5, 0), (3, 0)][:S] + [(0, 0)] * (S - 2))
    if CAUSAL:
        await tb.run([(1, 1)] + [(0, 0)] * (S - 1))
        await tb.run([(MAXSEQ, 1)] + [(0, 0)] * (S - 1), expect_err=2)
    else:
        await tb.run([(4, 0)] + [(0, 0)] * (S - 1))
        await tb.run([(1, 1)] + [(0, 0)] * (S - 1), expect_err=3)
    dut._log.info(f"{MEM} bytes of memory compared after each of three runs")
