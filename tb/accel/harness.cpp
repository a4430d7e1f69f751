// harness.cpp -- Verilator co-simulation of the accelerator top (<name>_accel) with the
// generated C driver (<name>_driver.c) as the host and tb/common/axi_mem.h as the memory,
// against the accelerator over memory (model/tf_accel.c) and the golden layers.
//
// A random model of the design's [model] shape (tfi_random) is packed into a weight image
// (tfi_write) in memory that otherwise holds random bytes; input rows at each entry's address.
// --image FILE uses a packed image instead (a real model's, tforge pack --safetensors), and
// --input FILE gives entry 0's prompt (scripts/minilm.py: a sentence's embedding rows), and
// --output FILE receives the RTL's output rows of entry 0.
// Each round the driver submits entries (random lengths; prefills, then decode steps of the
// causal sequences that have room), starts and waits; the same table runs on tfacc_run over
// a copy of the memory. Checked: the run's result (done, or the error's code and entry), the
// batches the sequencer formed (its trace port, batch by batch, against the model's), EVERY
// byte of memory (outputs, the workspace, and nothing else changed), every entry's position,
// and that the output rows equal tfl_run's; then the counters (cycles, bytes, batches) are
// reported and compared with the memory model's and tfacc_run's. Rounds set the BATCH
// register at random now and then (cap 0..bmax, in order or first fit).
// --serve N instead serves N requests as a host would (docs/architecture.md 3.12): requests
// arrive at random rounds with a random prompt and a random number of tokens to generate;
// the host gives each a free entry (drv_alloc; a full table refuses it, and it waits), runs
// its prefill and then a decode step a round until it has its tokens, then retires it (the
// entry and its KV cache are reused). Every request is checked to finish exactly once, with
// every output row equal to its own tfl_run.
#include "Vaccel.h"
#include "axi_mem.h"
#include "tb.h"

#include "drv_shim.h"

extern "C" {
#include "tf_accel.h"
#include "tf_image.h"
}

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#define DRV_CAT2(a, b) a##b
#define DRV_CAT(a, b) DRV_CAT2(a, b)
#define DRV(f) DRV_CAT(DRV_NAME, f)

static const int S = TFP_MODEL_SEQUENCES, D = TFP_MODEL_D, MAXSEQ = TFP_MODEL_MAX_SEQ;
static const int PB = TFP_MEM_PORT_BYTES;
// the driver's counter index of a counter register (MODEL_CSR_CNT_*: 8 bytes each)
#define CNT(name) ((TFP_MODEL_CSR_CNT_##name - TFP_MODEL_CSR_CNT) / 8)

