// axi_mem.h -- host memory model for the Verilator harnesses: an AXI4 slave (Arm IHI 0022,
// the AMBA AXI protocol specification) on a Verilated top's m_axi_* ports, with
//   * a fixed latency: a burst's first R beat can leave `lat` cycles after its AR was
//     accepted, a B response `lat` cycles after the burst's last W beat;
//   * a bandwidth limit: a credit of `bw` bytes per cycle (capped at bw + port bytes),
//     shared by R and W: a beat needs a port word of credit and takes it (R first, but R
//     and W take turns while both have a beat due and the credit holds only one);
//   * random stalls on every channel: with probability `stall` per cycle and channel,
//     ARREADY, AWREADY, WREADY are low and RVALID, BVALID are held back;
//   * injectable errors: a beat whose address falls in [err_lo, err_hi) is answered with
//     SLVERR (R; its data is zeros) or makes its write burst's response SLVERR (the
//     burst's bytes in the range are not written); addresses past the memory, DECERR.
// Bursts are INCR, full width (AxSIZE = log2 of the port bytes), answered in order, each
// response with its request's ID (in order across IDs is legal; a mux routes by it). The model checks the master's side of the protocol it relies on:
// a W beat only after its AW, WLAST on the burst's last beat, no burst crossing 4 KiB,
// AxSIZE and AxBURST; a violation fails the run (tb::fail).
// With stall = 0 the timing is exactly what the cycle model assumes (model/tf_mem_cycles.c,
// tfmm_cycles): the harness's cycle counts equal the model's there. eff_stalls counts the
// cycles in which a stall held back a transfer that was due (the harness's bound with
// stalls).
//
// Use per cycle, with the Sim's halves:  mem.drive(); s.fall(); mem.sample(); s.rise();
#ifndef TB_AXI_MEM_H
#define TB_AXI_MEM_H

#include "fail.h"
#include "rng.h"
#include "vl_bits.h"

#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace tb {

struct AxiMemConfig {
    int lat = 10;         // cycles, >= 1
    int bw = 0;           // bytes per cycle; 0: one port word per cycle per channel, unshared
    double stall = 0;     // probability per cycle and channel
    uint64_t err_lo = 0;  // SLVERR range [err_lo, err_hi)
    uint64_t err_hi = 0;
};

template <class Top>
class AxiMem {
public:
    AxiMem(Top &top, int data_bits, size_t bytes, const AxiMemConfig &cfg, Rng &rng)
        : t_(top), pb_(data_bits / 8), cfg_(cfg), rng_(rng), mem_(bytes, 0)
    {
        credit_ = cap();
    }

    std::vector<uint8_t> &bytes() { return mem_; }
    long long read_bytes = 0;    // R beats x port bytes
    long long write_bytes = 0;   // bytes with WSTRB set
    long long r_beats = 0, w_beats = 0, stalls = 0;
    // cycles in which a stall held back a transfer that would have happened (AR, AW with
    // the master's valid; R, W, B that were due): at most one per cycle
    long long eff_stalls = 0;

    // Set the slave's outputs for this cycle (before the Sim's fall()).
    void drive()
    {
        now_++;
        if (cfg_.bw > 0) {
            credit_ += cfg_.bw;
            if (credit_ > cap())
                credit_ = cap();
        }
        st_ar_ = stall_draw();
        st_r_ = stall_draw();
        st_aw_ = stall_draw();
        st_w_ = stall_draw();
        st_b_ = stall_draw();
        t_.m_axi_arready_i = !st_ar_;
        t_.m_axi_awready_i = !st_aw_;
        // R: the head burst's next beat, once its latency passed and credit allows. When R
        // and W both have a beat due (W: an open burst and WVALID) and the credit holds one
        // port word but not two, they take turns (round-robin, the turn passing on every
        // such cycle), as an arbiter of two directions into one memory port would: R first
        // always would starve a write-back while loads stream.
        if (idle())
            w_turn_ = false; // the turns start afresh whenever the memory is idle
        bool r_due = !rq_.empty() && rq_.front().ready <= now_ && !st_r_;
        bool w_due = !wq_.empty() && !st_w_ && t_.m_axi_wvalid_o;
        bool contest = cfg_.bw > 0 && r_due && w_due && has_credit() && credit_ < 2LL * pb_;
        if (contest)
            w_turn_ = !w_turn_;
        rv_ = r_due && has_credit() && !(contest && !w_turn_);
        t_.m_axi_rvalid_i = rv_;
        t_.m_axi_rid_i = rv_ ? rq_.front().id : 0;
        if (rv_) {
            Burst &b = rq_.front();
            uint64_t a = b.addr + (uint64_t)b.done * pb_;
            int resp = resp_of(a);
            t_.m_axi_rresp_i = resp;
            t_.m_axi_rlast_i = (b.done + 1 == b.beats);
            for (int i = 0; i < pb_; i++)
                set_bits(t_.m_axi_rdata_i, 8 * i, 8, resp ? 0 : mem_[a + i]);
        } else {
            t_.m_axi_rresp_i = 0;
            t_.m_axi_rlast_i = 0;
        }
        // W: ready when an AW is open and credit allows (after R took its share)
        wr_ = !wq_.empty() && !st_w_ && has_credit_after(rv_);
        t_.m_axi_wready_i = wr_;
        // B: the oldest finished burst whose latency passed
        bv_ = !bq_.empty() && bq_.front().ready <= now_ && !st_b_;
        t_.m_axi_bvalid_i = bv_;
        t_.m_axi_bid_i = bv_ ? bq_.front().id : 0;
        t_.m_axi_bresp_i = bv_ ? bq_.front().resp : 0;
    }

