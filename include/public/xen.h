/* The Proxen guest ABI: Xen's 64-bit PV interface, so that unmodified Xen
 * guests run on Proxen.  This file has the hypercall numbers and the pages
 * shared between the hypervisor and every guest (start_info, shared_info,
 * vcpu_info); each hypercall family has a header of its own beside it.
 *
 * Conventions of all the headers under public/:
 *  - Layouts are Xen's current ones, for x86-64 only.  Fixed-width types,
 *    every byte accounted for: padding is spelled out as _pad fields, which
 *    the writer fills with zero and the reader ignores.  `char` is used for
 *    text only.  Sizes and the offsets guests rely on are _Static_asserted.
 *  - Guest pointers are xen_ptr_t: a guest virtual address (see
 *    arch-x86/xen.h).
 *  - Hypercall argument fields say IN (the guest fills it), OUT (the
 *    hypervisor fills it) or IN/OUT.  Fields of shared pages say HV
 *    (written by the hypervisor) or GST (written by the guest).
 *  - Hypercalls return 0 or a negative errno (Linux numbering) unless
 *    stated otherwise.
 *  - No struct typedefs; scalar typedefs end in _t.
 *  - Every header can be included from assembly, where it gives the
 *    constants; types and structs are under #ifndef __ASSEMBLER__. */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include "arch-x86/xen.h"

/* Hypercall numbers, with their arguments in register order (see
 * arch-x86/xen-x86_64.h for the calling convention). */
#define __HYPERVISOR_set_trap_table       0  /* (trap_info *list) */
#define __HYPERVISOR_mmu_update           1  /* (mmu_update *reqs, u32 count, u32 *done, u32 foreigndom) */
#define __HYPERVISOR_set_gdt              2  /* (xen_pfn_t *frames, u32 entries) */
#define __HYPERVISOR_stack_switch         3  /* (u64 ss, u64 rsp): guest kernel stack */
#define __HYPERVISOR_set_callbacks        4  /* (u64 event, u64 failsafe, u64 syscall) */
#define __HYPERVISOR_fpu_taskswitch       5  /* (int set): set (1) or clear (0) CR0.TS */
#define __HYPERVISOR_sched_op_compat      6  /* (u32 cmd, u64 arg): SCHEDOP_yield/block/shutdown */
#define __HYPERVISOR_platform_op          7  /* privileged (the old dom0_op number) */
#define __HYPERVISOR_set_debugreg         8  /* (int reg, u64 value) */
#define __HYPERVISOR_get_debugreg         9  /* (int reg) -> value */
#define __HYPERVISOR_update_descriptor   10  /* (u64 maddr, u64 desc): one GDT/LDT entry */
/*                                       11     unused (the old dom_mem_op) */
#define __HYPERVISOR_memory_op           12  /* (u32 cmd, void *arg): memory.h */
#define __HYPERVISOR_multicall           13  /* (multicall_entry *calls, u32 count) */
#define __HYPERVISOR_update_va_mapping   14  /* (u64 va, u64 pte, u64 flags: UVMF_*) */
#define __HYPERVISOR_set_timer_op        15  /* (u64 deadline): system time in ns, 0 cancels */
#define __HYPERVISOR_event_channel_op_compat 16 /* (evtchn_op *op): event_channel.h */
#define __HYPERVISOR_xen_version         17  /* (u32 cmd, void *arg): version.h */
#define __HYPERVISOR_console_io          18  /* (u32 cmd: CONSOLEIO_*, u32 count, char *buf) */
#define __HYPERVISOR_physdev_op_compat   19  /* (physdev_op *op) */
#define __HYPERVISOR_grant_table_op      20  /* (u32 cmd, void *args, u32 count): grant_table.h */
#define __HYPERVISOR_vm_assist           21  /* (u32 cmd: VMASST_CMD_*, u32 type: VMASST_TYPE_*) */
#define __HYPERVISOR_update_va_mapping_otherdomain 22 /* (u64 va, u64 pte, u64 flags, domid) */
#define __HYPERVISOR_iret                23  /* frame on the stack: iret_context */
#define __HYPERVISOR_vcpu_op             24  /* (u32 cmd, u32 vcpu, void *arg): vcpu.h */
#define __HYPERVISOR_set_segment_base    25  /* (u32 which: SEGBASE_*, u64 base) */
#define __HYPERVISOR_mmuext_op           26  /* (mmuext_op *ops, u32 count, u32 *done, u32 foreigndom) */
#define __HYPERVISOR_xsm_op              27
#define __HYPERVISOR_nmi_op              28
#define __HYPERVISOR_sched_op            29  /* (u32 cmd, void *arg): sched.h */
#define __HYPERVISOR_callback_op         30  /* (u32 cmd, void *arg): callback.h */
#define __HYPERVISOR_xenoprof_op         31
#define __HYPERVISOR_event_channel_op    32  /* (u32 cmd, void *arg): event_channel.h */
#define __HYPERVISOR_physdev_op          33  /* (u32 cmd, void *arg): physdev.h */
#define __HYPERVISOR_hvm_op              34
#define __HYPERVISOR_sysctl              35
#define __HYPERVISOR_domctl              36
#define __HYPERVISOR_kexec_op            37
#define __HYPERVISOR_tmem_op             38
#define __HYPERVISOR_argo_op             39
#define __HYPERVISOR_xenpmu_op           40
#define __HYPERVISOR_dm_op               41
#define __HYPERVISOR_hypfs_op            42
/* Architecture-specific hypercalls; on x86 arch_0 is the machine-check op. */
#define __HYPERVISOR_arch_0              48
#define __HYPERVISOR_arch_1              49
#define __HYPERVISOR_arch_2              50
#define __HYPERVISOR_arch_3              51
#define __HYPERVISOR_arch_4              52
#define __HYPERVISOR_arch_5              53
#define __HYPERVISOR_arch_6              54
#define __HYPERVISOR_arch_7              55

/* Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.
 * V: per vCPU, bound once on each vCPU, never moved.  D: per domain, G:
 * global (one domain at a time); both bound on vCPU 0 first, movable with
 * EVTCHNOP_bind_vcpu. */
#define VIRQ_TIMER       0  /* V: timer expired (set_timer_op, periodic) */
#define VIRQ_DEBUG       1  /* V: dump debug state */
#define VIRQ_CONSOLE     2  /* G: input on the hypervisor console */
#define VIRQ_DOM_EXC     3  /* G: a domain crashed or shut down */
#define VIRQ_TBUF        4  /* G: trace records are waiting */
/*                       5     unused */
#define VIRQ_DEBUGGER    6  /* G: a domain paused for the debugger */
#define VIRQ_XENOPROF    7  /* V: profiling sample */
#define VIRQ_CON_RING    8  /* G: new output in the hypervisor's console ring */
#define VIRQ_PCPU_STATE  9  /* G: physical CPU state changed */
#define VIRQ_MEM_EVENT  10  /* G: memory event */
#define VIRQ_ARGO       11  /* D: Argo message */
#define VIRQ_ENOMEM     12  /* G: hypervisor heap low */
#define VIRQ_XENPMU     13  /* V: performance counter interrupt */
#define VIRQ_ARCH_0     16  /* x86: machine check */
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* mmu_update: the command is in the low two bits of mmu_update.ptr, the
 * rest is a machine address.  foreigndom bits 15:0 name the owner of the
 * frames being mapped (DOMID_SELF normally, DOMID_IO for I/O memory); bits
 * 31:16, if not 0, are 1 + the owner of the page tables being changed. */
#define MMU_NORMAL_PT_UPDATE       0 /* checked *ptr = val; ptr: PTE address */
#define MMU_MACHPHYS_UPDATE        1 /* M2P[ptr >> 12] = val (a PFN) */
#define MMU_PT_UPDATE_PRESERVE_AD  2 /* as 0, keeping the PTE's A and D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as 0, val taken as is */

/* mmuext_op commands; the argument each uses is named in struct
 * mmuext_op.  Page tables must be pinned (validated and kept typed) before
 * they can become a base pointer. */
