"""test_stream.py -- cocotb test of tf_mem_stream (rows of bytes between memory and a unit)
on Icarus, against cocotbext-axi's AXI slave (AxiSlave on an AddressSpace holding RAM bytes
of sparse memory at 0: an access past them is unmapped and answered with an error).

Checked: random reads (every word handed out against the memory it came from, its byte
count, end-of-row and last flags, the number of words, the completion code); random writes
(every byte of the rows, and every byte around and between them unchanged: the strobes);
a read and a write at once; the same under random pauses on the five AXI channels, on r_ready
and on w_valid; malformed descriptors refused at once with their code and no AXI request;
and an error response (code, err_o and its address; the stream works afterwards).
Parameters come from the environment (STREAM_*; tb/mem/cocotb/run_stream.sh).
"""
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi import AddressSpace, AxiBus, AxiSlave, SparseMemoryRegion

DW = int(os.environ.get("STREAM_DW", "64"))
PB = DW // 8
ROWS_W = int(os.environ.get("STREAM_RowsW", "8"))
BYTES_W = int(os.environ.get("STREAM_BytesW", "12"))
RAM = 1 << 16
OK, ZERO, ALIGN, AXI = range(4)


def pauses(seed, p):
    r = random.Random(seed)
    while True:
        yield r.random() < p


