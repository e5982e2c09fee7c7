/* GNTTABOP_unmap_and_replace (docs/grant-tables.md): the entry of the
 * mapping unmapped takes over what new_addr's entry mapped, as on Xen.
 * An ordinary entry moves with its references; a grant mapping moves
 * with its handle, which then unmaps it at its new place only, and the
 * hold it had on its old page table goes (XTF's xsa-234 does this on
 * purpose, to shake a writable reference loose: it must stay held). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "gntmap.h"
#include "tests.h"

/* A 2 MiB slot of its own, so that its L1 table is not GNTMAP_VA's. */
#define FAR_VA (VMAP_START + 0x3000000)

static int16_t unmap_and_replace(uint64_t addr, uint64_t new_addr, grant_handle_t handle)
{
    struct gnttab_unmap_and_replace op = { .host_addr = addr, .new_addr = new_addr,
                                           .handle = handle, .status = 99 };
    long rc = hypercall_grant_table_op(GNTTABOP_unmap_and_replace, &op, 1);

    return rc ? 1 : op.status;
}

/* unmap_and_replace: the grant's entry takes what new_addr mapped, and
 * new_addr is left empty; refused for a PTE mapping, a new_addr that is
 * the mapping itself or has no page table, with the mapping left as it
 * was. */
void test_gntmap_unmap_and_replace(void)
{
    uint64_t other = GNTMAP_VA + PAGE_SIZE, *page2 = page_alloc();
    struct gnttab_map_grant_ref op, by_pte;
    struct gntmap_granted g;
    long rc;

    if (!page2) {
        test_error("out of memory");
        return;
    }
    page2[0] = 0x2222;
    if (!gntmap_grant_setup(&g, 0))
        goto out_page;
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref", rc, 0) || !expect_status("map", op.status, GNTST_okay))
        goto out;
    expect_status("replace from a hypervisor address",
                  unmap_and_replace(GNTMAP_VA, HV_ADDRESS, op.handle), GNTST_general_error);
    expect_status("replace from an address with no page table",
                  unmap_and_replace(GNTMAP_VA, 0x7f0000000000ULL, op.handle),
                  GNTST_general_error);
    by_pte = gntmap_map(0, GNTMAP_REF, pt_entry_maddr(other, 1),
                        GNTMAP_host_map | GNTMAP_contains_pte, &rc);
    if (expect_rc("a second mapping, by PTE", rc, 0) &&
        expect_status("map by PTE", by_pte.status, GNTST_okay)) {
        expect_status("replace from the mapping itself",
                      unmap_and_replace(GNTMAP_VA, GNTMAP_VA, op.handle), GNTST_general_error);
        gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
        expect_status("replace of a PTE mapping",
                      unmap_and_replace(pt_entry_maddr(other, 1), GNTMAP_VA + 2 * PAGE_SIZE,
                                        by_pte.handle),
                      GNTST_general_error);
        expect_status("unmap of the PTE mapping",
                      gntmap_unmap(pt_entry_maddr(other, 1), by_pte.handle), GNTST_okay);
    }
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    if (!expect_rc("mapping our own page at the other address",
                   pt_map(other, virt_to_mfn(page2), PTE_KERNEL_RW), 0))
        goto out_unmap;
    if (expect_status("unmap_and_replace", unmap_and_replace(GNTMAP_VA, other, op.handle),
                      GNTST_okay)) {
        if (pt_get(other, 1))
            test_fail("new_addr still maps %#lx", pt_get(other, 1));
        if (((pt_get(GNTMAP_VA, 1) >> PAGE_SHIFT) & 0xffffffffffULL) != virt_to_mfn(page2) ||
            pt_get(GNTMAP_VA, 1) & PTE_GRANT)
            test_fail("the grant's address maps %#lx, not our page", pt_get(GNTMAP_VA, 1));
        if (*(volatile uint64_t *)GNTMAP_VA != 0x2222)
            test_fail("the grant's address reads %#lx, not our page's 0x2222",
                      *(volatile uint64_t *)GNTMAP_VA);
        expect_status("unmap after the replace", gntmap_unmap(GNTMAP_VA, op.handle),
                      GNTST_bad_handle);
        expect_rc("unmapping our page", pt_unmap(GNTMAP_VA), 0);
        gntmap_expect_released(&g);
        goto out;
    }
out_unmap:
    (void)pt_unmap(other);
    (void)gntmap_unmap(GNTMAP_VA, op.handle);
out:
    gntmap_grant_teardown(&g);
out_page:
    page_free(page2);
}

/* A read-only mapping replaced from a writable grant mapping of the same
 * frame (xsa-234's steps): the writable mapping moves, new_addr is
 * empty and the guest may map its frame there again, but the moved
 * mapping's handle still holds the writable reference (the frame cannot
 * become a page table) until it is unmapped where it now is. */
