"""test_mux.py -- cocotb test of tf_axi_mux (two AXI4 masters onto one port) on Icarus.

Both masters are cocotbext-axi AxiMasters (they use every ID of their ports and many
bursts in flight), the memory is cocotbext-axi's AxiRam: models written outside this project,
so the mux is checked against AXI as they implement it, not against our reading of it.
Checked: every byte each master reads back is what was written (its own region and the
other master's), the RAM holds exactly what both wrote, with and without random pauses on
all ten channels; and on the memory side, every cycle: a request (AR, AW) or W beat offered
and not taken stays offered with the same payload (Arm IHI 0022, A3.2.1), the W beats of the
bursts follow the order of their AW handshakes with AWLEN + 1 beats each and WLAST on the
last (A3.4.1, A5), and when both masters offer a request the one that did not win last time
wins (round robin).
Parameters (DW, IdW, WDepth, ...) come from the environment (MUX_*; tb/mem/cocotb/run_mux.sh).
"""
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi import AxiBus, AxiMaster, AxiRam

DW = int(os.environ.get("MUX_DW", "64"))
RAM = 1 << 16
REGION = RAM // 4     # master i writes [i * REGION, (i + 1) * REGION)
WORKERS = 3           # operations each master has in flight


def pauses(rng, p):
    while True:
        yield rng.random() < p


