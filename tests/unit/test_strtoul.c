/* The shared library's integer parsing (lib/strtoul.c): command lines in
 * the hypervisor, numbers in a kernel image's notes.  The bounded form
 * must never look at a byte past its length, so the text under test is
 * followed by digits that would change the result if it did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lib/strtoul.h>

/* Parse the first len bytes of text with the bounded form; *used gets how
 * many it consumed. */
static unsigned long long parse_n(const char *text, size_t len, unsigned int base, size_t *used)
{
    const char *end;
    unsigned long long v = simple_strntoull(text, len, &end, base);

    *used = (size_t)(end - text);
    return v;
}

static void test_bases(void **state)
{
    const char *end;

    assert_true(simple_strtoull("1234", &end, 0) == 1234 && *end == '\0');
    assert_true(simple_strtoull("0x1F", &end, 0) == 0x1f && *end == '\0');
    assert_true(simple_strtoull("0X1f", &end, 16) == 0x1f && *end == '\0');
    assert_true(simple_strtoull("1f", &end, 16) == 0x1f && *end == '\0');
    assert_true(simple_strtoull("0755", &end, 0) == 0755 && *end == '\0');
    assert_true(simple_strtoull("0", &end, 0) == 0 && *end == '\0');
    assert_true(simple_strtoull("z", &end, 36) == 35 && *end == '\0');
    assert_true(simple_strtoull("101", &end, 2) == 5 && *end == '\0');
}

static void test_stops(void **state)
{
    const char *s = "0x", *t = "12ab", *u = "089", *e = "";
    const char *end;

    /* "0x" with no hex digit is the number 0 followed by an x. */
    assert_true(simple_strtoull(s, &end, 0) == 0 && end == s + 1);
    assert_true(simple_strtoull(t, &end, 10) == 12 && end == t + 2);
    assert_true(simple_strtoull(u, &end, 0) == 0 && end == u + 1);   /* octal: 8 is no digit */
    assert_true(simple_strtoull(e, &end, 0) == 0 && end == e);
    assert_true(simple_strtoull("+1", &end, 0) == 0);
    assert_true(simple_strtoull(" 1", &end, 0) == 0);
    /* Bases outside 2-36 parse nothing. */
    assert_true(simple_strtoull(t, &end, 1) == 0 && end == t);
    assert_true(simple_strtoull(t, &end, 37) == 0 && end == t);
}

/* On overflow the parse stops before the digit that would overflow. */
static void test_overflow(void **state)
{
    const char *max = "18446744073709551615", *over = "18446744073709551616";
    const char *end;

    assert_true(simple_strtoull(max, &end, 10) == UINT64_MAX && *end == '\0');
    assert_true(simple_strtoull(over, &end, 10) == 1844674407370955161ULL &&
                end == over + 19);
    assert_true(simple_strtoull("0x10000000000000000", &end, 0) == 0x1000000000000000ULL &&
                *end == '0');
}

static void test_bounded(void **state)
{
    size_t used;

    assert_true(parse_n("123456", 3, 10, &used) == 123 && used == 3);
    assert_true(parse_n("123456", 0, 10, &used) == 0 && used == 0);
    /* The prefix is judged within the length too. */
    assert_true(parse_n("0x1f", 2, 0, &used) == 0 && used == 1);
    assert_true(parse_n("0x1f", 3, 0, &used) == 1 && used == 3);
    assert_true(parse_n("0x1f", 3, 16, &used) == 1 && used == 3);
    assert_true(parse_n("0755", 1, 0, &used) == 0 && used == 1);
    assert_true(parse_n("0755", 3, 0, &used) == 075 && used == 3);
    /* A NUL inside the length still ends the number. */
    assert_true(parse_n("12\0" "34", 5, 10, &used) == 12 && used == 2);
}

/* Text that is not terminated at all: only [s, s + len) may be read. */
static void test_unterminated(void **state)
{
    const char raw[4] = { '7', '7', '7', '7' };
    size_t used;

    assert_true(parse_n(raw, sizeof(raw), 10, &used) == 7777 && used == 4);
    assert_true(parse_n(raw, sizeof(raw), 0, &used) == 7777 && used == 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bases),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_unterminated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
