/* A vCPU's first context (VCPUOP_initialise), and running, parking and
 * resuming vCPUs on their CPU.
 *
 * Until a scheduler exists, vCPU n of the initial domain runs on CPU n and
 * nothing else ever does, so a vCPU that goes down leaves its register
 * frame, segment bases, debug and FPU registers in its CPU untouched; the
 * CPU idles until the vCPU is brought up again and only its page tables
 * need reloading.  A context is checked whole before anything is taken:
 * a refused one changes nothing. */
#include <arch/arch.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/guest_access.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/x86.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/vcpu_switch.h>
#include <proxen/xmalloc.h>
#include <public/xen.h>

/* MXCSR bits every x86-64 CPU has (DAZ excepted). */
#define MXCSR_SAFE_MASK 0xffbfu

/* Everything that needs no reference: addresses, selectors, flags. */
static long check_context(const struct vcpu *v, const struct vcpu_guest_context *c)
{
    const struct xen_cpu_user_regs *r = &c->user_regs;

    /* A vCPU starts in its kernel; a 64-bit kernel with a 64-bit CS. */
    if (!(c->flags & VGCF_in_kernel) || !pv_kernel_selector_ok(r->cs, FLAT_KERNEL_CS, c->gdt_ents) ||
        !pv_kernel_selector_ok(r->ss, FLAT_KERNEL_SS, c->gdt_ents) ||
        !pv_kernel_selector_ok(c->kernel_ss, FLAT_KERNEL_SS, c->gdt_ents))
        return -EINVAL;
    if (!guest_range_ok(r->rip, 1) || !is_canonical(r->rsp) || !is_canonical(c->kernel_sp) ||
        !is_canonical(c->fs_base) || !is_canonical(c->gs_base_kernel) ||
        !is_canonical(c->gs_base_user) || !is_canonical(c->event_callback_eip) ||
        !is_canonical(c->failsafe_callback_eip) || !is_canonical(c->syscall_callback_eip))
        return -EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (c->trap_ctxt[i].address && !is_canonical(c->trap_ctxt[i].address))
            return -EINVAL;
    for (unsigned int i = 0; i < 8; i++)
        if (i != 4 && i != 5 && !pv_debugreg_valid(v, i, c->debugreg[i]))
            return -EINVAL;
    /* LDTs come with the control interface; the GDT fits the window. */
    if (c->ldt_ents || c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    return 0;
}

/* Whose frame it is, get_page_and_type checks. */
static struct page_info *table_frame(uint64_t cr3)
{
    mfn_t mfn = _mfn(xen_cr3_to_pfn(cr3));

    return mfn_x(mfn) < max_mfn ? mfn_to_page(mfn) : NULL;
}

static void put_frames(const uint64_t *frames, unsigned int n)
{
    while (n--)
        put_page_and_type(mfn_to_page(_mfn(frames[n])));
}

/* The references the context implies: its GDT frames and page tables
 * (L4, and a user L4 unless 0).  All or nothing; -ERESTART when validating
 * a table must go on later.  The GDT frames come first: they hold no tree,
 * so giving them back is quick, while a table just validated may hold a
 * whole tree, whose release in a preemptible request goes on in steps
 * that the calling vCPU owes (pv_put_table_or_defer), as does a table that
 * failed half-way. */
static long take_references(struct domain *d, const struct vcpu_guest_context *c)
{
    struct page_info *l4 = table_frame(c->ctrlreg[3]);
    struct page_info *user = c->ctrlreg[1] ? table_frame(c->ctrlreg[1]) : NULL;
    unsigned int nr = (unsigned int)((c->gdt_ents + 511) / 512), got = 0;
    long rc = 0;

    if (!l4 || (c->ctrlreg[1] && !user))
        return -EINVAL;
    for (; got < nr; got++) {
        rc = c->gdt_frames[got] < max_mfn
             ? get_page_and_type(mfn_to_page(_mfn(c->gdt_frames[got])), d, PGT_seg_desc_page)
             : -EINVAL;
        if (rc)
            goto put_gdt;
    }
    rc = get_page_and_type(l4, d, PGT_l4_page_table);
    if (rc)
        goto put_gdt;
    if (user && (rc = get_page_and_type(user, d, PGT_l4_page_table)))
        goto put_l4;
    return 0;
put_l4:
    pv_put_table_or_defer(l4);
put_gdt:
    put_frames(c->gdt_frames, got);
    return rc;
}

static void set_callback(struct pv_callback *cb, uint64_t address, bool mask)
{
    *cb = (struct pv_callback){ _gva(address), mask };
}

/* Nothing can fail from here on. */
/* The context's FPU image if it has one, with the MXCSR bits the CPU
 * lacks cleared (FXRSTOR faults on them); else the state after FNINIT. */
static void install_fpu(struct vcpu *v, const struct vcpu_guest_context *c)
{
    uint32_t mxcsr;

    if (!(c->flags & VGCF_i387_valid)) {
        pv_fpu_init(v->arch.fpu_image);
        return;
    }
    memcpy(v->arch.fpu_image, &c->fpu_ctxt, sizeof(v->arch.fpu_image));
    memcpy(&mxcsr, v->arch.fpu_image + 24, sizeof(mxcsr));
    mxcsr &= MXCSR_SAFE_MASK;
    memcpy(v->arch.fpu_image + 24, &mxcsr, sizeof(mxcsr));
}

static void install(struct vcpu *v, const struct vcpu_guest_context *c)
{
    const struct xen_cpu_user_regs *r = &c->user_regs;
    struct cpu_user_regs *s = &v->arch.user_regs;

    v->arch.guest_table = _mfn(xen_cr3_to_pfn(c->ctrlreg[3]));
    v->arch.guest_table_user = c->ctrlreg[1] ? _mfn(xen_cr3_to_pfn(c->ctrlreg[1])) : INVALID_MFN;
    v->arch.kernel_mode = true;
    for (unsigned int i = 0; i < 256; i++) {
        const struct trap_info *t = &c->trap_ctxt[i];

        v->arch.traps[i] = (struct pv_trap){ .address = _gva(t->address), .cs = t->cs,
                                             .dpl = TI_GET_DPL(t),
                                             .mask_events = TI_GET_IF(t) != 0 };
    }
    for (unsigned int i = 0; i < (c->gdt_ents + 511) / 512; i++)
        v->arch.gdt_frames[i] = _mfn(c->gdt_frames[i]);
    v->arch.gdt_ents = (unsigned int)c->gdt_ents;
    v->arch.kernel_ss = c->kernel_ss;
    v->arch.kernel_sp = _gva(c->kernel_sp);
    /* The virtual IOPL, from the context's RFLAGS as Xen takes it (Linux
     * starts its other vCPUs with IOPL 1, as its first has set_iopl). */
    v->arch.iopl = (uint8_t)((r->rflags & X86_EFLAGS_IOPL) >> 12);
    for (unsigned int i = 0; i < 8; i++)
        if (i != 4 && i != 5)
            v->arch.debugreg[i] = c->debugreg[i];
    set_callback(&v->arch.event_cb, c->event_callback_eip, true);
    set_callback(&v->arch.failsafe_cb, c->failsafe_callback_eip,
                 c->flags & VGCF_failsafe_disables_events);
    set_callback(&v->arch.syscall_cb, c->syscall_callback_eip,
                 c->flags & VGCF_syscall_disables_events);
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    install_fpu(v, c);
    v->arch.sel_ds = r->ds;
    v->arch.sel_es = r->es;
    v->arch.sel_fs = r->fs;
    v->arch.sel_gs = r->gs;
    *s = (struct cpu_user_regs){
        .r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12, .rbp = r->rbp,
        .rbx = r->rbx, .r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
        .rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
        .rip = r->rip, .cs = FLAT_KERNEL_CS, .rflags = pv_guest_rflags(r->rflags),
        .rsp = r->rsp, .ss = FLAT_KERNEL_SS,
    };
}

static long initialise(struct vcpu *v, const struct vcpu_guest_context *c)
{
    long rc = check_context(v, c);

    if (!rc)
        rc = take_references(v->domain, c);
    if (!rc)
        install(v, c);
    return rc;
}

long arch_vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    struct vcpu_guest_context *c;
    struct domain *d = v->domain;
    /* A tree this vCPU still owes the release of goes first: a failure
     * below may leave it another (arch_owe_release). */
    long rc = pv_finish_old_table(current_vcpu());

    if (rc)
        return rc;
    c = xmalloc_obj(struct vcpu_guest_context);
    if (!c)
        return -ENOMEM;
    if (copy_from_guest(c, arg, sizeof(*c))) {
        xfree(c);
        return -EFAULT;
    }
    /* A fresh tree may take long to validate: preemptible, continued. */
    do {
        page_types_lock(d);
        page_types_allow_preemption(d);
        rc = initialise(v, c);
    } while (page_types_unlock(d) && rc == -ERESTART);
    xfree(c);
    return rc;
}

