/* Moves to CR3, emulated as MMUEXT_NEW_BASEPTR: the guest's own top-level
 * table is accepted (and CR3 is unchanged), a frame it does not own is
 * refused with #GP at the instruction.  The emulation takes the page-type
 * lock, which the #GP path must take with interrupts on (the fuzzer found
 * a hypervisor assertion there). */
#include <arch.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

static uint64_t read_cr3(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

void test_write_cr3(void)
{
    uint64_t cr3 = read_cr3(), foreign = test_foreign_frame(), at;
    unsigned long before = last_trap.count;

    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    if (read_cr3() != cr3)
        test_fail("CR3 is %#lx after writing its own value %#lx", read_cr3(), cr3);
    if (!foreign) {
        test_error("no frame of another owner");
        return;
    }
    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: mov %[v], %%cr3\n2:\n"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at) : [v] "r"(foreign << PAGE_SHIFT) : "memory");
    expect_trap("mov to CR3 of a frame the guest does not own", before, X86_EXC_GP, at);
    if (read_cr3() != cr3)
        test_fail("CR3 changed from %#lx to %#lx", cr3, read_cr3());
}
