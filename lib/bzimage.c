/* The bzImage header (lib/bzimage.h): Linux's x86 boot protocol, as
 * Documentation/arch/x86/boot.rst lays it out. */
#include <lib/bzimage.h>
#include <lib/errno.h>

#define OFF_SETUP_SECTS    0x1f1
#define OFF_BOOT_FLAG      0x1fe     /* 0xaa55 */
#define OFF_HEADER         0x202     /* "HdrS" */
#define OFF_VERSION        0x206
#define OFF_PAYLOAD_OFFSET 0x248
#define OFF_PAYLOAD_LENGTH 0x24c
#define HEADER_END         0x250
#define MIN_VERSION        0x208     /* the first with payload_offset/length */

static uint32_t le(const uint8_t *p, unsigned int n)
{
    uint32_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

int bzimage_payload(const void *image, size_t len, struct bzimage_payload *p, const char **why)
{
    const uint8_t *img = image;
    uint64_t setup, start, plen;

    if (len < HEADER_END || le(img + OFF_BOOT_FLAG, 2) != 0xaa55 ||
        le(img + OFF_HEADER, 4) != 0x53726448) {
        *why = "not a bzImage (no boot sector signature and \"HdrS\" header)";
        return -ENOEXEC;
    }
    if (le(img + OFF_VERSION, 2) < MIN_VERSION) {
        *why = "bzImage: boot protocol older than 2.08 (no payload fields)";
        return -EINVAL;
    }
    setup = img[OFF_SETUP_SECTS] ? img[OFF_SETUP_SECTS] : 4;   /* 0 means 4, as ever */
    start = (setup + 1) * 512 + le(img + OFF_PAYLOAD_OFFSET, 4);
    plen = le(img + OFF_PAYLOAD_LENGTH, 4);
    if (plen < 4 + 4 || start > len || plen > len - start) {
        *why = "bzImage: the payload lies outside the image";
        return -EINVAL;
    }
    p->data = img + start;
    p->len = (size_t)plen - 4;
    p->unpacked_size = le(img + start + plen - 4, 4);
    *why = NULL;
    return 0;
}
