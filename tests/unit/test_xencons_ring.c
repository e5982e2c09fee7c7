/* The PV console ring's two ends (lib/xencons_ring.c): bytes go through
 * in order across the wrap of the free-running indices, a full ring takes
 * no more, and a peer's forged index makes an end copy nothing rather
 * than read or write past the ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/xencons_ring.h>

static struct xencons_interface ring;

static int setup(void **state)
{
    (void)state;
    memset(&ring, 0, sizeof(ring));
    return 0;
}

static void test_out_in_order(void **state)
{
    char buf[16];

    (void)state;
    assert_int_equal(xencons_front_write(&ring, "hello", 5), 5);
    assert_int_equal(xencons_back_read(&ring, buf, 3), 3);
    assert_memory_equal(buf, "hel", 3);
    assert_int_equal(xencons_back_read(&ring, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "lo", 2);
    assert_int_equal(xencons_back_read(&ring, buf, sizeof(buf)), 0);
    assert_int_equal(xencons_back_write(&ring, "ab", 2), 2);
    assert_int_equal(xencons_front_read(&ring, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "ab", 2);
}

/* Full at the ring's size; the indices wrap at 2^32 without a hiccup. */
static void test_full_and_wrap(void **state)
{
    static char big[4096], back[4096];

    (void)state;
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    ring.out_prod = ring.out_cons = 0xfffffff0u;
    assert_int_equal(xencons_front_write(&ring, big, sizeof(big)), sizeof(ring.out));
    assert_int_equal(xencons_front_write(&ring, big, 1), 0);
    assert_int_equal(xencons_back_read(&ring, back, sizeof(back)), sizeof(ring.out));
    assert_memory_equal(back, big, sizeof(ring.out));
    assert_int_equal(ring.out_prod, (uint32_t)(0xfffffff0u + sizeof(ring.out)));
}

/* The guest says it produced more than the ring holds: the back end
 * reads nothing (and its index stays); the back end's forged consumer
 * index makes the front end write nothing. */
static void test_forged_indices(void **state)
{
    char buf[4096];

    (void)state;
    ring.out_prod = 5000;
    assert_int_equal(xencons_back_read(&ring, buf, sizeof(buf)), 0);
    assert_int_equal(ring.out_cons, 0);
    ring.out_prod = 0;
    ring.out_cons = 100;                        /* consumed more than produced */
    assert_int_equal(xencons_front_write(&ring, "x", 1), 0);
    assert_int_equal(ring.out_prod, 0);
    ring.in_prod = 2000;                        /* in is 1024 bytes */
    assert_int_equal(xencons_front_read(&ring, buf, sizeof(buf)), 0);
    ring.in_prod = 0;
    ring.in_cons = 7;
    assert_int_equal(xencons_back_write(&ring, "y", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_out_in_order, setup),
        cmocka_unit_test_setup(test_full_and_wrap, setup),
        cmocka_unit_test_setup(test_forged_indices, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
