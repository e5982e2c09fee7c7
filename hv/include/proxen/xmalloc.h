/* Small-object allocator for hypervisor data structures.
 *
 * Objects up to half a page come from per-size-class slabs (one frame per
 * slab); bigger requests take whole frames from the buddy allocator.  All
 * memory returned is aligned to at least 16 bytes (size classes are powers
 * of two, so an object of class N is N-aligned). */
#ifndef PROXEN_XMALLOC_H
#define PROXEN_XMALLOC_H

#include <proxen/types.h>

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);

#define xmalloc_obj(type) ((type *)xmalloc(sizeof(type)))
#define xzalloc_obj(type) ((type *)xzalloc(sizeof(type)))

struct xmalloc_stats {
    uint64_t bytes_in_use;      /* sum of class sizes of live objects */
    uint64_t slab_frames;       /* frames held by slabs */
    uint64_t large_frames;      /* frames held by large allocations */
};
void xmalloc_stats(struct xmalloc_stats *st);

#endif
