/* Coalesced VIRQs (event_coalesce.h): a hypervisor back end that tells a
 * domain about new data through a global VIRQ does it once per batch of
 * events.  The VIRQ is sent without the coalescer's lock, from the
 * producer's CPU or the coalescer's timer interrupt; the event-channel
 * code takes the domain's event lock with interrupts off, as for any
 * VIRQ sent from a timer. */
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/event_coalesce.h>

static void send_virq(void *data, unsigned int events)
{
    struct virq_coalescer *vc = data;

    (void)events;               /* one VIRQ says "look": the count is not the guest's */
    send_guest_global_virq(vc->domain, vc->virq);
}

int virq_coalescer_init(struct virq_coalescer *vc, struct domain *d, unsigned int virq,
                        unsigned int max_events, s_time_t max_delay, unsigned int timer_cpu)
{
    int rc;

    if (virq >= NR_VIRQS || !virq_is_global(virq))
        return -EINVAL;
    rc = event_coalescer_init(&vc->coalescer, max_events, max_delay, send_virq, vc, timer_cpu);
    if (rc)
        return rc;
    vc->domain = d;
    vc->virq = virq;
    return 0;
}
