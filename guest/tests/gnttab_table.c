/* The grant table itself (docs/grant-tables.md): its size and limit
 * (GNTTABOP_query_size), growing it and learning its frames
 * (GNTTABOP_setup_table), and its frames as the guest sees them: data it
 * maps and writes, never a page table, never memory it can give back.
 * Refusals are Xen's: -EINVAL/-EFAULT for the call, GNTST_* for the
 * operation, and nothing changed. */
#include <lib/errno.h>
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <lib/string.h>
#include "control_ops.h"
#include "gnttab.h"
#include "tests.h"

static uint32_t current_frames(void)
{
    struct gnttab_query_size q;

    return gnt_query(DOMID_SELF, &q) || q.status != GNTST_okay ? 0 : q.nr_frames;
}

void test_gnttab_query_size(void)
{
    struct gnttab_query_size q;
    long rc = gnt_query(DOMID_SELF, &q);

    if (!expect_rc("GNTTABOP_query_size", rc, 0))
        return;
    if (q.status != GNTST_okay)
        test_fail("GNTTABOP_query_size status %d", q.status);
    else if (q.max_nr_frames != gnt_dom0_max_frames() || q.nr_frames < 1 ||
             q.nr_frames > q.max_nr_frames)
        test_fail("grant table of %u frames, at most %u (dom0's limit: %u)", q.nr_frames,
                  q.max_nr_frames, gnt_dom0_max_frames());
    /* Our own id is DOMID_SELF's table. */
    if (!gnt_query(0, &q) && (q.status != GNTST_okay || q.max_nr_frames != gnt_dom0_max_frames()))
        test_fail("query_size of domain 0: status %d, max %u", q.status, q.max_nr_frames);
    rc = gnt_query(NO_SUCH_DOMAIN, &q);
    if (rc || q.status != GNTST_bad_domain)
        test_fail("query_size of no domain: rc %ld status %d, expected 0 and GNTST_bad_domain",
                  rc, q.status);
    expect_rc("query_size with count 0", hypercall_grant_table_op(GNTTABOP_query_size, &q, 0),
              -EINVAL);
    expect_rc("query_size with count 2", hypercall_grant_table_op(GNTTABOP_query_size, &q, 2),
              -EINVAL);
    expect_rc("query_size at a hypervisor address",
              hypercall_grant_table_op(GNTTABOP_query_size, (void *)HV_ADDRESS, 1), -EFAULT);
    expect_rc("query_size at an unmapped address",
              hypercall_grant_table_op(GNTTABOP_query_size, (void *)UNMAPPED_VA, 1), -EFAULT);
    expect_rc("a command beyond the known ones",
              hypercall_grant_table_op(13, &q, 1), -ENOSYS);
    expect_rc("query_size with bits above the command",
              hypercall_grant_table_op(GNTTABOP_query_size | (1u << 12), &q, 1), -EINVAL);
    expect_rc("query_size with a count that is negative as an int",
              hypercall_grant_table_op(GNTTABOP_query_size, &q, 0x80000000u), -EINVAL);
}

