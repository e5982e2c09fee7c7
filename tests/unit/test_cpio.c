/* dom0's reader of the images' archive (guest/apps/shell/cpio.c): the
 * entries of an archive laid out as `cpio -H newc` and tools/mkcpio write
 * it, and each way a header can lie about the archive refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cpio.h"

static char archive[4096];
static size_t len;

static void add(const char *name, const char *data, unsigned int mode)
{
    size_t namesize = strlen(name) + 1, size = strlen(data);

    len += (size_t)sprintf(archive + len, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                           1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(archive + len, name, namesize);
    len = (len + namesize + 3) & ~(size_t)3;
    memcpy(archive + len, data, size);
    len = (len + size + 3) & ~(size_t)3;
}

static int setup(void **state)
{
    (void)state;
    memset(archive, 0, sizeof(archive));
    len = 0;
    add("demo", "DEMO-IMAGE", 0100644);
    add("dir", "", 040755);
    add("x", "123", 0100644);
    add("TRAILER!!!", "", 0);
    return 0;
}

static void test_entries(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    assert_int_equal(cpio_next(archive, len, &off, &e), 1);
    assert_string_equal(e.name, "demo");
    assert_int_equal(e.size, 10);
    assert_memory_equal(e.data, "DEMO-IMAGE", 10);
    assert_true(e.regular);
    assert_int_equal(cpio_next(archive, len, &off, &e), 1);
    assert_string_equal(e.name, "dir");
    assert_false(e.regular);
    assert_int_equal(cpio_next(archive, len, &off, &e), 1);
    assert_string_equal(e.name, "x");
    assert_memory_equal(e.data, "123", 3);
    assert_int_equal(cpio_next(archive, len, &off, &e), 0);
}

/* The first header's file size, name size or magic rewritten. */
static void set_field(unsigned int field, const char *hex8)
{
    memcpy(archive + 6 + field * 8, hex8, 8);
}

static void test_data_past_the_end(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    set_field(6, "00001000");            /* filesize 4096 */
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
}

static void test_name_past_the_end(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    set_field(11, "00001000");           /* namesize 4096 */
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
}

static void test_name_not_terminated(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    set_field(11, "00000004");           /* "demo" without its NUL */
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
    set_field(11, "00000006");           /* a NUL before the end */
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
    set_field(11, "00000000");
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
}

static void test_bad_magic_and_digits(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    archive[5] = '2';                    /* 070702: newc with checksums */
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
    archive[5] = '1';
    set_field(6, "0000000g");
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);
}

static void test_truncated(void **state)
{
    size_t off = 0;
    struct cpio_entry e;

    assert_int_equal(cpio_next(archive, 109, &off, &e), -1);     /* half a header */
    assert_int_equal(cpio_next(archive, 115, &off, &e), -1);     /* half the name */
    assert_int_equal(cpio_next(archive, 120, &off, &e), -1);     /* half the data */
    off = len + 1;
    assert_int_equal(cpio_next(archive, len, &off, &e), -1);     /* an offset past it */
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_entries), T(test_data_past_the_end), T(test_name_past_the_end),
        T(test_name_not_terminated), T(test_bad_magic_and_digits), T(test_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
