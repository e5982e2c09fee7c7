/* Grant tables: how a domain lets another map or copy its pages (the
 * guest's view: include/public/grant_table.h; docs/grant-tables.md).
 *
 * Each domain has one table, created with the domain and freed with it.
 * Its shared frames hold the guest-written entries (version 1: 8 bytes,
 * 512 per frame; version 2: 16 bytes, 256 per frame, with a separate
 * array of 16-bit status words in status frames).  The frames are
 * hypervisor pages shared with the domain (owned by it, allocated, with a
 * writable type reference that is never dropped while shared: the guest
 * maps them as data and can never make them page tables); the table
 * grows on GNTTABOP_setup_table (or XENMEM_add_to_physmap) up to
 * max_frames, fixed at creation.
 *
 * Beside every entry the hypervisor keeps an active entry: while a grant
 * is in use (mapped or being copied) it holds the pin counts of its uses
 * and what the entry said when first used (the grantee, the frame, the
 * sub-page window), so that a guest rewriting its entry meanwhile changes
 * nothing for the uses under way.  The guest learns that an entry is in
 * use from GTF_reading / GTF_writing in it (v1) or in its status word
 * (v2), set on the first use of each kind and cleared after the last.
 *
 * Locking: gt->lock (LOCK_GRANT, taken with interrupts on) guards
 * everything in struct grant_table: the frames, the version, every active
 * entry.  A CPU never holds two domains' grant locks: an operation between
 * two domains (a copy from one grant to another) pins one grant, drops
 * that lock, then pins the other.  Page references (page_type.h) and a
 * domain's page list (a transfer's) may be taken under it; it is never
 * taken under a page-type lock. */
#ifndef PROXEN_GRANT_TABLE_H
#define PROXEN_GRANT_TABLE_H

#include <proxen/spinlock.h>
#include <proxen/types.h>
#include <public/grant_table.h>

struct domain;
struct grant_maptrack;            /* the mappings a domain made (grant_map.c) */

/* Limits.  A domain's maximum table size is fixed when it is created
 * (the control interface's createdomain; dom0's from the boot options
 * gnttab_max_frames= and gnttab_max_maptrack_frames=), as Xen's. */
#define GNTTAB_DEFAULT_MAX_FRAMES          64    /* Xen's default */
#define GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES 1024  /* Xen's default */
#define GNTTAB_MAX_FRAMES_LIMIT            1024  /* what creation accepts */
#define GNTTAB_MAX_MAPTRACK_FRAMES_LIMIT   4096
#define GNTTAB_INITIAL_FRAMES              1     /* a new table's size */

#define GNTTAB_V1_PER_FRAME     (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_V2_PER_FRAME     (PAGE_SIZE / sizeof(union grant_entry_v2))
#define GNTTAB_STATUS_PER_FRAME (PAGE_SIZE / sizeof(grant_status_t))

/* Pin counts of an active entry, one byte per kind of use, as Xen's:
 * host (CPU) mappings and copies, device mappings, each writable or
 * read-only. */
#define GNTPIN_hstw_shift 0
#define GNTPIN_hstr_shift 8
#define GNTPIN_devw_shift 16
#define GNTPIN_devr_shift 24
#define GNTPIN_hstw_inc   (1u << GNTPIN_hstw_shift)
#define GNTPIN_hstr_inc   (1u << GNTPIN_hstr_shift)
#define GNTPIN_devw_inc   (1u << GNTPIN_devw_shift)
#define GNTPIN_devr_inc   (1u << GNTPIN_devr_shift)
#define GNTPIN_hstw_mask  (0xffu << GNTPIN_hstw_shift)
#define GNTPIN_hstr_mask  (0xffu << GNTPIN_hstr_shift)
#define GNTPIN_devw_mask  (0xffu << GNTPIN_devw_shift)
#define GNTPIN_devr_mask  (0xffu << GNTPIN_devr_shift)
#define GNTPIN_writable   (GNTPIN_hstw_mask | GNTPIN_devw_mask)

