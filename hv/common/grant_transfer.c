/* GNTTABOP_transfer: a domain gives one of its pages to another, which
 * offered a grant entry to receive it (GTF_accept_transfer) -- the "page
 * flip" network back ends once used for received packets.  Xen's order
 * and answers:
 *   - the page must be the caller's memory that nothing else holds (no
 *     mapping, no pin, no page-table or descriptor use; not a page the
 *     hypervisor shares with it): GNTST_bad_page otherwise, and the
 *     caller keeps it;
 *   - from then on the page is gone from the caller, even when the rest
 *     fails (it goes back to the heap): every TLB is flushed, so no stale
 *     translation of the caller's reaches it;
 *   - the receiving domain must exist (GNTST_bad_domain), have room under
 *     its limit and not be dying, and its entry ref must accept a
 *     transfer from the caller, which commits the entry
 *     (GTF_transfer_committed; GNTST_general_error otherwise);
 *   - the page joins the receiver, the entry's frame says which it is,
 *     and GTF_transfer_completed tells the receiver it may use it.
 * The receiver updates its own M2P entry (MMU_MACHPHYS_UPDATE), as on
 * Xen. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>

#define COMMIT_TRIES 5          /* a guest rewriting its entry meanwhile (Xen's) */

static uint32_t *entry_head(struct grant_table *gt, grant_ref_t ref)
{
    if (gt->version == 1)
        return (uint32_t *)(void *)((struct grant_entry_v1 *)gt->shared[ref / GNTTAB_V1_PER_FRAME] +
                                    ref % GNTTAB_V1_PER_FRAME);
    return (uint32_t *)(void *)((union grant_entry_v2 *)gt->shared[ref / GNTTAB_V2_PER_FRAME] +
                                ref % GNTTAB_V2_PER_FRAME);
}

/* Entry ref of e's accepts a transfer from domain `from`: commit it
 * (flags and domid checked and GTF_transfer_committed set in one
 * compare-and-exchange), under e's table lock. */
static bool commit_entry(struct grant_table *gt, grant_ref_t ref, domid_t from)
{
    uint32_t *head, seen;

    if (ref >= gnttab_nr_entries(gt) || gnttab_entry_stale(gt, ref))
        return false;
    head = entry_head(gt, ref);
    seen = __atomic_load_n(head, __ATOMIC_SEQ_CST);
    for (unsigned int tries = 0; tries < COMMIT_TRIES; tries++) {
        if ((uint16_t)seen != GTF_accept_transfer || (domid_t)(seen >> 16) != from)
            return false;
        if (__atomic_compare_exchange_n(head, &seen, seen | GTF_transfer_committed, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    }
    return false;
}

/* The frame into the committed entry, then the flag that says so. */
static void complete_entry(struct grant_table *gt, grant_ref_t ref, mfn_t mfn)
{
    if (gt->version == 1)
        ((struct grant_entry_v1 *)(void *)entry_head(gt, ref))->frame = (uint32_t)mfn_x(mfn);
    else
        ((union grant_entry_v2 *)(void *)entry_head(gt, ref))->full_page.frame = mfn_x(mfn);
    __atomic_fetch_or((uint16_t *)(void *)entry_head(gt, ref), GTF_transfer_completed,
                      __ATOMIC_SEQ_CST);
}

/* The page stolen from d: hand it to e by entry ref (room made first, so
 * that a committed entry is always completed), or free it.  The entry is
 * committed, the page taken and the entry completed under one hold of
 * e's table lock: e's other vCPUs cannot switch the table's version and
 * e's teardown cannot relinquish it in between (either would move or
 * free the entry the completion writes). */
static int16_t give(struct domain *d, struct domain *e, grant_ref_t ref, struct page_info *pg)
{
    struct grant_table *gt = e->grant_table;
    int16_t st = GNTST_general_error;

    if (domain_reserve_frame(e)) {
        domain_drop_frame(pg);
        return st;
    }
    spin_lock(&gt->lock);
    if (!commit_entry(gt, ref, d->domain_id)) {
        domain_unreserve_frame(e);
    } else if (!domain_take_frame(e, pg)) {
        complete_entry(gt, ref, page_to_mfn(pg));
        st = GNTST_okay;
    }
    spin_unlock(&gt->lock);
    if (st != GNTST_okay)
        domain_drop_frame(pg);
    return st;
}

static int16_t transfer_one(struct domain *d, const struct gnttab_transfer *op)
{
    struct page_info *pg;
    struct domain *e;
    int16_t st;

    if (op->mfn >= max_mfn || domain_steal_frame(d, pg = mfn_to_page(_mfn(op->mfn))))
        return GNTST_bad_page;
    /* The caller may still have a translation of it cached anywhere. */
    arch_page_type_flush_tlbs();
    e = get_domain_by_id(op->domid);
    if (!e) {
        domain_drop_frame(pg);
        return GNTST_bad_domain;
    }
    st = give(d, e, op->ref, pg);
    put_domain(e);
    return st;
}

long grant_transfer_batch(struct domain *d, uint64_t uop, unsigned int count)
{
    struct gnttab_transfer op;

    for (unsigned int i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(op);

        if (i && hypercall_preempt_check())
            return i;
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = transfer_one(d, &op);
        if (copy_to_guest(at + offsetof(struct gnttab_transfer, status), &op.status,
                          sizeof(op.status)))
            return -EFAULT;
    }
    return 0;
}
