/* Per-CPU software timers on top of timer_heap.c.  Timer callbacks run in
 * the timer interrupt of the timer's CPU, with interrupts disabled and no
 * queue lock held, so a callback may set or stop timers (itself too).
 *
 * Locking: queue[cpu].lock guards that CPU's heap and the heap_index of
 * every timer on it.  A timer's cpu changes (migrate_timer) only under its
 * old CPU's lock, and never while it is queued; lock_timer() follows it. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <proxen/spinlock.h>
#include <proxen/timer.h>
#include <proxen/xmalloc.h>

#define TIMER_QUEUE_CAPACITY 1024
#define NR_TIMER_CPUS 64

struct timer_queue {
    spinlock_t lock;
    struct timer_heap heap;
    struct timer *running;
};

static struct timer_queue queues[NR_TIMER_CPUS];

void timers_init_cpu(unsigned int cpu)
{
    struct timer **slots = xzalloc(TIMER_QUEUE_CAPACITY * sizeof(*slots));

    ASSERT(cpu < NR_TIMER_CPUS);
    if (!slots)
        panic("no memory for the timer queue of CPU%u", cpu);
    spin_lock_init_ranked(&queues[cpu].lock, LOCK_TIMER_QUEUE);
    timer_heap_init(&queues[cpu].heap, slots, TIMER_QUEUE_CAPACITY);
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    ASSERT(cpu < NR_TIMER_CPUS);
    *t = (struct timer){ .fn = fn, .data = data, .cpu = cpu,
                         .heap_index = TIMER_NOT_QUEUED };
}

bool timer_is_active(const struct timer *t)
{
    return t->heap_index != TIMER_NOT_QUEUED;
}

/* Reprogram the hardware when the earliest deadline is on this CPU; a
 * remote CPU whose earliest deadline this is gets a kick, and programs
 * its own timer from the kick's handler (timers_run). */
static void reprogram(struct timer_queue *q, unsigned int cpu)
{
    struct timer *first = timer_heap_peek(&q->heap);

    if (cpu == arch_cpu_id())
        arch_timer_program(first ? (first->expires ? first->expires : 1) : 0);
}

/* The queue t is on, locked: t->cpu may change until its lock is held. */
static struct timer_queue *lock_timer(const struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct timer_queue *q = &queues[cpu];

        *flags = spin_lock_irqsave(&q->lock);
        if (cpu == t->cpu)
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
}

void set_timer(struct timer *t, s_time_t expires)
{
    unsigned long flags;
    struct timer_queue *q = lock_timer(t, &flags);
    unsigned int cpu = t->cpu;
    bool kick;

    if (timer_is_active(t))
        timer_heap_remove(&q->heap, t);
    t->expires = expires;
    if (timer_heap_add(&q->heap, t))
        panic("timer queue of CPU%u is full", t->cpu);
    reprogram(q, cpu);
    kick = cpu != arch_cpu_id() && timer_heap_peek(&q->heap) == t;
    spin_unlock_irqrestore(&q->lock, flags);
    if (kick)
        arch_cpu_kick(cpu);
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
    unsigned long flags;
    struct timer_queue *q = lock_timer(t, &flags);
    bool active;

    ASSERT(cpu < NR_TIMER_CPUS);
    while (q->running == t) {            /* its callback finishes where it began */
        spin_unlock_irqrestore(&q->lock, flags);
        arch_cpu_relax();
        q = lock_timer(t, &flags);
    }
    active = timer_is_active(t);
    if (active) {
        timer_heap_remove(&q->heap, t);
        reprogram(q, t->cpu);
    }
    __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&q->lock, flags);
    if (active)
        set_timer(t, t->expires);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    struct timer_queue *q = lock_timer(t, &flags);

    if (timer_is_active(t)) {
        timer_heap_remove(&q->heap, t);
        reprogram(q, t->cpu);
    }
    spin_unlock_irqrestore(&q->lock, flags);
}

/* Stop t for good: once no CPU is running its callback, nothing refers to
 * t and its memory may be reused.  Its callback must not re-arm it once
 * kill_timer has begun, and kill_timer is never called from that callback
 * (it would wait for itself). */
void kill_timer(struct timer *t)
{
    unsigned long flags;
    struct timer_queue *q;

    /* On t's own CPU, running changes only in that CPU's timer interrupt,
     * so it may be read without the lock. */
    ASSERT(!(t->cpu == arch_cpu_id() && queues[t->cpu].running == t));
    q = lock_timer(t, &flags);
    while (q->running == t) {
        spin_unlock_irqrestore(&q->lock, flags);
        arch_cpu_relax();
        q = lock_timer(t, &flags);
    }
    if (timer_is_active(t)) {
        timer_heap_remove(&q->heap, t);
        reprogram(q, t->cpu);
    }
    spin_unlock_irqrestore(&q->lock, flags);
}

void timers_run(void)
{
    unsigned int cpu = arch_cpu_id();
    struct timer_queue *q = &queues[cpu];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    struct timer *t;

    while ((t = timer_heap_pop_expired(&q->heap, NOW())) != NULL) {
        q->running = t;
        preempt_note_work();
        spin_unlock(&q->lock);
        t->fn(t->data);
        spin_lock(&q->lock);
        q->running = NULL;
    }
    reprogram(q, cpu);
    spin_unlock_irqrestore(&q->lock, flags);
}

static void dump_queue(unsigned int cpu, s_time_t now)
{
    struct timer_queue *q = &queues[cpu];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    struct timer *first = timer_heap_peek(&q->heap);

    printk("  CPU%u: %u timers queued", cpu, q->heap.size);
    if (first)
        printk(", next in %lld us (%p)", (long long)(first->expires - now) / 1000,
               (void *)first->fn);
    printk("\n");
    spin_unlock_irqrestore(&q->lock, flags);
}

void timers_dump(void)
{
    s_time_t now = NOW();

    printk("Timer queues at %lld ns:\n", (long long)now);
    for (unsigned int cpu = 0; cpu < NR_TIMER_CPUS; cpu++)
        if (queues[cpu].heap.slot)
            dump_queue(cpu, now);
}
