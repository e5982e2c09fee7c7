/* Small-object allocator.
 *
 * Requests up to XM_MAX_SIZE bytes are served from slabs: one frame split
 * into equal objects of a power-of-two size class.  Larger requests take a
 * 2^order block of whole frames.  Objects carry no header, so xfree() finds
 * its bookkeeping in the page_info of the frame holding the pointer.
 *
 * Every xmalloc frame has PGC_xen_heap set and is owned by no domain, so
 * the PV memory code never interprets its type_info; xmalloc keeps its own
 * bookkeeping there instead:
 *   bits 63..56  kind: XM_KIND_SLAB or XM_KIND_LARGE (anything else is not
 *                an xmalloc frame, or the interior of a large block)
 *   slab:  bits 35..32 size class, 24..16 objects in use,
 *          12..0 offset of the first free object (PAGE_SIZE: none)
 *   large: bits 7..0 order of the block
 * A free object holds the offset of the next free object in its first two
 * bytes.  The list field links a slab into its class's list of slabs that
 * have free objects.
 *
 * xmalloc_lock guards all of that and the statistics.  It is never held
 * while taking another lock: frames are got from and given back to the
 * buddy allocator with it dropped. */
#include <arch/arch.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/spinlock.h>
#include <proxen/xmalloc.h>

#define XM_MIN_SHIFT   4
#define XM_MAX_SHIFT   (PAGE_SHIFT - 1)
#define XM_MAX_SIZE    (1UL << XM_MAX_SHIFT)
#define XM_NR_CLASSES  (XM_MAX_SHIFT - XM_MIN_SHIFT + 1)
#define XM_NO_FREE     PAGE_SIZE

#define XM_KIND_SHIFT  56
#define XM_KIND_SLAB   0xa5ULL
#define XM_KIND_LARGE  0xa6ULL
#define XM_CLASS_SHIFT 32
#define XM_INUSE_SHIFT 16
#define XM_FIELD(v, shift, bits) (((v) >> (shift)) & ((1ULL << (bits)) - 1))

BUILD_BUG_ON(XM_MAX_SIZE != 2048);
BUILD_BUG_ON((PAGE_SIZE >> XM_MIN_SHIFT) >= (1 << 9));

struct xm_class {
    struct list_head partial;   /* slabs with at least one free object */
    unsigned int nr_empty;      /* of those, slabs with no object in use */
};

#define XM_CLASS_INIT(i) [i] = { LIST_HEAD_INIT(classes[i].partial), 0 }
static struct xm_class classes[XM_NR_CLASSES] = {
    XM_CLASS_INIT(0), XM_CLASS_INIT(1), XM_CLASS_INIT(2), XM_CLASS_INIT(3),
    XM_CLASS_INIT(4), XM_CLASS_INIT(5), XM_CLASS_INIT(6), XM_CLASS_INIT(7),
};
BUILD_BUG_ON(XM_NR_CLASSES != 8);

static DEFINE_SPINLOCK_RANKED(xmalloc_lock, LOCK_XMALLOC);
static struct xmalloc_stats stats;

struct slab_state {
    unsigned int cls;
    unsigned int inuse;
    unsigned int free_off;
};

static inline size_t class_size(unsigned int cls)
{
    return 1UL << (cls + XM_MIN_SHIFT);
}

/* Smallest class holding size bytes; size is in 1..XM_MAX_SIZE. */
static unsigned int size_to_class(size_t size)
{
    if (size <= (1UL << XM_MIN_SHIFT))
        return 0;
    return 64 - (unsigned int)__builtin_clzll((uint64_t)size - 1) - XM_MIN_SHIFT;
}

/* Smallest order whose block holds size bytes, or MAX_ORDER + 1. */
static unsigned int size_to_order(size_t size)
{
    uint64_t frames = size / PAGE_SIZE + (size % PAGE_SIZE != 0);

    if (frames > (1ULL << MAX_ORDER))
        return MAX_ORDER + 1;
    return frames <= 1 ? 0 : 64 - (unsigned int)__builtin_clzll(frames - 1);
}

static inline unsigned int frame_kind(const struct page_info *pg)
{
    return (unsigned int)(pg->type_info >> XM_KIND_SHIFT);
}

static struct slab_state slab_get(const struct page_info *pg)
{
    return (struct slab_state){
        .cls = (unsigned int)XM_FIELD(pg->type_info, XM_CLASS_SHIFT, 4),
        .inuse = (unsigned int)XM_FIELD(pg->type_info, XM_INUSE_SHIFT, 9),
        .free_off = (unsigned int)XM_FIELD(pg->type_info, 0, 13),
    };
}

static void slab_set(struct page_info *pg, struct slab_state s)
{
    pg->type_info = (XM_KIND_SLAB << XM_KIND_SHIFT) |
                    ((uint64_t)s.cls << XM_CLASS_SHIFT) |
                    ((uint64_t)s.inuse << XM_INUSE_SHIFT) | s.free_off;
}

static inline char *frame_va(const struct page_info *pg)
{
    return arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
}

static inline uint16_t *free_link(char *base, unsigned int off)
{
    return (uint16_t *)(base + off);
}

/* Frames for xmalloc: hypervisor-owned, so PV code never accepts them. */
static struct page_info *get_frames(unsigned int order)
{
    struct page_info *pg = alloc_pages(order);

    if (pg)
        for (uint64_t i = 0; i < (1ULL << order); i++)
            pg[i].count_info |= PGC_xen_heap;
    return pg;
}

/* A fresh slab with every object free, threaded in address order. */
static struct page_info *new_slab(unsigned int cls)
{
    struct page_info *pg = get_frames(0);
    char *base;

