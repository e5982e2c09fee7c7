/* Hardware platform operations for the control domain:
 * HYPERVISOR_platform_op(struct xen_platform_op *op).  Proxen implements
 * the ones named here; every other cmd is -ENOSYS, as on Xen for a cmd it
 * does not know.  The layout is Xen's: a guest built against Xen's
 * header passes the same 136 bytes. */
#ifndef PUBLIC_PLATFORM_H
#define PUBLIC_PLATFORM_H

#include "xen.h"

/* op->interface_version must be this, else -EACCES. */
#define XENPF_INTERFACE_VERSION 0x03000001

/* Set the wall clock so that it reads <secs, nsecs> after 00:00:00 UTC,
 * 1 January 1970, at the moment system time was <system_time>. */
#define XENPF_settime32 17
#define XENPF_settime64 62

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

struct xenpf_settime32 {
    uint32_t secs;           /* IN */
    uint32_t nsecs;          /* IN */
    uint64_t system_time;    /* IN */
};
_Static_assert(sizeof(struct xenpf_settime32) == 16, "xenpf_settime32 size");

struct xenpf_settime64 {
    uint64_t secs;           /* IN */
    uint32_t nsecs;          /* IN */
    uint32_t mbz;            /* IN: must be zero, else -EINVAL */
    uint64_t system_time;    /* IN */
};
_Static_assert(sizeof(struct xenpf_settime64) == 24, "xenpf_settime64 size");
_Static_assert(offsetof(struct xenpf_settime64, nsecs) == 8, "xenpf_settime64.nsecs");
_Static_assert(offsetof(struct xenpf_settime64, mbz) == 12, "xenpf_settime64.mbz");
_Static_assert(offsetof(struct xenpf_settime64, system_time) == 16,
               "xenpf_settime64.system_time");

struct xen_platform_op {
    uint32_t cmd;                /* IN: XENPF_* */
    uint32_t interface_version;  /* IN: XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_settime32 settime32;
        struct xenpf_settime64 settime64;
        uint8_t pad[128];        /* the size of Xen's union */
    } u;
};
_Static_assert(offsetof(struct xen_platform_op, u) == 8, "xen_platform_op.u");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op size");

#endif /* __ASSEMBLER__ */

#endif
