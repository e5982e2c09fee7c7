/* GNTTABOP_transfer (docs/grant-tables.md): the initial domain gives
 * pages of its own to a domain it created, which accepts them in a grant
 * entry (written for it through a foreign mapping of its table, as in
 * gntmap_teardown.c).  A page still mapped, a page table or a frame not
 * ours is refused with GNTST_bad_page and stays ours; a good page goes
 * over, the entry completed with its frame; a page whose receiver or
 * entry is wrong is gone all the same (Xen's rule). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "control_ops.h"
#include "gntmap.h"
#include "tests.h"

#define TABLE_VA (GNTMAP_VA + 0x20000)
#define ACCEPT_REF 5

static int16_t transfer(uint64_t mfn, domid_t to, grant_ref_t ref)
{
    struct gnttab_transfer op = { .mfn = mfn, .domid = to, .ref = ref, .status = 99 };
    long rc = hypercall_grant_table_op(GNTTABOP_transfer, &op, 1);

    return rc ? 1 : op.status;
}

static uint64_t tot_pages(domid_t d)
{
    struct pxctl_domaininfo i;

    return ctl_info(d, &i) ? 0 : i.tot_pages;
}

/* x, with room for more pages, its entry ACCEPT_REF accepting a page
 * from us; its table mapped at TABLE_VA. */
