/* The periodic timer of a vCPU, as Xen runs it (periodic_timer.h).  The
 * timer lives on the vCPU's CPU (set from another, that CPU is kicked to
 * program it: timer.c). */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/periodic_timer.h>
#include <public/xen.h>

/* Xen's vcpu_periodic_timer_work: the event if the period is over (from
 * the last one, so a late one does not make the next early), then the
 * timer for the next. */
static void work(struct vcpu *v)
{
    struct vcpu_periodic *p = &v->periodic;
    s_time_t now = NOW(), next = p->last_event + p->period;

    ASSERT(spin_is_locked_by_me(&p->lock));
    if (now >= next) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        p->last_event = now;
        next = now + p->period;
    }
    set_timer(&p->timer, next);
}

static void fired(void *data)
{
    struct vcpu *v = data;
    unsigned long flags = spin_lock_irqsave(&v->periodic.lock);

    if (v->periodic.period)
        work(v);
    spin_unlock_irqrestore(&v->periodic.lock, flags);
}

void periodic_timer_init(struct vcpu *v)
{
    struct vcpu_periodic *p = &v->periodic;

    spin_lock_init_ranked(&p->lock, LOCK_PERIODIC);
    p->period = PERIODIC_DEFAULT_NS;
    p->last_event = 0;
    init_timer(&p->timer, fired, v, v->processor);
}

/* As on Xen, a new period starts counting from the last event and is
 * armed at once, whether or not the vCPU runs (a down vCPU's events stay
 * pending; a blocked one is woken by the first). */
void periodic_timer_set(struct vcpu *v, s_time_t period_ns)
{
    struct vcpu_periodic *p = &v->periodic;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    stop_timer(&p->timer);
    p->period = (s_time_t)period_ns;
    if (p->period)
        work(v);
    spin_unlock_irqrestore(&p->lock, flags);
}

void periodic_timer_resume(struct vcpu *v)
{
    struct vcpu_periodic *p = &v->periodic;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    if (p->period)
        work(v);
    spin_unlock_irqrestore(&p->lock, flags);
}

void periodic_timer_pause(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&v->periodic.lock);

    stop_timer(&v->periodic.timer);
    spin_unlock_irqrestore(&v->periodic.lock, flags);
}
