/* The log rate limit (lib/ratelimit.c): dom0's xenstore daemon logs a
 * domain's framing violations through it, so a domain breaking its ring
 * in a loop gets a few lines per window and a count, not a line each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lib/ratelimit.h>

#define SEC 1000000000ULL

static void test_burst_then_held(void **state)
{
    struct ratelimit rl = RATELIMIT_INIT(5 * SEC, 3);
    uint32_t held = 99;

    (void)state;
    for (int i = 0; i < 3; i++) {
        assert_true(ratelimit_allow(&rl, 100 + (uint64_t)i, &held));
        assert_int_equal(held, 0);
    }
    for (int i = 0; i < 10; i++)
        assert_false(ratelimit_allow(&rl, 200 + (uint64_t)i, &held));
    /* Still inside the window: nothing, however many ask. */
    assert_false(ratelimit_allow(&rl, 100 + 5 * SEC - 1, &held));
    /* The next window: a line again, with the eleven held back. */
    assert_true(ratelimit_allow(&rl, 100 + 5 * SEC, &held));
    assert_int_equal(held, 11);
    assert_true(ratelimit_allow(&rl, 100 + 5 * SEC + 1, &held));
    assert_int_equal(held, 0);
}

/* The window runs from its first line, not from the last one: a steady
 * trickle below the burst is never held back. */
static void test_trickle_passes(void **state)
{
    struct ratelimit rl = RATELIMIT_INIT(SEC, 2);
    uint32_t held;

    (void)state;
    for (uint64_t t = 0; t < 20 * SEC; t += SEC / 2 + 1) {
        assert_true(ratelimit_allow(&rl, t, &held));
        assert_int_equal(held, 0);
    }
}

/* A clock that reads earlier than the window's start (another CPU's
 * reading) opens a new window rather than holding lines for ever. */
static void test_clock_behind(void **state)
{
    struct ratelimit rl = RATELIMIT_INIT(SEC, 1);
    uint32_t held;

    (void)state;
    assert_true(ratelimit_allow(&rl, 10 * SEC, &held));
    assert_false(ratelimit_allow(&rl, 10 * SEC + 1, &held));
    assert_true(ratelimit_allow(&rl, 9 * SEC, &held));
    assert_int_equal(held, 1);
}

/* The count of held lines saturates instead of wrapping to a small one. */
static void test_held_saturates(void **state)
{
    struct ratelimit rl = RATELIMIT_INIT(SEC, 1);
    uint32_t held;

    (void)state;
    assert_true(ratelimit_allow(&rl, 0, &held));
    rl.held = UINT32_MAX - 1;
    assert_false(ratelimit_allow(&rl, 1, &held));
    assert_false(ratelimit_allow(&rl, 2, &held));
    assert_true(ratelimit_allow(&rl, SEC, &held));
    assert_true(held == UINT32_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_held),
        cmocka_unit_test(test_trickle_passes),
        cmocka_unit_test(test_clock_behind),
        cmocka_unit_test(test_held_saturates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
