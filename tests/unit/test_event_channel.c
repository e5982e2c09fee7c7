/* Event channels (hv/common/event_channel.c) between fake domains: port
 * allocation and its limits, every binding and its refusals (Xen's
 * errnos, nothing changed), the 2-level pending/mask/selector rule,
 * interdomain links and their teardown, VIRQs, IPIs and poll wake-ups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include <public/xen.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 512
#define NR_DOMS 3

static struct page_info *table;
static struct domain *doms[NR_DOMS];
static struct shared_info *shared[NR_DOMS];
static unsigned int kicks[NR_DOMS][2];

static int refs[NR_DOMS];

/* The fake domain layer: references counted, so that a test sees every
 * one taken is dropped. */
struct domain *get_domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] && doms[i]->domain_id == id) {
            refs[i]++;
            return doms[i];
        }
    return NULL;
}

void put_domain(struct domain *d)
{
    assert_true(refs[d->domain_id] > 0);
    refs[d->domain_id]--;
}

void sched_vcpu_unblock(struct vcpu *v)
{
    kicks[v->domain->domain_id][v->vcpu_id]++;
}

/* A teardown's preemption checks: due at each while preempt_due. */
static bool preempt_due;
static unsigned int preempt_checks;

bool hypercall_preempt_check(void)
{
    preempt_checks++;
    return preempt_due;
}

static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    return 0;
}

/* Domains 0 (privileged), 1 and 2, two vCPUs each, events unmasked. */
static int setup(void **state)
{
    (void)state;
    fake_set_cpu(0);
    memset(kicks, 0, sizeof(kicks));
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        struct domain *d = calloc(1, sizeof(*d));

        shared[i] = calloc(1, sizeof(*shared[i]));
        d->domain_id = (domid_t)i;
        d->is_privileged = i == 0;
        d->shared_info = shared[i];
        d->max_vcpus = 2;
        for (unsigned int n = 0; n < 2; n++) {
            d->vcpu[n] = calloc(1, sizeof(struct vcpu));
            d->vcpu[n]->domain = d;
            d->vcpu[n]->vcpu_id = n;
            d->vcpu[n]->vcpu_info = &shared[i]->vcpu_info[n];
        }
        assert_int_equal(evtchn_domain_init(d), 0);
        doms[i] = d;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < NR_DOMS; i++)
        assert_int_equal(refs[i], 0);           /* every reference dropped */
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        if (!doms[i]->evtchn.dying)
            evtchn_domain_destroy(doms[i]);
        free(doms[i]->vcpu[0]);
        free(doms[i]->vcpu[1]);
        free(doms[i]);
        free(shared[i]);
        doms[i] = NULL;
    }
    return 0;
}

static struct vcpu *vcpu(unsigned int dom, unsigned int n) { return doms[dom]->vcpu[n]; }

static bool pending(unsigned int dom, evtchn_port_t p)
{
    return shared[dom]->evtchn_pending[p / 64] & (1ULL << (p % 64));
}

static void clear_all(unsigned int dom)
{
    memset(shared[dom]->evtchn_pending, 0, sizeof(shared[dom]->evtchn_pending));
    for (unsigned int n = 0; n < 2; n++) {
        shared[dom]->vcpu_info[n].evtchn_upcall_pending = 0;
        shared[dom]->vcpu_info[n].evtchn_pending_sel = 0;
    }
}

static evtchn_port_t alloc_unbound(unsigned int dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };

    assert_int_equal(evtchn_alloc_unbound(vcpu(dom, 0), &a), 0);
    return a.port;
}

static uint32_t status_of(unsigned int dom, evtchn_port_t p)
{
    struct evtchn_status s = { .dom = DOMID_SELF, .port = p };

    assert_int_equal(evtchn_status(vcpu(dom, 0), &s), 0);
    return s.status;
}

/* The next port a domain would get: shows that a refusal took none. */
static evtchn_port_t next_port(unsigned int dom)
{
    evtchn_port_t p = alloc_unbound(dom, DOMID_SELF);

    assert_int_equal(evtchn_close(doms[dom], p), 0);
    return p;
}

static void test_port_zero_reserved(void **state)
{
    (void)state;
    assert_int_equal(alloc_unbound(1, DOMID_SELF), 1);
    assert_int_equal(status_of(1, 0), EVTCHNSTAT_closed);
    assert_int_equal(evtchn_close(doms[1], 0), -EINVAL);
    assert_int_equal(evtchn_send(doms[1], 0), -EINVAL);
}

