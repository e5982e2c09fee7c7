/* Buddy allocator over frame_table.
 *
 * Frame states, held in count_info:
 *   PGC_reserved  never handed to the allocator (firmware, holes, image);
 *   PGC_free      inside a free block; the block's head frame holds order;
 *   neither       allocated; the owner's rules apply to the other fields.
 *
 * Every free block is naturally aligned and maximal: its buddy is never a
 * free block of the same order, so an allocation fails only when no block
 * of the requested order or bigger exists.  Interior frames of a free block
 * may keep a stale order from an earlier merge; that is harmless because a
 * buddy candidate is naturally aligned to its order and so can only be
 * interior to a free block that also covers the block being freed. */
#include <arch/arch.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/spinlock.h>

struct page_info *frame_table;
uint64_t max_mfn;

static DEFINE_SPINLOCK_RANKED(heap_lock, LOCK_HEAP);
static struct list_head free_lists[MAX_ORDER + 1];
static uint64_t nr_free_blocks[MAX_ORDER + 1];
static uint64_t nr_free_frames;
static uint64_t nr_total_frames;

static inline uint64_t order_frames(unsigned int order)
{
    return 1ULL << order;
}

/* Does [mfn, mfn + 2^order) lie inside frame_table? */
static bool block_in_table(uint64_t mfn, unsigned int order)
{
    return mfn < max_mfn && order_frames(order) <= max_mfn - mfn;
}

static void free_list_add(uint64_t mfn, unsigned int order)
{
    struct page_info *head = &frame_table[mfn];

    head->order = order;
    list_add(&head->list, &free_lists[order]);
    nr_free_blocks[order]++;
}

static void free_list_del(struct page_info *head)
{
    list_del(&head->list);
    nr_free_blocks[head->order]--;
}

/* The buddy of mfn at this order, if it heads a free block of that order. */
static bool buddy_is_free(uint64_t mfn, unsigned int order)
{
    uint64_t buddy = mfn ^ order_frames(order);
    const struct page_info *pg;

    if (buddy >= max_mfn)
        return false;
    pg = &frame_table[buddy];
    return (pg->count_info & PGC_free) && pg->order == order;
}

/* Put frames whose PGC_free is already set into the lists, merging upward. */
static void insert_free_block(uint64_t mfn, unsigned int order)
{
    while (order < MAX_ORDER && buddy_is_free(mfn, order)) {
        free_list_del(&frame_table[mfn ^ order_frames(order)]);
        mfn &= ~order_frames(order);
        order++;
    }
    free_list_add(mfn, order);
}

static void mark_free(uint64_t mfn, unsigned int order)
{
    for (uint64_t i = 0; i < order_frames(order); i++) {
        struct page_info *pg = &frame_table[mfn + i];

        pg->count_info = PGC_free;
        pg->type_info = 0;
        pg->owner = NULL;
    }
    nr_free_frames += order_frames(order);
}

/* Owners start from clean metadata whatever the frame held before. */
static void mark_allocated(uint64_t mfn, unsigned int order)
{
    memset(&frame_table[mfn], 0, order_frames(order) * sizeof(*frame_table));
    nr_free_frames -= order_frames(order);
}

/* Why the frames [mfn, mfn + 2^order) may not change to free, or NULL.
 * The states accepted are exactly those the caller is converting from. */
static const char *check_block(uint64_t mfn, unsigned int order, bool from_reserved)
{
    if (order > MAX_ORDER)
        return "page_alloc: order > MAX_ORDER";
    if (!IS_ALIGNED(mfn, order_frames(order)))
        return "page_alloc: block not aligned to its order";
    if (!block_in_table(mfn, order))
        return "page_alloc: block outside frame_table";
    for (uint64_t i = 0; i < order_frames(order); i++) {
        uint64_t ci = frame_table[mfn + i].count_info;

        if (from_reserved && !(ci & PGC_reserved))
            return "page_alloc: frame given to the allocator twice";
        if (ci & PGC_free)
            return "page_alloc: frame already free (double free)";
        if (!from_reserved && (ci & PGC_reserved))
            return "page_alloc: freeing a reserved frame";
    }
    return NULL;
}

/* Checks run under the lock so that they see a stable state, but report
 * after dropping it: the heap is left untouched and usable either way. */
static void give_block(uint64_t mfn, unsigned int order, bool from_reserved)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    const char *why = check_block(mfn, order, from_reserved);

    if (!why) {
        mark_free(mfn, order);
        if (from_reserved)
            nr_total_frames += order_frames(order);
        insert_free_block(mfn, order);
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    if (unlikely(why))
        assert_failed(why, __FILE__, __LINE__);
}

