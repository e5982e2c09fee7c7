/* From the image in dom0's archive to the ELF the builder loads
 * (domain_image.h).  A bzImage's payload is unpacked into pages of dom0's
 * own, as many as the size the image states, which must then be exactly
 * what the payload decodes to. */
#include <domain_image.h>
#include <lib.h>
#include <lib/bzimage.h>
#include <lib/errno.h>
#include <lib/kernel_unpack.h>
#include <mm.h>

long domain_image_unpack(const void *image, size_t len, struct domain_image *img,
                         const char **why)
{
    struct bzimage_payload p;
    size_t got = 0;
    int rc = bzimage_payload(image, len, &p, why);

    *img = (struct domain_image){ image, len, NULL, 0 };
    if (rc == -ENOEXEC) {
        *why = NULL;
        return 0;                       /* not a bzImage: an ELF, or refused as one */
    }
    if (rc)
        return rc;
    if (p.unpacked_size == 0 || p.unpacked_size > DOMAIN_IMAGE_MAX_UNPACKED) {
        *why = "bzImage: the kernel it holds unpacks to nothing or to more than 192 MiB";
        return -E2BIG;
    }
    img->nr_pages = (p.unpacked_size + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!(img->pages = pages_alloc_contig(img->nr_pages))) {
        *why = "dom0 has too little memory to unpack the kernel";
        return -ENOMEM;
    }
    rc = kernel_unpack(p.data, p.len, img->pages, p.unpacked_size, &got, why);
    if (rc == -E2BIG)
        *why = "bzImage: the payload unpacks to more than the size the image states";
    if (!rc && got != p.unpacked_size) {
        *why = "bzImage: the payload unpacks to less than the size the image states";
        rc = -EINVAL;
    }
    if (rc) {
        domain_image_release(img);
        return rc;
    }
    img->elf = img->pages;
    img->elf_len = got;
    return 0;
}

void domain_image_release(struct domain_image *img)
{
    if (img->nr_pages)
        pages_free_contig(img->pages, img->nr_pages);
    img->pages = NULL;
    img->nr_pages = 0;
}
