/* The lock-order check (hv/common/lock_order.c through spinlock.h): ranked
 * locks taken outermost first pass, any inversion or two locks of one rank
 * fail at the acquisition, trylock needs no order, and an interrupt
 * handler starts with a clean slate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <proxen/spinlock.h>
#include "fake_arch.h"

static DEFINE_SPINLOCK_RANKED(outer, LOCK_PAGE_TYPES);
static DEFINE_SPINLOCK_RANKED(inner, LOCK_HEAP);
static DEFINE_SPINLOCK_RANKED(inner_twin, LOCK_HEAP);
static DEFINE_SPINLOCK(unranked);

static int setup(void **state)
{
    (void)state;
    fake_set_cpu(0);
    spin_lock_init_ranked(&outer, LOCK_PAGE_TYPES);
    spin_lock_init_ranked(&inner, LOCK_HEAP);
    spin_lock_init_ranked(&inner_twin, LOCK_HEAP);
    spin_lock_init(&unranked);
    (void)lock_order_irq_enter();          /* whatever a failed test left */
    return 0;
}

static void test_in_order(void **state)
{
    (void)state;
    spin_lock(&outer);
    spin_lock(&inner);
    spin_lock(&unranked);
    spin_unlock(&unranked);
    spin_unlock(&inner);
    spin_unlock(&outer);
    /* Released, the same locks may be taken again, alone, either way. */
    spin_lock(&inner);
    spin_unlock(&inner);
    spin_lock(&outer);
    spin_unlock(&outer);
}

static void test_inversion_caught(void **state)
{
    (void)state;
    spin_lock(&inner);
    expect_assert_failure(spin_lock(&outer));
}

static void test_same_rank_caught(void **state)
{
    (void)state;
    spin_lock(&inner);
    expect_assert_failure(spin_lock(&inner_twin));
}

static void test_other_cpu_independent(void **state)
{
    (void)state;
    spin_lock(&inner);
    fake_set_cpu(1);
    spin_lock(&outer);            /* CPU 1 holds nothing */
    spin_unlock(&outer);
    fake_set_cpu(0);
    spin_unlock(&inner);
}

static void test_trylock_unordered(void **state)
{
    (void)state;
    spin_lock(&inner);
    assert_true(spin_trylock(&outer));     /* cannot deadlock: it gives up */
    spin_unlock(&outer);
    spin_unlock(&inner);
}

static void test_interrupt_slate(void **state)
{
    unsigned long saved;

    (void)state;
    spin_lock(&inner);
    saved = lock_order_irq_enter();
    spin_lock(&outer);            /* the handler's own nesting starts afresh */
    spin_unlock(&outer);
    lock_order_irq_exit(saved);
    expect_assert_failure(spin_lock(&outer));     /* back in the interrupted context */
}

static void test_handler_leaving_lock_caught(void **state)
{
    unsigned long saved;

    (void)state;
    saved = lock_order_irq_enter();
    spin_lock(&inner);
    expect_assert_failure(lock_order_irq_exit(saved));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_in_order, setup),
        cmocka_unit_test_setup(test_inversion_caught, setup),
        cmocka_unit_test_setup(test_same_rank_caught, setup),
        cmocka_unit_test_setup(test_other_cpu_independent, setup),
        cmocka_unit_test_setup(test_trylock_unordered, setup),
        cmocka_unit_test_setup(test_interrupt_slate, setup),
        cmocka_unit_test_setup(test_handler_leaving_lock_caught, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
