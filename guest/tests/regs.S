/* regs_across_hypercall (regs.h): C cannot set every register, so the
 * call is made from here. */
#include <public/xen.h>
#include "regs.h"

#define PATTERN(r) $(REG_PATTERN + REG_##r)
#define SLOT(r) (REG_##r * 8)

    .text
    .globl regs_across_hypercall
regs_across_hypercall:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                          /* out */
    movabs PATTERN(RBX), %rbx
    movabs PATTERN(RCX), %rcx
    movabs PATTERN(RDX), %rdx
    movabs PATTERN(RBP), %rbp
    movabs PATTERN(R8), %r8
    movabs PATTERN(R9), %r9
    movabs PATTERN(R10), %r10
    movabs PATTERN(R11), %r11
    movabs PATTERN(R12), %r12
    movabs PATTERN(R13), %r13
    movabs PATTERN(R14), %r14
    movabs PATTERN(R15), %r15
    xor %edi, %edi                     /* XENVER_version */
    xor %esi, %esi                     /* NULL */
    call hypercall_page + __HYPERVISOR_xen_version * 32
    xchg %rax, (%rsp)                  /* RAX = out; the result to the stack */
    mov %rbx, SLOT(RBX)(%rax)
    mov %rcx, SLOT(RCX)(%rax)
    mov %rdx, SLOT(RDX)(%rax)
    mov %rsi, SLOT(RSI)(%rax)
    mov %rdi, SLOT(RDI)(%rax)
    mov %rbp, SLOT(RBP)(%rax)
    mov %r8, SLOT(R8)(%rax)
    mov %r9, SLOT(R9)(%rax)
    mov %r10, SLOT(R10)(%rax)
    mov %r11, SLOT(R11)(%rax)
    mov %r12, SLOT(R12)(%rax)
    mov %r13, SLOT(R13)(%rax)
    mov %r14, SLOT(R14)(%rax)
    mov %r15, SLOT(R15)(%rax)
    pop %rcx
    mov %rcx, SLOT(RAX)(%rax)
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
