/* The PV memory hypercalls: mmu_update, update_va_mapping, mmuext_op.
 *
 * Every entry a guest writes into one of its page tables goes through
 * pv_update_pte(): the new entry's references are taken first (which
 * validates it), then it is written, then the old entry's references are
 * dropped.  A refused entry changes nothing. */
#include <asm/guest_access.h>
#include <asm/m2p.h>
#include <asm/pv.h>
#include <asm/pv_args.h>
#include <asm/pv_mm.h>
#include <asm/pv_traps.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/foreign_owner.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define AD_BITS (_PAGE_ACCESSED | _PAGE_DIRTY)

static struct page_info *owned_frame(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;

    if (mfn_x(mfn) >= max_mfn)
        return NULL;
    pg = mfn_to_page(mfn);
    return pg->owner == d ? pg : NULL;
}

/* An "entry update" of a frame that is no page table is a plain write to
 * the guest's own memory (as on Xen), allowed when it may be writable. */
static int plain_write(struct page_info *pg, unsigned int idx, uint64_t val)
{
    int rc = get_page_type(pg, PGT_writable_page);

    if (rc)
        return rc;
    ((uint64_t *)maddr_to_virt(mfn_to_maddr(page_to_mfn(pg))))[idx] = val;
    put_page_type(pg);
    return 0;
}

/* Releasing pg's tree stopped half-way: the vCPU keeps its last
 * references and finishes dropping them before its next list entry
 * (pv_finish_old_table), as Xen's old_guest_table.  A list entry drops at
 * most one table; a refused VCPUOP_initialise at most two. */
static void defer_release(struct vcpu *v, struct page_info *pg)
{
    unsigned int i = v->arch.old_table[0] ? 1 : 0;

    ASSERT(!v->arch.old_table[i]);
    v->arch.old_table[i] = pg;
}

/* A tree whose validation failed half-way (page_type.h): released the
 * same way. */
void arch_owe_release(struct page_info *pg)
{
    defer_release(current_vcpu(), pg);
}

static void put_table_or_defer(struct vcpu *v, struct page_info *pg)
{
    if (put_page_and_type_preemptible(pg) == -ERESTART)
        defer_release(v, pg);
}

void pv_put_table_or_defer(struct page_info *pg)
{
    put_table_or_defer(current_vcpu(), pg);
}

/* Under the type lock of the table's owner: the vCPU's own domain, or
 * for the privileged domain's foreign pins the domain it builds.  The
 * general reference goes after the lock: it may be the frame's last,
 * and the owner's too (a destroyed domain lives until its frames go). */
static int finish_release(struct page_info *pg)
{
    struct domain *owner = pg->owner;       /* kept while the vCPU holds pg */
    int rc;

    page_types_lock(owner);
    page_types_allow_preemption(owner);
    rc = put_page_type_preemptible(pg);
    page_types_unlock(owner);
    if (!rc)
        put_page(pg);
    return rc;
}

int pv_finish_old_table(struct vcpu *v)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(v->arch.old_table); i++) {
        int rc;

        if (!v->arch.old_table[i])
            continue;
        rc = finish_release(v->arch.old_table[i]);
        if (rc)
            return rc;
        v->arch.old_table[i] = NULL;
    }
    return 0;
}

static uint64_t merge_ad(uint64_t val, uint64_t old, bool preserve_ad)
{
    return preserve_ad ? (val & ~AD_BITS) | (old & AD_BITS) : val;
}

/* Replace entry `idx` of the page table in frame pg, which d owns, with
 * d's type lock held, by one naming pg_owner's frames (d's own, or for a
 * foreign mapping another domain's).  With expect, only if the entry still holds it
 * (-EAGAIN otherwise: an emulated CMPXCHG).  The new entry's references
 * are taken first, the entry is swapped in atomically (the CPU may set
 * A/D bits in it meanwhile: those are kept, or for preserve_ad merged),
 * and the old entry's references dropped. */
