/* GNTTABOP_set_version: switching a table between version 1 and 2
 * entries, with Xen's rules.  The switch happens only while no entry past
 * the reserved ones is in use; the reserved entries (the toolstack's
 * console and xenstore grants, which stay mapped) are carried over, every
 * other entry starts empty.
 *
 * Xen switches in one stretch; clearing the table alone is 4 KiB a frame,
 * and a table may have 1,024.  Here the work that is not the switch
 * itself is done in bounded steps, the call continued between them:
 *   1. (to version 2) the status frames are made while the table is still
 *      at version 1, where nothing sees them (get_status_frames lists
 *      none);
 *   2. the switch, in one step: the checks, (to version 1) the status
 *      frames retired (mapped: -EBUSY; from then on none can be mapped),
 *      the version, frame 0 cleared and the reserved entries put back;
 *      from here on the other frames' entries are empty, whatever their
 *      bytes say (gnttab_entry_stale: a pin or transfer finds nothing
 *      granted there, a swap waits);
 *   3. the other frames cleared, and (to version 1) the retired status
 *      frames given up, a few per step.
 * A set_version from any vCPU while step 3 is under way finishes it
 * before doing its own.  A call continued after its switch took effect
 * says so in its command (GNTTAB_SET_VERSION_SWITCHED): it then only
 * helps finish the clearing and answers with its own version, as if it
 * had ended before any call that came after its switch. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <proxen/page_type.h>
#include <lib/string.h>
#include <arch/arch.h>

static struct grant_entry_v1 *v1(struct grant_table *gt)
{
    return gt->shared[0];
}

static union grant_entry_v2 *v2(struct grant_table *gt)
{
    return gt->shared[0];
}

/* Version 2 to 1: reserved entries a v1 entry can hold (a frame below
 * 2^32, no transitive grant), else -ERANGE. */
static int v1_representable(struct grant_table *gt)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        const union grant_entry_v2 *e = &v2(gt)[i];
        unsigned int type = e->hdr.flags & GTF_type_mask;

        if (type == GTF_transitive || (type == GTF_permit_access && e->full_page.frame >> 32))
            return -ERANGE;
    }
    return 0;
}

/* The reserved entries as v1 entries, flags and status merged. */
static void save_reserved(struct grant_table *gt, struct grant_entry_v1 *out)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        const union grant_entry_v2 *e;

        if (gt->version == 1) {
            out[i] = v1(gt)[i];
            continue;
        }
        e = &v2(gt)[i];
        if ((e->hdr.flags & GTF_type_mask) != GTF_permit_access) {
            out[i] = (struct grant_entry_v1){ 0, 0, 0 };
            continue;
        }
        out[i] = (struct grant_entry_v1){
            .flags = (uint16_t)(e->hdr.flags | gt->status[0][i]),
            .domid = e->hdr.domid,
            .frame = (uint32_t)e->full_page.frame,
        };
    }
}

static void restore_reserved(struct grant_table *gt, const struct grant_entry_v1 *in)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        union grant_entry_v2 *e;

        if (gt->version == 1) {
            v1(gt)[i] = in[i];
            continue;
        }
        e = &v2(gt)[i];
        gt->status[0][i] = in[i].flags & (GTF_reading | GTF_writing);
        e->hdr.flags = in[i].flags & (uint16_t)~(GTF_reading | GTF_writing);
        e->hdr.domid = in[i].domid;
        e->full_page.frame = in[i].frame;
    }
}

/* Frames a step of the clearing zeroes (32 KiB), and status frames it
 * gives up. */
#define CLEAR_STEP  8
#define UNSHARE_STEP 16

/* Under gt->lock: whether the table may switch from its version now: 0,
 * -EBUSY (an entry past the reserved ones in use) or -ERANGE (a reserved
 * entry version 1 cannot hold).  A mapped status frame is refused with
 * -EBUSY by gnttab_retire_status, in the switch's own step. */
static int switch_refused(struct grant_table *gt)
{
    if (gnttab_any_pinned(gt, GNTTAB_NR_RESERVED_ENTRIES))
        return -EBUSY;
    return gt->version == 2 ? v1_representable(gt) : 0;
}