static bool receiver(domid_t *x)
{
    struct grant_entry_v1 *e = (struct grant_entry_v1 *)TABLE_VA + ACCEPT_REF;
    struct mmu_update u;
    uint64_t table;
    int16_t st;

    if (!expect_rc("createdomain", ctl_create("gntmap-receiver", 1, x), 0))
        return false;
    if (!expect_rc("populate", ctl_populate(*x, 4), 0) ||
        !expect_rc("setup_table of x", gnt_setup(*x, 1, &table, &st), 0) ||
        !expect_status_ok("setup_table of x", st) ||
        !expect_rc("pt_ensure_l1", pt_ensure_l1(TABLE_VA), 0))
        goto fail;
    u = (struct mmu_update){ .ptr = pt_entry_maddr(TABLE_VA, 1) | MMU_NORMAL_PT_UPDATE,
                             .val = (table << PAGE_SHIFT) | PTE_KERNEL_RW };
    if (!expect_rc("mapping x's table", hypercall(__HYPERVISOR_mmu_update, (uint64_t)&u, 1, 0,
                                                  *x, 0), 0))
        goto fail;
    e->domid = 0;
    e->frame = 0;
    __atomic_store_n(&e->flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    return true;
fail:
    ctl_destroy(*x);
    return false;
}

/* A page of ours out of our own direct map (nothing holds it but its
 * allocation), given up by our allocator for good. */
static uint64_t loose_page(void)
{
    uint64_t *page = page_alloc();

    if (!page)
        return 0;
    page[0] = 0x7a5f3e;
    return pt_unmap((uint64_t)page) ? 0 : virt_to_mfn(page);
}

/* The pages given away come back as new frames (increase_reservation),
 * so that our reservation is what it was (control_domaininfo compares it
 * with start_info); the frames stay out of our P2M, unused. */
static void restore_reservation(uint64_t pages)
{
    uint64_t frames[8], lost = pages - tot_pages(0);
    struct xen_memory_reservation r = { .extent_start = (uint64_t)frames, .nr_extents = lost,
                                        .domid = DOMID_SELF };

    if (lost > 8 || hypercall_memory_op(XENMEM_increase_reservation, &r) != (long)lost ||
        tot_pages(0) != pages)
        test_fail("getting %lu pages back: %lu pages, %lu before", lost, tot_pages(0), pages);
}

static long set_max_pages(domid_t d, uint64_t pages)
{
    struct proxen_control op = ctl_op(PXCTL_setmaxmem, d);

    op.u.setmaxmem.max_pages = pages;
    return ctl_call(&op);
}

void test_gntmap_transfer(void)
{
    struct grant_entry_v1 *e = (struct grant_entry_v1 *)TABLE_VA + ACCEPT_REF;
    uint64_t *mapped = page_alloc(), mfn, x_pages, my_pages, start = tot_pages(0);
    domid_t x;

    if (!mapped) {
        test_error("out of memory");
        return;
    }
    if (!receiver(&x))
        goto out_page;
    expect_status("a page still mapped", transfer(virt_to_mfn(mapped), x, ACCEPT_REF),
                  GNTST_bad_page);
    expect_status("one of our page tables",
                  transfer(pt_entry_maddr(TABLE_VA, 1) >> PAGE_SHIFT, x, ACCEPT_REF),
                  GNTST_bad_page);
    expect_status("a frame not ours", transfer(0, x, ACCEPT_REF), GNTST_bad_page);
    /* Mapped read-only (a reference, no type in use): still held. */
    if (expect_rc("making the page read-only", page_set_readonly(mapped, true), 0)) {
        expect_status("a page mapped read-only", transfer(virt_to_mfn(mapped), x, ACCEPT_REF),
                      GNTST_bad_page);
        expect_rc("making it writable again", page_set_readonly(mapped, false), 0);
    }
    {
        uint64_t theirs[4], got = 0;

        if (expect_rc("getmemlist(x)", ctl_memlist(x, 0, theirs, 4, &got), 0) && got)
            expect_status("a frame of the receiver's", transfer(theirs[0], x, ACCEPT_REF),
                          GNTST_bad_page);
    }
    expect_status("a frame beyond memory", transfer(1ULL << 40, x, ACCEPT_REF), GNTST_bad_page);
    mapped[3] = 0x77;                   /* still ours, still mapped */
    if (e->flags != GTF_accept_transfer)
        test_fail("x's entry changed to %#x by refused transfers", e->flags);
    mfn = loose_page();
    x_pages = tot_pages(x);
    my_pages = tot_pages(0);
    if (!mfn) {
        test_error("taking a page out of the direct map");
        goto out;
    }
    if (expect_status("transfer", transfer(mfn, x, ACCEPT_REF), GNTST_okay)) {
        if (e->flags != (GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed) ||
            e->frame != mfn)
            test_fail("x's entry reads flags %#x frame %#x after the transfer of %#lx", e->flags,
                      e->frame, mfn);
        if (tot_pages(x) != x_pages + 1 || tot_pages(0) != my_pages - 1)
            test_fail("pages: x %lu -> %lu, ours %lu -> %lu", x_pages, tot_pages(x), my_pages,
                      tot_pages(0));
    }
    /* A committed entry takes nothing more; the page is gone anyway. */
    mfn = loose_page();
    my_pages = tot_pages(0);
    if (mfn) {
        expect_status("transfer into a used entry", transfer(mfn, x, ACCEPT_REF),
                      GNTST_general_error);
        if (tot_pages(0) != my_pages - 1 || tot_pages(x) != x_pages + 1)
            test_fail("a failed transfer: ours %lu -> %lu, x %lu", my_pages, tot_pages(0),
                      tot_pages(x));
    }
    /* A receiver at its limit takes nothing, the entry left as it was. */
    e[2].domid = 0;
    __atomic_store_n(&e[2].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    if (expect_rc("setmaxmem(x) to what it has", set_max_pages(x, tot_pages(x)), 0) &&
        (mfn = loose_page())) {
        expect_status("transfer to a full receiver", transfer(mfn, x, ACCEPT_REF + 2),
                      GNTST_general_error);
        if (e[2].flags != GTF_accept_transfer)
            test_fail("the full receiver's entry changed to %#x", e[2].flags);
        expect_rc("setmaxmem(x) back", set_max_pages(x, 1024), 0);
    }
    /* An entry accepting from another domain, a reference beyond x's
     * table: refused, the pages gone. */
    e[1].domid = 5;
    __atomic_store_n(&e[1].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    if ((mfn = loose_page()))
        expect_status("transfer into an entry for another domain",
                      transfer(mfn, x, ACCEPT_REF + 1), GNTST_general_error);
    if (e[1].flags != GTF_accept_transfer)
        test_fail("the other domain's entry changed to %#x", e[1].flags);
    if ((mfn = loose_page()))
        expect_status("transfer into a reference beyond the table", transfer(mfn, x, 100000),
                      GNTST_general_error);
    if (tot_pages(x) != x_pages + 1)
        test_fail("x has %lu pages after refused transfers, %lu expected", tot_pages(x),
                  x_pages + 1);
    if ((mfn = loose_page()))
        expect_status("transfer to no domain", transfer(mfn, NO_SUCH_DOMAIN, 0),
                      GNTST_bad_domain);
out:
    pt_unmap(TABLE_VA);
    expect_rc("destroydomain(x)", ctl_destroy(x), 0);
    restore_reservation(start);
out_page:
    page_free(mapped);
}
