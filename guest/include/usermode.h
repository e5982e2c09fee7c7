/* Running code in guest user mode.
 *
 * The kernel enters user mode through the iret hypercall (a frame whose
 * CS has RPL 3), on a user page table of its own: a copy of the kernel's
 * top-level entries, so the same mappings (every page of this guest is a
 * user page anyway).  User code comes back with `syscall`, which the
 * hypervisor delivers to the kernel's syscall callback (syscall_entry,
 * registered by traps_init) on the user-entry stack; the callback records
 * the bounce frame and returns to the kernel code that entered user mode.
 * Exceptions and events in user mode arrive as they do in the kernel and
 * go back to user mode through the same iret. */
#ifndef GUEST_USERMODE_H
#define GUEST_USERMODE_H

#include <stdint.h>

/* What the syscall callback found: the user's RAX and RDI at the
 * syscall, then the bounce frame as the hypervisor built it. */
struct user_exit {
    uint64_t rax, rdi;
    uint64_t rcx, r11, rip, cs, rflags, rsp, ss;
};

/* Run fn(arg) in user mode on a user stack until it makes a syscall (or
 * returns: its return address is a syscall with the result in RAX).
 * 0, with *exit filled, or a negative errno if user mode could not be
 * set up (no memory, the user page table refused). */
long user_call(uint64_t (*fn)(uint64_t), uint64_t arg, struct user_exit *exit);

/* The top-level page table user mode runs on (0 before the first
 * user_call), and the top of the user stack. */
uint64_t user_l4_mfn(void);
uint64_t user_stack_top(void);

/* usermode.S: enter user mode at rip with RSP = rsp and RDI = arg; returns
 * the user's RAX when it makes a syscall, *exit filled. */
uint64_t user_run(uint64_t rip, uint64_t rsp, uint64_t arg, struct user_exit *exit);
/* The same without writing a return address on the user stack. */
uint64_t user_run_bare(uint64_t rip, uint64_t rsp, uint64_t arg, struct user_exit *exit);

#endif
