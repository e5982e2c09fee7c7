/* The per-CPU timer queue: a binary min-heap on expiry time.  Each timer
 * records its slot so that removal (stop_timer, set_timer on an active
 * timer) is O(log n) instead of a search. */
#include <proxen/errno.h>
#include <proxen/lib.h>
#include <proxen/timer.h>

static void place(struct timer_heap *h, size_t i, struct timer *t)
{
    h->slot[i] = t;
    t->heap_index = (uint32_t)i;
}

/* Move t towards the root from hole i until its parent is not later. */
static void sift_up(struct timer_heap *h, size_t i, struct timer *t)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (h->slot[parent]->expires <= t->expires)
            break;
        place(h, i, h->slot[parent]);
        i = parent;
    }
    place(h, i, t);
}

/* Move t towards the leaves from hole i until no child is earlier. */
static void sift_down(struct timer_heap *h, size_t i, struct timer *t)
{
    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= h->size)
            break;
        if (child + 1 < h->size &&
            h->slot[child + 1]->expires < h->slot[child]->expires)
            child++;
        if (t->expires <= h->slot[child]->expires)
            break;
        place(h, i, h->slot[child]);
        i = child;
    }
    place(h, i, t);
}

void timer_heap_init(struct timer_heap *h, struct timer **storage, uint32_t capacity)
{
    /* TIMER_NOT_QUEUED must never be a valid index. */
    ASSERT(capacity < TIMER_NOT_QUEUED);
    h->slot = storage;
    h->size = 0;
    h->capacity = capacity;
}

int timer_heap_add(struct timer_heap *h, struct timer *t)
{
    ASSERT(t->heap_index == TIMER_NOT_QUEUED);
    if (h->size == h->capacity)
        return -ENOSPC;
    h->size++;
    sift_up(h, h->size - 1, t);
    return 0;
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    size_t i = t->heap_index;
    struct timer *last;

    ASSERT(i < h->size && h->slot[i] == t);
    t->heap_index = TIMER_NOT_QUEUED;
    last = h->slot[--h->size];
    h->slot[h->size] = NULL;
    if (last == t)
        return;
    /* The last timer fills the hole; it may belong above or below it. */
    if (i > 0 && last->expires < h->slot[(i - 1) / 2]->expires)
        sift_up(h, i, last);
    else
        sift_down(h, i, last);
}

struct timer *timer_heap_peek(const struct timer_heap *h)
{
    return h->size ? h->slot[0] : NULL;
}

struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now)
{
    struct timer *t = timer_heap_peek(h);

    if (!t || t->expires > now)
        return NULL;
    timer_heap_remove(h, t);
    return t;
}
