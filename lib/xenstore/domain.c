/* Domains: the store's record of each domain id (nodes owned, its
 * connection), and the requests about domains: INTRODUCE, RELEASE,
 * RESUME, SET_TARGET, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED,
 * RESET_WATCHES and CONTROL, with the toolstack's direct calls that do
 * the same as the first two. */
#include <public/xen.h>
#include "xs_private.h"

struct xs_domain *xs_domain_find(const struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = s->domains;

    while (d && d->domid != domid)
        d = d->next;
    return d;
}

/* The record, made if there is none (NULL without memory). */
struct xs_domain *xs_domain_get(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (d)
        return d;
    d = xs_alloc(s, sizeof(*d));
    if (!d)
        return NULL;
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->next = s->domains;
    s->domains = d;
    return d;
}

/* Forgets a record that says nothing any more. */
void xs_domain_put(struct xs_store *s, struct xs_domain *d)
{
    struct xs_domain **pp = &s->domains;

    if (d->entries || d->conn)
        return;
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    xs_free(s, d, sizeof(*d));
}

bool xs_domain_introduced(const struct xs_store *s, unsigned int domid)
{
    const struct xs_domain *d = xs_domain_find(s, domid);

    return d && d->conn;
}

int xs_domain_introduce(struct xs_store *s, unsigned int domid, uint64_t mfn,
                        uint32_t evtchn)
{
    struct xs_domain *d;
    int rc;

    if (domid == 0 || domid >= DOMID_FIRST_RESERVED || evtchn == 0)
        return -EINVAL;
    d = xs_domain_find(s, domid);
    if (d && d->conn) {
        /* Introduced again: Xen resets the connection and rebinds. */
        xs_watches_drop(d->conn);
        xs_txs_drop(d->conn);
        if (s->hooks.introduce)
            return s->hooks.introduce(s->hooks.opaque, domid, mfn, evtchn, d->conn);
        return 0;
    }
    if (!s->hooks.introduce)
        return -ENOSYS;
    rc = s->hooks.introduce(s->hooks.opaque, domid, mfn, evtchn, NULL);
    if (rc < 0)
        return rc;
    xs_fire_special(s, "@introduceDomain");
    return 0;
}

/* Drops domid from a node's permission entries after the owner's. */
static void strip_perms(struct xs_store *s, struct xs_node *n, unsigned int domid)
{
    struct xs_perm *p;
    unsigned int i, k = 0, hits = 0;

    for (i = 1; i < n->nperms; i++)
        hits += n->perms[i].domid == domid;
    if (!hits)
        return;
    p = xs_alloc(s, (n->nperms - hits) * sizeof(*p));
    if (!p)
        return;                 /* as Xen: the store carries on */
    for (i = 0; i < n->nperms; i++)
        if (i == 0 || n->perms[i].domid != domid)
            p[k++] = n->perms[i];
    xs_free(s, n->perms, n->nperms * sizeof(*n->perms));
    n->perms = p;
    n->nperms = k;
    n->gen = ++s->gen;
}

/* The topmost node owned by domid below "/" (not a special node), or
 * NULL. */
static struct xs_node *owned_subtree(struct xs_store *s, unsigned int domid)
{
    for (unsigned int b = 0; b < s->nodes.nbuckets; b++)
        for (struct xs_node *n = s->nodes.bucket[b]; n; n = n->hnext) {
            if (n->path[0] != '/' || n->pathlen == 1 || n->perms[0].domid != domid)
                continue;
            for (;;) {
                size_t plen;
                const char *pp = xs_parent(n->path, n->pathlen, &plen);
                struct xs_node *parent = xs_map_find(&s->nodes, pp, plen);

                if (!parent || plen == 1 || parent->perms[0].domid != domid)
                    return n;
                n = parent;
            }
        }
    return NULL;
}

/* Xen 4.17 on a domain's end: the nodes it owns go (their watches
 * fire), and no permission entry names it any more, so a later domain
 * with the same id inherits nothing. */
static void forget_domain(struct xs_store *s, unsigned int domid)
{
    struct xs_view v = { .s = s, .conn = NULL, .tx = NULL };
    struct xs_node *n;

    while ((n = owned_subtree(s, domid)) != NULL)
        if (xs_tree_rm_subtree(&v, n->path, n->pathlen) < 0)
            break;              /* out of memory: leave the rest */
    for (unsigned int b = 0; b < s->nodes.nbuckets; b++)
        for (n = s->nodes.bucket[b]; n; n = n->hnext)
            strip_perms(s, n, domid);
    for (struct xs_conn *c = s->conns; c; c = c->next)
        if (c->has_target && c->target == domid)
            c->has_target = false;
}

int xs_domain_release(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d;
    struct xs_conn *c;

    if (domid == 0)
        return -EINVAL;
    d = xs_domain_find(s, domid);
    if (!d)
        return -ENOENT;
    if (!d->conn)
        return -EINVAL;
    c = d->conn;
    xs_watches_drop(c);
    if (s->hooks.release)
        s->hooks.release(s->hooks.opaque, domid, c);
    xs_conn_destroy(c);
    forget_domain(s, domid);
    xs_fire_special(s, "@releaseDomain");
    return 0;
}

