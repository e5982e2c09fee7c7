/* The maptrack table: handles handed out up to the limit and no further,
 * a busy handle neither claimed nor handed out twice, freed handles
 * reused, and every frame given back.  Its index of records
 * (maptrack_index.c): every record found, moved and removed, the tree
 * ordered and balanced after every change, and the records compared by
 * each operation (index_probes) within the height an AVL tree of that
 * many handles can have, whatever addresses a guest picks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/maptrack.h>
#include <proxen/page_alloc.h>
#include <proxen/xmalloc.h>
#include "fake_arch.h"

#define NR_FRAMES 1024

static struct page_info *table;

static int group_setup(void **state)
{
    (void)state;
    fake_mem_init(NR_FRAMES);
    table = calloc(NR_FRAMES, sizeof(*table));
    if (!table)
        return -1;
    page_alloc_init(table, NR_FRAMES);
    page_alloc_free_range(_mfn(0), NR_FRAMES);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(table);
    fake_mem_free();
    return 0;
}

/* Frames free or held by xmalloc's slabs (which keep an empty slab per
 * size class cached): what the table must give back entirely. */
static uint64_t heap_free(void)
{
    struct heap_stats st;
    struct xmalloc_stats xs;

    page_alloc_stats(&st);
    xmalloc_stats(&xs);
    return st.free_frames + xs.slab_frames;
}

/* One Xen frame's worth: exactly that many handles, all different, then
 * none (GNTST_no_space for the caller). */
static void test_limit(void **state)
{
    struct grant_maptrack mt;
    static bool seen[MAPTRACK_XEN_PER_FRAME];
    uint64_t before = heap_free();
    uint32_t h;

    (void)state;
    maptrack_init(&mt, 1);
    assert_int_equal(maptrack_size(&mt), 0);        /* nothing until needed */
    for (unsigned int i = 0; i < MAPTRACK_XEN_PER_FRAME; i++) {
        assert_non_null(maptrack_get(&mt, &h));
        assert_true(h < MAPTRACK_XEN_PER_FRAME);
        assert_false(seen[h]);
        seen[h] = true;
    }
    assert_null(maptrack_get(&mt, &h));
    assert_int_equal(maptrack_in_use(&mt), MAPTRACK_XEN_PER_FRAME);
    for (h = 0; h < MAPTRACK_XEN_PER_FRAME; h++)
        maptrack_put(&mt, h);
    maptrack_destroy(&mt);
    assert_int_equal(heap_free(), before);
}

/* A zero limit hands out nothing. */
static void test_zero_limit(void **state)
{
    struct grant_maptrack mt;
    uint32_t h;

    (void)state;
    maptrack_init(&mt, 0);
    assert_null(maptrack_get(&mt, &h));
    maptrack_destroy(&mt);
}

/* Busy: not claimable, not handed out; published: claimable once. */
static void test_states(void **state)
{
    struct grant_maptrack mt;
    struct maptrack_entry *e;
    uint32_t h, h2;

    (void)state;
    maptrack_init(&mt, 1);
    e = maptrack_get(&mt, &h);
    assert_non_null(e);
    assert_int_equal(e->state, MAPTRACK_BUSY);
    assert_null(maptrack_claim(&mt, h));            /* still being mapped */
    assert_non_null(maptrack_get(&mt, &h2));
    assert_int_not_equal(h, h2);
    maptrack_publish(&mt, h);
    assert_ptr_equal(maptrack_claim(&mt, h), e);
    assert_null(maptrack_claim(&mt, h));            /* an unmap already has it */
    maptrack_put(&mt, h);
    assert_null(maptrack_claim(&mt, h));            /* free */
    assert_null(maptrack_claim(&mt, 0xffffffffu));  /* beyond the table */
    assert_null(maptrack_claim(&mt, maptrack_size(&mt)));
    maptrack_put(&mt, h2);
    assert_int_equal(maptrack_in_use(&mt), 0);
    maptrack_destroy(&mt);
}

