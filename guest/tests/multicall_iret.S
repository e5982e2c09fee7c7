/* multicall_iret (multicall_iret.h): the iret_context must sit at the RSP
 * the hypervisor sees at the multicall, which C cannot arrange; the call
 * is a direct `syscall` (the hypercall page's stub would push RCX and R11
 * on top of the frame). */
#include <public/xen.h>
#include "multicall_iret.h"

#define RFLAGS_IF       0x200
#define RFLAGS_RESERVED 0x2              /* bit 1 always reads as 1 */
#define SLOT(r) (MI_##r * 8)

    .text
/* void multicall_iret(calls, count, out) */
    .globl multicall_iret
multicall_iret:
    push %rbx
    push %rbp
    mov %rdx, %rbx                       /* out */
    mov %rsp, %rbp                       /* the RSP to resume with */
    mov %rbp, SLOT(RSP_WANT)(%rbx)
    /* struct iret_context, pushed from its highest field down */
    push $FLAT_KERNEL_SS                 /* ss */
    push %rbp                            /* rsp */
    push $(RFLAGS_IF | RFLAGS_RESERVED)  /* rflags */
    push $(FLAT_KERNEL_CS & ~3)          /* cs: RPL 0, guest kernel mode */
    lea resumed(%rip), %rax
    push %rax                            /* rip */
    push $0                              /* flags */
    movabs $MI_RCX_VALUE, %rax
    push %rax                            /* rcx */
    movabs $MI_R11_VALUE, %rax
    push %rax                            /* r11 */
    push $MI_RAX_VALUE                   /* rax */
    mov $__HYPERVISOR_multicall, %eax
    syscall
    /* The multicall returned instead of performing the iret. */
    movq $0, SLOT(RESUMED)(%rbx)
    mov %rax, SLOT(RAX)(%rbx)
    mov %rcx, SLOT(RCX)(%rbx)
    mov %r11, SLOT(R11)(%rbx)
    mov %rsp, SLOT(RSP)(%rbx)
    jmp done
resumed:
    movq $1, SLOT(RESUMED)(%rbx)
    mov %rax, SLOT(RAX)(%rbx)
    mov %rcx, SLOT(RCX)(%rbx)
    mov %r11, SLOT(R11)(%rbx)
    mov %rsp, SLOT(RSP)(%rbx)
done:
    mov %rbp, %rsp
    pop %rbp
    pop %rbx
    ret
