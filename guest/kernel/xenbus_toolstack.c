/* Device directories in xenstore, as the toolstack writes them
 * (xenbus_device.h): the layout and permissions of Xen's libxl, so that
 * front ends written for Xen find what they look for. */
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <xenbus_device.h>

long xenbus_set_perms(xs_tx_t tx, const char *path, const char *const *perms, unsigned int n)
{
    char body[XENBUS_PATH_MAX + 64], reply[8];
    size_t at = strlen(path) + 1;

    if (at > sizeof(body))
        return -E2BIG;
    memcpy(body, path, at);
    for (unsigned int i = 0; i < n; i++) {
        size_t len = strlen(perms[i]) + 1;

        if (at + len > sizeof(body))
            return -E2BIG;
        memcpy(body + at, perms[i], len);
        at += len;
    }
    return MIN(xenbus_request(XS_SET_PERMS, tx, body, at, reply, sizeof(reply)), 0L);
}

static long write_node(xs_tx_t tx, const char *dir, const char *node, const char *value)
{
    char path[XENBUS_PATH_MAX + 32];

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, node) >= sizeof(path))
        return -E2BIG;
    return xenbus_write(tx, path, value);
}

/* A directory with its owner and the one other domain that may read it;
 * its nodes inherit that. */
static long make_dir(xs_tx_t tx, const char *dir, domid_t owner, domid_t reader)
{
    char p0[8], p1[8];
    const char *perms[] = { p0, p1 };
    long rc;

    snprintf(p0, sizeof(p0), "n%u", (unsigned int)owner);
    snprintf(p1, sizeof(p1), "r%u", (unsigned int)reader);
    if ((rc = xenbus_mkdir(tx, dir)))
        return rc;
    return xenbus_set_perms(tx, dir, perms, 2);
}

static long device_dirs(xs_tx_t tx, const char *front, const char *back, domid_t dom,
                        const char *const *front_nodes)
{
    char id[8];
    long rc;

    snprintf(id, sizeof(id), "%u", (unsigned int)dom);
    if ((rc = make_dir(tx, front, dom, 0)) || (rc = make_dir(tx, back, 0, dom)) ||
        (rc = write_node(tx, front, "backend", back)) ||
        (rc = write_node(tx, front, "backend-id", "0")) ||
        (rc = write_node(tx, front, "state", "1")) ||
        (rc = write_node(tx, back, "frontend", front)) ||
        (rc = write_node(tx, back, "frontend-id", id)) ||
        (rc = write_node(tx, back, "online", "1")) ||
        (rc = write_node(tx, back, "state", "1")))
        return rc;
    for (; front_nodes && front_nodes[0]; front_nodes += 2)
        if ((rc = write_node(tx, front, front_nodes[0], front_nodes[1])))
            return rc;
    return 0;
}

static void paths(const char *type, domid_t dom, unsigned int devid, char *front, char *back)
{
    snprintf(front, XENBUS_PATH_MAX, "/local/domain/%u/device/%s/%u", (unsigned int)dom, type,
             devid);
    snprintf(back, XENBUS_PATH_MAX, "/local/domain/0/backend/%s/%u/%u", type,
             (unsigned int)dom, devid);
}

long xenbus_device_create(const char *type, domid_t dom, unsigned int devid,
                          const char *const *front_nodes)
{
    char front[XENBUS_PATH_MAX], back[XENBUS_PATH_MAX];
    xs_tx_t tx;
    long rc;

    paths(type, dom, devid, front, back);
    do {
        if ((rc = xenbus_transaction_start(&tx)))
            return rc;
        if ((rc = device_dirs(tx, front, back, dom, front_nodes))) {
            xenbus_transaction_end(tx, true);
            return rc;
        }
        rc = xenbus_transaction_end(tx, false);
    } while (rc == -EAGAIN);
    return rc;
}

long xenbus_device_remove(const char *type, domid_t dom, unsigned int devid)
{
    char front[XENBUS_PATH_MAX], back[XENBUS_PATH_MAX];
    long a, b;

    paths(type, dom, devid, front, back);
    a = xenbus_rm(XBT_NIL, front);
    b = xenbus_rm(XBT_NIL, back);
    return a ? a : b;
}
