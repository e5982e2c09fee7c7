/* The PV console ring: one shared page per domain, its machine frame in
 * start_info.console.domU.mfn and its event channel in
 * start_info.console.domU.evtchn.  Two byte rings with free-running 32-bit
 * indices (index & (size - 1) is the position): the guest produces into
 * out and the back end consumes, and the reverse for in.  Whoever advances
 * an index notifies the other end through the event channel. */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

/* xencons_interface.connection: whether the back end services the ring.
 * Zero (connected) is also what a page never touched by a back end says. */
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* Position of a free-running index in ring (an array). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];               /* back end -> guest */
    char out[2048];              /* guest -> back end */
    XENCONS_RING_IDX in_cons;    /* GST */
    XENCONS_RING_IDX in_prod;    /* back end */
    XENCONS_RING_IDX out_cons;   /* back end */
    XENCONS_RING_IDX out_prod;   /* GST */
    uint8_t connection;          /* back end: XENCONSOLE_* (recent addition) */
    uint8_t _pad[3];
};
_Static_assert(sizeof(struct xencons_interface) == 3092, "xencons_interface size");
_Static_assert(offsetof(struct xencons_interface, out) == 1024, "xencons_interface.out");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "xencons_interface.in_cons");
_Static_assert(offsetof(struct xencons_interface, in_prod) == 3076, "xencons_interface.in_prod");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080, "xencons_interface.out_cons");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "xencons_interface.out_prod");
_Static_assert(offsetof(struct xencons_interface, connection) == 3088,
               "xencons_interface.connection");

#endif /* !__ASSEMBLER__ */

#endif
