/* The x86 BCJ filter, decoding side.  The encoder turned the 32-bit
 * relative targets of CALL (E8) and JMP (E9) into absolute ones, so that
 * repeated calls of one function compress; decoding turns them back.
 *
 * An operand is converted only when its top byte is 00 or FF (a near
 * target).  To avoid converting bytes that merely look like an opcode, the
 * filter remembers which of the previous three bytes were E8/E9 bytes it
 * did not convert (mask, bit 0 the nearest); some patterns of these, and
 * an operand byte that looks like a top byte, make it leave the candidate
 * alone.  A converted operand whose result would itself look like a
 * candidate in the byte it overlaps is flipped again, as the encoder
 * did.  The last four bytes of a block can hold no whole operand and are
 * left as they are. */
#include "xz_internal.h"

/* Whether a byte could be the top byte of a near operand. */
static int near_top(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/* For each mask of the previous three bytes: may a candidate be converted
 * at all, and which operand byte (counted from the top) must then not
 * look like a top byte. */
static const uint8_t mask_allowed[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
static const uint8_t mask_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The operand at op (4 bytes) of the instruction ending at position end,
 * back to relative form. */
static void convert(uint8_t *op, uint32_t end, uint32_t mask)
{
    uint32_t v = le32(op);
    uint32_t rel;

    for (;;) {
        uint32_t shift;

        rel = v - end;
        if (mask == 0)
            break;
        shift = 24 - mask_byte[mask] * 8;
        if (!near_top((uint8_t)(rel >> shift)))
            break;
        v = rel ^ ((1u << (32 - mask_byte[mask] * 8)) - 1);
    }
    /* Sign-extend from bit 24: the encoder kept only 25 bits. */
    rel &= 0x01ffffff;
    rel |= 0u - (rel & 0x01000000);
    put_le32(op, rel);
}

void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
    uint32_t mask = 0;
    size_t last = 0;            /* position of the last E8/E9 seen */
    int seen = 0;

    if (len < 5)
        return;
    for (size_t i = 0; i + 5 <= len; i++) {
        size_t gap;

        if ((buf[i] & 0xfe) != 0xe8)
            continue;
        gap = seen ? i - last : 4;
        seen = 1;
        last = i;
        if (gap > 3) {
            mask = 0;
        } else {
            mask = (mask << (gap - 1)) & 7;
            if (mask != 0 && (!mask_allowed[mask] || near_top(buf[i + 4 - mask_byte[mask]]))) {
                mask = (mask << 1) | 1;
                continue;
            }
        }
        if (near_top(buf[i + 4])) {
            convert(buf + i + 1, start + (uint32_t)i + 5, mask);
            /* The operand's bytes are no opcodes: skip them.  The next
             * candidate is at least 5 bytes past last, so its mask starts
             * afresh. */
            i += 4;
        } else {
            mask = (mask << 1) | 1;
        }
    }
}
