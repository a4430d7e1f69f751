// harness.cpp -- Verilator co-simulation of the accelerator's registers (<name>_csr) with the
// generated C driver (<name>_driver.c) as the host, on the verification layer in tb/common.
//
// The driver reaches the registers through two functions that run AXI4-Lite transactions on
// the model (random gaps before each and random back-pressure on B and R). A stand-in for the
// sequencer answers start_o: busy for a random time, then done (or, now and then, an error
// with a code and a sequence), advancing the position of every active entry by its length,
// forgetting an entry on its req_reset_o pulse, and counting cycles, busy and stall cycles
// and bytes into the counters (which change only while it is busy).
// Each round: the driver checks the design, sets the weight image's address, submits random
// entries (each compared on the RTL's outputs), starts, tries a submit while busy (refused:
// the entry unchanged), waits (done or the error's code and sequence), then reads every
// position and counter (compared with the stand-in's), and retires an entry, forgetting it
// now and then. Arguments out of range are refused by the driver with no bus write.
#include "Vcsr.h"
#include "tb.h"

// drv_shim.h (written by scripts/flow.sh): includes <name>_driver.h and defines DRV_NAME
#include "drv_shim.h"


#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#ifndef TFP_MODEL_SEQUENCES
#error "compile with -include <design>_params.h of a design with a [model] section"
#endif

#define DRV_CAT2(a, b) a##b
#define DRV_CAT(a, b) DRV_CAT2(a, b)
#define DRV(f) DRV_CAT(DRV_NAME, f)

static const int S = TFP_MODEL_SEQUENCES, LENW = TFP_MODEL_CSR_LEN_W, NCNT = TFP_MODEL_CSR_NCNT;

namespace {

struct Result {
    tb::Scoreboard sb;
    long long rounds = 0, reads = 0, writes = 0, refused = 0, errors = 0, cycles = 0;
};

struct CsrOptions : tb::Options {
    long long rounds = 40;
    CsrOptions() : tb::Options("csr_harness", "csr_fail.fst")
    {
        add("--rounds", "N", "rounds of submit, start, wait, read back (default 40)", rounds);
    }
};

struct Host {
    tb::Sim<Vcsr> &s;
    tb::Rng &rng;
    Result &res;
    uint64_t guard;
    // the sequencer stand-in
    long busy_left = 0;
    bool err_next = false;
    int err_code = 0, err_seq = 0;
    std::vector<uint32_t> pos = std::vector<uint32_t>((size_t)S, 0);
    uint64_t cnt[NCNT] = {0};
    long long writes_seen = 0;

    void drive_counters()
    {
        for (int k = 0; k < NCNT; k++)
            set_bits(s->cnt_i, 64 * k, 64, cnt[k]);
        for (int i = 0; i < S; i++)
            set_bits(s->req_pos_i, LENW * i, LENW, pos[(size_t)i]);
    }

    // one clock cycle: the stand-in reacts to the outputs of the cycle that ends
    void cycle()
    {
        s->done_i = 0;
        s->err_i = 0;
        if (s->start_o) {
            busy_left = rng.uniform(1, 60);
            err_next = rng.chance(0.2);
            err_code = rng.uniform(1, 255);
            err_seq = rng.uniform(0, S - 1);
        }
        for (int i = 0; i < S; i++)
            if (get_bits(s->req_reset_o, i, 1))
                pos[(size_t)i] = 0;
        if (busy_left > 0) {
            cnt[0]++;
            cnt[1] += rng.chance(0.8);
            cnt[2] += rng.chance(0.3);
            cnt[3] += rng.chance(0.1);
            cnt[4] += (uint64_t)rng.uniform(0, 64) << 28; /* crosses 2^32 quickly */
            cnt[5] += (uint64_t)rng.uniform(0, 16);
            cnt[6] += rng.chance(0.05);
            if (--busy_left == 0) {
                for (int i = 0; i < S; i++)
                    if (get_bits(s->req_active_o, i, 1))
                        pos[(size_t)i] += (uint32_t)get_bits(s->req_len_o, LENW * i, LENW);
                if (err_next) {
                    s->err_i = 1;
                    s->err_code_i = (uint8_t)err_code;
                    s->err_seq_i = (uint8_t)err_seq;
                } else {
                    s->done_i = 1;
                }
            }
        }
        s->busy_i = busy_left > 0;
        drive_counters();
        s.tick();
        res.cycles++;
    }

