/* Exception and event entry, and the way back through the iret
 * hypercall.
 *
 * The hypervisor enters a handler with a bounce frame on the kernel
 * stack, lowest address first: RCX, R11, [error code], RIP, CS, RFLAGS,
 * RSP, SS.  Each stub pops RCX and R11 (the interrupted values; the
 * registers themselves were lost to the hypervisor's SYSRET path), pushes
 * a zero error code where the CPU gives none, and the vector, so that all
 * vectors share struct trap_frame (traps.h).  The return pushes the
 * iret_context flags word and jumps to the iret stub, which pushes RCX,
 * R11 and RAX to complete the frame and never returns. */
#include <public/xen.h>

#define VECTOR_EVENT 0x100

.macro trap_stub vec, has_error_code
    .balign 16
trap_stub_\vec:
    pop %rcx
    pop %r11
    .if \has_error_code == 0
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

    .text
trap_common:
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    mov %rsp, %rbx                /* callee-saved: survives the call */
    and $-16, %rsp                /* the C ABI's call alignment */
    cld                           /* the C ABI's DF; the frame keeps the interrupted one */
    call do_trap
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    add $16, %rsp                 /* vector, error code */
    push $0                       /* iret_context.flags: not in a syscall */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* Vectors 0-31 (the C side installs those that exist), and 0x80 and 0x81
 * for the `int n` tests.  Error codes come with 8, 10-14, 17, 21, 29 and
 * 30. */
    trap_stub 0, 0
    trap_stub 1, 0
    trap_stub 2, 0
    trap_stub 3, 0
    trap_stub 4, 0
    trap_stub 5, 0
    trap_stub 6, 0
    trap_stub 7, 0
    trap_stub 8, 1
    trap_stub 9, 0
    trap_stub 10, 1
    trap_stub 11, 1
    trap_stub 12, 1
    trap_stub 13, 1
    trap_stub 14, 1
    trap_stub 15, 0
    trap_stub 16, 0
    trap_stub 17, 1
    trap_stub 18, 0
    trap_stub 19, 0
    trap_stub 20, 0
    trap_stub 21, 1
    trap_stub 22, 0
    trap_stub 23, 0
    trap_stub 24, 0
    trap_stub 25, 0
    trap_stub 26, 0
    trap_stub 27, 0
    trap_stub 28, 0
    trap_stub 29, 1
    trap_stub 30, 1
    trap_stub 31, 0
    trap_stub 128, 0
    trap_stub 129, 0

/* The event callback: a bounce frame without an error code; the
 * hypervisor masked events on the way in. */
    .balign 16
    .globl event_entry
event_entry:
    pop %rcx
    pop %r11
    push $0
    push $VECTOR_EVENT
    jmp trap_common

/* The failsafe callback: the hypervisor could not load the guest's
 * segment state on a return.  This guest uses only the flat selectors,
 * so it is a bug; report it and stop. */
    .balign 16
    .globl failsafe_entry
failsafe_entry:
    mov %rsp, %rdi
    and $-16, %rsp
    cld
    call do_failsafe
    ud2

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
    .irp v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    .quad trap_stub_\v
    .endr
    .globl soft_int_stubs
soft_int_stubs:
    .quad trap_stub_128, trap_stub_129
