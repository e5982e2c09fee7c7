/* The guest image: linked at VIRT_BASE, with load addresses relative to
 * it (the ELF note PADDR_OFFSET is 0, so a builder places each segment at
 * VIRT_BASE + p_paddr).  Text and read-only data first, with the
 * hypercall page in the second page; the Xen notes in a PT_NOTE segment
 * as well, where builders look for them. */
#include <layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

PHDRS
{
    text PT_LOAD FLAGS(5);        /* R X */
    data PT_LOAD FLAGS(6);        /* R W */
    note PT_NOTE FLAGS(4);
}

SECTIONS
{
    . = VIRT_BASE;
    _text = .;
    .text : AT(ADDR(.text) - VIRT_BASE) {
        *(.text.head)
        . = ALIGN(4096);
        *(.text.hypercall_page)
        *(.text .text.*)
    } :text
    .rodata : AT(ADDR(.rodata) - VIRT_BASE) {
        *(.rodata .rodata.*)
    } :text
    .ex_table : AT(ADDR(.ex_table) - VIRT_BASE) {
        __start_ex_table = .;
        *(.ex_table)
        __stop_ex_table = .;
    } :text
    .note : AT(ADDR(.note) - VIRT_BASE) {
        *(.note.Xen)
    } :text :note
    _etext = .;

    . = ALIGN(4096);
    .data : AT(ADDR(.data) - VIRT_BASE) {
        *(.data .data.*)
    } :data
    .bss : AT(ADDR(.bss) - VIRT_BASE) {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4096);
    } :data
    _end = .;

    /DISCARD/ : {
        *(.comment) *(.eh_frame) *(.note.GNU-stack) *(.note.gnu.property)
        *(.note.gnu.build-id)
    }
}
