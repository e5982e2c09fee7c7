/* Event coalescing (hv/common/event_coalesce.c) against a simulated clock:
 * the fake arch's NOW() and the real per-CPU timers (timer.c), run by
 * hand with timers_run() as the timer interrupt would.  Each part of the
 * rule has a test that fails without it: the count limit, the deadline
 * counted from the first event, the deadline checked by a late event, a
 * fresh batch after each notification, no empty or early notification,
 * and the limits refused with -EINVAL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/errno.h>
#include <proxen/event_coalesce.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 256

static struct page_info *table;
static struct event_coalescer coal;

/* What the notify callback saw, one entry per notification. */
static unsigned int notified[16];
static s_time_t notified_at[16];
static unsigned int notifications;

void preempt_note_work(void)
{
}

static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    fake_set_cpu(0);
    fake_set_now(0);
    timers_init_cpu(0);
    notifications = 0;
    return 0;
}

static void record(void *data, unsigned int events)
{
    struct event_coalescer *c = data;

    assert_false(spin_is_locked(&c->lock));     /* never under its lock */
    assert_true(notifications < 16);
    notified[notifications] = events;
    notified_at[notifications++] = NOW();
}

static void start(unsigned int max_events, s_time_t max_delay)
{
    assert_int_equal(event_coalescer_init(&coal, max_events, max_delay, record, &coal, 0), 0);
}

static void event_at(s_time_t now)
{
    fake_set_now(now);
    event_coalescer_event(&coal);
}

/* The timer interrupt at time now. */
static void tick_at(s_time_t now)
{
    fake_set_now(now);
    timers_run();
}

static void test_count_limit(void **state)
{
    (void)state;
    start(4, 1000);
    event_at(0);
    event_at(10);
    event_at(20);
    assert_int_equal(notifications, 0);
    event_at(30);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 4);
    assert_int_equal(notified_at[0], 30);
    /* The batch is over: its deadline is gone with it. */
    assert_false(timer_is_active(&coal.timer));
    assert_int_equal(fake_last_timer_program(), 0);
    tick_at(1000);
    assert_int_equal(notifications, 1);
}

static void test_deadline_counts_from_first_event(void **state)
{
    (void)state;
    start(100, 1000);
    event_at(100);
    assert_int_equal(fake_last_timer_program(), 1100);
    event_at(600);                      /* does not push the deadline */
    assert_int_equal(fake_last_timer_program(), 1100);
    tick_at(1099);
    assert_int_equal(notifications, 0);
    tick_at(1100);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 2);
    assert_int_equal(notified_at[0], 1100);
}

static void test_late_timer_event_after_deadline(void **state)
{
    (void)state;
    start(100, 1000);
    event_at(0);
    /* The timer interrupt has not come yet; the next event is past due. */
    event_at(1500);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 2);
    assert_false(timer_is_active(&coal.timer));
}

static void test_each_batch_starts_afresh(void **state)
{
    (void)state;
    start(3, 1000);
    event_at(0);
    event_at(1);
    event_at(2);                        /* batch 1, by count */
    event_at(500);
    event_at(501);
    assert_int_equal(notifications, 1); /* the count started again */
    assert_int_equal(fake_last_timer_program(), 1500);
    tick_at(1500);                      /* batch 2, by time */
    assert_int_equal(notifications, 2);
    assert_int_equal(notified[1], 2);
    event_at(5000);                     /* batch 3: its own first event */
    assert_int_equal(fake_last_timer_program(), 6000);
    event_at(5001);
    assert_int_equal(notifications, 2);
    tick_at(6000);
    assert_int_equal(notifications, 3);
    assert_int_equal(notified[2], 2);
}

static void test_timer_without_batch_is_silent(void **state)
{
    (void)state;
    start(2, 1000);
    event_at(0);
    event_at(1);                        /* taken by its count */
    /* The old batch's timer fires anyway, as on another CPU that had
     * already taken it off its queue. */
    fake_set_now(1000);
    coal.timer.fn(coal.timer.data);
    assert_int_equal(notifications, 1);
}

static void test_timer_of_old_batch_spares_new_one(void **state)
{
    (void)state;
    start(100, 1000);
    event_at(0);
    event_coalescer_flush(&coal);
    event_at(500);                      /* new batch, due at 1500 */
    fake_set_now(1000);                 /* the first batch's timer, late */
    coal.timer.fn(coal.timer.data);
    assert_int_equal(notifications, 1);
    tick_at(1500);
    assert_int_equal(notifications, 2);
    assert_int_equal(notified[1], 1);
    assert_int_equal(notified_at[1], 1500);
}

static void test_one_event_or_no_delay_notifies_at_once(void **state)
{
    (void)state;
    start(1, 1000);
    event_at(10);
    event_at(20);
    assert_int_equal(notifications, 2);
    assert_int_equal(notified[0], 1);
    assert_int_equal(notified[1], 1);
    start(100, 0);
    event_at(30);
    assert_int_equal(notifications, 3);
    assert_int_equal(notified[2], 1);
    assert_false(timer_is_active(&coal.timer));
}

static void test_flush(void **state)
{
    (void)state;
    start(100, 1000);
    event_coalescer_flush(&coal);
    assert_int_equal(notifications, 0); /* nothing waiting: no notification */
    event_at(0);
    event_at(1);
    event_at(2);
    fake_set_now(3);
    event_coalescer_flush(&coal);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 3);
    assert_false(timer_is_active(&coal.timer));
    tick_at(1000);
    assert_int_equal(notifications, 1);
}

