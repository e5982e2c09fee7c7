/* A small heap for freestanding code whose only allocator hands out
 * single 4 KiB pages (the guest OS): blocks of 16 to 4096 bytes in
 * power-of-two size classes, each class carved from whole pages of its
 * own.  The caller gives the size back with the block (as the xenstore's
 * allocator interface does), so blocks carry no header.  Freed blocks go
 * to their class's free list; pages are never returned.  Not
 * thread-safe: the caller serialises.  lib/heap.c; host-tested. */
#ifndef LIB_HEAP_H
#define LIB_HEAP_H

#include <stddef.h>

#define HEAP_PAGE_SIZE 4096
#define HEAP_MIN_SHIFT 4                      /* 16-byte blocks */
#define HEAP_MAX_SIZE  HEAP_PAGE_SIZE
#define HEAP_CLASSES   9                      /* 16, 32, ... 4096 */

struct heap_block;

struct heap {
    void *(*get_page)(void *ctx);   /* a page-aligned 4 KiB page, or NULL */
    void *ctx;
    struct heap_block *free[HEAP_CLASSES];
    size_t pages;                   /* pages taken from get_page */
    size_t bytes;                   /* bytes of blocks in use, rounded up */
};

void heap_init(struct heap *h, void *(*get_page)(void *ctx), void *ctx);
/* A block of at least size bytes, 16-byte aligned; NULL for 0, for more
 * than HEAP_MAX_SIZE, or when get_page has none. */
void *heap_alloc(struct heap *h, size_t size);
/* Gives back a block of heap_alloc(h, size); NULL is ignored. */
void heap_free(struct heap *h, void *p, size_t size);

/* The same as callbacks taking the heap as their context, for struct
 * xs_allocator. */
void *heap_alloc_cb(void *heap, size_t size);
void heap_free_cb(void *heap, void *p, size_t size);

#endif
