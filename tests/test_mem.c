/* test_mem.c -- the memory system's golden model (model/tf_mem.c): the controller's
 * command check (codes and their precedence, as tf_mem_ctl), the effect of a command on
 * memory and the result store (worked out by hand), the traffic of tiled commands and
 * the roofline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tf_mem.h"
#include "tf_model.h"

/* an 8x8 OS engine, max 64/64/64, 16-byte port, tiles 64 x 64 (as configs/mem/p01) */
static struct tfmm_cfg cfg(void)
{
    struct tfmm_cfg c;
    memset(&c, 0, sizeof c);
    c.arch = (struct tfm_arch){.rows = 8, .cols = 8, .dataflow = TFM_OS, .op_bits = 8, .acc_bits = 22,
                               .max_m = 64, .max_k = 64, .max_n = 64, .requant = 1, .rq_bits = 8,
                               .lat_read = 1, .lat_feed = 0, .lat_beat = 1, .lat_rq = 2, .min_period = 1};
    c.port_bytes = 16;
    c.addr_bits = 32;
    c.eb_log = 0;
    c.tile_m = 64;
    c.tile_n = 64;
    c.n_tiles = 1;
    c.store = 0;
    c.burst_len = 16;
    c.max_reads = 4;
    c.max_writes = 4;
    c.corner_words = 16;
    c.wb_fifo = 8;
    return c;
}

static struct tfmm_cmd cmd(int m, int k, int n)
{
    struct tfmm_cmd x;
    memset(&x, 0, sizeof x);
    x.m = m, x.k = k, x.n = n;
    x.a_addr = 0x1000, x.a_stride = 64;
    x.b_addr = 0x4000, x.b_stride = 128;
    x.c_addr = 0x8000, x.c_stride = 256;
    x.cew = 2;
    return x;
}

static void test_check_codes(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    struct tfmm_cmd x = cmd(10, 20, 30);
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.k = 0;
    assert_int_equal(tfmm_check(&c, &x), TFMM_ZERO);
    x = cmd(0, 65, 1); /* zero first, though K is out of range too */
    assert_int_equal(tfmm_check(&c, &x), TFMM_ZERO);
    x = cmd(10, 65, 30);
    assert_int_equal(tfmm_check(&c, &x), TFMM_RANGE);
    x = cmd(10, 64, 300); /* N tiles: fine */
    x.b_stride = 512, x.c_stride = 2048;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.store = 1; /* no store in this design: form before range */
    assert_int_equal(tfmm_check(&c, &x), TFMM_FORM);
    x = cmd(10, 64, 30);
    x.asrc = TFM_SRC_ST;
    assert_int_equal(tfmm_check(&c, &x), TFMM_FORM);
    x.asrc = 3;
    assert_int_equal(tfmm_check(&c, &x), TFMM_FORM);
    x = cmd(10, 64, 30);
    x.cew = 3;
    assert_int_equal(tfmm_check(&c, &x), TFMM_WIDTH);
    x.a_addr += 1; /* width before alignment */
    assert_int_equal(tfmm_check(&c, &x), TFMM_WIDTH);
    x.cew = 0;
    assert_int_equal(tfmm_check(&c, &x), TFMM_ALIGN);
    x = cmd(10, 64, 30);
    x.c_stride = 40; /* not a port multiple, several rows */
    assert_int_equal(tfmm_check(&c, &x), TFMM_ALIGN);
    x.m = 1; /* one row: its stride does not matter */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x = cmd(10, 64, 30);
    x.a_stride = 48; /* below the 64 bytes of a row of A */
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
    x = cmd(10, 64, 30);
    x.c_stride = 112; /* C rows of 30 x 4 = 120 bytes */
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
    x.cew = 1; /* 60 bytes: fine */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    /* tiles of 8 on a 16-byte port: C
     * tiles of 8 x 1 byte would start mid-word: refused unless N fits one tile */
    struct tfmm_cfg c8 = c;
    c8.tile_n = 8;
    x = cmd(10, 64, 30);
    x.cew = 0;
    assert_int_equal(tfmm_check(&c8, &x), TFMM_ALIGN);
    x.cew = 1;
    assert_int_equal(tfmm_check(&c8, &x), TFMM_OK);
    x.cew = 0, x.n = 8;
    assert_int_equal(tfmm_check(&c8, &x), TFMM_OK);
    x = cmd(2, 16, 16);
    x.btr = 1; /* B^T: 16 rows of 16 bytes, stride 128 */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.b_stride = 0;
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
}

