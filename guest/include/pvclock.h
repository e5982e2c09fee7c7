/* System time (ns since the hypervisor booted), from the TSC and the
 * scale the hypervisor publishes in vcpu_info.time. */
#ifndef GUEST_PVCLOCK_H
#define GUEST_PVCLOCK_H

#include <stdint.h>

uint64_t system_time_ns(void);

#endif
