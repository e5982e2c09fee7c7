/* Watches: XS_WATCH / XS_UNWATCH, and the events a change fires.  An
 * event goes to every watch whose path is the changed node or one of its
 * ancestors (a removed node's descendants: the exact node only), if the
 * watcher may read the node (before or after a permission change) or its
 * parent, as Xen 4.17's xenstored decides.  Changes in a transaction fire
 * when it commits. */
#include "xs_private.h"

static bool may_read(const struct xs_conn *c, const struct xs_perm *p, unsigned int np)
{
    return p && np && (xs_perm_for(c, p, np) & XS_PERM_READ);
}

static bool permitted(const struct xs_store *s, const struct xs_conn *c,
                      const char *path, size_t len, const struct xs_perm *perms,
                      unsigned int np, const struct xs_perm *old, unsigned int oldnp)
{
    const struct xs_node *parent;
    const char *pp;
    size_t plen;

    if (may_read(c, old, oldnp) || may_read(c, perms, np))
        return true;
    if (len == 1 && path[0] == '/')
        return false;
    pp = xs_parent(path, len, &plen);
    parent = xs_map_find(&s->nodes, pp, plen);
    return parent && may_read(c, parent->perms, parent->nperms);
}

static bool matches(const struct xs_watch *w, const char *path, size_t len, bool exact)
{
    if (exact)
        return w->pathlen == len && !memcmp(w->path, path, len);
    return xs_is_child(path, len, w->path, w->pathlen);
}

void xs_fire_now(struct xs_store *s, const char *path, size_t len, bool exact,
                 const struct xs_perm *perms, unsigned int np,
                 const struct xs_perm *old, unsigned int oldnp)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        int allowed = -1;                   /* not decided yet */

        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (!matches(w, path, len, exact))
                continue;
            if (allowed < 0)
                allowed = permitted(s, c, path, len, perms, np, old, oldnp);
            if (!allowed)
                break;
            xs_send_event(c, path + w->prefix_len, len - w->prefix_len, w->token, w->toklen);
        }
    }
}

/* Holds the event back until the transaction commits, once per path
 * (a transaction writing one node a million times fires once, as Xen's
 * fires once per changed node); without memory the transaction fails (it
 * could not keep its promise of events). */
static void queue_event(struct xs_tx *tx, struct xs_store *s, const char *path, size_t len,
                        bool exact, const struct xs_perm *perms, unsigned int np,
                        const struct xs_perm *old, unsigned int oldnp)
{
    struct xs_pending_event *e;
    struct xs_perm *p;

    for (e = tx->events; e; e = e->next)
        if (e->exact == exact && e->pathlen == len && !memcmp(e->path, path, len))
            return;
    e = xs_alloc(s, sizeof(*e) + len + 1);
    p = xs_alloc(s, (np + oldnp) * sizeof(*p));

    if (!e || !p) {
        xs_free(s, e, sizeof(*e) + len + 1);
        xs_free(s, p, (np + oldnp) * sizeof(*p));
        tx->failed = true;
        return;
    }
    memcpy(p, perms, np * sizeof(*p));
    if (oldnp)
        memcpy(p + np, old, oldnp * sizeof(*p));
    e->next = NULL;
    e->exact = exact;
    e->perms = p;
    e->nperms = np;
    e->noldperms = oldnp;
    e->pathlen = len;
    memcpy(e->path, path, len);
    e->path[len] = '\0';
    if (tx->events_tail)
        tx->events_tail->next = e;
    else
        tx->events = e;
    tx->events_tail = e;
}

void xs_fire(struct xs_view *v, const char *path, size_t len, bool exact,
             const struct xs_perm *perms, unsigned int np,
             const struct xs_perm *old, unsigned int oldnp)
{
    if (v->tx)
        queue_event(v->tx, v->s, path, len, exact, perms, np, old, oldnp);
    else
        xs_fire_now(v->s, path, len, exact, perms, np, old, oldnp);
}