/* Under gt->lock, the checks passed and (to version 2) the status frames
 * made, (to version 1) retired: switch to version `to`.  Frame 0 holds
 * the reserved entries and is cleared now; the others become stale. */
static void switch_version(struct grant_table *gt, unsigned int to)
{
    struct grant_entry_v1 reserved[GNTTAB_NR_RESERVED_ENTRIES];

    ASSERT(spin_is_locked_by_me(&gt->lock) && gt->stale_from == GNTTAB_NO_STALE);
    ASSERT(to == 1 || gt->nr_status_frames >= gnttab_status_frames_for(gt->nr_frames));
    save_reserved(gt, reserved);
    __atomic_store_n(&gt->version, to, __ATOMIC_RELAXED);  /* get_version reads it unlocked */
    memset(gt->shared[0], 0, PAGE_SIZE);
    restore_reserved(gt, reserved);
    gt->stale_from = 1;
}

/* Under gt->lock: the clearing a switch left, in steps with a preemption
 * check between them: 0 when done, -ERESTART to be continued.  A step
 * gives up twice the status frames a step's frames need (one status
 * frame serves 8 frames of version 2 entries), so they are gone by the
 * last step. */
static long clear_stale(struct grant_table *gt)
{
    ASSERT(spin_is_locked_by_me(&gt->lock) && gt->stale_from != GNTTAB_NO_STALE);
    for (;;) {
        unsigned int end = MIN(gt->nr_frames, gt->stale_from + CLEAR_STEP);

        for (unsigned int i = gt->stale_from; i < end; i++)
            memset(gt->shared[i], 0, PAGE_SIZE);
        gt->stale_from = end;
        if (gt->version == 1)
            gnttab_shrink_status(gt, gt->nr_status_frames - MIN(gt->nr_status_frames,
                                                                UNSHARE_STEP));
        if (gt->stale_from >= gt->nr_frames)
            break;
        if (hypercall_preempt_check())
            return -ERESTART;
    }
    ASSERT(gt->version == 2 || !gt->nr_status_frames);
    gt->stale_from = GNTTAB_NO_STALE;
    return 0;
}

/* Under gt->lock: one turn of set_version(to): 0 done, a negative errno
 * with the table's version unchanged, or -ERESTART to be continued.
 * *switched: in, the call's switch took effect in an earlier turn (it
 * only helps finish the clearing); out, it has now. */
static long set_version_step(struct grant_table *gt, unsigned int to, bool *switched)
{
    long rc;

    ASSERT(spin_is_locked_by_me(&gt->lock));
    if (gt->stale_from != GNTTAB_NO_STALE) {
        /* A switch still under way first (another vCPU's, or ours). */
        if ((rc = clear_stale(gt)))
            return rc;
        if (!*switched && to != gt->version && hypercall_preempt_check())
            return -ERESTART;
    }
    if (*switched || to == gt->version)
        return 0;
    if ((rc = switch_refused(gt)))
        return rc;
    while (to == 2 &&
           (rc = gnttab_grow_status_step(gt, gnttab_status_frames_for(gt->nr_frames))))
        if (rc != -ERESTART || hypercall_preempt_check())
            return rc;
    if (to == 1 && (rc = gnttab_retire_status(gt)))
        return rc;
    switch_version(gt, to);
    *switched = true;
    return hypercall_preempt_check() ? -ERESTART : clear_stale(gt);
}

long gnttab_op_set_version(struct domain *self, uint64_t arg, bool switched)
{
    struct grant_table *gt = self->grant_table;
    struct gnttab_set_version op;
    long rc = -EINVAL;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    spin_lock(&gt->lock);
    if (op.version == 1 || op.version == 2)
        rc = set_version_step(gt, op.version, &switched);
    /* A call whose switch took effect answers with its version, as if
     * it had ended before another vCPU's call that came after it. */
    if (!switched || rc)
        op.version = gt->version;
    spin_unlock(&gt->lock);
    if (rc == -ERESTART) {
        uint64_t args[6] = { GNTTABOP_set_version | (switched ? GNTTAB_SET_VERSION_SWITCHED : 0),
                             arg, 1 };

        return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3, args);
    }
    if (copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