#define MMUEXT_PIN_L1_TABLE        0  /* mfn */
#define MMUEXT_PIN_L2_TABLE        1  /* mfn */
#define MMUEXT_PIN_L3_TABLE        2  /* mfn */
#define MMUEXT_PIN_L4_TABLE        3  /* mfn */
#define MMUEXT_UNPIN_TABLE         4  /* mfn */
#define MMUEXT_NEW_BASEPTR         5  /* mfn: kernel page table (CR3) */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7  /* linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI     8  /* vcpumask */
#define MMUEXT_INVLPG_MULTI        9  /* linear_addr, vcpumask */
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11  /* linear_addr */
#define MMUEXT_FLUSH_CACHE        12  /* write back and flush this CPU's caches */
#define MMUEXT_SET_LDT            13  /* linear_addr (page aligned), nr_ents */
/*                                14     unused */
#define MMUEXT_NEW_USER_BASEPTR   15  /* mfn: user page table, 0 for none */
#define MMUEXT_CLEAR_PAGE         16  /* mfn */
#define MMUEXT_COPY_PAGE          17  /* mfn (destination), src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18  /* every CPU's caches */
#define MMUEXT_MARK_SUPER         19  /* mfn: first frame of a superpage */
#define MMUEXT_UNMARK_SUPER       20  /* mfn */

/* update_va_mapping flags: a flush type, ORed with a scope.  UVMF_MULTI
 * is ORed with the address of a vCPU bitmap (so it is 0 itself); UVMF_LOCAL
 * is UVMF_MULTI with no bitmap. */
#define UVMF_NONE            0  /* no flush */
#define UVMF_TLB_FLUSH       1  /* flush whole TLBs */
#define UVMF_INVLPG          2  /* flush the one address */
#define UVMF_FLUSHTYPE_MASK  3
#define UVMF_MULTI           0  /* the vCPUs in the bitmap */
#define UVMF_LOCAL           0  /* this vCPU */
#define UVMF_ALL             4  /* all vCPUs of the domain */

/* console_io commands. */
#define CONSOLEIO_write 0   /* count bytes of buf to the hypervisor console */
#define CONSOLEIO_read  1   /* up to count bytes of input; returns bytes read */

/* vm_assist: ask the hypervisor to help with (enable) or stop helping with
 * (disable) one of the following. */
#define VMASST_CMD_enable  0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments         0  /* 32-bit guests only */
#define VMASST_TYPE_4gb_segments_notify  1  /* 32-bit guests only */
#define VMASST_TYPE_writable_pagetables  2  /* emulate writes to page tables */
#define VMASST_TYPE_pae_extended_cr3     3  /* 32-bit guests only */
#define VMASST_TYPE_architectural_iopl   4  /* IOPL as on hardware */
#define VMASST_TYPE_runstate_update_flag 5  /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict           32 /* unmap the M2P from guest user mode */

/* Domain ids.  Real domains are 0 to DOMID_FIRST_RESERVED - 1. */
#define DOMID_FIRST_RESERVED 0x7ff0
#define DOMID_SELF           0x7ff0  /* the calling domain */
#define DOMID_IO             0x7ff1  /* owner of I/O memory (mmu_update FD) */
#define DOMID_XEN            0x7ff2  /* owner of hypervisor pages */
#define DOMID_COW            0x7ff3  /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7ff4  /* no domain */
#define DOMID_ANY            0x7ff5  /* any id (recent interface addition) */
#define DOMID_IDLE           0x7fff  /* the idle domain */
#define DOMID_MASK           0x7fff

/* start_info.flags. */
#define SIF_PRIVILEGED      (1 << 0)   /* the domain is privileged */
#define SIF_INITDOMAIN      (1 << 1)   /* the domain is the initial domain, dom0 */
#define SIF_MULTIBOOT_MOD   (1 << 2)   /* mod_start holds a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3)   /* mod_start is a PFN, not a virtual address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)   /* the tools accept a linear P2M (p2m_vaddr) */
#define SIF_PM_MASK         (0xff << 8)

#define MAX_GUEST_CMDLINE 1024

/* start_info.magic of a 64-bit PV guest. */
#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"

/* vcpu_time_info.flags. */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)  /* TSC agrees across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)  /* the guest was paused */

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

typedef uint16_t domid_t;

/* A domain's 16-byte handle (UUID), XENVER_guest_handle. */
typedef uint8_t xen_domain_handle_t[16];

/* In the count of mmu_update and mmuext_op: a continuation of a call that
 * was preempted; *done then already holds the entries done before. */
#define MMU_UPDATE_PREEMPTED (~(~0U >> 1))

/* HYPERVISOR_mmu_update takes an array of these. */
struct mmu_update {
    uint64_t ptr;   /* IN: machine address | MMU_* command */
    uint64_t val;   /* IN: new PTE, or PFN for MMU_MACHPHYS_UPDATE */
};
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update size");

