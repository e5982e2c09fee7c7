/* The way into guest user mode and back (usermode.h).
 *
 * user_run keeps the kernel's callee-saved registers on its own stack,
 * builds an iret frame for user mode (CS and SS the flat user selectors,
 * RFLAGS.IF set: events unmasked while user code runs) and leaves through
 * the iret stub.  The user code's `syscall` reaches syscall_entry on the
 * user-entry stack (stack_switch) with the bounce frame RCX, R11, RIP,
 * CS, RFLAGS, RSP, SS and events masked (the callback was registered with
 * CALLBACKF_mask_events); it copies the frame out and resumes the kernel
 * where user_run was called. */
#include <public/xen.h>

#define RFLAGS_IF       0x200
#define RFLAGS_RESERVED 0x2              /* bit 1 always reads as 1 */

    .text
/* uint64_t user_run(rip, rsp, arg, struct user_exit *exit) */
    .globl user_run, user_run_bare
user_run:
    sub $8, %rsi                         /* the user function's return address: */
    lea user_return(%rip), %rax          /* a syscall with its result */
    mov %rax, (%rsi)
/* The same, writing nothing on the user stack (RSP need not even be
 * usable): the user code must end in a syscall of its own. */
user_run_bare:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, kernel_rsp(%rip)
    mov %rcx, user_exit_record(%rip)
    push $FLAT_USER_SS
    push %rsi
    push $(RFLAGS_IF | RFLAGS_RESERVED)
    push $FLAT_USER_CS
    push %rdi
    push $0                              /* iret_context.flags */
    mov %rdx, %rdi
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* Where a user function returns to: in user mode, back to the kernel. */
user_return:
    syscall
    ud2

/* The syscall callback. */
    .globl syscall_entry
syscall_entry:
    mov user_exit_record(%rip), %rcx
    test %rcx, %rcx
    jz stray_syscall
    mov %rax, 0(%rcx)
    mov %rdi, 8(%rcx)
    pop 16(%rcx)                         /* RCX */
    pop 24(%rcx)                         /* R11 */
    pop 32(%rcx)                         /* RIP */
    pop 40(%rcx)                         /* CS */
    pop 48(%rcx)                         /* RFLAGS */
    pop 56(%rcx)                         /* RSP */
    pop 64(%rcx)                         /* SS */
    movq $0, user_exit_record(%rip)
    mov kernel_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* A syscall from user mode that no user_run is waiting for. */
stray_syscall:
    mov %rsp, %rdi
    and $-16, %rsp
    cld
    call do_stray_syscall
    ud2

    .bss
    .balign 8
kernel_rsp:
    .quad 0
user_exit_record:
    .quad 0
