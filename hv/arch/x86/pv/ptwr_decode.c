/* The decoder for writes to page-table entries: the forms kernels use on
 * a PTE in place.  MOV/XCHG/CMPXCHG of a register, MOV of an immediate;
 * AND/OR/XOR with a register or an immediate (byte forms too: Linux's
 * clear_bit/set_bit of a constant bit is `andb`/`orb` on the byte holding
 * it); BTS/BTR/BTC with a register or an immediate bit (test_and_clear_bit).
 * 32 or 64 bits (8 for the byte forms); LOCK, segment and REX prefixes
 * (Linux patches LOCK into a DS prefix on one CPU).  Only the length of
 * the memory operand matters: its address is the faulting address the
 * CPU reported. */
#include <asm/ptwr_decode.h>
#include <proxen/lib.h>

#define MAX_PREFIXES 4

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

static bool is_prefix(uint8_t b)
{
    return b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 ||
           b == 0x65;
}

/* The logic group's ModRM.reg: /1 OR, /4 AND, /6 XOR. */
static bool logic_group(unsigned int sub, enum ptwr_kind *kind)
{
    switch (sub) {
    case 1: *kind = PTWR_OR; return true;
    case 4: *kind = PTWR_AND; return true;
    case 6: *kind = PTWR_XOR; return true;
    }
    return false;
}

/* The opcode (after 0f when two_byte): its kind, and the immediate's
 * size (0: a register source); sub is ModRM.reg, which picks the
 * operation in the group opcodes. */
static bool classify(unsigned int op, bool two_byte, unsigned int sub, struct ptwr_insn *in,
                     unsigned int *imm_len)
{
    *imm_len = 0;
    if (two_byte) {
        switch (op) {
        case 0xb1: in->kind = PTWR_CMPXCHG; return true;
        case 0xab: in->kind = PTWR_BTS; return true;
        case 0xb3: in->kind = PTWR_BTR; return true;
        case 0xbb: in->kind = PTWR_BTC; return true;
        case 0xba:
            *imm_len = 1;
            in->kind = sub == 5 ? PTWR_BTS : sub == 6 ? PTWR_BTR : PTWR_BTC;
            return sub >= 5;
        }
        return false;
    }
    switch (op) {
    case 0x89: in->kind = PTWR_MOV; return true;
    case 0x87: in->kind = PTWR_XCHG; return true;
    case 0x09: in->kind = PTWR_OR; return true;
    case 0x21: in->kind = PTWR_AND; return true;
    case 0x31: in->kind = PTWR_XOR; return true;
    case 0xc7: in->kind = PTWR_MOV; *imm_len = 4; return sub == 0;
    case 0x81: *imm_len = 4; return logic_group(sub, &in->kind);
    case 0x83: *imm_len = 1; return logic_group(sub, &in->kind);
    case 0x80: *imm_len = 1; in->width = 1; return logic_group(sub, &in->kind);
    }
    return false;
}

bool ptwr_decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in)
{
    unsigned int i = 0, rex = 0, op, imm_len;
    bool two_byte = false;
    int mlen;

    while (i < avail && i < MAX_PREFIXES && is_prefix(b[i]))
        i++;
    if (i < avail && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (i >= avail)
        return false;
    op = b[i++];
    if (op == 0x0f) {
        if (i >= avail)
            return false;
        op = b[i++];
        two_byte = true;
    }
    mlen = i < avail ? modrm_len(b + i, avail - i) : -1;
    if (mlen < 0 || i + (unsigned int)mlen > avail)
        return false;
    *in = (struct ptwr_insn){ .width = (rex & 8) ? 8 : 4 };
    if (!classify(op, two_byte, (b[i] >> 3) & 7, in, &imm_len))
        return false;
    in->reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
    i += (unsigned int)mlen;
    if (imm_len) {
        if (i + imm_len > avail)
            return false;
        if (imm_len == 1) {
            in->imm = (uint64_t)(int64_t)(int8_t)b[i];
        } else {
            int32_t imm;

            memcpy(&imm, b + i, 4);
            in->imm = (uint64_t)(int64_t)imm;   /* sign-extended to 64 bits */
        }
        in->has_imm = true;
        i += imm_len;
    }
    in->len = i;
    return true;
}
