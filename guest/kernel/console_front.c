/* Secondary consoles of a domU (console_front.h).  The walk, as Linux's
 * hvc_xen front end: publish ring-ref (a grant of the ring page to the
 * back end's domain) and port (an unbound channel for it), go to
 * Initialised; when the back end is Connected, go to Connected; when it
 * closes, go to Closed and stop writing. */
#include <console.h>
#include <console_front.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/strtoul.h>
#include <lib/xencons_ring.h>
#include <mm.h>
#include <xenbus_device.h>

#define FRONTS 4

struct front {
    bool used, connected;
    unsigned int n;
    struct xencons_interface *ring;
    evtchn_port_t port;
    struct xenbus_device xb;
};

static struct front fronts[FRONTS];

static struct front *find(unsigned int n)
{
    for (unsigned int i = 0; i < FRONTS; i++)
        if (fronts[i].used && fronts[i].n == n)
            return &fronts[i];
    return NULL;
}

static void backend_changed(struct xenbus_device *xb, enum xenbus_state state)
{
    struct front *f = xb->priv;

    switch (state) {
    case XenbusStateConnected:
        if (xb->state != XenbusStateConnected) {
            f->connected = true;
            xenbus_switch_state(xb, XenbusStateConnected);
        }
        break;
    case XenbusStateClosing:
    case XenbusStateClosed:
        f->connected = false;
        xenbus_switch_state(xb, XenbusStateClosed);
        break;
    default:
        break;
    }
}

/* Publish the ring and the port in one transaction. */
static long publish(struct front *f, long ref)
{
    char path[XENBUS_PATH_MAX + 16];
    xs_tx_t tx;
    long rc;

    do {
        if ((rc = xenbus_transaction_start(&tx)))
            return rc;
        snprintf(path, sizeof(path), "%s/ring-ref", f->xb.nodename);
        rc = xenbus_printf(tx, path, "%ld", ref);
        snprintf(path, sizeof(path), "%s/port", f->xb.nodename);
        if (!rc)
            rc = xenbus_printf(tx, path, "%u", f->port);
        snprintf(path, sizeof(path), "%s/type", f->xb.nodename);
        if (!rc)
            rc = xenbus_write(tx, path, "ioemu");
        if (rc) {
            xenbus_transaction_end(tx, true);
            return rc;
        }
        rc = xenbus_transaction_end(tx, false);
    } while (rc == -EAGAIN);
    return rc;
}

static long setup(struct front *f, unsigned int n)
{
    char node[XENBUS_PATH_MAX];
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF };
    long rc, ref;

    snprintf(node, sizeof(node), "device/console/%u", n);
    f->n = n;
    if ((rc = xenbus_device_start(&f->xb, node, false, backend_changed, f)))
        return rc;
    if (!(f->ring = page_alloc()))
        return -ENOMEM;
    if ((rc = gnttab_init()) ||
        (ref = gnttab_grant_access(f->xb.otherend_id, virt_to_mfn(f->ring), false)) < 0)
        return rc ? rc : -ENOSPC;
    au.remote_dom = f->xb.otherend_id;
    if ((rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au)))
        return rc;
    f->port = au.port;
    if ((rc = publish(f, ref)))
        return rc;
    return xenbus_switch_state(&f->xb, XenbusStateInitialised);
}

long console_front_init(void)
{
    static char ids[128];
    long n = xenbus_directory(XBT_NIL, "device/console", ids, sizeof(ids)), found = 0;

    if (n == -ENOENT)
        return 0;
    for (const char *id = ids; n > 0; n--, id += strlen(id) + 1) {
        uint64_t devid = simple_strtoull(id, NULL, 10);
        struct front *f = NULL;
        long rc;

        for (unsigned int i = 0; i < FRONTS && !f; i++)
            if (!fronts[i].used)
                f = &fronts[i];
        if (!devid || devid > 64 || !f || find((unsigned int)devid))
            continue;
        f->used = true;
        if ((rc = setup(f, (unsigned int)devid))) {
            printk("console %lu: %ld\n", devid, rc);
            f->used = false;          /* its page and grant, if any, stay: once */
            continue;
        }
        found++;
    }
    return n < 0 ? n : found;
}

bool console_front_exists(unsigned int n)
{
    return find(n) != NULL;
}

bool console_front_connected(unsigned int n)
{
    struct front *f = find(n);

    return f && f->connected;
}

size_t console_front_write(unsigned int n, const char *s, size_t len)
{
    struct front *f = find(n);
    struct evtchn_send send;
    size_t done;

    if (!f || !f->connected)
        return 0;
    done = xencons_front_write(f->ring, s, len);
    send = (struct evtchn_send){ .port = f->port };
    hypercall_event_channel_op(EVTCHNOP_send, &send);
    return done;
}
