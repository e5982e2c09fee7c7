/* sched_op and set_timer_op.  With one vCPU per physical CPU (no
 * scheduler yet), blocking and polling halt the CPU in place until there
 * is a reason to run: an event for the vCPU (a timer's is VIRQ_TIMER, as
 * on Xen: a guest that has not bound it is not woken by its timer), a
 * polled port pending, or the vCPU or domain stopped. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/vcpu_switch.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

/* Xen's limit on one poll's port list. */
#define POLL_MAX_PORTS 128

static void singleshot_fired(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

void vcpu_set_singleshot(struct vcpu *v, s_time_t deadline)
{
    if (!v->singleshot_timer.fn)
        init_timer(&v->singleshot_timer, singleshot_fired, v, v->processor);
    if (deadline)
        set_timer(&v->singleshot_timer, deadline);
    else
        stop_timer(&v->singleshot_timer);
}

static bool must_run(struct vcpu *v)
{
    return !v->up || v->domain->state != DOMAIN_RUNNING;
}

/* Halt until cond(v) or the vCPU must run; wake-ups are IPIs (vcpu_wake)
 * or this CPU's own interrupts, so the check is made with interrupts off
 * and the halt enables them atomically. */
static void sleep_until(struct vcpu *v, bool (*cond)(struct vcpu *))
{
    unsigned long flags;

    v->blocked = true;
    vcpu_switch_out(v, RUNSTATE_blocked);
    preempt_stretch_end();       /* sleeping holds the CPU for nobody */
    flags = arch_irq_save();
    while (!cond(v) && !must_run(v)) {
        arch_wait_for_interrupt();
        arch_irq_disable();
    }
    arch_irq_restore(flags);
    preempt_stretch_begin(__HYPERVISOR_sched_op);
    v->blocked = false;
    vcpu_switch_in(v);
}

static bool has_events(struct vcpu *v)
{
    return vcpu_has_pending_events(v);
}

/* SCHEDOP_block unmasks events first (Xen's local_event_delivery_enable),
 * then sleeps until one is pending. */
static long block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    sleep_until(v, has_events);
    return 0;
}

static bool poll_done(struct vcpu *v)
{
    return !evtchn_poll_active(v) || vcpu_has_pending_events(v);
}

static void poll_timeout(void *data)
{
    struct vcpu *v = data;

    evtchn_poll_end(v);
}

/* Is one of the listed ports pending?  1 yes, 0 no, or Xen's errno for
 * a list it cannot read or a port past the 2-level range.  *one gets the
 * port when the list has exactly one. */
static long scan_ports(struct vcpu *v, const struct sched_poll *p, int *one)
{
    for (unsigned int i = 0; i < p->nr_ports; i++) {
        evtchn_port_t port;

        if (copy_from_guest(&port, p->ports + (uint64_t)i * sizeof(port), sizeof(port)))
            return -EFAULT;
        if (port >= EVTCHN_2L_NR_CHANNELS)
            return -EINVAL;
        if (evtchn_port_is_pending(v->domain, port))
            return 1;
        *one = (int)port;
    }
    if (p->nr_ports != 1)
        *one = -1;
    return 0;
}

/* SCHEDOP_poll: sleep until one of the ports is pending, an unmasked
 * event is, or the timeout (absolute system time, 0 = none) passes.  The
 * vCPU is marked polling before the ports are looked at, so an event
 * sent meanwhile wakes it rather than being missed. */
static long poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    int one = -1;
    long rc;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    evtchn_poll_begin(v, -1);
    rc = vcpu_has_pending_events(v) ? 1 : scan_ports(v, &p, &one);
    if (rc) {
        evtchn_poll_end(v);
        return rc < 0 ? rc : 0;
    }
    atomic_store(&v->evtchn.poll_port, one);
    if (p.timeout) {
        if (!v->evtchn.poll_timer.fn)
            init_timer(&v->evtchn.poll_timer, poll_timeout, v, v->processor);
        set_timer(&v->evtchn.poll_timer, (s_time_t)p.timeout);
    }
    sleep_until(v, poll_done);
    if (p.timeout)
        stop_timer(&v->evtchn.poll_timer);
    evtchn_poll_end(v);
    return 0;
}

static long shutdown(struct domain *d, uint64_t arg, bool code_only)
{
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    if (code_only) {
        d->shutdown_reason = s.reason;
        return 0;
    }
    domain_shutdown(d, s.reason);
    return 0;
}

long do_sched_op(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();

    switch (a[0]) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        return block(v);
    case SCHEDOP_poll:
        return poll(v, a[1]);
    case SCHEDOP_shutdown:
        return shutdown(v->domain, a[1], false);
    case SCHEDOP_shutdown_code:
        return shutdown(v->domain, a[1], true);
    }
    return -ENOSYS;
}

/* The old form takes the shutdown reason as the argument itself. */
long do_sched_op_compat(const uint64_t a[6])
{
    if (a[0] != SCHEDOP_shutdown)
        return do_sched_op(a);
    if (a[1] > SHUTDOWN_MAX)
        return -EINVAL;
    domain_shutdown(current_vcpu()->domain, (unsigned int)a[1]);
    return 0;
}

/* A deadline that wrapped negative or lies more than 2^50 ns (about 13
 * days) ahead is taken, as by Xen, to be a guest's wrapped jiffies or
 * "no timer needed": the event comes in 100 ms, neither at once (a busy
 * loop for old guests) nor never. */
#define HUGE_TIMEOUT_SHIFT 50
#define HUGE_TIMEOUT_DELAY MILLISECS(100)

long do_set_timer_op(const uint64_t a[6])
{
    s_time_t deadline = (s_time_t)a[0], now = NOW();

    if (deadline < 0 || (deadline > now && ((deadline - now) >> HUGE_TIMEOUT_SHIFT) != 0))
        deadline = now + HUGE_TIMEOUT_DELAY;
    vcpu_set_singleshot(current_vcpu(), deadline);
    return 0;
}
