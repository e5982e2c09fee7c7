/* VCPUOP_register_vcpu_info (vcpu_info.c): a vCPU's vcpu_info moved from
 * the shared_info page to a frame and offset the guest chooses, once. */
#ifndef PROXEN_VCPU_INFO_H
#define PROXEN_VCPU_INFO_H

#include <proxen/types.h>

struct vcpu;

#define VCPU_INFO_SHARED 0        /* in shared_info, where the builder put it */
#define VCPU_INFO_MOVING 1        /* claimed by a registration under way */
#define VCPU_INFO_MOVED  2        /* at the guest's frame, for good */

/* Xen's answers: -ENXIO for an offset that does not leave room for a
 * whole, aligned vcpu_info in the page; -EINVAL when moved already, for
 * another vCPU that is up, or for a frame that is not the domain's or
 * cannot be a writable page (a page table, a descriptor page).  On
 * success v's events and time go to the new place from then on, which
 * starts as a copy of the old with every event selector marked pending
 * (the guest looks at everything once; nothing sent meanwhile is lost). */
long vcpu_info_register(struct vcpu *v, uint64_t mfn, uint32_t offset);

#endif
