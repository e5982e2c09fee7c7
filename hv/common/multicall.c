/* multicall: a batch of hypercalls in one entry.  An iret entry ends the
 * batch there (it changes the vCPU's whole context, as in Xen after
 * XSA-213).  Each entry's result is written back to it; a multicall inside
 * a multicall is refused with -EINVAL (it would allow unbounded recursion).
 *
 * Preemption, as on Xen: between entries the batch may stop and continue
 * with the rest of the list; an entry that is itself preempted has its
 * continuation (op and arguments) written back over the guest's entry,
 * and the multicall continues from that entry. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

static long continue_from(uint64_t at, uint64_t remaining)
{
    const uint64_t rest[6] = { at, remaining };

    return hypercall_create_continuation(__HYPERVISOR_multicall, 2, rest);
}

static long iret_entry(struct multicall_entry *e, uint64_t at)
{
    /* It replaces the whole register frame: nothing after it may run, and
     * the multicall returns nothing of its own.  Its entry gets the
     * restored RAX as its result, as on Xen. */
    e->result = arch_multicall_iret();
    /* A bad list is the guest's loss: RAX is already its own. */
    (void)copy_to_guest(at + offsetof(struct multicall_entry, result), &e->result,
                        sizeof(e->result));
    return 0;
}

/* Run one entry with the vCPU knowing it is inside a multicall, so that a
 * continuation rewrites the entry. */
static void run_entry(struct vcpu *v, struct multicall_entry *e)
{
    hypercall_fn *fn = hypercall_lookup(e->op);

    if (e->op == __HYPERVISOR_multicall) {
        e->result = (uint64_t)-EINVAL;
        return;
    }
    v->mc_call = e;
    v->mc_preempted = false;
    e->result = fn ? (uint64_t)fn(e->args) : (uint64_t)-ENOSYS;
    v->mc_call = NULL;
}

__hot_path long do_multicall(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    uint64_t list = a[0], count = (uint32_t)a[1];
    struct multicall_entry e;

    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = list + i * sizeof(e);

        if (i && hypercall_preempt_check())
            return continue_from(at, count - i);
        if (copy_from_guest(&e, at, sizeof(e)))
            return -EFAULT;
        if (e.op == __HYPERVISOR_iret)
            return iret_entry(&e, at);
        run_entry(v, &e);
        if (v->mc_preempted) {
            v->mc_preempted = false;
            if (copy_to_guest(at, &e, sizeof(e)))
                return -EFAULT;
            return continue_from(at, count - i);
        }
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -EFAULT;
        if (v->domain->state != DOMAIN_RUNNING)
            break;
    }
    return 0;
}
