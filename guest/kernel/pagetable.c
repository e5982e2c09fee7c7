/* Page-table management.  The guest reads its tables through the direct
 * map (mapped read-only there, as the hypervisor requires of any frame
 * in use as a page table) and changes them with mmu_update, which
 * validates each new entry, or update_va_mapping, which also flushes. */
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>

uint64_t l4_mfn;

void pagetable_init(void)
{
    l4_mfn = virt_to_mfn((const void *)start_info->pt_base);
}

/* The table at `level` that holds va's entry, or NULL if absent. */
static const uint64_t *table_for(uint64_t va, unsigned int level)
{
    const uint64_t *t = mfn_to_virt(l4_mfn);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t e = t[pt_index(va, l)];

        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return NULL;
        t = mfn_to_virt((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
    }
    return t;
}

uint64_t pt_get(uint64_t va, unsigned int level)
{
    const uint64_t *t = table_for(va, level);

    return t ? t[pt_index(va, level)] : 0;
}

uint64_t pt_entry_maddr(uint64_t va, unsigned int level)
{
    const uint64_t *t = table_for(va, level);

    return t ? (virt_to_mfn(t) << PAGE_SHIFT) + pt_index(va, level) * sizeof(uint64_t) : 0;
}

long page_set_readonly(void *page, bool readonly)
{
    uint64_t pte = (virt_to_mfn(page) << PAGE_SHIFT) | (readonly ? PTE_KERNEL_RO : PTE_KERNEL_RW);

    return hypercall_update_va_mapping((uint64_t)page, pte, UVMF_INVLPG);
}

/* A new, empty table in the entry at entry_maddr.  The page must be
 * read-only everywhere before the hypervisor accepts it as a table. */
static long new_table(uint64_t entry_maddr)
{
    void *page = page_alloc();
    struct mmu_update u;
    long rc;

    if (!page)
        return -ENOMEM;
    rc = page_set_readonly(page, true);
    if (rc) {
        page_free(page);
        return rc;
    }
    u = (struct mmu_update){
        .ptr = entry_maddr | MMU_NORMAL_PT_UPDATE,
        .val = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_TABLE,
    };
    rc = hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
    if (rc) {
        page_set_readonly(page, false);
        page_free(page);
    }
    return rc;
}

long pt_ensure_l1(uint64_t va)
{
    for (unsigned int level = 4; level > 1; level--) {
        long rc;

        if (pt_get(va, level) & _PAGE_PRESENT)
            continue;
        rc = new_table(pt_entry_maddr(va, level));
        if (rc)
            return rc;
    }
    return 0;
}

long pt_map(uint64_t va, uint64_t mfn, uint64_t flags)
{
    long rc = pt_ensure_l1(va);

    if (rc)
        return rc;
    return hypercall_update_va_mapping(va, (mfn << PAGE_SHIFT) | flags, UVMF_INVLPG);
}

long pt_unmap(uint64_t va)
{
    return hypercall_update_va_mapping(va, 0, UVMF_INVLPG);
}

long pt_map_foreign(uint64_t va, domid_t dom, uint64_t mfn)
{
    struct mmu_update u = { .val = mfn ? (mfn << PAGE_SHIFT) | PTE_KERNEL_RW : 0 };
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };
    long rc;

    if (!pt_entry_maddr(va, 1) && (rc = pt_ensure_l1(va)))
        return rc;
    u.ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
    rc = hypercall_mmu_update(&u, 1, NULL, dom);
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return rc;
}
