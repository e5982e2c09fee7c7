/* sched_op and set_timer_op.  With one vCPU per physical CPU (no
 * scheduler yet), blocking halts the CPU in place until the vCPU's timer
 * fires or an event is pending. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/sched.h>
#include <public/xen.h>

static void singleshot_fired(void *data)
{
    struct vcpu *v = data;

    v->timer_fired = true;
}

void vcpu_set_singleshot(struct vcpu *v, s_time_t deadline)
{
    if (!v->singleshot_timer.fn)
        init_timer(&v->singleshot_timer, singleshot_fired, v, v->processor);
    v->timer_fired = false;
    if (deadline)
        set_timer(&v->singleshot_timer, deadline);
    else
        stop_timer(&v->singleshot_timer);
}

static bool wake_condition(struct vcpu *v)
{
    return v->timer_fired || v->vcpu_info->evtchn_upcall_pending || !v->up ||
           v->domain->state != DOMAIN_RUNNING;
}

/* SCHEDOP_block unmasks events first (a guest blocks with events off
 * only by mistake), then sleeps until there is a reason to run. */
static long block(struct vcpu *v)
{
    unsigned long flags;

    v->vcpu_info->evtchn_upcall_mask = 0;
    v->blocked = true;
    preempt_stretch_end();       /* sleeping holds the CPU for nobody */
    flags = arch_irq_save();
    while (!wake_condition(v)) {
        arch_wait_for_interrupt();
        arch_irq_disable();
    }
    arch_irq_restore(flags);
    preempt_stretch_begin(__HYPERVISOR_sched_op);
    v->blocked = false;
    v->timer_fired = false;
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

long do_set_timer_op(const uint64_t a[6])
{
    vcpu_set_singleshot(current_vcpu(), (s_time_t)a[0]);
    return 0;
}
