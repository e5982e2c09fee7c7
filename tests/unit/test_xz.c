/* The .xz decoder (lib/xz.c, xz_lzma2.c, xz_bcj.c, xz_crc.c).
 *
 * Files made at build time by the host's xz (tests/unit/xz_vectors.py)
 * must decode to their inputs, in a buffer of exactly their size with
 * guard bytes after it; each truncation and each single-bit flip of the
 * checked ones must be refused, as must a buffer one byte short.  And
 * LZMA2 streams written here by a small range encoder carry what xz never
 * writes: matches before the dictionary or past their chunk, chunks that
 * end early or late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/errno.h>
#include <lib/xz.h>
#include "xz_internal.h"

#define GUARD 64

struct file {
    uint8_t *data;
    size_t len;
};

static struct file load(const char *name, const char *ext)
{
    char path[512];
    struct file f = { 0 };
    FILE *fp;
    long n;

    snprintf(path, sizeof(path), "%s/%s.%s", XZ_VECTORS, name, ext);
    fp = fopen(path, "rb");
    if (!fp)
        fail_msg("missing vector %s", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    f.len = (size_t)n;
    f.data = malloc(f.len + 1);
    assert_non_null(f.data);
    assert_int_equal(fread(f.data, 1, f.len, fp), f.len);
    fclose(fp);
    return f;
}

/* Decode in into a buffer of cap bytes followed by guard bytes, which must
 * stay untouched; the output (malloc'd) in *out. */
static int decode(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len,
                  const char **why)
{
    uint8_t *buf = malloc(cap + GUARD);
    int err;

    assert_non_null(buf);
    memset(buf + cap, 0xa5, GUARD);
    err = xz_decode(in, len, buf, cap, out_len, why);
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(buf[cap + i], 0xa5);
    assert_true(*out_len <= cap);
    if (err)
        assert_non_null(*why);
    *out = buf;
    return err;
}

static const char *const good[] = {
    "empty_crc32", "byte_crc64", "text_none", "text_x86", "noise_crc32", "noise_x86",
    "code_x86", "code_x86_start", "mixed_9e_crc64", "mixed_blocks", "lc0_lp4_pb4",
    "lc4_lp0_pb0", "small_dict", "two_streams",
};

static void test_vectors(void **state)
{
    for (size_t v = 0; v < sizeof(good) / sizeof(good[0]); v++) {
        struct file raw = load(good[v], "raw"), xz = load(good[v], "xz");
        uint8_t *out;
        size_t out_len;
        const char *why = "unset";
        int err = decode(xz.data, xz.len, raw.len, &out, &out_len, &why);

        if (err)
            fail_msg("%s: %d %s", good[v], err, why);
        assert_int_equal(out_len, raw.len);
        assert_memory_equal(out, raw.data, raw.len);
        free(out);
        /* One byte short: refused, never written past. */
        if (raw.len > 0) {
            err = decode(xz.data, xz.len, raw.len - 1, &out, &out_len, &why);
            assert_int_equal(err, -ENOSPC);
            free(out);
        }
        free(raw.data);
        free(xz.data);
    }
}

static void expect_refused(const char *name, int want)
{
    struct file xz = load(name, "xz");
    uint8_t *out;
    size_t out_len;
    const char *why;

    assert_int_equal(decode(xz.data, xz.len, 1 << 20, &out, &out_len, &why), want);
    free(out);
    free(xz.data);
}

static void test_unsupported(void **state)
{
    expect_refused("sha256", -EOPNOTSUPP);
    expect_refused("delta", -EOPNOTSUPP);
    expect_refused("text_x86", 0);
    /* Not .xz at all. */
    {
        struct file raw = load("text_none", "raw");
        uint8_t *out;
        size_t out_len;
        const char *why;

        assert_int_equal(decode(raw.data, raw.len, 1 << 20, &out, &out_len, &why), -EINVAL);
        free(out);
        free(raw.data);
    }
}

/* Whether data[0, n) ends with a stream footer and stream padding. */
static int ends_a_stream(const uint8_t *data, size_t n)
{
    while (n >= 4 && !data[n - 1] && !data[n - 2] && !data[n - 3] && !data[n - 4])
        n -= 4;
    return n >= 2 && data[n - 2] == 'Y' && data[n - 1] == 'Z';
}

