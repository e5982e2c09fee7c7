/* A domain's queue of messages for its store ring (xenstored_outq.h). */
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/xs_ring.h>
#include <mm.h>
#include "xenstored_outq.h"

long outq_init(struct outq *q)
{
    *q = (struct outq){ 0 };
    for (unsigned int i = 0; i < OUTQ_PAGES; i++)
        if (!(q->page[i] = page_alloc())) {
            outq_fini(q);
            return -ENOMEM;
        }
    return 0;
}

void outq_fini(struct outq *q)
{
    for (unsigned int i = 0; i < OUTQ_PAGES; i++)
        if (q->page[i])
            page_free(q->page[i]);
    *q = (struct outq){ 0 };
}

void outq_clear(struct outq *q)
{
    q->head = q->tail = q->first = q->count = 0;
}

size_t outq_room(const struct outq *q)
{
    return OUTQ_BYTES - (q->tail - q->head);
}

bool outq_empty(const struct outq *q)
{
    return q->head == q->tail;
}

static char *at(const struct outq *q, uint32_t i)
{
    i %= OUTQ_BYTES;
    return q->page[i / 4096] + i % 4096;
}

static void put_bytes(struct outq *q, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        *at(q, q->tail + (uint32_t)i) = s[i];
    q->tail += (uint32_t)len;
}

bool outq_put(struct outq *q, const struct xsd_sockmsg *hdr, const void *payload)
{
    size_t len = sizeof(*hdr) + hdr->len;

    if (hdr->len > XENSTORE_PAYLOAD_MAX || len > outq_room(q) || q->count == OUTQ_MSGS)
        return false;
    put_bytes(q, (const char *)hdr, sizeof(*hdr));
    put_bytes(q, payload, hdr->len);
    q->ends[(q->first + q->count++) % OUTQ_MSGS] = q->tail;
    return true;
}

/* The contiguous run of queued bytes from head: up to the end of its page
 * or of the queue. */
static size_t run(const struct outq *q)
{
    size_t to_page_end = 4096 - q->head % 4096;
    size_t queued = q->tail - q->head;

    return queued < to_page_end ? queued : to_page_end;
}

long outq_flush(struct outq *q, struct xenstore_domain_interface *r, bool *moved)
{
    long whole = 0, n;

    *moved = false;
    while (!outq_empty(q)) {
        if ((n = xs_ring_server_write(r, at(q, q->head), run(q))) < 0)
            return n;
        if (!n)
            break;
        *moved = true;
        q->head += (uint32_t)n;
    }
    while (q->count && (int32_t)(q->head - q->ends[q->first]) >= 0) {
        q->first = (q->first + 1) % OUTQ_MSGS;
        q->count--;
        whole++;
    }
    return whole;
}
