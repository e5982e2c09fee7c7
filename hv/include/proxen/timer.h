/* Software timers: a binary min-heap of deadlines per CPU.
 *
 * The heap itself (timer_heap_*) is pure logic, unit-tested on the host.
 * timer.c wires one heap per CPU to the arch one-shot timer: whenever the
 * earliest deadline changes, arch_timer_program() is called.
 *
 * Locking: each CPU's queue has its own lock; a timer's fields belong to
 * the lock of the queue it is on (timer->cpu). */
#ifndef PROXEN_TIMER_H
#define PROXEN_TIMER_H

#include <proxen/types.h>

#define TIMER_NOT_QUEUED 0xffffffffu

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    uint32_t heap_index;       /* position in its heap, TIMER_NOT_QUEUED if none */
    uint32_t cpu;
};

/* A fixed-capacity min-heap of timers ordered by expires.  Ties keep no
 * particular order. */
struct timer_heap {
    struct timer **slot;
    uint32_t size;
    uint32_t capacity;
};

void timer_heap_init(struct timer_heap *h, struct timer **storage, uint32_t capacity);
int timer_heap_add(struct timer_heap *h, struct timer *t);     /* -ENOSPC if full */
void timer_heap_remove(struct timer_heap *h, struct timer *t); /* t must be queued */
struct timer *timer_heap_peek(const struct timer_heap *h);     /* NULL if empty */
struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now);

/* Per-CPU timers (timer.c). */
void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
void kill_timer(struct timer *t);         /* stop; wait out a running callback */
/* Move t to cpu's queue, keeping its deadline (a running callback is
 * waited out first: never from t's own callback). */
void migrate_timer(struct timer *t, unsigned int cpu);
bool timer_is_active(const struct timer *t);
void timers_init_cpu(unsigned int cpu);
void timers_run(void);                   /* from the timer interrupt */
void timers_dump(void);                  /* debug key */

/* Provided by the arch: fire the timer interrupt at (or soon after) the
 * given system time on this CPU; 0 means no deadline. */
void arch_timer_program(s_time_t deadline);

/* System time, ns since boot (arch time.c). */
s_time_t NOW(void);

#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)
#define SECONDS(s)    ((s_time_t)(s) * 1000000000LL)

#endif
