/* Entry from a multiboot (v1) loader: 32-bit protected mode, paging off,
 * EAX = multiboot magic, EBX = physical address of the multiboot info.
 *
 * The header uses the a.out kludge (flag 16) so that loaders take the load
 * addresses from it and never parse our ELF64 file: QEMU's -kernel and
 * GRUB both accept that.  We switch to long mode on static boot page
 * tables (identity map of the low 4 GiB, plus the image window), then
 * jump to the image's high virtual address and call into C. */

#include <asm/config.h>

#define MB_MAGIC   0x1badb002
#define MB_FLAGS   ((1 << 0) | (1 << 1) | (1 << 16)) /* align mods, mem info, a.out kludge */
#define sym_phys(s) ((s) - HV_VIRT_START)

#define PTE_PW   0x003           /* present, writable */
#define PDE_2M   0x083           /* present, writable, 2 MiB page */

        .section .text.head, "ax", @progbits
        .code32
        .globl  start
start:
        jmp     multiboot_entry

        .balign 4
multiboot_header:
        .long   MB_MAGIC
        .long   MB_FLAGS
        .long   -(MB_MAGIC + MB_FLAGS)
        .long   sym_phys(multiboot_header)      /* header_addr */
        .long   sym_phys(start)                 /* load_addr */
        .long   sym_phys(__load_end)            /* load_end_addr */
        .long   sym_phys(__bss_end)             /* bss_end_addr */
        .long   sym_phys(multiboot_entry)       /* entry_addr */

multiboot_entry:
        cli
        cld
        movl    $sym_phys(cpu0_stack) + STACK_SIZE, %esp
        movl    %eax, sym_phys(boot_mb_magic)
        movl    %ebx, sym_phys(boot_mb_info)

        /* Long mode available? */
        movl    $0x80000000, %eax
        cpuid
        cmpl    $0x80000001, %eax
        jb      no_long_mode
        movl    $0x80000001, %eax
        cpuid
        btl     $29, %edx
        jnc     no_long_mode
        movl    %edx, %esi              /* keep: bit 20 is NX */

        movl    $sym_phys(boot_l4), %eax
        movl    %eax, %cr3
        movl    %cr4, %eax
        orl     $(1 << 5), %eax         /* PAE */
        movl    %eax, %cr4
        movl    $0xc0000080, %ecx       /* EFER */
        rdmsr
        orl     $(1 << 8), %eax         /* LME */
        btl     $20, %esi
        jnc     1f
        orl     $(1 << 11), %eax        /* NXE */
1:      wrmsr
        movl    $0x80010033, %eax       /* PG WP NE ET MP PE */
        movl    %eax, %cr0

        lgdt    sym_phys(boot_gdtr)
        ljmp    $0x08, $sym_phys(start64)

no_long_mode:
        /* Say so on COM1 and stop: nothing else can work. */
        movl    $sym_phys(no_lm_msg), %esi
2:      lodsb
        testb   %al, %al
        jz      3f
        movw    $0x3f8, %dx
        outb    %al, %dx
        jmp     2b
3:      hlt
        jmp     3b

        .code64
start64:
        movl    $0x10, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        movabsq $high_entry, %rax
        jmp     *%rax

        .section .text, "ax", @progbits
high_entry:
        lgdt    boot_gdtr_high(%rip)    /* the low alias goes with the identity map */
        leaq    cpu0_stack + STACK_SIZE(%rip), %rsp
        subq    $CPU_INFO_SIZE, %rsp
        /* The loader zeroed .bss already, but do not rely on every loader. */
        leaq    __bss_start(%rip), %rdi
        leaq    __bss_end(%rip), %rcx
        subq    %rdi, %rcx
        xorl    %eax, %eax
        rep stosb
        xorl    %ebp, %ebp
        movl    boot_mb_magic(%rip), %edi
        movl    boot_mb_info(%rip), %esi
        call    start_hypervisor
        ud2

        .section .rodata, "a", @progbits
no_lm_msg:
        .asciz  "Proxen: this CPU has no long mode; stopping.\r\n"

        .section .data, "aw", @progbits
        .balign 8
        .globl  boot_mb_magic, boot_mb_info
boot_mb_magic:  .long 0
boot_mb_info:   .long 0

        .balign 16
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff      /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf92000000ffff      /* 0x10: flat data, DPL 0 */
boot_gdt_end:
boot_gdtr:
        .word   boot_gdt_end - boot_gdt - 1
        .long   sym_phys(boot_gdt)
        .balign 8
        .word   0, 0, 0
boot_gdtr_high:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

/* Boot page tables: shared with the AP trampoline, which runs on them
 * until it reaches 64-bit code at its high address. */
        .section .data.page_aligned, "aw", @progbits
        .balign 4096
        .globl  boot_l4
boot_l4:
        .quad   sym_phys(boot_l3_ident) + PTE_PW
        .fill   (HV_VIRT_START >> 39 & 511) - 1, 8, 0
        .quad   sym_phys(boot_l3_hv) + PTE_PW
        .fill   511 - (HV_VIRT_START >> 39 & 511), 8, 0
boot_l3_ident:
        .quad   sym_phys(boot_l2_ident) + 0x0000 + PTE_PW
        .quad   sym_phys(boot_l2_ident) + 0x1000 + PTE_PW
        .quad   sym_phys(boot_l2_ident) + 0x2000 + PTE_PW
        .quad   sym_phys(boot_l2_ident) + 0x3000 + PTE_PW
        .fill   508, 8, 0
boot_l3_hv:
        .fill   (HV_VIRT_START >> 30 & 511), 8, 0
        .quad   sym_phys(boot_l2_ident) + PTE_PW     /* image window: PA 0-1 GiB */
        .fill   511 - (HV_VIRT_START >> 30 & 511), 8, 0
boot_l2_ident:
        .set    i, 0
        .rept   2048
        .quad   (i << 21) + PDE_2M
        .set    i, i + 1
        .endr

        /* Aligned to STACK_SIZE by the linker script (an input-section
         * alignment that large would push the image to file offset 64K,
         * out of the multiboot header's reach). */
        .section .bss.stack_aligned, "aw", @nobits
        .globl  cpu0_stack
cpu0_stack:
        .skip   STACK_SIZE
