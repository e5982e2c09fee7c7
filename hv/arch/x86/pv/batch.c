/* The list hypercalls mmu_update and mmuext_op share one shape, Xen's:
 * (list, count, done pointer, foreign domain).  The list is worked through
 * in order until an entry fails; *done receives how many entries were
 * done.  Between entries the call may be preempted: it then continues
 * with the rest of the list and MMU_UPDATE_PREEMPTED in the count, and the
 * continuation adds to *done rather than overwriting it, so a guest sees
 * the same totals as if the call had run through.  An entry that must
 * itself be preempted (validating a deep page-table tree) returns
 * -ERESTART and is retried by the continuation.
 *
 * An entry whose release of a tree stopped half-way is done, but leaves
 * the vCPU owing the rest (pv_finish_old_table): the call then continues
 * before its next entry, and finishes the release before anything else.
 * If that was the last entry, the continuation carries the call's result
 * in place of the foreign domain, with no list, as Xen's does.
 *
 * The foreign domain (foreign_owner.c) is looked up before the list, so a
 * refusal (-ESRCH, -EPERM) leaves *done alone; the entries then name its
 * frames, with a reference to it held across the call. */
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/foreign_owner.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define MAX_ENTRY_SIZE 24

long pv_batch(unsigned int op, const uint64_t a[6], size_t size, pv_batch_fn *one)
{
    struct pv_batch b = { .v = current_vcpu() };
    struct vcpu *v = b.v;
    uint64_t list = a[0], count = (uint32_t)a[1], pdone = a[2];
    uint64_t entry[MAX_ENTRY_SIZE / 8];
    uint32_t done = 0;
    uint64_t i;
    long rc = 0;

    ASSERT(size <= sizeof(entry));
    if (pv_finish_old_table(v))
        return hypercall_create_continuation(op, 4, a);
    if (count == MMU_UPDATE_PREEMPTED && !list)
        return (int)(uint32_t)a[3];    /* the result a finished release carried */
    rc = op == __HYPERVISOR_mmu_update ? pv_check_pt_owner(v->domain, (uint32_t)a[3]) : 0;
    if (!rc)
        rc = pv_get_pg_owner(v->domain, (uint16_t)a[3], &b.pg_owner);
    if (rc)
        return rc;
    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        /* Unreadable: the count restarts from zero, as on Xen. */
        if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
            done = 0;
    }
    for (i = 0; i < count; i++) {
        if (pv_owes_release(&v->arch) || (i && hypercall_preempt_check())) {
            rc = -ERESTART;
            break;
        }
        if (copy_from_guest(entry, list + i * size, size)) {
            rc = -EFAULT;
            break;
        }
        rc = one(&b, entry);
        if (rc)
            break;
    }
    if (rc == -ERESTART) {
        const uint64_t rest[6] = { list + i * size, (count - i) | MMU_UPDATE_PREEMPTED,
                                   pdone, a[3] };

        rc = hypercall_create_continuation(op, 4, rest);
    } else if (pv_owes_release(&v->arch)) {
        const uint64_t result[6] = { 0, MMU_UPDATE_PREEMPTED, 0, (uint32_t)rc };

        rc = hypercall_create_continuation(op, 4, result);
    }
    pv_put_pg_owner(v->domain, b.pg_owner);
    done += (uint32_t)i;
    /* Xen ignores a done pointer it cannot write; so must a continuation. */
    if (pdone)
        (void)copy_to_guest(pdone, &done, sizeof(done));
    return rc;
}
