/* memory_op's reservation changes (docs/pv-abi.md, "Reservations"):
 * the guest gives a page back and takes memory again, keeping its P2M,
 * the M2P and its direct map consistent; a frame given back while still
 * mapped stays until unmapped; the initial domain changes another
 * domain's memory within its limit; and every refusal is a count of
 * extents done, as on Xen. */
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

#define NO_SUCH_DOMAIN 77
#define M2P_INVALID (~0UL)          /* an M2P entry no domain claims */

static long memop(unsigned int op, unsigned long start, uint64_t *list, uint64_t nr,
                  unsigned int order, uint32_t flags, domid_t dom)
{
    struct xen_memory_reservation r = { .extent_start = (uint64_t)list, .nr_extents = nr,
                                        .extent_order = order, .mem_flags = flags,
                                        .domid = dom };

    return hypercall(__HYPERVISOR_memory_op, op | (start << MEMOP_EXTENT_SHIFT), (uint64_t)&r,
                     0, 0, 0);
}

static long reservation_of(unsigned int op, domid_t dom)
{
    return hypercall_memory_op(op, &dom);
}

/* Give back the frame behind page, then back its pseudo-physical frame
 * again with a new one (through op), mapped where it was. */
static void give_back_and_take(unsigned int op)
{
    uint64_t *page = page_alloc(), pfn, mfn, list[1];
    long cur = reservation_of(XENMEM_current_reservation, DOMID_SELF);
    uint64_t free_before = ctl_free_pages();

    if (!page) {
        test_error("out of memory");
        return;
    }
    pfn = virt_to_pfn(page);
    mfn = pfn_to_mfn(pfn);
    page[3] = 0x1234;
    list[0] = mfn;
    if (!expect_rc("decrease_reservation(our page)",
                   memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 1))
        goto out;
    if (reservation_of(XENMEM_current_reservation, DOMID_SELF) != cur - 1)
        test_fail("current_reservation %ld after giving one of %ld back",
                  reservation_of(XENMEM_current_reservation, 0), cur);
    if (mfn_to_pfn(mfn) != M2P_INVALID)
        test_fail("the M2P still says %#lx for the frame given back", mfn_to_pfn(mfn));
    /* Still mapped in our direct map: ours to read until unmapped. */
    if (page[3] != 0x1234 || ctl_free_pages() != free_before)
        test_fail("a given-back page still mapped: reads %#lx, free pages %lu -> %lu",
                  page[3], free_before, ctl_free_pages());
    expect_rc("decrease_reservation(the same frame again)",
              memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    expect_rc("unmap the page given back", pt_unmap((uint64_t)page), 0);
    if (ctl_free_pages() != free_before + 1)
        test_fail("free pages %lu once the given-back page was unmapped, %lu before",
                  ctl_free_pages(), free_before);
    list[0] = op == XENMEM_populate_physmap ? pfn : 0;
    if (!expect_rc(op == XENMEM_populate_physmap ? "populate_physmap" : "increase_reservation",
                   memop(op, 0, list, 1, 0, 0, DOMID_SELF), 1))
        goto remap;                     /* leave it unmapped: not ours */
    if (op == XENMEM_populate_physmap && mfn_to_pfn(list[0]) != pfn)
        test_fail("populate_physmap: the M2P says %#lx for the new frame, not %#lx",
                  mfn_to_pfn(list[0]), pfn);
    if (op == XENMEM_increase_reservation)
        hypercall_mmu_update(&(struct mmu_update){ (list[0] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                                                   pfn }, 1, NULL, DOMID_SELF);
    p2m[pfn] = list[0];
    if (!expect_rc("map the new frame", pt_map((uint64_t)page, list[0], PTE_KERNEL_RW), 0))
        return;
    if (page[3] || page[511])
        test_fail("the new frame is not zeroed: %#lx %#lx", page[3], page[511]);
    if (reservation_of(XENMEM_current_reservation, DOMID_SELF) != cur ||
        ctl_free_pages() != free_before)
        test_fail("after taking one back: current_reservation %ld (was %ld), free %lu (was %lu)",
                  reservation_of(XENMEM_current_reservation, DOMID_SELF), cur,
                  ctl_free_pages(), free_before);
out:
    page_free(page);
    return;
remap:
    test_fail("the page at %p stays unmapped", (void *)page);
}

void test_memop_increase_reservation(void)
{
    give_back_and_take(XENMEM_increase_reservation);
}

void test_memop_populate_physmap(void)
{
    give_back_and_take(XENMEM_populate_physmap);
}

/* Refusals count the extents done (the extent started from). */
void test_memop_reservation_refused(void)
{
    uint64_t *page = page_alloc(), list[2];

    if (!page) {
        test_error("out of memory");
        return;
    }
    list[0] = 0;
    expect_rc("increase_reservation past our limit",
              memop(XENMEM_increase_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    expect_rc("increase_reservation, order 19",
              memop(XENMEM_increase_reservation, 0, NULL, 1, 19, 0, DOMID_SELF), 0);
    expect_rc("increase_reservation, 2^26 extents",
              memop(XENMEM_increase_reservation, 0, NULL, 1UL << 26, 0, 0, DOMID_SELF), 0);
    expect_rc("increase_reservation from extent 5 of 3",
              memop(XENMEM_increase_reservation, 5, NULL, 3, 0, 0, DOMID_SELF), 5);
    expect_rc("populate_physmap(ourselves, on demand)",
              memop(XENMEM_populate_physmap, 0, list, 1, 0, XENMEMF_populate_on_demand, DOMID_SELF),
              0);
    expect_rc("increase_reservation(domain 77)",
              memop(XENMEM_increase_reservation, 0, NULL, 1, 0, 0, NO_SUCH_DOMAIN), 0);
    expect_rc("increase_reservation below 4 KiB",
              memop(XENMEM_increase_reservation, 0, NULL, 1, 0, XENMEMF_address_bits(12),
                    DOMID_SELF), 0);
    expect_rc("populate_physmap, unreadable list",
              memop(XENMEM_populate_physmap, 0, (uint64_t *)UNMAPPED_VA, 1, 0, 0, DOMID_SELF), 0);
    expect_rc("memory_op(unreadable reservation)",
              hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, UNMAPPED_VA, 0, 0, 0),
              0);
    /* A frame not ours, one past the frame table: nothing given back. */
    list[0] = test_foreign_frame();
    expect_rc("decrease_reservation(a frame not ours)",
              memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    list[0] = (uint64_t)hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    expect_rc("decrease_reservation(past the last frame)",
              memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    list[0] = 1ULL << 40;           /* far past any frame table */
    expect_rc("decrease_reservation(frame 2^40)",
              memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    /* Two extents, the second refused: the first stays given. */
    list[0] = virt_to_mfn(page);
    list[1] = test_foreign_frame();
    expect_rc("decrease_reservation(ours, then not ours)",
              memop(XENMEM_decrease_reservation, 0, list, 2, 0, 0, DOMID_SELF), 1);
    expect_rc("decrease_reservation(ours, given back already)",
              memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
    /* Take it back where it was, so the allocator's page stays usable. */
    expect_rc("unmap", pt_unmap((uint64_t)page), 0);
    list[0] = virt_to_pfn(page);
    if (expect_rc("populate_physmap", memop(XENMEM_populate_physmap, 0, list, 1, 0, 0,
                                            DOMID_SELF), 1)) {
        p2m[virt_to_pfn(page)] = list[0];
        expect_rc("map", pt_map((uint64_t)page, list[0], PTE_KERNEL_RW), 0);
        page_free(page);
    }
}

/* The initial domain sizes a created domain's memory: within its limit,
 * in extents of 2^order contiguous frames, and gives some back. */
void test_memop_other_domain(void)
{
    static uint64_t list[1100];
    uint64_t before, got;
    struct pxctl_domaininfo i;
    domid_t x;

    /* A domain made and destroyed first: the hypervisor's allocator keeps
     * a slab of each size it has served (xmalloc.c), and this may be the
     * first domain; what x leaves behind is counted from here. */
    if (!expect_rc("createdomain(warm-up)", ctl_create("reservation", 1, &x), 0) ||
        !expect_rc("destroydomain(warm-up)", ctl_destroy(x), 0))
        return;
    before = ctl_free_pages();
    if (!expect_rc("createdomain(x)", ctl_create("reservation", 1, &x), 0))
        return;
    expect_rc("increase_reservation(x, 2^26 extents)",
              memop(XENMEM_increase_reservation, 0, NULL, 1UL << 26, 0, 0, x), 0);
    /* Below 1 MiB: most likely none is free; one that is must lie there. */
    if (memop(XENMEM_increase_reservation, 0, list, 1, 0, XENMEMF_address_bits(20), x) == 1 &&
        list[0] >= 0x100)
        test_fail("increase_reservation below 1 MiB gave frame %#lx", list[0]);
    if (expect_rc("getmemlist(x)", ctl_memlist(x, 0, list, 1, &got), 0) && got)
        expect_rc("decrease_reservation(x, the frame below 1 MiB)",
                  memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, x), 1);
    if (expect_rc("increase_reservation(x, 2 extents of order 2)",
                  memop(XENMEM_increase_reservation, 0, list, 2, 2, 0, x), 2)) {
        if (list[0] & 3 || list[1] & 3)
            test_fail("extents of order 2 at %#lx and %#lx, not aligned", list[0], list[1]);
        if (expect_rc("getmemlist(x)", ctl_memlist(x, 0, list + 2, 8, &got), 0) &&
            (got != 8 || list[2] != list[0] || list[5] != list[0] + 3))
            test_fail("x's frames: %lu listed, first %#lx, fourth %#lx (extent at %#lx)", got,
                      list[2], list[5], list[0]);
    }
    /* 1016 more fit under its limit of 1024, not 1017. */
    expect_rc("increase_reservation(x, 1017 frames)",
              memop(XENMEM_increase_reservation, 0, NULL, 1017, 0, 0, x), 1016);
    if (expect_rc("current_reservation(x)", reservation_of(XENMEM_current_reservation, x), 1024))
        expect_rc("maximum_reservation(x)", reservation_of(XENMEM_maximum_reservation, x), 1024);
    expect_rc("current_reservation(77)", reservation_of(XENMEM_current_reservation, 77), -ESRCH);
    /* Given back while pinned as x's page table: unpinned, and freed. */
    if (expect_rc("getmemlist(x)", ctl_memlist(x, 0, list, 1024, &got), 0) && got == 1024) {
        struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = list[999] };

        expect_rc("pin one of x's frames", hypercall_mmuext_op(&pin, 1, NULL, x), 0);
        expect_rc("decrease_reservation(x, 1000 frames)",
                  memop(XENMEM_decrease_reservation, 0, list, 1000, 0, 0, x), 1000);
    }
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0) && i.tot_pages != 24)
        test_fail("x has %lu pages after giving 1000 of 1024 back", i.tot_pages);
    /* x's frame, populated at pseudo-physical 5: not ours to give back,
     * and its M2P entry stays. */
    list[0] = 5;
    if (expect_rc("populate_physmap(x)", memop(XENMEM_populate_physmap, 0, list, 1, 0, 0, x), 1)) {
        uint64_t theirs = list[0];

        expect_rc("decrease_reservation(x's frame as ours)",
                  memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, DOMID_SELF), 0);
        if (mfn_to_pfn(theirs) != 5)
            test_fail("x's frame %#lx: M2P %#lx after our refused give-back, expected 5", theirs,
                      mfn_to_pfn(theirs));
    }
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0)) {
        list[0] = i.shared_info_frame;
        expect_rc("decrease_reservation(x, its shared_info)",
                  memop(XENMEM_decrease_reservation, 0, list, 1, 0, 0, x), 0);
    }
    expect_rc("populate_physmap(x, on demand)",
              memop(XENMEM_populate_physmap, 0, list, 3, 0, XENMEMF_populate_on_demand, x), 3);
    expect_rc("destroydomain(x)", ctl_destroy(x), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after x went, %lu before", ctl_free_pages(), before);
}
