/* Event channels, Xen's 2-level ABI (event_channel.c).
 *
 * A domain has up to EVTCHN_2L_NR_CHANNELS ports; their pending and mask
 * bits live in its shared_info page, and the vCPU a port notifies gets
 * the port's word in its evtchn_pending_sel and evtchn_upcall_pending
 * set, which the way back to the guest turns into an upcall.  Port 0 is
 * reserved, as on Xen.  Channel records come in buckets of
 * EVTCHNS_PER_BUCKET, allocated as ports are first used; a port below
 * valid_ports is "valid" (Xen's port_is_valid) even while free.
 *
 * Locking: d->evtchn.lock (LOCK_EVENT, always with interrupts off: VIRQs
 * are sent from timer interrupts) guards the domain's channel records and
 * VIRQ bindings; a CPU never holds two domains' event locks.  Changes to
 * interdomain links (alloc'd-unbound ports being bound, closed or reset)
 * are serialised by one global link lock (LOCK_EVTCHN_LINK), taken first,
 * so that the two ends of a link are updated one domain at a time while
 * no other link change can see the half-way state.  Pending, mask and
 * selector bits are shared with the guest and changed only atomically. */
#ifndef PROXEN_EVENT_H
#define PROXEN_EVENT_H

#include <proxen/spinlock.h>
#include <proxen/timer.h>
#include <proxen/types.h>
#include <public/event_channel.h>

#define EVTCHNS_PER_BUCKET 64
#define EVTCHN_NR_PIRQS 256             /* a domain's physical IRQ numbers */
#define EVTCHN_NR_BUCKETS (EVTCHN_2L_NR_CHANNELS / EVTCHNS_PER_BUCKET)

struct domain;
struct vcpu;

enum evtchn_state {
    ECS_FREE,
    ECS_RESERVED,       /* port 0, and a port half-way through binding */
    ECS_UNBOUND,        /* offered to u.unbound_dom */
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
};

struct evtchn {
    uint8_t state;                      /* enum evtchn_state */
    uint16_t notify_vcpu;
    union {
        domid_t unbound_dom;            /* ECS_UNBOUND: who may bind */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;                  /* ECS_INTERDOMAIN: the other end */
        uint32_t virq;                  /* ECS_VIRQ */
    } u;
};

struct evtchn_domain {
    spinlock_t lock;
    bool dying;                         /* torn down: no new ports */
    unsigned int valid_ports;
    unsigned int reset_next;            /* EVTCHNOP_reset in progress: the port
                                         * it continues from; 0 if none */
    _Atomic uint32_t poll_mask;         /* vCPUs in SCHEDOP_poll */
    struct evtchn *bucket[EVTCHN_NR_BUCKETS];
};

struct evtchn_vcpu {
    evtchn_port_t virq_port[NR_VIRQS];  /* 0: not bound */
    _Atomic int poll_port;              /* polling for one port, or -1 for any */
    struct timer poll_timer;
};

/* Life cycle: init reserves port 0 (0 or -ENOMEM); destroy closes every
 * port (interdomain peers go back to unbound) and refuses new ones. */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/* The same in bounded steps for a domain's teardown (domain_teardown.c):
 * *cursor 0 at first; 0 when done, -ERESTART when preemptible and
 * preemption is due (call again with it). */
int evtchn_domain_teardown(struct domain *d, uint64_t *cursor, bool preemptible);

/* The operations of event_channel_op, for the calling vCPU; arguments
 * already copied in, results written back into them.  Xen's errnos. */
long evtchn_alloc_unbound(struct vcpu *cur, struct evtchn_alloc_unbound *a);
long evtchn_bind_interdomain(struct vcpu *cur, struct evtchn_bind_interdomain *b);
long evtchn_bind_virq(struct vcpu *cur, struct evtchn_bind_virq *b);
long evtchn_bind_ipi(struct vcpu *cur, struct evtchn_bind_ipi *b);
long evtchn_close(struct domain *d, evtchn_port_t port);
long evtchn_send(struct domain *d, evtchn_port_t port);
long evtchn_status(struct vcpu *cur, struct evtchn_status *s);
long evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu_id);
long evtchn_unmask(struct domain *d, evtchn_port_t port);
/* EVTCHNOP_reset (resuming false) and its continuation, reset_cont:
 * -ERESTART when preemption is due, the next call to be reset_cont. */
long evtchn_reset(struct vcpu *cur, domid_t dom, bool resuming);
long evtchn_set_priority(struct domain *d, evtchn_port_t port);
long evtchn_bind_pirq(const struct evtchn_bind_pirq *b);
long evtchn_init_control(struct vcpu *cur, const struct evtchn_init_control *c);

/* VIRQs from the hypervisor: a per-vCPU one to v, a global one to
 * whichever vCPU its port is bound to.  Nothing happens if not bound. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);
bool virq_is_global(unsigned int virq);

/* Xen's local_events_need_delivery: an upcall is pending and unmasked. */
bool vcpu_has_pending_events(const struct vcpu *v);
/* Whether port is pending in d (false past the 2-level range). */
bool evtchn_port_is_pending(const struct domain *d, evtchn_port_t port);
/* A blocked or polling vCPU: make its CPU look again. */
void vcpu_wake(struct vcpu *v);

/* SCHEDOP_poll bookkeeping (sched_op.c does the waiting): a vCPU polling
 * for port (-1: any) is woken when one becomes pending. */
void evtchn_poll_begin(struct vcpu *v, int port);
bool evtchn_poll_active(const struct vcpu *v);
bool evtchn_poll_end(struct vcpu *v);   /* whether it was polling */

/* Print d's bound ports (debug key 'e'). */
void evtchn_dump(struct domain *d);


#endif
