/* The LZ4 decoder (lib/lz4.c) against what the lz4 tool makes, in both
 * containers and with its options, and against hand-made corrupt blocks:
 * nothing read or written out of bounds (the test runs under ASan and
 * UBSan, tests/unit/sources.mk, hostile inputs in buffers of their exact
 * size), every refusal an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <lib/errno.h>
#include <lib/lz4.h>
#include <lib/xxhash32.h>

#define ORIG_LEN (3u << 20)

static uint8_t *orig, *packed, *out;
static size_t packed_len;

/* Data with long repeats, short ones and noise, so every sequence form
 * (long literal runs, overlapping matches, long matches) appears. */
static void make_original(void)
{
    uint32_t x = 12345;

    orig = malloc(ORIG_LEN);
    assert_non_null(orig);
    for (size_t i = 0; i < ORIG_LEN; i++) {
        x = x * 1103515245 + 12345;
        if ((i / 4096) % 3 == 0)
            orig[i] = (uint8_t)(x >> 24);              /* noise */
        else if ((i / 4096) % 3 == 1)
            orig[i] = (uint8_t)(i % 7);                /* short period */
        else
            orig[i] = orig[i - 4096];                  /* a far repeat */
    }
}

/* Compress orig with the lz4 tool and the given options into packed. */
static void pack(const char *options)
{
    char in[] = "/tmp/lz4-test-XXXXXX", cmd[256], outname[64];
    int fd = mkstemp(in);
    FILE *f;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, orig, ORIG_LEN), ORIG_LEN);
    close(fd);
    snprintf(outname, sizeof(outname), "%s.lz4", in);
    snprintf(cmd, sizeof(cmd), "lz4 -q -f %s %s %s", options, in, outname);
    assert_int_equal(system(cmd), 0);
    f = fopen(outname, "rb");
    assert_non_null(f);
    free(packed);
    packed = malloc(ORIG_LEN * 2);
    packed_len = fread(packed, 1, ORIG_LEN * 2, f);
    fclose(f);
    unlink(in);
    unlink(outname);
    assert_true(packed_len > 8);
}

static int setup(void **state)
{
    (void)state;
    make_original();
    out = malloc(ORIG_LEN + 64);
    return out ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(orig);
    free(packed);
    free(out);
    return 0;
}

static void expect_round_trip(const char *options)
{
    size_t got = 0;
    const char *why = NULL;

    pack(options);
    assert_int_equal(lz4_decode(packed, packed_len, out, ORIG_LEN, &got, &why), 0);
    assert_int_equal(got, ORIG_LEN);
    assert_memory_equal(out, orig, ORIG_LEN);
    /* One byte too little room: refused, never written past. */
    assert_int_equal(lz4_decode(packed, packed_len, out, ORIG_LEN - 1, &got, &why), -E2BIG);
    assert_non_null(why);
}

static void test_legacy(void **state)
{
    (void)state;
    expect_round_trip("-l -9");
    expect_round_trip("-l -1");
}

static void test_frame(void **state)
{
    (void)state;
    expect_round_trip("");                       /* 4 MiB blocks, content checksum */
    expect_round_trip("-B4 --no-frame-crc");      /* 64 KiB blocks */
    expect_round_trip("-BD -B5 -BX");             /* dependent blocks, block checksums */
    expect_round_trip("--content-size -12");
}

/* Every prefix of a stream: an error, or (cut between blocks) a success
 * whose output is that much of the original. */
static void test_every_truncation(void **state)
{
    static const char *const options[] = { "-l -9", "-B4 -BD" };

    (void)state;
    for (unsigned int k = 0; k < 2; k++) {
        pack(options[k]);
        for (size_t n = 0; n < packed_len; n += (n < 64 ? 1 : 997)) {
            size_t got = 0;
            const char *why = NULL;
            int rc = lz4_decode(packed, n, out, ORIG_LEN, &got, &why);

            if (rc == 0) {
                assert_true(got <= ORIG_LEN);
                assert_memory_equal(out, orig, got);
            } else {
                assert_true(rc == -EINVAL);
                assert_non_null(why);
            }
        }
    }
}

/* Decode b, as a raw block or a whole stream, from a copy of exactly n
 * bytes (a read past it trips ASan), into out with room for cap. */
static int decode_exact(const uint8_t *b, size_t n, size_t cap, bool whole)
{
    size_t done = 0;
    const char *why = NULL;
    uint8_t *copy = malloc(n ? n : 1);
    int rc;

    memcpy(copy, b, n);
    rc = whole ? lz4_decode(copy, n, out, cap, &done, &why)
               : lz4_decode_block(copy, n, out, cap, &done, &why);
    free(copy);
    return rc;
}

static int block(const uint8_t *b, size_t n, size_t cap)
{
    return decode_exact(b, n, cap, false);
}

static int frame(const uint8_t *b, size_t n, size_t cap)
{
    return decode_exact(b, n, cap, true);
}

