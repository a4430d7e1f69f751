// harness.cpp -- Verilator co-simulation of a generated tforge memory system
// (<name>_sys: the GEMM engine, the tiling controller tf_mem_ctl, the DMA engine and the
// AXI4 master) against the golden model (model/tf_mem.c), on the verification layer in
// tb/common, with the host memory model tb/common/axi_mem.h on the AXI port (latency
// --lat, bandwidth --bw, random stalls on every channel --stall, SLVERR ranges).
//
// A test is a batch of 1..3 controller commands offered back to back (the next one is
// offered as soon as the controller takes one), each on its own matrices in memory:
// random shapes (M and N beyond one tile, K up to max_k, B or B^T, requantization on or
// off, C elements of 1, 2, 4 bytes), a result-store command followed by one reading
// A = S or S^T where the design has a store, and malformed commands mixed in (zero, out
// of range, unaligned, overflowing the address space, forms the design lacks) that must
// be refused at once with tfmm_check's code, set ctl_err_o and move nothing. Some
// batches put a SLVERR range on an operand or on C: the command completes with CErrAxi,
// dma_err_o is set with an address in the range. After each batch:
//   * every byte of memory equals the golden model's (tfmm_run, in command order);
//   * bytes read and written (cnt_rd_bytes_o, cnt_wr_bytes_o, and the memory model's own
//     counts) equal tfmm_traffic exactly;
//   * the cycle model (tfmm_cycles, model/tf_mem_cycles.c) at --stall 0: the cycles from
//     the first acceptance to the last completion, every command's acceptance and
//     completion cycle and the counters cnt_ctl_busy/gemm/wait, cnt_rd_busy/wr_busy equal
//     the model's, exactly; with random stalls, RTL cycles <= model cycles + the cycles in
//     which a stall held back a transfer that was due (AxiMem::eff_stalls): a bound this
//     harness checks (each such cycle delays the run by at most one cycle, an argument,
//     not a proof: stalls can also shorten a run, R and W sharing the credit).
// --bench MxKxN,... runs those shapes (one command each: A, B row-major, requantized C
// of 1 byte, or 4-byte C without requantization; memory compared with tfmm_run) and
// writes a CSV row per shape instead of the tests: design, rows, cols, m, k, n, bw, lat,
// cycles (RTL, acceptance to completion: every load and write-back included; checked
// equal to model_cycles, tfmm_cycles, at --stall 0), model_cycles, compute
// (the steps' tfm_cycles summed), roofline (tfmm_roofline), roofline / cycles, bytes
// read and written, and the counters gemm, wait, busy (scripts/bench_mem.sh).
// --chain LxDxT,... the store chain instead (S = requant(Q K^T) kept in the result store,
// O = requant(S V) written back; two commands back to back; same checks): the same
// columns with l, d, t for m, k, n, compute the two GEMMs' and compute / cycles for the
// fraction (performance.md, the store chain end to end).
#include "Vmem.h"
#include "tb.h"
#include "axi_mem.h"

extern "C" {
#include "tf_mem.h"
#include "tf_model.h"
}

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

static const struct tfm_arch ARCH = TFP_ARCH_INIT;
static const struct tfmm_cfg CFG = TFMM_CFG_INIT;
static const int PB = TFP_MEM_PORT_BYTES;
static const int EB = 1 << TFP_MEM_EB_LOG;

struct MemOptions : tb::Options {
    int batches = 40;
    int lat = 12, bw = 0;
    double stall = 0;
    int mem_kib = 0; // 0: sized for the design
    std::string bench, chain, csv;
    bool verbose = false;
    MemOptions() : tb::Options("mem_harness", "mem_fail.fst")
    {
        units("batch");
        add("--batches", "N", "random batches of commands (default 40)", batches);
        add("--lat", "L", "memory latency in cycles, >= 1 (default 12)", lat);
        add("--bw", "B", "memory bandwidth in bytes per cycle, 0: a word per cycle and channel (default 0)", bw);
        add("--stall", "P", "probability of a stall per cycle and AXI channel (default 0)", stall);
        add("--mem-kib", "N", "memory size in KiB (default: sized for the design)", mem_kib);
        add("--bench", "MxKxN,...", "run these shapes, one command each, and write CSV rows", bench);
        add("--chain", "LxDxT,...", "attention chains S = Q K^T into the store, O = S V (two commands each), CSV rows",
            chain);
        add("--csv", "FILE", "append the CSV rows of --bench or --chain here (default stdout)", csv, false);
        flag("--verbose", "print every batch's commands", verbose, false);
    }
};

struct Totals {
    tb::Scoreboard sb;
    long long batches = 0, cmds = 0, refused = 0, axi_errors = 0, stores = 0, sreads = 0;
    long long bytes_checked = 0, rd_bytes = 0, wr_bytes = 0;
    long long rtl_cycles = 0, busy = 0, gemm = 0, wait = 0, rd_busy = 0, wr_busy = 0, stalls = 0;
    long long model_cycles = 0, cycle_checks = 0, eff_stalls = 0, max_over = -(1LL << 62), min_over = 1LL << 62;
    long long sim_cycles = 0;
};

// ---------------------------------------------------------------------------------------
// A command and its expected outcome
// ---------------------------------------------------------------------------------------
struct Cmd {
    tfmm_cmd x{};
    int code = 0;          // tfmm_check
    bool err_rd = false;   // a SLVERR range on this command's A or B
    bool err_wr = false;   // on its C
    uint64_t err_lo = 0, err_hi = 0;
    std::string desc() const
    {
        return tb::format("M %d K %d N %d%s%s%s%s cew %d, A 0x%" PRIx64 "/%" PRIu64 " B 0x%" PRIx64 "/%" PRIu64
                          " C 0x%" PRIx64 "/%" PRIu64 "%s",
                          x.m, x.k, x.n, x.btr ? " B^T" : "", x.requant ? " requant" : "",
                          x.store ? " store" : "", x.asrc == 1 ? " A=S" : x.asrc == 2 ? " A=S^T" : "", x.cew,
                          x.a_addr, x.a_stride, x.b_addr, x.b_stride, x.c_addr, x.c_stride,
                          x.hold ? tb::format(", held, go after %d", x.go_delay).c_str() : "");
    }
};

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// Memory regions are handed out upward from a cursor, each port-aligned with a random gap.
struct Alloc {
    uint64_t cur = 0, size;
    tb::Rng &rng;
    Alloc(uint64_t sz, tb::Rng &r) : size(sz), rng(r) {}
    // rows x row_bytes with a stride of at least row_bytes (port multiple): the address
    bool take(uint64_t rows, uint64_t row_bytes, uint64_t &addr, uint64_t &stride, bool tight = false)
    {
        stride = round_up(row_bytes, (uint64_t)PB) + (tight ? 0 : (uint64_t)PB * (uint64_t)rng.uniform(0, 2));
        uint64_t start = round_up(cur, (uint64_t)PB) + (uint64_t)PB * (uint64_t)rng.uniform(0, 3);
        uint64_t end = start + (rows - 1) * stride + row_bytes;
        if (end > size)
            return false;
        addr = start;
        cur = end;
        return true;
    }
};

