/* The initial domain's console back end on xenbus: the secondary consoles
 * of other domains (device/console/<n>, n >= 1; console_front.c is the
 * other end), found under this domain's backend/console/<domid>/<n>, which
 * the toolstack writes (domu_add_console).  For each, the xenbus walk:
 * the back end goes to InitWait; once the front end has published
 * ring-ref (a grant reference of the ring page) and port and gone to
 * Initialised (or Connected), the back end maps the ring through the
 * grant, binds the port (console_back.c serves it from then on) and goes
 * to Connected.  When the front end closes, or the toolstack removes the
 * directory, it lets go and goes to Closed.  Nothing the front end wrote
 * is trusted: a bad reference or port only fails that device (its state
 * goes to Closing and its error node says why). */
#include <console.h>
#include <console_back.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/strtoul.h>
#include <xenbus_device.h>

#define DEVICES 32
#define BACKEND_DIR "/local/domain/0/backend/console"

struct backend {
    bool used;
    bool connected;
    domid_t dom;
    unsigned int devid;
    struct xenbus_device xb;
};

static struct backend devices[DEVICES];

static struct backend *find(domid_t dom, unsigned int devid)
{
    for (unsigned int i = 0; i < DEVICES; i++)
        if (devices[i].used && devices[i].dom == dom && devices[i].devid == devid)
            return &devices[i];
    return NULL;
}

static void fail(struct backend *b, long rc, const char *what)
{
    char path[XENBUS_PATH_MAX + 8];

    snprintf(path, sizeof(path), "%s/error", b->xb.nodename);
    xenbus_printf(XBT_NIL, path, "%ld %s", -rc, what);
    xenbus_switch_state(&b->xb, XenbusStateClosing);
}

static void disconnect(struct backend *b)
{
    if (b->connected)
        console_back_disconnect_dev(b->dom, b->devid);
    b->connected = false;
}

static void connect(struct backend *b)
{
    uint64_t ref, port;
    long rc;

    if (b->connected)
        return;
    if (xenbus_read_otherend_u64(&b->xb, "ring-ref", &ref) || ref > UINT32_MAX ||
        xenbus_read_otherend_u64(&b->xb, "port", &port) || port > UINT32_MAX) {
        fail(b, -EINVAL, "reading ring-ref and port");
        return;
    }
    rc = console_back_connect_granted(b->dom, b->devid, (grant_ref_t)ref, (evtchn_port_t)port);
    if (rc) {
        fail(b, rc, "mapping ring");
        return;
    }
    b->connected = true;
    xenbus_switch_state(&b->xb, XenbusStateConnected);
}

static void frontend_changed(struct xenbus_device *xb, enum xenbus_state state)
{
    struct backend *b = xb->priv;

    switch (state) {
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (xb->state == XenbusStateInitWait)
            connect(b);
        break;
    case XenbusStateClosing:
        disconnect(b);
        xenbus_switch_state(xb, XenbusStateClosing);
        break;
    case XenbusStateClosed:
    case XenbusStateUnknown:            /* the front end's directory went */
        disconnect(b);
        xenbus_switch_state(xb, XenbusStateClosed);
        break;
    default:
        break;
    }
}

static void probe(domid_t dom, unsigned int devid)
{
    struct backend *b = NULL;
    char node[XENBUS_PATH_MAX];
    long rc;

    for (unsigned int i = 0; i < DEVICES && !b; i++)
        if (!devices[i].used)
            b = &devices[i];
    if (!b)
        return;
    snprintf(node, sizeof(node), BACKEND_DIR "/%u/%u", (unsigned int)dom, devid);
    *b = (struct backend){ .used = true, .dom = dom, .devid = devid };
    rc = xenbus_device_start(&b->xb, node, true, frontend_changed, b);
    if (rc) {
        printk("console back end: %s: %ld\n", node, rc);
        b->used = false;
        return;
    }
    if (b->xb.otherend_id != dom) {     /* the toolstack's directory disagrees */
        xenbus_device_stop(&b->xb);
        b->used = false;
        return;
    }
    xenbus_switch_state(&b->xb, XenbusStateInitWait);
}

/* Devices whose directory is gone (the toolstack destroyed the domain). */
static void reap(void)
{
    char buf[8];

    for (unsigned int i = 0; i < DEVICES; i++) {
        struct backend *b = &devices[i];
        char path[XENBUS_PATH_MAX + 16];

        if (!b->used)
            continue;
        snprintf(path, sizeof(path), "%s/frontend-id", b->xb.nodename);
        if (xenbus_read(XBT_NIL, path, buf, sizeof(buf)) != -ENOENT)
            continue;
        disconnect(b);
        xenbus_device_stop(&b->xb);
        b->used = false;
    }
}

/* Something changed below backend/console: look for new devices. */
static void backends_changed(struct xenbus_watch *w, const char *path)
{
    static char doms[512], ids[256];
    long nd, ni;

    (void)w, (void)path;
    reap();
    nd = xenbus_directory(XBT_NIL, BACKEND_DIR, doms, sizeof(doms));
    for (const char *d = doms; nd > 0; nd--, d += strlen(d) + 1) {
        char dir[XENBUS_PATH_MAX];
        uint64_t dom = simple_strtoull(d, NULL, 10);

        snprintf(dir, sizeof(dir), BACKEND_DIR "/%s", d);
        ni = xenbus_directory(XBT_NIL, dir, ids, sizeof(ids));
        for (const char *id = ids; ni > 0; ni--, id += strlen(id) + 1) {
            uint64_t devid = simple_strtoull(id, NULL, 10);

            if (dom < DOMID_FIRST_RESERVED && devid >= 1 && devid < 64 &&
                !find((domid_t)dom, (unsigned int)devid))
                probe((domid_t)dom, (unsigned int)devid);
        }
    }
}

static struct xenbus_watch backends_watch = { .path = BACKEND_DIR, .fn = backends_changed };

long console_xenbus_init(void)
{
    return xenbus_watch(&backends_watch);
}

int console_xenbus_state(domid_t dom, unsigned int devid)
{
    struct backend *b = find(dom, devid);

    return b ? b->xb.state : XenbusStateUnknown;
}
