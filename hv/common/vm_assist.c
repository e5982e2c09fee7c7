/* vm_assist: optional behaviours a guest can switch on.  Only those this
 * hypervisor actually provides are accepted; the rest are -EINVAL, so a
 * guest never believes in an assist it does not get. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define SUPPORTED_ASSISTS ((1ULL << VMASST_TYPE_writable_pagetables) | \
                           (1ULL << VMASST_TYPE_architectural_iopl) | \
                           (1ULL << VMASST_TYPE_runstate_update_flag))

long do_vm_assist(const uint64_t a[6])
{
    struct domain *d = current_vcpu()->domain;
    uint64_t type = a[1];

    if (type >= 64 || !(SUPPORTED_ASSISTS & (1ULL << type)))
        return -EINVAL;
    switch (a[0]) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1ULL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1ULL << type);
        return 0;
    }
    return -ENOSYS;
}