class TB:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.m = [AxiMaster(AxiBus.from_prefix(dut, f"s{i}_axi"), dut.clk, dut.rst_n, reset_active_level=False)
                  for i in range(2)]
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, reset_active_level=False, size=RAM)
        self.model = bytearray(RAM)
        self.errors = []
        self.ar_wins = self.aw_wins = 0
        self.beats = 0
        self.max_len = 400
        self.p_write = 0.6
        self.min_arb = 1

    def channels(self):
        for m in self.m:
            yield from (m.write_if.aw_channel, m.write_if.w_channel, m.write_if.b_channel,
                        m.read_if.ar_channel, m.read_if.r_channel)
        yield from (self.ram.write_if.aw_channel, self.ram.write_if.w_channel, self.ram.write_if.b_channel,
                    self.ram.read_if.ar_channel, self.ram.read_if.r_channel)

    def backpressure(self, p):
        for i, ch in enumerate(self.channels()):
            if p:
                ch.set_pause_generator(pauses(random.Random(self.rng.randrange(1 << 30) + i), p))
            else:
                ch.clear_pause_generator()

    async def reset(self):
        self.dut.rst_n.value = 0
        for _ in range(4):
            await RisingEdge(self.dut.clk)
        self.dut.rst_n.value = 1
        for _ in range(2):
            await RisingEdge(self.dut.clk)

    def err(self, msg):
        if len(self.errors) < 20:
            self.dut._log.error(msg)
        self.errors.append(msg)

    async def monitor(self):
        """the memory side, every cycle (values sampled after the clock edge settles)"""
        d = self.dut
        prev = {"ar": None, "aw": None, "w": None}
        last = {"ar": None, "aw": None}
        worder = []      # (port, beats) of accepted AW, in order
        wcount = 0
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            if not d.rst_n.value:
                continue
            def sig(n):
                return int(getattr(d, n).value)
            for ch, fields in (("ar", ("arid", "araddr", "arlen", "arsize", "arburst")),
                               ("aw", ("awid", "awaddr", "awlen", "awsize", "awburst")),
                               ("w", ("wdata", "wstrb", "wlast"))):
                v, r = sig(f"m_axi_{ch}valid"), sig(f"m_axi_{ch}ready")
                held = prev[ch] is not None   # offered last cycle and not taken: its grant holds
                # the payload means something only while offered (idle masters leave it X)
                pay = tuple(sig(f"m_axi_{f}") for f in fields) if v else None
                if prev[ch] is not None and (not v or pay != prev[ch]):
                    self.err(f"m_axi_{ch}: an offer not taken changed or was withdrawn ({prev[ch]} -> {v}, {pay})")
                prev[ch] = pay if (v and not r) else None
                if ch in ("ar", "aw") and v and r:
                    port = pay[0] >> int(os.environ.get("MUX_IdW", "4"))
                    both = sig(f"s0_axi_{ch}valid") and sig(f"s1_axi_{ch}valid") and not held
                    if both and last[ch] is not None and port == last[ch]:
                        self.err(f"m_axi_{ch}: port {port} won twice in a row with both ports offering")
                    if both:
                        if ch == "ar":
                            self.ar_wins += 1
                        else:
                            self.aw_wins += 1
                    last[ch] = port
                    if ch == "aw":
                        worder.append((port, pay[2] + 1))
                if ch == "w" and v and r:
                    self.beats += 1
                    if not worder:
                        self.err("m_axi_w: a beat before its burst's AW")
                        continue
                    wcount += 1
                    port, n = worder[0]
                    want_last = wcount == n
                    if pay[2] != want_last:
                        self.err(f"m_axi_w: WLAST {pay[2]} on beat {wcount} of a {n}-beat burst")
                    if wcount == n:
                        worder.pop(0)
                        wcount = 0

    def slow_addresses(self, p):
        """pause only the memory's AR and AW channels: requests queue up on both ports"""
        for i, ch in enumerate((self.ram.write_if.aw_channel, self.ram.read_if.ar_channel)):
            ch.set_pause_generator(pauses(random.Random(self.rng.randrange(1 << 30) + i), p))

    async def traffic(self, i, w, ops):
        """worker w of master i: random writes into its part of the master's region, each read
        back, and reads of the other master's region"""
        m, rng = self.m[i], random.Random(self.rng.randrange(1 << 30))
        part = REGION // WORKERS
        for _ in range(ops):
            n = rng.randrange(1, self.max_len)
            addr = i * REGION + w * part + rng.randrange(0, part - n)
            if rng.random() < self.p_write:
                data = bytes(rng.randrange(256) for _ in range(n))
                await m.write(addr, data)
                self.model[addr:addr + n] = data
                if self.p_write == 1:
                    continue
                got = (await m.read(addr, n)).data
                if bytes(got) != data:
                    self.err(f"master {i}: read back {n} bytes at {addr:#x}: differ")
            else:
                o = 1 - i
                addr = o * REGION + rng.randrange(0, REGION - n)
                got = (await m.read(addr, n)).data
                # the other master may be writing there right now: compare with the RAM after
                if len(got) != n:
                    self.err(f"master {i}: read of {n} bytes returned {len(got)}")

    async def run(self, ops):
        mon = cocotb.start_soon(self.monitor())
        t = [cocotb.start_soon(self.traffic(i, w, ops)) for i in range(2) for w in range(WORKERS)]
        for x in t:
            await x
        for _ in range(20):
            await RisingEdge(self.dut.clk)
        mon.kill()
        mem = self.ram.read(0, 2 * REGION)
        if bytes(mem) != bytes(self.model[:2 * REGION]):
            bad = next(k for k in range(2 * REGION) if mem[k] != self.model[k])
            self.err(f"RAM differs from what the masters wrote, first at {bad:#x}")
        assert not self.errors, f"{len(self.errors)} errors, first: {self.errors[0]}"
        assert self.beats > 0 and min(self.ar_wins, self.aw_wins) >= self.min_arb, \
            f"too little contention: {self.ar_wins} AR and {self.aw_wins} AW arbitrations, {self.beats} W beats"
        self.dut._log.info(f"{self.beats} W beats, {self.ar_wins} AR and {self.aw_wins} AW arbitrations "
                           f"with both ports offering")


@cocotb.test()
async def concurrent(dut):
    """both masters at once, no pauses"""
    tb = TB(dut, 1)
    await tb.reset()
    await tb.run(30)


@cocotb.test()
async def backpressure(dut):
    """both masters at once, random pauses on every channel"""
    tb = TB(dut, 2)
    tb.backpressure(0.3)
    await tb.reset()
    await tb.run(30)


@cocotb.test()
async def contention(dut):
    """short operations, the memory slow to take requests: both ports offer most of the time"""
    tb = TB(dut, 3)
    tb.slow_addresses(0.7)
    tb.max_len = 48
    tb.min_arb = 0
    await tb.reset()
    await tb.run(100)
    assert tb.ar_wins >= 20, f"only {tb.ar_wins} AR arbitrations with both ports offering"


@cocotb.test()
async def write_contention(dut):
    """writes only, the memory slow to take them: W order under AW contention"""
    tb = TB(dut, 4)
    tb.slow_addresses(0.7)
    tb.max_len = 48
    tb.p_write = 1
    tb.min_arb = 0
    await tb.reset()
    await tb.run(120)
    assert tb.aw_wins >= 20, f"only {tb.aw_wins} AW arbitrations with both ports offering"
