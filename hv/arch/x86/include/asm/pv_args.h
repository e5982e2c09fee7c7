/* Typed views of the argument structs PV hypercalls take from a guest
 * (arg_decode.c).  Each struct is copied into the hypervisor once (the
 * list loops in batch.c and multicall.c, the trap-table and iret readers
 * here); its decoder checks the fields that need nothing but the struct
 * and hands the handler a view with machine frames, guest frames and
 * guest addresses told apart.  A handler reads only the view: no field
 * is fetched from guest memory twice, so none can change between its
 * check and its use.  Pure functions (copy_from_guest aside), tested on
 * the host (tests/unit/test_pv_args.c). */
#ifndef ASM_PV_ARGS_H
#define ASM_PV_ARGS_H

#include <asm/x86.h>
#include <public/xen.h>

/* RFLAGS as a guest may run with, whatever it asked for: IOPL 0 (its IOPL
 * is virtual), never virtual-8086 mode (IRETQ with VM would take the
 * hypervisor down), interrupts on.  As Xen's iret and exit paths do. */
static inline uint64_t pv_guest_rflags(uint64_t f)
{
    return (f & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
}

/* --- mmu_update ----------------------------------------------------------- */

enum pv_mmu_kind {
    PV_MMU_PT,           /* MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD */
    PV_MMU_M2P,          /* MMU_MACHPHYS_UPDATE */
    PV_MMU_UNKNOWN,      /* any other command */
};

struct pv_mmu_req {
    enum pv_mmu_kind kind;
    mfn_t frame;         /* the table, or the frame whose M2P entry is set */
    unsigned int idx;    /* PT: the entry in the table, 0-511 */
    bool preserve_ad;    /* PT: keep the entry's A/D bits */
    uint64_t val;        /* PT: the new entry */
    gfn_t gfn;           /* M2P: the frame's guest frame */
};

/* Fill r from u.  Returns what u's own fields refuse: -ENOSYS for an
 * unknown command, -EINVAL for an entry address that is not 8-byte
 * aligned, else 0.  r->kind and r->frame are set either way: the caller
 * checks the frame's owner first (-EPERM), then this refusal. */
int pv_mmu_req_decode(const struct mmu_update *u, struct pv_mmu_req *r);

/* --- mmuext_op ------------------------------------------------------------ */

struct pv_mmuext {
    unsigned int cmd;        /* MMUEXT_* */
    mfn_t mfn;               /* pin, unpin, base pointers */
    gva_t va;                /* INVLPG_*; SET_LDT (page aligned; 0 for no entries) */
    unsigned int nr_ents;    /* SET_LDT: at most 8192 */
    bool all_cpus;           /* flushes: every CPU, not only this one */
};

/* Fill x from op.  Returns -ENOSYS for an unknown command, -EINVAL for an
 * INVLPG address or an LDT (base, entries) a guest may not name, else 0.
 * x->cmd is set either way. */
int pv_mmuext_decode(const struct mmuext_op *op, struct pv_mmuext *x);

/* --- set_trap_table ------------------------------------------------------- */

#define PV_MAX_TRAP_ENTRIES 256     /* a table longer than the IDT is a bug */

struct pv_trap_entry {
    uint8_t vector;
    uint8_t dpl;             /* lowest guest privilege allowed to `int n` it */
    bool mask_events;        /* set the upcall mask on entry */
    uint16_t cs;
    gva_t address;           /* canonical, never 0 */
};

/* Read the guest's trap_info list at list, up to the entry whose address
 * is 0, into out (n set to the entries before it).  -EFAULT for an entry
 * that cannot be read, -EINVAL for a non-canonical handler, -E2BIG for a
 * list of more than PV_MAX_TRAP_ENTRIES; nothing is installed here. */
int pv_read_trap_table(gva_t list, struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES],
                       unsigned int *n);

/* --- iret ----------------------------------------------------------------- */

struct pv_iret {
    gva_t rip, rsp;
    uint64_t rflags;         /* as the guest may run with (pv_guest_rflags) */
    unsigned int iopl;       /* the frame's IOPL, for architectural_iopl */
    bool to_user;            /* CS has RPL 3: guest user mode */
    bool events_masked;      /* the frame's IF was clear */
    uint64_t rax, rcx, r11;  /* rcx/r11 as SYSRET leaves them with VGCF_in_syscall */
};

/* Decode the iret frame c.  -EINVAL for a non-canonical RIP (the guest
 * gets the #GP a real iretq raises); a non-canonical RSP is taken, as on
 * Xen (the guest faults when it uses the stack). */
int pv_iret_decode(const struct iret_context *c, struct pv_iret *r);

#endif
