/* The page reference and type state machine (see page_type.h). */
#include <arch/arch.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>
#include <proxen/spinlock.h>

static DEFINE_SPINLOCK(type_lock);
static unsigned int type_lock_depth;
static bool preemptible;        /* the holder's request can be continued */
static unsigned int unchecked;  /* entries handled since the last preemption check */

/* holder_cpu names this CPU only while this CPU holds the lock, so a
 * plain read tells a nested call from a new one. */
static __hot_mm void lock_types(void)
{
    if (type_lock.holder_cpu == arch_cpu_id()) {
        type_lock_depth++;
        return;
    }
    spin_lock(&type_lock);
    type_lock_depth = 1;
    preemptible = false;
}

static __hot_mm void unlock_types(void)
{
    ASSERT(spin_is_locked_by_me(&type_lock));
    if (--type_lock_depth == 0) {
        preemptible = false;
        spin_unlock(&type_lock);
    }
}

__hot_mm void page_types_lock(void) { lock_types(); }
__hot_mm void page_types_unlock(void) { unlock_types(); }

void page_types_allow_preemption(void)
{
    ASSERT(spin_is_locked_by_me(&type_lock));
    preemptible = true;
}

void page_set_owner_allocated(struct page_info *pg, struct domain *d)
{
    pg->owner = d;
    /* What the frame was before is unknown: as if writable until now. */
    pg->type_info = PGT_writable_page;
    pg->tlbflush_timestamp = arch_tlbflush_clock();
    pg->count_info = (pg->count_info & ~(PGC_count_mask | PGC_free | PGC_reserved)) |
                     PGC_allocated | 1;
}

__hot_mm bool get_page(struct page_info *pg, const struct domain *d)
{
    bool ok;

    lock_types();
    ok = pg->owner == d && d && (pg->count_info & PGC_allocated) &&
         !(pg->count_info & (PGC_free | PGC_reserved)) &&
         page_ref_count(pg) > 0 && page_ref_count(pg) < PGC_count_mask;
    if (ok)
        pg->count_info++;
    unlock_types();
    return ok;
}

__hot_mm void put_page(struct page_info *pg)
{
    lock_types();
    ASSERT(page_ref_count(pg) > 0);
    pg->count_info--;
    /* The allocation reference is dropped only when the owner frees the
     * frame, which happens elsewhere; reaching zero here is a bug. */
    ASSERT(page_ref_count(pg) > 0 || !(pg->count_info & PGC_allocated));
    unlock_types();
}

/* Every PT_PREEMPT_EVERY entries, counted across the tables of a tree
 * (so a step is bounded whatever the tree's shape), ask whether to stop.
 * Callers never ask before their first entry: each call makes progress. */
static bool preemption_due(void)
{
    if (!preemptible || ++unchecked < PT_PREEMPT_EVERY)
        return false;
    unchecked = 0;
    return hypercall_preempt_check();
}

/* Drop entries [0, n) of a table that failed validation: in one go (the
 * failure is the request's answer; it cannot be continued). */
static void undo_entries(struct page_info *pg, uint64_t type, unsigned int n)
{
    bool was = preemptible;

    preemptible = false;
    while (n-- > 0)
        (void)arch_pt_put_entry(pg, type, n);
    preemptible = was;
}

/* Drop entries [0, from) of a table, last first, its type count still
 * held so that nothing retypes it half-way.  When preemption is due, or a
 * table an entry names stopped half-way (that entry keeps its
 * references), stop: PGT_partial with nr_validated entries left. */
static int release_table(struct page_info *pg, uint64_t type, unsigned int from)
{
    for (unsigned int i = from; i > 0; i--) {
        int rc = 0;

        if (i < from && preemption_due())
            rc = -ERESTART;
        else
            rc = arch_pt_put_entry(pg, type, i - 1);
        if (rc) {
            ASSERT(rc == -ERESTART && preemptible);
            pg->nr_validated = i;
            pg->type_info |= PGT_partial;
            return rc;
        }
    }
    pg->type_info &= ~PGT_partial;
    return 0;
}

/* Take entries [from, n) of a table whose type field is set (entries
 * before from hold references already).  On -ERESTART, nr_validated says
 * how far it got; on an error, every entry's references are dropped. */
static int validate_table(struct page_info *pg, uint64_t type, unsigned int from)
{
    unsigned int n = arch_pt_entries(type), i;
    int rc = 0;

    for (i = from; i < n; i++) {
        if (i > from && preemption_due()) {
            rc = -ERESTART;
            break;
        }
        rc = arch_pt_get_entry(pg, type, i);
        if (rc)
            break;
    }
    if (rc == -ERESTART) {
        ASSERT(preemptible);
        pg->nr_validated = i;
        return rc;
    }
    if (rc)
        undo_entries(pg, type, i);
    else
        arch_pt_validated(pg, type);
    return rc;
}

