/* memory_op: what a PV guest may learn about memory, and (reservation.c)
 * changes to its memory or, for the privileged domain, another's. */
#include <asm/boot.h>
#include <asm/config.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <public/memory.h>
#include <public/xen.h>

/* current/maximum_reservation and maximum_gpfn: of any domain (DOMID_SELF
 * or an id, the caller's own too; -ESRCH for none), another's only for a
 * privileged caller (-EPERM), as Xen's. */
static long reservation(struct domain *self, uint64_t arg, unsigned int op)
{
    struct domain *d;
    domid_t id;
    long rc;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    d = get_domain_by_id(id == DOMID_SELF ? self->domain_id : id);
    if (!d)
        return -ESRCH;
    if (d != self && !self->is_privileged) {
        put_domain(d);
        return -EPERM;
    }
    rc = (long)(op == XENMEM_maximum_reservation ? d->max_pages
                : op == XENMEM_current_reservation ? d->tot_pages : d->tot_pages - 1);
    put_domain(d);
    return rc;
}

/* A PV guest's pseudo-physical space: one RAM range of its pages. */
static long memory_map(struct domain *d, uint64_t arg)
{
    struct xen_memory_map map;
    struct xen_e820_entry e = { 0, d->tot_pages << PAGE_SHIFT, XEN_E820_RAM };

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (map.nr_entries < 1)
        return -EINVAL;
    if (copy_to_guest(map.buffer, &e, sizeof(e)))
        return -EFAULT;
    map.nr_entries = 1;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long machine_memory_map(struct domain *d, uint64_t arg)
{
    struct xen_memory_map map;
    unsigned int n;

    if (!d->is_privileged)
        return -EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    n = MIN(map.nr_entries, boot_info.nr_memmap);
    for (unsigned int i = 0; i < n; i++) {
        const struct memmap_entry *m = &boot_info.memmap[i];
        struct xen_e820_entry e = { m->addr, m->len, m->type };

        if (copy_to_guest(map.buffer + i * sizeof(e), &e, sizeof(e)))
            return -EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

/* The whole window, as Xen reports it.  The privileged domain learns the
 * machine's real last frame; others the window's capacity (entries past
 * the machine's last frame are simply not mapped). */
static long machphys_mapping(const struct domain *d, uint64_t arg)
{
    struct xen_machphys_mapping m = {
        .v_start = MACH2PHYS_VIRT_START,
        .v_end = MACH2PHYS_VIRT_END,
        .max_mfn = d->is_privileged ? max_mfn - 1 : MACH2PHYS_NR_ENTRIES - 1,
    };

    return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

/* Placing a page in a translated guest's physical space: a PV guest has
 * none, and Xen answers -EACCES for every space (grant-table frames
 * too: a PV guest maps them by machine frame), after reading the
 * request and finding its domain.  The start-extent bits above the
 * command are a continuation's, at most 16 bits (-EDOM). */
static long add_to_physmap(struct domain *self, uint64_t cmd, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;

    if ((cmd >> MEMOP_EXTENT_SHIFT) > 0xffff)
        return -EDOM;
    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS;             /* the batch form only */
    d = get_domain_by_id(x.domid == DOMID_SELF ? self->domain_id : x.domid);
    if (d)
        put_domain(d);
    return d ? -EACCES : -ESRCH;
}

long do_memory_op(const uint64_t a[6])
{
    struct domain *d = current_vcpu()->domain;

    switch (a[0] & MEMOP_CMD_MASK) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return pv_memory_reservation((unsigned int)(a[0] & MEMOP_CMD_MASK), a[0], a[1]);
    case XENMEM_add_to_physmap:
        return add_to_physmap(d, a[0], a[1]);
    }
    /* Above the command bits only the reservation ops take a start
     * extent; for the others it is -EINVAL, as on Xen. */
    if (a[0] & ~(uint64_t)MEMOP_CMD_MASK)
        return -EINVAL;
    switch (a[0]) {
    case XENMEM_maximum_ram_page:
        return (long)max_mfn;        /* frames covered: one past the highest */
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation(d, a[1], (unsigned int)a[0]);
    case XENMEM_memory_map:
        return memory_map(d, a[1]);
    case XENMEM_machine_memory_map:
        return machine_memory_map(d, a[1]);
    case XENMEM_machphys_mapping:
        return machphys_mapping(d, a[1]);
    }
    return -ENOSYS;
}