    if (!pg)
        return NULL;
    base = frame_va(pg);
    for (unsigned int off = 0; off < PAGE_SIZE; off += class_size(cls))
        *free_link(base, off) = (uint16_t)(off + class_size(cls));
    slab_set(pg, (struct slab_state){ .cls = cls, .inuse = 0, .free_off = 0 });
    return pg;
}

/* Take one object from a slab with a free one.  Caller holds the lock. */
static void *slab_take(struct page_info *pg)
{
    struct slab_state s = slab_get(pg);
    char *obj = frame_va(pg) + s.free_off;

    if (s.inuse++ == 0)
        classes[s.cls].nr_empty--;
    s.free_off = *free_link(obj, 0);
    if (s.free_off == XM_NO_FREE)
        list_del(&pg->list);
    slab_set(pg, s);
    stats.bytes_in_use += class_size(s.cls);
    return obj;
}

static void *small_alloc(unsigned int cls)
{
    struct xm_class *c = &classes[cls];
    struct page_info *pg;
    unsigned long flags;
    void *obj;

    flags = spin_lock_irqsave(&xmalloc_lock);
    if (!list_empty(&c->partial)) {
        obj = slab_take(list_first_entry(&c->partial, struct page_info, list));
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        return obj;
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    pg = new_slab(cls);
    if (!pg)
        return NULL;
    flags = spin_lock_irqsave(&xmalloc_lock);
    stats.slab_frames++;
    /* Counted empty and listed so that slab_take() sees a normal slab. */
    c->nr_empty++;
    list_add(&pg->list, &c->partial);
    obj = slab_take(pg);
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return obj;
}

static void *large_alloc(size_t size)
{
    unsigned int order = size_to_order(size);
    struct page_info *pg;
    unsigned long flags;

    if (order > MAX_ORDER)
        return NULL;
    pg = get_frames(order);
    if (!pg)
        return NULL;
    pg->type_info = (XM_KIND_LARGE << XM_KIND_SHIFT) | order;
    flags = spin_lock_irqsave(&xmalloc_lock);
    stats.large_frames += 1ULL << order;
    stats.bytes_in_use += (uint64_t)PAGE_SIZE << order;
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return frame_va(pg);
}

void *xmalloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size <= XM_MAX_SIZE)
        return small_alloc(size_to_class(size));
    return large_alloc(size);
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

/* Return an object to its slab.  Yields the slab if the buddy allocator
 * should have it back: one empty slab per class is kept so that a class
 * hovering around a slab boundary does not churn frames. */
static struct page_info *slab_put(struct page_info *pg, unsigned int off)
{
    struct slab_state s = slab_get(pg);
    struct xm_class *c = &classes[s.cls];

    *free_link(frame_va(pg), off) = (uint16_t)s.free_off;
    if (s.free_off == XM_NO_FREE)
        list_add(&pg->list, &c->partial);
    s.free_off = off;
    s.inuse--;
    slab_set(pg, s);
    stats.bytes_in_use -= class_size(s.cls);
    if (s.inuse)
        return NULL;
    list_del(&pg->list);
    if (c->nr_empty) {
        stats.slab_frames--;
        pg->type_info = 0;      /* a stale pointer into it is now refused */
        return pg;
    }
    /* At the tail, so partly used slabs fill first and this one may stay
     * empty. */
    c->nr_empty++;
    list_add_tail(&pg->list, &c->partial);
    return NULL;
}

/* Unhook p from xmalloc's bookkeeping.  Returns why p is not a live
 * xmalloc pointer, or NULL; a block to give back goes in ret and order. */
static const char *unhook(void *p, struct page_info **ret, unsigned int *order)
{
    paddr_t pa = arch_virt_to_maddr(p);
    unsigned int off = (unsigned int)(pa & ~PAGE_MASK);
    struct page_info *pg;

    if (mfn_x(maddr_to_mfn(pa)) >= max_mfn)
        return "xfree: pointer outside RAM";
    pg = mfn_to_page(maddr_to_mfn(pa));
    if (!(pg->count_info & PGC_xen_heap) || pg->owner)
        return "xfree: not an xmalloc pointer";
    if (frame_kind(pg) == XM_KIND_LARGE && off == 0) {
        *order = (unsigned int)XM_FIELD(pg->type_info, 0, 8);
        pg->type_info = 0;      /* a second xfree() is refused */
        stats.large_frames -= 1ULL << *order;
        stats.bytes_in_use -= (uint64_t)PAGE_SIZE << *order;
        *ret = pg;
        return NULL;
    }
    if (frame_kind(pg) != XM_KIND_SLAB)
        return "xfree: not an xmalloc pointer";
    if (!IS_ALIGNED(off, class_size(slab_get(pg).cls)))
        return "xfree: pointer inside an object";
    if (slab_get(pg).inuse == 0)
        return "xfree: slab has no object in use";
    *order = 0;
    *ret = slab_put(pg, off);
    return NULL;
}

void xfree(void *p)
{
    struct page_info *ret = NULL;
    unsigned int order = 0;
    unsigned long flags;
    const char *why;

    if (!p)
        return;
    flags = spin_lock_irqsave(&xmalloc_lock);
    why = unhook(p, &ret, &order);
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    if (unlikely(why)) {
        assert_failed(why, __FILE__, __LINE__);
        return;
    }
    if (ret)
        free_pages(ret, order);
}

void xmalloc_stats(struct xmalloc_stats *st)
{
    unsigned long flags = spin_lock_irqsave(&xmalloc_lock);

    *st = stats;
    spin_unlock_irqrestore(&xmalloc_lock, flags);
}