static void test_check_space(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    struct tfmm_cmd x = cmd(2, 16, 16);
    /* C's last byte is the address space's last: accepted; one word more: refused */
    x.c_addr = 0xffffffffULL + 1 - 256 - 64;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.c_addr += 16;
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
    x = cmd(2, 16, 16);
    x.b_addr = 0xfffffff0ULL; /* 16 rows of B from the last word */
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
    x.k = 1; /* one row of 16 bytes: fits exactly */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x = cmd(2, 16, 16);
    x.a_stride = 0xfffffff0ULL; /* (m-1) * stride past 2^32 */
    assert_int_equal(tfmm_check(&c, &x), TFMM_STRIDE);
}

static void test_check_store(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    c.store = 1;
    c.tile_m = 16, c.tile_n = 16, c.n_tiles = 0;
    c.arch.max_m = 16, c.arch.max_n = 16, c.arch.max_k = 32;
    struct tfmm_cmd x = cmd(16, 32, 16);
    x.store = 1;
    assert_int_equal(tfmm_check(&c, &x), TFMM_FORM); /* store needs requant */
    x.requant = 1;
    x.cew = 3;                                      /* C not written: no width check */
    x.c_addr = 3;                                   /* nor alignment */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.n = 17; /* N beyond one tile without N tiling: form */
    assert_int_equal(tfmm_check(&c, &x), TFMM_FORM);
    x = cmd(16, 17, 8);
    x.asrc = TFM_SRC_ST; /* A = S: K <= max_n */
    x.a_addr = 5;        /* A not read from memory: no alignment */
    assert_int_equal(tfmm_check(&c, &x), TFMM_RANGE);
    x.k = 16;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.asrc = TFM_SRC_ST_T; /* A = S^T: M <= max_n, K <= max_m */
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    x.m = 17;
    assert_int_equal(tfmm_check(&c, &x), TFMM_RANGE);
}

/* mem: A (2 x 3) at 0, B (3 x 2) at 16 (stride 16), C at 64 */
static void test_run_small(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    uint8_t mem[256];
    memset(mem, 0xee, sizeof mem);
    const int8_t a[2][3] = {{1, -2, 3}, {-4, 5, -6}};
    const int8_t b[3][2] = {{7, -8}, {9, 10}, {-11, 12}};
    for (int i = 0; i < 2; i++)
        for (int q = 0; q < 3; q++)
            mem[i * 16 + q] = (uint8_t)a[i][q];
    for (int q = 0; q < 3; q++)
        for (int j = 0; j < 2; j++)
            mem[32 + q * 16 + j] = (uint8_t)b[q][j];
    struct tfmm_cmd x = cmd(2, 3, 2);
    x.a_addr = 0, x.a_stride = 16, x.b_addr = 32, x.b_stride = 16, x.c_addr = 96, x.c_stride = 16;
    x.cew = 1;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    uint8_t before[256];
    memcpy(before, mem, sizeof mem);
    assert_int_equal(tfmm_run(&c, &x, mem, sizeof mem, NULL, NULL, NULL), 0);
    /* C = [[1*7-2*9-3*11, -8-20+36], [-28+45+66, 32+50-72]] = [[-44, 8], [83, 10]] */
    const int16_t want[2][2] = {{-44, 8}, {83, 10}};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            int16_t v = (int16_t)(mem[96 + i * 16 + 2 * j] | mem[96 + i * 16 + 2 * j + 1] << 8);
            assert_int_equal(v, want[i][j]);
        }
    /* nothing else changed */
    for (int i = 0; i < 256; i++) {
        int in_c = i >= 96 && i < 128 && (i - 96) % 16 < 4;
        if (!in_c)
            assert_int_equal(mem[i], before[i]);
    }
    /* B^T (N x K) gives the same result; cew 0 keeps the low byte, 2 sign-extends */
    uint8_t m2[256];
    memcpy(m2, before, sizeof m2);
    for (int q = 0; q < 3; q++)
        for (int j = 0; j < 2; j++)
            m2[160 + j * 16 + q] = (uint8_t)b[q][j];
    x.b_addr = 160, x.btr = 1, x.cew = 2;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    assert_int_equal(tfmm_run(&c, &x, m2, sizeof m2, NULL, NULL, NULL), 0);
    uint32_t w = (uint32_t)(m2[96] | m2[97] << 8 | m2[98] << 16 | (uint32_t)m2[99] << 24);
    assert_int_equal((int32_t)w, -44);
    x.cew = 0;
    assert_int_equal(tfmm_run(&c, &x, m2, sizeof m2, NULL, NULL, NULL), 0);
    assert_int_equal(m2[96], (uint8_t)(-44 & 0xff));
    assert_int_equal(m2[97], 8);    /* C[0][1] */
    assert_int_equal(m2[98], 0xff); /* byte 2 of the cew 2 write before */
    /* an access past the memory */
    assert_int_equal(tfmm_run(&c, &x, m2, 100, NULL, NULL, NULL), -1);
}

/* int16 operands: 2 bytes in memory, the low op_bits the value */
static void test_run_wide_and_requant(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    c.arch.op_bits = 12;
    c.eb_log = 1;
    c.tile_n = 2; /* requant entry: column mod tile_n */
    c.port_bytes = 4; /* C tiles of 2 x 2 or 4 bytes start on a port word */
    uint8_t mem[512];
    memset(mem, 0, sizeof mem);
    /* A = [[0x0fff (-1 in 12 bits, high nibble ignored: 0xffff)]], B = [[3, 5, 7]] */
    mem[0] = 0xff, mem[1] = 0xff;
    int16_t bb[3] = {3, 5, 7};
    for (int j = 0; j < 3; j++)
        mem[64 + 2 * j] = (uint8_t)bb[j], mem[64 + 2 * j + 1] = 0xf0; /* high nibble: ignored */
    struct tfmm_cmd x = cmd(1, 1, 3);
    x.a_addr = 0, x.b_addr = 64, x.c_addr = 128, x.cew = 2;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    assert_int_equal(tfmm_run(&c, &x, mem, sizeof mem, NULL, NULL, NULL), 0);
    for (int j = 0; j < 3; j++)
        assert_int_equal((int32_t)(mem[128 + 4 * j] | mem[129 + 4 * j] << 8 | mem[130 + 4 * j] << 16 |
                                   (uint32_t)mem[131 + 4 * j] << 24),
                         -bb[j]);
    /* requant: mult 2^30 (x 0.5), shift 0 / 1; column 2 uses entry 0 */
    uint32_t mult[2] = {1u << 30, 1u << 30};
    int shift[2] = {0, 1};
    x.requant = 1, x.cew = 0;
    assert_int_equal(tfmm_check(&c, &x), TFMM_ALIGN); /* C tiles of 2 bytes */
    x.cew = 1;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    assert_int_equal(tfmm_run(&c, &x, mem, sizeof mem, mult, shift, NULL), 0);
    for (int j = 0; j < 3; j++)
        assert_int_equal((int16_t)(mem[128 + 2 * j] | mem[129 + 2 * j] << 8),
                         tfm_requant(-bb[j], 1u << 30, j == 1 ? 1 : 0, 8));
}

