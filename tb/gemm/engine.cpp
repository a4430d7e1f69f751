// engine.cpp -- the GEMM engine's command, load and result ports; one GEMM checked.
#include "engine.h"

#include <algorithm>
#include <cinttypes>

Engine::Engine(tb::Run &run, const tb::Options &o, double in_gap, double bp)
    : sim(run), guard(o.guard),
      in(sim, sim->in_valid_i, sim->in_ready_o, "in_ready_o", sim.timing, in_gap, o.guard),
      rq(sim, sim->rq_valid_i, sim->rq_ready_o, "rq_ready_o", sim.timing, in_gap, o.guard),
      c(sim, sim->c_valid_o, sim->c_ready_i, sim.timing, bp), in_gap(in_gap)
{
    sim->cmd_valid_i = 0;
    sim->in_valid_i = 0;
    sim->rq_valid_i = 0;
    sim->c_ready_i = 1;
    sim->cmd_asrc_i = TFP_SRC_BUF;
    sim->cmd_bsrc_i = TFP_SRC_BUF;
    sim->cmd_store_i = 0;
#if TB_HAS_BW
    sim->cmd_ahalf_i = 0;
    sim->cmd_bhalf_i = 0;
    sim->bw_valid_i = 0;
#endif
    sim.reset(3);
}

#if TB_HAS_BW
// the bank of word `addr` of a lane group of parity `gpar` (tf_gemm: w[0] ^ (stride even & g[0]))
static int bw_bank(int tgt, int addr, int gpar)
{
    int stride = tgt ? TFP_MEM_B_STRIDE : TFP_MEM_A_STRIDE;
    return (addr & 1) ^ (stride % 2 == 0 ? gpar : 0);
}

Engine::BwWrite bw_single(int half, int32_t value)
{
    const int L = TFP_MEM_LANES;
    Engine::BwWrite w{0, half, {0, 0}, {0, 0}, std::vector<int32_t>((std::size_t)(2 * L), 0), {0, 0}};
    for (int i = 0; i < L; i++)
        w.lanes[(std::size_t)i] = value;
    w.mask[0] = (1ULL << L) - 1;
    return w;
}

std::vector<Engine::BwWrite> bw_vectors(const Case &c, int half, tb::Rng &rng)
{
    const int R = ARCH.rows, C = ARCH.cols, L = TFP_MEM_LANES;
    std::vector<Engine::BwWrite> v;
    auto vec = [&](int tgt, int addr, int group) -> Engine::BwWrite & {
        v.push_back({tgt, half, {addr, 0}, {group & 1, 0}, std::vector<int32_t>((std::size_t)(2 * L), 0), {0, 0}});
        return v.back();
    };
    if (ARCH.dataflow == TFM_OS) {
        // A lane i = m mod R, word mt*max_k + k: a column of R rows of A per vector
        for (int mt = 0; mt * R < c.m; mt++)
            for (int k = 0; k < c.k; k++) {
                Engine::BwWrite &w = vec(0, mt * TFP_MEM_A_STRIDE + k, mt);
                for (int i = 0; i < R && mt * R + i < c.m; i++)
                    w.lanes[(std::size_t)i] = c.a[(std::size_t)(mt * R + i) * c.k + k], w.mask[0] |= 1ULL << i;
            }
    } else {
        // A lane i = k mod R, word kt*max_m + m: a row segment of R elements of A per vector
        for (int m = 0; m < c.m; m++)
            for (int kt = 0; kt * R < c.k; kt++) {
                Engine::BwWrite &w = vec(0, kt * TFP_MEM_A_STRIDE + m, kt);
                for (int i = 0; i < R && kt * R + i < c.k; i++)
                    w.lanes[(std::size_t)i] = c.a[(std::size_t)m * c.k + kt * R + i], w.mask[0] |= 1ULL << i;
            }
    }
    // B lane j = n mod C, word nt*max_k + k: a row segment of C elements of B per vector
    for (int k = 0; k < c.k; k++)
        for (int nt = 0; nt * C < c.n; nt++) {
            Engine::BwWrite &w = vec(1, nt * TFP_MEM_B_STRIDE + k, nt);
            for (int j = 0; j < C && nt * C + j < c.n; j++)
                w.lanes[(std::size_t)j] = c.b[(std::size_t)k * c.n + nt * C + j], w.mask[0] |= 1ULL << j;
        }
    std::shuffle(v.begin(), v.end(), rng);
    // two vectors to a beat where the next one is of the same operand and in the other bank
    std::vector<Engine::BwWrite> beats;
    for (auto &w : v) {
        if (!beats.empty()) {
            Engine::BwWrite &b = beats.back();
            if (b.mask[1] == 0 && b.tgt == w.tgt &&
                bw_bank(b.tgt, b.addr[0], b.gpar[0]) != bw_bank(w.tgt, w.addr[0], w.gpar[0])) {
                b.addr[1] = w.addr[0], b.gpar[1] = w.gpar[0], b.mask[1] = w.mask[0];
                for (int i = 0; i < L; i++)
                    b.lanes[(std::size_t)(L + i)] = w.lanes[(std::size_t)i];
                continue;
            }
        }
        beats.push_back(w);
    }
    return beats;
}

