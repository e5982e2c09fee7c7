/* Foreign mappings (docs/pv-abi.md, "Foreign mappings"): the initial
 * domain maps the frames of a domain it created, read-only and writable,
 * through mmu_update's and update_va_mapping_otherdomain's foreign-domain
 * argument, and pins that domain's page tables with mmuext_op; nothing
 * else is reachable that way, and a frame still mapped when its owner is
 * destroyed stays until it is unmapped. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "control_ops.h"
#include "tests.h"

#define VA_A SCRATCH_VA
#define VA_B (SCRATCH_VA + PAGE_SIZE)
#define PATTERN 0x5ca1ab1e0ddba11UL
#define NO_SUCH_DOMAIN 77
#define DOMID_IO 0x7ff1

/* Map mfn at va through an L1 entry of ours, foreigndom as given (with
 * mmu_update's page-table owner in the upper bits). */
static long map_with(uint64_t va, uint64_t mfn, uint64_t flags, uint32_t foreigndom)
{
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };
    struct mmu_update u;
    long rc = pt_ensure_l1(va);

    if (rc)
        return rc;
    u = (struct mmu_update){ .ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE,
                             .val = mfn ? (mfn << PAGE_SHIFT) | flags : 0 };
    rc = hypercall(__HYPERVISOR_mmu_update, (uint64_t)&u, 1, 0, foreigndom, 0);
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return rc;
}

static long uvm_other(uint64_t va, uint64_t mfn, uint64_t flags, domid_t dom)
{
    long rc = pt_ensure_l1(va);

    return rc ? rc : hypercall(__HYPERVISOR_update_va_mapping_otherdomain, va,
                               (mfn << PAGE_SHIFT) | flags, UVMF_INVLPG, dom, 0);
}

static long mmuext_foreign(unsigned int cmd, uint64_t mfn, domid_t dom)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, dom);
}

/* A new domain with nr frames, their numbers in mfns. */
static bool new_domain(const char *name, uint64_t nr, uint64_t *mfns, domid_t *id)
{
    uint64_t got = 0;

    if (!expect_rc("createdomain", ctl_create(name, 1, id), 0))
        return false;
    if (expect_rc("populate", ctl_populate(*id, nr), 0) &&
        expect_rc("getmemlist", ctl_memlist(*id, 0, mfns, nr, &got), 0) && got == nr)
        return true;
    test_fail("%s: %lu frames listed, expected %lu", name, got, nr);
    ctl_destroy(*id);
    return false;
}

static void expect_unmapped(const char *what, uint64_t va)
{
    if (pt_get(va, 1)) {
        test_fail("%s made a mapping: %#lx", what, pt_get(va, 1));
        pt_unmap(va);
    }
}

/* A created domain's frame, mapped writable and read-only; the written
 * value is in the frame (seen through both), and the domain's memory is
 * unchanged by the mappings. */
void test_foreign_map(void)
{
    volatile uint64_t *a = (uint64_t *)VA_A, *b = (uint64_t *)VA_B;
    struct pxctl_domaininfo i;
    uint64_t mfns[4];
    domid_t x;

    if (!new_domain("foreign-map", 4, mfns, &x))
        return;
    if (!expect_rc("mmu_update(x's frame, writable, foreigndom x)",
                   map_with(VA_A, mfns[1], PTE_KERNEL_RW, x), 0))
        goto out;
    if (a[0] || a[511])
        test_fail("x's new frame is not zeroed: %#lx %#lx", a[0], a[511]);
    a[7] = PATTERN;
    if (expect_rc("update_va_mapping_otherdomain(x's frame, read-only)",
                  uvm_other(VA_B, mfns[1], PTE_KERNEL_RO, x), 0) && b[7] != PATTERN)
        test_fail("the second mapping reads %#lx, expected %#lx", b[7], PATTERN);
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0) && i.tot_pages != 4)
        test_fail("x has %lu pages with two mappings of one, expected 4", i.tot_pages);
    expect_rc("unmap", pt_unmap(VA_B), 0);
    expect_rc("unmap", pt_unmap(VA_A), 0);
out:
    expect_rc("destroydomain(x)", ctl_destroy(x), 0);
}

