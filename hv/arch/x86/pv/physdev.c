/* physdev_op: only the I/O privilege level so far. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/physdev.h>

long do_physdev_op(const uint64_t a[6])
{
    struct physdev_set_iopl iopl;

    switch (a[0]) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(&iopl, a[1], sizeof(iopl)))
            return -EFAULT;
        if (iopl.iopl > 3)
            return -EINVAL;
        current_vcpu()->arch.iopl = (uint8_t)iopl.iopl;
        return 0;
    }
    return -ENOSYS;
}