/* Every proper prefix of a file is refused, but where it ends a stream. */
static void test_truncated(void **state)
{
    static const char *const names[] = { "byte_crc64", "text_x86", "two_streams", "empty_crc32" };

    for (size_t v = 0; v < sizeof(names) / sizeof(names[0]); v++) {
        struct file raw = load(names[v], "raw"), xz = load(names[v], "xz");

        for (size_t n = 0; n < xz.len; n++) {
            uint8_t *copy = malloc(n + 1), *out;
            size_t out_len;
            const char *why;

            memcpy(copy, xz.data, n);
            if (decode(copy, n, raw.len, &out, &out_len, &why) == 0) {
                /* Only a cut after a whole stream (and its padding) is a
                 * file, of the streams before the cut. */
                if (!ends_a_stream(copy, n) || out_len > raw.len ||
                    memcmp(out, raw.data, out_len) != 0)
                    fail_msg("%s cut to %zu bytes decoded", names[v], n);
            }
            free(out);
            free(copy);
        }
        free(raw.data);
        free(xz.data);
    }
}

/* With a check, every single-bit flip anywhere is refused. */
static void test_bit_flips(void **state)
{
    static const char *const names[] = { "byte_crc64", "text_x86", "empty_crc32", "two_streams" };

    for (size_t v = 0; v < sizeof(names) / sizeof(names[0]); v++) {
        struct file raw = load(names[v], "raw"), xz = load(names[v], "xz");

        for (size_t i = 0; i < xz.len; i++) {
            for (int b = 0; b < 8; b++) {
                uint8_t *out;
                size_t out_len;
                const char *why;

                xz.data[i] ^= (uint8_t)(1u << b);
                if (decode(xz.data, xz.len, raw.len + 16, &out, &out_len, &why) == 0)
                    fail_msg("%s with bit %d of byte %zu flipped decoded", names[v], b, i);
                free(out);
                xz.data[i] ^= (uint8_t)(1u << b);
            }
        }
        free(raw.data);
        free(xz.data);
    }
}

/* A block check that does not match is -EBADMSG, for CRC32 and CRC64: the
 * last 4 or 8 bytes before the index (found from the footer). */
static void flip_check(const char *name, size_t check_size)
{
    struct file raw = load(name, "raw"), xz = load(name, "xz");
    size_t backward = ((size_t)xz.data[xz.len - 8] | (size_t)xz.data[xz.len - 7] << 8) * 4 + 4;
    size_t index = xz.len - 12 - backward;
    uint8_t *out;
    size_t out_len;
    const char *why;

    xz.data[index - check_size] ^= 1;
    assert_int_equal(decode(xz.data, xz.len, raw.len, &out, &out_len, &why), -EBADMSG);
    free(out);
    free(raw.data);
    free(xz.data);
}

static void test_check_mismatch(void **state)
{
    flip_check("text_x86", 4);
    flip_check("byte_crc64", 8);
}

/* The x86 filter on its own: a CALL whose absolute target was stored
 * comes back relative; bytes that only look like one stay. */
static void test_bcj(void **state)
{
    /* CALL at 16 to absolute 0x1000: relative 0x1000 - 21. */
    uint8_t buf[32] = { 0 };
    uint8_t tail[] = { 0xe8, 0x00, 0x10, 0x00, 0x00 };

    memcpy(buf + 16, tail, sizeof(tail));
    xz_bcj_x86_decode(buf, sizeof(buf), 0);
    assert_int_equal(buf[17] | buf[18] << 8 | buf[19] << 16 | (uint32_t)buf[20] << 24,
                     0x1000 - 21);
    /* The same with a start offset of 0x100. */
    memset(buf, 0, sizeof(buf));
    memcpy(buf + 16, tail, sizeof(tail));
    xz_bcj_x86_decode(buf, sizeof(buf), 0x100);
    assert_int_equal(buf[17] | buf[18] << 8 | buf[19] << 16 | (uint32_t)buf[20] << 24,
                     0x1000 - 21 - 0x100);
    /* An operand whose top byte is not 00/FF, and a candidate in the
     * last four bytes, are left alone. */
    memset(buf, 0, sizeof(buf));
    buf[0] = 0xe8;
    buf[4] = 0x12;
    buf[28] = 0xe8;
    xz_bcj_x86_decode(buf, sizeof(buf), 0);
    assert_int_equal(buf[1] | buf[2] | buf[3], 0);
    assert_int_equal(buf[4], 0x12);
    assert_int_equal(buf[29] | buf[30] | buf[31], 0);
}

