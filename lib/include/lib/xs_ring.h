/* Both ends of the xenstore ring page (public/io/xs_wire.h,
 * struct xenstore_domain_interface), as byte copies with the index rules
 * in one place (lib/xs_ring.c), and the framing of whole messages.
 *
 * The client (a domain's kernel) produces `req` and consumes `rsp`; the
 * server (the xenstore daemon in the initial domain) the reverse.  Each
 * end trusts only its own index and reads the peer's once.  Indices that
 * say more than XENSTORE_RING_SIZE bytes are in flight are nonsense: the
 * call copies nothing, changes no index and returns -EIO (the daemon
 * stops serving such a ring, as Xen's xenstored does).
 *
 * Framing: a message is a struct xsd_sockmsg and then hdr.len bytes.
 * struct xs_frame gathers one from the ring across as many calls as the
 * bytes take to arrive, into memory the peer cannot touch; a header
 * whose len is above XENSTORE_PAYLOAD_MAX is a protocol violation
 * (XS_FRAME_BAD: the connection is to be reset, nothing more is read).
 * Callers notify the peer (an event-channel send) when a call moved
 * data. */
#ifndef LIB_XS_RING_H
#define LIB_XS_RING_H

#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

/* Client: put up to len bytes into req; how many went, or -EIO. */
long xs_ring_client_write(struct xenstore_domain_interface *r, const void *s, size_t len);
/* Client: take up to len bytes from rsp; how many, or -EIO. */
long xs_ring_client_read(struct xenstore_domain_interface *r, void *buf, size_t len);
/* Server: take up to len bytes from req; how many, or -EIO. */
long xs_ring_server_read(struct xenstore_domain_interface *r, void *buf, size_t len);
/* Server: put up to len bytes into rsp; how many went, or -EIO. */
long xs_ring_server_write(struct xenstore_domain_interface *r, const void *s, size_t len);

/* Bytes waiting for the server in req / for the client in rsp
 * (0 when the indices are nonsense). */
size_t xs_ring_req_pending(const struct xenstore_domain_interface *r);
size_t xs_ring_rsp_pending(const struct xenstore_domain_interface *r);

/* One message being gathered.  body is the caller's buffer of at least
 * XENSTORE_PAYLOAD_MAX bytes (a page does); start with xs_frame_init. */
struct xs_frame {
    struct xsd_sockmsg hdr;
    uint32_t have;              /* bytes of header + body gathered */
    char *body;
};

enum xs_frame_state {
    XS_FRAME_PARTIAL,           /* the ring ran dry first: call again later */
    XS_FRAME_DONE,              /* hdr and body hold one whole message */
    XS_FRAME_BAD,               /* hdr.len too long, or the ring's indices nonsense */
};

void xs_frame_init(struct xs_frame *f, char *body);
/* Gather from req (server) / rsp (client).  After XS_FRAME_DONE, the next
 * call starts the next message. */
enum xs_frame_state xs_frame_server_pull(struct xs_frame *f, struct xenstore_domain_interface *r);
enum xs_frame_state xs_frame_client_pull(struct xs_frame *f, struct xenstore_domain_interface *r);

#endif