/* a store command keeps the result in S; a following command reads A = S^T */
static void test_run_store(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    c.store = 1;
    c.arch.max_m = c.arch.max_n = 4, c.tile_m = c.tile_n = 4, c.arch.cols = c.arch.rows = 4;
    struct tfm_trf s;
    assert_int_equal(tfm_trf_init(&s, 4, 4, 8), 0);
    uint8_t mem[256];
    memset(mem, 0, sizeof mem);
    mem[0] = 2, mem[16] = 3;                 /* A = [[2], [3]] (2 x 1) */
    mem[64] = 5, mem[65] = (uint8_t)-1;      /* B = [[5, -1]] (1 x 2) */
    uint32_t mult[4] = {0x7fffffffu, 0x7fffffffu, 0x7fffffffu, 0x7fffffffu};
    int shift[4] = {0, 0, 0, 0};
    struct tfmm_cmd x = cmd(2, 1, 2);
    x.a_addr = 0, x.a_stride = 16, x.b_addr = 64, x.store = 1, x.requant = 1;
    assert_int_equal(tfmm_check(&c, &x), TFMM_OK);
    uint8_t before[256];
    memcpy(before, mem, sizeof mem);
    assert_int_equal(tfmm_run(&c, &x, mem, sizeof mem, mult, shift, &s), 0);
    assert_memory_equal(mem, before, sizeof mem);
    int32_t op[4];
    tfm_store_operand(&c.arch, &s, TFM_SRC_ST, 2, 2, op);
    assert_int_equal(op[0], tfm_requant(10, 0x7fffffffu, 0, 8));
    assert_int_equal(op[1], tfm_requant(-2, 0x7fffffffu, 0, 8));
    assert_int_equal(op[2], tfm_requant(15, 0x7fffffffu, 0, 8));
    /* C2 = S^T (2 x 2) * I (2 x 2), written as int32 */
    mem[96] = 1, mem[113] = 1;
    struct tfmm_cmd y = cmd(2, 2, 2);
    y.asrc = TFM_SRC_ST_T, y.b_addr = 96, y.b_stride = 16, y.c_addr = 128, y.c_stride = 16;
    assert_int_equal(tfmm_check(&c, &y), TFMM_OK);
    assert_int_equal(tfmm_run(&c, &y, mem, sizeof mem, NULL, NULL, &s), 0);
    assert_int_equal((int32_t)(mem[128] | mem[129] << 8 | mem[130] << 16 | (uint32_t)mem[131] << 24), op[0]);
    assert_int_equal((int32_t)(mem[132] | mem[133] << 8 | mem[134] << 16 | (uint32_t)mem[135] << 24), op[2]);
    assert_int_equal((int32_t)(mem[144] | mem[145] << 8 | mem[146] << 16 | (uint32_t)mem[147] << 24), op[1]);
    tfm_trf_free(&s);
}

static void test_traffic(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    struct tfmm_traffic t;
    /* 100 x 20 x 10: two M tiles, one N tile: A twice (64 and 36 rows of 20 bytes = 2
     * words), B once (20 rows of 10 bytes = 1 word), C 100 x 10 x 4 bytes */
    struct tfmm_cmd x = cmd(100, 20, 10);
    tfmm_traffic(&c, &x, &t);
    assert_int_equal(t.steps, 2);
    assert_int_equal(t.a_loads, 2);
    assert_int_equal(t.b_loads, 1);
    assert_int_equal(t.writebacks, 2);
    assert_int_equal(t.rd_bytes, (64 * 2 + 36 * 2) * 16 + 20 * 16);
    assert_int_equal(t.wr_bytes, 100 * 10 * 4);
    assert_int_equal(t.compute, tfm_cycles(&c.arch, 64, 20, 10) + tfm_cycles(&c.arch, 36, 20, 10));
    /* 10 x 20 x 100 with B^T: N tiles of 64, 36: B every step (64 and 36 rows of 2 words) */
    x = cmd(10, 20, 100);
    x.btr = 1, x.b_stride = 32, x.cew = 0;
    tfmm_traffic(&c, &x, &t);
    assert_int_equal(t.steps, 2);
    assert_int_equal(t.a_loads, 1);
    assert_int_equal(t.b_loads, 2);
    assert_int_equal(t.rd_bytes, 10 * 2 * 16 + (64 + 36) * 2 * 16);
    assert_int_equal(t.wr_bytes, 1000);
    /* refused: nothing */
    x.k = 0;
    tfmm_traffic(&c, &x, &t);
    assert_int_equal(t.steps + t.rd_bytes + t.wr_bytes + t.compute, 0);
}

