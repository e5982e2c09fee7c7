/* What a destroyed domain holds of its own frames, dropped before its
 * memory is given back (domain.c): its vCPUs' page tables and descriptor
 * tables, the page tables it (or the domain that built it) pinned,
 * and the tables whose validation a preempted pin left half-done.
 * Afterwards only other domains' mappings hold its frames.
 *
 * Its vCPUs are paused for good by then (domain_destroy).  Each is
 * dropped under the domain's type lock, which is also where a
 * builder's pin or vCPU context checks that the domain is not dying:
 * either that came first and is undone here, or it is refused.  Nothing
 * here is preempted: a domain's tables are released in one go. */
#include <stdatomic.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/vcpu_info.h>
#include <public/xen.h>

static void put_table(mfn_t *slot)
{
    if (mfn_eq(*slot, INVALID_MFN))
        return;
    put_page_and_type(mfn_to_page(*slot));
    *slot = INVALID_MFN;
}

/* A vcpu_info the guest moved into one of its frames goes back to
 * shared_info (nothing written there later reaches a freed frame). */
static void release_vcpu_info(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (atomic_load(&v->vcpu_info_state) != VCPU_INFO_MOVED)
        return;
    __atomic_store_n(&v->vcpu_info, &d->shared_info->vcpu_info[v->vcpu_id], __ATOMIC_RELEASE);
    atomic_store(&v->vcpu_info_state, VCPU_INFO_SHARED);
    put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
}

static void release_vcpu(struct vcpu *v)
{
    /* Releases the vCPU still owed (its domain is paused for good). */
    for (unsigned int i = 0; i < ARRAY_SIZE(v->arch.old_table); i++)
        if (v->arch.old_table[i]) {
            put_page_and_type(v->arch.old_table[i]);
            v->arch.old_table[i] = NULL;
        }
    release_vcpu_info(v);
    put_table(&v->arch.guest_table);
    put_table(&v->arch.guest_table_user);
    pv_release_gdt(v);
    pv_release_ldt(v);
}

static void unpin_all(struct domain *d)
{
    struct list_head *pos;

    spin_lock(&d->page_lock);
    list_for_each(pos, &d->page_list) {
        struct page_info *pg = list_entry(pos, struct page_info, list);

        /* Takes the type lock and looks at the pin under it; a table
         * left half-validated by a preempted pin is released too. */
        (void)unpin_page_table(pg, d, page_type(pg));
        page_type_drop_partial(pg, d);
    }
    spin_unlock(&d->page_lock);
}

void arch_domain_relinquish(struct domain *d)
{
    ASSERT(d->dying);
    page_types_lock(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            release_vcpu(d->vcpu[i]);
    page_types_unlock(d);
    unpin_all(d);
}

void arch_domain_free(struct domain *d)
{
    pv_ioports_free(d);
}
