/* Decoding the argument structs of PV hypercalls into typed views
 * (asm/pv_args.h): the checks that need nothing but the struct, made once
 * on the hypervisor's copy. */
#include <asm/pv_args.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/lib.h>

/* --- mmu_update ----------------------------------------------------------- */

/* The command is in the entry address's low two bits; bit 2 of a table
 * entry's address must be clear (8-byte entries).  An M2P update's
 * address names only the frame. */
__hot_mm int pv_mmu_req_decode(const struct mmu_update *u, struct pv_mmu_req *r)
{
    unsigned int cmd = u->ptr & 3;

    *r = (struct pv_mmu_req){ .kind = PV_MMU_UNKNOWN, .frame = maddr_to_mfn(u->ptr),
                              .gfn = INVALID_GFN };
    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
        r->kind = PV_MMU_PT;
        r->idx = (unsigned int)((u->ptr & ~PAGE_MASK) >> 3);
        r->preserve_ad = cmd == MMU_PT_UPDATE_PRESERVE_AD;
        r->val = u->val;
        return (u->ptr & 4) ? -EINVAL : 0;
    case MMU_MACHPHYS_UPDATE:
        r->kind = PV_MMU_M2P;
        r->gfn = _gfn(u->val);
        return 0;
    }
    return -ENOSYS;
}

/* --- mmuext_op ------------------------------------------------------------ */

/* MMUEXT_SET_LDT: no entries, no address to check (as Xen); otherwise a
 * page-aligned base and at most 8192 descriptors (16 pages), all at
 * addresses a guest may use. */
static int decode_ldt(const struct mmuext_op *op, struct pv_mmuext *x)
{
    uint64_t base = op->arg2.nr_ents ? op->arg1.linear_addr : 0;

    if (op->arg2.nr_ents > 8192 || (base & ~PAGE_MASK) ||
        (op->arg2.nr_ents && !guest_range_ok(base, op->arg2.nr_ents * 8ULL)))
        return -EINVAL;
    x->va = _gva(base);
    x->nr_ents = op->arg2.nr_ents;
    return 0;
}

int pv_mmuext_decode(const struct mmuext_op *op, struct pv_mmuext *x)
{
    *x = (struct pv_mmuext){ .cmd = op->cmd, .mfn = INVALID_MFN };
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
    case MMUEXT_UNPIN_TABLE:
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
        x->mfn = _mfn(op->arg1.mfn);
        return 0;
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        x->all_cpus = op->cmd != MMUEXT_TLB_FLUSH_LOCAL;
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (!guest_range_ok(op->arg1.linear_addr, 1))
            return -EINVAL;
        x->va = _gva(op->arg1.linear_addr);
        x->all_cpus = op->cmd != MMUEXT_INVLPG_LOCAL;
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return 0;
    case MMUEXT_SET_LDT:
        return decode_ldt(op, x);
    }
    return -ENOSYS;
}

/* --- set_trap_table ------------------------------------------------------- */

int pv_read_trap_table(gva_t list, struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES],
                       unsigned int *n)
{
    struct trap_info ti;

    for (unsigned int i = 0; ; i++) {
        if (i == PV_MAX_TRAP_ENTRIES)
            return -E2BIG;
        if (copy_from_guest(&ti, gva_x(list) + i * sizeof(ti), sizeof(ti)))
            return -EFAULT;
        if (!ti.address) {
            *n = i;
            return 0;
        }
        if (!is_canonical(ti.address))
            return -EINVAL;
        out[i] = (struct pv_trap_entry){
            .vector = ti.vector, .dpl = TI_GET_DPL(&ti), .mask_events = TI_GET_IF(&ti) != 0,
            .cs = ti.cs, .address = _gva(ti.address),
        };
    }
}

/* --- iret ----------------------------------------------------------------- */

__hot_path int pv_iret_decode(const struct iret_context *c, struct pv_iret *r)
{
    if (!is_canonical(c->rip))
        return -EINVAL;
    *r = (struct pv_iret){
        .rip = _gva(c->rip), .rsp = _gva(c->rsp),
        .rflags = pv_guest_rflags(c->rflags),
        .iopl = (unsigned int)(c->rflags >> 12) & 3,
        .to_user = (c->cs & 3) == 3,
        .events_masked = !(c->rflags & X86_EFLAGS_IF),
        .rax = c->rax,
    };
    if (c->flags & VGCF_in_syscall) {
        r->rcx = c->rip;             /* as SYSRET would leave them */
        r->r11 = r->rflags;
    } else {
        r->rcx = c->rcx;
        r->r11 = c->r11;
    }
    return 0;
}
