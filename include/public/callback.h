/* Guest kernel entry points: HYPERVISOR_callback_op(cmd, arg), cmd
 * CALLBACKOP_*, arg a callback_register or callback_unregister.  (The
 * older HYPERVISOR_set_callbacks(event, failsafe, syscall) sets the first
 * three types at once.) */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

/* Callback types. */
#define CALLBACKTYPE_event               0  /* events pending (upcall) */
#define CALLBACKTYPE_failsafe            1  /* the hypervisor could not restore
                                             * guest segment state on return */
#define CALLBACKTYPE_syscall             2  /* `syscall` from 64-bit guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3  /* 32-bit hypervisors only */
#define CALLBACKTYPE_nmi                 4  /* NMI delivered to the guest */
#define CALLBACKTYPE_sysenter            5  /* `sysenter` from 32-bit guest user mode */
/*                                       6     unused */
#define CALLBACKTYPE_syscall32           7  /* `syscall` from 32-bit guest user mode */

/* callback_register.flags: mask events on entry.  Event and NMI callbacks
 * always mask them. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1 << _CALLBACKF_mask_events)

#ifndef __ASSEMBLER__

struct callback_register {
    uint16_t type;               /* IN: CALLBACKTYPE_* */
    uint16_t flags;              /* IN: CALLBACKF_* */
    uint32_t _pad;
    xen_callback_t address;      /* IN: entry point */
};
_Static_assert(sizeof(struct callback_register) == 16, "callback_register size");
_Static_assert(offsetof(struct callback_register, address) == 8, "callback_register.address");

/* Not every type can be unregistered (-EINVAL). */
struct callback_unregister {
    uint16_t type;               /* IN: CALLBACKTYPE_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct callback_unregister) == 4, "callback_unregister size");

#endif /* !__ASSEMBLER__ */

#endif
