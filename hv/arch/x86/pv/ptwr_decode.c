/* The decoder for writes to page-table entries: MOV/XCHG/CMPXCHG r/m
 * with a register, MOV r/m with an immediate; 32 or 64 bits; LOCK and REX
 * prefixes.  Only the length of the memory operand matters: its address
 * is the faulting address the CPU reported. */
#include <asm/ptwr_decode.h>
#include <proxen/lib.h>

/* Length of the ModRM-encoded memory operand (ModRM, SIB, displacement). */
static int modrm_len(const uint8_t *p, unsigned int avail)
{
    unsigned int mod, rm, len = 1;

    if (!avail)
        return -1;
    mod = p[0] >> 6;
    rm = p[0] & 7;
    if (mod == 3)
        return -1;                 /* a register, not memory */
    if (rm == 4) {
        if (avail < 2)
            return -1;
        len++;
        if (mod == 0 && (p[1] & 7) == 5)
            len += 4;
    } else if (mod == 0 && rm == 5) {
        len += 4;                  /* RIP-relative */
    }
    len += mod == 1 ? 1 : mod == 2 ? 4 : 0;
    return (int)len;
}

bool ptwr_decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in)
{
    unsigned int i = 0, rex = 0;
    int mlen;

    if (i < avail && b[i] == 0xf0)          /* LOCK */
        i++;
    if (i < avail && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (i >= avail)
        return false;
    in->op = b[i++];
    if (in->op == 0x0f) {
        if (i >= avail || b[i] != 0xb1)
            return false;
        in->op = 0xb1;
        i++;
    } else if (in->op != 0x89 && in->op != 0xc7 && in->op != 0x87) {
        return false;
    }
    mlen = modrm_len(b + i, avail - i);
    if (mlen < 0 || i + (unsigned int)mlen > avail)
        return false;
    in->reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
    in->width = (rex & 8) ? 8 : 4;
    i += (unsigned int)mlen;
    if (in->op == 0xc7) {
        int32_t imm;

        if (in->reg & 7 || i + 4 > avail)
            return false;
        memcpy(&imm, b + i, 4);
        in->imm = (uint64_t)(int64_t)imm;   /* sign-extended to 64 bits */
        i += 4;
    }
    in->len = i;
    return true;
}

