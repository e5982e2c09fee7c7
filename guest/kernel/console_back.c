/* The console daemon of the initial domain (console_back.h). */
#include <arch.h>
#include <console_back.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/xencons_ring.h>
#include <mm.h>
#include <pagetable.h>

struct console {
    bool used;
    domid_t dom;
    unsigned int devid;                 /* 0: the primary console; n: device/console/n */
    bool granted;                       /* ring mapped by grant (handle), not by frame */
    grant_handle_t handle;
    evtchn_port_t port;                 /* ours, bound to the domain's */
    struct xencons_interface *ring;     /* at CONSOLE_BACK_VA + slot pages */
    console_sink_fn *sink;
    uint64_t total;                     /* bytes ever read */
    uint64_t notified;                  /* events sent to the domain */
    char *history;                      /* a page: byte n at n % CONSOLE_HISTORY */
};

static struct console consoles[CONSOLE_BACK_SLOTS];

static struct console *find_dev(domid_t dom, unsigned int devid)
{
    for (unsigned int i = 0; i < CONSOLE_BACK_SLOTS; i++)
        if (consoles[i].used && consoles[i].dom == dom && consoles[i].devid == devid)
            return &consoles[i];
    return NULL;
}

static struct console *find(domid_t dom)
{
    return find_dev(dom, 0);
}

static uint64_t slot_va(const struct console *c)
{
    return CONSOLE_BACK_VA + (uint64_t)(c - consoles) * PAGE_SIZE;
}

/* Map (mfn != 0) or unmap the ring's frame, which dom owns. */
static long map_ring(const struct console *c, domid_t dom, uint64_t mfn)
{
    uint64_t va = slot_va(c);
    struct mmu_update u = { .val = mfn ? (mfn << PAGE_SHIFT) | PTE_KERNEL_RW : 0 };
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };
    long rc;

    if (!pt_entry_maddr(va, 1) && (rc = pt_ensure_l1(va)))
        return rc;
    u.ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
    rc = hypercall_mmu_update(&u, 1, NULL, dom);
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return rc;
}

/* At most a ring's worth an event: a domain that refills its ring as
 * fast as it is read cannot hold this domain in its upcall; what it
 * writes meanwhile comes with its next notification. */
static void drain(struct console *c)
{
    char buf[256];
    size_t n, taken = 0;

    while (taken < sizeof(c->ring->out) &&
           (n = xencons_back_read(c->ring, buf, sizeof(buf))) != 0) {
        taken += n;
        for (size_t i = 0; i < n; i++)
            c->history[(c->total + i) % CONSOLE_HISTORY] = buf[i];
        c->total += n;
        if (c->sink)
            c->sink(buf, n);
    }
    /* The domain may wait for room: say there is some, once something
     * was taken, as Xen's console daemon does.  Never for an event that
     * brought nothing: a domain that notifies on every event it gets
     * (Mini-OS's console input handler does) would otherwise ping-pong
     * events with this domain for ever. */
    if (taken) {
        struct evtchn_send s = { .port = c->port };

        hypercall_event_channel_op(EVTCHNOP_send, &s);
        c->notified++;
    }
}

static void ring_event(evtchn_port_t port, void *data)
{
    (void)port;
    drain(data);
}

static struct console *free_slot(void)
{
    for (unsigned int i = 0; i < CONSOLE_BACK_SLOTS; i++)
        if (!consoles[i].used)
            return &consoles[i];
    return NULL;
}

/* Bind the domain's port and start serving c, whose ring is mapped:
 * 0, or the hypervisor's answer (the caller unmaps). */
static long start(struct console *c, struct console init, evtchn_port_t remote_port)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = init.dom, .remote_port = remote_port };
    long rc;

    if (!(init.history = page_alloc()))
        return -ENOMEM;
    if ((rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi))) {
        page_free(init.history);
        return rc;
    }
    init.used = true;
    init.port = bi.local_port;
    init.ring = (struct xencons_interface *)slot_va(c);
    *c = init;
    events_set_handler(c->port, ring_event, c);
    drain(c);                           /* what it wrote before we came */
    return 0;
}

long console_back_connect(domid_t dom, uint64_t ring_mfn, evtchn_port_t remote_port)
{
    struct console *c;
    long rc;

    if (find(dom))
        return -EEXIST;
    if (!(c = free_slot()))
        return -ENOSPC;
    if ((rc = map_ring(c, dom, ring_mfn)))
        return rc;
    if ((rc = start(c, (struct console){ .dom = dom }, remote_port)))
        map_ring(c, dom, 0);
    return rc;
}

long console_back_connect_granted(domid_t dom, unsigned int devid, grant_ref_t ref,
                                  evtchn_port_t remote_port)
{
    struct console *c;
    grant_handle_t handle;
    int st;
    long rc;

    if (find_dev(dom, devid))
        return -EEXIST;
    if (!(c = free_slot()))
        return -ENOSPC;
    if ((st = gnttab_map(dom, ref, slot_va(c), false, &handle)) != GNTST_okay)
        return st == GNTST_permission_denied ? -EACCES : -EINVAL;
    rc = start(c, (struct console){ .dom = dom, .devid = devid, .granted = true,
                                    .handle = handle }, remote_port);
    if (rc)
        gnttab_unmap(slot_va(c), handle);
    return rc;
}

long console_back_disconnect_dev(domid_t dom, unsigned int devid)
{
    struct console *c = find_dev(dom, devid);
    bool were;

    if (!c)
        return -ENOENT;
    were = events_save_disable();
    events_unbind(c->port);
    if (c->granted)
        gnttab_unmap(slot_va(c), c->handle);
    else
        map_ring(c, dom, 0);
    c->used = false;
    events_restore(were);
    page_free(c->history);
    return 0;
}

long console_back_disconnect(domid_t dom)
{
    long rc = -ENOENT;

    for (unsigned int i = 0; i < CONSOLE_BACK_SLOTS; i++)
        if (consoles[i].used && consoles[i].dom == dom)
            rc = console_back_disconnect_dev(dom, consoles[i].devid);
    return rc;
}

size_t console_back_history(domid_t dom, char *buf, size_t len)
{
    return console_back_history_dev(dom, 0, buf, len);
}

size_t console_back_history_dev(domid_t dom, unsigned int devid, char *buf, size_t len)
{
    struct console *c = find_dev(dom, devid);
    uint64_t from, n;
    bool were;

    if (!c)
        return 0;
    were = events_save_disable();
    n = MIN(MIN(c->total, (uint64_t)CONSOLE_HISTORY), (uint64_t)len);
    from = c->total - n;
    for (uint64_t i = 0; i < n; i++)
        buf[i] = c->history[(from + i) % CONSOLE_HISTORY];
    events_restore(were);
    return (size_t)n;
}

long console_back_attach(domid_t dom, console_sink_fn *sink)
{
    struct console *c = find(dom);

    if (!c)
        return -ENOENT;
    c->sink = sink;
    return 0;
}

long console_back_input(domid_t dom, const char *s, size_t len)
{
    struct console *c = find(dom);
    struct evtchn_send send;
    size_t n;

    if (!c)
        return -ENOENT;
    n = xencons_back_write(c->ring, s, len);
    send = (struct evtchn_send){ .port = c->port };
    if (n)
        hypercall_event_channel_op(EVTCHNOP_send, &send);
    return (long)n;
}

uint64_t console_back_notified(domid_t dom)
{
    struct console *c = find(dom);

    return c ? c->notified : 0;
}

uint64_t console_back_total(domid_t dom)
{
    struct console *c = find(dom);

    return c ? c->total : 0;
}
