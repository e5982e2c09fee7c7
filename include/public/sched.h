/* Scheduler operations: HYPERVISOR_sched_op(cmd, arg), cmd SCHEDOP_*, arg
 * as listed.  The legacy HYPERVISOR_sched_op_compat(cmd, value) knows
 * yield, block and shutdown, with the SHUTDOWN_* reason passed by value. */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield           0  /* arg NULL: give up the CPU */
#define SCHEDOP_block           1  /* arg NULL: sleep until an event; unmasks
                                    * events and checks for pending ones
                                    * atomically with going to sleep */
#define SCHEDOP_shutdown        2  /* sched_shutdown: stop the whole domain */
#define SCHEDOP_poll            3  /* sched_poll: wait for one of some ports */
#define SCHEDOP_remote_shutdown 4  /* sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code   5  /* sched_shutdown: record the reason that
                                    * a later shutdown will report */
#define SCHEDOP_watchdog        6  /* sched_watchdog */
#define SCHEDOP_pin_override    7  /* sched_pin_override (hardware domain) */

/* Shutdown reasons, reported to the control software. */
#define SHUTDOWN_poweroff   0  /* clean exit */
#define SHUTDOWN_reboot     1  /* restart me */
#define SHUTDOWN_suspend    2  /* save my state (RDX = MFN of start_info);
                                * returns 1 if the suspend was cancelled */
#define SHUTDOWN_crash      3  /* I crashed */
#define SHUTDOWN_watchdog   4  /* the watchdog expired */
#define SHUTDOWN_soft_reset 5  /* reset hypervisor state, keep memory */
#define SHUTDOWN_MAX        5

#ifndef __ASSEMBLER__

struct sched_shutdown {
    uint32_t reason;        /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown size");

/* Block until one of the ports is pending or the timeout passes. */
struct sched_poll {
    xen_ptr_t ports;        /* IN: evtchn_port_t[nr_ports] */
    uint32_t nr_ports;      /* IN */
    uint32_t _pad;
    uint64_t timeout;       /* IN: absolute system time (ns); 0 = none */
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll size");
_Static_assert(offsetof(struct sched_poll, nr_ports) == 8, "sched_poll.nr_ports");
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");

struct sched_remote_shutdown {
    domid_t domain_id;      /* IN */
    uint16_t _pad;
    uint32_t reason;        /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown size");
_Static_assert(offsetof(struct sched_remote_shutdown, reason) == 4,
               "sched_remote_shutdown.reason");

/* id 0: create a watchdog that shuts the domain down after timeout
 * seconds, returning its id; id != 0: re-arm it, or destroy it if
 * timeout is 0. */
struct sched_watchdog {
    uint32_t id;            /* IN */
    uint32_t timeout;       /* IN: seconds */
};
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog size");

struct sched_pin_override {
    int32_t pcpu;           /* IN: physical CPU; negative undoes the override */
};
_Static_assert(sizeof(struct sched_pin_override) == 4, "sched_pin_override size");

#endif /* !__ASSEMBLER__ */

#endif
