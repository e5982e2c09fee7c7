/* Both ends of the PV console ring (lib/xencons_ring.h). */
#include <lib/xencons_ring.h>

/* The peer's index, read once: it may change (or be forged) under us. */
static XENCONS_RING_IDX peer_index(const XENCONS_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Copy into a ring of size (a power of two) from prod on, with our own
 * producer index *prodp and the peer's consumer index cons. */
static size_t produce(char *ring, size_t size, XENCONS_RING_IDX *prodp, XENCONS_RING_IDX cons,
                      const char *s, size_t len)
{
    XENCONS_RING_IDX prod = *prodp;
    size_t used = (XENCONS_RING_IDX)(prod - cons), n = 0;

    /* A peer's index past ours (used > size: nonsense) leaves no room. */
    while (n < len && used + n < size) {
        ring[(prod + n) & (size - 1)] = s[n];
        n++;
    }
    __atomic_store_n(prodp, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    return n;
}

/* Copy out of a ring from our consumer index *consp up to the peer's
 * producer index prod. */
static size_t consume(const char *ring, size_t size, XENCONS_RING_IDX *consp,
                      XENCONS_RING_IDX prod, char *buf, size_t len)
{
    XENCONS_RING_IDX cons = *consp;
    size_t avail = (XENCONS_RING_IDX)(prod - cons), n = 0;

    if (avail > size)
        return 0;
    while (n < len && n < avail) {
        buf[n] = ring[(cons + n) & (size - 1)];
        n++;
    }
    __atomic_store_n(consp, cons + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    return n;
}

size_t xencons_front_write(struct xencons_interface *r, const char *s, size_t len)
{
    return produce(r->out, sizeof(r->out), &r->out_prod, peer_index(&r->out_cons), s, len);
}

size_t xencons_front_read(struct xencons_interface *r, char *buf, size_t len)
{
    return consume(r->in, sizeof(r->in), &r->in_cons, peer_index(&r->in_prod), buf, len);
}

size_t xencons_back_read(struct xencons_interface *r, char *buf, size_t len)
{
    return consume(r->out, sizeof(r->out), &r->out_cons, peer_index(&r->out_prod), buf, len);
}

size_t xencons_back_write(struct xencons_interface *r, const char *s, size_t len)
{
    return produce(r->in, sizeof(r->in), &r->in_prod, peer_index(&r->in_cons), s, len);
}