void Engine::bw_offer()
{
    bool offer = !bwq.empty() && !sim.timing.chance(in_gap);
    sim->bw_valid_i = offer;
    if (bwq.empty())
        return;
    const BwWrite &w = bwq.front();
    const int L = TFP_MEM_LANES;
    uint32_t m = (ARCH.op_bits >= 32) ? ~0u : ((1u << ARCH.op_bits) - 1);
    sim->bw_tgt_i = (uint8_t)w.tgt;
    sim->bw_half_i = (uint8_t)w.half;
    set_bits(sim->bw_addr_i, 0, TFP_MEM_BW_AW, (uint64_t)w.addr[0]);
    set_bits(sim->bw_addr_i, TFP_MEM_BW_AW, TFP_MEM_BW_AW, (uint64_t)w.addr[1]);
    sim->bw_gpar_i = (uint8_t)(w.gpar[0] | w.gpar[1] << 1);
    for (int i = 0; i < 2 * L; i++)
        set_bits(sim->bw_data_i, i * ARCH.op_bits, ARCH.op_bits, (uint32_t)w.lanes[(std::size_t)i] & m);
    set_bits(sim->bw_mask_i, 0, L, w.mask[0]);
    set_bits(sim->bw_mask_i, L, L, w.mask[1]);
}

bool Engine::bw_fired()
{
    if (!sim->bw_valid_i)
        return false;
    if (!sim->bw_ready_o) {
        bw_blocked++;
        return false;
    }
    bw_written += (bwq.front().mask[0] != 0) + (bwq.front().mask[1] != 0);
    bwq.pop_front();
    return true;
}

void Engine::bw_drain()
{
    tb::Guard g(sim, guard, [&] { return std::to_string(bwq.size()) + " lane-vectors left: bw_ready_o stuck low"; });
    while (!bwq.empty()) {
        bw_offer();
        sim.fall();
        if (bw_fired())
            g.progress();
        else
            g.wait();
        sim.rise();
    }
    sim->bw_valid_i = 0;
}
#endif

const char *op_name(int op)
{
    switch (op) {
    case TFP_OP_LOAD_A: return "LOAD_A";
    case TFP_OP_LOAD_B: return "LOAD_B";
    case TFP_OP_LOAD_RQ: return "LOAD_RQ";
    case TFP_OP_GEMM: return "GEMM";
    case TFP_OP_LOAD_AT: return "LOAD_AT";
    case TFP_OP_LOAD_BT: return "LOAD_BT";
    default: return "undefined command";
    }
}

void Engine::command(int op, int m, int k, int n, bool rq_on, int asrc, int bsrc, bool store)
{
    sim->cmd_asrc_i = (uint8_t)asrc;
    sim->cmd_bsrc_i = (uint8_t)bsrc;
    sim->cmd_store_i = store;
    sim->cmd_op_i = (uint8_t)op;
    sim->cmd_m_i = (uint32_t)m;
    sim->cmd_k_i = (uint32_t)k;
    sim->cmd_n_i = (uint32_t)n;
    sim->cmd_requant_i = rq_on;
#if TB_HAS_BW
    sim->cmd_ahalf_i = (uint8_t)ahalf;
    sim->cmd_bhalf_i = (uint8_t)bhalf;
#endif
    tb::send_one(sim, sim->cmd_valid_i, sim->cmd_ready_o, std::string(op_name(op)) + " command: cmd_ready_o",
                 guard);
}

void Engine::load(int op, int m, int k, int n, const std::vector<int32_t> &v)
{
    command(op, m, k, n, false);
    uint32_t mask = (ARCH.op_bits >= 32) ? ~0u : ((1u << ARCH.op_bits) - 1);
    in.send(v.size(), [&](std::size_t i) { sim->in_data_i = (uint32_t)v[i] & mask; }, op_name(op));
}

void Engine::load_rq(const Case &cs)
{
    command(TFP_OP_LOAD_RQ, cs.m, cs.k, cs.n, false);
    rq.send((std::size_t)cs.n, [&](std::size_t j) {
        sim->rq_mult_i = cs.mult[j];
        sim->rq_shift_i = (uint8_t)cs.shift[j];
    }, "LOAD_RQ");
}

