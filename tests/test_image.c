/* test_image.c -- the weight image (model/tf_image.c) and tforge pack.
 *   - a random model written and read back is the same model, field by field and in what the
 *     golden layers compute; the weights sit in the memory system's column tiles;
 *   - a damaged image (magic, header fields, size, a record's offset, each scalar out of its
 *     range, a requantization entry) is refused with its byte offset and field;
 *   - tforge pack writes the image of a config's [model] (the same bytes as tfi_write of
 *     tfi_random), and on bad input leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_image.h"
#include "tutil.h"

/* configs/model/tiny_layer.ini: d 32, 2 heads, FFN 64, 2 layers, pre-LN, causal; a 64-bit
 * port: weight rows padded to 8 bytes, arrays aligned to 64. pad64 pads the rows to 64 (so
 * the 32-byte rows of W_q are padded), as a 512-bit port would. */
static const struct tfl_shape shape = {32, 2, 64, 2, 16, 1, 1};
static const struct tfi_layout lay = {8, 64}, pad64 = {64, 64};
static const struct tfa_arch attn = {.banks = 4, .tokens_per_bank = 16, .head_dim = 16, .kv_bits = 8,
                                     .exp_frac_bits = 24, .exp_table_bits = 8, .exp_bits = 15,
                                     .prob_bits = 15, .imp_bits = 32, .prune = TFA_PRUNE_NONE};
static const struct tfx_arch aux = {.lanes = 4, .max_d = 64, .acc_bits = 32, .bias_bits = 32,
                                    .rq_bits = 16, .res_bits = 20, .res_in_bits = 16, .ln_in_bits = 20,
                                    .ln_out_bits = 8, .ln_max_d = 32, .gelu_in_bits = 16,
                                    .gelu_out_bits = 16};

static uint8_t *image_at(const struct tfi_layout *lo, uint64_t seed, struct tfi_model *m, size_t *n)
{
    assert_int_equal(tfi_random(&shape, &attn, seed, m), 0);
    struct tfl_model tm = {.s = shape, .layer = m->layer};
    *n = (size_t)tfi_size(&shape, lo);
    uint8_t *buf = malloc(*n);
    assert_non_null(buf);
    const char *why = NULL;
    if (tfi_write(&tm, lo, 1.0 / 32, 1.0 / 32, buf, *n, &why) != 0)
        fail_msg("tfi_write: %s", why);
    return buf;
}

static uint8_t *image(uint64_t seed, struct tfi_model *m, size_t *n) { return image_at(&lay, seed, m, n); }

static void same_proj(const struct tfl_proj *a, const struct tfl_proj *b, int k, int n)
{
    assert_memory_equal(a->w, b->w, (size_t)k * n);
    assert_memory_equal(a->bias, b->bias, 4 * (size_t)n);
    assert_memory_equal(a->rq_mult, b->rq_mult, 4 * (size_t)n);
    assert_memory_equal(a->rq_shift, b->rq_shift, (size_t)n);
}

static void same_ln(const struct tfx_ln_params *a, const struct tfx_ln_params *b, int d)
{
    assert_memory_equal(a->gamma, b->gamma, 2 * (size_t)d);
    assert_memory_equal(a->beta, b->beta, 4 * (size_t)d);
    assert_int_equal(a->gamma_frac, b->gamma_frac);
    assert_int_equal(a->beta_frac, b->beta_frac);
    assert_int_equal(a->eps_q, b->eps_q);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct tfi_model m, r;
    size_t n;
    uint8_t *buf = image(5, &m, &n);
    assert_int_equal(n % 64, 0);
    char err[256];
    if (tfi_read(buf, n, &shape, &lay, &r, err, sizeof err) != 0)
        fail_msg("tfi_read: %s", err);
    int d = shape.d, f = shape.d_ff;
    for (int l = 0; l < shape.layers; l++) {
        const struct tfl_layer *a = &m.layer[l], *b = &r.layer[l];
        same_proj(&a->q, &b->q, d, d);
        same_proj(&a->k, &b->k, d, d);
        same_proj(&a->v, &b->v, d, d);
        same_proj(&a->o, &b->o, d, d);
        same_proj(&a->ff1, &b->ff1, d, f);
        same_proj(&a->ff2, &b->ff2, f, d);
        same_ln(&a->ln1, &b->ln1, d);
        same_ln(&a->ln2, &b->ln2, d);
        assert_int_equal(a->scale_c, b->scale_c);
        assert_int_equal(a->ao_mult, b->ao_mult);
        assert_int_equal(a->ao_shift, b->ao_shift);
        assert_memory_equal(&a->res1, &b->res1, sizeof a->res1);
        assert_memory_equal(&a->res2, &b->res2, sizeof a->res2);
        assert_memory_equal(&a->gelu, &b->gelu, sizeof a->gelu);
        assert_memory_equal(a->sh_res1, b->sh_res1, (size_t)d);
        assert_memory_equal(a->sh_res2, b->sh_res2, (size_t)d);
        assert_memory_equal(a->sh_gelu, b->sh_gelu, (size_t)shape.d_ff);
    }
    /* the golden layers compute the same from either */
    struct tfx_gelu_rom *rom = malloc(sizeof *rom);
    assert_non_null(rom);
    tfx_gelu_rom_init(rom);
    struct tfl_model ma = {shape, attn, aux, rom, m.layer}, mb = {shape, attn, aux, rom, r.layer};
    assert_null(tfl_check(&ma));
    int8_t x[5 * 32], ya[5 * 32], yb[5 * 32];
    for (int i = 0; i < 5 * 32; i++)
        x[i] = (int8_t)((i * 37) % 61 - 30);
    struct tfl_seq sa, sb;
    assert_int_equal(tfl_seq_init(&ma, &sa), 0);
    assert_int_equal(tfl_seq_init(&mb, &sb), 0);
    assert_int_equal(tfl_run(&ma, &sa, 5, x, ya), 0);
    assert_int_equal(tfl_run(&mb, &sb, 5, x, yb), 0);
    assert_memory_equal(ya, yb, sizeof ya);
    tfl_seq_free(&ma, &sa);
    tfl_seq_free(&mb, &sb);
    free(rom);
    tfi_free(&m);
    tfi_free(&r);
    free(buf);
}

