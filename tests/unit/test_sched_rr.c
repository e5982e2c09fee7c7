/* The scheduler core and the round-robin policy (hv/common/sched_core.c,
 * sched_rr.c) on the fake arch: the policy is found by name, each CPU
 * runs its runnable vCPUs in turn with the configured slice, blocked ones
 * are skipped, a woken one joins the back, an empty CPU idles, CPUs do
 * not share queues, and every hook runs under the CPU's schedule lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 256
#define NR_V 4

static struct page_info *table;
static struct domain dom;
static struct vcpu vcpus[NR_V];

static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    return 0;
}

/* vCPUs 0-2 on CPU 0, vCPU 3 on CPU 1, all added, none runnable. */
static int setup(void **state)
{
    (void)state;
    fake_set_cpu(0);
    assert_int_equal(sched_init("rr"), 0);
    memset(&dom, 0, sizeof(dom));
    for (unsigned int i = 0; i < NR_V; i++) {
        memset(&vcpus[i], 0, sizeof(vcpus[i]));
        vcpus[i].vcpu_id = i;
        vcpus[i].domain = &dom;
        vcpus[i].processor = i < 3 ? 0 : 1;
        assert_int_equal(sched_add_vcpu(&vcpus[i]), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (unsigned int cpu = 0; cpu < 2; cpu++)
        while (sched_current(cpu)) {
            sched_block(sched_current(cpu));
            sched_pick(cpu, 0);
        }
    for (unsigned int i = 0; i < NR_V; i++)
        sched_remove_vcpu(&vcpus[i]);
    return 0;
}

static struct vcpu *next(unsigned int cpu)
{
    return sched_pick(cpu, 0).task;
}

static void test_found_by_name(void **state)
{
    (void)state;
    assert_string_equal(sched->opt_name, "rr");
    /* Unknown or no name: the default policy, not a failure. */
    assert_int_equal(sched_init("no-such-policy"), 0);
    assert_string_equal(sched->opt_name, "rr");
    assert_int_equal(sched_init(""), 0);
    assert_string_equal(sched->opt_name, "rr");
    assert_int_equal(sched_init("rr"), 0);
}

static void test_idle_when_nothing_runnable(void **state)
{
    struct task_slice s;

    (void)state;
    s = sched_pick(0, 0);
    assert_null(s.task);
    assert_true(s.time <= 0);
    assert_null(sched_current(0));
}

static void test_turns_in_order(void **state)
{
    struct task_slice s;

    (void)state;
    sched_wake(&vcpus[0]);
    sched_wake(&vcpus[1]);
    sched_wake(&vcpus[2]);
    s = sched_pick(0, 0);
    assert_ptr_equal(s.task, &vcpus[0]);
    assert_int_equal(s.time, MILLISECS(10));
    assert_ptr_equal(sched_current(0), &vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[1]);
    assert_ptr_equal(next(0), &vcpus[2]);
    assert_ptr_equal(next(0), &vcpus[0]);       /* round and round */
    assert_ptr_equal(next(0), &vcpus[1]);
}

static void test_blocked_skipped_woken_at_back(void **state)
{
    (void)state;
    sched_wake(&vcpus[0]);
    sched_wake(&vcpus[1]);
    sched_wake(&vcpus[2]);
    assert_ptr_equal(next(0), &vcpus[0]);
    sched_block(&vcpus[1]);                     /* queued: taken out */
    assert_ptr_equal(next(0), &vcpus[2]);
    assert_ptr_equal(next(0), &vcpus[0]);
    sched_block(&vcpus[0]);                     /* the running one */
    assert_ptr_equal(next(0), &vcpus[2]);
    sched_wake(&vcpus[1]);
    sched_wake(&vcpus[1]);                      /* twice: queued once */
    assert_ptr_equal(next(0), &vcpus[1]);
    assert_ptr_equal(next(0), &vcpus[2]);
    assert_ptr_equal(next(0), &vcpus[1]);
    sched_block(&vcpus[1]);
    sched_block(&vcpus[2]);
    assert_null(next(0));
}

static void test_waking_the_running_one(void **state)
{
    (void)state;
    sched_wake(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);
    sched_wake(&vcpus[0]);                      /* already running: not queued */
    sched_wake(&vcpus[1]);
    assert_ptr_equal(next(0), &vcpus[1]);
    assert_ptr_equal(next(0), &vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[1]);
}

static void test_cpus_separate(void **state)
{
    (void)state;
    sched_wake(&vcpus[3]);
    sched_wake(&vcpus[0]);
    assert_ptr_equal(next(1), &vcpus[3]);
    assert_ptr_equal(next(1), &vcpus[3]);       /* alone on CPU 1 */
    assert_ptr_equal(next(0), &vcpus[0]);
    assert_ptr_equal(sched_current(1), &vcpus[3]);
}

static void test_slice_control(void **state)
{
    struct sched_adjdom op = { .set = false };

    (void)state;
    assert_int_equal(sched->control(MILLISECS(3)), 0);
    sched_wake(&vcpus[0]);
    assert_int_equal(sched_pick(0, 0).time, MILLISECS(3));
    assert_int_equal(sched->control(MICROSECS(99)), -EINVAL);
    assert_int_equal(sched->control(SECONDS(2)), -EINVAL);
    assert_int_equal(sched->adjdom(&dom, &op), 0);
    assert_int_equal(op.params[0], MILLISECS(3));
    op.set = true;
    assert_int_equal(sched->adjdom(&dom, &op), -EINVAL);
}

/* A hook called without the CPU's lock is a bug the policy catches. */
static void test_hooks_assert_the_lock(void **state)
{
    (void)state;
    expect_assert_failure(sched->wake_up(&vcpus[0]));
    expect_assert_failure(sched->do_schedule(0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_found_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_when_nothing_runnable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_turns_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocked_skipped_woken_at_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waking_the_running_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpus_separate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slice_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hooks_assert_the_lock, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
