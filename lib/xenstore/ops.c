/* The requests: Xen's table of message types (which need privilege,
 * which ignore the transaction id), and the handlers that read the tree
 * or hand a change to tree.c.  A handler returns 0 once it has replied,
 * or a negative errno for the error reply. */
#include "xs_private.h"

#define F_PRIV  1u    /* privileged connections only (EACCES) */
#define F_NOTX  2u    /* the transaction id is ignored */

struct op {
    int (*fn)(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len);
    unsigned int flags;
};

/* The one path argument, canonical; the caller frees it. */
static int path_arg(struct xs_conn *c, const char *payload, uint32_t len,
                    bool special, char **path, size_t *plen)
{
    return xs_canonicalize(c, xs_onearg(payload, len), special, path, plen);
}

static int do_read(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    const struct xs_node *n;
    char *path;
    size_t plen;
    int rc = path_arg(c, payload, len, false, &path, &plen);

    if (rc < 0)
        return rc;
    rc = xs_node_access(v, path, plen, XS_PERM_READ, &n);
    if (rc == 0)
        xs_reply(c, XS_READ, n->value, n->vlen);
    xs_free(c->store, path, plen + 1);
    return rc;
}

/* Children's names from byte offset off of the list, whole names while
 * they fit in max bytes; the bytes written. */
static size_t children_from(const struct xs_node *n, size_t off, char *buf, size_t max)
{
    size_t pos = 0, out = 0;

    for (const struct xs_child *ch = n->children; ch; ch = ch->next) {
        size_t clen = ch->len + 1, skip = 0;

        if (pos + clen <= off) {
            pos += clen;
            continue;
        }
        if (pos < off)
            skip = off - pos;               /* an offset inside a name, as Xen's */
        if (out + clen - skip > max)
            break;
        memcpy(buf + out, ch->name + skip, clen - skip);
        out += clen - skip;
        pos += clen;
    }
    return out;
}

