/* memory_op's reservation changes, with Xen's semantics
 * (xen/common/memory.c): increase_reservation, decrease_reservation and
 * populate_physmap, for the caller (DOMID_SELF, or its own id) or, for
 * the privileged domain, any domain, within that domain's max_pages.
 *
 * The result is the number of extents done, never an error: a request
 * that cannot start (unreadable, too long for the continuation encoding,
 * an unknown domain, another domain's for an unprivileged caller, an
 * extent order past the caller's limit, an unusable list) returns the
 * extent it started from, and one that stops half-way returns how far it
 * got.  A long one is continued with the extent to resume from in the
 * command's upper bits.
 *
 * A frame given back leaves the domain's memory at once and goes back to
 * the heap when nothing maps it any more (domain.c); its M2P entry is
 * cleared.  A page table given back while pinned is unpinned (Xen 4.17
 * keeps the pin until the guest drops it; Proxen's teardown only finds
 * frames still counted as the domain's). */
#include <asm/config.h>
#include <asm/guest_access.h>
#include <asm/m2p.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/memory.h>
#include <public/xen.h>

#define DOMU_MAX_ORDER   9      /* Xen's: 2 MiB extents */
#define CTLDOM_MAX_ORDER 18     /* Xen's for the control domain */
#define NUMA_NO_NODE     0xff

struct memop {
    struct domain *d;
    uint64_t list;              /* guest address of xen_pfn_t[nr], or 0 */
    unsigned int nr, order, done;
    unsigned int address_bits;  /* frames must lie below 2^bits; 0: any */
    bool pod;                   /* XENMEMF_populate_on_demand */
    bool preempted;
};

static unsigned int max_order(const struct domain *caller)
{
    return caller->is_privileged ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

/* Entries [from, nr) of the list lie in guest memory (Xen's
 * guest_handle_subrange_okay). */
static bool list_ok(const struct memop *m)
{
    return guest_range_ok(m->list + (uint64_t)m->done * 8, ((uint64_t)m->nr - m->done) * 8);
}

static bool preempt(struct memop *m, unsigned int i)
{
    if (i == m->done || !hypercall_preempt_check())
        return false;
    m->preempted = true;
    return true;
}

/* One extent for m->d, below the address limit if there is one. */
static struct page_info *new_extent(const struct memop *m)
{
    struct page_info *pg = domain_alloc_extent(m->d, m->order);
    uint64_t end;

    if (!pg || !m->address_bits)
        return pg;
    end = mfn_x(page_to_mfn(pg)) + (1ULL << m->order);
    if (end <= 1ULL << (m->address_bits - PAGE_SHIFT))
        return pg;
    for (uint64_t j = 0; j < 1ULL << m->order; j++)
        (void)domain_give_up_frame(m->d, pg + j);
    return NULL;
}

static void increase(struct memop *m)
{
    unsigned int i;

    if ((m->list && !list_ok(m)) || m->order > max_order(current_vcpu()->domain))
        return;
    for (i = m->done; i < m->nr && !preempt(m, i); i++) {
        struct page_info *pg = new_extent(m);
        uint64_t mfn;

        if (!pg)
            break;
        mfn = mfn_x(page_to_mfn(pg));
        if (m->list && copy_to_guest(m->list + (uint64_t)i * 8, &mfn, 8))
            break;                  /* the extent stays the domain's, as on Xen */
    }
    m->done = i;
}

/* Xen's guest_remove_page for a PV domain: a frame it owns and has not
 * given back already (else -ENXIO, -EINVAL past the frame table). */
static int remove_frame(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;

    if (mfn_x(mfn) >= max_mfn)
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d || !(pg->count_info & PGC_allocated))
        return -ENXIO;
    page_types_lock(d);
    (void)unpin_page_table(pg, d, page_type(pg));      /* -EINVAL: not pinned */
    page_types_unlock(d);
    m2p_set(mfn, M2P_INVALID);
    return domain_give_up_frame(d, pg) ? -ENXIO : 0;
}