/* Only the named domain's own frames, only leaves, only pins. */
void test_foreign_map_refused(void)
{
    uint64_t *mine = page_alloc(), mine_mfn, mx[2], my[1];
    struct pxctl_domaininfo i;
    struct mmu_update m2p;
    domid_t x, y;

    if (!mine) {
        test_error("out of memory");
        return;
    }
    mine_mfn = virt_to_mfn(mine);
    if (!new_domain("foreign-x", 2, mx, &x))
        goto free;
    if (!new_domain("foreign-y", 1, my, &y))
        goto destroy_x;
    expect_rc("mmu_update(our frame, foreigndom x)", map_with(VA_A, mine_mfn, PTE_KERNEL_RO, x),
              -EBUSY);
    expect_rc("mmu_update(our frame writable, foreigndom x)",
              map_with(VA_A, mine_mfn, PTE_KERNEL_RW, x), -EBUSY);
    expect_rc("mmu_update(y's frame, foreigndom x)", map_with(VA_A, my[0], PTE_KERNEL_RO, x),
              -EBUSY);
    expect_rc("mmu_update(x's frame, foreigndom y)", map_with(VA_A, mx[0], PTE_KERNEL_RW, y),
              -EBUSY);
    expect_rc("mmu_update(x's frame, no foreigndom)", map_with(VA_A, mx[0], PTE_KERNEL_RO,
                                                               DOMID_SELF), -EPERM);
    expect_rc("mmu_update(x's frame, foreigndom DOMID_IO)",
              map_with(VA_A, mx[0], PTE_KERNEL_RO, DOMID_IO), -ESRCH);
    expect_rc("mmu_update(x's frame, foreigndom 77)",
              map_with(VA_A, mx[0], PTE_KERNEL_RO, NO_SUCH_DOMAIN), -ESRCH);
    expect_rc("mmu_update(x's frame, page tables of x)",
              map_with(VA_A, mx[0], PTE_KERNEL_RO, ((x + 1u) << 16) | x), -EOPNOTSUPP);
    expect_rc("mmu_update(x's frame, page tables of 77)",
              map_with(VA_A, mx[0], PTE_KERNEL_RO, ((NO_SUCH_DOMAIN + 1u) << 16) | x), -ESRCH);
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0))
        expect_rc("mmu_update(x's shared_info, foreigndom x)",
                  map_with(VA_A, i.shared_info_frame, PTE_KERNEL_RO, x), -EBUSY);
    expect_unmapped("a refused foreign mapping", VA_A);
    if (expect_rc("mmu_update(x's frame, page tables our own by id)",
                  map_with(VA_A, mx[0], PTE_KERNEL_RO, (1u << 16) | x), 0))
        pt_unmap(VA_A);
    /* Above a leaf, even clearing an entry. */
    m2p = (struct mmu_update){ .ptr = pt_entry_maddr(VA_A, 2) | MMU_NORMAL_PT_UPDATE,
                               .val = pt_get(VA_A, 2) };
    expect_rc("mmu_update(an L2 entry, foreigndom x)", hypercall_mmu_update(&m2p, 1, NULL, x),
              -EINVAL);
    m2p = (struct mmu_update){ .ptr = (mine_mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                               .val = 0 };
    expect_rc("machphys update of our frame, foreigndom x", hypercall_mmu_update(&m2p, 1, NULL, x),
              -EPERM);
    expect_rc("update_va_mapping_otherdomain(our frame, x)",
              uvm_other(VA_A, mine_mfn, PTE_KERNEL_RO, x), -EBUSY);
    expect_rc("update_va_mapping_otherdomain(x's frame, ourselves by id)",
              uvm_other(VA_A, mx[0], PTE_KERNEL_RO, 0), -ESRCH);
    expect_rc("update_va_mapping_otherdomain(x's frame, 77)",
              uvm_other(VA_A, mx[0], PTE_KERNEL_RO, NO_SUCH_DOMAIN), -ESRCH);
    expect_unmapped("a refused update_va_mapping_otherdomain", VA_A);
    expect_rc("mmuext_op(TLB flush, foreigndom x)", mmuext_foreign(MMUEXT_TLB_FLUSH_LOCAL, 0, x),
              -EPERM);
    expect_rc("mmuext_op(new baseptr, foreigndom x)",
              mmuext_foreign(MMUEXT_NEW_BASEPTR, mx[0], x), -EPERM);
    expect_rc("mmuext_op(pin our frame, foreigndom x)",
              mmuext_foreign(MMUEXT_PIN_L1_TABLE, mine_mfn, x), -EINVAL);
    expect_rc("mmuext_op(pin x's frame, foreigndom 77)",
              mmuext_foreign(MMUEXT_PIN_L1_TABLE, mx[0], NO_SUCH_DOMAIN), -ESRCH);
    ctl_destroy(y);
destroy_x:
    ctl_destroy(x);
free:
    page_free(mine);
}

/* A frame mapped when its domain is destroyed: the rest goes back to the
 * heap, the mapped frame keeps its contents until it is unmapped, then
 * goes back too. */
