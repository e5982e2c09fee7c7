/* Guest ABI, 64-bit mode: the flat segment selectors every PV guest is
 * started with, the part of the address space the hypervisor keeps, how a
 * hypercall is made, the frame of the iret hypercall and the segment-base
 * hypercall's selectors.  Proxen runs 64-bit PV guests only.
 *
 * Everything outside the __ASSEMBLER__ guard is usable from assembly. */
#ifndef PUBLIC_ARCH_X86_XEN_X86_64_H
#define PUBLIC_ARCH_X86_XEN_X86_64_H

/* Making a hypercall.  From guest kernel mode the guest executes `syscall`
 * with the hypercall number in RAX (__HYPERVISOR_*) and up to five
 * arguments in RDI, RSI, RDX, R10 and R8; the result (0 or a negative
 * errno, unless the call says otherwise) comes back in RAX.  `syscall`
 * itself clobbers RCX and R11; every other register is returned unchanged,
 * unused argument registers included.  A `syscall` from guest user mode is
 * not a hypercall: it is delivered to the guest kernel's syscall callback.
 *
 * The hypercall page.  When a guest names one (ELF note HYPERCALL_PAGE) the
 * hypervisor fills it with XEN_HYPERCALL_NR_STUBS stubs of
 * XEN_HYPERCALL_STUB_SIZE bytes; stub n sits at offset n * 32 and is
 * called like a function: it saves RCX and R11, loads n into EAX, runs
 * `syscall`, restores R11 and RCX and returns.  The iret stub (n = 23) is
 * jumped to, not called: it pushes RCX, R11 and RAX (completing struct
 * iret_context below) and makes the hypercall, which does not return. */
#define XEN_HYPERCALL_STUB_SIZE 32
#define XEN_HYPERCALL_NR_STUBS  128

/* Flat segments in the hypervisor's reserved part of every GDT (from entry
 * FIRST_RESERVED_GDT_ENTRY = 7168, selector 0xe000), present from the
 * start, so a guest need not load a GDT of its own.  All are DPL 3: the
 * guest kernel runs in ring 3 like its applications.  Exception frames
 * taken in guest kernel mode show CS with RPL 0 (0xe030).  Selectors a
 * guest hands over for its kernel (stack_switch SS, trap table CS) have
 * their RPL raised to 3, so 0xe028 is taken as 0xe02b. */
#define FLAT_RING3_CS32 0xe023   /* GDT entry 7172: 32-bit code */
#define FLAT_RING3_DS32 0xe02b   /* GDT entry 7173: data */
#define FLAT_RING3_CS64 0xe033   /* GDT entry 7174: 64-bit code */
#define FLAT_RING3_DS64 0x0000   /* null selector: data needs none */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/* The hypervisor owns PML4 slots 256-271 of every guest address space.
 * Slot 256 starts with the machine-to-pseudo-physical table (one 64-bit
 * entry per machine frame), mapped read-only and readable by the guest
 * kernel.  (Plain hex: unsigned long in C, also valid in assembly.) */
#define HYPERVISOR_VIRT_START 0xffff800000000000
#define HYPERVISOR_VIRT_END   0xffff880000000000
#define MACH2PHYS_VIRT_START  0xffff800000000000
#define MACH2PHYS_VIRT_END    0xffff804000000000
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* HYPERVISOR_set_segment_base(which, base). */
#define SEGBASE_FS          0   /* FS base */
#define SEGBASE_GS_USER     1   /* GS base used in guest user mode */
#define SEGBASE_GS_KERNEL   2   /* GS base used in guest kernel mode */
#define SEGBASE_GS_USER_SEL 3   /* load user %gs with the selector in base[15:0] */

/* iret_context.flags: the guest entered the kernel through `syscall`, so
 * RCX and R11 hold no user state.  Also vcpu_guest_context.flags. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

/* HYPERVISOR_iret: the frame on the guest kernel stack when it jumps to
 * the iret stub, lowest address (RSP at the hypercall) first.  The guest
 * returns to CS:RIP with RFLAGS and SS:RSP; CS with RPL 3 means guest user
 * mode (the kernel's user page table must be set), RPL 0-2 guest kernel
 * mode.  Events are unmasked or masked as RFLAGS.IF says.  RAX is
 * restored; RCX and R11 too unless flags has VGCF_in_syscall.  All other
 * registers keep their values at the hypercall.  It never returns. */
struct iret_context {
    uint64_t rax, r11, rcx;
    uint64_t flags;              /* VGCF_in_syscall or 0 */
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct iret_context) == 72, "iret_context size");
_Static_assert(offsetof(struct iret_context, flags) == 24, "iret_context.flags");
_Static_assert(offsetof(struct iret_context, rip) == 32, "iret_context.rip");
_Static_assert(offsetof(struct iret_context, ss) == 64, "iret_context.ss");

/* A guest virtual address of the read-only M2P table. */
#define machine_to_phys_mapping ((const uint64_t *)MACH2PHYS_VIRT_START)

#endif /* !__ASSEMBLER__ */

#endif