/* The handle freed last is the next handed out, as on Xen. */
static void test_reuse(void **state)
{
    struct grant_maptrack mt;
    uint32_t a, b, c;

    (void)state;
    maptrack_init(&mt, 1);
    maptrack_get(&mt, &a);
    maptrack_get(&mt, &b);
    maptrack_put(&mt, a);
    maptrack_get(&mt, &c);
    assert_int_equal(c, a);
    maptrack_put(&mt, b);
    maptrack_put(&mt, c);
    maptrack_destroy(&mt);
}

/* Many frames: the directory grows, handles stay valid across growth,
 * everything goes back to the heap. */
static void test_growth(void **state)
{
    enum { N = 3 * MAPTRACK_XEN_PER_FRAME + 7 };
    static struct maptrack_entry *entries[N];
    static uint32_t handles[N];
    struct grant_maptrack mt;
    uint64_t before = heap_free();

    (void)state;
    maptrack_init(&mt, 4);
    for (unsigned int i = 0; i < N; i++) {
        entries[i] = maptrack_get(&mt, &handles[i]);
        assert_non_null(entries[i]);
        entries[i]->ref = i;
    }
    for (unsigned int i = 0; i < N; i++) {
        assert_ptr_equal(maptrack_entry_at(&mt, handles[i]), entries[i]);
        assert_int_equal(entries[i]->ref, i);
        maptrack_put(&mt, handles[i]);
    }
    maptrack_destroy(&mt);
    assert_int_equal(heap_free(), before);
}

/* --- the index ------------------------------------------------------------ */

/* The greatest height an AVL tree of n nodes can have: the fewest nodes
 * of a tree of height h are fewest(h - 1) + fewest(h - 2) + 1. */
static unsigned int avl_max_height(uint32_t n)
{
    uint64_t a = 0, b = 1;      /* fewest(h - 1), fewest(h) */
    unsigned int h = 1;

    if (!n)
        return 0;
    while (a + b + 1 <= n) {
        uint64_t c = a + b + 1;

        a = b;
        b = c;
        h++;
    }
    return h;
}

struct walk {
    uint64_t last;
    uint32_t count;
};

/* The subtree at handle + 1 = n: its keys ascending after w->last, its
 * heights true and balanced; its height. */
static unsigned int check_subtree(struct grant_maptrack *mt, uint32_t n, struct walk *w)
{
    struct maptrack_node *x;
    unsigned int l, r;
    uint64_t k;

    if (!n)
        return 0;
    x = maptrack_node_locked(mt, n - 1);
    l = check_subtree(mt, x->kid[0] & 0xffffffu, w);
    k = maptrack_entry_locked(mt, n - 1)->where;
    assert_true(k != 0);
    assert_true(w->count == 0 || k > w->last);
    w->last = k;
    w->count++;
    r = check_subtree(mt, x->kid[1], w);
    assert_true(l <= r + 1 && r <= l + 1);
    assert_int_equal(x->kid[0] >> 24, (l > r ? l : r) + 1);
    return (l > r ? l : r) + 1;
}

/* The index is a balanced search tree of exactly `indexed` records. */
static void check_index(struct grant_maptrack *mt, uint32_t indexed)
{
    struct walk w = { 0, 0 };
    unsigned int height;

    spin_lock(&mt->lock);
    height = maptrack_index_height(mt);
    assert_int_equal(check_subtree(mt, mt->index_root, &w), height);
    spin_unlock(&mt->lock);
    assert_int_equal(w.count, indexed);
    assert_true(height <= avl_max_height(indexed));
}

/* Records compared by op: at most the height an AVL tree of `indexed`
 * records can have (the probes of one operation). */
static uint64_t probes_since(struct grant_maptrack *mt, uint64_t before)
{
    return mt->index_probes - before;
}

#define MANY 16384          /* handles for the big tests: 64 of Xen's frames */

static uint32_t handles[MANY];

static void get_handles(struct grant_maptrack *mt, uint32_t n)
{
    maptrack_init(mt, MANY / MAPTRACK_XEN_PER_FRAME);
    for (uint32_t i = 0; i < n; i++)
        assert_non_null(maptrack_get(mt, &handles[i]));
}

