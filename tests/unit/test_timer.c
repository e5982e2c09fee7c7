/* Per-CPU timers (hv/common/timer.c) on the fake arch: the hardware
 * one-shot follows the earliest deadline, expired timers run in deadline
 * order, callbacks may re-arm or stop timers, and a timer that ran asks
 * whatever hypercall is running to stop at its next preemption point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/timer.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 256

static struct page_info *table;
static int order_log[16];
static unsigned int order_len;
static unsigned int work_notes;

/* preempt.c's hook, seen from here. */
void preempt_note_work(void)
{
    work_notes++;
}

/* One machine for the whole group: xmalloc keeps its slabs across tests. */
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
    timers_init_cpu(1);
    order_len = 0;
    work_notes = 0;
    return 0;
}

static void record(void *data)
{
    order_log[order_len++] = (int)(intptr_t)data;
}

static void test_hardware_follows_earliest(void **state)
{
    struct timer a, b;

    (void)state;
    init_timer(&a, record, (void *)1, 0);
    init_timer(&b, record, (void *)2, 0);
    set_timer(&a, 5000);
    assert_int_equal(fake_last_timer_program(), 5000);
    set_timer(&b, 3000);
    assert_int_equal(fake_last_timer_program(), 3000);
    stop_timer(&b);
    assert_int_equal(fake_last_timer_program(), 5000);
    assert_false(timer_is_active(&b));
    stop_timer(&a);
    assert_int_equal(fake_last_timer_program(), 0);
}

static void test_run_in_deadline_order(void **state)
{
    struct timer t[4];
    static const s_time_t when[4] = { 400, 100, 300, 200 };

    (void)state;
    for (int i = 0; i < 4; i++) {
        init_timer(&t[i], record, (void *)(intptr_t)i, 0);
        set_timer(&t[i], when[i]);
    }
    fake_set_now(50);
    timers_run();
    assert_int_equal(work_notes, 0);     /* nothing ran: nothing to preempt for */
    fake_set_now(250);
    timers_run();
    assert_int_equal(order_len, 2);
    assert_int_equal(work_notes, 2);
    assert_int_equal(order_log[0], 1);
    assert_int_equal(order_log[1], 3);
    assert_int_equal(fake_last_timer_program(), 300);
    fake_set_now(1000);
    timers_run();
    assert_int_equal(order_len, 4);
    assert_int_equal(order_log[2], 2);
    assert_int_equal(order_log[3], 0);
    assert_int_equal(fake_last_timer_program(), 0);
}

static struct timer periodic;
static unsigned int periodic_runs;

static void rearm(void *data)
{
    (void)data;
    if (++periodic_runs < 3)
        set_timer(&periodic, NOW() + 10);
}

static void test_callback_rearms_itself(void **state)
{
    (void)state;
    init_timer(&periodic, rearm, NULL, 0);
    set_timer(&periodic, 10);
    for (s_time_t now = 10; now <= 40; now += 10) {
        fake_set_now(now);
        timers_run();
    }
    assert_int_equal(periodic_runs, 3);
    assert_false(timer_is_active(&periodic));
}

static void test_reset_moves_deadline(void **state)
{
    struct timer a;

    (void)state;
    init_timer(&a, record, (void *)7, 0);
    set_timer(&a, 100);
    set_timer(&a, 50);
    fake_set_now(60);
    timers_run();
    assert_int_equal(order_len, 1);
    fake_set_now(200);
    timers_run();
    assert_int_equal(order_len, 1);      /* moved, not duplicated */
}

static struct timer doomed;

static void kill_self(void *data)
{
    (void)data;
    expect_assert_failure(kill_timer(&doomed));    /* it would wait for itself */
}

static void test_kill_timer(void **state)
{
    struct timer a;

    (void)state;
    init_timer(&a, record, (void *)1, 0);
    set_timer(&a, 100);
    kill_timer(&a);
    assert_false(timer_is_active(&a));
    assert_int_equal(fake_last_timer_program(), 0);
    fake_set_now(200);
    timers_run();
    assert_int_equal(order_len, 0);
    init_timer(&doomed, kill_self, NULL, 0);
    set_timer(&doomed, 300);
    fake_set_now(300);
    timers_run();
}

/* A timer set on another CPU's queue that becomes its earliest kicks
 * that CPU (it programs its own hardware); one behind another does not. */
static void test_remote_earliest_kicks(void **state)
{
    struct timer a, b;
    unsigned int kicks = fake_cpu_kicks(1);

    (void)state;
    init_timer(&a, record, (void *)1, 1);
    init_timer(&b, record, (void *)2, 1);
    set_timer(&a, 100);
    assert_int_equal(fake_cpu_kicks(1), kicks + 1);
    set_timer(&b, 200);
    assert_int_equal(fake_cpu_kicks(1), kicks + 1);
    fake_set_cpu(1);
    fake_set_now(300);
    timers_run();
    assert_int_equal(order_len, 2);
}

/* A queued timer moved to another CPU keeps its deadline and runs there,
 * not on the CPU it left; an idle one just changes CPU. */
static void test_migrate_keeps_deadline(void **state)
{
    struct timer a, idle;

    (void)state;
    init_timer(&a, record, (void *)1, 0);
    init_timer(&idle, record, (void *)2, 0);
    set_timer(&a, 500);
    migrate_timer(&a, 1);
    migrate_timer(&idle, 1);
    assert_int_equal(a.cpu, 1);
    assert_int_equal(idle.cpu, 1);
    assert_false(timer_is_active(&idle));
    assert_int_equal(fake_last_timer_program(), 0);     /* CPU 0 has none left */
    fake_set_now(600);
    timers_run();                                       /* CPU 0 */
    assert_int_equal(order_len, 0);
    fake_set_cpu(1);
    timers_run();
    assert_int_equal(order_len, 1);
    assert_int_equal(order_log[0], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hardware_follows_earliest, setup),
        cmocka_unit_test_setup(test_run_in_deadline_order, setup),
        cmocka_unit_test_setup(test_callback_rearms_itself, setup),
        cmocka_unit_test_setup(test_reset_moves_deadline, setup),
        cmocka_unit_test_setup(test_kill_timer, setup),
        cmocka_unit_test_setup(test_remote_earliest_kicks, setup),
        cmocka_unit_test_setup(test_migrate_keeps_deadline, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
