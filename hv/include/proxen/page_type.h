/* Reference counts and types of machine frames owned by domains.
 *
 * Every frame a domain owns has a general reference count (count_info's
 * low bits): one reference for being allocated to the domain (PGC_allocated)
 * plus one per mapping, pin or other use.  A frame also has a type with its
 * own count: a frame may be used as one type at a time, so it can never be
 * both a page table and writable, or a descriptor table and writable.  A
 * page-table type is taken only after every entry of the frame has been
 * validated (which in turn takes references on the frames the entries
 * name); it is released, and the entries' references dropped, when its
 * count returns to zero.
 *
 * This file is the state machine; what "validate" means for each type is
 * the arch's (arch_page_type_validate / arch_page_type_release).
 *
 * Stale translations: when a frame's type count drops to zero, the TLB
 * clock is recorded in it; mappings of its old type (writable mappings, or
 * cached upper-level entries through a former page table) may survive in
 * TLBs until the next full flush.  Before the frame takes a *different*
 * type, it is flushed unless a full flush happened since (the clock
 * moved): a former page table mapped writable, or a formerly writable
 * frame validated as a table, never sees a stale translation.  A fresh
 * frame counts as just dropped (its past owner's mappings may linger).
 *
 * Preemption: validating a table takes references for its entries one by
 * one, and a table's entries name tables that are validated in turn, so
 * one request can validate a whole tree.  Inside a request that allows it
 * (page_types_allow_preemption), validation checks every
 * PT_PREEMPT_EVERY entries (counted across the tables of the tree)
 * whether the CPU is wanted elsewhere and may
 * stop with -ERESTART: the frame then keeps its type with PGT_partial and
 * a type count of 0, its first nr_validated entries hold their
 * references, and it holds one general reference of its own (so it is
 * never freed half-validated).  A table above it stops at the entry that
 * names it, holding nothing for that entry.  The request is continued
 * later, and taking the same type again resumes where validation stopped;
 * a failure on resuming undoes every entry.  A partial frame cannot take
 * another type (-EINVAL) and cannot be updated as a table (it is not
 * validated), so what was validated cannot change under it.
 *
 * Releasing a table stops the same way (put_page_and_type_preemptible):
 * its last type reference stays with whoever dropped it, PGT_partial is
 * set and the first nr_validated entries still hold references; entries
 * are dropped last first.  Such a frame (type count 1, partial) takes no
 * new reference.  A validation that fails inside a preemptible request
 * leaves the tables it had validated the same way: the failing table
 * keeps the references its entries took (the entry naming a table that
 * failed below counts among them) with a type reference and a general
 * reference of its own, and the table at the top of the failed request
 * goes to the vCPU (arch_owe_release) to be released in preemptible steps,
 * as if it had dropped it; so undoing the validation of a huge tree never
 * holds the CPU longer than validating it.  Elsewhere a failure is undone
 * at once.
 *
 * Locking: each domain's page types have a lock (struct page_types) that
 * serialises every change to the counts and types of the frames it owns;
 * there is no global lock, so domains never wait for each other here.
 * Validation runs under it and takes types of other frames of the same
 * domain, so it is recursive on one CPU.  It is taken with interrupts on
 * (asserted), and never waits for a TLB shootdown in a request that can
 * run again (page_types_allow_restart): the flush is done once the lock
 * is dropped, and the request repeated. */
#ifndef PROXEN_PAGE_TYPE_H
#define PROXEN_PAGE_TYPE_H

#include <proxen/page_alloc.h>
#include <proxen/spinlock.h>

/* A domain's page-type lock and the state of the request holding it. */
struct page_types {
    spinlock_t lock;
    unsigned int depth;         /* recursion on the holding CPU */
    bool preemptible;           /* the request may stop half-way (-ERESTART) */
    bool restartable;           /* ... or at least be run again after a flush */
    bool flush_wanted;          /* a type change waits for a TLB flush */
    unsigned int unchecked;     /* entries since the last preemption check */
    unsigned int validating;    /* tables being validated, nested */
    struct page_info *failed;   /* a table whose validation failed, left
                                   half-released for the table above */
};

/* A privileged domain's lock ranks before every other domain's (it maps
 * their frames with its own held). */
void page_types_init(struct page_types *t, bool privileged);
/* A domain's: the first member of struct domain (asserted in domain.h;
 * host tests' stand-in domains start with one too).  Inline because the
 * page-type paths look it up for every frame they touch. */
static inline struct page_types *domain_page_types(struct domain *d)
{
    return (struct page_types *)(void *)d;
}

#define PGC_allocated     (1ULL << 60)   /* the owner's allocation reference */

#define PGT_none          (0ULL << 60)
#define PGT_l1_page_table (1ULL << 60)
#define PGT_l2_page_table (2ULL << 60)
#define PGT_l3_page_table (3ULL << 60)
#define PGT_l4_page_table (4ULL << 60)
#define PGT_seg_desc_page (5ULL << 60)
#define PGT_writable_page (7ULL << 60)
#define PGT_type_mask     (7ULL << 60)
#define PGT_validated     (1ULL << 59)
#define PGT_pinned        (1ULL << 58)
#define PGT_partial       (1ULL << 57)   /* validation stopped half-way (see below) */
#define PGT_count_mask    ((1ULL << 32) - 1)

static inline uint64_t page_type(const struct page_info *pg) { return pg->type_info & PGT_type_mask; }
static inline uint64_t page_type_count(const struct page_info *pg) { return pg->type_info & PGT_count_mask; }
static inline uint64_t page_ref_count(const struct page_info *pg) { return pg->count_info & PGC_count_mask; }
static inline bool is_page_table_type(uint64_t t)
{
    return t >= PGT_l1_page_table && t <= PGT_l4_page_table;
}

