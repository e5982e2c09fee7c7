/* Fuzz the xenstore ring's ends and framing (lib/xs_ring.c) against a
 * hostile peer.  The input is a program: each step either sets one of the
 * four indices to any value (what the other side may write at any time)
 * or makes one call of either end with a length from the input.  The ring
 * and the frame's body are allocations of their exact size, so ASan
 * catches a copy past either.  Properties: a call copies at most what was
 * asked, moves only its own end's index and by exactly what it copied (or
 * says -EIO and moves nothing); a gathered message never claims more than
 * XENSTORE_PAYLOAD_MAX bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/errno.h>
#include <lib/xs_ring.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

static uint32_t take32(const uint8_t **p, const uint8_t *end)
{
    uint32_t v = 0;

    for (int i = 0; i < 4 && *p < end; i++)
        v |= (uint32_t)*(*p)++ << (8 * i);
    return v;
}

static void checked_copy(long n, size_t asked, const uint32_t *own, uint32_t before)
{
    check(n == -EIO || (n >= 0 && (size_t)n <= asked));
    check(*own == before + (uint32_t)(n > 0 ? n : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xenstore_domain_interface *r = malloc(sizeof(*r));
    char *body = malloc(XENSTORE_PAYLOAD_MAX), *buf = malloc(2 * XENSTORE_RING_SIZE);
    const uint8_t *p = data, *end = data + size;
    struct xs_frame server, client;

    memset(r, 0, sizeof(*r));
    memset(buf, 'b', 2 * XENSTORE_RING_SIZE);
    xs_frame_init(&server, body);
    xs_frame_init(&client, body);
    while (p < end) {
        uint8_t op = *p++;
        size_t len = (size_t)take32(&p, end) % (2 * XENSTORE_RING_SIZE);
        uint32_t before;
        long n;
        enum xs_frame_state st;

        switch (op % 8) {
        case 0: r->req_cons = take32(&p, end); break;
        case 1: r->req_prod = take32(&p, end); break;
        case 2: r->rsp_cons = take32(&p, end); break;
        case 3: r->rsp_prod = take32(&p, end); break;
        case 4:
            before = r->req_prod;
            n = xs_ring_client_write(r, buf, len);
            checked_copy(n, len, &r->req_prod, before);
            before = r->rsp_cons;
            n = xs_ring_client_read(r, buf, len);
            checked_copy(n, len, &r->rsp_cons, before);
            break;
        case 5:
            before = r->rsp_prod;
            n = xs_ring_server_write(r, buf, len);
            checked_copy(n, len, &r->rsp_prod, before);
            before = r->req_cons;
            n = xs_ring_server_read(r, buf, len);
            checked_copy(n, len, &r->req_cons, before);
            break;
        case 6:
            st = xs_frame_server_pull(&server, r);
            check(st != XS_FRAME_DONE || server.hdr.len <= XENSTORE_PAYLOAD_MAX);
            check(server.have <= sizeof(server.hdr) + XENSTORE_PAYLOAD_MAX);
            if (st == XS_FRAME_BAD)
                xs_frame_init(&server, body);
            break;
        default:
            st = xs_frame_client_pull(&client, r);
            check(st != XS_FRAME_DONE || client.hdr.len <= XENSTORE_PAYLOAD_MAX);
            check(client.have <= sizeof(client.hdr) + XENSTORE_PAYLOAD_MAX);
            if (st == XS_FRAME_BAD)
                xs_frame_init(&client, body);
            break;
        }
        check(xs_ring_req_pending(r) <= XENSTORE_RING_SIZE);
        check(xs_ring_rsp_pending(r) <= XENSTORE_RING_SIZE);
    }
    free(buf);
    free(body);
    free(r);
    return 0;
}