static void test_ports_run_out(void **state)
{
    (void)state;
    for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_CHANNELS; p++)
        assert_int_equal(alloc_unbound(1, DOMID_SELF), p);
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };

    assert_int_equal(evtchn_alloc_unbound(vcpu(1, 0), &a), -ENOSPC);
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &ipi), -ENOSPC);
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &virq), -ENOSPC);
    assert_int_equal(vcpu(1, 0)->evtchn.virq_port[VIRQ_TIMER], 0);
    /* One freed is one to take again. */
    assert_int_equal(evtchn_close(doms[1], 1000), 0);
    assert_int_equal(alloc_unbound(1, DOMID_SELF), 1000);
}

static evtchn_port_t link(unsigned int a, unsigned int b, evtchn_port_t *bport)
{
    evtchn_port_t ap = alloc_unbound(a, (domid_t)b);
    struct evtchn_bind_interdomain bind = { .remote_dom = (domid_t)a, .remote_port = ap };

    assert_int_equal(evtchn_bind_interdomain(vcpu(b, 0), &bind), 0);
    *bport = bind.local_port;
    return ap;
}

static void test_interdomain_send(void **state)
{
    evtchn_port_t bp, ap;
    struct evtchn_status s = { .dom = DOMID_SELF };

    (void)state;
    ap = link(1, 2, &bp);
    /* The binder's new port starts pending (sends to the unbound end
     * may have been lost). */
    assert_true(pending(2, bp));
    assert_int_equal(shared[2]->vcpu_info[0].evtchn_upcall_pending, 1);
    s.port = ap;
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), 0);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 2);
    assert_int_equal(s.u.interdomain.port, bp);
    clear_all(2);
    kicks[2][0] = 0;
    assert_int_equal(evtchn_send(doms[1], ap), 0);
    assert_true(pending(2, bp));
    assert_false(pending(1, ap));
    assert_int_equal(shared[2]->vcpu_info[0].evtchn_pending_sel, 1ULL << (bp / 64));
    assert_int_equal(shared[2]->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(kicks[2][0], 1);
    /* Already pending: nothing new, no second kick. */
    assert_int_equal(evtchn_send(doms[1], ap), 0);
    assert_int_equal(kicks[2][0], 1);
    /* The other way, to the vCPU the port is bound to. */
    assert_int_equal(evtchn_bind_vcpu(doms[1], ap, 1), 0);
    assert_int_equal(evtchn_send(doms[2], bp), 0);
    assert_true(pending(1, ap));
    assert_int_equal(shared[1]->vcpu_info[1].evtchn_upcall_pending, 1);
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_upcall_pending, 0);
}

static void test_interdomain_refused(void **state)
{
    evtchn_port_t offered = alloc_unbound(1, 2), before = next_port(0);
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = offered };

    (void)state;
    /* Offered to domain 2, not 0. */
    assert_int_equal(evtchn_bind_interdomain(vcpu(0, 0), &b), -EINVAL);
    /* Not a valid port, the reserved port, a free port. */
    b.remote_port = EVTCHN_2L_NR_CHANNELS + 5;
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -EINVAL);
    b.remote_port = 0;
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -EINVAL);
    b.remote_port = offered + 1;
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -EINVAL);
    b.remote_port = 1000;                   /* in range, never handed out */
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -EINVAL);
    /* No such domain. */
    b.remote_dom = 77;
    b.remote_port = offered;
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -ESRCH);
    /* Nothing was taken or changed. */
    assert_int_equal(next_port(0), before);
    assert_int_equal(status_of(1, offered), EVTCHNSTAT_unbound);
    /* Bound once, it cannot be bound again. */
    b.remote_dom = 1;
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), 0);
    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), -EINVAL);
}

static void test_close_leaves_peer_unbound(void **state)
{
    evtchn_port_t bp, ap = link(1, 2, &bp);
    struct evtchn_status s = { .dom = DOMID_SELF, .port = ap };

    (void)state;
    assert_int_equal(evtchn_close(doms[2], bp), 0);
    assert_int_equal(status_of(2, bp), EVTCHNSTAT_closed);
    assert_false(pending(2, bp));           /* a closed port keeps no event */
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 2);   /* offered to the closer again */
    clear_all(2);
    assert_int_equal(evtchn_send(doms[1], ap), 0);   /* dropped */
    assert_int_equal(shared[2]->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_int_equal(evtchn_close(doms[2], bp), -EINVAL);
    /* And it can be bound again. */
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = ap };

    assert_int_equal(evtchn_bind_interdomain(vcpu(2, 0), &b), 0);
}

