/* The x86 PV parts of vCPUs: initial state, the current vCPU, and the
 * way into and out of a guest. */
#include <arch/arch.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/pv_traps.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <proxen/vcpu_switch.h>
#include <public/vcpu.h>
#include <public/xen.h>

struct vcpu *current_vcpu(void) { return get_cpu_info()->current; }
void set_current_vcpu(struct vcpu *v) { get_cpu_info()->current = v; }

void arch_vcpu_init(struct vcpu *v)
{
    v->arch.guest_table = INVALID_MFN;
    v->arch.guest_table_user = INVALID_MFN;
    v->arch.kernel_mode = true;
    v->arch.kernel_ss = FLAT_KERNEL_SS;
    v->arch.debugreg[6] = 0xffff0ff0;     /* the architectural reset values */
    v->arch.debugreg[7] = 0x400;
}

void arch_dump_guest_state(struct vcpu *v)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();

    if (!v || current_vcpu() != v)
        return;
    pr_err("Guest state (%s mode):\n", v->arch.kernel_mode ? "kernel" : "user");
    pr_err("RIP %016llx RSP %016llx RFLAGS %016llx\n", (unsigned long long)regs->rip,
           (unsigned long long)regs->rsp, (unsigned long long)regs->rflags);
    pr_err("RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
           (unsigned long long)regs->rax, (unsigned long long)regs->rbx,
           (unsigned long long)regs->rcx, (unsigned long long)regs->rdx);
    pr_err("RSI %016llx RDI %016llx CR2 %016llx CR3 %016lx\n",
           (unsigned long long)regs->rsi, (unsigned long long)regs->rdi,
           (unsigned long long)v->vcpu_info->arch.cr2, read_cr3());
}

void arch_dump_vcpu(struct vcpu *v)
{
    printk("      %s mode, CR3 %#llx (user %#llx), kernel stack %#llx, event callback %#llx\n",
           v->arch.kernel_mode ? "kernel" : "user",
           (unsigned long long)mfn_to_maddr(v->arch.guest_table),
           mfn_eq(v->arch.guest_table_user, INVALID_MFN)
               ? 0ULL : (unsigned long long)mfn_to_maddr(v->arch.guest_table_user),
           (unsigned long long)v->arch.kernel_sp,
           (unsigned long long)v->arch.event_cb.address);
}

/* A hypercall: from guest kernel mode a call into the table; from guest
 * user mode a system call for the guest kernel. */
__hot_path void pv_hypercall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    hypercall_fn *fn;
    uint64_t args[6];
    long rc;

    if (!v->arch.kernel_mode) {
        if (v->arch.syscall_cb.address)
            pv_bounce(v, regs, v->arch.syscall_cb.address, v->arch.syscall_cb.mask_events,
                      NO_ERROR_CODE);
        else
            pv_inject_trap(v, regs, 6, NO_ERROR_CODE);
        return;
    }
    local_irq_enable();
    if (regs->rax == __HYPERVISOR_iret) {
        pv_do_iret(regs);
    } else {
        args[0] = regs->rdi;
        args[1] = regs->rsi;
        args[2] = regs->rdx;
        args[3] = regs->r10;
        args[4] = regs->r8;
        args[5] = regs->r9;
        fn = hypercall_lookup(regs->rax);
        preempt_stretch_begin((unsigned int)regs->rax);
        rc = fn ? fn(args) : -ENOSYS;
        preempt_stretch_end();
        if (!v->arch.frame_replaced)
            regs->rax = (uint64_t)rc;
        v->arch.frame_replaced = false;
    }
    local_irq_disable();
}

/* Back to the SYSCALL instruction (0f 05) that made the hypercall, with
 * the continuation's arguments in their registers.  Only the op's own
 * argument registers change: a guest's hypercall wrapper tells its
 * compiler that those, and no others, may be clobbered. */
void arch_hypercall_continuation(unsigned int nargs, const uint64_t args[6])
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    uint64_t *reg[6] = { &regs->rdi, &regs->rsi, &regs->rdx, &regs->r10, &regs->r8, &regs->r9 };

    for (unsigned int i = 0; i < nargs && i < 6; i++)
        *reg[i] = args[i];
    regs->rip -= 2;
}

uint64_t arch_multicall_iret(void)
{
    pv_do_iret(guest_cpu_user_regs());
    current_vcpu()->arch.frame_replaced = true;
    return guest_cpu_user_regs()->rax;
}

/* Last stop before the guest: deliver a pending event upcall. */
__hot_path void pv_exit_to_guest(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi = v->vcpu_info;

    /* Only a CPU quirk can have put a guest in virtual-8086 mode (QEMU
     * lets a ring-3 `iretl` set VM); such a guest is not a 64-bit PV guest
     * any more. */
    if (regs->rflags & X86_EFLAGS_VM)
        domain_crash(v->domain, "the guest entered virtual-8086 mode");
    if (v->domain->state != DOMAIN_RUNNING || !v->up)
        pv_vcpu_gone();          /* a downed vCPU's frame stays for its return */
    /* Whatever wrote the frame (the iret hypercall, a bounce, an emulated
     * instruction). */
    regs->rflags = pv_guest_rflags(regs->rflags);
    preempt_work_done();
    console_ring_notify();
    if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && v->arch.event_cb.address)
        pv_bounce(v, regs, v->arch.event_cb.address, true, NO_ERROR_CODE);
}

void pv_failed_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    domain_crash(v->domain, "the CPU refused the guest's return frame");
    pv_vcpu_gone();
}

extern char restore_all[];
void idle_loop(void) __attribute__((noreturn));

/* This CPU's vCPU will not run again: leave its frame behind and idle. */
void pv_vcpu_gone(void)
{
    uint64_t top = (uint64_t)get_cpu_info() - 8;   /* as if called: ABI alignment */

    if (current_vcpu())
        vcpu_switch_out(current_vcpu(), RUNSTATE_offline);
    set_current_vcpu(NULL);
    write_cr3(idle_pt_maddr());
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "jmp idle_loop" :: "r"(top) : "memory");
    __builtin_unreachable();
}

/* Run v on this CPU from the register state in regs (its first entry). */
void pv_start_vcpu(struct vcpu *v, const struct cpu_user_regs *regs)
{
    struct cpu_user_regs *frame = guest_cpu_user_regs();

    set_current_vcpu(v);
    v->processor = get_cpu_info()->cpu_id;
    v->arch.started = true;
    arch_vcpu_time_refresh(v);
    write_cr3(mfn_to_maddr(v->arch.guest_table));
    vcpu_switch_in(v);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_SHADOW_GS_BASE, 0);
    wrmsr(MSR_FS_BASE, 0);
    local_irq_disable();
    *frame = *regs;
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "jmp restore_all" :: "r"(frame) : "memory");
    __builtin_unreachable();
}
