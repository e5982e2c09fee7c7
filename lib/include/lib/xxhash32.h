/* xxHash32 (lib/xxhash32.c): the checksum of LZ4 frames, as the xxHash
 * specification defines it. */
#ifndef LIB_XXHASH32_H
#define LIB_XXHASH32_H

#include <stddef.h>
#include <stdint.h>

/* The 32-bit xxHash of n bytes at p, with the given seed. */
uint32_t xxhash32(const void *p, size_t n, uint32_t seed);

#endif
