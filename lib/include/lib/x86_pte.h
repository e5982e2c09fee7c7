/* x86-64 4-level page-table entries: the bits and the index of an address
 * at each level.  The hypervisor's own tables, its validation of guest
 * tables, and the guest's tables (its kernel and the domain builder) all
 * use these. */
#ifndef LIB_X86_PTE_H
#define LIB_X86_PTE_H

#include <stdint.h>

#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_USER     (1ULL << 2)
#define _PAGE_PWT      (1ULL << 3)
#define _PAGE_PCD      (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY    (1ULL << 6)
#define _PAGE_PSE      (1ULL << 7)     /* in an L2 or L3 entry: a superpage */
#define _PAGE_GLOBAL   (1ULL << 8)
#define _PAGE_NX       (1ULL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ULL

#define PT_ENTRIES     512             /* entries in a table at any level */

/* Index of va's entry in its table at level 1 (L1, 4 KiB pages) to 4. */
static inline unsigned int pt_index(uint64_t va, unsigned int level)
{
    return (unsigned int)(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

#endif
