/* A page-table tree built for its size alone (pt_tree.h). */
#include <arch.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <pt_tree.h>

#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static uint64_t table_entry(const void *page)
{
    return (virt_to_mfn(page) << PAGE_SHIFT) | TABLE_FLAGS;
}

bool pt_tree_build(struct pt_tree *t, unsigned int nr_l1)
{
    unsigned int n = 3 + nr_l1;

    memset(t, 0, sizeof(*t));
    if (nr_l1 > PT_TREE_MAX_L1S)
        return false;
    t->nr_l1 = nr_l1;
    if (!(t->data = page_alloc()))
        return false;
    for (unsigned int i = 0; i < n; i++)
        if (!(t->page[i] = page_alloc()))
            return false;
    t->page[0][0] = table_entry(t->page[1]);
    t->page[1][0] = table_entry(t->page[2]);
    for (unsigned int i = 0; i < nr_l1; i++) {
        t->page[2][i] = table_entry(t->page[3 + i]);
        for (unsigned int e = 0; e < 512; e++)
            t->page[3 + i][e] = (virt_to_mfn(t->data) << PAGE_SHIFT) | PTE_KERNEL_RO;
    }
    for (; t->readonly < n; t->readonly++)
        if (page_set_readonly(t->page[t->readonly], true))
            return false;
    return true;
}

uint64_t pt_tree_l4_mfn(const struct pt_tree *t)
{
    return virt_to_mfn(t->page[0]);
}

bool pt_tree_free(struct pt_tree *t)
{
    bool ok = true;

    for (unsigned int i = 0; i < 3 + t->nr_l1; i++) {
        if (!t->page[i])
            continue;
        if (i < t->readonly && page_set_readonly(t->page[i], false)) {
            ok = false;
            continue;
        }
        page_free(t->page[i]);
    }
    if (t->data)
        page_free(t->data);
    t->nr_l1 = 0;
    return ok;
}
