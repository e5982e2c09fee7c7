/* Both ends of Xen's PV console ring (public/io/console.h), as byte
 * copies with the index rules in one place (lib/xencons_ring.c).
 *
 * The front end (the domain) produces `out` and consumes `in`; the back
 * end (the console daemon in the initial domain) the reverse.  Each end
 * trusts only its own index: the other end's is read once, and a ring
 * whose indices say more than its size is in flight is treated as empty
 * (nothing read) or full (nothing written), so a hostile peer can make
 * an end copy nothing, but never past the ring.  Callers notify the peer
 * (an event-channel send) when a call moved data. */
#ifndef LIB_XENCONS_RING_H
#define LIB_XENCONS_RING_H

#include <stddef.h>
#include <public/io/console.h>

/* Front end: put up to len bytes of s into out; how many went. */
size_t xencons_front_write(struct xencons_interface *r, const char *s, size_t len);
/* Front end: take up to len bytes from in; how many. */
size_t xencons_front_read(struct xencons_interface *r, char *buf, size_t len);
/* Back end: take up to len bytes from out; how many. */
size_t xencons_back_read(struct xencons_interface *r, char *buf, size_t len);
/* Back end: put up to len bytes of s into in; how many went. */
size_t xencons_back_write(struct xencons_interface *r, const char *s, size_t len);

#endif
