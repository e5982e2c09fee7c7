/* A domain's maptrack table: one entry per grant mapping it made, named
 * by the handle GNTTABOP_map_grant_ref returns and unmap takes (Xen's
 * maptrack).  An entry records what the mapping holds, so that unmapping
 * and teardown release exactly that: the granting domain (referenced),
 * the grant reference, the GNTMAP_* flags still in force, the frame, and
 * the arch's record of where the mapping is.
 *
 * An entry is free, busy (being mapped or unmapped: no other request can
 * use the handle meanwhile, so a handle is never unmapped twice) or in
 * use.  Entries live in frames allocated as handles are needed, up to the
 * domain's limit (given in Xen's maptrack frames of 256 handles).
 *
 * Locking: the table's lock (LOCK_MAPTRACK) guards the free list and
 * every entry's state; it is held only for those, and may allocate a
 * frame (the heap's locks come after it).  A busy entry's other fields
 * belong to the request that made it busy. */
#ifndef PROXEN_MAPTRACK_H
#define PROXEN_MAPTRACK_H

#include <proxen/spinlock.h>
#include <proxen/types.h>

struct domain;

#define MAPTRACK_FREE 0
#define MAPTRACK_BUSY 1
#define MAPTRACK_USED 2

/* Handles per maptrack frame as Xen counts them (its entries are 16
 * bytes), for the limit the toolstack gives. */
#define MAPTRACK_XEN_PER_FRAME 256
/* Xen's default max_maptrack_frames. */
#define MAPTRACK_DEFAULT_FRAMES 1024

struct maptrack_entry {
    uint16_t state;             /* MAPTRACK_* */
    uint16_t flags;             /* GNTMAP_* uses still in force, readonly,
                                 * contains_pte (the low bits, as Xen keeps) */
    union {
        uint32_t ref;           /* in use: the grant reference */
        uint32_t next_free;     /* free: the next free handle */
    };
    struct domain *rd;          /* the granting domain, referenced */
    /* The arch's record of the host mapping (arch/grant_map.h), 0 while
     * there is none: set and read under the mapping domain's page-type
     * lock only, whatever the entry's state, since the arch may move a
     * mapping of one handle while another request holds it
     * (grant_map_record_of). */
    uint64_t where;
    uint64_t frame;             /* the frame mapped */
};

struct grant_maptrack {
    spinlock_t lock;
    struct maptrack_entry **chunks;   /* each a frame of entries */
    uint32_t nr_chunks, dir_size;     /* chunks allocated; room in chunks[] */
    uint32_t limit;                   /* handles at most */
    uint32_t free_head;               /* MAPTRACK_NONE if none */
    uint32_t in_use;                  /* busy or used entries */
};

#define MAPTRACK_NONE 0xffffffffu

/* An empty table of at most max_frames (Xen's frames) handles; nothing
 * allocated until the first handle. */
void maptrack_init(struct grant_maptrack *mt, uint32_t max_frames);
/* Free the table's memory (every entry must be free). */
void maptrack_destroy(struct grant_maptrack *mt);

/* A free handle, made busy: its entry, or NULL (none left under the
 * limit, or no memory: GNTST_no_space). */
struct maptrack_entry *maptrack_get(struct grant_maptrack *mt, uint32_t *handle);
/* A busy handle: free again, or in use. */
void maptrack_put(struct grant_maptrack *mt, uint32_t handle);
void maptrack_publish(struct grant_maptrack *mt, uint32_t handle);
/* Claim a handle in use for an unmap: its entry made busy, or NULL for a
 * handle that is not in use (out of range, free, or another request's). */
struct maptrack_entry *maptrack_claim(struct grant_maptrack *mt, uint32_t handle);

/* The entry of a handle below the table's size, whatever its state
 * (teardown, with the domain paused for good; tests). */
struct maptrack_entry *maptrack_entry_at(struct grant_maptrack *mt, uint32_t handle);
/* Handles the table has room for now (teardown walks them). */
uint32_t maptrack_size(const struct grant_maptrack *mt);
uint32_t maptrack_in_use(struct grant_maptrack *mt);

/* The record of the entry, busy or in use, whose `where` is where (not
 * 0); NULL if none.  A scan of the table's entries, under its lock; the
 * caller holds the mapping domain's page-type lock, which keeps the
 * answer true until it lets go. */
uint64_t *maptrack_find_where(struct grant_maptrack *mt, uint64_t where);

#endif
