/* Interfaces Proxen does not have yet: while the hypercall is -ENOSYS
 * these tests say SKIP; once it exists they check its basics. */
#include <errno.h>
#include <hypercall.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <test.h>
#include "tests.h"

static long event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint64_t)arg, 0, 0, 0);
}

/* An unbound port waiting for the domain itself: allocated, seen as
 * unbound, closed, then seen as closed. */
void test_evtchn_loopback(void)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_status status = { .dom = DOMID_SELF };
    struct evtchn_close close;
    long rc = event_channel_op(EVTCHNOP_alloc_unbound, &alloc);

    if (rc == -ENOSYS) {
        test_skip("no event channels (EVTCHNOP_alloc_unbound is -ENOSYS)");
        return;
    }
    if (!expect_rc("EVTCHNOP_alloc_unbound", rc, 0))
        return;
    if (alloc.port == 0 || alloc.port >= EVTCHN_2L_NR_CHANNELS)
        test_fail("EVTCHNOP_alloc_unbound gave port %u", alloc.port);
    status.port = alloc.port;
    if (expect_rc("EVTCHNOP_status", event_channel_op(EVTCHNOP_status, &status), 0) &&
        status.status != EVTCHNSTAT_unbound)
        test_fail("port %u has status %u, expected unbound", alloc.port, status.status);
    close.port = alloc.port;
    expect_rc("EVTCHNOP_close", event_channel_op(EVTCHNOP_close, &close), 0);
    if (expect_rc("EVTCHNOP_status", event_channel_op(EVTCHNOP_status, &status), 0) &&
        status.status != EVTCHNSTAT_closed)
        test_fail("closed port %u has status %u", alloc.port, status.status);
}

void test_gnttab_query_size(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 1 };
    long rc = hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, (uint64_t)&q, 1, 0, 0);

    if (rc == -ENOSYS) {
        test_skip("no grant tables (GNTTABOP_query_size is -ENOSYS)");
        return;
    }
    if (!expect_rc("GNTTABOP_query_size", rc, 0))
        return;
    if (q.status != GNTST_okay)
        test_fail("GNTTABOP_query_size status %d", q.status);
    else if (q.max_nr_frames == 0 || q.nr_frames > q.max_nr_frames)
        test_fail("grant table of %u frames, at most %u", q.nr_frames, q.max_nr_frames);
}
