/* GNTTABOP_copy: copy bytes between two pages, either given by a grant
 * reference of another domain (or the caller's own) or by the caller's
 * own frame, as Xen's: each end is pinned for the copy (a source for
 * reading, a destination for writing, GTF_reading/GTF_writing set
 * meanwhile) and released at once. */
#include <arch/arch.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <lib/string.h>
#include <public/xen.h>

/* One end of a copy, once claimed. */
struct copy_end {
    struct domain *d;             /* referenced while claimed */
    bool is_gref;
    bool writes;
    grant_ref_t ref;
    struct grant_pinned p;        /* the frame, and the window usable */
};

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
    e->is_gref = is_gref;
    return GNTST_okay;
}

static int16_t claim(struct domain *self, const struct gnttab_copy_ptr *ptr,
                     struct copy_end *e)
{
    int16_t st;

    if (e->is_gref) {
        e->ref = ptr->u.ref;
        return gnttab_pin(e->d, e->ref, self->domain_id,
                          e->writes ? GRANT_USE_HOST_RW : GRANT_USE_HOST_RO, false, &e->p);
    }
    e->p = (struct grant_pinned){ _mfn(ptr->u.gmfn), 0, PAGE_SIZE };
    st = gnttab_get_frame(e->d, e->p.mfn, e->writes);
    if (st != GNTST_okay)
        e->p.mfn = INVALID_MFN;
    return st;
}

static void release(struct copy_end *e, bool claimed)
{
    if (claimed && e->is_gref)
        gnttab_unpin(e->d, e->ref, e->writes ? GRANT_USE_HOST_RW : GRANT_USE_HOST_RO);
    else if (claimed)
        gnttab_put_frame(e->p.mfn, e->writes);
    if (e->d)
        put_domain(e->d);
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

static int16_t copy_one(struct domain *self, const struct gnttab_copy *op)
{
    struct copy_end src = { .writes = false }, dst = { .writes = true };
    bool have_src = false, have_dst = false;
    int16_t st;

    if (!op->len)
        return GNTST_okay;      /* Xen looks at nothing else */
    st = find_domain(self, &op->source, op->flags & GNTCOPY_source_gref, &src);
    if (st == GNTST_okay)
        st = find_domain(self, &op->dest, op->flags & GNTCOPY_dest_gref, &dst);
    if (st == GNTST_okay)
        have_src = (st = claim(self, &op->source, &src)) == GNTST_okay;
    if (st == GNTST_okay)
        have_dst = (st = claim(self, &op->dest, &dst)) == GNTST_okay;
    if (st == GNTST_okay)
        st = check_range(op, &src, &dst);
    if (st == GNTST_okay)
        memmove((char *)arch_maddr_to_virt(mfn_to_maddr(dst.p.mfn)) + op->dest.offset,
                (const char *)arch_maddr_to_virt(mfn_to_maddr(src.p.mfn)) + op->source.offset,
                op->len);
    release(&dst, have_dst);
    release(&src, have_src);
    return st;
}

long gnttab_op_copy(struct domain *self, uint64_t arg, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        uint64_t at = arg + (uint64_t)i * sizeof(struct gnttab_copy);
        struct gnttab_copy op;

        if (i && hypercall_preempt_check())
            return i;
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = copy_one(self, &op);
        if (copy_to_guest(at + offsetof(struct gnttab_copy, status), &op.status,
                          sizeof(op.status)))
            return -EFAULT;
    }
    return 0;
}
