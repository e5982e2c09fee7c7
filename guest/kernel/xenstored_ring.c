/* Domains' store rings (xenstored.h, xenstored_internal.h): each
 * introduced domain's page mapped at its slot of XENSTORED_VA, an event
 * channel bound to its port, its messages gathered whole (lib/xs_ring.h)
 * and fed to the store, the store's answers queued (xenstored_outq.h)
 * and written to the ring as it empties.
 *
 * Bounded work: an event reads at most XSD_REQUESTS_PER_EVENT requests
 * from a ring, and none while the domain's queue lacks room for a reply
 * or the store's outstanding quota says stop; requests left behind are
 * taken on the domain's next event, or by the kick timer a millisecond
 * later, so a domain that floods its ring gets its turn and no more.
 *
 * A framing violation (a payload above XENSTORE_PAYLOAD_MAX, indices
 * saying more than the ring holds) resets the domain's connection, as
 * Xen's xenstored ignores such a connection: its watches and
 * transactions go, nothing more is read or written, until the domain
 * sets XENSTORE_RECONNECT (then the indices are zeroed and it starts
 * again) or is released.  Each violation is logged, but at most
 * XSD_LOG_BURST lines per domain every XSD_LOG_WINDOW_NS, with a count of
 * those held back: a domain that breaks its ring and reconnects in a loop
 * must not fill dom0's console. */
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/ratelimit.h>
#include <lib/string.h>
#include <lib/xs_ring.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <timers.h>
#include "xenstored_internal.h"
#include "xenstored_outq.h"

#define XSD_REQUESTS_PER_EVENT 8
#define XSD_KICK_NS 1000000ULL
#define XSD_LOG_BURST 5
#define XSD_LOG_WINDOW_NS 10000000000ULL

struct xsd_dom {
    unsigned int slot;                  /* in doms[], and its page of XENSTORED_VA */
    bool ignored;                       /* framing broken: neither read nor written */
    bool more;                          /* requests left when the bound was reached */
    bool notify;                        /* the ring moved: send an event */
    bool dirty;                         /* the store sent it something since the last flush */
    domid_t dom;
    evtchn_port_t port;                 /* ours, bound to the domain's */
    struct xenstore_domain_interface *ring;
    struct xs_store *store;
    struct xs_conn *conn;
    struct xs_frame frame;
    char *body;                         /* a page: the frame's payload */
    struct outq out;
    unsigned int dropped;               /* sent by the store, never to reach the ring */
    unsigned int most;                  /* requests read by one service, at most */
    unsigned int violations, logged;    /* framing violations; lines logged for them */
    struct ratelimit log;
};

/* Each from the store's heap while its domain is served (NULL: free). */
static struct xsd_dom *doms[XENSTORED_SLOTS];
static struct timer kick;

static uint64_t slot_va(const struct xsd_dom *d)
{
    return XENSTORED_VA + (uint64_t)d->slot * PAGE_SIZE;
}

static struct xsd_dom *find(domid_t dom)
{
    for (unsigned int i = 0; i < XENSTORED_SLOTS; i++)
        if (doms[i] && doms[i]->dom == dom)
            return doms[i];
    return NULL;
}

/* The store's callback: copy it out now (the store's buffers are its own). */
static void domain_send(void *opaque, const struct xsd_sockmsg *hdr, const void *payload)
{
    struct xsd_dom *d = opaque;

    d->dirty = true;
    if (d->ignored || !outq_put(&d->out, hdr, payload))
        d->dropped++;
}

