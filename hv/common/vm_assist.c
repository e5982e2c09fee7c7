/* vm_assist: optional behaviours a guest can switch on, accepted as Xen
 * accepts them for 64-bit PV guests: the 32-bit-only types are accepted
 * and mean nothing here (as on Xen); writable page tables are always
 * emulated; m2p_strict takes the M2P out of user page tables installed
 * from then on. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define SUPPORTED_ASSISTS ((1ULL << VMASST_TYPE_4gb_segments) | \
                           (1ULL << VMASST_TYPE_4gb_segments_notify) | \
                           (1ULL << VMASST_TYPE_pae_extended_cr3) | \
                           (1ULL << VMASST_TYPE_writable_pagetables) | \
                           (1ULL << VMASST_TYPE_architectural_iopl) | \
                           (1ULL << VMASST_TYPE_runstate_update_flag) | \
                           (1ULL << VMASST_TYPE_m2p_strict))

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