static void test_crc(void **state)
{
    /* The check values of "123456789" the .xz specification lists. */
    const uint8_t s[] = "123456789";

    assert_int_equal(xz_crc32(0, s, 9), 0xCBF43926u);
    assert_true(xz_crc64(0, s, 9) == 0x995DC9BBDF1939FAull);
    /* In pieces. */
    assert_int_equal(xz_crc32(xz_crc32(0, s, 4), s + 4, 5), 0xCBF43926u);
}

/* ---- hand-made LZMA2 -------------------------------------------------- */

/* A range encoder, the inverse of the decoder's, with probabilities of
 * its own that follow the same model for the few packets used here
 * (lc = lp = pb = 0: one literal coder, position state always 0). */
struct enc {
    uint64_t low;
    uint32_t range;
    uint8_t cache;
    size_t cache_size;
    uint8_t out[256];
    size_t n;
    uint16_t is_match[12], is_rep[12], is_rep0[12], is_rep0_long[12];
    uint16_t choice, low3[8];
    uint16_t rep_choice, rep_low3[8];
    uint16_t slot[4][64], special[114], align[16];
    uint16_t literal[0x300];
    unsigned int state;
};

static void enc_init(struct enc *e)
{
    uint16_t *p = e->is_match;
    size_t n = (size_t)((uint16_t *)&e->state - p);

    memset(e, 0, sizeof(*e));
    e->range = 0xffffffffu;
    e->cache_size = 1;
    for (size_t i = 0; i < n; i++)
        p[i] = 1024;
}

static void enc_shift(struct enc *e)
{
    if ((uint32_t)e->low < 0xff000000u || (e->low >> 32) != 0) {
        uint8_t carry = (uint8_t)(e->low >> 32), c = e->cache;

        do {
            assert_true(e->n < sizeof(e->out));
            e->out[e->n++] = (uint8_t)(c + carry);
            c = 0xff;
        } while (--e->cache_size != 0);
        e->cache = (uint8_t)(e->low >> 24);
    }
    e->cache_size++;
    e->low = (e->low & 0x00ffffffu) << 8;
}

static void enc_bit(struct enc *e, uint16_t *p, unsigned int bit)
{
    uint32_t bound = (e->range >> 11) * *p;

    if (!bit) {
        e->range = bound;
        *p = (uint16_t)(*p + ((2048 - *p) >> 5));
    } else {
        e->low += bound;
        e->range -= bound;
        *p = (uint16_t)(*p - (*p >> 5));
    }
    while (e->range < (1u << 24)) {
        e->range <<= 8;
        enc_shift(e);
    }
}

static void enc_tree(struct enc *e, uint16_t *probs, unsigned int bits, unsigned int v)
{
    unsigned int m = 1;

    for (int i = (int)bits - 1; i >= 0; i--) {
        unsigned int b = (v >> i) & 1;

        enc_bit(e, &probs[m], b);
        m = (m << 1) | b;
    }
}

static void enc_reverse(struct enc *e, uint16_t *probs, unsigned int bits, unsigned int v)
{
    unsigned int m = 1;

    for (unsigned int i = 0; i < bits; i++) {
        unsigned int b = (v >> i) & 1;

        enc_bit(e, &probs[m], b);
        m = (m << 1) | b;
    }
}

static void enc_direct(struct enc *e, unsigned int bits, uint32_t v)
{
    while (bits--) {
        e->range >>= 1;
        if ((v >> bits) & 1)
            e->low += e->range;
        while (e->range < (1u << 24)) {
            e->range <<= 8;
            enc_shift(e);
        }
    }
}

static void enc_literal(struct enc *e, uint8_t byte)
{
    assert_true(e->state < 7);      /* only plain literals here */
    enc_bit(e, &e->is_match[e->state], 0);
    enc_tree(e, e->literal, 8, byte);
    e->state = e->state < 4 ? 0 : e->state < 10 ? e->state - 3 : e->state - 6;
}

