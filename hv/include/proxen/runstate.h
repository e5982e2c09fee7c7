/* A vCPU's runstate (runstate.c): the state it is in (running, runnable,
 * blocked, offline: Xen's RUNSTATE_*), since when, and the time it has
 * spent in each, kept in system time as Xen keeps it, and copied to the
 * guest-virtual area the guest registered (if any) whenever the state
 * changes on the vCPU's own CPU.
 *
 * Locking: rs->lock (LOCK_RUNSTATE, interrupts off) guards info and area;
 * the guest copy is written from a snapshot, outside the lock. */
#ifndef PROXEN_RUNSTATE_H
#define PROXEN_RUNSTATE_H

#include <proxen/spinlock.h>
#include <proxen/types.h>
#include <public/vcpu.h>

struct vcpu;

struct vcpu_runstate {
    spinlock_t lock;
    struct vcpu_runstate_info info;   /* time[] as of state_entry_time */
    uint64_t area;                    /* guest address of the copy, 0: none */
};

/* A new vCPU: offline since now. */
void runstate_init(struct vcpu *v);

/* v, the vCPU current on this CPU, enters state (RUNSTATE_*); the time
 * since the last change goes to the old state, and the registered area
 * is rewritten.  No change if already there. */
void runstate_change(struct vcpu *v, int state);
/* Offline to runnable (VCPUOP_up); any other state stays as it is, so a
 * vCPU whose CPU already took it up is not set back. */
void runstate_wake(struct vcpu *v);

/* v's runstate with the time in the current state counted up to now
 * (Xen's vcpu_runstate_get). */
void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);

/* VCPUOP_register_runstate_memory_area: 0, or -EFAULT for an address no
 * guest may have (nothing changed).  0 unregisters. */
long runstate_register_area(struct vcpu *v, uint64_t gva);

#endif
