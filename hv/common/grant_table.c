/* A domain's grant table: its frames, their sharing with the domain, and
 * its life cycle (grant_table.h has the model and the locking). */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/page_type.h>
#include <proxen/xmalloc.h>
#include <arch/arch.h>

/* The frame behind one of the table's pages (a direct-map address). */
static struct page_info *frame_page(const void *va)
{
    return mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(va)));
}

unsigned int gnttab_status_frames_for(unsigned int nr)
{
    return (nr * GNTTAB_V2_PER_FRAME + GNTTAB_STATUS_PER_FRAME - 1) / GNTTAB_STATUS_PER_FRAME;
}

unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames *
           (gt->version == 1 ? GNTTAB_V1_PER_FRAME : GNTTAB_V2_PER_FRAME);
}

/* A fresh zeroed page, shared with d as data: owned by d and allocated
 * (so d maps it), with a type reference that keeps it writable for as
 * long as it is shared (so it never becomes a page table), all under d's
 * type lock so that no mapping of d's sees it half-way.  PGC_xen_heap
 * stays set: d cannot give it back as its own memory (domain.c). */
static void *share_new_frame(struct domain *d)
{
    void *va = alloc_xenheap_page();
    struct page_info *pg;

    if (!va)
        return NULL;
    pg = frame_page(va);
    page_types_lock(d);
    page_set_owner_allocated(pg, d);
    pg->type_info = PGT_writable_page | PGT_validated | 1;
    (void)page_types_unlock(d);
    return va;
}

/* A frame d stops sharing: its type reference and its allocation go, and
 * it becomes an ordinary frame given up by d (PGC_xen_heap cleared): back
 * to the heap now, or when the last mapping of it goes (page_released,
 * which then drops the domain reference taken here for it).  A status
 * frame retired by gnttab_retire_status has no allocation any more, and
 * the one reference it kept, the table's, is the last. */
static void unshare_frame(struct domain *d, void *va)
{
    struct page_info *pg = frame_page(va);
    bool retired;

    page_types_lock(d);
    ASSERT(pg->owner == d && page_type_count(pg) >= 1);
    pg->type_info--;
    pg->count_info &= ~PGC_xen_heap;
    retired = !(pg->count_info & PGC_allocated);
    ASSERT(!retired || page_ref_count(pg) == 1);
    (void)page_types_unlock(d);
    atomic_fetch_add(&d->refcnt, 1);
    if (retired)
        put_page(pg);
    else if (page_drop_allocation(pg))
        page_released(d, pg);
}

int gnttab_retire_status(struct grant_table *gt)
{
    struct domain *d = gt->domain;
    int rc = 0;

    ASSERT(spin_is_locked_by_me(&gt->lock));
    page_types_lock(d);
    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        if (page_ref_count(frame_page(gt->status[i])) != 1)
            rc = -EBUSY;
    for (unsigned int i = 0; !rc && i < gt->nr_status_frames; i++)
        frame_page(gt->status[i])->count_info &= ~PGC_allocated;
    (void)page_types_unlock(d);
    return rc;
}

/* Status frames up to nr (none removed); -ENOMEM with those made so far
 * kept, for the caller to keep or undo. */
static int grow_status(struct grant_table *gt, unsigned int nr)
{
    for (unsigned int i = gt->nr_status_frames; i < nr; i++) {
        gt->status[i] = share_new_frame(gt->domain);
        if (!gt->status[i])
            return -ENOMEM;
        gt->nr_status_frames = i + 1;
    }
    return 0;
}

/* Grow gt to nr shared frames (and, for version 2, their status frames).
 * Under gt->lock.  0 or -ENOMEM with the table as it was. */
