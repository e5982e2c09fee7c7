/* Power-of-two size classes over whole pages (lib/include/lib/heap.h).
 * A class's page is cut into equal blocks all put on the class's free
 * list at once; a 4096-byte block is the page itself. */
#include <lib/heap.h>

struct heap_block {
    struct heap_block *next;
};

/* The class of a request: the smallest power of two >= size, >= 16. */
static int size_class(size_t size)
{
    int c = 0;

    if (size == 0 || size > HEAP_MAX_SIZE)
        return -1;
    while (((size_t)1 << (c + HEAP_MIN_SHIFT)) < size)
        c++;
    return c;
}

static size_t class_size(int c)
{
    return (size_t)1 << (c + HEAP_MIN_SHIFT);
}

void heap_init(struct heap *h, void *(*get_page)(void *ctx), void *ctx)
{
    int c;

    h->get_page = get_page;
    h->ctx = ctx;
    for (c = 0; c < HEAP_CLASSES; c++)
        h->free[c] = NULL;
    h->pages = 0;
    h->bytes = 0;
}

/* A fresh page cut into blocks of class c, onto its free list. */
static int refill(struct heap *h, int c)
{
    char *page = h->get_page(h->ctx);
    size_t bsize = class_size(c), off;

    if (!page)
        return -1;
    h->pages++;
    for (off = HEAP_PAGE_SIZE; off >= bsize; off -= bsize) {
        struct heap_block *b = (struct heap_block *)(page + off - bsize);

        b->next = h->free[c];
        h->free[c] = b;
    }
    return 0;
}

void *heap_alloc(struct heap *h, size_t size)
{
    int c = size_class(size);
    struct heap_block *b;

    if (c < 0)
        return NULL;
    if (!h->free[c] && refill(h, c) < 0)
        return NULL;
    b = h->free[c];
    h->free[c] = b->next;
    h->bytes += class_size(c);
    return b;
}

void heap_free(struct heap *h, void *p, size_t size)
{
    int c = size_class(size);
    struct heap_block *b = p;

    if (!p || c < 0)
        return;
    b->next = h->free[c];
    h->free[c] = b;
    h->bytes -= class_size(c);
}

void *heap_alloc_cb(void *heap, size_t size)
{
    return heap_alloc(heap, size);
}

void heap_free_cb(void *heap, void *p, size_t size)
{
    heap_free(heap, p, size);
}
