/* The template of each CPU's syscall entry stub.  SYSCALL leaves RSP as
 * the guest's and gives no scratch register, and the hypervisor cannot
 * use GS (the guest owns it), so each CPU gets a copy of this code with
 * its own addresses patched in (pv/syscall.c): it spills RAX to the CPU's
 * cpu_info, switches to the CPU's guest frame and builds the same frame
 * an interrupt would, marked with vector TRAP_SYSCALL. */

#include <asm/config.h>

#define TRAP_SYSCALL 0x100

        .section .rodata, "a", @progbits
        .globl  syscall_stub, syscall_stub_end
        .globl  syscall_stub_scratch1, syscall_stub_rsp0, syscall_stub_scratch2, syscall_stub_target
syscall_stub:
        movabsq %rax, 0x1111111111111111
syscall_stub_scratch1:                          /* patched: &cpu_info->syscall_scratch */
        movq    %rsp, %rax
        movabsq $0x2222222222222222, %rsp
syscall_stub_rsp0:                              /* patched: end of cpu_info->guest_regs */
        pushq   $FLAT_RING3_DS32                /* ss */
        pushq   %rax                            /* rsp */
        pushq   %r11                            /* rflags */
        pushq   $FLAT_RING3_CS64                /* cs */
        pushq   %rcx                            /* rip */
        movabsq 0x3333333333333333, %rax
syscall_stub_scratch2:                          /* patched: &cpu_info->syscall_scratch */
        pushq   $0
        movl    $TRAP_SYSCALL, 4(%rsp)
        jmpq    *1f(%rip)
        .balign 8
1:      .quad   0x4444444444444444
syscall_stub_target:                            /* patched: common_entry */
syscall_stub_end:
