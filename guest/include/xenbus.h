/* Xenstore from the guest OS (xenbus.c): requests with replies, watches,
 * transactions, the same calls in every domain.  A domU's requests travel
 * over its store ring (xenbus_ring.c, the page and event channel named in
 * start_info); the initial domain, which runs the xenstore daemon itself,
 * reaches it through the daemon's local connection.
 *
 * Requests are made from thread context (never from an event handler)
 * and wait for their reply.  Watch callbacks run in thread context too:
 * from xenbus_run(), which the kernel's idle and wait loops call; the
 * events of a watch may come together or more often than its node
 * changed (after an overflow, every watch fires once), so a callback
 * reads what it watches again. */
#ifndef GUEST_XENBUS_H
#define GUEST_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lib.h>
#include <public/io/xs_wire.h>

typedef uint32_t xs_tx_t;
#define XBT_NIL 0u

/* How requests reach the daemon: send one message and wait for its
 * reply, copied into reply (payload of at most size bytes, its type and
 * length in *hdr).  0, or a negative errno when the transport failed. */
struct xenbus_transport {
    long (*request)(struct xsd_sockmsg *hdr, const void *body, void *reply, size_t size);
};

/* Start on a transport: the ring (a domU) or the daemon's local
 * connection (the initial domain). */
void xenbus_init(const struct xenbus_transport *t);
bool xenbus_ready(void);

/* The requests.  Each returns 0 (or a length) on success, or the negated
 * errno the daemon named (-ENOENT, -EACCES, -EAGAIN, ...). */
long xenbus_read(xs_tx_t tx, const char *path, char *buf, size_t size);   /* length */
long xenbus_read_u64(xs_tx_t tx, const char *path, uint64_t *value);
long xenbus_write(xs_tx_t tx, const char *path, const char *value);
long xenbus_printf(xs_tx_t tx, const char *path, const char *fmt, ...) __printf(3, 4);
long xenbus_mkdir(xs_tx_t tx, const char *path);
long xenbus_rm(xs_tx_t tx, const char *path);
/* The names of path's children, each NUL-terminated, in buf: their count. */
long xenbus_directory(xs_tx_t tx, const char *path, char *buf, size_t size);
long xenbus_transaction_start(xs_tx_t *tx);
/* Commit (abort false) or abandon; -EAGAIN: a conflict, start again. */
long xenbus_transaction_end(xs_tx_t tx, bool abort);
/* Any request, for the shell's xenstore-* commands and the tests: the
 * reply's payload in reply (NUL-terminated when it fits), its length. */
long xenbus_request(uint32_t type, xs_tx_t tx, const void *body, size_t len, char *reply,
                    size_t size);

struct xenbus_watch {
    const char *path;
    void (*fn)(struct xenbus_watch *w, const char *path);
    void *data;
    struct xenbus_watch *next;     /* xenbus.c's */
    bool fire_all;                 /* xenbus.c's: events were lost */
};

/* Watch w->path (and below); the daemon sends a first event at once. */
long xenbus_watch(struct xenbus_watch *w);
long xenbus_unwatch(struct xenbus_watch *w);
/* Run the callbacks of the watch events received so far. */
void xenbus_run(void);

/* The transports' side: a watch event arrived (the token not trusted).
 * From an event handler too. */
void xenbus_watch_event(const char *path, const char *token);

/* The domU transport (xenbus_ring.c): the store ring from start_info. */
long xenbus_ring_init(void);
/* The initial domain's: its own daemon's local connection
 * (xenbus_local.c). */
void xenbus_local_init(void);

/* Follow the toolstack's control/shutdown and memory/target
 * (xenbus_control.c); callbacks from xenbus_run. */
long xenbus_control_init(void);

#endif
