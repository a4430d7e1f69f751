"""test_dma.py -- the DMA engine (templates/mem/tf_mem_dma.v, through dma_top.v) against
cocotbext-axi's AXI RAM model, on Icarus Verilog (cocotb).

The AXI side is a model written outside this project (cocotbext-axi's AxiRam: it checks,
among other things, that no INCR burst crosses a 4 KiB boundary). Every element a load
writes into the operand buffers is compared with the memory it came from, every byte a
write-back writes with the result it came from, and the bytes around it must be unchanged.
Runs with and without back-pressure on all five AXI channels and the buffer port, checks
SLVERR responses (an access past the RAM's end) and malformed descriptors.
With HasSt=1 (dma_top holds a real result store, tf_gemm_store): loads into rows of S
(every row write on sw_* compared with the memory it came from) and write-backs of S
rows (every byte compared with the model of S those writes built, so the store's own
write and read paths are checked too), with back-pressure on AXI and the store port, and
refused S descriptors; with HasSt=0 the S destinations must be refused as undefined.

The DUT's parameters come from the environment (run.sh sets them for iverilog too).
"""
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import Lock, RisingEdge, ReadOnly
from cocotbext.axi import AddressSpace, AxiBus, AxiSlave, SparseMemoryRegion

P = {k: int(os.environ.get("DMA_" + k, v)) for k, v in dict(
    DW=64, AddrW=32, R=4, C=8, OpW=8, EbLog=0, AccW=20, DimW=7, BurstLen=8, CW=4, AStride=64, BStride=64,
    ALaneMax=64, AOtherMax=64, BLaneMax=64, BOtherMax=64, MMax=64, NMax=64, HasSt=1,
    StoreImpl=2).items()}