__hot_mm static int pv_update_pte(struct domain *d, struct domain *pg_owner,
                                  struct page_info *pg, unsigned int idx, uint64_t val,
                                  bool preserve_ad, const uint64_t *expect)
{
    uint64_t type = page_type(pg), *t, old;
    unsigned int level = (unsigned int)(type >> 60);
    int rc;

    ASSERT(page_types_locked(d));
    if (!page_type_count(pg) || !is_page_table_type(type))
        return plain_write(pg, idx, val);
    if (!(pg->type_info & PGT_validated))
        return -EINVAL;
    if (level == 4 && is_hv_l4_slot(idx))
        return -EINVAL;
    t = maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
    old = __atomic_load_n(&t[idx], __ATOMIC_RELAXED);
    if (expect && old != *expect)
        return -EAGAIN;
    if (level == 1 && is_grant_pte(old))
        return -EINVAL;     /* a grant mapping goes only by its handle */
    /* A/D bits carry no references: taken once, whatever the CPU sets. */
    rc = pg_owner == d
         ? pv_get_pte_ref(merge_ad(val, old, preserve_ad), level, d, page_to_mfn(pg))
         : pv_get_foreign_pte_ref(merge_ad(val, old, preserve_ad), level, d, pg_owner);
    if (rc)
        return rc;
    while (!__atomic_compare_exchange_n(&t[idx], &old,
                                        pv_adjust_pte(merge_ad(val, old, preserve_ad)), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
        if (expect && old != *expect) {
            ASSERT(level == 1);         /* nothing to release below a leaf */
            (void)pv_put_pte_ref(val, level, page_to_mfn(pg));
            return -EAGAIN;
        }
    }
    /* Only a table's release can stop half-way; the entry is written. */
    if (pv_put_pte_ref(old, level, page_to_mfn(pg)) == -ERESTART)
        defer_release(current_vcpu(), mfn_to_page(_mfn((old & PTE_ADDR_MASK) >> PAGE_SHIFT)));
    return 0;
}

int pv_update_l1e(struct domain *d, struct page_info *pg, unsigned int idx, uint64_t val,
                  uint64_t expect)
{
    return pv_update_pte(d, d, pg, idx, val, false, &expect);
}

/* --- mmu_update ----------------------------------------------------------- */

/* A table entry of d's, naming pg_owner's frames; an M2P entry of a
 * frame pg_owner owns.  The frame's owner is checked before what the
 * request's own fields refuse (refused, from pv_mmu_req_decode). */
__hot_mm static int mmu_one(struct domain *d, struct domain *pg_owner,
                            const struct pv_mmu_req *r, int refused)
{
    struct page_info *pg = owned_frame(r->kind == PV_MMU_M2P ? pg_owner : d, r->frame);

    if (!pg)
        return -EPERM;
    if (refused)
        return refused;
    if (r->kind == PV_MMU_M2P) {
        m2p_set(r->frame, r->gfn);
        return 0;
    }
    return pv_update_pte(d, pg_owner, pg, r->idx, r->val, r->preserve_ad, NULL);
}

/* One entry, under the type lock: the table cannot change type or owner
 * between the checks and the write.  The lock is not held across the
 * list, so other CPUs' type changes interleave with a long batch.  An
 * entry naming a table whose tree is not validated yet may stop half-way
 * (-ERESTART): the batch is continued from this entry. */
__hot_mm static int mmu_entry(const struct pv_batch *b, const void *entry)
{
    struct vcpu *v = b->v;
    struct pv_mmu_req req;
    int refused = pv_mmu_req_decode(entry, &req), rc;

    do {
        page_types_lock(v->domain);
        page_types_allow_preemption(v->domain);
        rc = mmu_one(v->domain, b->pg_owner, &req, refused);
    } while (page_types_unlock(v->domain) && rc == -ERESTART);
    return rc;
}

__hot_mm long do_mmu_update(const uint64_t a[6])
{
    return pv_batch(__HYPERVISOR_mmu_update, a, sizeof(struct mmu_update), mmu_entry);
}

/* --- update_va_mapping ------------------------------------------------------ */


/* TLB flushes a guest asks for.  A scope other than this vCPU reaches
 * every CPU (a superset of those running the domain's other vCPUs); never
 * with a lock held (the CPUs are waited for). */
static void flush_one(void *va)
{
    invlpg(va);
}

static void flush_all(void *unused)
{
    (void)unused;
    flush_tlb_local();
}

static void guest_flush(bool whole, gva_t va, bool others)
{
    if (whole)
        flush_tlb_local();
    else
        invlpg((const void *)gva_x(va));
    if (others)
        smp_call_function(whole ? flush_all : flush_one, (void *)gva_x(va));
}

static void flush_va(uint64_t flags, gva_t va)
{
    bool others = (flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK) != UVMF_LOCAL;

    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        guest_flush(true, _gva(0), others);
        break;
    case UVMF_INVLPG:
        guest_flush(false, va, others);
        break;
    }
}