/* W_ff1 (32 x 64) of layer 0: 32 rows of 64 bytes, row-major; W_q (32 x 32): 32 rows of 32
 * bytes, each padded with zeros to 64 */
static void test_weight_rows(void **state)
{
    (void)state;
    struct tfi_model m;
    size_t n;
    uint8_t *buf = image_at(&pad64, 6, &m, &n);
    uint64_t table = 0;
    for (int i = 0; i < 8; i++)
        table |= (uint64_t)buf[TFI_H_TABLE + i] << (8 * i);
    for (int p = 0; p < 2; p++) {
        int proj = p ? 0 : 4, nn = p ? 32 : 64; /* ff1, then q */
        uint64_t off = 0;
        for (int i = 0; i < 8; i++)
            off |= (uint64_t)buf[table + 8 * (3 * proj) + i] << (8 * i);
        assert_int_equal(off % 64, 0);
        const int8_t *w = p ? m.layer[0].q.w : m.layer[0].ff1.w;
        uint64_t ws = tfi_wstride(&pad64, nn);
        assert_int_equal(ws, 64);
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < 64; c++)
                assert_int_equal((int8_t)buf[off + (uint64_t)r * ws + (uint64_t)c], c < nn ? w[r * nn + c] : 0);
    }
    /* and the padded image reads back to the same weights */
    struct tfi_model r;
    char err[256];
    if (tfi_read(buf, n, &shape, &pad64, &r, err, sizeof err) != 0)
        fail_msg("tfi_read: %s", err);
    assert_memory_equal(r.layer[0].q.w, m.layer[0].q.w, 32 * 32);
    assert_memory_equal(r.layer[1].ff2.w, m.layer[1].ff2.w, 64 * 32);
    tfi_free(&r);
    tfi_free(&m);
    free(buf);
}

/* a damaged copy must be refused naming its offset and field */
static void refused(const uint8_t *good, size_t n, size_t at, const void *bytes, size_t len, size_t use_n,
                    const char *want)
{
    uint8_t *b = malloc(n);
    assert_non_null(b);
    memcpy(b, good, n);
    if (bytes)
        memcpy(b + at, bytes, len);
    struct tfi_model r;
    char err[256] = "";
    int e = tfi_read(b, use_n, &shape, &lay, &r, err, sizeof err);
    if (e == 0)
        fail_msg("damaged image accepted (want \"%s\")", want);
    if (!strstr(err, want) || !strstr(err, "(legal: "))
        fail_msg("message \"%s\" lacks \"%s\" or its legal part", err, want);
    assert_null(r.layer);
    assert_null(r.mem);
    free(b);
}

