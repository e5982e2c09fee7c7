/* Copies to and from guest memory that may fault.  A fault resumes at a
 * fixup (through .ex_table), which returns the number of bytes not copied.
 * Whole quadwords first: QEMU's TCG runs REP MOVSB a byte per iteration. */

        .section .text.hot.0, "ax", @progbits  /* on the hypercall path */
        .globl  raw_copy_guest
/* size_t raw_copy_guest(void *dst, const void *src, size_t n) */
raw_copy_guest:
        movq    %rdx, %rcx
        shrq    $3, %rcx
        andl    $7, %edx
1:      rep movsq
        movl    %edx, %ecx
2:      rep movsb
3:      movq    %rcx, %rax
        ret

        /* Faulted among the quadwords: RCX of them and the tail are left. */
4:      leaq    (%rdx, %rcx, 8), %rax
        ret

        .section .ex_table, "a", @progbits
        .balign 8
        .quad   1b, 4b
        .quad   2b, 3b
