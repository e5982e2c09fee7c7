/* The page reference and type state machine (see page_type.h). */
#include <arch/arch.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>
#include <proxen/spinlock.h>

void page_types_init(struct page_types *t, bool privileged)
{
    /* The privileged domain's lock comes first: it maps and pins other
     * domains' frames with its own held, and no one does the reverse. */
    spin_lock_init_ranked(&t->lock, privileged ? LOCK_PAGE_TYPES : LOCK_GUEST_PAGE_TYPES);
    t->depth = 0;
    t->preemptible = t->restartable = t->flush_wanted = false;
    t->unchecked = 0;
    t->validating = 0;
    t->failed = NULL;
}

/* holder_cpu names this CPU only while this CPU holds the lock, so a
 * plain read tells a nested call from a new one.  Interrupts are on
 * whenever it is taken: a CPU waiting for it still answers the TLB
 * shootdowns of the CPU holding it.  The nested case is the common one
 * (an mmu_update entry takes and drops several references under the lock
 * its request holds): it is inline, the first acquisition is not. */
static __hot_mm __attribute__((noinline)) void lock_types_first(struct page_types *t)
{
    ASSERT(arch_irqs_enabled());
    spin_lock(&t->lock);
    t->depth = 1;
    t->preemptible = t->restartable = t->flush_wanted = false;
}

static inline __attribute__((always_inline)) struct page_types *lock_types(struct domain *d)
{
    struct page_types *t = domain_page_types(d);

    if (t->lock.holder_cpu == arch_cpu_id())
        t->depth++;
    else
        lock_types_first(t);
    return t;
}

/* true when the outermost unlock did a flush a type change was waiting
 * for: the request must run again. */
static __hot_mm __attribute__((noinline)) bool unlock_types_last(struct page_types *t)
{
    bool flush;

    ASSERT(!t->failed && !t->validating);
    flush = t->flush_wanted;
    t->preemptible = t->restartable = t->flush_wanted = false;
    spin_unlock(&t->lock);
    if (flush)
        arch_page_type_flush_tlbs();
    return flush;
}

static inline __attribute__((always_inline)) bool unlock_types(struct page_types *t)
{
    ASSERT(t->lock.holder_cpu == arch_cpu_id());    /* held, by this CPU */
    if (--t->depth)
        return false;
    return unlock_types_last(t);
}

static struct page_types *owner_types(const struct page_info *pg)
{
    ASSERT(pg->owner);          /* a frame with references has an owner */
    return lock_types(pg->owner);
}

__hot_mm void page_types_lock(struct domain *d) { (void)lock_types(d); }
__hot_mm bool page_types_unlock(struct domain *d) { return unlock_types(domain_page_types(d)); }

bool page_types_locked(struct domain *d)
{
    return spin_is_locked_by_me(&domain_page_types(d)->lock);
}

void page_set_owner_allocated(struct page_info *pg, struct domain *d)
{
    struct page_types *t = lock_types(d);

    pg->owner = d;
    /* What the frame was before is unknown: as if writable until now. */
    pg->type_info = PGT_writable_page;
    pg->tlbflush_timestamp = arch_tlbflush_clock();
    pg->count_info = (pg->count_info & ~(PGC_count_mask | PGC_free | PGC_reserved)) |
                     PGC_allocated | 1;
    (void)unlock_types(t);
}

/* The reference steps under the type lock, shared by the calls that take
 * or drop one reference and those that do both kinds at once. */

/* d's lock held: a general reference, if d may take one. */
static inline __attribute__((always_inline)) bool take_ref(struct page_info *pg,
                                                           struct domain *d)
{
    bool ok;

    ok = pg->owner == d && (pg->count_info & PGC_allocated) &&
         !(pg->count_info & (PGC_free | PGC_reserved)) &&
         page_ref_count(pg) > 0 && page_ref_count(pg) < PGC_count_mask;
    if (ok)
        pg->count_info++;
    return ok;
}

/* The owner's lock held: a general reference fewer; true when it was the
 * last, and the frame goes to page_released once the lock is dropped. */
static inline __attribute__((always_inline)) bool drop_ref(struct page_info *pg)
{
    ASSERT(page_ref_count(pg) > 0);
    pg->count_info--;
    /* While allocated, the allocation reference keeps the count above 0. */
    ASSERT(page_ref_count(pg) || !(pg->count_info & PGC_allocated));
    return page_ref_count(pg) == 0;
}