static int dim_max() { return (1 << TFP_DIM_W) - 1; }

// A random valid command (store/S forms by the caller); false if memory ran out.
static bool random_cmd(Cmd &c, Alloc &al, tb::Rng &rng, bool big)
{
    tfmm_cmd &x = c.x;
    int mmax = CFG.tile_m * (big ? 2 : 1) + (big ? 3 : 0);
    int nmax = CFG.n_tiles ? CFG.tile_n * (big ? 2 : 1) + (big ? 3 : 0) : CFG.tile_n;
    x.m = rng.uniform(1, mmax);
    x.n = rng.uniform(1, nmax);
    x.k = rng.uniform(1, ARCH.max_k);
    if (rng.chance(0.25))
        x.k = ARCH.max_k;
    x.btr = rng.chance(0.5);
    x.requant = ARCH.requant && rng.chance(0.35);
    x.cew = rng.uniform(0, 2);
    // later C tiles must start on a port word (tfmm_check: CErrAlign otherwise)
    while (x.n > CFG.tile_n && (((uint64_t)CFG.tile_n << x.cew) % PB) && x.cew < 2)
        x.cew++;
    if (((uint64_t)CFG.tile_n << x.cew) % PB)
        x.n = std::min(x.n, CFG.tile_n);
    x.id = rng.uniform(0, 255);
    uint64_t br = x.btr ? x.n : x.k, bc = x.btr ? x.k : x.n;
    return al.take(x.m, (uint64_t)x.k * EB, x.a_addr, x.a_stride) &&
           al.take(br, bc * EB, x.b_addr, x.b_stride) &&
           al.take(x.m, (uint64_t)x.n << x.cew, x.c_addr, x.c_stride);
}

// A malformed variant of a valid command (kind 0..9); its code is tfmm_check's.
static void spoil(Cmd &c, int kind, tb::Rng &rng)
{
    tfmm_cmd &x = c.x;
    uint64_t top = TFP_MEM_ADDR_BITS >= 64 ? ~0ULL : (1ULL << TFP_MEM_ADDR_BITS) - 1;
    switch (kind) {
    case 0: (rng.chance(0.5) ? x.m : x.n) = 0; break;
    case 1: x.k = 0; break;
    case 2:
        if (ARCH.max_k < dim_max())
            x.k = rng.uniform(ARCH.max_k + 1, dim_max());
        else
            x.m = 0;
        break;
    case 3: x.cew = 3; break;
    case 4: x.a_addr += (uint64_t)rng.uniform(1, PB - 1); break;
    case 5: x.c_addr += (uint64_t)rng.uniform(1, PB - 1); break;
    case 6: x.m = std::max(x.m, 2); x.b_stride = 0; if (!x.btr) x.k = std::max(x.k, 2); else x.n = std::max(x.n, 2); break;
    case 7: x.c_addr = (top + 1 - (uint64_t)PB) & top; x.c_addr -= x.c_addr % PB; break;
    case 8: // forms the design lacks: a store or S source without a store, requant without hardware
        if (!CFG.store)
            rng.chance(0.5) ? (void)(x.store = 1, x.requant = 1) : (void)(x.asrc = 1);
        else
            x.asrc = 3;
        if (!ARCH.requant)
            x.requant = 1;
        break;
    default: // N beyond one tile without N tiling or with C tiles off the port words, or
             // M beyond a tile for a store
        if (CFG.n_tiles && (uint64_t)CFG.tile_n % PB)
            x.n = CFG.tile_n + 1, x.cew = 0;
        else if (!CFG.n_tiles)
            x.n = CFG.tile_n + 1;
        else if (CFG.store)
            x.store = 1, x.requant = 1, x.m = CFG.tile_m + 1;
        else
            x.k = 0;
        break;
    }
    c.code = tfmm_check(&CFG, &x);
}

// ---------------------------------------------------------------------------------------
// The system under test
// ---------------------------------------------------------------------------------------
struct Done {
    int id, code;
    uint64_t cycle;
};

class System {
public:
    tb::Sim<Vmem> sim;
    tb::Rng mrng;
    tb::AxiMem<Vmem> mem;
    const MemOptions &o;
    std::vector<uint64_t> accepts;
    std::vector<Done> dones;
    long long stalls_at_start = 0, eff_at_start = 0;

