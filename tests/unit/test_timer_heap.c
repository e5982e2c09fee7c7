/* The timer min-heap against a trivially correct model: random adds,
 * removes and expiry pops, with the heap shape and every timer's
 * heap_index checked after each step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <proxen/errno.h>
#include <proxen/lib.h>
#include <proxen/timer.h>

#define NR_TIMERS 64
#define CAPACITY  48      /* below NR_TIMERS, so -ENOSPC gets exercised */

static struct timer timers[NR_TIMERS];
static struct timer *storage[CAPACITY];
static struct timer_heap heap;
static bool queued[NR_TIMERS];    /* the model: which timers are in */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned long full_refusals;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int setup(void **state)
{
    size_t i;

    for (i = 0; i < NR_TIMERS; i++) {
        timers[i] = (struct timer){ .heap_index = TIMER_NOT_QUEUED };
        queued[i] = false;
    }
    timer_heap_init(&heap, storage, CAPACITY);
    return 0;
}

static unsigned int model_size(void)
{
    unsigned int i, n = 0;

    for (i = 0; i < NR_TIMERS; i++)
        n += queued[i];
    return n;
}

/* Earliest deadline in the model; INT64_MAX if empty. */
static s_time_t model_min(void)
{
    s_time_t m = INT64_MAX;
    size_t i;

    for (i = 0; i < NR_TIMERS; i++) {
        if (queued[i] && timers[i].expires < m)
            m = timers[i].expires;
    }
    return m;
}

static void check_heap(void)
{
    uint32_t i;

    assert_int_equal(heap.size, model_size());
    for (i = 0; i < heap.size; i++) {
        assert_int_equal(heap.slot[i]->heap_index, i);
        if (i)
            assert_true(heap.slot[(i - 1) / 2]->expires <= heap.slot[i]->expires);
    }
    for (i = 0; i < NR_TIMERS; i++) {
        if (!queued[i])
            assert_int_equal(timers[i].heap_index, TIMER_NOT_QUEUED);
    }
    if (heap.size)
        assert_true(timer_heap_peek(&heap)->expires == model_min());
    else
        assert_null(timer_heap_peek(&heap));
}

static void op_add(unsigned int i)
{
    int rc;

    if (queued[i])
        return;
    /* A narrow range gives plenty of equal deadlines. */
    timers[i].expires = (s_time_t)(rnd() % 200) - 50;
    rc = timer_heap_add(&heap, &timers[i]);
    if (model_size() == CAPACITY) {
        assert_int_equal(rc, -ENOSPC);
        full_refusals++;
        assert_int_equal(timers[i].heap_index, TIMER_NOT_QUEUED);
        return;
    }
    assert_int_equal(rc, 0);
    queued[i] = true;
}

static void op_remove(unsigned int i)
{
    if (!queued[i])
        return;
    timer_heap_remove(&heap, &timers[i]);
    queued[i] = false;
}

static void op_pop(void)
{
    s_time_t now = (s_time_t)(rnd() % 220) - 60;
    s_time_t min = model_min();
    struct timer *t = timer_heap_pop_expired(&heap, now);

    if (min > now) {
        assert_null(t);
        return;
    }
    assert_non_null(t);
    assert_true(t->expires == min);
    assert_int_equal(t->heap_index, TIMER_NOT_QUEUED);
    queued[t - timers] = false;
}

static void test_random_against_model(void **state)
{
    unsigned long emptied = 0;
    int step;

    for (step = 0; step < 200000; step++) {
        /* Phases that favour adds fill the heap up to -ENOSPC; phases
         * that favour removal drain it to empty. */
        unsigned int add_pct = (step / 5000) % 2 ? 90 : 20;
        unsigned int r = (unsigned int)(rnd() % 100);
        unsigned int i = (unsigned int)(rnd() % NR_TIMERS);

        if (r < add_pct)
            op_add(i);
        else if (r < add_pct + (100 - add_pct) / 2)
            op_remove(i);
        else
            op_pop();
        check_heap();
        emptied += heap.size == 0;
    }
    assert_true(full_refusals > 0);
    assert_true(emptied > 0);
}

static void test_empty(void **state)
{
    assert_null(timer_heap_peek(&heap));
    assert_null(timer_heap_pop_expired(&heap, INT64_MAX));
}

static void test_pop_order(void **state)
{
    static const s_time_t deadlines[] = { 50, 10, 40, 10, 30, -5, 20, 60 };
    s_time_t last = INT64_MIN;
    struct timer *t;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(deadlines); i++) {
        timers[i].expires = deadlines[i];
        assert_int_equal(timer_heap_add(&heap, &timers[i]), 0);
    }
    /* Only what has expired by 35 comes out, in deadline order. */
    for (i = 0; (t = timer_heap_pop_expired(&heap, 35)); i++) {
        assert_true(t->expires >= last && t->expires <= 35);
        last = t->expires;
    }
    assert_int_equal(i, 5);
    assert_int_equal(heap.size, 3);
    assert_true(timer_heap_peek(&heap)->expires == 40);
}

static void test_full(void **state)
{
    unsigned int i;

    for (i = 0; i < CAPACITY; i++) {
        timers[i].expires = (s_time_t)(CAPACITY - i);
        assert_int_equal(timer_heap_add(&heap, &timers[i]), 0);
    }
    timers[CAPACITY].expires = 0;
    assert_int_equal(timer_heap_add(&heap, &timers[CAPACITY]), -ENOSPC);
    assert_int_equal(timers[CAPACITY].heap_index, TIMER_NOT_QUEUED);
    assert_int_equal(heap.size, CAPACITY);
    /* Removing one makes room again. */
    timer_heap_remove(&heap, &timers[5]);
    assert_int_equal(timer_heap_add(&heap, &timers[CAPACITY]), 0);
    assert_ptr_equal(timer_heap_peek(&heap), &timers[CAPACITY]);
}

/* Removing from the middle may need the moved timer to go up, not down:
 * these deadlines, added in order, sit in the slots in order, and removing
 * 101 (slot 3) moves 3 from the last slot under 100. */
static void test_remove_sifts_up(void **state)
{
    static const s_time_t deadlines[] = { 0, 100, 1, 101, 102, 2, 3 };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(deadlines); i++) {
        timers[i].expires = deadlines[i];
        assert_int_equal(timer_heap_add(&heap, &timers[i]), 0);
        queued[i] = true;
        assert_int_equal(timers[i].heap_index, i);
    }
    timer_heap_remove(&heap, &timers[3]);
    queued[3] = false;
    check_heap();
    assert_int_equal(timers[6].heap_index, 1);
}

static void test_remove_not_queued_asserts(void **state)
{
    expect_assert_failure(timer_heap_remove(&heap, &timers[0]));
}

static void test_add_twice_asserts(void **state)
{
    assert_int_equal(timer_heap_add(&heap, &timers[0]), 0);
    expect_assert_failure(timer_heap_add(&heap, &timers[0]));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty), T(test_pop_order), T(test_full), T(test_remove_sifts_up),
        T(test_remove_not_queued_asserts), T(test_add_twice_asserts),
        T(test_random_against_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
