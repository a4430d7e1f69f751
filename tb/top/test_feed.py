"""test_feed.py -- cocotb test of tf_attn_feed (tb/top/feed_top.v) on Icarus: the attention of a
layer from memory to memory, through a generated attention unit with cache regions and a row
streamer, against cocotbext-axi's AxiRam and the golden model (tb/top/feed_ref.c: the attention
unit's model and the output requantization, loaded with ctypes).

Checked, for every command: every byte of the AO rows the feeder wrote equals the model's, and
nothing else in memory changed; causal prompts, decode steps continuing them, a bidirectional
prompt (append pass, then attend pass) in other regions, the same under random pauses on the
five AXI channels, and a step the full region refuses (err_o, its head's bytes 0).
Parameters from the environment (FEED_*; tb/top/run_feed.sh).
"""
import ctypes
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiBus, AxiRam

D = int(os.environ["FEED_D"])
HEADS = int(os.environ["FEED_HEADS"])
DM = D * HEADS
PB = int(os.environ["FEED_DW"]) // 8
STRIDE = (DM + PB - 1) // PB * PB
RAM = 1 << 16
QA, KA, VA, AOA = 0x1000, 0x3000, 0x5000, 0x7000


def pauses(seed, p):
    r = random.Random(seed)
    while True:
        yield r.random() < p


class TB:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, reset_active_level=False, size=RAM)
        self.ref = ctypes.CDLL(os.environ["FEED_REF"])
        assert self.ref.feed_reset() == 0
        self.checked = 0
        dut.cmd_valid.value = 0

    async def reset(self):
        self.dut.rst_n.value = 0
        for _ in range(4):
            await RisingEdge(self.dut.clk)
        self.dut.rst_n.value = 1
        await RisingEdge(self.dut.clk)
        self.ram.write(0, bytes(self.rng.randrange(256) for _ in range(RAM)))

    def backpressure(self, p):
        chans = [self.ram.read_if.ar_channel, self.ram.read_if.r_channel, self.ram.write_if.aw_channel,
                 self.ram.write_if.w_channel, self.ram.write_if.b_channel]
        for i, ch in enumerate(chans):
            ch.set_pause_generator(pauses(self.rng.randrange(1 << 30) + i, p))

    async def command(self, bidir, n, pos, rbase, expect_err=False):
        d, rng = self.dut, self.rng
        rows = {}
        for name, base in (("q", QA), ("k", KA), ("v", VA)):
            rows[name] = bytes(rng.randrange(256) for _ in range(n * DM))
            for t in range(n):
                self.ram.write(base + t * STRIDE, rows[name][t * DM:(t + 1) * DM])
        scale = rng.randrange(1 << 18, 1 << 22)
        mult, shift = rng.randrange(1 << 29, 1 << 31), rng.randrange(8, 13)
        want = (ctypes.c_int8 * (n * DM))()
        buf = {k: (ctypes.c_int8 * (n * DM)).from_buffer_copy(v) for k, v in rows.items()}
        refused = self.ref.feed_run(HEADS, int(bidir), n, rbase, ctypes.c_uint(scale), ctypes.c_uint(mult), shift,
                                    buf["q"], buf["k"], buf["v"], want)
        before = self.ram.read(0, RAM)
        for sig, val in (("cmd_bidir", int(bidir)), ("cmd_n", n), ("cmd_pos", pos), ("cmd_rbase", rbase),
                         ("cmd_q", QA), ("cmd_k", KA), ("cmd_v", VA), ("cmd_ao", AOA), ("cmd_stride", STRIDE),
                         ("cmd_scale", scale), ("cmd_ao_mult", mult), ("cmd_ao_shift", shift)):
            getattr(d, sig).value = val
        d.cmd_valid.value = 1
        await RisingEdge(d.clk)
        while not int(d.cmd_ready.value):
            await RisingEdge(d.clk)
        d.cmd_valid.value = 0
        for _ in range(1000000):
            await RisingEdge(d.clk)
            if int(d.done.value):
                break
        else:
            raise AssertionError("no done")
        assert int(d.err.value) == (refused > 0) == expect_err, \
            f"err_o {int(d.err.value)}, the model refused {refused} steps, expected error {expect_err}"
        after = self.ram.read(0, RAM)
        for t in range(n):
            got = after[AOA + t * STRIDE:AOA + t * STRIDE + DM]
            exp = bytes(ctypes.c_uint8(x).value for x in want[t * DM:(t + 1) * DM])
            if got != exp:
                k = next(i for i in range(DM) if got[i] != exp[i])
                raise AssertionError(f"token {t}: AO byte {k} (head {k // D}): {got[k]}, model {exp[k]}")
            self.checked += DM
        for a in range(RAM):
            inside = AOA <= a < AOA + (n - 1) * STRIDE + DM and (a - AOA) % STRIDE < DM
            if not inside and after[a] != before[a]:
                raise AssertionError(f"byte {a:#x} outside the AO rows changed")


@cocotb.test()
async def causal_and_decode(dut):
    tb = TB(dut, 1)
    await tb.reset()
    await tb.command(False, 3, 0, 0)       # a prompt of 3 (regions 0, 1)
    await tb.command(False, 1, 3, 0)       # a decode step
    await tb.command(False, 2, 4, 0)       # two more
    dut._log.info(f"{tb.checked} AO bytes checked")


@cocotb.test()
async def bidirectional(dut):
    tb = TB(dut, 2)
    await tb.reset()
    await tb.command(True, 6, 0, 2)        # regions 2, 3: append 6, attend 6
    await tb.command(False, 2, 0, 0)       # and a causal sequence beside it
    dut._log.info(f"{tb.checked} AO bytes checked")


@cocotb.test()
async def backpressure(dut):
    tb = TB(dut, 3)
    tb.backpressure(0.3)
    await tb.reset()
    await tb.command(False, 4, 0, 0)
    await tb.command(True, 5, 0, 2)
    await tb.command(False, 4, 4, 0)       # fills the regions (8 tokens)
    dut._log.info(f"{tb.checked} AO bytes checked")


@cocotb.test()
async def refused_step(dut):
    """a full region refuses the step: err_o, that head's bytes 0, the row still written"""
    tb = TB(dut, 4)
    await tb.reset()
    cap = int(os.environ["FEED_REGION_CAP"])
    await tb.command(False, cap, 0, 0)
    await tb.command(False, 1, cap, 0, expect_err=True)
