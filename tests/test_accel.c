/* test_accel.c -- the accelerator over memory (model/tf_accel.c) against the golden layers.
 *
 * A random 2-layer model of width 32 (tfi_random) packed into a weight image (tfi_write) in a
 * byte memory, requests in the table (two entries, different lengths), post-LN and pre-LN,
 * causal and bidirectional: every output row equals tfl_run's for the same sequence; decode
 * steps (causal) continue each sequence as tfl_run does; memory outside the outputs and the
 * workspace is untouched; a bidirectional sequence refuses a decode; too long a request, a
 * row outside memory and a damaged image are refused with their code and entry. Batches of
 * two entries (bmax = 2: weight GEMMs on both entries' rows, attention per entry) give the same
 * rows; entries whose tokens do not fit in max_seq rows run in separate batches; an error in a
 * batch's entry stops the run before the batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tf_accel.h"

enum { D = 32, H = 2, HD = 16, F = 64, NL = 2, SEQ = 16, NS = 4, PORT = 8 };
enum { WBASE = 4096, MEM = 1 << 20, IN0 = 3 << 18 }; /* inputs and outputs from IN0 up */

static uint64_t rs;
static uint64_t next(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct fix {
    struct tfacc_cfg c;
    struct tfx_gelu_rom rom;
    struct tfi_model img;
    uint8_t *mem;
    uint64_t ws, ibytes;
    struct tfacc_state st;
    struct tfl_seq gold[NS];
};

static struct fix *make(uint64_t seed, int pre_ln, int causal)
{
    struct fix *f = (struct fix *)calloc(1, sizeof *f);
    assert_non_null(f);
    rs = seed;
    struct tfl_model *m = &f->c.m;
    m->s = (struct tfl_shape){D, H, F, NL, SEQ, pre_ln, causal};
    /* a region of the unit's caches: 4 banks x 4 rows (configs/model/tiny_layer.ini) */
    m->attn = (struct tfa_arch){.banks = 4, .tokens_per_bank = 4, .head_dim = HD, .kv_bits = 8,
                                .exp_frac_bits = 24, .exp_table_bits = 8, .exp_bits = 15,
                                .prob_bits = 15, .imp_bits = 32, .prune = TFA_PRUNE_NONE};
    m->aux = (struct tfx_arch){.lanes = 4, .max_d = F, .acc_bits = 32, .bias_bits = 32, .rq_bits = 16,
                               .res_bits = 20, .res_in_bits = 16, .ln_in_bits = 20, .ln_out_bits = 8,
                               .ln_max_d = D, .gelu_in_bits = 16, .gelu_out_bits = 16};
    tfx_gelu_rom_init(&f->rom);
    m->rom = &f->rom;
    f->c.attn_heads = 2;
    f->c.sequences = NS;
    f->c.port_bytes = PORT;
    f->c.lo = (struct tfi_layout){PORT, 64};
    assert_int_equal(tfi_random(&m->s, &m->attn, seed, &f->img), 0);
    m->layer = f->img.layer;
    assert_null(tfl_check(m));
    f->mem = (uint8_t *)malloc(MEM);
    assert_non_null(f->mem);
    for (size_t i = 0; i < MEM; i++)
        f->mem[i] = (uint8_t)next(); /* whatever memory held before */
    f->ibytes = tfi_size(&m->s, &f->c.lo);
    const char *why = NULL;
    if (tfi_write(m, &f->c.lo, 1.0 / 32, 1.0 / 32, f->mem + WBASE, (size_t)f->ibytes, &why) != 0)
        fail_msg("tfi_write: %s", why);
    f->ws = tfacc_ws_base(&f->c, WBASE, f->ibytes);
    assert_true(f->ws + tfacc_ws_bytes(&f->c) <= IN0);
    assert_int_equal(tfacc_state_init(&f->c, &f->st), TFACC_OK);
    for (int i = 0; i < NS; i++)
        assert_int_equal(tfl_seq_init(m, &f->gold[i]), TFL_OK);
    return f;
}

static void destroy(struct fix *f)
{
    for (int i = 0; i < NS; i++)
        tfl_seq_free(&f->c.m, &f->gold[i]);
    tfacc_state_free(&f->c, &f->st);
    tfi_free(&f->img);
    free(f->mem);
    free(f);
}

static uint64_t in_addr(int i) { return IN0 + (uint64_t)i * 4096; }
static uint64_t out_addr(int i) { return IN0 + 65536 + (uint64_t)i * 4096; }

/* random input rows for entry i (len rows of D at the row stride PORT-rounded D) */
static void put_input(struct fix *f, int i, int len, int8_t *x)
{
    for (int r = 0; r < len; r++)
        for (int j = 0; j < D; j++) {
            x[r * D + j] = (int8_t)((int)(next() % 61) - 30);
            f->mem[in_addr(i) + (uint64_t)r * tfacc_stride(&f->c, D) + (uint64_t)j] = (uint8_t)x[r * D + j];
        }
}

/* one run of the table with the given entries (len 0: inactive); every output checked against
 * the golden sequence's next rows, and memory outside outputs and workspace untouched */
static void run_and_check(struct fix *f, const int *len, const int *decode)
{
    struct tfacc_req req[NS];
    int8_t x[NS][SEQ * D], want[NS][SEQ * D];
    memset(req, 0, sizeof req);
    for (int i = 0; i < NS; i++) {
        if (!len[i])
            continue;
        req[i] = (struct tfacc_req){1, decode[i], len[i], in_addr(i), out_addr(i)};
        put_input(f, i, len[i], x[i]);
        if (!decode[i]) {
            tfl_seq_free(&f->c.m, &f->gold[i]);
            assert_int_equal(tfl_seq_init(&f->c.m, &f->gold[i]), TFL_OK);
        }
        assert_int_equal(tfl_run(&f->c.m, &f->gold[i], len[i], x[i], want[i]), TFL_OK);
    }
    uint8_t *before = (uint8_t *)malloc(MEM);
    assert_non_null(before);
    memcpy(before, f->mem, MEM);
    int es = 0;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_OK);
    assert_int_equal(es, -1);
    uint64_t st = tfacc_stride(&f->c, D);
    for (int i = 0; i < NS; i++)
        for (int r = 0; r < len[i]; r++)
            for (int j = 0; j < D; j++)
                if ((int8_t)f->mem[out_addr(i) + (uint64_t)r * st + (uint64_t)j] != want[i][r * D + j])
                    fail_msg("entry %d row %d column %d: %d, golden %d", i, r, j,
                             (int8_t)f->mem[out_addr(i) + (uint64_t)r * st + (uint64_t)j], want[i][r * D + j]);
    /* untouched: everything but the output rows and the workspace */
    for (uint64_t a = 0; a < MEM; a++) {
        if (a >= f->ws && a < f->ws + tfacc_ws_bytes(&f->c))
            continue;
        int out = 0;
        for (int i = 0; i < NS && !out; i++)
            out = len[i] && a >= out_addr(i) && a < out_addr(i) + (uint64_t)(len[i] - 1) * st + D;
        if (!out && f->mem[a] != before[a])
            fail_msg("byte %#llx changed outside the outputs and the workspace", (unsigned long long)a);
    }
    free(before);
}

