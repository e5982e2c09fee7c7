/* The lock-order check (spinlock.h): per CPU, the ranks of the locks it
 * holds, one bit each.  Taking a lock whose rank is not above every held
 * one is an inversion: two CPUs doing it the other way round would
 * deadlock, whether or not they happened to this time. */
#include <arch/arch.h>
#include <proxen/lib.h>
#include <proxen/spinlock.h>

#define NR_ORDER_CPUS 64

BUILD_BUG_ON(NR_LOCK_RANKS > 32);

static uint32_t held[NR_ORDER_CPUS];

static uint32_t *this_cpu_held(void)
{
    unsigned int cpu = arch_cpu_id();

    ASSERT(cpu < NR_ORDER_CPUS);
    return &held[cpu];
}

void lock_order_acquire(unsigned int rank)
{
    uint32_t *h = this_cpu_held();

    /* Nothing held at this rank or after it. */
    if (*h >> rank)
        assert_failed("lock order: a lock of this rank or a later one is held", __FILE__,
                      __LINE__);
    *h |= 1u << rank;
}

void lock_order_taken(unsigned int rank)
{
    *this_cpu_held() |= 1u << rank;
}

void lock_order_release(unsigned int rank)
{
    uint32_t *h = this_cpu_held();

    ASSERT(*h & (1u << rank));
    *h &= ~(1u << rank);
}

unsigned long lock_order_irq_enter(void)
{
    uint32_t *h = this_cpu_held(), saved = *h;

    *h = 0;
    return saved;
}

void lock_order_irq_exit(unsigned long saved)
{
    uint32_t *h = this_cpu_held();

    ASSERT(*h == 0);            /* an interrupt handler leaves nothing held */
    *h = (uint32_t)saved;
}
