/* Grant-table versions (GNTTABOP_set_version, get_version,
 * get_status_frames): a table starts at version 1; switching keeps the
 * reserved entries (0-7) and clears the rest; version 2 has status frames;
 * the switch back is refused while they are mapped (-EBUSY) or when a
 * reserved entry does not fit version 1 (-ERANGE), as on Xen. */
#include <lib/errno.h>
#include <hypercall.h>
#include <pagetable.h>
#include <test.h>
#include "gnttab.h"
#include "tests.h"

static uint32_t version_now(void)
{
    uint32_t v;

    return gnt_get_version(DOMID_SELF, &v) ? 0 : v;
}

void test_gnttab_get_version(void)
{
    uint32_t v;

    if (!expect_rc("get_version", gnt_get_version(DOMID_SELF, &v), 0))
        return;
    if (v != 1)
        test_fail("a table starts at version %u, expected 1", v);
    expect_rc("get_version of no domain", gnt_get_version(NO_SUCH_DOMAIN, &v), -ESRCH);
    expect_rc("get_version at a hypervisor address",
              hypercall_grant_table_op(GNTTABOP_get_version, (void *)HV_ADDRESS, 1), -EFAULT);
}

/* Refused versions: -EINVAL, the version in effect written back. */
void test_gnttab_set_version_bad(void)
{
    uint32_t now;

    for (uint32_t v = 0; v < 5; v += (v == 0 ? 3 : 1)) {
        if (!expect_rc("set_version to an unknown version", gnt_set_version(v, &now), -EINVAL))
            continue;
        if (now != 1)
            test_fail("set_version(%u) wrote back version %u, expected 1 (in effect)", v, now);
    }
    if (!expect_rc("set_version(1) while at 1", gnt_set_version(1, &now), 0) || now != 1)
        test_fail("set_version(1) wrote back %u", now);
    expect_rc("set_version at a hypervisor address",
              hypercall_grant_table_op(GNTTABOP_set_version, (void *)HV_ADDRESS, 1), -EFAULT);
    if (version_now() != 1)
        test_fail("version %u after refused switches", version_now());
}

static uint32_t status_frames_for(uint32_t nr_frames)
{
    return (nr_frames * 256 + 2047) / 2048;
}

/* Switch to 2 and back with entries in place: reserved ones carried
 * over, others cleared; status frames listed and used. */
void test_gnttab_switch_version(void)
{
    struct gnttab_query_size q;
    uint64_t frames[GNT_MAX_MAPPED];
    uint32_t now, nr, nr_status;
    int16_t st;

    if (gnt_query(DOMID_SELF, &q) || gnt_map_table(1)) {
        test_error("cannot query or map the table");
        return;
    }
    nr = q.nr_frames;
    nr_status = status_frames_for(nr);
    gnt_grant_v1(1, 7, 0x4567, GTF_permit_access | GTF_readonly);
    gnt_grant_v1(9, 7, 0x89ab, GTF_permit_access);
    if (gnt_status_frames(DOMID_SELF, 1, frames, &st) || st != GNTST_general_error)
        test_fail("get_status_frames at version 1: status %d, expected GNTST_general_error",
                  st);
    if (!expect_rc("set_version(2)", gnt_set_version(2, &now), 0) || now != 2 ||
        version_now() != 2) {
        test_fail("set_version(2) wrote back %u; get_version says %u", now, version_now());
        gnt_unmap_table(1);
        return;
    }
    if (gnt_v2()[1].hdr.flags != (GTF_permit_access | GTF_readonly) ||
        gnt_v2()[1].hdr.domid != 7 || gnt_v2()[1].full_page.frame != 0x4567)
        test_fail("reserved entry 1 at version 2: flags %#x domid %u frame %#lx",
                  gnt_v2()[1].hdr.flags, gnt_v2()[1].hdr.domid, gnt_v2()[1].full_page.frame);
    if (gnt_v2()[9].hdr.flags || gnt_v2()[4].full_page.frame)
        test_fail("entries beyond the reserved ones not cleared by the switch");

    if (gnt_status_frames(DOMID_SELF, nr_status, frames, &st) || st != GNTST_okay)
        test_fail("get_status_frames of %u: status %d", nr_status, st);
    if (gnt_status_frames(DOMID_SELF, nr_status + 1, frames, &st) ||
        st != GNTST_general_error)
        test_fail("get_status_frames of %u (one more than there are): status %d", nr_status + 1,
                  st);
    expect_rc("get_status_frames with count 2",
              hypercall_grant_table_op(GNTTABOP_get_status_frames, frames, 2), -EINVAL);
    expect_rc("get_status_frames with its list at a hypervisor address",
              gnt_status_frames(DOMID_SELF, 1, (uint64_t *)HV_ADDRESS, &st), -EFAULT);
    if (gnt_status_frames(NO_SUCH_DOMAIN, 1, frames, &st) || st != GNTST_bad_domain)
        test_fail("get_status_frames of no domain: status %d", st);

    /* Mapped status frames keep the table at version 2. */
    if (gnt_map_status(1)) {
        test_fail("cannot map the status frame");
    } else {
        expect_rc("set_version(1) with a status frame mapped", gnt_set_version(1, &now),
                  -EBUSY);
        if (now != 2 || version_now() != 2)
            test_fail("a refused switch left version %u (wrote back %u)", version_now(), now);
        gnt_unmap_status(1);
    }
    /* A reserved entry naming a frame past 2^32 does not fit version 1. */
    gnt_v2()[2].full_page.frame = 1UL << 32;
    __atomic_store_n(&gnt_v2()[2].hdr.flags, GTF_permit_access, __ATOMIC_RELEASE);
    expect_rc("set_version(1) with a reserved entry past 2^32", gnt_set_version(1, &now),
              -ERANGE);
    if (version_now() != 2)
        test_fail("version %u after -ERANGE", version_now());
    gnt_v2()[2] = (union grant_entry_v2){ .hdr = { 0, 0 } };

    if (!expect_rc("set_version(1)", gnt_set_version(1, &now), 0) || version_now() != 1) {
        gnt_unmap_table(1);
        return;
    }
    if (gnt_v1()[1].flags != (GTF_permit_access | GTF_readonly) || gnt_v1()[1].domid != 7 ||
        gnt_v1()[1].frame != 0x4567)
        test_fail("reserved entry 1 back at version 1: flags %#x domid %u frame %#x",
                  gnt_v1()[1].flags, gnt_v1()[1].domid, gnt_v1()[1].frame);
    if (gnt_status_frames(DOMID_SELF, 1, frames, &st) || st != GNTST_general_error)
        test_fail("get_status_frames back at version 1: status %d", st);
    gnt_v1()[1] = (struct grant_entry_v1){ 0, 0, 0 };
    gnt_unmap_table(1);
}
