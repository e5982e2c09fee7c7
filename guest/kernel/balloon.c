/* The balloon (balloon.h).
 *
 * The pseudo-physical frames given back are remembered on a stack kept in
 * pages of its own (each holds PFNS_PER_PAGE frame numbers and a link), so
 * that the balloon needs no memory it cannot get from the allocator at
 * the moment it grows.  Work is done in batches of BATCH pages: one
 * memory_op per batch. */
#include <balloon.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>

#define BATCH 64
#define PFNS_PER_PAGE (PAGE_SIZE / sizeof(uint64_t) - 1)

struct pfn_page {
    struct pfn_page *next;
    uint64_t pfn[PFNS_PER_PAGE];
};

static struct pfn_page *stack;       /* top page; its entries [0, top) are used */
static unsigned int top;
static struct pfn_page *spare;       /* an emptied page, kept for the next push */
static uint64_t pages_out;

uint64_t balloon_pages_out(void)
{
    return pages_out;
}

static long reservation_op(unsigned int op, uint64_t *list, unsigned int nr)
{
    struct xen_memory_reservation r = { .extent_start = (uint64_t)list, .nr_extents = nr,
                                        .domid = DOMID_SELF };

    return hypercall_memory_op(op, &r);
}

static long current_reservation(void)
{
    domid_t self = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &self);
}

/* Room on the stack for a batch: false when no page for it could be had.
 * A batch fits in the top page's room plus the spare. */
static bool stack_room(void)
{
    _Static_assert(BATCH <= PFNS_PER_PAGE, "a batch spans at most two stack pages");
    if ((stack && PFNS_PER_PAGE - top >= BATCH) || spare)
        return true;
    spare = page_alloc();
    return spare != NULL;
}

/* At most a batch after stack_room said yes, or to put back what a
 * batch of stack_pop took (an emptied page is kept as the spare). */
static void stack_push(uint64_t pfn)
{
    if (!stack || top == PFNS_PER_PAGE) {
        spare->next = stack;
        stack = spare;
        spare = NULL;
        top = 0;
    }
    stack->pfn[top++] = pfn;
    pages_out++;
}

/* Only with pages_out > 0. */
static uint64_t stack_pop(void)
{
    uint64_t pfn = stack->pfn[--top];

    pages_out--;
    if (!top) {
        struct pfn_page *empty = stack;

        stack = stack->next;
        top = stack ? PFNS_PER_PAGE : 0;
        if (spare)
            page_free(spare);
        spare = empty;
    }
    return pfn;
}

/* Give back up to n pages (at most BATCH): the number given. */
static long give_back(unsigned int n)
{
    uint64_t mfns[BATCH], pfns[BATCH];
    unsigned int got = 0;
    long rc;

    if (!stack_room())
        return 0;
    while (got < n) {
        void *page = page_alloc();

        if (!page)
            break;
        pfns[got] = virt_to_pfn(page);
        mfns[got] = pfn_to_mfn(pfns[got]);
        if (pt_unmap((uint64_t)page)) {     /* cannot happen to a direct-map page */
            page_free(page);
            break;
        }
        got++;
    }
    rc = got ? reservation_op(XENMEM_decrease_reservation, mfns, got) : 0;
    for (unsigned int i = 0; i < got; i++) {
        if ((long)i < rc) {
            p2m[pfns[i]] = INVALID_P2M_ENTRY;
            stack_push(pfns[i]);
        } else if (!pt_map((uint64_t)pfn_to_virt(pfns[i]), mfns[i], PTE_KERNEL_RW)) {
            page_free(pfn_to_virt(pfns[i]));     /* refused: the page is still ours */
        }
    }
    return rc;
}

/* Take memory for up to n of the pages given back (at most BATCH): the
 * number taken. */
static long take_back(unsigned int n)
{
    uint64_t list[BATCH], pfns[BATCH];
    unsigned int want = 0;
    long rc;

    while (want < n && pages_out) {
        pfns[want] = stack_pop();
        list[want] = pfns[want];
        want++;
    }
    rc = want ? reservation_op(XENMEM_populate_physmap, list, want) : 0;
    for (unsigned int i = want; i-- > 0;) {
        if ((long)i >= rc) {                /* not backed: still given back */
            stack_push(pfns[i]);            /* room: it was popped from there */
            continue;
        }
        p2m[pfns[i]] = list[i];
        if (pt_map((uint64_t)pfn_to_virt(pfns[i]), list[i], PTE_KERNEL_RW))
            panic("balloon: cannot map page %#lx again", pfns[i]);
        page_free(pfn_to_virt(pfns[i]));
    }
    return rc;
}

long balloon_set_target(uint64_t target)
{
    long cur = current_reservation(), start = cur, rc = 0;

    if (cur < 0)
        return cur;
    while ((uint64_t)cur > target) {
        rc = give_back((unsigned int)MIN((uint64_t)BATCH, (uint64_t)cur - target));
        if (rc <= 0)
            break;
        cur -= rc;
    }
    while ((uint64_t)cur < target && pages_out) {
        rc = take_back((unsigned int)MIN((uint64_t)BATCH, target - (uint64_t)cur));
        if (rc <= 0)
            break;
        cur += rc;
    }
    return rc < 0 && cur == start ? rc : cur;
}
