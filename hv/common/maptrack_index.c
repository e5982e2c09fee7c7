/* The index of a maptrack table's records (maptrack.h): from the place a
 * grant mapping is recorded at (`where`, for x86 the machine address of
 * its L1 entry) to its handle, for unmap_and_replace, which moves a grant
 * mapping and must find the handle that records it.
 *
 * An AVL tree whose nodes are the handles themselves (maptrack_node,
 * beside each entry), ordered by record.  Why a balanced tree: the guest
 * chooses the places it maps grants at, so a structure whose cost depends
 * on how places are spread -- a plain hash, an unbalanced tree fed with
 * ascending addresses -- is one the guest can make slow.  An AVL tree's
 * height is at most 1.44 log2(n + 2) whatever the keys and their order
 * (28 for the 2^20 handles a domain may have), so every operation compares
 * at most that many records, with no secret to keep (a keyed hash needs
 * a random key per domain and bounds the cost only in expectation), and
 * it never grows as a whole: each node comes with its handle's entry, so
 * no operation allocates and none can fail or stall on a rehash.
 *
 * The operations recurse once per level (at most 28 frames, a few words
 * each).  Every comparison reads a record through key(), which counts it
 * (index_probes): the tests bound that count, not a time. */
#include <proxen/lib.h>
#include <proxen/maptrack.h>

#define KID_MASK     0x00ffffffu        /* kid[0]'s child; the height above */
#define HEIGHT_SHIFT 24

/* Nodes are named by handle + 1; 0 is none.  Every name in the tree is
 * a handle of the table's (the lock is checked once per operation). */
static struct maptrack_chunk *chunk_of(struct grant_maptrack *mt, uint32_t n)
{
    return &mt->chunks[(n - 1) / MAPTRACK_PER_CHUNK];
}

static struct maptrack_node *node(struct grant_maptrack *mt, uint32_t n)
{
    return &chunk_of(mt, n)->nodes[(n - 1) % MAPTRACK_PER_CHUNK];
}

static uint32_t kid(struct grant_maptrack *mt, uint32_t n, int side)
{
    uint32_t k = node(mt, n)->kid[side];

    return side ? k : k & KID_MASK;
}

static void set_kid(struct grant_maptrack *mt, uint32_t n, int side, uint32_t k)
{
    struct maptrack_node *x = node(mt, n);

    x->kid[side] = side ? k : (x->kid[0] & ~KID_MASK) | k;
}

static unsigned int height(struct grant_maptrack *mt, uint32_t n)
{
    return n ? node(mt, n)->kid[0] >> HEIGHT_SHIFT : 0;
}

static void set_height(struct maptrack_node *x, unsigned int l, unsigned int r)
{
    x->kid[0] = (x->kid[0] & KID_MASK) | ((l > r ? l : r) + 1) << HEIGHT_SHIFT;
}

static void update_height(struct grant_maptrack *mt, uint32_t n)
{
    set_height(node(mt, n), height(mt, kid(mt, n, 0)), height(mt, kid(mt, n, 1)));
}

static uint64_t key(struct grant_maptrack *mt, uint32_t n)
{
    mt->index_probes++;
    return chunk_of(mt, n)->entries[(n - 1) % MAPTRACK_PER_CHUNK].where;
}

/* n's child on the other side takes n's place, n going down on side. */
static uint32_t rotate(struct grant_maptrack *mt, uint32_t n, int side)
{
    uint32_t up = kid(mt, n, !side);

    set_kid(mt, n, !side, kid(mt, up, side));
    set_kid(mt, up, side, n);
    update_height(mt, n);
    update_height(mt, up);
    return up;
}

/* The subtree at n, whose children are balanced and differ in height by
 * at most 2, balanced: its new root. */
static uint32_t rebalance(struct grant_maptrack *mt, uint32_t n)
{
    struct maptrack_node *x = node(mt, n);
    unsigned int l = height(mt, x->kid[0] & KID_MASK), r = height(mt, x->kid[1]);
    int tall = l > r ? 0 : 1;
    uint32_t c;

    set_height(x, l, r);
    if (l <= r + 1 && r <= l + 1)
        return n;
    c = kid(mt, n, tall);
    if (height(mt, kid(mt, c, !tall)) > height(mt, kid(mt, c, tall)))
        set_kid(mt, n, tall, rotate(mt, c, tall));
    return rotate(mt, n, !tall);
}

static uint32_t insert(struct grant_maptrack *mt, uint32_t n, uint32_t fresh, uint64_t where)
{
    uint64_t k;
    int side;

    if (!n)
        return fresh;
    k = key(mt, n);
    ASSERT(k != where);         /* one mapping per place */
    side = where > k;
    set_kid(mt, n, side, insert(mt, kid(mt, n, side), fresh, where));
    return rebalance(mt, n);
}

/* The subtree at n without its leftmost node, which goes to *min. */
static uint32_t take_min(struct grant_maptrack *mt, uint32_t n, uint32_t *min)
{
    if (!kid(mt, n, 0)) {
        *min = n;
        return kid(mt, n, 1);
    }
    set_kid(mt, n, 0, take_min(mt, kid(mt, n, 0), min));
    return rebalance(mt, n);
}

static uint32_t remove_at(struct grant_maptrack *mt, uint32_t n, uint64_t where)
{
    uint32_t right, min;
    uint64_t k;
    int side;

    ASSERT(n);                  /* the record is in the index */
    k = key(mt, n);
    if (k != where) {
        side = where > k;
        set_kid(mt, n, side, remove_at(mt, kid(mt, n, side), where));
        return rebalance(mt, n);
    }
    if (!kid(mt, n, 1))
        return kid(mt, n, 0);
    right = take_min(mt, kid(mt, n, 1), &min);
    set_kid(mt, min, 1, right);
    set_kid(mt, min, 0, kid(mt, n, 0));
    return rebalance(mt, min);
}

void maptrack_index_insert(struct grant_maptrack *mt, uint32_t handle)
{
    struct maptrack_node *x = maptrack_node_locked(mt, handle);

    x->kid[0] = 1u << HEIGHT_SHIFT;     /* a leaf */
    x->kid[1] = 0;
    mt->index_root = insert(mt, mt->index_root, handle + 1,
                            maptrack_entry_locked(mt, handle)->where);
}

void maptrack_index_remove(struct grant_maptrack *mt, uint32_t handle)
{
    mt->index_root = remove_at(mt, mt->index_root, maptrack_entry_locked(mt, handle)->where);
}

uint32_t maptrack_index_find(struct grant_maptrack *mt, uint64_t where)
{
    uint32_t n = mt->index_root;

    ASSERT(spin_is_locked_by_me(&mt->lock));

    while (n) {
        uint64_t k = key(mt, n);

        if (k == where)
            return n - 1;
        n = kid(mt, n, where > k);
    }
    return MAPTRACK_NONE;
}

unsigned int maptrack_index_height(struct grant_maptrack *mt)
{
    ASSERT(spin_is_locked_by_me(&mt->lock));
    return height(mt, mt->index_root);
}

_Static_assert(MAPTRACK_MAX_HANDLES < KID_MASK, "a node's name fits beside its height");