/* The kinds of use a pin counts. */
enum grant_use {
    GRANT_USE_HOST_RW,            /* a writable CPU mapping, or a copy into it */
    GRANT_USE_HOST_RO,            /* a read-only CPU mapping, or a copy from it */
    GRANT_USE_DEV_RW,             /* GNTMAP_device_map */
    GRANT_USE_DEV_RO,
};

static inline bool grant_use_writes(enum grant_use u)
{
    return u == GRANT_USE_HOST_RW || u == GRANT_USE_DEV_RW;
}

/* 16 bytes, 256 to a page; a table's pages of them are allocated on the
 * first pin of an entry they hold, so that a domain that never has its
 * grants used costs only its table frames. */
struct active_grant_entry {
    uint32_t pin;                 /* GNTPIN_* counts; 0: not in use */
    domid_t domid;                /* while pinned: the grantee */
    uint16_t length : 13;         /* while pinned: the window the grant allows */
    uint16_t is_sub_page : 1;     /*   (v2 sub-page), else 0 and PAGE_SIZE */
    uint64_t frame : 52;          /* while pinned: the frame granted */
    uint64_t start : 12;
};
_Static_assert(sizeof(struct active_grant_entry) == 16, "active entries: 256 a page");
#define GNTTAB_ACTIVE_PER_PAGE (PAGE_SIZE / sizeof(struct active_grant_entry))

struct grant_table {
    spinlock_t lock;
    struct domain *domain;        /* the table's owner */
    unsigned int version;         /* 1 or 2; a new table is version 1 */
    unsigned int nr_frames;       /* shared frames in use */
    unsigned int nr_status_frames;  /* status frames: version 2's, made
                                     * ahead of a switch to it, or retired
                                     * and not yet given up after a switch
                                     * back to version 1 */
    unsigned int max_frames;      /* fixed at creation */
    unsigned int max_maptrack_frames;  /* fixed at creation (grant_map.c) */
    void **shared;                /* [max_frames]: direct-map addresses */
    grant_status_t **status;      /* [status frames for max_frames] */
    struct active_grant_entry **active;  /* [gnttab_active_pages()]: a page
                                          * of entries each, or NULL */
    struct grant_maptrack *maptrack;     /* grant_map.c's */
    /* The teardown's progress (grant_table_relinquish).  Its first step
     * moves nr_frames and nr_status_frames here and leaves them 0, so
     * that no entry can be pinned or have its status written from then
     * on; the steps unshare these frames from the last down, then look
     * at the active pages from relinquish_active on. */
    bool relinquish_started;
    unsigned int relinquish_frames;         /* shared frames still shared */
    unsigned int relinquish_status_frames;  /* status frames still shared */
    unsigned int relinquish_active;         /* active pages looked at */
    unsigned int nr_pinned;       /* active entries with a nonzero pin */
    /* During a version switch (grant_version.c): the shared frames from
     * stale_from on still hold the old version's entries, which the
     * switch already did away with (an entry there reads as empty) and
     * which it clears in steps; GNTTAB_NO_STALE between switches. */
    unsigned int stale_from;
};
#define GNTTAB_NO_STALE (~0u)

/* --- life cycle (grant_table.c) ------------------------------------------ */

/* d's table, of GNTTAB_INITIAL_FRAMES frames, growing up to max_frames:
 * 0, -EINVAL (max_frames below the initial size or above
 * GNTTAB_MAX_FRAMES_LIMIT, max_maptrack_frames above its limit), -ENOMEM. */
int grant_table_create(struct domain *d, unsigned int max_frames,
                       unsigned int max_maptrack_frames);
