/* The control interface's scheduling sub-ops (public/control.h,
 * docs/control.md): pausing and unpausing a domain (the first unpause of
 * a created domain starts it), a vCPU's affinity, and the scheduling
 * policy: its id, its per-domain parameters (adjdom) and its own settings.
 * control.c has checked the version and the caller's privilege and found
 * the domain; each sub-op checks its own fields, and a refusal changes
 * nothing. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/control.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/lib.h>
#include <proxen/sched.h>
#include <public/control.h>

/* As Xen's XEN_DOMCTL_pausedomain: never the caller's own domain (its
 * vCPU would wait for itself to stop). */
long control_pausedomain(struct domain *caller, struct domain *d)
{
    if (d == caller)
        return -EINVAL;
    return domain_pause_by_controller(d);
}

long control_unpausedomain(struct domain *d)
{
    return domain_unpause_by_controller(d);
}

/* The vCPU named, or NULL: -EINVAL past max_vcpus, as Xen's domctl. */
static struct vcpu *vcpu_named(struct domain *d, uint32_t n)
{
    return n < d->max_vcpus ? d->vcpu[n] : NULL;
}

long control_setvcpuaffinity(struct domain *d, const struct pxctl_vcpuaffinity *a)
{
    struct vcpu *v = vcpu_named(d, a->vcpu);

    if (!v || a->_pad0)
        return -EINVAL;
    return sched_set_affinity(v, a->cpumap);
}

long control_getvcpuaffinity(struct domain *d, struct pxctl_vcpuaffinity *a)
{
    struct vcpu *v = vcpu_named(d, a->vcpu);

    if (!v || a->_pad0)
        return -EINVAL;
    a->cpumap = atomic_load(&v->affinity) & sched_cpus_online();
    return 0;
}

void control_sched_id(struct pxctl_sched_id *s)
{
    *s = (struct pxctl_sched_id){ .sched_id = sched->sched_id };
    strlcpy(s->name, sched->opt_name, sizeof(s->name));
}

/* The parameters' meaning is the policy's (docs/scheduler.md). */
long control_sched_adjdom(struct domain *d, struct pxctl_sched_adjdom *a)
{
    struct sched_adjdom op = { .set = a->set != 0 };
    int rc;

    if (a->set > 1 || a->_pad0)
        return -EINVAL;
    for (unsigned int i = 0; i < 4; i++)
        op.params[i] = a->params[i];
    rc = sched->adjdom ? sched->adjdom(d, &op) : -ENOSYS;
    if (!rc)
        for (unsigned int i = 0; i < 4; i++)
            a->params[i] = op.params[i];
    return rc;
}

long control_sched_control(struct pxctl_sched_control *c)
{
    if (c->set > 1 || c->_pad0)
        return -EINVAL;
    return sched->control ? sched->control(c->set != 0, &c->param) : -ENOSYS;
}
