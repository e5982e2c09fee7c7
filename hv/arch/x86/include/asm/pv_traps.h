/* Delivering exceptions and callbacks to PV guests. */
#ifndef ASM_PV_TRAPS_H
#define ASM_PV_TRAPS_H

#include <asm/regs.h>

struct vcpu;

#define NO_ERROR_CODE (~0ULL)

/* Switch between guest kernel and guest user mode: page table and GS. */
void pv_toggle_guest_mode(struct vcpu *v);

/* Make the guest take vector `vec` at its trap-table handler when it next
 * runs (error code or NO_ERROR_CODE).  A guest with no handler, or whose
 * kernel stack cannot take the frame, is crashed. */
void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs, unsigned int vec,
                    uint64_t error_code);

/* Enter a callback (event, syscall, failsafe) the same way. */
bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, gva_t handler,
               bool mask_events, uint64_t error_code);

/* Instruction emulation for the deprivileged guest kernel (emulate.c).
 * Each returns true if it handled the fault. */
bool pv_emulate_ud(struct vcpu *v, struct cpu_user_regs *regs);
bool pv_emulate_gp(struct vcpu *v, struct cpu_user_regs *regs);
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2);
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t res[4]);

#endif