/* The walk too is under the type lock: the tables it reads cannot change
 * between it and the update. */
static int update_va(struct vcpu *v, struct domain *pg_owner, gva_t va, uint64_t val)
{
    mfn_t l1 = pv_walk(v, va, 1);

    if (mfn_eq(l1, INVALID_MFN))
        return -EINVAL;
    return pv_update_pte(v->domain, pg_owner, mfn_to_page(l1), pt_index(gva_x(va), 1), val,
                         false, NULL);
}

static long update_va_mapping(struct domain *pg_owner, gva_t va, uint64_t val,
                              uint64_t flags)
{
    struct vcpu *v = current_vcpu();
    int rc;

    if (!guest_range_ok(gva_x(va), 1))
        return -EINVAL;
    do {
        page_types_lock(v->domain);
        page_types_allow_restart(v->domain);
        rc = update_va(v, pg_owner, va, val);
    } while (page_types_unlock(v->domain) && rc == -ERESTART);
    if (!rc)
        flush_va(flags, va);
    return rc;
}

long do_update_va_mapping(const uint64_t a[6])
{
    return update_va_mapping(current_vcpu()->domain, _gva(a[0]), a[1], a[2]);
}

/* The same, the new entry naming another domain's frame (foreign_owner.c). */
long do_update_va_mapping_otherdomain(const uint64_t a[6])
{
    struct domain *self = current_vcpu()->domain, *pg_owner;
    long rc = pv_get_pg_owner(self, (uint16_t)a[3], &pg_owner);

    if (rc)
        return rc;
    rc = update_va_mapping(pg_owner, _gva(a[0]), a[1], a[2]);
    pv_put_pg_owner(self, pg_owner);
    return rc;
}

/* --- mmuext_op ------------------------------------------------------------ */

/* With m2p_strict, a user page table has no M2P slot and a kernel one
 * has it (a table may have served as either before). */
static void set_m2p_slot(struct domain *d, mfn_t mfn, bool user)
{
    uint64_t *l4 = maddr_to_virt(mfn_to_maddr(mfn));

    if (!(d->vm_assist & (1ULL << VMASST_TYPE_m2p_strict)))
        return;
    if (user)
        l4[HV_FIRST_L4_SLOT] = 0;
    else
        pv_init_hv_l4_slots(l4);
}

int pv_new_baseptr(struct vcpu *v, mfn_t mfn, bool user)
{
    struct page_info *pg = owned_frame(v->domain, mfn);
    mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
    int rc;

    if (user && mfn_x(mfn) == 0) {
        if (!mfn_eq(*slot, INVALID_MFN))
            put_table_or_defer(v, mfn_to_page(*slot));
        *slot = INVALID_MFN;
        return 0;
    }
    if (!pg)
        return -EINVAL;
    rc = get_page_and_type(pg, v->domain, PGT_l4_page_table);
    if (rc)
        return rc;
    if (!mfn_eq(*slot, INVALID_MFN))
        put_table_or_defer(v, mfn_to_page(*slot));
    *slot = mfn;
    set_m2p_slot(v->domain, mfn, user);
    if (user != !v->arch.kernel_mode)
        return 0;
    write_cr3(mfn_to_maddr(mfn));
    return 0;
}

/* A guest kernel's move to CR3 (emulated on #GP): MMUEXT_NEW_BASEPTR as a
 * request of its own, so that validating a fresh tree is preemptible and
 * no flush is waited for under the lock; a release the vCPU still owes
 * is finished first.  -ERESTART: run the instruction again. */
int pv_write_cr3(struct vcpu *v, mfn_t mfn)
{
    int rc = pv_finish_old_table(v);

    if (rc)
        return rc;
    do {
        page_types_lock(v->domain);
        page_types_allow_preemption(v->domain);
        rc = pv_new_baseptr(v, mfn, false);
    } while (page_types_unlock(v->domain) && rc == -ERESTART);
    return rc;
}

