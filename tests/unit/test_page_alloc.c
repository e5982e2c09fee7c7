/* Buddy frame allocator: splitting, merging, ranges, holes, misuse, and a
 * randomized run against a shadow model. */
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
#include "fake_arch.h"

#define NR_FRAMES 4096

static struct page_info *table;

static void heap_create(uint64_t nr_frames, uint64_t ram_frames)
{
    fake_mem_init(ram_frames);
    table = calloc(nr_frames, sizeof(*table));
    assert_non_null(table);
    page_alloc_init(table, nr_frames);
}

static int setup(void **state)
{
    heap_create(NR_FRAMES, NR_FRAMES);
    return 0;
}

static int teardown(void **state)
{
    free(table);
    table = NULL;
    fake_mem_free();
    return 0;
}

static uint64_t mfn_of(const struct page_info *pg)
{
    return mfn_x(page_to_mfn(pg));
}

static struct heap_stats stats(void)
{
    struct heap_stats st;

    page_alloc_stats(&st);
    return st;
}

static bool all_free(uint64_t mfn, uint64_t nr)
{
    if (mfn + nr > max_mfn)
        return false;
    for (uint64_t i = 0; i < nr; i++)
        if (!(frame_table[mfn + i].count_info & PGC_free))
            return false;
    return true;
}

/* Walk frame_table block by block and check every allocator invariant
 * against the statistics: aligned free blocks, maximal (the buddy is not
 * wholly free), consistent flags and counters. */
static void check_heap(void)
{
    struct heap_stats st = stats();
    uint64_t blocks[MAX_ORDER + 1] = { 0 };
    uint64_t nr_free = 0, nr_ram = 0;

    for (uint64_t m = 0; m < max_mfn;) {
        const struct page_info *pg = &frame_table[m];
        unsigned int o = pg->order;

        if (!(pg->count_info & PGC_free)) {
            nr_ram += !(pg->count_info & PGC_reserved);
            m++;
            continue;
        }
        assert_true(o <= MAX_ORDER);
        assert_true(IS_ALIGNED(m, 1ULL << o));
        assert_true(all_free(m, 1ULL << o));
        for (uint64_t i = 0; i < (1ULL << o); i++)
            assert_int_equal(frame_table[m + i].count_info, PGC_free);
        if (o < MAX_ORDER)
            assert_false(all_free(m ^ (1ULL << o), 1ULL << o));
        blocks[o]++;
        nr_free += 1ULL << o;
        nr_ram += 1ULL << o;
        m += 1ULL << o;
    }
    assert_int_equal(st.free_frames, nr_free);
    assert_int_equal(st.total_frames, nr_ram);
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        assert_int_equal(st.free_blocks[o], blocks[o]);
}

/* Reference decomposition of [start, end) into maximal aligned blocks. */
static void expect_blocks(uint64_t start, uint64_t end, uint64_t out[MAX_ORDER + 1])
{
    while (start < end) {
        unsigned int o = 0;

        while (o < MAX_ORDER && IS_ALIGNED(start, 2ULL << o) && start + (2ULL << o) <= end)
            o++;
        out[o]++;
        start += 1ULL << o;
    }
}

static void assert_blocks_equal(const uint64_t *want)
{
    struct heap_stats st = stats();

    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        assert_int_equal(st.free_blocks[o], want[o]);
}

static void assert_stats_equal(const struct heap_stats *want)
{
    struct heap_stats st = stats();

    assert_memory_equal(&st, want, sizeof(st));
}

static void test_init_all_reserved(void **state)
{
    struct heap_stats st = stats();

    assert_int_equal(st.total_frames, 0);
    assert_int_equal(st.free_frames, 0);
    for (uint64_t m = 0; m < NR_FRAMES; m++)
        assert_int_equal(frame_table[m].count_info, PGC_reserved);
    assert_null(alloc_pages(0));
    check_heap();
}