/* A new match: length 2-9, any distance. */
static void enc_match(struct enc *e, unsigned int len, uint32_t dist)
{
    unsigned int slot, len_state = len - 2 < 4 ? len - 2 : 3;

    assert_true(len >= 2 && len <= 9);
    enc_bit(e, &e->is_match[e->state], 1);
    enc_bit(e, &e->is_rep[e->state], 0);
    enc_bit(e, &e->choice, 0);
    enc_tree(e, e->low3, 3, len - 2);
    if (dist < 4) {
        slot = dist;
    } else {
        unsigned int top = 31 - (unsigned int)__builtin_clz(dist);

        slot = 2 * top + ((dist >> (top - 1)) & 1);
    }
    enc_tree(e, e->slot[len_state], 6, slot);
    if (slot >= 4) {
        unsigned int direct = (slot >> 1) - 1;
        uint32_t base = (2u | (slot & 1)) << direct, rest = dist - base;

        if (slot < 14) {
            enc_reverse(e, e->special + base - slot - 1, direct, rest);
        } else {
            enc_direct(e, direct - 4, rest >> 4);
            enc_reverse(e, e->align, 4, rest & 15);
        }
    }
    e->state = e->state < 7 ? 7 : 10;
}

/* A repeat of one byte at the last distance. */
static void enc_short_rep(struct enc *e)
{
    enc_bit(e, &e->is_match[e->state], 1);
    enc_bit(e, &e->is_rep[e->state], 1);
    enc_bit(e, &e->is_rep0[e->state], 0);
    enc_bit(e, &e->is_rep0_long[e->state], 0);
    e->state = e->state < 7 ? 9 : 11;
}

static void enc_flush(struct enc *e)
{
    for (int i = 0; i < 5; i++)
        enc_shift(e);
}

/* An LZMA chunk: control (reset bits), the encoder's bytes as its packed
 * data, unpacked bytes; props byte 0 (lc = lp = pb = 0). */
static size_t lzma_chunk(uint8_t *p, unsigned int reset, const struct enc *e, size_t unpacked)
{
    size_t n = 0;

    p[n++] = (uint8_t)(0x80 | reset << 5 | ((unpacked - 1) >> 16));
    p[n++] = (uint8_t)((unpacked - 1) >> 8);
    p[n++] = (uint8_t)(unpacked - 1);
    p[n++] = (uint8_t)((e->n - 1) >> 8);
    p[n++] = (uint8_t)(e->n - 1);
    if (reset >= 2)
        p[n++] = 0x00;
    memcpy(p + n, e->out, e->n);
    return n + e->n;
}

