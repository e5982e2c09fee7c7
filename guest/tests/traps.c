/* Exception delivery, the virtual trap table, and the hypercalls that set
 * per-vCPU CPU state (kernel stack, segment bases, debug registers). */
#include <arch.h>
#include <errno.h>
#include <hypercall.h>
#include <layout.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

/* int3 is a trap: #BP reported with RIP after the instruction. */
void test_int3(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int3\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int3", before, X86_EXC_BP, at);
}

/* A software interrupt that the trap table does not allow raises #GP at
 * the int, with the error code of an IDT entry: vector << 3 | 2.  (The
 * vector is part of the instruction, hence one asm statement for each.) */
static void int_refused(const char *what, unsigned int vector)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    if (vector == 0x80)
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: int $0x80\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=r"(at) : : "memory");
    else
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: int $0x81\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=r"(at) : : "memory");
    if (expect_trap(what, before, X86_EXC_GP, at) && last_trap.error_code != ((vector << 3) | 2))
        test_fail("%s: #GP error code %#lx, expected %#x", what, last_trap.error_code,
                  (vector << 3) | 2);
}

void test_int80_no_entry(void)
{
    int_refused("int $0x80 without a trap table entry", 0x80);
}

/* The guest kernel may raise a vector whose entry has DPL 1 or more; DPL
 * 0 means nobody.  (Not vector 0x80: Xen delivers int $0x80 to any entry
 * that has an address, whatever its DPL.  Xen 4.17 under QEMU 7.2 reports
 * error code 0x812 here: it trusts the CPU's, which that QEMU gets wrong.) */
void test_int81_dpl0(void)
{
    if (expect_rc("set_trap_table with int $0x81 at DPL 0", traps_install(0x81, 0), 0))
        int_refused("int $0x81 to a DPL 0 entry", 0x81);
}

/* With a DPL 3 entry the handler runs, RIP after the int. */
void test_int80_dpl3(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    if (!expect_rc("set_trap_table with int $0x80 at DPL 3", traps_install(0x80, 3), 0))
        return;
    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int $0x80\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int $0x80 to a DPL 3 entry", before, 0x80, at);
}

/* An unreadable table is -EFAULT and leaves the installed one working. */
void test_set_trap_table_fault(void)
{
    unsigned long before;
    uint64_t at;

    expect_rc("set_trap_table(unmapped address)",
              hypercall_set_trap_table((const struct trap_info *)UNMAPPED_VA), -EFAULT);
    expect_rc("set_trap_table(hypervisor address)",
              hypercall_set_trap_table((const struct trap_info *)HV_ADDRESS), -EFAULT);
    before = last_trap.count;
    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int3\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int3 after the refused tables", before, X86_EXC_BP, at);
}

/* Proxen takes only a flat kernel data selector (RPL 0 or 3) as the
 * kernel SS.  (Xen 4.17 accepts any value and returns 0.) */
void test_stack_switch_bad_ss(void)
{
    static const uint64_t bad[] = { 0, FLAT_KERNEL_CS, 0x1234, FLAT_KERNEL_SS | 0x10000 };
    char what[48];

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "stack_switch(SS %#lx)", bad[i]);
        expect_rc(what, hypercall_stack_switch(bad[i], traps_user_entry_stack()), -EINVAL);
    }
    expect_rc("stack_switch(FLAT_KERNEL_SS)",
              hypercall_stack_switch(FLAT_KERNEL_SS, traps_user_entry_stack()), 0);
}

static uint64_t fs_base(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_FS_BASE));
    return ((uint64_t)hi << 32) | lo;
}

/* Non-canonical bases are -EINVAL; a canonical FS base takes effect. */
void test_set_segment_base(void)
{
    static const unsigned int which[] = { SEGBASE_FS, SEGBASE_GS_USER, SEGBASE_GS_KERNEL };
    char what[48];

    for (size_t i = 0; i < ARRAY_SIZE(which); i++) {
        snprintf(what, sizeof(what), "set_segment_base(%u, non-canonical)", which[i]);
        expect_rc(what, hypercall_set_segment_base(which[i], NONCANONICAL_ADDRESS), -EINVAL);
    }
    if (!expect_rc("set_segment_base(FS, 0x12345000)",
                   hypercall_set_segment_base(SEGBASE_FS, 0x12345000), 0))
        return;
    if (fs_base() != 0x12345000)
        test_fail("FS base reads %#lx after set_segment_base(FS, 0x12345000)", fs_base());
    expect_rc("set_segment_base(FS, 0)", hypercall_set_segment_base(SEGBASE_FS, 0), 0);
}

/* A breakpoint on a hypervisor address is -EPERM; on a guest one it is
 * kept (and read back), harmless while DR7 enables nothing. */
void test_set_debugreg(void)
{
    static uint64_t watched;

    expect_rc("set_debugreg(DR0, hypervisor address)",
              hypercall_set_debugreg(0, HV_ADDRESS), -EPERM);
    if (!expect_rc("set_debugreg(DR0, guest address)",
                   hypercall_set_debugreg(0, (uint64_t)&watched), 0))
        return;
    expect_rc("get_debugreg(DR0)", hypercall_get_debugreg(0), (long)&watched);
    expect_rc("set_debugreg(DR0, 0)", hypercall_set_debugreg(0, 0), 0);
}

/* Debug registers that do not exist: -ENODEV (Xen's "#UD" answer). */
void test_debugreg_bad_register(void)
{
    expect_rc("set_debugreg(8, 0)", hypercall_set_debugreg(8, 0), -ENODEV);
    expect_rc("get_debugreg(8)", hypercall_get_debugreg(8), -ENODEV);
}