static void notify(struct xsd_dom *d)
{
    struct evtchn_send s = { .port = d->port };

    d->notify = false;
    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

/* A fresh connection in the store for the same domain: the old one's
 * watches and transactions go, and nothing queued for it is sent. */
static void new_conn(struct xsd_dom *d)
{
    if (d->conn)
        xs_conn_destroy(d->conn);
    d->conn = xs_conn_create_domain(d->store, d->dom, domain_send, d);
    outq_clear(&d->out);
    xs_frame_init(&d->frame, d->body);
    d->dropped = 0;
    d->more = false;
}

static void violate(struct xsd_dom *d, const char *why)
{
    uint32_t held;

    d->violations++;
    if (ratelimit_allow(&d->log, system_time_ns(), &held)) {
        d->logged++;
        if (held)
            printk("xenstored: domain %u: %s: connection reset (%u more not logged)\n", d->dom,
                   why, held);
        else
            printk("xenstored: domain %u: %s: connection reset\n", d->dom, why);
    }
    new_conn(d);
    d->ignored = true;
}

/* Empty rings, and the domain told so. */
static void reset_ring(struct xsd_dom *d)
{
    outq_clear(&d->out);
    xs_frame_init(&d->frame, d->body);
    d->more = false;
    __atomic_store_n(&d->ring->req_cons, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->ring->req_prod, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->ring->rsp_cons, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->ring->rsp_prod, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->ring->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
    d->notify = true;
}

/* XENSTORE_RECONNECT from the domain: a fresh connection, empty rings. */
static void reconnect(struct xsd_dom *d)
{
    new_conn(d);
    d->ignored = !d->conn;
    reset_ring(d);
}

/* The queue into the ring; the store hears what reached it or was lost. */
static void flush(struct xsd_dom *d)
{
    bool moved;
    long whole;

    if (!d->conn)
        return;
    if (d->ignored)
        whole = 0;
    else if ((whole = outq_flush(&d->out, d->ring, &moved)) < 0) {
        violate(d, "bad response ring indices");
        return;
    } else
        d->notify |= moved;
    if (whole + d->dropped)
        xs_conn_consumed(d->conn, (unsigned int)whole + d->dropped);
    d->dropped = 0;
}

static void kick_fn(struct timer *t);

static void kick_later(void)
{
    if (!kick.pending)
        timer_add(&kick, system_time_ns() + XSD_KICK_NS, kick_fn);
}

static void service(struct xsd_dom *d)
{
    unsigned int done = 0;

    if (__atomic_load_n(&d->ring->connection, __ATOMIC_ACQUIRE) == XENSTORE_RECONNECT)
        reconnect(d);
    for (;;) {
        flush(d);
        if (d->ignored || !xs_conn_may_read(d->conn) ||
            outq_room(&d->out) < OUTQ_ROOM_FOR_REQUEST)
            break;
        if (done == XSD_REQUESTS_PER_EVENT) {
            if (xs_ring_req_pending(d->ring)) {
                d->more = true;
                kick_later();
            }
            break;
        }
        size_t before = xs_ring_req_pending(d->ring);
        enum xs_frame_state st = xs_frame_server_pull(&d->frame, d->ring);

        if (before)
            d->notify = true;           /* room in req: a writer may be waiting */
        if (st == XS_FRAME_BAD) {
            violate(d, "message too long or bad request ring indices");
            break;
        }
        if (st == XS_FRAME_PARTIAL)
            break;
        done++;
        d->most = MAX(d->most, done);
        if (xs_conn_feed(d->conn, &d->frame.hdr, d->frame.body) == -EINVAL) {
            violate(d, "message refused by the store");
            break;
        }
    }
    if (d->notify)
        notify(d);
}

static void kick_fn(struct timer *t)
{
    bool were;

    (void)t;
    xsd_enter(&were);
    for (unsigned int i = 0; i < XENSTORED_SLOTS; i++)
        if (doms[i] && doms[i]->more) {
            doms[i]->more = false;
            service(doms[i]);
        }
    xsd_leave(were);
}

static void ring_event(evtchn_port_t port, void *data)
{
    bool were;

    (void)port;
    xsd_enter(&were);
    service(data);
    xsd_leave(were);
}

static long bind(struct xsd_dom *d, uint32_t remote_port)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = d->dom, .remote_port = remote_port };
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi);

    if (!rc) {
        d->port = bi.local_port;
        events_set_handler(d->port, ring_event, d);
    }
    return rc;
}

/* Introduced again (Xen: the connection reset, the channel bound anew). */
static int again(struct xsd_dom *d, uint32_t evtchn)
{
    long rc;

    events_unbind(d->port);
    if ((rc = bind(d, evtchn)))
        d->ignored = true;              /* no channel: nothing can be served */
    else {
        d->ignored = false;
        reset_ring(d);
        notify(d);
    }
    return (int)rc;
}

