/* vCPUs and scheduling: vcpu_op, sched_op, the one-shot timer. */
#include <arch.h>
#include <errno.h>
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

/* Where the timer's event can reach the guest (Xen: only through
 * VIRQ_TIMER bound to an unmasked port), bind it; -ENOSYS means no event
 * channels, and then the hypervisor wakes the vCPU by itself.  Returns
 * the port, 0 for none, or a negative errno. */
static long bind_timer_virq(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &bind);

    if (rc == -ENOSYS)
        return 0;
    if (rc)
        return rc;
    __atomic_fetch_and(&shared_info->evtchn_mask[bind.port / 64], ~(1ULL << (bind.port % 64)),
                       __ATOMIC_SEQ_CST);
    return bind.port;
}

/* SCHEDOP_block with a one-shot timer set sleeps until the deadline and
 * no longer than needed to notice it. */
void test_timer_block(void)
{
    long port = bind_timer_virq();
    uint64_t start, deadline, end;

    if (port < 0) {
        test_fail("EVTCHNOP_bind_virq(VIRQ_TIMER) returned %ld", port);
        return;
    }
    start = system_time_ns();
    deadline = start + 10 * MS;
    if (!expect_rc("set_timer_op", hypercall_set_timer_op(deadline), 0))
        goto out;
    if (!expect_rc("SCHEDOP_block", hypercall_sched_op(SCHEDOP_block, NULL), 0))
        goto out;
    end = system_time_ns();
    if (end + EARLY_SLACK_NS < deadline)
        test_fail("SCHEDOP_block returned %lu us before the deadline (%lu us after the call)",
                  (deadline - end) / 1000, (end - start) / 1000);
    else if (end > deadline + 1000 * MS)
        test_fail("SCHEDOP_block returned %lu ms after the deadline", (end - deadline) / MS);
out:
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;   /* block unmasked events */
    if (port > 0) {
        struct evtchn_close close = { .port = (evtchn_port_t)port };

        hypercall_event_channel_op(EVTCHNOP_close, &close);
    }
}
