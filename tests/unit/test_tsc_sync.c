/* Per-CPU system time from the TSC (hv/arch/x86/tsc_sync.c): the offset
 * of a CPU whose TSC is skewed, measured by simulated exchanges, makes the
 * two CPUs agree about the time; the guest's scale and stamps extrapolate
 * to exactly the hypervisor's system time on every CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include <asm/tsc_sync.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t below)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % below;
}

/* Exchanges against a CPU whose TSC reads `skew` more than the boot
 * CPU's at every instant; each takes 200..2200 ticks, the answer read
 * somewhere inside.  Returns the shortest exchange. */
static uint64_t exchange(struct tsc_bounds *b, uint64_t start, int64_t skew, unsigned int n)
{
    uint64_t t = start, shortest = UINT64_MAX;

    tsc_bounds_init(b);
    for (unsigned int i = 0; i < n; i++) {
        uint64_t rtt = 200 + rnd(2000), at = 1 + rnd(rtt - 1);
        struct tsc_sample s = { .before = t, .remote = t + at + (uint64_t)skew, .after = t + rtt };

        assert_true(tsc_bounds_add(b, &s));
        if (rtt < shortest)
            shortest = rtt;
        t += rtt + rnd(5000);
    }
    return shortest;
}

static void test_offset_found(void **state)
{
    static const int64_t skews[] = { 123456, -987654, 5000, -5000, 1LL << 40, -(1LL << 33) };

    (void)state;
    for (unsigned int i = 0; i < sizeof(skews) / sizeof(skews[0]); i++) {
        struct tsc_bounds b;
        uint64_t shortest = exchange(&b, 1000000000ULL, skews[i], 16);
        int64_t off = tsc_bounds_offset(&b);

        assert_true(b.consistent);
        assert_true(b.lo <= skews[i] && skews[i] <= b.hi);
        assert_true(llabs(off - skews[i]) <= (long long)shortest);
        assert_true(off != 0);
    }
}

/* TSCs the exchanges cannot tell apart are one clock: no correction. */
static void test_synchronised_is_zero(void **state)
{
    struct tsc_bounds b;

    (void)state;
    for (unsigned int i = 0; i < 100; i++) {
        exchange(&b, rnd(1ULL << 50), 0, 16);
        assert_int_equal(tsc_bounds_offset(&b), 0);
    }
    tsc_bounds_init(&b);
    assert_int_equal(tsc_bounds_offset(&b), 0);    /* no exchange, nothing proven */
}

/* A small skew is corrected only as far as it is proven: the result is
 * the end of the interval nearest to 0. */
static void test_nearest_to_zero(void **state)
{
    struct tsc_bounds b;
    struct tsc_sample pos = { .before = 1000, .remote = 1600, .after = 1100 };
    struct tsc_sample neg = { .before = 1000, .remote = 400, .after = 1100 };

    (void)state;
    tsc_bounds_init(&b);
    tsc_bounds_add(&b, &pos);                       /* offset in [500, 600] */
    assert_int_equal(tsc_bounds_offset(&b), 500);
    tsc_bounds_init(&b);
    tsc_bounds_add(&b, &neg);                       /* offset in [-700, -600] */
    assert_int_equal(tsc_bounds_offset(&b), -600);
}

/* Intervals that do not meet (TSCs at different rates): the middle of
 * the shortest exchange. */
static void test_inconsistent(void **state)
{
    struct tsc_bounds b;
    struct tsc_sample a = { .before = 1000, .remote = 1600, .after = 1100 };   /* [500, 600] */
    struct tsc_sample c = { .before = 5000, .remote = 5900, .after = 5040 };   /* [860, 900] */
    struct tsc_sample backwards = { .before = 9000, .remote = 1, .after = 8000 };

    (void)state;
    tsc_bounds_init(&b);
    tsc_bounds_add(&b, &a);
    tsc_bounds_add(&b, &c);
    assert_false(b.consistent);
    assert_int_equal(tsc_bounds_offset(&b), 880);
    assert_false(tsc_bounds_add(&b, &backwards));
    assert_int_equal(tsc_bounds_offset(&b), 880);
}

