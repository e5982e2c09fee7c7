/* Both ends of the xenstore ring page and message framing (lib/xs_ring.h). */
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/xs_ring.h>

#define SIZE XENSTORE_RING_SIZE

/* The peer's index, read once: it may change (or be forged) under us. */
static XENSTORE_RING_IDX peer_index(const XENSTORE_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Copy into ring from our producer index *prodp on, up to the peer's
 * consumer index cons. */
static long produce(char *ring, XENSTORE_RING_IDX *prodp, XENSTORE_RING_IDX cons,
                    const char *s, size_t len)
{
    XENSTORE_RING_IDX prod = *prodp;
    size_t used = (XENSTORE_RING_IDX)(prod - cons), n = 0;

    if (used > SIZE)                    /* the peer's index is nonsense */
        return -EIO;
    while (n < len && used + n < SIZE) {
        ring[MASK_XENSTORE_IDX(prod + n)] = s[n];
        n++;
    }
    __atomic_store_n(prodp, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
    return (long)n;
}

/* Copy out of ring from our consumer index *consp up to the peer's
 * producer index prod. */
static long consume(const char *ring, XENSTORE_RING_IDX *consp, XENSTORE_RING_IDX prod,
                    char *buf, size_t len)
{
    XENSTORE_RING_IDX cons = *consp;
    size_t avail = (XENSTORE_RING_IDX)(prod - cons), n = 0;

    if (avail > SIZE)
        return -EIO;
    while (n < len && n < avail) {
        buf[n] = ring[MASK_XENSTORE_IDX(cons + n)];
        n++;
    }
    __atomic_store_n(consp, cons + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
    return (long)n;
}

static size_t pending(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    size_t n = (XENSTORE_RING_IDX)(prod - cons);

    return n > SIZE ? 0 : n;
}

long xs_ring_client_write(struct xenstore_domain_interface *r, const void *s, size_t len)
{
    return produce(r->req, &r->req_prod, peer_index(&r->req_cons), s, len);
}

long xs_ring_client_read(struct xenstore_domain_interface *r, void *buf, size_t len)
{
    return consume(r->rsp, &r->rsp_cons, peer_index(&r->rsp_prod), buf, len);
}

long xs_ring_server_read(struct xenstore_domain_interface *r, void *buf, size_t len)
{
    return consume(r->req, &r->req_cons, peer_index(&r->req_prod), buf, len);
}

long xs_ring_server_write(struct xenstore_domain_interface *r, const void *s, size_t len)
{
    return produce(r->rsp, &r->rsp_prod, peer_index(&r->rsp_cons), s, len);
}

size_t xs_ring_req_pending(const struct xenstore_domain_interface *r)
{
    return pending(peer_index(&r->req_cons), peer_index(&r->req_prod));
}

size_t xs_ring_rsp_pending(const struct xenstore_domain_interface *r)
{
    return pending(peer_index(&r->rsp_cons), peer_index(&r->rsp_prod));
}

void xs_frame_init(struct xs_frame *f, char *body)
{
    memset(&f->hdr, 0, sizeof(f->hdr));
    f->have = 0;
    f->body = body;
}

typedef long ring_read_fn(struct xenstore_domain_interface *r, void *buf, size_t len);

/* The header first, into our own copy: its len is checked once there,
 * where the peer cannot change it afterwards. */
static enum xs_frame_state pull(struct xs_frame *f, struct xenstore_domain_interface *r,
                                ring_read_fn *read)
{
    const uint32_t hlen = sizeof(f->hdr);
    long n;

    if (f->have >= hlen && f->hdr.len > XENSTORE_PAYLOAD_MAX)
        return XS_FRAME_BAD;            /* until xs_frame_init: nothing more is read */
    if (f->have >= hlen && f->have == hlen + f->hdr.len)
        f->have = 0;                    /* the last call completed a message */
    if (f->have < hlen) {
        if ((n = read(r, (char *)&f->hdr + f->have, hlen - f->have)) < 0)
            return XS_FRAME_BAD;
        f->have += (uint32_t)n;
        if (f->have < hlen)
            return XS_FRAME_PARTIAL;
        if (f->hdr.len > XENSTORE_PAYLOAD_MAX)
            return XS_FRAME_BAD;
    }
    if (f->have < hlen + f->hdr.len) {
        uint32_t got = f->have - hlen;

        if ((n = read(r, f->body + got, f->hdr.len - got)) < 0)
            return XS_FRAME_BAD;
        f->have += (uint32_t)n;
        if (f->have < hlen + f->hdr.len)
            return XS_FRAME_PARTIAL;
    }
    return XS_FRAME_DONE;
}

enum xs_frame_state xs_frame_server_pull(struct xs_frame *f, struct xenstore_domain_interface *r)
{
    return pull(f, r, xs_ring_server_read);
}

enum xs_frame_state xs_frame_client_pull(struct xs_frame *f, struct xenstore_domain_interface *r)
{
    return pull(f, r, xs_ring_client_read);
}
