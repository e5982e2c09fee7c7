/* The grant mark: bit 62 of a leaf entry is the hypervisor's, set only
 * in the entries it writes for grant mappings (as a debug build of Xen
 * keeps it, _PAGE_GNTTAB).  A guest that sets it in an entry of its own
 * -- by update_va_mapping, by mmu_update, or in a table it pins -- is
 * refused with -EINVAL and nothing changes: it cannot forge a grant
 * mapping, which only a grant unmap would then remove.  In a non-present
 * entry the bit is the guest's like all the others. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "tests.h"

#define PTE_GRANT_MARK (1ULL << 62)

static long mmu_one(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = { .ptr = ptr, .val = val };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long pin_l1(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Each way in, onto an empty entry: refused, the entry still empty. */
static void forge_live_entry(uint64_t pte)
{
    expect_rc("update_va_mapping with the grant mark",
              hypercall_update_va_mapping(SCRATCH_VA, pte | PTE_GRANT_MARK, UVMF_INVLPG),
              -EINVAL);
    expect_rc("mmu_update with the grant mark",
              mmu_one(pt_entry_maddr(SCRATCH_VA, 1) | MMU_NORMAL_PT_UPDATE,
                      pte | PTE_GRANT_MARK), -EINVAL);
    if (pt_get(SCRATCH_VA, 1))
        test_fail("a refused update left %#lx", pt_get(SCRATCH_VA, 1));
    /* The same entry without the mark is fine: the mark was the reason. */
    if (expect_rc("update_va_mapping without it",
                  hypercall_update_va_mapping(SCRATCH_VA, pte, UVMF_INVLPG), 0))
        pt_unmap(SCRATCH_VA);
}

/* A non-present entry's bits are the guest's, bit 62 included: written
 * and cleared again like any other. */
static void mark_not_present(void)
{
    expect_rc("update_va_mapping of a non-present entry with bit 62",
              hypercall_update_va_mapping(SCRATCH_VA, PTE_GRANT_MARK, UVMF_INVLPG), 0);
    expect_rc("clearing it", hypercall_update_va_mapping(SCRATCH_VA, 0, UVMF_INVLPG), 0);
    if (pt_get(SCRATCH_VA, 1))
        test_fail("the entry still holds %#lx", pt_get(SCRATCH_VA, 1));
}

/* A table holding a marked entry does not validate. */
static void forge_in_new_table(uint64_t pte)
{
    uint64_t *table = page_alloc();

    if (!table) {
        test_error("out of memory");
        return;
    }
    table[3] = pte | PTE_GRANT_MARK;
    if (!expect_rc("making the table read-only", page_set_readonly(table, true), 0))
        goto out;
    expect_rc("MMUEXT_PIN_L1_TABLE of a table with a marked entry",
              pin_l1(virt_to_mfn(table)), -EINVAL);
    expect_rc("making the table writable again", page_set_readonly(table, false), 0);
out:
    page_free(table);
}

void test_gntmap_mark_forged(void)
{
    void *page = page_alloc();
    uint64_t pte;

    if (!page) {
        test_error("out of memory");
        return;
    }
    pte = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RW;
    if (expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0)) {
        forge_live_entry(pte);
        mark_not_present();
        forge_in_new_table(pte & ~(uint64_t)_PAGE_RW);
    }
    page_free(page);
}
