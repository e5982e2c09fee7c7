/* LZ4 (lib/lz4.h).  A block is a series of sequences: a token (literal
 * count in its high nibble, match length - 4 in its low one, 15 meaning
 * "more bytes follow, each added until one is below 255"), the literals,
 * then a 2-byte little-endian match offset back into the output and the
 * match's extra length.  The last sequence has literals only. */
#include <lib/errno.h>
#include <lib/lz4.h>
#include <lib/string.h>
#include <stdbool.h>

#define MIN_MATCH 4
#define LEGACY_BLOCK_MAX (8u << 20)    /* a legacy block decodes to at most 8 MiB */

static int bad(const char **why, const char *msg)
{
    *why = msg;
    return -EINVAL;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A length continued in 255-steps after a nibble of 15; false if the
 * input ends first or the sum would pass limit. */
static bool more_length(const uint8_t *in, size_t len, size_t *i, size_t *n, size_t limit)
{
    uint8_t b;

    do {
        if (*i >= len)
            return false;
        b = in[(*i)++];
        *n += b;
        if (*n > limit)
            return false;
    } while (b == 255);
    return true;
}

int lz4_decode_block(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *pos,
                     const char **why)
{
    size_t i = 0, o = *pos;

    while (i < len) {
        uint8_t token = in[i++];
        size_t lit = token >> 4, match = (token & 15) + MIN_MATCH, off;

        if (lit == 15 && !more_length(in, len, &i, &lit, len))
            return bad(why, "LZ4: a literal length runs past the block");
        if (lit > len - i)
            return bad(why, "LZ4: literals run past the block");
        if (lit > cap - o)
            return -E2BIG;
        memcpy(out + o, in + i, lit);
        i += lit;
        o += lit;
        if (i == len)
            break;                      /* the last sequence: literals only */
        if (len - i < 2)
            return bad(why, "LZ4: a match offset is cut off");
        off = (size_t)in[i] | (size_t)in[i + 1] << 8;
        i += 2;
        if (off == 0 || off > o)
            return bad(why, "LZ4: a match reaches before the start of the output");
        if ((token & 15) == 15 && !more_length(in, len, &i, &match, cap))
            return match > cap ? -E2BIG : bad(why, "LZ4: a match length runs past the block");
        if (match > cap - o)
            return -E2BIG;
        for (size_t k = 0; k < match; k++, o++)   /* may overlap itself: byte by byte */
            out[o] = out[o - off];
    }
    *pos = o;
    return 0;
}

/* The legacy frame: blocks of a 4-byte compressed size and the block,
 * each at most 8 MiB out, until the input ends or another frame's magic
 * starts. */
static int legacy_frame(const uint8_t *in, size_t len, size_t *i, uint8_t *out, size_t cap,
                        size_t *o, const char **why)
{
    while (*i < len) {
        uint32_t size;
        size_t limit = cap - *o > LEGACY_BLOCK_MAX ? *o + LEGACY_BLOCK_MAX : cap;
        int rc;

        if (len - *i < 4)
            return bad(why, "LZ4: a block size is cut off");
        size = le32(in + *i);
        if (size == LZ4_LEGACY_MAGIC || size == LZ4_FRAME_MAGIC)
            return 0;                   /* the next frame */
        *i += 4;
        if (size == 0 || size > len - *i)
            return bad(why, "LZ4: a block is larger than what follows it");
        rc = lz4_decode_block(in + *i, size, out, limit, o, why);
        if (rc == -E2BIG && limit != cap)
            return bad(why, "LZ4: a legacy block decodes to more than 8 MiB");
        if (rc)
            return rc;
        *i += size;
    }
    return 0;
}

/* Skip n bytes of the input, if there are that many. */
static bool skip(size_t len, size_t *i, size_t n)
{
    if (n > len - *i)
        return false;
    *i += n;
    return true;
}

/* The standard frame's descriptor: FLG (version 01, independence, block
 * and content checksums, content size, dictionary), BD (the largest
 * block), the optional fields and the header checksum. */
static int frame_header(const uint8_t *in, size_t len, size_t *i, uint8_t *flg, size_t *block_max,
                        const char **why)
{
    uint8_t bd;

    if (len - *i < 3)
        return bad(why, "LZ4: the frame descriptor is cut off");
    *flg = in[*i];
    bd = in[*i + 1];
    if ((*flg >> 6) != 1 || (*flg & 0x02) || (bd & 0x8f))
        return bad(why, "LZ4: the frame descriptor has a wrong version or reserved bits set");
    if (((bd >> 4) & 7) < 4)
        return bad(why, "LZ4: the frame's block size code is not one of 4-7");
    if (*flg & 0x01) {
        *why = "LZ4: frames with a dictionary are not supported";
        return -EOPNOTSUPP;
    }
    *block_max = (size_t)1 << (8 + 2 * ((bd >> 4) & 7));
    *i += 2;
    if (!skip(len, i, (*flg & 0x08 ? 8 : 0) + 1))
        return bad(why, "LZ4: the frame descriptor is cut off");
    return 0;
}

static int standard_frame(const uint8_t *in, size_t len, size_t *i, uint8_t *out, size_t cap,
                          size_t *o, const char **why)
{
    size_t block_max = 0;
    uint8_t flg = 0;
    int rc = frame_header(in, len, i, &flg, &block_max, why);

    while (!rc) {
        uint32_t word, size;

        if (len - *i < 4)
            return bad(why, "LZ4: a block size is cut off");
        word = le32(in + *i);
        *i += 4;
        if (word == 0)                  /* the end mark, then the content checksum */
            return skip(len, i, flg & 0x04 ? 4 : 0) ? 0 : bad(why, "LZ4: the checksum is cut off");
        size = word & 0x7fffffffu;
        if (size > block_max || size > len - *i)
            return bad(why, "LZ4: a block is larger than the frame allows or than what follows");
        if (word & 0x80000000u) {       /* stored as it is */
            if (size > cap - *o)
                return -E2BIG;
            memcpy(out + *o, in + *i, size);
            *o += size;
        } else if ((rc = lz4_decode_block(in + *i, size, out,
                                          cap - *o > block_max ? *o + block_max : cap, o, why))) {
            return rc == -E2BIG && cap - *o > block_max
                   ? bad(why, "LZ4: a block decodes to more than the frame allows") : rc;
        }
        *i += size;
        if (!skip(len, i, flg & 0x10 ? 4 : 0))
            return bad(why, "LZ4: a block checksum is cut off");
    }
    return rc;
}

int lz4_decode(const void *in_, size_t len, void *out, size_t cap, size_t *out_len,
               const char **why)
{
    const uint8_t *in = in_;
    size_t i = 0, o = 0;

    *why = NULL;
    while (i < len) {
        uint32_t magic;
        int rc;

        if (len - i < 4)
            return bad(why, "LZ4: trailing bytes after the last frame");
        magic = le32(in + i);
        i += 4;
        if (magic == LZ4_LEGACY_MAGIC)
            rc = legacy_frame(in, len, &i, out, cap, &o, why);
        else if (magic == LZ4_FRAME_MAGIC)
            rc = standard_frame(in, len, &i, out, cap, &o, why);
        else
            return bad(why, i == 4 ? "LZ4: no LZ4 frame magic" : "LZ4: trailing bytes after the last frame");
        if (rc == -E2BIG)               /* the block decoder gives no reason for it */
            *why = "LZ4: the data decodes to more than the room given";
        if (rc)
            return rc;
    }
    if (i == 0)
        return bad(why, "LZ4: empty input");
    *out_len = o;
    return 0;
}