/* One decoded command of the caller's own (pv_mmuext_decode accepted it). */
static int mmuext_one(struct vcpu *v, const struct pv_mmuext *x)
{
    struct domain *d = v->domain;
    struct page_info *pg;
    int rc;

    switch (x->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        pg = owned_frame(d, x->mfn);
        return pg ? pin_page_table(pg, d, level_type(x->cmd + 1)) : -EINVAL;
    case MMUEXT_UNPIN_TABLE:
        pg = owned_frame(d, x->mfn);
        if (!pg)
            return -EINVAL;
        rc = unpin_page_table(pg, d, page_type(pg));
        if (rc == -ERESTART)
            defer_release(v, pg);
        return rc == -ERESTART ? 0 : rc;
    case MMUEXT_NEW_BASEPTR:
        return pv_new_baseptr(v, x->mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return pv_new_baseptr(v, x->mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        guest_flush(true, _gva(0), x->all_cpus);
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        guest_flush(false, x->va, x->all_cpus);
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return d->is_privileged ? 0 : -EPERM;
    case MMUEXT_SET_LDT:
        return pv_set_ldt(v, x->va, x->nr_ents);
    }
    return -ENOSYS;
}

/* As mmu_entry: pinning or installing a table may validate a tree, and
 * stop half-way to be continued. */
static bool takes_type_lock(unsigned int cmd)
{
    return cmd <= MMUEXT_NEW_BASEPTR || cmd == MMUEXT_SET_LDT || cmd == MMUEXT_NEW_USER_BASEPTR;
}

/* Another domain's tables (foreign_owner.c), pinned or unpinned by the
 * privileged domain building it, under that domain's type lock, and
 * never once its teardown began (which unpins what it finds pinned, under
 * the same lock).  Preemptible as the caller's own pins, as on Xen: a
 * validation stopped half-way stays in that domain's frames (resumed by
 * the continuation, or released by its teardown), and a tree left to be
 * released, by an unpin stopped half-way or a failed validation, is the
 * calling vCPU's to finish (pv_finish_old_table).  Other commands act on
 * the caller's own state: -EPERM with a foreign domain, as on Xen. */
static int foreign_pin(struct vcpu *v, struct domain *d, const struct pv_mmuext *x)
{
    struct page_info *pg;
    int rc;

    if (x->cmd > MMUEXT_UNPIN_TABLE)
        return -EPERM;
    pg = owned_frame(d, x->mfn);
    if (!pg || d->dying)
        return -EINVAL;
    if (x->cmd != MMUEXT_UNPIN_TABLE)
        return pin_page_table(pg, d, level_type(x->cmd + 1));
    rc = unpin_page_table(pg, d, page_type(pg));
    if (rc == -ERESTART)
        defer_release(v, pg);
    return rc == -ERESTART ? 0 : rc;
}

static int foreign_entry(struct vcpu *v, struct domain *d, const struct pv_mmuext *x)
{
    int rc;

    do {
        page_types_lock(d);
        page_types_allow_preemption(d);
        rc = foreign_pin(v, d, x);
    } while (page_types_unlock(d) && rc == -ERESTART);
    return rc;
}

static int mmuext_entry(const struct pv_batch *b, const void *entry)
{
    struct vcpu *v = b->v;
    struct pv_mmuext x;
    int refused = pv_mmuext_decode(entry, &x), rc;

    /* Pin and unpin, all a foreign domain takes, decode whatever the
     * frame: the command's -EPERM comes first there. */
    if (b->pg_owner != v->domain)
        return foreign_entry(v, b->pg_owner, &x);
    if (refused)
        return refused;
    if (!takes_type_lock(x.cmd))
        return mmuext_one(v, &x);   /* flushes wait for other CPUs: no lock held */
    do {
        page_types_lock(v->domain);
        page_types_allow_preemption(v->domain);
        rc = mmuext_one(v, &x);
    } while (page_types_unlock(v->domain) && rc == -ERESTART);
    return rc;
}

long do_mmuext_op(const uint64_t a[6])
{
    return pv_batch(__HYPERVISOR_mmuext_op, a, sizeof(struct mmuext_op), mmuext_entry);
}
