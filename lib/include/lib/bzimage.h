/* The x86 boot image a distribution ships as vmlinuz (lib/bzimage.c):
 * a real-mode setup header ("HdrS", boot protocol 2.08 or later) whose
 * payload_offset/payload_length name the compressed kernel (for a Xen
 * PV guest, an ELF), followed by the 4-byte little-endian size it
 * decompresses to, which Linux's build appends after every compressor's
 * output.  Only the header is parsed here (kernel_unpack.h decodes the
 * payload).  The image is hostile: every field is bounded by its size.
 * Pure logic: freestanding. */
#ifndef LIB_BZIMAGE_H
#define LIB_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

struct bzimage_payload {
    const uint8_t *data;        /* the compressed kernel, without the size */
    size_t len;
    uint32_t unpacked_size;     /* what it says it decompresses to */
};

/* 0 with *p set; -ENOEXEC if the image is not a bzImage at all (no boot
 * sector signature or "HdrS": try it as something else), -EINVAL when it
 * is one that cannot be used (an old protocol, a payload out of the
 * image): *why says which. */
int bzimage_payload(const void *image, size_t len, struct bzimage_payload *p, const char **why);

#endif
