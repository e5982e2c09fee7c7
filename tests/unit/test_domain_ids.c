/* The table of listed domains by id (hv/common/domain_ids.c): ids taken
 * and freed, the lowest free one found across words and past the reserved
 * range, lookups through shared buckets, and removal from the middle of a
 * bucket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/domain_ids.h>
#include "fake_arch.h"

static struct domid_table table;
static struct domain doms[4];

static int setup(void **state)
{
    (void)state;
    memset(&table, 0, sizeof(table));
    memset(doms, 0, sizeof(doms));
    return 0;
}

static void put(struct domain *d, domid_t id)
{
    d->domain_id = id;
    domid_table_insert(&table, d);
}

static void test_lowest_free(void **state)
{
    (void)state;
    assert_int_equal(domid_table_lowest_free(&table, 1), 1);
    put(&doms[0], 0);
    put(&doms[1], 1);
    put(&doms[2], 2);
    assert_int_equal(domid_table_lowest_free(&table, 0), 3);
    assert_int_equal(domid_table_lowest_free(&table, 1), 3);
    domid_table_remove(&table, &doms[1]);
    assert_null(domid_table_find(&table, 1));
    assert_int_equal(domid_table_lowest_free(&table, 1), 3);     /* not free until released */
    domid_table_release(&table, 1);
    assert_int_equal(domid_table_lowest_free(&table, 1), 1);
    assert_int_equal(domid_table_lowest_free(&table, 2), 3);     /* never below from */
}

/* A full first word, and the end of the range. */
static void test_across_words_and_to_the_end(void **state)
{
    (void)state;
    for (unsigned int id = 0; id < 64; id++)
        table.used[0] |= 1ULL << id;
    assert_int_equal(domid_table_lowest_free(&table, 1), 64);
    memset(table.used, 0xff, sizeof(table.used));
    assert_int_equal(domid_table_lowest_free(&table, 1), DOMID_INVALID);
    table.used[(DOMID_FIRST_RESERVED - 1) / 64] &= ~(1ULL << ((DOMID_FIRST_RESERVED - 1) % 64));
    assert_int_equal(domid_table_lowest_free(&table, 1), DOMID_FIRST_RESERVED - 1);
    memset(table.used, 0xff, sizeof(table.used));
    /* Only the bits past the real ids are clear. */
    table.used[ARRAY_SIZE(table.used) - 1] = (1ULL << (DOMID_FIRST_RESERVED % 64)) - 1;
    assert_int_equal(domid_table_lowest_free(&table, DOMID_FIRST_RESERVED - 16), DOMID_INVALID);
}

/* Ids that share a bucket are told apart; removing the middle one keeps
 * the others. */
static void test_shared_bucket(void **state)
{
    (void)state;
    put(&doms[0], 5);
    put(&doms[1], 5 + DOMID_HASH_BUCKETS);
    put(&doms[2], 5 + 2 * DOMID_HASH_BUCKETS);
    assert_ptr_equal(domid_table_find(&table, 5), &doms[0]);
    assert_ptr_equal(domid_table_find(&table, 5 + DOMID_HASH_BUCKETS), &doms[1]);
    assert_ptr_equal(domid_table_find(&table, 5 + 2 * DOMID_HASH_BUCKETS), &doms[2]);
    assert_null(domid_table_find(&table, 5 + 3 * DOMID_HASH_BUCKETS));
    domid_table_remove(&table, &doms[1]);
    domid_table_release(&table, 5 + DOMID_HASH_BUCKETS);
    assert_null(domid_table_find(&table, 5 + DOMID_HASH_BUCKETS));
    assert_ptr_equal(domid_table_find(&table, 5), &doms[0]);
    assert_ptr_equal(domid_table_find(&table, 5 + 2 * DOMID_HASH_BUCKETS), &doms[2]);
    assert_int_equal(domid_table_lowest_free(&table, 1), 1);
}

/* Taking an id twice is a bug the table catches. */
static void test_double_insert_asserts(void **state)
{
    (void)state;
    put(&doms[0], 9);
    doms[1].domain_id = 9;
    expect_assert_failure(domid_table_insert(&table, &doms[1]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lowest_free, setup),
        cmocka_unit_test_setup(test_across_words_and_to_the_end, setup),
        cmocka_unit_test_setup(test_shared_bucket, setup),
        cmocka_unit_test_setup(test_double_insert_asserts, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
