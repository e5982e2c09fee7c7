/* VCPUOP_register_vcpu_info, with Xen's checks and order (vcpu_info.h).
 * The frame keeps a general and a writable-type reference for the rest
 * of the domain's life, so it can neither leave the domain nor become a
 * page table while the hypervisor writes into it through the direct map.
 *
 * Locking: the move is claimed atomically (v->vcpu_info_state), so two
 * registrations for one vCPU cannot both go ahead; v->vcpu_info is
 * switched with one release store, and whoever sent an event to the old
 * place meanwhile is covered by marking everything pending afterwards. */
#include <stdalign.h>
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/page_alloc.h>
#include <proxen/page_type.h>
#include <proxen/vcpu_info.h>
#include <public/xen.h>

/* The frame as a writable page of v's domain, referenced; NULL if not. */
static struct page_info *take_frame(struct vcpu *v, uint64_t mfn)
{
    struct page_info *pg;

    if (mfn >= max_mfn)
        return NULL;
    pg = mfn_to_page(_mfn(mfn));
    return get_page_and_type(pg, v->domain, PGT_writable_page) ? NULL : pg;
}

/* With interrupts off, so that the vCPU's own time refresh (a timer on
 * its CPU) cannot change the old copy half-way through. */
static void move(struct vcpu *v, struct vcpu_info *to)
{
    unsigned long flags = arch_irq_save();

    memcpy(to, v->vcpu_info, sizeof(*to));
    __atomic_store_n(&v->vcpu_info, to, __ATOMIC_RELEASE);
    __atomic_store_n(&to->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
    __atomic_store_n(&to->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    arch_irq_restore(flags);
}

long vcpu_info_register(struct vcpu *v, uint64_t mfn, uint32_t offset)
{
    int shared = VCPU_INFO_SHARED;
    struct page_info *pg;

    if (offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
        (offset & (alignof(struct vcpu_info) - 1)))
        return -ENXIO;
    if (!atomic_compare_exchange_strong(&v->vcpu_info_state, &shared, VCPU_INFO_MOVING))
        return -EINVAL;
    /* Itself, or another vCPU that is down (Xen's rule). */
    if ((v != current_vcpu() && v->up) || !(pg = take_frame(v, mfn))) {
        atomic_store(&v->vcpu_info_state, VCPU_INFO_SHARED);
        return -EINVAL;
    }
    v->vcpu_info_mfn = _mfn(mfn);
    move(v, (struct vcpu_info *)((char *)arch_maddr_to_virt(mfn_to_maddr(_mfn(mfn))) + offset));
    atomic_store(&v->vcpu_info_state, VCPU_INFO_MOVED);
    if (v == current_vcpu())
        arch_vcpu_time_refresh(v);     /* another vCPU's is stamped when it starts */
    return 0;
}
