/* The PV MMU: the hypervisor validates every page-table change, so that
 * a guest maps only its own frames, never writes a page table directly,
 * and never reaches the hypervisor's part of the address space. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

static long max_ram_page(void)
{
    return hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
}

static long pin(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The hypervisor's M2P table and the guest's P2M list are inverses. */
void test_p2m_m2p_agree(void)
{
    long max = max_ram_page();

    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++) {
        uint64_t mfn = p2m[pfn];

        if (max < 0 || mfn > (uint64_t)max) {
            test_fail("pfn %#lx: mfn %#lx is above the highest RAM page %#lx", pfn, mfn, max);
            return;
        }
        if (mfn_to_pfn(mfn) != pfn) {
            test_fail("pfn %#lx -> mfn %#lx -> pfn %#lx", pfn, mfn, mfn_to_pfn(mfn));
            return;
        }
    }
}

/* Enough pages to make the allocator map more memory (new L1 tables,
 * batches of mmu_update), each distinct and writable, then all freed. */
void test_page_alloc_many(void)
{
    enum { COUNT = 4096 };      /* 16 MiB, past what the builder mapped */
    void *list = NULL;
    unsigned int n;

    for (n = 0; n < COUNT; n++) {
        uint64_t *page = page_alloc();

        if (!page) {
            test_error("out of memory after %u pages", n);
            break;
        }
        page[0] = (uint64_t)list;
        page[1] = virt_to_pfn(page);
        list = page;
    }
    while (list) {
        uint64_t *page = list;

        if (page[1] != virt_to_pfn(page))
            test_fail("page %p holds %#lx, written as %#lx", (void *)page, page[1],
                      virt_to_pfn(page));
        list = (void *)page[0];
        page_free(page);
    }
}

/* A second mapping of a page sees the same memory; once unmapped, an
 * access is a not-present #PF reporting the address. */
void test_map_unmap_page(void)
{
    uint64_t *page = page_alloc(), *alias = (uint64_t *)SCRATCH_VA, val;

    if (!page) {
        test_error("out of memory");
        return;
    }
    page[7] = 0x1234567890abcdefULL;
    if (!expect_rc("pt_map", pt_map(SCRATCH_VA, virt_to_mfn(page), PTE_KERNEL_RW), 0))
        goto out;
    if (alias[7] != page[7])
        test_fail("the alias reads %#lx, the page holds %#lx", alias[7], page[7]);
    alias[8] = 42;
    if (page[8] != 42)
        test_fail("a write through the alias is not seen in the page");
    if (!expect_rc("pt_unmap", pt_unmap(SCRATCH_VA), 0))
        goto out;
    if (probe_read64(SCRATCH_VA, &val))
        test_fail("the unmapped alias is still readable");
    else if (last_trap.vector != X86_EXC_PF || (last_trap.error_code & PFEC_PRESENT) ||
             last_trap.cr2 != SCRATCH_VA)
        test_fail("reading the unmapped alias: %s, error code %#lx, address %#lx; expected "
                  "a not-present #PF at %#lx", trap_name(last_trap.vector),
                  last_trap.error_code, last_trap.cr2, (uint64_t)SCRATCH_VA);
out:
    page_free(page);
}

/* The first RAM frame from 1 MiB up that another owner (the hypervisor,
 * or nobody) has, or 0. */
static uint64_t foreign_frame(uint64_t max)
{
    for (uint64_t mfn = 0x100; mfn <= max; mfn++)
        if (!mfn_is_own(mfn, max))
            return mfn;
    return 0;
}

uint64_t test_foreign_frame(void)
{
    long max = max_ram_page();

    return max > 0 ? foreign_frame((uint64_t)max) : 0;
}

/* Refused, even read-only, with nothing written.  (Xen: -EBUSY for RAM
 * with another owner; -EPERM for I/O memory the domain may not map.) */
void test_mmu_update_foreign_frame(void)
{
    long max = max_ram_page(), rc;
    uint64_t mfn = max > 0 ? foreign_frame((uint64_t)max) : 0;
    struct mmu_update u;
    unsigned int done = 99;

    if (!mfn) {
        test_error("no frame of another owner below the highest RAM page %#lx", max);
        return;
    }
    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0))
        return;
    u = (struct mmu_update){
        .ptr = pt_entry_maddr(SCRATCH_VA, 1) | MMU_NORMAL_PT_UPDATE,
        .val = (mfn << PAGE_SHIFT) | PTE_KERNEL_RO,
    };
    rc = hypercall_mmu_update(&u, 1, &done, DOMID_SELF);
    if (rc != -EPERM && rc != -EINVAL && rc != -EBUSY)
        test_fail("mapping mfn %#lx of another owner returned %ld, expected -EPERM, -EINVAL "
                  "or -EBUSY", mfn, rc);
    if (done != 0)
        test_fail("mmu_update reports %u done, expected 0", done);
    if (pt_get(SCRATCH_VA, 1)) {
        test_fail("the entry now holds %#lx", pt_get(SCRATCH_VA, 1));
        pt_unmap(SCRATCH_VA);
    }
}

