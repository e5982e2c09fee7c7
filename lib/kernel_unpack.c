/* Which decompressor a payload needs, from its first bytes (lib/kernel_unpack.h). */
#include <lib/errno.h>
#include <lib/kernel_unpack.h>
#include <lib/lz4.h>
#include <lib/xz.h>
#include <lib/string.h>
#include <stdint.h>

/* Linux's other payload compressors, by their magic: named in the refusal. */
static const struct {
    const char *why;
    unsigned int len;
    unsigned char magic[6];
} refused[] = {
    { "the payload is gzip, which this loader does not decode", 2, { 0x1f, 0x8b } },
    { "the payload is bzip2, which this loader does not decode", 3, { 'B', 'Z', 'h' } },
    { "the payload is LZMA, which this loader does not decode", 3, { 0x5d, 0, 0 } },
    { "the payload is LZO, which this loader does not decode", 4, { 0x89, 'L', 'Z', 'O' } },
    { "the payload is zstd, which this loader does not decode", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

/* Debian's generic kernels: xz --check=crc32 with the x86 filter. */
static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int kernel_unpack(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
                  const char **why)
{
    const unsigned char *b = in;

    if (len >= 4 && (le32(b) == LZ4_LEGACY_MAGIC || le32(b) == LZ4_FRAME_MAGIC))
        return lz4_decode(in, len, out, cap, out_len, why);
    if (len >= sizeof(xz_magic) && !memcmp(b, xz_magic, sizeof(xz_magic))) {
        int rc = xz_decode(in, len, out, cap, out_len, why);

        return rc == -ENOSPC ? -E2BIG : rc;   /* one errno for "does not fit" */
    }
    for (unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (len >= refused[i].len && !memcmp(b, refused[i].magic, refused[i].len)) {
            *why = refused[i].why;
            return -EOPNOTSUPP;
        }
    *why = "the payload is in no compression format known here";
    return -EINVAL;
}
