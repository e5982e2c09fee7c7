/* set_debugreg / get_debugreg.  Breakpoint addresses must be guest
 * addresses (a breakpoint on hypervisor code would fire in the
 * hypervisor), and DR7 may not enable general detect, nor I/O breakpoints
 * unless the guest set CR4.DE.
 * Values are loaded into the hardware at once: the vCPU is running. */
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>

#define DR7_GD        (1ULL << 13)
#define DR7_RESERVED  ((0xffffffffULL << 32) | (1ULL << 11) | (1ULL << 12) | \
                       (1ULL << 14) | (1ULL << 15))
#define DR6_RESERVED  (0xffffffffULL << 32)

static void load_dr(unsigned int reg, uint64_t val)
{
    switch (reg) {
    case 0: __asm__ volatile("mov %0, %%db0" :: "r"(val)); break;
    case 1: __asm__ volatile("mov %0, %%db1" :: "r"(val)); break;
    case 2: __asm__ volatile("mov %0, %%db2" :: "r"(val)); break;
    case 3: __asm__ volatile("mov %0, %%db3" :: "r"(val)); break;
    case 6: __asm__ volatile("mov %0, %%db6" :: "r"(val)); break;
    case 7: __asm__ volatile("mov %0, %%db7" :: "r"(val)); break;
    }
}

/* I/O breakpoints (RW = 10b) exist only with CR4.DE, which the guest
 * controls. */
static bool dr7_ok(const struct vcpu *v, uint64_t val)
{
    if (val & (DR7_RESERVED | DR7_GD))
        return false;
    for (unsigned int i = 0; i < 4; i++)
        if (((val >> (16 + 4 * i)) & 3) == 2 && !v->arch.cr4_de)
            return false;
    return true;
}

/* DR4/DR5 are the old names of DR6/DR7 while CR4.DE is clear; with it
 * set, and for any number past 7, there is no such register. */
long pv_debugreg_index(const struct vcpu *v, uint64_t reg)
{
    if (reg == 4 || reg == 5)
        return v->arch.cr4_de ? -ENODEV : (long)reg + 2;
    return reg > 7 ? -ENODEV : (long)reg;
}

/* DR0-3 hold guest addresses only; DR6 and DR7 no reserved bits. */
bool pv_debugreg_valid(const struct vcpu *v, unsigned int reg, uint64_t val)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        return guest_range_ok(val, 8);
    case 6:
        return !(val & DR6_RESERVED);
    case 7:
        return dr7_ok(v, val);
    }
    return true;
}

void pv_load_debugregs(const struct vcpu *v)
{
    for (unsigned int i = 0; i < 8; i++)
        if (i != 4 && i != 5)
            load_dr(i, v->arch.debugreg[i]);
}

long do_set_debugreg(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    long r = pv_debugreg_index(v, a[0]);
    uint64_t reg = (uint64_t)r, val = a[1];

    if (r < 0)
        return r;
    if (!pv_debugreg_valid(v, (unsigned int)reg, val))
        return -EPERM;
    v->arch.debugreg[reg] = val;
    load_dr((unsigned int)reg, val);
    return 0;
}

/* A #DB taken by the guest: the status bits the CPU set for it go into
 * the guest's DR6, as Xen merges them (breakpoint matches B0-B3 are this
 * exception's alone; BD, BS and BT stay until the guest clears them), and
 * the CPU's DR6 is reset for the next one. */
#define DR6_DEFAULT  0xffff0ff0ULL
#define DR6_BP_MASK  0xfULL
#define DR6_STATUS   (DR6_BP_MASK | (7ULL << 13))    /* B0-B3, BD, BS, BT */

void pv_debug_exception(struct vcpu *v)
{
    uint64_t hw;

    __asm__ volatile("mov %%db6, %0" : "=r"(hw));
    load_dr(6, DR6_DEFAULT);
    v->arch.debugreg[6] = (v->arch.debugreg[6] & ~DR6_BP_MASK) | (hw & DR6_STATUS);
}

/* The single step over an instruction the hypervisor emulated: the CPU
 * never saw it run, so the #DB is the hypervisor's to raise, with DR6
 * merged as for a hardware step (Xen's pv_inject_DB(X86_DR6_BS)). */
#define DR6_BS  (1ULL << 14)

void pv_debug_single_step(struct vcpu *v)
{
    v->arch.debugreg[6] = (v->arch.debugreg[6] & ~DR6_BP_MASK) | DR6_BS;
}

long do_get_debugreg(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    long r = pv_debugreg_index(v, a[0]);

    return r < 0 ? r : (long)v->arch.debugreg[r];
}
