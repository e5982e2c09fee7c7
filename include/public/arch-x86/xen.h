/* Guest ABI, x86 part: the basic scalar types, the virtual IDT entry, the
 * register file and full vCPU context, and the x86 fields of shared_info
 * and vcpu_info.  Included by public/xen.h.
 *
 * Everything outside the __ASSEMBLER__ guard is usable from assembly. */
#ifndef PUBLIC_ARCH_X86_XEN_H
#define PUBLIC_ARCH_X86_XEN_H

#if !defined(__x86_64__)
#error "the Proxen guest ABI headers describe x86-64 guests only"
#endif

#include "xen-x86_64.h"

/* vCPUs that have a vcpu_info slot in shared_info (more vCPUs need
 * VCPUOP_register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

/* The hypervisor's reserved GDT area: the guest may give set_gdt at most
 * FIRST_RESERVED_GDT_ENTRY entries; the hypervisor's own descriptors
 * (the FLAT_* segments among them) follow. */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_PAGE * 512)

/* vcpu_guest_context.flags (VGCF_in_syscall is in xen-x86_64.h). */
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)  /* fpu_ctxt is valid */
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)   /* in guest kernel mode */
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)      /* vCPU is up */

/* trap_info.flags. */
#define TI_DPL_MASK    0x3   /* who may raise the vector with `int n` */
#define TI_MASK_EVENTS 0x4   /* mask events on entry (like an interrupt gate) */

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

/* Guest pointers.  A field or argument of type xen_ptr_t holds a virtual
 * address in the calling guest's address space (0 = none); the comment
 * next to it says what it points to.  The hypervisor reads and writes it
 * only through its checked guest-copy helpers. */
typedef uint64_t xen_ptr_t;

typedef uint64_t xen_pfn_t;      /* frame number; machine frame for PV guests */
typedef uint64_t xen_ulong_t;    /* a register-sized value */
typedef uint64_t xen_callback_t; /* guest kernel entry point (virtual address) */

/* The cr3 format of a page-table base in vcpu_guest_context.ctrlreg[]. */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

/* One virtual IDT entry.  HYPERVISOR_set_trap_table takes an array of
 * these ended by an entry whose address is 0.  The DPL (flags & 3) says who
 * may raise the vector with `int n`: 0 nobody, 1-2 the guest kernel, 3
 * also guest user mode. */
struct trap_info {
    uint8_t  vector;    /* IN: vector 0-255 */
    uint8_t  flags;     /* IN: TI_DPL_MASK | TI_MASK_EVENTS */
    uint16_t cs;        /* IN: code selector, normally FLAT_KERNEL_CS */
    uint32_t _pad;
    uint64_t address;   /* IN: handler; 0 removes the entry */
};
_Static_assert(sizeof(struct trap_info) == 16, "trap_info size");
_Static_assert(offsetof(struct trap_info, address) == 8, "trap_info.address");

#define TI_GET_DPL(ti) ((ti)->flags & TI_DPL_MASK)
#define TI_GET_IF(ti)  ((ti)->flags & TI_MASK_EVENTS)

/* The guest-visible register file (vcpu_guest_context.user_regs).  Named
 * xen_cpu_user_regs so that it cannot be confused with the hypervisor's
 * internal entry frame. */
struct xen_cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;        /* hypervisor-private */
    uint32_t entry_vector;      /* hypervisor-private */
    uint64_t rip;
    uint16_t cs;
    uint16_t _pad0;
    uint8_t  saved_upcall_mask; /* event mask to restore; RFLAGS.IF == !mask */
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
_Static_assert(sizeof(struct xen_cpu_user_regs) == 200, "xen_cpu_user_regs size");
_Static_assert(offsetof(struct xen_cpu_user_regs, rax) == 80, "xen_cpu_user_regs.rax");
_Static_assert(offsetof(struct xen_cpu_user_regs, error_code) == 120, "xen_cpu_user_regs.error_code");
_Static_assert(offsetof(struct xen_cpu_user_regs, rip) == 128, "xen_cpu_user_regs.rip");
_Static_assert(offsetof(struct xen_cpu_user_regs, cs) == 136, "xen_cpu_user_regs.cs");
_Static_assert(offsetof(struct xen_cpu_user_regs, saved_upcall_mask) == 140,
               "xen_cpu_user_regs.saved_upcall_mask");
