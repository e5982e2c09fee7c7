/* A domain's maptrack table (maptrack.h): handles for grant mappings.
 *
 * Entries sit in frames of ENTRIES_PER_CHUNK, found through a directory
 * that doubles as it fills; a handle is chunk * ENTRIES_PER_CHUNK + slot.
 * Beside each frame, the entries' nodes in the index of records
 * (maptrack_index.c), allocated with it.  Free entries form a list
 * through next_free, most recently freed first (as Xen hands them out
 * again).  A domain that maps nothing has no frame.  The directory is
 * read under the table's lock only, since growing it frees the old one. */
#include <proxen/lib.h>
#include <proxen/maptrack.h>
#include <proxen/page_alloc.h>
#include <proxen/xmalloc.h>

#define ENTRIES_PER_CHUNK MAPTRACK_PER_CHUNK

void maptrack_init(struct grant_maptrack *mt, uint32_t max_frames)
{
    uint64_t limit = (uint64_t)max_frames * MAPTRACK_XEN_PER_FRAME;

    spin_lock_init_ranked(&mt->lock, LOCK_MAPTRACK);
    mt->chunks = NULL;
    mt->nr_chunks = mt->dir_size = 0;
    mt->limit = limit < MAPTRACK_MAX_HANDLES ? (uint32_t)limit : MAPTRACK_MAX_HANDLES;
    mt->free_head = MAPTRACK_NONE;
    mt->in_use = 0;
    mt->index_root = 0;
    mt->index_probes = 0;
}

void maptrack_destroy(struct grant_maptrack *mt)
{
    ASSERT(!mt->in_use && !mt->index_root);
    for (uint32_t i = 0; i < mt->nr_chunks; i++) {
        free_xenheap_page(mt->chunks[i].entries);
        xfree(mt->chunks[i].nodes);
    }
    xfree(mt->chunks);
    mt->chunks = NULL;
    mt->nr_chunks = mt->dir_size = 0;
    mt->free_head = MAPTRACK_NONE;
}

static uint32_t size_locked(const struct grant_maptrack *mt)
{
    return mt->nr_chunks * ENTRIES_PER_CHUNK;
}

uint32_t maptrack_size(struct grant_maptrack *mt)
{
    uint32_t n;

    spin_lock(&mt->lock);
    n = size_locked(mt);
    spin_unlock(&mt->lock);
    return n;
}

struct maptrack_entry *maptrack_entry_locked(struct grant_maptrack *mt, uint32_t handle)
{
    ASSERT(spin_is_locked_by_me(&mt->lock));
    ASSERT(handle < size_locked(mt));
    return &mt->chunks[handle / ENTRIES_PER_CHUNK].entries[handle % ENTRIES_PER_CHUNK];
}

struct maptrack_node *maptrack_node_locked(struct grant_maptrack *mt, uint32_t handle)
{
    ASSERT(spin_is_locked_by_me(&mt->lock));
    ASSERT(handle < size_locked(mt));
    return &mt->chunks[handle / ENTRIES_PER_CHUNK].nodes[handle % ENTRIES_PER_CHUNK];
}

/* Entries never move: the pointer stays good after the lock goes. */
struct maptrack_entry *maptrack_entry_at(struct grant_maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e;

    spin_lock(&mt->lock);
    e = maptrack_entry_locked(mt, handle);
    spin_unlock(&mt->lock);
    return e;
}

/* One frame more of free entries, and their nodes, lock held: false
 * when the limit is reached or memory is short. */
static bool grow(struct grant_maptrack *mt)
{
    struct maptrack_entry *chunk;
    struct maptrack_node *nodes;
    uint32_t base = size_locked(mt);

    if (base >= mt->limit)
        return false;
    if (mt->nr_chunks == mt->dir_size) {
        uint32_t size = mt->dir_size ? mt->dir_size * 2 : 1;
        struct maptrack_chunk *dir = xmalloc(size * sizeof(*dir));

        if (!dir)
            return false;
        for (uint32_t i = 0; i < mt->nr_chunks; i++)
            dir[i] = mt->chunks[i];
        xfree(mt->chunks);
        mt->chunks = dir;
        mt->dir_size = size;
    }
    chunk = alloc_xenheap_page();
    if (!chunk)
        return false;
    nodes = xmalloc(ENTRIES_PER_CHUNK * sizeof(*nodes));
    if (!nodes) {
        free_xenheap_page(chunk);
        return false;
    }
    mt->chunks[mt->nr_chunks++] = (struct maptrack_chunk){ chunk, nodes };
    /* The new entries, lowest handle first, before the old free list. */
    for (uint32_t i = ENTRIES_PER_CHUNK; i-- > 0;) {
        chunk[i].state = MAPTRACK_FREE;
        chunk[i].where = 0;
        chunk[i].next_free = mt->free_head;
        mt->free_head = base + i;
    }
    return true;
}