/* HYPERVISOR_mmuext_op takes an array of these. */
struct mmuext_op {
    uint32_t cmd;                /* IN: MMUEXT_* */
    uint32_t _pad;
    union {
        xen_pfn_t mfn;           /* IN: frame for pin/unpin, base pointers,
                                  * clear/copy (destination), superpages */
        uint64_t linear_addr;    /* IN: INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;        /* IN: SET_LDT */
        xen_ptr_t vcpumask;      /* IN: *_MULTI: uint64_t bitmap of vCPUs */
        xen_pfn_t src_mfn;       /* IN: COPY_PAGE */
    } arg2;
};
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op size");
_Static_assert(offsetof(struct mmuext_op, arg1) == 8, "mmuext_op.arg1");
_Static_assert(offsetof(struct mmuext_op, arg2) == 16, "mmuext_op.arg2");

/* HYPERVISOR_multicall takes an array of these and makes each hypercall
 * in turn.  Only five of the argument slots are used. */
struct multicall_entry {
    uint64_t op;        /* IN: __HYPERVISOR_* */
    uint64_t result;    /* OUT: that hypercall's return value */
    uint64_t args[6];   /* IN */
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry size");
_Static_assert(offsetof(struct multicall_entry, args) == 16, "multicall_entry.args");

/* Per-vCPU time, written by the hypervisor.  Read it like a seqlock:
 * version is odd while an update is in progress and changes with every
 * update.  System time now (ns since boot) =
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * where a negative tsc_shift shifts right. */
struct vcpu_time_info {
    uint32_t version;           /* HV */
    uint32_t _pad0;
    uint64_t tsc_timestamp;     /* HV: TSC at the last update */
    uint64_t system_time;       /* HV: system time (ns) at that TSC */
    uint32_t tsc_to_system_mul; /* HV: ns per shifted tick, in units of 2^-32 */
    int8_t   tsc_shift;         /* HV */
    uint8_t  flags;             /* HV: XEN_PVCLOCK_* */
    uint8_t  _pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info size");
_Static_assert(offsetof(struct vcpu_time_info, tsc_timestamp) == 8, "vcpu_time_info.tsc_timestamp");
_Static_assert(offsetof(struct vcpu_time_info, system_time) == 16, "vcpu_time_info.system_time");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24,
               "vcpu_time_info.tsc_to_system_mul");
_Static_assert(offsetof(struct vcpu_time_info, tsc_shift) == 28, "vcpu_time_info.tsc_shift");
_Static_assert(offsetof(struct vcpu_time_info, flags) == 29, "vcpu_time_info.flags");

/* Per-vCPU event state and time; in shared_info for the first 32 vCPUs,
 * or wherever VCPUOP_register_vcpu_info put it.  The hypervisor sets
 * evtchn_upcall_pending when an event arrives for this vCPU; the guest
 * clears it before scanning evtchn_pending_sel.  evtchn_upcall_mask is the
 * guest's interrupt flag: while non-zero no upcall is made (it is set on
 * every event callback entry and on boot). */
struct vcpu_info {
    uint8_t  evtchn_upcall_pending; /* HV sets, GST clears */
    uint8_t  evtchn_upcall_mask;    /* GST (HV sets it on callback entry) */
    uint8_t  _pad[6];
    uint64_t evtchn_pending_sel;    /* HV sets bit i when word i of
                                     * shared_info.evtchn_pending has news;
                                     * GST clears (atomically) */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info size");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) == 0, "vcpu_info.pending");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, "vcpu_info.mask");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "vcpu_info.pending_sel");
_Static_assert(offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(offsetof(struct vcpu_info, arch.cr2) == 16, "vcpu_info.arch.cr2");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");

/* The page shared by the hypervisor and a domain; its machine address is
 * start_info.shared_info.  Event channel p is bit p % 64 of word p / 64
 * of evtchn_pending and evtchn_mask (the 2-level event ABI, 4096 ports).
 * A port becoming pending while unmasked sets its selector bit in the
 * bound vCPU's evtchn_pending_sel and that vCPU's upcall_pending. */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];  /* HV sets, GST clears (atomically) */
    uint64_t evtchn_mask[64];     /* GST: 1 = no upcall for that port */
    /* Wall-clock time at system time 0, versioned like vcpu_time_info. */
    uint32_t wc_version;          /* HV */
    uint32_t wc_sec;              /* HV: seconds since 1970, low 32 bits */
    uint32_t wc_nsec;             /* HV */
    uint32_t wc_sec_hi;           /* HV: seconds, high 32 bits */
    struct arch_shared_info arch;
};
_Static_assert(sizeof(struct shared_info) == 0xc40, "shared_info size");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 0x800, "shared_info.evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 0xa00, "shared_info.evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 0xc00, "shared_info.wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec) == 0xc04, "shared_info.wc_sec");
_Static_assert(offsetof(struct shared_info, wc_nsec) == 0xc08, "shared_info.wc_nsec");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == 0xc0c, "shared_info.wc_sec_hi");
_Static_assert(offsetof(struct shared_info, arch) == 0xc10, "shared_info.arch");