static void test_aligned_ranges_merge(void **state)
{
    page_alloc_free_range(_mfn(0), 1024);
    assert_int_equal(stats().free_blocks[10], 1);
    page_alloc_free_range(_mfn(1024), 1024);
    assert_int_equal(stats().free_blocks[10], 0);
    assert_int_equal(stats().free_blocks[11], 1);
    assert_int_equal(stats().total_frames, 2048);
    check_heap();
}

static void test_split_and_merge(void **state)
{
    struct page_info *pg;
    struct heap_stats st;

    page_alloc_free_range(_mfn(0), NR_FRAMES);
    pg = alloc_pages(0);
    assert_non_null(pg);
    st = stats();
    assert_int_equal(st.free_frames, NR_FRAMES - 1);
    for (unsigned int o = 0; o < 12; o++)
        assert_int_equal(st.free_blocks[o], 1);
    assert_int_equal(st.free_blocks[12], 0);
    check_heap();

    free_pages(pg, 0);
    st = stats();
    assert_int_equal(st.free_frames, NR_FRAMES);
    assert_int_equal(st.free_blocks[12], 1);
    check_heap();
}

static void test_mixed_orders_merge_back(void **state)
{
    struct page_info *pg[9];
    const unsigned int free_order[9] = { 4, 0, 8, 2, 6, 1, 7, 3, 5 };

    page_alloc_free_range(_mfn(0), NR_FRAMES);
    for (unsigned int o = 0; o < 9; o++) {
        pg[o] = alloc_pages(o);
        assert_non_null(pg[o]);
        check_heap();
    }
    for (unsigned int i = 0; i < 9; i++) {
        free_pages(pg[free_order[i]], free_order[i]);
        check_heap();
    }
    assert_int_equal(stats().free_blocks[12], 1);
}

static void test_alignment(void **state)
{
    struct page_info *pg[12];

    page_alloc_free_range(_mfn(3), NR_FRAMES - 3);
    for (unsigned int o = 0; o < 11; o++) {
        pg[o] = alloc_pages(o);
        assert_non_null(pg[o]);
        assert_true(IS_ALIGNED(mfn_of(pg[o]), 1ULL << o));
        for (uint64_t i = 0; i < (1ULL << o); i++)
            assert_int_equal(pg[o][i].count_info, 0);
    }
    check_heap();
    for (unsigned int o = 0; o < 11; o++)
        free_pages(pg[o], o);
    check_heap();
}

static void test_exhaustion_order0(void **state)
{
    static struct page_info *got[NR_FRAMES];
    static bool seen[NR_FRAMES];
    struct heap_stats before;
    uint64_t n;

    page_alloc_free_range(_mfn(5), 1000);
    before = stats();
    for (int round = 0; round < 2; round++) {
        memset(seen, 0, sizeof(seen));
        for (n = 0; (got[n] = alloc_pages(0)) != NULL; n++) {
            uint64_t m = mfn_of(got[n]);

            assert_true(m >= 5 && m < 1005);
            assert_false(seen[m]);
            seen[m] = true;
        }
        assert_int_equal(n, 1000);
        assert_int_equal(stats().free_frames, 0);
        check_heap();
        while (n--)
            free_pages(got[n], 0);
        assert_stats_equal(&before);
        check_heap();
    }
}

static void test_exhaustion_higher_order(void **state)
{
    static struct page_info *got[NR_FRAMES];
    uint64_t n;

    page_alloc_free_range(_mfn(5), 1000);
    for (n = 0; (got[n] = alloc_pages(3)) != NULL; n++)
        assert_true(mfn_of(got[n]) >= 8 && mfn_of(got[n]) + 8 <= 1005);
    /* Aligned 8-frame blocks inside [5, 1005) start at 8, 16, ..., 992. */
    assert_int_equal(n, 124);
    assert_int_equal(stats().free_frames, 8);
    assert_null(alloc_pages(3));
    got[n] = alloc_pages(0);
    assert_non_null(got[n]);
    free_pages(got[n], 0);
    while (n--)
        free_pages(got[n], 3);
    assert_int_equal(stats().free_frames, 1000);
    check_heap();
}

