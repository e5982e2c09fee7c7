/* LZ4 decompression (lib/lz4.c), written from the format's public
 * description: the block format, and the two containers a kernel's
 * payload comes in: the legacy frame (magic 0x184c2102, what Linux's
 * build makes with `lz4 -l`) and the standard frame (magic 0x184d2204).
 *
 * One call decodes a whole input into a caller's buffer.  The input is
 * hostile: every length and match offset is checked, nothing is read
 * outside [in, in + len) or written outside [out, out + cap), and the
 * work is bounded by the sizes.  Checksums of the standard frame are not
 * verified (the payload's own checks, an ELF's, follow).  Pure logic:
 * freestanding, no allocation. */
#ifndef LIB_LZ4_H
#define LIB_LZ4_H

#include <stddef.h>
#include <stdint.h>

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_FRAME_MAGIC  0x184d2204u

/* Decode one frame (either container, told apart by its magic), or a
 * sequence of them.  0 with *out_len set, or -EINVAL (malformed: *why
 * says where), -E2BIG (the output does not fit cap), -EOPNOTSUPP (a
 * feature this decoder lacks: dictionaries). */
int lz4_decode(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
               const char **why);

/* One raw block, appended at out[*pos...cap) with matches reaching back
 * as far as out[0]: 0 with *pos advanced, or -EINVAL / -E2BIG. */
int lz4_decode_block(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *pos,
                     const char **why);

#endif
