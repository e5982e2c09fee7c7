/* The bzImage header (lib/bzimage.c) and the payload's decoder choice
 * (lib/kernel_unpack.c): a made-up image of the layout Linux's build
 * writes, every field of it out of bounds in turn, and the compressors
 * refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/bzimage.h>
#include <lib/errno.h>
#include <lib/kernel_unpack.h>

#define SETUP_SECTS 3
#define PAYLOAD_AT ((SETUP_SECTS + 1) * 512)

/* A legacy LZ4 frame of one block: 5 literals "hello" and a match of 4
 * at offset 5 (make_image appends the size, 9, as Linux's build does). */
static const uint8_t lz4_payload[] = {
    0x02, 0x21, 0x4c, 0x18, 0x08, 0, 0, 0,
    0x50, 'h', 'e', 'l', 'l', 'o', 0x05, 0x00,
};

static uint8_t image[PAYLOAD_AT + 64];

static void put(size_t off, uint32_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        image[off + i] = (uint8_t)(v >> (8 * i));
}

static size_t make_image(const uint8_t *payload, size_t len, uint32_t unpacked)
{
    memset(image, 0, sizeof(image));
    image[0x1f1] = SETUP_SECTS;
    put(0x1fe, 0xaa55, 2);
    memcpy(image + 0x202, "HdrS", 4);
    put(0x206, 0x20f, 2);
    put(0x248, 0, 4);
    put(0x24c, (uint32_t)len + 4, 4);
    memcpy(image + PAYLOAD_AT, payload, len);
    put(PAYLOAD_AT + len, unpacked, 4);
    return PAYLOAD_AT + len + 4;
}

static void test_payload_found_and_unpacked(void **state)
{
    struct bzimage_payload p;
    const char *why;
    uint8_t out[16];
    size_t n = make_image(lz4_payload, sizeof(lz4_payload), 9), got = 0;

    (void)state;
    assert_int_equal(bzimage_payload(image, n, &p, &why), 0);
    assert_ptr_equal(p.data, image + PAYLOAD_AT);
    assert_int_equal(p.len, sizeof(lz4_payload));
    assert_int_equal(p.unpacked_size, 9);
    assert_int_equal(kernel_unpack(p.data, p.len, out, sizeof(out), &got, &why), 0);
    assert_int_equal(got, 9);
    assert_memory_equal(out, "hellohell", 9);
}

static void test_bad_headers(void **state)
{
    struct bzimage_payload p;
    const char *why;
    size_t n = make_image(lz4_payload, sizeof(lz4_payload), 9);

    (void)state;
    assert_int_equal(bzimage_payload(image, 0x24f, &p, &why), -ENOEXEC);   /* too short */
    image[0x202] = 'X';
    assert_int_equal(bzimage_payload(image, n, &p, &why), -ENOEXEC);
    n = make_image(lz4_payload, sizeof(lz4_payload), 9);
    put(0x1fe, 0, 2);
    assert_int_equal(bzimage_payload(image, n, &p, &why), -ENOEXEC);
    n = make_image(lz4_payload, sizeof(lz4_payload), 9);
    put(0x206, 0x207, 2);
    assert_int_equal(bzimage_payload(image, n, &p, &why), -EINVAL);
    n = make_image(lz4_payload, sizeof(lz4_payload), 9);
    put(0x24c, (uint32_t)(n - PAYLOAD_AT + 1), 4);         /* one byte past the image */
    assert_int_equal(bzimage_payload(image, n, &p, &why), -EINVAL);
    put(0x24c, 0xffffffffu, 4);
    assert_int_equal(bzimage_payload(image, n, &p, &why), -EINVAL);
    put(0x24c, 7, 4);                                       /* less than a size and data */
    assert_int_equal(bzimage_payload(image, n, &p, &why), -EINVAL);
    n = make_image(lz4_payload, sizeof(lz4_payload), 9);
    put(0x248, 0xfffffff0u, 4);                             /* offset past the end */
    assert_int_equal(bzimage_payload(image, n, &p, &why), -EINVAL);
    assert_non_null(why);
}

static void test_other_compressors_named(void **state)
{
    static const struct { uint8_t magic[6]; unsigned int len; const char *name; } c[] = {
        { { 0x1f, 0x8b, 8 }, 3, "gzip" },
        { { 'B', 'Z', 'h' }, 3, "bzip2" }, { { 0x5d, 0, 0 }, 3, "LZMA" },
        { { 0x89, 'L', 'Z', 'O' }, 4, "LZO" }, { { 0x28, 0xb5, 0x2f, 0xfd }, 4, "zstd" },
    };
    uint8_t out[8];
    size_t got;
    const char *why;

    (void)state;
    for (unsigned int i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_int_equal(kernel_unpack(c[i].magic, c[i].len, out, sizeof(out), &got, &why),
                         -EOPNOTSUPP);
        assert_non_null(strstr(why, c[i].name));
    }
    assert_int_equal(kernel_unpack("ELF?", 4, out, sizeof(out), &got, &why), -EINVAL);
    /* XZ goes to its decoder, which finds this one cut short. */
    assert_int_equal(kernel_unpack("\xfd" "7zXZ\0\0", 8, out, sizeof(out), &got, &why), -EINVAL);
    assert_non_null(why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_found_and_unpacked),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_other_compressors_named),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