namespace {

struct AccOptions : tb::Options {
    long long rounds = 4, serve = 0;
    int lat = 12, bw = 0, prompt = 0, decode = 0, entries = 1, cap = -1, fit = -1;
    double stall = 0, long_p = 0.2;
    std::string image, input, output;
    std::vector<uint8_t> image_bytes; // --image, read by main()
    std::vector<int8_t> input_rows;   // --input
    AccOptions() : tb::Options("accel_harness", "accel_fail.fst")
    {
        add("--image", "FILE", "a weight image (tforge pack; e.g. a real model's) instead of random weights", image);
        add("--input", "FILE", "with --image: entry 0's T rows of d_model int8 values, the prompt (T - --decode "
            "rows, sets --prompt) and then a row per --decode step", input);
        add("--output", "FILE", "with --input: entry 0's output rows (d_model int8 values each, every run's, in "
            "order) written there at the end", output);
        add("--rounds", "N", "runs of the request table (default 4)", rounds);
        add("--lat", "L", "memory latency in cycles (default 12)", lat);
        add("--bw", "B", "memory bytes per cycle, 0: a word per cycle per channel (default 0)", bw);
        add("--stall", "P", "probability of a stall per cycle and AXI channel (default 0)", stall);
        add("--prompt", "L", "benchmark: one entry, a prompt of L tokens (then --decode steps), timed", prompt);
        add("--decode", "N", "benchmark: decode steps after the prompt (causal designs)", decode);
        add("--entries", "E", "benchmark: entries 0..E-1 each with the prompt, then a token each per round "
            "(default 1)", entries);
        add("--cap", "C", "BATCH.CAP for every run (0: bmax; 1: batch 1); default: the rounds pick at random, "
            "the benchmark keeps the reset value", cap);
        add("--fit", "F", "BATCH.FIT for every run (0 in order, 1 first fit); default as --cap", fit);
        add("--serve", "N", "serve N requests arriving at random rounds instead of --rounds", serve);
        add("--long", "P", "--serve: the share of prompts of up to max_seq tokens (the others: up to a quarter; "
            "default 0.2)", long_p);
    }
};

struct Result {
    tb::Scoreboard sb;
    long long rounds = 0, runs_ok = 0, bytes_checked = 0, rows_checked = 0, cycles = 0, tokens = 0;
    long long rd = 0, wr = 0, array_busy = 0, busy_cycles = 0, refusals = 0, requests = 0, batches = 0, full = 0, finished = 0;
};

enum : uint64_t { WBASE = 0x10000 };

struct Host {
    tb::Sim<Vaccel> &s;
    tb::AxiMem<Vaccel> &mem;
    tb::Rng &rng;
    Result &res;
    uint64_t guard;
    std::vector<uint64_t> trace; // the batches the sequencer announced (trace port)
    void tap()
    {
        res.cycles++;
        if (s->trace_batch_o)
            trace.push_back((uint64_t)s->trace_mask_o);
    }
    void cycle()
    {
        mem.drive();
        s.fall();
        mem.sample();
        s.rise();
        tap();
    }
    uint32_t rd(uint32_t off)
    {
        s->s_axil_araddr_i = off;
        s->s_axil_arprot_i = 0;
        s->s_axil_arvalid_i = 1;
        s->s_axil_rready_i = 1;
        tb::Guard g(s, guard, tb::format("read of 0x%03x: no response", (unsigned)off));
        bool addr_done = false;
        for (;;) {
            mem.drive();
            s.fall();
            bool ar = s->s_axil_arvalid_i && s->s_axil_arready_o;
            bool r = s->s_axil_rvalid_o && s->s_axil_rready_i;
            uint32_t data = s->s_axil_rdata_o;
            mem.sample();
            s.rise();
            tap();
            if (ar) {
                addr_done = true;
                s->s_axil_arvalid_i = 0;
            }
            if (r && addr_done) {
                s->s_axil_rready_i = 0;
                return data;
            }
            g.wait();
        }
    }
    int wr(uint32_t off, uint32_t v)
    {
        s->s_axil_awaddr_i = off;
        s->s_axil_awprot_i = 0;
        s->s_axil_wdata_i = v;
        s->s_axil_wstrb_i = 0xf;
        s->s_axil_awvalid_i = 1;
        s->s_axil_wvalid_i = 1;
        s->s_axil_bready_i = 1;
        tb::Guard g(s, guard, tb::format("write of 0x%03x: no response", (unsigned)off));
        bool sent = false;
        for (;;) {
            mem.drive();
            s.fall();
            bool aw = s->s_axil_awvalid_i && s->s_axil_awready_o;
            bool b = s->s_axil_bvalid_o && s->s_axil_bready_i;
            int resp = s->s_axil_bresp_o;
            mem.sample();
            s.rise();
            tap();
            if (aw) {
                sent = true;
                s->s_axil_awvalid_i = 0;
                s->s_axil_wvalid_i = 0;
            }
            if (b && sent) {
                s->s_axil_bready_i = 0;
                return resp == 0 ? 0 : -1;
            }
            g.wait();
        }
    }
};

extern "C" uint32_t bus_rd(void *ctx, uint32_t off) { return static_cast<Host *>(ctx)->rd(off); }
extern "C" int bus_wr(void *ctx, uint32_t off, uint32_t v) { return static_cast<Host *>(ctx)->wr(off, v); }
extern "C" void on_batch(void *ctx, uint64_t mask) { static_cast<std::vector<uint64_t> *>(ctx)->push_back(mask); }

std::string mask_list(const std::vector<uint64_t> &v)
{
    std::string t;
    for (uint64_t m : v)
        t += tb::format("%s{%" PRIx64 "}", t.empty() ? "" : " ", m);
    return t.empty() ? "none" : t;
}

void run_accel(const AccOptions &o, tb::Run &r, Result &res)
{
    if (o.entries < 1 || o.entries > S)
        tb::fail(tb::format("harness: --entries %d: out of range (legal: 1..%d, the request table's entries)",
                            o.entries, S));
    // the model: random weights of the design's shape, packed as tforge pack does
    struct tfacc_cfg c;
    memset(&c, 0, sizeof c);
    c.m.s = (struct tfl_shape){D, TFP_MODEL_HEADS, TFP_MODEL_D_FF, TFP_MODEL_LAYERS, MAXSEQ, TFP_MODEL_PRE_LN,
                               TFP_MODEL_CAUSAL};
    c.m.attn = (struct tfa_arch)TFP_ATTN_ARCH_INIT;
    c.m.aux = (struct tfx_arch)TFP_AUX_ARCH_INIT;
    static struct tfx_gelu_rom rom;
    tfx_gelu_rom_init(&rom);
    c.m.rom = &rom;
    c.attn_heads = TFP_ATTN_HEADS;
    c.sequences = S;
    c.bmax = TFP_MODEL_BMAX;
    c.fit = TFP_MODEL_BATCH_FIT;
    c.port_bytes = PB;
    c.lo = (struct tfi_layout){PB, PB > TFI_MIN_ALIGN ? PB : TFI_MIN_ALIGN};
    struct tfi_model img;
    if (!o.image.empty()) {
        char err[256];
        if (tfi_read(o.image_bytes.data(), o.image_bytes.size(), &c.m.s, &c.lo, &img, err, sizeof err) != 0)
            tb::fail(tb::format("harness: --image %s: %s", o.image.c_str(), err));
    } else if (tfi_random(&c.m.s, &c.m.attn, r.seed(), &img) != 0)
        tb::fail("harness: tfi_random failed");
    c.m.layer = img.layer;
    if (const char *why = tfl_check(&c.m))
        tb::fail(std::string("harness: the design's model does not fit: ") + why);

    // memory: the image at WBASE, the workspace after it, then the entries' rows (IO: each
    // entry's input at IO + i * io, its output at IO + (S + i) * io)
    uint64_t ibytes = tfi_size(&c.m.s, &c.lo);
    uint64_t ws_end = tfacc_ws_base(&c, WBASE, ibytes) + tfacc_ws_bytes(&c);
    const uint64_t IO = (ws_end + 0xffff) & ~0xffffULL;
    const uint64_t io = ((uint64_t)MAXSEQ * tfacc_stride(&c, D) + 0xfff) & ~0xfffULL;
    const uint64_t MEMB = IO + 2 * S * io + 0x10000;
    tb::Sim<Vaccel> s(r);
    tb::Rng rng(r.seed());
    tb::AxiMemConfig mc;
    mc.lat = o.lat;
    mc.bw = o.bw;
    mc.stall = o.stall;
    if (o.stall < 0 || o.stall >= 1)
        tb::fail(tb::format("harness: --stall %g: out of range (legal: 0 <= P < 1)", o.stall));
    tb::Rng mrng(r.seed() ^ 0xa71ULL);
    tb::AxiMem<Vaccel> mem(s.top(), TFP_MEM_DATA_BITS, MEMB, mc, mrng);
    Host h{s, mem, rng, res, o.guard * 1000};
    s->s_axil_awvalid_i = 0;
    s->s_axil_wvalid_i = 0;
    s->s_axil_arvalid_i = 0;
    s->s_axil_bready_i = 0;
    s->s_axil_rready_i = 0;
    s.reset(4);
    std::vector<uint8_t> &m = mem.bytes();
    for (auto &b : m)
        b = (uint8_t)rng();
    const char *why = nullptr;
    if (!o.image.empty())
        memcpy(m.data() + WBASE, o.image_bytes.data(), o.image_bytes.size());
    else if (tfi_write(&c.m, &c.lo, 1.0 / 32, 1.0 / 32, m.data() + WBASE, (size_t)ibytes, &why) != 0)
        tb::fail(std::string("harness: tfi_write: ") + why);
    struct tfacc_state st;
    if (tfacc_state_init(&c, &st) != TFACC_OK)
        tb::fail("harness: out of memory");
    std::vector<struct tfl_seq> gold((size_t)S);
    for (auto &q : gold)
        tfl_seq_init(&c.m, &q);
    std::vector<int> pos((size_t)S, 0);
    uint64_t stride = tfacc_stride(&c, D);
    struct DRV(_bus) bus = {bus_rd, bus_wr, &h};
    res.sb.check(DRV(_drv_check)(&bus) == 0, [] { return std::string("drv_check: not this design's registers"); });
    res.sb.check(DRV(_drv_set_weights)(&bus, WBASE) == 0, [] { return std::string("set_weights refused"); });
    std::vector<uint64_t> mtrace;
    st.on_batch = on_batch;
    st.ctx = &mtrace;
    const int BM = TFP_MODEL_BMAX;

    // the BATCH register: a fixed value (--cap, --fit), or now and then a random one
    auto set_batch = [&](long long round) {
        int cap = o.cap, fit = o.fit;
        if (cap < 0 && fit < 0 && (o.prompt || !rng.chance(0.3)))
            return;
        if (cap < 0)
            cap = o.prompt ? st.cap : rng.uniform(0, BM);
        if (fit < 0)
            fit = o.prompt ? st.fit : rng.uniform(0, 1);
        res.sb.check(DRV(_drv_set_batch)(&bus, cap, fit) == 0,
                     [&] { return tb::format("round %lld: set_batch(%d, %d) refused", round, cap, fit); });
        st.cap = cap;
        st.fit = fit;
    };
    if (o.cap > BM)
        tb::fail(tb::format("harness: --cap %d: out of range (legal: 0..%d, the design's bmax)", o.cap, BM));
    if (o.fit > 1)
        tb::fail(tb::format("harness: --fit %d: out of range (legal: 0, 1)", o.fit));

    std::vector<uint8_t> out_rows; // --output: entry 0's rows, as the RTL wrote them
    // one run's table: the requests, their input rows and the golden layers' output rows
    struct Table {
        std::vector<struct tfacc_req> req = std::vector<struct tfacc_req>((size_t)S);
        std::vector<std::vector<int8_t>> x = std::vector<std::vector<int8_t>>((size_t)S);
        std::vector<std::vector<int8_t>> want = std::vector<std::vector<int8_t>>((size_t)S);
        int active = 0;
        Table()
        {
            for (auto &q : req)
                memset(&q, 0, sizeof q);
        }
    };
    // one run of the table: the model over a copy of memory, the RTL, and every comparison but
    // the output rows; the result (0, or the model's error)
    auto run_table = [&](long long round, const Table &tab) {
        const std::vector<struct tfacc_req> &req = tab.req;
        int active = tab.active;
        std::vector<uint8_t> ref = m;
        int eseq = 0;
        mtrace.clear();
        h.trace.clear();
        int mrc = tfacc_run(&c, &st, ref.data(), ref.size(), WBASE, req.data(), &eseq);
        long long c0 = res.cycles;
        res.sb.check(DRV(_drv_start)(&bus, 0) == 0, [] { return std::string("start refused"); });
        // polls of STATUS (two cycles each): long prompts of the benchmark take tens of millions
        int w = DRV(_drv_wait)(&bus, o.prompt ? 100000000L : 2000000L);
        int wantw = mrc ? (0x10000 | mrc | ((eseq < 0 ? 0xff : eseq) << 8)) : 0;
        res.sb.expect(w, wantw, [&] { return tb::format("round %lld: wait returned 0x%x, model 0x%x", round, w, wantw); });
        if (w == DRV(_DRV_E_TIMEOUT))
            tb::fail(tb::format("round %lld: the run did not end", round));
        res.runs_ok += w == 0;
        // the batches, one by one
        res.sb.check(h.trace == mtrace, [&] {
            return tb::format("round %lld: the sequencer formed batches %s, the model %s (cap %d, %s)", round,
                              mask_list(h.trace).c_str(), mask_list(mtrace).c_str(), st.cap,
                              st.fit ? "first fit" : "in order");
        });
        res.batches += (long long)mtrace.size();
        // every byte of memory
        long long bad = 0;
        uint64_t first = 0;
        for (uint64_t a = 0; a < ref.size(); a++)
            if (m[a] != ref[a] && !bad++)
                first = a;
        res.bytes_checked += (long long)ref.size();
        if (bad) { // where: per workspace buffer
            uint64_t ws = tfacc_ws_base(&c, WBASE, ibytes);
            for (int k = 0; k < TFACC_NBUF; k++) {
                uint64_t lo = tfacc_buf(&c, ws, k), hi = k + 1 < TFACC_NBUF ? tfacc_buf(&c, ws, k + 1)
                                                                              : ws + tfacc_ws_bytes(&c);
                uint64_t bs = k == TFACC_H ? tfacc_stride(&c, TFP_MODEL_D_FF) : stride;
                long long n = 0;
                uint64_t f = 0;
                for (uint64_t a = lo; a < hi; a++)
                    if (m[a] != ref[a] && !n++)
                        f = a - lo;
                if (n)
                    std::printf("  workspace buffer %d: %lld bytes differ, the first at +0x%" PRIx64 " (row %" PRIu64
                                ", byte %" PRIu64 ")\n", k, n, f, f / bs, f % bs);
            }
        }
        res.sb.check(bad == 0, [&] {
            uint64_t ws = tfacc_ws_base(&c, WBASE, ibytes);
            int b = -1;
            for (int k = TFACC_NBUF - 1; k >= 0; k--)
                if (first >= tfacc_buf(&c, ws, k)) {
                    b = k;
                    break;
                }
            return tb::format("round %lld: %lld bytes of memory differ from the model's, the first at 0x%" PRIx64
                              " (RTL %d, model %d; workspace buffer %d at +0x%" PRIx64 ")",
                              round, bad, first, m[first], ref[first], b,
                              b >= 0 ? first - tfacc_buf(&c, ws, b) : 0);
        });
        if (!o.quiet || o.prompt) {
            long long rc = (long long)DRV(_drv_counter)(&bus, CNT(CYCLES)),
                      rb = (long long)DRV(_drv_counter)(&bus, CNT(RD_BYTES)),
                      wb = (long long)DRV(_drv_counter)(&bus, CNT(WR_BYTES));
            std::printf("round %lld: %d entr%s in %zu batch%s, %lld cycles; counters CYCLES %lld, RD_BYTES %lld, "
                        "WR_BYTES %lld (since reset)\n", round, active, active == 1 ? "y" : "ies", mtrace.size(),
                        mtrace.size() == 1 ? "" : "es", res.cycles - c0, rc, rb, wb);
        }
        return mrc;
    };
    // after a run: entry i's position, and its output rows against its golden layers
    auto check_entry = [&](long long round, const Table &tab, int i) {
        const struct tfacc_req &q = tab.req[(size_t)i];
        const std::vector<int8_t> &want = tab.want[(size_t)i];
        pos[(size_t)i] = (q.decode ? pos[(size_t)i] : 0) + q.len;
        res.sb.expect((int)DRV(_drv_position)(&bus, i), pos[(size_t)i],
                      [&] { return tb::format("round %lld: position of entry %d", round, i); });
        for (int t = 0; t < q.len; t++)
            for (int j = 0; j < D; j++)
                res.sb.expect((int)(int8_t)m[q.out + (uint64_t)t * stride + (uint64_t)j], (int)want[(size_t)t * D + j],
                              [&] { return tb::format("round %lld: entry %d row %d column %d vs tfl_run", round, i, t, j); });
        res.rows_checked += q.len;
        if (!o.output.empty() && i == 0) // the RTL's rows, for the host (scripts/minilm.py)
            for (int t = 0; t < q.len; t++)
                for (int j = 0; j < D; j++)
                    out_rows.push_back(m[q.out + (uint64_t)t * stride + (uint64_t)j]);
    };
    // entry i takes a step in table t: len tokens of prefill (its sequence starts afresh) or
    // decode, random input rows into memory, the golden layers' rows, submitted by the driver
    auto step = [&](long long round, Table &t, int i, bool prefill, int len) {
        struct tfacc_req &q = t.req[(size_t)i];
        q.active = 1;
        q.decode = !prefill;
        q.len = len;
        q.in = IO + (uint64_t)i * io;
        q.out = IO + (uint64_t)(S + i) * io;
        std::vector<int8_t> &x = t.x[(size_t)i];
        x.resize((size_t)len * D);
        // --input: entry 0's rows, the prompt in round 0, then one row per decode step
        bool given = !o.input_rows.empty() && i == 0;
        size_t row0 = given ? (size_t)(prefill ? 0 : pos[0]) : 0;
        if (given && row0 + (size_t)len > o.input_rows.size() / (size_t)D)
            tb::fail("harness: --input has fewer rows than the prompt and --decode steps");
        for (int r0 = 0; r0 < len; r0++)
            for (int j = 0; j < D; j++) {
                int8_t v = given ? o.input_rows[(row0 + (size_t)r0) * D + (size_t)j] : (int8_t)rng.uniform(-40, 40);
                x[(size_t)r0 * D + j] = v;
                m[q.in + (uint64_t)r0 * stride + (uint64_t)j] = (uint8_t)v;
            }
        if (prefill) {
            tfl_seq_free(&c.m, &gold[(size_t)i]);
            tfl_seq_init(&c.m, &gold[(size_t)i]);
        }
        t.want[(size_t)i].resize((size_t)len * D);
        if (tfl_run(&c.m, &gold[(size_t)i], len, x.data(), t.want[(size_t)i].data()) != TFL_OK)
            tb::fail("harness: tfl_run refused the table it made");
        res.sb.check(DRV(_drv_submit)(&bus, i, q.decode, (uint32_t)len, q.in, q.out) == 0,
                     [&] { return tb::format("round %lld: submit %d refused", round, i); });
        t.active++;
        res.tokens += len;
    };

    if (o.serve) {
        // ---- serving: requests arrive, wait for a free entry, run to their length, leave
        struct Request {
            int arrive, prompt, gen, made = 0, finished = 0;
        };
        std::vector<Request> rq((size_t)o.serve);
        long long at = 0;
        for (auto &q : rq) {
            at += rng.chance(0.3) ? 0 : rng.uniform(1, 3); // bursts now and then overflow the table
            q.arrive = (int)at;
            q.prompt = rng.chance(o.long_p) ? rng.uniform(1, MAXSEQ) : rng.uniform(1, (MAXSEQ + 3) / 4);
            int room = MAXSEQ - q.prompt;
            q.gen = TFP_MODEL_CAUSAL && room > 0 ? rng.uniform(0, room < 8 ? room : 8) : 0;
        }
        std::vector<int> owner((size_t)S, -1); // the request an entry holds
        size_t next = 0;                        // the next request to admit (arrival order)
        long long fin = 0;
        for (long long round = 0; fin < o.serve; round++) {
            r.begin(round);
            res.rounds++;
            if (round > 100000)
                tb::fail("harness: the requests did not finish in 100000 rounds");
            set_batch(round);
            Table tab;
            // the running requests: a decode step each (an idle round now and then)
            for (int i = 0; i < S; i++) {
                int k = owner[(size_t)i];
                if (k < 0)
                    continue;
                if (rng.chance(0.1))
                    DRV(_drv_retire)(&bus, i, 0);
                else
                    step(round, tab, i, false, 1);
            }
            // admission, in arrival order: a free entry and its prompt, or the table is full
            // and they wait
            while (next < rq.size() && rq[next].arrive <= round) {
                int e = DRV(_drv_alloc)(&bus);
                int want_e = -1;
                for (int i = S - 1; i >= 0; i--)
                    if (owner[(size_t)i] < 0)
                        want_e = i;
                res.sb.expect(e, want_e < 0 ? (int)DRV(_DRV_E_FULL) : want_e,
                              [&] { return tb::format("round %lld: alloc returned %d, the free entry is %d", round, e, want_e); });
                if (e < 0) {
                    res.full++;
                    break;
                }
                owner[(size_t)e] = (int)next;
                step(round, tab, e, true, rq[next].prompt);
                next++;
            }
            if (!tab.active)
                continue;
            int mrc = run_table(round, tab);
            res.sb.check(mrc == 0, [&] { return tb::format("round %lld: the model refused the table (%d)", round, mrc); });
            for (int i = 0; i < S; i++) {
                if (!tab.req[(size_t)i].active)
                    continue;
                Request &q = rq[(size_t)owner[(size_t)i]];
                check_entry(round, tab, i);
                if (q.made++ == q.gen) { // prompt and gen tokens: done, the entry is free
                    res.sb.check(q.finished++ == 0, [&] { return tb::format("round %lld: request %d finished twice", round, owner[(size_t)i]); });
                    res.sb.check(DRV(_drv_retire)(&bus, i, 1) == 0, [&] { return tb::format("round %lld: retire %d refused", round, i); });
                    if (tfacc_forget(&c, &st, i) != TFACC_OK)
                        tb::fail("harness: out of memory");
                    pos[(size_t)i] = 0;
                    owner[(size_t)i] = -1;
                    fin++;
                    res.requests++;
                }
            }
        }
        long long want_tok = 0;
        for (auto &q : rq) {
            res.sb.check(q.finished == 1 && q.made == q.gen + 1, [&] { return std::string("a request did not finish once"); });
            want_tok += q.prompt + q.gen;
        }
        res.sb.expect(res.tokens, want_tok, [] { return std::string("tokens run vs the requests' prompts and outputs"); });
        res.finished = fin;
    }

    for (long long round = 0; round < (o.serve ? 0 : o.rounds); round++) {
        r.begin(round);
        res.rounds++;
        set_batch(round);
        // the table: a prefill in round 0 (and now and then later), else a decode step; the
        // benchmark: entries 0..E-1, their prompts in round 0, one token per round after it
        Table tab;
        for (int i = 0; i < S; i++) {
            bool prefill = round == 0 || !TFP_MODEL_CAUSAL || rng.chance(0.25);
            int room = MAXSEQ - pos[(size_t)i];
            if (o.prompt && (i >= o.entries || (round > 0 && room < 1)))
                continue;
            if (o.prompt)
                prefill = round == 0;
            if (!prefill && (room < 1 || (!o.prompt && rng.chance(0.2))))
                continue;
            int len = o.prompt ? (prefill ? o.prompt : 1)
                               : prefill ? rng.uniform(1, MAXSEQ) : rng.uniform(1, room < 3 ? room : 3);
            step(round, tab, i, prefill, len);
            res.requests++;
        }
        for (int i = 0; i < S; i++)
            if (!tab.req[(size_t)i].active)
                DRV(_drv_retire)(&bus, i, 0);
        if (!tab.active)
            continue;
        int mrc = run_table(round, tab);
        for (int i = 0; i < S; i++)
            if (tab.req[(size_t)i].active && !mrc)
                check_entry(round, tab, i);
    }
    // BATCH: a CAP above bmax is refused and changes nothing
    {
        uint32_t before = h.rd(TFP_MODEL_CSR_BATCH);
        res.sb.check(h.wr(TFP_MODEL_CSR_BATCH, (uint32_t)(BM + 1)) != 0,
                     [] { return std::string("BATCH: a CAP above bmax was accepted"); });
        res.sb.expect(h.rd(TFP_MODEL_CSR_BATCH), before, [] { return std::string("BATCH changed by a refused write"); });
        res.sb.check(DRV(_drv_set_batch)(&bus, BM + 1, 0) == DRV(_DRV_E_ARG),
                     [] { return std::string("set_batch: a cap above bmax not refused"); });
    }
    // refusals: a request past max_seq (a prompt of max_seq + 1 tokens; bidirectional, when
    // entry 0 holds a sequence: a decode of it), then a damaged image -- the code and the entry, and memory as the model leaves it
    for (int kind = 0; kind < 2; kind++) {
        r.begin(o.rounds + kind);
        std::vector<struct tfacc_req> req((size_t)S);
        for (auto &q : req)
            memset(&q, 0, sizeof q);
        bool dec = !TFP_MODEL_CAUSAL && pos[0] > 0;
        req[0] = {1, dec, dec ? 1 : MAXSEQ + 1, IO, IO + (uint64_t)S * io};
        res.sb.check(DRV(_drv_submit)(&bus, 0, dec, dec ? 1 : MAXSEQ, req[0].in, req[0].out) == 0,
                     [] { return std::string("submit of the refusal round refused"); });
        if (!dec) // past what the driver submits: the register itself
            res.sb.check(h.wr(TFP_MODEL_CSR_REQ + TFP_MODEL_CSR_REQ_LEN, MAXSEQ + 1) == 0,
                         [] { return std::string("REQ_LEN write refused"); });
        for (int i = 1; i < S; i++)
            DRV(_drv_retire)(&bus, i, 0);
        if (kind == 1)
            m[WBASE] ^= 0x20; /* the magic */
        std::vector<uint8_t> ref = m;
        int eseq = 0;
        int mrc = tfacc_run(&c, &st, ref.data(), ref.size(), WBASE, req.data(), &eseq);
        int want = 0x10000 | mrc | ((eseq < 0 ? 0xff : eseq) << 8);
        res.sb.check(mrc == (kind ? TFACC_E_IMAGE : dec ? TFACC_E_DECODE : TFACC_E_LEN),
                     [&] { return tb::format("refusal round %d: the model returned %d", kind, mrc); });
        res.sb.check(DRV(_drv_start)(&bus, 0) == 0, [] { return std::string("start refused"); });
        int w = DRV(_drv_wait)(&bus, 2000000);
        res.sb.expect(w, want, [&] { return tb::format("refusal round %d: wait returned 0x%x, model 0x%x", kind, w, want); });
        res.sb.check(m == ref, [&] { return tb::format("refusal round %d: memory changed", kind); });
        if (kind == 1)
            m[WBASE] ^= 0x20;
        res.refusals++;
    }
    // an AXI error in the middle of a run: SLVERR on a word of layer 0's FF1 weights (the GEMM
    // commands are held for their go: FF2's is waiting when FF1 completes with the error and
    // must be dropped). ERR with CodeAxi and the entry; then the same prompt again, whole and
    // against the model (nothing left waiting), every byte of memory compared. Not in the
    // timed benchmark (--prompt), with --input (its rounds are the host's) or when serving
    // (--serve: its figures are the requests')
    long long err_batches = 0; // batches the RTL started in runs the model does not run
    if (o.prompt == 0 && o.input.empty() && o.serve == 0) {
        r.begin(o.rounds + 2);
        Table tab;
        for (int i = 1; i < S; i++)
            DRV(_drv_retire)(&bus, i, 0);
        step(o.rounds + 2, tab, 0, true, MAXSEQ < 4 ? MAXSEQ : 4);
        auto le64 = [&](uint64_t a) {
            uint64_t v = 0;
            for (int b = 7; b >= 0; b--)
                v = v << 8 | m[a + (uint64_t)b];
            return v;
        };
        // the header's layer table, layer 0's record, its offset of FF1's weights (each
        // projection's weights, biases, requantization entries in order: q k v o ff1 ff2)
        const uint64_t ff1_weights = 4 * 3;
        uint64_t ff1 = WBASE + le64(WBASE + le64(WBASE + TFI_H_TABLE) + ff1_weights * 8);
        mem.set_err(ff1, ff1 + (uint64_t)PB);
        res.sb.check(DRV(_drv_start)(&bus, 0) == 0, [] { return std::string("start refused"); });
        int w = DRV(_drv_wait)(&bus, 2000000);
        mem.set_err(0, 0);
        int want = 0x10000 | TFACC_E_RANGE; // the hardware: an AXI error response, entry 0
        res.sb.expect(w, want, [&] { return tb::format("AXI error round: wait returned 0x%x, expected 0x%x", w, want); });
        if (w == DRV(_DRV_E_TIMEOUT))
            tb::fail("AXI error round: the run did not end");
        res.refusals++;
        err_batches++;
        if (!run_table(o.rounds + 2, tab))
            check_entry(o.rounds + 2, tab, 0);
    }
    res.rd = (long long)DRV(_drv_counter)(&bus, CNT(RD_BYTES));
    res.array_busy = (long long)DRV(_drv_counter)(&bus, CNT(ARRAY_BUSY));
    res.busy_cycles = (long long)DRV(_drv_counter)(&bus, CNT(CYCLES));
    res.wr = (long long)DRV(_drv_counter)(&bus, CNT(WR_BYTES));
    res.sb.expect(res.rd, mem.read_bytes, [] { return std::string("counter RD_BYTES vs the memory's"); });
    res.sb.expect(res.wr, mem.write_bytes, [] { return std::string("counter WR_BYTES vs the memory's"); });
    res.sb.expect((long long)DRV(_drv_counter)(&bus, CNT(BATCHES)), st.batches + err_batches,
                  [] { return std::string("counter BATCHES vs tfacc_run's batches"); });
    if (!o.output.empty()) {
        FILE *f = std::fopen(o.output.c_str(), "wb");
        if (!f || std::fwrite(out_rows.data(), 1, out_rows.size(), f) != out_rows.size() || std::fclose(f) != 0)
            tb::fail(tb::format("harness: --output %s: cannot write it", o.output.c_str()));
    }
    for (auto &q : gold)
        tfl_seq_free(&c.m, &q);
    tfacc_state_free(&c, &st);
    tfi_free(&img);
}

} // namespace