static void test_post_bidirectional(void **state)
{
    (void)state;
    struct fix *f = make(11, 0, 0);
    run_and_check(f, (const int[NS]){5, 9}, (const int[NS]){0, 0});
    /* a second prompt in entry 0 starts it afresh; entry 1 sits out */
    run_and_check(f, (const int[NS]){SEQ, 0}, (const int[NS]){0, 0});
    /* a decode of a bidirectional sequence is refused, naming the entry */
    struct tfacc_req req[NS] = {{0}, {1, 1, 1, in_addr(1), out_addr(1)}};
    int es = 0;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_DECODE);
    assert_int_equal(es, 1);
    destroy(f);
}

static void test_pre_causal_decode(void **state)
{
    (void)state;
    struct fix *f = make(12, 1, 1);
    run_and_check(f, (const int[NS]){7, 3}, (const int[NS]){0, 0});
    run_and_check(f, (const int[NS]){1, 0}, (const int[NS]){1, 0});   /* decode entry 0 */
    run_and_check(f, (const int[NS]){2, 1}, (const int[NS]){1, 1});   /* both go on */
    run_and_check(f, (const int[NS]){1, 4}, (const int[NS]){1, 0});   /* entry 1 starts again */
    destroy(f);
}

static void test_post_causal(void **state)
{
    (void)state;
    struct fix *f = make(13, 0, 1);
    run_and_check(f, (const int[NS]){4, 4}, (const int[NS]){0, 0});
    run_and_check(f, (const int[NS]){1, 1}, (const int[NS]){1, 1});
    destroy(f);
}

static void test_refusals(void **state)
{
    (void)state;
    struct fix *f = make(14, 1, 1);
    struct tfacc_req req[NS] = {{1, 0, 0, in_addr(0), out_addr(0)}, {0}};
    int es = 0;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_LEN);
    assert_int_equal(es, 0);
    req[0].len = SEQ + 1;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_LEN);
    /* a decode that would pass max_seq: 10 tokens, then 7 more */
    req[0].len = 10;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_OK);
    req[0].decode = 1, req[0].len = 7;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_LEN);
    req[0].len = 6; /* exactly max_seq */
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_OK);
    /* rows outside memory: entry 1 */
    req[0].active = 0;
    req[1] = (struct tfacc_req){1, 0, 2, MEM - 8, out_addr(1)};
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_RANGE);
    assert_int_equal(es, 1);
    /* a damaged image: nothing runs */
    f->mem[WBASE] ^= 1;
    req[1].in = in_addr(1);
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_IMAGE);
    assert_int_equal(es, -1);
    destroy(f);
}

