/* iret_flags.c's way in and out: the iret hypercall with RFLAGS and flags
 * of the caller's choosing, and a landing place that records what the
 * registers hold on arrival. */
#include <public/xen.h>

    .text
/* void iret_with_flags(uint64_t rip, uint64_t rsp, uint64_t rflags,
 *                      uint64_t flags): to guest kernel mode (CS RPL 0). */
    .globl iret_with_flags
iret_with_flags:
    push $FLAT_KERNEL_SS
    push %rsi
    push %rdx                            /* rflags */
    push $(FLAT_KERNEL_CS & ~3)
    push %rdi
    push %rcx                            /* iret_context.flags */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* Where such an iret lands: RFLAGS as the CPU runs it, RCX and R11 as the
 * hypervisor left them, then back to the test (iret_landed_resume). */
    .globl iret_landed
iret_landed:
    mov %rcx, iret_landed_rcx(%rip)
    mov %r11, iret_landed_r11(%rip)
    pushfq
    pop %rax
    mov %rax, iret_landed_rflags(%rip)
    and $-16, %rsp
    call iret_landed_resume
    ud2
