/* ELF notes by which a PV kernel image describes itself to the domain
 * builder: notes named XEN_ELFNOTE_NAME ("Xen") whose type is one of the
 * numbers below.  A note's value is a NUL-terminated string or a number
 * (little-endian, 4 or 8 bytes, the note's descriptor size), as marked.
 * All are optional.  Constants only; usable from assembly. */
#ifndef PUBLIC_ELFNOTE_H
#define PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_NAME "Xen"

#define XEN_ELFNOTE_INFO             0  /* string: NAME=VALUE */
#define XEN_ELFNOTE_ENTRY            1  /* number: virtual address of the entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE   2  /* number: virtual address of the page the
                                         * hypervisor fills with hypercall stubs */
#define XEN_ELFNOTE_VIRT_BASE        3  /* number: virtual address the image is
                                         * mapped at, pfn 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET     4  /* number: subtracted from p_paddr to get the
                                         * pseudo-physical load address (default 0) */
#define XEN_ELFNOTE_XEN_VERSION      5  /* string: interface version, e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS         6  /* string: e.g. "linux", "Mini-OS" */
#define XEN_ELFNOTE_GUEST_VERSION    7  /* string */
#define XEN_ELFNOTE_LOADER           8  /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE         9  /* string: "yes", "no", "bimodal" (32-bit) */
#define XEN_ELFNOTE_FEATURES        10  /* string: XENFEAT names without the prefix,
                                         * '|'-separated, '!' = required */
#define XEN_ELFNOTE_BSD_SYMTAB      11  /* string: "yes" = load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW    12  /* number: lowest hypervisor hole start (32-bit) */
#define XEN_ELFNOTE_L1_MFN_VALID    13  /* numbers: mask/value pairs recognising
                                         * non-present PTEs that hold an MFN */
#define XEN_ELFNOTE_SUSPEND_CANCEL  14  /* number: supports cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M        15  /* number: virtual address to map the
                                         * P2M list at, apart from the image */
#define XEN_ELFNOTE_MOD_START_PFN   16  /* number: accepts mod_start as a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* number: XENFEAT bitmap (first 32) */
#define XEN_ELFNOTE_PHYS32_ENTRY    18  /* number: 32-bit physical entry (PVH) */
#define XEN_ELFNOTE_PHYS32_RELOC    19  /* numbers: PVH relocation limits */
#define XEN_ELFNOTE_MAX             XEN_ELFNOTE_PHYS32_RELOC

/* Written by the hypervisor and tools into crash and core dumps. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif
