/* The x86-64 PV part of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/regs.h>
#include <proxen/types.h>

#define NR_GUEST_GDT_FRAMES 14

/* One entry of the virtual trap table (set_trap_table). */
struct pv_trap {
    gva_t address;                /* 0: no handler */
    uint16_t cs;
    uint8_t dpl;                  /* lowest guest privilege allowed to `int n` it */
    bool mask_events;             /* set the upcall mask on entry */
};

struct pv_callback {
    gva_t address;                /* 0: none */
    bool mask_events;
};

struct arch_vcpu {
    struct pv_trap traps[256];
    struct pv_callback event_cb, failsafe_cb, syscall_cb, nmi_cb;

    uint64_t kernel_ss;                   /* stack_switch */
    gva_t kernel_sp;
    mfn_t guest_table;                    /* kernel top-level table */
    mfn_t guest_table_user;               /* user top-level table, INVALID_MFN if none */
    bool kernel_mode;                     /* guest kernel (vs guest user) running */

    uint64_t fs_base, gs_base_kernel, gs_base_user;

    mfn_t gdt_frames[NR_GUEST_GDT_FRAMES];
    unsigned int gdt_ents;
    gva_t ldt_base;
    unsigned int ldt_ents;
    mfn_t ldt_frames[16];                 /* seg_desc-typed while in use */

    /* VCPUOP_register_vcpu_time_memory_area: a second copy of the time
     * record at this guest address, 0 if none (pv/vcpu_time.c). */
    gva_t time_area;
    unsigned int time_cpu;                /* where its record was stamped (~0: never) */
    s_time_t time_stamped;                /* and when */

    uint64_t debugreg[8];
    bool virtual_ts;                      /* guest's CR0.TS (fpu_taskswitch) */
    bool cr4_de;                          /* guest's CR4.DE: I/O breakpoints allowed */
    uint8_t iopl;                         /* virtual IOPL, 0-3 */
    bool frame_replaced;                  /* an iret in this hypercall set RAX */
    bool emulation_retry;                 /* the emulated instruction stopped half-way */
    /* Page tables whose release stopped half-way (or whose validation
     * failed half-way): their last type and general references are still
     * this vCPU's to drop (pv/mm.c).  Two: a refused VCPUOP_initialise
     * may leave both its L4s. */
    struct page_info *old_table[2];

    /* While the vCPU does not run (pv/context_switch.c): its frame, data
     * selectors and FPU/SSE state (FXSAVE layout; VCPUOP_initialise
     * writes them too). */
    struct cpu_user_regs user_regs;
    uint16_t sel_ds, sel_es, sel_fs, sel_gs;
    uint8_t fpu_image[512] __attribute__((aligned(16)));
};

/* Whether the vCPU owes the rest of a release (old_table): asked before
 * every entry of a list hypercall, so inline. */
static inline bool pv_owes_release(const struct arch_vcpu *a)
{
    return a->old_table[0] || a->old_table[1];
}

struct arch_domain {
    bool io_privileged;                   /* may use all I/O ports (dom0) */
    uint64_t *ioports;                    /* one bit per port granted, or NULL
                                           * (pv/ioports.c) */
};

#endif
