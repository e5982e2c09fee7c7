/* A domain's queue of messages for its store ring (xenstored_outq.c):
 * replies and watch events wait here, whole, until the ring has room.
 * Bytes live in OUTQ_PAGES pages taken at creation; a message that does
 * not fit is refused whole (the daemon drops it, as Xen's xenstored
 * drops watch events over the quota).  The queue counts how many
 * messages reached the ring whole, for the store's outstanding quota. */
#ifndef GUEST_XENSTORED_OUTQ_H
#define GUEST_XENSTORED_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

#define OUTQ_PAGES 4                   /* a power of two: the indices wrap cleanly */
#define OUTQ_BYTES (OUTQ_PAGES * 4096u)
#define OUTQ_MSGS  64                  /* messages queued at most */
/* The room a request needs before it is read: its reply and one event. */
#define OUTQ_ROOM_FOR_REQUEST (2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX))

struct outq {
    char *page[OUTQ_PAGES];
    uint32_t head, tail;               /* bytes [head, tail) queued, free-running */
    uint32_t ends[OUTQ_MSGS];          /* each queued message's end, oldest first */
    uint32_t first, count;             /* into ends[] */
};

/* 0 or -ENOMEM (nothing kept). */
long outq_init(struct outq *q);
void outq_fini(struct outq *q);
void outq_clear(struct outq *q);
size_t outq_room(const struct outq *q);
bool outq_empty(const struct outq *q);
/* Queue header + payload whole: whether it fitted. */
bool outq_put(struct outq *q, const struct xsd_sockmsg *hdr, const void *payload);
/* Move what fits into the ring's rsp: how many messages reached it whole
 * (*moved: whether any byte did), or -EIO for the ring's nonsense indices. */
long outq_flush(struct outq *q, struct xenstore_domain_interface *r, bool *moved);

#endif