void test_gnttab_setup_table(void)
{
    uint64_t frames[8], again[8];
    uint64_t *far = (uint64_t *)(UNMAPPED_VA);
    int16_t st;
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    uint32_t before;

    if (!expect_rc("setup_table of 4 frames", gnt_setup(DOMID_SELF, 4, frames, &st), 0))
        return;
    if (st != GNTST_okay || current_frames() != 4) {
        test_fail("setup_table of 4 frames: status %d, table of %u frames", st,
                  current_frames());
        return;
    }
    for (unsigned int i = 0; i < 4; i++)
        for (unsigned int j = 0; j < i; j++)
            if (frames[i] == frames[j] || mfn_is_own(frames[i], (uint64_t)max))
                test_fail("table frame %u (%#lx): the same as frame %u or one of our pages",
                          i, frames[i], j);
    /* Fewer frames: the first ones, and the table does not shrink. */
    if (!gnt_setup(DOMID_SELF, 2, again, &st) && st == GNTST_okay &&
        (again[0] != frames[0] || again[1] != frames[1] || current_frames() != 4))
        test_fail("setup_table of 2 frames gave %#lx %#lx (had %#lx %#lx), table of %u frames",
                  again[0], again[1], frames[0], frames[1], current_frames());

    before = current_frames();
    if (gnt_setup(DOMID_SELF, gnt_dom0_max_frames() + 1, frames, &st) ||
        st != GNTST_general_error)
        test_fail("setup_table past the limit of %u: status %d, expected GNTST_general_error",
                  gnt_dom0_max_frames(), st);
    expect_rc("setup_table with its list at a hypervisor address",
              gnt_setup(DOMID_SELF, 1, (uint64_t *)HV_ADDRESS, &st), -EFAULT);
    expect_rc("setup_table with a list running into the hypervisor's range",
              gnt_setup(DOMID_SELF, 0x40000000u, (uint64_t *)(0x00007ffffffff000UL), &st),
              -EFAULT);
    if (gnt_setup(DOMID_SELF, 1, far, &st) || st != GNTST_bad_virt_addr)
        test_fail("setup_table with its list unmapped: status %d, expected GNTST_bad_virt_addr",
                  st);
    if (gnt_setup(NO_SUCH_DOMAIN, 1, frames, &st) || st != GNTST_bad_domain)
        test_fail("setup_table of no domain: status %d, expected GNTST_bad_domain", st);
    expect_rc("setup_table with count 2",
              hypercall_grant_table_op(GNTTABOP_setup_table, frames, 2), -EINVAL);
    if (current_frames() != before)
        test_fail("refused setup_tables changed the table from %u to %u frames", before,
                  current_frames());
}

static long pin_l1(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long give_back(uint64_t mfn)
{
    struct xen_memory_reservation r = { .extent_start = (uint64_t)&mfn, .nr_extents = 1,
                                        .domid = DOMID_SELF };

    return hypercall_memory_op(XENMEM_decrease_reservation, &r);
}

/* A table frame is data the guest writes and the hypervisor reads: it
 * maps writable, keeps what was written while unmapped, and can never
 * become a page table or be given back as the guest's memory. */
void test_gnttab_table_frames(void)
{
    uint64_t frames[1];
    int16_t st;
    long rc;

    if (!expect_rc("setup_table", gnt_setup(DOMID_SELF, 1, frames, &st), 0) ||
        st != GNTST_okay) {
        test_error("setup_table status %d", st);
        return;
    }
    rc = gnt_map_table(1);
    if (rc) {
        test_fail("mapping the table frame writable: %ld", rc);
        return;
    }
    gnt_grant_v1(100, 5, 0x1234, GTF_permit_access | GTF_readonly);
    expect_rc("MMUEXT_PIN_L1_TABLE of a grant-table frame (mapped)", pin_l1(frames[0]),
              -EINVAL);
    gnt_unmap_table(1);
    expect_rc("MMUEXT_PIN_L1_TABLE of a grant-table frame (unmapped)", pin_l1(frames[0]),
              -EINVAL);
    expect_rc("decrease_reservation of a grant-table frame", give_back(frames[0]), 0);
    if (gnt_map_table(1)) {
        test_fail("the table frame cannot be mapped again");
        return;
    }
    if (gnt_v1()[100].frame != 0x1234 || gnt_v1()[100].domid != 5 ||
        gnt_v1()[100].flags != (GTF_permit_access | GTF_readonly))
        test_fail("entry 100 reads flags %#x domid %u frame %#x after unmapping it",
                  gnt_v1()[100].flags, gnt_v1()[100].domid, gnt_v1()[100].frame);
    gnt_v1()[100] = (struct grant_entry_v1){ 0, 0, 0 };
    gnt_unmap_table(1);
}

/* XENMEM_add_to_physmap is for translated guests: a PV guest gets
 * -EACCES for the grant table (and every space), as from Xen, once its
 * request was read and its domain found. */
void test_gnttab_add_to_physmap(void)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = 0, .gpfn = 0x100 };
    uint32_t before = current_frames();

    expect_rc("add_to_physmap of grant-table frame 0",
              hypercall_memory_op(XENMEM_add_to_physmap, &x), -EACCES);
    x.idx = 5 | XENMAPIDX_grant_table_status;
    expect_rc("add_to_physmap of a status frame",
              hypercall_memory_op(XENMEM_add_to_physmap, &x), -EACCES);
    x.idx = 5;
    x.space = XENMAPSPACE_gmfn_foreign;
    expect_rc("add_to_physmap of a foreign frame (the batch form only)",
              hypercall_memory_op(XENMEM_add_to_physmap, &x), -ENOSYS);
    x.space = XENMAPSPACE_grant_table;
    x.domid = NO_SUCH_DOMAIN;
    expect_rc("add_to_physmap for no domain", hypercall_memory_op(XENMEM_add_to_physmap, &x),
              -ESRCH);
    expect_rc("add_to_physmap at a hypervisor address",
              hypercall_memory_op(XENMEM_add_to_physmap, (void *)HV_ADDRESS), -EFAULT);
    expect_rc("add_to_physmap with a start extent past 16 bits",
              hypercall(__HYPERVISOR_memory_op,
                        XENMEM_add_to_physmap | (0x10000UL << MEMOP_EXTENT_SHIFT), (uint64_t)&x,
                        0, 0, 0), -EDOM);
    if (current_frames() != before)
        test_fail("add_to_physmap grew the table from %u to %u frames", before,
                  current_frames());
}

