/* HYPERVISOR_grant_table_op(cmd, args, count): the table's own
 * operations, and the dispatch of every command with Xen's batch and
 * continuation rules.  Copies are in grant_copy.c. */
#include <stdatomic.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <public/xen.h>

/* The domain an operation names: DOMID_SELF or the caller's own id, any
 * for a privileged caller.  A reference to it in *out, or GNTST_bad_domain
 * (no such domain) / GNTST_permission_denied. */
int16_t gnttab_target(struct domain *self, domid_t id, struct domain **out)
{
    struct domain *d;

    if (id == DOMID_SELF || id == self->domain_id) {
        atomic_fetch_add(&self->refcnt, 1);
        *out = self;
        return GNTST_okay;
    }
    d = get_domain_by_id(id);
    if (!d)
        return GNTST_bad_domain;
    if (!self->is_privileged) {
        put_domain(d);
        return GNTST_permission_denied;
    }
    *out = d;
    return GNTST_okay;
}

/* Frame numbers a copy to the guest's list carries: with a copy for each,
 * the last step of a growth to 1,024 frames took 105,063 instructions
 * with the listing, 57,031 in batches. */
#define LIST_BATCH 64

/* The machine frames of gt's first nr shared (or status) frames to the
 * guest's list: GNTST_okay, or GNTST_bad_virt_addr at the first batch it
 * cannot write. */
static int16_t list_frames(void **frames, unsigned int nr, uint64_t list)
{
    uint64_t batch[LIST_BATCH];

    for (unsigned int i = 0; i < nr; i += LIST_BATCH) {
        unsigned int n = MIN(nr - i, LIST_BATCH);

        for (unsigned int j = 0; j < n; j++)
            batch[j] = mfn_x(maddr_to_mfn(arch_virt_to_maddr(frames[i + j])));
        if (copy_to_guest(list + (uint64_t)i * sizeof(*batch), batch, n * sizeof(*batch)))
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

/* The operation's status, or *preempted set when the growth stopped at a
 * preemption point (the frames it added stay; the call is continued). */
static int16_t setup_table(struct domain *self, struct gnttab_setup_table *op, bool *preempted)
{
    struct grant_table *gt;
    struct domain *d;
    int16_t st = gnttab_target(self, op->dom, &d);
    int rc = 0;

    if (st != GNTST_okay)
        return st;
    gt = d->grant_table;
    spin_lock(&gt->lock);
    if (op->nr_frames > gt->max_frames)
        st = GNTST_general_error;
    else if (gt->relinquish_started)
        st = GNTST_general_error;   /* d is being destroyed: its table grows no more */
    else if (op->nr_frames > gt->nr_frames &&
             (rc = gnttab_grow_preemptible(gt, op->nr_frames))) {
        *preempted = rc == -ERESTART;
        st = GNTST_general_error;
    } else
        st = list_frames(gt->shared, op->nr_frames, op->frame_list);
    spin_unlock(&gt->lock);
    put_domain(d);
    return st;
}

static long op_setup_table(struct domain *self, uint64_t arg, unsigned int count)
{
    struct gnttab_setup_table op;
    bool preempted = false;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (!guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * sizeof(uint64_t)))
        return -EFAULT;
    op.status = setup_table(self, &op, &preempted);
    if (preempted) {
        uint64_t args[6] = { GNTTABOP_setup_table, arg, count };

        return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3, args);
    }
    return copy_to_guest(arg + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

static long op_query_size(struct domain *self, uint64_t arg, unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    op.status = gnttab_target(self, op.dom, &d);
    if (op.status == GNTST_okay) {
        spin_lock(&d->grant_table->lock);
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        spin_unlock(&d->grant_table->lock);
        put_domain(d);
    }
    return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

static long op_get_version(struct domain *self, uint64_t arg)
{
    struct gnttab_get_version op;
    struct domain *d;
    int16_t st;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    st = gnttab_target(self, op.dom, &d);
    if (st != GNTST_okay)
        return st == GNTST_bad_domain ? -ESRCH : -EPERM;
    op.version = __atomic_load_n(&d->grant_table->version, __ATOMIC_RELAXED);
    put_domain(d);
    return copy_to_guest(arg + offsetof(struct gnttab_get_version, version), &op.version,
                         sizeof(op.version)) ? -EFAULT : 0;
}

static long op_get_status_frames(struct domain *self, uint64_t arg, unsigned int count)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (!guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * sizeof(uint64_t)))
        return -EFAULT;
    op.status = gnttab_target(self, op.dom, &d);
    if (op.status == GNTST_okay) {
        struct grant_table *gt = d->grant_table;

        spin_lock(&gt->lock);
        /* Status frames made ahead of a switch are not version 1's. */
        op.status = op.nr_frames > (gt->version == 2 ? gt->nr_status_frames : 0)
                    ? GNTST_general_error
                    : list_frames((void **)gt->status, op.nr_frames, op.frame_list);
        spin_unlock(&gt->lock);
        put_domain(d);
    }
    return copy_to_guest(arg + offsetof(struct gnttab_get_status_frames, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

/* The command in the low bits; above them only a continuation's own
 * state (Xen's layout), which no command here uses. */
#define GNTTABOP_CMD_BITS 12
#define GNTTABOP_CMD_MASK ((1u << GNTTABOP_CMD_BITS) - 1)

/* What a batch command reports: < 0 an error, 0 all done, > 0 the number
 * of entries done before it stopped at a preemption point. */
static long batch_continue(unsigned int cmd, uint64_t arg, unsigned int count, long done,
                           size_t size)
{
    uint64_t args[6] = { cmd, arg + (uint64_t)done * size, count - (uint64_t)done };

    ASSERT(done > 0 && (unsigned long)done < count);
    return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3, args);
}

long do_grant_table_op(const uint64_t a[6])
{
    struct domain *self = current_vcpu()->domain;
    unsigned int cmd = (unsigned int)a[0];
    uint64_t arg = a[1];
    unsigned int count = (unsigned int)a[2];
    long rc;
    size_t size;

    if ((int)count < 0)
        return -EINVAL;
    /* Bits above the command carry a continuation's state: Xen's for
     * cache_flush (which x86 does not have), and set_version's here. */
    if ((cmd & ~GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush &&
        cmd != (GNTTABOP_set_version | GNTTAB_SET_VERSION_SWITCHED))
        return -EINVAL;
    cmd &= GNTTABOP_CMD_MASK;
    switch (cmd) {
    case GNTTABOP_setup_table:
        return op_setup_table(self, arg, count);
    case GNTTABOP_query_size:
        return op_query_size(self, arg, count);
    case GNTTABOP_set_version:
        return gnttab_op_set_version(self, arg, (unsigned int)a[0] & GNTTAB_SET_VERSION_SWITCHED);
    case GNTTABOP_get_version:
        return op_get_version(self, arg);
    case GNTTABOP_get_status_frames:
        return op_get_status_frames(self, arg, count);
    case GNTTABOP_copy:
        rc = gnttab_op_copy(self, arg, count);
        size = sizeof(struct gnttab_copy);
        break;
    case GNTTABOP_swap_grant_ref:
        rc = gnttab_op_swap(self, arg, count);
        size = sizeof(struct gnttab_swap_grant_ref);
        break;
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_unmap_and_replace:
    case GNTTABOP_transfer:
        rc = gnttab_op_map(self, cmd, arg, count, &size);
        break;
    default:
        return -ENOSYS;         /* dump_table, cache_flush: not on x86 (Xen's) */
    }
    return rc > 0 ? batch_continue(cmd, arg, count, rc, size) : rc;
}