    uint32_t rd(uint32_t off)
    {
        for (long g = rng.uniform(0, 2); g > 0; g--)
            cycle();
        s->s_axil_araddr_i = off;
        s->s_axil_arprot_i = 0;
        s->s_axil_arvalid_i = 1;
        s->s_axil_rready_i = 0;
        tb::Guard g(s, guard, tb::format("read of 0x%03x: no response", (unsigned)off));
        bool addr_done = false;
        for (;;) {
            s->s_axil_rready_i = !rng.chance(0.3);
            s.fall();
            bool ar = s->s_axil_arvalid_i && s->s_axil_arready_o;
            bool r = s->s_axil_rvalid_o && s->s_axil_rready_i;
            uint32_t data = s->s_axil_rdata_o;
            int resp = s->s_axil_rresp_o;
            cycle();
            if (ar) {
                addr_done = true;
                s->s_axil_arvalid_i = 0;
            }
            if (r && addr_done) {
                s->s_axil_rready_i = 0;
                res.reads++;
                res.sb.check(resp == 0, [&] {
                    return tb::format("read of 0x%03x: response %d, expected OKAY", (unsigned)off, resp);
                });
                return data;
            }
            g.wait();
        }
    }

    int wr(uint32_t off, uint32_t v)
    {
        for (long g = rng.uniform(0, 2); g > 0; g--)
            cycle();
        s->s_axil_awaddr_i = off;
        s->s_axil_awprot_i = 0;
        s->s_axil_wdata_i = v;
        s->s_axil_wstrb_i = 0xf;
        s->s_axil_awvalid_i = 1;
        s->s_axil_wvalid_i = 1;
        tb::Guard g(s, guard, tb::format("write of 0x%03x: no response", (unsigned)off));
        bool sent = false;
        for (;;) {
            s->s_axil_bready_i = !rng.chance(0.3);
            s.fall();
            bool aw = s->s_axil_awvalid_i && s->s_axil_awready_o;
            bool b = s->s_axil_bvalid_o && s->s_axil_bready_i;
            int resp = s->s_axil_bresp_o;
            cycle();
            if (aw) {
                sent = true;
                s->s_axil_awvalid_i = 0;
                s->s_axil_wvalid_i = 0;
            }
            if (b && sent) {
                s->s_axil_bready_i = 0;
                res.writes++;
                writes_seen++;
                return resp == 0 ? 0 : -1;
            }
            g.wait();
        }
    }
};

extern "C" uint32_t bus_rd(void *ctx, uint32_t off) { return static_cast<Host *>(ctx)->rd(off); }
extern "C" int bus_wr(void *ctx, uint32_t off, uint32_t v) { return static_cast<Host *>(ctx)->wr(off, v); }

void run_csr(const CsrOptions &o, tb::Run &r, Result &res)
{
    tb::Sim<Vcsr> s(r);
    tb::Rng rng(o.seed);
    Host h{s, rng, res, o.guard};
    s->s_axil_awvalid_i = 0;
    s->s_axil_wvalid_i = 0;
    s->s_axil_arvalid_i = 0;
    s->s_axil_bready_i = 0;
    s->s_axil_rready_i = 0;
    s->busy_i = 0;
    s->done_i = 0;
    s->err_i = 0;
    h.drive_counters();
    s.reset(3);
    struct DRV(_bus) bus = {bus_rd, bus_wr, &h};

    res.sb.check(DRV(_drv_check)(&bus) == 0, [] { return std::string("drv_check: not this design's registers"); });
    for (long long round = 0; round < o.rounds; round++) {
        r.begin(round);
        res.rounds++;
        uint64_t wb = rng() & ~0x3fULL;
        res.sb.check(DRV(_drv_set_weights)(&bus, wb) == 0, [] { return std::string("set_weights refused"); });
        res.sb.expect((uint64_t)s->wbase_o, wb, [&] { return tb::format("round %lld: wbase_o", round); });
        // BATCH: cap (0: bmax) and policy on the RTL's outputs
        int cap = rng.uniform(0, TFP_MODEL_BMAX), fit = rng.uniform(0, 1);
        res.sb.check(DRV(_drv_set_batch)(&bus, cap, fit) == 0, [] { return std::string("set_batch refused"); });
        res.sb.expect((int)s->bcap_o, cap ? cap : TFP_MODEL_BMAX, [&] { return tb::format("round %lld: bcap_o", round); });
        res.sb.expect((int)s->bfit_o, fit, [&] { return tb::format("round %lld: bfit_o", round); });
        // entries: some submitted, all read back on the RTL's outputs
        for (int i = 0; i < S; i++) {
            if (!rng.chance(0.7))
                continue;
            int dec = rng.uniform(0, 1);
            uint32_t len = (uint32_t)rng.uniform(1, TFP_MODEL_MAX_SEQ);
            uint64_t in = rng(), out = rng();
            res.sb.check(DRV(_drv_submit)(&bus, i, dec, len, in, out) == 0,
                         [&] { return tb::format("round %lld: submit %d refused while idle", round, i); });
            res.sb.expect((uint64_t)get_bits(s->req_len_o, LENW * i, LENW), (uint64_t)len,
                          [&] { return tb::format("round %lld: entry %d length", round, i); });
            res.sb.expect((uint64_t)get_bits(s->req_in_o, 64 * i, 64), in,
                          [&] { return tb::format("round %lld: entry %d input address", round, i); });
            res.sb.expect((uint64_t)get_bits(s->req_out_o, 64 * i, 64), out,
                          [&] { return tb::format("round %lld: entry %d output address", round, i); });
            res.sb.expect((int)get_bits(s->req_active_o, i, 1) * 2 + (int)get_bits(s->req_decode_o, i, 1),
                          2 + dec, [&] { return tb::format("round %lld: entry %d ACTIVE/DECODE", round, i); });
        }
        // arguments out of range: refused by the driver, no bus write
        long long w0 = h.writes_seen;
        res.sb.check(DRV(_drv_submit)(&bus, S, 0, 1, 0, 0) == DRV(_DRV_E_ARG) &&
                         DRV(_drv_submit)(&bus, 0, 0, 0, 0, 0) == DRV(_DRV_E_ARG) &&
                         DRV(_drv_submit)(&bus, 0, 0, TFP_MODEL_MAX_SEQ + 1, 0, 0) == DRV(_DRV_E_ARG) &&
                         DRV(_drv_retire)(&bus, -1, 0) == DRV(_DRV_E_ARG) &&
                         DRV(_drv_set_batch)(&bus, TFP_MODEL_BMAX + 1, 0) == DRV(_DRV_E_ARG) &&
                         DRV(_drv_set_batch)(&bus, -1, 0) == DRV(_DRV_E_ARG) && h.writes_seen == w0,
                     [&] { return tb::format("round %lld: an argument out of range was not refused", round); });
        // start; while busy a submit is refused and changes nothing
        int irq = rng.uniform(0, 1);
        res.sb.check(DRV(_drv_start)(&bus, irq) == 0, [] { return std::string("start refused"); });
        if (h.busy_left > 2) {
            uint64_t len0 = get_bits(s->req_len_o, 0, LENW);
            int e = DRV(_drv_submit)(&bus, 0, 1, 1, 0, 0);
            res.refused += e == DRV(_DRV_E_REFUSED);
            if (h.busy_left > 0)
                res.sb.check(e == DRV(_DRV_E_REFUSED) && get_bits(s->req_len_o, 0, LENW) == len0,
                             [&] { return tb::format("round %lld: a submit while busy was not refused", round); });
            int eb = DRV(_drv_set_batch)(&bus, 1, !fit);
            res.refused += eb == DRV(_DRV_E_REFUSED);
            if (h.busy_left > 0)
                res.sb.check(eb == DRV(_DRV_E_REFUSED) && (int)s->bfit_o == fit,
                             [&] { return tb::format("round %lld: set_batch while busy was not refused", round); });
        }
        bool err = h.err_next;
        int code = h.err_code, seq = h.err_seq;
        int w = DRV(_drv_wait)(&bus, 100000);
        int want = err ? 0x10000 | code | seq << 8 : 0;
        res.errors += err;
        res.sb.expect(w, want, [&] { return tb::format("round %lld: wait returned 0x%x, expected 0x%x", round, w, want); });
        // the run has ended with DONE or ERR pending: the interrupt is its enable
        res.sb.expect((int)s->irq_o, irq, [&] { return tb::format("round %lld: irq_o", round); });
        for (int i = 0; i < S; i++)
            res.sb.expect(DRV(_drv_position)(&bus, i), h.pos[(size_t)i],
                          [&] { return tb::format("round %lld: position of entry %d", round, i); });
        for (int k = 0; k < NCNT; k++)
            res.sb.expect(DRV(_drv_counter)(&bus, k), h.cnt[k],
                          [&] { return tb::format("round %lld: counter %d", round, k); });
        // retire an entry, forgetting it now and then
        int i = rng.uniform(0, S - 1), forget = rng.uniform(0, 1);
        res.sb.check(DRV(_drv_retire)(&bus, i, forget) == 0, [] { return std::string("retire refused"); });
        for (int c = 0; c < 2; c++)
            h.cycle();
        res.sb.check(!get_bits(s->req_active_o, i, 1) && (!forget || h.pos[(size_t)i] == 0),
                     [&] { return tb::format("round %lld: retire %d (forget %d)", round, i, forget); });
        // alloc: the first entry neither active nor holding a sequence, or the table is full
        int free_e = DRV(_DRV_E_FULL);
        for (int k = S - 1; k >= 0; k--)
            if (!get_bits(s->req_active_o, k, 1) && h.pos[(size_t)k] == 0)
                free_e = k;
        int got = DRV(_drv_alloc)(&bus);
        res.sb.expect(got, free_e, [&] { return tb::format("round %lld: alloc returned %d, expected %d", round, got, free_e); });
    }
}

} // namespace

