/* vCPUs and scheduling: vcpu_op, sched_op, the one-shot timer. */
#include <arch.h>
#include <errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <test.h>
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
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;   /* block unmasked events */
}
