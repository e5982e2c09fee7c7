/* Per-vCPU operations: HYPERVISOR_vcpu_op(cmd, vcpu, arg), cmd VCPUOP_*,
 * vcpu the target vCPU's number, arg as listed. */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise            0  /* vcpu_guest_context: first state (once) */
#define VCPUOP_up                    1  /* NULL: make an initialised vCPU runnable */
#define VCPUOP_down                  2  /* NULL: stop it (asynchronous for others) */
#define VCPUOP_is_up                 3  /* NULL: returns 1 if up, 0 if not */
#define VCPUOP_get_runstate_info     4  /* vcpu_runstate_info (OUT) */
#define VCPUOP_register_runstate_memory_area 5 /* vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer    6  /* vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer   7  /* NULL */
#define VCPUOP_set_singleshot_timer  8  /* vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9  /* NULL */
#define VCPUOP_register_vcpu_info   10  /* vcpu_register_vcpu_info */
#define VCPUOP_send_nmi             11  /* NULL */
#define VCPUOP_get_physid           12  /* vcpu_get_physid (OUT) */
#define VCPUOP_register_vcpu_time_memory_area 13 /* vcpu_register_time_memory_area */
#define VCPUOP_register_runstate_phys_area  14 /* as 5, addr a guest physical address */
#define VCPUOP_register_vcpu_time_phys_area 15 /* as 13, addr a guest physical address */

/* vcpu_runstate_info.state. */
#define RUNSTATE_running  0  /* on a physical CPU */
#define RUNSTATE_runnable 1  /* waiting for a physical CPU */
#define RUNSTATE_blocked  2  /* waiting for an event */
#define RUNSTATE_offline  3  /* neither: down, paused, ... */

/* Set in vcpu_runstate_info.state_entry_time while the hypervisor updates
 * a registered copy (with VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE 0x8000000000000000

/* vcpu_set_singleshot_timer.flags. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1 << _VCPU_SSHOTTMR_future) /* -ETIME if already past; may be
                                                             * ignored (Xen 4.17.3 on, Proxen) */

#ifndef __ASSEMBLER__

/* Where a vCPU's time has gone.  The times sum to system time; a
 * registered copy is updated each time the vCPU is scheduled. */
struct vcpu_runstate_info {
    int32_t  state;              /* OUT: RUNSTATE_* */
    uint32_t _pad;
    uint64_t state_entry_time;   /* OUT: system time (ns) the state began */
    uint64_t time[4];            /* OUT: ns spent in each RUNSTATE_* */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info size");
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8,
               "vcpu_runstate_info.state_entry_time");
_Static_assert(offsetof(struct vcpu_runstate_info, time) == 16, "vcpu_runstate_info.time");

/* A vcpu_runstate_info the hypervisor keeps up to date.  It must not
 * cross a page boundary. */
struct vcpu_register_runstate_memory_area {
    xen_ptr_t addr;              /* IN: vcpu_runstate_info (guest physical
                                  * address for the _phys_area op; ~0
                                  * unregisters) */
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8,
               "vcpu_register_runstate_memory_area size");

/* A second vcpu_time_info the hypervisor keeps up to date (e.g. mapped
 * into user space for a vDSO).  Same rules as the runstate area. */
struct vcpu_register_time_memory_area {
    xen_ptr_t addr;              /* IN: vcpu_time_info */
};
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8,
               "vcpu_register_time_memory_area size");

/* Raise VIRQ_TIMER every period_ns (periods under 1 ms may be refused). */
struct vcpu_set_periodic_timer {
    uint64_t period_ns;          /* IN */
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer size");

/* Raise VIRQ_TIMER once at an absolute system time. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;     /* IN: system time (ns) */
    uint32_t flags;              /* IN: VCPU_SSHOTTMR_* */
    uint32_t _pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16,
               "vcpu_set_singleshot_timer size");
_Static_assert(offsetof(struct vcpu_set_singleshot_timer, flags) == 8,
               "vcpu_set_singleshot_timer.flags");

/* Move this vCPU's vcpu_info out of shared_info, to byte offset in machine
 * frame mfn; it must not cross a page boundary.  Once per vCPU. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;                /* IN */
    uint32_t offset;             /* IN */
    uint32_t rsvd;               /* IN: 0 */
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info size");
_Static_assert(offsetof(struct vcpu_register_vcpu_info, offset) == 8,
               "vcpu_register_vcpu_info.offset");

/* The physical CPU under a pinned vCPU: bits 31:0 APIC id, 63:32 ACPI id. */
struct vcpu_get_physid {
    uint64_t phys_id;            /* OUT */
};
_Static_assert(sizeof(struct vcpu_get_physid) == 8, "vcpu_get_physid size");

#endif /* !__ASSEMBLER__ */

#endif
