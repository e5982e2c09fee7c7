/* A hostile way into virtual-8086 mode: a 32-bit IRET from the guest
 * kernel (ring 3) with EFLAGS.VM set.  The architecture refuses it in
 * long mode; QEMU 7.2 takes it, and the guest then runs 8086 code at
 * 0:0x1000 and faults at once.  The hypervisor must neither mistake that
 * fault for its own nor return to the guest in that mode: it crashes the
 * domain.  (start.c runs this for the command-line word "vm86", with RDI
 * the top of a stack below 4 GiB: QEMU reads a 32-bit IRET's frame
 * through the low 32 bits of RSP.) */

    .text
    .globl vm86_enter
vm86_enter:
    mov %rdi, %rsp
    sub $64, %rsp
    movl $0x1000, 0(%rsp)                /* EIP */
    movl $0, 4(%rsp)                     /* CS */
    movl $0x00020202, 8(%rsp)            /* EFLAGS: VM, IF */
    movl $0x2000, 12(%rsp)               /* ESP */
    movl $0, 16(%rsp)                    /* SS */
    movl $0, 20(%rsp)                    /* ES */
    movl $0, 24(%rsp)                    /* DS */
    movl $0, 28(%rsp)                    /* FS */
    movl $0, 32(%rsp)                    /* GS */
    iretl
    ud2                                  /* an architectural #GP lands on the iret */