static void decrease(struct memop *m)
{
    unsigned int i;

    if (!list_ok(m) || m->order > max_order(current_vcpu()->domain))
        return;
    for (i = m->done; i < m->nr && !preempt(m, i); i++) {
        uint64_t mfn;
        bool failed = false;

        if (copy_from_guest(&mfn, m->list + (uint64_t)i * 8, 8))
            break;
        for (uint64_t j = 0; j < 1ULL << m->order && !failed; j++)
            failed = remove_frame(m->d, _mfn(mfn + j)) != 0;
        if (failed)
            break;
    }
    m->done = i;
}

/* Back the guest's pseudo-physical frames in the list with new extents:
 * their M2P entries say so, and the list gets their machine frames. */
static void populate(struct memop *m)
{
    struct domain *self = current_vcpu()->domain;
    unsigned int i;

    if (!list_ok(m) || m->order > (m->pod ? MAX_ORDER : max_order(self)))
        return;
    for (i = m->done; i < m->nr && !preempt(m, i); i++) {
        struct page_info *pg;
        uint64_t gpfn, mfn;

        /* The list holds the guest's frames in, its machine frames out. */
        if (copy_from_guest(&gpfn, m->list + (uint64_t)i * 8, 8))
            break;
        if (m->pod) {               /* for a PV domain nothing to do, as Xen */
            if (m->d == self)
                break;
            continue;
        }
        if (!(pg = new_extent(m)))
            break;
        mfn = mfn_x(page_to_mfn(pg));
        for (uint64_t j = 0; j < 1ULL << m->order; j++)
            m2p_set(_mfn(mfn + j), gfn_add(_gfn(gpfn), j));
        if (copy_to_guest(m->list + (uint64_t)i * 8, &mfn, 8))
            break;
    }
    m->done = i;
}

/* Xen's construct_memop_from_reservation and node rules: an address
 * limit at or below one page, or a node other than the only one (0), or
 * an exact node from an unprivileged caller, refuses the request. */
static bool flags_ok(struct memop *m, uint32_t flags, const struct domain *self)
{
    unsigned int bits = XENMEMF_get_address_bits(flags), node = XENMEMF_get_node(flags);

    if (bits && bits <= PAGE_SHIFT)
        return false;
    if (bits && bits < 64 && (1ULL << (bits - PAGE_SHIFT)) < max_mfn)
        m->address_bits = bits;     /* below the machine's end: a limit */
    if ((flags & XENMEMF_vnode) || node == NUMA_NO_NODE)
        return true;                /* no virtual NUMA: no node asked */
    if (self->is_privileged)
        return node == 0;
    return !(flags & XENMEMF_exact_node_request);
}

/* The domain the reservation names, with a reference: DOMID_SELF or any
 * id (the caller's own too); another's only for a privileged caller. */
static struct domain *target(struct domain *self, domid_t id)
{
    struct domain *d = get_domain_by_id(id == DOMID_SELF ? self->domain_id : id);

    if (d && d != self && !self->is_privileged) {
        put_domain(d);
        return NULL;
    }
    return d;
}

long pv_memory_reservation(unsigned int op, uint64_t cmd, uint64_t arg)
{
    struct domain *self = current_vcpu()->domain;
    uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;
    struct xen_memory_reservation r;
    struct memop m;

    if (copy_from_guest(&r, arg, sizeof(r)) || r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) ||
        start >= r.nr_extents)
        return (long)start;
    m = (struct memop){ .list = r.extent_start, .nr = (unsigned int)r.nr_extents,
                        .order = r.extent_order, .done = (unsigned int)start,
                        .pod = op == XENMEM_populate_physmap &&
                               (r.mem_flags & XENMEMF_populate_on_demand) };
    if (!flags_ok(&m, r.mem_flags, self) || !(m.d = target(self, r.domid)))
        return (long)start;
    if (op == XENMEM_increase_reservation)
        increase(&m);
    else if (op == XENMEM_decrease_reservation)
        decrease(&m);
    else
        populate(&m);
    put_domain(m.d);
    if (m.preempted) {
        const uint64_t a[6] = { op | ((uint64_t)m.done << MEMOP_EXTENT_SHIFT), arg };

        return hypercall_create_continuation(__HYPERVISOR_memory_op, 2, a);
    }
    return m.done;
}
