/* Entry points of the PV guest support (hv/arch/x86/pv/). */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <asm/percpu.h>
#include <asm/pv_args.h>       /* pv_guest_rflags */
#include <asm/regs.h>
#include <asm/x86.h>

#define TRAP_SYSCALL 0x100        /* entry_vector of a syscall entry */

/* Whether an entry came from a guest is decided by where its frame lies,
 * never by bits of the frame a guest can influence (in virtual-8086 mode,
 * which QEMU lets a ring-3 `iretl` enter, CS & 3 is no privilege level):
 * every entry from a guest builds its frame in cpu_info->guest_regs (the
 * CPU switches to TSS.RSP0 for it, the syscall stub and the IST path move
 * it there), and the hypervisor's own entries land below it. */
static inline bool guest_mode(const struct cpu_user_regs *regs)
{
    return regs == guest_cpu_user_regs();
}

void pv_hypercall(struct cpu_user_regs *regs);     /* syscall from a guest */
void pv_trap(struct cpu_user_regs *regs);          /* exception from a guest */
void pv_exit_to_guest(struct cpu_user_regs *regs); /* last stop before iretq */
void pv_failed_iret(struct cpu_user_regs *regs) __attribute__((noreturn));
void pv_syscall_init_cpu(unsigned int cpu);        /* LSTAR stub, STAR, SFMASK */
void pv_do_iret(struct cpu_user_regs *regs);       /* the iret hypercall */
void pv_load_user_gs_selector(uint16_t sel);

struct vcpu;
/* The debug register a number names (DR4/DR5 alias DR6/DR7 without
 * CR4.DE), or -ENODEV (debugreg.c). */
long pv_debugreg_index(const struct vcpu *v, uint64_t reg);
/* Switch the vCPU's kernel (or user) top-level table (mm.c). */
int pv_new_baseptr(struct vcpu *v, mfn_t mfn, bool user);
int pv_write_cr3(struct vcpu *v, mfn_t mfn);     /* -ERESTART: run it again */
/* Start v (the builder's first vCPU) from regs: it becomes runnable. */
void pv_start_vcpu(struct vcpu *v, const struct cpu_user_regs *regs);
void pv_vcpu_kick_init(void);                   /* the kick vector */
void pv_fpu_init(uint8_t image[512]);           /* a reset FPU (context_switch.c) */
void pv_vcpu_time_switch_in(struct vcpu *v);    /* its time record, if stale (vcpu_time.c) */
/* Leave the guest frame (this CPU's vCPU is switched out by the idle
 * loop's schedule()) or enter it (current_vcpu()'s frame, through the
 * exit path): both from any depth of this CPU's stack. */
void pv_enter_idle(void) __attribute__((noreturn));
void pv_enter_guest(void) __attribute__((noreturn));
/* Debug registers (debugreg.c): may v hold val in DRn; load v's into the CPU. */
bool pv_debugreg_valid(const struct vcpu *v, unsigned int reg, uint64_t val);
bool pv_kernel_selector_ok(uint64_t sel, uint16_t flat, uint64_t gdt_ents);
void pv_load_debugregs(const struct vcpu *v);
void pv_debug_exception(struct vcpu *v);        /* a guest #DB: its DR6 */
void pv_debug_single_step(struct vcpu *v);      /* DR6.BS for an emulated step */

/* Build dom0 from the first boot module and run it (returns if none). */
void dom0_start(void);

#endif
