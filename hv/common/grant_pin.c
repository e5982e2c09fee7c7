/* Pinning a grant for one use (a mapping, a copy), and unpinning it: the
 * checks every use of another domain's grant goes through
 * (grant_table.h). */
#include <stdatomic.h>
#include <proxen/domain.h>
#include <proxen/grant_table.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/page_type.h>
#include <proxen/xmalloc.h>

/* A guest may rewrite its entry while we set the flags in it; after this
 * many lost races it is taken to be misbehaving (as Xen does). */
#define SET_STATUS_TRIES 5

static const uint32_t pin_inc[] = {
    [GRANT_USE_HOST_RW] = GNTPIN_hstw_inc, [GRANT_USE_HOST_RO] = GNTPIN_hstr_inc,
    [GRANT_USE_DEV_RW] = GNTPIN_devw_inc, [GRANT_USE_DEV_RO] = GNTPIN_devr_inc,
};

/* The first 32 bits of a v1 or v2 entry: flags, then domid. */
static uint32_t *entry_head(struct grant_table *gt, grant_ref_t ref)
{
    if (gt->version == 1)
        return (uint32_t *)(void *)((struct grant_entry_v1 *)gt->shared[ref / GNTTAB_V1_PER_FRAME] +
                                    ref % GNTTAB_V1_PER_FRAME);
    return (uint32_t *)(void *)((union grant_entry_v2 *)gt->shared[ref / GNTTAB_V2_PER_FRAME] +
                                ref % GNTTAB_V2_PER_FRAME);
}

static const union grant_entry_v2 *entry_v2(struct grant_table *gt, grant_ref_t ref)
{
    return (const union grant_entry_v2 *)gt->shared[ref / GNTTAB_V2_PER_FRAME] +
           ref % GNTTAB_V2_PER_FRAME;
}

/* Where the hypervisor's GTF_reading/GTF_writing of ref live. */
static uint16_t *status_word(struct grant_table *gt, grant_ref_t ref)
{
    if (gt->version == 1)
        return (uint16_t *)(void *)entry_head(gt, ref);
    return &gt->status[ref / GNTTAB_STATUS_PER_FRAME][ref % GNTTAB_STATUS_PER_FRAME];
}

static uint16_t head_flags(uint32_t head) { return (uint16_t)head; }
static domid_t head_domid(uint32_t head) { return (domid_t)(head >> 16); }

/* Whether an entry grants access to ldomid (for a mapping: never a
 * sub-page grant).  Transitive grants are not supported (docs). */
static bool grants_access(uint32_t head, domid_t ldomid, bool map)
{
    uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);

    return (head_flags(head) & mask) == GTF_permit_access && head_domid(head) == ldomid;
}

/* An entry as seen for a use: granting access on the first use, and
 * not read-only for a writable one. */
static bool usable(uint32_t head, bool first, bool writes, domid_t ldomid, bool map)
{
    if (first && !grants_access(head, ldomid, map))
        return false;
    return !(writes && (head_flags(head) & GTF_readonly));
}

static void clear_flags(uint16_t *w, uint16_t flags)
{
    __atomic_fetch_and(w, (uint16_t)~flags, __ATOMIC_SEQ_CST);
}

/* Version 1: the flags live in the guest's entry, so they are set with a
 * compare-and-exchange of flags and domid together, the entry checked in
 * the same step. */