void run_case(Engine &e, const Case &c, Totals &t, FILE *csv, int idx, const Case *next)
{
    tb::Sim<Vtop> &s = e.sim;
#if TB_HAS_BW
    e.ahalf = e.bhalf = c.half;
    tb::Rng order(1000003ULL * (uint64_t)idx + 77);
    if (c.via_bw && e.prefetched != idx) {
        for (auto &w : bw_vectors(c, c.half, order))
            e.bwq.push_back(w);
        e.bw_drain();
    }
#else
    (void)next;
#endif
    if (c.via_bw) {
        // operands already in half c.half
    } else if (c.asrc == TFP_SRC_BUF) {
        if (c.at)
            e.load(TFP_OP_LOAD_AT, c.m, c.k, c.n, transpose(c.a, c.m, c.k)); // A^T: K x M row-major
        else
            e.load(TFP_OP_LOAD_A, c.m, c.k, c.n, c.a);
    }
    if (c.bsrc == TFP_SRC_BUF && !c.via_bw) {
        if (c.bt)
            e.load(TFP_OP_LOAD_BT, c.m, c.k, c.n, transpose(c.b, c.k, c.n)); // B^T: N x K row-major (tokens)
        else
            e.load(TFP_OP_LOAD_B, c.m, c.k, c.n, c.b);
    }
    if (c.rq)
        e.load_rq(c);
    std::vector<int64_t> ref = reference(c);

    e.command(TFP_OP_GEMM, c.m, c.k, c.n, c.rq, c.asrc, c.bsrc, c.store);
#if TB_HAS_BW
    // While this GEMM runs: the next test's operands into the other half, then one vector
    // into the half this GEMM reads, which must wait for the GEMM's end (bw_ready_o low):
    // written earlier, it would change this GEMM's operands.
    if (next && next->via_bw) {
        for (auto &w : bw_vectors(*next, 1 - c.half, order))
            e.bwq.push_back(w);
        e.bwq.push_back(bw_single(c.half, tfm_op_max(ARCH.op_bits)));
    }
#endif
    // A storing GEMM sends nothing on c_*: any beat is a protocol error.
    int nbeats = c.store ? 0 : tfm_beat_count(&ARCH, c.m, c.n), got = 0;
    // The whole GEMM, results included, within 4x the model's cycles (+ 10000).
    uint64_t limit = 4 * (uint64_t)tfm_cycles(&ARCH, c.m, c.k, c.n) + 10000;
    tb::Guard g(s, limit, [&] {
        return tb::format("test %d (%s): c_valid_o: %d of %d beats, busy_o %d,", idx, case_desc(c).c_str(), got,
                   nbeats, (int)s->busy_o);
    });
    g.counts(t.protocol_errors);
    while (got < nbeats || s->busy_o) {
#if TB_HAS_BW
        e.bw_offer();
        s.fall();
        e.bw_fired();
#endif
        e.c.cycle([&] {
            int row = (int)s->c_row_o, col = (int)s->c_col_o, last = s->c_last_o;
            int erow = -1, ecol = -1;
            if (got < nbeats)
                tfm_beat_at(&ARCH, c.m, c.n, got, &erow, &ecol);
            if (row != erow || col != ecol || last != (got == nbeats - 1)) {
                t.protocol_errors++;
                tb::fail(tb::format("test %d: beat %d: row %d col %d last %d, expected row %d col %d last %d", idx, got,
                             row, col, last, erow, ecol, got == nbeats - 1));
            }
            for (int j = 0; j < ARCH.cols; j++) {
                int64_t act = sext(get_bits(s->c_data_o, j * ARCH.acc_bits, ARCH.acc_bits), ARCH.acc_bits);
                if (col + j < c.n) {
                    int64_t exp = ref[(std::size_t)row * c.n + col + j];
                    t.sb.expect(exp, act, [&] {
                        return tb::format("test %d (%s): C[%d][%d]: expected %" PRId64 ", actual %" PRId64, idx,
                                   case_desc(c).c_str(), row, col + j, exp, act);
                    });
                } else {
                    t.sb.expect(t.pad_checks, (int64_t)0, act, [&] {
                        return tb::format("test %d: padding lane %d of row %d col %d: expected 0, actual %" PRId64, idx,
                                   j, row, col, act);
                    });
                }
            }
            got++;
        });
        g.wait();
    }
    e.c.idle();
#if TB_HAS_BW
    e.bw_drain();
    e.prefetched = next && next->via_bw ? idx + 1 : -1;
#endif
    long long rtl = (long long)s->stat_cycles_o, stall = (long long)s->stat_stall_o;
    long long model = tfm_cycles(&ARCH, c.m, c.k, c.n);
    t.rtl_cycles += rtl - stall;
    t.model_cycles += model;
    t.stall_cycles += stall;
    t.useful_macs += (long long)c.m * c.k * c.n;
    t.gemms++;
    if (csv) {
        long long active = rtl - stall;
        std::fprintf(csv, "%s,%d,%d,%s,%d,%d,%d,%lld,%lld,%lld,%lld,%.4f\n", TFP_NAME, ARCH.rows, ARCH.cols,
                     ARCH.dataflow ? "ws" : "os", c.m, c.k, c.n, active, model,
                     tfm_cycles_ideal(ARCH.rows, ARCH.cols, c.m, c.k, c.n),
                     tfm_cycles_scalesim(ARCH.dataflow, ARCH.rows, ARCH.cols, c.m, c.k, c.n),
                     (double)c.m * c.k * c.n / ((double)ARCH.rows * ARCH.cols * (double)active));
    }
    if (rtl - stall != model) {
        t.cycle_mismatches++;
        tb::fail(tb::format("test %d (%s): RTL cycles %lld - stalls %lld = %lld, model %lld", idx, case_desc(c).c_str(),
                     rtl, stall, rtl - stall, model));
    }
}