static void test_fragmentation(void **state)
{
    static struct page_info *got[1024];

    page_alloc_free_range(_mfn(0), 1024);
    for (unsigned int i = 0; i < 1024; i++) {
        got[i] = alloc_pages(0);
        assert_non_null(got[i]);
    }
    for (unsigned int i = 0; i < 1024; i++)
        if (mfn_of(got[i]) % 2 == 0)
            free_pages(got[i], 0);
    assert_int_equal(stats().free_frames, 512);
    assert_int_equal(stats().free_blocks[0], 512);
    assert_null(alloc_pages(1));
    check_heap();

    for (unsigned int i = 0; i < 1024; i++)
        if (mfn_of(got[i]) % 2 == 1)
            free_pages(got[i], 0);
    assert_int_equal(stats().free_blocks[0], 0);
    assert_int_equal(stats().free_blocks[10], 1);
    check_heap();
}

static void test_unaligned_range(void **state)
{
    uint64_t want[MAX_ORDER + 1] = { 0 };

    page_alloc_free_range(_mfn(3), 1000);
    expect_blocks(3, 1003, want);
    assert_blocks_equal(want);
    assert_int_equal(stats().total_frames, 1000);
    check_heap();
}

static void test_neighbours_merge(void **state)
{
    page_alloc_free_range(_mfn(1), 3);
    assert_int_equal(stats().free_blocks[0], 1);
    assert_int_equal(stats().free_blocks[1], 1);
    page_alloc_free_range(_mfn(4), 4);
    page_alloc_free_range(_mfn(0), 1);
    assert_int_equal(stats().free_blocks[0], 0);
    assert_int_equal(stats().free_blocks[1], 0);
    assert_int_equal(stats().free_blocks[3], 1);
    assert_int_equal(stats().free_frames, 8);
    check_heap();

    page_alloc_free_range(_mfn(8), 0);
    assert_int_equal(stats().free_frames, 8);
}

static bool in_ram(uint64_t m)
{
    return m < 100 || (m >= 300 && m < 350) || (m >= 1001 && m < 4001);
}

static void give_holey_ram(void)
{
    page_alloc_free_range(_mfn(0), 100);
    page_alloc_free_range(_mfn(300), 50);
    page_alloc_free_range(_mfn(1001), 3000);
}

static void test_holes_never_handed_out(void **state)
{
    static struct page_info *got[NR_FRAMES];
    uint64_t n;

    give_holey_ram();
    check_heap();
    for (n = 0; (got[n] = alloc_pages(0)) != NULL; n++)
        assert_true(in_ram(mfn_of(got[n])));
    assert_int_equal(n, 3150);
    for (uint64_t m = 0; m < NR_FRAMES; m++)
        if (!in_ram(m))
            assert_int_equal(frame_table[m].count_info, PGC_reserved);
    while (n--)
        free_pages(got[n], 0);
    check_heap();

    for (unsigned int o = 0; o < 9; o++) {
        struct page_info *pg;

        while ((pg = alloc_pages(o)) != NULL)
            for (uint64_t i = 0; i < (1ULL << o); i++)
                assert_true(in_ram(mfn_of(pg) + i));
    }
    assert_int_equal(stats().free_frames, 0);
}

static void test_order_too_big(void **state)
{
    struct heap_stats before;

    page_alloc_free_range(_mfn(0), NR_FRAMES);
    before = stats();
    assert_null(alloc_pages(MAX_ORDER + 1));
    assert_null(alloc_pages(~0u));
    assert_null(alloc_pages(13));       /* valid order, no block that big */
    assert_stats_equal(&before);
}

/* 2^21 frames of metadata but almost no RAM: page_alloc never touches the
 * memory behind the frames it manages. */
