/* Fuzz the bzImage header parser.  The input is the image, in a heap
 * block of its exact size so ASan catches a read past it; an accepted
 * image's payload must lie inside it, with the size it states just after
 * the compressed data, and a refusal must give a reason. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/bzimage.h>
#include <lib/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *img = malloc(size ? size : 1);
    struct bzimage_payload p;
    const char *why = NULL;
    int rc;

    memcpy(img, data, size);
    /* Most inputs would stop at the signatures: give half of them both. */
    if (size >= 0x250 && (size & 1)) {
        img[0x1fe] = 0x55;
        img[0x1ff] = 0xaa;
        memcpy(img + 0x202, "HdrS", 4);
    }
    rc = bzimage_payload(img, size, &p, &why);
    if (rc) {
        check(rc == -ENOEXEC || rc == -EINVAL);
        check(why && why[0]);
    } else {
        size_t off = (size_t)(p.data - img);

        check(why == NULL);
        check(p.data >= img && off <= size);
        check(p.len >= 4 && p.len + 4 <= size - off);
        check(p.unpacked_size == le32(p.data + p.len));
    }
    free(img);
    return 0;
}
