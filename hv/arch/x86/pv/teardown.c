/* What a destroyed domain's vCPUs hold of its frames, dropped before its
 * pins and memory (domain_teardown.c): their page tables, descriptor
 * tables and moved vcpu_info frames.
 *
 * Its vCPUs are paused for good by then.  Each is dropped under the
 * domain's type lock, which is also where a builder's vCPU context checks
 * that the domain is not dying: either that came first and is undone
 * here, or it is refused.  A table's release (a whole tree below it)
 * stops half-way when preemption is due, as an unpin in mmuext_op does:
 * the table keeps its references, held by the vCPU's slot, and the next
 * step carries on with it.  d->teardown.cursor counts the vCPUs done. */
#include <stdatomic.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/vcpu_info.h>
#include <public/xen.h>

static int put_table(mfn_t *slot)
{
    int rc;

    if (mfn_eq(*slot, INVALID_MFN))
        return 0;
    rc = put_page_and_type_preemptible(mfn_to_page(*slot));
    if (!rc)
        *slot = INVALID_MFN;
    return rc;
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

/* Each slot is emptied once its release is complete, so running it again
 * after -ERESTART carries on with the table that stopped. */
static int release_vcpu(struct vcpu *v)
{
    int rc = 0;

    /* Releases the vCPU still owed (its domain is paused for good). */
    for (unsigned int i = 0; i < ARRAY_SIZE(v->arch.old_table) && !rc; i++)
        if (v->arch.old_table[i]) {
            rc = put_page_and_type_preemptible(v->arch.old_table[i]);
            if (!rc)
                v->arch.old_table[i] = NULL;
        }
    if (rc)
        return rc;
    release_vcpu_info(v);
    if ((rc = put_table(&v->arch.guest_table)) || (rc = put_table(&v->arch.guest_table_user)))
        return rc;
    pv_release_gdt(v);
    pv_release_ldt(v);
    return 0;
}

/* Under the type lock, preemptible when asked. */
static int release_vcpus(struct domain *d, bool preemptible)
{
    struct domain_teardown *td = &d->teardown;
    int rc = 0;

    page_types_lock(d);
    if (preemptible)
        page_types_allow_preemption(d);
    for (; td->cursor < d->max_vcpus && !rc; td->cursor += !rc)
        if (d->vcpu[td->cursor])
            rc = release_vcpu(d->vcpu[td->cursor]);
    (void)page_types_unlock(d);         /* releases never wait for a flush */
    return rc;
}

int arch_domain_relinquish(struct domain *d, bool preemptible)
{
    ASSERT(d->dying);
    return release_vcpus(d, preemptible);
}

void arch_domain_free(struct domain *d)
{
    pv_ioports_free(d);
}
