/* xmalloc: size classes, slabs, large blocks, giving frames back, misuse,
 * and a randomized run checking contents against a shadow model.
 *
 * One heap serves the whole group: xmalloc keeps its slab lists across
 * tests, so every test frees what it allocated and checks that nothing
 * leaked (allowing the one cached empty slab per size class). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/xmalloc.h>
#include "fake_arch.h"

#define NR_FRAMES  8192
#define NR_CLASSES 8
#define MAX_SMALL  2048

static struct page_info *table;

static int group_setup(void **state)
{
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
    free(table);
    fake_mem_free();
    return 0;
}

static struct xmalloc_stats xstats(void)
{
    struct xmalloc_stats st;

    xmalloc_stats(&st);
    return st;
}

static uint64_t heap_free(void)
{
    struct heap_stats st;

    page_alloc_stats(&st);
    return st.free_frames;
}

/* Nothing live; every frame is either back in the heap or a cached slab. */
static void assert_clean(void)
{
    struct xmalloc_stats xs = xstats();

    assert_int_equal(xs.bytes_in_use, 0);
    assert_int_equal(xs.large_frames, 0);
    assert_true(xs.slab_frames <= NR_CLASSES);
    assert_int_equal(heap_free() + xs.slab_frames, NR_FRAMES);
}

static void assert_xstats_equal(const struct xmalloc_stats *want)
{
    struct xmalloc_stats st = xstats();

    assert_memory_equal(&st, want, sizeof(st));
}

static size_t class_of(size_t size)
{
    size_t c = 16;

    while (c < size)
        c <<= 1;
    return c;
}

static uint64_t maddr_of(const void *p)
{
    return arch_virt_to_maddr(p);
}

static struct page_info *page_of(const void *p)
{
    return mfn_to_page(maddr_to_mfn(maddr_of(p)));
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static void shuffle(void **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng() % i);
        void *t = v[i - 1];

        v[i - 1] = v[j];
        v[j] = t;
    }
}

static void fill(void *p, size_t size, uint64_t seed)
{
    unsigned char *b = p;

    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static void check_fill(const void *p, size_t size, uint64_t seed)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < size; i++)
        if (b[i] != (unsigned char)(seed * 131 + i * 7 + (i >> 8)))
            fail_msg("object %p corrupted at byte %zu", p, i);
}

static void test_zero_null_and_huge(void **state)
{
    struct xmalloc_stats before = xstats();
    uint64_t free_before = heap_free();

    assert_null(xmalloc(0));
    assert_null(xzalloc(0));
    xfree(NULL);
    assert_null(xmalloc(SIZE_MAX));
    assert_null(xzalloc(SIZE_MAX));
    assert_null(xmalloc(SIZE_MAX - PAGE_SIZE + 2));  /* rounding up wraps */
    assert_null(xmalloc(((size_t)PAGE_SIZE << MAX_ORDER) + 1));
    assert_null(xmalloc((size_t)PAGE_SIZE * NR_FRAMES * 2));  /* valid, no RAM */
    assert_xstats_equal(&before);
    assert_int_equal(heap_free(), free_before);
    assert_clean();
}

static void test_size_classes_and_alignment(void **state)
{
    for (size_t size = 1; size <= MAX_SMALL; size++) {
        uint64_t used = xstats().bytes_in_use;
        unsigned char *p = xmalloc(size);

        assert_non_null(p);
        assert_int_equal(xstats().bytes_in_use - used, class_of(size));
        assert_true(IS_ALIGNED(maddr_of(p), class_of(size)));
        assert_true(page_of(p)->count_info & PGC_xen_heap);
        assert_null(page_of(p)->owner);
        fill(p, size, size);
        check_fill(p, size, size);
        xfree(p);
        assert_int_equal(xstats().bytes_in_use, used);
    }
    assert_clean();
}

/* Fill several slabs of every class at once: objects are distinct, do not
 * overlap, keep their contents, and all slab frames come back. */
static void fill_class(size_t size, unsigned int slabs)
{
    size_t per_slab = PAGE_SIZE / size, n = per_slab * slabs + 1;
    void **obj = calloc(n, sizeof(*obj));

    assert_non_null(obj);
    for (size_t i = 0; i < n; i++) {
        obj[i] = xmalloc(size);
        assert_non_null(obj[i]);
        assert_true(IS_ALIGNED(maddr_of(obj[i]), size));
        fill(obj[i], size, i);
    }
    for (size_t i = 0; i < n; i++)
        check_fill(obj[i], size, i);
    shuffle(obj, n);
    for (size_t i = 0; i < n; i++)
        xfree(obj[i]);
    free(obj);
}

