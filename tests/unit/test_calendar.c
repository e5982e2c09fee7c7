/* Calendar arithmetic (hv/common/calendar.c) against dates whose Unix
 * times are known, and the range checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include <proxen/calendar.h>

static uint64_t unix_of(unsigned int y, unsigned int mo, unsigned int d, unsigned int h,
                        unsigned int mi, unsigned int s)
{
    struct civil_time t = { y, mo, d, h, mi, s };

    assert_true(civil_time_valid(&t));
    return civil_to_unix(&t);
}

static void test_known_dates(void **state)
{
    (void)state;
    assert_int_equal(unix_of(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(unix_of(1970, 1, 2, 0, 0, 1), 86401);
    assert_int_equal(unix_of(2000, 2, 29, 12, 0, 0), 951825600);
    assert_int_equal(unix_of(2000, 3, 1, 0, 0, 0), 951868800);
    assert_int_equal(unix_of(2001, 9, 9, 1, 46, 40), 1000000000);
    assert_int_equal(unix_of(2038, 1, 19, 3, 14, 8), 2147483648ULL);
    assert_int_equal(unix_of(2100, 3, 1, 0, 0, 0), 4107542400ULL);
    assert_int_equal(unix_of(2106, 2, 7, 6, 28, 16), 4294967296ULL);
}

/* Every day from 1970 to 2200 against the C library's timegm. */
static void test_against_libc(void **state)
{
    (void)state;
    for (uint64_t s = 0; s < 7258118400ULL; s += 86400 - 7) {
        time_t tt = (time_t)s;
        struct tm tm;

        gmtime_r(&tt, &tm);
        assert_int_equal(unix_of((unsigned int)tm.tm_year + 1900, (unsigned int)tm.tm_mon + 1,
                                 (unsigned int)tm.tm_mday, (unsigned int)tm.tm_hour,
                                 (unsigned int)tm.tm_min, (unsigned int)tm.tm_sec), s);
    }
}

static void test_invalid(void **state)
{
    static const struct civil_time bad[] = {
        { 1969, 12, 31, 23, 59, 59 }, { 2024, 0, 1, 0, 0, 0 }, { 2024, 13, 1, 0, 0, 0 },
        { 2024, 1, 0, 0, 0, 0 }, { 2024, 4, 31, 0, 0, 0 }, { 2023, 2, 29, 0, 0, 0 },
        { 2100, 2, 29, 0, 0, 0 }, { 2024, 1, 1, 24, 0, 0 }, { 2024, 1, 1, 0, 60, 0 },
        { 2024, 1, 1, 0, 0, 60 }, { 10000, 1, 1, 0, 0, 0 },
    };
    struct civil_time ok = { 2024, 2, 29, 23, 59, 59 };

    (void)state;
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(civil_time_valid(&bad[i]));
    assert_true(civil_time_valid(&ok));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_against_libc),
        cmocka_unit_test(test_invalid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
