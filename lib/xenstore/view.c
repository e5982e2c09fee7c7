/* Views: the store itself, or the store as one transaction sees it.
 * A transaction records each node it looks at (with the node's
 * generation then) and keeps its own copy of each node it changes; the
 * store's nodes are never touched until the commit. */
#include "xs_private.h"

/* The transaction's entry for path, made on first sight. */
static int tx_entry(struct xs_view *v, const char *path, size_t len, struct xs_node **out)
{
    struct xs_store *s = v->s;
    struct xs_tx *tx = v->tx;
    struct xs_node *e = xs_map_find(&tx->map, path, len), *g;

    if (!e) {
        if (v->conn && !v->conn->privileged && tx->accessed >= s->quota.trans_nodes)
            return -ENOSPC;
        e = xs_node_new(s, path, len);
        if (!e) {
            tx->failed = true;
            return -ENOMEM;
        }
        g = xs_map_find(&s->nodes, path, len);
        e->base_gen = g ? g->gen : 0;
        e->state = XS_TX_READ;
        xs_map_insert(&tx->map, e);
        tx->accessed++;
    }
    *out = e;
    return 0;
}

int xs_view_get(struct xs_view *v, const char *path, size_t len,
                const struct xs_node **out)
{
    struct xs_node *e;
    int rc;

    if (!v->tx) {
        *out = xs_map_find(&v->s->nodes, path, len);
        return 0;
    }
    rc = tx_entry(v, path, len, &e);
    if (rc < 0)
        return rc;
    switch (e->state) {
    case XS_TX_WRITTEN:
        *out = e;
        break;
    case XS_TX_DELETED:
        *out = NULL;
        break;
    default:
        *out = xs_map_find(&v->s->nodes, path, len);
        break;
    }
    return 0;
}

/* The node to change in place (NULL if none): the store's own, its
 * generation moved now, or the transaction's copy. */
int xs_view_get_mut(struct xs_view *v, const char *path, size_t len,
                    struct xs_node **out)
{
    struct xs_node *e, *g = xs_map_find(&v->s->nodes, path, len);
    int rc;

    if (!v->tx) {
        if (g)
            g->gen = ++v->s->gen;
        *out = g;
        return 0;
    }
    rc = tx_entry(v, path, len, &e);
    if (rc < 0)
        return rc;
    if (e->state == XS_TX_READ) {
        if (!g) {
            *out = NULL;
            return 0;
        }
        rc = xs_node_copy_into(v->s, e, g);
        if (rc < 0) {
            xs_node_clear(v->s, e);
            v->tx->failed = true;
            return rc;
        }
        e->state = XS_TX_WRITTEN;
    }
    *out = e->state == XS_TX_WRITTEN ? e : NULL;
    return 0;
}

/* A new empty node with these permissions; path must not exist. */
int xs_view_create(struct xs_view *v, const char *path, size_t len,
                   const struct xs_perm *perms, unsigned int np, struct xs_node **out)
{
    struct xs_node *n;
    int rc;

    if (!v->tx) {
        n = xs_node_new(v->s, path, len);
        if (!n)
            return -ENOMEM;
        if (xs_node_set_perms(v->s, n, perms, np) < 0) {
            xs_node_free(v->s, n);
            return -ENOMEM;
        }
        n->gen = ++v->s->gen;
        xs_map_insert(&v->s->nodes, n);
        *out = n;
        return 0;
    }
    rc = tx_entry(v, path, len, &n);
    if (rc < 0)
        return rc;
    xs_node_clear(v->s, n);
    if (xs_node_set_perms(v->s, n, perms, np) < 0) {
        v->tx->failed = true;
        return -ENOMEM;
    }
    n->state = XS_TX_WRITTEN;
    v->tx->created = true;
    *out = n;
    return 0;
}

/* Removes one node (not its children, nor its name in its parent). */
int xs_view_delete(struct xs_view *v, const char *path, size_t len)
{
    struct xs_node *n;
    int rc;

    if (!v->tx) {
        n = xs_map_find(&v->s->nodes, path, len);
        if (n) {
            xs_map_remove(&v->s->nodes, n);
            xs_node_free(v->s, n);
            v->s->gen++;
        }
        return 0;
    }
    rc = tx_entry(v, path, len, &n);
    if (rc < 0)
        return rc;
    xs_node_clear(v->s, n);
    n->state = XS_TX_DELETED;
    return 0;
}

static struct xs_delta *tx_delta(const struct xs_tx *tx, unsigned int domid)
{
    struct xs_delta *d = tx->deltas;

    while (d && d->domid != domid)
        d = d->next;
    return d;
}

/* Nodes owned by domid as the view sees them. */
static long view_entries(const struct xs_view *v, unsigned int domid)
{
    const struct xs_domain *d = xs_domain_find(v->s, domid);
    const struct xs_delta *delta = v->tx ? tx_delta(v->tx, domid) : NULL;

    return (long)(d ? d->entries : 0) + (delta ? delta->entries : 0);
}

/* May the view's connection own n more nodes (Xen's entry quota)? */
bool xs_view_entries_ok(const struct xs_view *v, unsigned int n)
{
    if (!v->conn || v->conn->privileged)
        return true;
    return view_entries(v, v->conn->domid) + n <= v->s->quota.entries;
}

/* owner owns delta more nodes: at once, or at the commit. */
int xs_view_account(struct xs_view *v, unsigned int owner, int delta)
{
    struct xs_domain *d;
    struct xs_delta *td;

    if (v->tx) {
        td = tx_delta(v->tx, owner);
        if (!td) {
            td = xs_alloc(v->s, sizeof(*td));
            if (!td) {
                v->tx->failed = true;
                return -ENOMEM;
            }
            td->domid = owner;
            td->entries = 0;
            td->next = v->tx->deltas;
            v->tx->deltas = td;
        }
        td->entries += delta;
        return 0;
    }
    d = xs_domain_get(v->s, owner);
    if (!d)
        return -ENOMEM;
    d->entries = delta < 0 && d->entries < (unsigned int)-delta ? 0 : d->entries + (unsigned int)delta;
    xs_domain_put(v->s, d);
    return 0;
}

/* Does a node of this size (xs_node_size()) fit the node-size quota of
 * the view's connection? */
bool xs_view_size_ok(const struct xs_view *v, size_t size)
{
    if (!v->conn || v->conn->privileged)
        return true;
    return size <= v->s->quota.node_size;
}
