/* The store's life (creation with Xen's first nodes, destruction), its
 * memory, the error names, direct reads and the consistency check. */
#include "xs_private.h"

void *xs_alloc(struct xs_store *s, size_t size)
{
    return s->alloc.alloc(s->alloc.ctx, size ? size : 1);
}

void xs_free(struct xs_store *s, void *p, size_t size)
{
    if (p)
        s->alloc.free(s->alloc.ctx, p, size ? size : 1);
}

char *xs_strndup(struct xs_store *s, const char *str, size_t len)
{
    char *copy = xs_alloc(s, len + 1);

    if (copy) {
        memcpy(copy, str, len);
        copy[len] = '\0';
    }
    return copy;
}

void xs_strfree(struct xs_store *s, char *str, size_t len)
{
    xs_free(s, str, len + 1);
}

/* One of the first nodes, owned by dom0 with no access for others, as
 * Xen's setup_structure makes them. */
static int first_node(struct xs_store *s, const char *path, const char *child)
{
    static const struct xs_perm dom0_only = { .domid = 0, .perms = XS_PERM_NONE };
    struct xs_view v = { .s = s, .conn = NULL, .tx = NULL };
    struct xs_node *n;
    int rc = xs_view_create(&v, path, strlen(path), &dom0_only, 1, &n);

    if (rc == 0 && child)
        rc = xs_node_add_child(s, n, child, strlen(child));
    if (rc == 0)
        rc = xs_view_account(&v, 0, 1);
    return rc;
}

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
    s->scratch = xs_alloc(s, XENSTORE_PAYLOAD_MAX);
    if (!s->scratch || xs_map_init(s, &s->nodes, XS_GLOBAL_BUCKETS) < 0 ||
        first_node(s, "/", "tool") < 0 || first_node(s, "/tool", "xenstored") < 0 ||
        first_node(s, "/tool/xenstored", NULL) < 0 ||
        first_node(s, "@introduceDomain", NULL) < 0 ||
        first_node(s, "@releaseDomain", NULL) < 0) {
        xs_store_destroy(s);
        return NULL;
    }
    return s;
}

void xs_store_destroy(struct xs_store *s)
{
    if (!s)
        return;
    while (s->conns)
        xs_conn_destroy(s->conns);
    while (s->domains) {
        struct xs_domain *d = s->domains;

        s->domains = d->next;
        xs_free(s, d, sizeof(*d));
    }
    xs_map_fini(s, &s->nodes);
    xs_free(s, s->scratch, XENSTORE_PAYLOAD_MAX);
    s->alloc.free(s->alloc.ctx, s, sizeof(*s));
}

long xs_store_read(const struct xs_store *s, const char *path, char *buf, size_t size)
{
    const struct xs_node *n = xs_map_find(&s->nodes, path, strlen(path));

    if (!n)
        return -ENOENT;
    if (n->vlen >= size)
        return -ERANGE;
    memcpy(buf, n->value, n->vlen);
    buf[n->vlen] = '\0';
    return (long)n->vlen;
}

unsigned int xs_store_node_count(const struct xs_store *s)
{
    return s->nodes.count;
}

/* Every node's parent exists and lists it, every listed child exists,
 * the nodes counted per owner match the domain records: 0 or -EIO. */
int xs_store_check(const struct xs_store *s)
{
    for (unsigned int b = 0; b < s->nodes.nbuckets; b++)
        for (const struct xs_node *n = s->nodes.bucket[b]; n; n = n->hnext) {
            if (!n->nperms)
                return -EIO;
            if (n->path[0] == '/' && n->pathlen > 1) {
                size_t plen, blen;
                const char *pp = xs_parent(n->path, n->pathlen, &plen);
                const char *base = xs_basename(n->path, n->pathlen, &blen);
                const struct xs_node *p = xs_map_find(&s->nodes, pp, plen);
                const struct xs_child *ch;

                if (!p)
                    return -EIO;
                for (ch = p->children; ch; ch = ch->next)
                    if (ch->len == blen && !memcmp(ch->name, base, blen))
                        break;
                if (!ch)
                    return -EIO;
            }
            for (const struct xs_child *ch = n->children; ch; ch = ch->next) {
                char *buf = s->scratch;
                size_t len = n->pathlen == 1 ? 0 : n->pathlen;

                if (len + 1 + ch->len > XENSTORE_PAYLOAD_MAX)
                    return -EIO;
                memcpy(buf, n->path, len);
                buf[len] = '/';
                memcpy(buf + len + 1, ch->name, ch->len);
                if (!xs_map_find(&s->nodes, buf, len + 1 + ch->len))
                    return -EIO;
            }
            if (!xs_domain_find(s, n->perms[0].domid))
                return -EIO;
        }
    for (const struct xs_domain *d = s->domains; d; d = d->next) {
        unsigned int owned = 0;

        for (unsigned int b = 0; b < s->nodes.nbuckets; b++)
            for (const struct xs_node *n = s->nodes.bucket[b]; n; n = n->hnext)
                owned += n->perms[0].domid == d->domid;
        if (d->entries != owned)
            return -EIO;
    }
    return 0;
}

/* Xen's names (xs_wire.h's xsd_errors); EINVAL for any other. */
const char *xs_error_name(int err)
{
    static const struct {
        int err;
        const char *name;
    } names[] = {
        { EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
        { XS_EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
        { ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { XS_ENOTEMPTY, "ENOTEMPTY" },
        { ENOSYS, "ENOSYS" }, { XS_EROFS, "EROFS" }, { EBUSY, "EBUSY" },
        { EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
        { EPERM, "EPERM" },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == err)
            return names[i].name;
    return "EINVAL";
}
