#!/bin/sh
# Regenerate the seed kernels of the elf_image fuzzer: tiny ELF64 x86-64
# executables, linked with the host toolchain, that carry their Xen
# metadata the ways real kernels do:
#   notes-segment.elf  Xen notes in an allocated .note section (a PT_NOTE
#                      segment), Mini-OS style, VIRT_BASE 0
#   notes-section.elf  notes only in a non-allocated SHT_NOTE section,
#                      Linux-style high VIRT_BASE with p_paddr physical
#   xen-guest.elf      the legacy "__xen_guest" string, no notes
# Each is a few hundred bytes: the hypercall page lives in .bss, so it
# costs no file space.  Usage: tests/fuzz/seeds/make-elf-seeds.sh [CC]
set -eu

CC=${1:-gcc}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/elf_image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# Xen note: name "Xen", then the descriptor, both padded to 4 bytes.
cat > "$tmp/note.h" <<'H'
#define ELFNOTE(type, desc)                                  \
    .balign 4; .long 2f - 1f; .long 4f - 3f; .long type;     \
    1: .asciz "Xen"; 2: .balign 4; 3: desc; 4: .balign 4
H

cat > "$tmp/kernel.S" <<'S'
#include "note.h"
        .text
        .globl _start
_start: jmp _start
        .bss
        .balign 4096
hypercall_page: .skip 4096
        .section .note.Xen, NOTE_FLAGS, @note
        ELFNOTE(6, .asciz GUEST_OS)
        ELFNOTE(8, .asciz "generic")
        ELFNOTE(5, .asciz "xen-3.0")
        ELFNOTE(3, .quad VIRT_BASE)
        ELFNOTE(4, .quad PADDR_OFFSET)
        ELFNOTE(1, .quad _start)
        ELFNOTE(2, .quad hypercall_page)
        ELFNOTE(10, .asciz "!writable_page_tables|pae_pgdir_above_4gb")
        ELFNOTE(17, .long 1 << 11)
        ELFNOTE(14, .long 1)
S

cat > "$tmp/legacy.S" <<'S'
        .text
        .globl _start
_start: jmp _start
        .bss
        .balign 4096
hypercall_page: .skip 4096
        .section __xen_guest, ""
        .ascii "GUEST_OS=linux,XEN_VER=xen-3.0,LOADER=generic,"
        .asciz "VIRT_BASE=0x0,HYPERCALL_PAGE=0x201,FEATURES=!writable_page_tables"
S

# One PT_LOAD right after the headers (so the file stays small): text,
# allocated notes, then .bss with the hypercall page on its own page.
# Load addresses are virtual minus LMA_SHIFT, as in Linux.  PT_NOTE only
# when the notes are allocated.
script() {
    note_phdr=$1 note_out=$2
    cat <<LDS
ENTRY(_start)
PHDRS { text PT_LOAD FLAGS(7); $note_phdr }
SECTIONS {
    . = TEXT_VA + SIZEOF_HEADERS;
    .text : AT(ADDR(.text) - LMA_SHIFT) { *(.text) } :text
    $note_out
    . = ALIGN(4096);
    .bss : AT(ADDR(.bss) - LMA_SHIFT) { *(.bss) } :text
    /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.note.gnu.*) }
}
LDS
}
script "note PT_NOTE;" \
    ".note.Xen : AT(ADDR(.note.Xen) - LMA_SHIFT) { *(.note.Xen) } :text :note" \
    > "$tmp/alloc-notes.lds"
script "" "" > "$tmp/plain.lds"

link() {
    name=$1 src=$2 lds=$3 text_va=$4 lma_shift=$5
    shift 5
    "$CC" -nostdlib -static -no-pie -I"$tmp" "$@" \
        -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments \
        -Wl,--defsym=TEXT_VA="$text_va" -Wl,--defsym=LMA_SHIFT="$lma_shift" \
        -Wl,-T,"$tmp/$lds" -Wl,-s -o "$out/$name.elf" "$tmp/$src"
    chmod 644 "$out/$name.elf"     # images to parse, not to run
}

link notes-segment kernel.S alloc-notes.lds 0x200000 0 \
    -DNOTE_FLAGS='"a"' -DGUEST_OS='"Mini-OS"' -DVIRT_BASE=0 -DPADDR_OFFSET=0
link notes-section kernel.S plain.lds 0xffffffff81000000 0xffffffff80000000 \
    -DNOTE_FLAGS='""' -DGUEST_OS='"linux"' \
    -DVIRT_BASE=0xffffffff80000000 -DPADDR_OFFSET=0
link xen-guest legacy.S plain.lds 0x200000 0

ls -l "$out"