/* The page a PV guest finds at RSI when it starts.  The domain builder
 * maps, from virtual base upwards and page aligned: the kernel, the
 * initial ramdisk, the P2M list (mfn_list), this page, the xenstore and
 * console rings (not for dom0), the initial page tables (read-only) and a
 * boot stack; it then leaves at least 512 KiB mapped and free. */
struct start_info {
    char     magic[32];         /* XEN_START_INFO_MAGIC, NUL-padded */
    uint64_t nr_pages;          /* pages the domain owns */
    uint64_t shared_info;       /* machine address of shared_info */
    uint32_t flags;             /* SIF_* */
    uint32_t _pad0;
    xen_pfn_t store_mfn;        /* machine frame of the xenstore ring */
    uint32_t store_evtchn;      /* its event channel; 0 = no xenstore */
    uint32_t _pad1;
    union {
        struct {
            xen_pfn_t mfn;      /* machine frame of the console ring */
            uint32_t evtchn;    /* its event channel */
            uint32_t _pad;
        } domU;
        struct {
            uint32_t info_off;  /* offset in this page of the VGA info */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    /* The rest is filled in at first boot only, not on resume. */
    uint64_t pt_base;           /* virtual address of the top page table */
    uint64_t nr_pt_frames;      /* frames of initial page tables */
    uint64_t mfn_list;          /* virtual address of the P2M list */
    uint64_t mod_start;         /* virtual address (or PFN, SIF_MOD_START_PFN)
                                 * of the initial ramdisk, 0 if none */
    uint64_t mod_len;           /* its size in bytes */
    char     cmd_line[MAX_GUEST_CMDLINE]; /* NUL-terminated */
    uint64_t first_p2m_pfn;     /* when the P2M list is placed apart (ELF
                                 * note INIT_P2M): first PFN of it and of the
                                 * page tables mapping it */
    uint64_t nr_p2m_frames;     /* number of those frames */
};
_Static_assert(sizeof(struct start_info) == 1168, "start_info size");
_Static_assert(offsetof(struct start_info, nr_pages) == 32, "start_info.nr_pages");
_Static_assert(offsetof(struct start_info, shared_info) == 40, "start_info.shared_info");
_Static_assert(offsetof(struct start_info, flags) == 48, "start_info.flags");
_Static_assert(offsetof(struct start_info, store_mfn) == 56, "start_info.store_mfn");
_Static_assert(offsetof(struct start_info, store_evtchn) == 64, "start_info.store_evtchn");
_Static_assert(offsetof(struct start_info, console.domU.mfn) == 72, "start_info.console.domU.mfn");
_Static_assert(offsetof(struct start_info, console.domU.evtchn) == 80,
               "start_info.console.domU.evtchn");
_Static_assert(offsetof(struct start_info, console.dom0.info_size) == 76,
               "start_info.console.dom0.info_size");
_Static_assert(offsetof(struct start_info, pt_base) == 88, "start_info.pt_base");
_Static_assert(offsetof(struct start_info, nr_pt_frames) == 96, "start_info.nr_pt_frames");
_Static_assert(offsetof(struct start_info, mfn_list) == 104, "start_info.mfn_list");
_Static_assert(offsetof(struct start_info, mod_start) == 112, "start_info.mod_start");
_Static_assert(offsetof(struct start_info, mod_len) == 120, "start_info.mod_len");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info.cmd_line");
_Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152, "start_info.first_p2m_pfn");
_Static_assert(offsetof(struct start_info, nr_p2m_frames) == 1160, "start_info.nr_p2m_frames");

#endif /* !__ASSEMBLER__ */

#endif