class TB:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.space = AddressSpace(1 << 32)
        self.ram = SparseMemoryRegion(RAM)
        self.space.register_region(self.ram, 0)
        self.axi = AxiSlave(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, target=self.space,
                            reset_active_level=False)
        self.p_r = self.p_w = 0.0
        self.done = {"r": [], "w": []}
        self.requests = 0
        for s in (dut.rd_valid, dut.wr_valid, dut.w_valid, dut.err_clr, dut.r_ready):
            s.value = 0

    def channels(self):
        return [self.axi.read_if.ar_channel, self.axi.read_if.r_channel, self.axi.write_if.aw_channel,
                self.axi.write_if.w_channel, self.axi.write_if.b_channel]

    def backpressure(self, p):
        for i, ch in enumerate(self.channels()):
            if p:
                ch.set_pause_generator(pauses(self.rng.randrange(1 << 30) + i, p))
            else:
                ch.clear_pause_generator()
        self.p_r = self.p_w = p

    async def reset(self):
        self.dut.rst_n.value = 0
        for _ in range(4):
            await RisingEdge(self.dut.clk)
        self.dut.rst_n.value = 1
        await RisingEdge(self.dut.clk)
        cocotb.start_soon(self.monitor())

    async def monitor(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            if int(d.rdone_valid.value):
                self.done["r"].append(int(d.rdone_code.value))
            if int(d.wdone_valid.value):
                self.done["w"].append(int(d.wdone_code.value))
            if int(d.m_axi_arvalid.value) and int(d.m_axi_arready.value):
                self.requests += 1
            if int(d.m_axi_awvalid.value) and int(d.m_axi_awready.value):
                self.requests += 1

    async def descriptor(self, side, addr, stride, rows, nbytes):
        d = self.dut
        v, rdy = getattr(d, f"{side}_valid"), getattr(d, f"{side}_ready")
        getattr(d, f"{side}_addr").value = addr
        getattr(d, f"{side}_stride").value = stride
        getattr(d, f"{side}_rows").value = rows
        getattr(d, f"{side}_bytes").value = nbytes
        v.value = 1
        while True:
            await RisingEdge(d.clk)
            if int(rdy.value):
                break
        v.value = 0

    async def wait_done(self, side, n0):
        for _ in range(200000):
            if len(self.done[side]) > n0:
                return self.done[side][n0]
            await RisingEdge(self.dut.clk)
        raise AssertionError(f"{side}: no completion")

    async def read(self, addr, stride, rows, nbytes):
        """one read transfer: every word checked against memory; returns the code"""
        d = self.dut
        n0 = len(self.done["r"])
        await self.descriptor("rd", addr, stride, rows, nbytes)
        words = -(-nbytes // PB)
        want = [(r, w) for r in range(rows) for w in range(words)]
        got = 0
        while got < len(want):
            d.r_ready.value = 0 if self.rng.random() < self.p_r else 1
            await RisingEdge(d.clk)
            if int(d.r_valid.value) and int(d.r_ready.value):
                r, w = want[got]
                n = PB if w < words - 1 else nbytes - (words - 1) * PB
                base = addr + r * stride + w * PB
                mem = (await self.ram.read(base, PB)) if base + PB <= RAM else None
                data = int(d.r_data.value).to_bytes(PB, "little")
                assert int(d.r_n.value) == n, f"read word {got}: r_n {int(d.r_n.value)}, expected {n}"
                assert int(d.r_eor.value) == (w == words - 1), f"read word {got}: r_eor"
                assert int(d.r_last.value) == (got == len(want) - 1), f"read word {got}: r_last"
                if mem is not None:
                    assert data[:n] == bytes(mem[:n]), f"read word {got} (row {r}, word {w}): data differs"
                got += 1
        d.r_ready.value = 0
        return await self.wait_done("r", n0)

    async def write(self, addr, stride, rows, nbytes):
        """one write transfer of random rows; checks every byte in and around the region"""
        d = self.dut
        lo, hi = max(0, addr - 64), min(RAM, addr + (rows - 1) * stride + nbytes + 64)
        before = bytearray(await self.ram.read(lo, hi - lo))
        expect = bytearray(before)
        words = -(-nbytes // PB)
        stream = []
        for r in range(rows):
            row = bytes(self.rng.randrange(256) for _ in range(nbytes))
            off = addr + r * stride - lo
            expect[off:off + nbytes] = row
            padded = row + bytes(self.rng.randrange(256) for _ in range(words * PB - nbytes))  # junk: must not land
            stream += [int.from_bytes(padded[w * PB:(w + 1) * PB], "little") for w in range(words)]
        n0 = len(self.done["w"])
        await self.descriptor("wr", addr, stride, rows, nbytes)
        i = 0
        while i < len(stream):
            on = self.rng.random() >= self.p_w
            d.w_valid.value = int(on)
            d.w_data.value = stream[i]
            await RisingEdge(d.clk)
            if on and int(d.w_ready.value):
                i += 1
        d.w_valid.value = 0
        code = await self.wait_done("w", n0)
        after = bytes(await self.ram.read(lo, hi - lo))
        if code == OK and after != bytes(expect):
            k = next(j for j in range(len(after)) if after[j] != expect[j])
            raise AssertionError(f"write at {addr:#x} ({rows} x {nbytes}, stride {stride}): byte {lo + k:#x} differs")
        return code

    def shape(self, max_rows=6, max_bytes=300, lo=0, hi=RAM):
        """a random transfer inside [lo, hi - 64): aligned address and stride, rows apart"""
        rows = self.rng.randrange(1, max_rows + 1)
        nbytes = self.rng.randrange(1, max_bytes + 1)
        stride = (-(-nbytes // PB) + self.rng.randrange(0, 3)) * PB
        addr = lo + self.rng.randrange(0, (hi - lo - rows * stride - 64) // PB) * PB
        return addr, stride, rows, nbytes

    async def fill(self):
        await self.ram.write(0, bytes(self.rng.randrange(256) for _ in range(RAM)))


@cocotb.test()
async def reads(dut):
    tb = TB(dut, 1)
    await tb.reset()
    await tb.fill()
    for _ in range(40):
        assert await tb.read(*tb.shape()) == OK


@cocotb.test()
async def writes(dut):
    tb = TB(dut, 2)
    await tb.reset()
    await tb.fill()
    for _ in range(40):
        assert await tb.write(*tb.shape()) == OK


@cocotb.test()
async def both_under_backpressure(dut):
    """a read and a write at once, disjoint, with pauses everywhere"""
    tb = TB(dut, 3)
    await tb.reset()
    await tb.fill()
    tb.backpressure(0.3)
    for _ in range(20):
        rd = tb.shape(4, 200, 0, RAM // 2)
        wr = tb.shape(4, 200, RAM // 2 + 64, RAM)
        r = cocotb.start_soon(tb.read(*rd))
        w = cocotb.start_soon(tb.write(*wr))
        assert await r == OK
        assert await w == OK


@cocotb.test()
async def refusals(dut):
    """malformed descriptors: completed at once with their code, no AXI request"""
    tb = TB(dut, 4)
    await tb.reset()
    cases = [(0, PB, 0, 10, ZERO), (0, PB, 2, 0, ZERO), (1, PB, 1, 10, ALIGN), (PB, PB + 1, 2, 4, ALIGN),
             (PB * 3, PB // 2, 3, 1, ALIGN)]
    for side in ("rd", "wr"):
        key = "r" if side == "rd" else "w"
        for addr, stride, rows, nbytes, code in cases:
            n0, req0 = len(tb.done[key]), tb.requests
            await tb.descriptor(side, addr, stride, rows, nbytes)
            got = await tb.wait_done(key, n0)
            for _ in range(5):
                await RisingEdge(dut.clk)
            assert got == code, f"{side} {addr} {stride} {rows} {nbytes}: code {got}, expected {code}"
            assert tb.requests == req0, f"{side}: an AXI request for a refused descriptor"
            assert not int(dut.busy.value)
    # a misaligned stride with one row is no error
    await tb.fill()
    assert await tb.read(PB * 2, 3, 1, 2 * PB + 1) == OK
    assert await tb.write(PB * 4, 5, 1, PB - 1) == OK


@cocotb.test()
async def error_response(dut):
    """a read and a write past the RAM: code AXI, err_o and the address; then fine again"""
    tb = TB(dut, 5)
    await tb.reset()
    await tb.fill()
    addr = RAM - PB
    n0 = len(tb.done["r"])
    await tb.descriptor("rd", addr, 4 * PB, 2, PB)
    dut.r_ready.value = 1
    code = await tb.wait_done("r", n0)
    dut.r_ready.value = 0
    assert code == AXI, f"read past the RAM: code {code}"
    assert int(dut.err.value) and int(dut.err_addr.value) >= RAM, "err_o / err_addr_o after a read error"
    dut.err_clr.value = 1
    await RisingEdge(dut.clk)
    dut.err_clr.value = 0
    await RisingEdge(dut.clk)
    assert not int(dut.err.value)
    n0 = len(tb.done["w"])
    await tb.descriptor("wr", RAM - PB, 4 * PB, 2, PB)
    for _ in range(2):
        dut.w_valid.value = 1
        dut.w_data.value = 0
        await RisingEdge(dut.clk)
        while not int(dut.w_ready.value):
            await RisingEdge(dut.clk)
    dut.w_valid.value = 0
    assert await tb.wait_done("w", n0) == AXI
    assert int(dut.err.value)
    dut.err_clr.value = 1
    await RisingEdge(dut.clk)
    dut.err_clr.value = 0
    assert await tb.read(*tb.shape()) == OK
    assert await tb.write(*tb.shape()) == OK
