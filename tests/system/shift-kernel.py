#!/usr/bin/env python3
"""Write a copy of a Xen PV kernel (ELF64) moved to another virtual base:
the entry point, every segment's virtual address and the Xen notes that
hold virtual addresses (ENTRY, HYPERCALL_PAGE, VIRT_BASE) move by the same
amount, modulo 2^64.  The system tests use it to make kernels whose range
the dom0 builder must refuse (inside the hypervisor's range, across the
non-canonical hole, wrapping around the top of the address space).

Usage: shift-kernel.py IN OUT NEW_VIRT_BASE"""
import struct
import sys

XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_VIRT_BASE = 1, 2, 3
PT_LOAD, PT_NOTE = 1, 4
MASK = (1 << 64) - 1


def shift_notes(data, off, size, delta):
    end = off + size
    while off + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        name_off = off + 12
        desc_off = name_off + ((namesz + 3) & ~3)
        name = bytes(data[name_off:name_off + namesz]).rstrip(b"\0")
        if name == b"Xen" and descsz == 8 and ntype in (
                XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_VIRT_BASE):
            (v,) = struct.unpack_from("<Q", data, desc_off)
            struct.pack_into("<Q", data, desc_off, (v + delta) & MASK)
        off = desc_off + ((descsz + 3) & ~3)


def main():
    src, dst, base = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"{src}: not an ELF64 file")
    (entry,) = struct.unpack_from("<Q", data, 24)
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    loads = []
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, _, off, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", data, p)
        if ptype == PT_LOAD:
            loads.append(vaddr)
    delta = base - min(loads)
    struct.pack_into("<Q", data, 24, (entry + delta) & MASK)
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, _, off, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", data, p)
        if ptype in (PT_LOAD, PT_NOTE):
            struct.pack_into("<Q", data, p + 16, (vaddr + delta) & MASK)
        if ptype == PT_NOTE:
            shift_notes(data, off, filesz, delta)
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main()
