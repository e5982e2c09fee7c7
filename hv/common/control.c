/* The control interface (public/control.h, docs/control.md): the
 * privileged domain's toolstack asks for machine and domain information,
 * creates and destroys domains, and reads the hypervisor's log.
 *
 * Checked in this order, each failure changing nothing: the argument can
 * be read (-EFAULT), its version (-EACCES), the caller's privilege
 * (-EPERM), then the sub-op's own fields. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/control.h>
#include <proxen/domain.h>
#include <proxen/grant_table.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/runstate.h>
#include <public/control.h>

#define CONTROL_ABI_VERSION ((4u << 16) | 17u)   /* as XENVER_version */
#define READCONSOLE_CHUNK 256

static void physinfo(struct pxctl_physinfo *p)
{
    struct heap_stats hs;

    page_alloc_stats(&hs);
    *p = (struct pxctl_physinfo){
        .nr_cpus = arch_nr_cpus_online(),
        .hv_version = CONTROL_ABI_VERSION,
        .total_pages = hs.total_frames,
        .free_pages = hs.free_frames,
    };
}

static void fill_info(struct domain *d, struct pxctl_domaininfo *i)
{
    *i = (struct pxctl_domaininfo){
        .domain = d->domain_id,
        .max_vcpus = d->max_vcpus,
        .tot_pages = d->tot_pages,
        .max_pages = d->max_pages,
        .shared_info_frame = mfn_x(d->shared_info_mfn),
    };
    bool paused = atomic_load(&d->controller_pause_count) > 0;

    i->flags = (d->is_privileged ? PXDOMF_privileged : 0) |
               (d->state == DOMAIN_RUNNING && !paused ? PXDOMF_running : 0) |
               (d->state == DOMAIN_SHUTDOWN ? PXDOMF_shutdown : 0) |
               (d->state == DOMAIN_CRASHED ? PXDOMF_crashed : 0) |
               (paused ? PXDOMF_paused : 0);
    if (d->state == DOMAIN_SHUTDOWN)
        i->shutdown_reason = d->shutdown_reason;
    strlcpy(i->name, d->name, sizeof(i->name));
    for (unsigned int n = 0; n < d->max_vcpus; n++) {
        struct vcpu *v = d->vcpu[n];
        struct vcpu_runstate_info rs;

        if (!v)
            continue;
        runstate_get(v, &rs);
        i->cpu_time += rs.time[RUNSTATE_running];
        i->online_vcpus += atomic_load(&v->up);
    }
}

struct first_from {
    domid_t from;
    const struct domain *best;
    struct pxctl_domaininfo *info;
};

static void consider(struct domain *d, void *arg)
{
    struct first_from *f = arg;

    if (d->domain_id >= f->from && (!f->best || d->domain_id < f->best->domain_id)) {
        f->best = d;
        fill_info(d, f->info);          /* under domlist_lock: d cannot go */
    }
}

/* The domain with the lowest id >= from (Xen's getdomaininfo rule, so a
 * toolstack lists them by asking from the last id + 1). */
static long getdomaininfo(domid_t from, struct pxctl_domaininfo *info)
{
    struct pxctl_domaininfo best;
    struct first_from f = { from, NULL, &best };

    domain_for_each(consider, &f);
    if (!f.best)
        return -ESRCH;
    *info = best;
    return 0;
}

static long createdomain(struct pxctl_createdomain *c, domid_t *id)
{
    struct domain *d;
    long rc;

    if (c->flags || c->max_vcpus == 0 || c->max_vcpus > MAX_VIRT_CPUS)
        return -EINVAL;
    if (!control_name_ok(c->name))
        return -EINVAL;                  /* unterminated or empty */
    if (c->max_grant_frames > GNTTAB_MAX_FRAMES_LIMIT ||
        c->max_maptrack_frames > GNTTAB_MAX_MAPTRACK_FRAMES_LIMIT)
        return -EINVAL;
    rc = domain_create_guest(c->name, c->max_vcpus, c->max_pages,
                             c->max_grant_frames ?: GNTTAB_DEFAULT_MAX_FRAMES,
                             c->max_maptrack_frames ?: GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES, &d);
    if (!rc)
        *id = d->domain_id;
    return rc;
}


