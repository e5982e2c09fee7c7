/* Grant mappings (docs/grant-tables.md): dom0 grants a frame of its own
 * to itself and maps it, by virtual address and by PTE address,
 * writable and read-only, as Xen allows.  Each test checks what the
 * guest can see of Xen's rules -- the entry written, the grant's
 * GTF_reading/GTF_writing, the status codes -- and that once unmapped
 * everything is back: the entry empty, the grant idle, the frame free of
 * every reference the mapping held (it can be pinned as a page table
 * again, which no writable reference would allow). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "gntmap.h"
#include "tests.h"

/* A writable mapping by address: the frame's contents through it, both
 * ways; the grant in use for writing; the entry out of the guest's reach
 * (update_va_mapping and mmu_update cannot clear it); unmapped once. */
void test_gntmap_map_rw(void)
{
    struct gnttab_map_grant_ref op;
    volatile uint64_t *mapped = (volatile uint64_t *)GNTMAP_VA;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref", rc, 0) || !expect_status("map", op.status, GNTST_okay))
        goto out;
    if (op.dev_bus_addr != g.mfn << PAGE_SHIFT)
        test_fail("dev_bus_addr %#lx, expected %#lx", op.dev_bus_addr, g.mfn << PAGE_SHIFT);
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    if (gntmap_in_use(GNTMAP_REF) != (GTF_reading | GTF_writing))
        test_fail("GTF flags %#x while mapped writable", gntmap_in_use(GNTMAP_REF));
    if (mapped[5] != 0x1234567800000005ULL)
        test_fail("read %#lx through the mapping", mapped[5]);
    mapped[7] = 0xfeed;
    if (g.page[7] != 0xfeed)
        test_fail("a write through the mapping did not reach the frame");
    expect_rc("update_va_mapping over the grant mapping",
              hypercall_update_va_mapping(GNTMAP_VA, 0, UVMF_INVLPG), -EINVAL);
    {
        struct mmu_update u = { .ptr = pt_entry_maddr(GNTMAP_VA, 1) | MMU_NORMAL_PT_UPDATE };

        expect_rc("mmu_update clearing the grant mapping",
                  hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), -EINVAL);
    }
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    expect_status("unmap", gntmap_unmap(GNTMAP_VA, op.handle), GNTST_okay);
    expect_status("unmap of the same handle again", gntmap_unmap(GNTMAP_VA, op.handle),
                  GNTST_bad_handle);
    gntmap_expect_released(&g);
out:
    gntmap_grant_teardown(&g);
}

/* XENFEAT_gnttab_map_avail_bits: the request's GNTMAP_guest_avail bits
 * land in the entry's available bits 9-11, as on Xen. */
void test_gntmap_map_avail_bits(void)
{
    struct gnttab_map_grant_ref op;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA,
                    GNTMAP_host_map | (5u << _GNTMAP_guest_avail0), &rc);
    if (expect_rc("map_grant_ref with guest_avail bits", rc, 0) &&
        expect_status("map with guest_avail bits", op.status, GNTST_okay)) {
        gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
        if (((pt_get(GNTMAP_VA, 1) >> 9) & 7) != 5)
            test_fail("the entry %#lx carries available bits %lu, expected 5",
                      pt_get(GNTMAP_VA, 1), (pt_get(GNTMAP_VA, 1) >> 9) & 7);
        expect_status("unmap", gntmap_unmap(GNTMAP_VA, op.handle), GNTST_okay);
    }
    gntmap_grant_teardown(&g);
}

/* A read-only grant: mapped read-only (GTF_reading only, the entry
 * without RW); asked for writable, refused with nothing pinned. */
