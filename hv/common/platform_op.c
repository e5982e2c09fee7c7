/* platform_op: hardware platform operations for the control domain
 * (public/platform.h).  Checked in Xen's order: the argument is copied in
 * whole (-EFAULT), the interface version must match (-EACCES), the caller
 * must be privileged (-EPERM); then the command.  Only the wall-clock
 * settings exist; any other command is -ENOSYS. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/wallclock.h>
#include <public/platform.h>

long do_platform_op(const uint64_t a[6])
{
    struct xen_platform_op op;

    if (copy_from_guest(&op, a[0], sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    /* Unreachable while the initial domain is the only one. */
    if (!current_vcpu()->domain->is_privileged)
        return -EPERM;
    switch (op.cmd) {
    case XENPF_settime32:
        wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs,
                      op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -EINVAL;
        wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs,
                      op.u.settime64.system_time);
        return 0;
    }
    return -ENOSYS;
}
