/* The hypervisor's CPUID leaves and the forced-emulation prefix.
 * Constants only; usable from assembly.
 *
 * A guest finds the hypervisor by looking for the signature in leaves
 * XEN_CPUID_FIRST_LEAF + n * 0x100 (the base moves up when another
 * hypervisor's leaves come first).  A PV guest's plain `cpuid` may run on
 * the hardware unseen by the hypervisor, so a PV guest prefixes it with
 * XEN_EMULATE_PREFIX to get the hypervisor's view, these leaves included.
 *
 * Leaves, relative to the base:
 *  +0  EAX: last hypervisor leaf.  EBX, ECX, EDX: "XenVMMXenVMM".
 *  +1  EAX: version, major << 16 | minor.  EBX-EDX: 0.
 *  +2  EAX: number of hypercall pages (1).  EBX: an MSR index; writing
 *      (frame << 12 | page index) to it fills that frame of the guest (an
 *      MFN for PV) with hypercall stubs.  ECX: XEN_CPUID_FEAT1_*.  EDX: 0.
 *  +3  TSC: subleaf 0 EAX XEN_CPUID_TSC_* flags, EBX mode, ECX guest TSC
 *      kHz, EDX incarnation; subleaf 1 EAX:EBX offset, ECX multiplier,
 *      EDX shift (TSC -> ns); subleaf 2 EAX host TSC kHz.
 *  +4  HVM features (not for PV guests).
 *  +5  PV: subleaf 0 EAX last subleaf, EBX[7:0] machine address width. */
#ifndef PUBLIC_ARCH_X86_CPUID_H
#define PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF     0x40000000
#define XEN_CPUID_LEAF(i)        (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_MAX_NUM_LEAVES 5   /* highest leaf offset defined */

/* "XenVMMXenVMM" as the three registers hold it (little-endian). */
#define XEN_CPUID_SIGNATURE_EBX  0x566e6558   /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX  0x65584d4d   /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX  0x4d4d566e   /* "nVMM" */

/* Leaf +2 ECX. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  (1 << 0)

/* Leaf +3, subleaf 0. */
#define XEN_CPUID_TSC_EMULATED            (1 << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE       (1 << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL      (1 << 2)
#define XEN_CPUID_TSC_MODE_DEFAULT        0
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE 1
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE  2
#define XEN_CPUID_TSC_MODE_PVRDTSCP       3

/* Leaf +5, subleaf 0, EBX. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK 0xff

/* Forced emulation: `ud2` followed by the bytes 'x' 'e' 'n'
 * (XEN_EMULATE_PREFIX_LEN bytes).  Before `cpuid` the hypervisor emulates
 * the instruction and moves RIP past both; before anything else the guest
 * gets #UD. */
#define XEN_EMULATE_PREFIX_LEN 5
#ifdef __ASSEMBLER__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\t"
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

#endif
