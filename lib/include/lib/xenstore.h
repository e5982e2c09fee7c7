/* The xenstore: Xen's tree of nodes, permissions, watches and
 * transactions behind the wire protocol of public/io/xs_wire.h, as a
 * library (lib/xenstore/).  It does no I/O and keeps no global state: the
 * caller (dom0's daemon) owns the transport, hands in one complete message
 * at a time and gets replies and watch events back through a callback of
 * the connection concerned.  Memory comes from an allocator the caller
 * supplies (lib/heap.h gives one over whole pages).  docs/xenstore.md
 * describes the store and lists where it differs from Xen's xenstored.
 *
 * Not thread-safe: the caller serialises every call on one store (the
 * callbacks run inside those calls, on the caller's stack).
 *
 * Errors returned by functions here are negative Xen errno values
 * (lib/errno.h); errors sent to a client are XS_ERROR replies carrying
 * Xen's names ("ENOENT", "EACCES", ...). */
#ifndef LIB_XENSTORE_H
#define LIB_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

struct xs_store;
struct xs_conn;

/* Memory for the store.  alloc returns size bytes aligned for any
 * object, or NULL (the request then fails with ENOMEM and nothing
 * changes); free gets back the pointer with the size it was asked for. */
struct xs_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
};

/* The daemon's side of domain management.  Each hook is optional; the
 * store calls them only after checking the request (privilege, domid,
 * argument syntax) and before it answers.
 *
 * introduce: XS_INTRODUCE or xs_domain_introduce().  For a domain without
 *   a connection (existing NULL) the daemon maps the store page (machine
 *   frame mfn), binds the event channel and calls xs_conn_create_domain()
 *   before returning 0.  For one already introduced (existing non-NULL),
 *   as Xen: the store has dropped the connection's watches and
 *   transactions, and the daemon binds the event channel again and resets
 *   the ring indices.  A negative errno refuses (sent as the error
 *   reply).  Without the hook a new domain is refused with ENOSYS.
 * release: the domain's connection is about to be destroyed (XS_RELEASE,
 *   xs_domain_release()); the daemon unmaps the page and unbinds the event
 *   channel.  It must not destroy the connection itself: the store does
 *   that when the hook returns. */
struct xs_hooks {
    int (*introduce)(void *opaque, unsigned int domid, uint64_t mfn,
                     uint32_t evtchn, struct xs_conn *existing);
    void (*release)(void *opaque, unsigned int domid, struct xs_conn *conn);
    void *opaque;
};

/* Xen's per-domain quotas (xenstored's defaults as of Xen 4.17 in
 * XS_QUOTA_DEFAULTS).  They bind unprivileged domains only. */
struct xs_quota {
    unsigned int entries;       /* nodes a domain may own (1000) */
    unsigned int watches;       /* watches per domain (128) */
    unsigned int transactions;  /* open transactions per connection (10) */
    unsigned int node_size;     /* bytes of a node: value, perms, children (2048) */
    unsigned int perms;         /* permission entries of a node, owner included (5) */
    unsigned int trans_nodes;   /* nodes one transaction may touch (1024) */
    unsigned int path_len;      /* bytes of a path below the domain's home (2048) */
    unsigned int outstanding;   /* replies and events not yet consumed (20) */
    unsigned int tx_memory;     /* bytes a connection's open transactions hold (2.5 MiB) */
};
#define XS_QUOTA_DEFAULTS { .entries = 1000, .watches = 128, .transactions = 10, \
    .node_size = 2048, .perms = 5, .trans_nodes = 1024,                           \
    .path_len = XENSTORE_REL_PATH_MAX, .outstanding = 20,                         \
    .tx_memory = 2621440 }

/* A new store as Xen's xenstored starts: "/", /tool and /tool/xenstored
 * and the special nodes @introduceDomain and @releaseDomain, all owned by
 * dom0 with no access for others.  alloc is copied;
 * hooks and quota may be NULL (no hooks; Xen's defaults).  NULL when out
 * of memory. */
struct xs_store *xs_store_create(const struct xs_allocator *alloc,
                                 const struct xs_hooks *hooks,
                                 const struct xs_quota *quota);
/* Frees every node, connection, watch and transaction; no hook is
 * called and no event sent. */
void xs_store_destroy(struct xs_store *s);

/* --- Connections ------------------------------------------------------ */