static void put_handles(struct grant_maptrack *mt, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        maptrack_set_where(mt, handles[i], 0);
        maptrack_put(mt, handles[i]);
    }
    assert_int_equal(mt->index_root, 0);
    maptrack_destroy(mt);
}

/* Insert, find, move, remove, with handles that have no record (device
 * mappings) beside them and busy handles found as well as used ones. */
static void test_index_basics(void **state)
{
    struct grant_maptrack mt;
    uint64_t before = heap_free();

    (void)state;
    get_handles(&mt, 4);
    assert_int_equal(maptrack_find_where(&mt, 0x1000), MAPTRACK_NONE);
    maptrack_set_where(&mt, handles[0], 0x1000);
    maptrack_set_where(&mt, handles[1], 0x2008);
    maptrack_publish(&mt, handles[1]);
    assert_int_equal(maptrack_find_where(&mt, 0x1000), handles[0]);       /* busy */
    assert_int_equal(maptrack_find_where(&mt, 0x2008), handles[1]);       /* in use */
    assert_int_equal(maptrack_find_where(&mt, 0x2000), MAPTRACK_NONE);
    assert_int_equal(maptrack_where(&mt, handles[2]), 0);
    check_index(&mt, 2);
    /* A move: found at its new record only. */
    maptrack_set_where(&mt, handles[0], 0x3000);
    assert_int_equal(maptrack_find_where(&mt, 0x1000), MAPTRACK_NONE);
    assert_int_equal(maptrack_find_where(&mt, 0x3000), handles[0]);
    assert_int_equal(maptrack_where(&mt, handles[0]), 0x3000);
    check_index(&mt, 2);
    /* One handle's place taken over by another, as replace does. */
    maptrack_set_where(&mt, handles[1], 0);
    maptrack_set_where(&mt, handles[0], 0x2008);
    assert_int_equal(maptrack_find_where(&mt, 0x2008), handles[0]);
    assert_int_equal(maptrack_find_where(&mt, 0x3000), MAPTRACK_NONE);
    check_index(&mt, 1);
    assert_non_null(maptrack_claim(&mt, handles[1]));
    put_handles(&mt, 4);
    assert_int_equal(heap_free(), before);
}

/* Address sets a guest could pick, each MANY records: its page-table
 * entries in order (ascending, descending), one entry per page (the same
 * low 12 bits: one bucket of a hash of the low bits), addresses that
 * differ only in high bits, and two interleaved runs.  Every insert,
 * lookup, move and removal compares at most an AVL tree's height of
 * records, and the tree is balanced at the end of each phase. */
static uint64_t pathological(unsigned int set, uint32_t i)
{
    switch (set) {
    case 0: return 0x100000 + 8 * (uint64_t)i;
    case 1: return 0x100000 + 8 * (uint64_t)(MANY - i);
    case 2: return 0x100000 + 0x1000 * (uint64_t)i;
    case 3: return 0x8 + ((uint64_t)i << 32);
    default: return 0x100000 + ((i & 1) ? 8 * (uint64_t)i : 0x10000000 - 8 * (uint64_t)i);
    }
}

