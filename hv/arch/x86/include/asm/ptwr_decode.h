/* Decoding the instructions that write page-table entries (ptwr.c).
 * Pure byte parsing, fuzzed on the host. */
#ifndef ASM_PTWR_DECODE_H
#define ASM_PTWR_DECODE_H

#include <proxen/types.h>

struct ptwr_insn {
    unsigned int len;          /* bytes, to advance RIP */
    unsigned int op;           /* 0x89, 0xc7, 0x87, 0xb1 (0f b1) */
    unsigned int width;        /* 4 or 8 */
    unsigned int reg;          /* ModRM.reg with REX.R */
    uint64_t imm;
};

/* Decode the instruction in b[0..avail): true if it is one of the
 * understood writes to memory, with in filled and in->len <= avail. */
bool ptwr_decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in);

#endif
