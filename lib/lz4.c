/* LZ4 (lib/lz4.h).  A block is a series of sequences: a token (literal
 * count in its high nibble, match length - 4 in its low one, 15 meaning
 * "more bytes follow, each added until one is below 255"), the literals,
 * then a 2-byte little-endian match offset back into the output and the
 * match's extra length.  The last sequence has literals only. */
#include <lib/errno.h>
#include <lib/lz4.h>
#include <lib/string.h>
#include <lib/xxhash32.h>
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

/* What a standard frame's descriptor says. */
struct frame {
    uint8_t flg;
    size_t block_max;
    bool sized;
    uint64_t content_size;
};

#define FLG_BLOCK_CHECKSUM   0x10
#define FLG_CONTENT_SIZE     0x08
#define FLG_CONTENT_CHECKSUM 0x04
#define FLG_DICTIONARY       0x01

/* The standard frame's descriptor: FLG (version 01, independence, block
 * and content checksums, content size, dictionary), BD (the largest
 * block), the optional content size and the header checksum (the second
 * byte of the descriptor's xxHash32). */
static int frame_header(const uint8_t *in, size_t len, size_t *i, struct frame *f,
                        const char **why)
{
    size_t start = *i;
    uint8_t bd;

    if (len - *i < 3)
        return bad(why, "LZ4: the frame descriptor is cut off");
    f->flg = in[*i];
    bd = in[*i + 1];
    if ((f->flg >> 6) != 1 || (f->flg & 0x02) || (bd & 0x8f))
        return bad(why, "LZ4: the frame descriptor has a wrong version or reserved bits set");
    if (((bd >> 4) & 7) < 4)
        return bad(why, "LZ4: the frame's block size code is not one of 4-7");
    if (f->flg & FLG_DICTIONARY) {
        *why = "LZ4: frames with a dictionary are not supported";
        return -EOPNOTSUPP;
    }
    f->block_max = (size_t)1 << (8 + 2 * ((bd >> 4) & 7));
    f->sized = f->flg & FLG_CONTENT_SIZE;
    *i += 2;
    if (f->sized) {
        if (len - *i < 8)
            return bad(why, "LZ4: the frame descriptor is cut off");
        f->content_size = le32(in + *i) | (uint64_t)le32(in + *i + 4) << 32;
        *i += 8;
    }
    if (len - *i < 1)
        return bad(why, "LZ4: the frame descriptor is cut off");
    if (in[*i] != (uint8_t)(xxhash32(in + start, *i - start, 0) >> 8))
        return bad(why, "LZ4: the frame descriptor's checksum is wrong");
    *i += 1;
    return 0;
}

/* A checksum (xxHash32 of data) that the frame says follows at *i. */
static int checksum(const uint8_t *in, size_t len, size_t *i, const uint8_t *data, size_t n,
                    const char *cut, const char *wrong, const char **why)
{
    if (len - *i < 4)
        return bad(why, cut);
    if (le32(in + *i) != xxhash32(data, n, 0))
        return bad(why, wrong);
    *i += 4;
    return 0;
}

/* After the end mark: the content checksum, and the content size. */
static int frame_end(const uint8_t *in, size_t len, size_t *i, const struct frame *f,
                     const uint8_t *content, size_t n, const char **why)
{
    if ((f->flg & FLG_CONTENT_CHECKSUM) &&
        checksum(in, len, i, content, n, "LZ4: the checksum is cut off",
                 "LZ4: the content checksum is wrong", why))
        return -EINVAL;
    if (f->sized && f->content_size != n)
        return bad(why, "LZ4: the frame decodes to another size than its descriptor says");
    return 0;
}

static int frame_block(const uint8_t *in, size_t *i, uint32_t word, uint8_t *out, size_t cap,
                       size_t *o, const struct frame *f, const char **why)
{
    uint32_t size = word & 0x7fffffffu;
    int rc;

    if (word & 0x80000000u) {           /* stored as it is */
        if (size > cap - *o)
            return -E2BIG;
        memcpy(out + *o, in + *i, size);
        *o += size;
    } else if ((rc = lz4_decode_block(in + *i, size, out,
                                      cap - *o > f->block_max ? *o + f->block_max : cap, o, why))) {
        return rc == -E2BIG && cap - *o > f->block_max
               ? bad(why, "LZ4: a block decodes to more than the frame allows") : rc;
    }
    return 0;
}

static int standard_frame(const uint8_t *in, size_t len, size_t *i, uint8_t *out, size_t cap,
                          size_t *o, const char **why)
{
    struct frame f = { 0 };
    size_t first = *o;
    int rc = frame_header(in, len, i, &f, why);

    while (!rc) {
        uint32_t word, size;

        if (len - *i < 4)
            return bad(why, "LZ4: a block size is cut off");
        word = le32(in + *i);
        *i += 4;
        if (word == 0)                  /* the end mark */
            return frame_end(in, len, i, &f, out + first, *o - first, why);
        size = word & 0x7fffffffu;
        if (size > f.block_max || size > len - *i)
            return bad(why, "LZ4: a block is larger than the frame allows or than what follows");
        if (f.flg & FLG_BLOCK_CHECKSUM) {   /* checked before the block is decoded */
            size_t at = *i + size;

            if (checksum(in, len, &at, in + *i, size, "LZ4: a block checksum is cut off",
                         "LZ4: a block checksum is wrong", why))
                return -EINVAL;
        }
        if ((rc = frame_block(in, i, word, out, cap, o, &f, why)))
            return rc;
        *i += size + (f.flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
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
