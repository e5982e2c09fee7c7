/* The mapping commands of grant_table_op (gnttab_op_map, grant_table.h):
 * batches of map_grant_ref, unmap_grant_ref and unmap_and_replace with
 * Xen's copying, preemption and TLB-flush rules; one request each is
 * grant_map.c's (transfer: grant_transfer.c).
 *
 * Each entry is copied in, done and its result copied back before the
 * next; a result that cannot be written back leaves the entry done and
 * ends the batch with -EFAULT, as on Xen.  Unmaps go in groups of
 * UNMAP_BATCH: the group's mappings are taken out, the TLBs flushed once,
 * and only then are the frames' references dropped, so no CPU can reach
 * a frame through a stale translation once it may be reused. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <arch/grant_map.h>

#define UNMAP_BATCH 32          /* Xen's GNTTAB_UNMAP_BATCH_SIZE */

static long map_batch(struct domain *ld, uint64_t uop, unsigned int count)
{
    struct gnttab_map_grant_ref op;

    for (unsigned int i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(op);

        if (i && hypercall_preempt_check())
            return i;
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        grant_map_one(ld, &op);
        if (copy_to_guest(at, &op, sizeof(op)))
            return -EFAULT;
    }
    return 0;
}

/* One unmap entry at guest address at: 0, or -EFAULT (its unmap, if it
 * got that far, completes with its group). */
typedef int unmap_entry_fn(struct domain *ld, uint64_t at, struct grant_unmap_token *tok);

static int unmap_entry(struct domain *ld, uint64_t at, struct grant_unmap_token *tok)
{
    struct gnttab_unmap_grant_ref op;

    if (copy_from_guest(&op, at, sizeof(op)))
        return -EFAULT;
    grant_unmap_one(ld, &op, tok);
    return copy_to_guest(at + offsetof(struct gnttab_unmap_grant_ref, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

static int replace_entry(struct domain *ld, uint64_t at, struct grant_unmap_token *tok)
{
    struct gnttab_unmap_and_replace op;

    if (copy_from_guest(&op, at, sizeof(op)))
        return -EFAULT;
    grant_unmap_and_replace_one(ld, &op, tok);
    return copy_to_guest(at + offsetof(struct gnttab_unmap_and_replace, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

static void complete_group(struct domain *ld, struct grant_unmap_token *toks, unsigned int n)
{
    arch_grant_flush_tlbs(ld);
    for (unsigned int i = 0; i < n; i++)
        grant_unmap_complete(ld, &toks[i]);
}

static long unmap_batch(struct domain *ld, uint64_t uop, unsigned int count, size_t size,
                        unmap_entry_fn *one)
{
    struct grant_unmap_token toks[UNMAP_BATCH];
    unsigned int done = 0;

    while (done < count) {
        unsigned int n = count - done < UNMAP_BATCH ? count - done : UNMAP_BATCH;

        for (unsigned int i = 0; i < n; i++) {
            toks[i].done = 0;
            if (one(ld, uop + (uint64_t)(done + i) * size, &toks[i])) {
                complete_group(ld, toks, i + 1);
                return -EFAULT;
            }
        }
        complete_group(ld, toks, n);
        done += n;
        if (done < count && hypercall_preempt_check())
            return done;
    }
    return 0;
}

long gnttab_op_map(struct domain *self, unsigned int cmd, uint64_t arg, unsigned int count,
                   size_t *size)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        *size = sizeof(struct gnttab_map_grant_ref);
        return map_batch(self, arg, count);
    case GNTTABOP_unmap_grant_ref:
        *size = sizeof(struct gnttab_unmap_grant_ref);
        return unmap_batch(self, arg, count, *size, unmap_entry);
    case GNTTABOP_unmap_and_replace:
        *size = sizeof(struct gnttab_unmap_and_replace);
        return unmap_batch(self, arg, count, *size, replace_entry);
    case GNTTABOP_transfer:
        *size = sizeof(struct gnttab_transfer);
        return grant_transfer_batch(self, arg, count);
    }
    return -ENOSYS;
}
