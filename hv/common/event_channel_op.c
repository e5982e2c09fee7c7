/* event_channel_op and its old single-argument form: the guest's
 * arguments copied in, the operation (event_channel.c) run, its results
 * copied back.  As on Xen, a result that cannot be written back leaves
 * the operation done and returns -EFAULT. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/event_channel.h>

/* In, run, and (on success) out, for the ops with results. */
#define IN_OUT(type, call)                                          \
    do {                                                            \
        struct type x;                                              \
        long rc;                                                    \
                                                                    \
        if (copy_from_guest(&x, arg, sizeof(x)))                    \
            return -EFAULT;                                         \
        rc = call;                                                  \
        if (!rc && copy_to_guest(arg, &x, sizeof(x)))               \
            rc = -EFAULT;                                           \
        return rc;                                                  \
    } while (0)

#define IN(type, call)                                              \
    do {                                                            \
        struct type x;                                              \
                                                                    \
        if (copy_from_guest(&x, arg, sizeof(x)))                    \
            return -EFAULT;                                         \
        return call;                                                \
    } while (0)

/* A reset stopped by preemption goes on as reset_cont, as on Xen. */
static long reset(struct vcpu *v, bool resuming, uint64_t arg)
{
    struct evtchn_reset x;
    long rc;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    rc = evtchn_reset(v, x.dom, resuming);
    if (rc == -ERESTART)
        rc = hypercall_create_continuation(__HYPERVISOR_event_channel_op, 2,
                                           (const uint64_t[6]){ EVTCHNOP_reset_cont, arg });
    return rc;
}

static long event_channel_op(unsigned int cmd, uint64_t arg)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        IN_OUT(evtchn_alloc_unbound, evtchn_alloc_unbound(v, &x));
    case EVTCHNOP_bind_interdomain:
        IN_OUT(evtchn_bind_interdomain, evtchn_bind_interdomain(v, &x));
    case EVTCHNOP_bind_virq:
        IN_OUT(evtchn_bind_virq, evtchn_bind_virq(v, &x));
    case EVTCHNOP_bind_ipi:
        IN_OUT(evtchn_bind_ipi, evtchn_bind_ipi(v, &x));
    case EVTCHNOP_status:
        IN_OUT(evtchn_status, evtchn_status(v, &x));
    case EVTCHNOP_bind_pirq:
        IN_OUT(evtchn_bind_pirq, evtchn_bind_pirq(&x));
    case EVTCHNOP_init_control:
        IN_OUT(evtchn_init_control, evtchn_init_control(v, &x));
    case EVTCHNOP_close:
        IN(evtchn_close, evtchn_close(d, x.port));
    case EVTCHNOP_send:
        IN(evtchn_send, evtchn_send(d, x.port));
    case EVTCHNOP_bind_vcpu:
        IN(evtchn_bind_vcpu, evtchn_bind_vcpu(d, x.port, x.vcpu));
    case EVTCHNOP_unmask:
        IN(evtchn_unmask, evtchn_unmask(d, x.port));
    case EVTCHNOP_reset:
    case EVTCHNOP_reset_cont:   /* Xen's continuation of reset, open to guests */
        return reset(v, cmd == EVTCHNOP_reset_cont, arg);
    case EVTCHNOP_set_priority:
        IN(evtchn_set_priority, evtchn_set_priority(d, x.port));
    case EVTCHNOP_expand_array:
        /* Only after a successful init_control, which never happens. */
        IN(evtchn_expand_array, ((void)x, -EOPNOTSUPP));
    }
    return -ENOSYS;
}

/* The command is an int in Xen's prototype: the upper half is ignored. */
long do_event_channel_op(const uint64_t a[6])
{
    return event_channel_op((unsigned int)a[0], a[1]);
}

/* struct evtchn_op: the command, then the op's own struct (commands up
 * to unmask only, as on Xen). */
long do_event_channel_op_compat(const uint64_t a[6])
{
    uint32_t cmd;

    if (copy_from_guest(&cmd, a[0], sizeof(cmd)))
        return -EFAULT;
    if (cmd > EVTCHNOP_unmask)
        return -ENOSYS;
    return event_channel_op(cmd, a[0] + offsetof(struct evtchn_op, u));
}
