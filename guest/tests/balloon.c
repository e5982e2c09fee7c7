/* The guest OS's balloon (guest/kernel/balloon.c): giving pages back to
 * the hypervisor and taking memory for them again moves the reservation
 * exactly, keeps the P2M, the M2P and the direct map consistent, and
 * returns the memory to the allocator. */
#include <balloon.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <mm.h>
#include <test.h>
#include "tests.h"

#define PAGES 300     /* more than a batch, less than a stack page */

static long reservation(void)
{
    domid_t self = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &self);
}

/* Every page the balloon holds has no frame; every page it took back is
 * backed, mapped and the M2P agrees. */
static unsigned long invalid_p2m_entries(void)
{
    unsigned long n = 0;

    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        n += p2m[pfn] == INVALID_P2M_ENTRY;
    return n;
}

void test_balloon_down_up(void)
{
    long cur = reservation(), got;
    uint64_t free_before = page_alloc_free_pages();
    unsigned long invalid_before = invalid_p2m_entries();

    got = balloon_set_target((uint64_t)cur - PAGES);
    if (got != cur - PAGES || reservation() != cur - PAGES)
        test_fail("target %ld pages: reached %ld, reservation %ld", cur - PAGES, got, reservation());
    if (balloon_pages_out() != PAGES)
        test_fail("%lu pages out, not %u", balloon_pages_out(), PAGES);
    if (invalid_p2m_entries() != invalid_before + PAGES)
        test_fail("%lu P2M entries invalid, not %lu", invalid_p2m_entries(), invalid_before + PAGES);
    /* The allocator lost the pages given back and at most a page or two
     * the balloon keeps its list in. */
    if (free_before - page_alloc_free_pages() < PAGES ||
        free_before - page_alloc_free_pages() > PAGES + 2)
        test_fail("the allocator has %lu pages fewer, not %u (+2)",
                  free_before - page_alloc_free_pages(), PAGES);

    /* Asking for more than was given back takes back only that. */
    got = balloon_set_target((uint64_t)cur + 1000);
    if (got != cur || reservation() != cur || balloon_pages_out() != 0)
        test_fail("back up: reached %ld of %ld, reservation %ld, %lu pages still out", got, cur,
                  reservation(), balloon_pages_out());
    if (invalid_p2m_entries() != invalid_before)
        test_fail("%lu P2M entries invalid after taking memory back, not %lu",
                  invalid_p2m_entries(), invalid_before);
    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] != INVALID_P2M_ENTRY && mfn_to_pfn(p2m[pfn]) != pfn) {
            test_fail("pfn %#lx: P2M %#lx, whose M2P entry is %#lx", pfn, p2m[pfn],
                      mfn_to_pfn(p2m[pfn]));
            break;
        }
    if (page_alloc_free_pages() + 1 < free_before)
        test_fail("the allocator has %lu pages, %lu before", page_alloc_free_pages(), free_before);
}

/* The pages taken back are usable memory: every one of them can be
 * allocated, written and read. */
void test_balloon_pages_usable(void)
{
    long cur = reservation();
    uint64_t *pages[64];
    unsigned int n = 0;

    if (balloon_set_target((uint64_t)cur - 64) != cur - 64 ||
        balloon_set_target((uint64_t)cur) != cur) {
        test_fail("ballooning 64 pages down and up did not return to %ld", cur);
        return;
    }
    /* The allocator hands out the freed pages first: the ones just taken back. */
    for (n = 0; n < 64; n++) {
        pages[n] = page_alloc();
        if (!pages[n])
            break;
        pages[n][0] = n;
        pages[n][511] = ~(uint64_t)n;
    }
    for (unsigned int i = 0; i < n; i++) {
        if (pages[i][0] != i || pages[i][511] != ~(uint64_t)i)
            test_fail("page %u (pfn %#lx) does not keep what was written", i, virt_to_pfn(pages[i]));
        page_free(pages[i]);
    }
    if (n < 64)
        test_fail("only %u pages could be allocated", n);
}