/* The owner's lock held: one more use of the type the frame has in use
 * (not partial, below the count's limit).  false changes nothing: a first
 * use, another type, a partial frame or an overflow is get_page_type's. */
static inline __attribute__((always_inline)) bool take_same_type(struct page_info *pg,
                                                                 uint64_t type)
{
    uint64_t ti = pg->type_info, count = ti & PGT_count_mask;

    if ((ti & (PGT_partial | PGT_type_mask)) != type || !count || count == PGT_count_mask)
        return false;
    pg->type_info = ti + 1;
    return true;
}

/* The owner's lock held: a type reference fewer, other than a page
 * table's last (which releases the table: put_type).  The last use of a
 * type records the TLB clock (page_type.h, "Stale translations"). */
static inline __attribute__((always_inline)) void drop_type_ref(struct page_info *pg)
{
    ASSERT(page_type_count(pg) > 0);
    if (page_type_count(pg) == 1)
        pg->tlbflush_timestamp = arch_tlbflush_clock();
    pg->type_info--;
}

static inline bool put_releases_table(const struct page_info *pg)
{
    return page_type_count(pg) == 1 && is_page_table_type(page_type(pg));
}

__hot_mm bool get_page(struct page_info *pg, struct domain *d)
{
    struct page_types *t;
    bool ok;

    if (!d)
        return false;
    t = lock_types(d);
    ok = take_ref(pg, d);
    (void)unlock_types(t);
    return ok;
}

__hot_mm void put_page(struct page_info *pg)
{
    struct domain *owner = pg->owner;
    struct page_types *t = owner_types(pg);
    bool last = drop_ref(pg);

    (void)unlock_types(t);
    if (last)                   /* no one can take a reference again */
        page_released(owner, pg);
}

bool page_drop_allocation(struct page_info *pg)
{
    struct page_types *t = owner_types(pg);
    bool last = false;

    if (pg->count_info & PGC_allocated) {
        ASSERT(page_ref_count(pg) > 0);
        pg->count_info = (pg->count_info & ~PGC_allocated) - 1;
        last = page_ref_count(pg) == 0;
    }
    (void)unlock_types(t);
    return last;
}

/* Every PT_PREEMPT_EVERY entries, counted across the tables of a tree
 * (so a step is bounded whatever the tree's shape), ask whether to stop.
 * Callers never ask before their first entry: each call makes progress. */
static bool preemption_due(struct page_types *t)
{
    if (!t->preemptible || ++t->unchecked < PT_PREEMPT_EVERY)
        return false;
    t->unchecked = 0;
    return hypercall_preempt_check();
}

/* Drop entries [0, n) of a table that failed validation, in one go:
 * outside a preemptible request nothing can be left half-done. */
static void undo_entries(struct page_types *t, struct page_info *pg, uint64_t type,
                         unsigned int n)
{
    bool was = t->preemptible;

    t->preemptible = false;
    while (n-- > 0)
        (void)arch_pt_put_entry(pg, type, n);
    t->preemptible = was;
}

/* A table failed validation with entries [0, held) holding references.
 * Dropping them can cost as much as the tree below them (a hostile guest
 * makes the last entry of a huge tree fail), so inside a preemptible
 * request the table is left half-released instead, in the state a release
 * stopped by preemption leaves (settle): the table above then counts its
 * entry naming it among those holding references, and the table at the
 * top is handed to the vCPU (arch_owe_release), which finishes releasing
 * it in preemptible steps before its next request.  Returns true when the
 * table is left so. */
static bool leave_for_release(struct page_types *t, struct page_info *pg, uint64_t type,
                              unsigned int held)
{
    if (!t->preemptible || !held) {
        undo_entries(t, pg, type, held);
        return false;
    }
    pg->nr_validated = held;
    t->failed = pg;
    return true;
}

/* Drop entries [0, from) of a table, last first, its type count still
 * held so that nothing retypes it half-way.  When preemption is due, or a
 * table an entry names stopped half-way (that entry keeps its
 * references), stop: PGT_partial with nr_validated entries left. */
