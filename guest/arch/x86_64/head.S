/* The guest's entry point, its Xen ELF notes and its hypercall page.
 *
 * The domain builder starts the guest in 64-bit guest kernel mode at
 * ENTRY, with RSI pointing at start_info and a one-page boot stack;
 * events are masked.  The guest moves to its own, larger stack at once. */
#include <layout.h>
#include <public/elfnote.h>
#include <public/xen.h>

/* One ELF note of type \type, owner "Xen"; the descriptor is whatever
 * lies between note_begin and note_end. */
.macro note_begin type
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:
.endm

.macro note_end
4:  .balign 4
    .popsection
.endm

note_begin XEN_ELFNOTE_GUEST_OS
    .asciz "Proxen-guest"
note_end
note_begin XEN_ELFNOTE_GUEST_VERSION
    .asciz "0.1"
note_end
note_begin XEN_ELFNOTE_XEN_VERSION
    .asciz "xen-3.0"
note_end
note_begin XEN_ELFNOTE_LOADER
    .asciz "generic"
note_end
note_begin XEN_ELFNOTE_VIRT_BASE
    .quad VIRT_BASE
note_end
note_begin XEN_ELFNOTE_PADDR_OFFSET
    .quad 0
note_end
note_begin XEN_ELFNOTE_ENTRY
    .quad _start
note_end
note_begin XEN_ELFNOTE_HYPERCALL_PAGE
    .quad hypercall_page
note_end
/* No feature is required: the guest changes its page tables only through
 * hypercalls. */
note_begin XEN_ELFNOTE_FEATURES
    .asciz ""
note_end

    .section .text.head, "ax"
    .globl _start
_start:
    cld
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi                /* start_info */
    call kernel_start
    ud2                           /* kernel_start does not return */

/* Filled with stubs by the domain builder.  It starts out as int3 so that
 * kernel_start can tell whether that happened. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