static void test_roofline(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    struct tfmm_cmd x = cmd(64, 64, 64);
    /* compute 4096 cycles; bytes 4096 + 4096 + 16384 at 8/cycle = 3072 */
    assert_int_equal(tfmm_roofline(&c, &x, 8), 4096);
    assert_int_equal(tfmm_roofline(&c, &x, 4), 6144);
    x = cmd(1, 64, 64); /* memory-bound: 64 + 4096 + 256 bytes */
    assert_int_equal(tfmm_roofline(&c, &x, 16), (64 + 4096 + 256 + 15) / 16);
    assert_int_equal(tfmm_roofline(&c, &x, 0), (64 + 4096) / 16);
    /* 32 bytes per cycle from memory, but R moves 16 per cycle on a 128-bit port */
    assert_int_equal(tfmm_roofline(&c, &x, 32), (64 + 4096) / 16);
}

/* the cycle model: its exactness against the RTL is tb/mem's; here its bookkeeping */
static void test_cycles(void **state)
{
    (void)state;
    struct tfmm_cfg c = cfg();
    struct tfmm_mem_timing mt = {12, 0};
    struct tfmm_cmd x[3] = {cmd(10, 20, 30), cmd(0, 20, 30), cmd(10, 20, 30)};
    long long acc[3], done[3];
    struct tfmm_timing t;
    memset(&t, 0, sizeof t);
    t.accept = acc, t.done = done;
    /* a refused command alone: accepted and completed in the same cycle, nothing busy */
    assert_int_equal(tfmm_cycles(&c, &mt, &x[1], 1, &t), 0);
    assert_int_equal(t.cycles, 0);
    assert_int_equal(acc[0], 0);
    assert_int_equal(done[0], 0);
    assert_int_equal(t.busy + t.gemm + t.wait + t.rd_busy + t.wr_busy, 0);
    /* one command: its GEMM cycles are the engine's; it takes longer than its compute */
    assert_int_equal(tfmm_cycles(&c, &mt, x, 1, &t), 0);
    long long one = t.cycles;
    struct tfmm_traffic tr;
    tfmm_traffic(&c, &x[0], &tr);
    assert_true(one > tr.compute + 2 * mt.lat);
    assert_true(t.gemm > tr.compute); /* e_run: the GEMM, stalls on its results included */
    assert_int_equal(done[0], one);
    assert_true(t.busy >= one);
    /* a longer latency costs at least its difference once */
    struct tfmm_mem_timing slow = {40, 0};
    assert_int_equal(tfmm_cycles(&c, &slow, x, 1, &t), 0);
    assert_true(t.cycles >= one + 28);
    /* three back to back: the refused one completes when it is offered, the last one
     * after the first; the first command's timing is its own */
    assert_int_equal(tfmm_cycles(&c, &mt, x, 3, &t), 0);
    assert_int_equal(done[0], one);
    assert_int_equal(done[1], acc[1]);
    assert_true(done[2] > done[0]);
    assert_true(t.cycles == done[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_codes), cmocka_unit_test(test_check_space),
        cmocka_unit_test(test_check_store), cmocka_unit_test(test_run_small),
        cmocka_unit_test(test_run_wide_and_requant), cmocka_unit_test(test_run_store),
        cmocka_unit_test(test_traffic), cmocka_unit_test(test_roofline), cmocka_unit_test(test_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
