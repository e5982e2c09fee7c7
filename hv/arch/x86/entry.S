/* Exception and interrupt entry.  Every vector has a 16-byte stub that
 * makes the frame uniform (an error code slot, the vector number above
 * it) and jumps to common code, which saves the registers as a struct
 * cpu_user_regs and calls do_entry().  The per-CPU syscall stubs
 * (pv/syscall_stub.S) build the same frame for hypercalls.
 *
 * From a guest, the frame lands in cpu_info->guest_regs (TSS.RSP0), and
 * the way out goes through pv_exit_to_guest(), which may rewrite the frame
 * to deliver an event or decide that the guest is not to run again. */

#include <asm/config.h>

#define UREGS_R11    48
#define UREGS_RCX    88
#define UREGS_ERROR  120
#define UREGS_VECTOR 124
#define UREGS_RIP    128
#define UREGS_CS     136
#define UREGS_RFLAGS 144
#define UREGS_RSP    152
#define UREGS_SS     160
#define TRAP_SYSCALL 0x100
#define X86_EFLAGS_VM 0x20000

/* The general registers of a struct cpu_user_regs, lowest first. */
.macro POP_GPRS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
.endm

        .section .text, "ax", @progbits

/* Vectors whose exceptions push an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

        .balign 16
        .globl  vector_stubs
vector_stubs:
        .set    vec, 0
        .rept   256
        .balign 16
        .if     !HAS_ERRCODE(vec)
        pushq   $0
        .endif
        movl    $vec, 4(%rsp)
        .if     vec == 1 || vec == 18
        jmp     ist_entry
        .else
        jmp     common_entry
        .endif
        .set    vec, vec + 1
        .endr

/* A #DB or #MC from a guest arrives on its IST stack, which a second one
 * (a guest breakpoint hit while the bounce frame is written) would reuse
 * under our feet: move the hardware frame to the CPU's guest frame, where
 * every other entry from a guest is, and continue there.  RSP points at
 * the error code; RAX and RCX are borrowed on the IST stack meanwhile. */
ist_entry:
        testb   $3, 16(%rsp)                    /* CS: ring 3 */
        jnz     1f
        testl   $X86_EFLAGS_VM, 24(%rsp)        /* RFLAGS: vm86, where CS & 3 means nothing */
        jz      common_entry
1:
        pushq   %rax
        pushq   %rcx
        movq    %rsp, %rax
        orq     $STACK_SIZE - 1, %rax
        subq    $CPU_INFO_SIZE - 1 - 8 - UREGS_ERROR, %rax   /* &guest_regs.error_code */
        .irp    off, 0, 8, 16, 24, 32, 40
        movq    16 + \off(%rsp), %rcx
        movq    %rcx, \off(%rax)
        .endr
        popq    %rcx
        xchgq   %rax, (%rsp)                    /* RAX back; the new RSP on top */
        popq    %rsp
        jmp     common_entry

        /* The hot path lives in .text.hot, next to the C code of the
         * hypercall path: under TCG, code that shares pages runs as
         * chained translation blocks, measurably faster. */
        .section .text.hot.0, "ax", @progbits
        .globl  common_entry
common_entry:
        cld
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, %rdi
        movq    %rsp, %rbx              /* callee-saved: frame pointer to restore */
        andq    $-16, %rsp
        call    do_entry
        movq    %rbx, %rsp
        /* Back to a guest only if the frame is the guest frame (asm/pv.h
         * guest_mode: the frame's place, not its CS, says whose it is). */
        movq    %rsp, %rax
        orq     $STACK_SIZE - 1, %rax
        subq    $CPU_INFO_SIZE - 1 - 8, %rax    /* &cpu_info->guest_regs */
        cmpq    %rax, %rsp
        jne     restore_all
        cmpl    $2, UREGS_VECTOR(%rsp)  /* an NMI from a guest: straight back */
        je      restore_all
        /* Also where a CPU enters a vCPU it switched to from idle
         * (pv_enter_guest), with RSP at the guest frame. */
        .globl  return_to_guest
return_to_guest:
        cli
        movq    %rsp, %rbx
        movq    %rsp, %rdi
        andq    $-16, %rsp
        call    pv_exit_to_guest
        movq    %rbx, %rsp
        /* A frame SYSRET can restore exactly (RIP in RCX, RFLAGS in R11,
         * the flat selectors, a canonical RIP) leaves by SYSRET, far
         * cheaper than IRET: a hypercall returning to where it came from,
         * and every bounce into a guest handler (pv_bounce sets RCX and
         * R11, whose guest values are in the bounce frame). */
        movq    UREGS_RIP(%rsp), %rax
        cmpq    UREGS_RCX(%rsp), %rax
        jne     restore_all
        sarq    $47, %rax               /* canonical: SYSRET would #GP in ring 0 */
        addq    $1, %rax
        cmpq    $1, %rax
        ja      restore_all
        movq    UREGS_RFLAGS(%rsp), %rax
        cmpq    UREGS_R11(%rsp), %rax
        jne     restore_all
        cmpq    $FLAT_RING3_CS64, UREGS_CS(%rsp)
        jne     restore_all
        cmpq    $FLAT_RING3_DS32, UREGS_SS(%rsp)
        jne     restore_all
        POP_GPRS
        movq    UREGS_RSP - UREGS_ERROR(%rsp), %rsp   /* RSP now at the error code */
        sysretq
        .globl  restore_all
restore_all:
        POP_GPRS
        addq    $8, %rsp                /* error code and vector */
.Liret:
        iretq

        /* iretq to a guest faulted (a frame the guest supplied that the
         * CPU refused): the fault handler resumes here, on the frame of
         * the fault, which says nothing useful about the guest. */
        .section .ex_table, "a", @progbits
        .balign 8
        .quad   .Liret, pv_iret_fault
        .section .text, "ax", @progbits

pv_iret_fault:
        movq    %rsp, %rdi
        andq    $-16, %rsp
        call    pv_failed_iret
        ud2