static void test_many_objects_many_slabs(void **state)
{
    rng_state = 42;
    for (size_t size = 16; size <= MAX_SMALL; size <<= 1) {
        uint64_t slabs_before, heap_before;

        /* The first round leaves exactly one cached empty slab. */
        fill_class(size, 3);
        slabs_before = xstats().slab_frames;
        heap_before = heap_free();

        fill_class(size, 5);
        assert_int_equal(xstats().slab_frames, slabs_before);
        assert_int_equal(heap_free(), heap_before);
    }
    assert_clean();
}

static void test_slab_count(void **state)
{
    size_t per_slab = PAGE_SIZE / 128;
    void *obj[4 * (PAGE_SIZE / 128)];
    uint64_t slabs_before;

    /* Leave the 128-byte class with its one cached slab. */
    xfree(xmalloc(128));
    slabs_before = xstats().slab_frames;
    for (size_t i = 0; i < ARRAY_SIZE(obj); i++) {
        obj[i] = xmalloc(128);
        assert_int_equal(xstats().slab_frames, slabs_before + i / per_slab);
    }
    for (size_t i = 0; i < ARRAY_SIZE(obj); i++)
        xfree(obj[i]);
    assert_int_equal(xstats().slab_frames, slabs_before);
    assert_clean();
}

static void test_no_overlap_across_classes(void **state)
{
    enum { N = 3000 };
    static void *obj[N];
    static size_t size[N];

    rng_state = 7;
    for (size_t i = 0; i < N; i++) {
        size[i] = 1 + (size_t)(rng() % MAX_SMALL);
        obj[i] = xmalloc(size[i]);
        assert_non_null(obj[i]);
        fill(obj[i], size[i], i);
    }
    for (size_t i = 0; i < N; i++) {
        check_fill(obj[i], size[i], i);
        xfree(obj[i]);
    }
    assert_clean();
}

static void test_xzalloc_zeroes(void **state)
{
    unsigned char *p = xmalloc(100), *q;

    memset(p, 0xff, 100);
    xfree(p);
    q = xzalloc(100);
    assert_ptr_equal(q, p);     /* the slot just freed comes back first */
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(q[i], 0);
    xfree(q);

    p = xmalloc(5 * PAGE_SIZE);
    memset(p, 0xff, 5 * PAGE_SIZE);
    xfree(p);
    q = xzalloc(5 * PAGE_SIZE);
    for (size_t i = 0; i < 5 * PAGE_SIZE; i++)
        assert_int_equal(q[i], 0);
    xfree(q);
    assert_clean();
}