/* A created domain's table: its limit as created (0 for Xen's default),
 * another domain's table reached by the initial domain; its frames go
 * back to the heap when it is destroyed. */
static void created_limits(void)
{
    struct proxen_control op = ctl_op(PXCTL_createdomain, 0);
    struct gnttab_query_size q;
    uint64_t frames[4];
    domid_t id, dflt;
    int16_t st;

    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_pages = 64;
    op.u.createdomain.max_grant_frames = 3;
    strlcpy(op.u.createdomain.name, "gnt-limits", sizeof(op.u.createdomain.name));
    if (!expect_rc("createdomain with max_grant_frames 3", ctl_call(&op), 0))
        return;
    id = op.domain;
    if (gnt_query(id, &q) || q.status != GNTST_okay || q.nr_frames != 1 ||
        q.max_nr_frames != 3)
        test_fail("query_size of the new domain: status %d, %u of %u frames (expected 1 of 3)",
                  q.status, q.nr_frames, q.max_nr_frames);
    if (gnt_setup(id, 4, frames, &st) || st != GNTST_general_error)
        test_fail("setup_table of 4 frames for a domain limited to 3: status %d", st);
    if (gnt_setup(id, 3, frames, &st) || st != GNTST_okay || gnt_query(id, &q) ||
        q.nr_frames != 3)
        test_fail("setup_table of 3 frames for it: status %d, %u frames", st, q.nr_frames);
    op.u.createdomain.max_grant_frames = 1025;
    expect_rc("createdomain with max_grant_frames 1025", ctl_call(&op), -EINVAL);
    op.u.createdomain.max_grant_frames = 0;
    op.u.createdomain.max_maptrack_frames = 4097;
    expect_rc("createdomain with max_maptrack_frames 4097", ctl_call(&op), -EINVAL);
    op.u.createdomain.max_maptrack_frames = 0;
    if (expect_rc("createdomain with the defaults", ctl_call(&op), 0)) {
        dflt = op.domain;
        if (gnt_query(dflt, &q) || q.max_nr_frames != 64)
            test_fail("a domain created with max_grant_frames 0 has a limit of %u, not 64",
                      q.max_nr_frames);
        ctl_destroy(dflt);
    }
    expect_rc("destroy the domain", ctl_destroy(id), 0);
}

/* Run twice, the pages counted around the second run: the first may
 * leave the allocator a cached slab of a size it had not used yet. */
void test_gnttab_created_limits(void)
{
    uint64_t before;

    created_limits();
    before = ctl_free_pages();
    created_limits();
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after the domains went, %lu before", ctl_free_pages(), before);
}
