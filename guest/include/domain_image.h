/* The kernel a domain image holds (guest/kernel/domain_image.c): an ELF
 * image as it is, or the ELF inside a bzImage, the file distributions
 * ship as vmlinuz, unpacked into dom0's memory (lib/bzimage.h,
 * lib/kernel_unpack.h). */
#ifndef GUEST_DOMAIN_IMAGE_H
#define GUEST_DOMAIN_IMAGE_H

#include <stddef.h>

/* Kernels that unpack to more than this are refused. */
#define DOMAIN_IMAGE_MAX_UNPACKED (192UL << 20)

struct domain_image {
    const void *elf;            /* what to load */
    size_t elf_len;
    void *pages;                /* dom0's pages holding an unpacked one */
    size_t nr_pages;
};

/* 0 with img->elf set, or a negative errno with *why set: a bzImage
 * whose payload cannot be unpacked (-EOPNOTSUPP: a compressor not
 * decoded here, named; -EINVAL: corrupt or lying about its size; -E2BIG:
 * too large; -ENOMEM: dom0 lacks the memory).  Anything that is not a
 * bzImage is handed on as it is (the ELF parser judges it). */
long domain_image_unpack(const void *image, size_t len, struct domain_image *img,
                         const char **why);

/* Give back the pages an unpacked kernel took. */
void domain_image_release(struct domain_image *img);

#endif
