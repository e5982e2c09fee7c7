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
 * The records are indexed (maptrack_index.c): the handle whose mapping
 * is recorded at a given place is found in a number of steps bounded by
 * the logarithm of the handles in use, whatever places the guest chose.
 *
 * Locking: the table's lock (LOCK_MAPTRACK) guards the free list, every
 * entry's state, the directory of frames and the index; it is held only
 * for those, and may allocate a frame (the heap's locks come after it).
 * A record is set and read under the mapping domain's page-type lock as
 * well (taken before the table's), which keeps a record found true until
 * the caller lets go of it.  A busy entry's other fields belong to the
 * request that made it busy. */
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
     * there is none; indexed while it is not 0.  Only maptrack_set_where
     * changes it, whatever the entry's state, since the arch may move a
     * mapping of one handle while another request holds it. */
    uint64_t where;
    uint64_t frame;             /* the frame mapped */
};

/* Entries in a chunk: a frame's worth. */
#define MAPTRACK_PER_CHUNK ((uint32_t)(PAGE_SIZE / sizeof(struct maptrack_entry)))

/* An entry's place in the index (maptrack_index.c): its children,
 * named by handle + 1 (0: none), the left one in kid[0]'s low 24 bits,
 * and in kid[0]'s top byte the height of the subtree it roots.  8 bytes
 * a handle, allocated with its entry's frame: the index never allocates. */
struct maptrack_node {
    uint32_t kid[2];
};

/* Handles at most, whatever the limit given: their names (handle + 1)
 * fit in a node's 24 bits, and it is a whole number of chunks.
 * GNTTAB_MAX_MAPTRACK_FRAMES_LIMIT (4096 frames) is 2^20 handles. */
#define MAPTRACK_MAX_HANDLES (1u << 23)

struct maptrack_chunk {
    struct maptrack_entry *entries;   /* a frame of them */
    struct maptrack_node *nodes;      /* theirs in the index */
};

struct grant_maptrack {
    spinlock_t lock;
    struct maptrack_chunk *chunks;    /* the directory */
    uint32_t nr_chunks, dir_size;     /* chunks allocated; room in chunks[] */
    uint32_t limit;                   /* handles at most */
    uint32_t free_head;               /* MAPTRACK_NONE if none */
    uint32_t in_use;                  /* busy or used entries */
    uint32_t index_root;              /* the index's root, handle + 1; 0: empty */
    uint64_t index_probes;            /* records compared by the index, ever */
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
uint32_t maptrack_size(struct grant_maptrack *mt);
uint32_t maptrack_in_use(struct grant_maptrack *mt);

/* The records, each under the mapping domain's page-type lock (the
 * caller's) and taking the table's: a handle's record (0: none); a
 * handle's record made where (0: none), the index following; the handle,
 * busy or in use, whose record is where (not 0), or MAPTRACK_NONE; the
 * handle recorded at from (not 0) taking over leaving's record, which
 * becomes 0: that handle, or MAPTRACK_NONE with nothing changed.  Each
 * compares at most three times the index's height of records. */
uint64_t maptrack_where(struct grant_maptrack *mt, uint32_t handle);
void maptrack_set_where(struct grant_maptrack *mt, uint32_t handle, uint64_t where);
uint32_t maptrack_find_where(struct grant_maptrack *mt, uint64_t where);
uint32_t maptrack_take_place(struct grant_maptrack *mt, uint32_t leaving, uint64_t from);

/* The index itself (maptrack_index.c), with the table's lock held: the
 * handle's entry, its record set (not 0), put in, or taken out; the
 * handle recorded at where; the height of the tree (tests). */
void maptrack_index_insert(struct grant_maptrack *mt, uint32_t handle);
void maptrack_index_remove(struct grant_maptrack *mt, uint32_t handle);
uint32_t maptrack_index_find(struct grant_maptrack *mt, uint64_t where);
unsigned int maptrack_index_height(struct grant_maptrack *mt);
/* For the index, with the table's lock held: a handle's entry and node. */
struct maptrack_entry *maptrack_entry_locked(struct grant_maptrack *mt, uint32_t handle);
struct maptrack_node *maptrack_node_locked(struct grant_maptrack *mt, uint32_t handle);

#endif
