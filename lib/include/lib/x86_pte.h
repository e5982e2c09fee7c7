/* x86-64 4-level paging: the bits of a page-table entry, the index of an
 * address at each level, and which addresses are canonical.  The
 * hypervisor's own tables, its validation of guest tables, the guest's
 * tables (its kernel and the domain builder) and the kernel-image parser
 * all use these. */
#ifndef LIB_X86_PTE_H
#define LIB_X86_PTE_H

#include <stdbool.h>
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

/* A canonical address under 4-level paging: bits 63-47 all equal. */
static inline bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

#endif
