/* The .xz container: streams, blocks, index, checks (the .xz file format
 * specification, version 1.1).  The LZMA2 data and the x86 BCJ filter are
 * decoded by xz_lzma2.c and xz_bcj.c.
 *
 *   file   := stream (stream-padding stream)* stream-padding?
 *   stream := header(12) block* index footer(12)
 *   header := FD '7zXZ' 00, flags(2), CRC32(flags)
 *   block  := block-header, data, zero padding to 4, check
 *   index  := 00, count, (unpadded size, uncompressed size)*, zero padding
 *             to 4, CRC32
 *   footer := CRC32(backward size, flags), backward size(4), flags(2), 'YZ'
 * Sizes in the block header and the index are variable-length integers
 * (7 bits a byte, least significant first, at most 9 bytes, no trailing
 * zero byte).  Stream padding is zero bytes, a multiple of 4.
 *
 * The index must name the blocks just decoded: the records are compared
 * through their count, their sums and a CRC32 over them, computed once
 * from the blocks and once from the index, so no list is kept.
 *
 * Locking: the LZMA state is static (kernel stacks are too small for it);
 * a flag taken with an atomic exchange lets one decode run at a time and
 * refuses a second with -EBUSY. */
#include "xz_internal.h"

#define HEADER_SIZE   12
#define FOOTER_SIZE   12
#define VLI_MAX_BYTES 9
#define VLI_MAX       (~0ull >> 1)

#define CHECK_NONE    0x00
#define CHECK_CRC32   0x01
#define CHECK_CRC64   0x04
#define CHECK_SHA256  0x0a

#define FILTER_X86    0x04
#define FILTER_LZMA2  0x21
#define FILTERS_MAX   4

static const uint8_t header_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

/* What a stream's blocks add up to, for comparison with its index. */
struct records {
    uint64_t count;
    uint64_t unpadded;
    uint64_t uncompressed;
    uint32_t crc;
};

struct decoder {
    const uint8_t *in;
    size_t len, pos;            /* the input and where we are in it */
    uint8_t *out;
    size_t cap, out_pos;
    const char *why;
};