/* The limit is a whole number of chunks (Xen's frames hold two of
 * ours), so every handle handed out is below it. */
struct maptrack_entry *maptrack_get(struct grant_maptrack *mt, uint32_t *handle)
{
    struct maptrack_entry *e = NULL;
    uint32_t h;

    spin_lock(&mt->lock);
    if (mt->free_head != MAPTRACK_NONE || grow(mt)) {
        h = mt->free_head;
        e = maptrack_entry_locked(mt, h);
        ASSERT(e->state == MAPTRACK_FREE);
        mt->free_head = e->next_free;
        e->state = MAPTRACK_BUSY;
        mt->in_use++;
        *handle = h;
    }
    spin_unlock(&mt->lock);
    return e;
}

void maptrack_put(struct grant_maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e;

    spin_lock(&mt->lock);
    e = maptrack_entry_locked(mt, handle);
    ASSERT(e->state == MAPTRACK_BUSY && !e->where);     /* not indexed */
    e->state = MAPTRACK_FREE;
    e->flags = 0;
    e->rd = NULL;
    e->next_free = mt->free_head;
    mt->free_head = handle;
    mt->in_use--;
    spin_unlock(&mt->lock);
}

void maptrack_publish(struct grant_maptrack *mt, uint32_t handle)
{
    spin_lock(&mt->lock);
    ASSERT(maptrack_entry_locked(mt, handle)->state == MAPTRACK_BUSY);
    maptrack_entry_locked(mt, handle)->state = MAPTRACK_USED;
    spin_unlock(&mt->lock);
}

struct maptrack_entry *maptrack_claim(struct grant_maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e = NULL;

    spin_lock(&mt->lock);
    if (handle < size_locked(mt) && maptrack_entry_locked(mt, handle)->state == MAPTRACK_USED) {
        e = maptrack_entry_locked(mt, handle);
        e->state = MAPTRACK_BUSY;
    }
    spin_unlock(&mt->lock);
    return e;
}

uint32_t maptrack_in_use(struct grant_maptrack *mt)
{
    uint32_t n;

    spin_lock(&mt->lock);
    n = mt->in_use;
    spin_unlock(&mt->lock);
    return n;
}

uint64_t maptrack_where(struct grant_maptrack *mt, uint32_t handle)
{
    uint64_t where;

    spin_lock(&mt->lock);
    where = maptrack_entry_locked(mt, handle)->where;
    spin_unlock(&mt->lock);
    return where;
}

/* Out of the index under its old record, in under its new one: both
 * bounded, neither allocating, so a move cannot fail half-way. */
static void set_where_locked(struct grant_maptrack *mt, uint32_t handle, uint64_t where)
{
    struct maptrack_entry *e = maptrack_entry_locked(mt, handle);

    ASSERT(e->state != MAPTRACK_FREE);
    if (e->where)
        maptrack_index_remove(mt, handle);
    e->where = where;
    if (where)
        maptrack_index_insert(mt, handle);
}

void maptrack_set_where(struct grant_maptrack *mt, uint32_t handle, uint64_t where)
{
    spin_lock(&mt->lock);
    set_where_locked(mt, handle, where);
    spin_unlock(&mt->lock);
}

/* The place is leaving's until it is the mover's: never two records of
 * one place in the index. */
uint32_t maptrack_take_place(struct grant_maptrack *mt, uint32_t leaving, uint64_t from)
{
    uint32_t mover;
    uint64_t place;

    ASSERT(from);
    spin_lock(&mt->lock);
    mover = maptrack_index_find(mt, from);
    if (mover != MAPTRACK_NONE) {
        place = maptrack_entry_locked(mt, leaving)->where;
        ASSERT(place && mover != leaving);
        set_where_locked(mt, leaving, 0);
        set_where_locked(mt, mover, place);
    }
    spin_unlock(&mt->lock);
    return mover;
}

uint32_t maptrack_find_where(struct grant_maptrack *mt, uint64_t where)
{
    uint32_t handle;

    ASSERT(where);
    spin_lock(&mt->lock);
    handle = maptrack_index_find(mt, where);
    spin_unlock(&mt->lock);
    return handle;
}

_Static_assert(MAPTRACK_XEN_PER_FRAME % ENTRIES_PER_CHUNK == 0,
               "a limit in Xen's frames is a whole number of chunks");
_Static_assert(MAPTRACK_MAX_HANDLES % ENTRIES_PER_CHUNK == 0,
               "the largest limit is a whole number of chunks");
