/* Emulation of the privileged instructions a deprivileged (ring 3) guest
 * kernel may execute, and of the PV CPUID escape.  Anything not handled
 * here is delivered to the guest as the fault it raised. */
#include <asm/gp_decode.h>
#include <asm/guest_access.h>
#include <asm/power.h>
#include <asm/pv_traps.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <asm/pv.h>
#include <public/arch-x86/cpuid.h>
#include <public/xen.h>

#define MSR_TSC           0x00000010
#define MSR_MISC_ENABLE   0x000001a0
#define MSR_DEBUGCTL      0x000001d9

/* --- CPUID ---------------------------------------------------------------- */

#define CPUID1_ECX_HIDE ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | \
                         (1u << 8) | (1u << 17) | (1u << 21) | (1u << 24) | (1u << 26) | \
                         (1u << 27))
/* EDX: VME, PSE, PGE and PSE36 as Xen hides them from PV guests (Linux
 * learns from the missing PSE that it cannot map superpages); MCE, MTRR,
 * MCA, DS, ACPI, TM and PBE. */
#define CPUID1_EDX_HIDE ((1u << 1) | (1u << 3) | (1u << 7) | (1u << 12) | (1u << 13) | \
                         (1u << 14) | (1u << 17) | (1u << 21) | (1u << 22) | (1u << 29) | \
                         (1u << 31))
#define CPUID7_EBX_HIDE ((1u << 0) | (1u << 7) | (1u << 10) | (1u << 20))

static void hypervisor_leaves(uint32_t leaf, uint32_t res[4])
{
    res[0] = res[1] = res[2] = res[3] = 0;
    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case 0:
        res[0] = XEN_CPUID_FIRST_LEAF + 5;
        res[1] = XEN_CPUID_SIGNATURE_EBX;
        res[2] = XEN_CPUID_SIGNATURE_ECX;
        res[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        res[0] = (4u << 16) | 17;            /* the ABI version spoken: 4.17 */
        break;
    case 2:
        res[0] = 1;                          /* hypercall pages */
        res[1] = 0x40000000;                 /* MSR to ask for them (HVM only) */
        break;
    }
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    if ((leaf & 0xffff0000u) == XEN_CPUID_FIRST_LEAF) {
        hypervisor_leaves(leaf, res);
        return;
    }
    cpuid_count(leaf, sub, &res[0], &res[1], &res[2], &res[3]);
    if (leaf == 1) {
        res[2] = (res[2] & ~CPUID1_ECX_HIDE) | (1u << 31);   /* hypervisor present */
        res[3] &= ~CPUID1_EDX_HIDE;
    } else if (leaf == 7 && sub == 0) {
        res[1] &= ~CPUID7_EBX_HIDE;
    }
}

/* #UD: the PV CPUID escape is `ud2; .ascii "xen"; cpuid`.  The same
 * prefix before anything else is the forced-emulation probe, which this
 * hypervisor does not offer: the guest gets its #UD. */
bool pv_emulate_ud(struct vcpu *v, struct cpu_user_regs *regs)
{
    static const uint8_t sig[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    uint8_t b[7];
    uint32_t res[4];

    if (copy_from_guest(b, regs->rip, sizeof(b)) || memcmp(b, sig, sizeof(b)))
        return false;
    pv_cpuid(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, res);
    regs->rax = res[0];
    regs->rbx = res[1];
    regs->rcx = res[2];
    regs->rdx = res[3];
    regs->rip += sizeof(sig);
    return true;
}

/* --- control registers and MSRs -------------------------------------------- */

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (read_cr0() & ~X86_CR0_TS) | (v->arch.virtual_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = v->vcpu_info->arch.cr2;
        return true;
    case 3:
        *val = mfn_to_maddr(v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user);
        return true;
    case 4:
        *val = (read_cr4() & ~(X86_CR4_PGE | X86_CR4_DE)) | (v->arch.cr4_de ? X86_CR4_DE : 0);
        return true;
    }
    return false;
}

/* CR0 may only change TS (the fpu_taskswitch of old kernels), CR2 is the
 * guest's own, CR3 switches page tables (as MMUEXT_NEW_BASEPTR), CR4 may
 * be "written" with its current value only. */
static bool write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    uint64_t cur;

    switch (cr) {
    case 0:
        if (!read_cr(v, 0, &cur) || ((cur ^ val) & ~X86_CR0_TS))
            return false;
        v->arch.virtual_ts = val & X86_CR0_TS;
        write_cr0(v->arch.virtual_ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
        return true;
    case 2:
        v->vcpu_info->arch.cr2 = val;
        return true;
    case 3:
        switch (pv_write_cr3(v, maddr_to_mfn(val))) {
        case 0:
            return true;
        case -ERESTART:              /* preempted: the guest runs it again */
            v->arch.emulation_retry = true;
            return true;
        }
        return false;
    case 4:                      /* only DE is the guest's to change */
        if (!read_cr(v, 4, &cur) || ((cur ^ val) & ~X86_CR4_DE))
            return false;
        v->arch.cr4_de = val & X86_CR4_DE;
        write_cr4(v->arch.cr4_de ? read_cr4() | X86_CR4_DE : read_cr4() & ~X86_CR4_DE);
        return true;
    }
    return false;
}

/* MOV to/from DRn goes through the hypercalls' checks (which also know
 * DR4/DR5 as the old aliases of DR6/DR7). */
