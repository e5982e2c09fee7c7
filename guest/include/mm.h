/* Pseudo-physical memory: frame translation through the P2M list the
 * builder gave (start_info.mfn_list) and the hypervisor's read-only M2P
 * table, the direct map (layout.h), and a page allocator over the
 * domain's pages. */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <arch.h>
#include <layout.h>
#include <public/xen.h>

extern uint64_t *p2m;            /* pfn -> mfn, start_info.mfn_list */
extern uint64_t nr_pages;        /* pages the direct map can cover */

static inline uint64_t pfn_to_mfn(uint64_t pfn) { return p2m[pfn]; }
static inline uint64_t mfn_to_pfn(uint64_t mfn) { return machine_to_phys_mapping[mfn]; }
static inline void *pfn_to_virt(uint64_t pfn) { return (void *)(VIRT_BASE + (pfn << PAGE_SHIFT)); }
static inline uint64_t virt_to_pfn(const void *p) { return ((uint64_t)p - VIRT_BASE) >> PAGE_SHIFT; }
static inline uint64_t virt_to_mfn(const void *p) { return pfn_to_mfn(virt_to_pfn(p)); }
/* Only for frames of this domain. */
static inline void *mfn_to_virt(uint64_t mfn) { return pfn_to_virt(mfn_to_pfn(mfn)); }

/* Whether mfn is one of this domain's frames.  max_mfn bounds the M2P
 * read (XENMEM_maximum_ram_page). */
bool mfn_is_own(uint64_t mfn, uint64_t max_mfn);

void mm_init(void);
/* A zeroed, mapped page, or NULL when memory is exhausted. */
void *page_alloc(void);
void page_free(void *page);
/* n pages at consecutive addresses (not zeroed), or NULL; given back
 * with pages_free_contig (a run only comes from pages never used, so one
 * given back page by page could not make a run again). */
void *pages_alloc_contig(uint64_t n);
void pages_free_contig(void *pages, uint64_t n);
uint64_t page_alloc_free_pages(void);

#endif