static void test_max_order(void **state)
{
    const uint64_t nr = (2ULL << MAX_ORDER) + 5;
    struct page_info *a, *b;

    teardown(state);
    heap_create(nr, 1);
    page_alloc_free_range(_mfn(0), nr);
    assert_int_equal(stats().free_blocks[MAX_ORDER], 2);
    assert_int_equal(stats().free_blocks[2], 1);
    assert_int_equal(stats().free_blocks[0], 1);

    a = alloc_pages(MAX_ORDER);
    b = alloc_pages(MAX_ORDER);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(IS_ALIGNED(mfn_of(a), 1ULL << MAX_ORDER));
    assert_true(IS_ALIGNED(mfn_of(b), 1ULL << MAX_ORDER));
    assert_null(alloc_pages(MAX_ORDER));
    free_pages(a, MAX_ORDER);
    free_pages(b, MAX_ORDER);
    /* Two buddies of MAX_ORDER stay apart. */
    assert_int_equal(stats().free_blocks[MAX_ORDER], 2);

    /* Halves merge all the way back up to MAX_ORDER. */
    a = alloc_pages(MAX_ORDER - 1);
    assert_non_null(a);
    assert_int_equal(stats().free_blocks[MAX_ORDER - 1], 1);
    free_pages(a, MAX_ORDER - 1);
    assert_int_equal(stats().free_blocks[MAX_ORDER], 2);
    assert_int_equal(stats().free_blocks[MAX_ORDER - 1], 0);
    check_heap();
}

static void test_misuse_asserts(void **state)
{
    struct heap_stats before;
    struct page_info *pg, *pair;

    page_alloc_free_range(_mfn(0), 64);
    pg = alloc_pages(0);
    pair = alloc_pages(1);
    free_pages(pg, 0);
    before = stats();

    expect_assert_failure(free_pages(pg, 0));                  /* double free */
    expect_assert_failure(free_pages(&frame_table[40], 0));    /* inside a free block */
    expect_assert_failure(free_pages(&frame_table[100], 0));   /* reserved */
    expect_assert_failure(free_pages(pair + 1, 1));            /* misaligned */
    expect_assert_failure(free_pages(&frame_table[0], 2));     /* half free */
    expect_assert_failure(free_pages(pair, MAX_ORDER + 1));
    expect_assert_failure(free_pages(&frame_table[NR_FRAMES], 0));
    expect_assert_failure(page_alloc_free_range(_mfn(0), 1));  /* given twice */
    expect_assert_failure(page_alloc_free_range(_mfn(NR_FRAMES - 1), 2));

    /* Refused frees leave the heap exactly as it was, and usable. */
    assert_stats_equal(&before);
    check_heap();
    free_pages(pair, 1);
    assert_int_equal(stats().free_blocks[6], 1);
}

static void test_xenheap_pages(void **state)
{
    unsigned char *va;
    struct page_info *pg;

    page_alloc_free_range(_mfn(0), NR_FRAMES);
    va = alloc_xenheap_page();
    assert_non_null(va);
    assert_true(IS_ALIGNED(arch_virt_to_maddr(va), PAGE_SIZE));
    for (size_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(va[i], 0);
    pg = mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(va)));
    assert_true(pg->count_info & PGC_xen_heap);
    assert_int_equal(stats().free_frames, NR_FRAMES - 1);
    free_xenheap_page(va);
    free_xenheap_page(NULL);
    assert_int_equal(stats().free_blocks[12], 1);

    pg = alloc_pages(0);
    va = arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
    expect_assert_failure(free_xenheap_page(va));       /* not from the xenheap */
    expect_assert_failure(free_xenheap_page(va + 8));
    free_pages(pg, 0);
    check_heap();
}

static void test_xenheap_exhaustion(void **state)
{
    static void *got[NR_FRAMES];
    unsigned int n;

    page_alloc_free_range(_mfn(10), 20);
    for (n = 0; (got[n] = alloc_xenheap_page()) != NULL; n++)
        ;
    assert_int_equal(n, 20);
    while (n--)
        free_xenheap_page(got[n]);
    assert_int_equal(stats().free_frames, 20);
    check_heap();
}

