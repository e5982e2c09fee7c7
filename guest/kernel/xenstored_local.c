/* The daemon's local connection (xenstored.h): dom0's own requests. */
#include <lib/errno.h>
#include <xenstored.h>

static xenstored_watch_fn *watch_fn;
static void *watch_arg;

long xenstored_local_call(const struct xsd_sockmsg *req, const void *payload,
                          struct xsd_sockmsg *reply, void *reply_body, size_t reply_max)
{
    (void)req; (void)payload; (void)reply; (void)reply_body; (void)reply_max;
    return -ENOSYS;                     /* the store is not connected yet */
}

void xenstored_local_set_watch_handler(xenstored_watch_fn *fn, void *arg)
{
    watch_fn = fn;
    watch_arg = arg;
}

long xenstored_write(uint32_t tx_id, const char *path, const char *value, size_t len)
{
    (void)tx_id; (void)path; (void)value; (void)len;
    return -ENOSYS;
}

long xenstored_read(uint32_t tx_id, const char *path, char *buf, size_t len)
{
    (void)tx_id; (void)path; (void)buf; (void)len;
    return -ENOSYS;
}

long xenstored_rm(uint32_t tx_id, const char *path)
{
    (void)tx_id; (void)path;
    return -ENOSYS;
}

long xenstored_introduce(domid_t dom, uint64_t store_mfn, evtchn_port_t remote_port)
{
    (void)dom; (void)store_mfn; (void)remote_port;
    (void)watch_fn; (void)watch_arg;
    return -ENOSYS;
}

long xenstored_release(domid_t dom)
{
    (void)dom;
    return -ENOENT;
}

bool xenstored_serving(domid_t dom)
{
    (void)dom;
    return false;
}
