/* multicall: a batch of hypercalls in one entry.  Each entry's result is
 * written back to it; a multicall inside a multicall is refused (it
 * would allow unbounded recursion). */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define MAX_MULTICALL 1024     /* per call; guests split longer batches */

long do_multicall(const uint64_t a[6])
{
    uint64_t list = a[0], count = (uint32_t)a[1];
    struct multicall_entry e;

    if (count > MAX_MULTICALL)
        return -E2BIG;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = list + i * sizeof(e);
        hypercall_fn *fn;

        if (copy_from_guest(&e, at, sizeof(e)))
            return -EFAULT;
        fn = e.op == __HYPERVISOR_multicall ? NULL : hypercall_lookup(e.op);
        e.result = fn ? (uint64_t)fn(e.args) : (uint64_t)-ENOSYS;
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -EFAULT;
        if (current_vcpu()->domain->state != DOMAIN_RUNNING)
            break;
    }
    return 0;
}