/* Page tables are mapped read-only: writing one directly is a #PF
 * (present, write, and - the guest kernel being the kernel - not user).
 * The value written is the one already there, so the table is unharmed
 * even if the write went through. */
void test_write_page_table(void)
{
    uint64_t l4 = start_info->pt_base, entry = *(const uint64_t *)l4;

    if (probe_write64(l4, entry)) {
        test_fail("a write to the L4 table at %#lx went through", l4);
        return;
    }
    if (last_trap.vector != X86_EXC_PF)
        test_fail("the write took %s, expected #PF", trap_name(last_trap.vector));
    else if ((last_trap.error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_USER)) !=
             (PFEC_PRESENT | PFEC_WRITE))
        test_fail("#PF error code %#lx, expected present|write without user",
                  last_trap.error_code);
    else if (last_trap.cr2 != l4)
        test_fail("#PF address %#lx, expected %#lx", last_trap.cr2, l4);
}

/* A writable mapping of a page table is refused and the read-only one
 * stays.  (Xen: -EBUSY.) */
void test_map_page_table_writable(void)
{
    uint64_t l4 = start_info->pt_base;
    long rc = hypercall_update_va_mapping(l4, (l4_mfn << PAGE_SHIFT) | PTE_KERNEL_RW, UVMF_INVLPG);

    if (rc >= 0)
        test_fail("mapping the L4 table writable returned %ld", rc);
    if (pt_get(l4, 1) & _PAGE_RW)
        test_fail("the L4 table's mapping is writable now: %#lx", pt_get(l4, 1));
}

/* The bits x86 leaves to software are the guest's to use in its L1
 * entries: 9-11 and 52-62 (a debug build of Xen keeps 62 for itself, so
 * it is left out here). */
void test_pte_available_bits(void)
{
    static const unsigned int bits[] = { 9, 10, 11, 52, 57, 58, 61 };
    void *page = page_alloc();
    uint64_t pte;
    char what[64];

    if (!page) {
        test_error("out of memory");
        return;
    }
    pte = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RW;
    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0))
        goto out;
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        uint64_t bit = 1ULL << bits[i];

        snprintf(what, sizeof(what), "update_va_mapping with PTE bit %u", bits[i]);
        if (expect_rc(what, hypercall_update_va_mapping(SCRATCH_VA, pte | bit, UVMF_INVLPG), 0) &&
            !(pt_get(SCRATCH_VA, 1) & bit))
            test_fail("PTE bit %u was dropped: %#lx", bits[i], pt_get(SCRATCH_VA, 1));
    }
    pt_unmap(SCRATCH_VA);
out:
    page_free(page);
}

/* Pinning validates the table: an L2 entry with PSE set (a superpage,
 * which PV guests may not have) makes the table invalid, -EINVAL. */
void test_pin_invalid_table(void)
{
    uint64_t *table = page_alloc(), *target = page_alloc();

    if (!table || !target) {
        test_error("out of memory");
        goto out;
    }
    table[0] = (virt_to_mfn(target) << PAGE_SHIFT) | PTE_TABLE | _PAGE_PSE;
    if (!expect_rc("making the table read-only", page_set_readonly(table, true), 0))
        goto out;
    expect_rc("MMUEXT_PIN_L2_TABLE of a table with a superpage entry",
              pin(MMUEXT_PIN_L2_TABLE, virt_to_mfn(table)), -EINVAL);
    expect_rc("making the table writable again", page_set_readonly(table, false), 0);
out:
    if (table)
        page_free(table);
    if (target)
        page_free(target);
}

/* A page mapped writable cannot become a page table: Xen says -EINVAL
 * (the page's type is already "writable"). */
void test_pin_writable_page(void)
{
    void *page = page_alloc();

    if (!page) {
        test_error("out of memory");
        return;
    }
    expect_rc("MMUEXT_PIN_L1_TABLE of a page mapped writable",
              pin(MMUEXT_PIN_L1_TABLE, virt_to_mfn(page)), -EINVAL);
    page_free(page);
}

