/* The trap-bounce benchmarks' loops and handlers.
 *
 * The handlers do only what a bounce needs, so that the time is the
 * hypervisor's: the hypervisor enters them with its bounce frame (RCX,
 * R11, [error code], RIP, CS, RFLAGS, RSP, SS, as in the kernel's
 * entry.S); they pop RCX and R11, drop the error code, push the
 * iret_context flags word (0: not returning from a syscall) and leave
 * through the iret hypercall, which restores RAX, R11, RCX and the rest
 * of the frame.  No other register is touched.  install_bounce_handlers()
 * (ops.c) puts them in the trap table over the kernel's entries for
 * vectors 3 and 14. */
#include <public/xen.h>

#define X86_EXC_PF 14

    .text

/* void bench_int3_loop(uint64_t n): n times int3. */
    .globl bench_int3_loop
bench_int3_loop:
1:  int3
    dec %rdi
    jnz 1b
    ret

/* void bench_pf_loop(uint64_t n, uint64_t va): n times a load from va,
 * which is not present; the #PF handler resumes after the load. */
    .globl bench_pf_loop
bench_pf_loop:
bench_pf_insn:
    mov (%rsi), %rax
bench_pf_resume:
    dec %rdi
    jnz bench_pf_loop
    ret

/* #BP: RIP already points after the int3. */
    .balign 16
    .globl bench_bp_entry
bench_bp_entry:
    pop %rcx
    pop %r11
    push $0
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* #PF: resume after the load of bench_pf_loop.  A page fault anywhere
 * else is a real one: it goes to the kernel's handler, frame untouched. */
    .balign 16
    .globl bench_pf_entry
bench_pf_entry:
    cmpq $bench_pf_insn, 24(%rsp)       /* RCX, R11, error code, RIP */
    jne 1f
    pop %rcx
    pop %r11
    add $8, %rsp                        /* the error code */
    movq $bench_pf_resume, (%rsp)       /* RIP */
    push $0
    jmp hypercall_page + __HYPERVISOR_iret * 32
1:  jmp *trap_stubs + X86_EXC_PF * 8