static void test_destroy_unlinks_peers(void **state)
{
    evtchn_port_t bp, ap = link(1, 2, &bp), loop = link(2, 2, &bp);
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_status s = { .dom = DOMID_SELF, .port = ap };

    (void)state;
    (void)loop;
    evtchn_domain_destroy(doms[2]);
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(evtchn_send(doms[1], ap), 0);
    assert_int_equal(evtchn_alloc_unbound(vcpu(2, 0), &a), -EINVAL);
}

/* The same in steps, stopped at every check: each step closes a bounded
 * number of ports; peers linked to any of them (the first, one of the
 * last) are unbound by the end, and no port is added meanwhile. */
static void test_destroy_in_steps(void **state)
{
    evtchn_port_t first_peer, last_peer, bp, first = link(2, 1, &first_peer), last;
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_status s = { .dom = DOMID_SELF };
    uint64_t cursor = 0;
    unsigned int steps = 0;
    int rc;

    (void)state;
    for (unsigned int i = 0; i < 300; i++)
        (void)alloc_unbound(2, 1);
    last = link(2, 1, &last_peer);
    (void)first;
    (void)last;
    (void)bp;
    preempt_due = true;
    do {
        rc = evtchn_domain_teardown(doms[2], &cursor, true);
        steps++;
        if (rc) {
            assert_int_equal(evtchn_alloc_unbound(vcpu(2, 0), &a), -EINVAL);
            assert_true(cursor <= 1 + 64 * (uint64_t)steps);
        }
    } while (rc == -ERESTART && steps < 100);
    preempt_due = false;
    assert_int_equal(rc, 0);
    assert_true(steps >= 300 / 64);
    s.port = first_peer;
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    s.port = last_peer;
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(doms[2]->evtchn.valid_ports, 0);
}

/* EVTCHNOP_reset stopped at every check: each call closes a bounded
 * number of ports and leaves the rest to reset_cont (Xen's semantics:
 * a second reset while one is in progress, or a reset_cont with none,
 * is -EBUSY); peers linked to the first and the last port are unbound
 * by the end, and the domain keeps its ports' storage. */
static void test_reset_in_steps(void **state)
{
    evtchn_port_t first_peer, last_peer, last;
    unsigned int calls = 1;
    long rc;

    (void)state;
    (void)link(2, 1, &first_peer);
    for (unsigned int i = 0; i < 300; i++)
        (void)alloc_unbound(2, 1);
    last = link(2, 1, &last_peer);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, true), -EBUSY);
    preempt_due = true;
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, false), -ERESTART);
    assert_int_equal(doms[2]->evtchn.reset_next, 1 + 64);
    assert_int_equal(status_of(2, 64), EVTCHNSTAT_closed);
    assert_int_equal(status_of(2, 65), EVTCHNSTAT_unbound);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, false), -EBUSY);
    assert_int_equal(status_of(2, 65), EVTCHNSTAT_unbound);
    do {
        rc = evtchn_reset(vcpu(0, 0), 2, true);
        calls++;
        if (rc)
            assert_int_equal(doms[2]->evtchn.reset_next, 1 + 64 * (uint64_t)calls);
    } while (rc == -ERESTART && calls < 100);
    preempt_due = false;
    assert_int_equal(rc, 0);
    assert_int_equal(calls, (last + 63) / 64);
    assert_int_equal(doms[2]->evtchn.reset_next, 0);
    assert_int_equal(status_of(2, last), EVTCHNSTAT_closed);
    assert_int_equal(status_of(1, first_peer), EVTCHNSTAT_unbound);
    assert_int_equal(status_of(1, last_peer), EVTCHNSTAT_unbound);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, true), -EBUSY);
    assert_true(doms[2]->evtchn.valid_ports > last);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, false), 0);
}