void xs_pending_fire_free(struct xs_store *s, struct xs_tx *tx, bool fire)
{
    while (tx->events) {
        struct xs_pending_event *e = tx->events;

        tx->events = e->next;
        if (fire)
            xs_fire_now(s, e->path, e->pathlen, e->exact, e->perms, e->nperms,
                        e->perms + e->nperms, e->noldperms);
        xs_free(s, e->perms, (e->nperms + e->noldperms) * sizeof(*e->perms));
        xs_free(s, e, sizeof(*e) + e->pathlen + 1);
    }
    tx->events_tail = NULL;
}

/* @introduceDomain, @releaseDomain: to those who may read the node. */
void xs_fire_special(struct xs_store *s, const char *name)
{
    size_t len = strlen(name);
    const struct xs_node *n = xs_map_find(&s->nodes, name, len);

    if (n)
        xs_fire_now(s, name, len, false, n->perms, n->nperms, NULL, 0);
}

static void watch_free(struct xs_store *s, struct xs_watch *w)
{
    xs_free(s, w->path, w->pathlen + 1);
    xs_free(s, w->token, w->toklen + 1);
    xs_free(s, w, sizeof(*w));
}

static struct xs_watch **find(struct xs_conn *c, const char *path, size_t plen,
                              const char *token, size_t toklen)
{
    struct xs_watch **pp = &c->watches;

    while (*pp && !((*pp)->pathlen == plen && !memcmp((*pp)->path, path, plen) &&
                    (*pp)->toklen == toklen && !memcmp((*pp)->token, token, toklen)))
        pp = &(*pp)->next;
    return pp;
}

/* XS_WATCH <path>|<token>|: the reply, then the first event at once. */
int xs_do_watch(struct xs_conn *c, const char *payload, uint32_t len)
{
    struct xs_store *s = c->store;
    const char *vec[2];
    struct xs_watch *w, **tail;
    char *path;
    size_t plen, toklen;
    bool relative;
    int rc;

    if (xs_strings(payload, len, vec, 2) != 2)
        return -EINVAL;
    relative = vec[0][0] != '/' && vec[0][0] != '@';
    rc = xs_canonicalize(c, vec[0], true, &path, &plen);
    if (rc < 0)
        return rc;
    toklen = strlen(vec[1]);
    rc = -EEXIST;
    if (*find(c, path, plen, vec[1], toklen))
        goto out;
    /* As Xen 4.17: the count before this one is compared. */
    rc = -E2BIG;
    if (!c->privileged && c->nwatches > s->quota.watches)
        goto out;
    rc = -ENOMEM;
    w = xs_alloc(s, sizeof(*w));
    if (!w)
        goto out;
    w->token = xs_strndup(s, vec[1], toklen);
    if (!w->token) {
        xs_free(s, w, sizeof(*w));
        goto out;
    }
    w->next = NULL;
    w->path = path;
    w->pathlen = plen;
    w->toklen = toklen;
    w->prefix_len = 0;
    if (relative) {
        char home[24];

        w->prefix_len = xs_domain_path(home, c->domid) + 1;
    }
    for (tail = &c->watches; *tail; tail = &(*tail)->next)
        ;
    *tail = w;
    c->nwatches++;
    xs_reply_ok(c);
    xs_send_event(c, w->path + w->prefix_len, w->pathlen - w->prefix_len, w->token, w->toklen);
    return 0;
out:
    xs_free(s, path, plen + 1);
    return rc;
}

int xs_do_unwatch(struct xs_conn *c, const char *payload, uint32_t len)
{
    const char *vec[2];
    struct xs_watch **pp, *w;
    char *path;
    size_t plen;
    int rc;

    if (xs_strings(payload, len, vec, 2) != 2)
        return -EINVAL;
    rc = xs_canonicalize(c, vec[0], true, &path, &plen);
    if (rc < 0)
        return rc;
    pp = find(c, path, plen, vec[1], strlen(vec[1]));
    xs_free(c->store, path, plen + 1);
    if (!*pp)
        return -ENOENT;
    w = *pp;
    *pp = w->next;
    c->nwatches--;
    watch_free(c->store, w);
    xs_reply_ok(c);
    return 0;
}

void xs_watches_drop(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        watch_free(c->store, w);
    }
    c->nwatches = 0;
}