void test_gntmap_map_ro(void)
{
    struct gnttab_map_grant_ref op;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, GTF_readonly))
        return;
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (expect_rc("map_grant_ref writable", rc, 0))
        expect_status("a read-only grant mapped writable", op.status, GNTST_general_error);
    if (pt_get(GNTMAP_VA, 1) || gntmap_in_use(GNTMAP_REF))
        test_fail("the refused map left entry %#lx, flags %#x", pt_get(GNTMAP_VA, 1),
                  gntmap_in_use(GNTMAP_REF));
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map | GNTMAP_readonly, &rc);
    if (!expect_rc("map_grant_ref read-only", rc, 0) ||
        !expect_status("map read-only", op.status, GNTST_okay))
        goto out;
    gntmap_expect_pte(GNTMAP_VA, g.mfn, false);
    if (gntmap_in_use(GNTMAP_REF) != GTF_reading)
        test_fail("GTF flags %#x while mapped read-only", gntmap_in_use(GNTMAP_REF));
    if (*(volatile uint64_t *)GNTMAP_VA != 0x1234567800000000ULL)
        test_fail("read %#lx through the read-only mapping", *(volatile uint64_t *)GNTMAP_VA);
    expect_status("unmap", gntmap_unmap(GNTMAP_VA, op.handle), GNTST_okay);
    gntmap_expect_released(&g);
out:
    gntmap_grant_teardown(&g);
}

/* GNTMAP_contains_pte: the mapping goes into the entry at that machine
 * address, and is unmapped by it. */
void test_gntmap_map_by_pte(void)
{
    struct gnttab_map_grant_ref op;
    struct gntmap_granted g;
    uint64_t pte;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    pte = pt_entry_maddr(GNTMAP_VA, 1);
    op = gntmap_map(0, GNTMAP_REF, pte, GNTMAP_host_map | GNTMAP_contains_pte, &rc);
    if (!expect_rc("map_grant_ref by PTE", rc, 0) ||
        !expect_status("map by PTE", op.status, GNTST_okay))
        goto out;
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    if (((volatile uint64_t *)GNTMAP_VA)[1] != 0x1234567800000001ULL)
        test_fail("read %#lx through the mapping", ((volatile uint64_t *)GNTMAP_VA)[1]);
    /* The same entry by virtual address is not how it was mapped. */
    expect_status("unmap by address of a PTE mapping", gntmap_unmap(GNTMAP_VA, op.handle),
                  GNTST_general_error);
    expect_status("unmap by PTE", gntmap_unmap(pte, op.handle), GNTST_okay);
    gntmap_expect_released(&g);
out:
    gntmap_grant_teardown(&g);
}

/* Each refusal Xen gives, with nothing mapped and nothing pinned after
 * it. */
static void expect_refused(const char *what, domid_t dom, grant_ref_t ref, uint64_t addr,
                           uint32_t flags, int16_t want)
{
    long rc;
    struct gnttab_map_grant_ref op = gntmap_map(dom, ref, addr, flags, &rc);

    if (!expect_rc(what, rc, 0))
        return;
    expect_status(what, op.status, want);
    if (op.status == GNTST_okay)
        (void)gntmap_unmap(addr, op.handle);
    if (pt_get(GNTMAP_VA, 1) || gntmap_in_use(GNTMAP_REF))
        test_fail("%s left entry %#lx, flags %#x", what, pt_get(GNTMAP_VA, 1),
                  gntmap_in_use(GNTMAP_REF));
}

