/* Interfaces Proxen does not have yet: while the hypercall is -ENOSYS
 * these tests say SKIP; once it exists they check its basics. */
#include <lib/errno.h>
#include <hypercall.h>
#include <test.h>
#include "tests.h"

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
