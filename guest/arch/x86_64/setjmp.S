/* setjmp/longjmp (setjmp.h): the callee-saved registers, the stack
 * pointer and the return address, in struct jmp_buf order. */
    .text
    .globl setjmp
setjmp:
    mov %rbx, 0(%rdi)
    mov %rbp, 8(%rdi)
    mov %r12, 16(%rdi)
    mov %r13, 24(%rdi)
    mov %r14, 32(%rdi)
    mov %r15, 40(%rdi)
    lea 8(%rsp), %rax             /* the caller's stack after our return */
    mov %rax, 48(%rdi)
    mov (%rsp), %rax
    mov %rax, 56(%rdi)
    xor %eax, %eax
    ret

    .globl longjmp
longjmp:
    mov %esi, %eax
    test %eax, %eax
    jnz 1f
    inc %eax                      /* setjmp never appears to return 0 twice */
1:  mov 0(%rdi), %rbx
    mov 8(%rdi), %rbp
    mov 16(%rdi), %r12
    mov 24(%rdi), %r13
    mov 32(%rdi), %r14
    mov 40(%rdi), %r15
    mov 48(%rdi), %rsp
    jmp *56(%rdi)