/* Two CPUs, the second's TSC skewed: with its base from the measured
 * offset, system time read on either at one instant agrees within the
 * shortest exchange, and readings alternating between them further apart
 * than that never go back. */
static void test_cpus_agree(void **state)
{
    const uint64_t frac = tsc_scale_round((1000000ULL << 32) / 2100000);   /* 2.1 GHz */
    const int64_t skew = -7654321;
    const uint64_t boot = 1ULL << 36;
    struct tsc_bounds b;
    uint64_t shortest = exchange(&b, boot + 1000, skew, 16);
    uint64_t base1 = tsc_cpu_base(boot, tsc_bounds_offset(&b));
    s_time_t last = 0;

    (void)state;
    for (uint64_t t = boot + 5000; t < boot + 100000000; t += 3 * shortest + rnd(100000)) {
        s_time_t on0 = tsc_to_stime(t, boot, frac);
        s_time_t on1 = tsc_to_stime(t + (uint64_t)skew, base1, frac);
        s_time_t first = (t & 1) ? on0 : on1;
        s_time_t second = (t & 1) ? on1 : on0;

        assert_true(llabs(on0 - on1) <= (long long)shortest);
        assert_true(first >= last);
        last = second;
    }
}

static void test_stamp_lattice(void **state)
{
    const uint64_t frac = tsc_scale_round((1000000ULL << 32) / 2100000);
    const uint64_t period = tsc_stamp_period(frac);
    const uint64_t base = 123456789;

    (void)state;
    assert_true(period > 1 && (period & (period - 1)) == 0);
    for (unsigned int i = 0; i < 1000; i++) {
        uint64_t tsc = base + rnd(1ULL << 40);
        uint64_t stamp = tsc_stamp_at(tsc, base, period);

        assert_true(stamp <= tsc && tsc - stamp < period);
        assert_int_equal((stamp - base) % period, 0);
    }
    /* Before the base (a CPU whose base moved forward): still at or before. */
    assert_true(tsc_stamp_at(base - 5, base, period) <= base - 5);
}

/* For TSCs from 50 MHz to 10 GHz: a record stamped anywhere on the lattice,
 * extrapolated as a guest does, is the hypervisor's system time exactly;
 * and the rounded scale is within 2 ppm of the calibrated one. */
static void test_guest_extrapolation_exact(void **state)
{
    static const uint64_t khz[] = { 50000, 333333, 999999, 1000000, 2100000, 2304567,
                                    3999999, 10000000 };

    (void)state;
    for (unsigned int i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
        uint64_t exact = (1000000ULL << 32) / khz[i];
        uint64_t frac = tsc_scale_round(exact);
        uint64_t period = tsc_stamp_period(frac);
        struct pv_time_scale s = pv_time_scale_from(frac);
        uint64_t base = rnd(1ULL << 40);

        assert_true(fabs((double)exact - (double)frac) / (double)exact < 2e-6);
        assert_int_equal((uint64_t)s.mul << s.shift, frac);
        for (unsigned int j = 0; j < 2000; j++) {
            uint64_t stamp = tsc_stamp_at(base + rnd(1ULL << 42), base, period);
            uint64_t tsc = stamp + rnd(j & 1 ? 1ULL << 34 : 1ULL << 12);
            uint64_t system_time = (uint64_t)tsc_to_stime(stamp, base, frac);

            assert_int_equal(system_time + pv_time_scale_apply(s, tsc - stamp),
                             (uint64_t)tsc_to_stime(tsc, base, frac));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_found),
        cmocka_unit_test(test_synchronised_is_zero),
        cmocka_unit_test(test_nearest_to_zero),
        cmocka_unit_test(test_inconsistent),
        cmocka_unit_test(test_cpus_agree),
        cmocka_unit_test(test_stamp_lattice),
        cmocka_unit_test(test_guest_extrapolation_exact),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
