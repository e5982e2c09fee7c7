/* The shared library's vsnprintf (lib/vsnprintf.c, used by the hypervisor
 * and the guest) against the host C library's, format by
 * format and at every buffer size, so truncation and return values are
 * checked as well as the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/lib.h>   /* lib/printf.h, ARRAY_SIZE, __printf */

/* lib/printf.h renames vsnprintf/snprintf to lib_* in every host file,
 * this one included, so here they mean the shared library's.  The host library's is
 * reached through its real symbol name, which no macro can touch. */
int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __asm__("vsnprintf");

#define BUF 1024
#define CANARY 0x5a

/* Format once with each implementation at buffer size `size` and require
 * identical return values and identical bytes, canary beyond untouched. */
static void compare_at(int line, size_t size, const char *fmt, va_list ap)
{
    char want[BUF + 16], got[BUF + 16];
    va_list a, b;
    int nw, ng;

    memset(want, CANARY, sizeof(want));
    memset(got, CANARY, sizeof(got));
    va_copy(a, ap);
    va_copy(b, ap);
    nw = libc_vsnprintf(size ? want : NULL, size, fmt, a);
    ng = vsnprintf(size ? got : NULL, size, fmt, b);
    va_end(a);
    va_end(b);
    if (nw != ng || memcmp(want, got, sizeof(want)) != 0)
        fail_msg("line %d: fmt \"%s\" size %zu: libc %d \"%.*s\", lib %d \"%.*s\"",
                 line, fmt, size, nw, (int)(size ? size : 1) - 1, want,
                 ng, (int)(size ? size : 1) - 1, got);
}

static void vcheck(int line, const char *fmt, va_list ap)
{
    va_list a;
    int len;
    size_t size;

    va_copy(a, ap);
    len = libc_vsnprintf(NULL, 0, fmt, a);
    va_end(a);
    assert_true(len >= 0 && len < BUF);
    compare_at(line, BUF, fmt, ap);
    for (size = 0; size <= (size_t)len + 1; size++)
        compare_at(line, size, fmt, ap);
}

/* With format checking, for ordinary formats. */
static void __printf(2, 3) check(int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(line, fmt, ap);
    va_end(ap);
}

/* Without: flag combinations the compiler rightly calls redundant but
 * which C defines, e.g. '0' with '-'. */
static void check_odd(int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(line, fmt, ap);
    va_end(ap);
}

/* The shared library's snprintf without compile-time format checking, for
 * arguments the checker rejects on purpose (NULL for %s, bad formats). */
static int lib_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define CHECK(...) check(__LINE__, __VA_ARGS__)
#define CHECK_ODD(...) check_odd(__LINE__, __VA_ARGS__)

static void test_plain(void **state)
{
    CHECK("%s", "");
    CHECK("hello, world");
    CHECK("%%");
    CHECK("a%%b%%%%c");
    CHECK("%d%%", 50);
}

static void test_signed(void **state)
{
    static const int ints[] = { 0, 1, -1, 9, 10, -10, 12345, INT_MAX, INT_MIN };
    static const char *const fmts[] = {
        "%d", "%i", "%5d", "%-5d", "%05d", "%+d", "% d", "%+5d", "%-+6d",
        "% 05d", "%.0d", "%.3d", "%8.3d", "%-8.3d", "%+.3d", "%.12d",
        "%015d", "[%12d]", "[%-12d]", "%+012d", "%1d",
    };
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(fmts); i++) {
        for (j = 0; j < ARRAY_SIZE(ints); j++)
            check_odd(__LINE__, fmts[i], ints[j]);
    }
    CHECK_ODD("%-05d|", -42);
    CHECK_ODD("%08.3d", 5);
    CHECK_ODD("% +d", 5);
    CHECK_ODD("%+ d", 0);
    CHECK_ODD("%#d", 77);
}

static void test_lengths(void **state)
{
    CHECK("%ld %li", LONG_MIN, LONG_MAX);
    CHECK("%lld %lli", LLONG_MIN, LLONG_MAX);
    CHECK("%lu %llu", ULONG_MAX, ULLONG_MAX);
    CHECK("%25lld|%-25lld|%025lld", LLONG_MIN, LLONG_MIN, LLONG_MIN);
    /* Out-of-range ints on purpose: hh and h must narrow them. */
    CHECK_ODD("%hhd %hhd %hhd", 300, -129, 127);
    CHECK_ODD("%hhu %hhx", -1, 0x1ff);
    CHECK_ODD("%hd %hd %hu %hx", 70000, -32769, -1, 0x12345);
    CHECK("%zu %zx %zd %zd", SIZE_MAX, (size_t)0xabc, (ptrdiff_t)-1, (ptrdiff_t)PTRDIFF_MAX);
    CHECK("%td %tx", PTRDIFF_MIN, (ptrdiff_t)-2);
    CHECK("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xdeadbeef);
    CHECK("%llo %lo", ULLONG_MAX, 8UL);
    CHECK("%llX %lx", 0xfedcba9876543210ULL, 0x7fUL);
}

static void test_unsigned(void **state)
{
    static const unsigned int vals[] = { 0, 1, 7, 8, 15, 16, 255, 4096, UINT_MAX };
    static const char *const fmts[] = {
        "%u", "%x", "%X", "%o", "%#x", "%#X", "%#o", "%08x", "%#08x", "%-#8x|",
        "%.0x", "%#.0x", "%#.0o", "%.0o", "%#.3o", "%#5o", "%#10.4x", "%-10.4X|",
        "%+u", "% u", "%+x", "%5.0u", "%#-8o|", "%#08o",
    };
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(fmts); i++) {
        for (j = 0; j < ARRAY_SIZE(vals); j++)
            check_odd(__LINE__, fmts[i], vals[j]);
    }
}

