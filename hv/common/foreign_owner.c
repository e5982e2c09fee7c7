/* The foreign-domain argument of the PV memory hypercalls (mmu_update,
 * mmuext_op, update_va_mapping_otherdomain): whose frames a request
 * names, Xen's "page owner".  Only the privileged domain names another
 * domain's frames, so it can build a domain: map the frames it owns and
 * pin its page tables.  The frames themselves are then checked to be the
 * named domain's (x86: pv/pt_validate.c, pv/mm.c). */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/foreign_owner.h>
#include <public/xen.h>

/* As Xen's get_pg_owner and its privilege check: DOMID_SELF is the
 * caller; the caller's own id, an unknown id and the special ids (DOMID_IO
 * and DOMID_XEN, which Proxen does not offer) -ESRCH; another domain's
 * frames only for a privileged caller (-EPERM), with a reference
 * (pv_put_pg_owner). */
long pv_get_pg_owner(struct domain *self, uint16_t id, struct domain **out)
{
    struct domain *d;

    if (id == DOMID_SELF) {
        *out = self;
        return 0;
    }
    if (id == self->domain_id || id >= DOMID_FIRST_RESERVED || !(d = get_domain_by_id(id)))
        return -ESRCH;
    if (!self->is_privileged) {
        put_domain(d);
        return -EPERM;
    }
    *out = d;
    return 0;
}

void pv_put_pg_owner(struct domain *self, struct domain *pg_owner)
{
    if (pg_owner != self)
        put_domain(pg_owner);
}

/* mmu_update's upper 16 bits name the owner of the page tables (plus
 * one; 0 for the caller).  Proxen updates only the caller's own tables
 * (Xen uses another's for building 32-bit guests): another domain's is
 * -EPERM for an unprivileged caller, -EOPNOTSUPP for the privileged one,
 * an unknown one -ESRCH. */
long pv_check_pt_owner(struct domain *self, uint32_t foreigndom)
{
    unsigned int pt_dom = foreigndom >> 16;
    struct domain *d;

    if (!pt_dom || pt_dom - 1 == self->domain_id)
        return 0;
    if (pt_dom - 1 >= DOMID_FIRST_RESERVED || !(d = get_domain_by_id((domid_t)(pt_dom - 1))))
        return -ESRCH;
    put_domain(d);
    return self->is_privileged ? -EOPNOTSUPP : -EPERM;
}
