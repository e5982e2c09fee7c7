/* memory_op: what a PV guest can learn about its memory. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <test.h>
#include <traps.h>
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

/* XENMEM_machphys_mapping: where the read-only M2P table is (Xen: at
 * MACH2PHYS_VIRT_START, at most up to MACH2PHYS_VIRT_END) and how far it
 * goes (max_mfn: every frame below XENMEM_maximum_ram_page).  The guest
 * reads entries there, even the last, and a write is the #PF of a
 * read-only page, leaving the entry as it was. */
void test_machphys_mapping(void)
{
    struct xen_machphys_mapping m;
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    uint64_t mfn = pfn_to_mfn(virt_to_pfn(start_info)), addr, val;

    memset(&m, 0xaa, sizeof(m));
    if (!expect_rc("XENMEM_machphys_mapping", hypercall_memory_op(XENMEM_machphys_mapping, &m), 0))
        return;
    if (m.v_start != MACH2PHYS_VIRT_START || m.v_end <= m.v_start || m.v_end > MACH2PHYS_VIRT_END)
        test_fail("the M2P is said to be at %#lx-%#lx, expected from %#lx, up to %#lx", m.v_start,
                  m.v_end, MACH2PHYS_VIRT_START, MACH2PHYS_VIRT_END);
    else if (max <= 0 || m.max_mfn + 1 < (uint64_t)max)
        test_fail("the M2P covers frames up to %#lx, RAM frames go up to %#lx", m.max_mfn,
                  max - 1);
    else if ((m.max_mfn + 1) * 8 > m.v_end - m.v_start)
        test_fail("max_mfn %#lx does not fit in %#lx-%#lx", m.max_mfn, m.v_start, m.v_end);
    if (m.v_start != MACH2PHYS_VIRT_START)
        return;
    addr = m.v_start + mfn * 8;
    if (!probe_read64(addr, &val) || val != virt_to_pfn(start_info))
        test_fail("M2P entry of start_info's frame %#lx reads %#lx, expected pfn %#lx", mfn, val,
                  virt_to_pfn(start_info));
    if (!probe_read64(m.v_start + m.max_mfn * 8, &val))
        test_fail("the M2P entry of its highest frame %#lx is not readable", m.max_mfn);
    if (probe_write64(addr, virt_to_pfn(start_info)))
        test_fail("a write to the M2P at %#lx went through", addr);
    else if (last_trap.vector != X86_EXC_PF || last_trap.cr2 != addr ||
             (last_trap.error_code & (PFEC_PRESENT | PFEC_WRITE)) != (PFEC_PRESENT | PFEC_WRITE))
        test_fail("writing the M2P: %s, error code %#lx, address %#lx; expected a present|write "
                  "#PF at %#lx", trap_name(last_trap.vector), last_trap.error_code,
                  last_trap.cr2, addr);
    if (mfn_to_pfn(mfn) != virt_to_pfn(start_info))
        test_fail("the M2P entry changed to %#lx", mfn_to_pfn(mfn));
    expect_rc("XENMEM_machphys_mapping(unmapped buffer)",
              hypercall_memory_op(XENMEM_machphys_mapping, (void *)UNMAPPED_VA), -EFAULT);
}

/* The hypervisor's part of the address space (outside the M2P) can be
 * neither read nor written: a #PF at the address. */
void test_hv_area_access(void)
{
    static const uint64_t addrs[] = { HV_ADDRESS, MACH2PHYS_VIRT_END, HYPERVISOR_VIRT_END - 8 };
    uint64_t val;

    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        if (probe_read64(addrs[i], &val))
            test_fail("reading the hypervisor's area at %#lx gave %#lx", addrs[i], val);
        else if (last_trap.vector != X86_EXC_PF || last_trap.cr2 != addrs[i])
            test_fail("reading %#lx took %s at %#lx, expected #PF there", addrs[i],
                      trap_name(last_trap.vector), last_trap.cr2);
        if (probe_write64(addrs[i], 0))
            test_fail("a write to the hypervisor's area at %#lx went through", addrs[i]);
        else if (last_trap.vector != X86_EXC_PF || last_trap.cr2 != addrs[i])
            test_fail("writing %#lx took %s at %#lx, expected #PF there", addrs[i],
                      trap_name(last_trap.vector), last_trap.cr2);
    }
}

/* XENMEM_maximum_ram_page is Xen's max_page: the number of machine frames
 * up to the highest RAM one, one more than the highest frame number, which
 * is what XENMEM_machphys_mapping gives the initial domain as max_mfn. */
void test_memory_maximum_ram_page_count(void)
{
    struct xen_machphys_mapping m;
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);

    if (!is_initial_domain()) {
        test_skip("max_mfn is the highest RAM frame only for the initial domain");
        return;
    }
    if (!expect_rc("XENMEM_machphys_mapping", hypercall_memory_op(XENMEM_machphys_mapping, &m), 0))
        return;
    if (max <= 0 || (uint64_t)max != m.max_mfn + 1)
        test_fail("XENMEM_maximum_ram_page is %#lx, the highest frame %#lx: expected %#lx",
                  max, m.max_mfn, m.max_mfn + 1);
}

/* memory_op's cmd is the command in its low 6 bits (MEMOP_CMD_MASK) and
 * a start extent above them (MEMOP_EXTENT_SHIFT), for continuations.
 * XENMEM_maximum_ram_page has no extents: Xen 4.17 refuses a start
 * extent with -EINVAL rather than ignore it. */
void test_memory_op_cmd_mask(void)
{
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);

    if (max <= 0)
        test_fail("XENMEM_maximum_ram_page returned %ld", max);
    expect_rc("XENMEM_maximum_ram_page with start extent 5",
              hypercall_memory_op(XENMEM_maximum_ram_page | (5 << MEMOP_EXTENT_SHIFT), NULL),
              -EINVAL);
}
