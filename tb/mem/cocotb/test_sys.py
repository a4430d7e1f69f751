"""test_sys.py -- the result store's paths to and from memory through a whole <name>_sys
(tb/mem/cocotb/run_sys.sh builds sys_top around it), against cocotbext-axi's AXI RAM model,
on Icarus Verilog (cocotb).

Every constant comes from the design's manifest (the plan's params: widths, maxima,
descriptor and command codes). Checked element by element against the RAM:
  s_round_trip     memory -> S (MEM_DST_S, whole and partial, at a first row) -> memory
                   (MEM_DST_SMEM at every element width): the engine's own store port and store;
  gemm_reads_s     a GEMM whose A is S (and one whose B is S^T) loaded by the DMA, its result
                   beats written back (MEM_DST_MEM) = A*B computed here;
  store_rule       a GEMM reading S runs while an S load into the same rows waits: the GEMM
                   sees the old S, S then holds the new rows; no DMA access to S while a GEMM
                   runs (checked every cycle in every test), and the load did wait;
  gemm_stores      a storing GEMM (requantized into S), then S -> memory = requant(A*B);
  element_loads    the engine's element-wise loads (LOAD_A/AT/B/BT on in_*) into either half
                   of the two-bank operand buffers, alone and next to the DMA's two-slot
                   loads, each followed by a GEMM whose result beats go back = A*B;
  refused          S descriptors that do not fit: their code, nothing moved.
"""
import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi import AddressSpace, AxiBus, AxiSlave, SparseMemoryRegion

