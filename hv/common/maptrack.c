/* A domain's maptrack table (maptrack.h): handles for grant mappings.
 *
 * Entries sit in frames of ENTRIES_PER_CHUNK, found through a directory
 * that doubles as it fills; a handle is chunk * ENTRIES_PER_CHUNK + slot.
 * Free entries form a list through next_free, most recently freed first
 * (as Xen hands them out again).  A domain that maps nothing has no
 * frame. */
#include <proxen/lib.h>
#include <proxen/maptrack.h>
#include <proxen/page_alloc.h>
#include <proxen/xmalloc.h>

#define ENTRIES_PER_CHUNK ((uint32_t)(PAGE_SIZE / sizeof(struct maptrack_entry)))

void maptrack_init(struct grant_maptrack *mt, uint32_t max_frames)
{
    uint64_t limit = (uint64_t)max_frames * MAPTRACK_XEN_PER_FRAME;

    spin_lock_init_ranked(&mt->lock, LOCK_MAPTRACK);
    mt->chunks = NULL;
    mt->nr_chunks = mt->dir_size = 0;
    mt->limit = limit < MAPTRACK_NONE ? (uint32_t)limit : MAPTRACK_NONE - 1;
    mt->free_head = MAPTRACK_NONE;
    mt->in_use = 0;
}

void maptrack_destroy(struct grant_maptrack *mt)
{
    ASSERT(!mt->in_use);
    for (uint32_t i = 0; i < mt->nr_chunks; i++)
        free_xenheap_page(mt->chunks[i]);
    xfree(mt->chunks);
    mt->chunks = NULL;
    mt->nr_chunks = mt->dir_size = 0;
    mt->free_head = MAPTRACK_NONE;
}

uint32_t maptrack_size(const struct grant_maptrack *mt)
{
    return mt->nr_chunks * ENTRIES_PER_CHUNK;
}

struct maptrack_entry *maptrack_entry_at(struct grant_maptrack *mt, uint32_t handle)
{
    ASSERT(handle < maptrack_size(mt));
    return &mt->chunks[handle / ENTRIES_PER_CHUNK][handle % ENTRIES_PER_CHUNK];
}

/* One frame more of free entries, lock held: false when the limit is
 * reached or memory is short. */
static bool grow(struct grant_maptrack *mt)
{
    struct maptrack_entry *chunk;
    uint32_t base = maptrack_size(mt);

    if (base >= mt->limit)
        return false;
    if (mt->nr_chunks == mt->dir_size) {
        uint32_t size = mt->dir_size ? mt->dir_size * 2 : 1;
        struct maptrack_entry **dir = xmalloc(size * sizeof(*dir));

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
    mt->chunks[mt->nr_chunks++] = chunk;
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
        e = maptrack_entry_at(mt, h);
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
    e = maptrack_entry_at(mt, handle);
    ASSERT(e->state == MAPTRACK_BUSY);
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
    ASSERT(maptrack_entry_at(mt, handle)->state == MAPTRACK_BUSY);
    maptrack_entry_at(mt, handle)->state = MAPTRACK_USED;
    spin_unlock(&mt->lock);
}

struct maptrack_entry *maptrack_claim(struct grant_maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e = NULL;

    spin_lock(&mt->lock);
    if (handle < maptrack_size(mt) && maptrack_entry_at(mt, handle)->state == MAPTRACK_USED) {
        e = maptrack_entry_at(mt, handle);
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

uint64_t *maptrack_find_where(struct grant_maptrack *mt, uint64_t where)
{
    uint64_t *found = NULL;

    ASSERT(where);
    spin_lock(&mt->lock);
    for (uint32_t h = 0; h < maptrack_size(mt) && !found; h++) {
        struct maptrack_entry *e = maptrack_entry_at(mt, h);

        if (e->state != MAPTRACK_FREE && __atomic_load_n(&e->where, __ATOMIC_RELAXED) == where)
            found = &e->where;
    }
    spin_unlock(&mt->lock);
    return found;
}

_Static_assert(MAPTRACK_XEN_PER_FRAME % ENTRIES_PER_CHUNK == 0,
               "a limit in Xen's frames is a whole number of chunks");
