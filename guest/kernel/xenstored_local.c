/* This domain's own connections to its xenstore daemon (xenstored.h): a
 * request is fed to the store at once and its reply copied out before the
 * call returns; watch events wait in one queue, oldest first, until the
 * outermost call into the daemon is done (xsd_local_deliver), so that a
 * handler never runs inside the store and may make calls of its own. */
#include <console.h>
#include <lib/errno.h>
#include <lib/heap.h>
#include <lib/string.h>
#include "xenstored_internal.h"

#define LOCAL_EVENTS_MAX 1024          /* queued at most; more are dropped */

struct xenstored_conn {
    struct xs_conn *conn;
    xenstored_watch_fn *fn;
    void *arg;
    /* the call in progress */
    struct xsd_sockmsg *reply;
    char *body;
    size_t max;
    bool answered;
    unsigned int sent;                  /* messages the store sent: consumed at once */
};

struct local_event {
    struct local_event *next;
    struct xenstored_conn *to;
    uint32_t len;
    char payload[];                     /* path NUL token NUL */
};

static struct local_event *first, **last = &first;
static unsigned int queued;
static struct xenstored_conn *dflt;
static xenstored_watch_fn *dflt_fn;
static void *dflt_arg;

static size_t event_size(uint32_t len)
{
    return sizeof(struct local_event) + len;
}

static void local_send(void *opaque, const struct xsd_sockmsg *hdr, const void *payload)
{
    struct xenstored_conn *c = opaque;
    struct local_event *e;

    c->sent++;
    if (hdr->type != XS_WATCH_EVENT) {
        if (c->reply && !c->answered) {
            *c->reply = *hdr;
            memcpy(c->body, payload, hdr->len < c->max ? hdr->len : c->max);
            c->answered = true;
        }
        return;
    }
    if (!c->fn || queued == LOCAL_EVENTS_MAX || event_size(hdr->len) > HEAP_MAX_SIZE ||
        !(e = xsd_alloc(event_size(hdr->len))))
        return;                         /* nobody listens, or no room: dropped */
    *e = (struct local_event){ .to = c, .len = hdr->len };
    memcpy(e->payload, payload, hdr->len);
    *last = e;
    last = &e->next;
    queued++;
}

static struct local_event *pop(void)
{
    struct local_event *e = first;

    if (e && !(first = e->next))
        last = &first;
    if (e)
        queued--;
    return e;
}

void xsd_local_deliver(void)
{
    struct local_event *e;

    while ((e = pop())) {
        const char *path = e->payload;
        size_t plen = strnlen(path, e->len);
        const char *token = path + plen + 1;

        /* The store's events are path NUL token NUL; anything else would
         * be a bug of the store's, but costs nothing to refuse. */
        if (plen + 1 < e->len && strnlen(token, e->len - plen - 1) < e->len - plen - 1 &&
            e->to->fn)
            e->to->fn(path, token, e->to->arg);
        xsd_free(e, event_size(e->len));
    }
}

struct xenstored_conn *xenstored_local_open(xenstored_watch_fn *fn, void *arg)
{
    bool were;
    struct xs_store *s = xsd_enter(&were);
    struct xenstored_conn *c = s ? xsd_alloc(sizeof(*c)) : NULL;

    if (c) {
        *c = (struct xenstored_conn){ .fn = fn, .arg = arg };
        if (!(c->conn = xs_conn_create_local(s, local_send, c))) {
            xsd_free(c, sizeof(*c));
            c = NULL;
        }
    }
    xsd_leave(were);
    return c;
}

void xenstored_local_close(struct xenstored_conn *c)
{
    bool were;
    struct local_event **p;

    xsd_enter(&were);
    xs_conn_destroy(c->conn);
    for (p = &first; *p;) {
        struct local_event *e = *p;

        if (e->to == c) {
            *p = e->next;
            queued--;
            xsd_free(e, event_size(e->len));
        } else
            p = &e->next;
    }
    for (last = &first; *last; last = &(*last)->next)
        ;
    xsd_free(c, sizeof(*c));
    xsd_leave(were);
}

/* Between xsd_enter and xsd_leave. */
static long call_locked(struct xenstored_conn *c, const struct xsd_sockmsg *req,
                        const void *payload, struct xsd_sockmsg *reply, void *body, size_t max)
{
    struct xsd_sockmsg hdr;
    long rc;

    if (req->len > XENSTORE_PAYLOAD_MAX || req->type == XS_WATCH_EVENT || req->type == XS_ERROR)
        return -EINVAL;
    hdr = (struct xsd_sockmsg){ .type = req->type, .req_id = 0, .tx_id = req->tx_id,
                                .len = req->len };
    c->reply = reply;
    c->body = body;
    c->max = max;
    c->answered = false;
    c->sent = 0;
    rc = xs_conn_feed(c->conn, &hdr, payload);
    c->reply = NULL;
    if (c->sent)
        xs_conn_consumed(c->conn, c->sent);
    if (!rc && !c->answered)
        rc = -EIO;                      /* the store always answers: a bug if not */
    return rc;
}

long xenstored_local_call_on(struct xenstored_conn *c, const struct xsd_sockmsg *req,
                             const void *payload, struct xsd_sockmsg *reply, void *body,
                             size_t max)
{
    bool were;
    long rc;

    if (!xsd_enter(&were))
        rc = -ENOMEM;
    else
        rc = call_locked(c, req, payload, reply, body, max);
    xsd_leave(were);
    return rc;
}

static struct xenstored_conn *default_conn(void)
{
    if (!dflt)
        dflt = xenstored_local_open(dflt_fn, dflt_arg);
    return dflt;
}

long xenstored_local_call(const struct xsd_sockmsg *req, const void *payload,
                          struct xsd_sockmsg *reply, void *reply_body, size_t reply_max)
{
    struct xenstored_conn *c = default_conn();

    return c ? xenstored_local_call_on(c, req, payload, reply, reply_body, reply_max) : -ENOMEM;
}

void xenstored_local_set_watch_handler(xenstored_watch_fn *fn, void *arg)
{
    dflt_fn = fn;
    dflt_arg = arg;
    if (dflt) {
        dflt->fn = fn;
        dflt->arg = arg;
    }
}
