/* Writable page tables: a guest kernel may write its L1 page-table
 * entries directly.  The frames are mapped read-only, so the write faults;
 * here the writing instruction is decoded and the write turned into a
 * validated entry update, exactly as if the guest had used mmu_update.
 *
 * Only the instructions kernels use for PTE writes are understood: MOV,
 * XCHG and (LOCK) CMPXCHG of a register, and MOV of an immediate, 64-bit or
 * 32-bit (a half of the entry).  Anything else takes its #PF. */
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/pv_traps.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <asm/ptwr_decode.h>

#define EFLAGS_ZF (1ULL << 6)


/* The L1 frame the write at cr2 lands in, if it is one of d's L1 tables. */
static struct page_info *target_l1(struct vcpu *v, uint64_t cr2, unsigned int *idx)
{
    mfn_t mfn = pv_walk(v, cr2, 0);
    struct page_info *pg;

    if (mfn_eq(mfn, INVALID_MFN))
        return NULL;
    pg = mfn_to_page(mfn);
    if (pg->owner != v->domain || page_type(pg) != PGT_l1_page_table || !page_type_count(pg))
        return NULL;
    *idx = (unsigned int)((cr2 & ~PAGE_MASK) >> 3);
    return pg;
}

#define CMPXCHG_MISMATCH 1

/* The write itself, under the type lock: the entry's current value, what
 * the instruction makes of it, and the validated update.  0 when written,
 * CMPXCHG_MISMATCH when a CMPXCHG found another value (in *old), or a
 * negative errno (-EAGAIN: the entry changed under us, read it again). */
static int ptwr_write(struct vcpu *v, const struct ptwr_insn *in, struct cpu_user_regs *regs,
                      uint64_t cr2, uint64_t *old)
{
    unsigned int idx, shift = in->width == 4 ? (unsigned int)(cr2 & 4) * 8 : 0;
    struct page_info *pg = target_l1(v, cr2, &idx);
    uint64_t val, src;

    if (!pg)
        return -EINVAL;
    *old = __atomic_load_n((uint64_t *)maddr_to_virt(mfn_to_maddr(page_to_mfn(pg))) + idx,
                           __ATOMIC_RELAXED);
    src = in->op == 0xc7 ? in->imm : *regs_gpr(regs, in->reg);
    if (in->width == 4)
        src &= 0xffffffffULL;
    if (in->op == 0xb1) {
        uint64_t cur = in->width == 4 ? (*old >> shift) & 0xffffffffULL : *old;
        uint64_t want = in->width == 4 ? regs->rax & 0xffffffffULL : regs->rax;

        if (cur != want)
            return CMPXCHG_MISMATCH;
    }
    val = in->width == 4 ? (*old & ~(0xffffffffULL << shift)) | (src << shift) : src;
    return pv_update_l1e(v->domain, pg, idx, val, *old);
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2)
{
    uint8_t bytes[16];
    unsigned int avail = 0, shift;
    struct ptwr_insn in = { 0 };
    uint64_t old = 0;
    int rc;

    while (avail < sizeof(bytes) && !copy_from_guest(&bytes[avail], regs->rip + avail, 1))
        avail++;
    if (!ptwr_decode(bytes, avail, &in) || (cr2 & (in.width - 1)))
        return false;
    do {
        page_types_lock(v->domain);
        page_types_allow_restart(v->domain);
        rc = ptwr_write(v, &in, regs, cr2, &old);
    } while ((page_types_unlock(v->domain) && rc == -ERESTART) || rc == -EAGAIN);
    if (rc < 0)
        return false;                   /* refused: the guest takes its #PF */
    shift = in.width == 4 ? (unsigned int)(cr2 & 4) * 8 : 0;
    if (in.op == 0xb1) {                /* as CMPXCHG does: ZF, and RAX on a mismatch */
        if (rc == CMPXCHG_MISMATCH) {
            regs->rax = in.width == 4 ? (old >> shift) & 0xffffffffULL : old;
            regs->rflags &= ~EFLAGS_ZF;
        } else {
            regs->rflags |= EFLAGS_ZF;
        }
    }
    if (in.op == 0x87)
        *regs_gpr(regs, in.reg) = in.width == 4 ? (old >> shift) & 0xffffffffULL : old;
    regs->rip += in.len;
    return true;
}