static void test_strings_and_chars(void **state)
{
    static const char *const fmts[] = {
        "%s", "[%10s]", "[%-10s]", "%.3s", "[%10.3s]", "[%-10.3s]", "%.0s",
        "%.20s", "[%3s]", "%1s",
    };
    static const char *const strs[] = { "", "a", "abc", "hello world" };
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(fmts); i++) {
        for (j = 0; j < ARRAY_SIZE(strs); j++)
            check_odd(__LINE__, fmts[i], strs[j]);
    }
    CHECK("%c%c%c", 'a', 'b', 'c');
    CHECK("[%5c][%-5c]", 'x', 'y');
    CHECK("[%c]", 0);
    CHECK("%c", 0xff41);
    CHECK("%s=%d, %s=%#x", "a", 1, "b", 2);
}

static void test_star(void **state)
{
    CHECK("[%*d]", 6, 42);
    CHECK("[%*d]", -6, 42);
    CHECK("[%-*d]", -6, 42);
    CHECK("[%.*d]", 4, 42);
    CHECK("[%.*d]", -4, 42);
    CHECK("[%*.*d]", 8, 4, -42);
    CHECK("[%*.*s]", -8, 2, "abcdef");
    CHECK("[%0*d]", 5, -3);
    CHECK("[%.*s]", 0, "gone");
    CHECK("[%*s][%s]", 3, "x", "after");
}

static void test_pointer(void **state)
{
    int x;
    char buf[64];

    CHECK("%p", (void *)&x);
    CHECK("[%20p]", (void *)&x);
    CHECK("[%-20p]", (void *)0x1234);
    /* Unlike glibc's "(nil)", NULL is printed like any other pointer. */
    assert_int_equal(lib_format(buf, sizeof(buf), "%p", NULL), 3);
    assert_string_equal(buf, "0x0");
    lib_format(buf, sizeof(buf), "[%5p]", NULL);
    assert_string_equal(buf, "[  0x0]");
}

static void test_null_string(void **state)
{
    char buf[32];
    const char *null = NULL;

    assert_int_equal(lib_format(buf, sizeof(buf), "%s", null), 6);
    assert_string_equal(buf, "(null)");
    lib_format(buf, sizeof(buf), "[%8s]", null);
    assert_string_equal(buf, "[  (null)]");
    lib_format(buf, sizeof(buf), "[%.3s]", null);
    assert_string_equal(buf, "[(nu]");
}

/* A precision bounds the read: the array needs no terminator. */
static void test_unterminated_with_precision(void **state)
{
    const char raw[3] = { 'a', 'b', 'c' };
    char buf[8];

    assert_int_equal(lib_format(buf, sizeof(buf), "%.3s", raw), 3);
    assert_string_equal(buf, "abc");
}

static void test_size_zero(void **state)
{
    char buf[4] = { 'q', 'q', 'q', 'q' };

    assert_int_equal(snprintf(NULL, 0, "%d", 123456), 6);
    assert_int_equal(snprintf(buf, 0, "%s", "abc"), 3);
    assert_int_equal(buf[0], 'q');
    assert_int_equal(snprintf(buf, 1, "%s", "abc"), 3);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'q');
}

static void test_truncation(void **state)
{
    char buf[8];

    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(snprintf(buf, 5, "%s-%d", "abcdef", 12), 9);
    assert_string_equal(buf, "abcd");
    assert_int_equal(buf[5], CANARY);
    assert_int_equal(snprintf(buf, sizeof(buf), "%300d", 1), 300);
    assert_int_equal(buf[7], '\0');
}

/* Unknown conversions are copied through, arguments untouched. */
static void test_unknown_conversion(void **state)
{
    char buf[32];

    lib_format(buf, sizeof(buf), "%y %d", 5);
    assert_string_equal(buf, "%y 5");
    lib_format(buf, sizeof(buf), "%-5q|%s", "s");
    assert_string_equal(buf, "%-5q|s");
    assert_int_equal(lib_format(buf, sizeof(buf), "end%"), 3);
    assert_string_equal(buf, "end");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_star),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_null_string),
        cmocka_unit_test(test_unterminated_with_precision),
        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_unknown_conversion),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
