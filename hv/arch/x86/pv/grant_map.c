/* Grant mappings in a PV guest's page tables: the x86 half of
 * hv/common/grant_map.c (the interface: arch/grant_map.h).
 *
 * A host mapping is an L1 entry of the mapping domain's, marked
 * _PAGE_GRANT (pv_mm.h), which the guest names by the virtual address it
 * maps or by the entry's machine address (GNTMAP_contains_pte), as on
 * Xen.  The entry itself holds no reference on the granted frame (the
 * mapping's handle does, common code's); it holds a type reference on
 * the L1 table it sits in, so that table stays an L1 table -- never
 * released, retyped, made writable or freed -- while the mapping lives,
 * and the entry can be found again by its machine address alone, even
 * once the guest has unhooked the table.  The guest cannot write over,
 * clear or forge a marked entry (pt_validate.c, mm.c), so the mapping
 * goes only through its handle or its domain's teardown.
 *
 * Everything here runs under the mapping domain's page-type lock, the
 * tables it reads and writes being that domain's own; the granted frame's
 * references are taken and dropped by the caller outside it (they take
 * the granting domain's type lock, which may not nest inside another
 * guest's). */
#include <arch/grant_map.h>
#include <asm/guest_access.h>
#include <asm/percpu.h>
#include <asm/pv_mm.h>
#include <asm/smp.h>
#include <asm/x86.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/maptrack.h>
#include <public/grant_table.h>

#define PTE_AVAIL_SHIFT 9               /* the three available bits, 9-11 */
#define PTE_AVAIL_MASK  (7ULL << PTE_AVAIL_SHIFT)