/* The domain is being destroyed (its own page tables already gone): its
 * frames stop being shared with it; a frame another domain still maps
 * stays until that mapping goes.  From the first call on, no entry can be
 * pinned.  Preemptible: GNTTAB_RELINQUISH_STEP frames or active pages
 * between preemption checks, -ERESTART when one says so (call it again to
 * go on), 0 once done; again after that, 0. */
#define GNTTAB_RELINQUISH_STEP 32
int grant_table_relinquish(struct domain *d, bool preemptible);
/* The domain's last reference went: free what is left. */
void grant_table_free(struct domain *d);

/* Entries in the table at its current size and version (under gt->lock). */
unsigned int gnttab_nr_entries(const struct grant_table *gt);

/* --- pins: using a grant (grant_pin.c) ------------------------------------ */

/* What a pinned grant gives: the frame and the window of it that may be
 * used (the whole page unless a v2 sub-page grant). */
struct grant_pinned {
    mfn_t mfn;
    uint16_t start;
    uint16_t length;
};

/* Pin <rd, ref> for one use by domain ldomid (the grantee), as Xen's map
 * and copy do.  The first use checks the entry (GTF_permit_access to
 * ldomid, v1 or v2; a sub-page grant only when !map) and records it; a
 * writable use needs an entry without GTF_readonly.  GTF_reading (and
 * GTF_writing for a writable use) are set in the guest's entry or status
 * word; a pinned entry is used only by its first grantee.  The frame must
 * be rd's own (get_page), and a writable use must find it writable
 * (get_page_type PGT_writable_page): the pin holds those references until
 * gnttab_unpin, so the frame is neither freed nor retyped while in use.
 * Call it with no grant or page-type lock held.
 * Returns GNTST_okay with *out filled, or GNTST_bad_gntref (ref beyond the
 * table), GNTST_general_error (not granted to ldomid, read-only for a
 * write, pinned by another domain, a pin count full, an entry the guest
 * keeps changing), GNTST_bad_page (the frame is not rd's or not usable
 * for the access); nothing changed on failure.  The caller holds a
 * reference to rd and no grant lock. */
int16_t gnttab_pin(struct domain *rd, grant_ref_t ref, domid_t ldomid, enum grant_use use,
                   bool map, struct grant_pinned *out);
/* Undo one gnttab_pin of the same use: the last writable use clears
 * GTF_writing, the last use GTF_reading. */
void gnttab_unpin(struct domain *rd, grant_ref_t ref, enum grant_use use);

/* The references one use of a frame of d holds (a pin's, or a copy's of
 * the caller's own frame): d's own memory, not a page the hypervisor
 * shares with d; writable for a write.  GNTST_okay, GNTST_bad_page (not
 * d's), GNTST_general_error (not writable now: a page table, say). */
int16_t gnttab_get_frame(struct domain *d, mfn_t mfn, bool writes);
void gnttab_put_frame(mfn_t mfn, bool writes);

/* Whether any entry from `from` (at most GNTTAB_NR_RESERVED_ENTRIES) on
 * is pinned (set_version's rule): counted, not scanned, so that a switch
 * of a large table is not a long stretch. */
bool gnttab_any_pinned(struct grant_table *gt, unsigned int from);

/* --- the hypercall (grant_table_op.c; do_grant_table_op in hypercall.h) -- */

/* The domain an operation names: DOMID_SELF or the caller's own id, any
 * domain for a privileged caller.  GNTST_okay with a reference in *out,
 * GNTST_bad_domain (no such domain) or GNTST_permission_denied. */
int16_t gnttab_target(struct domain *self, domid_t id, struct domain **out);
/* grant_version.c.  switched: the call is the continuation of one whose
 * switch took effect (GNTTAB_SET_VERSION_SWITCHED in its command). */
long gnttab_op_set_version(struct domain *self, uint64_t arg, bool switched);
/* Bit 12 of the command, above the command bits (Xen keeps continuation
 * state there): a continued set_version whose switch was done. */
