/* multicall: a batch of hypercalls in one entry.  An iret entry ends the
 * batch there (it changes the vCPU's whole context, as in Xen after
 * XSA-213).  Each entry's result is
 * written back to it; a multicall inside a multicall is refused with
 * -EINVAL (it would allow unbounded recursion).  There is no limit on the
 * count: every entry is bounded work done on the caller's behalf. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

__hot_path long do_multicall(const uint64_t a[6])
{
    uint64_t list = a[0], count = (uint32_t)a[1];
    struct multicall_entry e;

    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = list + i * sizeof(e);
        hypercall_fn *fn;

        if (copy_from_guest(&e, at, sizeof(e)))
            return -EFAULT;
        if (e.op == __HYPERVISOR_iret) {
            /* It replaces the whole register frame: nothing after it may
             * run, and the multicall returns nothing of its own.  Its
             * entry gets the restored RAX as its result, as on Xen. */
            e.result = arch_multicall_iret();
            /* A bad list is the guest's loss: RAX is already its own. */
            (void)copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                                sizeof(e.result));
            return 0;
        }
        fn = hypercall_lookup(e.op);
        if (e.op == __HYPERVISOR_multicall)
            e.result = (uint64_t)-EINVAL;
        else
            e.result = fn ? (uint64_t)fn(e.args) : (uint64_t)-ENOSYS;
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -EFAULT;
        if (current_vcpu()->domain->state != DOMAIN_RUNNING)
            break;
    }
    return 0;
}