int gnttab_grow(struct grant_table *gt, unsigned int nr)
{
    struct domain *d = gt->domain;
    unsigned int old = gt->nr_frames, old_status = gt->nr_status_frames;

    ASSERT(spin_is_locked_by_me(&gt->lock));
    ASSERT(nr <= gt->max_frames);
    for (unsigned int i = old; i < nr; i++) {
        gt->shared[i] = share_new_frame(d);
        if (!gt->shared[i])
            goto fail;
        gt->nr_frames = i + 1;
    }
    if (gt->version == 2 && grow_status(gt, gnttab_status_frames_for(nr)))
        goto fail;
    return 0;

fail:
    gnttab_shrink_status(gt, old_status);
    while (gt->nr_frames > old) {
        unsigned int i = --gt->nr_frames;

        unshare_frame(d, gt->shared[i]);
        gt->shared[i] = NULL;
    }
    return -ENOMEM;
}

int gnttab_grow_status_step(struct grant_table *gt, unsigned int nr)
{
    ASSERT(spin_is_locked_by_me(&gt->lock));
    if (grow_status(gt, MIN(nr, gt->nr_status_frames + GNTTAB_GROW_STEP)))
        return -ENOMEM;
    return gt->nr_status_frames < nr ? -ERESTART : 0;
}

/* A step allocates, zeroes and shares GNTTAB_GROW_STEP frames (about
 * 2,600 instructions each): a growth to the 1,024-frame limit took 2.7 M
 * instructions in one stretch before it was split. */
int gnttab_grow_preemptible(struct grant_table *gt, unsigned int nr)
{
    while (gt->nr_frames < nr) {
        int rc = gnttab_grow(gt, MIN(nr, gt->nr_frames + GNTTAB_GROW_STEP));

        if (rc)
            return rc;
        if (gt->nr_frames < nr && hypercall_preempt_check())
            return -ERESTART;
    }
    return 0;
}

void gnttab_shrink_status(struct grant_table *gt, unsigned int nr)
{
    while (gt->nr_status_frames > nr) {
        unsigned int i = --gt->nr_status_frames;

        unshare_frame(gt->domain, gt->status[i]);
        gt->status[i] = NULL;
    }
}

int grant_table_create(struct domain *d, unsigned int max_frames,
                       unsigned int max_maptrack_frames)
{
    struct grant_table *gt;
    int rc;

    if (max_frames < GNTTAB_INITIAL_FRAMES || max_frames > GNTTAB_MAX_FRAMES_LIMIT ||
        max_maptrack_frames > GNTTAB_MAX_MAPTRACK_FRAMES_LIMIT)
        return -EINVAL;
    gt = xzalloc_obj(struct grant_table);
    if (!gt)
        return -ENOMEM;
    spin_lock_init_ranked(&gt->lock, LOCK_GRANT);
    gt->domain = d;
    gt->version = 1;
    gt->stale_from = GNTTAB_NO_STALE;
    gt->max_frames = max_frames;
    gt->max_maptrack_frames = max_maptrack_frames;
    gt->shared = xzalloc(max_frames * sizeof(*gt->shared));
    gt->status = xzalloc(gnttab_status_frames_for(max_frames) * sizeof(*gt->status));
    gt->active = xzalloc(gnttab_active_pages(gt) * sizeof(*gt->active));
    d->grant_table = gt;
    if (!gt->shared || !gt->status || !gt->active) {
        grant_table_free(d);
        return -ENOMEM;
    }
    spin_lock(&gt->lock);
    rc = gnttab_grow(gt, GNTTAB_INITIAL_FRAMES);
    spin_unlock(&gt->lock);
    if (rc)
        grant_table_free(d);
    return rc;
}

/* Whether an entry of this page of active entries is pinned. */
static bool page_pinned(const struct active_grant_entry *page)
{
    for (unsigned int i = 0; i < GNTTAB_ACTIVE_PER_PAGE; i++)
        if (page[i].pin)
            return true;
    return false;
}

/* One unit of the teardown's work: the last status frame still shared,
 * else the last shared frame, else the next page of active entries.
 * Active entries nothing uses any more go, so that a destroyed domain
 * held by someone's mapping of one of its pages keeps little; a page
 * with a pinned entry stays for its unpin (the pin holds the domain, so
 * grant_table_free frees the page after it). */