int xsd_ring_attach(struct xs_store *s, unsigned int domid, uint64_t mfn, uint32_t evtchn,
                    struct xs_conn *existing)
{
    struct xsd_dom *d;
    unsigned int slot = 0;
    long rc;

    if (existing)
        return again(xs_conn_opaque(existing), evtchn);
    if (find((domid_t)domid))
        return -EEXIST;
    while (slot < XENSTORED_SLOTS && doms[slot])
        slot++;
    if (slot == XENSTORED_SLOTS)
        return -ENOSPC;
    if (!(d = xsd_alloc(sizeof(*d))))
        return -ENOMEM;
    *d = (struct xsd_dom){ .slot = slot, .dom = (domid_t)domid, .store = s,
                           .log = RATELIMIT_INIT(XSD_LOG_WINDOW_NS, XSD_LOG_BURST) };
    d->ring = (void *)slot_va(d);
    rc = -ENOMEM;
    if (!(d->body = page_alloc()))
        goto free_d;
    if ((rc = outq_init(&d->out)))
        goto free_body;
    if ((rc = pt_map_foreign(slot_va(d), d->dom, mfn)))
        goto free_out;
    if ((rc = bind(d, evtchn)))
        goto unmap;
    xs_frame_init(&d->frame, d->body);
    if (!(d->conn = xs_conn_create_domain(s, domid, domain_send, d))) {
        rc = -ENOMEM;
        events_unbind(d->port);
        goto unmap;
    }
    __atomic_or_fetch(&d->ring->server_features, XENSTORE_SERVER_FEATURE_RECONNECTION,
                      __ATOMIC_RELEASE);
    doms[slot] = d;
    notify(d);                          /* a guest waiting for the store may go on */
    return 0;

unmap:
    pt_map_foreign(slot_va(d), d->dom, 0);
free_out:
    outq_fini(&d->out);
free_body:
    page_free(d->body);
free_d:
    xsd_free(d, sizeof(*d));
    return (int)rc;
}

static void forget(struct xsd_dom *d)
{
    events_unbind(d->port);
    pt_map_foreign(slot_va(d), d->dom, 0);
    outq_fini(&d->out);
    page_free(d->body);
    doms[d->slot] = NULL;
    xsd_free(d, sizeof(*d));
}

void xsd_ring_detach(struct xs_conn *conn)
{
    struct xsd_dom *d = xs_conn_opaque(conn);

    if (d && d->slot < XENSTORED_SLOTS && doms[d->slot] == d && d->conn == conn)
        forget(d);
}

/* Only the domains the store sent something: a call into the store costs
 * the same with one domain or a hundred. */
void xsd_ring_flush_all(void)
{
    for (unsigned int i = 0; i < XENSTORED_SLOTS; i++)
        if (doms[i] && doms[i]->dirty) {
            doms[i]->dirty = false;
            flush(doms[i]);
            if (doms[i] && doms[i]->notify)
                notify(doms[i]);
        }
}

/* A served domain's counts and standing, read under the daemon's lock
 * (all zero if not served). */
struct xsd_dom_stats {
    unsigned int most, violations, logged;
    bool serving;
};

static struct xsd_dom_stats stats_of(domid_t dom)
{
    struct xsd_dom_stats st = { 0 };
    struct xsd_dom *d;
    bool were;

    xsd_enter(&were);
    if ((d = find(dom)))
        st = (struct xsd_dom_stats){ .most = d->most, .violations = d->violations,
                                     .logged = d->logged, .serving = !d->ignored && d->conn };
    xsd_leave(were);
    return st;
}

unsigned int xenstored_most_per_event(domid_t dom)
{
    return stats_of(dom).most;
}

unsigned int xenstored_violations(domid_t dom, unsigned int *logged)
{
    struct xsd_dom_stats st = stats_of(dom);

    *logged = st.logged;
    return st.violations;
}

bool xenstored_serving(domid_t dom)
{
    return stats_of(dom).serving;
}

/* A domain whose connection the store no longer knows (its reset could
 * not get a new one): released by the daemon alone. */
long xsd_ring_forget(domid_t dom)
{
    struct xsd_dom *d = find(dom);

    if (!d)
        return -ENOENT;
    if (d->conn)
        xs_conn_destroy(d->conn);
    forget(d);
    return 0;
}