static void test_large_allocations(void **state)
{
    static const struct { size_t size; unsigned int order; } cases[] = {
        { MAX_SMALL + 1, 0 }, { PAGE_SIZE, 0 }, { PAGE_SIZE + 1, 1 },
        { 2 * PAGE_SIZE, 1 }, { 2 * PAGE_SIZE + 1, 2 }, { 5 * PAGE_SIZE, 3 },
        { 64 * PAGE_SIZE + 1, 7 }, { 1024 * PAGE_SIZE, 10 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t frames = 1ULL << cases[i].order, before = heap_free();
        unsigned char *p = xmalloc(cases[i].size);

        assert_non_null(p);
        assert_true(IS_ALIGNED(maddr_of(p), PAGE_SIZE));
        assert_int_equal(xstats().large_frames, frames);
        assert_int_equal(xstats().bytes_in_use, frames * PAGE_SIZE);
        assert_int_equal(heap_free(), before - frames);
        for (uint64_t f = 0; f < frames; f++)
            assert_true(page_of(p + f * PAGE_SIZE)->count_info & PGC_xen_heap);
        fill(p, cases[i].size, i);
        check_fill(p, cases[i].size, i);
        xfree(p);
        assert_int_equal(heap_free(), before);
    }
    assert_clean();
}

static void test_frames_go_back(void **state)
{
    enum { N = 10 * (PAGE_SIZE / 64) };
    static void *obj[N];
    uint64_t total_before = heap_free() + xstats().slab_frames;

    for (size_t i = 0; i < N; i++)
        obj[i] = xmalloc(64);
    assert_true(xstats().slab_frames >= 10);
    for (size_t i = 0; i < N; i++)
        xfree(obj[i]);
    assert_int_equal(heap_free() + xstats().slab_frames, total_before);
    assert_clean();
}

/* A class hovering at a slab boundary must not take and return a frame
 * on every call. */
static void test_no_churn_at_slab_boundary(void **state)
{
    enum { PER_SLAB = PAGE_SIZE / MAX_SMALL };
    void *full[PER_SLAB];
    uint64_t heap;

    for (size_t i = 0; i < PER_SLAB; i++)
        full[i] = xmalloc(MAX_SMALL);
    xfree(xmalloc(MAX_SMALL));
    heap = heap_free();
    for (int i = 0; i < 1000; i++) {
        void *p = xmalloc(MAX_SMALL);

        assert_int_equal(heap_free(), heap);
        xfree(p);
        assert_int_equal(heap_free(), heap);
    }
    for (size_t i = 0; i < PER_SLAB; i++)
        xfree(full[i]);
    assert_clean();
}

static void test_exhaustion_and_recovery(void **state)
{
    static void *obj[2 * NR_FRAMES + 1];
    size_t n;

    for (int round = 0; round < 2; round++) {
        for (n = 0; (obj[n] = xmalloc(MAX_SMALL)) != NULL; n++)
            assert_true(n < ARRAY_SIZE(obj) - 1);
        assert_true(n >= 2 * (NR_FRAMES - NR_CLASSES));
        assert_null(xmalloc(PAGE_SIZE));
        while (n--)
            xfree(obj[n]);
        assert_clean();
    }
}

static void test_bad_frees_assert(void **state)
{
    unsigned char *small = xmalloc(64), *large = xmalloc(3 * PAGE_SIZE);
    void *xh = alloc_xenheap_page();
    struct xmalloc_stats before = xstats();
    unsigned char *once;

    expect_assert_failure(xfree(small + 1));
    expect_assert_failure(xfree(small + 32));               /* inside the object */
    expect_assert_failure(xfree(large + 16));
    expect_assert_failure(xfree(large + PAGE_SIZE));        /* interior frame */
    expect_assert_failure(xfree(xh));                       /* not from xmalloc */
    assert_xstats_equal(&before);

    xfree(large);
    expect_assert_failure(xfree(large));                    /* double free */
    xfree(small);
    free_xenheap_page(xh);

    once = xmalloc(1024);
    xfree(once);
    expect_assert_failure(xfree(once));     /* its slab is now empty */
    assert_clean();
}

static void test_obj_helpers(void **state)
{
    struct sample { uint64_t a, b; char name[40]; } *s = xzalloc_obj(struct sample);
    struct sample *t = xmalloc_obj(struct sample);

    assert_non_null(s);
    assert_non_null(t);
    assert_int_equal(s->a | s->b, 0);
    assert_true(IS_ALIGNED(maddr_of(s), 64));
    xfree(s);
    xfree(t);
    assert_clean();
}

/* --- randomized run against a shadow model --- */

struct live_obj {
    unsigned char *p;
    size_t size;
    uint64_t seed;
};

static size_t random_size(void)
{
    uint64_t r = rng();

    if (r % 100 < 5)                    /* whole frames, up to 4 */
        return MAX_SMALL + 1 + (size_t)((r >> 8) % (4 * PAGE_SIZE));
    return 1 + (size_t)((r >> 8) % (1ULL << (1 + (r >> 32) % 11)));
}

/* Small objects count their class size, large ones their 2^order frames. */
static uint64_t model_bytes(size_t size)
{
    size_t frames = (size + PAGE_SIZE - 1) / PAGE_SIZE, block = 1;

    if (size <= MAX_SMALL)
        return class_of(size);
    while (block < frames)
        block <<= 1;
    return (uint64_t)block * PAGE_SIZE;
}

static void test_random_stress(void **state)
{
    enum { MAX_LIVE = 4000 };
    static struct live_obj live[MAX_LIVE];
    size_t nr_live = 0;
    uint64_t bytes = 0;

    rng_state = 0x9e3779b97f4a7c15ULL;
    for (unsigned int op = 0; op < 40000; op++) {
        if (nr_live == MAX_LIVE || (nr_live && rng() % 100 < 47)) {
            size_t i = (size_t)(rng() % nr_live);

            check_fill(live[i].p, live[i].size, live[i].seed);
            bytes -= model_bytes(live[i].size);
            xfree(live[i].p);
            live[i] = live[--nr_live];
        } else {
            struct live_obj o = { NULL, random_size(), op };

            o.p = xmalloc(o.size);
            if (!o.p)
                continue;
            assert_true(IS_ALIGNED(maddr_of(o.p), MIN(class_of(o.size), PAGE_SIZE)));
            fill(o.p, o.size, o.seed);
            bytes += model_bytes(o.size);
            live[nr_live++] = o;
        }
        assert_int_equal(xstats().bytes_in_use, bytes);
        if (op % 2000 == 0)
            for (size_t i = 0; i < nr_live; i++)
                check_fill(live[i].p, live[i].size, live[i].seed);
    }
    while (nr_live--)
        xfree(live[nr_live].p);
    assert_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_null_and_huge),
        cmocka_unit_test(test_size_classes_and_alignment),
        cmocka_unit_test(test_many_objects_many_slabs),
        cmocka_unit_test(test_slab_count),
        cmocka_unit_test(test_no_overlap_across_classes),
        cmocka_unit_test(test_xzalloc_zeroes),
        cmocka_unit_test(test_large_allocations),
        cmocka_unit_test(test_frames_go_back),
        cmocka_unit_test(test_no_churn_at_slab_boundary),
        cmocka_unit_test(test_exhaustion_and_recovery),
        cmocka_unit_test(test_bad_frees_assert),
        cmocka_unit_test(test_obj_helpers),
        cmocka_unit_test(test_random_stress),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
