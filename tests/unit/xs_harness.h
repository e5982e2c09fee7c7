/* A harness for the xenstore library's host tests and fuzzer: a counting
 * allocator that can be told to fail, clients that record every message
 * the store sends them, and requests built from literal payloads. */
#ifndef TESTS_XS_HARNESS_H
#define TESTS_XS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lib/xenstore.h>

struct xs_alloc_stats {
    long live_bytes;
    long live_blocks;
    long calls;
    long fail_at;        /* the call number that fails, or -1 */
};

static inline void *xs_test_alloc(void *ctx, size_t size)
{
    struct xs_alloc_stats *st = ctx;

    if (size == 0 || size > 4096)       /* the page heap's limits */
        abort();
    if (st->calls++ == st->fail_at)
        return NULL;
    st->live_bytes += (long)size;
    st->live_blocks++;
    return malloc(size);
}

static inline void xs_test_free(void *ctx, void *p, size_t size)
{
    struct xs_alloc_stats *st = ctx;

    st->live_bytes -= (long)size;
    st->live_blocks--;
    free(p);
}

#define XS_MAX_MSGS 256

struct xs_msg {
    uint32_t type, req_id, tx_id, len;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

struct xs_client {
    struct xs_conn *conn;
    unsigned int n;
    struct xs_msg msgs[XS_MAX_MSGS];
};

static inline void xs_test_send(void *opaque, const struct xsd_sockmsg *hdr, const void *payload)
{
    struct xs_client *cl = opaque;
    struct xs_msg *m;

    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        abort();                         /* the wire's limit, always */
    if (cl->n == XS_MAX_MSGS)
        return;
    m = &cl->msgs[cl->n++];
    m->type = hdr->type;
    m->req_id = hdr->req_id;
    m->tx_id = hdr->tx_id;
    m->len = hdr->len;
    memcpy(m->body, payload, hdr->len);
    m->body[hdr->len] = '\0';
}

#endif
