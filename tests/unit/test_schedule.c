/* schedule() (hv/common/schedule.c) with round-robin on the fake arch and
 * a simulated clock: the slice timer it arms, firing in timers_run, makes
 * two runnable vCPUs of one CPU take turns every slice; a vCPU that
 * blocks while it runs is switched out at once (saved, its runstate
 * "blocked"); with nothing runnable the CPU idles on the hypervisor's own
 * page tables and no slice timer is left armed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/domain.h>
#include <proxen/hypercall.h>
#include <proxen/sched.h>
#include <proxen/timer.h>
#include <proxen/vcpu_switch.h>
#include <public/vcpu.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 256

static struct page_info *table;
static struct domain dom;
static struct vcpu vcpus[2];
static struct vcpu *running;            /* current_vcpu() on the fake CPU */
static unsigned int saves, loads, idles;
static int last_out_state = -1;

struct vcpu *current_vcpu(void) { return running; }
void set_current_vcpu(struct vcpu *v) { running = v; }
void arch_vcpu_save(struct vcpu *v) { assert_ptr_equal(v, running); saves++; }
void arch_vcpu_load(struct vcpu *v) { running = v; loads++; }
void arch_switch_to_idle(void) { idles++; }
void vcpu_switch_in(struct vcpu *v) { (void)v; }
void vcpu_switch_out(struct vcpu *v, int state) { (void)v; last_out_state = state; }
void runstate_wake(struct vcpu *v) { (void)v; }
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu) { (void)v; (void)cpu; }
void preempt_note_work(void) { }

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
    timers_init_cpu(0);                 /* a fresh queue: nothing left armed */
    assert_int_equal(sched_init("rr"), 0);
    sched_init_slice_timer(0);
    memset(&dom, 0, sizeof(dom));
    dom.state = DOMAIN_RUNNING;
    for (unsigned int i = 0; i < 2; i++) {
        memset(&vcpus[i], 0, sizeof(vcpus[i]));
        vcpus[i].vcpu_id = i;
        vcpus[i].domain = &dom;
        assert_int_equal(sched_add_vcpu(&vcpus[i]), 0);
    }
    running = NULL;
    saves = loads = idles = 0;
    arch_irq_disable();                 /* schedule() runs with interrupts off */
    return 0;
}

static void up(struct vcpu *v)
{
    atomic_store(&v->up, true);
    sched_vcpu_update(v);
}

/* Time passes to t; the timers due run; the CPU reschedules if asked. */
static void run_until(s_time_t t)
{
    fake_set_now(t);
    timers_run();
    if (sched_resched_pending(0))
        schedule();
}

static void test_turns_every_slice(void **state)
{
    (void)state;
    up(&vcpus[0]);
    up(&vcpus[1]);
    assert_true(sched_resched_pending(0));
    schedule();
    assert_ptr_equal(running, &vcpus[0]);
    assert_true(atomic_load(&vcpus[0].is_running));
    assert_int_equal(fake_last_timer_program(), MILLISECS(10));
    run_until(MILLISECS(9));
    assert_ptr_equal(running, &vcpus[0]);            /* not yet */
    run_until(MILLISECS(10));
    assert_ptr_equal(running, &vcpus[1]);
    assert_false(atomic_load(&vcpus[0].is_running));
    assert_int_equal(last_out_state, RUNSTATE_runnable);
    assert_int_equal(fake_last_timer_program(), MILLISECS(20));
    run_until(MILLISECS(20));
    assert_ptr_equal(running, &vcpus[0]);
    assert_int_equal(saves, 2);
    assert_int_equal(loads, 3);
}

static void test_block_switches_then_idles(void **state)
{
    (void)state;
    up(&vcpus[0]);
    up(&vcpus[1]);
    schedule();
    assert_ptr_equal(running, &vcpus[0]);
    atomic_store(&vcpus[0].blocked, true);
    sched_vcpu_update(&vcpus[0]);
    run_until(MILLISECS(1));
    assert_ptr_equal(running, &vcpus[1]);
    assert_int_equal(last_out_state, RUNSTATE_blocked);
    atomic_store(&vcpus[1].up, false);
    sched_vcpu_update(&vcpus[1]);
    run_until(MILLISECS(2));
    assert_null(running);
    assert_int_equal(last_out_state, RUNSTATE_offline);
    assert_int_equal(idles, 1);
    assert_int_equal(fake_last_timer_program(), 0);  /* no slice timer left */
    sched_vcpu_unblock(&vcpus[0]);                  /* an event: it runs again */
    run_until(MILLISECS(3));
    assert_ptr_equal(running, &vcpus[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_turns_every_slice, setup),
        cmocka_unit_test_setup(test_block_switches_then_idles, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
