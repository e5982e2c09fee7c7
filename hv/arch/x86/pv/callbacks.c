/* Hypercalls that set a vCPU's trap table, callbacks and stacks, and the
 * iret hypercall that returns from them. */
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_args.h>
#include <asm/pv_traps.h>
#include <asm/x86.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <public/callback.h>
#include <public/xen.h>

/* set_trap_table(trap_info *list): entries up to one whose address is 0;
 * a NULL list clears the table.  The whole list is read and checked
 * (pv_read_trap_table) before any entry is installed, so a refused list
 * changes nothing. */
long do_set_trap_table(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    struct pv_trap_entry list[PV_MAX_TRAP_ENTRIES];
    unsigned int n;
    int rc;

    if (!a[0]) {
        memset(v->arch.traps, 0, sizeof(v->arch.traps));
        return 0;
    }
    rc = pv_read_trap_table(_gva(a[0]), list, &n);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < n; i++)
        v->arch.traps[list[i].vector] = (struct pv_trap){
            .address = list[i].address, .cs = list[i].cs, .dpl = list[i].dpl,
            .mask_events = list[i].mask_events,
        };
    return 0;
}

static int set_callback(struct vcpu *v, unsigned int type, uint64_t address, bool mask)
{
    struct pv_callback cb = { _gva(address), mask };

    if (address && !is_canonical(address))
        return -EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        v->arch.event_cb = cb;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.failsafe_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.syscall_cb = cb;
        return 0;
    case CALLBACKTYPE_nmi:
        v->arch.nmi_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter:
        /* 32-bit guest user code is not supported; accept and never use. */
        return 0;
    }
    return -ENOSYS;                  /* as Xen: an unknown type */
}

long do_callback_op(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    struct callback_register reg;
    struct callback_unregister unreg;

    switch (a[0]) {
    case CALLBACKOP_register:
        if (copy_from_guest(&reg, a[1], sizeof(reg)))
            return -EFAULT;
        return set_callback(v, reg.type, reg.address, reg.flags & CALLBACKF_mask_events);
    case CALLBACKOP_unregister:
        /* Only the NMI callback can go; the others can only be replaced. */
        if (copy_from_guest(&unreg, a[1], sizeof(unreg)))
            return -EFAULT;
        switch (unreg.type) {
        case CALLBACKTYPE_nmi:
            return set_callback(v, unreg.type, 0, false);
        case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32: case CALLBACKTYPE_sysenter:
            return -EINVAL;
        }
        return -ENOSYS;
    }
    return -ENOSYS;
}

/* The old interface: event, failsafe, syscall addresses at once. */
long do_set_callbacks(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();

    if (!is_canonical(a[0]) || !is_canonical(a[1]) || !is_canonical(a[2]))
        return -EINVAL;
    set_callback(v, CALLBACKTYPE_event, a[0], true);
    set_callback(v, CALLBACKTYPE_failsafe, a[1], false);
    set_callback(v, CALLBACKTYPE_syscall, a[2], false);
    return 0;
}

/* stack_switch(ss, rsp): the guest kernel stack used on entry from guest
 * user mode.  SS must be a guest kernel data selector (RPL 0 or 3). */
/* A kernel selector a guest may name: the flat one, or one of its own
 * GDT's entries (Linux names its __KERNEL_CS and __KERNEL_DS), with any
 * RPL (Xen raises it to 3).  Whichever it names, a PV vCPU runs on the
 * flat 64-bit selectors: the only segments Proxen runs a guest on. */
bool pv_kernel_selector_ok(uint64_t sel, uint16_t flat, uint64_t gdt_ents)
{
    if (sel > 0xffff)
        return false;
    if ((sel & ~3ULL) == (flat & ~3ULL))
        return true;
    return !(sel & 4) && (sel >> 3) && (sel >> 3) < gdt_ents;
}