void xs_domain_shutdown(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (!d || !d->conn || d->shutdown_fired)
        return;
    d->shutdown_fired = true;
    xs_fire_special(s, "@releaseDomain");
}

/* A decimal domid argument. */
static int domid_arg(const char *str, unsigned int *domid)
{
    return str ? xs_parse_domid(str, domid) : -EINVAL;
}

/* A decimal number argument (mfn, port): digits only. */
static int number_arg(const char *str, uint64_t *v)
{
    *v = 0;
    if (!*str)
        return -EINVAL;
    for (; *str; str++) {
        if (*str < '0' || *str > '9' || *v > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        *v = *v * 10 + (uint64_t)(*str - '0');
    }
    return 0;
}

static int do_introduce(struct xs_conn *c, const char *payload, uint32_t len)
{
    const char *vec[3];
    unsigned int domid;
    uint64_t mfn, port;
    int rc;

    if (xs_strings(payload, len, vec, 3) < 3)
        return -EINVAL;
    if (xs_parse_domid(vec[0], &domid) < 0 || number_arg(vec[1], &mfn) < 0 ||
        number_arg(vec[2], &port) < 0 || port == 0 || port > UINT32_MAX)
        return -EINVAL;
    rc = xs_domain_introduce(c->store, domid, mfn, (uint32_t)port);
    if (rc < 0)
        return rc;
    xs_reply_ok(c);
    return 0;
}

/* The domain of a one-domid request that must be introduced: ENOENT if
 * the store does not know it, EINVAL if it has no connection (Xen's
 * find_connected_domain). */
static int connected(struct xs_store *s, unsigned int domid, struct xs_domain **out)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (!d)
        return -ENOENT;
    if (!d->conn)
        return -EINVAL;
    *out = d;
    return 0;
}

static int do_resume(struct xs_conn *c, const char *payload, uint32_t len)
{
    struct xs_domain *d;
    unsigned int domid;
    int rc = domid_arg(xs_onearg(payload, len), &domid);

    if (rc < 0)
        return rc;
    if (domid == 0)
        return -EINVAL;
    rc = connected(c->store, domid, &d);
    if (rc < 0)
        return rc;
    d->shutdown_fired = false;
    xs_reply_ok(c);
    return 0;
}

static int do_set_target(struct xs_conn *c, const char *payload, uint32_t len)
{
    const char *vec[2];
    struct xs_domain *d, *t;
    unsigned int domid, tdomid;
    int rc;

    if (xs_strings(payload, len, vec, 2) < 2)
        return -EINVAL;
    if (xs_parse_domid(vec[0], &domid) < 0 || xs_parse_domid(vec[1], &tdomid) < 0)
        return -EINVAL;
    rc = connected(c->store, domid, &d);
    if (rc == 0)
        rc = connected(c->store, tdomid, &t);
    if (rc < 0)
        return rc;
    d->conn->has_target = true;
    d->conn->target = tdomid;
    xs_reply_ok(c);
    return 0;
}

static int do_get_domain_path(struct xs_conn *c, const char *payload, uint32_t len)
{
    char path[24];
    unsigned int domid;
    int rc = domid_arg(xs_onearg(payload, len), &domid);

    if (rc < 0)
        return rc;
    xs_reply(c, XS_GET_DOMAIN_PATH, path, xs_domain_path(path, domid) + 1);
    return 0;
}

/* T for a domain with a connection, for DOMID_SELF, and for dom0 (whose
 * own connections are always there). */
static int do_is_introduced(struct xs_conn *c, const char *payload, uint32_t len)
{
    unsigned int domid;
    int rc = domid_arg(xs_onearg(payload, len), &domid);
    bool yes;

    if (rc < 0)
        return rc;
    yes = domid == DOMID_SELF || domid == 0 || xs_domain_introduced(c->store, domid);
    xs_reply(c, XS_IS_DOMAIN_INTRODUCED, yes ? "T" : "F", 2);
    return 0;
}

static int do_reset_watches(struct xs_conn *c)
{
    xs_watches_drop(c);
    xs_txs_drop(c);
    xs_reply_ok(c);
    return 0;
}


int xs_do_domain_op(struct xs_conn *c, const char *payload, uint32_t len)
{
    unsigned int domid;
    int rc;

    switch (c->req_type) {
    case XS_INTRODUCE:
        return do_introduce(c, payload, len);
    case XS_RELEASE:
        rc = domid_arg(xs_onearg(payload, len), &domid);
        if (rc == 0)
            rc = xs_domain_release(c->store, domid);
        if (rc == 0)
            xs_reply_ok(c);
        return rc;
    case XS_RESUME:
        return do_resume(c, payload, len);
    case XS_SET_TARGET:
        return do_set_target(c, payload, len);
    case XS_GET_DOMAIN_PATH:
        return do_get_domain_path(c, payload, len);
    case XS_IS_DOMAIN_INTRODUCED:
        return do_is_introduced(c, payload, len);
    case XS_RESET_WATCHES:
        return do_reset_watches(c);
    case XS_CONTROL:
        return xs_do_control(c, payload, len);
    default:
        return -ENOSYS;
    }
}
