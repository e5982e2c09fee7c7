/* vcpu_op: per-vCPU operations.  Only what single-vCPU guests need so
 * far; the rest is -ENOSYS. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/vcpu.h>
#include <public/xen.h>

static long singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if (copy_from_guest(&t, arg, sizeof(t)))
        return -EFAULT;
    if ((t.flags & VCPU_SSHOTTMR_future) && (s_time_t)t.timeout_abs_ns < NOW())
        return -ETIME;
    vcpu_set_singleshot(v, (s_time_t)t.timeout_abs_ns ? (s_time_t)t.timeout_abs_ns : 1);
    return 0;
}

long do_vcpu_op(const uint64_t a[6])
{
    struct vcpu *self = current_vcpu();
    struct domain *d = self->domain;
    uint64_t id = a[1];
    struct vcpu *v;

    if (id >= d->max_vcpus || !(v = d->vcpu[id]))
        return -ENOENT;
    switch (a[0]) {
    case VCPUOP_is_up:
        return 1;
    case VCPUOP_set_singleshot_timer:
        return v == self ? singleshot(v, a[2]) : -EINVAL;
    case VCPUOP_stop_singleshot_timer:
        if (v != self)
            return -EINVAL;
        vcpu_set_singleshot(v, 0);
        return 0;
    }
    return -ENOSYS;
}
