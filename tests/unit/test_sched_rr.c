/* The scheduler core and the round-robin policy (hv/common/sched_core.c,
 * sched_rr.c) on the fake arch: the policy is found by name, each CPU
 * runs its runnable vCPUs in turn with the configured slice, blocked ones
 * are skipped, a woken one joins the back, an empty CPU idles, CPUs do
 * not share queues, and every hook runs under the CPU's schedule lock. */
#include <setjmp.h>
#include <stdatomic.h>
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
static struct vcpu *running_here;       /* what current_vcpu() answers */
static unsigned int woken[NR_V];        /* runstate_wake calls */

struct vcpu *current_vcpu(void)
{
    return running_here;
}

void runstate_wake(struct vcpu *v)
{
    woken[v->vcpu_id]++;
}

static unsigned int timers_moved_to[NR_V];      /* 1 + the CPU, 0: never */

void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu)
{
    timers_moved_to[v->vcpu_id] = cpu + 1;
}

/* The policy's wake_up and do_block under the CPU's lock, as the core
 * calls them, without the flags (the policy's own behaviour). */
static void sched_wake(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(sched_lock_of(v->processor));

    sched->wake_up(v);
    spin_unlock_irqrestore(sched_lock_of(v->processor), flags);
}

static void sched_block(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(sched_lock_of(v->processor));

    sched->do_block(v);
    spin_unlock_irqrestore(sched_lock_of(v->processor), flags);
}

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
    memset(woken, 0, sizeof(woken));
    memset(timers_moved_to, 0, sizeof(timers_moved_to));
    fake_set_nr_cpus(2);
    running_here = NULL;
    dom.state = DOMAIN_RUNNING;
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
    uint64_t slice = MILLISECS(3), got = 0;

    (void)state;
    assert_int_equal(sched->control(true, &slice), 0);
    sched_wake(&vcpus[0]);
    assert_int_equal(sched_pick(0, 0).time, MILLISECS(3));
    slice = MICROSECS(99);
    assert_int_equal(sched->control(true, &slice), -EINVAL);
    slice = SECONDS(2);
    assert_int_equal(sched->control(true, &slice), -EINVAL);
    assert_int_equal(sched->control(false, &got), 0);
    assert_int_equal(got, MILLISECS(3));            /* refusals changed nothing */
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

/* --- runnability (sched_vcpu_update and friends) --------------------------- */

static void make_up(struct vcpu *v)
{
    atomic_store(&v->up, true);
    sched_vcpu_update(v);
}

/* A vCPU that becomes runnable on an idle CPU makes it reschedule; one
 * that stops while it runs there does too; the pick follows the flags. */
static void test_update_follows_flags(void **state)
{
    (void)state;
    assert_false(sched_resched_pending(0));
    assert_false(vcpu_runnable(&vcpus[0]));        /* down */
    make_up(&vcpus[0]);
    assert_true(vcpu_runnable(&vcpus[0]));
    assert_true(sched_resched_pending(0));
    assert_ptr_equal(next(0), &vcpus[0]);
    assert_false(sched_resched_pending(0));         /* the pick answered it */

    atomic_store(&vcpus[0].blocked, true);
    sched_vcpu_update(&vcpus[0]);
    assert_true(sched_resched_pending(0));
    assert_null(next(0));

    sched_vcpu_unblock(&vcpus[0]);
    assert_false(atomic_load(&vcpus[0].blocked));
    assert_int_equal(woken[0], 1);
    assert_true(sched_resched_pending(0));
    assert_ptr_equal(next(0), &vcpus[0]);
    sched_vcpu_unblock(&vcpus[0]);                  /* not blocked: nothing */
    assert_int_equal(woken[0], 1);
}

