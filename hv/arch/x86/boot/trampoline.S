/* Application processor start-up.  smpboot.c copies this code to
 * TRAMPOLINE_PHYS (below 1 MiB) and sends INIT-SIPI-SIPI; the AP starts
 * here in real mode with CS = TRAMPOLINE_PHYS >> 4, goes through 32-bit
 * protected mode to long mode on the boot page tables, and jumps to
 * ap_high_entry in the image with the stack smpboot.c prepared. */

#include <asm/config.h>

#define TRAMPOLINE_PHYS 0x8000
#define T(x) ((x) - trampoline_start)          /* offset within the copy */
#define TPHYS(x) (TRAMPOLINE_PHYS + T(x))      /* physical address of the copy */

        .section .rodata, "a", @progbits
        .balign 16
        .globl  trampoline_start, trampoline_end
trampoline_start:
        .code16
        cli
        cld
        movw    %cs, %ax
        movw    %ax, %ds
        lgdtl   T(tramp_gdtr)
        movl    %cr0, %eax
        orl     $1, %eax
        movl    %eax, %cr0
        ljmpl   $0x08, $TPHYS(tramp32)

        .code32
tramp32:
        movl    $0x10, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    TPHYS(tramp_cr3), %eax
        movl    %eax, %cr3
        movl    %cr4, %eax
        orl     $(1 << 5), %eax                 /* PAE */
        movl    %eax, %cr4
        movl    $0xc0000080, %ecx
        rdmsr
        orl     TPHYS(tramp_efer), %eax         /* LME (+ NXE if the BSP has it) */
        wrmsr
        movl    $0x80010033, %eax               /* PG WP NE ET MP PE */
        movl    %eax, %cr0
        ljmpl   $0x18, $TPHYS(tramp64)

        .code64
tramp64:
        movq    TPHYS(tramp_entry), %rax
        jmpq    *%rax

        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff              /* 0x08: 32-bit code */
        .quad   0x00cf93000000ffff              /* 0x10: flat data */
        .quad   0x00af9b000000ffff              /* 0x18: 64-bit code */
tramp_gdtr:
        .word   tramp_gdtr - tramp_gdt - 1
        .long   TPHYS(tramp_gdt)
        .balign 8
        .globl  tramp_cr3, tramp_efer, tramp_entry
tramp_cr3:      .long 0
tramp_efer:     .long 0
tramp_entry:    .quad 0
trampoline_end:

        .section .text, "ax", @progbits
        .globl  ap_high_entry
ap_high_entry:
        movq    ap_boot_rsp(%rip), %rsp
        movq    ap_boot_cr3(%rip), %rax
        movq    %rax, %cr3
        xorl    %ebp, %ebp
        call    start_secondary
        ud2
