/* mmu_update's own checks, each refused with nothing changed: the
 * hypervisor's L4 slots, a target frame the domain does not own, a
 * misaligned entry, and a "plain write" into a frame that may not be
 * writable (an installed LDT page). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <usermode.h>
#include <traps.h>
#include "tests.h"

#define HV_FIRST_L4_SLOT 256

static long pin_op(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long mmu_one(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = { .ptr = ptr, .val = val };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* The kernel L4's first hypervisor slot (the M2P) cannot be cleared. */
void test_mmu_update_hv_l4_slot(void)
{
    const volatile uint64_t *m2p = (const volatile uint64_t *)machine_to_phys_mapping;
    uint64_t first = m2p[virt_to_mfn(&m2p)];      /* readable through slot 256 */

    expect_rc("mmu_update clearing L4 slot 256",
              mmu_one((l4_mfn << PAGE_SHIFT) + HV_FIRST_L4_SLOT * 8 + MMU_NORMAL_PT_UPDATE, 0),
              -EINVAL);
    if (m2p[virt_to_mfn(&m2p)] != first)
        test_fail("the M2P read differently after the refused update");
}

/* Frame 0 belongs to nobody: an "entry update" there is refused (Xen and
 * Proxen differ on the errno, -EINVAL or -EPERM; either refuses). */
void test_mmu_update_unowned_target(void)
{
    long rc = mmu_one(0 * PAGE_SIZE + 8 + MMU_NORMAL_PT_UPDATE, 0);

    if (rc != -EPERM && rc != -EINVAL)
        test_fail("mmu_update of an entry in frame 0 returned %ld, expected -EPERM or -EINVAL",
                  rc);
}

/* An entry address with bit 2 set is no entry: -EINVAL, nothing written. */
void test_mmu_update_misaligned(void)
{
    volatile uint64_t *page = page_alloc();

    if (!page) {
        test_error("out of memory");
        return;
    }
    page[0] = 0x1111;
    expect_rc("mmu_update at entry address + 4",
              mmu_one((virt_to_mfn((void *)(uintptr_t)page) << PAGE_SHIFT) + 4 +
                      MMU_NORMAL_PT_UPDATE, 0x2222), -EINVAL);
    if (page[0] != 0x1111)
        test_fail("the refused update wrote %#lx", page[0]);
    page_free((void *)(uintptr_t)page);
}

static long set_ldt_at(uint64_t va, unsigned int entries)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = va,
                            .arg2.nr_ents = entries };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* A page in use as an LDT is typed as descriptors: a plain write to it
 * through mmu_update (which would bypass the descriptor checks) needs the
 * writable type, which it cannot have: -EINVAL. */
void test_mmu_update_plain_write_ldt(void)
{
    void *page = page_alloc();
    uint64_t maddr;

    if (!page) {
        test_error("out of memory");
        return;
    }
    maddr = virt_to_mfn(page) << PAGE_SHIFT;
    if (!expect_rc("making the page read-only", page_set_readonly(page, true), 0))
        goto out;
    if (expect_rc("MMUEXT_SET_LDT", set_ldt_at((uint64_t)page, 512), 0)) {
        /* An interrupt gate to ring 0: what the descriptor check refuses. */
        expect_rc("mmu_update plain write into the LDT page",
                  mmu_one(maddr + 16 + MMU_NORMAL_PT_UPDATE, 0x00008e0000000000ULL), -EINVAL);
        expect_rc("removing the LDT", set_ldt_at(0, 0), 0);
    }
    expect_rc("making the page writable again", page_set_readonly(page, false), 0);
    if (((volatile uint64_t *)page)[2] != 0)
        test_fail("the refused write reached the LDT page: %#lx", ((uint64_t *)page)[2]);
out:
    page_free(page);
}

/* An L2 entry with PSE set is refused even when the frame it names would
 * validate as an L1 (read-only, all zeroes): superpages are not for PV
 * guests. */
void test_pin_superpage_entry(void)
{
    uint64_t *table = page_alloc(), *target = page_alloc();

    if (!table || !target) {
        test_error("out of memory");
        goto out;
    }
    table[0] = (virt_to_mfn(target) << PAGE_SHIFT) | PTE_TABLE | _PAGE_PSE;
    if (!expect_rc("making the target read-only", page_set_readonly(target, true), 0))
        goto out;
    if (expect_rc("making the table read-only", page_set_readonly(table, true), 0)) {
        if (!expect_rc("MMUEXT_PIN_L2_TABLE with a superpage entry to a valid L1",
                       pin_op(MMUEXT_PIN_L2_TABLE, virt_to_mfn(table)), -EINVAL))
            pin_op(MMUEXT_UNPIN_TABLE, virt_to_mfn(table));
        expect_rc("making the table writable again", page_set_readonly(table, false), 0);
    }
    expect_rc("making the target writable again", page_set_readonly(target, false), 0);
out:
    if (table)
        page_free(table);
    if (target)
        page_free(target);
}

/* A write to a live L1 table that is not naturally aligned is not
 * emulated: the guest gets the #PF. */
void test_ptwr_misaligned(void)
{
    uint64_t maddr, va;
    unsigned long before = last_trap.count;

    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0))
        return;
    maddr = pt_entry_maddr(SCRATCH_VA, 1);
    va = (uint64_t)mfn_to_virt(maddr >> PAGE_SHIFT) + (maddr & ~PAGE_MASK);
    __asm__ volatile("1: movl %k[zero], 2(%[entry])\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     :: [zero] "r"(0), [entry] "r"(va) : "memory");
    if (last_trap.count == before)
        test_fail("a 4-byte write at entry + 2 of an L1 table was emulated");
    else if (last_trap.vector != X86_EXC_PF)
        test_fail("the misaligned write took %s, expected #PF", trap_name(last_trap.vector));
}

/* set_gdt takes at most the entries below Xen's reserved selectors (14
 * frames): one more entry is -EINVAL even with 15 frames that would all
 * be valid descriptor pages.  (Widening the limit would overflow the
 * hypervisor's 14-frame array.) */
void test_set_gdt_too_many_entries(void)
{
    enum { NR = 15, FIRST_RESERVED_ENTRY = 14 * 512 };
    void *pages[NR] = { 0 };
    uint64_t frames[NR];
    unsigned int ro = 0;

    for (unsigned int i = 0; i < NR; i++) {
        pages[i] = page_alloc();
        if (!pages[i]) {
            test_error("out of memory");
            goto out;
        }
        frames[i] = virt_to_mfn(pages[i]);
    }
    for (; ro < NR; ro++)
        if (!expect_rc("making a GDT frame read-only", page_set_readonly(pages[ro], true), 0))
            goto out;
    expect_rc("set_gdt with one entry beyond the guest's part",
              hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, FIRST_RESERVED_ENTRY + 1, 0, 0, 0),
              -EINVAL);
out:
    for (unsigned int i = 0; i < ro; i++)
        page_set_readonly(pages[i], false);
    for (unsigned int i = 0; i < NR; i++)
        if (pages[i])
            page_free(pages[i]);
}

/* user_code.S */
uint64_t user_store(uint64_t req);

/* Writable page tables are the guest kernel's: the same store from guest
 * user mode to an L1 table (mapped read-only, as every table) takes its
 * #PF and changes nothing, as on Xen. */
void test_ptwr_user_mode_refused(void)
{
    uint64_t *page = page_alloc(), req[2];
    struct user_exit exit;
    unsigned long before = last_trap.count;
    long rc;

    if (!page || pt_ensure_l1(SCRATCH_VA) || pt_get(SCRATCH_VA, 1)) {
        test_error("set-up failed");
        goto out;
    }
    req[0] = (uint64_t)mfn_to_virt(pt_entry_maddr(SCRATCH_VA, 1) >> PAGE_SHIFT) +
             ((SCRATCH_VA >> PAGE_SHIFT) & 511) * 8;
    req[1] = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RO;
    rc = user_call(user_store, (uint64_t)req, &exit);
    if (!expect_rc("user_call", rc, 0))
        goto out;
    if (exit.rax != 0 || pt_get(SCRATCH_VA, 1))
        test_fail("a user-mode store to an L1 table was emulated: the entry reads %#lx",
                  pt_get(SCRATCH_VA, 1));
    else if (last_trap.count != before + 1 || last_trap.vector != X86_EXC_PF)
        test_fail("the user-mode store took %lu exceptions (last %u), expected one #PF",
                  last_trap.count - before, last_trap.vector);
out:
    if (pt_get(SCRATCH_VA, 1))
        pt_unmap(SCRATCH_VA);
    if (page)
        page_free(page);
}
