/* The parts of the .xz decoder (lib/xz.c) that live in files of their
 * own: the checks (xz_crc.c), LZMA2 (xz_lzma2.c) and the x86 BCJ filter
 * (xz_bcj.c).  Internal to lib/. */
#ifndef LIB_XZ_INTERNAL_H
#define LIB_XZ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <lib/errno.h>
#include <lib/xz.h>

/* CRC32 (IEEE 802.3, reflected) and CRC64 (ECMA-182, reflected), both
 * started and finished inverted as .xz uses them; crc is the value so far
 * (0 to start) so that data may come in pieces. */
uint32_t xz_crc32(uint32_t crc, const uint8_t *p, size_t n);
uint64_t xz_crc64(uint64_t crc, const uint8_t *p, size_t n);

/* Where one LZMA2 stream decodes: its input, bounded, and the output
 * buffer, whose bytes [0, out_pos) are earlier data and the dictionary. */
struct xz_lzma2_io {
    const uint8_t *in;
    size_t in_len;          /* bytes available from in */
    size_t in_used;         /* OUT: bytes of in the stream took, end byte included */
    uint8_t *out;
    size_t out_pos;         /* IN: where the stream starts; OUT: where it ended */
    size_t out_limit;       /* no byte at or past out + out_limit is written */
    uint32_t dict_size;     /* the filter's dictionary size: the farthest match */
};

/* Decode one LZMA2 stream (a block's data) up to and including its end
 * byte.  0, or -EINVAL / -ENOSPC with *why. */
int xz_lzma2_decode(struct xz_lzma2_io *io, const char **why);

/* Undo the x86 BCJ filter on buf[0, len), decoded output of one block
 * whose first byte stood at position start. */
void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

#endif
