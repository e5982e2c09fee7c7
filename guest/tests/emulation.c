/* Instructions a ring-3 guest kernel cannot execute itself, which the
 * hypervisor emulates or turns into the guest's own exception. */
#include <arch.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

void test_cpuid_signature(void)
{
    uint32_t r[4];

    pv_cpuid(XEN_CPUID_FIRST_LEAF, 0, r);
    if (r[1] != XEN_CPUID_SIGNATURE_EBX || r[2] != XEN_CPUID_SIGNATURE_ECX ||
        r[3] != XEN_CPUID_SIGNATURE_EDX)
        test_fail("leaf %#x signature is %08x %08x %08x, not XenVMMXenVMM",
                  XEN_CPUID_FIRST_LEAF, r[1], r[2], r[3]);
    if (r[0] < XEN_CPUID_LEAF(2))
        test_fail("leaf %#x says the last leaf is %#x, expected at least %#x",
                  XEN_CPUID_FIRST_LEAF, r[0], XEN_CPUID_LEAF(2));
}

/* Leaf 1 says "hypervisor" and hides what a PV guest cannot use: VME,
 * PSE (no superpages: Linux maps 4 KiB pages when it is missing), PGE,
 * PSE36, as Xen's PV policy. */
void test_cpuid_leaf1_pv(void)
{
    const uint32_t hidden = (1u << 1) | (1u << 3) | (1u << 13) | (1u << 17);
    uint32_t r[4];

    pv_cpuid(1, 0, r);
    if (!(r[2] & (1u << 31)))
        test_fail("leaf 1 ECX %08x lacks the hypervisor bit", r[2]);
    if (r[3] & hidden)
        test_fail("leaf 1 EDX %08x shows %08x (VME/PSE/PGE/PSE36)", r[3], r[3] & hidden);
}

/* The prefix emulates only cpuid; before anything else it is the ud2 it
 * starts with, reported at the ud2. */
void test_forced_emulation_ud(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: " XEN_EMULATE_PREFIX "mov $1, %%al\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at) : : "rax", "memory");
    expect_trap("forced-emulation prefix before mov", before, X86_EXC_UD, at);
}

/* A PV guest reads the machine address of its top-level table. */
void test_read_cr3(void)
{
    uint64_t cr3, want = pfn_to_mfn(virt_to_pfn((const void *)start_info->pt_base)) << PAGE_SHIFT;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    if (cr3 != want)
        test_fail("mov %%cr3 read %#lx, expected %#lx (start_info.pt_base through the P2M)",
                  cr3, want);
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* wrmsr of a non-canonical FS base: #GP(0) at the wrmsr, base unchanged. */
void test_wrmsr_fs_base_noncanonical(void)
{
    unsigned long before = last_trap.count;
    uint64_t at, base = rdmsr(MSR_FS_BASE);

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: wrmsr\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at)
                     : "c"(MSR_FS_BASE), "a"(0), "d"((uint32_t)(NONCANONICAL_ADDRESS >> 32))
                     : "memory");
    if (!expect_trap("wrmsr(FS_BASE, non-canonical)", before, X86_EXC_GP, at))
        return;
    if (last_trap.error_code)
        test_fail("#GP error code %#lx, expected 0", last_trap.error_code);
    if (rdmsr(MSR_FS_BASE) != base)
        test_fail("FS base changed from %#lx to %#lx", base, rdmsr(MSR_FS_BASE));
}

/* An MSR that does not exist: #GP(0) at the rdmsr. */
void test_rdmsr_unknown(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: rdmsr\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at) : "c"(0xdeadbeef) : "rax", "rdx", "memory");
    if (expect_trap("rdmsr(0xdeadbeef)", before, X86_EXC_GP, at) && last_trap.error_code)
        test_fail("#GP error code %#lx, expected 0", last_trap.error_code);
}
