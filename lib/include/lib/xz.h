/* The .xz decoder (lib/xz.c): unpacks a kernel image's payload as the
 * distribution's build compresses it (xz --check=crc32 with the x86 BCJ
 * filter and LZMA2), in one call, into a buffer the caller provides.
 *
 * What it takes: one or more streams (each followed by optional stream
 * padding), blocks whose filter chain is LZMA2 alone or the x86 BCJ filter
 * (with any start offset) then LZMA2, checks none, CRC32 and CRC64
 * (verified).  SHA-256 and every other filter are refused with a reason.
 * The index and the stream footer are validated against the blocks
 * actually decoded.
 *
 * The output buffer is the dictionary: no allocation, only a fixed state
 * of about 30 KiB, static because a kernel stack is smaller: one decode
 * runs at a time, a second meanwhile is refused.  The input is hostile:
 * no byte before in or at or past in + in_len is read, no byte at or past
 * out + cap is written, and the work is bounded by in_len and cap. */
#ifndef LIB_XZ_H
#define LIB_XZ_H

#include <stddef.h>

/* Decode the .xz file in[0, in_len) into out[0, cap).  Returns 0 with
 * *out_len the number of bytes written, or a negative errno with *why a
 * short constant sentence saying what was wrong (*out_len then counts the
 * bytes written before the failure; they are not to be trusted):
 *   -EINVAL      malformed input (bad magic, header CRC, reserved bits,
 *                LZMA2/LZMA data that does not decode, index mismatch,
 *                truncation);
 *   -EBADMSG     a block's CRC32/CRC64 does not match its data;
 *   -ENOSPC      the decoded data does not fit in cap bytes;
 *   -EOPNOTSUPP  a valid file using what this decoder does not take (a
 *                filter other than x86 BCJ + LZMA2, SHA-256 or a reserved
 *                check type);
 *   -EBUSY       another decode is running.
 * why and out_len must not be NULL. */
int xz_decode(const void *in, size_t in_len, void *out, size_t cap, size_t *out_len,
              const char **why);

#endif