/* Delivers one complete message (header, then hdr->len <=
 * XENSTORE_PAYLOAD_MAX bytes of payload) to the connection's client: a
 * reply to the message being fed, or a watch event (req_id and tx_id 0).
 * The callee copies what it keeps (into the ring, or a queue when the
 * ring is full); it must not call back into the store. */
typedef void (*xs_send_fn)(void *opaque, const struct xsd_sockmsg *hdr,
                           const void *payload);

/* A connection for domain domid's ring, introduced at once
 * (XS_IS_DOMAIN_INTRODUCED says T; @introduceDomain is fired by the
 * introduce path, not here).  Unprivileged unless domid is 0.  NULL if
 * the domain already has one, or out of memory. */
struct xs_conn *xs_conn_create_domain(struct xs_store *s, unsigned int domid,
                                      xs_send_fn send, void *opaque);
/* dom0's own connection for its toolstack and back ends (a socket in
 * Xen): privileged, relative paths under /local/domain/0.  Several may
 * exist. */
struct xs_conn *xs_conn_create_local(struct xs_store *s, xs_send_fn send,
                                     void *opaque);
/* Drops the connection's watches and open transactions and frees it,
 * firing nothing (a transport reset; for a domain's orderly end use
 * xs_domain_release()).  A domain whose connection is destroyed is no
 * longer introduced; its nodes stay. */
void xs_conn_destroy(struct xs_conn *c);

unsigned int xs_conn_domid(const struct xs_conn *c);
/* The opaque pointer given at creation (the daemon's transport state). */
void *xs_conn_opaque(const struct xs_conn *c);

/* Handles one message from the client: hdr, then payload (hdr->len
 * bytes).  Replies and events go out through the send callbacks before
 * this returns.  Returns 0 when the message was answered (errors
 * included), or -EINVAL when it breaks the framing rules (hdr->len >
 * XENSTORE_PAYLOAD_MAX): Xen then drops the connection, and the daemon
 * should reset it (xs_conn_destroy()). */
int xs_conn_feed(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                 const void *payload);

/* Xen's outstanding-request quota: every reply and event sent counts as
 * outstanding until the daemon reports it consumed (written into the
 * client's ring).  While an unprivileged connection has the quota
 * outstanding, the daemon should not read further requests from it
 * (xs_conn_may_read() false) and watch events for it are dropped. */
void xs_conn_consumed(struct xs_conn *c, unsigned int messages);
bool xs_conn_may_read(const struct xs_conn *c);

/* --- The toolstack's direct calls (as the messages from dom0) --------- */

/* XS_INTRODUCE: calls hooks->introduce, then fires @introduceDomain (not
 * for a domain introduced again).  -EINVAL for domid 0 or >=
 * DOMID_FIRST_RESERVED or evtchn 0. */
int xs_domain_introduce(struct xs_store *s, unsigned int domid, uint64_t mfn,
                        uint32_t evtchn);
/* XS_RELEASE, or the domain is destroyed: drops the domain's watches,
 * calls hooks->release, destroys the connection, removes the nodes the
 * domain owns and its entries in others' permissions (Xen 4.17), and
 * fires @releaseDomain.  -ENOENT if the domain is not introduced, -EINVAL
 * for domid 0. */
int xs_domain_release(struct xs_store *s, unsigned int domid);
/* The domain has shut down (crashed, powered off) but is not destroyed:
 * fires @releaseDomain once, as xenstored does on VIRQ_DOM_EXC; again
 * only after XS_RESUME. */
void xs_domain_shutdown(struct xs_store *s, unsigned int domid);
bool xs_domain_introduced(const struct xs_store *s, unsigned int domid);

/* --- Direct access for dom0's own code (no message, no transaction) --- */

/* Read a node's value into buf (size bytes, NUL added when room): the
 * value's length, or -ENOENT / -ERANGE (buf too small; nothing copied
 * beyond size).  Privileged: no permission check.  The path is absolute. */
long xs_store_read(const struct xs_store *s, const char *path, char *buf,
                   size_t size);
/* Nodes in the store, "/" included (for tests and CONTROL). */
unsigned int xs_store_node_count(const struct xs_store *s);

/* Xen's name for an error ("ENOENT"), for a positive Xen errno; "EINVAL"
 * for a number without a xenstore name. */
const char *xs_error_name(int err);

#endif
