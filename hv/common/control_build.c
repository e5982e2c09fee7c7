/* The control interface's sub-ops for building and running domains
 * (public/control.h, docs/control.md): a vCPU's first context and what
 * the toolstack learns of a vCPU, a domain's name and memory limit, the
 * wall clock, and I/O privileges.  control.c has checked the version and
 * the caller's privilege; each sub-op checks its own fields, and a
 * refusal changes nothing. */
#include <arch/arch.h>
#include <proxen/control.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/runstate.h>
#include <proxen/sched.h>
#include <proxen/wallclock.h>
#include <public/control.h>

#define NSEC_PER_SEC 1000000000u

/* d's vCPU number n, or NULL (-EINVAL, as Xen's domctl). */
static struct vcpu *vcpu_of(struct domain *d, uint32_t n)
{
    return n < d->max_vcpus ? d->vcpu[n] : NULL;
}

/* Only while the vCPU has no context: its domain is being built, or the
 * vCPU was never brought up (-EEXIST otherwise, VCPUOP_initialise's
 * answer).  Not the caller's own domain (control_built_domain).  On
 * success the vCPU is up if the context says VGCF_online. */
long control_setvcpucontext(struct domain *d, const struct pxctl_vcpucontext *c)
{
    struct vcpu *v = vcpu_of(d, c->vcpu);
    int none = VCPU_CONTEXT_NONE;
    bool online = false;
    long rc;

    if (!v)
        return -EINVAL;
    if (!atomic_compare_exchange_strong(&v->context, &none, VCPU_CONTEXT_LOADING))
        return -EEXIST;
    rc = arch_vcpu_set_context(v, c->ctxt, &online);
    v->context = rc ? VCPU_CONTEXT_NONE : VCPU_CONTEXT_READY;
    if (!rc && online) {            /* as VCPUOP_up */
        atomic_store(&v->up, true);
        runstate_wake(v);
        sched_vcpu_update(v);
    }
    return rc;
}

long control_getvcpuinfo(struct domain *d, struct pxctl_vcpuinfo *i)
{
    struct vcpu *v = vcpu_of(d, i->vcpu);
    struct vcpu_runstate_info rs;

    if (!v)
        return -EINVAL;
    runstate_get(v, &rs);
    i->flags = (v->up ? PXVCPUF_online : 0) | (v->blocked ? PXVCPUF_blocked : 0) |
               (rs.state == RUNSTATE_running ? PXVCPUF_running : 0) |
               (v->context == VCPU_CONTEXT_READY ? PXVCPUF_initialised : 0);
    i->cpu = v->processor;
    i->_pad0 = 0;
    i->cpu_time = rs.time[RUNSTATE_running];
    return 0;
}

/* The same rule as createdomain's: terminated within 32 bytes, not
 * empty.  Names need not be unique (the toolstack's business). */
bool control_name_ok(const char name[PXCTL_NAME_LEN])
{
    return strnlen(name, PXCTL_NAME_LEN) < PXCTL_NAME_LEN && name[0];
}

long control_setname(struct domain *d, const struct pxctl_setname *n)
{
    if (!control_name_ok(n->name))
        return -EINVAL;
    domain_set_name(d, n->name);
    return 0;
}

/* Any limit, as Xen: below what the domain has, it gets nothing more
 * until it has given enough back. */
long control_setmaxmem(struct domain *d, const struct pxctl_setmaxmem *m)
{
    domain_set_max_pages(d, m->max_pages);
    return 0;
}

long control_settime(const struct pxctl_settime *t)
{
    if (t->_pad0 || t->nsecs >= NSEC_PER_SEC)
        return -EINVAL;
    wallclock_set(t->secs, t->nsecs, t->system_time);
    return 0;
}

/* Never the privileged domain's own (it has every one already). */
long control_setiopriv(struct domain *d, const struct pxctl_setiopriv *p)
{
    if (p->_pad0 || p->enable > 1)
        return -EINVAL;
    arch_set_io_privilege(d, p->enable);
    return 0;
}

/* Xen's rule: a range of 1..65536 ports inside 0..0xffff, only of ports
 * the caller may use itself (-EPERM: the hypervisor's own). */
long control_ioport_permission(struct domain *caller, struct domain *d,
                               const struct pxctl_ioport_permission *p)
{
    uint32_t last = p->first_port + p->nr_ports - 1;

    if (p->_pad0 || p->allow > 1 || !p->nr_ports || last < p->first_port || last > 0xffff)
        return -EINVAL;
    if (!arch_ioports_permitted(caller, p->first_port, last))
        return -EPERM;
    return arch_ioports_set(d, p->first_port, last, p->allow);
}
