/* The xenbus state protocol for split devices (xenbus_device.h). */
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/strtoul.h>
#include <xenbus_device.h>

static const char *const names[] = {
    "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
    "Closing", "Closed", "Reconfiguring", "Reconfigured",
};

const char *xenbus_state_name(enum xenbus_state state)
{
    return (unsigned int)state < ARRAY_SIZE(names) ? names[state] : "invalid";
}

enum xenbus_state xenbus_read_state(const char *path)
{
    uint64_t v;

    if (xenbus_read_u64(XBT_NIL, path, &v) || v > XenbusStateReconfigured)
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

/* In a transaction, and only while the state node is there: a device
 * whose directory the toolstack removed is going away, and writing its
 * state would bring the directory back (as Linux's xenbus_switch_state,
 * which leaves a missing node alone). */
long xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state)
{
    char path[XENBUS_PATH_MAX + 8], now[16];
    xs_tx_t tx;
    long rc;

    snprintf(path, sizeof(path), "%s/state", dev->nodename);
    do {
        if ((rc = xenbus_transaction_start(&tx)))
            return rc;
        rc = xenbus_read(tx, path, now, sizeof(now));
        if (rc < 0) {
            xenbus_transaction_end(tx, true);
            break;
        }
        if ((rc = xenbus_printf(tx, path, "%u", (unsigned int)state))) {
            xenbus_transaction_end(tx, true);
            return rc;
        }
        rc = xenbus_transaction_end(tx, false);
    } while (rc == -EAGAIN);
    if (rc == -ENOENT)
        rc = 0;                         /* gone: nothing to write */
    if (!rc)
        dev->state = state;
    return rc;
}

static void otherend_watch_fired(struct xenbus_watch *w, const char *path)
{
    struct xenbus_device *dev = w->data;
    enum xenbus_state s = xenbus_read_state(dev->watch_path);

    (void)path;
    if (s == dev->otherend_state)
        return;
    dev->otherend_state = s;
    dev->otherend_changed(dev, s);
}

static long read_node(const char *dir, const char *node, char *buf, size_t size)
{
    char path[XENBUS_PATH_MAX + 16];
    long rc;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    rc = xenbus_read(XBT_NIL, path, buf, size);
    if (rc >= 0 && (size_t)rc >= size)
        return -E2BIG;
    return rc < 0 ? rc : 0;
}

/* A back end's directory .../backend/<type>/<fe>/<id>: the front end it
 * must name is /local/domain/<fe>/device/<type>/<id>, and frontend-id
 * must be <fe>. */
static long check_frontend(const struct xenbus_device *dev)
{
    const char *p = strstr(dev->nodename, "/backend/"), *type, *fe, *id;
    char expect[XENBUS_PATH_MAX];
    size_t type_len;

    if (!p)
        return -EINVAL;
    type = p + strlen("/backend/");
    fe = strchr(type, '/');
    if (!fe)
        return -EINVAL;
    type_len = (size_t)(fe - type);
    fe++;
    id = strchr(fe, '/');
    if (!id || simple_strtoull(fe, NULL, 10) != dev->otherend_id)
        return -EINVAL;
    snprintf(expect, sizeof(expect), "/local/domain/%u/device/%.*s/%s",
             (unsigned int)dev->otherend_id, (int)type_len, type, id + 1);
    return strcmp(expect, dev->otherend) ? -EINVAL : 0;
}

long xenbus_device_start(struct xenbus_device *dev, const char *nodename, bool is_back,
                         void (*changed)(struct xenbus_device *, enum xenbus_state), void *priv)
{
    char id[8];
    const char *end;
    uint64_t v;
    long rc;

    memset(dev, 0, sizeof(*dev));
    if (strlcpy(dev->nodename, nodename, sizeof(dev->nodename)) >= sizeof(dev->nodename))
        return -E2BIG;
    dev->is_back = is_back;
    dev->otherend_changed = changed;
    dev->priv = priv;
    if ((rc = read_node(nodename, is_back ? "frontend" : "backend", dev->otherend,
                        sizeof(dev->otherend))) ||
        (rc = read_node(nodename, is_back ? "frontend-id" : "backend-id", id, sizeof(id))))
        return rc;
    v = simple_strtoull(id, &end, 10);
    if (end == id || *end || v >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    dev->otherend_id = (domid_t)v;
    if (is_back && (rc = check_frontend(dev)))
        return rc;
    snprintf(dev->watch_path, sizeof(dev->watch_path), "%s/state", dev->otherend);
    dev->otherend_state = XenbusStateUnknown;
    dev->watch = (struct xenbus_watch){ .path = dev->watch_path, .fn = otherend_watch_fired,
                                        .data = dev };
    return xenbus_watch(&dev->watch);
}

void xenbus_device_stop(struct xenbus_device *dev)
{
    xenbus_unwatch(&dev->watch);
}

long xenbus_read_otherend_u64(struct xenbus_device *dev, const char *node, uint64_t *value)
{
    char path[XENBUS_PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/%s", dev->otherend, node);
    return xenbus_read_u64(XBT_NIL, path, value);
}