static void test_index_pathological(void **state)
{
    unsigned int bound = avl_max_height(MANY);
    struct grant_maptrack mt;

    (void)state;
    assert_true(bound <= 20);           /* 1.44 log2(16386) */
    for (unsigned int set = 0; set < 5; set++) {
        uint64_t worst = 0, p;

        get_handles(&mt, MANY);
        for (uint32_t i = 0; i < MANY; i++) {
            p = mt.index_probes;
            maptrack_set_where(&mt, handles[i], pathological(set, i));
            worst = probes_since(&mt, p) > worst ? probes_since(&mt, p) : worst;
        }
        check_index(&mt, MANY);
        for (uint32_t i = 0; i < MANY; i++) {
            p = mt.index_probes;
            assert_int_equal(maptrack_find_where(&mt, pathological(set, i)), handles[i]);
            worst = probes_since(&mt, p) > worst ? probes_since(&mt, p) : worst;
        }
        /* Every record moved up by 4 bytes (no two collide), in order. */
        for (uint32_t i = 0; i < MANY; i++) {
            p = mt.index_probes;
            maptrack_set_where(&mt, handles[i], pathological(set, i) + 4);
            worst = probes_since(&mt, p) > worst ? probes_since(&mt, p) : worst;
        }
        check_index(&mt, MANY);
        assert_int_equal(maptrack_find_where(&mt, pathological(set, 7)), MAPTRACK_NONE);
        assert_int_equal(maptrack_find_where(&mt, pathological(set, 7) + 4), handles[7]);
        /* Removal in order: one side of the tree emptied first. */
        for (uint32_t i = 0; i < MANY / 2; i++) {
            p = mt.index_probes;
            maptrack_set_where(&mt, handles[i], 0);
            worst = probes_since(&mt, p) > worst ? probes_since(&mt, p) : worst;
        }
        check_index(&mt, MANY - MANY / 2);
        /* A move and a removal together cost two operations' probes. */
        assert_true(worst <= 2 * (uint64_t)bound);
        for (uint32_t i = 0; i < MANY; i++)
            maptrack_set_where(&mt, handles[i], 0);
        put_handles(&mt, MANY);
    }
}

/* One operation at a time: an insert, lookup or removal compares at
 * most one height's worth of records. */
static void test_index_one_height(void **state)
{
    struct grant_maptrack mt;
    uint64_t p;

    (void)state;
    get_handles(&mt, MANY);
    for (uint32_t i = 0; i < MANY; i++) {
        p = mt.index_probes;
        maptrack_set_where(&mt, handles[i], pathological(0, i));
        assert_true(probes_since(&mt, p) <= avl_max_height(i));
    }
    for (uint32_t i = 0; i < MANY; i++) {
        p = mt.index_probes;
        assert_int_equal(maptrack_find_where(&mt, pathological(0, i)), handles[i]);
        assert_true(probes_since(&mt, p) <= avl_max_height(MANY));
    }
    for (uint32_t i = 0; i < MANY; i++) {
        p = mt.index_probes;
        maptrack_set_where(&mt, handles[i], 0);
        assert_true(probes_since(&mt, p) <= avl_max_height(MANY - i));
    }
    check_index(&mt, 0);
    put_handles(&mt, MANY);
}

/* A shuffled mix of maps, moves and unmaps against a plain table of
 * what each handle records: every handle found where it is and nowhere
 * else, the tree checked every 1024 steps. */
static void test_index_random(void **state)
{
    enum { N = 4096, STEPS = 40000 };
    static uint64_t rec[N];
    struct grant_maptrack mt;
    uint64_t seed = 12345;
    uint32_t indexed = 0;

    (void)state;
    memset(rec, 0, sizeof(rec));
    get_handles(&mt, N);
    for (uint32_t step = 0; step < STEPS; step++) {
        uint32_t i, other;
        uint64_t where;

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        i = (uint32_t)(seed >> 33) % N;
        /* Places from a small range, so that moves onto freed ones happen. */
        where = 0x200000 + 8 * ((seed >> 13) % (2 * N));
        other = maptrack_find_where(&mt, where);
        if (other != MAPTRACK_NONE) {
            assert_int_equal(rec[other - handles[0]], where);
            /* Taken: free it, as an unmap does. */
            maptrack_set_where(&mt, other, 0);
            rec[other - handles[0]] = 0;
            indexed--;
        } else {
            indexed += !rec[i];
            maptrack_set_where(&mt, handles[i], where);
            rec[i] = where;
        }
        if (step % 1024 == 0)
            check_index(&mt, indexed);
    }
    for (uint32_t i = 0; i < N; i++)
        if (rec[i])
            assert_int_equal(maptrack_find_where(&mt, rec[i]), handles[i]);
    check_index(&mt, indexed);
    put_handles(&mt, N);
}

/* The index's memory: 8 bytes a handle, allocated with its frame. */
static void test_index_memory(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct maptrack_node), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_zero_limit),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_index_basics),
        cmocka_unit_test(test_index_pathological),
        cmocka_unit_test(test_index_one_height),
        cmocka_unit_test(test_index_random),
        cmocka_unit_test(test_index_memory),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