static void test_damaged(void **state)
{
    (void)state;
    struct tfi_model m;
    size_t n;
    uint8_t *buf = image(7, &m, &n);
    uint64_t table = 0;
    for (int i = 0; i < 8; i++)
        table |= (uint64_t)buf[TFI_H_TABLE + i] << (8 * i);
    static const uint8_t big32[4] = {0, 0, 0, 0x80}, v32[4] = {32, 0, 0, 0}, zero[4] = {0};
    static const uint8_t one[4] = {1, 0, 0, 0}, v41[4] = {41, 0, 0, 0};
    refused(buf, n, 0, "TFWIMG02", 8, n, "offset 0 (magic)");
    refused(buf, n, 8, v32, 4, n, "offset 8 (header version)");
    refused(buf, n, 16, v41, 4, n, "offset 16 (header d): 41, but the design has 32");
    refused(buf, n, 36, zero, 4, n, "offset 36 (header causal)");
    refused(buf, n, 40, v41, 4, n, "offset 40 (header wrow)");
    refused(buf, n, 0, NULL, 0, n - 64, "(header total_bytes)");
    static const uint8_t nan32[4] = {0, 0, 0xc0, 0x7f};
    refused(buf, n, TFI_H_SCALES, nan32, 4, n, "offset 52 (header in_scale)");
    refused(buf, n, TFI_H_SCALES + 4, zero, 4, n, "offset 56 (header out_scale): 0");
    refused(buf, n, 0, NULL, 0, 100, "offset 0: 100 bytes, shorter than the header");
    char want[128];
    uint64_t rec1 = table + tfi_rec_stride(&lay);
    snprintf(want, sizeof want, "offset %llu (layer 1, array offset 5)", (unsigned long long)(rec1 + 40));
    refused(buf, n, rec1 + 40, one, 4, n, want);
    /* scalars: ao_shift (index 2) 32, res1.lshift (4) 41, gelu.in_mant (15) 0 */
    uint64_t sc = table + 8 * TFI_REC_OFFS;
    snprintf(want, sizeof want, "offset %llu (layer 0, ao_shift): 32 (legal: 0..31)", (unsigned long long)(sc + 8));
    refused(buf, n, sc + 8, v32, 4, n, want);
    snprintf(want, sizeof want, "(layer 0, res1.lshift): 41 (legal: 0..24)");
    refused(buf, n, sc + 16, v41, 4, n, want);
    snprintf(want, sizeof want, "(layer 0, gelu.in_mant): 0 (legal: 1..65535)");
    refused(buf, n, sc + 60, zero, 4, n, want);
    /* a requantization entry of layer 0's k, column 3: mult 2^31, then shift 32 */
    uint64_t rq = 0;
    for (int i = 0; i < 8; i++)
        rq |= (uint64_t)buf[table + 8 * 5 + i] << (8 * i);
    refused(buf, n, rq + 24, big32, 4, n, "(layer 0, k requantization mult of column 3): 2147483648");
    refused(buf, n, rq + 28, v32, 4, n, "(layer 0, k requantization shift of column 3): 32 (legal: 0..31)");
    /* a per-column shift of layer 1's sh_gelu (record offset 24), column 5: 8 */
    uint64_t shg = 0;
    for (int i = 0; i < 8; i++)
        shg |= (uint64_t)buf[rec1 + 8 * 24 + i] << (8 * i);
    static const uint8_t v8[1] = {8};
    snprintf(want, sizeof want, "offset %llu (layer 1, sh_gelu of column 5): 8 (legal: 0..7)",
             (unsigned long long)(shg + 5));
    refused(buf, n, shg + 5, v8, 1, n, want);
    tfi_free(&m);
    free(buf);
}

/* the tforge binary: pack writes what tfi_write writes; bad input leaves nothing */
static void test_pack_cli(void **state)
{
    (void)state;
    char *dir = tu_scratch("pack");
    assert_non_null(dir);
    char *img = tu_join(dir, "tiny.img");
    char *out = NULL, *err = NULL;
    char *argv[] = {(char *)tu_tforge_bin(), "pack", "configs/model/tiny_layer.ini", "--random", "9", "-o", img, NULL};
    int rc = tu_run(argv, &out, &err);
    if (rc != 0)
        fail_msg("tforge pack: %d: %s", rc, err);
    assert_non_null(strstr(out, "23680 bytes"));
    assert_non_null(strstr(out, "an input LSB is 0.03125"));
    size_t len = 0;
    char *got = tu_read(img, &len);
    assert_non_null(got);
    struct tfi_model m;
    size_t n;
    uint8_t *want = image(9, &m, &n);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
    free(got), free(want), free(out), free(err);
    tfi_free(&m);
    /* bad input: status 2, one line, the file and the directory unchanged */
    static const char *const bad[][3] = {
        {"configs/examples/os_8x8_int8.ini", "--random", "1"},  /* no [model] */
        {"configs/model/tiny_layer.ini", "--random", "-1"},
        {"configs/model/tiny_layer.ini", "--random", "18446744073709551616"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *bimg = tu_join(dir, "bad.img");
        char *av[] = {(char *)tu_tforge_bin(), "pack", (char *)bad[i][0], (char *)bad[i][1], (char *)bad[i][2],
                      "-o", bimg, NULL};
        rc = tu_run(av, &out, &err);
        assert_int_equal(rc, 2);
        assert_string_equal(out, "");
        assert_non_null(strstr(err, "(legal: "));
        assert_int_equal(strchr(err, '\n') - err, (long)strlen(err) - 1);
        assert_int_equal(tu_count_entries(dir, ""), 1); /* tiny.img only: no bad.img, no temporary */
        free(out), free(err), free(bimg);
    }
    char *av2[] = {(char *)tu_tforge_bin(), "pack", "configs/model/tiny_layer.ini", "--random", "1", "-o", dir, NULL};
    rc = tu_run(av2, &out, &err);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "cannot replace it"));
    assert_int_equal(tu_count_entries(dir, ""), 1);
    free(out), free(err);
    tu_rm_rf(dir);
    free(img);
    free(dir);
    tu_scratch_done();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_weight_rows),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_pack_cli),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
