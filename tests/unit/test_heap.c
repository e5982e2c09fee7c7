/* The page-backed heap (lib/heap.c): requests are served from the right
 * size class and never overlap, freed blocks are used again before a new
 * page is taken, sizes outside 1..4096 are refused, and running out of
 * pages is an ordinary NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/heap.h>

#define POOL_PAGES 8

static _Alignas(4096) char pool[POOL_PAGES][HEAP_PAGE_SIZE];
static unsigned int pool_used;
static unsigned int pool_limit;

static void *get_page(void *ctx)
{
    (void)ctx;
    if (pool_used >= pool_limit)
        return NULL;
    return pool[pool_used++];
}

static struct heap heap;

static int setup(void **state)
{
    (void)state;
    pool_used = 0;
    pool_limit = POOL_PAGES;
    heap_init(&heap, get_page, NULL);
    return 0;
}

/* Blocks of one page's worth of a class are distinct, aligned and inside
 * the one page; the next takes a second page. */
static void test_class_fills_page(void **state)
{
    char *blocks[HEAP_PAGE_SIZE / 64];

    (void)state;
    for (size_t i = 0; i < HEAP_PAGE_SIZE / 64; i++) {
        blocks[i] = heap_alloc(&heap, 40);          /* class 64 */
        assert_non_null(blocks[i]);
        assert_int_equal((uintptr_t)blocks[i] % 16, 0);
        assert_true(blocks[i] >= pool[0] && blocks[i] + 64 <= pool[0] + HEAP_PAGE_SIZE);
        for (size_t j = 0; j < i; j++)
            assert_true(blocks[i] + 64 <= blocks[j] || blocks[j] + 64 <= blocks[i]);
        memset(blocks[i], (int)i, 40);
    }
    assert_int_equal(heap.pages, 1);
    assert_int_equal(heap.bytes, HEAP_PAGE_SIZE);
    assert_non_null(heap_alloc(&heap, 64));
    assert_int_equal(heap.pages, 2);
    for (size_t i = 0; i < HEAP_PAGE_SIZE / 64; i++)
        assert_int_equal(blocks[i][39], (char)i);   /* nothing overwritten */
}

/* A freed block comes back before any new page; the byte count returns. */
static void test_free_reuses(void **state)
{
    void *a, *b;

    (void)state;
    a = heap_alloc(&heap, 100);
    assert_non_null(a);
    heap_free(&heap, a, 100);
    assert_int_equal(heap.bytes, 0);
    b = heap_alloc(&heap, 128);
    assert_ptr_equal(a, b);
    assert_int_equal(heap.pages, 1);
    heap_free(&heap, NULL, 8);
    assert_int_equal(heap.bytes, 128);
}

/* 0 and more than a page are refused without taking a page; a whole page
 * is one block. */
static void test_sizes(void **state)
{
    (void)state;
    assert_null(heap_alloc(&heap, 0));
    assert_null(heap_alloc(&heap, HEAP_MAX_SIZE + 1));
    assert_int_equal(heap.pages, 0);
    assert_ptr_equal(heap_alloc(&heap, HEAP_MAX_SIZE), pool[0]);
    assert_ptr_equal(heap_alloc(&heap, 1), pool[1]);
}

static void test_out_of_pages(void **state)
{
    (void)state;
    pool_limit = 2;
    assert_non_null(heap_alloc_cb(&heap, 4096));
    assert_non_null(heap_alloc_cb(&heap, 4000));
    assert_null(heap_alloc_cb(&heap, 3000));
    heap_free_cb(&heap, pool[1], 4000);
    assert_ptr_equal(heap_alloc_cb(&heap, 3000), pool[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_class_fills_page, setup),
        cmocka_unit_test_setup(test_free_reuses, setup),
        cmocka_unit_test_setup(test_sizes, setup),
        cmocka_unit_test_setup(test_out_of_pages, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