long do_stack_switch(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    uint64_t ss = a[0], sp = a[1];

    if (!pv_kernel_selector_ok(ss, FLAT_KERNEL_SS, v->arch.gdt_ents) || !is_canonical(sp))
        return -EINVAL;
    v->arch.kernel_ss = ss;
    v->arch.kernel_sp = _gva(sp);
    return 0;
}

long do_fpu_taskswitch(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();

    v->arch.virtual_ts = a[0] != 0;
    write_cr0(v->arch.virtual_ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
    return 0;
}

/* set_segment_base(which, base).  GS of the mode not running lives in
 * SHADOW_GS_BASE; the guest kernel is the running mode here. */
long do_set_segment_base(const uint64_t a[6])
{
    static const uint32_t msr[] = {
        [SEGBASE_FS] = MSR_FS_BASE,
        [SEGBASE_GS_USER] = MSR_SHADOW_GS_BASE,
        [SEGBASE_GS_KERNEL] = MSR_GS_BASE,
    };
    uint64_t which = a[0], base = a[1];

    if (which == SEGBASE_GS_USER_SEL) {
        pv_load_user_gs_selector((uint16_t)base);
        return 0;
    }
    if (which >= ARRAY_SIZE(msr) || !is_canonical(base))
        return -EINVAL;
    wrmsr(msr[which], base);
    return 0;
}

/* The iret hypercall: the frame is on the guest stack (struct
 * iret_context), read once and decoded (pv_iret_decode).  Returning to
 * guest user mode needs a user page table; a guest without one broke the
 * ABI and is crashed. */
__hot_path void pv_do_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    struct iret_context c;
    struct pv_iret r;

    if (copy_from_guest(&c, regs->rsp, sizeof(c))) {
        domain_crash(v->domain, "iret: frame unreadable");
        return;
    }
    if (pv_iret_decode(&c, &r)) {
        /* What a real iretq does with such a frame: #GP at the iret. */
        pv_inject_trap(v, regs, 13, 0);
        return;
    }
    if (r.to_user) {
        if (mfn_eq(v->arch.guest_table_user, INVALID_MFN)) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return;
        }
        if (v->arch.kernel_mode)
            pv_toggle_guest_mode(v);
    }
    if (v->domain->vm_assist & (1ULL << VMASST_TYPE_architectural_iopl))
        v->arch.iopl = r.iopl;
    regs->rip = gva_x(r.rip);
    regs->cs = FLAT_KERNEL_CS;          /* the only code segment a PV guest runs on */
    regs->rflags = r.rflags;
    regs->rsp = gva_x(r.rsp);
    regs->ss = FLAT_KERNEL_SS;
    regs->rax = r.rax;
    regs->rcx = r.rcx;
    regs->r11 = r.r11;
    v->vcpu_info->evtchn_upcall_mask = r.events_masked;
}

/* Load guest user mode's GS selector (which also loads its base from the
 * descriptor) without touching the running kernel's GS: between two
 * swapgs.  The selector gets RPL 3, so that only descriptors a ring-3
 * guest could load itself are reachable from here; one the CPU refuses
 * leaves a null GS, and the call succeeds anyway, as on Xen (guests treat
 * any error here as fatal). */
void pv_load_user_gs_selector(uint16_t sel)
{
    if (sel > 3)
        sel |= 3;
    /* The fixup loads a null selector from a register of its own (EAX,
     * clobbered), never from an operand the compiler may have shared. */
    __asm__ volatile(
        "swapgs\n"
        "1: movl %[sel], %%gs\n"
        "2: swapgs\n"
        ".pushsection .text.fixup, \"ax\"\n"
        "3: xorl %%eax, %%eax\n"
        "   movl %%eax, %%gs\n"
        "   jmp 2b\n"
        ".popsection\n"
        ".pushsection .ex_table, \"a\"\n"
        ".balign 8\n"
        ".quad 1b, 3b\n"
        ".popsection\n"
        :: [sel] "r"((uint32_t)sel)
        : "rax", "memory");
}
