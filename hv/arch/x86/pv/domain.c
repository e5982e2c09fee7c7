/* The x86 PV parts of vCPUs: initial state, the current vCPU, and the
 * way into and out of a guest. */
#include <stdatomic.h>
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
#include <proxen/runstate.h>
#include <proxen/sched.h>
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
    pv_fpu_init(v->arch.fpu_image);
    v->arch.time_cpu = ~0u;
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
           (unsigned long long)gva_x(v->arch.kernel_sp),
           (unsigned long long)gva_x(v->arch.event_cb.address));
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
        if (gva_x(v->arch.syscall_cb.address))
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

/* Last stop before the guest: switch to another vCPU if this CPU was
 * asked to (its slice ended, the vCPU blocked or went down or its domain
 * stopped, another woke on an idle CPU), then deliver a pending event
 * upcall to whichever vCPU's frame is here now. */
__hot_path void pv_exit_to_guest(struct cpu_user_regs *regs)
{
    unsigned int cpu = get_cpu_info()->cpu_id;
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi;

    /* Only a CPU quirk can have put a guest in virtual-8086 mode (QEMU
     * lets a ring-3 `iretl` set VM); such a guest is not a 64-bit PV guest
     * any more. */
    if (regs->rflags & X86_EFLAGS_VM)
        domain_crash(v->domain, "the guest entered virtual-8086 mode");
    while (unlikely(sched_resched_pending(cpu))) {
        schedule();
        v = current_vcpu();
        if (!v)
            pv_enter_idle();
    }
    /* Whatever wrote the frame (the iret hypercall, a bounce, an emulated
     * instruction). */
    regs->rflags = pv_guest_rflags(regs->rflags);
    preempt_work_done();
    console_ring_notify();
    vi = v->vcpu_info;
    if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && gva_x(v->arch.event_cb.address))
        pv_bounce(v, regs, v->arch.event_cb.address, true, NO_ERROR_CODE);
}

void pv_failed_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    (void)regs;
    domain_crash(v->domain, "the CPU refused the guest's return frame");
    pv_enter_idle();
}

extern char return_to_guest[];
void idle_loop(void) __attribute__((noreturn));

/* The top of this CPU's stack, as if called (ABI alignment). */
static uint64_t stack_top(void)
{
    return (uint64_t)get_cpu_info() - 8;
}

void pv_enter_idle(void)
{
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "jmp idle_loop" :: "r"(stack_top()) : "memory");
    __builtin_unreachable();
}

void pv_enter_guest(void)
{
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "jmp return_to_guest" :: "r"(guest_cpu_user_regs()) : "memory");
    __builtin_unreachable();
}

/* The builder's first vCPU starts from regs with null selectors and
 * bases, as a vCPU given by VCPUOP_initialise starts from its context. */
void pv_start_vcpu(struct vcpu *v, const struct cpu_user_regs *regs)
{
    v->arch.user_regs = *regs;
    atomic_store(&v->up, true);
    runstate_wake(v);
    sched_vcpu_update(v);
}
