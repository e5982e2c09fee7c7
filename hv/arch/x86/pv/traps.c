/* Exceptions taken while a PV guest runs, and the bounce frames that
 * deliver them (and callbacks) to the guest kernel.
 *
 * A bounce frame is what the guest kernel finds on its stack, lowest
 * address first: RCX, R11, [error code], RIP, CS (with the saved upcall
 * mask in bits 32-39), RFLAGS (IF = events were unmasked), RSP, SS.  From
 * guest user mode the vCPU first switches to kernel mode and to the stack
 * given by stack_switch.  In the frame, the CS of guest kernel mode shows
 * RPL 0 and that of guest user mode RPL 3, which is how the iret
 * hypercall knows where to return. */
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_traps.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <public/xen.h>

#define EFLAGS_TF   (1ULL << 8)
#define EFLAGS_NT   (1ULL << 14)
#define EFLAGS_RF   (1ULL << 16)
#define EFLAGS_VM   (1ULL << 17)
#define EFLAGS_IOPL (3ULL << 12)

void pv_toggle_guest_mode(struct vcpu *v)
{
    v->arch.kernel_mode = !v->arch.kernel_mode;
    __asm__ volatile("swapgs" ::: "memory");     /* guest kernel <-> user GS base */
    write_cr3(mfn_to_maddr(v->arch.kernel_mode ? v->arch.guest_table
                                               : v->arch.guest_table_user));
}

static bool has_error_code(unsigned int vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 ||
           vec == 29 || vec == 30;
}

__hot_path bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, gva_t handler,
               bool mask_events, uint64_t error_code)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    bool from_user = !v->arch.kernel_mode;
    uint64_t frame[8], *f = frame, rsp, cs;
    size_t len;

    cs = from_user ? (regs->cs | 3) : (regs->cs & ~3ULL);
    if (from_user) {
        pv_toggle_guest_mode(v);
        rsp = gva_x(v->arch.kernel_sp);
    } else {
        rsp = regs->rsp;
    }
    *f++ = regs->rcx;
    *f++ = regs->r11;
    if (error_code != NO_ERROR_CODE)
        *f++ = error_code;
    *f++ = regs->rip;
    *f++ = cs | ((uint64_t)saved_mask << 32);
    *f++ = (regs->rflags & ~(X86_EFLAGS_IF | EFLAGS_IOPL)) |
           (saved_mask ? 0 : X86_EFLAGS_IF) | ((uint64_t)v->arch.iopl << 12);
    *f++ = regs->rsp;
    *f++ = regs->ss;
    len = (size_t)(f - frame) * 8;
    rsp = (rsp & ~15ULL) - len;
    if (copy_to_guest(rsp, frame, len)) {
        domain_crash(v->domain, "cannot write a bounce frame on the guest kernel stack");
        return false;
    }
    regs->rsp = rsp;
    regs->rip = gva_x(handler);
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags = (regs->rflags & ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM |
                                     EFLAGS_IOPL)) | X86_EFLAGS_IF;
    /* The guest's RCX and R11 are in the frame, so the way back may enter
     * the handler by SYSRET, which loads RIP from RCX and RFLAGS from R11
     * (the reason the PV frame carries them). */
    regs->rcx = regs->rip;
    regs->r11 = pv_guest_rflags(regs->rflags);
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    return true;
}

__hot_path void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs, unsigned int vec,
                    uint64_t error_code)
{
    const struct pv_trap *t = &v->arch.traps[vec & 255];

    if (!gva_x(t->address)) {
        pr_err("d%u: no handler for exception %u at %016llx (error %#llx)\n",
               v->domain->domain_id, vec, (unsigned long long)regs->rip,
               (unsigned long long)error_code);
        domain_crash(v->domain, "unhandled exception");
        return;
    }
    pv_bounce(v, regs, t->address, t->mask_events, error_code);
}