#define GNTTAB_SET_VERSION_SWITCHED (1u << 12)
/* Batches (grant_copy.c, grant_entries.c): < 0 an error, 0 all done, > 0
 * the entries done before a preemption point. */
long gnttab_op_copy(struct domain *self, uint64_t arg, unsigned int count);
long gnttab_op_swap(struct domain *self, uint64_t arg, unsigned int count);
/* The mapping commands (map, unmap, unmap_and_replace, transfer; the map
 * side, grant_map.c; grant_map_absent.c answers -ENOSYS without it): a
 * batch of count structs at arg.  < 0 an error, 0 all done, > 0 the
 * entries done before a preemption point (*size: one entry's size), for
 * the dispatcher to continue the rest. */
long gnttab_op_map(struct domain *self, unsigned int cmd, uint64_t arg, unsigned int count,
                   size_t *size);

/* --- between the grant_*.c files ------------------------------------------- */

/* Pages of active entries a table of max_frames frames may need (sized
 * for version 1, the more entries a frame). */
static inline unsigned int gnttab_active_pages(const struct grant_table *gt)
{
    return (unsigned int)(gt->max_frames * GNTTAB_V1_PER_FRAME / GNTTAB_ACTIVE_PER_PAGE);
}

/* The active entry of ref (below gnttab_active_pages' worth), NULL while
 * its page was never needed: no entry on it is pinned. */
static inline struct active_grant_entry *gnttab_active(struct grant_table *gt, grant_ref_t ref)
{
    struct active_grant_entry *page = gt->active[ref / GNTTAB_ACTIVE_PER_PAGE];

    return page ? &page[ref % GNTTAB_ACTIVE_PER_PAGE] : NULL;
}

/* Entries per shared frame at the table's version. */
static inline unsigned int gnttab_per_frame(const struct grant_table *gt)
{
    return gt->version == 1 ? GNTTAB_V1_PER_FRAME : GNTTAB_V2_PER_FRAME;
}

/* Under gt->lock: whether ref (within the table) is in a frame a version
 * switch has not cleared yet: it is empty, whatever the frame still says
 * (grant_version.c). */
static inline bool gnttab_entry_stale(const struct grant_table *gt, grant_ref_t ref)
{
    return ref / gnttab_per_frame(gt) >= gt->stale_from;
}

/* Under gt->lock: grow to nr shared frames (and version 2's status frames
 * for them): 0, or -ENOMEM with nothing changed; keep only nr status
 * frames (version 1 again). */
int gnttab_grow(struct grant_table *gt, unsigned int nr);
void gnttab_shrink_status(struct grant_table *gt, unsigned int nr);
/* Under gt->lock: gnttab_grow in steps of GNTTAB_GROW_STEP frames with a
 * preemption check between them: 0 at nr frames, -ERESTART when preempted
 * (the steps done stay: the caller continues the call, which goes on from
 * there), or -ENOMEM with the table as the last step left it. */
#define GNTTAB_GROW_STEP 16
int gnttab_grow_preemptible(struct grant_table *gt, unsigned int nr);
/* Under gt->lock: status frames up to nr, at most GNTTAB_GROW_STEP more
 * per call, whatever the version (a switch to version 2 makes them before
 * it switches): 0 at nr, -ERESTART with more to make, -ENOMEM. */
int gnttab_grow_status_step(struct grant_table *gt, unsigned int nr);
/* Under gt->lock, version 2 going back to 1: unless a status frame is
 * mapped (-EBUSY, as Xen's, nothing changed), every status frame loses
 * its allocation at once, so that nothing can map it from then on (a
 * mapping taken while it waits to be given up would keep it alive past
 * the table); the table's reference is the one left (gnttab_shrink_status
 * drops it). */
int gnttab_retire_status(struct grant_table *gt);
/* Status frames needed for nr shared frames of version 2 entries. */
unsigned int gnttab_status_frames_for(unsigned int nr);

#endif
