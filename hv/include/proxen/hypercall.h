/* Hypercall handlers.  Every handler sees its arguments as the six raw
 * 64-bit register values (RDI, RSI, RDX, R10, R8, R9, or a multicall
 * entry's args[], copied in once) and makes its own typed view of them;
 * guest pointers among them are only ever used through
 * copy_from_guest/copy_to_guest.  A struct a guest passes is copied in
 * once and read only from that copy (the PV list and frame structs
 * through their decoders, asm/pv_args.h).  Each returns 0, a result, or
 * a negative Xen errno. */
#ifndef PROXEN_HYPERCALL_H
#define PROXEN_HYPERCALL_H

#include <proxen/types.h>

typedef long hypercall_fn(const uint64_t a[6]);

#define NR_HYPERCALLS 64

/* An iret inside a multicall: the arch performs it on the vCPU's frame
 * and makes sure the hypercall's own return value does not overwrite the
 * registers it restored.  Returns the restored RAX. */
uint64_t arch_multicall_iret(void);

/* A preemption point (preempt.c): true when this CPU has something to act
 * on at its next return to the guest (a timer fired, the vCPU has an event
 * to take), so that a long operation should stop here and continue later.
 * Call it between bounded steps, never before the first step of a call
 * (each call must make progress). */
bool hypercall_preempt_check(void);

/* Stop here and be called again: the guest re-issues hypercall op with
 * its first nargs arguments replaced by args (inside a multicall, its
 * entry is rewritten instead); the others stay as they were.  The handler
 * returns what this returns. */
long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6]);

/* Arch: make the current vCPU re-execute its hypercall instruction with
 * its first nargs argument registers set to args (RAX gets the op from
 * the handler's return value). */
void arch_hypercall_continuation(unsigned int nargs, const uint64_t args[6]);

/* Measuring the stretches between preemption points (preempt.c). */
void preempt_stretch_begin(unsigned int op);   /* a hypercall starts (or wakes) */
void preempt_stretch_end(void);                /* ... returns (or sleeps) */
void preempt_note_work(void);                  /* a timer ran: preempt what runs */
void preempt_work_done(void);                  /* returning to the guest */
void preempt_report(void);

/* The table, indexed by __HYPERVISOR_* (hypercall_table.c). */
hypercall_fn *hypercall_lookup(uint64_t nr);

hypercall_fn do_set_trap_table, do_mmu_update, do_set_gdt, do_stack_switch,
    do_set_callbacks, do_fpu_taskswitch, do_sched_op_compat, do_set_debugreg,
    do_get_debugreg, do_update_descriptor, do_memory_op, do_multicall,
    do_update_va_mapping, do_update_va_mapping_otherdomain, do_set_timer_op, do_xen_version, do_console_io,
    do_vm_assist, do_vcpu_op, do_set_segment_base, do_mmuext_op, do_sched_op,
    do_callback_op, do_physdev_op, do_event_channel_op, do_event_channel_op_compat,
    do_control, do_grant_table_op,
    do_platform_op;

#endif