static uint64_t nx_bit(void)
{
    return (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0;
}

/* The entry Xen writes for a grant mapping (its grant_to_pte_flags):
 * present, accessed and dirty already (the CPU never writes it), not
 * executable, writable unless read-only, the request's guest_avail bits
 * in the PTE's available bits; user-accessible as every PV entry. */
static uint64_t grant_pte(mfn_t frame, uint32_t flags)
{
    uint64_t e = mfn_to_maddr(frame) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
                 _PAGE_GRANT | nx_bit();

    if (!(flags & GNTMAP_readonly))
        e |= _PAGE_RW;
    e |= ((uint64_t)(flags >> _GNTMAP_guest_avail0) << PTE_AVAIL_SHIFT) & PTE_AVAIL_MASK;
    return pv_adjust_pte(e);
}

static uint64_t *entry_at(uint64_t maddr)
{
    return maddr_to_virt(maddr);
}

/* The machine address of the L1 entry ld's request names, if that entry
 * sits in a validated L1 table ld owns; 0 otherwise (as Xen: misaligned,
 * not ld's, no table there, or a table of another level). */
static uint64_t l1e_maddr(struct domain *ld, uint64_t addr, bool is_pte)
{
    struct page_info *pg;
    uint64_t maddr;
    mfn_t mfn;

    if (is_pte) {
        if (addr & (sizeof(uint64_t) - 1))
            return 0;
        mfn = maddr_to_mfn(addr);
        maddr = addr;
    } else {
        if (!guest_range_ok(addr, 1))
            return 0;
        mfn = pv_walk(current_vcpu(), _gva(addr), 1);
        maddr = mfn_to_maddr(mfn) + pt_index(addr, 1) * sizeof(uint64_t);
    }
    if (mfn_eq(mfn, INVALID_MFN) || mfn_x(mfn) >= max_mfn)
        return 0;
    pg = mfn_to_page(mfn);
    if (pg->owner != ld || page_type(pg) != PGT_l1_page_table || !page_type_count(pg) ||
        (pg->type_info & (PGT_validated | PGT_partial)) != PGT_validated)
        return 0;
    return maddr;
}

static struct page_info *table_of(uint64_t maddr)
{
    return mfn_to_page(maddr_to_mfn(maddr));
}

/* Swap e in for the entry at maddr, whatever A/D bits the CPU sets
 * meanwhile; the entry it replaced. */
static uint64_t swap_entry(uint64_t maddr, uint64_t e)
{
    return __atomic_exchange_n(entry_at(maddr), e, __ATOMIC_SEQ_CST);
}

static int16_t map_locked(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                          uint32_t handle)
{
    uint64_t maddr = l1e_maddr(ld, addr, flags & GNTMAP_contains_pte), old;
    struct page_info *l1;

    if (!maddr)
        return GNTST_general_error;
    l1 = table_of(maddr);
    if (is_grant_pte(__atomic_load_n(entry_at(maddr), __ATOMIC_RELAXED)))
        return GNTST_general_error;     /* that mapping goes by its own handle */
    if (get_page_and_type(l1, ld, PGT_l1_page_table))
        return GNTST_general_error;
    old = swap_entry(maddr, grant_pte(frame, flags));
    /* What the entry mapped before goes, as on Xen; a leaf's release
     * never stops half-way. */
    (void)pv_put_pte_ref(old, 1, page_to_mfn(l1));
    grant_map_set_where(ld, handle, maddr);
    return GNTST_okay;
}

int16_t arch_grant_map(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                       uint32_t handle)
{
    int16_t rc;

    page_types_lock(ld);
    rc = map_locked(ld, addr, flags, frame, handle);
    page_types_unlock(ld);
    return rc;
}

/* The entry at maddr is the grant mapping of frame with flags' access:
 * Xen compares the frame, presence and writability. */
static bool is_mapping_of(uint64_t e, mfn_t frame, uint32_t flags)
{
    uint64_t want = grant_pte(frame, flags);

    return is_grant_pte(e) && (e & PTE_ADDR_MASK) == mfn_to_maddr(frame) &&
           !((e ^ want) & (_PAGE_PRESENT | _PAGE_RW));
}

/* unmap_and_replace: what new_addr's entry maps moves into the entry at
 * maddr (the mapping of handle, being unmapped), and new_addr is left
 * empty, as Xen's steal of a linear address.  An ordinary entry moves
 * with its references; a grant mapping moves with its handle, whose
 * record follows it and whose hold on a table becomes the one the
 * unmapped mapping had on maddr's (the hold on its old table goes).
 * Refused with nothing changed: no L1 entry at new_addr, or the very
 * entry being unmapped (Xen crashes a domain that steals its own grant
 * entry).  handle's record is 0 afterwards. */
static int16_t replace_from(struct domain *ld, uint64_t maddr, uint32_t handle, uint64_t new_addr)
{
    uint64_t from = l1e_maddr(ld, new_addr, false);
    bool grant;

    if (!from || from == maddr)
        return GNTST_general_error;
    grant = is_grant_pte(__atomic_load_n(entry_at(from), __ATOMIC_RELAXED));
    /* The moved mapping's handle takes over handle's record (maddr). */
    if (grant && grant_map_take_place(ld, handle, from) == MAPTRACK_NONE)
        return GNTST_general_error;     /* not reached: every mark has a handle */
    (void)swap_entry(maddr, swap_entry(from, 0));
    if (grant) {
        put_page_and_type(table_of(from));
    } else {
        grant_map_set_where(ld, handle, 0);
        put_page_and_type(table_of(maddr));
    }
    return GNTST_okay;
}

static int16_t unmap_locked(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                            uint32_t handle, uint64_t new_addr)
{
    bool is_pte = flags & GNTMAP_contains_pte;
    uint64_t maddr = l1e_maddr(ld, addr, is_pte);

    if ((is_pte && new_addr) || !maddr || maddr != grant_map_where(ld, handle))
        return GNTST_general_error;
    if (!is_mapping_of(__atomic_load_n(entry_at(maddr), __ATOMIC_RELAXED), frame, flags))
        return GNTST_general_error;
    if (new_addr)
        return replace_from(ld, maddr, handle, new_addr);
    (void)swap_entry(maddr, 0);
    grant_map_set_where(ld, handle, 0);
    /* The mapping's hold on its table; the last one releases it. */
    put_page_and_type(table_of(maddr));
    return GNTST_okay;
}

int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint32_t handle, uint64_t new_addr)
{
    int16_t rc;

    page_types_lock(ld);
    rc = unmap_locked(ld, addr, flags, frame, handle, new_addr);
    page_types_unlock(ld);
    return rc;
}

void arch_grant_unmap_dying(struct domain *ld, uint32_t handle)
{
    uint64_t where;

    ASSERT(ld->dying);
    page_types_lock(ld);
    where = grant_map_where(ld, handle);
    ASSERT(page_type(table_of(where)) == PGT_l1_page_table && page_type_count(table_of(where)));
    ASSERT(is_grant_pte(__atomic_load_n(entry_at(where), __ATOMIC_RELAXED)));
    (void)swap_entry(where, 0);
    grant_map_set_where(ld, handle, 0);
    put_page_and_type(table_of(where));
    page_types_unlock(ld);
}

static void flush_local(void *unused)
{
    (void)unused;
    flush_tlb_local();
}

/* Every CPU: the domain's vCPUs may have run anywhere since. */
void arch_grant_flush_tlbs(struct domain *ld)
{
    (void)ld;
    flush_tlb_local();
    if (nr_cpus_online > 1)
        smp_call_function(flush_local, NULL);
}
