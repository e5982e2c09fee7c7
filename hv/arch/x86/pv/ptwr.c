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

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2)
{
    uint8_t bytes[16];
    unsigned int avail = 0, idx;
    struct ptwr_insn in = { 0 };
    struct page_info *pg = target_l1(v, cr2, &idx);
    uint64_t old, val, src, *entry;
    unsigned int shift;

    if (!pg)
        return false;
    while (avail < sizeof(bytes) && !copy_from_guest(&bytes[avail], regs->rip + avail, 1))
        avail++;
    if (!ptwr_decode(bytes, avail, &in) || (cr2 & (in.width - 1)))
        return false;
    entry = (uint64_t *)maddr_to_virt(mfn_to_maddr(page_to_mfn(pg))) + idx;
    old = *entry;
    shift = in.width == 4 ? (unsigned int)(cr2 & 4) * 8 : 0;
    src = in.op == 0xc7 ? in.imm : *regs_gpr(regs, in.reg);
    if (in.width == 4)
        src &= 0xffffffffULL;
    if (in.op == 0xb1) {
        uint64_t cur = in.width == 4 ? (old >> shift) & 0xffffffffULL : old;
        uint64_t want = in.width == 4 ? regs->rax & 0xffffffffULL : regs->rax;

        if (cur != want) {
            regs->rax = cur;            /* as CMPXCHG does on a mismatch */
            regs->rflags &= ~EFLAGS_ZF;
            regs->rip += in.len;
            return true;
        }
        regs->rflags |= EFLAGS_ZF;
    }
    val = in.width == 4 ? (old & ~(0xffffffffULL << shift)) | (src << shift) : src;
    if (pv_update_l1e(v->domain, pg, idx, val))
        return false;                   /* refused: the guest takes its #PF */
    if (in.op == 0x87)
        *regs_gpr(regs, in.reg) = in.width == 4 ? (old >> shift) & 0xffffffffULL : old;
    regs->rip += in.len;
    return true;
}
