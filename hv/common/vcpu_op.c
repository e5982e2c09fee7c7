/* vcpu_op: per-vCPU operations.  A domain's other vCPUs start down and
 * without a context; the guest gives one (VCPUOP_initialise, once) and
 * brings them up and down as Xen guests do.  Until a scheduler exists,
 * vCPU n runs on CPU n.  Other sub-ops are -ENOSYS. */
#include <stdatomic.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/periodic_timer.h>
#include <proxen/runstate.h>
#include <proxen/sched.h>
#include <proxen/vcpu_info.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

/* As Xen 4.17.3 and later (the Xen 4.17 of Debian 12) do: a deadline
 * already past raises VIRQ_TIMER at once, VCPU_SSHOTTMR_future or not
 * (the flag's -ETIME made older Linux give up its timer). */
static long singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if (copy_from_guest(&t, arg, sizeof(t)))
        return -EFAULT;
    if (t.timeout_abs_ns < (uint64_t)NOW()) {
        vcpu_set_singleshot(v, 0);
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        return 0;
    }
    vcpu_set_singleshot(v, (s_time_t)t.timeout_abs_ns);
    return 0;
}

/* Any vCPU of the domain, as on Xen; 1 ms up to STIME_DELTA_MAX. */
static long set_periodic(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer p = { 0 };

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.period_ns < (uint64_t)PERIODIC_MIN_NS || p.period_ns > (uint64_t)STIME_DELTA_MAX)
        return -EINVAL;
    periodic_timer_set(v, (s_time_t)p.period_ns);
    return 0;
}

/* Once only: a vCPU with a context keeps it (-EEXIST), as on Xen.  The
 * claim is atomic: two vCPUs initialising a third cannot both do it. */
static long initialise(struct vcpu *v, uint64_t arg)
{
    int none = VCPU_CONTEXT_NONE;
    long rc;

    if (!atomic_compare_exchange_strong(&v->context, &none, VCPU_CONTEXT_LOADING))
        return -EEXIST;
    rc = arch_vcpu_initialise(v, arg);
    v->context = rc ? VCPU_CONTEXT_NONE : VCPU_CONTEXT_READY;
    return rc;
}

static long get_runstate(struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info r;

    runstate_get(v, &r);
    return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static long register_runstate(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area = { 0 };

    if (copy_from_guest(&area, arg, sizeof(area)))
        return -EFAULT;
    return runstate_register_area(v, area.addr);
}

static long register_time_area(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_time_memory_area area = { 0 };

    if (copy_from_guest(&area, arg, sizeof(area)))
        return -EFAULT;
    return arch_vcpu_register_time_area(v, area.addr);
}

static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info r = { 0 };

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    return vcpu_info_register(v, r.mfn, r.offset);
}

static long up(struct vcpu *v)
{
    if (v->context != VCPU_CONTEXT_READY)
        return -EINVAL;
    atomic_store(&v->up, true);
    runstate_wake(v);
    sched_vcpu_update(v);
    return 0;
}

/* Whether no vCPU of d other than v is up.  Xen's rule: the last vCPU
 * to go down takes the domain with it (shut down, reason poweroff),
 * rather than leaving it with nothing that runs. */
static bool last_up(const struct domain *d, const struct vcpu *v)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i] != v && d->vcpu[i]->up)
            return false;
    return true;
}

long do_vcpu_op(const uint64_t a[6])
{
    struct vcpu *self = current_vcpu();
    struct domain *d = self->domain;
    uint64_t id = a[1];
    struct vcpu *v;

    if (id >= d->max_vcpus || !(v = d->vcpu[id]))
        return -ENOENT;
    switch (a[0]) {
    case VCPUOP_initialise: {
        long rc = initialise(v, a[2]);

        /* Validating its page tables stopped half-way: call again (the
         * partial tables resume), never -ERESTART to the guest. */
        return rc == -ERESTART ? hypercall_create_continuation(__HYPERVISOR_vcpu_op, 3, a)
                               : rc;
    }
    case VCPUOP_up:
        return up(v);
    case VCPUOP_down:
        if (last_up(d, v)) {
            domain_shutdown(d, SHUTDOWN_poweroff);
            return 0;
        }
        /* Down from its next way out (itself: this call returns 0 when
         * it is brought up again). */
        atomic_store(&v->up, false);
        sched_vcpu_update(v);
        return 0;
    case VCPUOP_is_up:
        return v->up;
    case VCPUOP_get_runstate_info:
        return get_runstate(v, a[2]);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, a[2]);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, a[2]);
    case VCPUOP_register_vcpu_time_memory_area:
        return register_time_area(v, a[2]);
    case VCPUOP_set_periodic_timer:
        return set_periodic(v, a[2]);
    case VCPUOP_stop_periodic_timer:
        periodic_timer_set(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer:
        return v == self ? singleshot(v, a[2]) : -EINVAL;
    case VCPUOP_stop_singleshot_timer:
        if (v != self)
            return -EINVAL;
        vcpu_set_singleshot(v, 0);
        return 0;
    }
    return -ENOSYS;
}
