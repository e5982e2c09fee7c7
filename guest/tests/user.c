/* Guest user mode: the iret hypercall into it, `syscall` back to the
 * kernel's syscall callback (usermode.h), and an iret the CPU would
 * refuse. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <setjmp.h>
#include <test.h>
#include <traps.h>
#include <usermode.h>
#include "tests.h"

#define RFLAGS_IF       0x200
#define RFLAGS_RESERVED 0x2
#define RFLAGS_IOPL     0x3000

extern char user_syscall_probe[], user_syscall_probe_ret[];
void iret_to_kernel(uint64_t rip, uint64_t rsp) __noreturn;

static uint64_t user_add_one(uint64_t x)
{
    return x + 1;
}

/* The iret hypercall with CS RPL 3 enters user mode on the user page
 * table; the function's return lands on a syscall, which comes back
 * through the syscall callback with the function's result, from user
 * mode (the frame's CS has RPL 3).  Twice, so that the way back also
 * leaves things as the way in needs them. */
void test_iret_to_user_mode(void)
{
    for (uint64_t arg = 41; arg < 43; arg++) {
        struct user_exit e = { 0 };

        if (!expect_rc("user_call", user_call(user_add_one, arg, &e), 0))
            return;
        if (e.rax != arg + 1)
            test_fail("the user function returned %#lx for %#lx, expected %#lx", e.rax, arg,
                      arg + 1);
        if ((e.cs & 3) != 3)
            test_fail("the syscall callback's frame has CS %#lx: not from user mode", e.cs);
    }
}

/* The syscall callback's bounce frame (Xen's arch-x86/xen-x86_64.h):
 * RCX and R11 hold what SYSCALL put there (the return address and the
 * user's RFLAGS), then RIP (the return address), CS (the user code
 * selector, RPL 3, with the saved event mask in bits 32-39: 0, since user
 * mode ran with events unmasked), RFLAGS, RSP and SS as user mode had
 * them.  RAX and RDI arrive unchanged. */
void test_syscall_from_user_frame(void)
{
    uint64_t ret = (uint64_t)user_syscall_probe_ret;
    struct user_exit e = { 0 };

    if (!expect_rc("user_call", user_call((uint64_t (*)(uint64_t))(void *)user_syscall_probe,
                                          0x1234abcd, &e), 0))
        return;
    if (e.rax != 0x1234abcd || e.rdi != ~0x1234abcdULL)
        test_fail("RAX %#lx and RDI %#lx at the callback, expected %#lx and %#lx", e.rax, e.rdi,
                  0x1234abcdUL, ~0x1234abcdUL);
    if (e.rcx != ret || e.rip != ret)
        test_fail("frame RCX %#lx, RIP %#lx, expected both %#lx (after the syscall)", e.rcx,
                  e.rip, ret);
    if ((e.r11 & (RFLAGS_IF | RFLAGS_RESERVED)) != (RFLAGS_IF | RFLAGS_RESERVED))
        test_fail("frame R11 %#lx is not the user's RFLAGS (IF and bit 1 set)", e.r11);
    if ((e.rflags ^ e.r11) & ~(RFLAGS_IF | RFLAGS_IOPL))
        test_fail("frame RFLAGS %#lx differs from R11 %#lx", e.rflags, e.r11);
    if ((e.cs & 0xffff) != FLAT_USER_CS || ((e.cs >> 32) & 0xff) != 0)
        test_fail("frame CS %#lx, expected %#x with a saved event mask of 0", e.cs, FLAT_USER_CS);
    if (e.rsp != user_stack_top() - 8)
        test_fail("frame RSP %#lx, expected the user's %#lx", e.rsp, user_stack_top() - 8);
    if ((e.ss & 0xffff) != FLAT_USER_SS)
        test_fail("frame SS %#lx, expected %#x", e.ss, FLAT_USER_SS);
}

/* An iret to a non-canonical RIP is what a real IRET refuses with #GP:
 * the guest gets #GP and lives on.  Where the #GP is reported differs
 * (the iret or the target), so the test takes it through a recovery
 * point rather than the exception table. */
/* user_code.S */
extern char user_bad_stack[];

/* An iret to a non-canonical RSP is taken, as by Xen and the CPU's own
 * IRET (which checks RIP only): the guest faults when it uses the stack,
 * from user mode onto its kernel stack, and lives on. */
void test_iret_noncanonical_rsp(void)
{
    struct user_exit exit;
    unsigned long before;
    uint64_t rax;

    if (!expect_rc("user_call (set-up)", user_call(user_add_one, 0, &exit), 0))
        return;
    before = last_trap.count;
    rax = user_run_bare((uint64_t)user_bad_stack, NONCANONICAL_ADDRESS, user_stack_top(), &exit);
    if (rax != 7)
        test_fail("user mode entered with RSP %#lx did not come back (RAX %#lx)",
                  NONCANONICAL_ADDRESS, rax);
    else if (last_trap.count != before + 1 ||
             (last_trap.vector != X86_EXC_SS && last_trap.vector != X86_EXC_GP))
        test_fail("the stack use took %lu exceptions (last %s), expected one #SS",
                  last_trap.count - before, trap_name(last_trap.vector));
}

void test_iret_noncanonical_rip(void)
{
    static uint64_t stack[128] __attribute__((aligned(16)));
    struct jmp_buf env, *outer = traps_set_recovery(&env);

    if (setjmp(&env) == 0) {
        iret_to_kernel(NONCANONICAL_ADDRESS, (uint64_t)&stack[ARRAY_SIZE(stack)]);
    } else if (trap_unexpected.vector != X86_EXC_GP) {
        test_fail("the iret to RIP %#lx took %s, expected #GP", NONCANONICAL_ADDRESS,
                  trap_name((unsigned int)trap_unexpected.vector));
    }
    traps_set_recovery(outer);
}

/* user_code.S */
uint64_t user_system_insns(uint64_t unused);

/* hlt and MOV from CR0 are the guest kernel's: from user mode they are the
 * #GP the CPU raised, as on Xen (its emulator serves guest kernel mode
 * only). */
void test_user_system_insns(void)
{
    struct user_exit exit;

    if (!expect_rc("user_call", user_call(user_system_insns, 0, &exit), 0))
        return;
    if (exit.rax != 0)
        test_fail("%lu of hlt and mov from CR0 went through in user mode", exit.rax);
}
