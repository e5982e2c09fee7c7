/* A machine of `frames` fake frames, all handed to the buddy allocator:
 * the set-up of every unit test that allocates frames or small objects.
 * Inline, so that tests without page_alloc.c do not need it linked. */
#ifndef FAKE_HEAP_H
#define FAKE_HEAP_H

#include <stdlib.h>
#include <proxen/page_alloc.h>
#include "fake_arch.h"

static inline struct page_info *fake_heap_init(uint64_t frames)
{
    struct page_info *table = calloc(frames, sizeof(*table));

    fake_mem_init(frames);
    page_alloc_init(table, frames);
    page_alloc_free_range(_mfn(0), frames);
    return table;
}

#endif