static void relinquish_one(struct grant_table *gt)
{
    struct active_grant_entry **page;
    unsigned int i;

    if (gt->relinquish_status_frames) {
        i = --gt->relinquish_status_frames;
        unshare_frame(gt->domain, gt->status[i]);
        gt->status[i] = NULL;
    } else if (gt->relinquish_frames) {
        i = --gt->relinquish_frames;
        unshare_frame(gt->domain, gt->shared[i]);
        gt->shared[i] = NULL;
    } else {
        page = &gt->active[gt->relinquish_active++];
        if (*page && !page_pinned(*page)) {
            xfree(*page);
            *page = NULL;
        }
    }
}

static bool relinquished(const struct grant_table *gt)
{
    return !gt->relinquish_status_frames && !gt->relinquish_frames &&
           gt->relinquish_active == gnttab_active_pages(gt);
}

/* A step unshares GNTTAB_RELINQUISH_STEP frames (about 650 instructions
 * each) or looks at as many pages of active entries (a scan of 256 pins
 * and a free): a table grown to 1,024 frames took 645,161 instructions in
 * one stretch before it was split, 20,826 at most between checks now. */
int grant_table_relinquish(struct domain *d, bool preemptible)
{
    struct grant_table *gt = d->grant_table;
    int rc = 0;

    if (!gt)
        return 0;
    spin_lock(&gt->lock);
    if (!gt->relinquish_started) {
        /* No entry left from the first step on: a pin, a swap or a
         * transfer checks its entry against nr_frames under this lock,
         * an unpin writes no status word past it and get_status_frames
         * lists none past nr_status_frames, so nothing can be pinned and
         * no status frame is written or handed out while the steps
         * unshare them (setup_table, which would grow the table again,
         * checks relinquish_started). */
        gt->relinquish_frames = gt->nr_frames;
        gt->relinquish_status_frames = gt->nr_status_frames;
        gt->nr_frames = 0;
        gt->nr_status_frames = 0;
        gt->relinquish_started = true;
    }
    for (unsigned int n = 0; !relinquished(gt); n++) {
        if (preemptible && n && n % GNTTAB_RELINQUISH_STEP == 0 && hypercall_preempt_check()) {
            rc = -ERESTART;
            break;
        }
        relinquish_one(gt);
    }
    spin_unlock(&gt->lock);
    return rc;
}

/* A frame of a table never relinquished (a domain whose creation failed
 * before it could be destroyed): nothing but the table can hold it. */
static void free_unrelinquished(void *va)
{
    struct page_info *pg = frame_page(va);

    ASSERT(page_ref_count(pg) == 1 && page_type_count(pg) == 1);
    pg->count_info &= ~(PGC_allocated | PGC_count_mask);
    pg->type_info = 0;
    pg->owner = NULL;
    free_xenheap_page(va);
}

/* What is left: the frames still shared (a table never relinquished, or
 * one whose relinquish stopped half-way: then they are counted apart and
 * nr_frames is 0) and every page of active entries still there. */
void grant_table_free(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int nr_status, nr;

    if (!gt)
        return;
    grant_map_free(d);
    nr_status = gt->nr_status_frames + gt->relinquish_status_frames;
    nr = gt->nr_frames + gt->relinquish_frames;
    for (unsigned int i = 0; gt->status && i < nr_status; i++)
        free_unrelinquished(gt->status[i]);
    for (unsigned int i = 0; gt->shared && i < nr; i++)
        free_unrelinquished(gt->shared[i]);
    for (unsigned int i = 0; gt->active && i < gnttab_active_pages(gt); i++)
        xfree(gt->active[i]);
    xfree(gt->shared);
    xfree(gt->status);
    xfree(gt->active);
    xfree(gt);
    d->grant_table = NULL;
}

bool gnttab_any_pinned(struct grant_table *gt, unsigned int from)
{
    unsigned int pinned = gt->nr_pinned;

    ASSERT(spin_is_locked_by_me(&gt->lock));
    ASSERT(from <= GNTTAB_NR_RESERVED_ENTRIES);
    for (grant_ref_t ref = 0; ref < from; ref++) {
        const struct active_grant_entry *act = gnttab_active(gt, ref);

        if (act && act->pin)
            pinned--;
    }
    return pinned != 0;
}
