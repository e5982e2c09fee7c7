/* Event coalescing: a back end (network, block, console, trace) tells a
 * coalescer about each event it produces for a domain, and the coalescer
 * notifies the domain once for a batch: when max_events events are
 * waiting, or max_delay ns after the first of them, whichever comes
 * first.  So a busy source costs one notification per max_events events
 * and a quiet one adds at most max_delay to an event's delivery.
 *
 * The notification is a callback of the user's (for a domain, typically
 * evtchn_send on the port the back end shares with it), called with the
 * number of events it covers, never with zero.  It runs with no coalescer
 * lock held, on the CPU that completed the batch (an event's producer, or
 * the coalescer's timer CPU from its timer interrupt), so it must be safe
 * in interrupt context and concurrently with the next batch's
 * notification on another CPU.
 *
 * The deadline is kept by a timer on the CPU given at init (timer.c
 * reprograms the hardware only from that CPU): events produced elsewhere
 * are counted at once, but a batch completed by its deadline is seen at
 * that CPU's next timer interrupt at the latest.
 *
 * Locking: c->lock (LOCK_COALESCE, taken with interrupts off, since the
 * timer's callback runs in the timer interrupt) guards every field below
 * it and is held while the timer is set or stopped, so that the timer is
 * queued exactly while a batch is waiting. */
#ifndef PROXEN_EVENT_COALESCE_H
#define PROXEN_EVENT_COALESCE_H

#include <proxen/spinlock.h>
#include <proxen/timer.h>
#include <proxen/types.h>

/* The longest a coalescer may hold an event back. */
#define EVENT_COALESCE_MAX_DELAY SECONDS(1)

typedef void (*event_notify_fn)(void *data, unsigned int events);

struct event_coalescer {
    event_notify_fn notify;
    void *data;
    struct timer timer;                 /* due at first + max_delay */

    spinlock_t lock;
    bool dead;                          /* killed: events are a caller bug */
    unsigned int max_events;            /* n: notify when this many wait */
    s_time_t max_delay;                 /* t: or this long after the first */
    unsigned int pending;               /* events since the last notification */
    s_time_t first;                     /* when the first of them came */
};

/* Validate, then set up: -EINVAL (nothing changed) unless
 * max_events >= 1 and 0 <= max_delay <= EVENT_COALESCE_MAX_DELAY.
 * max_events 1 or max_delay 0 notify every event at once. */
int event_coalescer_init(struct event_coalescer *c, unsigned int max_events,
                         s_time_t max_delay, event_notify_fn notify, void *data,
                         unsigned int timer_cpu);

/* New limits, checked as by init (-EINVAL changes nothing); the events
 * waiting under the old ones are notified first. */
int event_coalescer_configure(struct event_coalescer *c, unsigned int max_events,
                              s_time_t max_delay);

/* One event happened now. */
void event_coalescer_event(struct event_coalescer *c);

/* Notify whatever is waiting now (a back end going idle, a flush request). */
void event_coalescer_flush(struct event_coalescer *c);

/* Drop what is waiting without notifying it, and return once the timer's
 * callback (and a notification it makes) can no longer run: c may then be
 * freed, provided no call of the caller's own (event, flush, configure,
 * and the notification they make) is under way.  Not from c's notify
 * callback on the timer CPU. */
void event_coalescer_kill(struct event_coalescer *c);

/* A coalescer whose notification is a global VIRQ to a domain
 * (virq_coalesce.c), for the hypervisor's own back ends, such as the
 * console ring or the trace buffer.  Events go to event_coalescer_event
 * (&vc->coalescer).  The domain must outlive it: kill the coalescer
 * before the domain goes. */
struct domain;

struct virq_coalescer {
    struct event_coalescer coalescer;
    struct domain *domain;
    unsigned int virq;
};

/* -EINVAL (nothing changed) unless virq is a global VIRQ and the limits
 * are valid as for event_coalescer_init. */
int virq_coalescer_init(struct virq_coalescer *vc, struct domain *d, unsigned int virq,
                        unsigned int max_events, s_time_t max_delay, unsigned int timer_cpu);

#endif
