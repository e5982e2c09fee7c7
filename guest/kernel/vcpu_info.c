/* The kernel's record of where each vCPU's vcpu_info is (vcpu_info.h). */
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <smp.h>
#include <vcpu_info.h>
#include <public/vcpu.h>

static struct vcpu_info *moved[SMP_MAX_VCPUS];

struct vcpu_info *vcpu_info_of(unsigned int vcpu)
{
    struct vcpu_info *vi = vcpu < SMP_MAX_VCPUS ? __atomic_load_n(&moved[vcpu], __ATOMIC_ACQUIRE)
                                                : NULL;

    return vi ? vi : &shared_info->vcpu_info[vcpu];
}

long vcpu_info_move(unsigned int vcpu, struct vcpu_info *to)
{
    struct vcpu_register_vcpu_info r = { .mfn = virt_to_mfn(to),
                                         .offset = (uint32_t)((uint64_t)to & (PAGE_SIZE - 1)) };
    long rc = hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);

    if (!rc && vcpu < SMP_MAX_VCPUS)
        __atomic_store_n(&moved[vcpu], to, __ATOMIC_RELEASE);
    return rc;
}
