/* Guest kernel image parser: ELF64 x86-64 executables with Xen metadata.
 *
 * The image is hostile.  Every offset and size is checked against the image
 * before the bytes behind it are read, with arithmetic that cannot wrap;
 * headers are copied into local structures (the image need not be aligned)
 * and each is read once.  The work done is bounded by the image size and a
 * cap on the number of notes, so a crafted image cannot stall the builder.
 *
 * What Xen does, and therefore what guests rely on:
 *  - only PT_LOAD headers with at least one of R/W/X are loaded, at
 *    p_paddr + VIRT_BASE - PADDR_OFFSET;
 *  - Xen notes are read from PT_NOTE segments (skipping those with file
 *    offset 0, which some binutils emit by mistake); only if none holds a
 *    Xen note are SHT_NOTE sections read, and only if those hold none
 *    either is the legacy "__xen_guest" string used;
 *  - VIRT_BASE defaults to 0; PADDR_OFFSET defaults to 0 with notes but to
 *    VIRT_BASE with __xen_guest, and may not be given without VIRT_BASE;
 *  - the entry point must lie in [virt_kstart, virt_kend], VIRT_BASE may
 *    not lie above virt_kstart, and INIT_P2M may not lie inside the kernel.
 * Proxen adds: segments may not overlap, every segment must sit at
 * canonical addresses, the hypercall page must be a whole page inside the
 * kernel, and the kernel must end within ELF_IMAGE_MAX_SPAN of VIRT_BASE. */
#include "elf_image_internal.h"

/* ---- error messages ------------------------------------------------- */

static void why_add(struct elf_image_info *info, size_t *len, const char *s,
                    size_t n)
{
    size_t room = sizeof(info->why) - 1 - *len;

    n = MIN(n, room);
    memcpy(info->why + *len, s, n);
    *len += n;
    info->why[*len] = '\0';
}

static void why_add_num(struct elf_image_info *info, size_t *len, unsigned int n)
{
    char digits[10];
    size_t i = sizeof(digits);

    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    why_add(info, len, digits + i, sizeof(digits) - i);
}

int elf_fail(struct parse *p, int err, const char *msg)
{
    size_t len = 0;

    why_add(p->info, &len, msg, strlen(msg));
    return err;
}

/* "<what> <n> <msg>", e.g. "segment 2 extends beyond the image". */
int elf_fail_at(struct parse *p, int err, const char *what, unsigned int n,
                   const char *msg)
{
    size_t len = 0;

    why_add(p->info, &len, what, strlen(what));
    why_add(p->info, &len, " ", 1);
    why_add_num(p->info, &len, n);
    why_add(p->info, &len, " ", 1);
    why_add(p->info, &len, msg, strlen(msg));
    return err;
}

/* msg followed by a name taken from the image (not terminated). */
int elf_fail_name(struct parse *p, int err, const char *msg,
                     const char *name, size_t name_len)
{
    size_t len = 0;

    why_add(p->info, &len, msg, strlen(msg));
    why_add(p->info, &len, name, name_len);
    return err;
}

/* ---- small helpers -------------------------------------------------- */

bool elf_in_image(const struct parse *p, uint64_t off, uint64_t len)
{
    return off <= p->size && len <= p->size - off;
}

