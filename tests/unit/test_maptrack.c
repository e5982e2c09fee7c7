/* The maptrack table: handles handed out up to the limit and no further,
 * a busy handle neither claimed nor handed out twice, freed handles
 * reused, and every frame given back. */
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

#define NR_FRAMES 512

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_zero_limit),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_growth),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