/* Every flag that stops a vCPU stops it; the policy hears of each. */
static void test_every_flag_counts(void **state)
{
    (void)state;
    make_up(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    atomic_store(&vcpus[0].pause_count, 1);
    sched_vcpu_update(&vcpus[0]);
    assert_false(vcpu_runnable(&vcpus[0]));
    assert_null(next(0));
    atomic_store(&vcpus[0].pause_count, 0);
    sched_vcpu_update(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    atomic_store(&dom.pause_count, 1);
    sched_vcpu_update(&vcpus[0]);
    assert_null(next(0));
    atomic_store(&dom.pause_count, 0);
    sched_vcpu_update(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    dom.state = DOMAIN_SHUTDOWN;
    sched_vcpu_update(&vcpus[0]);
    assert_null(next(0));
    dom.state = DOMAIN_BUILDING;
    sched_vcpu_update(&vcpus[0]);
    assert_null(next(0));
    dom.state = DOMAIN_RUNNING;
    sched_vcpu_update(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    atomic_store(&vcpus[0].up, false);
    sched_vcpu_update(&vcpus[0]);
    assert_null(next(0));
}

/* Round-robin does not preempt for a wake-up: the CPU is asked only when
 * it idles. */
static void test_wake_on_busy_cpu_waits_its_turn(void **state)
{
    (void)state;
    make_up(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);
    make_up(&vcpus[1]);
    assert_false(sched_resched_pending(0));
    assert_ptr_equal(next(0), &vcpus[1]);           /* at the slice's end */
}

/* A policy whose reschedule hook says so preempts the running vCPU for
 * one that wakes; the hook is asked under the CPU's lock, and never about
 * the vCPU running or an idle CPU. */
static unsigned int reschedule_asked;

static bool always_preempt(struct vcpu *v)
{
    assert_true(spin_is_locked_by_me(sched_lock_of(v->processor)));
    reschedule_asked++;
    return true;
}

static void test_reschedule_hook_preempts(void **state)
{
    const struct scheduler *rr_policy = sched;
    struct scheduler preempting = *sched;

    (void)state;
    preempting.reschedule = always_preempt;
    sched = &preempting;
    reschedule_asked = 0;
    make_up(&vcpus[0]);                             /* idle CPU: not asked */
    assert_int_equal(reschedule_asked, 0);
    assert_ptr_equal(next(0), &vcpus[0]);
    sched_vcpu_update(&vcpus[0]);                   /* the running one: not asked */
    assert_int_equal(reschedule_asked, 0);
    make_up(&vcpus[1]);
    assert_int_equal(reschedule_asked, 1);
    assert_true(sched_resched_pending(0));
    assert_ptr_equal(next(0), &vcpus[1]);
    sched = rr_policy;
}

/* Another CPU is kicked when it must look: asked to reschedule, or its
 * running vCPU has an event; not for a vCPU that does not run. */
static void test_remote_cpus_are_kicked(void **state)
{
    unsigned int before = fake_cpu_kicks(1);

    (void)state;
    make_up(&vcpus[3]);                             /* CPU 1 idles */
    assert_true(sched_resched_pending(1));
    assert_false(sched_resched_pending(0));
    assert_int_equal(fake_cpu_kicks(1), before + 1);
    assert_ptr_equal(next(1), &vcpus[3]);

    sched_vcpu_unblock(&vcpus[3]);                  /* queued, not loaded */
    assert_int_equal(fake_cpu_kicks(1), before + 1);
    atomic_store(&vcpus[3].is_running, true);
    sched_vcpu_unblock(&vcpus[3]);                  /* running there: its upcall */
    assert_int_equal(fake_cpu_kicks(1), before + 2);
    atomic_store(&vcpus[3].is_running, false);

    make_up(&vcpus[0]);                             /* this CPU: no kick */
    assert_int_equal(fake_cpu_kicks(0), 0);
}

/* Whatever the order of a block and the wake-up that races with it, the
 * policy ends up agreeing with the flags. */
static void test_block_and_wake_in_either_order(void **state)
{
    (void)state;
    make_up(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    /* The waker first: it clears the flag before the blocker tells. */
    atomic_store(&vcpus[0].blocked, true);
    sched_vcpu_unblock(&vcpus[0]);
    sched_vcpu_update(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);

    /* The blocker first: it told, then the waker. */
    atomic_store(&vcpus[0].blocked, true);
    sched_vcpu_update(&vcpus[0]);
    sched_vcpu_unblock(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);
}

/* --- affinity ------------------------------------------------------------- */

/* A queued vCPU pinned elsewhere moves at once, timers and all, and runs
 * there; pinning where it is changes nothing; no online CPU is refused. */
static void test_pin_queued_vcpu_moves(void **state)
{
    (void)state;
    make_up(&vcpus[1]);
    make_up(&vcpus[2]);
    assert_int_equal(sched_set_affinity(&vcpus[1], 1ULL << 5), -EINVAL);  /* offline */
    assert_int_equal(sched_set_affinity(&vcpus[1], 0), -EINVAL);
    assert_int_equal(vcpus[1].processor, 0);
    assert_int_equal(sched_set_affinity(&vcpus[1], 3), 0);                /* CPU 0 allowed */
    assert_int_equal(timers_moved_to[1], 0);
    assert_int_equal(sched_set_affinity(&vcpus[1], 2), 0);
    assert_int_equal(vcpus[1].processor, 1);
    assert_int_equal(timers_moved_to[1], 2);
    assert_false(atomic_load(&vcpus[1].migrating));
    assert_true(vcpu_runnable(&vcpus[1]));
    assert_ptr_equal(next(1), &vcpus[1]);
    assert_ptr_equal(next(0), &vcpus[2]);
    assert_ptr_equal(next(0), &vcpus[2]);       /* CPU 0 no longer has it */
}

/* A running vCPU is moved by its CPU once switched out (schedule() calls
 * sched_migrate_finish then), not while it runs. */
static void test_pin_running_vcpu_moves_after_switch(void **state)
{
    (void)state;
    make_up(&vcpus[0]);
    assert_ptr_equal(next(0), &vcpus[0]);
    atomic_store(&vcpus[0].is_running, true);
    assert_int_equal(sched_set_affinity(&vcpus[0], 2), 0);
    assert_int_equal(vcpus[0].processor, 0);         /* still running here */
    assert_true(sched_resched_pending(0));
    assert_null(next(0));                            /* not runnable meanwhile */
    atomic_store(&vcpus[0].is_running, false);
    sched_migrate_finish(&vcpus[0]);
    assert_int_equal(vcpus[0].processor, 1);
    assert_int_equal(timers_moved_to[0], 2);
    assert_true(sched_resched_pending(1));           /* CPU 1 idles: told */
    assert_ptr_equal(next(1), &vcpus[0]);
    sched_migrate_finish(&vcpus[0]);                 /* nothing pending: nothing */
    assert_int_equal(vcpus[0].processor, 1);
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
        cmocka_unit_test_setup_teardown(test_update_follows_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_flag_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wake_on_busy_cpu_waits_its_turn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_cpus_are_kicked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reschedule_hook_preempts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_and_wake_in_either_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_queued_vcpu_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_running_vcpu_moves_after_switch, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