static int do_directory(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    const struct xs_node *n;
    char *path;
    size_t plen;
    int rc = path_arg(c, payload, len, false, &path, &plen);

    if (rc < 0)
        return rc;
    rc = xs_node_access(v, path, plen, XS_PERM_READ, &n);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    if (n->childlen > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    xs_reply(c, XS_DIRECTORY, c->store->scratch,
             children_from(n, 0, c->store->scratch, XENSTORE_PAYLOAD_MAX));
    return 0;
}

/* <path>|<offset>| -> <gencnt>|<names from offset>|*, an empty name
 * ending the list once it is complete. */
static int do_directory_part(struct xs_conn *c, struct xs_view *v, const char *payload,
                             uint32_t len)
{
    const char *vec[2];
    const struct xs_node *n;
    char *path, *buf = c->store->scratch;
    size_t plen, off = 0, genlen, out;
    int rc;

    if (xs_strings(payload, len, vec, 2) != 2)
        return -EINVAL;
    rc = xs_canonicalize(c, vec[0], false, &path, &plen);
    if (rc < 0)
        return rc;
    rc = xs_node_access(v, path, plen, XS_PERM_READ, &n);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    /* atoi's reading: leading digits, a negative offset behind the list. */
    if (vec[1][0] == '-')
        off = n->childlen;
    for (const char *p = vec[1]; *p >= '0' && *p <= '9' && off <= n->childlen; p++)
        off = off * 10 + (size_t)(*p - '0');
    genlen = xs_format_uint(buf, n->gen) + 1;
    if (off >= n->childlen) {
        buf[genlen] = '\0';
        xs_reply(c, XS_DIRECTORY_PART, buf, genlen + 1);
        return 0;
    }
    out = children_from(n, off, buf + genlen, XENSTORE_PAYLOAD_MAX - genlen - 1);
    if (off + out >= n->childlen)
        buf[genlen + out++] = '\0';
    xs_reply(c, XS_DIRECTORY_PART, buf, genlen + out);
    return 0;
}

static int do_write(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    const char *vec[1];
    char *path;
    size_t plen, off;
    int rc;

    if (xs_strings(payload, len, vec, 1) < 1)
        return -EINVAL;
    off = strlen(vec[0]) + 1;
    rc = xs_canonicalize(c, vec[0], false, &path, &plen);
    if (rc < 0)
        return rc;
    rc = xs_tree_write(v, path, plen, payload + off, len - off, true);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    xs_reply_ok(c);
    return 0;
}

static int do_mkdir(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    char *path;
    size_t plen;
    int rc = path_arg(c, payload, len, false, &path, &plen);

    if (rc < 0)
        return rc;
    rc = xs_tree_write(v, path, plen, NULL, 0, false);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    xs_reply_ok(c);
    return 0;
}

static int do_rm(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    char *path;
    size_t plen;
    int rc = path_arg(c, payload, len, false, &path, &plen);

    if (rc < 0)
        return rc;
    rc = xs_tree_rm(v, path, plen);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    xs_reply_ok(c);
    return 0;
}

static int do_get_perms(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    const struct xs_node *n;
    char *path;
    size_t plen;
    int rc = path_arg(c, payload, len, true, &path, &plen);

    if (rc < 0)
        return rc;
    rc = xs_node_access(v, path, plen, XS_PERM_READ, &n);
    xs_free(c->store, path, plen + 1);
    if (rc < 0)
        return rc;
    xs_reply(c, XS_GET_PERMS, c->store->scratch,
             xs_perms_format(n->perms, n->nperms, c->store->scratch, XENSTORE_PAYLOAD_MAX));
    return 0;
}

/* <path>|<perm>|+: more entries than the quota allows is ENOSPC before
 * anything is parsed, as Xen's. */
static int do_set_perms(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    struct xs_store *s = c->store;
    unsigned int count = xs_strings(payload, len, NULL, 0), np;
    struct xs_perm *perms;
    size_t off, plen;
    char *path;
    int rc;

    if (count < 2)
        return -EINVAL;
    np = count - 1;
    if (!c->privileged && np > s->quota.perms)
        return -ENOSPC;
    perms = xs_alloc(s, np * sizeof(*perms));
    if (!perms)
        return -ENOMEM;
    off = strlen(payload) + 1;
    rc = xs_perms_parse(payload + off, len - off, perms, np, &np);
    if (rc == 0)
        rc = xs_canonicalize(c, payload, true, &path, &plen);
    if (rc == 0) {
        rc = xs_tree_set_perms(v, path, plen, perms, np);
        xs_free(s, path, plen + 1);
    }
    xs_free(s, perms, (count - 1) * sizeof(*perms));
    if (rc < 0)
        return rc;
    xs_reply_ok(c);
    return 0;
}

static int do_watch(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    (void)v;
    return xs_do_watch(c, payload, len);
}

static int do_unwatch(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    (void)v;
    return xs_do_unwatch(c, payload, len);
}

/* Nested transactions are not supported: a start inside one is EBUSY.
 * The payload is not looked at, as Xen's. */
static int do_tx_start(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    (void)payload;
    (void)len;
    if (v->tx)
        return -EBUSY;
    return xs_do_tx_start(c);
}

static int do_tx_end(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    return xs_do_tx_end(c, v->tx, payload, len);
}

static int do_domain(struct xs_conn *c, struct xs_view *v, const char *payload, uint32_t len)
{
    (void)v;
    return xs_do_domain_op(c, payload, len);
}

static const struct op ops[XS_TYPE_COUNT] = {
    [XS_CONTROL]              = { do_domain,         F_PRIV },
    [XS_DIRECTORY]            = { do_directory,      0 },
    [XS_READ]                 = { do_read,           0 },
    [XS_GET_PERMS]            = { do_get_perms,      0 },
    [XS_WATCH]                = { do_watch,          F_NOTX },
    [XS_UNWATCH]              = { do_unwatch,        F_NOTX },
    [XS_TRANSACTION_START]    = { do_tx_start,       0 },
    [XS_TRANSACTION_END]      = { do_tx_end,         0 },
    [XS_INTRODUCE]            = { do_domain,         F_PRIV },
    [XS_RELEASE]              = { do_domain,         F_PRIV },
    [XS_GET_DOMAIN_PATH]      = { do_domain,         0 },
    [XS_WRITE]                = { do_write,          0 },
    [XS_MKDIR]                = { do_mkdir,          0 },
    [XS_RM]                   = { do_rm,             0 },
    [XS_SET_PERMS]            = { do_set_perms,      0 },
    [XS_IS_DOMAIN_INTRODUCED] = { do_domain,         F_PRIV },
    [XS_RESUME]               = { do_domain,         F_PRIV },
    [XS_SET_TARGET]           = { do_domain,         F_PRIV },
    [XS_RESET_WATCHES]        = { do_domain,         0 },
    [XS_DIRECTORY_PART]       = { do_directory_part, 0 },
};

/* Unknown types are ENOSYS, privileged ones EACCES for others, then an
 * unknown transaction id ENOENT: Xen's order. */
int xs_do_request(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                  const char *payload, uint32_t len)
{
    struct xs_view v = { .s = c->store, .conn = c, .tx = NULL };
    const struct op *op;

    if (type >= XS_TYPE_COUNT || !ops[type].fn)
        return -ENOSYS;
    op = &ops[type];
    if ((op->flags & F_PRIV) && !c->privileged)
        return -EACCES;
    if (!(op->flags & F_NOTX) && tx_id) {
        v.tx = xs_tx_find(c, tx_id);
        if (!v.tx)
            return -ENOENT;
        if (type != XS_TRANSACTION_END) {
            int rc;

            if (!xs_tx_memory_ok(c))
                return -ENOMEM;
            rc = op->fn(c, &v, payload, len);
            /* Found again: the request may have ended it (RESET_WATCHES). */
            v.tx = xs_tx_find(c, tx_id);
            if (v.tx)
                v.tx->bytes = xs_tx_footprint(v.tx);
            return rc;
        }
    }
    return op->fn(c, &v, payload, len);
}