static bool mov_dr(struct cpu_user_regs *regs, unsigned int dr, uint64_t *reg, bool write)
{
    uint64_t args[6] = { dr, *reg };
    long rc;

    if (dr > 7)
        return false;
    if (write)
        return do_set_debugreg(args) == 0;
    /* A read cannot go through the hypercall's return value: an address
     * in DR0-3 may look like an error number. */
    rc = pv_debugreg_index(current_vcpu(), dr);
    if (rc < 0)
        return false;
    *reg = current_vcpu()->arch.debugreg[rc];
    return true;
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
    case MSR_EFER:
    case MSR_TSC:
        *val = rdmsr(msr);
        return true;
    case MSR_MISC_ENABLE:
    case MSR_DEBUGCTL:           /* no branch tracing offered: reads as 0 */
        *val = 0;
        return true;
    }
    return false;
}

/* Only the segment bases; they follow the guest's mode (GS_BASE is the
 * base of the mode running now, SHADOW_GS the other one), which is how
 * the hardware already holds them. */
static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    if (msr == MSR_DEBUGCTL)
        return val == 0;
    if (msr != MSR_FS_BASE && msr != MSR_GS_BASE && msr != MSR_SHADOW_GS_BASE)
        return false;
    if (!is_canonical(val))
        return false;
    wrmsr(msr, val);
    return true;
}

/* --- I/O ports ------------------------------------------------------------ */

/* The virtual IOPL decides whether the instruction may run at all (else
 * #GP, as on hardware); the port list decides whether it reaches the
 * device (ioports.c).  Ports the hypervisor drives itself, and every port
 * a domain was not given, read as all ones and ignore writes, as on Xen. */
/* The guest kernel counts as CPL 1, or with VMASST_TYPE_architectural_iopl
 * as CPL 0 (so it may always), guest user mode as CPL 3: Xen's rule. */
static bool iopl_ok(const struct vcpu *v)
{
    unsigned int cpl = v->arch.kernel_mode
        ? (v->domain->vm_assist & (1ULL << VMASST_TYPE_architectural_iopl) ? 0 : 1) : 3;

    return v->arch.iopl >= cpl;
}

static bool port_is_guests(const struct vcpu *v, unsigned int port, unsigned int bytes)
{
    return arch_ioports_permitted(v->domain, port, port + bytes - 1);
}

static bool do_io(struct vcpu *v, struct cpu_user_regs *regs, bool in, unsigned int port,
                  unsigned int bytes)
{
    bool reach = port_is_guests(v, port, bytes);

    if (!iopl_ok(v))
        return false;
    if (in) {
        uint64_t mask = bytes == 4 ? 0xffffffffULL : (1ULL << (bytes * 8)) - 1;
        uint64_t val = !reach ? mask
                       : bytes == 1 ? inb((uint16_t)port)
                       : bytes == 2 ? inw((uint16_t)port) : inl((uint16_t)port);

        /* 32-bit results zero-extend into RAX, narrower ones merge. */
        regs->rax = bytes == 4 ? val : (regs->rax & ~mask) | val;
    } else if (!reach) {
        /* dropped */
    } else if (bytes == 1) {
        outb((uint16_t)port, (uint8_t)regs->rax);
    } else if (bytes == 2) {
        outw((uint16_t)port, (uint16_t)regs->rax);
    } else {
        outl((uint16_t)port, (uint32_t)regs->rax);
    }
    return true;
}

/* --- the #GP(0) instructions (decoded by gp_decode.c) --------------------- */

/* Up to GP_INSN_MAX + 1 bytes from the guest's RIP, as many as are
 * readable: the decoder sees where the readable bytes end. */
static unsigned int fetch(uint8_t *b, uint64_t rip)
{
    unsigned int avail = 0;

    while (avail < GP_INSN_MAX + 1 && !copy_from_guest(&b[avail], rip + avail, 1))
        avail++;
    return avail;
}

static bool rdmsr_to_regs(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t val;

    if (!read_msr(v, (uint32_t)regs->rcx, &val))
        return false;
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static bool execute(struct vcpu *v, struct cpu_user_regs *regs, const struct gp_insn *in)
{
    uint64_t *gpr = regs_gpr(regs, in->gpr);

    if (in->kernel_only && !v->arch.kernel_mode)
        return false;
    switch (in->op) {
    case GP_CLTS:
        v->arch.virtual_ts = false;
        __asm__ volatile("clts");
        return true;
    case GP_WBINVD:
    case GP_HLT:                                 /* nothing to wait for yet */
        return true;
    case GP_MOV_FROM_DR:
    case GP_MOV_TO_DR:
        return mov_dr(regs, in->ctl, gpr, in->op == GP_MOV_TO_DR);
    case GP_MOV_FROM_CR:
        return read_cr(v, in->ctl, gpr);
    case GP_MOV_TO_CR:
        return write_cr(v, in->ctl, *gpr);
    case GP_WRMSR:
        return write_msr(v, (uint32_t)regs->rcx, (regs->rdx << 32) | (uint32_t)regs->rax);
    case GP_RDMSR:
        return rdmsr_to_regs(v, regs);
    case GP_CLI_STI:
        /* Allowed with enough virtual IOPL and without effect, as on Xen
         * (a guest re-enabling with popf could not be followed). */
        return iopl_ok(v);
    case GP_IN:
    case GP_OUT:
        return do_io(v, regs, in->op == GP_IN,
                     in->port_in_dx ? (uint16_t)regs->rdx : in->port, in->size);
    }
    return false;
}

bool pv_emulate_gp(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t b[GP_INSN_MAX + 1];
    struct gp_insn in;

    if (!gp_decode(b, fetch(b, regs->rip), &in) || !execute(v, regs, &in))
        return false;
    if (!v->arch.emulation_retry)       /* else RIP stays: events first, then again */
        regs->rip += in.len;
    return true;
}
