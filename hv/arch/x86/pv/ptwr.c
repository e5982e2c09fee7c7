/* Writable page tables: a guest kernel may write its L1 page-table
 * entries directly.  The frames are mapped read-only, so the write faults;
 * here the writing instruction is decoded and the write turned into a
 * validated entry update, exactly as if the guest had used mmu_update.
 *
 * Only the instructions kernels use on a PTE in place are understood
 * (ptwr_decode.c): MOV, XCHG, CMPXCHG, AND/OR/XOR and BTS/BTR/BTC, on a
 * byte, a half or the whole of the entry; the update is one atomic
 * replacement of the entry, as their LOCK forms need.  Anything else
 * takes its #PF. */
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/pv_traps.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <asm/ptwr_decode.h>

#define EFLAGS_CF (1ULL << 0)
#define EFLAGS_PF (1ULL << 2)
#define EFLAGS_ZF (1ULL << 6)
#define EFLAGS_SF (1ULL << 7)
#define EFLAGS_OF (1ULL << 11)


/* The L1 frame the write at cr2 lands in, if it is one of d's L1 tables. */
static struct page_info *target_l1(struct vcpu *v, uint64_t cr2, unsigned int *idx)
{
    mfn_t mfn = pv_walk(v, _gva(cr2), 0);
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

static uint64_t width_mask(unsigned int width)
{
    return width == 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
}

/* The operand's new value from its current one (cur) and the source. */
static uint64_t apply(const struct ptwr_insn *in, uint64_t cur, uint64_t src)
{
    uint64_t bit = 1ULL << (src & (in->width * 8 - 1));

    switch (in->kind) {
    case PTWR_AND: return cur & src;
    case PTWR_OR:  return cur | src;
    case PTWR_XOR: return cur ^ src;
    case PTWR_BTS: return cur | bit;
    case PTWR_BTR: return cur & ~bit;
    case PTWR_BTC: return cur ^ bit;
    default:       return src;      /* MOV, XCHG, CMPXCHG */
    }
}

/* The write itself, under the type lock: the entry's current value, what
 * the instruction makes of its operand (width bytes at cr2, within the
 * entry), and the validated update.  0 when written, CMPXCHG_MISMATCH
 * when a CMPXCHG found another value, or a negative errno (-EAGAIN: the
 * entry changed under us, read it again).  *cur is the operand's value
 * before, *src the source operand. */
static int ptwr_write(struct vcpu *v, const struct ptwr_insn *in, struct cpu_user_regs *regs,
                      uint64_t cr2, uint64_t *cur, uint64_t *src)
{
    unsigned int idx, shift = (unsigned int)(cr2 & 7) * 8;
    struct page_info *pg = target_l1(v, cr2, &idx);
    uint64_t mask = width_mask(in->width), old, val;

    if (!pg)
        return -EINVAL;
    old = __atomic_load_n((uint64_t *)maddr_to_virt(mfn_to_maddr(page_to_mfn(pg))) + idx,
                          __ATOMIC_RELAXED);
    *cur = (old >> shift) & mask;
    *src = (in->has_imm ? in->imm : *regs_gpr(regs, in->reg)) & mask;
    if (in->kind == PTWR_CMPXCHG && *cur != (regs->rax & mask))
        return CMPXCHG_MISMATCH;
    val = (old & ~(mask << shift)) | (apply(in, *cur, *src) << shift);
    return pv_update_l1e(v->domain, pg, idx, val, old);
}

/* Flags as the instruction leaves them: CMPXCHG's ZF, the bit tests' CF
 * (the bit before), the logic operations' ZF, SF and PF with CF and OF
 * clear. */
static void set_flags(const struct ptwr_insn *in, struct cpu_user_regs *regs, uint64_t cur,
                      uint64_t src, bool mismatch)
{
    uint64_t res = apply(in, cur, src) & width_mask(in->width), f = regs->rflags;

    switch (in->kind) {
    case PTWR_CMPXCHG:
        f = mismatch ? f & ~EFLAGS_ZF : f | EFLAGS_ZF;
        break;
    case PTWR_BTS: case PTWR_BTR: case PTWR_BTC:
        f = (f & ~EFLAGS_CF) | ((cur >> (src & (in->width * 8 - 1))) & 1);
        break;
    case PTWR_AND: case PTWR_OR: case PTWR_XOR:
        f &= ~(EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF);
        f |= res ? 0 : EFLAGS_ZF;
        f |= (res >> (in->width * 8 - 1)) & 1 ? EFLAGS_SF : 0;
        f |= __builtin_parity((unsigned int)(res & 0xff)) ? 0 : EFLAGS_PF;
        break;
    default:
        break;
    }
    regs->rflags = f;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2)
{
    uint8_t bytes[16];
    unsigned int avail = 0;
    struct ptwr_insn in;
    uint64_t cur = 0, src = 0;
    int rc;

    while (avail < sizeof(bytes) && !copy_from_guest(&bytes[avail], regs->rip + avail, 1))
        avail++;
    if (!ptwr_decode(bytes, avail, &in) || (cr2 & (in.width - 1)))
        return false;
    do {
        page_types_lock(v->domain);
        page_types_allow_restart(v->domain);
        rc = ptwr_write(v, &in, regs, cr2, &cur, &src);
    } while ((page_types_unlock(v->domain) && rc == -ERESTART) || rc == -EAGAIN);
    if (rc < 0)
        return false;                   /* refused: the guest takes its #PF */
    set_flags(&in, regs, cur, src, rc == CMPXCHG_MISMATCH);
    if (in.kind == PTWR_XCHG || (in.kind == PTWR_CMPXCHG && rc == CMPXCHG_MISMATCH)) {
        uint64_t *r = in.kind == PTWR_XCHG ? regs_gpr(regs, in.reg) : &regs->rax;

        *r = cur;                       /* a 32-bit result zero-extends */
    }
    regs->rip += in.len;
    return true;
}
