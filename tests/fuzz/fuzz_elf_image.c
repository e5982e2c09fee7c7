/* Fuzz the guest kernel image parser and loader.  The input is the image,
 * in a buffer of its exact size, so ASan catches any read past it.  The
 * checks below catch the quiet failures: a description that does not fit
 * the image, a load that writes outside [virt_kstart, virt_kend) or copies
 * from outside the image, an unterminated string, and a parse whose
 * outcome depends on the offered features in any way but the documented
 * one. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/elf_image.h>
#include <lib/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct load_check {
    const struct elf_image_info *info;
    const uint8_t *image;
    size_t size;
    uint64_t written;
    unsigned int sum;
};

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void check_range(const struct load_check *c, uint64_t vaddr, uint64_t len)
{
    check(len > 0);
    check(vaddr >= c->info->virt_kstart && vaddr < c->info->virt_kend);
    check(len <= c->info->virt_kend - vaddr);
}

static int copy_cb(void *ctx, uint64_t vaddr, const void *src, uint64_t len)
{
    struct load_check *c = ctx;
    const uint8_t *s = src;
    uint64_t i;

    check_range(c, vaddr, len);
    check(s >= c->image && len <= c->size && (size_t)(s - c->image) <= c->size - len);
    for (i = 0; i < len; i++)       /* let ASan see every byte */
        c->sum += s[i];
    c->written += len;
    return 0;
}

static int zero_cb(void *ctx, uint64_t vaddr, uint64_t len)
{
    struct load_check *c = ctx;

    check_range(c, vaddr, len);
    c->written += len;
    return 0;
}

static void check_string(const char *s, size_t size)
{
    check(memchr(s, '\0', size) != NULL);
}

static void check_info(const struct elf_image_info *info, size_t size)
{
    unsigned int i;

    check(info->nr_segments >= 1 && info->nr_segments <= ELF_IMAGE_MAX_SEGS);
    check(info->virt_base <= info->virt_kstart && info->virt_kstart <= info->virt_kend);
    check(info->virt_kend - info->virt_base <= ELF_IMAGE_MAX_SPAN);
    check(info->entry >= info->virt_kstart && info->entry <= info->virt_kend);
    check(!(info->features_required[0] & ~info->features_supported[0]));
    if (info->notes_seen & (1U << XEN_ELFNOTE_HYPERCALL_PAGE))
        check(info->hypercall_page >= info->virt_kstart &&
              info->hypercall_page < info->virt_kend);
    check_string(info->guest_os, sizeof(info->guest_os));
    check_string(info->guest_version, sizeof(info->guest_version));
    check_string(info->xen_version, sizeof(info->xen_version));
    check_string(info->loader, sizeof(info->loader));
    for (i = 0; i < info->nr_segments; i++) {
        const struct elf_image_seg *s = &info->segs[i];

        check(s->filesz <= s->memsz);
        check(s->offset <= size && s->filesz <= size - s->offset);
        check(s->vaddr >= info->virt_kstart && s->vaddr <= info->virt_kend);
        check(s->memsz <= info->virt_kend - s->vaddr);
    }
}

static void check_load(const uint8_t *data, size_t size, const struct elf_image_info *info)
{
    struct load_check c = { .info = info, .image = data, .size = size };
    uint64_t total = 0;
    unsigned int i;

    check(elf_image_load(data, size, info, copy_cb, zero_cb, &c) == 0);
    for (i = 0; i < info->nr_segments; i++)
        total += info->segs[i].memsz;
    check(c.written == total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_image_info all, none;
    const char *why_all, *why_none;
    int rc_all = elf_image_parse(data, size, ~0U, &all, &why_all);
    int rc_none = elf_image_parse(data, size, 0, &none, &why_none);

    if (rc_all) {
        check(rc_all == -ENOEXEC || rc_all == -EINVAL || rc_all == -E2BIG ||
              rc_all == -EOPNOTSUPP);
        check(why_all && why_all[0] && strlen(why_all) < ELF_IMAGE_WHY_LEN);
        /* Offering less cannot help; it can only fail sooner. */
        check(rc_none == rc_all || rc_none == -EOPNOTSUPP);
        return 0;
    }
    check(why_all == NULL);
    check_info(&all, size);
    /* Offering no features fails exactly when some feature is required. */
    check((rc_none == -EOPNOTSUPP) == (all.features_required[0] != 0));
    check(rc_none == 0 || rc_none == -EOPNOTSUPP);
    check(rc_none != 0 || memcmp(&all, &none, sizeof(all)) == 0);
    elf_image_check_xen(&all, &why_all);
    check_load(data, size, &all);
    return 0;
}