static int release_table(struct page_types *t, struct page_info *pg, uint64_t type,
                         unsigned int from)
{
    for (unsigned int i = from; i > 0; i--) {
        int rc = 0;

        if (i < from && preemption_due(t))
            rc = -ERESTART;
        else
            rc = arch_pt_put_entry(pg, type, i - 1);
        if (rc) {
            ASSERT(rc == -ERESTART && t->preemptible);
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
 * how far it got; on an error, every entry's references are dropped, or
 * left to be dropped (leave_for_release). */
static int validate_table(struct page_types *t, struct page_info *pg, uint64_t type,
                          unsigned int from)
{
    unsigned int n = arch_pt_entries(type), i;
    int rc = 0;

    t->validating++;
    for (i = from; i < n; i++) {
        if (i > from && preemption_due(t)) {
            rc = -ERESTART;
            break;
        }
        rc = arch_pt_get_entry(pg, type, i);
        if (rc)
            break;
    }
    t->validating--;
    if (rc == -ERESTART) {
        ASSERT(t->preemptible && !t->failed);
        pg->nr_validated = i;
        return rc;
    }
    if (rc) {
        /* The table entry i names failed and was left half-released:
         * entry i holds it now. */
        unsigned int held = i + (t->failed != NULL);

        t->failed = NULL;
        (void)leave_for_release(t, pg, type, held);
    } else {
        arch_pt_validated(pg, type);
    }
    return rc;
}

/* The type field already says type, with the caller's reference. */
static int validate(struct page_types *t, struct page_info *pg, uint64_t type,
                    unsigned int from)
{
    if (type == PGT_seg_desc_page)
        return arch_desc_page_validate(pg);
    return validate_table(t, pg, type, from);
}

/* Where a validation ended: validated with the caller's reference, stopped
 * half-way (partial, holding a general reference of its own), failed (no
 * type), or failed and left half-released (partial, with a type reference
 * and a general reference of its own for whoever finishes releasing it:
 * the table above, or at the top the vCPU). */
static int settle(struct page_types *t, struct page_info *pg, uint64_t type, int rc,
                  bool was_partial)
{
    if (rc == -ERESTART || (rc && t->failed == pg)) {
        if (!was_partial)
            pg->count_info++;
        pg->type_info = type | PGT_partial | (rc == -ERESTART ? 0 : 1);
        if (rc != -ERESTART && !t->validating) {
            t->failed = NULL;
            arch_owe_release(pg);
        }
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

/* A frame taking a type other than its last may still be reachable
 * through stale translations of its old use on other CPUs, unless every
 * TLB was flushed since (the clock moved).  A request that can run again
 * has the flush done after it drops the lock (-ERESTART, nothing
 * changed); others wait for it here, with interrupts on. */
static int flush_before_retype(struct page_types *t, struct page_info *pg, uint64_t type)
{
    uint64_t old = page_type(pg);

    if (old == PGT_none || old == type || pg->tlbflush_timestamp != arch_tlbflush_clock())
        return 0;
    if (t->restartable) {
        t->flush_wanted = true;
        return -ERESTART;
    }
    arch_page_type_flush_tlbs();
    return 0;
}

static int take_first_type_ref(struct page_types *t, struct page_info *pg, uint64_t type)
{
    int rc = flush_before_retype(t, pg, type);

    if (rc)
        return rc;
    pg->type_info = type | 1;
    if (!is_page_table_type(type) && type != PGT_seg_desc_page) {
        pg->type_info |= PGT_validated;
        return 0;
    }
    return settle(t, pg, type, validate(t, pg, type, 0), false);
}

/* Carry on where a preempted validation stopped. */
static int resume_partial(struct page_types *t, struct page_info *pg, uint64_t type)
{
    unsigned int from = pg->nr_validated;

    pg->type_info = type | 1;
    return settle(t, pg, type, validate(t, pg, type, from), true);
}

__hot_mm int get_page_type(struct page_info *pg, uint64_t type)
{
    struct page_types *t;
    int rc = 0;

    ASSERT((type & ~PGT_type_mask) == 0 && type != PGT_none);
    t = owner_types(pg);
    if (pg->type_info & PGT_partial)     /* half-validated, or half-released (counted) */
        rc = page_type(pg) == type && !page_type_count(pg) ? resume_partial(t, pg, type) : -EINVAL;
    else if (page_type_count(pg) == 0)
        rc = take_first_type_ref(t, pg, type);
    else if (page_type(pg) != type)
        rc = -EINVAL;
    else if (page_type_count(pg) == PGT_count_mask)
        rc = -EOVERFLOW;
    else
        pg->type_info++;
    (void)unlock_types(t);
    return rc;
}

/* Drop one type reference; the last one of a page table drops its
 * entries' references, which inside a preemptible request may stop
 * half-way: then -ERESTART, and the reference is still the caller's. */
static int put_type(struct page_info *pg)
{
    struct page_types *t = owner_types(pg);
    int rc = 0;

    ASSERT(page_type_count(pg) > 0);
    if (put_releases_table(pg)) {
        uint64_t type = page_type(pg);
        unsigned int from = (pg->type_info & PGT_partial) ? pg->nr_validated
                                                           : arch_pt_entries(type);

        pg->type_info &= ~PGT_validated;
        rc = release_table(t, pg, type, from);
    }
    if (!rc)
        drop_type_ref(pg);
    (void)unlock_types(t);
    return rc;
}

__hot_mm void put_page_type(struct page_info *pg)
{
    struct page_types *t = owner_types(pg);
    bool was = t->preemptible;

    t->preemptible = false;
    (void)put_type(pg);
    t->preemptible = was;
    (void)unlock_types(t);
}

int put_page_type_preemptible(struct page_info *pg)
{
    return put_type(pg);
}

int put_page_and_type_preemptible(struct page_info *pg)
{
    int rc = put_type(pg);

    if (!rc)
        put_page(pg);
    return rc;
}

/* Both references under one hold of the lock (an mmu_update entry takes
 * and drops a pair for each mapping it changes): the common case, one
 * more use of a type in use, is taken here, anything else by
 * get_page_type. */
__hot_mm int get_page_and_type(struct page_info *pg, struct domain *d, uint64_t type)
{
    struct page_types *t;
    int rc = 0;

    ASSERT((type & ~PGT_type_mask) == 0 && type != PGT_none);
    if (!d)
        return -EINVAL;
    t = lock_types(d);
    if (!take_ref(pg, d)) {
        rc = -EINVAL;
    } else if (!take_same_type(pg, type) && (rc = get_page_type(pg, type)) != 0) {
        bool last = drop_ref(pg);

        ASSERT(!last);          /* the allocation's is held: the lock keeps it */
    }
    (void)unlock_types(t);
    return rc;
}

/* The same: a page table's last type reference (its release) is
 * put_page_type's, any other dropped here. */
__hot_mm void put_page_and_type(struct page_info *pg)
{
    struct domain *owner = pg->owner;
    struct page_types *t = owner_types(pg);
    bool last;

    if (put_releases_table(pg))
        put_page_type(pg);
    else
        drop_type_ref(pg);
    last = drop_ref(pg);
    (void)unlock_types(t);
    if (last)                   /* as put_page's */
        page_released(owner, pg);
}

/* A table of d's whose validation stopped half-way (a type count of 0)
 * and that no request will resume, d being torn down, holds the
 * references of its first nr_validated entries and a general reference
 * of its own, but no type reference: given one, it is a table whose
 * release stopped there (the state settle leaves a failed one in), which
 * put_page_and_type_preemptible finishes in bounded steps.  Frames in any
 * other state, or another domain's, are left alone. */
bool page_type_abandon_partial(struct page_info *pg, struct domain *d)
{
    struct page_types *t = lock_types(d);
    bool stopped = pg->owner == d && (pg->type_info & PGT_partial) && !page_type_count(pg);

    if (stopped)
        pg->type_info++;        /* the reference a resumed validation would take */
    (void)unlock_types(t);
    return stopped;
}

int pin_page_table(struct page_info *pg, struct domain *d, uint64_t type)
{
    struct page_types *t;
    int rc = -EINVAL;

    if (!d)
        return rc;
    t = lock_types(d);
    if (pg->owner != d || !(pg->type_info & PGT_pinned)) {
        rc = get_page_and_type(pg, d, type);
        if (!rc)
            pg->type_info |= PGT_pinned;
    }
    (void)unlock_types(t);
    return rc;
}

int unpin_page_table(struct page_info *pg, struct domain *d, uint64_t type)
{
    struct page_types *t;
    int rc = -EINVAL;

    if (!d)
        return rc;
    t = lock_types(d);
    if (pg->owner == d && (pg->type_info & PGT_pinned) && page_type(pg) == type) {
        pg->type_info &= ~PGT_pinned;
        rc = put_page_and_type_preemptible(pg);
    }
    (void)unlock_types(t);
    return rc;
}

