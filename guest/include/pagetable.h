/* The guest's page tables.  They are read-only to the guest: every
 * change goes through mmu_update or update_va_mapping, which validate it.
 * Tables are read through the direct map. */
#ifndef GUEST_PAGETABLE_H
#define GUEST_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>

extern uint64_t l4_mfn;          /* the kernel's top-level table */

void pagetable_init(void);
/* The entry for va at level 1-4, or 0 if the table holding it is absent. */
uint64_t pt_get(uint64_t va, unsigned int level);
/* Machine address of that entry (for mmu_update), 0 if absent. */
uint64_t pt_entry_maddr(uint64_t va, unsigned int level);
/* Make sure tables down to the L1 for va exist (new ones from the page
 * allocator).  0 or a negative errno. */
long pt_ensure_l1(uint64_t va);
/* Map mfn at va with PTE flags, creating tables as needed; unmap. */
long pt_map(uint64_t va, uint64_t mfn, uint64_t flags);
long pt_unmap(uint64_t va);
/* Map another domain's frame mfn writable at va (dom0's daemons: a ring
 * the builder gave the domain), or unmap it (mfn 0).  0 or the
 * hypervisor's answer. */
long pt_map_foreign(uint64_t va, domid_t dom, uint64_t mfn);
/* Remap a page of the direct map read-only (before it becomes a page
 * table) or writable again (once it no longer is one). */
long page_set_readonly(void *page, bool readonly);

#endif
