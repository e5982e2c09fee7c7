/* Code for the user-mode tests (user.c): a user function that makes its
 * syscall at a known place, and an iret hypercall with a frame of the
 * caller's choosing. */
#include <public/xen.h>

    .text
/* In user mode: RAX = arg, RDI = ~arg, then syscall. */
    .globl user_syscall_probe, user_syscall_probe_ret
user_syscall_probe:
    mov %rdi, %rax
    not %rdi
    syscall
user_syscall_probe_ret:
    ud2

/* void iret_to_kernel(uint64_t rip, uint64_t rsp): the iret hypercall to
 * guest kernel mode (CS with RPL 0) at rip on stack rsp, events masked
 * (RFLAGS.IF clear). */
    .globl iret_to_kernel
iret_to_kernel:
    push $FLAT_KERNEL_SS
    push %rsi
    push $0x2
    push $(FLAT_KERNEL_CS & ~3)
    push %rdi
    push $0                              /* iret_context.flags */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* In user mode: *(req[0]) = req[1] for RDI = req; RAX = 1 if the store
 * went through, 0 if it faulted (the exception table resumes at 2). */
    .globl user_store
user_store:
    mov 8(%rdi), %rax
    mov (%rdi), %rdx
1:  mov %rax, (%rdx)
    mov $1, %eax
    ret
2:  xor %eax, %eax
    ret
    .pushsection .ex_table, "a"
    .balign 8
    .quad 1b, 2b
    .popsection

/* Entered by an iret with a non-canonical RSP and RDI a usable stack: the
 * first use of the stack faults (#SS), the exception table resumes at 2,
 * which takes the usable stack and comes back with RAX = 7. */
    .globl user_bad_stack
user_bad_stack:
1:  mov (%rsp), %rax
2:  mov %rdi, %rsp
    mov $7, %eax
    syscall
    ud2
    .pushsection .ex_table, "a"
    .balign 8
    .quad 1b, 2b
    .popsection

/* In user mode: inb from the POST port; RAX = 1 if it went through, 0 if
 * it faulted (the exception table resumes at 2). */
    .globl user_inb
user_inb:
    mov $0x80, %dx
1:  inb %dx, %al
    mov $1, %eax
    ret
2:  xor %eax, %eax
    ret
    .pushsection .ex_table, "a"
    .balign 8
    .quad 1b, 2b
    .popsection

/* In user mode: hlt, then mov from CR0; RAX = how many went through
 * (each that faults resumes at the next). */
    .globl user_system_insns
user_system_insns:
    xor %ecx, %ecx
1:  hlt
    inc %ecx
2:  mov %cr0, %rax
    inc %ecx
3:  mov %ecx, %eax
    ret
    .pushsection .ex_table, "a"
    .balign 8
    .quad 1b, 2b
    .quad 2b, 3b
    .popsection
