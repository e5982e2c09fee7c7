/* Xenstore requests and watches over a transport (xenbus.h). */
#include <events.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/strtoul.h>
#include <xenbus.h>

static const struct xenbus_transport *transport;
static struct xenbus_watch *watches;
static uint32_t next_req_id = 1;

/* Watch events waiting for xenbus_run: the tokens of the watches that
 * fired (the path is read again by the callback, so only the first path
 * of a burst is kept).  When the queue is full, every watch is marked to
 * fire once instead: spurious events are allowed, lost ones are not. */
#define QUEUE 32
#define QUEUED_PATH 256
static struct {
    char path[QUEUED_PATH];
    uintptr_t token;
} queue[QUEUE];
static unsigned int q_head, q_tail;      /* free-running */
static bool q_overflow;

void xenbus_init(const struct xenbus_transport *t)
{
    transport = t;
}

bool xenbus_ready(void)
{
    return transport != NULL;
}

/* The errno an XS_ERROR reply names: Xen's xenstore sends the name of a
 * C errno ("ENOENT"). */
static long error_of(const char *name)
{
    static const struct { const char *name; long value; } errors[] = {
        { "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
        { "EISDIR", 21 }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
        { "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", 39 },
        { "ENOSYS", ENOSYS }, { "EROFS", 30 }, { "EBUSY", EBUSY },
        { "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
        { "EPERM", EPERM },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(errors); i++)
        if (!strcmp(name, errors[i].name))
            return -errors[i].value;
    return -EIO;
}

long xenbus_request(uint32_t type, xs_tx_t tx, const void *body, size_t len, char *reply,
                    size_t size)
{
    /* The whole reply lands here first: an error's name is read whole
     * whatever the caller's buffer (requests come one at a time, from
     * thread context). */
    static char in[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .tx_id = tx,
                               .len = (uint32_t)len };
    size_t got;
    long rc;

    if (!transport)
        return -ENODEV;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    rc = transport->request(&hdr, body, in, XENSTORE_PAYLOAD_MAX);
    if (rc)
        return rc;
    got = MIN((size_t)hdr.len, (size_t)XENSTORE_PAYLOAD_MAX);
    in[got] = '\0';
    if (hdr.type == XS_ERROR)
        return error_of(in);
    if (hdr.type != type)
        return -EIO;
    if (size) {
        memcpy(reply, in, MIN(got, size - 1));
        reply[MIN(got, size - 1)] = '\0';
    }
    return hdr.len;
}

/* A request whose payload is strings (each with its NUL) and whose reply
 * is "OK" or data. */
static long request_strings(uint32_t type, xs_tx_t tx, const char *a, const char *b,
                            bool b_nul, char *reply, size_t size)
{
    static char body[XENSTORE_PAYLOAD_MAX];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + b_nul : 0;
    char ok[8];

    if (la + lb > sizeof(body))
        return -E2BIG;
    memcpy(body, a, la);
    if (b)
        memcpy(body + la, b, lb);
    if (!reply) {
        reply = ok;
        size = sizeof(ok);
    }
    return xenbus_request(type, tx, body, la + lb, reply, size);
}

long xenbus_read(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    return request_strings(XS_READ, tx, path, NULL, false, buf, size);
}

long xenbus_read_u64(xs_tx_t tx, const char *path, uint64_t *value)
{
    char buf[24];
    const char *end;
    long rc = xenbus_read(tx, path, buf, sizeof(buf));

    if (rc < 0)
        return rc;
    *value = simple_strtoull(buf, &end, 10);
    return end == buf || *end ? -EINVAL : 0;
}

static long ok_or_error(long rc)
{
    return rc < 0 ? rc : 0;
}

long xenbus_write(xs_tx_t tx, const char *path, const char *value)
{
    return ok_or_error(request_strings(XS_WRITE, tx, path, value, false, NULL, 0));
}

long xenbus_printf(xs_tx_t tx, const char *path, const char *fmt, ...)
{
    char value[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xenbus_write(tx, path, value);
}

long xenbus_mkdir(xs_tx_t tx, const char *path)
{
    return ok_or_error(request_strings(XS_MKDIR, tx, path, NULL, false, NULL, 0));
}

long xenbus_rm(xs_tx_t tx, const char *path)
{
    return ok_or_error(request_strings(XS_RM, tx, path, NULL, false, NULL, 0));
}

long xenbus_directory(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    long rc = request_strings(XS_DIRECTORY, tx, path, NULL, false, buf, size), n = 0;

    if (rc < 0)
        return rc;
    if ((size_t)rc >= size)           /* cut short: the last name may be partial */
        return -E2BIG;
    for (long i = 0; i < rc; i++)
        n += buf[i] == '\0';
    return n;
}

long xenbus_transaction_start(xs_tx_t *tx)
{
    char id[16];
    const char *end;
    long rc = request_strings(XS_TRANSACTION_START, XBT_NIL, "", NULL, false, id, sizeof(id));

    if (rc < 0)
        return rc;
    *tx = (xs_tx_t)simple_strtoull(id, &end, 10);
    return end == id || !*tx ? -EIO : 0;
}

long xenbus_transaction_end(xs_tx_t tx, bool abort)
{
    return ok_or_error(request_strings(XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, false,
                                       NULL, 0));
}

static void token_of(const struct xenbus_watch *w, char *buf, size_t size)
{
    snprintf(buf, size, "%lx", (unsigned long)(uintptr_t)w);
}

long xenbus_watch(struct xenbus_watch *w)
{
    char token[24];
    bool on;
    long rc;

    token_of(w, token, sizeof(token));
    on = events_save_disable();
    w->fire_all = false;
    w->next = watches;
    watches = w;
    events_restore(on);
    rc = ok_or_error(request_strings(XS_WATCH, XBT_NIL, w->path, token, true, NULL, 0));
    if (rc)
        xenbus_unwatch(w);
    return rc;
}

long xenbus_unwatch(struct xenbus_watch *w)
{
    char token[24];
    bool on;
    long rc;

    token_of(w, token, sizeof(token));
    rc = ok_or_error(request_strings(XS_UNWATCH, XBT_NIL, w->path, token, true, NULL, 0));
    on = events_save_disable();
    for (struct xenbus_watch **p = &watches; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    events_restore(on);
    return rc;
}

/* From a transport, perhaps in an event handler.  The token names a
 * watch only if it is one registered (checked when it runs). */
void xenbus_watch_event(const char *path, const char *token)
{
    const char *end;
    uintptr_t w = (uintptr_t)simple_strtoull(token, &end, 16);
    bool on;

    if (end == token || *end)
        return;
    on = events_save_disable();
    if (q_head - q_tail == QUEUE) {
        q_overflow = true;
    } else {
        strlcpy(queue[q_head % QUEUE].path, path, QUEUED_PATH);
        queue[q_head % QUEUE].token = w;
        q_head++;
    }
    events_restore(on);
}

static struct xenbus_watch *watch_of(uintptr_t token)
{
    for (struct xenbus_watch *w = watches; w; w = w->next)
        if ((uintptr_t)w == token)
            return w;
    return NULL;
}

void xenbus_run(void)
{
    static bool running;               /* a callback that sleeps comes back here */
    char path[QUEUED_PATH];
    bool on;

    if (running || (q_head == q_tail && !q_overflow))
        return;
    running = true;
    on = events_save_disable();

    if (q_overflow) {
        q_overflow = false;
        for (struct xenbus_watch *w = watches; w; w = w->next)
            w->fire_all = true;
    }
again:
    for (struct xenbus_watch *w = watches; w; w = w->next) {
        if (!w->fire_all)
            continue;
        w->fire_all = false;
        events_restore(on);
        w->fn(w, w->path);
        on = events_save_disable();
        goto again;                    /* the list may have changed */
    }
    while (q_tail != q_head) {
        struct xenbus_watch *w = watch_of(queue[q_tail % QUEUE].token);

        strlcpy(path, queue[q_tail % QUEUE].path, sizeof(path));
        q_tail++;
        if (!w)
            continue;
        events_restore(on);
        w->fn(w, path);
        on = events_save_disable();
    }
    events_restore(on);
    running = false;
}