static int16_t set_status_v1(struct grant_table *gt, grant_ref_t ref, bool first, bool writes,
                             domid_t ldomid, bool map)
{
    uint32_t *head = entry_head(gt, ref);
    uint32_t seen = __atomic_load_n(head, __ATOMIC_SEQ_CST);

    for (unsigned int tries = 0; tries < SET_STATUS_TRIES; tries++) {
        uint32_t want = seen | GTF_reading | (writes ? GTF_writing : 0);

        if (!usable(seen, first, writes, ldomid, map))
            return GNTST_general_error;
        if (__atomic_compare_exchange_n(head, &seen, want, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return GNTST_okay;
    }
    return GNTST_general_error;         /* the guest keeps changing it */
}

/* Version 2: set the status word first, then check the entry again, so
 * that a guest revoking meanwhile either sees the flags or is seen. */
static int16_t set_status_v2(struct grant_table *gt, grant_ref_t ref, bool first, bool writes,
                             domid_t ldomid, bool map)
{
    uint32_t *head = entry_head(gt, ref);
    uint16_t *status = status_word(gt, ref);
    uint16_t set = GTF_reading | (writes ? GTF_writing : 0);
    uint32_t h = __atomic_load_n(head, __ATOMIC_SEQ_CST);

    if (!usable(h, first, writes, ldomid, map))
        return GNTST_general_error;
    __atomic_fetch_or(status, set, __ATOMIC_SEQ_CST);
    h = __atomic_load_n(head, __ATOMIC_SEQ_CST);
    if (!usable(h, first, writes, ldomid, map)) {
        clear_flags(status, first ? set : (uint16_t)(set & GTF_writing));
        return GNTST_general_error;
    }
    return GNTST_okay;
}

/* Undo the flags a failed pin set: those no remaining pin needs. */
static void reduce_status(struct grant_table *gt, grant_ref_t ref,
                          const struct active_grant_entry *act)
{
    uint16_t clear = 0;

    if (ref >= gnttab_nr_entries(gt))
        return;                         /* relinquished: no entry to tell */
    if (!(act->pin & GNTPIN_writable))
        clear |= GTF_writing;
    if (!act->pin)
        clear |= GTF_reading;
    if (clear)
        clear_flags(status_word(gt, ref), clear);
}

/* The first use: what the entry grants, recorded in the active entry. */
static void record(struct grant_table *gt, grant_ref_t ref, struct active_grant_entry *act,
                   domid_t ldomid)
{
    uint64_t frame;

    act->domid = ldomid;
    act->start = 0;
    act->length = PAGE_SIZE;
    act->is_sub_page = false;
    if (gt->version == 1) {
        const struct grant_entry_v1 *e = (const void *)entry_head(gt, ref);

        act->frame = __atomic_load_n(&e->frame, __ATOMIC_RELAXED);
        return;
    }
    const union grant_entry_v2 *e = entry_v2(gt, ref);

    /* A frame number past 52 bits names no frame: kept as one past the
     * machine's last (refused by gnttab_get_frame). */
    frame = __atomic_load_n(&e->full_page.frame, __ATOMIC_RELAXED);
    act->frame = frame >> 52 ? max_mfn : frame;
    if (__atomic_load_n(&e->hdr.flags, __ATOMIC_RELAXED) & GTF_sub_page) {
        uint16_t off = __atomic_load_n(&e->sub_page.page_off, __ATOMIC_RELAXED);
        uint16_t len = __atomic_load_n(&e->sub_page.length, __ATOMIC_RELAXED);

        /* A window starting past the page's end grants nothing; one
         * reaching past it, nothing beyond. */
        act->start = off < PAGE_SIZE ? off : 0;
        act->length = off < PAGE_SIZE ? MIN(len, PAGE_SIZE - off) : 0;
        act->is_sub_page = true;
    }
}

/* The references a use holds on the granted frame: it must be rd's own
 * memory (not a page the hypervisor shares with rd, such as its
 * shared_info or grant-table frames), and writable for a write. */
int16_t gnttab_get_frame(struct domain *rd, mfn_t mfn, bool writes)
{
    struct page_info *pg;

    if (mfn_x(mfn) >= max_mfn)
        return GNTST_bad_page;
    pg = mfn_to_page(mfn);
    if ((pg->count_info & PGC_xen_heap) || !get_page(pg, rd))
        return GNTST_bad_page;
    if (writes && get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

void gnttab_put_frame(mfn_t mfn, bool writes)
{
    if (writes)
        put_page_and_type(mfn_to_page(mfn));
    else
        put_page(mfn_to_page(mfn));
}

/* The active entry of ref, its page allocated on first need. */
static struct active_grant_entry *active_page(struct grant_table *gt, grant_ref_t ref)
{
    struct active_grant_entry **page = &gt->active[ref / GNTTAB_ACTIVE_PER_PAGE];

    if (!*page)
        *page = xzalloc(PAGE_SIZE);
    return *page ? &(*page)[ref % GNTTAB_ACTIVE_PER_PAGE] : NULL;
}

static unsigned int pin_count(uint32_t pin, enum grant_use use)
{
    return (pin / pin_inc[use]) & 0xff;
}

int16_t gnttab_pin(struct domain *rd, grant_ref_t ref, domid_t ldomid, enum grant_use use,
                   bool map, struct grant_pinned *out)
{
    struct grant_table *gt = rd->grant_table;
    struct active_grant_entry *act;
    bool writes = grant_use_writes(use), first;
    int16_t rc = GNTST_okay;

    spin_lock(&gt->lock);
    if (ref >= gnttab_nr_entries(gt)) {
        rc = GNTST_bad_gntref;
        goto out;
    }
    if (gnttab_entry_stale(gt, ref)) {
        rc = GNTST_general_error;       /* empty since the switch: not granted */
        goto out;
    }
    act = active_page(gt, ref);
    if (!act) {
        rc = GNTST_general_error;       /* no memory for its page */
        goto out;
    }
    first = !act->pin;
    /* In use already: by its first grantee only, within the counts. */
    if (!first && (act->domid != ldomid || pin_count(act->pin, use) >= 0x80 ||
                   (map && act->is_sub_page))) {
        rc = GNTST_general_error;
        goto out;
    }
    if (first || (writes && !(act->pin & GNTPIN_writable))) {
        rc = gt->version == 1 ? set_status_v1(gt, ref, first, writes, ldomid, map)
                              : set_status_v2(gt, ref, first, writes, ldomid, map);
        if (rc != GNTST_okay)
            goto out;
        if (first)
            record(gt, ref, act, ldomid);
    }
    rc = gnttab_get_frame(rd, _mfn(act->frame), writes);
    if (rc != GNTST_okay) {
        reduce_status(gt, ref, act);
        goto out;
    }
    gt->nr_pinned += first;
    act->pin += pin_inc[use];
    atomic_fetch_add(&rd->refcnt, 1);       /* the table outlives its pins */
    *out = (struct grant_pinned){ _mfn(act->frame), (uint16_t)act->start, act->length };
out:
    spin_unlock(&gt->lock);
    return rc;
}

void gnttab_unpin(struct domain *rd, grant_ref_t ref, enum grant_use use)
{
    struct grant_table *gt = rd->grant_table;
    struct active_grant_entry *act;
    mfn_t mfn;

    spin_lock(&gt->lock);
    act = gnttab_active(gt, ref);
    ASSERT(pin_count(act->pin, use) > 0);
    act->pin -= pin_inc[use];
    ASSERT(act->pin || gt->nr_pinned > 0);
    gt->nr_pinned -= !act->pin;
    mfn = _mfn(act->frame);
    reduce_status(gt, ref, act);
    spin_unlock(&gt->lock);
    gnttab_put_frame(mfn, grant_use_writes(use));
    put_domain(rd);
}