void test_unpin_twice(void)
{
    void *table = page_alloc();
    uint64_t mfn;

    if (!table) {
        test_error("out of memory");
        return;
    }
    mfn = virt_to_mfn(table);
    if (!expect_rc("making the table read-only", page_set_readonly(table, true), 0))
        goto out;
    if (expect_rc("MMUEXT_PIN_L1_TABLE", pin(MMUEXT_PIN_L1_TABLE, mfn), 0) &&
        expect_rc("MMUEXT_UNPIN_TABLE", pin(MMUEXT_UNPIN_TABLE, mfn), 0))
        expect_rc("MMUEXT_UNPIN_TABLE again", pin(MMUEXT_UNPIN_TABLE, mfn), -EINVAL);
    expect_rc("making the table writable again", page_set_readonly(table, false), 0);
out:
    page_free(table);
}

/* A frame the domain does not own is not unpinned: frame 0 (nobody's)
 * and the first frame past the machine's memory are -EINVAL, as on Xen. */
void test_unpin_unowned(void)
{
    expect_rc("MMUEXT_UNPIN_TABLE of frame 0", pin(MMUEXT_UNPIN_TABLE, 0), -EINVAL);
    expect_rc("MMUEXT_UNPIN_TABLE past the last frame",
              pin(MMUEXT_UNPIN_TABLE, (uint64_t)max_ram_page() + 1), -EINVAL);
}

/* Addresses that are not the guest's: -EINVAL. */
void test_update_va_mapping_hv_address(void)
{
    static const uint64_t addresses[] = {
        HYPERVISOR_VIRT_START, HV_ADDRESS, HYPERVISOR_VIRT_END - PAGE_SIZE, NONCANONICAL_ADDRESS,
    };
    uint64_t pte = (virt_to_mfn(start_info) << PAGE_SHIFT) | PTE_KERNEL_RO;
    char what[56];

    for (size_t i = 0; i < ARRAY_SIZE(addresses); i++) {
        snprintf(what, sizeof(what), "update_va_mapping(%#lx)", addresses[i]);
        expect_rc(what, hypercall_update_va_mapping(addresses[i], pte, UVMF_INVLPG), -EINVAL);
    }
}

/* The shared_info frame is the hypervisor's page, shared with the guest
 * and permanently of the writable type (Xen's share_xen_page_with_guest):
 * it can never become a page table or a descriptor page, -EINVAL, even
 * with the guest's only mapping of it (SHARED_INFO_VA) removed.  The
 * page keeps working through that mapping afterwards. */
void test_shared_info_not_a_table(void)
{
    uint64_t mfn = start_info->shared_info >> PAGE_SHIFT, frames[1] = { mfn };
    struct shared_info *saved = shared_info;
    volatile uint8_t *mask;
    long rc;

    expect_rc("MMUEXT_PIN_L1_TABLE of shared_info (mapped)", pin(MMUEXT_PIN_L1_TABLE, mfn), -EINVAL);
    expect_rc("set_gdt of shared_info (mapped)",
              hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, 512, 0, 0, 0), -EINVAL);

    /* No exception is expected while it is unmapped; the trap handler
     * reads CR2 from shared_info only while the pointer is set. */
    shared_info = NULL;
    rc = pt_unmap(SHARED_INFO_VA);
    if (rc) {
        shared_info = saved;
        test_error("pt_unmap(SHARED_INFO_VA) returned %ld", rc);
        return;
    }
    expect_rc("MMUEXT_PIN_L1_TABLE of shared_info (unmapped)", pin(MMUEXT_PIN_L1_TABLE, mfn),
              -EINVAL);
    expect_rc("set_gdt of shared_info (unmapped)",
              hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, 512, 0, 0, 0), -EINVAL);
    rc = pt_map(SHARED_INFO_VA, mfn, PTE_KERNEL_RW);
    if (rc)
        panic("cannot map shared_info again (%ld)", rc);
    shared_info = saved;

    if (((pt_get(SHARED_INFO_VA, 1) & PTE_ADDR_MASK) >> PAGE_SHIFT) != mfn) {
        test_fail("SHARED_INFO_VA maps %#lx, not shared_info's frame %#lx",
                  pt_get(SHARED_INFO_VA, 1), mfn);
        return;
    }
    /* Events are masked in the kernel: the mask reads 1; writing it
     * (the same value, then the same again) goes through. */
    mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    if (*mask != 1)
        test_fail("evtchn_upcall_mask reads %u in the kernel, expected 1", *mask);
    *mask = 0xff;
    if (*mask != 0xff)
        test_fail("evtchn_upcall_mask reads %u after writing 0xff", *mask);
    *mask = 1;
    if (*mask != 1)
        test_fail("evtchn_upcall_mask reads %u after writing 1", *mask);
}