    System(tb::Run &r, const MemOptions &opt, size_t bytes, const tb::AxiMemConfig &mc)
        : sim(r), mrng(r.seed() ^ 0xa71ULL), mem(sim.top(), TFP_MEM_DATA_BITS, bytes, mc, mrng), o(opt)
    {
        idle_inputs();
        sim.reset(4);
    }
    void idle_inputs()
    {
        sim->cmd_valid_i = 0;
        sim->in_valid_i = 0;
        sim->rq_valid_i = 0;
        sim->ctl_valid_i = 0;
        sim->ctl_hold_i = 0;
        sim->ctl_go_i = 0;
        sim->ctl_drop_i = 0;
        sim->dsc_valid_i = 0;
        sim->dma_err_clr_i = 0;
        sim->cnt_clr_i = 0;
        sim->cmd_op_i = 0;
        sim->cmd_m_i = sim->cmd_k_i = sim->cmd_n_i = 0;
        sim->cmd_requant_i = sim->cmd_store_i = 0;
        sim->cmd_asrc_i = sim->cmd_bsrc_i = 0;
        sim->cmd_ahalf_i = sim->cmd_bhalf_i = 0;
        sim->m_axi_arready_i = sim->m_axi_awready_i = sim->m_axi_wready_i = 0;
        sim->m_axi_rvalid_i = sim->m_axi_bvalid_i = 0;
    }
    // one cycle with the memory model; observe: called after the inputs are evaluated
    template <class F>
    void cycle(F observe)
    {
        mem.drive();
        sim.fall();
        loop_back();
        mem.sample();
        observe();
        sim.rise();
    }
    // A design with [model] sends the result beats out to the accelerator's epilogue (ep_o_*)
    // and takes them back (ep_i_*): here they come straight back, so <name>_sys is checked as
    // the engine, controller and write-back queue the accelerator uses, with an epilogue that
    // changes nothing (the accelerator's own co-simulation has the real one). The copies are
    // evaluated until they settle (ready and valid may depend on each other through the loop).
    void loop_back()
    {
#ifdef TFP_MODEL_D // the design has a [model]
        for (int i = 0; i < 4; i++) {
            bool same = sim->ep_i_valid_i == sim->ep_o_valid_o && sim->ep_o_ready_i == sim->ep_i_ready_o;
            sim->ep_i_valid_i = sim->ep_o_valid_o;
            sim->ep_i_data_i = sim->ep_o_data_o;
            sim->ep_i_row_i = sim->ep_o_row_o;
            sim->ep_i_col_i = sim->ep_o_col_o;
            sim->ep_i_last_i = sim->ep_o_last_o;
            sim->ep_o_ready_i = sim->ep_i_ready_o;
            sim->eval();
            if (same && i > 0)
                break;
        }
#endif
    }
    void cycle()
    {
        cycle([] {});
    }
    void put(const tfmm_cmd &x)
    {
        sim->ctl_a_addr_i = x.a_addr;
        sim->ctl_a_stride_i = x.a_stride;
        sim->ctl_b_addr_i = x.b_addr;
        sim->ctl_b_stride_i = x.b_stride;
        sim->ctl_c_addr_i = x.c_addr;
        sim->ctl_c_stride_i = x.c_stride;
        sim->ctl_m_i = (uint32_t)x.m;
        sim->ctl_k_i = (uint32_t)x.k;
        sim->ctl_n_i = (uint32_t)x.n;
        sim->ctl_requant_i = (uint8_t)x.requant;
        sim->ctl_store_i = (uint8_t)x.store;
        sim->ctl_asrc_i = (uint8_t)x.asrc;
        sim->ctl_btr_i = (uint8_t)x.btr;
        sim->ctl_cew_i = (uint8_t)x.cew;
        sim->ctl_id_i = (uint8_t)x.id;
        sim->ctl_hold_i = (uint8_t)x.hold;
    }
    // LOAD_RQ on the engine's port (the controller is idle): n entries
    void load_rq(const std::vector<uint32_t> &mult, const std::vector<int> &shift)
    {
        int n = (int)mult.size();
        sim->cmd_op_i = TFP_OP_LOAD_RQ;
        sim->cmd_m_i = 1;
        sim->cmd_k_i = 1;
        sim->cmd_n_i = (uint32_t)n;
        sim->cmd_valid_i = 1;
        tb::Guard g(sim, o.guard, "LOAD_RQ: cmd_ready_o stuck low");
        bool taken = false;
        while (!taken) {
            cycle([&] { taken = sim->cmd_ready_o; });
            g.wait();
        }
        sim->cmd_valid_i = 0;
        int sent = 0;
        tb::Guard g2(sim, o.guard, "LOAD_RQ: rq_ready_o stuck low");
        while (sent < n) {
            sim->rq_valid_i = 1;
            sim->rq_mult_i = mult[(size_t)sent];
            sim->rq_shift_i = (uint8_t)shift[(size_t)sent];
            bool t = false;
            cycle([&] { t = sim->rq_ready_o; });
            if (t)
                sent++;
            g2.wait();
        }
        sim->rq_valid_i = 0;
        tb::Guard g3(sim, o.guard, "LOAD_RQ: busy_o stuck high");
        while (sim->busy_o) {
            cycle();
            g3.wait();
        }
    }
    // Idle cycles until the memory is in the state the cycle model starts from: idle, its
    // credit full (a batch may end within a few cycles of its last beat).
    void settle()
    {
        for (int i = 0; !mem.settled(); i++) {
            if (i > 100000)
                tb::fail("the memory model did not settle between batches");
            cycle();
        }
    }
    void clear_counters()
    {
        sim->cnt_clr_i = 1;
        cycle();
        sim->cnt_clr_i = 0;
    }
    // Offer the commands back to back; wait for every completion and for the system to
    // be idle. Records each acceptance and completion cycle.
    void run(const std::vector<Cmd> &cmds, uint64_t bound)
    {
        accepts.clear();
        dones.clear();
        stalls_at_start = mem.stalls;
        eff_at_start = mem.eff_stalls;
        size_t next = 0, gnext = 0;
        uint64_t last_go = 0;
        tb::Guard g(sim, bound, [&] {
            return tb::format("%zu of %zu commands accepted, %zu completed, ctl_busy_o %d", accepts.size(),
                              cmds.size(), dones.size(), (int)sim->ctl_busy_o);
        });
        while (dones.size() < cmds.size() || sim->ctl_busy_o || sim->dma_rd_busy_o || sim->dma_wr_busy_o ||
               !mem.idle()) {
            if (next < cmds.size()) {
                put(cmds[next].x);
                sim->ctl_valid_i = 1;
            } else {
                sim->ctl_valid_i = 0;
            }
            // a held command's go: go_delay cycles after the latest of its acceptance, the
            // previous command's completion and the previous go (what tfmm_cycles assumes);
            // none for a refused one
            sim->ctl_go_i = 0;
            while (gnext < accepts.size()) {
                const Cmd &c = cmds[gnext];
                if (!c.x.hold || c.code) {
                    gnext++;
                    continue;
                }
                // the previous command's completion (refused ones complete out of order, at
                // their acceptance: found by the tag, unique in a batch)
                uint64_t prev = accepts[0];
                bool known = gnext == 0;
                for (const Done &d : dones)
                    if (gnext > 0 && d.id == cmds[gnext - 1].x.id) {
                        prev = d.cycle;
                        known = true;
                    }
                if (!known)
                    break;
                uint64_t at = std::max(std::max(accepts[gnext], prev), last_go) + (uint64_t)std::max(c.x.go_delay, 1);
                if (sim.cycles() == at) {
                    sim->ctl_go_i = 1;
                    last_go = at;
                    gnext++;
                }
                break;
            }
            cycle([&] {
                uint64_t now = sim.cycles();
                if (sim->ctl_valid_i && sim->ctl_ready_o) {
                    accepts.push_back(now);
                    next++;
                }
                if (sim->ctl_done_valid_o)
                    dones.push_back({(int)sim->ctl_done_id_o, (int)sim->ctl_done_code_o, now});
            });
            g.wait();
        }
        sim->ctl_valid_i = 0;
    }
};

// ---------------------------------------------------------------------------------------
// One batch: commands, the golden model, the comparisons
// ---------------------------------------------------------------------------------------
struct Batch {
    std::vector<Cmd> cmds;
    bool rq = false;
    std::vector<uint32_t> mult;
    std::vector<int> shift;
};

static void fill_random(std::vector<uint8_t> &m, uint64_t lo, uint64_t hi, tb::Rng &rng)
{
    for (uint64_t a = lo; a < hi && a < m.size(); a++)
        m[a] = (uint8_t)rng();
}

