/* Interfaces Proxen does not have yet: while the hypercall is -ENOSYS
 * these tests say SKIP; once it exists they check its basics. */
#include <errno.h>
#include <hypercall.h>
#include <test.h>
#include "tests.h"

/* An unbound port waiting for the domain itself: allocated, seen as
 * unbound, closed, then seen as closed. */
void test_evtchn_loopback(void)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_status status = { .dom = DOMID_SELF };
    struct evtchn_close close;
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);

    if (rc == -ENOSYS) {
        test_skip("no event channels (EVTCHNOP_alloc_unbound is -ENOSYS)");
        return;
    }
    if (!expect_rc("EVTCHNOP_alloc_unbound", rc, 0))
        return;
    if (alloc.port == 0 || alloc.port >= EVTCHN_2L_NR_CHANNELS)
        test_fail("EVTCHNOP_alloc_unbound gave port %u", alloc.port);
    status.port = alloc.port;
    if (expect_rc("EVTCHNOP_status", hypercall_event_channel_op(EVTCHNOP_status, &status), 0) &&
        status.status != EVTCHNSTAT_unbound)
        test_fail("port %u has status %u, expected unbound", alloc.port, status.status);
    close.port = alloc.port;
    expect_rc("EVTCHNOP_close", hypercall_event_channel_op(EVTCHNOP_close, &close), 0);
    if (expect_rc("EVTCHNOP_status", hypercall_event_channel_op(EVTCHNOP_status, &status), 0) &&
        status.status != EVTCHNSTAT_closed)
        test_fail("closed port %u has status %u", alloc.port, status.status);
}

void test_gnttab_query_size(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 1 };
    long rc = hypercall_grant_table_op(GNTTABOP_query_size, &q, 1);

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