/* The type field already says type, with the caller's reference. */
static int validate(struct page_info *pg, uint64_t type, unsigned int from)
{
    if (type == PGT_seg_desc_page)
        return arch_desc_page_validate(pg);
    return validate_table(pg, type, from);
}

/* Where a validation ended: validated with the caller's reference, stopped
 * half-way (partial, holding a general reference of its own), or failed
 * (no type). */
static int settle(struct page_info *pg, uint64_t type, int rc, bool was_partial)
{
    if (rc == -ERESTART) {
        if (!was_partial)
            pg->count_info++;
        pg->type_info = type | PGT_partial;
        return rc;
    }
    if (was_partial) {
        ASSERT(page_ref_count(pg) > 1);     /* the caller holds one too */
        pg->count_info--;
    }
    if (rc) {
        pg->type_info = PGT_none;
        return rc;
    }
    pg->type_info |= PGT_validated;
    return 0;
}

static int take_first_type_ref(struct page_info *pg, uint64_t type)
{
    uint64_t old = page_type(pg);

    if (old != PGT_none && old != type && pg->tlbflush_timestamp == arch_tlbflush_clock())
        arch_page_type_flush_tlbs();
    pg->type_info = type | 1;
    if (!is_page_table_type(type) && type != PGT_seg_desc_page) {
        pg->type_info |= PGT_validated;
        return 0;
    }
    return settle(pg, type, validate(pg, type, 0), false);
}

/* Carry on where a preempted validation stopped. */
static int resume_partial(struct page_info *pg, uint64_t type)
{
    unsigned int from = pg->nr_validated;

    pg->type_info = type | 1;
    return settle(pg, type, validate(pg, type, from), true);
}

__hot_mm int get_page_type(struct page_info *pg, uint64_t type)
{
    int rc = 0;

    ASSERT((type & ~PGT_type_mask) == 0 && type != PGT_none);
    lock_types();
    if (pg->type_info & PGT_partial)     /* half-validated, or half-released (counted) */
        rc = page_type(pg) == type && !page_type_count(pg) ? resume_partial(pg, type) : -EINVAL;
    else if (page_type_count(pg) == 0)
        rc = take_first_type_ref(pg, type);
    else if (page_type(pg) != type)
        rc = -EINVAL;
    else if (page_type_count(pg) == PGT_count_mask)
        rc = -EOVERFLOW;
    else
        pg->type_info++;
    unlock_types();
    return rc;
}

/* Drop one type reference; the last one of a page table drops its
 * entries' references, which inside a preemptible request may stop
 * half-way: then -ERESTART, and the reference is still the caller's. */
static int put_type(struct page_info *pg)
{
    int rc = 0;

    lock_types();
    ASSERT(page_type_count(pg) > 0);
    if (page_type_count(pg) == 1 && is_page_table_type(page_type(pg))) {
        uint64_t type = page_type(pg);
        unsigned int from = (pg->type_info & PGT_partial) ? pg->nr_validated
                                                           : arch_pt_entries(type);

        pg->type_info &= ~PGT_validated;
        rc = release_table(pg, type, from);
    }
    if (!rc) {
        if (page_type_count(pg) == 1)
            pg->tlbflush_timestamp = arch_tlbflush_clock();
        pg->type_info--;
    }
    unlock_types();
    return rc;
}

__hot_mm void put_page_type(struct page_info *pg)
{
    bool was;

    lock_types();
    was = preemptible;
    preemptible = false;
    (void)put_type(pg);
    preemptible = was;
    unlock_types();
}

int put_page_and_type_preemptible(struct page_info *pg)
{
    int rc = put_type(pg);

    if (!rc)
        put_page(pg);
    return rc;
}

__hot_mm int get_page_and_type(struct page_info *pg, const struct domain *d, uint64_t type)
{
    int rc;

    if (!get_page(pg, d))
        return -EINVAL;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

__hot_mm void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

int pin_page_table(struct page_info *pg, const struct domain *d, uint64_t type)
{
    int rc;

    lock_types();
    if (pg->owner == d && (pg->type_info & PGT_pinned)) {
        unlock_types();
        return -EINVAL;
    }
    rc = get_page_and_type(pg, d, type);
    if (!rc)
        pg->type_info |= PGT_pinned;
    unlock_types();
    return rc;
}

int unpin_page_table(struct page_info *pg, const struct domain *d, uint64_t type)
{
    int rc;

    lock_types();
    if (pg->owner != d || !(pg->type_info & PGT_pinned) || page_type(pg) != type) {
        unlock_types();
        return -EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    rc = put_page_and_type_preemptible(pg);
    unlock_types();
    return rc;
}
