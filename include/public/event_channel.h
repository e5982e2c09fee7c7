/* Event channels: HYPERVISOR_event_channel_op(cmd, arg), cmd EVTCHNOP_*,
 * arg a pointer to the struct evtchn_<cmd>.  A port is a local endpoint;
 * it may be bound to another domain's port, a virtual IRQ (VIRQ_*), a
 * physical IRQ or an IPI between the domain's vCPUs.  Pending and mask
 * bits live in shared_info (Xen's 2-level ABI); the FIFO ABI's ops are
 * numbered and laid out here for completeness.  This header is the ABI
 * only: docs/pv-abi.md says which operations Proxen implements. */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11  /* FIFO ABI */
#define EVTCHNOP_expand_array     12  /* FIFO ABI */
#define EVTCHNOP_set_priority     13  /* FIFO ABI */
#define EVTCHNOP_reset_cont       14  /* the hypervisor's continuation of reset;
                                       * a guest calling it gets a reset */

/* Ports of the 2-level ABI: 64 words of 64 bits in shared_info. */
#define EVTCHN_2L_NR_CHANNELS 4096

/* evtchn_status.status. */
#define EVTCHNSTAT_closed      0  /* not in use */
#define EVTCHNSTAT_unbound     1  /* waiting for an interdomain binding */
#define EVTCHNSTAT_interdomain 2  /* connected to a port of another domain */
#define EVTCHNSTAT_pirq        3  /* bound to a physical IRQ */
#define EVTCHNSTAT_virq        4  /* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi         5  /* bound to an IPI */

/* evtchn_bind_pirq.flags. */
#define BIND_PIRQ__WILL_SHARE 1   /* the IRQ may be shared with other domains */

#ifndef __ASSEMBLER__

typedef uint32_t evtchn_port_t;

/* Allocate a port in dom that remote_dom may later bind to.  Only a
 * privileged caller may name a dom other than DOMID_SELF; remote_dom may
 * be DOMID_SELF (loopback). */
struct evtchn_alloc_unbound {
    domid_t dom;            /* IN */
    domid_t remote_dom;     /* IN */
    evtchn_port_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound size");

/* Connect a new local port to <remote_dom, remote_port>, which must be
 * unbound and waiting for the caller.  The new port starts pending. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;          /* IN */
    uint16_t _pad;
    evtchn_port_t remote_port;   /* IN */
    evtchn_port_t local_port;    /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain size");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4,
               "evtchn_bind_interdomain.remote_port");

/* Bind a new port to a virtual IRQ on a vCPU (per-domain and global VIRQs
 * on vCPU 0). */
struct evtchn_bind_virq {
    uint32_t virq;          /* IN: VIRQ_* */
    uint32_t vcpu;          /* IN */
    evtchn_port_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq size");

/* Bind a new port to a physical IRQ (privileged domains). */
struct evtchn_bind_pirq {
    uint32_t pirq;          /* IN */
    uint32_t flags;         /* IN: BIND_PIRQ__* */
    evtchn_port_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq size");

/* Bind a new port for IPIs to the given vCPU (binding fixed). */
struct evtchn_bind_ipi {
    uint32_t vcpu;          /* IN */
    evtchn_port_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi size");

/* Close a port; an interdomain peer goes back to unbound. */
struct evtchn_close {
    evtchn_port_t port;     /* IN */
};
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close size");

/* Raise the event at the other end of a port. */
struct evtchn_send {
    evtchn_port_t port;     /* IN */
};
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send size");

/* What <dom, port> is bound to (dom other than DOMID_SELF: privileged). */
struct evtchn_status {
    domid_t dom;            /* IN */
    uint16_t _pad;
    evtchn_port_t port;     /* IN */
    uint32_t status;        /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;          /* OUT: vCPU notified */
    union {                 /* OUT, by status: */
        struct {
            domid_t dom;    /* unbound: who may bind */
        } unbound;
        struct {
            domid_t dom;    /* interdomain: the peer */
            uint16_t _pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;      /* pirq */
        uint32_t virq;      /* virq */
    } u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status size");
_Static_assert(offsetof(struct evtchn_status, status) == 8, "evtchn_status.status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");
_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == 20,
               "evtchn_status.u.interdomain.port");

/* Notify another vCPU for this port.  Not for IPI or per-vCPU VIRQ ports;
 * others start on vCPU 0. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;     /* IN */
    uint32_t vcpu;          /* IN */
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu size");

/* Clear the port's mask bit and, if it is pending, notify its vCPU. */
struct evtchn_unmask {
    evtchn_port_t port;     /* IN */
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask size");

/* Close every port of dom (DOMID_SELF, or any if privileged). */
struct evtchn_reset {
    domid_t dom;            /* IN */
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset size");

/* FIFO ABI: register vcpu's control block (in frame control_gfn). */
struct evtchn_init_control {
    uint64_t control_gfn;   /* IN */
    uint32_t offset;        /* IN */
    uint32_t vcpu;          /* IN */
    uint8_t  link_bits;     /* OUT */
    uint8_t  _pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control size");

/* FIFO ABI: add a page to the event array. */
struct evtchn_expand_array {
    uint64_t array_gfn;     /* IN */
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "evtchn_expand_array size");

/* FIFO ABI: set a port's priority (0 highest to 15 lowest). */
struct evtchn_set_priority {
    evtchn_port_t port;     /* IN */
    uint32_t priority;      /* IN */
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "evtchn_set_priority size");

/* The argument of the legacy HYPERVISOR_event_channel_op_compat(op): the
 * command and its struct in one (commands 0-9 only). */
struct evtchn_op {
    uint32_t cmd;           /* IN: EVTCHNOP_* */
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_pirq bind_pirq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
    } u;                    /* IN/OUT as for the command */
};
_Static_assert(sizeof(struct evtchn_op) == 28, "evtchn_op size");
_Static_assert(offsetof(struct evtchn_op, u) == 4, "evtchn_op.u");

#endif /* !__ASSEMBLER__ */

#endif