static void test_bad_limits_change_nothing(void **state)
{
    static const struct { unsigned int n; s_time_t t; } bad[] = {
        { 0, 1000 }, { 1, -1 }, { 1, EVENT_COALESCE_MAX_DELAY + 1 }, { 5, INT64_MIN },
    };
    struct event_coalescer before;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&coal, 0x5a, sizeof(coal));
        memcpy(&before, &coal, sizeof(coal));
        assert_int_equal(event_coalescer_init(&coal, bad[i].n, bad[i].t, record, &coal, 0),
                         -EINVAL);
        assert_memory_equal(&coal, &before, sizeof(coal));
    }
    start(4, 1000);
    event_at(0);
    event_at(1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(event_coalescer_configure(&coal, bad[i].n, bad[i].t), -EINVAL);
    /* The batch and the old limits are untouched. */
    assert_int_equal(notifications, 0);
    event_at(2);
    event_at(3);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 4);
    /* The bounds themselves are accepted. */
    assert_int_equal(event_coalescer_configure(&coal, 1, 0), 0);
    assert_int_equal(event_coalescer_configure(&coal, UINT32_MAX, EVENT_COALESCE_MAX_DELAY), 0);
}

static void test_configure_notifies_waiting_first(void **state)
{
    (void)state;
    start(100, 1000);
    event_at(0);
    event_at(1);
    fake_set_now(2);
    assert_int_equal(event_coalescer_configure(&coal, 2, 50), 0);
    assert_int_equal(notifications, 1);
    assert_int_equal(notified[0], 2);
    event_at(10);
    assert_int_equal(fake_last_timer_program(), 60);
    event_at(11);
    assert_int_equal(notifications, 2);
    assert_int_equal(notified[1], 2);
}

static void test_kill_drops_waiting_events(void **state)
{
    (void)state;
    start(100, 1000);
    event_at(0);
    event_coalescer_kill(&coal);
    assert_false(timer_is_active(&coal.timer));
    tick_at(2000);
    assert_int_equal(notifications, 0);
    /* Its callback, taken off the queue on another CPU before the kill,
     * finds nothing to notify. */
    coal.timer.fn(coal.timer.data);
    assert_int_equal(notifications, 0);
    expect_assert_failure(event_coalescer_event(&coal));
}

/* A callback may produce the next event: it runs without the lock. */
static void produce_again(void *data, unsigned int events)
{
    record(data, events);
    if (notifications == 1)
        event_coalescer_event(data);
}

static void test_callback_may_produce_event(void **state)
{
    (void)state;
    assert_int_equal(event_coalescer_init(&coal, 2, 1000, produce_again, &coal, 0), 0);
    event_at(0);
    event_at(1);
    assert_int_equal(notifications, 1);
    assert_int_equal(fake_last_timer_program(), 1001);
    tick_at(1001);
    assert_int_equal(notifications, 2);
    assert_int_equal(notified[1], 1);
}

/* Random traffic and limits: whatever the arrivals, every event is
 * notified exactly once, no notification covers more than n events and
 * no event waits longer than t (with the timer interrupt on time). */
static s_time_t arrivals[4096];
static unsigned int arrived, covered, largest;
static s_time_t longest_wait;

static void check_batch(void *data, unsigned int events)
{
    (void)data;
    assert_true(events >= 1 && covered + events <= arrived);
    largest = events > largest ? events : largest;
    for (unsigned int i = 0; i < events; i++, covered++)
        if (NOW() - arrivals[covered] > longest_wait)
            longest_wait = NOW() - arrivals[covered];
}

static void run_timers_until(s_time_t until)
{
    s_time_t d;

    while ((d = fake_last_timer_program()) != 0 && d <= until)
        tick_at(d);
    fake_set_now(until);
}

static void test_random_traffic_keeps_the_rule(void **state)
{
    uint64_t rng = 0x2545f4914f6cdd1dull;

    (void)state;
    for (int round = 0; round < 200; round++) {
        unsigned int n;
        s_time_t t, now = 1;

        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
        n = 1 + (unsigned int)(rng % 40);
        t = (s_time_t)((rng >> 8) % 5000);
        arrived = covered = largest = 0;
        longest_wait = 0;
        fake_set_now(0);
        assert_int_equal(event_coalescer_init(&coal, n, t, check_batch, NULL, 0), 0);
        for (unsigned int i = 0; i < 4096; i++) {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            /* Mostly close together, sometimes a long pause. */
            now += (rng & 7) ? (s_time_t)(rng >> 40) % 300 : (s_time_t)(rng >> 40) % 20000;
            run_timers_until(now);
            arrivals[arrived++] = now;
            event_coalescer_event(&coal);
        }
        run_timers_until(now + t);
        assert_int_equal(covered, arrived);
        assert_true(largest <= n);
        assert_true(longest_wait <= t);
        event_coalescer_kill(&coal);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_count_limit, setup),
        cmocka_unit_test_setup(test_deadline_counts_from_first_event, setup),
        cmocka_unit_test_setup(test_late_timer_event_after_deadline, setup),
        cmocka_unit_test_setup(test_each_batch_starts_afresh, setup),
        cmocka_unit_test_setup(test_timer_without_batch_is_silent, setup),
        cmocka_unit_test_setup(test_timer_of_old_batch_spares_new_one, setup),
        cmocka_unit_test_setup(test_one_event_or_no_delay_notifies_at_once, setup),
        cmocka_unit_test_setup(test_flush, setup),
        cmocka_unit_test_setup(test_bad_limits_change_nothing, setup),
        cmocka_unit_test_setup(test_configure_notifies_waiting_first, setup),
        cmocka_unit_test_setup(test_kill_drops_waiting_events, setup),
        cmocka_unit_test_setup(test_callback_may_produce_event, setup),
        cmocka_unit_test_setup(test_random_traffic_keeps_the_rule, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