static int bad(struct decoder *d, const char *why, int err)
{
    d->why = why;
    return err;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A variable-length integer from p[*i, end); advances *i. */
static int vli(const uint8_t *p, size_t *i, size_t end, uint64_t *v)
{
    uint64_t r = 0;

    for (unsigned int n = 0; n < VLI_MAX_BYTES; n++) {
        uint8_t b;

        if (*i >= end)
            return -1;
        b = p[(*i)++];
        if (n > 0 && b == 0)
            return -1;                  /* not the shortest form */
        r |= (uint64_t)(b & 0x7f) << (7 * n);
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;                          /* 9 bytes and still going: over 2^63 - 1 */
}

static size_t check_size(unsigned int check)
{
    static const uint8_t sizes[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64 };

    return sizes[check & 15];
}

static void records_add(struct records *r, uint64_t unpadded, uint64_t uncompressed)
{
    uint8_t rec[16];

    for (int i = 0; i < 8; i++) {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
    }
    r->count++;
    r->unpadded += unpadded;
    r->uncompressed += uncompressed;
    r->crc = xz_crc32(r->crc, rec, sizeof(rec));
}

/* ---- stream header and footer -------------------------------------- */

static int stream_header(struct decoder *d, unsigned int *check)
{
    const uint8_t *h = d->in + d->pos;

    if (d->len - d->pos < HEADER_SIZE)
        return bad(d, "xz stream header is truncated", -EINVAL);
    for (size_t i = 0; i < sizeof(header_magic); i++)
        if (h[i] != header_magic[i])
            return bad(d, "not an xz stream (bad magic)", -EINVAL);
    if (xz_crc32(0, h + 6, 2) != le32(h + 8))
        return bad(d, "xz stream header CRC32 does not match", -EINVAL);
    if (h[6] != 0 || (h[7] & 0xf0))
        return bad(d, "xz stream flags have reserved bits set", -EINVAL);
    *check = h[7];
    if (*check == CHECK_SHA256)
        return bad(d, "xz SHA-256 check is not supported", -EOPNOTSUPP);
    if (*check != CHECK_NONE && *check != CHECK_CRC32 && *check != CHECK_CRC64)
        return bad(d, "xz check type is not supported", -EOPNOTSUPP);
    d->pos += HEADER_SIZE;
    return 0;
}

static int stream_footer(struct decoder *d, unsigned int check, size_t index_size)
{
    const uint8_t *f = d->in + d->pos;

    if (d->len - d->pos < FOOTER_SIZE)
        return bad(d, "xz stream footer is truncated", -EINVAL);
    if (f[10] != 'Y' || f[11] != 'Z')
        return bad(d, "xz stream footer has a bad magic", -EINVAL);
    if (xz_crc32(0, f + 4, 6) != le32(f))
        return bad(d, "xz stream footer CRC32 does not match", -EINVAL);
    if (f[8] != 0 || f[9] != check)
        return bad(d, "xz stream footer flags differ from the header's", -EINVAL);
    if (((uint64_t)le32(f + 4) + 1) * 4 != index_size)
        return bad(d, "xz backward size does not match the index", -EINVAL);
    d->pos += FOOTER_SIZE;
    return 0;
}

/* ---- blocks ---------------------------------------------------------- */

struct block_header {
    size_t size;                /* of the header itself */
    uint64_t compressed;        /* or VLI_MAX + 1 if not given */
    uint64_t uncompressed;      /* likewise */
    uint32_t dict_size;
    int x86;
    uint32_t x86_start;
};

#define SIZE_UNKNOWN (VLI_MAX + 1)

static int filter_flags(struct decoder *d, const uint8_t *h, size_t *i, size_t end,
                        int last, struct block_header *bh)
{
    uint64_t id, props;

    if (vli(h, i, end, &id) != 0 || vli(h, i, end, &props) != 0 || props > end - *i)
        return bad(d, "xz block header's filter flags are malformed", -EINVAL);
    if (id == FILTER_LZMA2) {
        uint8_t b = h[*i];

        if (!last)
            return bad(d, "xz LZMA2 filter is not the last of the chain", -EINVAL);
        if (props != 1 || (b & 0xc0) || (b & 0x3f) > 40)
            return bad(d, "xz LZMA2 filter properties are invalid", -EINVAL);
        bh->dict_size = (b & 0x3f) == 40 ? 0xffffffffu
                                         : (2u | (b & 1)) << ((b & 0x3f) / 2 + 11);
    } else if (id == FILTER_X86) {
        if (last)
            return bad(d, "xz filter chain does not end with LZMA2", -EINVAL);
        if (bh->x86)
            return bad(d, "xz filter chain has the x86 filter twice", -EOPNOTSUPP);
        if (props != 0 && props != 4)
            return bad(d, "xz x86 filter properties are invalid", -EINVAL);
        bh->x86 = 1;
        bh->x86_start = props == 4 ? le32(h + *i) : 0;
    } else if (last) {
        return bad(d, "xz filter chain does not end with LZMA2", -EOPNOTSUPP);
    } else {
        return bad(d, "xz filter is not supported (only x86 BCJ and LZMA2)", -EOPNOTSUPP);
    }
    *i += (size_t)props;
    return 0;
}

static int block_header(struct decoder *d, struct block_header *bh)
{
    const uint8_t *h = d->in + d->pos;
    size_t i = 2, end;
    unsigned int nfilters;
    uint8_t flags;

    bh->size = ((size_t)h[0] + 1) * 4;
    if (bh->size > d->len - d->pos)
        return bad(d, "xz block header is truncated", -EINVAL);
    end = bh->size - 4;
    if (xz_crc32(0, h, end) != le32(h + end))
        return bad(d, "xz block header CRC32 does not match", -EINVAL);
    flags = h[1];
    if (flags & 0x3c)
        return bad(d, "xz block flags have reserved bits set", -EINVAL);
    nfilters = (flags & 3) + 1;
    bh->compressed = bh->uncompressed = SIZE_UNKNOWN;
    bh->x86 = 0;
    if ((flags & 0x40) && (vli(h, &i, end, &bh->compressed) != 0 || bh->compressed == 0))
        return bad(d, "xz block's compressed size is malformed", -EINVAL);
    if ((flags & 0x80) && vli(h, &i, end, &bh->uncompressed) != 0)
        return bad(d, "xz block's uncompressed size is malformed", -EINVAL);
    for (unsigned int f = 0; f < nfilters; f++) {
        int err = filter_flags(d, h, &i, end, f == nfilters - 1, bh);

        if (err)
            return err;
    }
    for (; i < end; i++)
        if (h[i] != 0)
            return bad(d, "xz block header padding is not zero", -EINVAL);
    d->pos += bh->size;
    return 0;
}

static int block_check(struct decoder *d, unsigned int check, const uint8_t *data, size_t n)
{
    const uint8_t *c = d->in + d->pos;
    size_t size = check_size(check);

    if (size > d->len - d->pos)
        return bad(d, "xz block check is truncated", -EINVAL);
    if (check == CHECK_CRC32 && xz_crc32(0, data, n) != le32(c))
        return bad(d, "xz block CRC32 does not match its data", -EBADMSG);
    if (check == CHECK_CRC64 && xz_crc64(0, data, n) != le64(c))
        return bad(d, "xz block CRC64 does not match its data", -EBADMSG);
    d->pos += size;
    return 0;
}

static int block(struct decoder *d, unsigned int check, struct records *r)
{
    struct block_header bh;
    struct xz_lzma2_io io;
    size_t start = d->out_pos, data_start, unpadded;
    int err = block_header(d, &bh);

    if (err)
        return err;
    if (bh.uncompressed != SIZE_UNKNOWN && bh.uncompressed > d->cap - d->out_pos)
        return bad(d, "decoded data does not fit in the buffer", -ENOSPC);
    data_start = d->pos;
    io = (struct xz_lzma2_io){
        .in = d->in + d->pos, .in_len = d->len - d->pos, .out = d->out,
        .out_pos = d->out_pos, .out_limit = d->cap, .dict_size = bh.dict_size,
    };
    if (bh.compressed != SIZE_UNKNOWN && bh.compressed < io.in_len)
        io.in_len = (size_t)bh.compressed;
    err = xz_lzma2_decode(&io, &d->why);
    d->out_pos = io.out_pos;
    if (err)
        return err;
    d->pos += io.in_used;
    if (bh.compressed != SIZE_UNKNOWN && bh.compressed != io.in_used)
        return bad(d, "xz block's compressed size does not match its data", -EINVAL);
    if (bh.uncompressed != SIZE_UNKNOWN && bh.uncompressed != d->out_pos - start)
        return bad(d, "xz block's uncompressed size does not match its data", -EINVAL);
    for (; (d->pos - data_start) & 3; d->pos++)
        if (d->pos >= d->len || d->in[d->pos] != 0)
            return bad(d, "xz block padding is not zero", -EINVAL);
    if (bh.x86)
        xz_bcj_x86_decode(d->out + start, d->out_pos - start, bh.x86_start);
    err = block_check(d, check, d->out + start, d->out_pos - start);
    if (err)
        return err;
    unpadded = bh.size + io.in_used + check_size(check);
    records_add(r, unpadded, d->out_pos - start);
    return 0;
}

/* ---- index ----------------------------------------------------------- */

/* The index at d->pos (its indicator byte already seen): must list the
 * blocks in want.  *size gets its size in bytes. */
static int stream_index(struct decoder *d, const struct records *want, size_t *size)
{
    size_t start = d->pos, i = d->pos + 1;
    struct records got = { 0 };
    uint64_t count;

    if (vli(d->in, &i, d->len, &count) != 0)
        return bad(d, "xz index is truncated or malformed", -EINVAL);
    if (count != want->count)
        return bad(d, "xz index lists a different number of blocks", -EINVAL);
    for (uint64_t n = 0; n < count; n++) {
        uint64_t unpadded, uncompressed;

        if (vli(d->in, &i, d->len, &unpadded) != 0 || vli(d->in, &i, d->len, &uncompressed) != 0)
            return bad(d, "xz index is truncated or malformed", -EINVAL);
        records_add(&got, unpadded, uncompressed);
    }
    if (got.unpadded != want->unpadded || got.uncompressed != want->uncompressed ||
        got.crc != want->crc)
        return bad(d, "xz index does not match the blocks", -EINVAL);
    for (; (i - start) & 3; i++)
        if (i >= d->len || d->in[i] != 0)
            return bad(d, "xz index padding is not zero", -EINVAL);
    if (d->len - i < 4)
        return bad(d, "xz index is truncated", -EINVAL);
    if (xz_crc32(0, d->in + start, i - start) != le32(d->in + i))
        return bad(d, "xz index CRC32 does not match", -EINVAL);
    i += 4;
    *size = i - start;
    d->pos = i;
    return 0;
}

/* ---- streams --------------------------------------------------------- */

static int stream(struct decoder *d)
{
    struct records r = { 0 };
    unsigned int check;
    size_t index_size;
    int err = stream_header(d, &check);

    if (err)
        return err;
    for (;;) {
        if (d->pos >= d->len)
            return bad(d, "xz stream ends before its index", -EINVAL);
        if (d->in[d->pos] == 0x00)
            break;
        err = block(d, check, &r);
        if (err)
            return err;
    }
    err = stream_index(d, &r, &index_size);
    if (err)
        return err;
    return stream_footer(d, check, index_size);
}

static int decode(struct decoder *d)
{
    do {
        int err = stream(d);

        if (err)
            return err;
        /* Stream padding: zero bytes in fours; then the end or a stream. */
        while (d->len - d->pos >= 4 && le32(d->in + d->pos) == 0)
            d->pos += 4;
    } while (d->pos < d->len && d->in[d->pos] == header_magic[0]);
    if (d->pos != d->len)
        return bad(d, "xz stream is followed by data that is not padding", -EINVAL);
    return 0;
}

int xz_decode(const void *in, size_t in_len, void *out, size_t cap, size_t *out_len,
              const char **why)
{
    static int busy;
    struct decoder d = { .in = in, .len = in_len, .out = out, .cap = cap };
    int err;

    *out_len = 0;
    if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
        *why = "another xz decode is running";
        return -EBUSY;
    }
    err = decode(&d);
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    *out_len = d.out_pos;
    *why = err ? d.why : NULL;
    return err;
}
