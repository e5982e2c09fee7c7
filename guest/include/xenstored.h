/* The xenstore daemon of the initial domain (guest/kernel/xenstored*.c).
 *
 * It keeps the store (the store library, lib/include/lib/xenstore.h) and
 * serves it over Xen's wire protocol (public/io/xs_wire.h) to:
 *   - each introduced domain, over its store ring page (mapped the way
 *     console_back.c maps a console ring) and an interdomain event channel
 *     bound to the port in the domain's start_info; every event reads at
 *     most a bounded number of requests, so a domain flooding its ring
 *     never holds dom0 or other domains up; a framing violation (a
 *     payload above XENSTORE_PAYLOAD_MAX, indices that say more than the
 *     ring holds) makes the daemon stop serving that ring, as Xen's
 *     xenstored does, until the domain asks to reconnect
 *     (XENSTORE_RECONNECT) or is released;
 *   - this domain itself, through the local connection below (the
 *     toolstack's and the shell's requests, and the guest OS's xenbus).
 *
 * Context: every entry point runs with events disabled on the calling
 * vCPU; rings are served in the upcall of vCPU 0.  Call from vCPU 0. */
#ifndef GUEST_XENSTORED_H
#define GUEST_XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/io/xs_wire.h>
#include <public/xen.h>

/* The local connection: one synchronous request and its reply.
 * req->type, req->tx_id and req->len are the request's (req_id is the
 * daemon's to choose); payload has req->len bytes.  On 0, *reply is the
 * reply's header (type XS_ERROR for an error, the payload then being its
 * name, "ENOENT" and so on, with its NUL) and its payload is in
 * reply_body, of which reply_max bytes are copied at most (reply->len
 * says how many there were).  Otherwise -EINVAL (req->len above
 * XENSTORE_PAYLOAD_MAX, a type a client may not send), -ENOMEM (no
 * memory for the daemon). */
long xenstored_local_call(const struct xsd_sockmsg *req, const void *payload,
                          struct xsd_sockmsg *reply, void *reply_body, size_t reply_max);

/* Watch events for the local connection (those of XS_WATCH requests it
 * made): fn is called once per event with its path and token, after the
 * request that fired it has been answered, never from inside the store.
 * It runs in the daemon's context (perhaps the upcall): it may make local
 * calls, and must not block.  One handler; NULL: events are dropped. */
typedef void xenstored_watch_fn(const char *path, const char *token, void *arg);
void xenstored_local_set_watch_handler(xenstored_watch_fn *fn, void *arg);

/* Further local connections, each with its own watches and handler (the
 * default one above is opened on first use): NULL without memory. */
struct xenstored_conn;
struct xenstored_conn *xenstored_local_open(xenstored_watch_fn *fn, void *arg);
/* Its watches and transactions go; events queued for it are dropped. */
void xenstored_local_close(struct xenstored_conn *c);
long xenstored_local_call_on(struct xenstored_conn *c, const struct xsd_sockmsg *req,
                             const void *payload, struct xsd_sockmsg *reply, void *body,
                             size_t max);

/* Convenience on the local connection for the toolstack and the shell:
 * 0 or -errno (the XS_ERROR name turned back into its number). */
long xenstored_write(uint32_t tx_id, const char *path, const char *value, size_t len);
/* The value, NUL-terminated in buf (truncated to len - 1): its full
 * length, or -errno. */
long xenstored_read(uint32_t tx_id, const char *path, char *buf, size_t len);
long xenstored_rm(uint32_t tx_id, const char *path);
long xenstored_mkdir(uint32_t tx_id, const char *path);
/* The children's names, each NUL-terminated, in buf (at most len bytes
 * copied): the reply's length, or -errno. */
long xenstored_directory(uint32_t tx_id, const char *path, char *buf, size_t len);
/* perms: len bytes of Xen's permission strings ("n0\0r1\0"). */
long xenstored_set_perms(uint32_t tx_id, const char *path, const char *perms, size_t len);
/* An XS_ERROR payload ("ENOENT" and its NUL, len bytes) as -ENOENT. */
long xenstored_errno(const char *name, size_t len);

/* Serve a domain: map its store page (its machine frame store_mfn) and
 * bind its event channel, then tell the store (XS_INTRODUCE's work,
 * @introduceDomain fires).  A domain introduced again has its connection
 * reset and its channel bound anew, as Xen.  0, -EINVAL (domid 0 or
 * reserved, port 0), -ENOSPC (XENSTORED_SLOTS served), -ENOMEM, or the
 * hypervisor's answer (nothing kept). */
long xenstored_introduce(domid_t dom, uint64_t store_mfn, evtchn_port_t remote_port);
/* Stop serving it: its watches and transactions go, its nodes are
 * removed, @releaseDomain fires, its ring is unmapped and its port
 * closed.  -ENOENT if not served. */
long xenstored_release(domid_t dom);
/* Whether a domain is served and its ring in good standing. */
bool xenstored_serving(domid_t dom);
/* The most requests the daemon read from a served domain's ring in one
 * go (an event or the kick timer), for the tests of its bound; 0 if not
 * served. */
unsigned int xenstored_most_per_event(domid_t dom);
/* How many framing violations a served domain made (each a connection
 * reset), and in *logged how many of them the rate-limited log showed;
 * 0 and 0 if not served. */
unsigned int xenstored_violations(domid_t dom, unsigned int *logged);

#endif