void test_foreign_map_outlives_destroy(void)
{
    volatile uint64_t *a = (uint64_t *)VA_A;
    uint64_t mfns[8], before = ctl_free_pages(), during;
    domid_t x, y;

    if (!new_domain("foreign-gone", 8, mfns, &x))
        return;
    if (!expect_rc("mmu_update(x's frame, writable, foreigndom x)",
                   map_with(VA_A, mfns[3], PTE_KERNEL_RW, x), 0)) {
        ctl_destroy(x);
        return;
    }
    a[0] = PATTERN;
    expect_rc("destroydomain(x) while mapped", ctl_destroy(x), 0);
    expect_rc("destroydomain(x) again", ctl_destroy(x), -ESRCH);
    during = ctl_free_pages();
    if (during >= before || during < before - 4)
        test_fail("free pages %lu before x, %lu after it went with one frame mapped", before,
                  during);
    if (a[0] != PATTERN)
        test_fail("the frame still mapped reads %#lx, expected %#lx", a[0], PATTERN);
    a[1] = PATTERN;                    /* still writable: ours until unmapped */
    /* As on Xen, its id is not given again while the domain is held. */
    if (expect_rc("createdomain while x is held", ctl_create("foreign-next", 1, &y), 0)) {
        if (y == x)
            test_fail("a new domain got the id %u of one still held (a frame mapped)", x);
        ctl_destroy(y);
    }
    expect_rc("unmap the last frame of x", pt_unmap(VA_A), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu once the frame was unmapped, %lu before x was made",
                  ctl_free_pages(), before);
    if (expect_rc("createdomain once x is gone", ctl_create("foreign-next", 1, &y), 0)) {
        if (y != x)
            test_fail("once x was freed a new domain got id %u, not its %u", y, x);
        ctl_destroy(y);
    }
}

/* A created domain's page tables: written through a foreign mapping,
 * pinned (checked against that domain's frames), then no longer mappable
 * writable; pins are undone when the domain is destroyed. */
void test_foreign_pin(void)
{
    volatile uint64_t *a = (uint64_t *)VA_A;
    uint64_t *mine = page_alloc(), mfns[4], before = ctl_free_pages();
    domid_t x;

    if (!mine) {
        test_error("out of memory");
        return;
    }
    if (!new_domain("foreign-pin", 4, mfns, &x))
        goto free;
    /* Table 0 maps frame 1 writable; table 2 names one of our frames. */
    if (!expect_rc("map table 0", map_with(VA_A, mfns[0], PTE_KERNEL_RW, x), 0))
        goto out;
    a[0] = (mfns[1] << PAGE_SHIFT) | PTE_KERNEL_RW;
    expect_rc("pin L1 while mapped writable", mmuext_foreign(MMUEXT_PIN_L1_TABLE, mfns[0], x),
              -EINVAL);
    expect_rc("map table 2", map_with(VA_A, mfns[2], PTE_KERNEL_RW, x), 0);
    a[0] = (virt_to_mfn(mine) << PAGE_SHIFT) | PTE_KERNEL_RO;
    expect_rc("unmap", pt_unmap(VA_A), 0);
    /* (Xen says -EBUSY: Proxen refuses a read-only entry naming a frame
     * its table's owner does not own with -EPERM, docs/pv-abi.md.) */
    expect_rc("pin L1 naming our frame", mmuext_foreign(MMUEXT_PIN_L1_TABLE, mfns[2], x),
              -EPERM);
    expect_rc("pin L1, foreigndom x", mmuext_foreign(MMUEXT_PIN_L1_TABLE, mfns[0], x), 0);
    expect_rc("pin it again", mmuext_foreign(MMUEXT_PIN_L1_TABLE, mfns[0], x), -EINVAL);
    expect_rc("map the pinned table writable", map_with(VA_A, mfns[0], PTE_KERNEL_RW, x), -EBUSY);
    if (expect_rc("map the pinned table read-only", map_with(VA_A, mfns[0], PTE_KERNEL_RO, x), 0)) {
        if ((a[0] & PTE_ADDR_MASK) != mfns[1] << PAGE_SHIFT)
            test_fail("the pinned table's entry 0 is %#lx", a[0]);
        pt_unmap(VA_A);
    }
    expect_rc("unpin", mmuext_foreign(MMUEXT_UNPIN_TABLE, mfns[0], x), 0);
    expect_rc("unpin again", mmuext_foreign(MMUEXT_UNPIN_TABLE, mfns[0], x), -EINVAL);
    if (expect_rc("map the unpinned table writable", map_with(VA_A, mfns[0], PTE_KERNEL_RW, x), 0))
        pt_unmap(VA_A);
    /* Destroyed with a table pinned: its frames all come back. */
    expect_rc("pin L1 again", mmuext_foreign(MMUEXT_PIN_L1_TABLE, mfns[0], x), 0);
out:
    expect_rc("destroydomain(x) with a pinned table", ctl_destroy(x), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after x went with a pinned table, %lu before",
                  ctl_free_pages(), before);
free:
    page_free(mine);
}
