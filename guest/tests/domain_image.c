/* Kernel images made ready for the builder (guest/kernel/domain_image.c),
 * on bzImages made here around tiny payloads: an image that is not a
 * bzImage is handed on as it is; a bzImage's payload is unpacked into dom0
 * pages which the release gives back; every refusal names its reason and
 * leaves dom0's free pages as they were.  (The system case
 * domain-build-bzimage builds and boots the demo guest from a bzImage.) */
#include <domain_image.h>
#include <lib.h>
#include <lib/errno.h>
#include <mm.h>
#include <test.h>
#include "tests.h"

/* The boot protocol's header fields (Linux's Documentation/arch/x86/boot). */
#define SETUP_SECTS     0x1f1
#define BOOT_FLAG       0x1fe
#define HEADER          0x202
#define VERSION         0x206
#define PAYLOAD_OFFSET  0x248
#define PAYLOAD_LENGTH  0x24c
#define SETUP_LEN       1024            /* setup_sects 1 */
#define PAYLOAD_MAX     64

static uint8_t bz[SETUP_LEN + PAYLOAD_MAX + 4];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A bzImage whose payload is data[0..len) and the size it states. */
static size_t make_bz(const void *data, size_t len, uint32_t unpacked)
{
    memset(bz, 0, sizeof(bz));
    bz[SETUP_SECTS] = 1;
    bz[BOOT_FLAG] = 0x55;
    bz[BOOT_FLAG + 1] = 0xaa;
    memcpy(bz + HEADER, "HdrS", 4);
    bz[VERSION] = 0x0f;
    bz[VERSION + 1] = 0x02;
    put32(bz + PAYLOAD_OFFSET, 0);
    put32(bz + PAYLOAD_LENGTH, (uint32_t)len + 4);
    memcpy(bz + SETUP_LEN, data, len);
    put32(bz + SETUP_LEN + len, unpacked);
    return SETUP_LEN + len + 4;
}

/* An LZ4 frame (no checksums) of one uncompressed block of 7 bytes. */
static const uint8_t frame_elf[] = {
    0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82,
    0x07, 0x00, 0x00, 0x80, 0x7f, 'E', 'L', 'F', 'x', 'y', 'z',
    0x00, 0x00, 0x00, 0x00,
};

/* A legacy stream of one block whose match reaches before the output. */
static const uint8_t legacy_bad_offset[] = {
    0x02, 0x21, 0x4c, 0x18, 0x06, 0x00, 0x00, 0x00, 0x10, 'a', 0x05, 0x00, 0x00, 0x00,
};

/* The first call may map more of dom0's memory (page tables); the second
 * must leave the free pages as they were. */
static void expect_refused(const char *what, size_t len, long want, const char *why_has)
{
    struct domain_image di;
    const char *why = NULL;
    uint64_t before;
    long rc = domain_image_unpack(bz, len, &di, &why);

    before = page_alloc_free_pages();
    rc = domain_image_unpack(bz, len, &di, &why);
    if (rc != want)
        test_fail("%s: domain_image_unpack gave %ld (%s), not %ld", what, rc,
                  why ? why : "no reason", want);
    else if (!why || !strstr(why, why_has))
        test_fail("%s: reason \"%s\" lacks \"%s\"", what, why ? why : "", why_has);
    if (di.pages || di.nr_pages)
        test_fail("%s: refused, yet dom0 pages are held", what);
    if (page_alloc_free_pages() != before)
        test_fail("%s: dom0 free pages %lu after, %lu before", what,
                  page_alloc_free_pages(), before);
}

void test_domain_image_not_bzimage(void)
{
    static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    struct domain_image di;
    const char *why = NULL;

    if (expect_rc("domain_image_unpack(ELF)",
                  domain_image_unpack(elf, sizeof(elf), &di, &why), 0) &&
        (di.elf != elf || di.elf_len != sizeof(elf) || di.pages))
        test_fail("an image that is not a bzImage is not handed on as it is");
    domain_image_release(&di);
}

void test_domain_image_bzimage(void)
{
    struct domain_image di;
    const char *why = NULL;
    size_t len = make_bz(frame_elf, sizeof(frame_elf), 7);
    uint64_t before;
    void *pages;

    if (!domain_image_unpack(bz, len, &di, &why))  /* as in expect_refused */
        domain_image_release(&di);
    before = page_alloc_free_pages();
    if (!expect_rc("domain_image_unpack(bzImage)", domain_image_unpack(bz, len, &di, &why), 0))
        return;
    if (di.elf_len != 7 || di.elf != di.pages || di.nr_pages != 1 ||
        memcmp(di.elf, "\x7f" "ELFxyz", 7))
        test_fail("the bzImage's payload is not what was unpacked");
    pages = di.pages;
    domain_image_release(&di);
    if (page_alloc_free_pages() != before)
        test_fail("dom0 free pages %lu after the release, %lu before",
                  page_alloc_free_pages(), before);
    /* The run given back is the next one: kernel after kernel (a domain
     * rebooting from inside) does not use up dom0's never-used pages. */
    if (expect_rc("domain_image_unpack(again)", domain_image_unpack(bz, len, &di, &why), 0) &&
        di.pages != pages)
        test_fail("a second unpack took a new run at %p, not the one given back at %p",
                  di.pages, pages);
    domain_image_release(&di);
}

void test_domain_image_refused(void)
{
    static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0 };
    static const uint8_t gzip[] = { 0x1f, 0x8b, 8, 0 };
    uint64_t free_bytes = page_alloc_free_pages() * PAGE_SIZE;

    make_bz(frame_elf, sizeof(frame_elf), 7);
    expect_refused("a cut bzImage", SETUP_LEN + 8, -EINVAL, "outside the image");
    bz[VERSION] = 0x07;
    expect_refused("protocol 2.07", sizeof(bz), -EINVAL, "older than 2.08");
    expect_refused("XZ cut short", make_bz(xz, sizeof(xz), 4096), -EINVAL, "xz");
    expect_refused("gzip", make_bz(gzip, sizeof(gzip), 4096), -EOPNOTSUPP, "gzip");
    expect_refused("unknown", make_bz("abcdefgh", 8, 4096), -EINVAL, "no compression format");
    expect_refused("bad match offset", make_bz(legacy_bad_offset, sizeof(legacy_bad_offset), 64),
                   -EINVAL, "before the start");
    expect_refused("states too little", make_bz(frame_elf, sizeof(frame_elf), 6), -E2BIG,
                   "more than the size the image states");
    expect_refused("states too much", make_bz(frame_elf, sizeof(frame_elf), 8), -EINVAL,
                   "less than the size the image states");
    expect_refused("states 0", make_bz(frame_elf, sizeof(frame_elf), 0), -E2BIG, "nothing");
    expect_refused("states too much to unpack",
                   make_bz(frame_elf, sizeof(frame_elf), DOMAIN_IMAGE_MAX_UNPACKED + 1), -E2BIG,
                   "more than");
    if (free_bytes + PAGE_SIZE <= DOMAIN_IMAGE_MAX_UNPACKED)
        expect_refused("more than dom0 has",
                       make_bz(frame_elf, sizeof(frame_elf), (uint32_t)free_bytes + 1),
                       -ENOMEM, "too little memory");
}
