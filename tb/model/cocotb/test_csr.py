"""test_csr.py -- the accelerator's AXI4-Lite registers (<name>_csr, templates/top/tf_csr.v)
driven by cocotbext-axi's AXI4-Lite master (a model written outside this project), on Icarus.

Every offset, field and value comes from the design's manifest (MODEL_CSR_*: the plan's
register map). Checked:
  id_shape       the identification and shape words; writes to them refused (SLVERR), unchanged
  read_write     the weight base and every request-table entry's length and addresses: values
                 read back, byte strobes write only their bytes, LEN keeps its width
  unmapped       reads of unmapped offsets return 0 with SLVERR, writes SLVERR; no register
                 changes (every register compared before and after)
  start_status   START gives one start_o pulse; while busy_i, START, the weight base and the
                 table are refused (SLVERR, nothing changes, no pulse); DONE and ERR are sticky,
                 cleared by writing 1 to IRQ or by START; irq_o follows IRQ_EN; the first error's
                 code and sequence are kept
  counters       each 64-bit counter: LO then HI give one value even when it changes between
  request_ctrl   ACTIVE and DECODE reach req_active_o / req_decode_o; RESET is a one-cycle
                 req_reset_o pulse of its entry and reads 0; POS reads the sequencer's position
  batch          BATCH: after reset CAP 0 (bcap_o = bmax) and FIT as configured; every CAP
                 0..bmax and FIT read back and reach bcap_o / bfit_o; a CAP above bmax and any
                 write while busy are refused (SLVERR, nothing changes)
  backpressure   read_write and unmapped again with random pauses on all five channels
"""
import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiResp

_M = json.load(open(os.environ["DUT_MANIFEST"]))
X = _M["blocks"]["model"]["params"]
R = {k[len("MODEL_CSR_"):]: v for k, v in X.items() if k.startswith("MODEL_CSR_")}
S = X["MODEL_SEQUENCES"]
LENW = R["LEN_W"]
CNT = sorted(v for k, v in R.items() if k.startswith("CNT_"))   # the counters' offsets, in order
BMAX = X["MODEL_BMAX"]
FIT0 = X["MODEL_BATCH_FIT"]
CAPM = (1 << R["BATCH_CAP_W"]) - 1
assert len(CNT) == R["NCNT"]


def entry(i, reg):
    return R["REQ"] + i * R["REQ_STRIDE"] + R[reg]


RW_REGS = [R["WBASE_LO"], R["WBASE_HI"]] + [entry(i, r) for i in range(S)
                                           for r in ("REQ_LEN", "REQ_IN_LO", "REQ_IN_HI", "REQ_OUT_LO", "REQ_OUT_HI")]
MAPPED = ([R["ID"], R["SHAPE0"], R["SHAPE1"], R["SHAPE2"], R["CTRL"], R["STATUS"], R["IRQ"], R["ERR"], R["BATCH"]]
          + RW_REGS
          + [c + h for c in CNT for h in (0, 4)] + [entry(i, r) for i in range(S) for r in ("REQ_CTRL", "REQ_POS")])


