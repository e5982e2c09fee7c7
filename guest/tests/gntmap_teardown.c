/* Grant mappings across a domain's end (docs/grant-tables.md): the
 * initial domain maps a grant of a domain it created and destroys that
 * domain while the mapping lives.  The frame stays allocated and mapped
 * (the mapping reads and writes it), the domain keeps its id until the
 * mapping goes, and the unmap then gives everything back: the frame to
 * the heap, the id to the next domain.
 *
 * The created domain never runs: the initial domain fills its grant
 * table for it, through a foreign mapping of the table's frame (which
 * setup_table names for a privileged caller). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "control_ops.h"
#include "gntmap.h"
#include "tests.h"

#define TABLE_VA  (GNTMAP_VA + 0x10000)     /* the other domain's table */
#define PATTERN   0x6a7e0ff5e7UL

static long map_foreign(uint64_t va, uint64_t mfn, domid_t dom)
{
    struct mmu_update u;
    long rc = pt_ensure_l1(va);

    if (rc)
        return rc;
    u = (struct mmu_update){ .ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE,
                             .val = (mfn << PAGE_SHIFT) | PTE_KERNEL_RW };
    rc = hypercall(__HYPERVISOR_mmu_update, (uint64_t)&u, 1, 0, dom, 0);
    hypercall_update_va_mapping(va, u.val, UVMF_INVLPG);    /* a no-op: flushes va */
    return rc;
}

/* Domain x, with nr frames (their numbers in mfns), granting its frame
 * mfns[1] to us as GNTMAP_REF, writable. */
static bool granting_domain(uint64_t nr, uint64_t *mfns, domid_t *x)
{
    uint64_t got = 0, table;
    int16_t st;

    if (!expect_rc("createdomain", ctl_create("gntmap-granter", 1, x), 0))
        return false;
    if (!expect_rc("populate", ctl_populate(*x, nr), 0) ||
        !expect_rc("getmemlist", ctl_memlist(*x, 0, mfns, nr, &got), 0) || got != nr)
        goto fail;
    if (!expect_rc("setup_table of x", gnt_setup(*x, 1, &table, &st), 0) ||
        !expect_status_ok("setup_table of x", st) ||
        !expect_rc("mapping x's table frame", map_foreign(TABLE_VA, table, *x), 0))
        goto fail;
    {
        struct grant_entry_v1 *e = (struct grant_entry_v1 *)TABLE_VA + GNTMAP_REF;

        e->domid = 0;
        e->frame = (uint32_t)mfns[1];
        __atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);
    }
    return true;
fail:
    ctl_destroy(*x);
    return false;
}

static uint16_t x_in_use(void)
{
    return __atomic_load_n(&((struct grant_entry_v1 *)TABLE_VA)[GNTMAP_REF].flags,
                           __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing);
}

/* One round: x made, its grant mapped, x destroyed, the grant unmapped.
 * The hypervisor's own allocations (our handles on the first map, its
 * allocator's caches) settle in the first round; free pages are counted
 * in the second. */
static void granter_round(bool count_pages)
{
    volatile uint64_t *mapped = (volatile uint64_t *)GNTMAP_VA;
    uint64_t mfns[8], before = ctl_free_pages(), during;
    struct gnttab_map_grant_ref op;
    domid_t x, y;
    long rc;

    if (!granting_domain(8, mfns, &x))
        return;
    op = gntmap_map(x, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref of x's grant", rc, 0) ||
        !expect_status_ok("map of x's grant", op.status)) {
        pt_unmap(TABLE_VA);
        ctl_destroy(x);
        return;
    }
    if (x_in_use() != (GTF_reading | GTF_writing))
        test_fail("x's entry shows %#x while mapped", x_in_use());
    mapped[0] = PATTERN;
    expect_rc("unmapping x's table", pt_unmap(TABLE_VA), 0);
    expect_rc("destroydomain(x) while its grant is mapped", ctl_destroy(x), 0);
    during = ctl_free_pages();
    /* Held: the mapped frame, and x itself until the mapping goes (its
     * shared_info, its table's active entries, its records). */
    if (count_pages && (during >= before || during < before - 16))
        test_fail("free pages %lu before x, %lu after it went with one frame mapped", before,
                  during);
    if (mapped[0] != PATTERN)
        test_fail("the frame still mapped reads %#lx, expected %#lx", mapped[0], PATTERN);
    mapped[1] = PATTERN;                /* still writable until unmapped */
    if (expect_rc("createdomain while x is held", ctl_create("gntmap-next", 1, &y), 0)) {
        if (y == x)
            test_fail("a new domain got the id %u of one still held (a grant mapped)", x);
        ctl_destroy(y);
    }
    expect_status_ok("unmap of the destroyed domain's grant", gntmap_unmap(GNTMAP_VA, op.handle));
    if (pt_get(GNTMAP_VA, 1))
        test_fail("the entry holds %#lx after the unmap", pt_get(GNTMAP_VA, 1));
    if (count_pages && ctl_free_pages() != before)
        test_fail("free pages %lu once the grant was unmapped, %lu before x was made",
                  ctl_free_pages(), before);
    if (expect_rc("createdomain once x is gone", ctl_create("gntmap-next", 1, &y), 0)) {
        if (y != x)
            test_fail("once x was freed a new domain got id %u, not its %u", y, x);
        ctl_destroy(y);
    }
}

void test_gntmap_granter_destroyed(void)
{
    granter_round(false);
    granter_round(true);
}
