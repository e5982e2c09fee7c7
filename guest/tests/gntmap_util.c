/* Helpers of the grant-mapping tests (gntmap.h). */
#include <hypercall.h>
#include <test.h>
#include "gntmap.h"

struct gnttab_map_grant_ref gntmap_map(domid_t dom, grant_ref_t ref, uint64_t addr,
                                       uint32_t flags, long *rc)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
                                       .dom = dom, .status = 99, .handle = 0xdead };

    *rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    return op;
}

int16_t gntmap_unmap(uint64_t addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = handle, .status = 99 };
    long rc = hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? 1 : op.status;
}

uint16_t gntmap_in_use(grant_ref_t ref)
{
    return __atomic_load_n(&gnt_v1()[ref].flags, __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing);
}

bool expect_status_ok(const char *what, int16_t status)
{
    if (status == GNTST_okay)
        return true;
    test_fail("%s: status %d, expected GNTST_okay", what, status);
    return false;
}

bool expect_status(const char *what, int16_t got, int16_t want)
{
    if (got == want)
        return true;
    test_fail("%s: status %d, expected %d", what, got, want);
    return false;
}