/* Up to size bytes from index on, in chunks; index moves past them. */
static long readconsole(struct pxctl_readconsole *r)
{
    char chunk[READCONSOLE_CHUNK];
    uint32_t done = 0;

    while (done < r->size) {
        uint64_t pos = r->index;
        size_t n = console_ring_read(&pos, chunk, MIN((size_t)(r->size - done), sizeof(chunk)));

        if (!n)
            break;
        if (copy_to_guest(r->buffer + done, chunk, n))
            return -EFAULT;
        r->index = pos;
        done += (uint32_t)n;
    }
    r->size = done;
    return 0;
}

/* A created domain, with a reference: not the caller (-EINVAL), one
 * that exists (-ESRCH), not privileged (-EPERM). */
static struct domain *built_domain(struct domain *self, domid_t id, long *rc)
{
    struct domain *d;

    *rc = -EINVAL;
    if (id == self->domain_id || id == DOMID_SELF)
        return NULL;
    *rc = -ESRCH;
    d = get_domain_by_id(id);
    if (d && d->is_privileged) {
        put_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

/* nr_pages counts down as frames are given: a continued call (-ERESTART)
 * gives what is left. */
static long populate(struct domain *self, domid_t id, struct pxctl_populate *p)
{
    long rc;
    struct domain *d = built_domain(self, id, &rc);

    if (!d)
        return rc;
    rc = domain_populate(d, &p->nr_pages);
    put_domain(d);
    return rc;
}

#define MEMLIST_CHUNK 64

/* Chunk after chunk, in one pass over the list (domain_memlist resumes
 * its walk); when preemption is due, the progress is written into the
 * op (buffer and start past what was written, max less it, done more)
 * and the call is continued.  At the end max says how many in all. */
static long getmemlist(struct domain *self, domid_t id, struct pxctl_getmemlist *m)
{
    uint64_t chunk[MEMLIST_CHUNK], n;
    long rc;
    bool end = false;
    struct domain *d = built_domain(self, id, &rc);

    if (!d)
        return rc;
    rc = 0;
    while (m->max && !end) {
        n = domain_memlist(d, m->start, chunk, MIN(m->max, MEMLIST_CHUNK), &end);
        if (copy_to_guest(m->buffer, chunk, n * sizeof(uint64_t))) {
            rc = -EFAULT;
            break;
        }
        m->buffer += n * sizeof(uint64_t);
        m->start += n;
        m->max -= n;
        m->done += n;
        if (m->max && !end && hypercall_preempt_check()) {
            rc = -ERESTART;
            break;
        }
    }
    put_domain(d);
    if (rc != -ERESTART)
        m->max = m->done;
    return rc;
}

/* Any listed domain, the caller too (by its id), with a reference. */
static struct domain *any_domain(domid_t id, long *rc)
{
    struct domain *d = get_domain_by_id(id);

    *rc = d ? 0 : -ESRCH;
    return d;
}

/* A sub-op on a domain found by one of the lookups above. */
static long on_domain(struct domain *cur, struct proxen_control *op, struct domain *d)
{
    switch (op->cmd) {
    case PXCTL_setvcpucontext:
        return control_setvcpucontext(d, &op->u.vcpucontext);
    case PXCTL_getvcpuinfo:
        return control_getvcpuinfo(d, &op->u.vcpuinfo);
    case PXCTL_setname:
        return control_setname(d, &op->u.setname);
    case PXCTL_setmaxmem:
        return control_setmaxmem(d, &op->u.setmaxmem);
    case PXCTL_setiopriv:
        return control_setiopriv(d, &op->u.setiopriv);
    case PXCTL_ioport_permission:
        return control_ioport_permission(cur, d, &op->u.ioport_permission);
    case PXCTL_pausedomain:
        return control_pausedomain(cur, d);
    case PXCTL_unpausedomain:
        return control_unpausedomain(d);
    case PXCTL_setvcpuaffinity:
        return control_setvcpuaffinity(d, &op->u.vcpuaffinity);
    case PXCTL_getvcpuaffinity:
        return control_getvcpuaffinity(d, &op->u.vcpuaffinity);
    case PXCTL_sched_adjdom:
        return control_sched_adjdom(d, &op->u.sched_adjdom);
    }
    return -ENOSYS;
}

/* What only a domain being built may be given (never the caller, never
 * a privileged domain), and what any domain may be asked or renamed. */
static long domain_op(struct domain *cur, struct proxen_control *op)
{
    bool built = op->cmd == PXCTL_setvcpucontext || op->cmd == PXCTL_setiopriv ||
                 op->cmd == PXCTL_ioport_permission;
    long rc;
    struct domain *d = built ? built_domain(cur, op->domain, &rc) : any_domain(op->domain, &rc);

    if (!d)
        return rc;
    rc = on_domain(cur, op, d);
    put_domain(d);
    return rc;
}

/* Never the caller itself, never a privileged domain.  Its teardown is
 * carried out in steps: -ERESTART continues the call, which then finds
 * the domain among those being torn down (off the list at the first
 * call).  0 once it is over. */
static long destroydomain(struct domain *self, domid_t id)
{
    long rc;
    struct domain *d = built_domain(self, id, &rc);

    if (!d && rc == -ESRCH)
        d = get_dying_domain_by_id(id);
    if (!d)
        return rc;
    rc = domain_destroy_preemptible(d);
    put_domain(d);
    return rc;
}

long control_op(struct vcpu *cur, struct proxen_control *op)
{
    if (op->version != PROXEN_CONTROL_VERSION)
        return -EACCES;
    if (!cur->domain->is_privileged)
        return -EPERM;
    switch (op->cmd) {
    case PXCTL_physinfo:
        physinfo(&op->u.physinfo);
        return 0;
    case PXCTL_getdomaininfo:
        return getdomaininfo(op->domain, &op->u.domaininfo);
    case PXCTL_createdomain:
        return createdomain(&op->u.createdomain, &op->domain);
    case PXCTL_destroydomain:
        return destroydomain(cur->domain, op->domain);
    case PXCTL_readconsole:
        return readconsole(&op->u.readconsole);
    case PXCTL_populate:
        return populate(cur->domain, op->domain, &op->u.populate);
    case PXCTL_getmemlist:
        return getmemlist(cur->domain, op->domain, &op->u.getmemlist);
    case PXCTL_settime:
        return control_settime(&op->u.settime);
    case PXCTL_setvcpucontext:
    case PXCTL_getvcpuinfo:
    case PXCTL_setname:
    case PXCTL_setmaxmem:
    case PXCTL_setiopriv:
    case PXCTL_ioport_permission:
    case PXCTL_pausedomain:
    case PXCTL_unpausedomain:
    case PXCTL_setvcpuaffinity:
    case PXCTL_getvcpuaffinity:
    case PXCTL_sched_adjdom:
        return domain_op(cur->domain, op);
    case PXCTL_sched_id:
        control_sched_id(&op->u.sched_id);
        return 0;
    case PXCTL_sched_control:
        return control_sched_control(&op->u.sched_control);
    }
    return -ENOSYS;
}

long do_control(const uint64_t a[6])
{
    struct proxen_control op;
    long rc;

    if (copy_from_guest(&op, a[0], sizeof(op)))
        return -EFAULT;
    rc = control_op(current_vcpu(), &op);
    if ((!rc || rc == -ERESTART) && copy_to_guest(a[0], &op, sizeof(op)))
        rc = -EFAULT;
    /* The progress is in the op (or, for a teardown, in the domain): the
     * same call again carries on. */
    if (rc == -ERESTART)
        return hypercall_create_continuation(__HYPERVISOR_control, 1, a);
    return rc;
}
