/* Per-vCPU runstate, as Xen keeps it (runstate.h).  The registered area
 * is a guest virtual address, written with whatever page tables the vCPU
 * has loaded, from its own CPU only: a change made elsewhere (VCPUOP_up
 * of another vCPU) reaches the area at the vCPU's next change there, as
 * Xen writes it only when it switches the vCPU in or out. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/runstate.h>
#include <public/xen.h>

void runstate_init(struct vcpu *v)
{
    struct vcpu_runstate *rs = &v->runstate;

    spin_lock_init_ranked(&rs->lock, LOCK_RUNSTATE);
    rs->info = (struct vcpu_runstate_info){ .state = RUNSTATE_offline,
                                            .state_entry_time = (uint64_t)NOW() };
    rs->area = 0;
}

/* Xen's update_runstate_area: with VMASST_TYPE_runstate_update_flag the
 * guest sees XEN_RUNSTATE_UPDATE in state_entry_time while the copy is
 * being written, so that it can retry a read that raced with it.  A copy
 * that faults is dropped (the guest chose the address). */
static void write_area(uint64_t area, const struct vcpu_runstate_info *info, bool flag)
{
    struct vcpu_runstate_info copy = *info;
    uint64_t entry = area + offsetof(struct vcpu_runstate_info, state_entry_time);

    if (flag) {
        copy.state_entry_time |= XEN_RUNSTATE_UPDATE;
        (void)copy_to_guest(entry, &copy.state_entry_time, sizeof(copy.state_entry_time));
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    (void)copy_to_guest(area, &copy, sizeof(copy));
    if (flag) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        (void)copy_to_guest(entry, &info->state_entry_time, sizeof(info->state_entry_time));
    }
}

static bool update_flag(const struct vcpu *v)
{
    return v->domain->vm_assist & (1ULL << VMASST_TYPE_runstate_update_flag);
}

/* Under the lock: account the time since the last change and enter
 * state.  Whether anything changed. */
static bool enter(struct vcpu_runstate *rs, int state, s_time_t now)
{
    struct vcpu_runstate_info *i = &rs->info;
    s_time_t delta = now - (s_time_t)i->state_entry_time;

    ASSERT(spin_is_locked_by_me(&rs->lock));
    if (i->state == state)
        return false;
    if (delta > 0) {
        i->time[i->state] += (uint64_t)delta;
        i->state_entry_time = (uint64_t)now;
    }
    i->state = state;
    return true;
}

void runstate_change(struct vcpu *v, int state)
{
    struct vcpu_runstate *rs = &v->runstate;
    struct vcpu_runstate_info snap;
    unsigned long flags;
    uint64_t area;
    bool changed;

    ASSERT(v == current_vcpu());        /* its page tables are the ones loaded */
    flags = spin_lock_irqsave(&rs->lock);
    changed = enter(rs, state, NOW());
    area = rs->area;
    snap = rs->info;
    spin_unlock_irqrestore(&rs->lock, flags);
    if (changed && area)
        write_area(area, &snap, update_flag(v));
}

void runstate_wake(struct vcpu *v)
{
    struct vcpu_runstate *rs = &v->runstate;
    unsigned long flags = spin_lock_irqsave(&rs->lock);

    if (rs->info.state == RUNSTATE_offline || rs->info.state == RUNSTATE_blocked)
        enter(rs, RUNSTATE_runnable, NOW());
    spin_unlock_irqrestore(&rs->lock, flags);
}

void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    struct vcpu_runstate *rs = &v->runstate;
    unsigned long flags = spin_lock_irqsave(&rs->lock);
    s_time_t delta = NOW() - (s_time_t)rs->info.state_entry_time;

    *out = rs->info;
    spin_unlock_irqrestore(&rs->lock, flags);
    if (delta > 0)
        out->time[out->state & 3] += (uint64_t)delta;
}

/* Xen checks only that the address is one a guest may use
 * (guest_handle_okay); an unmapped one is accepted and its updates are
 * lost.  The area gets the runstate at once, as on Xen: the calling
 * vCPU's as of its last change, another's counted up to now. */
long runstate_register_area(struct vcpu *v, uint64_t gva)
{
    struct vcpu_runstate *rs = &v->runstate;
    struct vcpu_runstate_info snap;
    unsigned long flags;

    if (!guest_address_ok(gva))
        return -EFAULT;
    flags = spin_lock_irqsave(&rs->lock);
    rs->area = gva;
    snap = rs->info;
    spin_unlock_irqrestore(&rs->lock, flags);
    if (v != current_vcpu())
        runstate_get(v, &snap);
    if (gva)
        write_area(gva, &snap, false);
    return 0;
}