/* --- randomized run against a shadow model --- */

struct live_block {
    uint64_t mfn;
    unsigned int order;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static bool model_ram[NR_FRAMES];
static bool model_used[NR_FRAMES];
static struct live_block live[NR_FRAMES];
static unsigned int nr_live;
static uint64_t model_ram_frames, model_used_frames;

static void model_give(uint64_t start, uint64_t nr)
{
    page_alloc_free_range(_mfn(start), nr);
    for (uint64_t m = start; m < start + nr; m++)
        model_ram[m] = true;
    model_ram_frames += nr;
}

/* What the owner of a block writes into its metadata; the allocator must
 * leave allocated frames alone. */
static uint64_t owner_tag(uint64_t mfn)
{
    return 0xc0de000000000000ULL | mfn;
}

static void stress_alloc(void)
{
    unsigned int order = MIN((unsigned int)__builtin_ctzll(rng() | (1ULL << 9)), 8u);
    struct page_info *pg = alloc_pages(order);
    struct heap_stats st;
    uint64_t m;

    if (!pg) {
        st = stats();
        for (unsigned int o = order; o <= MAX_ORDER; o++)
            assert_int_equal(st.free_blocks[o], 0);
        return;
    }
    m = mfn_of(pg);
    assert_true(IS_ALIGNED(m, 1ULL << order));
    for (uint64_t i = m; i < m + (1ULL << order); i++) {
        assert_true(model_ram[i]);
        assert_false(model_used[i]);
        model_used[i] = true;
        frame_table[i].type_info = owner_tag(i);
    }
    model_used_frames += 1ULL << order;
    live[nr_live++] = (struct live_block){ m, order };
}

static void stress_free(unsigned int idx)
{
    struct live_block b = live[idx];

    for (uint64_t i = b.mfn; i < b.mfn + (1ULL << b.order); i++) {
        assert_int_equal(frame_table[i].type_info, owner_tag(i));
        model_used[i] = false;
    }
    free_pages(&frame_table[b.mfn], b.order);
    model_used_frames -= 1ULL << b.order;
    live[idx] = live[--nr_live];
}

static void test_random_stress(void **state)
{
    uint64_t want[MAX_ORDER + 1] = { 0 };

    rng_state = 0x9e3779b97f4a7c15ULL;
    memset(model_ram, 0, sizeof(model_ram));
    memset(model_used, 0, sizeof(model_used));
    nr_live = 0;
    model_ram_frames = model_used_frames = 0;

    model_give(7, 1500);
    model_give(1700, 333);
    for (unsigned int op = 0; op < 60000; op++) {
        if (op == 20000)
            model_give(1507, 193);      /* closes the gap between the two */
        if (op == 40000)
            model_give(2100, 1900);
        if (nr_live && rng() % 100 < 48)
            stress_free((unsigned int)(rng() % nr_live));
        else
            stress_alloc();
        assert_int_equal(stats().free_frames, model_ram_frames - model_used_frames);
        if (op % 1000 == 0)
            check_heap();
    }
    while (nr_live)
        stress_free(nr_live - 1);
    check_heap();
    expect_blocks(7, 2033, want);
    expect_blocks(2100, 4000, want);
    assert_blocks_equal(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_init_all_reserved),
        T(test_aligned_ranges_merge),
        T(test_split_and_merge),
        T(test_mixed_orders_merge_back),
        T(test_alignment),
        T(test_exhaustion_order0),
        T(test_exhaustion_higher_order),
        T(test_fragmentation),
        T(test_unaligned_range),
        T(test_neighbours_merge),
        T(test_holes_never_handed_out),
        T(test_order_too_big),
        T(test_max_order),
        T(test_misuse_asserts),
        T(test_xenheap_pages),
        T(test_xenheap_exhaustion),
        T(test_random_stress),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
