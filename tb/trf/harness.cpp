// harness.cpp -- Verilator co-simulation of a generated two-direction register file
// (<name>_trf) against the golden model (tfm_trf_* in model/tf_model.c), on the
// verification layer in tb/common.
//
// The file is first filled by row writes, then every cycle does a random write (row
// or column, random mask, now and then an out-of-range index) and a random read on
// each port (row or column). The model reads before it writes (read-first), and every
// word of every read is compared one cycle later, dead words too (they must be zero).
// The ports have no handshake (one access per cycle), so there is no wait to guard.
// On the first mismatch: cycle, port, word, expected, actual, the replay command, and
// an FST of a replay of the run from reset up to it.
#include "Vtrf.h"
#include "tb.h"

extern "C" {
#include "tf_model.h"
}

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#ifndef TFP_TRF_ROWS
#error "compile with -include <design>_params.h of a design with a [trf] section"
#endif

static const int NR = TFP_TRF_ROWS, NC = TFP_TRF_COLS, W = TFP_TRF_WIDTH, NB = TFP_TRF_WORDS;

namespace {

struct Port {
    bool pending = false;
    int dir = 0, idx = 0;
    std::vector<uint64_t> expect;
};

struct Result {
    tb::Scoreboard sb; // words compared
    long long cycles = 0, writes = 0, reads = 0, row_reads = 0, col_reads = 0;
};

// The golden register file, freed however the run ends.
struct Model {
    struct tfm_trf m;
    Model()
    {
        if (tfm_trf_init(&m, NR, NC, W) != 0)
            tb::fail("harness: out of memory");
    }
    ~Model() { tfm_trf_free(&m); }
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;
};

struct TrfOptions : tb::Options {
    long long cycles = 100000;
    TrfOptions() : tb::Options("trf_harness", "trf_fail.fst")
    {
        add("--cycles", "N", "random cycles after the fill (default 100000)", cycles);
    }
};

// The whole test: the fill, then `cycles` random cycles.
void run_trf(const TrfOptions &o, tb::Run &r, Result &res)
{
    tb::Sim<Vtrf> s(r);
    tb::Rng rng(o.seed);
    const int idx_max = (1 << TFP_TRF_IDX_W) - 1;
    uint64_t wmask = W >= 64 ? ~0ULL : ((1ULL << W) - 1);
    Model model;
    struct tfm_trf &m = model.m;
    Port port[TFP_TRF_PORTS];
    std::vector<uint64_t> data(NB), got(NB);
    std::vector<uint8_t> mask(NB);

    s->w_valid_i = 0;
    s->r0_valid_i = 0;
#if TFP_TRF_PORTS > 1
    s->r1_valid_i = 0;
#endif
    s.reset(2);

    long long init = NR, total = init + o.cycles;
    for (long long cyc = 0; cyc <= total; cyc++) {
        // 1. compare the reads issued last cycle
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            if (!port[p].pending)
                continue;
            bool vo = p == 0 ? s->r0_valid_o : false;
#if TFP_TRF_PORTS > 1
            if (p == 1)
                vo = s->r1_valid_o;
#endif
            for (int i = 0; i < NB; i++) {
                uint64_t a = p == 0 ? get_bits(s->r0_data_o, i * W, W) : 0;
#if TFP_TRF_PORTS > 1
                if (p == 1)
                    a = get_bits(s->r1_data_o, i * W, W);
#endif
                got[(size_t)i] = a;
            }
            for (int i = 0; i < NB; i++) {
                uint64_t e = port[p].expect[(size_t)i], a = got[(size_t)i];
                res.sb.check(vo && a == e, [&] {
                    return tb::format("cycle %lld: port %d %s %d, word %d: expected 0x%" PRIx64
                                      ", actual 0x%" PRIx64 "%s",
                                      cyc - 1, p, port[p].dir ? "column" : "row", port[p].idx, i, e, a,
                                      vo ? "" : " (r_valid_o low)");
                });
            }
            port[p].pending = false;
        }
        if (cyc == total)
            break;
        // 2. drive this cycle's accesses; the model reads first, then writes
        bool filling = cyc < init;
        for (int p = 0; p < TFP_TRF_PORTS; p++) {
            bool v = !filling && rng.chance(0.7);
            int dir = rng.uniform(0, 1);
            int lim = dir ? NC : NR;
            int idx = rng.chance(0.02) ? rng.uniform(0, idx_max) : rng.uniform(0, lim - 1);
            if (v) {
                port[p].pending = true;
                port[p].dir = dir;
                port[p].idx = idx;
                port[p].expect.assign((size_t)NB, 0);
                tfm_trf_read(&m, dir, idx, port[p].expect.data());
                res.reads++;
                (dir ? res.col_reads : res.row_reads)++;
            }
            if (p == 0) {
                s->r0_valid_i = v;
                s->r0_dir_i = (uint8_t)dir;
                s->r0_idx_i = (uint32_t)idx;
            }
#if TFP_TRF_PORTS > 1
            if (p == 1) {
                s->r1_valid_i = v;
                s->r1_dir_i = (uint8_t)dir;
                s->r1_idx_i = (uint32_t)idx;
            }
#endif
        }
        bool wv = filling || rng.chance(0.5);
        int wdir = filling ? 0 : rng.uniform(0, 1);
        int wlim = wdir ? NC : NR;
        int widx = filling ? (int)cyc : (rng.chance(0.02) ? rng.uniform(0, idx_max) : rng.uniform(0, wlim - 1));
        for (int i = 0; i < NB; i++) {
            data[(size_t)i] = rng() & wmask;
            mask[(size_t)i] = (uint8_t)(filling || !TFP_TRF_MASK || rng.chance(0.75));
            set_bits(s->w_data_i, i * W, W, data[(size_t)i]);
#if TFP_TRF_MASK
            set_bits(s->w_mask_i, i, 1, mask[(size_t)i]);
#endif
        }
        s->w_valid_i = wv;
        s->w_dir_i = (uint8_t)wdir;
        s->w_idx_i = (uint32_t)widx;
        if (wv) {
            tfm_trf_write(&m, wdir, widx, data.data(), mask.data());
            res.writes++;
        }
        s.tick();
        res.cycles++;
    }
}

} // namespace

int main(int argc, char **argv)
{
    TrfOptions o;
    o.parse(argc, argv);
    std::string dut = std::string(TFP_NAME) + "_trf";
    Result r;
    tb::Verdict v = tb::run(o, dut, r, tb::Trace::from_reset("cycle"),
                            [&](tb::Run &run, Result &res) { run_trf(o, run, res); });
    if (!o.json.empty()) {
        tb::Json j = tb::report_start(o, dut);
        j.integer("cycles", r.cycles)
            .integer("writes", r.writes)
            .integer("reads", r.reads)
            .integer("row_reads", r.row_reads)
            .integer("column_reads", r.col_reads)
            .integer("checks", r.sb.checks)
            .integer("mismatches", r.sb.mismatches)
            .fixed("wall_seconds", v.wall, 3)
            .boolean("passed", !v.failed);
        if (!j.write(o.json))
            return 2;
    }
    if (!o.quiet || v.failed)
        std::printf("%s: %s: %lld cycles, %lld writes, %lld reads (%lld row, %lld column), "
                    "%lld words checked, %lld mismatches\n",
                    dut.c_str(), v.failed ? "FAIL" : "PASS", r.cycles, r.writes, r.reads, r.row_reads,
                    r.col_reads, r.sb.checks, r.sb.mismatches);
    return v.failed ? 1 : 0;
}
