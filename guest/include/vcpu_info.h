/* Where each vCPU's vcpu_info is: in shared_info until the kernel moves
 * it (VCPUOP_register_vcpu_info, once per vCPU), at the new place after.
 * The kernel's event and time code find it here. */
#ifndef GUEST_VCPU_INFO_H
#define GUEST_VCPU_INFO_H

#include <stdint.h>
#include <public/xen.h>

struct vcpu_info *vcpu_info_of(unsigned int vcpu);

/* Ask the hypervisor to use `to` (inside one page of the guest's) for
 * vCPU vcpu, and follow it: 0, or the hypercall's error. */
long vcpu_info_move(unsigned int vcpu, struct vcpu_info *to);

#endif
