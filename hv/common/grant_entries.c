/* GNTTABOP_swap_grant_ref: a domain exchanges two of its own entries
 * (a front end reordering its grants), neither of them in use. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>

static void swap_v1(struct grant_table *gt, grant_ref_t a, grant_ref_t b)
{
    struct grant_entry_v1 *ea = (struct grant_entry_v1 *)gt->shared[a / GNTTAB_V1_PER_FRAME] +
                                a % GNTTAB_V1_PER_FRAME;
    struct grant_entry_v1 *eb = (struct grant_entry_v1 *)gt->shared[b / GNTTAB_V1_PER_FRAME] +
                                b % GNTTAB_V1_PER_FRAME;
    struct grant_entry_v1 t = *ea;

    *ea = *eb;
    *eb = t;
}

static void swap_v2(struct grant_table *gt, grant_ref_t a, grant_ref_t b)
{
    union grant_entry_v2 *ea = (union grant_entry_v2 *)gt->shared[a / GNTTAB_V2_PER_FRAME] +
                               a % GNTTAB_V2_PER_FRAME;
    union grant_entry_v2 *eb = (union grant_entry_v2 *)gt->shared[b / GNTTAB_V2_PER_FRAME] +
                               b % GNTTAB_V2_PER_FRAME;
    grant_status_t *sa = &gt->status[a / GNTTAB_STATUS_PER_FRAME][a % GNTTAB_STATUS_PER_FRAME];
    grant_status_t *sb = &gt->status[b / GNTTAB_STATUS_PER_FRAME][b % GNTTAB_STATUS_PER_FRAME];
    union grant_entry_v2 t = *ea;
    grant_status_t ts = *sa;

    *ea = *eb;
    *eb = t;
    *sa = *sb;
    *sb = ts;
}

static bool pinned(struct grant_table *gt, grant_ref_t ref)
{
    const struct active_grant_entry *act = gnttab_active(gt, ref);

    return act && act->pin;
}

/* Xen's order: each reference within the table, the same one twice a
 * no-op, then neither in use (GNTST_eagain: try again later).  An entry
 * a version switch has yet to clear is not moved either (its old bytes
 * would survive the switch): GNTST_eagain until the switch is done. */
static int16_t swap_refs(struct grant_table *gt, grant_ref_t a, grant_ref_t b)
{
    int16_t st = GNTST_okay;

    spin_lock(&gt->lock);
    if (a >= gnttab_nr_entries(gt) || b >= gnttab_nr_entries(gt))
        st = GNTST_bad_gntref;
    else if (a == b)
        st = GNTST_okay;
    else if (pinned(gt, a) || pinned(gt, b))
        st = GNTST_eagain;
    else if (gnttab_entry_stale(gt, a) || gnttab_entry_stale(gt, b))
        st = GNTST_eagain;              /* a version switch not yet done with it */
    else if (gt->version == 1)
        swap_v1(gt, a, b);
    else
        swap_v2(gt, a, b);
    spin_unlock(&gt->lock);
    return st;
}

long gnttab_op_swap(struct domain *self, uint64_t arg, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        uint64_t at = arg + (uint64_t)i * sizeof(struct gnttab_swap_grant_ref);
        struct gnttab_swap_grant_ref op;

        if (i && hypercall_preempt_check())
            return i;
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = swap_refs(self->grant_table, op.ref_a, op.ref_b);
        if (copy_to_guest(at + offsetof(struct gnttab_swap_grant_ref, status), &op.status,
                          sizeof(op.status)))
            return -EFAULT;
    }
    return 0;
}
