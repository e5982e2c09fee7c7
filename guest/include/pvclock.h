/* System time (ns since the hypervisor booted), from the TSC and the
 * scale the hypervisor publishes in vcpu_info.time. */
#ifndef GUEST_PVCLOCK_H
#define GUEST_PVCLOCK_H

#include <stdint.h>

/* One consistent read of a vCPU's record and the TSC read with it. */
struct pvclock_snapshot {
    uint32_t version;
    uint64_t tsc_timestamp, system_time, tsc;
    uint32_t mul;
    int8_t shift;
    uint8_t flags;             /* XEN_PVCLOCK_* */
};

/* Read vCPU vcpu's record (call it on that vCPU: the stamp is its CPU's). */
void pvclock_read(unsigned int vcpu, struct pvclock_snapshot *snap);
/* The system time at snap->tsc. */
uint64_t pvclock_ns(const struct pvclock_snapshot *snap);

uint64_t vcpu_system_time_ns(unsigned int vcpu);
uint64_t system_time_ns(void);            /* on the calling vCPU (smp_self) */

#endif