void test_gntmap_map_refused(void)
{
    struct gntmap_granted g;
    uint64_t pte;

    if (!gntmap_grant_setup(&g, 0))
        return;
    pte = pt_entry_maddr(GNTMAP_VA, 1);
    expect_refused("no host or device use", 0, GNTMAP_REF, GNTMAP_VA, 0, GNTST_bad_gntref);
    expect_refused("an unknown domain", NO_SUCH_DOMAIN, GNTMAP_REF, GNTMAP_VA,
                   GNTMAP_host_map, GNTST_bad_domain);
    expect_refused("DOMID_SELF (a grant names its domain)", DOMID_SELF, GNTMAP_REF, GNTMAP_VA,
                   GNTMAP_host_map, GNTST_bad_domain);
    expect_refused("a reference beyond the table", 0, 100000, GNTMAP_VA, GNTMAP_host_map,
                   GNTST_bad_gntref);
    gnt_grant_v1(GNTMAP_REF + 1, 0, 0, GTF_invalid);
    expect_refused("an entry that grants nothing", 0, GNTMAP_REF + 1, GNTMAP_VA,
                   GNTMAP_host_map, GNTST_general_error);
    gnt_grant_v1(GNTMAP_REF, 5, g.mfn, GTF_permit_access);
    expect_refused("a grant to another domain", 0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map,
                   GNTST_general_error);
    gnt_grant_v1(GNTMAP_REF, 0, g.mfn, GTF_permit_access);
    expect_refused("a hypervisor address", 0, GNTMAP_REF, HV_ADDRESS, GNTMAP_host_map,
                   GNTST_general_error);
    expect_refused("an address with no page table", 0, GNTMAP_REF, 0x7f0000000000ULL,
                   GNTMAP_host_map, GNTST_general_error);
    expect_refused("a misaligned PTE address", 0, GNTMAP_REF, pte + 4,
                   GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error);
    expect_refused("an L2 entry's address", 0, GNTMAP_REF, pt_entry_maddr(GNTMAP_VA, 2),
                   GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error);
    expect_refused("an entry in a frame we do not own", 0, GNTMAP_REF, 0x8,
                   GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error);
    expect_refused("an entry in a data frame", 0, GNTMAP_REF, g.mfn << PAGE_SHIFT,
                   GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error);
    gntmap_grant_teardown(&g);
}

/* A grant of one of our page tables cannot be mapped writable: the pin
 * needs the writable type. */
void test_gntmap_map_page_table(void)
{
    struct gntmap_granted g;
    uint64_t l1;

    if (!gntmap_grant_setup(&g, 0))
        return;
    l1 = pt_entry_maddr(GNTMAP_VA, 1) >> PAGE_SHIFT;
    gnt_grant_v1(GNTMAP_REF, 0, l1, GTF_permit_access);
    expect_refused("a page table mapped writable", 0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map,
                   GNTST_general_error);
    gntmap_grant_teardown(&g);
}

/* Bad handles, a wrong address, a mapping over a mapping: refused, and
 * the mapping still there to be unmapped properly. */
void test_gntmap_unmap_refused(void)
{
    struct gnttab_map_grant_ref op, again;
    struct gntmap_granted g;
    long rc;

    if (!gntmap_grant_setup(&g, 0))
        return;
    op = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref", rc, 0) || !expect_status("map", op.status, GNTST_okay))
        goto out;
    again = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (expect_rc("map_grant_ref again", rc, 0))
        expect_status("a mapping over a grant mapping", again.status, GNTST_general_error);
    expect_status("a handle never given", gntmap_unmap(GNTMAP_VA, 0x7fffffff),
                  GNTST_bad_handle);
    expect_status("the next handle", gntmap_unmap(GNTMAP_VA, op.handle + 1), GNTST_bad_handle);
    expect_status("another address", gntmap_unmap(GNTMAP_VA + PAGE_SIZE, op.handle),
                  GNTST_general_error);
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    /* The same grant mapped twice: each handle goes with its own entry. */
    again = gntmap_map(0, GNTMAP_REF, GNTMAP_VA + PAGE_SIZE, GNTMAP_host_map, &rc);
    if (expect_rc("map_grant_ref at a second address", rc, 0) &&
        expect_status("a second mapping of the grant", again.status, GNTST_okay)) {
        expect_status("the first handle at the second mapping's address",
                      gntmap_unmap(GNTMAP_VA + PAGE_SIZE, op.handle), GNTST_general_error);
        expect_status("the second mapping", gntmap_unmap(GNTMAP_VA + PAGE_SIZE, again.handle),
                      GNTST_okay);
    }
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    /* A zero address asks nothing: done, and the mapping stays (Xen). */
    expect_status("unmap with no address", gntmap_unmap(0, op.handle), GNTST_okay);
    gntmap_expect_pte(GNTMAP_VA, g.mfn, true);
    expect_status("unmap", gntmap_unmap(GNTMAP_VA, op.handle), GNTST_okay);
    gntmap_expect_released(&g);
out:
    gntmap_grant_teardown(&g);
}