_Static_assert(offsetof(struct xen_cpu_user_regs, rflags) == 144, "xen_cpu_user_regs.rflags");
_Static_assert(offsetof(struct xen_cpu_user_regs, ss) == 160, "xen_cpu_user_regs.ss");
_Static_assert(offsetof(struct xen_cpu_user_regs, gs) == 192, "xen_cpu_user_regs.gs");

/* A vCPU's complete state: VCPUOP_initialise (IN) and the control
 * interface's get/set context. */
struct vcpu_guest_context {
    uint8_t  fpu_ctxt[512];            /* FXSAVE image (if VGCF_i387_valid) */
    uint64_t flags;                    /* VGCF_* */
    struct xen_cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];   /* virtual IDT, indexed by vector */
    uint64_t ldt_base, ldt_ents;       /* LDT: linear address, entries */
    uint64_t gdt_frames[16], gdt_ents; /* GDT: machine frames, entries */
    uint64_t kernel_ss, kernel_sp;     /* as set by stack_switch */
    uint64_t ctrlreg[8];               /* CR0-CR7; CR3 is the kernel page
                                        * table and ctrlreg[1] the user page
                                        * table, both in cr3 format */
    uint64_t debugreg[8];              /* DR0-DR7 */
    uint64_t event_callback_eip;       /* CALLBACKTYPE_event */
    uint64_t failsafe_callback_eip;    /* CALLBACKTYPE_failsafe */
    uint64_t syscall_callback_eip;     /* CALLBACKTYPE_syscall */
    uint64_t vm_assist;                /* bitmap of VMASST_TYPE_* enabled */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context size");
_Static_assert(offsetof(struct vcpu_guest_context, flags) == 512, "vcpu_guest_context.flags");
_Static_assert(offsetof(struct vcpu_guest_context, user_regs) == 520,
               "vcpu_guest_context.user_regs");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720,
               "vcpu_guest_context.trap_ctxt");
_Static_assert(offsetof(struct vcpu_guest_context, ldt_base) == 4816,
               "vcpu_guest_context.ldt_base");
_Static_assert(offsetof(struct vcpu_guest_context, gdt_frames) == 4832,
               "vcpu_guest_context.gdt_frames");
_Static_assert(offsetof(struct vcpu_guest_context, kernel_ss) == 4968,
               "vcpu_guest_context.kernel_ss");
_Static_assert(offsetof(struct vcpu_guest_context, ctrlreg) == 4984,
               "vcpu_guest_context.ctrlreg");
_Static_assert(offsetof(struct vcpu_guest_context, event_callback_eip) == 5112,
               "vcpu_guest_context.event_callback_eip");
_Static_assert(offsetof(struct vcpu_guest_context, vm_assist) == 5136,
               "vcpu_guest_context.vm_assist");
_Static_assert(offsetof(struct vcpu_guest_context, fs_base) == 5144,
               "vcpu_guest_context.fs_base");

/* The x86 tail of shared_info: where the guest publishes its P2M table
 * for the control software, and the NMI reason. */
struct arch_shared_info {
    uint64_t max_pfn;                    /* GST: entries in the P2M */
    xen_pfn_t pfn_to_mfn_frame_list_list; /* GST: 3-level P2M root frame;
                                          * 0 not set, ~0 use p2m_vaddr */
    uint64_t nmi_reason;                 /* HV: why the last NMI came */
    uint64_t p2m_cr3;                    /* GST: address space of p2m_vaddr
                                          * (cr3 format), 0 if unused */
    uint64_t p2m_vaddr;                  /* GST: linear P2M list */
    uint64_t p2m_generation;             /* GST: odd while being changed */
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info size");

/* The x86 part of vcpu_info. */
struct arch_vcpu_info {
    uint64_t cr2;       /* HV: faulting address of the last #PF bounced */
    uint64_t _pad;
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info size");

#endif /* !__ASSEMBLER__ */

#endif
