/* memory_op: what a PV guest can learn about its memory. */
#include <errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <test.h>
#include "tests.h"

void test_memory_current_reservation(void)
{
    domid_t self = DOMID_SELF;

    expect_rc("XENMEM_current_reservation(DOMID_SELF)",
              hypercall_memory_op(XENMEM_current_reservation, &self), (long)start_info->nr_pages);
}

/* The highest machine frame of RAM bounds every frame of the domain. */
void test_memory_maximum_ram_page(void)
{
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);

    if (max <= 0) {
        test_fail("XENMEM_maximum_ram_page returned %ld", max);
        return;
    }
    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++) {
        if (p2m[pfn] > (uint64_t)max) {
            test_fail("pfn %#lx is mfn %#lx, above the highest RAM page %#lx", pfn, p2m[pfn],
                      (uint64_t)max);
            return;
        }
    }
}

/* The domain's own (pseudo-physical) memory map: RAM for at least all
 * its pages.  Xen 4.17 has no map for a PV dom0 and returns -ENOSYS,
 * after which a guest assumes one RAM range of nr_pages. */
void test_memory_map(void)
{
    struct xen_e820_entry map[16];
    struct xen_memory_map arg = { .nr_entries = ARRAY_SIZE(map), .buffer = (uint64_t)map };
    uint64_t ram = 0;
    long rc = hypercall_memory_op(XENMEM_memory_map, &arg);

    if (rc == -ENOSYS && is_initial_domain())
        return;
    if (!expect_rc("XENMEM_memory_map", rc, 0))
        return;
    if (arg.nr_entries == 0 || arg.nr_entries > ARRAY_SIZE(map)) {
        test_fail("XENMEM_memory_map gave %u entries (room for %zu)", arg.nr_entries,
                  ARRAY_SIZE(map));
        return;
    }
    for (unsigned int i = 0; i < arg.nr_entries; i++)
        if (map[i].type == XEN_E820_RAM)
            ram += map[i].size;
    if (ram < start_info->nr_pages * PAGE_SIZE)
        test_fail("the map has %#lx bytes of RAM, the domain %#lx", ram,
                  start_info->nr_pages * PAGE_SIZE);
}