class Tb:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk_i, 10, units="ns").start())
        self.m = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                               reset_active_level=False)
        for s in (dut.busy_i, dut.done_i, dut.err_i, dut.err_code_i, dut.err_seq_i, dut.req_pos_i, dut.cnt_i):
            s.value = 0
        self.starts = 0
        self.resets = [0] * S

    async def reset(self):
        self.dut.rst_ni.value = 0
        for _ in range(5):
            await RisingEdge(self.dut.clk_i)
        self.dut.rst_ni.value = 1
        await RisingEdge(self.dut.clk_i)
        cocotb.start_soon(self.monitor())

    async def monitor(self):
        """start_o and req_reset_o pulses: counted, each one cycle long."""
        dut = self.dut
        prev_s, prev_r = 0, 0
        while True:
            await ReadOnly()
            s, r = int(dut.start_o.value), int(dut.req_reset_o.value)
            assert not (s and prev_s), "start_o high two cycles in a row"
            assert not (r & prev_r), "req_reset_o high two cycles in a row"
            self.starts += s
            for i in range(S):
                self.resets[i] += r >> i & 1
            prev_s, prev_r = s, r
            await RisingEdge(dut.clk_i)

    async def rd(self, a):
        r = await self.m.read(a, 4)
        return int.from_bytes(r.data, "little"), r.resp

    async def wr(self, a, v, nbytes=4, off=0):
        r = await self.m.write(a + off, (v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little"))
        return r.resp

    async def snapshot(self):
        return [(await self.rd(a))[0] for a in MAPPED]

    async def pulse(self, sig, value=1):
        sig.value = value
        await RisingEdge(self.dut.clk_i)
        sig.value = 0

    def pauses(self, p):
        gen = (lambda: iter(lambda: self.rng.random() < p, None)) if p else (lambda: None)
        for ch in (self.m.write_if.aw_channel, self.m.write_if.w_channel, self.m.write_if.b_channel,
                   self.m.read_if.ar_channel, self.m.read_if.r_channel):
            ch.set_pause_generator(gen())


async def run_read_write(t, rounds):
    shadow = {}
    for a in RW_REGS:
        v = t.rng.getrandbits(32)
        assert await t.wr(a, v) == AxiResp.OKAY, f"write {a:#x}"
        shadow[a] = v & ((1 << LENW) - 1) if a in [entry(i, "REQ_LEN") for i in range(S)] else v
    for _ in range(rounds):
        a = t.rng.choice(RW_REGS)
        b = t.rng.randrange(4)
        v = t.rng.getrandbits(8)
        assert await t.wr(a, v, 1, b) == AxiResp.OKAY
        nv = (shadow[a] & ~(0xff << 8 * b)) | v << 8 * b
        if a in [entry(i, "REQ_LEN") for i in range(S)]:
            nv &= (1 << LENW) - 1
        shadow[a] = nv
    for a in RW_REGS:
        v, resp = await t.rd(a)
        assert resp == AxiResp.OKAY and v == shadow[a], f"{a:#x}: read {v:#x}, expected {shadow[a]:#x}"
    # the outputs carry them
    d = t.dut
    assert int(d.wbase_o.value) == shadow[R["WBASE_LO"]] | shadow[R["WBASE_HI"]] << 32
    for i in range(S):
        assert (int(d.req_len_o.value) >> (LENW * i)) & ((1 << LENW) - 1) == shadow[entry(i, "REQ_LEN")]
        assert (int(d.req_in_o.value) >> (64 * i)) & (2**64 - 1) == \
            shadow[entry(i, "REQ_IN_LO")] | shadow[entry(i, "REQ_IN_HI")] << 32
        assert (int(d.req_out_o.value) >> (64 * i)) & (2**64 - 1) == \
            shadow[entry(i, "REQ_OUT_LO")] | shadow[entry(i, "REQ_OUT_HI")] << 32


async def run_unmapped(t):
    before = await t.snapshot()
    holes = [a for a in range(0, 0x1000, 4) if a not in MAPPED]
    t.rng.shuffle(holes)
    for a in holes[:120] + [R["REQ"] + S * R["REQ_STRIDE"], entry(S - 1, "REQ_OUT_HI") + 4, 0xffc]:
        if a in MAPPED:
            continue
        v, resp = await t.rd(a)
        assert resp == AxiResp.SLVERR and v == 0, f"read of unmapped {a:#x}: {v:#x}, {resp}"
        assert await t.wr(a, t.rng.getrandbits(32)) == AxiResp.SLVERR, f"write of unmapped {a:#x}"
    assert await t.snapshot() == before, "an unmapped write changed a register"


@cocotb.test()
async def id_shape(dut):
    t = Tb(dut, 1)
    await t.reset()
    want = {R["ID"]: R["ID_VALUE"], R["SHAPE0"]: R["SHAPE0_VALUE"], R["SHAPE1"]: R["SHAPE1_VALUE"],
            R["SHAPE2"]: R["SHAPE2_VALUE"]}
    assert R["SHAPE0_VALUE"] == X["MODEL_D"] | X["MODEL_HEADS"] << 16
    for a, v in want.items():
        assert await t.rd(a) == (v, AxiResp.OKAY), f"{a:#x}"
        assert await t.wr(a, ~v) == AxiResp.SLVERR, f"write to read-only {a:#x} accepted"
        assert await t.rd(a) == (v, AxiResp.OKAY), f"{a:#x} changed"
    for a in [R["STATUS"], R["ERR"]] + [c + h for c in CNT for h in (0, 4)] + \
             [entry(i, "REQ_POS") for i in range(S)]:
        assert await t.wr(a, 0xffffffff) == AxiResp.SLVERR, f"write to read-only {a:#x} accepted"


@cocotb.test()
async def read_write(dut):
    t = Tb(dut, 2)
    await t.reset()
    await run_read_write(t, 200)


@cocotb.test()
async def unmapped(dut):
    t = Tb(dut, 3)
    await t.reset()
    await run_read_write(t, 0)
    await run_unmapped(t)


@cocotb.test()
async def start_status(dut):
    t = Tb(dut, 4)
    await t.reset()
    st, done, err = R["ST_BUSY"], R["ST_DONE"], R["ST_ERR"]
    assert await t.wr(R["CTRL"], 1 << R["CTRL_START"]) == AxiResp.OKAY
    for _ in range(3):
        await RisingEdge(dut.clk_i)
    assert t.starts == 1
    dut.busy_i.value = 1
    await RisingEdge(dut.clk_i)
    assert (await t.rd(R["STATUS"]))[0] == 1 << st
    # refused while busy: START, the weight base, the table; nothing changes, no pulse
    before = await t.snapshot()
    assert await t.wr(R["CTRL"], 1 << R["CTRL_START"]) == AxiResp.SLVERR
    for a in RW_REGS + [entry(i, "REQ_CTRL") for i in range(S)]:
        assert await t.wr(a, 0x5a5a5a5a) == AxiResp.SLVERR, f"write to {a:#x} while busy accepted"
    assert await t.snapshot() == before
    assert t.starts == 1
    # IRQ_EN may change while busy
    assert await t.wr(R["CTRL"], 1 << R["CTRL_IRQ_EN"]) == AxiResp.OKAY
    assert (await t.rd(R["CTRL"]))[0] == 1 << R["CTRL_IRQ_EN"]
    assert not dut.irq_o.value
    # done: sticky DONE, interrupt
    await t.pulse(dut.done_i)
    dut.busy_i.value = 0
    await RisingEdge(dut.clk_i)
    assert (await t.rd(R["STATUS"]))[0] == 1 << done
    assert (await t.rd(R["IRQ"]))[0] == 1 << done
    assert dut.irq_o.value
    assert await t.wr(R["IRQ"], 1 << done) == AxiResp.OKAY
    assert (await t.rd(R["STATUS"]))[0] == 0 and not dut.irq_o.value
    # errors: the first one's code and sequence are kept
    dut.err_code_i.value, dut.err_seq_i.value = 0x42, S - 1
    await t.pulse(dut.err_i)
    dut.err_code_i.value, dut.err_seq_i.value = 0x17, 0
    await t.pulse(dut.err_i)
    assert (await t.rd(R["ERR"]))[0] == 0x42 | (S - 1) << 8
    assert (await t.rd(R["STATUS"]))[0] == 1 << err and dut.irq_o.value
    # IRQ_EN off: no interrupt, the status stays
    assert await t.wr(R["CTRL"], 0) == AxiResp.OKAY
    assert not dut.irq_o.value and (await t.rd(R["IRQ"]))[0] == 1 << err
    # START clears DONE, ERR and the error information
    await t.pulse(dut.done_i)
    assert await t.wr(R["CTRL"], 1 << R["CTRL_START"]) == AxiResp.OKAY
    assert (await t.rd(R["STATUS"]))[0] == 0 and (await t.rd(R["ERR"]))[0] == 0
    assert t.starts == 2
    # a write of CTRL with START's byte strobe off does not start
    assert await t.wr(R["CTRL"], 0x01000000 | 1 << R["CTRL_START"], 1, 1) == AxiResp.OKAY
    for _ in range(3):
        await RisingEdge(dut.clk_i)
    assert t.starts == 2


@cocotb.test()
async def counters(dut):
    t = Tb(dut, 5)
    await t.reset()
    for k, a in enumerate(CNT):
        v0 = t.rng.getrandbits(64)
        vals = [0] * len(CNT)
        vals[k] = v0
        dut.cnt_i.value = sum(v << (64 * i) for i, v in enumerate(vals))
        await RisingEdge(dut.clk_i)
        lo, r1 = await t.rd(a)
        vals[k] = t.rng.getrandbits(64)     # the counter moves on between the two reads
        dut.cnt_i.value = sum(v << (64 * i) for i, v in enumerate(vals))
        await RisingEdge(dut.clk_i)
        hi, r2 = await t.rd(a + 4)
        assert r1 == r2 == AxiResp.OKAY
        assert lo | hi << 32 == v0, f"counter {k}: {lo | hi << 32:#x}, expected {v0:#x}"


@cocotb.test()
async def request_ctrl(dut):
    t = Tb(dut, 6)
    await t.reset()
    pos = [t.rng.getrandbits(LENW) for _ in range(S)]
    dut.req_pos_i.value = sum(p << (LENW * i) for i, p in enumerate(pos))
    for i in range(S):
        bits = 1 << R["REQ_ACTIVE"] | (i & 1) << R["REQ_DECODE"]
        assert await t.wr(entry(i, "REQ_CTRL"), bits) == AxiResp.OKAY
        assert (await t.rd(entry(i, "REQ_CTRL")))[0] == bits
        assert (await t.rd(entry(i, "REQ_POS")))[0] == pos[i]
    await RisingEdge(dut.clk_i)
    assert int(dut.req_active_o.value) == (1 << S) - 1
    assert int(dut.req_decode_o.value) == sum((i & 1) << i for i in range(S))
    i = S - 1
    assert await t.wr(entry(i, "REQ_CTRL"), 1 << R["REQ_RESET"] | 1 << R["REQ_ACTIVE"]) == AxiResp.OKAY
    for _ in range(3):
        await RisingEdge(dut.clk_i)
    assert t.resets == [1 if j == i else 0 for j in range(S)]
    assert (await t.rd(entry(i, "REQ_CTRL")))[0] == 1 << R["REQ_ACTIVE"]   # RESET reads 0


@cocotb.test()
async def batch(dut):
    t = Tb(dut, 8)
    await t.reset()
    fitb = 1 << R["BATCH_FIT"]
    v, resp = await t.rd(R["BATCH"])
    assert resp == AxiResp.OKAY and v == (fitb if FIT0 else 0), f"BATCH after reset: {v:#x}"
    assert int(dut.bcap_o.value) == BMAX and int(dut.bfit_o.value) == FIT0
    for cap in range(BMAX + 1):
        for fit in (0, 1):
            assert await t.wr(R["BATCH"], cap | fit * fitb) == AxiResp.OKAY
            assert (await t.rd(R["BATCH"]))[0] == cap | fit * fitb
            assert int(dut.bcap_o.value) == (cap or BMAX) and int(dut.bfit_o.value) == fit
    want = (await t.rd(R["BATCH"]))[0]
    for bad in range(BMAX + 1, CAPM + 1):        # above bmax: refused, unchanged
        assert await t.wr(R["BATCH"], bad) == AxiResp.SLVERR, f"CAP {bad} accepted"
        assert (await t.rd(R["BATCH"]))[0] == want
    assert await t.wr(R["BATCH"], 0xff, 1, 0) == AxiResp.SLVERR   # one byte: CAP 31
    assert await t.wr(R["BATCH"], 0, 1, 1) == AxiResp.OKAY         # one byte: FIT only
    want &= ~fitb
    assert (await t.rd(R["BATCH"]))[0] == want
    dut.busy_i.value = 1                                          # while busy: refused
    await RisingEdge(dut.clk_i)
    assert await t.wr(R["BATCH"], 1 | fitb) == AxiResp.SLVERR
    dut.busy_i.value = 0
    await RisingEdge(dut.clk_i)
    assert (await t.rd(R["BATCH"]))[0] == want


@cocotb.test()
async def backpressure(dut):
    t = Tb(dut, 7)
    await t.reset()
    t.pauses(0.4)
    await run_read_write(t, 100)
    await run_unmapped(t)
    t.pauses(0)