static Batch make_batch(const MemOptions &o, int idx, tb::Rng &rng, uint64_t size)
{
    (void)o;
    Batch b;
    Alloc al(size, rng);
    int n = rng.uniform(1, 3);
    bool big = rng.chance(0.3);
    for (int i = 0; i < n; i++) {
        Cmd c;
        if (!random_cmd(c, al, rng, big && i == 0))
            break;
        c.code = tfmm_check(&CFG, &c.x);
        if (c.code)
            tb::fail(tb::format("batch %d: generated command %s refused with %d", idx, c.desc().c_str(), c.code));
        int kind = idx % 7 == 3 || rng.chance(0.12) ? rng.uniform(0, 9) : -1;
        if (kind >= 0)
            spoil(c, kind, rng);
        b.cmds.push_back(c);
    }
    // a store, and a command reading A = S or S^T
    if (CFG.store && idx % 3 == 1) {
        Cmd s;
        tfmm_cmd &x = s.x;
        x.m = rng.uniform(1, CFG.tile_m);
        x.n = rng.uniform(1, CFG.tile_n);
        x.k = rng.uniform(1, ARCH.max_k);
        x.btr = rng.chance(0.5);
        x.requant = 1;
        x.store = 1;
        x.id = rng.uniform(0, 255);
        uint64_t br = x.btr ? x.n : x.k, bc = x.btr ? x.k : x.n;
        if (al.take(x.m, (uint64_t)x.k * EB, x.a_addr, x.a_stride) && al.take(br, bc * EB, x.b_addr, x.b_stride)) {
            x.c_addr = (uint64_t)rng.uniform(0, 1 << 20); // not used
            x.c_stride = (uint64_t)rng.uniform(0, 7);
            s.code = tfmm_check(&CFG, &x);
            Cmd r;
            tfmm_cmd &y = r.x;
            y.asrc = rng.chance(0.5) ? TFM_SRC_ST : TFM_SRC_ST_T;
            // read only what the store wrote: S rows < x.m, columns < x.n
            if (y.asrc == TFM_SRC_ST) {
                y.m = rng.uniform(1, x.m);
                y.k = rng.uniform(1, std::min(x.n, ARCH.max_k));
            } else {
                y.m = rng.uniform(1, std::min(x.n, CFG.tile_m));
                y.k = rng.uniform(1, std::min(x.m, ARCH.max_k));
            }
            y.n = rng.uniform(1, CFG.n_tiles ? 2 * CFG.tile_n : CFG.tile_n);
            y.btr = rng.chance(0.5);
            y.requant = rng.chance(0.5);
            y.cew = rng.uniform(0, 2);
            y.id = rng.uniform(0, 255);
            y.a_addr = (uint64_t)rng.uniform(0, 1 << 20);
            y.a_stride = (uint64_t)rng.uniform(0, 3);
            uint64_t yr = y.btr ? y.n : y.k, yc = y.btr ? y.k : y.n;
            if (al.take(yr, yc * EB, y.b_addr, y.b_stride) && al.take(y.m, (uint64_t)y.n << y.cew, y.c_addr, y.c_stride)) {
                r.code = tfmm_check(&CFG, &y);
                b.cmds.push_back(s);
                b.cmds.push_back(r);
            }
        }
    }
    // a SLVERR range on the first accepted command's A (read) or C (write)
    if (idx % 5 == 4 && !b.cmds.empty() && b.cmds[0].code == 0 && !b.cmds[0].x.store) {
        Cmd &c = b.cmds[0];
        bool wr = rng.chance(0.5) || c.x.asrc != TFM_SRC_BUF;
        uint64_t base = wr ? c.x.c_addr : c.x.a_addr;
        uint64_t stride = wr ? c.x.c_stride : c.x.a_stride;
        int row = rng.uniform(0, c.x.m - 1);
        c.err_rd = !wr, c.err_wr = wr;
        c.err_lo = base + (uint64_t)row * stride;
        c.err_hi = c.err_lo + (uint64_t)PB;
    }
    // held commands (B first, A after a go), drawn last so that the shapes above stay the
    // same for a seed
    for (size_t i = 0; i < b.cmds.size(); i++)
        if (rng.chance(0.4)) {
            b.cmds[i].x.hold = 1;
            b.cmds[i].x.go_delay = rng.chance(0.5) ? rng.uniform(1, 8) : rng.uniform(9, 600);
        }
    for (size_t i = 0; i < b.cmds.size(); i++) {
        b.cmds[i].x.id = (int)(((unsigned)idx * 8u + (unsigned)i) & 255u);
        if (b.cmds[i].code == 0 && b.cmds[i].x.requant)
            b.rq = true;
    }
    if (b.rq) {
        for (int j = 0; j < CFG.tile_n; j++) {
            b.mult.push_back((uint32_t)rng.uniform(1 << 30, 0x7fffffff));
            b.shift.push_back(rng.uniform(ARCH.op_bits + 2, ARCH.op_bits + 10));
        }
    }
    return b;
}

