/* Copies to and from guest memory that may fault.  A fault on the rep
 * instruction resumes at the fixup (through .ex_table), which returns the
 * number of bytes not copied. */

        .section .text, "ax", @progbits
        .globl  raw_copy_guest
/* size_t raw_copy_guest(void *dst, const void *src, size_t n) */
raw_copy_guest:
        movq    %rdx, %rcx
1:      rep movsb
2:      movq    %rcx, %rax
        ret

        .section .ex_table, "a", @progbits
        .balign 8
        .quad   1b, 2b
