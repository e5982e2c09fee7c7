/* The store's life: creation with its allocator, hooks and quotas, and
 * destruction.  The request handling lands beside it. */
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/xenstore.h>

/* Placeholders until the request handling lands. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

struct xs_store {
    struct xs_allocator alloc;
    struct xs_hooks hooks;
    struct xs_quota quota;
};

struct xs_store *xs_store_create(const struct xs_allocator *alloc,
                                 const struct xs_hooks *hooks,
                                 const struct xs_quota *quota)
{
    static const struct xs_quota defaults = XS_QUOTA_DEFAULTS;
    struct xs_store *s = alloc->alloc(alloc->ctx, sizeof(*s));

    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->alloc = *alloc;
    if (hooks)
        s->hooks = *hooks;
    s->quota = quota ? *quota : defaults;
    return s;
}

void xs_store_destroy(struct xs_store *s)
{
    if (s)
        s->alloc.free(s->alloc.ctx, s, sizeof(*s));
}

struct xs_conn *xs_conn_create_domain(struct xs_store *s, unsigned int domid,
                                      xs_send_fn send, void *opaque)
{
    return NULL;
}

struct xs_conn *xs_conn_create_local(struct xs_store *s, xs_send_fn send,
                                     void *opaque)
{
    return NULL;
}

void xs_conn_destroy(struct xs_conn *c)
{
}

unsigned int xs_conn_domid(const struct xs_conn *c)
{
    return 0;
}

void *xs_conn_opaque(const struct xs_conn *c)
{
    return NULL;
}

int xs_conn_feed(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                 const void *payload)
{
    return -ENOSYS;
}

void xs_conn_consumed(struct xs_conn *c, unsigned int messages)
{
}

bool xs_conn_may_read(const struct xs_conn *c)
{
    return true;
}

int xs_domain_introduce(struct xs_store *s, unsigned int domid, uint64_t mfn,
                        uint32_t evtchn)
{
    return -ENOSYS;
}

int xs_domain_release(struct xs_store *s, unsigned int domid)
{
    return -ENOSYS;
}

void xs_domain_shutdown(struct xs_store *s, unsigned int domid)
{
}

bool xs_domain_introduced(const struct xs_store *s, unsigned int domid)
{
    return false;
}

long xs_store_read(const struct xs_store *s, const char *path, char *buf,
                   size_t size)
{
    return -ENOENT;
}

unsigned int xs_store_node_count(const struct xs_store *s)
{
    return 0;
}

const char *xs_error_name(int err)
{
    return "EINVAL";
}
