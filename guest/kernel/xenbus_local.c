/* The initial domain's xenstore transport (xenbus.h): the daemon it runs
 * itself (xenstored.h), through its local connection. */
#include <xenbus.h>
#include <xenstored.h>

static long local_request(struct xsd_sockmsg *hdr, const void *body, void *reply, size_t size)
{
    struct xsd_sockmsg out;
    long rc = xenstored_local_call(hdr, body, &out, reply, size);

    if (!rc)
        *hdr = out;
    return rc;
}

static void local_watch(const char *path, const char *token, void *arg)
{
    (void)arg;
    xenbus_watch_event(path, token);
}

static const struct xenbus_transport local_transport = { .request = local_request };

void xenbus_local_init(void)
{
    xenstored_local_set_watch_handler(local_watch, NULL);
    xenbus_init(&local_transport);
}