static void test_virq(void **state)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 1 };
    evtchn_port_t before;

    (void)state;
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), 0);
    assert_int_equal(vcpu(1, 1)->evtchn.virq_port[VIRQ_TIMER], b.port);
    before = next_port(1);
    /* Refusals, each changing nothing. */
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), -EEXIST);
    b.virq = NR_VIRQS;
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), -EINVAL);
    b.virq = VIRQ_DOM_EXC;                  /* global: vCPU 0 only */
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), -EINVAL);
    b.virq = VIRQ_DEBUG;
    b.vcpu = 2;
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), -ENOENT);
    b.vcpu = MAX_VIRT_CPUS;                 /* not vCPU 0 again, modulo something */
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), -ENOENT);
    assert_int_equal(next_port(1), before);
    /* Sent to the vCPU it is bound on. */
    send_guest_vcpu_virq(vcpu(1, 1), VIRQ_TIMER);
    assert_true(pending(1, vcpu(1, 1)->evtchn.virq_port[VIRQ_TIMER]));
    assert_int_equal(shared[1]->vcpu_info[1].evtchn_upcall_pending, 1);
    assert_int_equal(kicks[1][1], 1);
    send_guest_vcpu_virq(vcpu(1, 0), VIRQ_TIMER);   /* not bound there */
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_upcall_pending, 0);
    /* A per-vCPU VIRQ is not moved or sent by the guest. */
    evtchn_port_t t = vcpu(1, 1)->evtchn.virq_port[VIRQ_TIMER];

    assert_int_equal(evtchn_bind_vcpu(doms[1], t, 0), -EINVAL);
    assert_int_equal(evtchn_send(doms[1], t), -EINVAL);
    /* Closing unbinds it: bound again, it is a new port. */
    assert_int_equal(evtchn_close(doms[1], t), 0);
    assert_int_equal(vcpu(1, 1)->evtchn.virq_port[VIRQ_TIMER], 0);
    b = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 1 };
    assert_int_equal(evtchn_bind_virq(vcpu(1, 0), &b), 0);
}

static void test_global_virq_moves(void **state)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };

    (void)state;
    assert_int_equal(evtchn_bind_virq(vcpu(0, 0), &b), 0);
    assert_int_equal(evtchn_bind_vcpu(doms[0], b.port, 1), 0);
    send_guest_global_virq(doms[0], VIRQ_DOM_EXC);
    assert_int_equal(shared[0]->vcpu_info[1].evtchn_upcall_pending, 1);
    assert_int_equal(shared[0]->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_int_equal(evtchn_bind_vcpu(doms[0], b.port, 2), -ENOENT);
    assert_int_equal(evtchn_bind_vcpu(doms[0], EVTCHN_2L_NR_CHANNELS, 0), -EINVAL);
    /* Closed from vCPU 1's notification, it is unbound from vCPU 0. */
    assert_int_equal(evtchn_close(doms[0], b.port), 0);
    assert_int_equal(vcpu(0, 0)->evtchn.virq_port[VIRQ_DOM_EXC], 0);
}

static void test_ipi(void **state)
{
    struct evtchn_bind_ipi b = { .vcpu = 1 };

    (void)state;
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &b), 0);
    assert_int_equal(status_of(1, b.port), EVTCHNSTAT_ipi);
    assert_int_equal(evtchn_send(doms[1], b.port), 0);
    assert_int_equal(shared[1]->vcpu_info[1].evtchn_upcall_pending, 1);
    assert_int_equal(kicks[1][1], 1);
    assert_int_equal(evtchn_bind_vcpu(doms[1], b.port, 0), -EINVAL);
    b.vcpu = 2;
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &b), -ENOENT);
}

static void test_mask_and_unmask(void **state)
{
    struct evtchn_bind_ipi b = { .vcpu = 0 };

    (void)state;
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &b), 0);
    shared[1]->evtchn_mask[b.port / 64] |= 1ULL << (b.port % 64);
    assert_int_equal(evtchn_send(doms[1], b.port), 0);
    assert_true(pending(1, b.port));
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_pending_sel, 0);
    assert_int_equal(kicks[1][0], 0);
    /* Unmasked while pending: the upcall comes now. */
    assert_int_equal(evtchn_unmask(doms[1], b.port), 0);
    assert_int_equal(shared[1]->evtchn_mask[b.port / 64], 0);
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_pending_sel, 1ULL << (b.port / 64));
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(kicks[1][0], 1);
    /* Past the valid ports: refused; a valid free one: accepted and
     * left alone (a pending bit there raises nothing). */
    assert_int_equal(evtchn_unmask(doms[1], EVTCHNS_PER_BUCKET), -EINVAL);
    shared[1]->evtchn_mask[0] |= 1ULL << 63;
    shared[1]->evtchn_pending[0] |= 1ULL << 63;
    shared[1]->vcpu_info[0].evtchn_pending_sel = 0;
    assert_int_equal(evtchn_unmask(doms[1], 63), 0);
    assert_true(shared[1]->evtchn_mask[0] & (1ULL << 63));
    assert_int_equal(shared[1]->vcpu_info[0].evtchn_pending_sel, 0);
}

