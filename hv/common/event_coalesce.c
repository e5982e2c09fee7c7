/* Event coalescing (event_coalesce.h): one notification per batch of
 * events, sent when the batch reaches max_events or max_delay after its
 * first event, whichever comes first.
 *
 * Locking: c->lock, with interrupts off, around every change of the batch
 * and of its timer; the notification is made after the lock is dropped,
 * so the callback may take the event-channel locks (ranked before
 * LOCK_COALESCE) and may even produce the next event itself. */
#include <proxen/errno.h>
#include <proxen/event_coalesce.h>

static bool limits_valid(unsigned int max_events, s_time_t max_delay)
{
    return max_events >= 1 && max_delay >= 0 && max_delay <= EVENT_COALESCE_MAX_DELAY;
}

/* End the waiting batch: the number of events to notify (0 if none). */
static unsigned int take_batch(struct event_coalescer *c)
{
    unsigned int events = c->pending;

    ASSERT(spin_is_locked_by_me(&c->lock));
    c->pending = 0;
    stop_timer(&c->timer);
    return events;
}

static void notify(struct event_coalescer *c, unsigned int events)
{
    if (events)
        c->notify(c->data, events);
}

/* The timer: the batch it was set for is due.  A batch already taken by
 * its count on another CPU, and a newer one not yet due (its producer
 * set the timer again), are left alone. */
static void deadline_passed(void *data)
{
    struct event_coalescer *c = data;
    unsigned long flags = spin_lock_irqsave(&c->lock);
    unsigned int events = 0;

    if (!c->dead && c->pending && NOW() >= c->first + c->max_delay)
        events = take_batch(c);
    spin_unlock_irqrestore(&c->lock, flags);
    notify(c, events);
}

int event_coalescer_init(struct event_coalescer *c, unsigned int max_events,
                         s_time_t max_delay, event_notify_fn notify_fn, void *data,
                         unsigned int timer_cpu)
{
    if (!limits_valid(max_events, max_delay))
        return -EINVAL;
    *c = (struct event_coalescer){ .notify = notify_fn, .data = data,
                                   .max_events = max_events, .max_delay = max_delay };
    spin_lock_init_ranked(&c->lock, LOCK_COALESCE);
    init_timer(&c->timer, deadline_passed, c, timer_cpu);
    return 0;
}

int event_coalescer_configure(struct event_coalescer *c, unsigned int max_events,
                              s_time_t max_delay)
{
    unsigned long flags;
    unsigned int events;

    if (!limits_valid(max_events, max_delay))
        return -EINVAL;
    ASSERT(!c->dead);
    flags = spin_lock_irqsave(&c->lock);
    events = take_batch(c);
    c->max_events = max_events;
    c->max_delay = max_delay;
    spin_unlock_irqrestore(&c->lock, flags);
    notify(c, events);
    return 0;
}

void event_coalescer_event(struct event_coalescer *c)
{
    unsigned long flags;
    s_time_t now;
    unsigned int events = 0;

    ASSERT(!c->dead);                   /* the caller's bug: no lock needed */
    flags = spin_lock_irqsave(&c->lock);
    now = NOW();
    if (!c->pending++)
        c->first = now;
    /* The deadline is checked here too: a timer interrupt that comes late
     * must not let a later event wait on a batch that is already due. */
    if (c->pending >= c->max_events || now >= c->first + c->max_delay)
        events = take_batch(c);
    else if (c->pending == 1)
        set_timer(&c->timer, c->first + c->max_delay);
    spin_unlock_irqrestore(&c->lock, flags);
    notify(c, events);
}

void event_coalescer_flush(struct event_coalescer *c)
{
    unsigned long flags;
    unsigned int events;

    ASSERT(!c->dead);
    flags = spin_lock_irqsave(&c->lock);
    events = take_batch(c);
    spin_unlock_irqrestore(&c->lock, flags);
    notify(c, events);
}

void event_coalescer_kill(struct event_coalescer *c)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);

    c->dead = true;
    spin_unlock_irqrestore(&c->lock, flags);
    kill_timer(&c->timer);
}
