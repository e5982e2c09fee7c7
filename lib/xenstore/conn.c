/* Connections: creation for a domain's ring or for dom0's own use, one
 * message in, replies and events out through the connection's callback,
 * and Xen's count of outstanding replies. */
#include <public/xen.h>
#include "xs_private.h"

static struct xs_conn *conn_new(struct xs_store *s, unsigned int domid, bool local,
                                xs_send_fn send, void *opaque)
{
    struct xs_conn *c = xs_alloc(s, sizeof(*c));

    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->store = s;
    c->domid = domid;
    c->local = local;
    c->privileged = domid == 0;
    c->send = send;
    c->opaque = opaque;
    c->next_txid = 1;
    c->next = s->conns;
    s->conns = c;
    return c;
}

struct xs_conn *xs_conn_create_domain(struct xs_store *s, unsigned int domid,
                                      xs_send_fn send, void *opaque)
{
    struct xs_domain *d;
    struct xs_conn *c;

    if (domid >= DOMID_FIRST_RESERVED)
        return NULL;
    d = xs_domain_get(s, domid);
    if (!d)
        return NULL;
    if (d->conn)
        return NULL;
    c = conn_new(s, domid, false, send, opaque);
    if (!c) {
        xs_domain_put(s, d);
        return NULL;
    }
    d->conn = c;
    d->shutdown_fired = false;
    return c;
}

struct xs_conn *xs_conn_create_local(struct xs_store *s, xs_send_fn send, void *opaque)
{
    return conn_new(s, 0, true, send, opaque);
}

void xs_conn_destroy(struct xs_conn *c)
{
    struct xs_store *s = c->store;
    struct xs_conn **pp = &s->conns;

    xs_watches_drop(c);
    xs_txs_drop(c);
    if (!c->local) {
        struct xs_domain *d = xs_domain_find(s, c->domid);

        if (d && d->conn == c) {
            d->conn = NULL;
            xs_domain_put(s, d);
        }
    }
    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    xs_free(s, c, sizeof(*c));
}

unsigned int xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

void *xs_conn_opaque(const struct xs_conn *c)
{
    return c->opaque;
}

void xs_conn_consumed(struct xs_conn *c, unsigned int messages)
{
    c->outstanding -= messages < c->outstanding ? messages : c->outstanding;
}

bool xs_conn_may_read(const struct xs_conn *c)
{
    return c->privileged || c->outstanding < c->store->quota.outstanding;
}

static void send_msg(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                     const void *payload, size_t len)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = tx_id,
                               .len = (uint32_t)len };

    c->outstanding++;
    c->send(c->opaque, &hdr, payload ? payload : "");   /* never NULL, even for 0 bytes */
}

/* A reply to the request being handled; one too long for the wire
 * becomes E2BIG, as Xen's send_reply makes it. */
void xs_reply(struct xs_conn *c, uint32_t type, const void *payload, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX) {
        xs_reply_error(c, -E2BIG);
        return;
    }
    send_msg(c, type, c->req_id, c->tx_id, payload, len);
}

void xs_reply_ok(struct xs_conn *c)
{
    xs_reply(c, c->req_type, "OK", 3);
}

void xs_reply_error(struct xs_conn *c, int err)
{
    const char *name = xs_error_name(-err);

    send_msg(c, XS_ERROR, c->req_id, c->tx_id, name, strlen(name) + 1);
}

/* <path>|<token>|, req_id and tx_id 0.  Dropped when it would not fit
 * the wire, or when an unprivileged client already has its quota of
 * replies and events unconsumed. */
void xs_send_event(struct xs_conn *c, const char *path, size_t plen,
                   const char *token, size_t toklen)
{
    char *buf = c->store->scratch;

    if (plen + toklen + 2 > XENSTORE_PAYLOAD_MAX)
        return;
    if (!xs_conn_may_read(c))
        return;
    memcpy(buf, path, plen);
    buf[plen] = '\0';
    memcpy(buf + plen + 1, token, toklen);
    buf[plen + 1 + toklen] = '\0';
    send_msg(c, XS_WATCH_EVENT, 0, 0, buf, plen + toklen + 2);
}

/* The first NUL in p[0..len), or NULL. */
static const char *find_nul(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!p[i])
            return p + i;
    return NULL;
}

/* Splits payload into its NUL-terminated strings (bytes after the last
 * NUL are not a string); fills up to max of vec; returns how many there
 * are, as Xen's get_strings. */
unsigned int xs_strings(const char *payload, uint32_t len, const char **vec,
                        unsigned int max)
{
    unsigned int n = 0;
    uint32_t off = 0;

    while (off < len) {
        const char *nul = find_nul(payload + off, len - off);

        if (!nul)
            break;
        if (n < max)
            vec[n] = payload + off;
        n++;
        off = (uint32_t)(nul - payload) + 1;
    }
    return n;
}

/* The single argument: one string whose NUL ends the payload. */
const char *xs_onearg(const char *payload, uint32_t len)
{
    if (!len || find_nul(payload, len) != payload + len - 1)
        return NULL;
    return payload;
}

int xs_conn_feed(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
    int rc;

    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return -EINVAL;
    c->req_id = hdr->req_id;
    c->tx_id = hdr->tx_id;
    c->req_type = hdr->type;
    rc = xs_do_request(c, hdr->type, hdr->tx_id, payload, hdr->len);
    if (rc < 0)
        xs_reply_error(c, rc);
    return 0;
}
