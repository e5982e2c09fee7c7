/* Validation of PV guest page tables: the arch half of the page type
 * state machine (hv/common/page_type.c).
 *
 * A present entry at level 1 takes a general reference on the frame it
 * maps, plus a writable-type reference if the mapping is writable; an
 * entry at level n > 1 takes a level n-1 page-table type reference on the
 * frame it names.  So a frame can be mapped writable only while it is not
 * a page table anywhere, and a page table is only ever reachable through
 * validated tables. */
#include <asm/percpu.h>
#include <asm/pv_mm.h>
#include <asm/smp.h>
#include <asm/x86.h>
#include <proxen/domain.h>
#include <proxen/errno.h>

extern pte_t idle_l4_table[];

/* A read-only L4 entry may name its own L4 (a "linear" page table, which
 * lets the guest read its own tables), with a general reference only: a
 * type reference to itself would keep it alive forever.  Links between
 * different L4s are refused: chains of them would make releasing one
 * recurse without bound, and cycles would never be released. */
static int get_linear_l4(struct page_info *pg, struct domain *d, mfn_t self)
{
    if (!mfn_eq(page_to_mfn(pg), self))
        return -EINVAL;
    return get_page(pg, d) ? 0 : -EPERM;
}

/* Leaf bits d may not set: the grant mark (only the hypervisor writes
 * grant mappings), and cache attributes without I/O privilege. */
static inline uint64_t leaf_disallowed(const struct domain *d)
{
    return _PAGE_GRANT | (d->arch.io_privileged ? 0 : PTE_CACHE_ATTRS);
}

__hot_mm int pv_get_pte_ref(uint64_t e, unsigned int level, struct domain *d, mfn_t self)
{
    uint64_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg;
    int rc;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if (e & (level == 1 ? leaf_disallowed(d) : LN_DISALLOW_MASK))
        return -EINVAL;
    if (mfn >= max_mfn)
        return -EINVAL;
    pg = mfn_to_page(_mfn(mfn));
    if (level > 1) {
        rc = get_page_and_type(pg, d, level_type(level - 1));
        if (rc == -EINVAL && level == 4 && !(e & _PAGE_RW) &&
            page_type(pg) == PGT_l4_page_table)
            rc = get_linear_l4(pg, d, self);
        return rc;
    }
    if (e & _PAGE_RW) {    /* -EBUSY, as Xen, when the frame is a table */
        rc = get_page_and_type(pg, d, PGT_writable_page);
        return rc && rc != -ERESTART ? -EBUSY : rc;
    }
    return get_page(pg, d) ? 0 : -EPERM;
}

/* A foreign mapping: a leaf of d's naming a frame pg_owner owns, with
 * the references of any leaf (a general one, and a writable type for a
 * writable mapping), so the frame is neither retyped nor freed while
 * mapped: its owner's teardown leaves it until the mapping goes.  The
 * entry's flags are judged for d, whose table it is. */
int pv_get_foreign_pte_ref(uint64_t e, unsigned int level, struct domain *d,
                           struct domain *pg_owner)
{
    uint64_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg;
    int rc;

    if (level != 1)
        return -EINVAL;         /* even to clear one, as Xen */
    if (!(e & _PAGE_PRESENT))
        return 0;
    if ((e & leaf_disallowed(d)) || mfn >= max_mfn)
        return -EINVAL;
    if (mfn == mfn_x(pg_owner->shared_info_mfn))
        return -EBUSY;          /* its own only (domain.c, share_shared_info) */
    pg = mfn_to_page(_mfn(mfn));
    if (!(e & _PAGE_RW))
        return get_page(pg, pg_owner) ? 0 : -EBUSY;
    rc = get_page_and_type(pg, pg_owner, PGT_writable_page);
    return rc && rc != -ERESTART ? -EBUSY : rc;
}

__hot_mm int pv_put_pte_ref(uint64_t e, unsigned int level, mfn_t self)
{
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT))
        return 0;
    /* A grant mapping holds its table (pv/grant_map.c): never released
     * under it. */
    ASSERT(level != 1 || !is_grant_pte(e));
    pg = mfn_to_page(_mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT));
    if (level == 4 && mfn_eq(page_to_mfn(pg), self))
        put_page(pg);                       /* a self-link holds no type */
    else if (level > 1)
        return put_page_and_type_preemptible(pg);   /* a whole tree below */
    else if (e & _PAGE_RW)
        put_page_and_type(pg);
    else
        put_page(pg);
    return 0;
}

mfn_t pv_walk(const struct vcpu *v, gva_t va, unsigned int level)
{
    uint64_t table = mfn_x(v->arch.guest_table);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t e = ((const uint64_t *)maddr_to_virt(table << PAGE_SHIFT))[pt_index(gva_x(va), l)];

        if (!(e & _PAGE_PRESENT) || (l > 1 && (e & _PAGE_PSE)))
            return INVALID_MFN;
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return table < max_mfn ? _mfn(table) : INVALID_MFN;
}

void pv_init_hv_l4_slots(uint64_t *l4)
{
    for (unsigned int i = HV_FIRST_L4_SLOT; i <= HV_LAST_L4_SLOT; i++)
        l4[i] = idle_l4_table[i];
}

static unsigned int type_level(uint64_t type) { return (unsigned int)(type >> 60); }

static bool guest_slot(unsigned int level, unsigned int i)
{
    return level != 4 || !is_hv_l4_slot(i);
}

static uint64_t *table_of(const struct page_info *pg)
{
    return maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
}

unsigned int arch_pt_entries(uint64_t type)
{
    (void)type;
    return 512;
}

int arch_pt_get_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    unsigned int level = type_level(type);
    uint64_t *t = table_of(pg);
    int rc;

    if (!guest_slot(level, i))
        return 0;
    rc = pv_get_pte_ref(t[i], level, pg->owner, page_to_mfn(pg));
    if (!rc)
        t[i] = pv_adjust_pte(t[i]);
    return rc;
}

int arch_pt_put_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    unsigned int level = type_level(type);

    if (!guest_slot(level, i))
        return 0;
    return pv_put_pte_ref(table_of(pg)[i], level, page_to_mfn(pg));
}

void arch_pt_validated(struct page_info *pg, uint64_t type)
{
    if (type == PGT_l4_page_table)
        pv_init_hv_l4_slots(table_of(pg));
}

int arch_desc_page_validate(struct page_info *pg)
{
    return pv_validate_descriptor_page(table_of(pg));
}

static void flush_local(void *unused) { flush_tlb_local(); }

static uint32_t tlbflush_clock;

uint32_t arch_tlbflush_clock(void)
{
    return tlbflush_clock;
}

/* Every CPU, always: callers have interrupts on (the page-type lock is
 * only taken so), so the other CPUs can be reached and waited for. */
void arch_page_type_flush_tlbs(void)
{
    flush_tlb_local();
    if (nr_cpus_online > 1)
        smp_call_function(flush_local, NULL);
    tlbflush_clock++;
}
