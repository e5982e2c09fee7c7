/* A kernel's compressed payload (a bzImage's, lib/bzimage.h) decoded by
 * the decompressor its magic names (lib/kernel_unpack.c).  LZ4 (Debian's
 * cloud kernels, lib/lz4.h) and XZ (Debian's generic kernels, lib/xz.h)
 * are decoded; the other compressors Linux's build offers are recognised
 * and refused by name. */
#ifndef LIB_KERNEL_UNPACK_H
#define LIB_KERNEL_UNPACK_H

#include <stddef.h>

/* 0 with *out_len set, or a negative errno with *why set: -EOPNOTSUPP
 * for a known compressor this cannot decode, -EINVAL for data that is
 * none or is corrupt, -EBADMSG for XZ data failing its check, -E2BIG
 * when the output does not fit cap. */
int kernel_unpack(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
                  const char **why);

#endif