static size_t put_vli(uint8_t *p, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A whole .xz file (check none, one block, LZMA2 with a 4 KiB dictionary)
 * around the LZMA2 data, which decodes to out_size bytes. */
static size_t wrap(uint8_t *f, const uint8_t *lzma2, size_t len, size_t out_size)
{
    static const uint8_t magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    size_t n = 0, index;

    memcpy(f, magic, 6);
    f[6] = f[7] = 0;
    put_le32(f + 8, xz_crc32(0, f + 6, 2));
    n = 12;
    /* Block header: size 12, no sizes, one filter: LZMA2, dict 4 KiB. */
    memcpy(f + n, (const uint8_t[]){ 2, 0x00, 0x21, 0x01, 0x00, 0, 0, 0 }, 8);
    put_le32(f + n + 8, xz_crc32(0, f + n, 8));
    n += 12;
    memcpy(f + n, lzma2, len);
    n += len;
    while (n & 3)
        f[n++] = 0;
    index = n;
    f[n++] = 0;
    n += put_vli(f + n, 1);
    n += put_vli(f + n, 12 + len);
    n += put_vli(f + n, out_size);
    while (n & 3)
        f[n++] = 0;
    put_le32(f + n, xz_crc32(0, f + index, n - index));
    n += 4;
    put_le32(f + n + 4, (uint32_t)((n - index) / 4 - 1));
    f[n + 8] = f[n + 9] = 0;
    put_le32(f + n, xz_crc32(0, f + n + 4, 6));
    f[n + 10] = 'Y';
    f[n + 11] = 'Z';
    return n + 12;
}

/* Decode .xz made from lzma2 into a buffer of cap; the error, *why. */
static int run(const uint8_t *lzma2, size_t len, size_t out_size, size_t cap, uint8_t **out,
               const char **why)
{
    uint8_t file[8192];
    size_t n = wrap(file, lzma2, len, out_size), out_len;

    assert_true(n <= sizeof(file));
    return decode(file, n, cap, out, &out_len, why);
}

static void expect(const uint8_t *lzma2, size_t len, size_t out_size, int err, const char *reason)
{
    uint8_t *out;
    const char *why = NULL;
    int got = run(lzma2, len, out_size, 4096, &out, &why);

    if (got != err || (reason && (why == NULL || strcmp(why, reason) != 0)))
        fail_msg("got %d (%s), wanted %d (%s)", got, why ? why : "-", err, reason ? reason : "-");
    free(out);
}

/* "ABAB": two literals, then a match of 2 at distance 2. */
static size_t abab(uint8_t *p, struct enc *e)
{
    size_t n;

    enc_init(e);
    enc_literal(e, 'A');
    enc_literal(e, 'B');
    enc_match(e, 2, 1);
    enc_flush(e);
    n = lzma_chunk(p, 3, e, 4);
    p[n++] = 0x00;
    return n;
}

static void test_lzma_handmade_ok(void **state)
{
    uint8_t p[512], *out;
    struct enc e;
    size_t n = abab(p, &e);
    const char *why;

    assert_int_equal(run(p, n, 4, 4, &out, &why), 0);
    assert_memory_equal(out, "ABAB", 4);
    free(out);
    /* A byte short of the chunk's size: refused before it is decoded. */
    assert_int_equal(run(p, n, 4, 3, &out, &why), -ENOSPC);
    free(out);
}

static void test_lzma_match_before_dictionary(void **state)
{
    uint8_t p[512];
    struct enc e;
    size_t n;

    enc_init(&e);
    enc_match(&e, 2, 0);            /* at position 0: nothing to copy */
    enc_flush(&e);
    n = lzma_chunk(p, 3, &e, 2);
    p[n++] = 0x00;
    expect(p, n, 2, -EINVAL, "LZMA match reaches before the dictionary");

    enc_init(&e);
    enc_short_rep(&e);
    enc_flush(&e);
    n = lzma_chunk(p, 3, &e, 1);
    p[n++] = 0x00;
    expect(p, n, 1, -EINVAL, "LZMA repeat reaches before the dictionary");
}

/* A distance within the data written but beyond the dictionary's size
 * (4 KiB here): xz never writes it, and a decoder that keeps no more than
 * its dictionary could not follow it. */
static void test_lzma_match_beyond_dict_size(void **state)
{
    static uint8_t p[8192];
    struct enc e;
    size_t n = 0;

    /* 5000 stored bytes (two uncompressed chunks), then a match 4500 back. */
    p[n++] = 0x01;
    p[n++] = (2500 - 1) >> 8;
    p[n++] = (2500 - 1) & 0xff;
    memset(p + n, 'x', 2500);
    n += 2500;
    p[n++] = 0x02;
    p[n++] = (2500 - 1) >> 8;
    p[n++] = (2500 - 1) & 0xff;
    memset(p + n, 'y', 2500);
    n += 2500;
    enc_init(&e);
    enc_match(&e, 2, 4500);
    enc_flush(&e);
    n += lzma_chunk(p + n, 2, &e, 2);
    p[n++] = 0x00;
    {
        uint8_t file[8192], *out;
        size_t len = wrap(file, p, n, 5002), out_len;
        const char *why = NULL;

        assert_true(len <= sizeof(file));
        assert_int_equal(decode(file, len, 8192, &out, &out_len, &why), -EINVAL);
        assert_string_equal(why, "LZMA match reaches before the dictionary");
        free(out);
    }
}

static void test_lzma_match_past_chunk(void **state)
{
    uint8_t p[512];
    struct enc e;
    size_t n;

    enc_init(&e);
    enc_literal(&e, 'A');
    enc_match(&e, 3, 0);            /* 3 bytes, but the chunk holds 2 more */
    enc_flush(&e);
    n = lzma_chunk(p, 3, &e, 3);
    p[n++] = 0x00;
    expect(p, n, 3, -EINVAL, "LZMA match runs past its chunk");
}

static void test_lzma_chunk_bounds(void **state)
{
    uint8_t p[512];
    struct enc e;
    size_t n;

    /* One byte more in the chunk than the coder used. */
    abab(p, &e);
    e.out[e.n++] = 0x00;
    n = lzma_chunk(p, 3, &e, 4);
    p[n++] = 0x00;
    expect(p, n, 4, -EINVAL, "LZMA chunk does not end where its size says");
    /* One byte less: the coder runs out. */
    abab(p, &e);
    e.n--;
    n = lzma_chunk(p, 3, &e, 4);
    p[n++] = 0x00;
    expect(p, n, 4, -EINVAL, NULL);
    /* A range coder starts with a zero byte. */
    abab(p, &e);
    e.out[0] = 0x01;
    n = lzma_chunk(p, 3, &e, 4);
    p[n++] = 0x00;
    expect(p, n, 4, -EINVAL, "LZMA chunk does not start a range coder");
}

static void test_lzma2_control(void **state)
{
    uint8_t p[512];
    struct enc e;
    size_t n;

    /* No dictionary reset first. */
    expect((const uint8_t[]){ 0x02, 0x00, 0x00, 'a', 0x00 }, 5, 1, -EINVAL,
           "LZMA2 first chunk does not reset the dictionary");
    abab(p, &e);
    n = lzma_chunk(p, 2, &e, 4);
    p[n++] = 0x00;
    expect(p, n, 4, -EINVAL, "LZMA2 first chunk does not reset the dictionary");
    /* An LZMA chunk with no properties yet. */
    n = 0;
    p[n++] = 0x01;
    p[n++] = 0x00;
    p[n++] = 0x00;
    p[n++] = 'a';
    n += lzma_chunk(p + n, 1, &e, 4);
    p[n++] = 0x00;
    expect(p, n, 5, -EINVAL, "LZMA2 chunk comes before any properties");
    expect((const uint8_t[]){ 0x03, 0x00 }, 2, 0, -EINVAL, "LZMA2 control byte is invalid");
    /* Stored data too big for the buffer (4096 bytes). */
    {
        static uint8_t big[5000];

        big[0] = 0x01;
        big[1] = (4097 - 1) >> 8;
        big[2] = (4097 - 1) & 0xff;
        big[3 + 4097] = 0x00;
        expect(big, 4 + 4097, 4097, -ENOSPC, NULL);
    }
}

/* The index must name the blocks decoded, and the footer the index. */
static void test_index_and_footer(void **state)
{
    uint8_t p[512], file[1024], *out;
    struct enc e;
    size_t n = abab(p, &e), len, out_len;
    const char *why = NULL;

    /* The index says 5 bytes where the block made 4. */
    len = wrap(file, p, n, 5);
    assert_int_equal(decode(file, len, 16, &out, &out_len, &why), -EINVAL);
    assert_string_equal(why, "xz index does not match the blocks");
    free(out);
    /* The footer's backward size is one word more, its CRC32 made anew. */
    len = wrap(file, p, n, 4);
    file[len - 8]++;
    put_le32(file + len - 12, xz_crc32(0, file + len - 8, 6));
    assert_int_equal(decode(file, len, 16, &out, &out_len, &why), -EINVAL);
    assert_string_equal(why, "xz backward size does not match the index");
    free(out);
}

/* A file cut inside a chunk: the chunk header promises more than there is. */
static void expect_cut(const uint8_t *lzma2, size_t len, size_t cut, const char *reason)
{
    uint8_t file[8192], *out;
    size_t n = wrap(file, lzma2, len, 0), out_len;
    const char *why = NULL;

    assert_true(n <= sizeof(file) && 24 + cut < n);
    assert_int_equal(decode(file, 24 + cut, 8192, &out, &out_len, &why), -EINVAL);
    assert_string_equal(why, reason);
    free(out);
}

static void test_lzma2_truncated(void **state)
{
    static uint8_t p[512];
    struct enc e;
    size_t n;

    p[0] = 0x01;
    p[1] = 0x00;
    p[2] = 100 - 1;
    p[3 + 100] = 0x00;
    expect_cut(p, 104, 50, "LZMA2 uncompressed chunk is truncated");
    n = abab(p, &e);
    expect_cut(p, n, n - 3, "LZMA2 chunk is truncated");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_check_mismatch),
        cmocka_unit_test(test_bcj),
        cmocka_unit_test(test_crc),
        cmocka_unit_test(test_lzma_handmade_ok),
        cmocka_unit_test(test_lzma_match_before_dictionary),
        cmocka_unit_test(test_lzma_match_beyond_dict_size),
        cmocka_unit_test(test_lzma_match_past_chunk),
        cmocka_unit_test(test_lzma_chunk_bounds),
        cmocka_unit_test(test_lzma2_control),
        cmocka_unit_test(test_lzma2_truncated),
        cmocka_unit_test(test_index_and_footer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