P["BwAW"] = int(os.environ.get("DMA_BwAW", 10))
PB = P["DW"] // 8
EB = 1 << P["EbLog"]          # operand bytes in memory
DIM_MAX = (1 << P["DimW"]) - 1
LMAX = max(P["R"], P["C"])
# the buffer address must hold every lane group of both targets (the plan derives it)
assert -(-P["ALaneMax"] // P["R"]) * P["AStride"] <= 1 << P["BwAW"], "BwAW too small for A"
assert -(-P["BLaneMax"] // P["C"]) * P["BStride"] <= 1 << P["BwAW"], "BwAW too small for B"
RAM = 1 << 16
DST_A0, DST_A1, DST_B0, DST_B1, DST_MEM, DST_S, DST_SMEM = 0, 1, 2, 3, 4, 5, 6
E_NONE, E_ZERO, E_RANGE, E_ALIGN, E_WIDTH, E_DST, E_STRIDE, E_AXI = range(8)


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


class Tb:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        # cocotbext-axi's AXI slave on an address space holding RAM bytes of sparse memory
        # at 0: an access past the RAM is unmapped and answered with SLVERR.
        self.space = AddressSpace(1 << 32)
        self.ram = SparseMemoryRegion(RAM)
        self.space.register_region(self.ram, 0)
        self.axi = AxiSlave(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, target=self.space,
                            reset_active_level=False)
        self.bw = {}          # (tgt, half, addr, lane) -> value
        self.bw_vectors = 0
        self.bw_beats = 0
        self.bw_bp = 0.0
        self.rdone = []
        self.wdone = []
        self.dsc_lock = Lock()   # one driver of dsc_* at a time
        self.sw = {}          # (S row, word) -> value written on sw_* by the current S load
        self.sw_vectors = 0
        self.sr_reads = 0
        self.S = {}           # model of S: (row, word) -> value, the words S loads wrote
        self.st_bp = 0.0
        self.checked = {"S load elements": 0, "S write-back bytes": 0}
        for s in (dut.dsc_valid, dut.c_valid, dut.err_clr, dut.dsc_srow):
            s.value = 0
        dut.bw_ready.value = 1
        dut.sw_ready.value = 1
        dut.sr_ready.value = 1

    async def reset(self):
        self.dut.rst_n.value = 0
        for _ in range(5):
            await RisingEdge(self.dut.clk)
        self.dut.rst_n.value = 1
        await RisingEdge(self.dut.clk)
        cocotb.start_soon(self.monitor())

    def backpressure(self, p):
        """ready low / valid held off with probability p on every AXI channel and bw."""
        def gen(seed):
            r = random.Random(seed)
            while True:
                yield r.random() < p
        if p == 0:
            for ch in self.channels():
                ch.clear_pause_generator()
        else:
            for i, ch in enumerate(self.channels()):
                ch.set_pause_generator(gen(self.rng.randrange(1 << 30) + i))
        self.bw_bp = p

    def channels(self):
        return [self.axi.read_if.ar_channel, self.axi.read_if.r_channel, self.axi.write_if.aw_channel,
                self.axi.write_if.w_channel, self.axi.write_if.b_channel]

    async def monitor(self):
        """buffer port: ready with back-pressure, every lane-vector recorded; completions."""
        dut = self.dut
        while True:
            dut.bw_ready.value = 0 if self.rng.random() < self.bw_bp else 1
            if self.st_bp:   # (no draw otherwise: the other tests' random streams stay as they were)
                dut.sw_ready.value = 0 if self.rng.random() < self.st_bp else 1
                dut.sr_ready.value = 0 if self.rng.random() < self.st_bp else 1
            await ReadOnly()
            if not P["HasSt"]:
                assert not dut.sw_valid.value and not dut.sr_valid.value, "store port used without a store"
            if dut.sw_valid.value and dut.sw_ready.value:
                row, col = int(dut.sw_row.value), int(dut.sw_col.value)
                data, mask = int(dut.sw_data.value), int(dut.sw_mask.value)
                self.sw_vectors += 1
                assert col % P["C"] == 0, f"S row write at word {col}: not a multiple of C"
                for i in range(P["C"]):
                    v = (data >> (i * P["OpW"])) & ((1 << P["OpW"]) - 1)
                    if mask >> i & 1:
                        key = (row, col + i)
                        assert key not in self.sw, f"S word {key} written twice"
                        self.sw[key] = v
                    else:
                        assert v == 0, f"masked lane {i} of the S row write carries {v}"
            if dut.sr_valid.value and dut.sr_ready.value:
                self.sr_reads += 1
            if dut.bw_valid.value and dut.bw_ready.value:
                # two slots per beat: word, lane-group parity, lanes and mask of each
                tgt, half = int(dut.bw_tgt.value), int(dut.bw_half.value)
                addrs, gpars = int(dut.bw_addr.value), int(dut.bw_gpar.value)
                data, mask = int(dut.bw_data.value), int(dut.bw_mask.value)
                step = P["BStride"] if tgt else P["AStride"]
                self.bw_beats += 1
                banks = []
                for j in range(2):
                    addr = (addrs >> (j * P["BwAW"])) & ((1 << P["BwAW"]) - 1)
                    gpar = gpars >> j & 1
                    if (mask >> (j * LMAX)) & ((1 << LMAX) - 1):
                        self.bw_vectors += 1
                        assert gpar == (addr // step) & 1, f"slot {j}: word {addr} with group parity {gpar}"
                        banks.append((addr & 1) ^ (gpar if step % 2 == 0 else 0))
                    for i in range(LMAX):
                        v = (data >> ((j * LMAX + i) * P["OpW"])) & ((1 << P["OpW"]) - 1)
                        if mask >> (j * LMAX + i) & 1:
                            key = (tgt, half, addr, i)
                            assert key not in self.bw, f"buffer word {key} written twice"
                            self.bw[key] = v
                        else:
                            assert v == 0, f"masked lane {i} of slot {j} at {addr} carries {v}"
                assert len(set(banks)) == len(banks), f"both slots of a beat in bank {banks[0]}"
            if dut.rdone_valid.value:
                self.rdone.append((int(dut.rdone_id.value), int(dut.rdone_code.value)))
            if dut.wdone_valid.value:
                self.wdone.append((int(dut.wdone_id.value), int(dut.wdone_code.value)))
            await RisingEdge(dut.clk)

    async def descriptor(self, addr, rows, cols, stride, ew, dst, tr, tag, srow=0):
        async with self.dsc_lock:
            await self._descriptor(addr, rows, cols, stride, ew, dst, tr, tag, srow)

    async def _descriptor(self, addr, rows, cols, stride, ew, dst, tr, tag, srow=0):
        dut = self.dut
        dut.dsc_srow.value = srow
        dut.dsc_addr.value, dut.dsc_rows.value, dut.dsc_cols.value = addr, rows, cols
        dut.dsc_stride.value, dut.dsc_ew.value, dut.dsc_dst.value = stride, ew, dst
        dut.dsc_tr.value, dut.dsc_id.value = tr, tag
        dut.dsc_valid.value = 1
        for _ in range(100000):
            await ReadOnly()
            fire = bool(dut.dsc_ready.value)
            await RisingEdge(dut.clk)
            if fire:
                break
        else:
            assert False, "dsc_ready stuck low"
        dut.dsc_valid.value = 0

    async def wait_done(self, lst, tag, bound=200000):
        for _ in range(bound):
            for t, code in lst:
                if t == tag:
                    lst.remove((t, code))
                    return code
            await RisingEdge(self.dut.clk)
        assert False, f"descriptor {tag}: no completion in {bound} cycles"

    async def load(self, addr, rows, cols, stride, dst, tr, tag):
        """a load; returns its completion code and checks every element it wrote."""
        self.bw.clear()
        self.bw_vectors = 0
        self.bw_beats = 0
        self.dut._log.info(f"load {tag}: {rows} x {cols} at {addr:#x} stride {stride}, dst {dst}, tr {tr}")
        await self.descriptor(addr, rows, cols, stride, P["EbLog"], dst, tr, tag)
        code = await self.wait_done(self.rdone, tag)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        if code != E_NONE:
            return code
        tgt, half = dst >> 1, dst & 1
        lanes = P["C"] if tgt else P["R"]
        step = P["BStride"] if tgt else P["AStride"]
        mem = await self.ram.read(addr, (rows - 1) * stride + cols * EB)
        want = {}
        for r in range(rows):
            for c in range(cols):
                o = r * stride + c * EB
                v = int.from_bytes(mem[o:o + EB], "little") & ((1 << P["OpW"]) - 1)
                if tr:
                    want[(tgt, half, (r // lanes) * step + c, r % lanes)] = v
                else:
                    want[(tgt, half, (c // lanes) * step + r, c % lanes)] = v
        vec = cols * (-(-rows // lanes)) if tr else rows * (-(-cols // lanes))
        assert self.bw_vectors == vec, f"{self.bw_vectors} lane-vectors written, expected {vec}"
        # two per beat: two columns of a row group (transposed), two lane groups of a row (direct)
        beats = -(-cols // 2) * (-(-rows // lanes)) if tr else rows * (-(-cols // (2 * lanes)))
        assert self.bw_beats == beats, f"{self.bw_beats} buffer port beats, expected {beats}"
        for k, v in want.items():
            assert k in self.bw, f"element at buffer {k} not written"
            assert self.bw[k] == v, f"buffer {k}: expected {v}, actual {self.bw[k]}"
        assert len(self.bw) == len(want), f"{len(self.bw) - len(want)} buffer words written outside"
        return code

    async def writeback(self, addr, rows, cols, stride, ew, tag, beat_rows=None):
        """drives the result beats of a rows x cols result (random order) and checks memory."""
        dut = self.dut
        C, AccW = P["C"], P["AccW"]
        beat_rows = rows if beat_rows is None else beat_rows
        res = [[self.rng.randrange(-(1 << (AccW - 1)), 1 << (AccW - 1)) for _ in range(-(-cols // C) * C)]
               for _ in range(beat_rows)]
        beats = [(m, nt * C) for m in range(beat_rows) for nt in range(-(-cols // C))]
        self.rng.shuffle(beats)
        eb = 1 << ew
        lo = max(addr - 64, 0)
        hi = min(addr + (rows - 1) * stride + cols * eb + 64, RAM)
        before = bytearray(await self.ram.read(lo, hi - lo))
        await self.descriptor(addr, rows, cols, stride, ew, DST_MEM, 0, tag)
        for i, (m, n0) in enumerate(beats):
            data = 0
            for j in range(C):
                data |= (res[m][n0 + j] & ((1 << AccW) - 1)) << (j * AccW)
            dut.c_data.value, dut.c_row.value, dut.c_col.value = data, m, n0
            dut.c_last.value = int(i == len(beats) - 1)
            dut.c_valid.value = 1
            while True:
                await ReadOnly()
                fire = bool(dut.c_ready.value)
                await RisingEdge(dut.clk)
                if fire:
                    break
            dut.c_valid.value = 0
            if self.rng.random() < 0.2:
                for _ in range(self.rng.randrange(1, 4)):
                    await RisingEdge(dut.clk)
        code = await self.wait_done(self.wdone, tag)
        want = bytearray(before)
        for m in range(min(rows, beat_rows)):
            for n in range(cols):
                v = res[m][n] & ((1 << (8 * eb)) - 1)
                a = addr + m * stride + n * eb - lo
                want[a:a + eb] = v.to_bytes(eb, "little")
        got = await self.ram.read(lo, hi - lo)
        if code == E_NONE:
            for i in range(hi - lo):
                assert got[i] == want[i], (f"memory byte {lo + i:#x}: expected {want[i]:#04x}, "
                                           f"actual {got[i]:#04x}")
        return code


    async def sload(self, addr, srow, rows, cols, stride, tag):
        """a load into rows srow.. of S; checks every row write against memory, updates the model."""
        self.sw.clear()
        self.sw_vectors = 0
        self.dut._log.info(f"S load {tag}: {rows} x {cols} at {addr:#x} stride {stride} -> S row {srow}")
        await self.descriptor(addr, rows, cols, stride, P["EbLog"], DST_S, 0, tag, srow)
        code = await self.wait_done(self.rdone, tag)
        if code != E_NONE:
            return code
        mem = await self.ram.read(addr, (rows - 1) * stride + cols * EB)
        want = {}
        for r in range(rows):
            for c in range(cols):
                o = r * stride + c * EB
                want[(srow + r, c)] = int.from_bytes(mem[o:o + EB], "little") & ((1 << P["OpW"]) - 1)
        vec = rows * -(-cols // P["C"])
        assert self.sw_vectors == vec, f"{self.sw_vectors} S row writes, expected {vec}"
        for k, v in want.items():
            assert k in self.sw, f"S word {k} not written"
            assert self.sw[k] == v, f"S word {k}: expected {v}, actual {self.sw[k]}"
        assert len(self.sw) == len(want), f"{len(self.sw) - len(want)} S words written outside"
        self.S.update(want)
        self.checked["S load elements"] += len(want)
        return code

    async def sstore(self, addr, srow, rows, cols, stride, ew, tag):
        """a write-back of rows srow.. of S; checks every byte of memory against the model of S."""
        eb = 1 << ew
        lo = max(addr - 64, 0)
        hi = min(addr + (rows - 1) * stride + cols * eb + 64, RAM)
        before = bytearray(await self.ram.read(lo, hi - lo))
        reads0 = self.sr_reads
        self.dut._log.info(f"S write-back {tag}: S rows {srow}.. {rows} x {cols} -> {addr:#x} "
                           f"stride {stride} ew {ew}")
        await self.descriptor(addr, rows, cols, stride, ew, DST_SMEM, 0, tag, srow)
        code = await self.wait_done(self.wdone, tag)
        if code != E_NONE:
            return code
        want = bytearray(before)
        for m in range(rows):
            for n in range(cols):
                assert (srow + m, n) in self.S, f"test bug: S word {(srow + m, n)} never loaded"
                v = sext(self.S[(srow + m, n)], P["OpW"]) & ((1 << (8 * eb)) - 1)
                a = addr + m * stride + n * eb - lo
                want[a:a + eb] = v.to_bytes(eb, "little")
        got = await self.ram.read(lo, hi - lo)
        for i in range(hi - lo):
            assert got[i] == want[i], (f"memory byte {lo + i:#x}: expected {want[i]:#04x}, "
                                       f"actual {got[i]:#04x}")
        reads = rows * -(-cols // P["C"])
        assert self.sr_reads - reads0 == reads, f"{self.sr_reads - reads0} S reads, expected {reads}"
        self.checked["S write-back bytes"] += rows * cols * eb
        return code


def legal_load(rng, tgt, tr):
    lanes = P["C"] if tgt else P["R"]
    lane_max = P["BLaneMax"] if tgt else P["ALaneMax"]
    oth_max = P["BOtherMax"] if tgt else P["AOtherMax"]
    pick = lambda hi: rng.randint(1, hi if rng.random() < 0.25 else min(hi, 3 * lanes + 2))
    rows, cols = (pick(lane_max), pick(oth_max)) if tr else (pick(oth_max), pick(lane_max))
    stride = -(-(cols * EB) // PB) * PB + PB * rng.randrange(0, 3)
    addr = PB * rng.randrange(0, (RAM - rows * stride - 64) // PB)
    return addr, rows, cols, stride


async def run_loads(tb, n, tag0):
    for i in range(n):
        tgt, tr = tb.rng.randrange(2), tb.rng.randrange(2)
        dst = 2 * tgt + tb.rng.randrange(2)
        addr, rows, cols, stride = legal_load(tb.rng, tgt, tr)
        code = await tb.load(addr, rows, cols, stride, dst, tr, (tag0 + i) & 0xff)
        assert code == E_NONE, f"load {i} ({rows}x{cols} at {addr:#x}, tr {tr}) completed with code {code}"


async def run_writebacks(tb, n, tag0):
    for i in range(n):
        rows = tb.rng.randint(1, min(P["MMax"], 20))
        cols = tb.rng.randint(1, min(P["NMax"], 3 * P["C"] + 3))
        if i == 0:
            rows, cols = P["MMax"], P["NMax"]   # the largest
        ew = tb.rng.randrange(3)
        stride = -(-(cols << ew) // PB) * PB + PB * tb.rng.randrange(0, 2)
        addr = PB * tb.rng.randrange(1, (RAM - rows * stride - 128) // PB)
        code = await tb.writeback(addr, rows, cols, stride, ew, (tag0 + i) & 0xff)
        assert code == E_NONE, f"write-back {i} completed with code {code}"


@cocotb.test()
async def loads_and_writebacks(dut):
    """random loads (direct and transposed, A and B, both halves) and write-backs."""
    tb = Tb(dut, 1)
    await tb.reset()
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(RAM)))
    await run_loads(tb, 24, 0)
    await run_writebacks(tb, 8, 100)


@cocotb.test()
async def backpressure(dut):
    """the same with ready/valid held off at random on all five AXI channels and bw_*."""
    tb = Tb(dut, 2)
    await tb.reset()
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(RAM)))
    tb.backpressure(0.4)
    await run_loads(tb, 16, 0)
    await run_writebacks(tb, 6, 100)


@cocotb.test()
async def overlap(dut):
    """a load and a write-back at the same time (two engines)."""
    tb = Tb(dut, 3)
    await tb.reset()
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(RAM)))
    tb.backpressure(0.2)
    rows, cols = min(8, P["MMax"]), min(2 * P["C"], P["NMax"])
    wb = cocotb.start_soon(tb.writeback(0x8000, rows, cols, -(-(4 * cols) // PB) * PB, 2, 7))
    lr, lc = min(16, P["BOtherMax"]), min(3 * P["C"], P["BLaneMax"])
    code = await tb.load(0x100, lr, lc, -(-(lc * EB) // PB) * PB, DST_B1, 0, 8)
    assert code == E_NONE
    assert await wb == E_NONE


@cocotb.test()
async def slave_errors(dut):
    """SLVERR on a read and on a write: the completion says so, err_addr holds the address."""
    tb = Tb(dut, 4)
    await tb.reset()
    addr = RAM - 2 * PB   # the first row ends a word before the RAM does, the second is past it
    code = await tb.load(addr, 2, min(PB // EB, P["BLaneMax"]), 2 * PB, DST_B0, 0, 1)
    assert code == E_AXI, f"read past the RAM: code {code}"
    assert dut.err.value == 1 and dut.err_wr.value == 0
    assert int(dut.err_addr.value) == RAM, f"err_addr {int(dut.err_addr.value):#x}, expected {RAM:#x}"
    assert int(dut.err_resp.value) == 2   # SLVERR
    dut.err_clr.value = 1
    await RisingEdge(dut.clk)
    dut.err_clr.value = 0
    await RisingEdge(dut.clk)
    assert dut.err.value == 0
    code = await tb.writeback(RAM - PB, 2, min(4, P["NMax"]), PB, 0, 2)
    assert code == E_AXI, f"write past the RAM: code {code}"
    assert dut.err.value == 1 and dut.err_wr.value == 1
    assert int(dut.err_addr.value) == RAM, f"err_addr {int(dut.err_addr.value):#x}"
    # the port still works afterwards
    dut.err_clr.value = 1
    await RisingEdge(dut.clk)
    dut.err_clr.value = 0
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(4096)))
    tr_r, tr_c = min(3, P["BLaneMax"]), min(5, P["BOtherMax"])
    assert await tb.load(0, tr_r, tr_c, -(-(tr_c * EB) // PB) * PB, DST_B0, 1, 3) == E_NONE


@cocotb.test()
async def malformed(dut):
    """refused descriptors: completed with their code, nothing moves on AXI or the buffer port."""
    tb = Tb(dut, 5)
    await tb.reset()
    rd0, wr0 = int(dut.cnt_rd_bytes.value), int(dut.cnt_wr_bytes.value)
    E = P["EbLog"]
    cases = [
        ((0, 0, 4, PB, E, DST_A0, 0), E_ZERO),
        ((0, 4, 0, PB, E, DST_B0, 0), E_ZERO),
        ((0, P["AOtherMax"] + 1, 1, PB, E, DST_A0, 0), E_RANGE),
        ((0, 1, P["BLaneMax"] + 1, PB * 64, E, DST_B1, 0), E_RANGE),
        ((0, P["BLaneMax"] + 1, 1, PB, E, DST_B0, 1), E_RANGE),
        ((0, P["MMax"] + 1, 1, PB, 0, DST_MEM, 0), E_RANGE),
        ((0, 1, 1, PB, 0, DST_MEM, 1), E_RANGE),
        ((1, 1, 1, PB, E, DST_A0, 0), E_ALIGN),
        ((0, 2, 1, PB + 1, E, DST_A0, 0), E_ALIGN),
        ((0, 1, 1, PB, 1 - E, DST_A0, 0), E_WIDTH),
        ((0, 1, 1, PB, 3, DST_MEM, 0), E_WIDTH),
        ((0, 1, 1, PB, E, 7 if P["HasSt"] else DST_S, 0), E_DST),
        ((0, 1, 1, PB, E, 7, 0), E_DST),
        ((0, 2, min(2 * PB, P["BLaneMax"]), PB, E, DST_B0, 0), E_STRIDE),
        ((((1 << P["AddrW"]) - PB), 2, 1, PB, E, DST_A0, 0), E_STRIDE),
    ]
    for i, (d, want) in enumerate(cases):
        if d[1] > DIM_MAX or d[2] > DIM_MAX or (want == E_STRIDE and d[2] * EB <= PB and d[0] == 0):
            continue   # not representable on this design's ports, or not malformed here
        tb.bw.clear()
        await tb.descriptor(*d, tag=i)
        lst = tb.wdone if d[5] == DST_MEM else tb.rdone
        code = await tb.wait_done(lst, i, bound=10)
        assert code == want, f"case {i} {d}: code {code}, expected {want}"
        for _ in range(20):
            await RisingEdge(dut.clk)
            assert dut.m_axi_arvalid.value == 0 and dut.m_axi_awvalid.value == 0, f"case {i}: AXI traffic"
        assert not tb.bw, f"case {i}: buffer written"
    assert int(dut.cnt_rd_bytes.value) == rd0 and int(dut.cnt_wr_bytes.value) == wr0


def s_region(rng):
    """a random region of S: first row, rows, cols (within MMax x NMax)."""
    rows = rng.randint(1, P["MMax"] if rng.random() < 0.2 else min(P["MMax"], 9))
    srow = rng.randrange(0, P["MMax"] - rows + 1)
    cols = rng.randint(1, P["NMax"] if rng.random() < 0.3 else min(P["NMax"], 2 * P["C"] + 3))
    return srow, rows, cols


async def run_store(tb, n, tag0):
    """S filled from memory, then random S loads and S write-backs (every ew), checked."""
    M, N = P["MMax"], P["NMax"]
    stride = -(-(N * EB) // PB) * PB
    assert await tb.sload(PB * 3, 0, M, N, stride, tag0) == E_NONE
    for i in range(n):
        srow, rows, cols = s_region(tb.rng)
        stride = -(-(cols * EB) // PB) * PB + PB * tb.rng.randrange(0, 2)
        addr = PB * tb.rng.randrange(0, (RAM // 2 - rows * stride - 64) // PB)
        code = await tb.sload(addr, srow, rows, cols, stride, (tag0 + 1 + 2 * i) & 0xff)
        assert code == E_NONE, f"S load {i} completed with code {code}"
        srow, rows, cols = s_region(tb.rng)
        ew = tb.rng.randrange(3)
        stride = -(-(cols << ew) // PB) * PB + PB * tb.rng.randrange(0, 2)
        addr = RAM // 2 + PB * tb.rng.randrange(1, (RAM // 2 - rows * stride - 128) // PB)
        code = await tb.sstore(addr, srow, rows, cols, stride, ew, (tag0 + 2 + 2 * i) & 0xff)
        assert code == E_NONE, f"S write-back {i} completed with code {code}"


@cocotb.test()
async def store_transfers(dut):
    """loads into rows of the result store and write-backs of S rows, element by element."""
    if not P["HasSt"]:
        return
    tb = Tb(dut, 6)
    await tb.reset()
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(RAM)))
    await run_store(tb, 12, 0)
    # an S load and an S write-back at once, on rows that do not overlap
    h = max(P["MMax"] // 2, 1)
    if P["MMax"] >= 2:
        cols = min(P["NMax"], 2 * P["C"] + 1)
        st = -(-(cols * 4) // PB) * PB
        wb = cocotb.start_soon(tb.sstore(0x9000, h, P["MMax"] - h, cols, st, 2, 200))
        assert await tb.sload(0x40 * PB, 0, h, cols, -(-(cols * EB) // PB) * PB, 201) == E_NONE
        assert await wb == E_NONE
    dut._log.info(f"store_transfers checked: {tb.checked}")


@cocotb.test()
async def store_backpressure(dut):
    """the same with back-pressure on the five AXI channels and the store port."""
    if not P["HasSt"]:
        return
    tb = Tb(dut, 7)
    await tb.reset()
    await tb.ram.write(0, bytes(tb.rng.randrange(256) for _ in range(RAM)))
    tb.backpressure(0.4)
    tb.st_bp = 0.5
    await run_store(tb, 8, 50)
    dut._log.info(f"store_backpressure checked: {tb.checked}")


@cocotb.test()
async def store_refused(dut):
    """S descriptors that do not fit (or a design without a store) move nothing."""
    tb = Tb(dut, 8)
    await tb.reset()
    rd0, wr0 = int(dut.cnt_rd_bytes.value), int(dut.cnt_wr_bytes.value)
    E, M, N = P["EbLog"], P["MMax"], P["NMax"]
    if P["HasSt"]:
        cases = [   # (addr, rows, cols, stride, ew, dst, tr, srow), code
            ((0, M + 1, 1, PB, E, DST_S, 0, 0), E_RANGE),
            ((0, 2, 1, PB, E, DST_S, 0, M - 1), E_RANGE),
            ((0, 1, N + 1, PB * 64, E, DST_S, 0, 0), E_RANGE),
            ((0, 1, 1, PB, E, DST_S, 1, 0), E_RANGE),
            ((0, 1, 1, PB, 1 - E, DST_S, 0, 0), E_WIDTH),
            ((1, 1, 1, PB, E, DST_S, 0, 0), E_ALIGN),
            ((0, 0, 1, PB, E, DST_S, 0, 0), E_ZERO),
            ((0, 1, M, PB, 0, DST_SMEM, 0, M), E_RANGE),
            ((0, 1, 1, PB, 0, DST_SMEM, 0, M), E_RANGE),
            ((0, 1, N + 1, PB * 64, 0, DST_SMEM, 0, 0), E_RANGE),
            ((0, 1, 1, PB, 0, DST_SMEM, 1, 0), E_RANGE),
            ((0, 1, 1, PB, 3, DST_SMEM, 0, 0), E_WIDTH),
            ((0, 2, 1, PB + 1, 0, DST_SMEM, 0, 0), E_ALIGN),
        ]
        if 4 * N > PB:   # rows of 4-byte elements that overlap: possible only if a row passes a word
            cases.append(((0, 2, N, PB, 2, DST_SMEM, 0, 0), E_STRIDE))
    else:
        cases = [((0, 1, 1, PB, E, DST_S, 0, 0), E_DST), ((0, 1, 1, PB, 0, DST_SMEM, 0, 0), E_DST)]
    n = 0
    for i, (d, want) in enumerate(cases):
        if d[1] > DIM_MAX or d[2] > DIM_MAX or d[7] > DIM_MAX:
            continue   # not representable on this design's ports
        tb.sw.clear()
        reads0 = tb.sr_reads
        await tb.descriptor(*d[:7], tag=i, srow=d[7])
        lst = tb.wdone if d[5] == DST_SMEM and P["HasSt"] else tb.rdone
        code = await tb.wait_done(lst, i, bound=10)
        assert code == want, f"case {i} {d}: code {code}, expected {want}"
        for _ in range(20):
            await RisingEdge(dut.clk)
            assert dut.m_axi_arvalid.value == 0 and dut.m_axi_awvalid.value == 0, f"case {i}: AXI traffic"
        assert not tb.sw and tb.sr_reads == reads0, f"case {i}: S accessed"
        n += 1
    assert int(dut.cnt_rd_bytes.value) == rd0 and int(dut.cnt_wr_bytes.value) == wr0
    dut._log.info(f"store_refused: {n} refused descriptors checked")