    // Take the handshakes of this cycle (after the Sim's fall(), before its rise()).
    void sample()
    {
        bool held = (st_ar_ && t_.m_axi_arvalid_o) || (st_aw_ && t_.m_axi_awvalid_o) ||
                    (st_r_ && !rq_.empty() && rq_.front().ready <= now_ && has_credit() && t_.m_axi_rready_o) ||
                    (st_w_ && !wq_.empty() && t_.m_axi_wvalid_o && has_credit_after(rv_)) ||
                    (st_b_ && !bq_.empty() && bq_.front().ready <= now_);
        if (held)
            eff_stalls++;
        if (t_.m_axi_arvalid_o && t_.m_axi_arready_i) {
            Burst b = burst("AR", t_.m_axi_araddr_o, t_.m_axi_arlen_o, t_.m_axi_arsize_o,
                            t_.m_axi_arburst_o);
            b.ready = now_ + cfg_.lat;
            b.id = (uint32_t)t_.m_axi_arid_o;
            rq_.push_back(b);
        }
        if (rv_ && t_.m_axi_rready_o) {
            Burst &b = rq_.front();
            read_bytes += pb_;
            r_beats++;
            take_credit();
            if (++b.done == b.beats)
                rq_.pop_front();
        }
        if (t_.m_axi_awvalid_o && t_.m_axi_awready_i) {
            Burst b = burst("AW", t_.m_axi_awaddr_o, t_.m_axi_awlen_o, t_.m_axi_awsize_o,
                            t_.m_axi_awburst_o);
            b.id = (uint32_t)t_.m_axi_awid_o;
            wq_.push_back(b);
        }
        if (t_.m_axi_wvalid_o && wr_) {
            Burst &b = wq_.front();
            uint64_t a = b.addr + (uint64_t)b.done * pb_;
            bool last = (b.done + 1 == b.beats);
            if ((bool)t_.m_axi_wlast_o != last)
                fail(format("AXI: WLAST %d on beat %d of a %d-beat write burst at 0x%llx",
                            (int)t_.m_axi_wlast_o, b.done, b.beats, (unsigned long long)b.addr));
            int resp = resp_of(a);
            for (int i = 0; i < pb_; i++) {
                if (!get_bits(t_.m_axi_wstrb_o, i, 1))
                    continue;
                write_bytes++;
                if (resp == 0)
                    mem_[a + i] = (uint8_t)get_bits(t_.m_axi_wdata_o, 8 * i, 8);
            }
            if (resp > b.resp)
                b.resp = resp;
            w_beats++;
            take_credit();
            if (++b.done == b.beats) {
                b.ready = now_ + cfg_.lat;
                bq_.push_back(b);
                wq_.pop_front();
            }
        } else if (t_.m_axi_wvalid_o && wq_.empty() && !st_w_) {
            fail("AXI: a W beat without an open write burst (AW first)");
        }
        if (bv_ && t_.m_axi_bready_o)
            bq_.pop_front();
    }

    bool idle() const { return rq_.empty() && wq_.empty() && bq_.empty(); }
    // Idle with a full credit: the state every model run starts from (tfmm_cycles).
    bool settled() const { return idle() && (cfg_.bw <= 0 || credit_ == cap()); }
    // the SLVERR range from now on ([lo, hi); lo == hi: none)
    void set_err(uint64_t lo, uint64_t hi)
    {
        cfg_.err_lo = lo;
        cfg_.err_hi = hi;
    }

private:
    struct Burst {
        uint64_t addr = 0;
        int beats = 0, done = 0, resp = 0;
        uint32_t id = 0; // echoed on R and B (answered in order, whatever the ID)
        uint64_t ready = 0;
    };
    Top &t_;
    int pb_;
    AxiMemConfig cfg_;
    Rng &rng_;
    std::vector<uint8_t> mem_;
    std::deque<Burst> rq_, wq_, bq_;
    uint64_t now_ = 0;
    long long credit_ = 0;
    bool st_ar_ = false, st_r_ = false, st_aw_ = false, st_w_ = false, st_b_ = false;
    bool rv_ = false, wr_ = false, bv_ = false;
    bool w_turn_ = false; // the last contested cycle's winner was W

    long long cap() const { return cfg_.bw > 0 ? cfg_.bw + pb_ : 0; }
    bool has_credit() const { return cfg_.bw <= 0 || credit_ >= pb_; }
    bool has_credit_after(bool r) const
    {
        return cfg_.bw <= 0 || credit_ - (r ? pb_ : 0) >= pb_;
    }
    void take_credit()
    {
        if (cfg_.bw > 0)
            credit_ -= pb_;
    }
    bool stall_draw()
    {
        bool s = rng_.chance(cfg_.stall);
        if (s)
            stalls++;
        return s;
    }
    int resp_of(uint64_t a) const
    {
        if (a + pb_ > mem_.size())
            return 3; // DECERR
        if (a < cfg_.err_hi && a + pb_ > cfg_.err_lo)
            return 2; // SLVERR
        return 0;
    }
    Burst burst(const char *ch, uint64_t addr, int len, int size, int type)
    {
        Burst b;
        b.addr = addr;
        b.beats = len + 1;
        if ((1 << size) != pb_ || type != 1)
            fail(format("AXI: %s burst at 0x%llx with AxSIZE %d, AxBURST %d (expected %d, INCR)", ch,
                        (unsigned long long)addr, size, type, __builtin_ctz((unsigned)pb_)));
        if (addr % pb_)
            fail(format("AXI: %s burst at unaligned 0x%llx", ch, (unsigned long long)addr));
        if ((addr & 4095) + (uint64_t)b.beats * pb_ > 4096)
            fail(format("AXI: %s burst at 0x%llx of %d beats crosses a 4 KiB boundary", ch,
                        (unsigned long long)addr, b.beats));
        return b;
    }
};

} // namespace tb

#endif