void page_alloc_init(struct page_info *table, uint64_t nr_frames)
{
    spin_lock_init_ranked(&heap_lock, LOCK_HEAP);
    frame_table = table;
    max_mfn = nr_frames;
    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        list_init(&free_lists[o]);
        nr_free_blocks[o] = 0;
    }
    nr_free_frames = 0;
    nr_total_frames = 0;
    for (uint64_t m = 0; m < nr_frames; m++)
        table[m] = (struct page_info){ .count_info = PGC_reserved };
}

/* Largest order of a naturally aligned block starting at mfn that fits
 * in nr frames. */
static unsigned int max_block_order(uint64_t mfn, uint64_t nr)
{
    unsigned int order = 63 - (unsigned int)__builtin_clzll(nr);

    if (mfn != 0)
        order = MIN(order, (unsigned int)__builtin_ctzll(mfn));
    return MIN(order, (unsigned int)MAX_ORDER);
}

void page_alloc_free_range(mfn_t start, uint64_t nr)
{
    uint64_t mfn = mfn_x(start);

    if (unlikely(mfn > max_mfn || nr > max_mfn - mfn)) {
        assert_failed("page_alloc: range outside frame_table", __FILE__, __LINE__);
        return;
    }
    while (nr) {
        unsigned int order = max_block_order(mfn, nr);

        give_block(mfn, order, true);
        mfn += order_frames(order);
        nr -= order_frames(order);
    }
}

/* Smallest non-empty free list at or above order, MAX_ORDER + 1 if none. */
static unsigned int smallest_free_order(unsigned int order)
{
    while (order <= MAX_ORDER && list_empty(&free_lists[order]))
        order++;
    return order;
}

/* Take a block of order `have` and return its low part of order `want`,
 * putting each upper half back on its free list. */
static uint64_t split_block(struct page_info *head, unsigned int have, unsigned int want)
{
    uint64_t mfn = mfn_x(page_to_mfn(head));

    free_list_del(head);
    while (have > want) {
        have--;
        free_list_add(mfn + order_frames(have), have);
    }
    return mfn;
}

struct page_info *alloc_pages(unsigned int order)
{
    unsigned long flags;
    unsigned int have;
    uint64_t mfn;

    if (order > MAX_ORDER)
        return NULL;
    flags = spin_lock_irqsave(&heap_lock);
    have = smallest_free_order(order);
    if (have > MAX_ORDER) {
        spin_unlock_irqrestore(&heap_lock, flags);
        return NULL;
    }
    mfn = split_block(list_first_entry(&free_lists[have], struct page_info, list),
                      have, order);
    mark_allocated(mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
    return &frame_table[mfn];
}

/* pg - frame_table without trusting pg to point into the table: a stray
 * pointer becomes an out-of-range mfn that check_block() rejects. */
static uint64_t page_to_mfn_unchecked(const struct page_info *pg)
{
    uintptr_t off = (uintptr_t)pg - (uintptr_t)frame_table;

    if (off % sizeof(*pg))
        return ~0ULL;
    return off / sizeof(*pg);
}

void free_pages(struct page_info *pg, unsigned int order)
{
    give_block(page_to_mfn_unchecked(pg), order, false);
}

void *alloc_xenheap_page(void)
{
    struct page_info *pg = alloc_pages(0);
    void *va;

    if (!pg)
        return NULL;
    pg->count_info |= PGC_xen_heap;
    va = arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
    memset(va, 0, PAGE_SIZE);
    return va;
}

void free_xenheap_page(void *va)
{
    paddr_t pa;

    if (!va)
        return;
    pa = arch_virt_to_maddr(va);
    if (unlikely(!IS_ALIGNED(pa, PAGE_SIZE) || pa >= mfn_to_maddr(_mfn(max_mfn)) ||
                 !(mfn_to_page(maddr_to_mfn(pa))->count_info & PGC_xen_heap))) {
        assert_failed("free_xenheap_page: not a xenheap page", __FILE__, __LINE__);
        return;
    }
    free_pages(mfn_to_page(maddr_to_mfn(pa)), 0);
}

void page_alloc_stats(struct heap_stats *st)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);

    st->total_frames = nr_total_frames;
    st->free_frames = nr_free_frames;
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        st->free_blocks[o] = nr_free_blocks[o];
    spin_unlock_irqrestore(&heap_lock, flags);
}