static void test_hostile_blocks(void **state)
{
    static const uint8_t offset_zero[] = { 0x10, 'a', 0x00, 0x00, 0x00 };
    static const uint8_t offset_before_start[] = { 0x10, 'a', 0x02, 0x00, 0x00 };
    static const uint8_t literals_past_end[] = { 0x50, 'a', 'b' };
    static const uint8_t literal_length_cut[] = { 0xf0, 0xff, 0xff };
    static const uint8_t offset_cut[] = { 0x10, 'a', 0x01 };
    static const uint8_t literals_one_past[] = { 0x20, 'a' };
    static const uint8_t huge_match[] = { 0x1f, 'a', 0x01, 0x00, 0xff, 0xff, 0xff, 0x10 };
    static const uint8_t fine[] = { 0x1f, 'a', 0x01, 0x00, 0x05, 0x00 };  /* "a" x 25 */

    (void)state;
    assert_int_equal(block(offset_zero, sizeof(offset_zero), 64), -EINVAL);
    assert_int_equal(block(offset_before_start, sizeof(offset_before_start), 64), -EINVAL);
    assert_int_equal(block(literals_past_end, sizeof(literals_past_end), 64), -EINVAL);
    assert_int_equal(block(literal_length_cut, sizeof(literal_length_cut), 64), -EINVAL);
    assert_int_equal(block(offset_cut, sizeof(offset_cut), 64), -EINVAL);
    assert_int_equal(block(literals_one_past, sizeof(literals_one_past), 64), -EINVAL);
    assert_int_equal(block(huge_match, sizeof(huge_match), 64), -E2BIG);
    assert_int_equal(block(fine, sizeof(fine), 25), 0);
    assert_int_equal(block(fine, sizeof(fine), 24), -E2BIG);
    for (unsigned int i = 0; i < 25; i++)
        assert_int_equal(out[i], 'a');
}

/* A frame whose descriptor (FLG, BD) gets its right header checksum, so
 * that what is refused is the descriptor itself. */
static int frame_right_hc(const uint8_t *f, size_t n)
{
    uint8_t copy[16];

    assert_true(n <= sizeof(copy) && n > 6);
    memcpy(copy, f, n);
    copy[6] = (uint8_t)(xxhash32(copy + 4, 2, 0) >> 8);
    return frame(copy, n, 64);
}

static void test_containers(void **state)
{
    static const uint8_t not_lz4[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint8_t dictionary[] = { 0x04, 0x22, 0x4d, 0x18, 0x61, 0x40, 0x00 };
    static const uint8_t bad_version[] = { 0x04, 0x22, 0x4d, 0x18, 0x20, 0x40, 0x00 };
    static const uint8_t legacy_oversize[] = { 0x02, 0x21, 0x4c, 0x18, 0x05, 0x00, 0x00, 0x00,
                                               0x40, 'a', 'b', 'c' };
    static const uint8_t version_2[] = { 0x04, 0x22, 0x4d, 0x18, 0x80, 0x40, 0x00, 0, 0, 0, 0 };
    static const uint8_t version_0[] = { 0x04, 0x22, 0x4d, 0x18, 0x00, 0x40, 0x00, 0, 0, 0, 0 };

    (void)state;
    assert_int_equal(frame(not_lz4, sizeof(not_lz4), 64), -EINVAL);
    assert_int_equal(frame(dictionary, sizeof(dictionary), 64), -EOPNOTSUPP);
    assert_int_equal(frame_right_hc(bad_version, sizeof(bad_version)), -EINVAL);
    assert_int_equal(frame_right_hc(version_2, sizeof(version_2)), -EINVAL);
    assert_int_equal(frame_right_hc(version_0, sizeof(version_0)), -EINVAL);
    /* A block of 5 bytes with 4 after its size: its literals would be
     * read past the input. */
    assert_int_equal(frame(legacy_oversize, sizeof(legacy_oversize), 64), -EINVAL);
    assert_int_equal(frame(not_lz4, 0, 64), -EINVAL);
}

/* The specification's value for no input; the lz4 tool's frames check
 * the rest (every descriptor, content and block checksum above). */
static void test_xxhash32(void **state)
{
    (void)state;
    assert_int_equal(xxhash32("", 0, 0), 0x02CC5D05u);
    assert_int_not_equal(xxhash32("", 0, 1), 0x02CC5D05u);
}

/* Decode packed with byte at flipped XORed, expecting a refusal naming
 * what. */
static void expect_refused(size_t flipped, const char *what)
{
    size_t got = 0;
    const char *why = NULL;

    packed[flipped] ^= 0x01;
    assert_int_equal(lz4_decode(packed, packed_len, out, ORIG_LEN, &got, &why), -EINVAL);
    assert_non_null(why);
    assert_non_null(strstr(why, what));
    packed[flipped] ^= 0x01;
}

/* Every checksum of a standard frame is checked, and its content size. */
static void test_checksums(void **state)
{
    uint32_t first_block;

    (void)state;
    pack("");                                      /* content checksum */
    expect_refused(6, "descriptor's checksum");    /* magic, FLG, BD, then HC */
    expect_refused(packed_len - 1, "content checksum");
    pack("-B4 -BX --no-frame-crc");                /* block checksums */
    first_block = (uint32_t)packed[7] | (uint32_t)packed[8] << 8 | (uint32_t)packed[9] << 16;
    expect_refused(11 + first_block, "block checksum");
    expect_refused(11, "block checksum");          /* its data: refused before decoding */
    pack("--content-size");                        /* 8 bytes of size after BD */
    packed[6] ^= 0x01;                             /* one more byte than it holds... */
    packed[14] = (uint8_t)(xxhash32(packed + 4, 10, 0) >> 8);   /* ...with a right HC */
    {
        size_t got = 0;
        const char *why = NULL;

        assert_int_equal(lz4_decode(packed, packed_len, out, ORIG_LEN + 64, &got, &why), -EINVAL);
        assert_non_null(strstr(why, "another size"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_hostile_blocks),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_xxhash32),
        cmocka_unit_test(test_checksums),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