/* bmax = 2: the entries of each run form one batch when their tokens fit in max_seq rows */
static void batched(uint64_t seed, int pre_ln, int causal)
{
    struct fix *f = make(seed, pre_ln, causal);
    f->c.bmax = 2;
    run_and_check(f, (const int[NS]){5, 7}, (const int[NS]){0, 0});       /* one batch of 12 rows */
    if (causal) {
        run_and_check(f, (const int[NS]){1, 1}, (const int[NS]){1, 1});   /* two decodes */
        run_and_check(f, (const int[NS]){2, 3}, (const int[NS]){1, 0});   /* a decode beside a prompt */
        run_and_check(f, (const int[NS]){0, 1}, (const int[NS]){0, 1});   /* one entry alone */
    }
    run_and_check(f, (const int[NS]){10, 9}, (const int[NS]){0, 0});      /* 19 rows: two batches */
    run_and_check(f, (const int[NS]){SEQ, 0}, (const int[NS]){0, 0});
    destroy(f);
}

static void test_batched(void **state)
{
    (void)state;
    batched(21, 0, 1);
    batched(22, 1, 1);
    batched(23, 0, 0);
}

static void test_batched_refusal(void **state)
{
    (void)state;
    struct fix *f = make(24, 0, 1);
    f->c.bmax = 2;
    run_and_check(f, (const int[NS]){4, 4}, (const int[NS]){0, 0});
    /* entry 1's decode would pass max_seq: the batch with entry 0 does not run */
    struct tfacc_req req[NS] = {{1, 1, 1, in_addr(0), out_addr(0)}, {1, 1, SEQ, in_addr(1), out_addr(1)}};
    int es = 0;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_E_LEN);
    assert_int_equal(es, 1);
    assert_int_equal(f->st.pos[0], 4);
    assert_int_equal(f->st.pos[1], 4);
    destroy(f);
}

/* the batches of a run, as tfacc_run announces them */
static uint64_t seen[16];
static int nseen;
static void on_batch(void *ctx, uint64_t mask)
{
    (void)ctx;
    assert_true(nseen < 16);
    seen[nseen++] = mask;
}

/* one run of prompts len[] with BATCH = cap, fit: the batches are want[0..n) */
static void policy_run(struct fix *f, int cap, int fit, const int *len, const uint64_t *want, int n)
{
    f->st.cap = cap;
    f->st.fit = fit;
    nseen = 0;
    long long b0 = f->st.batches;
    run_and_check(f, len, (const int[NS]){0});
    assert_int_equal(nseen, n);
    assert_int_equal(f->st.batches - b0, n);
    for (int i = 0; i < n; i++)
        if (seen[i] != want[i])
            fail_msg("cap %d fit %d: batch %d is {%llx}, expected {%llx}", cap, fit, i,
                     (unsigned long long)seen[i], (unsigned long long)want[i]);
}

/* the policy (docs/architecture.md 3.12) on prompts of 10, 10, 5 and 1 tokens in 16 rows */
static void test_policy(void **state)
{
    (void)state;
    struct fix *f = make(25, 0, 1);
    f->c.bmax = 3;
    f->st.on_batch = on_batch;
    const int len[NS] = {10, 10, 5, 1};
    /* in order: entry 1 does not fit beside entry 0 and closes the batch */
    policy_run(f, 0, 0, len, (const uint64_t[]){0x1, 0xe}, 2);
    /* first fit: entry 1 waits, entries 2 and 3 join entry 0 */
    policy_run(f, 0, 1, len, (const uint64_t[]){0xd, 0x2}, 2);
    policy_run(f, 3, 1, len, (const uint64_t[]){0xd, 0x2}, 2);
    /* a cap of 2 closes the first batch at entry 2; batch 1 */
    policy_run(f, 2, 1, len, (const uint64_t[]){0x5, 0xa}, 2);
    policy_run(f, 2, 0, len, (const uint64_t[]){0x1, 0x6, 0x8}, 3);
    policy_run(f, 1, 1, len, (const uint64_t[]){0x1, 0x2, 0x4, 0x8}, 4);
    /* a cap above bmax counts as bmax */
    policy_run(f, 7, 1, len, (const uint64_t[]){0xd, 0x2}, 2);
    /* decodes after the prompts, first fit, one batch */
    f->st.cap = 0;
    nseen = 0;
    run_and_check(f, (const int[NS]){1, 2, 3, 1}, (const int[NS]){1, 1, 1, 1});
    assert_int_equal(nseen, 2); /* 7 rows, but at most 3 entries */
    assert_int_equal(seen[0], 0x7);
    /* forgetting entry 1: position 0, and a decode of it runs from position 0 */
    assert_int_equal(tfacc_forget(&f->c, &f->st, 1), TFACC_OK);
    assert_int_equal(f->st.pos[1], 0);
    assert_int_equal(f->st.pos[0], 11);
    struct tfacc_req req[NS] = {{0}};
    req[1] = (struct tfacc_req){1, 1, SEQ, in_addr(1), out_addr(1)};
    int es = 0;
    assert_int_equal(tfacc_run(&f->c, &f->st, f->mem, MEM, WBASE, req, &es), TFACC_OK);
    assert_int_equal(f->st.pos[1], SEQ);
    destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_bidirectional),
        cmocka_unit_test(test_pre_causal_decode),
        cmocka_unit_test(test_post_causal),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_batched),
        cmocka_unit_test(test_batched_refusal),
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