void test_gntmap_replace_moves_grant(void)
{
    uint64_t other = GNTMAP_VA + PAGE_SIZE;
    struct gnttab_map_grant_ref rw, ro;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    rw = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref", rc, 0) || !expect_status("map", rw.status, GNTST_okay))
        goto out;
    ro = gntmap_map(0, GNTMAP_REF, other, GNTMAP_host_map | GNTMAP_readonly, &rc);
    if (!expect_rc("map_grant_ref read-only", rc, 0) ||
        !expect_status("map read-only", ro.status, GNTST_okay)) {
        expect_status("unmap", gntmap_unmap(GNTMAP_VA, rw.handle), GNTST_okay);
        goto out;
    }
    if (!expect_status("unmap_and_replace from the writable mapping",
                       unmap_and_replace(other, GNTMAP_VA, ro.handle), GNTST_okay)) {
        (void)gntmap_unmap(other, ro.handle);
        (void)gntmap_unmap(GNTMAP_VA, rw.handle);
        goto out;
    }
    if (pt_get(GNTMAP_VA, 1))
        test_fail("new_addr still maps %#lx", pt_get(GNTMAP_VA, 1));
    gntmap_expect_pte(other, g.mfn, true);
    if (*(volatile uint64_t *)other != 0x1234567800000000ULL)
        test_fail("the moved mapping reads %#lx", *(volatile uint64_t *)other);
    if (gntmap_in_use(GNTMAP_REF) != (GTF_reading | GTF_writing))
        test_fail("GTF flags %#x with the writable mapping moved", gntmap_in_use(GNTMAP_REF));
    expect_status("the read-only handle, gone", gntmap_unmap(other, ro.handle),
                  GNTST_bad_handle);
    expect_status("replace from the moved mapping itself",
                  unmap_and_replace(other, other, rw.handle), GNTST_general_error);
    gntmap_expect_pte(other, g.mfn, true);
    /* The frame mapped read-only by the guest where the grant was. */
    if (expect_rc("our own read-only mapping at the old address",
                  pt_map(GNTMAP_VA, g.mfn, PTE_KERNEL_RO), 0)) {
        expect_status("unmap at the old address", gntmap_unmap(GNTMAP_VA, rw.handle),
                      GNTST_general_error);
        expect_rc("pinning the frame as an L1 table while mapped writable",
                  gntmap_pin_l1(g.mfn, true), -EINVAL);
        expect_rc("unmapping our own mapping", pt_unmap(GNTMAP_VA), 0);
    }
    gntmap_expect_pte(other, g.mfn, true);
    expect_status("unmap where the mapping is now", gntmap_unmap(other, rw.handle), GNTST_okay);
    expect_status("that handle again", gntmap_unmap(other, rw.handle), GNTST_bad_handle);
    if (pt_get(other, 1))
        test_fail("the moved mapping's entry is left: %#lx", pt_get(other, 1));
    gntmap_expect_released(&g);
out:
    gntmap_grant_teardown(&g);
}

/* Unhook va's L1 table and give its frame back: it must hold no type
 * reference any more (made writable again).  0, or the refusal. */
static long release_l1(uint64_t va)
{
    uint64_t table = (pt_get(va, 2) & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct mmu_update u = { .ptr = pt_entry_maddr(va, 2) | MMU_NORMAL_PT_UPDATE, .val = 0 };
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    long rc = hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);

    if (rc)
        return rc;
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    rc = page_set_readonly(mfn_to_virt(table), false);
    if (!rc)
        page_free(mfn_to_virt(table));
    return rc;      /* a table still held stays allocated */
}

/* A grant mapping moved from another page table: its hold on that table
 * goes with it (the table can be unhooked and be an ordinary page
 * again), and the one on the new table stays until it is unmapped. */
void test_gntmap_replace_moves_table_hold(void)
{
    struct gnttab_map_grant_ref far, near;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    if (!expect_rc("a page table for FAR_VA", pt_ensure_l1(FAR_VA), 0))
        goto out;
    far = gntmap_map(0, GNTMAP_REF, FAR_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref far", rc, 0) ||
        !expect_status("map far", far.status, GNTST_okay))
        goto out_table;
    near = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map | GNTMAP_readonly, &rc);
    if (!expect_rc("map_grant_ref near", rc, 0) ||
        !expect_status("map near", near.status, GNTST_okay)) {
        (void)gntmap_unmap(FAR_VA, far.handle);
        goto out_table;
    }
    if (!expect_status("unmap_and_replace across tables",
                       unmap_and_replace(GNTMAP_VA, FAR_VA, near.handle), GNTST_okay)) {
        (void)gntmap_unmap(GNTMAP_VA, near.handle);
        (void)gntmap_unmap(FAR_VA, far.handle);
        goto out_table;
    }
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    expect_rc("unhooking the table the mapping left", release_l1(FAR_VA), 0);
    expect_status("unmap where the mapping is now", gntmap_unmap(GNTMAP_VA, far.handle),
                  GNTST_okay);
    /* GNTMAP_VA's table is held by its L2 entry alone again: an entry
     * written and cleared there still works. */
    if (expect_rc("an ordinary mapping in GNTMAP_VA's table",
                  pt_map(GNTMAP_VA, g.mfn, PTE_KERNEL_RO), 0))
        expect_rc("and gone", pt_unmap(GNTMAP_VA), 0);
    gntmap_expect_released(&g);
    goto out;
out_table:
    (void)release_l1(FAR_VA);
out:
    gntmap_grant_teardown(&g);
}
