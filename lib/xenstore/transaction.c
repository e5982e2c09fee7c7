/* Transactions as Xen's xenstored keeps them since 4.9: not a copy of
 * the store but a record of every node looked at (with its generation)
 * and a copy of every node changed.  The commit fails with EAGAIN if any
 * recorded node has changed since (so only overlapping work conflicts),
 * else moves the copies in, which allocates nothing and cannot fail
 * half-way; the watch events held back fire then. */
#include "xs_private.h"

struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id)
{
    struct xs_tx *tx = c->txs;

    while (tx && tx->id != id)
        tx = tx->next;
    return tx;
}

/* The memory a transaction holds: its map, its entries and copies, its
 * node-count changes and its held-back events. */
size_t xs_tx_footprint(const struct xs_tx *tx)
{
    size_t b = sizeof(*tx) + tx->map.nbuckets * sizeof(*tx->map.bucket);

    for (unsigned int i = 0; i < tx->map.nbuckets; i++)
        for (const struct xs_node *e = tx->map.bucket[i]; e; e = e->hnext)
            b += sizeof(*e) + e->pathlen + 1 + e->vlen + e->nperms * sizeof(*e->perms) +
                 e->nchildren * sizeof(struct xs_child) + e->childlen;
    for (const struct xs_delta *d = tx->deltas; d; d = d->next)
        b += sizeof(*d);
    for (const struct xs_pending_event *ev = tx->events; ev; ev = ev->next)
        b += sizeof(*ev) + ev->pathlen + 1 + (ev->nperms + ev->noldperms) * sizeof(*ev->perms);
    return b;
}

/* Xen bounds the memory a domain makes the store hold; here, what its
 * open transactions hold (their copies, and the paths of what they
 * looked at, which the node quotas do not bound): within the quota? */
bool xs_tx_memory_ok(const struct xs_conn *c)
{
    size_t total = 0;

    if (c->privileged)
        return true;
    for (const struct xs_tx *tx = c->txs; tx; tx = tx->next)
        total += tx->bytes;
    return total <= c->store->quota.tx_memory;
}

void xs_tx_free(struct xs_conn *c, struct xs_tx *tx)
{
    struct xs_store *s = c->store;

    xs_map_fini(s, &tx->map);
    while (tx->deltas) {
        struct xs_delta *d = tx->deltas;

        tx->deltas = d->next;
        xs_free(s, d, sizeof(*d));
    }
    xs_pending_fire_free(s, tx, false);
    xs_free(s, tx, sizeof(*tx));
}

static void unlink_tx(struct xs_conn *c, struct xs_tx *tx)
{
    struct xs_tx **pp = &c->txs;

    while (*pp && *pp != tx)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = tx->next;
        c->ntx--;
    }
}

void xs_txs_drop(struct xs_conn *c)
{
    while (c->txs) {
        struct xs_tx *tx = c->txs;

        unlink_tx(c, tx);
        xs_tx_free(c, tx);
    }
}

/* XS_TRANSACTION_START: the new id in decimal. */
int xs_do_tx_start(struct xs_conn *c)
{
    struct xs_store *s = c->store;
    struct xs_tx *tx;
    char id[12];

    /* As Xen 4.17: the count before this one is compared. */
    if (!c->privileged && c->ntx > s->quota.transactions)
        return -ENOSPC;
    tx = xs_alloc(s, sizeof(*tx));
    if (!tx)
        return -ENOMEM;
    memset(tx, 0, sizeof(*tx));
    if (xs_map_init(s, &tx->map, XS_TX_BUCKETS) < 0) {
        xs_free(s, tx, sizeof(*tx));
        return -ENOMEM;
    }
    do {
        tx->id = c->next_txid++;
    } while (tx->id == 0 || xs_tx_find(c, tx->id));
    tx->next = c->txs;
    c->txs = tx;
    c->ntx++;
    xs_reply(c, XS_TRANSACTION_START, id, xs_format_uint(id, tx->id) + 1);
    return 0;
}

/* Has any node the transaction saw changed in the store since? */
static bool conflicts(const struct xs_store *s, const struct xs_tx *tx)
{
    for (unsigned int b = 0; b < tx->map.nbuckets; b++)
        for (const struct xs_node *e = tx->map.bucket[b]; e; e = e->hnext) {
            const struct xs_node *g = xs_map_find(&s->nodes, e->path, e->pathlen);

            if ((g ? g->gen : 0) != e->base_gen)
                return true;
        }
    return false;
}

/* The domain records the node counts will move in, made before anything
 * changes; and whether the committer stays within its entry quota. */
static int prepare_deltas(struct xs_conn *c, const struct xs_tx *tx)
{
    struct xs_store *s = c->store;

    for (const struct xs_delta *d = tx->deltas; d; d = d->next) {
        struct xs_domain *dom;

        if (!d->entries)
            continue;
        if (!c->privileged && d->domid == c->domid && tx->created) {
            dom = xs_domain_find(s, d->domid);
            if ((long)(dom ? dom->entries : 0) + d->entries > (long)s->quota.entries)
                return -ENOSPC;
        }
        if (!xs_domain_get(s, d->domid))
            return -ENOMEM;
    }
    return 0;
}

static void apply(struct xs_conn *c, struct xs_tx *tx)
{
    struct xs_store *s = c->store;

    for (unsigned int b = 0; b < tx->map.nbuckets; b++) {
        struct xs_node *e = tx->map.bucket[b], *next;

        for (; e; e = next) {
            struct xs_node *g = xs_map_find(&s->nodes, e->path, e->pathlen);

            next = e->hnext;
            if (e->state == XS_TX_WRITTEN && g) {
                xs_node_move_data(s, g, e);
                g->gen = ++s->gen;
            } else if (e->state == XS_TX_WRITTEN) {
                xs_map_remove(&tx->map, e);
                e->state = XS_TX_NONE;
                e->gen = ++s->gen;
                xs_map_insert(&s->nodes, e);
            } else if (e->state == XS_TX_DELETED && g) {
                xs_map_remove(&s->nodes, g);
                xs_node_free(s, g);
                s->gen++;
            }
        }
    }
    for (const struct xs_delta *d = tx->deltas; d; d = d->next) {
        struct xs_domain *dom = xs_domain_find(s, d->domid);

        if (dom)
            dom->entries = d->entries < 0 && dom->entries < (unsigned int)-d->entries
                           ? 0 : dom->entries + (unsigned int)d->entries;
    }
}

/* XS_TRANSACTION_END T| commits, F| abandons; the transaction is gone
 * either way (as Xen's: EAGAIN means start again). */
int xs_do_tx_end(struct xs_conn *c, struct xs_tx *tx, const char *payload, uint32_t len)
{
    const char *arg = xs_onearg(payload, len);
    bool commit;
    int rc = 0;

    if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
        return -EINVAL;
    if (!tx)
        return -ENOENT;
    commit = arg[0] == 'T';
    unlink_tx(c, tx);
    if (commit) {
        if (tx->failed)
            rc = -ENOMEM;
        else if (conflicts(c->store, tx))
            rc = -EAGAIN;
        else
            rc = prepare_deltas(c, tx);
        if (rc == 0) {
            apply(c, tx);
            xs_pending_fire_free(c->store, tx, true);
        }
    }
    for (const struct xs_delta *d = tx->deltas; d; d = d->next) {
        struct xs_domain *dom = xs_domain_find(c->store, d->domid);

        if (dom)
            xs_domain_put(c->store, dom);
    }
    xs_tx_free(c, tx);
    if (rc == 0)
        xs_reply_ok(c);
    return rc;
}