static void test_other_domains(void **state)
{
    struct evtchn_alloc_unbound a = { .dom = 2, .remote_dom = 1 };
    struct evtchn_status s = { .dom = 2, .port = 0 };
    evtchn_port_t before = next_port(2);

    (void)state;
    /* Unprivileged: not on another domain's ports. */
    assert_int_equal(evtchn_alloc_unbound(vcpu(1, 0), &a), -EPERM);
    assert_int_equal(evtchn_status(vcpu(1, 0), &s), -EPERM);
    assert_int_equal(evtchn_reset(vcpu(1, 0), 2, false), -EPERM);
    assert_int_equal(next_port(2), before);
    a.dom = 99;
    assert_int_equal(evtchn_alloc_unbound(vcpu(0, 0), &a), -ESRCH);
    s.dom = 99;
    assert_int_equal(evtchn_status(vcpu(0, 0), &s), -ESRCH);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 99, false), -ESRCH);
    /* The privileged domain may. */
    a.dom = 2;
    assert_int_equal(evtchn_alloc_unbound(vcpu(0, 0), &a), 0);
    assert_int_equal(status_of(2, a.port), EVTCHNSTAT_unbound);
    assert_int_equal(evtchn_reset(vcpu(0, 0), 2, false), 0);
    assert_int_equal(status_of(2, a.port), EVTCHNSTAT_closed);
    assert_int_equal(status_of(2, 0), EVTCHNSTAT_closed);
    assert_int_equal(evtchn_close(doms[2], 0), -EINVAL);   /* still reserved */
}

static void test_poll_wakes_on_its_port(void **state)
{
    struct evtchn_bind_ipi a = { .vcpu = 1 }, b = { .vcpu = 1 };
    struct vcpu *v = vcpu(1, 1);

    (void)state;
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &a), 0);
    assert_int_equal(evtchn_bind_ipi(vcpu(1, 0), &b), 0);
    shared[1]->evtchn_mask[0] = ~0ULL;                   /* polled ports are masked */
    evtchn_poll_begin(v, (int)a.port);
    assert_int_equal(evtchn_send(doms[1], b.port), 0);
    assert_true(evtchn_poll_active(v));
    assert_int_equal(kicks[1][1], 0);
    assert_int_equal(evtchn_send(doms[1], a.port), 0);
    assert_false(evtchn_poll_active(v));
    assert_int_equal(kicks[1][1], 1);
    evtchn_poll_end(v);
    /* Polling for any port: any new event wakes it. */
    clear_all(1);
    memset(shared[1]->evtchn_pending, 0, sizeof(shared[1]->evtchn_pending));
    evtchn_poll_begin(v, -1);
    assert_int_equal(evtchn_send(doms[1], b.port), 0);
    assert_false(evtchn_poll_active(v));
    evtchn_poll_end(v);
}

static void test_fifo_answers(void **state)
{
    struct evtchn_init_control c = { .control_gfn = (uint64_t)-2, .vcpu = 0 };

    (void)state;
    /* What Xen says (XSA-188's test): a bad frame is -EINVAL. */
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    c.vcpu = 2;
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -ENOENT);
    c.vcpu = 0;
    c.offset = 4;
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    c.offset = PAGE_SIZE - 64;
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    /* A frame the domain owns: the request Xen would carry out. */
    struct page_info *pg = alloc_pages(0);

    assert_non_null(pg);
    pg->owner = doms[1];
    c.offset = 0;
    c.control_gfn = mfn_x(page_to_mfn(pg));
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -ENOSYS);
    c.offset = 4;                           /* checked before the frame, as Xen */
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    c.offset = PAGE_SIZE - 64;
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    c.offset = PAGE_SIZE - 72;
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -ENOSYS);
    c.offset = 0;
    pg->owner = doms[2];
    assert_int_equal(evtchn_init_control(vcpu(1, 0), &c), -EINVAL);
    pg->owner = NULL;
    free_pages(pg, 0);
    assert_int_equal(evtchn_bind_pirq(&(struct evtchn_bind_pirq){ .pirq = 1 }), -EPERM);
    assert_int_equal(evtchn_bind_pirq(&(struct evtchn_bind_pirq){ .pirq = EVTCHN_NR_PIRQS }),
                     -EINVAL);
    /* The 2-level ABI has no priorities; a port past the valid ones is
     * refused first. */
    assert_int_equal(evtchn_set_priority(doms[1], 1), -ENOSYS);
    assert_int_equal(evtchn_set_priority(doms[1], EVTCHNS_PER_BUCKET), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_port_zero_reserved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports_run_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_leaves_peer_unbound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_unlinks_peers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_virq_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_and_unmask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_domains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_wakes_on_its_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_answers, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
