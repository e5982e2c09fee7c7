/* Software timers on the hypervisor's one-shot timer (timers.h). */
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <timers.h>
#include <xenbus.h>
#include <vcpu_info.h>

static struct timer *queue;             /* sorted by deadline */

/* The hypervisor timer follows the earliest deadline.  With no timer
 * queued it is left alone, never cancelled: code that sets the one-shot
 * timer directly (tests, the fuzzer) keeps its deadline, and an event
 * that finds the queue empty costs one handler call. */
static void rearm(void)
{
    if (queue)
        hypercall_set_timer_op(queue->deadline);
}

static void unlink(struct timer *t)
{
    for (struct timer **p = &queue; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->pending = false;
}

void timer_add(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t))
{
    bool were = events_save_disable();
    struct timer **p = &queue;

    if (t->pending)
        unlink(t);
    t->deadline = deadline ? deadline : 1;
    t->fn = fn;
    while (*p && (*p)->deadline <= t->deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->pending = true;
    if (queue == t)
        rearm();
    events_restore(were);
}

bool timer_del(struct timer *t)
{
    bool were = events_save_disable(), was = t->pending;

    if (was) {
        bool first = queue == t;

        unlink(t);
        if (first)
            rearm();
    }
    events_restore(were);
    return was;
}

void timers_run(void)
{
    uint64_t now = system_time_ns();

    while (queue && queue->deadline <= now) {
        struct timer *t = queue;

        queue = t->next;
        t->pending = false;
        t->fn(t);
        now = system_time_ns();
    }
    rearm();
}

static void woke(struct timer *t)
{
    (void)t;
}

void sleep_until(uint64_t deadline_ns)
{
    struct timer t = { 0 };

    timer_add(&t, deadline_ns, woke);
    while (t.pending) {
        hypercall_sched_op(SCHEDOP_block, NULL);
        vcpu_info_of(0)->evtchn_upcall_mask = 1;
        xenbus_run();                   /* watch callbacks: thread context */
    }
    timer_del(&t);
}
