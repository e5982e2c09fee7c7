/* Decoding the instructions that write page-table entries (ptwr.c).
 * Pure byte parsing, fuzzed on the host. */
#ifndef ASM_PTWR_DECODE_H
#define ASM_PTWR_DECODE_H

#include <proxen/types.h>

/* What the instruction does to its memory operand. */
enum ptwr_kind {
    PTWR_MOV,                  /* 89, c7 /0 */
    PTWR_XCHG,                 /* 87 */
    PTWR_CMPXCHG,              /* 0f b1 */
    PTWR_AND,                  /* 21, 81 /4, 83 /4, 80 /4 */
    PTWR_OR,                   /* 09, 81 /1, 83 /1, 80 /1 */
    PTWR_XOR,                  /* 31, 81 /6, 83 /6, 80 /6 */
    PTWR_BTS,                  /* 0f ab, 0f ba /5 */
    PTWR_BTR,                  /* 0f b3, 0f ba /6 */
    PTWR_BTC,                  /* 0f bb, 0f ba /7 */
};

struct ptwr_insn {
    unsigned int len;          /* bytes, to advance RIP */
    enum ptwr_kind kind;
    unsigned int width;        /* 1, 4 or 8 bytes */
    bool has_imm;              /* the source is imm, else register reg */
    unsigned int reg;          /* ModRM.reg with REX.R */
    uint64_t imm;              /* sign-extended to 64 bits */
};

/* Decode the instruction in b[0..avail): true if it is one of the
 * understood writes to memory, with in filled and in->len <= avail. */
bool ptwr_decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in);

#endif