_M = json.load(open(os.environ["DUT_MANIFEST"]))
G = _M["blocks"]["gemm"]["params"]
X = _M["blocks"]["mem"]["params"]
R, C, OPW, ACCW = G["ROWS"], G["COLS"], G["OP_BITS"], G["ACC_BITS"]
MMAX, KMAX, NMAX = G["MAX_M"], G["MAX_K"], G["MAX_N"]
OS = G["DATAFLOW"] == 0
PB = X["MEM_PORT_BYTES"]
EB = 1 << X["MEM_EB_LOG"]
RAM = 1 << 17
E_NONE, E_RANGE, E_WIDTH = X["MEM_ERR_NONE"], X["MEM_ERR_RANGE"], X["MEM_ERR_WIDTH"]
ST_RUN = 3   # tf_gemm's StRun


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def rnd_up(v, a):
    return -(-v // a) * a


def requant(acc, mult, shift, out_bits):
    """tfm_requant (model/tf_model.c): floor((acc*mult + 2^30) / 2^31), then rounding >> shift."""
    x = (acc * (mult & 0x7fffffff) + (1 << 30)) >> 31
    mask = (1 << shift) - 1 if shift else 0
    rem = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    y = (x >> shift) + (1 if rem > threshold else 0)
    hi, lo = (1 << (out_bits - 1)) - 1, -(1 << (out_bits - 1))
    return max(lo, min(hi, y))


class Sys:
    def __init__(self, dut, seed):
        self.dut = dut
        self.rng = random.Random(seed)
        cocotb.start_soon(Clock(dut.clk_i, 10, units="ns").start())
        self.space = AddressSpace(1 << X["MEM_ADDR_BITS"])
        self.ram = SparseMemoryRegion(RAM)
        self.space.register_region(self.ram, 0)
        self.axi = AxiSlave(AxiBus.from_prefix(dut, "m_axi"), dut.clk_i, dut.rst_ni, target=self.space,
                            reset_active_level=False)
        self.rdone, self.wdone = [], []
        self.s_in_run = 0       # DMA accesses to S while a GEMM ran (must stay 0)
        self.s_waits = 0        # cycles an S access waited for the store port
        self.checked = 0
        for s in (dut.cmd_valid_i, dut.in_valid_i, dut.rq_valid_i, dut.ctl_valid_i, dut.dsc_valid_i,
                  dut.dma_err_clr_i, dut.cnt_clr_i, dut.dsc_srow_i, dut.ctl_hold_i, dut.ctl_go_i,
                  dut.ctl_drop_i):
            s.value = 0

    async def reset(self):
        self.dut.rst_ni.value = 0
        for _ in range(5):
            await RisingEdge(self.dut.clk_i)
        self.dut.rst_ni.value = 1
        await RisingEdge(self.dut.clk_i)
        cocotb.start_soon(self.monitor())
        await self.ram.write(0, bytes(self.rng.randrange(256) for _ in range(RAM)))

    async def monitor(self):
        dut, sysm = self.dut, self.dut.u_sys
        eng = sysm.u_gemm.u_gemm
        while True:
            await ReadOnly()
            run = int(eng.state_q.value) == ST_RUN
            for v, r in ((sysm.sw_valid, sysm.sw_ready), (sysm.sr_valid, sysm.sr_ready)):
                if v.value and r.value and run:
                    self.s_in_run += 1
                if v.value and not r.value:
                    self.s_waits += 1
            if dut.rdone_valid_o.value:
                self.rdone.append((int(dut.rdone_id_o.value), int(dut.rdone_code_o.value)))
            if dut.wdone_valid_o.value:
                self.wdone.append((int(dut.wdone_id_o.value), int(dut.wdone_code_o.value)))
            await RisingEdge(dut.clk_i)

    async def handshake(self, valid, ready):
        valid.value = 1
        while True:
            await ReadOnly()
            fire = bool(ready.value)
            await RisingEdge(self.dut.clk_i)
            if fire:
                break
        valid.value = 0

    async def descriptor(self, addr, rows, cols, stride, ew, dst, tag, tr=0, srow=0):
        d = self.dut
        d.dsc_addr_i.value, d.dsc_rows_i.value, d.dsc_cols_i.value = addr, rows, cols
        d.dsc_stride_i.value, d.dsc_ew_i.value, d.dsc_dst_i.value = stride, ew, dst
        d.dsc_tr_i.value, d.dsc_id_i.value, d.dsc_srow_i.value = tr, tag, srow
        await self.handshake(d.dsc_valid_i, d.dsc_ready_o)

    async def done(self, lst, tag, bound=100000):
        for _ in range(bound):
            for t, code in lst:
                if t == tag:
                    lst.remove((t, code))
                    return code
            await RisingEdge(self.dut.clk_i)
        assert False, f"descriptor {tag}: no completion in {bound} cycles"

    async def command(self, op, m=1, k=1, n=1, requant=0, asrc=0, bsrc=0, store=0, ahalf=0, bhalf=0):
        d = self.dut
        d.cmd_op_i.value, d.cmd_m_i.value, d.cmd_k_i.value, d.cmd_n_i.value = op, m, k, n
        d.cmd_requant_i.value, d.cmd_asrc_i.value, d.cmd_bsrc_i.value = requant, asrc, bsrc
        d.cmd_store_i.value, d.cmd_ahalf_i.value, d.cmd_bhalf_i.value = store, ahalf, bhalf
        await self.handshake(d.cmd_valid_i, d.cmd_ready_o)
        await RisingEdge(d.clk_i)
        assert not d.err_o.value, f"command {op} ({m}, {k}, {n}, src {asrc}/{bsrc}, store {store}) refused"

    async def idle(self):
        while self.dut.busy_o.value:
            await RisingEdge(self.dut.clk_i)

    async def matrix(self, addr, rows, cols, stride):
        """the rows x cols operand matrix in memory at addr (signed operand values)."""
        mem = await self.ram.read(addr, (rows - 1) * stride + cols * EB)
        return [[sext(int.from_bytes(mem[r * stride + c * EB:r * stride + (c + 1) * EB], "little"), OPW)
                 for c in range(cols)] for r in range(rows)]

    async def put(self, addr, mat, stride):
        for r, row in enumerate(mat):
            await self.ram.write(addr + r * stride, b"".join((v & ((1 << 8 * EB) - 1)).to_bytes(EB, "little")
                                                             for v in row))

    async def s_load(self, addr, srow, rows, cols, stride, tag):
        await self.descriptor(addr, rows, cols, stride, X["MEM_EB_LOG"], X["MEM_DST_S"], tag, srow=srow)
        return await self.done(self.rdone, tag)

    async def check_out(self, addr, want, stride, ew, what):
        """memory at addr holds want (rows of signed values) at 2^ew bytes per element."""
        eb = 1 << ew
        for m, row in enumerate(want):
            got = await self.ram.read(addr + m * stride, len(row) * eb)
            for n, v in enumerate(row):
                g = int.from_bytes(got[n * eb:(n + 1) * eb], "little")
                e = v & ((1 << 8 * eb) - 1)
                assert g == e, f"{what}: element ({m}, {n}) at {addr + m * stride + n * eb:#x}: expected {e:#x}, actual {g:#x}"
                self.checked += 1

    async def s_out(self, addr, srow, rows, cols, ew, tag):
        stride = rnd_up(cols << ew, PB)
        await self.descriptor(addr, rows, cols, stride, ew, X["MEM_DST_SMEM"], tag, srow=srow)
        assert await self.done(self.wdone, tag) == E_NONE
        return stride

    def finish(self, what):
        assert self.s_in_run == 0, f"{self.s_in_run} DMA accesses to S while a GEMM ran"
        self.dut._log.info(f"{what}: {self.checked} elements checked, S port waited {self.s_waits} cycles")


def matmul(a, b):
    return [[sum(a[m][q] * b[q][n] for q in range(len(b))) for n in range(len(b[0]))] for m in range(len(a))]


async def load_b(t, addr, k, n, stride, tag):
    """B (k x n, row-major) into half 0 of the B buffer."""
    await t.descriptor(addr, k, n, stride, X["MEM_EB_LOG"], X["MEM_DST_B0"], tag)
    assert await t.done(t.rdone, tag) == E_NONE


async def gemm_to_mem(t, m, k, n, asrc, bsrc, c_addr, tag, ahalf=0, bhalf=0):
    """runs a GEMM and writes its result beats back (4-byte elements); returns the stride."""
    stride = rnd_up(4 * n, PB)
    await t.descriptor(c_addr, m, n, stride, 2, X["MEM_DST_MEM"], tag)
    await t.command(G["OP_GEMM"], m, k, n, asrc=asrc, bsrc=bsrc, ahalf=ahalf, bhalf=bhalf)
    assert await t.done(t.wdone, tag) == E_NONE
    return stride


@cocotb.test()
async def s_round_trip(dut):
    """memory -> S -> memory, whole and partial, every element width."""
    t = Sys(dut, 1)
    await t.reset()
    st = rnd_up(NMAX * EB, PB)
    assert await t.s_load(0x100 * PB // 64 * 64, 0, MMAX, NMAX, st, 1) == E_NONE
    s = await t.matrix(0x100 * PB // 64 * 64, MMAX, NMAX, st)
    srow, rows, cols = MMAX // 3, max(MMAX // 3, 1), max(NMAX - 3, 1)
    st2 = rnd_up(cols * EB, PB) + PB
    assert await t.s_load(0x8000, srow, rows, cols, st2, 2) == E_NONE
    part = await t.matrix(0x8000, rows, cols, st2)
    for r in range(rows):
        s[srow + r][:cols] = part[r]
    for ew in range(3):
        a = 0x10000 + ew * 0x4000
        stride = await t.s_out(a, 0, MMAX, NMAX, ew, 10 + ew)
        await t.check_out(a, s, stride, ew, f"S -> memory, ew {ew}")
    stride = await t.s_out(0x1c000, srow, rows, cols, 0, 20)
    await t.check_out(0x1c000, [row[:cols] for row in s[srow:srow + rows]], stride, 0, "partial S -> memory")
    t.finish("s_round_trip")


@cocotb.test()
async def gemm_reads_s(dut):
    """a GEMM with A = S, one with B = S^T, S loaded by the DMA; results = A*B."""
    t = Sys(dut, 2)
    await t.reset()
    m, k, n = MMAX, min(NMAX, KMAX), NMAX
    sa = rnd_up(k * EB, PB)
    assert await t.s_load(0x0, 0, m, k, sa, 1) == E_NONE     # A = S: S[m][k]
    a = await t.matrix(0x0, m, k, sa)
    sb = rnd_up(n * EB, PB)
    await load_b(t, 0x4000, k, n, sb, 2)
    b = await t.matrix(0x4000, k, n, sb)
    stride = await gemm_to_mem(t, m, k, n, G["SRC_ST"], G["SRC_BUF"], 0x10000, 3)
    await t.check_out(0x10000, matmul(a, b), stride, 2, "C = S * B")
    # B = S^T: B[k][n] = S[n][k]; N <= max_m, K <= max_n. S holds A from above (rows m, cols k).
    n2, k2 = min(MMAX, NMAX), min(NMAX, KMAX)
    # A from the buffer: A (m x k2) row-major, transposed descriptor in OS, direct in WS
    a_addr, a_st = 0x8000, rnd_up(k2 * EB, PB)
    await t.descriptor(a_addr, m, k2, a_st, X["MEM_EB_LOG"], X["MEM_DST_A0"], 4, tr=1 if OS else 0)
    assert await t.done(t.rdone, 4) == E_NONE
    a2 = await t.matrix(a_addr, m, k2, a_st)
    bt = [[a[nn][kk] for nn in range(n2)] for kk in range(k2)]
    stride = await gemm_to_mem(t, m, k2, n2, G["SRC_BUF"], G["SRC_ST_T"], 0x18000, 5)
    await t.check_out(0x18000, matmul(a2, bt), stride, 2, "C = A * S^T")
    t.finish("gemm_reads_s")


@cocotb.test()
async def store_rule(dut):
    """an S load into the rows a running GEMM reads waits for the GEMM's end."""
    t = Sys(dut, 3)
    await t.reset()
    m, k, n = MMAX, min(NMAX, KMAX), NMAX
    sa = rnd_up(k * EB, PB)
    assert await t.s_load(0x0, 0, m, k, sa, 1) == E_NONE
    a = await t.matrix(0x0, m, k, sa)
    sb = rnd_up(n * EB, PB)
    await load_b(t, 0x4000, k, n, sb, 2)
    b = await t.matrix(0x4000, k, n, sb)
    c_st = rnd_up(4 * n, PB)
    await t.descriptor(0x10000, m, n, c_st, 2, X["MEM_DST_MEM"], 3)
    waits0 = t.s_waits
    await t.command(G["OP_GEMM"], m, k, n, asrc=G["SRC_ST"])
    await t.descriptor(0x8000, m, k, sa, X["MEM_EB_LOG"], X["MEM_DST_S"], 4)   # new rows, same S
    assert await t.done(t.wdone, 3) == E_NONE
    assert await t.done(t.rdone, 4) == E_NONE
    assert t.s_waits > waits0, "the S load never waited: the GEMM was too short to test the rule"
    await t.check_out(0x10000, matmul(a, b), c_st, 2, "C = old S * B")
    stride = await t.s_out(0x18000, 0, m, k, 0, 5)
    await t.check_out(0x18000, await t.matrix(0x8000, m, k, sa), stride, 0, "S = the new rows")
    t.finish(f"store_rule (the S load waited {t.s_waits - waits0} cycles)")


@cocotb.test()
async def gemm_stores(dut):
    """a storing GEMM (requantized into S), then S -> memory = requant(A*B) per column."""
    t = Sys(dut, 4)
    await t.reset()
    if not G["REQUANT"]:
        return
    m, k, n = MMAX, min(KMAX, 8), NMAX
    a_st, b_st = rnd_up(k * EB, PB), rnd_up(n * EB, PB)
    await t.descriptor(0x0, m, k, a_st, X["MEM_EB_LOG"], X["MEM_DST_A0"], 1, tr=1 if OS else 0)
    assert await t.done(t.rdone, 1) == E_NONE
    await load_b(t, 0x4000, k, n, b_st, 2)
    a, b = await t.matrix(0x0, m, k, a_st), await t.matrix(0x4000, k, n, b_st)
    ent = [(t.rng.randrange(1 << 29, 1 << 31), t.rng.randrange(0, 8)) for _ in range(n)]
    await t.command(G["OP_LOAD_RQ"], 1, 1, n)
    for mult, shift in ent:
        dut.rq_mult_i.value, dut.rq_shift_i.value = mult, shift
        await t.handshake(dut.rq_valid_i, dut.rq_ready_o)
    await t.idle()
    await t.command(G["OP_GEMM"], m, k, n, requant=1, store=1)
    await t.idle()
    c = matmul(a, b)
    want = [[requant(c[i][j], ent[j][0], ent[j][1], G["RQ_BITS"]) for j in range(n)] for i in range(m)]
    for ew in (0, 2):
        stride = await t.s_out(0x10000 + ew * 0x4000, 0, m, n, ew, 10 + ew)
        await t.check_out(0x10000 + ew * 0x4000, want, stride, ew, f"S (stored) -> memory, ew {ew}")
    t.finish("gemm_stores")


async def stream(t, op, mat, m, k, n, half):
    """an element-wise LOAD_* of mat (streamed row-major on in_*) into half `half`."""
    is_b = op in (G["OP_LOAD_B"], G["OP_LOAD_BT"])
    await t.command(op, m, k, n, ahalf=0 if is_b else half, bhalf=half if is_b else 0)
    d = t.dut
    for row in mat:
        for v in row:
            d.in_data_i.value = v & ((1 << OPW) - 1)
            await t.handshake(d.in_valid_i, d.in_ready_o)
    await t.idle()


@cocotb.test()
async def element_loads(dut):
    """LOAD_A/AT/B/BT into both halves, alone and next to DMA loads; results = A*B."""
    t = Sys(dut, 6)
    await t.reset()
    # sizes that cross lane groups (so both banks and both group parities are written)
    m, k, n = min(MMAX, 2 * R + 1), min(KMAX, 2 * max(R, C) + 3), min(NMAX, 2 * C + 1)
    rnd = lambda rows, cols: [[t.rng.randrange(-(1 << (OPW - 1)), 1 << (OPW - 1)) for _ in range(cols)]
                              for _ in range(rows)]

    def transpose(x):
        return [list(r) for r in zip(*x)]
    # 1: A row-major into half 1, B^T into half 0, both element-wise
    a, b = rnd(m, k), rnd(k, n)
    await stream(t, G["OP_LOAD_A"], a, m, k, n, 1)
    await stream(t, G["OP_LOAD_BT"], transpose(b), m, k, n, 0)
    stride = await gemm_to_mem(t, m, k, n, G["SRC_BUF"], G["SRC_BUF"], 0x10000, 1, ahalf=1, bhalf=0)
    await t.check_out(0x10000, matmul(a, b), stride, 2, "C = A (LOAD_A, half 1) * B (LOAD_BT, half 0)")
    # 2: A^T element-wise into half 0, B by the DMA (direct, two lane groups a beat) into half 1
    a = rnd(m, k)
    await stream(t, G["OP_LOAD_AT"], transpose(a), m, k, n, 0)
    b_st = rnd_up(n * EB, PB)
    await t.descriptor(0x4000, k, n, b_st, X["MEM_EB_LOG"], X["MEM_DST_B1"], 2)
    assert await t.done(t.rdone, 2) == E_NONE
    b = await t.matrix(0x4000, k, n, b_st)
    stride = await gemm_to_mem(t, m, k, n, G["SRC_BUF"], G["SRC_BUF"], 0x14000, 3, ahalf=0, bhalf=1)
    await t.check_out(0x14000, matmul(a, b), stride, 2, "C = A (LOAD_AT, half 0) * B (DMA, half 1)")
    # 3: A by the DMA (OS: transposed, two columns a beat; WS: direct) into half 1, B element-wise
    a_st = rnd_up(k * EB, PB)
    await t.descriptor(0x8000, m, k, a_st, X["MEM_EB_LOG"], X["MEM_DST_A1"], 4, tr=1 if OS else 0)
    assert await t.done(t.rdone, 4) == E_NONE
    a, b = await t.matrix(0x8000, m, k, a_st), rnd(k, n)
    await stream(t, G["OP_LOAD_B"], b, m, k, n, 0)
    stride = await gemm_to_mem(t, m, k, n, G["SRC_BUF"], G["SRC_BUF"], 0x18000, 5, ahalf=1, bhalf=0)
    await t.check_out(0x18000, matmul(a, b), stride, 2, "C = A (DMA, half 1) * B (LOAD_B, half 0)")
    t.finish(f"element_loads ({m} x {k} x {n})")


@cocotb.test()
async def refused(dut):
    """S descriptors that do not fit: code, no AXI traffic, no access to S."""
    t = Sys(dut, 5)
    await t.reset()
    s_acc = 0
    cases = [((0, MMAX, 1, PB, X["MEM_EB_LOG"], X["MEM_DST_S"]), 1, E_RANGE),
             ((0, 1, NMAX + 1, PB * 8, X["MEM_EB_LOG"], X["MEM_DST_S"]), 0, E_RANGE),
             ((0, 2, 1, PB, 3, X["MEM_DST_SMEM"]), MMAX - 1, E_RANGE),
             ((0, 1, 1, PB, 3, X["MEM_DST_SMEM"]), 0, E_WIDTH)]
    rd0, wr0 = int(dut.cnt_rd_bytes_o.value), int(dut.cnt_wr_bytes_o.value)
    for i, (d, srow, want) in enumerate(cases):
        await t.descriptor(*d, tag=i, srow=srow)
        lst = t.wdone if d[5] == X["MEM_DST_SMEM"] else t.rdone
        assert await t.done(lst, i, bound=10) == want, f"case {i}"
        for _ in range(20):
            await RisingEdge(dut.clk_i)
            u = dut.u_sys
            s_acc += int(u.sw_valid.value) + int(u.sr_valid.value)
            assert dut.m_axi_arvalid.value == 0 and dut.m_axi_awvalid.value == 0, f"case {i}: AXI traffic"
    assert s_acc == 0, "a refused descriptor accessed S"
    assert int(dut.cnt_rd_bytes_o.value) == rd0 and int(dut.cnt_wr_bytes_o.value) == wr0
    t.finish(f"refused: {len(cases)} descriptors")
