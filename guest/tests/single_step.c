/* Single-stepping (RFLAGS.TF) and the DR6 that get_debugreg(6) returns.
 * The #DB comes after one instruction, with DR6.BS set and B0-B3 clear,
 * whether the CPU ran the instruction or the hypervisor emulated it (an
 * `out` it completes after a #GP, the PV CPUID escape after a #UD, a
 * store to a page table it completes after a #PF): Xen
 * raises the #DB itself after an emulation (pv_inject_DB(X86_DR6_BS)).
 * The guest's #DB handler clears TF when it resumes at a fixup. */
#include <arch.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <public/physdev.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

#define DR6_CLEAR     0xffff0ff0L
#define DR6_BS        (1L << 14)

enum step_over { STEP_NOP, STEP_OUT, STEP_CPUID, STEP_PTWR };

/* Set TF, run one instruction, and report where the #DB said it stopped
 * (0 if none came) and where it should have: right after that
 * instruction.  A step the hypervisor misses shows as a #DB one
 * instruction late, after the nop that follows. */
static uint64_t step(enum step_over what, uint64_t *expected, uint64_t *pte)
{
    unsigned long before = last_trap.count;
    uint64_t after;

    switch (what) {
    case STEP_NOP:
        __asm__ volatile("lea 2f(%%rip), %[after]\n\t"
                         "pushfq\n\t"
                         "orq %[tf], (%%rsp)\n\t"
                         "popfq\n"
                         "1: nop\n"
                         "2: nop\n"
                         "3:\n\t"
                         EXTABLE(2b, 3b) EXTABLE(3b, 3b)
                         : [after] "=&r"(after) : [tf] "i"(RFLAGS_TF) : "memory", "cc");
        break;
    case STEP_OUT:
        __asm__ volatile("lea 2f(%%rip), %[after]\n\t"
                         "pushfq\n\t"
                         "orq %[tf], (%%rsp)\n\t"
                         "popfq\n"
                         "1: outb %%al, $0x80\n"
                         "2: nop\n"
                         "3:\n\t"
                         EXTABLE(1b, 3b) EXTABLE(2b, 3b) EXTABLE(3b, 3b)
                         : [after] "=&r"(after) : [tf] "i"(RFLAGS_TF), "a"(0)
                         : "memory", "cc");
        break;
    case STEP_CPUID:
        __asm__ volatile("lea 2f(%%rip), %[after]\n\t"
                         "pushfq\n\t"
                         "orq %[tf], (%%rsp)\n\t"
                         "popfq\n"
                         "1: " XEN_CPUID "\n"
                         "2: nop\n"
                         "3:\n\t"
                         EXTABLE(1b, 3b) EXTABLE(2b, 3b) EXTABLE(3b, 3b)
                         : [after] "=&r"(after) : [tf] "i"(RFLAGS_TF), "a"(0), "c"(0)
                         : "memory", "cc", "rbx", "rdx");
        break;
    case STEP_PTWR:                 /* the entry's own value stored back */
        __asm__ volatile("lea 2f(%%rip), %[after]\n\t"
                         "pushfq\n\t"
                         "orq %[tf], (%%rsp)\n\t"
                         "popfq\n"
                         "1: movq %[val], (%[pte])\n"
                         "2: nop\n"
                         "3:\n\t"
                         EXTABLE(1b, 3b) EXTABLE(2b, 3b) EXTABLE(3b, 3b)
                         : [after] "=&r"(after)
                         : [tf] "i"(RFLAGS_TF), [pte] "r"(pte), [val] "r"(*pte)
                         : "memory", "cc");
        break;
    }
    *expected = after;
    if (last_trap.count != before + 1)
        return 0;
    return last_trap.vector == X86_EXC_DB ? last_trap.rip : ~0UL;
}

/* DR6 starts with B0 set for an emulated step: Xen's merge replaces
 * B0-B3 with the step's (none).  (A hardware step is not asked to: the
 * CPU may leave B0-B3 as they were.) */
static void check_step(const char *name, enum step_over what, uint64_t *pte)
{
    uint64_t expected, at;
    long dr6, start = DR6_CLEAR | (what == STEP_NOP ? 0 : 1);

    if (!expect_rc("set_debugreg(6, ...)", hypercall_set_debugreg(6, (uint64_t)start), 0))
        return;
    at = step(what, &expected, pte);
    if (read_rflags() & RFLAGS_TF)
        test_fail("%s: TF still set after the step", name);
    if (at != expected) {
        test_fail("%s: single step stopped at %#lx (vector %s), expected #DB at %#lx", name,
                  at, trap_name(last_trap.vector), expected);
        return;
    }
    dr6 = hypercall_get_debugreg(6);
    if (!(dr6 & DR6_BS) || (dr6 & 0xf))
        test_fail("%s: after the step DR6 reads %#lx (BS set, B0-B3 clear expected)", name, dr6);
}

void test_single_step_dr6(void)
{
    check_step("nop", STEP_NOP, NULL);
}

void test_single_step_emulated(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };

    uint64_t l2;

    check_step("PV CPUID escape", STEP_CPUID, NULL);
    if (expect_rc("pt_ensure_l1(SCRATCH_VA)", pt_ensure_l1(SCRATCH_VA), 0)) {
        l2 = pt_get(SCRATCH_VA, 2);
        check_step("store to an L1 entry", STEP_PTWR,
                   (uint64_t *)mfn_to_virt((l2 & PTE_ADDR_MASK) >> PAGE_SHIFT) +
                       pt_index(SCRATCH_VA, 1));
    }
    if (!is_initial_domain()) {
        test_skip("only the initial domain has I/O ports (CPUID checked)");
        return;
    }
    if (expect_rc("PHYSDEVOP_set_iopl(1)",
                  hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)&iopl, 0, 0, 0),
                  0))
        check_step("out with IOPL 1", STEP_OUT, NULL);
}