static void run_batch(System &sys, const MemOptions &o, int idx, Totals &t, tfm_trf *store)
{
    tb::Rng rng(o.seed * 1000003ULL + (uint64_t)idx);
    sys.settle(); // before the stalls are seeded, so that --only I draws the same ones
    // the memory's stalls too are drawn per batch: --only I replays batch I exactly
    sys.mrng.seed(o.seed * 7777ULL + (uint64_t)idx);
    std::vector<uint8_t> &mem = sys.mem.bytes();
    Batch b = make_batch(o, idx, rng, mem.size());
    // fresh random contents where this batch reads and writes
    fill_random(mem, 0, std::min<uint64_t>(mem.size(), (uint64_t)1 << 22), rng);
    std::vector<uint8_t> want = mem;
    if (b.rq)
        sys.load_rq(b.mult, b.shift);
    // the golden model, command by command
    struct tfmm_traffic sum{};
    long long nsteps = 0;
    for (Cmd &c : b.cmds) {
        if (c.code)
            continue;
        std::vector<uint8_t> saved;
        if (c.err_rd) { // the beat in the range reads as zeros
            saved.assign(want.begin() + (long)c.err_lo, want.begin() + (long)c.err_hi);
            std::fill(want.begin() + (long)c.err_lo, want.begin() + (long)c.err_hi, 0);
        }
        if (c.err_wr)
            saved.assign(want.begin() + (long)c.err_lo, want.begin() + (long)c.err_hi);
        if (tfmm_run(&CFG, &c.x, want.data(), want.size(), b.mult.data(), b.shift.data(), store) != 0)
            tb::fail(tb::format("batch %d: tfmm_run refused %s", idx, c.desc().c_str()));
        if (c.err_rd || c.err_wr) // not written / the operand unchanged in memory
            std::copy(saved.begin(), saved.end(), want.begin() + (long)c.err_lo);
        struct tfmm_traffic tr;
        tfmm_traffic(&CFG, &c.x, &tr);
        sum.rd_bytes += tr.rd_bytes;
        sum.wr_bytes += tr.wr_bytes;
        sum.compute += tr.compute;
        nsteps += tr.steps;
        if (c.x.store)
            t.stores++;
        if (c.x.asrc)
            t.sreads++;
    }
    for (const Cmd &c : b.cmds)
        if (c.err_rd || c.err_wr)
            sys.mem.set_err(c.err_lo, c.err_hi);
    if (o.verbose)
        for (const Cmd &c : b.cmds)
            std::printf("batch %d: id %d code %d%s %s\n", idx, c.x.id, c.code,
                        c.err_rd ? " SLVERR(A)" : c.err_wr ? " SLVERR(C)" : "", c.desc().c_str());
    sys.clear_counters();
    long long rd0 = sys.mem.read_bytes, wr0 = sys.mem.write_bytes;
    uint64_t bound = 20 * (uint64_t)(sum.compute + (sum.rd_bytes + sum.wr_bytes) / PB * (o.bw ? (PB + o.bw - 1) / o.bw : 1) +
                                     (uint64_t)(nsteps + 4) * (uint64_t)(o.lat + 40)) +
                     o.guard;
    sys.run(b.cmds, bound);
    sys.mem.set_err(0, 0);
    // completions: each command's (ids are distinct in a batch); refusals at once, the
    // accepted commands in order
    if (sys.dones.size() != b.cmds.size() || sys.accepts.size() != b.cmds.size())
        tb::fail(tb::format("batch %d: %zu acceptances, %zu completions for %zu commands", idx, sys.accepts.size(),
                            sys.dones.size(), b.cmds.size()));
    uint64_t last_ok = 0;
    for (size_t i = 0; i < b.cmds.size(); i++) {
        const Cmd &c = b.cmds[i];
        size_t di = 0;
        while (di < sys.dones.size() && sys.dones[di].id != c.x.id)
            di++;
        int want_code = c.code ? c.code : (c.err_rd || c.err_wr) ? TFMM_AXI : TFMM_OK;
        t.sb.check(di < sys.dones.size() && sys.dones[di].code == want_code, [&] {
            return tb::format("batch %d, command %zu (%s, id %d): completion code %d, expected %d", idx, i,
                              c.desc().c_str(), c.x.id, di < sys.dones.size() ? sys.dones[di].code : -1, want_code);
        });
        const Done &d = sys.dones[di];
        if (c.code) {
            t.refused++;
            t.sb.check(d.cycle == sys.accepts[i], [&] {
                return tb::format("batch %d, command %zu: refused at cycle %" PRIu64 ", accepted at %" PRIu64, idx, i,
                                  d.cycle, sys.accepts[i]);
            });
        } else {
            t.sb.check(d.cycle > last_ok, [&] {
                return tb::format("batch %d, command %zu: completed at cycle %" PRIu64 ", before an earlier command",
                                  idx, i, d.cycle);
            });
            last_ok = d.cycle;
        }
        t.cmds++;
    }
    // the error flag: the last command refused or not
    bool last_bad = b.cmds.back().code != 0;
    t.sb.check((bool)sys.sim->ctl_err_o == last_bad, [&] {
        return tb::format("batch %d: ctl_err_o %d after a batch whose last command was %s", idx, (int)sys.sim->ctl_err_o,
                          last_bad ? "refused" : "accepted");
    });
    // AXI errors: flag and address, then cleared
    bool any_err = false;
    for (const Cmd &c : b.cmds)
        if (c.code == 0 && (c.err_rd || c.err_wr)) {
            any_err = true;
            t.axi_errors++;
            uint64_t ea = (uint64_t)sys.sim->dma_err_addr_o;
            bool ok = sys.sim->dma_err_o && (bool)sys.sim->dma_err_wr_o == c.err_wr &&
                      (c.err_rd ? (ea >= c.err_lo && ea < c.err_hi)
                                : (ea <= c.err_lo && ea + (uint64_t)TFP_MEM_BURST_LEN * PB > c.err_lo)) &&
                      sys.sim->dma_err_resp_o == 2;
            t.sb.check(ok, [&] {
                return tb::format("batch %d: SLVERR on %s 0x%" PRIx64 ": dma_err_o %d, wr %d, addr 0x%" PRIx64 ", resp %d",
                                  idx, c.err_wr ? "C" : "A", c.err_lo, (int)sys.sim->dma_err_o,
                                  (int)sys.sim->dma_err_wr_o, ea, (int)sys.sim->dma_err_resp_o);
            });
        }
    if (!any_err)
        t.sb.check(!sys.sim->dma_err_o, [&] { return tb::format("batch %d: dma_err_o set without an AXI error", idx); });
    sys.sim->dma_err_clr_i = 1;
    sys.cycle();
    sys.sim->dma_err_clr_i = 0;
    // every byte of memory
    for (size_t a = 0; a < mem.size(); a++) {
        t.sb.expect(t.bytes_checked, want[a], mem[a], [&] {
            std::string which = "outside every matrix";
            for (size_t i = 0; i < b.cmds.size(); i++) {
                const tfmm_cmd &x = b.cmds[i].x;
                if (a >= x.c_addr && a < x.c_addr + (uint64_t)x.m * x.c_stride) {
                    uint64_t off = a - x.c_addr;
                    which = tb::format("command %zu (%s), C row %" PRIu64 " byte %" PRIu64, i, b.cmds[i].desc().c_str(),
                                       off / x.c_stride, off % x.c_stride);
                }
            }
            return tb::format("batch %d: memory byte 0x%zx (%s): expected 0x%02x, actual 0x%02x", idx, a, which.c_str(),
                              want[a], mem[a]);
        });
    }
    // bytes read and written
    long long crd = (long long)sys.sim->cnt_rd_bytes_o, cwr = (long long)sys.sim->cnt_wr_bytes_o;
    long long mrd = sys.mem.read_bytes - rd0, mwr = sys.mem.write_bytes - wr0;
    t.sb.check(crd == sum.rd_bytes && cwr == sum.wr_bytes && mrd == sum.rd_bytes && mwr == sum.wr_bytes, [&] {
        return tb::format("batch %d: bytes read %lld (memory %lld), written %lld (memory %lld); model %lld, %lld", idx,
                          crd, mrd, cwr, mwr, sum.rd_bytes, sum.wr_bytes);
    });
    t.rd_bytes += crd;
    t.wr_bytes += cwr;
    uint64_t first = sys.accepts.front(), last = 0;
    for (const Done &d : sys.dones)
        last = std::max(last, d.cycle);
    t.rtl_cycles += (long long)(last - first);
    // the cycle model (memory at stall 0): everything exact; with stalls, a bound
    std::vector<tfmm_cmd> xs;
    for (const Cmd &c : b.cmds)
        xs.push_back(c.x);
    std::vector<long long> macc(xs.size()), mdone(xs.size());
    struct tfmm_timing mtm{};
    mtm.accept = macc.data();
    mtm.done = mdone.data();
    struct tfmm_mem_timing mmt = {o.lat, o.bw};
    if (tfmm_cycles(&CFG, &mmt, xs.data(), (int)xs.size(), &mtm) != 0)
        tb::fail(tb::format("batch %d: tfmm_cycles failed", idx));
    t.model_cycles += mtm.cycles;
    long long rtl = (long long)(last - first);
    long long eff = sys.mem.eff_stalls - sys.eff_at_start;
    t.eff_stalls += eff;
    if (o.verbose) {
        std::printf("batch %d: cycles RTL %lld model %lld; busy %lld/%lld gemm %lld/%lld wait %lld/%lld rd %lld/%lld wr %lld/%lld\n",
                    idx, rtl, mtm.cycles, (long long)sys.sim->cnt_ctl_busy_o, mtm.busy, (long long)sys.sim->cnt_ctl_gemm_o,
                    mtm.gemm, (long long)sys.sim->cnt_ctl_wait_o, mtm.wait, (long long)sys.sim->cnt_rd_busy_o, mtm.rd_busy,
                    (long long)sys.sim->cnt_wr_busy_o, mtm.wr_busy);
        for (size_t i = 0; i < b.cmds.size(); i++) {
            size_t di = 0;
            while (di < sys.dones.size() && sys.dones[di].id != b.cmds[i].x.id)
                di++;
            std::printf("  command %zu: accepted %lld/%lld done %lld/%lld\n", i, (long long)(sys.accepts[i] - first), macc[i],
                        (long long)(sys.dones[di].cycle - first), mdone[i]);
        }
    }
    if (o.stall == 0) {
        auto cmp = [&](const char *what, long long rv, long long mv) {
            t.sb.expect(t.cycle_checks, mv, rv, [&] {
                std::string cs;
                for (size_t i = 0; i < b.cmds.size(); i++)
                    cs += tb::format("\n  command %zu: %s, code %d", i, b.cmds[i].desc().c_str(), b.cmds[i].code);
                return tb::format("batch %d: %s: RTL %lld, model %lld%s", idx, what, rv, mv, cs.c_str());
            });
        };
        cmp("cycles", rtl, mtm.cycles);
        for (size_t i = 0; i < b.cmds.size(); i++) {
            size_t di = 0;
            while (di < sys.dones.size() && sys.dones[di].id != b.cmds[i].x.id)
                di++;
            cmp(tb::format("command %zu accepted at", i).c_str(), (long long)(sys.accepts[i] - first), macc[i]);
            cmp(tb::format("command %zu completed at", i).c_str(), (long long)(sys.dones[di].cycle - first), mdone[i]);
        }
        cmp("cnt_ctl_busy", (long long)sys.sim->cnt_ctl_busy_o, mtm.busy);
        cmp("cnt_ctl_gemm", (long long)sys.sim->cnt_ctl_gemm_o, mtm.gemm);
        cmp("cnt_ctl_wait", (long long)sys.sim->cnt_ctl_wait_o, mtm.wait);
        cmp("cnt_rd_busy", (long long)sys.sim->cnt_rd_busy_o, mtm.rd_busy);
        cmp("cnt_wr_busy", (long long)sys.sim->cnt_wr_busy_o, mtm.wr_busy);
    } else {
        // each cycle a transfer was held back (a stall on a channel with one pending)
        // delays the run by at most one cycle; stalls can also make it shorter (R and W
        // share the credit), so only the upper bound is checked
        t.max_over = std::max(t.max_over, rtl - mtm.cycles);
        t.min_over = std::min(t.min_over, rtl - mtm.cycles);
        t.sb.check(t.cycle_checks, rtl <= mtm.cycles + eff, [&] {
            return tb::format("batch %d: RTL %lld cycles, model %lld + %lld effective stalls", idx, rtl, mtm.cycles, eff);
        });
    }
    t.busy += (long long)sys.sim->cnt_ctl_busy_o;
    t.gemm += (long long)sys.sim->cnt_ctl_gemm_o;
    t.wait += (long long)sys.sim->cnt_ctl_wait_o;
    t.rd_busy += (long long)sys.sim->cnt_rd_busy_o;
    t.wr_busy += (long long)sys.sim->cnt_wr_busy_o;
    t.stalls += sys.mem.stalls - sys.stalls_at_start;
    t.batches++;
}

