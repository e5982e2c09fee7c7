/* The iret hypercall with RFLAGS bits a guest may not have: virtual-8086
 * mode (VM) and IOPL.  As on Xen, they are dropped and the guest lands in
 * ordinary kernel mode; with VGCF_in_syscall, RCX and R11 are what SYSRET
 * would leave (the RIP and the RFLAGS actually in force).  Before this
 * was so, VM reached the hypervisor's IRETQ and double-faulted it. */
#include <arch.h>
#include <kernel.h>
#include <setjmp.h>
#include <test.h>
#include "tests.h"

#define RFLAGS_RESERVED 0x2
#define RFLAGS_IF       0x200
#define RFLAGS_IOPL     0x3000
#define RFLAGS_VM       0x20000
#define VGCF_IN_SYSCALL (1 << 8)

void iret_with_flags(uint64_t rip, uint64_t rsp, uint64_t rflags, uint64_t flags) __noreturn;
void iret_landed_resume(void) __noreturn;
extern char iret_landed[];

uint64_t iret_landed_rflags, iret_landed_rcx, iret_landed_r11;
static struct jmp_buf landed;

void iret_landed_resume(void)
{
    longjmp(&landed, 1);
}

static void iret_with_bad_rflags(uint64_t flags)
{
    static uint64_t stack[256] __attribute__((aligned(16)));
    const uint64_t rflags = RFLAGS_RESERVED | RFLAGS_IOPL | RFLAGS_VM;

    iret_landed_rflags = iret_landed_rcx = iret_landed_r11 = ~0UL;
    if (setjmp(&landed) == 0)
        iret_with_flags((uint64_t)iret_landed, (uint64_t)&stack[ARRAY_SIZE(stack)], rflags,
                        flags);
    if (iret_landed_rflags & (RFLAGS_VM | RFLAGS_IOPL))
        test_fail("after an iret with RFLAGS %#lx (flags %#lx) the guest runs with RFLAGS %#lx",
                  rflags, flags, iret_landed_rflags);
    if (!(iret_landed_rflags & RFLAGS_IF))
        test_fail("the guest runs with interrupts off (RFLAGS %#lx)", iret_landed_rflags);
    if (!(flags & VGCF_IN_SYSCALL))
        return;
    if (iret_landed_rcx != (uint64_t)iret_landed)
        test_fail("VGCF_in_syscall: RCX %#lx, expected the return address %#lx", iret_landed_rcx,
                  (uint64_t)iret_landed);
    if (iret_landed_r11 & (RFLAGS_VM | RFLAGS_IOPL))
        test_fail("VGCF_in_syscall: R11 %#lx still has VM or IOPL", iret_landed_r11);
}

void test_iret_rflags_vm(void)
{
    iret_with_bad_rflags(0);
}

void test_iret_rflags_vm_in_syscall(void)
{
    iret_with_bad_rflags(VGCF_IN_SYSCALL);
}