int main(int argc, char **argv)
{
    AccOptions o;
    o.units("round");
    o.parse(argc, argv);
    auto slurp = [](const std::string &path, const char *opt) {
        std::vector<uint8_t> b;
        FILE *f = std::fopen(path.c_str(), "rb");
        if (!f)
            tb::fail(tb::format("harness: %s %s: cannot read it", opt, path.c_str()));
        uint8_t chunk[65536];
        size_t n;
        while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
            b.insert(b.end(), chunk, chunk + n);
        std::fclose(f);
        return b;
    };
    if (!o.input.empty() && o.image.empty())
        tb::fail("harness: --input without --image (legal: --image FILE --input FILE)");
    if (!o.output.empty() && o.input.empty())
        tb::fail("harness: --output without --input (legal: --image FILE --input FILE --output FILE)");
    if (!o.image.empty())
        o.image_bytes = slurp(o.image, "--image");
    if (!o.input.empty()) {
        std::vector<uint8_t> b = slurp(o.input, "--input");
        if (b.empty() || b.size() % (size_t)D || b.size() / (size_t)D > (size_t)MAXSEQ)
            tb::fail(tb::format("harness: --input %s: %zu bytes (legal: 1..%d rows of %d int8 values)",
                                o.input.c_str(), b.size(), MAXSEQ, D));
        o.input_rows.assign(b.begin(), b.end());
        // the rows are the prompt and then one token per --decode step
        o.prompt = (int)(b.size() / (size_t)D) - o.decode;
        if (o.prompt < 1)
            tb::fail(tb::format("harness: --input %s: %zu rows, not more than --decode %d", o.input.c_str(),
                                b.size() / (size_t)D, o.decode));
        o.entries = 1;
    }
    std::string dut = std::string(TFP_NAME) + "_accel";
    Result r;
    tb::Verdict v = tb::run(o, dut, r, tb::Trace::from_reset("round"),
                            [&](tb::Run &run, Result &res) { run_accel(o, run, res); });
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, dut);
        j.integer("rounds", r.rounds)
            .integer("runs_ok", r.runs_ok)
            .integer("requests", r.requests)
            .integer("tokens", r.tokens)
            .integer("gemm_macs", r.tokens * (long long)TFP_MODEL_LAYERS * TFP_MODEL_WEIGHT_BYTES)
            .integer("array_busy", r.array_busy)
            .integer("busy_cycles", r.busy_cycles)
            .integer("bytes_checked", r.bytes_checked)
            .integer("rows_checked", r.rows_checked)
            .integer("refusals", r.refusals)
            .integer("batches", r.batches)
            .integer("finished", r.finished)
            .integer("table_full", r.full)
            .integer("checks", r.sb.checks)
            .integer("mismatches", r.sb.mismatches)
            .integer("cycles", r.cycles)
            .integer("rd_bytes", r.rd)
            .integer("wr_bytes", r.wr)
            .fixed("wall_seconds", v.wall, 3)
            .boolean("passed", !v.failed);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s: %s: %lld runs of the table through %s_driver.c (%lld requests%s, %lld tokens), %lld batches "
                    "each against tf_accel's, every byte of memory against tf_accel (%lld bytes), %lld output rows "
                    "against tfl_run, %lld refused runs, %lld admissions refused by a full table, %lld checks, "
                    "%lld mismatches, %lld cycles, %lld bytes read, %lld written\n",
                    dut.c_str(), v.failed ? "FAIL" : "PASS", r.rounds, TFP_NAME, r.requests,
                    o.serve ? " served, each finished once" : "", r.tokens, r.batches, r.bytes_checked, r.rows_checked,
                    r.refusals, r.full, r.sb.checks, r.sb.mismatches, r.cycles, r.rd, r.wr);
    return v.failed ? 1 : 0;
}
