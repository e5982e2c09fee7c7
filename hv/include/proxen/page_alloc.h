/* Machine frames: per-frame metadata and the buddy allocator.
 *
 * Every machine frame below max_mfn has a struct page_info in frame_table.
 * Free frames sit in the buddy allocator's per-order free lists; the head
 * frame of a free block carries its order.  Allocated frames carry owner,
 * type and reference counts (used by the PV memory code in later layers).
 *
 * Locking: heap_lock guards the free lists and the free counters, and the
 * PGC_free state of every frame.  Owner/type fields of allocated frames
 * belong to their owner's rules, not to heap_lock. */
#ifndef PROXEN_PAGE_ALLOC_H
#define PROXEN_PAGE_ALLOC_H

#include <proxen/list.h>
#include <proxen/types.h>

#define MAX_ORDER 20          /* largest block: 2^20 frames = 4 GiB */

/* count_info flags (high bits); low bits are the general reference count. */
#define PGC_free       (1ULL << 63)   /* in the buddy allocator */
#define PGC_reserved   (1ULL << 62)   /* never allocatable (firmware, holes) */
#define PGC_xen_heap   (1ULL << 61)   /* hypervisor's own use */
#define PGC_count_mask ((1ULL << 32) - 1)

struct domain;

struct page_info {
    struct list_head list;     /* free list, or owner's page list */
    uint64_t count_info;       /* PGC_* flags | general reference count */
    uint64_t type_info;        /* page type and type reference count */
    struct domain *owner;      /* owning domain, NULL if none */
    union {
        uint32_t order;        /* valid on the head of a free block */
        uint32_t nr_validated; /* page_type.c: entries of a PGT_partial table holding refs */
    };
    uint32_t tlbflush_timestamp;  /* page_type.c: TLB clock when the type was last dropped */
};
/* docs/memory-layout.md gives this size (the frame table's cost per frame):
 * change both together. */
_Static_assert(sizeof(struct page_info) == 48, "struct page_info size, as documented");

extern struct page_info *frame_table;
extern uint64_t max_mfn;       /* frames covered by frame_table */

static inline struct page_info *mfn_to_page(mfn_t m) { return frame_table + mfn_x(m); }
static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return _mfn((uint64_t)(pg - frame_table));
}

/* Set up the allocator over frame_table[0..nr_frames).  All frames start
 * reserved; page_alloc_free_range() then hands usable RAM in. */
void page_alloc_init(struct page_info *table, uint64_t nr_frames);

/* Give frames [start, start+nr) to the allocator (boot-time RAM). */
void page_alloc_free_range(mfn_t start, uint64_t nr);

/* Allocate 2^order contiguous, naturally aligned frames; NULL if none. */
struct page_info *alloc_pages(unsigned int order);
void free_pages(struct page_info *pg, unsigned int order);

/* Convenience: one frame, returned as a zeroed direct-map pointer. */
void *alloc_xenheap_page(void);
void free_xenheap_page(void *va);

struct heap_stats {
    uint64_t total_frames;           /* frames ever given to the allocator */
    uint64_t free_frames;
    uint64_t free_blocks[MAX_ORDER + 1];
};
void page_alloc_stats(struct heap_stats *st);

#endif
