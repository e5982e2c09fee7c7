/* EVTCHNOP_reset of a domain with every port it can have (4095 under
 * the 2-level ABI): closed in chunks with preemption points between
 * them, continued as EVTCHNOP_reset_cont as on Xen, so the call sees one
 * result; the system case guest-preempt-icount asserts the stretches
 * (every hypercall under 100,000 instructions).  Here: every port is
 * closed by the end (the domain can have as many again), and the
 * continuation alone, with no reset in progress, is -EBUSY (Xen). */
#include <hypercall.h>
#include <lib.h>
#include <lib/errno.h>
#include <test.h>
#include "control_ops.h"
#include "tests.h"

static bool closed(domid_t x, evtchn_port_t p)
{
    struct evtchn_status s = { .dom = x, .port = p };

    if (!expect_rc("status", hypercall_event_channel_op(EVTCHNOP_status, &s), 0))
        return false;
    if (s.status != EVTCHNSTAT_closed) {
        test_fail("port %u of domain %u has status %u after reset", p, x, s.status);
        return false;
    }
    return true;
}

void test_continuation_evtchn_reset(void)
{
    struct evtchn_reset r;
    unsigned int n, again;
    domid_t x;

    if (!expect_rc("createdomain", ctl_create("evtreset", 1, &x), 0))
        return;
    r = (struct evtchn_reset){ .dom = x };
    n = fill_ports(x);
    if (n < 4000)
        test_fail("domain %u got %u ports, expected 4095", x, n);
    else if (expect_rc("reset of every port", hypercall_event_channel_op(EVTCHNOP_reset, &r), 0) &&
             closed(x, 1) && closed(x, (evtchn_port_t)(n / 2)) && closed(x, (evtchn_port_t)n)) {
        again = fill_ports(x);
        if (again != n)
            test_fail("after reset domain %u got %u ports again, expected %u", x, again, n);
        expect_rc("reset_cont with no reset in progress",
                  hypercall_event_channel_op(EVTCHNOP_reset_cont, &r), -EBUSY);
        expect_rc("reset again", hypercall_event_channel_op(EVTCHNOP_reset, &r), 0);
    }
    expect_rc("destroydomain", ctl_destroy(x), 0);
}