/* `int n` from a guest hits a DPL-0 gate and arrives as #GP.  The vector
 * is read from the instruction, not the error code (QEMU 7.2 reports it
 * wrongly), and the guest's trap table decides who may raise it. */
static void soft_interrupt(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[2];
    unsigned int n;
    const struct pv_trap *t;

    if (copy_from_guest(insn, regs->rip, 2) || insn[0] != 0xcd) {
        pv_inject_trap(v, regs, 13, regs->error_code);
        return;
    }
    n = insn[1];
    t = &v->arch.traps[n];
    if (!gva_x(t->address) || t->dpl < (v->arch.kernel_mode ? 1 : 3)) {
        pv_inject_trap(v, regs, 13, (n << 3) | 2);
        return;
    }
    regs->rip += 2;
    pv_bounce(v, regs, t->address, t->mask_events, NO_ERROR_CODE);
}

/* An instruction emulated for a guest that single-steps ends in the #DB
 * the CPU would have raised after it, as on Xen: without it the guest
 * would step over the next instruction too. */
static void emulated(struct vcpu *v, struct cpu_user_regs *regs)
{
    if (v->arch.emulation_retry) {      /* not done yet: no step */
        v->arch.emulation_retry = false;
        return;
    }
    if (!(regs->rflags & EFLAGS_TF))
        return;
    pv_debug_single_step(v);
    pv_inject_trap(v, regs, 1, NO_ERROR_CODE);
}

#define PFEC_PRESENT 1
#define PFEC_WRITE   2

static void page_fault(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t ec = regs->error_code, cr2 = read_cr2();

    /* The guest ran with interrupts on; emulating may take the page-type
     * lock, which is only taken with them on. */
    local_irq_enable();
    /* A guest kernel writing its own L1 table: emulate the write. */
    if (v->arch.kernel_mode && (ec & (PFEC_PRESENT | PFEC_WRITE)) == (PFEC_PRESENT | PFEC_WRITE) &&
        pv_ptwr_emulate(v, regs, cr2)) {
        emulated(v, regs);
        return;
    }
    v->vcpu_info->arch.cr2 = cr2;
    if (v->arch.kernel_mode)
        ec &= ~4ULL;            /* the guest kernel sees a supervisor fault */
    pv_inject_trap(v, regs, 14, ec);
}

/* The guest's FPU state is always live in the hardware: #NM only comes
 * when the guest set TS with fpu_taskswitch, and goes to its handler. */
static void device_not_available(struct vcpu *v, struct cpu_user_regs *regs)
{
    __asm__ volatile("clts");
    if (v->arch.virtual_ts) {
        v->arch.virtual_ts = false;
        pv_inject_trap(v, regs, 7, NO_ERROR_CODE);
    }
}

__hot_path void pv_trap(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned int vec = regs->entry_vector;

    ASSERT(v);
    switch (vec) {
    case 14:
        page_fault(v, regs);
        return;
    case 13:
        /* As for #PF: the guest ran with interrupts on, and emulating (a
         * move to CR3 takes the page-type lock) needs them on. */
        local_irq_enable();
        if (regs->error_code & 2)          /* IDT: a gate it may not use */
            soft_interrupt(v, regs);
        else if (regs->error_code || !pv_emulate_gp(v, regs))
            pv_inject_trap(v, regs, 13, regs->error_code);
        else
            emulated(v, regs);
        return;
    case 6:
        if (!pv_emulate_ud(v, regs))
            pv_inject_trap(v, regs, 6, NO_ERROR_CODE);
        else
            emulated(v, regs);
        return;
    case 7:
        device_not_available(v, regs);
        return;
    case 1:
        pv_debug_exception(v);
        pv_inject_trap(v, regs, 1, NO_ERROR_CODE);
        return;
    default:
        pv_inject_trap(v, regs, vec, has_error_code(vec) ? regs->error_code : NO_ERROR_CODE);
    }
}
