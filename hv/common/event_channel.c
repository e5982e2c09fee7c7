/* Event channels: ports, their bindings, and raising events on them
 * (event.h has the model and the locking). */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include <proxen/xmalloc.h>
#include <public/xen.h>

static DEFINE_SPINLOCK_RANKED(link_lock, LOCK_EVTCHN_LINK);

/* The FIFO ABI's per-vCPU control block: ready word, padding, 16 heads. */
#define FIFO_CONTROL_BLOCK_SIZE 72

#define WORD(port) ((port) / 64)
#define BIT(port) (1ULL << ((port) % 64))

static bool test_and_set(uint64_t *w, uint64_t bit)
{
    return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static bool test_and_clear(uint64_t *w, uint64_t bit)
{
    return __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit;
}

static bool test(const uint64_t *w, uint64_t bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & bit;
}

bool virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

static bool port_is_valid(const struct domain *d, evtchn_port_t port)
{
    return port < d->evtchn.valid_ports;
}

static struct evtchn *chn_of(const struct domain *d, evtchn_port_t port)
{
    ASSERT(port_is_valid(d, port));
    return &d->evtchn.bucket[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

static struct vcpu *vcpu_of(const struct domain *d, uint32_t id)
{
    return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

static unsigned long lock(struct domain *d)
{
    return spin_lock_irqsave(&d->evtchn.lock);
}

static void unlock(struct domain *d, unsigned long flags)
{
    spin_unlock_irqrestore(&d->evtchn.lock, flags);
}

/* d's lock taken and port's record; NULL, with the lock not held, for a
 * port past the valid ones (every operation on one port starts here). */
static struct evtchn *lock_port(struct domain *d, evtchn_port_t port, unsigned long *flags)
{
    *flags = lock(d);
    if (port_is_valid(d, port))
        return chn_of(d, port);
    unlock(d, *flags);
    return NULL;
}

/* The lowest free port, a new bucket if all are taken (Xen's order and
 * errors: -ENOSPC past the 2-level range, -EINVAL once dying). */
static long get_free_port(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;
    struct evtchn *b;

    ASSERT(spin_is_locked_by_me(&e->lock));
    if (e->dying)
        return -EINVAL;
    for (evtchn_port_t p = 0; p < e->valid_ports; p++)
        if (chn_of(d, p)->state == ECS_FREE)
            return p;
    if (e->valid_ports >= EVTCHN_2L_NR_CHANNELS)
        return -ENOSPC;
    b = xzalloc(EVTCHNS_PER_BUCKET * sizeof(*b));
    if (!b)
        return -ENOMEM;
    e->bucket[e->valid_ports / EVTCHNS_PER_BUCKET] = b;
    e->valid_ports += EVTCHNS_PER_BUCKET;
    return e->valid_ports - EVTCHNS_PER_BUCKET;
}

int evtchn_domain_init(struct domain *d)
{
    unsigned long flags;
    long port;

    spin_lock_init_ranked(&d->evtchn.lock, LOCK_EVENT);
    flags = lock(d);
    port = get_free_port(d);
    if (port == 0)
        chn_of(d, 0)->state = ECS_RESERVED;
    unlock(d, flags);
    return port == 0 ? 0 : -ENOMEM;
}

/* --- raising events ------------------------------------------------------ */

void vcpu_wake(struct vcpu *v)
{
    sched_vcpu_unblock(v);
}

bool vcpu_has_pending_events(const struct vcpu *v)
{
    const volatile struct vcpu_info *vi = v->vcpu_info;

    return vi && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}

bool evtchn_port_is_pending(const struct domain *d, evtchn_port_t port)
{
    return port < EVTCHN_2L_NR_CHANNELS &&
           test(&d->shared_info->evtchn_pending[WORD(port)], BIT(port));
}

static void mark_events_pending(struct vcpu *v)
{
    if (!__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        vcpu_wake(v);
}

/* A vCPU polling for this port (or any) stops polling and runs. */
static void wake_pollers(struct domain *d, evtchn_port_t port)
{
    uint32_t mask = atomic_load(&d->evtchn.poll_mask);

    while (mask) {
        unsigned int id = (unsigned int)__builtin_ctz(mask);
        struct vcpu *v = d->vcpu[id];
        int want = atomic_load(&v->evtchn.poll_port);

        mask &= mask - 1;
        if ((want <= 0 || (evtchn_port_t)want == port) &&
            (atomic_fetch_and(&d->evtchn.poll_mask, ~(1u << id)) & (1u << id)))
            vcpu_wake(v);
    }
}

/* The 2-level rule: a newly pending, unmasked port sets its word in the
 * notified vCPU's selector and, if that is news, the upcall flag. */
static void set_pending(struct domain *d, const struct evtchn *chn, evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v = vcpu_of(d, chn->notify_vcpu);

    if (!v || !v->vcpu_info)
        return;
    if (test_and_set(&s->evtchn_pending[WORD(port)], BIT(port)))
        return;
    if (!test(&s->evtchn_mask[WORD(port)], BIT(port)) &&
        !test_and_set(&v->vcpu_info->evtchn_pending_sel, 1ULL << WORD(port)))
        mark_events_pending(v);
    wake_pollers(d, port);
}

static void send_virq_port(struct domain *d, evtchn_port_t port)
{
    if (port && port_is_valid(d, port))
        set_pending(d, chn_of(d, port), port);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned long flags;

    ASSERT(virq < NR_VIRQS && !virq_is_global(virq));
    flags = lock(d);
    send_virq_port(d, v->evtchn.virq_port[virq]);
    unlock(d, flags);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    unsigned long flags;

    ASSERT(virq < NR_VIRQS && virq_is_global(virq));
    if (!d || !d->vcpu[0])
        return;
    flags = lock(d);
    send_virq_port(d, d->vcpu[0]->evtchn.virq_port[virq]);
    unlock(d, flags);
}

/* The initial domain reads the hypervisor's log: tell it there is more. */
void console_ring_notify_slow(void)
{
    struct domain *d;

    if (atomic_exchange(&console_ring_news, false) && (d = get_domain_by_id(0))) {
        send_guest_global_virq(d, VIRQ_CON_RING);
        put_domain(d);
    }
}

long evtchn_send(struct domain *d, evtchn_port_t port)
{
    unsigned long flags;
    struct evtchn *chn = lock_port(d, port, &flags);
    long rc = 0;

    if (!chn)
        return -EINVAL;
    switch (chn->state) {
    case ECS_INTERDOMAIN: {
        /* The far end cannot go away while this end is linked to it
         * (unlinking takes this domain's lock); its record is read
         * without its lock, as only the notified vCPU may change. */
        struct domain *rd = chn->u.interdomain.dom;
        evtchn_port_t rport = chn->u.interdomain.port;

        set_pending(rd, chn_of(rd, rport), rport);
        break;
    }
    case ECS_IPI:
        set_pending(d, chn, port);
        break;
    case ECS_UNBOUND:
        break;                           /* nobody listens: dropped, as on Xen */
    default:
        rc = -EINVAL;
    }
    unlock(d, flags);
    return rc;
}

long evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    unsigned long flags;
    struct shared_info *s = d->shared_info;
    struct evtchn *chn = lock_port(d, port, &flags);
    struct vcpu *v;

    if (!chn)
        return -EINVAL;
    if (chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
        unlock(d, flags);
        return 0;                        /* not in use: left as it is, as Xen */
    }
    v = vcpu_of(d, chn->notify_vcpu);
    if (test_and_clear(&s->evtchn_mask[WORD(port)], BIT(port)) &&
        test(&s->evtchn_pending[WORD(port)], BIT(port)) && v && v->vcpu_info &&
        !test_and_set(&v->vcpu_info->evtchn_pending_sel, 1ULL << WORD(port)))
        mark_events_pending(v);
    unlock(d, flags);
    return 0;
}

/* --- binding ports ------------------------------------------------------- */

/* Xen's XSM_TARGET default: a domain acts on itself, or is privileged. */
static bool may_act_on(const struct domain *cur, const struct domain *d)
{
    return cur == d || cur->is_privileged;
}

/* The domain an op names, with a reference (release_domain drops it):
 * another domain may be destroyed meanwhile by the caller's other vCPUs. */
static struct domain *domain_or_self(struct vcpu *cur, domid_t dom)
{
    if (dom == DOMID_SELF || dom == cur->domain->domain_id)
        return cur->domain;
    return get_domain_by_id(dom);
}

static void release_domain(struct vcpu *cur, struct domain *d)
{
    if (d != cur->domain)
        put_domain(d);
}

static long alloc_unbound_in(struct vcpu *cur, struct domain *d, struct evtchn_alloc_unbound *a)
{
    unsigned long flags;
    long port;

    flags = lock(d);
    port = get_free_port(d);
    if (port >= 0 && !may_act_on(cur->domain, d))
        port = -EPERM;
    if (port >= 0) {
        struct evtchn *chn = chn_of(d, (evtchn_port_t)port);

        chn->state = ECS_UNBOUND;
        chn->u.unbound_dom = a->remote_dom == DOMID_SELF ? cur->domain->domain_id
                                                         : a->remote_dom;
        a->port = (evtchn_port_t)port;
    }
    unlock(d, flags);
    return port < 0 ? port : 0;
}

long evtchn_alloc_unbound(struct vcpu *cur, struct evtchn_alloc_unbound *a)
{
    struct domain *d = domain_or_self(cur, a->dom);
    long rc;

    if (!d)
        return -ESRCH;
    rc = alloc_unbound_in(cur, d, a);
    release_domain(cur, d);
    return rc;
}

/* A new port of d for a VIRQ or an IPI, notifying vCPU vcpu_id. */
static long bind_local(struct domain *d, uint8_t state, uint32_t vcpu_id, uint32_t virq)
{
    long port = get_free_port(d);       /* asserts d's lock */

    if (port >= 0) {
        struct evtchn *chn = chn_of(d, (evtchn_port_t)port);

        chn->state = state;
        chn->notify_vcpu = (uint16_t)vcpu_id;
        chn->u.virq = virq;
    }
    return port;
}

long evtchn_bind_virq(struct vcpu *cur, struct evtchn_bind_virq *b)
{
    struct domain *d = cur->domain;
    struct vcpu *v;
    unsigned long flags;
    long port;

    if (b->virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -EINVAL;
    if (!(v = vcpu_of(d, b->vcpu)))
        return -ENOENT;
    flags = lock(d);
    if (v->evtchn.virq_port[b->virq]) {
        port = -EEXIST;
    } else if ((port = bind_local(d, ECS_VIRQ, b->vcpu, b->virq)) >= 0) {
        v->evtchn.virq_port[b->virq] = (evtchn_port_t)port;
        b->port = (evtchn_port_t)port;
    }
    unlock(d, flags);
    return port < 0 ? port : 0;
}

long evtchn_bind_ipi(struct vcpu *cur, struct evtchn_bind_ipi *b)
{
    struct domain *d = cur->domain;
    unsigned long flags;
    long port;

    if (!vcpu_of(d, b->vcpu))
        return -ENOENT;
    flags = lock(d);
    port = bind_local(d, ECS_IPI, b->vcpu, 0);
    if (port >= 0)
        b->port = (evtchn_port_t)port;
    unlock(d, flags);
    return port < 0 ? port : 0;
}

/* Under the link lock: reserve a port of ld, then check and take the
 * remote end, then finish the local end (never two event locks at once).
 * The new port starts pending: the other end may have been sent to while
 * it was unbound. */
static long bind_interdomain_linked(struct domain *ld, struct domain *rd,
                                    struct evtchn_bind_interdomain *b)
{
    evtchn_port_t rport = b->remote_port;
    struct evtchn *lchn, *rchn;
    unsigned long flags;
    long lport;

    ASSERT(spin_is_locked_by_me(&link_lock));
    flags = lock(ld);
    lport = get_free_port(ld);

    if (lport < 0) {
        unlock(ld, flags);
        return lport;
    }
    chn_of(ld, (evtchn_port_t)lport)->state = ECS_RESERVED;
    unlock(ld, flags);

    flags = lock(rd);
    rchn = port_is_valid(rd, rport) ? chn_of(rd, rport) : NULL;
    if (!rchn || rchn->state != ECS_UNBOUND || rchn->u.unbound_dom != ld->domain_id) {
        unlock(rd, flags);
        flags = lock(ld);
        chn_of(ld, (evtchn_port_t)lport)->state = ECS_FREE;
        unlock(ld, flags);
        return -EINVAL;
    }
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = (evtchn_port_t)lport;
    unlock(rd, flags);

    flags = lock(ld);
    lchn = chn_of(ld, (evtchn_port_t)lport);
    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu = 0;
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = rport;
    set_pending(ld, lchn, (evtchn_port_t)lport);
    unlock(ld, flags);
    b->local_port = (evtchn_port_t)lport;
    return 0;
}

long evtchn_bind_interdomain(struct vcpu *cur, struct evtchn_bind_interdomain *b)
{
    struct domain *rd = domain_or_self(cur, b->remote_dom);
    long rc;

    if (!rd)
        return -ESRCH;
    spin_lock(&link_lock);
    rc = bind_interdomain_linked(cur->domain, rd, b);
    spin_unlock(&link_lock);
    release_domain(cur, rd);
    return rc;
}

/* Back to free: no pending bit left for the next user, notify vCPU 0. */
static void free_chn(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    ASSERT(spin_is_locked_by_me(&d->evtchn.lock));
    __atomic_fetch_and(&d->shared_info->evtchn_pending[WORD(port)], ~BIT(port),
                       __ATOMIC_SEQ_CST);
    chn->state = ECS_FREE;
    chn->notify_vcpu = 0;
}

/* The far end of an interdomain link goes back to unbound (offered to
 * d1 again), before the near end is freed: a send from d1 meanwhile only
 * marks an unbound port pending. */
static void unlink_peer(struct domain *d1, struct domain *d2, evtchn_port_t port2)
{
    unsigned long flags = lock(d2);
    struct evtchn *chn2 = chn_of(d2, port2);

    ASSERT(chn2->state == ECS_INTERDOMAIN && chn2->u.interdomain.dom == d1);
    chn2->state = ECS_UNBOUND;
    chn2->u.unbound_dom = d1->domain_id;
    unlock(d2, flags);
}

static long close_linked(struct domain *d, evtchn_port_t port)
{
    unsigned long flags;
    struct evtchn *chn;
    long rc = 0;

    ASSERT(spin_is_locked_by_me(&link_lock));
    chn = lock_port(d, port, &flags);
    if (!chn)
        return -EINVAL;
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        rc = -EINVAL;
        break;
    case ECS_INTERDOMAIN: {
        struct domain *d2 = chn->u.interdomain.dom;
        evtchn_port_t port2 = chn->u.interdomain.port;

        unlock(d, flags);
        unlink_peer(d, d2, port2);       /* the link lock keeps chn linked */
        flags = lock(d);
        break;
    }
    case ECS_VIRQ:
        /* Bound on its vCPU (a global VIRQ on vCPU 0, whoever it
         * notifies now). */
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i] && d->vcpu[i]->evtchn.virq_port[chn->u.virq] == port)
                d->vcpu[i]->evtchn.virq_port[chn->u.virq] = 0;
        break;
    default:
        break;
    }
    if (!rc)
        free_chn(d, chn, port);
    unlock(d, flags);
    return rc;
}

long evtchn_close(struct domain *d, evtchn_port_t port)
{
    long rc;

    spin_lock(&link_lock);
    rc = close_linked(d, port);
    spin_unlock(&link_lock);
    return rc;
}

long evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu_id)
{
    unsigned long flags;
    struct evtchn *chn;
    long rc = 0;

    if (!vcpu_of(d, vcpu_id))
        return -ENOENT;
    if (!(chn = lock_port(d, port, &flags)))
        return -EINVAL;
    switch (chn->state) {
    case ECS_VIRQ:
        if (virq_is_global(chn->u.virq))
            chn->notify_vcpu = (uint16_t)vcpu_id;
        else
            rc = -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        chn->notify_vcpu = (uint16_t)vcpu_id;
        break;
    default:
        rc = -EINVAL;
    }
    unlock(d, flags);
    return rc;
}

static long status_in(struct vcpu *cur, struct domain *d, struct evtchn_status *s)
{
    unsigned long flags;
    struct evtchn *chn = lock_port(d, s->port, &flags);

    if (!chn)
        return -EINVAL;
    if (!may_act_on(cur->domain, d)) {
        unlock(d, flags);
        return -EPERM;
    }
    memset(&s->u, 0, sizeof(s->u));
    switch (chn->state) {
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = chn->u.unbound_dom;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
        s->u.interdomain.port = chn->u.interdomain.port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        s->status = EVTCHNSTAT_closed;
    }
    s->vcpu = chn->notify_vcpu;
    unlock(d, flags);
    return 0;
}

long evtchn_status(struct vcpu *cur, struct evtchn_status *s)
{
    struct domain *d = domain_or_self(cur, s->dom);
    long rc;

    if (!d)
        return -ESRCH;
    rc = status_in(cur, d, s);
    release_domain(cur, d);
    return rc;
}

/* Ports closed under one hold of link_lock between two preemption
 * checks, in a reset or a teardown step. */
#define PORTS_PER_CHECK 64

/* Where a reset starts or goes on, under link_lock, as Xen's: a fresh
 * reset from port 1 while none is in progress, a continuation from where
 * the one in progress stopped; 0 (-EBUSY) otherwise. */
static unsigned int reset_start(struct domain *d, bool resuming)
{
    unsigned int from = resuming ? d->evtchn.reset_next : !d->evtchn.reset_next;

    ASSERT(spin_is_locked_by_me(&link_lock));
    if (from > d->evtchn.reset_next)
        d->evtchn.reset_next = from;
    return from;
}

/* Every port but the reserved ones, as if closed one by one, a chunk at
 * a time under link_lock (as a teardown step); between two, a due
 * preemption leaves the rest to reset_cont.  Xen checks only past port
 * 16383, so a 2-level domain's 4095 ports go in one stretch there. */
static long close_all_linked(struct domain *d, bool resuming)
{
    unsigned int p;
    bool done;

    spin_lock(&link_lock);
    p = reset_start(d, resuming);
    spin_unlock(&link_lock);
    if (!p)
        return -EBUSY;
    for (;;) {
        spin_lock(&link_lock);
        for (unsigned int n = 0; n < PORTS_PER_CHECK && p < d->evtchn.valid_ports; n++, p++)
            (void)close_linked(d, p);
        done = p >= d->evtchn.valid_ports;
        if (done)
            d->evtchn.reset_next = 0;
        spin_unlock(&link_lock);
        if (done)
            return 0;
        if (hypercall_preempt_check()) {
            spin_lock(&link_lock);
            d->evtchn.reset_next = p;
            spin_unlock(&link_lock);
            return -ERESTART;
        }
    }
}

long evtchn_reset(struct vcpu *cur, domid_t dom, bool resuming)
{
    struct domain *d = domain_or_self(cur, dom);
    long rc;

    if (!d)
        return -ESRCH;
    if (!may_act_on(cur->domain, d)) {
        release_domain(cur, d);
        return -EPERM;
    }
    rc = close_all_linked(d, resuming);
    release_domain(cur, d);
    return rc;
}

/* Dying first (no port is added after), then every port closed, a chunk
 * at a time under link_lock (each close updates both ends under it, so
 * a peer sees a link or none between two chunks), then the buckets.
 * *cursor: 0 before dying, then the next port to close. */
int evtchn_domain_teardown(struct domain *d, uint64_t *cursor, bool preemptible)
{
    unsigned long flags;

    if (*cursor == 0) {
        spin_lock(&link_lock);
        flags = lock(d);
        d->evtchn.dying = true;
        unlock(d, flags);
        spin_unlock(&link_lock);
        *cursor = 1;
    }
    while (*cursor < d->evtchn.valid_ports) {
        spin_lock(&link_lock);
        for (unsigned int n = 0; n < PORTS_PER_CHECK && *cursor < d->evtchn.valid_ports;
             n++, (*cursor)++)
            (void)close_linked(d, (evtchn_port_t)*cursor);
        spin_unlock(&link_lock);
        if (preemptible && *cursor < d->evtchn.valid_ports && hypercall_preempt_check())
            return -ERESTART;
    }
    for (unsigned int i = 0; i < EVTCHN_NR_BUCKETS; i++) {
        xfree(d->evtchn.bucket[i]);
        d->evtchn.bucket[i] = NULL;
    }
    d->evtchn.valid_ports = 0;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    uint64_t cursor = 0;

    (void)evtchn_domain_teardown(d, &cursor, false);
}

/* --- the FIFO ABI: not provided; Xen's answers where it has one -------- */

/* A valid port: Xen's 2-level ABI has no priorities (-ENOSYS). */
long evtchn_set_priority(struct domain *d, evtchn_port_t port)
{
    unsigned long flags;

    if (!lock_port(d, port, &flags))
        return -EINVAL;
    unlock(d, flags);
    return -ENOSYS;
}

/* A PV guest names frames by machine frame number. */
static bool domain_owns_gfn(const struct domain *d, uint64_t gfn)
{
    return gfn < max_mfn && mfn_to_page(_mfn(gfn))->owner == d;
}

/* Xen checks the vCPU, the offset and the frame before setting the FIFO
 * ABI up; the same refusals here, and -ENOSYS for a request Xen would
 * carry out (a guest then stays with the 2-level ABI, as Linux does). */
long evtchn_init_control(struct vcpu *cur, const struct evtchn_init_control *c)
{
    struct domain *d = cur->domain;

    if (!vcpu_of(d, c->vcpu))
        return -ENOENT;
    if (c->offset > PAGE_SIZE - FIFO_CONTROL_BLOCK_SIZE || (c->offset & 7))
        return -EINVAL;
    if (!domain_owns_gfn(d, c->control_gfn))
        return -EINVAL;
    return -ENOSYS;
}

/* No physical interrupt is granted to any domain yet: Xen's answer for
 * one the domain may not bind, or past the domain's range. */
long evtchn_bind_pirq(const struct evtchn_bind_pirq *b)
{
    return b->pirq >= EVTCHN_NR_PIRQS ? -EINVAL : -EPERM;
}

void evtchn_dump(struct domain *d)
{
    static const char *const names[] = { "free", "reserved", "unbound", "interdomain",
                                         "virq", "ipi" };
    unsigned long flags = lock(d);

    for (evtchn_port_t p = 1; p < d->evtchn.valid_ports; p++) {
        const struct evtchn *chn = chn_of(d, p);

        if (chn->state == ECS_FREE)
            continue;
        printk("    port %u: %s vcpu %u pending %d masked %d", p, names[chn->state],
               chn->notify_vcpu, evtchn_port_is_pending(d, p),
               test(&d->shared_info->evtchn_mask[WORD(p)], BIT(p)));
        if (chn->state == ECS_VIRQ)
            printk(" virq %u", chn->u.virq);
        else if (chn->state == ECS_INTERDOMAIN)
            printk(" -> dom%u port %u", chn->u.interdomain.dom->domain_id,
                   chn->u.interdomain.port);
        else if (chn->state == ECS_UNBOUND)
            printk(" for dom%u", chn->u.unbound_dom);
        printk("\n");
    }
    unlock(d, flags);
}

/* --- SCHEDOP_poll -------------------------------------------------------- */

void evtchn_poll_begin(struct vcpu *v, int port)
{
    atomic_store(&v->evtchn.poll_port, port);
    atomic_fetch_or(&v->domain->evtchn.poll_mask, 1u << v->vcpu_id);
}

bool evtchn_poll_active(const struct vcpu *v)
{
    return atomic_load(&v->domain->evtchn.poll_mask) & (1u << v->vcpu_id);
}

bool evtchn_poll_end(struct vcpu *v)
{
    uint32_t was = atomic_fetch_and(&v->domain->evtchn.poll_mask, ~(1u << v->vcpu_id));

    atomic_store(&v->evtchn.poll_port, 0);
    return was & (1u << v->vcpu_id);
}