// ---------------------------------------------------------------------------------------
// --bench: one command per shape
// ---------------------------------------------------------------------------------------
static bool parse_shapes(const std::string &s, std::vector<std::array<int, 3>> &out)
{
    const char *p = s.c_str();
    while (*p) {
        int m, k, n, used = 0;
        if (std::sscanf(p, "%dx%dx%d%n", &m, &k, &n, &used) != 3)
            return false;
        out.push_back({m, k, n});
        p += used;
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    return true;
}

// The store chain of docs/performance.md (the result store): with Q (L x D), K (T x D), V
// (T x D) row-major in memory, command 1 keeps S = requant(Q K^T) (L x T) in the result
// store (B given as B^T = K), command 2 computes O = requant(S V) (L x D, A = S) into
// memory. Addresses from al (q, k, v, o one after another, strides of whole port words).
static bool chain_cmds(int l, int d, int t, Alloc *al, Cmd &c1, Cmd &c2)
{
    tfmm_cmd &x = c1.x, &y = c2.x;
    x = tfmm_cmd{}, y = tfmm_cmd{};
    x.m = l, x.k = d, x.n = t, x.btr = 1, x.store = 1, x.requant = 1;
    y.m = l, y.k = t, y.n = d, y.asrc = 1, y.requant = 1, y.cew = 0;
    if (!al) {
        x.a_stride = round_up((uint64_t)d * EB, PB), x.b_stride = x.a_stride;
        y.b_stride = x.a_stride, y.c_stride = round_up((uint64_t)d, PB);
        return true;
    }
    return al->take(l, (uint64_t)d * EB, x.a_addr, x.a_stride, true) &&
           al->take(t, (uint64_t)d * EB, x.b_addr, x.b_stride, true) &&
           al->take(t, (uint64_t)d * EB, y.b_addr, y.b_stride, true) &&
           al->take(l, (uint64_t)d, y.c_addr, y.c_stride, true);
}

static uint64_t mem_bytes(const MemOptions &o, const std::vector<std::array<int, 3>> &shapes)
{
    if (o.mem_kib)
        return (uint64_t)o.mem_kib * 1024;
    uint64_t need = 0;
    int mm = CFG.tile_m * 2 + 3, nn = CFG.n_tiles ? CFG.tile_n * 2 + 3 : CFG.tile_n, kk = ARCH.max_k;
    auto sz = [&](uint64_t m, uint64_t k, uint64_t n) {
        uint64_t pbp = 3 * (uint64_t)PB;
        return m * (round_up(k * EB, PB) + pbp) + std::max(k, n) * (round_up(std::max(k, n) * EB, PB) + pbp) +
               m * (round_up(n * 4, PB) + pbp) + 64 * (uint64_t)PB;
    };
    need = 2 * sz((uint64_t)mm, (uint64_t)kk, (uint64_t)nn) + 2 * sz((uint64_t)CFG.tile_m, (uint64_t)kk, (uint64_t)nn);
    for (auto &s : shapes)
        need = std::max(need, sz((uint64_t)s[0], (uint64_t)s[1], (uint64_t)s[2]));
    if (!o.chain.empty()) // q, k, v, o of at most max_m x max_k words each
        need = std::max(need, 4 * (uint64_t)std::max(ARCH.max_m, ARCH.max_n) *
                                  (round_up((uint64_t)ARCH.max_k * EB, PB) + 3 * (uint64_t)PB) + 64 * (uint64_t)PB);
    return round_up(need, 4096);
}

int main(int argc, char **argv)
{
    MemOptions o;
    o.parse(argc, argv);
    if (o.lat < 1)
        o.bad("--lat must be >= 1");
    std::vector<std::array<int, 3>> shapes;
    if (!o.bench.empty() && !parse_shapes(o.bench, shapes))
        o.bad("--bench wants MxKxN[,MxKxN...]");
    std::vector<std::array<int, 3>> chains;
    if (!o.chain.empty() && !parse_shapes(o.chain, chains))
        o.bad("--chain wants LxDxT[,LxDxT...]");
    if (!shapes.empty() && !chains.empty())
        o.bad("--bench and --chain: one at a time");
    for (auto &s : chains) {
        Cmd c1, c2;
        chain_cmds(s[0], s[1], s[2], nullptr, c1, c2);
        int e1 = tfmm_check(&CFG, &c1.x), e2 = tfmm_check(&CFG, &c2.x);
        if (s[0] < 1 || s[1] < 1 || s[2] < 1 || s[1] > dim_max() || s[2] > dim_max() || e1 || e2)
            o.bad(CFG.store ? tb::format("chain %dx%dx%d: the controller refuses it (codes %d, %d; a result store "
                                         "of %d x %d, tiles of %d x %d)",
                                         s[0], s[1], s[2], e1, e2, ARCH.max_m, ARCH.max_n, CFG.tile_m, CFG.tile_n)
                            : tb::format("chain %dx%dx%d: the design has no result store (gemm.store)", s[0], s[1],
                                         s[2]));
    }
    for (auto &s : shapes) {
        tfmm_cmd x{};
        x.m = s[0], x.k = s[1], x.n = s[2];
        x.a_stride = round_up((uint64_t)x.k * EB, PB), x.b_stride = round_up((uint64_t)x.n * EB, PB);
        x.cew = ARCH.requant ? 0 : 2;
        x.requant = ARCH.requant;
        x.c_stride = round_up((uint64_t)x.n << x.cew, PB);
        if (x.m > 65535 || x.n > 65535 || x.k > dim_max() || tfmm_check(&CFG, &x))
            o.bad(tb::format("shape %dx%dx%d: the controller refuses it (code %d; max_k %d)", x.m, x.k, x.n,
                             tfmm_check(&CFG, &x), ARCH.max_k));
    }
    uint64_t bytes = mem_bytes(o, shapes);
    tb::AxiMemConfig mc;
    mc.lat = o.lat;
    mc.bw = o.bw;
    mc.stall = o.stall;
    Totals t;
    bool csv_ok;
    tb::CsvFile csv = tb::open_csv(o.csv, csv_ok);
    if (!csv_ok)
        return 2;
    tb::Verdict v = tb::run(o, TFP_NAME, t, tb::Trace::from_failing_unit("batch"), [&](tb::Run &r, Totals &tt) {
        System sys(r, o, (size_t)bytes, mc);
        tfm_trf st{};
        if (CFG.store && tfm_trf_init(&st, ARCH.max_m, ARCH.max_n, ARCH.op_bits) != 0)
            tb::fail("out of memory");
        struct Free {
            tfm_trf *s;
            ~Free() { tfm_trf_free(s); }
        } fr{&st};
        try {
            if (!chains.empty()) {
                for (size_t i = 0; i < chains.size(); i++) {
                    r.begin((long)i);
                    int l = chains[i][0], d = chains[i][1], tt_ = chains[i][2];
                    tb::Rng rng(o.seed * 7919ULL + i);
                    Alloc al(sys.mem.bytes().size(), rng);
                    Cmd c1, c2;
                    if (!chain_cmds(l, d, tt_, &al, c1, c2))
                        tb::fail("chain: memory too small");
                    std::vector<uint8_t> &mem = sys.mem.bytes();
                    fill_random(mem, 0, al.cur, rng);
                    std::vector<uint8_t> want = mem;
                    std::vector<uint32_t> mult;
                    std::vector<int> shift;
                    for (int j = 0; j < CFG.tile_n; j++)
                        mult.push_back(1u << 30), shift.push_back(ARCH.op_bits + 4);
                    sys.load_rq(mult, shift);
                    tfmm_run(&CFG, &c1.x, want.data(), want.size(), mult.data(), shift.data(), &st);
                    tfmm_run(&CFG, &c2.x, want.data(), want.size(), mult.data(), shift.data(), &st);
                    struct tfmm_traffic t1, t2;
                    tfmm_traffic(&CFG, &c1.x, &t1);
                    tfmm_traffic(&CFG, &c2.x, &t2);
                    sys.settle();
                    sys.clear_counters();
                    sys.run({c1, c2}, 100 * (uint64_t)(t1.compute + t2.compute + t1.rd_bytes + t2.rd_bytes +
                                                       t2.wr_bytes) + o.guard);
                    if (sys.dones.size() != 2 || sys.dones[0].code != 0 || sys.dones[1].code != 0)
                        tb::fail(tb::format("chain %dx%dx%d: completion codes %d, %d", l, d, tt_,
                                            sys.dones.size() > 0 ? sys.dones[0].code : -1,
                                            sys.dones.size() > 1 ? sys.dones[1].code : -1));
                    for (size_t a = 0; a < mem.size(); a++)
                        tt.sb.expect(tt.bytes_checked, want[a], mem[a], [&] {
                            return tb::format("chain %dx%dx%d: memory byte 0x%zx: expected 0x%02x, actual 0x%02x", l,
                                              d, tt_, a, want[a], mem[a]);
                        });
                    long long cyc = (long long)(sys.dones[1].cycle - sys.accepts[0]);
                    struct tfmm_timing mtm{};
                    struct tfmm_mem_timing mmt = {o.lat, o.bw};
                    tfmm_cmd xs[2] = {c1.x, c2.x};
                    if (tfmm_cycles(&CFG, &mmt, xs, 2, &mtm) != 0)
                        tb::fail("chain: tfmm_cycles failed");
                    if (o.stall == 0)
                        tt.sb.expect(tt.cycle_checks, mtm.cycles, cyc, [&] {
                            return tb::format("chain %dx%dx%d: RTL %lld cycles, model %lld", l, d, tt_, cyc,
                                              mtm.cycles);
                        });
                    long long roof = tfmm_roofline(&CFG, &c1.x, o.bw) + tfmm_roofline(&CFG, &c2.x, o.bw);
                    long long comp = t1.compute + t2.compute;
                    std::fprintf(csv ? csv.get() : stdout,
                                 "%s,%d,%d,%d,%d,%d,%d,%d,%lld,%lld,%lld,%lld,%.4f,%lld,%lld,%lld,%lld,%lld\n", TFP_NAME,
                                 ARCH.rows, ARCH.cols, l, d, tt_, o.bw, o.lat, cyc, mtm.cycles, comp, roof,
                                 (double)comp / (double)cyc, (long long)sys.sim->cnt_rd_bytes_o,
                                 (long long)sys.sim->cnt_wr_bytes_o, (long long)sys.sim->cnt_ctl_gemm_o,
                                 (long long)sys.sim->cnt_ctl_wait_o, (long long)sys.sim->cnt_ctl_busy_o);
                }
            } else if (shapes.empty()) {
                for (int i = 0; i < o.batches; i++) {
                    if (o.only >= 0 && i != o.only)
                        continue;
                    r.begin(i);
                    run_batch(sys, o, i, tt, CFG.store ? &st : nullptr);
                }
            } else {
                for (size_t i = 0; i < shapes.size(); i++) {
                    r.begin((long)i);
                    tb::Rng rng(o.seed * 7919ULL + i);
                    Alloc al(sys.mem.bytes().size(), rng);
                    Cmd c;
                    tfmm_cmd &x = c.x;
                    x.m = shapes[i][0], x.k = shapes[i][1], x.n = shapes[i][2];
                    x.cew = ARCH.requant ? 0 : 2;
                    x.requant = ARCH.requant;
                    if (!al.take(x.m, (uint64_t)x.k * EB, x.a_addr, x.a_stride, true) ||
                        !al.take(x.k, (uint64_t)x.n * EB, x.b_addr, x.b_stride, true) ||
                        !al.take(x.m, (uint64_t)x.n << x.cew, x.c_addr, x.c_stride, true))
                        tb::fail("bench: memory too small");
                    std::vector<uint8_t> &mem = sys.mem.bytes();
                    fill_random(mem, 0, al.cur, rng);
                    std::vector<uint8_t> want = mem;
                    std::vector<uint32_t> mult;
                    std::vector<int> shift;
                    if (x.requant) {
                        for (int j = 0; j < CFG.tile_n; j++)
                            mult.push_back(1u << 30), shift.push_back(ARCH.op_bits + 4);
                        sys.load_rq(mult, shift);
                    }
                    tfmm_run(&CFG, &x, want.data(), want.size(), mult.data(), shift.data(), nullptr);
                    struct tfmm_traffic tr;
                    tfmm_traffic(&CFG, &x, &tr);
                    sys.settle();
                    sys.clear_counters();
                    sys.run({c}, 100 * (uint64_t)(tr.compute + tr.rd_bytes + tr.wr_bytes) + o.guard);
                    if (sys.dones.size() != 1 || sys.dones[0].code != 0)
                        tb::fail(tb::format("bench %dx%dx%d: completion code %d", x.m, x.k, x.n,
                                            sys.dones.empty() ? -1 : sys.dones[0].code));
                    for (size_t a = 0; a < mem.size(); a++)
                        tt.sb.expect(tt.bytes_checked, want[a], mem[a], [&] {
                            return tb::format("bench %dx%dx%d: memory byte 0x%zx: expected 0x%02x, actual 0x%02x", x.m,
                                              x.k, x.n, a, want[a], mem[a]);
                        });
                    long long cyc = (long long)(sys.dones[0].cycle - sys.accepts[0]);
                    long long roof = tfmm_roofline(&CFG, &x, o.bw);
                    struct tfmm_timing mtm{};
                    struct tfmm_mem_timing mmt = {o.lat, o.bw};
                    if (tfmm_cycles(&CFG, &mmt, &x, 1, &mtm) != 0)
                        tb::fail("bench: tfmm_cycles failed");
                    if (o.stall == 0)
                        tt.sb.expect(tt.cycle_checks, mtm.cycles, cyc, [&] {
                            return tb::format("bench %dx%dx%d: RTL %lld cycles, model %lld", x.m, x.k, x.n, cyc,
                                              mtm.cycles);
                        });
                    std::fprintf(csv ? csv.get() : stdout,
                                 "%s,%d,%d,%d,%d,%d,%d,%d,%lld,%lld,%lld,%lld,%.4f,%lld,%lld,%lld,%lld,%lld\n", TFP_NAME,
                                 ARCH.rows, ARCH.cols, x.m, x.k, x.n, o.bw, o.lat, cyc, mtm.cycles, tr.compute, roof,
                                 (double)roof / (double)cyc, (long long)sys.sim->cnt_rd_bytes_o,
                                 (long long)sys.sim->cnt_wr_bytes_o, (long long)sys.sim->cnt_ctl_gemm_o,
                                 (long long)sys.sim->cnt_ctl_wait_o, (long long)sys.sim->cnt_ctl_busy_o);
                }
            }
        } catch (const tb::Failure &) {
            tt.sim_cycles = (long long)sys.sim.cycles();
            throw;
        }
        tt.sim_cycles = (long long)sys.sim.cycles();
    });
    csv.reset();
    double wall = v.wall;
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, TFP_NAME);
        j.integer("batches", t.batches)
            .integer("commands", t.cmds)
            .integer("refused", t.refused)
            .integer("axi_errors", t.axi_errors)
            .integer("store_commands", t.stores)
            .integer("store_reads", t.sreads)
            .integer("checks", t.sb.checks)
            .integer("bytes_checked", t.bytes_checked)
            .integer("mismatches", t.sb.mismatches)
            .integer("rd_bytes", t.rd_bytes)
            .integer("wr_bytes", t.wr_bytes)
            .integer("cycles", t.rtl_cycles)
            .integer("cnt_busy", t.busy)
            .integer("cnt_gemm", t.gemm)
            .integer("cnt_wait", t.wait)
            .integer("cnt_rd_busy", t.rd_busy)
            .integer("cnt_wr_busy", t.wr_busy)
            .integer("stalls", t.stalls)
            .integer("effective_stalls", t.eff_stalls)
            .integer("model_cycles", t.model_cycles)
            .integer("cycle_checks", t.cycle_checks)
            .integer("max_rtl_minus_model", o.stall > 0 && t.batches ? t.max_over : 0)
            .integer("min_rtl_minus_model", o.stall > 0 && t.batches ? t.min_over : 0)
            .integer("lat", o.lat)
            .integer("bw", o.bw)
            .fixed("stall", o.stall, 3)
            .integer("sim_cycles", t.sim_cycles)
            .fixed("wall_seconds", wall, 3)
            .boolean("passed", !v.failed)
            .string("failure", v.what);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s: %s: %lld batches, %lld commands (%lld refused, %lld AXI errors, %lld stores, %lld S reads), "
                    "%lld checks, %lld memory bytes compared, %lld mismatches; bytes read %lld, written %lld = model; "
                    "%lld cycles (engine GEMM %lld, waited for data %lld), model %lld (%lld cycle checks), %lld stalls "
                    "held a transfer; lat %d, bw %d, stall %.2f; %.0f sim cycles/s\n",
                    TFP_NAME, v.failed ? "FAIL" : "PASS", t.batches, t.cmds, t.refused, t.axi_errors, t.stores,
                    t.sreads, t.sb.checks, t.bytes_checked, t.sb.mismatches, t.rd_bytes, t.wr_bytes, t.rtl_cycles, t.gemm,
                    t.wait, t.model_cycles, t.cycle_checks, t.eff_stalls, o.lat, o.bw,
                    o.stall, wall > 0 ? t.sim_cycles / wall : 0.0);
    return v.failed ? 1 : 0;
}