void elf_read_phdr(const struct parse *p, unsigned int i, struct elf64_phdr *ph)
{
    memcpy(ph, p->img + p->eh.e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

void elf_read_shdr(const struct parse *p, unsigned int i, struct elf64_shdr *sh)
{
    memcpy(sh, p->img + p->eh.e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

bool elf_word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

bool elf_contains(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word), i;

    for (i = 0; i + n <= len; i++) {
        if (memcmp(s + i, word, n) == 0)
            return true;
    }
    return false;
}

size_t elf_span_until(const char *s, size_t len, char stop)
{
    size_t i = 0;

    while (i < len && s[i] != stop)
        i++;
    return i;
}

void elf_copy_str(char dst[ELF_IMAGE_STR_LEN], const char *src, size_t len)
{
    len = MIN(len, (size_t)ELF_IMAGE_STR_LEN - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void elf_mark(struct parse *p, unsigned int type)
{
    p->info->notes_seen |= 1U << type;
}

bool elf_seen(const struct elf_image_info *info, unsigned int type)
{
    return info->notes_seen & (1U << type);
}

/* ---- headers and segments ------------------------------------------- */

static int check_ident(struct parse *p)
{
    const uint8_t *id = p->img;

    if (p->size < sizeof(p->eh))
        return elf_fail(p, -ENOEXEC, "image is smaller than an ELF header");
    if (memcmp(id, "\177ELF", 4) != 0)
        return elf_fail(p, -ENOEXEC, "not an ELF image");
    if (id[EI_CLASS] != ELFCLASS64)
        return elf_fail(p, -ENOEXEC, "not a 64-bit ELF image");
    if (id[EI_DATA] != ELFDATA2LSB)
        return elf_fail(p, -ENOEXEC, "not a little-endian ELF image");
    if (id[EI_VERSION] != EV_CURRENT)
        return elf_fail(p, -ENOEXEC, "unknown ELF version");
    memcpy(&p->eh, p->img, sizeof(p->eh));
    if (p->eh.e_machine != EM_X86_64)
        return elf_fail(p, -ENOEXEC, "not an x86-64 image");
    if (p->eh.e_type != ET_EXEC)
        return elf_fail(p, -ENOEXEC, "not an executable (ET_EXEC) image");
    if (p->eh.e_ehsize != sizeof(p->eh))
        return elf_fail(p, -EINVAL, "ELF header size is not 64");
    return 0;
}

/* Both header tables lie wholly inside the image, so that afterwards any
 * entry below e_phnum/e_shnum can be read without further checks. */
static int check_tables(struct parse *p)
{
    const struct elf64_ehdr *eh = &p->eh;

    if (eh->e_phnum == 0)
        return elf_fail(p, -EINVAL, "no program headers");
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return elf_fail(p, -EINVAL, "program header size is not 56");
    if (!elf_in_image(p, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr)))
        return elf_fail(p, -EINVAL, "program header table extends beyond the image");
    if (eh->e_shnum == 0)
        return 0;
    if (eh->e_shentsize != sizeof(struct elf64_shdr))
        return elf_fail(p, -EINVAL, "section header size is not 64");
    if (!elf_in_image(p, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr)))
        return elf_fail(p, -EINVAL, "section header table extends beyond the image");
    return 0;
}

static bool is_loadable(const struct elf64_phdr *ph)
{
    return ph->p_type == PT_LOAD && (ph->p_flags & (PF_R | PF_W | PF_X));
}

/* Record a segment; its vaddr holds p_paddr until place_segments(). */
static int add_segment(struct parse *p, unsigned int i, const struct elf64_phdr *ph)
{
    struct elf_image_info *info = p->info;

    if (!elf_in_image(p, ph->p_offset, ph->p_filesz))
        return elf_fail_at(p, -EINVAL, "segment", i, "extends beyond the image");
    if (ph->p_filesz > ph->p_memsz)
        return elf_fail_at(p, -EINVAL, "segment", i, "has more file bytes than memory bytes");
    if (ph->p_memsz > ELF_IMAGE_MAX_SPAN)
        return elf_fail_at(p, -E2BIG, "segment", i, "is larger than 1 GiB");
    if (info->nr_segments == ELF_IMAGE_MAX_SEGS)
        return elf_fail(p, -E2BIG, "more than 16 loadable segments");
    p->seg_phdr[info->nr_segments] = i;
    info->segs[info->nr_segments++] = (struct elf_image_seg){
        .vaddr = ph->p_paddr, .filesz = ph->p_filesz,
        .memsz = ph->p_memsz, .offset = ph->p_offset,
    };
    return 0;
}

static int collect_segments(struct parse *p)
{
    struct elf64_phdr ph;
    unsigned int i;
    int rc;

    for (i = 0; i < p->eh.e_phnum; i++) {
        elf_read_phdr(p, i, &ph);
        if (is_loadable(&ph) && (rc = add_segment(p, i, &ph)))
            return rc;
    }
    if (p->info->nr_segments == 0)
        return elf_fail(p, -EINVAL, "no loadable segment");
    return 0;
}

/* ---- placement ------------------------------------------------------ */

/* [va, va + len) neither wraps nor touches the non-canonical hole. */
static bool range_canonical(uint64_t va, uint64_t len)
{
    uint64_t last;

    if (len > UINT64_MAX - va)
        return false;
    last = len ? va + len - 1 : va;
    return is_canonical(va) && is_canonical(last) && (va >> 63) == (last >> 63);
}

static bool overlap(const struct elf_image_seg *a, const struct elf_image_seg *b)
{
    /* An empty segment occupies nothing, wherever it sits. */
    return a->memsz && b->memsz &&
           a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static int place_segments(struct parse *p)
{
    struct elf_image_info *info = p->info;
    uint64_t shift;
    unsigned int i, j;

    if (elf_seen(info, XEN_ELFNOTE_PADDR_OFFSET) && !elf_seen(info, XEN_ELFNOTE_VIRT_BASE))
        return elf_fail(p, -EINVAL, "PADDR_OFFSET given without VIRT_BASE");
    if (!elf_seen(info, XEN_ELFNOTE_PADDR_OFFSET))
        info->paddr_offset = info->legacy_guest_info ? info->virt_base : 0;
    /* Modular on purpose: PADDR_OFFSET above VIRT_BASE moves segments down. */
    shift = info->virt_base - info->paddr_offset;
    info->virt_kstart = UINT64_MAX;
    for (i = 0; i < info->nr_segments; i++) {
        struct elf_image_seg *s = &info->segs[i];

        s->vaddr += shift;
        if (!range_canonical(s->vaddr, s->memsz))
            return elf_fail_at(p, -EINVAL, "segment", p->seg_phdr[i], "is not at canonical addresses");
        for (j = 0; j < i; j++) {
            if (overlap(&info->segs[j], s))
                return elf_fail_at(p, -EINVAL, "segment", p->seg_phdr[i], "overlaps another segment");
        }
        info->virt_kstart = MIN(info->virt_kstart, s->vaddr);
        info->virt_kend = MAX(info->virt_kend, s->vaddr + s->memsz);
    }
    return 0;
}

static int check_addresses(struct parse *p)
{
    struct elf_image_info *info = p->info;
    uint64_t hc = info->hypercall_page;

    if (info->virt_base > info->virt_kstart)
        return elf_fail(p, -EINVAL, "VIRT_BASE lies above the first segment");
    if (info->virt_kend - info->virt_base > ELF_IMAGE_MAX_SPAN)
        return elf_fail(p, -E2BIG, "kernel ends more than 1 GiB above VIRT_BASE");
    if (!elf_seen(info, XEN_ELFNOTE_ENTRY))
        info->entry = p->eh.e_entry;
    if (info->entry < info->virt_kstart || info->entry > info->virt_kend)
        return elf_fail(p, -EINVAL, "entry point lies outside the kernel");
    if (elf_seen(info, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        (hc < info->virt_kstart || hc >= info->virt_kend || !IS_ALIGNED(hc, PAGE_SIZE)))
        return elf_fail(p, -EINVAL, "hypercall page is not a page inside the kernel");
    if (elf_seen(info, XEN_ELFNOTE_INIT_P2M) &&
        info->init_p2m >= info->virt_kstart && info->init_p2m < info->virt_kend)
        return elf_fail(p, -EINVAL, "INIT_P2M lies inside the kernel");
    return 0;
}

/* ---- entry points --------------------------------------------------- */

static int parse_image(struct parse *p, uint32_t hv_features)
{
    int rc;

    if ((rc = check_ident(p)) || (rc = check_tables(p)) ||
        (rc = collect_segments(p)) || (rc = elf_parse_xen_metadata(p)) ||
        (rc = elf_check_features(p, hv_features)) || (rc = place_segments(p)) ||
        (rc = check_addresses(p)))
        return rc;
    return 0;
}

int elf_image_parse(const void *image, size_t size, uint32_t hv_features,
                    struct elf_image_info *info, const char **why)
{
    struct parse p = { .img = image, .size = size, .info = info };
    int rc;

    memset(info, 0, sizeof(*info));
    rc = parse_image(&p, hv_features);
    if (why)
        *why = rc ? info->why : NULL;
    return rc;
}

int elf_image_check_xen(const struct elf_image_info *info, const char **why)
{
    const char *problem = NULL;

    if (!info->has_xen_notes)
        problem = "no Xen ELF notes or __xen_guest section";
    else if (strncmp(info->loader, "generic", 7) != 0 &&
             strncmp(info->guest_os, "linux", 5) != 0)
        problem = "kernel is built neither for the generic loader nor as Linux";
    else if (strncmp(info->xen_version, "xen-3.0", 7) != 0)
        problem = "kernel is not built for xen-3.0";
    if (why)
        *why = problem;
    return problem ? -EINVAL : 0;
}

int elf_image_load(const void *image, size_t size,
                   const struct elf_image_info *info,
                   elf_image_copy_fn copy, elf_image_zero_fn zero, void *ctx)
{
    const uint8_t *img = image;
    unsigned int i;
    int rc;

    if (info->nr_segments > ELF_IMAGE_MAX_SEGS)
        return -EINVAL;
    for (i = 0; i < info->nr_segments; i++) {
        const struct elf_image_seg *s = &info->segs[i];

        /* Cheap insurance against an info that does not belong to image. */
        if (s->offset > size || s->filesz > size - s->offset || s->filesz > s->memsz)
            return -EINVAL;
        if (s->filesz && (rc = copy(ctx, s->vaddr, img + s->offset, s->filesz)))
            return rc;
        if (s->memsz > s->filesz &&
            (rc = zero(ctx, s->vaddr + s->filesz, s->memsz - s->filesz)))
            return rc;
    }
    return 0;
}