/* The control interface's setvcpucontext, for a domain being built by
 * another: the same checks and references, preemptible and continued as
 * VCPUOP_initialise (a validation left half-way in a domain destroyed
 * before the continuation is undone by its teardown), and never once its
 * teardown began (which drops what it finds, under the same lock).  A
 * release the caller's vCPU owes goes first, as there. */
long arch_vcpu_set_context(struct vcpu *v, uint64_t gva, bool *online)
{
    struct vcpu_guest_context *c;
    struct domain *d = v->domain;
    long rc = pv_finish_old_table(current_vcpu());

    if (rc)
        return rc;
    c = xmalloc_obj(struct vcpu_guest_context);
    if (!c)
        return -ENOMEM;
    if (copy_from_guest(c, gva, sizeof(*c))) {
        xfree(c);
        return -EFAULT;
    }
    do {
        page_types_lock(d);
        page_types_allow_preemption(d);
        rc = d->dying ? -ESRCH : initialise(v, c);
    } while (page_types_unlock(d) && rc == -ERESTART);
    *online = c->flags & VGCF_online;
    xfree(c);
    return rc;
}

/* --- kicks ------------------------------------------------------------------ */

/* Nothing to do here: the CPU looks at what it runs on its way out (or
 * in its idle loop), and runs a timer set for it from another CPU. */
static void kick_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    timers_run();
}

void pv_vcpu_kick_init(void)
{
    set_irq_handler(VECTOR_EVENT_CHECK, kick_interrupt);
}

void arch_cpu_kick(unsigned int cpu)
{
    if (cpu != get_cpu_info()->cpu_id)
        apic_send_ipi(percpu[cpu].apic_id, VECTOR_EVENT_CHECK);
}
