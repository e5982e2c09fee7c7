/* Ticket spinlocks on C11 atomics.  Fair (FIFO), which matters on TCG
 * where an unfair lock can starve a vCPU for milliseconds.
 *
 * The lock order: every lock that is held while another is taken has a
 * rank (enum lock_rank, outermost first, the list docs/architecture.md
 * gives and a check compares), and a CPU may take a ranked lock only while
 * it holds no lock of the same or a later rank (lock_order.c asserts it,
 * at every acquisition).  Two locks of one rank are never held together.
 * An interrupt handler starts with a clean slate (its locks nest inside
 * whatever it interrupted only through interrupts-off sections). */
#ifndef PROXEN_SPINLOCK_H
#define PROXEN_SPINLOCK_H

#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/lib.h>

#define SPINLOCK_NO_CPU 0xffffu

enum lock_rank {
    LOCK_UNRANKED,          /* never held while taking another */
    LOCK_DOMLIST,           /* the list of domains */
    LOCK_WALLCLOCK,         /* the wall clock and every domain's copy */
    LOCK_GRANT,             /* a domain's grant table (grant_table.h) */
    LOCK_DOMAIN_PAGES,      /* a domain's page list */
    LOCK_PAGE_TYPES,        /* a privileged domain's page types (page_type.c) */
    LOCK_GUEST_PAGE_TYPES,  /* another's: taken under the privileged domain's
                             * when it maps or pins that domain's frames */
    LOCK_EVTCHN_LINK,       /* changes to interdomain event channels */
    LOCK_PERIODIC,          /* a vCPU's periodic timer */
    LOCK_EVENT,             /* a domain's event channels */
    LOCK_SCHED,             /* a CPU's scheduling state (sched.h) */
    LOCK_CALL_FUNCTION,     /* cross-CPU calls (TLB shootdowns) */
    LOCK_COALESCE,          /* an event coalescer's batch */
    LOCK_RUNSTATE,          /* a vCPU's runstate */
    LOCK_TIMER_QUEUE,       /* a CPU's timers */
    LOCK_MAP,               /* the hypervisor's page tables */
    LOCK_MAPTRACK,          /* a domain's grant mapping handles (maptrack.h) */
    LOCK_HEAP,              /* the buddy allocator */
    LOCK_XMALLOC,           /* the small-object allocator */
    LOCK_CONSOLE,           /* the console ring and serial line */
    NR_LOCK_RANKS
};

typedef struct spinlock {
    _Atomic uint16_t next;   /* next ticket to hand out */
    _Atomic uint16_t owner;  /* ticket being served */
    uint16_t holder_cpu;     /* for ASSERT(spin_is_locked_by_me) */
    uint16_t rank;           /* enum lock_rank */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0, SPINLOCK_NO_CPU, LOCK_UNRANKED }
#define SPINLOCK_INIT_RANKED(r) { 0, 0, SPINLOCK_NO_CPU, r }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT
#define DEFINE_SPINLOCK_RANKED(l, r) spinlock_t l = SPINLOCK_INIT_RANKED(r)

/* lock_order.c: note a ranked lock taken (asserting the order) or
 * released; an interrupt handler's slate (saved and restored around it). */
void lock_order_acquire(unsigned int rank);
void lock_order_release(unsigned int rank);
void lock_order_taken(unsigned int rank);       /* trylock: no order needed */
unsigned long lock_order_irq_enter(void);
void lock_order_irq_exit(unsigned long saved);

static inline void spin_lock_init_ranked(spinlock_t *l, enum lock_rank rank)
{
    atomic_store_explicit(&l->next, 0, memory_order_relaxed);
    atomic_store_explicit(&l->owner, 0, memory_order_relaxed);
    l->holder_cpu = SPINLOCK_NO_CPU;
    l->rank = rank;
}

static inline void spin_lock_init(spinlock_t *l)
{
    spin_lock_init_ranked(l, LOCK_UNRANKED);
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t t;

    if (l->rank)
        lock_order_acquire(l->rank);
    t = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
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
    if (l->rank)
        lock_order_taken(l->rank);
    l->holder_cpu = (uint16_t)arch_cpu_id();
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    uint16_t o = atomic_load_explicit(&l->owner, memory_order_relaxed);

    l->holder_cpu = SPINLOCK_NO_CPU;
    atomic_store_explicit(&l->owner, (uint16_t)(o + 1), memory_order_release);
    if (l->rank)
        lock_order_release(l->rank);
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