/* General references.  get_page fails unless d owns the frame and it is
 * allocated; the count never overflows.  A frame its owner gave up
 * (page_drop_allocation) takes no new reference, and the put_page that
 * drops its last one hands it to page_released, with no lock held. */
bool get_page(struct page_info *pg, struct domain *d);
void put_page(struct page_info *pg);

/* The owner gives the frame up (its memory shrinks, or it is torn down):
 * the allocation reference goes.  true when that was the last reference
 * (the caller frees the frame); false when mappings or pins of it remain,
 * and the last put_page frees it (page_released). */
bool page_drop_allocation(struct page_info *pg);
/* The domain layer's (domain.c): a given-up frame lost its last
 * reference; back to the heap. */
void page_released(struct domain *owner, struct page_info *pg);

/* Typed references.  get_page_type returns 0, -EINVAL when the frame is
 * in use as another type (Xen's answer) or fails validation as a page
 * table, or -EOVERFLOW. */
int get_page_type(struct page_info *pg, uint64_t type);
void put_page_type(struct page_info *pg);
int get_page_and_type(struct page_info *pg, struct domain *d, uint64_t type);
void put_page_and_type(struct page_info *pg);

/* The last type reference of a page table releases the whole tree below
 * it.  Inside a preemptible request this may stop half-way: -ERESTART,
 * and both references are still the caller's, who must call again later
 * (the frame is PGT_partial meanwhile and takes no new reference). */
int put_page_and_type_preemptible(struct page_info *pg);
/* Its first half: the type reference alone (the general one is still the
 * caller's, to drop with no type lock held). */
int put_page_type_preemptible(struct page_info *pg);

/* d is being torn down: a table of d's whose validation stopped half-way
 * and was never resumed (a preempted pin or vCPU context): true, and then
 * its entries' references and its own general reference are the
 * caller's, to drop with put_page_and_type_preemptible (a frame in any
 * other state, or another domain's, is left as it is: false). */
bool page_type_abandon_partial(struct page_info *pg, struct domain *d);
/* Pin a page table so it stays validated without being in use (MMUEXT_PIN_*).
 * -EINVAL if already pinned (pin) or not pinned / other type (unpin).
 * Unpinning releases the tree when it was the last use, and in a
 * preemptible request may return -ERESTART: the table is unpinned, and
 * its references are the caller's to finish dropping
 * (put_page_and_type_preemptible). */
int pin_page_table(struct page_info *pg, struct domain *d, uint64_t type);
int unpin_page_table(struct page_info *pg, struct domain *d, uint64_t type);

/* Hold d's type lock across one request (an mmu_update entry): the calls
 * inside then only count a recursion depth.  With the lock held, a
 * request that can be run again allows a type change to ask for a TLB
 * flush first (the call returns -ERESTART having changed nothing); one
 * that can be continued also allows validations and releases to stop
 * half-way with -ERESTART.  page_types_unlock returns true when it then
 * did such a flush: run the request again.  So a request is
 *     do { page_types_lock(d); page_types_allow_...(d); rc = ...; }
 *     while (page_types_unlock(d) && rc == -ERESTART); */
void page_types_lock(struct domain *d);
bool page_types_unlock(struct domain *d);
bool page_types_locked(struct domain *d);       /* by this CPU */

/* Inline: an mmu_update entry takes the lock and allows preemption once
 * per entry. */
static inline void page_types_allow_restart(struct domain *d)
{
    struct page_types *t = domain_page_types(d);

    ASSERT(spin_is_locked_by_me(&t->lock));
    t->restartable = true;
}

static inline void page_types_allow_preemption(struct domain *d)
{
    struct page_types *t = domain_page_types(d);

    ASSERT(spin_is_locked_by_me(&t->lock));
    t->restartable = true;
    t->preemptible = true;
}

#ifndef PT_PREEMPT_EVERY          /* host tests use smaller tables */
#define PT_PREEMPT_EVERY 32
#endif

/* Give a fresh frame to d with its allocation reference. */
void page_set_owner_allocated(struct page_info *pg, struct domain *d);

/* Arch hooks, called with the type lock held and the frame's type field
 * already set.  For page tables: how many entries a table has; take the
 * references entry i implies (0, a negative errno with nothing taken, or
 * -ERESTART when a table it names stopped half-way); drop them (0, or
 * -ERESTART with nothing dropped when releasing the table it names
 * stopped half-way: put_page_and_type_preemptible); and
 * finish a table whose entries are all validated.  For a descriptor page:
 * check it whole (it takes no references). */
unsigned int arch_pt_entries(uint64_t type);
/* The current vCPU takes a table whose validation failed half-way in a
 * preemptible request, with a type reference and a general reference,
 * and finishes releasing it (put_page_and_type_preemptible) before its
 * next request. */
void arch_owe_release(struct page_info *pg);
int arch_pt_get_entry(struct page_info *pg, uint64_t type, unsigned int i);
int arch_pt_put_entry(struct page_info *pg, uint64_t type, unsigned int i);
void arch_pt_validated(struct page_info *pg, uint64_t type);
int arch_desc_page_validate(struct page_info *pg);
/* Flush every CPU's TLB and paging-structure caches, then advance the
 * TLB clock; arch_tlbflush_clock() reads it (the number of such flushes
 * so far, modulo 2^32). */
void arch_page_type_flush_tlbs(void);
uint32_t arch_tlbflush_clock(void);

#endif
