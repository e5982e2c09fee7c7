/* GNTTABOP_copy: copy bytes between two pages, either given by a grant
 * reference of another domain (or the caller's own) or by the caller's
 * own frame, as Xen's: each end is pinned for the copy (a source for
 * reading, a destination for writing, GTF_reading/GTF_writing set
 * meanwhile).  As Xen does, an end stays claimed while the next copies of
 * the batch name the same one, and is released when they name another,
 * when a copy fails, and when the call returns (preempted or done). */
#include <arch/arch.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <lib/string.h>
#include <public/xen.h>

/* One end of a copy: the domain it names (referenced) and, once claimed,
 * the frame and the window usable. */
struct copy_end {
    struct domain *d;
    domid_t domid;                /* as the request gave it (DOMID_SELF too) */
    bool writes;
    bool claimed;
    bool is_gref;
    uint64_t which;               /* the reference or frame number claimed */
    struct grant_pinned p;
};

static void release(struct copy_end *e)
{
    if (e->claimed && e->is_gref)
        gnttab_unpin(e->d, (grant_ref_t)e->which,
                     e->writes ? GRANT_USE_HOST_RW : GRANT_USE_HOST_RO);
    else if (e->claimed)
        gnttab_put_frame(e->p.mfn, e->writes);
    e->claimed = false;
}

static void forget_domain(struct copy_end *e)
{
    release(e);
    if (e->d)
        put_domain(e->d);
    e->d = NULL;
}

/* Xen's order: only the caller's own frames by number; then the domain. */
static int16_t find_domain(struct domain *self, const struct gnttab_copy_ptr *ptr, bool is_gref,
                           struct copy_end *e)
{
    if (ptr->domid != DOMID_SELF && !is_gref)
        return GNTST_permission_denied;
    if (ptr->domid == DOMID_SELF) {
        atomic_fetch_add(&self->refcnt, 1);
        e->d = self;
    } else if (!(e->d = get_domain_by_id(ptr->domid))) {
        return GNTST_bad_domain;
    }
    e->domid = ptr->domid;
    return GNTST_okay;
}

/* The end as this copy names it, claimed unless it already is. */
static int16_t claim(struct domain *self, const struct gnttab_copy_ptr *ptr, bool is_gref,
                     struct copy_end *e)
{
    uint64_t which = is_gref ? ptr->u.ref : ptr->u.gmfn;
    int16_t st;

    if (e->claimed && e->is_gref == is_gref && e->which == which)
        return GNTST_okay;
    release(e);
    e->is_gref = is_gref;
    e->which = which;
    if (is_gref) {
        st = gnttab_pin(e->d, ptr->u.ref, self->domain_id,
                        e->writes ? GRANT_USE_HOST_RW : GRANT_USE_HOST_RO, false, &e->p);
    } else {
        e->p = (struct grant_pinned){ _mfn(ptr->u.gmfn), 0, PAGE_SIZE };
        st = gnttab_get_frame(e->d, e->p.mfn, e->writes);
    }
    e->claimed = st == GNTST_okay;
    return st;
}

/* Within the page, then within what the grant allows. */
static int16_t check_range(const struct gnttab_copy *op, const struct copy_end *src,
                           const struct copy_end *dst)
{
    if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    if (op->source.offset < src->p.start ||
        op->source.offset + op->len > src->p.start + src->p.length ||
        op->dest.offset < dst->p.start || op->dest.offset + op->len > dst->p.start + dst->p.length)
        return GNTST_general_error;
    return GNTST_okay;
}

static int16_t copy_one(struct domain *self, const struct gnttab_copy *op, struct copy_end *src,
                        struct copy_end *dst)
{
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    int16_t st = GNTST_okay;

    if (!op->len)
        return GNTST_okay;      /* Xen looks at nothing else */
    if (!src->d || !dst->d || src->domid != op->source.domid || dst->domid != op->dest.domid) {
        forget_domain(src);
        forget_domain(dst);
        st = find_domain(self, &op->source, src_gref, src);
        if (st == GNTST_okay)
            st = find_domain(self, &op->dest, dst_gref, dst);
    } else if ((op->source.domid != DOMID_SELF && !src_gref) ||
               (op->dest.domid != DOMID_SELF && !dst_gref)) {
        st = GNTST_permission_denied;       /* the same domains, now by frame */
    }
    if (st == GNTST_okay)
        st = claim(self, &op->source, src_gref, src);
    if (st == GNTST_okay)
        st = claim(self, &op->dest, dst_gref, dst);
    if (st == GNTST_okay)
        st = check_range(op, src, dst);
    if (st == GNTST_okay)
        memmove((char *)arch_maddr_to_virt(mfn_to_maddr(dst->p.mfn)) + op->dest.offset,
                (const char *)arch_maddr_to_virt(mfn_to_maddr(src->p.mfn)) + op->source.offset,
                op->len);
    else {
        release(src);           /* a failed copy keeps nothing, as Xen's */
        release(dst);
    }
    return st;
}

static long copy_batch(struct domain *self, uint64_t arg, unsigned int count,
                       struct copy_end *src, struct copy_end *dst)
{
    for (unsigned int i = 0; i < count; i++) {
        uint64_t at = arg + (uint64_t)i * sizeof(struct gnttab_copy);
        struct gnttab_copy op;

        if (i && hypercall_preempt_check())
            return i;
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = copy_one(self, &op, src, dst);
        if (copy_to_guest(at + offsetof(struct gnttab_copy, status), &op.status,
                          sizeof(op.status)))
            return -EFAULT;
    }
    return 0;
}

long gnttab_op_copy(struct domain *self, uint64_t arg, unsigned int count)
{
    struct copy_end src = { .writes = false }, dst = { .writes = true };
    long rc = copy_batch(self, arg, count, &src, &dst);

    forget_domain(&dst);
    forget_domain(&src);
    return rc;
}