int main(int argc, char **argv)
{
    CsrOptions o;
    o.units("round");
    o.parse(argc, argv);
    std::string dut = std::string(TFP_NAME) + "_csr";
    Result r;
    tb::Verdict v = tb::run(o, dut, r, tb::Trace::from_reset("round"),
                            [&](tb::Run &run, Result &res) { run_csr(o, run, res); });
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, dut);
        j.integer("rounds", r.rounds)
            .integer("reads", r.reads)
            .integer("writes", r.writes)
            .integer("refused_while_busy", r.refused)
            .integer("error_runs", r.errors)
            .integer("cycles", r.cycles)
            .integer("checks", r.sb.checks)
            .integer("mismatches", r.sb.mismatches)
            .fixed("wall_seconds", v.wall, 3)
            .boolean("passed", !v.failed);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s: %s: %lld rounds through %s_driver.c, %lld reads, %lld writes (%lld refused while "
                    "busy), %lld runs ending in an error, %lld checks, %lld mismatches, %lld cycles\n",
                    dut.c_str(), v.failed ? "FAIL" : "PASS", r.rounds, TFP_NAME, r.reads, r.writes, r.refused,
                    r.errors, r.sb.checks, r.sb.mismatches, r.cycles);
    return v.failed ? 1 : 0;
}
