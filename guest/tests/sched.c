/* vCPUs and scheduling: vcpu_op, sched_op, the one-shot timer. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <test.h>
#include <vcpu_info.h>
#include <timers.h>
#include "tests.h"

#define MS 1000000UL
#define EARLY_SLACK_NS 100000UL    /* 0.1 ms: clock rounding, not a real wake-up */

void test_vcpu_is_up(void)
{
    expect_rc("VCPUOP_is_up(0)", hypercall_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    expect_rc("VCPUOP_is_up(0x7fff)", hypercall_vcpu_op(VCPUOP_is_up, 0x7fff, NULL), -ENOENT);
}

void test_sched_yield(void)
{
    expect_rc("SCHEDOP_yield", hypercall_sched_op(SCHEDOP_yield, NULL), 0);
}

/* SCHEDOP_block with a one-shot timer set sleeps until the deadline and
 * no longer than needed to notice it; the timer's event (VIRQ_TIMER, the
 * kernel's binding) is what wakes it. */
void test_timer_block(void)
{
    uint64_t ticks, start, deadline, end;

    /* Take what earlier tests left pending (their timers' events). */
    events_restore(true);
    events_save_disable();
    ticks = events_timer_ticks();
    start = system_time_ns();
    deadline = start + 10 * MS;
    if (!expect_rc("set_timer_op", hypercall_set_timer_op(deadline), 0))
        return;
    if (!expect_rc("SCHEDOP_block", hypercall_sched_op(SCHEDOP_block, NULL), 0))
        goto out;
    end = system_time_ns();
    if (end + EARLY_SLACK_NS < deadline)
        test_fail("SCHEDOP_block returned %lu us before the deadline (%lu us after the call)",
                  (deadline - end) / 1000, (end - start) / 1000);
    else if (end > deadline + 1000 * MS)
        test_fail("SCHEDOP_block returned %lu ms after the deadline", (end - deadline) / MS);
    if (events_timer_ticks() == ticks)
        test_fail("woken without the VIRQ_TIMER event reaching the handler");
out:
    vcpu_info_of(0)->evtchn_upcall_mask = 1;   /* block unmasked events */
}

/* --- the guest kernel's software timers ---------------------------------- */

#define NR_GTIMERS 4

static struct timer gtimers[NR_GTIMERS];
static uint64_t fired_at[NR_GTIMERS];
static unsigned int fire_order[NR_GTIMERS], nr_fired;

static void gtimer_fired(struct timer *t)
{
    unsigned int i = (unsigned int)(t - gtimers);

    fired_at[i] = system_time_ns();
    fire_order[nr_fired++] = i;
}

/* Several timers on the one hypervisor timer: each fires once, in
 * deadline order, never early and (measured) not much late; a deleted
 * one does not fire.  Sleeping meanwhile blocks the vCPU. */
void test_guest_timers(void)
{
    static const unsigned int delay_ms[NR_GTIMERS] = { 7, 3, 11, 5 };
    uint64_t start = system_time_ns(), worst = 0;

    nr_fired = 0;
    for (unsigned int i = 0; i < NR_GTIMERS; i++) {
        fired_at[i] = 0;
        timer_add(&gtimers[i], start + delay_ms[i] * MS, gtimer_fired);
    }
    if (!timer_del(&gtimers[3]))
        test_fail("timer_del of an armed timer said it was not armed");
    sleep_until(start + 20 * MS);
    if (nr_fired != 3)
        test_fail("%u timers fired, expected 3", nr_fired);
    else if (fire_order[0] != 1 || fire_order[1] != 0 || fire_order[2] != 2)
        test_fail("fired in the order %u %u %u, expected 1 0 2", fire_order[0], fire_order[1],
                  fire_order[2]);
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t deadline = start + delay_ms[i] * MS;

        if (fired_at[i] < deadline)
            test_fail("timer %u fired %lu us early", i, (deadline - fired_at[i]) / 1000);
        else if (fired_at[i] - deadline > worst)
            worst = fired_at[i] - deadline;
    }
    if (fired_at[3])
        test_fail("the deleted timer fired");
    if (timer_del(&gtimers[0]))
        test_fail("timer_del of a timer that ran said it was armed");
    /* Lateness under TCG on a loaded host: a bound that catches a timer
     * run a whole period late, not a precise one. */
    if (worst > 20 * MS)
        test_fail("a timer fired %lu us late", worst / 1000);
    printk("guest timers: latest %lu us after its deadline\n", worst / 1000);
}

/* set_timer_op with a deadline that wrapped negative, or more than 2^50
 * ns ahead: Xen raises the timer's event 100 ms later, not at once and
 * not never. */
void test_set_timer_op_huge(void)
{
    const uint64_t deadlines[] = { (uint64_t)-5, 0 };
    evtchn_port_t port = events_timer_port();

    for (unsigned int i = 0; i < 2; i++) {
        uint64_t start, end, d = deadlines[i];
        struct sched_poll p = { .ports = (uint64_t)&port, .nr_ports = 1 };

        events_restore(true);            /* take what is pending */
        events_save_disable();
        start = system_time_ns();
        if (!d)
            d = start + (1ULL << 51);
        p.timeout = start + 2000 * MS;
        hypercall_set_timer_op(d);
        expect_rc("poll(timer port)", hypercall_sched_op(SCHEDOP_poll, &p), 0);
        end = system_time_ns();
        if (!(shared_info->evtchn_pending[port / 64] & (1ULL << (port % 64))))
            test_fail("deadline %#lx: no timer event within 2 s", deadlines[i]);
        else if (end - start < 90 * MS || end - start > 1500 * MS)
            test_fail("deadline %#lx: the event came after %lu ms, expected about 100",
                      deadlines[i], (end - start) / MS);
    }
    hypercall_set_timer_op(0);
    events_restore(true);
    events_save_disable();
}
