/* The parts of dom0's xenstore daemon (xenstored.h) and what they share:
 *   xenstored.c        the store, its memory, the introduce/release hooks
 *   xenstored_ring.c   domains' store rings: mapping, events, framing
 *   xenstored_outq.c   each ring's queue of replies and events
 *   xenstored_local.c  this domain's own connections
 *   xenstored_ops.c    requests on them with errors as numbers
 *
 * Locking: the store is not thread-safe.  Every entry point runs between
 * xsd_enter() and xsd_leave() (events off on the calling vCPU); rings'
 * events come to vCPU 0's upcall, where events are off already.  Entry
 * points are called from vCPU 0 only (xenstored.h). */
#ifndef GUEST_XENSTORED_INTERNAL_H
#define GUEST_XENSTORED_INTERNAL_H

#include <stdbool.h>
#include <lib/xenstore.h>
#include <xenstored.h>

/* Events off; the store, created on first use (NULL: no memory). */
struct xs_store *xsd_enter(bool *were);
/* The work left for after a call into the store (rings to fill, local
 * watch events to deliver), then events back as they were. */
void xsd_leave(bool were);

/* The store's heap, for the daemon's own small blocks (<= HEAP_MAX_SIZE). */
void *xsd_alloc(size_t size);
void xsd_free(void *p, size_t size);

/* xenstored_ring.c: the introduce hook's work for a new domain, or for
 * one introduced again (existing non-NULL); the release hook's. */
int xsd_ring_attach(struct xs_store *s, unsigned int domid, uint64_t mfn, uint32_t evtchn,
                    struct xs_conn *existing);
void xsd_ring_detach(struct xs_conn *conn);
/* Fill every ring with what its queue holds, and tell the store what was
 * consumed or dropped (xsd_leave). */
void xsd_ring_flush_all(void);
/* A domain the store no longer knows (its reset found no memory): drop
 * its ring and channel.  -ENOENT if it has none. */
long xsd_ring_forget(domid_t dom);

/* xenstored_local.c: deliver the queued watch events (xsd_leave). */
void xsd_local_deliver(void);

#endif
