/* Ticket spinlocks on C11 atomics.  Fair (FIFO), which matters on TCG
 * where an unfair lock can starve a vCPU for milliseconds.
 *
 * Lock order (global, outermost first): domain locks, then per-CPU
 * scheduler locks, then timer-queue locks, then heap_lock, then
 * console_lock.  Never take a lock on this list while holding one that
 * comes after it. */
#ifndef PROXEN_SPINLOCK_H
#define PROXEN_SPINLOCK_H

#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/lib.h>

#define SPINLOCK_NO_CPU 0xffffu

typedef struct spinlock {
    _Atomic uint16_t next;   /* next ticket to hand out */
    _Atomic uint16_t owner;  /* ticket being served */
    uint16_t holder_cpu;     /* for ASSERT(spin_is_locked_by_me) */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0, SPINLOCK_NO_CPU }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
    atomic_store_explicit(&l->next, 0, memory_order_relaxed);
    atomic_store_explicit(&l->owner, 0, memory_order_relaxed);
    l->holder_cpu = SPINLOCK_NO_CPU;
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t t = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

    while (atomic_load_explicit(&l->owner, memory_order_acquire) != t)
        arch_cpu_relax();
    l->holder_cpu = (uint16_t)arch_cpu_id();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t o = atomic_load_explicit(&l->owner, memory_order_relaxed);
    uint16_t n = o;

    if (!atomic_compare_exchange_strong_explicit(&l->next, &n, (uint16_t)(o + 1),
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        return false;
    l->holder_cpu = (uint16_t)arch_cpu_id();
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    uint16_t o = atomic_load_explicit(&l->owner, memory_order_relaxed);

    l->holder_cpu = SPINLOCK_NO_CPU;
    atomic_store_explicit(&l->owner, (uint16_t)(o + 1), memory_order_release);
}

static inline bool spin_is_locked(spinlock_t *l)
{
    return atomic_load_explicit(&l->owner, memory_order_relaxed) !=
           atomic_load_explicit(&l->next, memory_order_relaxed);
}

static inline bool spin_is_locked_by_me(spinlock_t *l)
{
    return spin_is_locked(l) && l->holder_cpu == arch_cpu_id();
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = arch_irq_save();

    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    arch_irq_restore(flags);
}

#endif
