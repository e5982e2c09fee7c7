/* sched_op and set_timer_op.  Blocking and polling mark the vCPU blocked
 * and return; the scheduler runs something else until there is a reason
 * to run it again: an event for the vCPU (a timer's is VIRQ_TIMER, as on
 * Xen: a guest that has not bound it is not woken by its timer) or a
 * polled port pending (sched.h, schedule.c). */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/sched.h>
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

/* Xen's vcpu_block: blocked first, then look, so that an event sent in
 * between finds the vCPU blocked and unblocks it (sched_vcpu_unblock)
 * rather than being missed.  The vCPU stops on its way out. */
static void block_unless(struct vcpu *v, bool (*done)(struct vcpu *))
{
    atomic_store(&v->blocked, true);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (done(v))
        atomic_store(&v->blocked, false);
    else
        sched_vcpu_update(v);
}

static bool has_events(struct vcpu *v)
{
    return vcpu_has_pending_events(v);
}

/* SCHEDOP_block unmasks events first (Xen's local_event_delivery_enable),
 * then blocks unless one is pending. */
static long block(struct vcpu *v)
{
    evtchn_poll_end(v);          /* an earlier poll woken by another event */
    v->vcpu_info->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    block_unless(v, has_events);
    return 0;
}

/* The timeout of a poll that is still polling ends it. */
static void poll_timeout(void *data)
{
    struct vcpu *v = data;

    if (evtchn_poll_end(v))
        vcpu_wake(v);
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

static bool polled_ports_pending(struct vcpu *v)
{
    return !evtchn_poll_active(v);
}

/* SCHEDOP_poll: block until one of the ports is pending, an unmasked
 * event is, or the timeout (absolute system time, 0 = none) passes.  The
 * vCPU is blocked and marked polling before the ports are looked at, so
 * an event sent meanwhile unblocks it rather than being missed; the call
 * returns 0 when it runs again. */
static long poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    int one = -1;
    long rc;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    atomic_store(&v->blocked, true);
    evtchn_poll_begin(v, -1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    rc = vcpu_has_pending_events(v) ? 1 : scan_ports(v, &p, &one);
    if (rc) {
        evtchn_poll_end(v);
        atomic_store(&v->blocked, false);
        return rc < 0 ? rc : 0;
    }
    atomic_store(&v->evtchn.poll_port, one);
    if (p.timeout) {
        if (!v->evtchn.poll_timer.fn)
            init_timer(&v->evtchn.poll_timer, poll_timeout, v, v->processor);
        set_timer(&v->evtchn.poll_timer, (s_time_t)p.timeout);
    }
    /* Woken between the scan and here: the waker saw it polling. */
    block_unless(v, polled_ports_pending);
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

/* SCHEDOP_remote_shutdown, as Xen: the privileged domain stops another
 * (the toolstack's shutdown and reboot, before xenstore).  Xen looks the
 * domain up before the privilege, and takes the reason as a byte without
 * checking it. */
static long remote_shutdown(struct domain *self, uint64_t arg)
{
    struct sched_remote_shutdown r;
    struct domain *d;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (!(d = get_domain_by_id(r.domain_id)))
        return -ESRCH;
    if (!self->is_privileged) {
        put_domain(d);
        return -EPERM;
    }
    domain_shutdown(d, (uint8_t)r.reason);
    put_domain(d);
    return 0;
}

long do_sched_op(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();

    switch (a[0]) {
    case SCHEDOP_yield:
        sched_yield(v);
        return 0;
    case SCHEDOP_block:
        return block(v);
    case SCHEDOP_poll:
        return poll(v, a[1]);
    case SCHEDOP_shutdown:
        return shutdown(v->domain, a[1], false);
    case SCHEDOP_shutdown_code:
        return shutdown(v->domain, a[1], true);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(v->domain, a[1]);
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
