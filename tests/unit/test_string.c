/* The shared library's string and memory functions (lib/string.c), which
 * the hypervisor and the guest use, against the host C library's.  On the
 * host they are named lib_memcpy and so on (lib/include/lib/string.h).
 * Every length up to a few words is tried at every alignment of source and
 * destination, since the word-at-a-time paths depend on both; bytes
 * outside the destination must stay untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/string.h>

#define MAX_LEN   40
#define MAX_SHIFT 8
#define AREA      (MAX_LEN + 2 * MAX_SHIFT + 16)
#define CANARY    0xa5

static _Alignas(8) unsigned char src[AREA];
static _Alignas(8) unsigned char got[AREA];
static _Alignas(8) unsigned char want[AREA];

static void fill_pattern(unsigned char *p, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7 + 1);
}

static void test_memcpy(void **state)
{
    fill_pattern(src, sizeof(src), 3);
    for (size_t len = 0; len <= MAX_LEN; len++) {
        for (size_t so = 0; so < MAX_SHIFT; so++) {
            for (size_t dof = 0; dof < MAX_SHIFT; dof++) {
                memset(got, CANARY, sizeof(got));
                memset(want, CANARY, sizeof(want));
                memcpy(want + dof, src + so, len);
                assert_ptr_equal(lib_memcpy(got + dof, src + so, len), got + dof);
                assert_memory_equal(got, want, sizeof(got));
            }
        }
    }
}

/* Overlapping moves in both directions, by every distance. */
static void test_memmove(void **state)
{
    for (size_t len = 0; len <= MAX_LEN; len++) {
        for (size_t from = 0; from < 2 * MAX_SHIFT; from++) {
            for (size_t to = 0; to < 2 * MAX_SHIFT; to++) {
                fill_pattern(got, sizeof(got), (unsigned int)len);
                fill_pattern(want, sizeof(want), (unsigned int)len);
                memmove(want + to, want + from, len);
                assert_ptr_equal(lib_memmove(got + to, got + from, len), got + to);
                assert_memory_equal(got, want, sizeof(got));
            }
        }
    }
}

static void test_memset(void **state)
{
    static const int values[] = { 0, 0x5a, 0xff, 0x1234 /* only the low byte counts */ };

    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t len = 0; len <= MAX_LEN; len++) {
            for (size_t off = 0; off < MAX_SHIFT; off++) {
                memset(got, CANARY, sizeof(got));
                memset(want, CANARY, sizeof(want));
                memset(want + off, values[v], len);
                assert_ptr_equal(lib_memset(got + off, values[v], len), got + off);
                assert_memory_equal(got, want, sizeof(got));
            }
        }
    }
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* The sign must be the C library's, bytes compared as unsigned char. */
static void test_memcmp(void **state)
{
    unsigned char a[16], b[16];

    for (size_t at = 0; at < sizeof(a); at++) {
        for (int delta = -1; delta <= 1; delta++) {
            memset(a, 0x80, sizeof(a));
            memset(b, 0x80, sizeof(b));
            b[at] = (unsigned char)(0x80 + delta * 0x7f);
            for (size_t n = 0; n <= sizeof(a); n++)
                assert_int_equal(sign(lib_memcmp(a, b, n)), sign(memcmp(a, b, n)));
        }
    }
}

static void test_strlen(void **state)
{
    assert_int_equal(lib_strlen(""), 0);
    assert_int_equal(lib_strlen("proxen"), 6);
    assert_int_equal(lib_strnlen("proxen", 3), 3);
    assert_int_equal(lib_strnlen("proxen", 6), 6);
    assert_int_equal(lib_strnlen("proxen", 100), 6);
    assert_int_equal(lib_strnlen("proxen", 0), 0);
    /* strnlen reads no further than max: an unterminated array is fine. */
    {
        const char raw[4] = { 'a', 'b', 'c', 'd' };

        assert_int_equal(lib_strnlen(raw, sizeof(raw)), 4);
    }
}

static void test_strcmp(void **state)
{
    static const char *const words[] = {
        "", "a", "ab", "abc", "abd", "b", "\x80", "\x7f", "ab\x80", "abc\xff",
    };
    const size_t nr = sizeof(words) / sizeof(words[0]);

    for (size_t i = 0; i < nr; i++) {
        for (size_t j = 0; j < nr; j++) {
            assert_int_equal(sign(lib_strcmp(words[i], words[j])),
                             sign(strcmp(words[i], words[j])));
            for (size_t n = 0; n < 6; n++)
                assert_int_equal(sign(lib_strncmp(words[i], words[j], n)),
                                 sign(strncmp(words[i], words[j], n)));
        }
    }
}

static void test_strchr(void **state)
{
    const char *s = "hypervisor";

    assert_ptr_equal(lib_strchr(s, 'h'), s);
    assert_ptr_equal(lib_strchr(s, 'r'), s + 4);
    assert_ptr_equal(lib_strchr(s, 'z'), NULL);
    assert_ptr_equal(lib_strchr(s, '\0'), s + 10);   /* the terminator counts */
    assert_ptr_equal(lib_strchr(s, 'e' + 256), s + 3);  /* converted to char */
}

static void test_strstr(void **state)
{
    const char *s = "xen xenstore";

    assert_ptr_equal(lib_strstr(s, "xen"), s);
    assert_ptr_equal(lib_strstr(s, "xens"), s + 4);
    assert_ptr_equal(lib_strstr(s, "store"), s + 7);
    assert_ptr_equal(lib_strstr(s, "stores"), NULL);
    assert_ptr_equal(lib_strstr(s, ""), s);
    assert_ptr_equal(lib_strstr("", ""), strstr("", ""));
    assert_ptr_equal(lib_strstr("", "x"), NULL);
}

static void test_strlcpy(void **state)
{
    char buf[8];

    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
    assert_string_equal(buf, "abc");
    assert_int_equal((unsigned char)buf[4], CANARY);

    /* Truncated: size - 1 bytes and a NUL; the result says how long. */
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(strlcpy(buf, "0123456789", 5), 10);
    assert_string_equal(buf, "0123");
    assert_int_equal((unsigned char)buf[5], CANARY);

    /* Size 0 writes nothing at all. */
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(strlcpy(buf, "abc", 0), 3);
    assert_int_equal((unsigned char)buf[0], CANARY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy),
        cmocka_unit_test(test_memmove),
        cmocka_unit_test(test_memset),
        cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_strlen),
        cmocka_unit_test(test_strcmp),
        cmocka_unit_test(test_strchr),
        cmocka_unit_test(test_strstr),
        cmocka_unit_test(test_strlcpy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
