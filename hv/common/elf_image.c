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
#include <proxen/elf_image.h>
#include <proxen/errno.h>
#include <proxen/lib.h>

/* ELF64 layouts and constants (System V gABI, x86-64 psABI). */
struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_shdr {
    uint32_t sh_name, sh_type;
    uint64_t sh_flags, sh_addr, sh_offset, sh_size;
    uint32_t sh_link, sh_info;
    uint64_t sh_addralign, sh_entsize;
};

struct elf_note_hdr {
    uint32_t namesz, descsz, type;
};

BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(sizeof(struct elf64_shdr) != 64);
BUILD_BUG_ON(sizeof(struct elf_note_hdr) != 12);

#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_X86_64     62
#define PT_LOAD       1
#define PT_NOTE       4
#define PF_X          1
#define PF_W          2
#define PF_R          4
#define SHT_NOTE      7
#define SHT_NOBITS    8
#define SHN_UNDEF     0

/* Real kernels carry a few dozen notes; the caps bound the work a crafted
 * image can cause (many headers pointing at the same notes). */
#define MAX_NOTES     1024
#define MAX_STRING    4096      /* Xen's limit on a note string */

#define CANONICAL_LOW_END   0x0000800000000000ULL
#define CANONICAL_HIGH_BASE 0xffff800000000000ULL

struct parse {
    const uint8_t *img;
    uint64_t size;
    struct elf_image_info *info;
    struct elf64_ehdr eh;
    unsigned int seg_phdr[ELF_IMAGE_MAX_SEGS];  /* for messages */
    unsigned int nr_notes;
    unsigned int nr_xen_notes;
};

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

static int fail(struct parse *p, int err, const char *msg)
{
    size_t len = 0;

    why_add(p->info, &len, msg, strlen(msg));
    return err;
}

/* "<what> <n> <msg>", e.g. "segment 2 extends beyond the image". */
static int fail_at(struct parse *p, int err, const char *what, unsigned int n,
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
static int fail_name(struct parse *p, int err, const char *msg,
                     const char *name, size_t name_len)
{
    size_t len = 0;

    why_add(p->info, &len, msg, strlen(msg));
    why_add(p->info, &len, name, name_len);
    return err;
}

/* ---- small helpers -------------------------------------------------- */

static bool in_image(const struct parse *p, uint64_t off, uint64_t len)
{
    return off <= p->size && len <= p->size - off;
}

static void read_phdr(const struct parse *p, unsigned int i, struct elf64_phdr *ph)
{
    memcpy(ph, p->img + p->eh.e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static void read_shdr(const struct parse *p, unsigned int i, struct elf64_shdr *sh)
{
    memcpy(sh, p->img + p->eh.e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

static bool word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

static bool contains(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word), i;

    for (i = 0; i + n <= len; i++) {
        if (memcmp(s + i, word, n) == 0)
            return true;
    }
    return false;
}

static size_t span_until(const char *s, size_t len, char stop)
{
    size_t i = 0;

    while (i < len && s[i] != stop)
        i++;
    return i;
}

static void copy_str(char dst[ELF_IMAGE_STR_LEN], const char *src, size_t len)
{
    len = MIN(len, (size_t)ELF_IMAGE_STR_LEN - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void mark(struct parse *p, unsigned int type)
{
    p->info->notes_seen |= 1U << type;
}

static bool seen(const struct elf_image_info *info, unsigned int type)
{
    return info->notes_seen & (1U << type);
}

/* ---- headers and segments ------------------------------------------- */

static int check_ident(struct parse *p)
{
    const uint8_t *id = p->img;

    if (p->size < sizeof(p->eh))
        return fail(p, -ENOEXEC, "image is smaller than an ELF header");
    if (memcmp(id, "\177ELF", 4) != 0)
        return fail(p, -ENOEXEC, "not an ELF image");
    if (id[EI_CLASS] != ELFCLASS64)
        return fail(p, -ENOEXEC, "not a 64-bit ELF image");
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(p, -ENOEXEC, "not a little-endian ELF image");
    if (id[EI_VERSION] != EV_CURRENT)
        return fail(p, -ENOEXEC, "unknown ELF version");
    memcpy(&p->eh, p->img, sizeof(p->eh));
    if (p->eh.e_machine != EM_X86_64)
        return fail(p, -ENOEXEC, "not an x86-64 image");
    if (p->eh.e_type != ET_EXEC)
        return fail(p, -ENOEXEC, "not an executable (ET_EXEC) image");
    if (p->eh.e_ehsize != sizeof(p->eh))
        return fail(p, -EINVAL, "ELF header size is not 64");
    return 0;
}

/* Both header tables lie wholly inside the image, so that afterwards any
 * entry below e_phnum/e_shnum can be read without further checks. */
static int check_tables(struct parse *p)
{
    const struct elf64_ehdr *eh = &p->eh;

    if (eh->e_phnum == 0)
        return fail(p, -EINVAL, "no program headers");
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(p, -EINVAL, "program header size is not 56");
    if (!in_image(p, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr)))
        return fail(p, -EINVAL, "program header table extends beyond the image");
    if (eh->e_shnum == 0)
        return 0;
    if (eh->e_shentsize != sizeof(struct elf64_shdr))
        return fail(p, -EINVAL, "section header size is not 64");
    if (!in_image(p, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr)))
        return fail(p, -EINVAL, "section header table extends beyond the image");
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

    if (!in_image(p, ph->p_offset, ph->p_filesz))
        return fail_at(p, -EINVAL, "segment", i, "extends beyond the image");
    if (ph->p_filesz > ph->p_memsz)
        return fail_at(p, -EINVAL, "segment", i, "has more file bytes than memory bytes");
    if (ph->p_memsz > ELF_IMAGE_MAX_SPAN)
        return fail_at(p, -E2BIG, "segment", i, "is larger than 1 GiB");
    if (info->nr_segments == ELF_IMAGE_MAX_SEGS)
        return fail(p, -E2BIG, "more than 16 loadable segments");
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
        read_phdr(p, i, &ph);
        if (is_loadable(&ph) && (rc = add_segment(p, i, &ph)))
            return rc;
    }
    if (p->info->nr_segments == 0)
        return fail(p, -EINVAL, "no loadable segment");
    return 0;
}

/* ---- FEATURES strings ----------------------------------------------- */

/* The names Xen accepts in a FEATURES string (features.h without the
 * XENFEAT_ prefix). */
static const struct {
    const char *name;
    unsigned int bit;
} feature_names[] = {
    { "writable_page_tables", XENFEAT_writable_page_tables },
    { "writable_descriptor_tables", XENFEAT_writable_descriptor_tables },
    { "auto_translated_physmap", XENFEAT_auto_translated_physmap },
    { "supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel },
    { "pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb },
    { "hvm_callback_vector", XENFEAT_hvm_callback_vector },
    { "dom0", XENFEAT_dom0 },
};

static void set_feature(uint32_t *map, unsigned int bit)
{
    map[bit / 32] |= 1U << (bit % 32);
}

/* One '|'-separated item: "name" (supported) or "!name" (required).  An
 * unknown optional name is skipped; an unknown required one cannot be
 * satisfied. */
static int parse_feature(struct parse *p, const char *s, size_t len)
{
    bool required = len > 0 && s[0] == '!';
    size_t i;

    if (required) {
        s++;
        len--;
    }
    for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
        if (word_is(s, len, feature_names[i].name)) {
            set_feature(p->info->features_supported, feature_names[i].bit);
            if (required)
                set_feature(p->info->features_required, feature_names[i].bit);
            return 0;
        }
    }
    if (required)
        return fail_name(p, -EOPNOTSUPP, "kernel requires unknown feature ", s, len);
    return 0;
}

static int parse_features(struct parse *p, const char *s, size_t len)
{
    while (len) {
        size_t item = span_until(s, len, '|');
        int rc = parse_feature(p, s, item);

        if (rc)
            return rc;
        item += item < len;         /* and the '|' */
        s += item;
        len -= item;
    }
    return 0;
}

static const char *feature_name(unsigned int bit)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
        if (feature_names[i].bit == bit)
            return feature_names[i].name;
    }
    return "(unnamed)";
}

static int check_features(struct parse *p, uint32_t hv_features)
{
    const uint32_t offered[ELF_IMAGE_FEATURE_WORDS] = { hv_features };
    unsigned int w;

    for (w = 0; w < ELF_IMAGE_FEATURE_WORDS; w++) {
        uint32_t missing = p->info->features_required[w] & ~offered[w];
        const char *name;

        if (!missing)
            continue;
        name = feature_name(w * 32 + (unsigned int)__builtin_ctz(missing));
        return fail_name(p, -EOPNOTSUPP, "kernel requires unsupported feature ",
                         name, strlen(name));
    }
    return 0;
}

/* ---- Xen ELF notes -------------------------------------------------- */

struct note {
    uint32_t type;
    const uint8_t *desc;
    uint32_t size;
};

/* Numeric notes are 4 or 8 bytes (elfnote.h), little-endian. */
static int note_number(struct parse *p, const struct note *n, uint64_t *out)
{
    uint32_t v32;

    if (n->size == 8) {
        memcpy(out, n->desc, 8);
    } else if (n->size == 4) {
        memcpy(&v32, n->desc, 4);
        *out = v32;
    } else {
        return fail_at(p, -EINVAL, "Xen note", n->type, "is not a 4- or 8-byte number");
    }
    mark(p, n->type);
    return 0;
}

static int note_flag(struct parse *p, const struct note *n, bool *out)
{
    uint64_t v = 0;
    int rc = note_number(p, n, &v);

    *out = !rc && v;
    return rc;
}

/* A string note ends at its first NUL or at the end of its descriptor. */
static int note_string(struct parse *p, const struct note *n, size_t *len)
{
    *len = strnlen((const char *)n->desc, MIN(n->size, (uint32_t)MAX_STRING + 1));
    if (*len > MAX_STRING)
        return fail_at(p, -EINVAL, "Xen note", n->type, "holds a string over 4096 bytes");
    mark(p, n->type);
    return 0;
}

static int note_copy_string(struct parse *p, const struct note *n, char *dst)
{
    size_t len;
    int rc = note_string(p, n, &len);

    if (!rc)
        copy_str(dst, (const char *)n->desc, len);
    return rc;
}

static int note_text(struct parse *p, const struct note *n)
{
    const char *s = (const char *)n->desc;
    size_t len;
    int rc = note_string(p, n, &len);

    if (rc)
        return rc;
    switch (n->type) {
    case XEN_ELFNOTE_PAE_MODE:
        p->info->pae_mode_ok = word_is(s, len, "yes") || contains(s, len, "bimodal");
        return 0;
    case XEN_ELFNOTE_BSD_SYMTAB:
        p->info->bsd_symtab = word_is(s, len, "yes");
        return 0;
    default:    /* XEN_ELFNOTE_FEATURES */
        return parse_features(p, s, len);
    }
}

/* SUPPORTED_FEATURES: 32-bit words of XENFEAT bits, ORed into what the
 * FEATURES string said; words beyond the ones Proxen knows are ignored. */
static int note_feature_words(struct parse *p, const struct note *n)
{
    uint32_t word;
    unsigned int w;

    if (n->size == 0 || n->size % 4)
        return fail(p, -EINVAL, "SUPPORTED_FEATURES note is not a list of 32-bit words");
    for (w = 0; w < ELF_IMAGE_FEATURE_WORDS && w < n->size / 4; w++) {
        memcpy(&word, n->desc + 4 * w, 4);
        p->info->features_supported[w] |= word;
    }
    mark(p, n->type);
    return 0;
}

static int xen_note(struct parse *p, const struct note *n)
{
    struct elf_image_info *info = p->info;

    switch (n->type) {
    case XEN_ELFNOTE_ENTRY:          return note_number(p, n, &info->entry);
    case XEN_ELFNOTE_HYPERCALL_PAGE: return note_number(p, n, &info->hypercall_page);
    case XEN_ELFNOTE_VIRT_BASE:      return note_number(p, n, &info->virt_base);
    case XEN_ELFNOTE_PADDR_OFFSET:   return note_number(p, n, &info->paddr_offset);
    case XEN_ELFNOTE_HV_START_LOW:   return note_number(p, n, &info->hv_start_low);
    case XEN_ELFNOTE_INIT_P2M:       return note_number(p, n, &info->init_p2m);
    case XEN_ELFNOTE_PHYS32_ENTRY:   return note_number(p, n, &info->phys32_entry);
    case XEN_ELFNOTE_SUSPEND_CANCEL: return note_flag(p, n, &info->suspend_cancel);
    case XEN_ELFNOTE_MOD_START_PFN:  return note_flag(p, n, &info->mod_start_pfn);
    case XEN_ELFNOTE_XEN_VERSION:    return note_copy_string(p, n, info->xen_version);
    case XEN_ELFNOTE_GUEST_OS:       return note_copy_string(p, n, info->guest_os);
    case XEN_ELFNOTE_GUEST_VERSION:  return note_copy_string(p, n, info->guest_version);
    case XEN_ELFNOTE_LOADER:         return note_copy_string(p, n, info->loader);
    case XEN_ELFNOTE_PAE_MODE:
    case XEN_ELFNOTE_BSD_SYMTAB:
    case XEN_ELFNOTE_FEATURES:       return note_text(p, n);
    case XEN_ELFNOTE_SUPPORTED_FEATURES: return note_feature_words(p, n);
    default:
        /* INFO, L1_MFN_VALID, PHYS32_RELOC and types unknown to Proxen
         * tell a 64-bit PV build nothing it uses; Xen skips them too. */
        if (n->type < 32)
            mark(p, n->type);
        return 0;
    }
}

struct region {
    const char *kind;           /* "segment" or "section", for messages */
    unsigned int index;
    uint64_t off, len;          /* already checked to lie in the image */
};

/* Walk the notes of one region.  Name and descriptor must lie inside it;
 * only the padding after the last descriptor may be cut off. */
static int parse_note_region(struct parse *p, const struct region *r)
{
    const uint8_t *base = p->img + r->off;
    uint64_t pos = 0;

    while (pos < r->len) {
        struct elf_note_hdr nh;
        uint64_t name, desc;
        int rc;

        if (++p->nr_notes > MAX_NOTES)
            return fail(p, -EINVAL, "more than 1024 ELF notes");
        if (r->len - pos < sizeof(nh))
            return fail_at(p, -EINVAL, r->kind, r->index, "ends inside a note header");
        memcpy(&nh, base + pos, sizeof(nh));
        name = pos + sizeof(nh);
        desc = name + ROUNDUP((uint64_t)nh.namesz, 4);
        if (desc > r->len || nh.descsz > r->len - desc)
            return fail_at(p, -EINVAL, r->kind, r->index, "holds a note that overruns it");
        if (nh.namesz == sizeof(XEN_ELFNOTE_NAME) &&
            memcmp(base + name, XEN_ELFNOTE_NAME, sizeof(XEN_ELFNOTE_NAME)) == 0) {
            p->nr_xen_notes++;
            rc = xen_note(p, &(struct note){ nh.type, base + desc, nh.descsz });
            if (rc)
                return rc;
        }
        pos = desc + ROUNDUP((uint64_t)nh.descsz, 4);
    }
    return 0;
}

static int parse_note_segments(struct parse *p)
{
    struct elf64_phdr ph;
    unsigned int i;
    int rc;

    for (i = 0; i < p->eh.e_phnum; i++) {
        read_phdr(p, i, &ph);
        if (ph.p_type != PT_NOTE || ph.p_offset == 0)
            continue;
        if (!in_image(p, ph.p_offset, ph.p_filesz))
            return fail_at(p, -EINVAL, "segment", i, "extends beyond the image");
        rc = parse_note_region(p, &(struct region){ "segment", i, ph.p_offset, ph.p_filesz });
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_note_sections(struct parse *p)
{
    struct elf64_shdr sh;
    unsigned int i;
    int rc;

    /* Section 0 is the reserved null entry. */
    for (i = 1; i < p->eh.e_shnum; i++) {
        read_shdr(p, i, &sh);
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!in_image(p, sh.sh_offset, sh.sh_size))
            return fail_at(p, -EINVAL, "section", i, "extends beyond the image");
        rc = parse_note_region(p, &(struct region){ "section", i, sh.sh_offset, sh.sh_size });
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- legacy __xen_guest string ------------------------------------------
 * "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x...,HYPERCALL_PAGE=0x2,..."
 * Numbers follow strtoull base 0; HYPERCALL_PAGE is a page number counted
 * from VIRT_BASE. */

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

static int parse_number(const char *s, size_t len, uint64_t *out)
{
    unsigned int base = 10;
    uint64_t v = 0;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    } else if (len > 1 && s[0] == '0') {
        base = 8;
    }
    if (len == 0)
        return -EINVAL;
    for (; len; s++, len--) {
        unsigned int d = (unsigned int)digit_value(*s);

        if (d >= base || v > (UINT64_MAX - d) / base)
            return -EINVAL;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static int guest_info_number(struct parse *p, const char *s, size_t len,
                             uint64_t *out, unsigned int type)
{
    if (parse_number(s, len, out))
        return fail(p, -EINVAL, "__xen_guest holds a malformed number");
    mark(p, type);
    return 0;
}

static int guest_info_item(struct parse *p, const char *s, size_t len)
{
    struct elf_image_info *info = p->info;
    size_t klen = span_until(s, len, '=');
    const char *v = s + klen + (klen < len);
    size_t vlen = len - klen - (klen < len);

    if (word_is(s, klen, "LOADER"))
        copy_str(info->loader, v, vlen);
    else if (word_is(s, klen, "GUEST_OS"))
        copy_str(info->guest_os, v, vlen);
    else if (word_is(s, klen, "GUEST_VER"))
        copy_str(info->guest_version, v, vlen);
    else if (word_is(s, klen, "XEN_VER"))
        copy_str(info->xen_version, v, vlen);
    else if (word_is(s, klen, "PAE"))
        info->pae_mode_ok = vlen >= 3 && memcmp(v, "yes", 3) == 0;
    else if (word_is(s, klen, "BSD_SYMTAB"))
        info->bsd_symtab = true;    /* presence is the flag here */
    else if (word_is(s, klen, "VIRT_BASE"))
        return guest_info_number(p, v, vlen, &info->virt_base, XEN_ELFNOTE_VIRT_BASE);
    else if (word_is(s, klen, "VIRT_ENTRY"))
        return guest_info_number(p, v, vlen, &info->entry, XEN_ELFNOTE_ENTRY);
    else if (word_is(s, klen, "ELF_PADDR_OFFSET"))
        return guest_info_number(p, v, vlen, &info->paddr_offset, XEN_ELFNOTE_PADDR_OFFSET);
    else if (word_is(s, klen, "HYPERCALL_PAGE"))
        return guest_info_number(p, v, vlen, &info->hypercall_page, XEN_ELFNOTE_HYPERCALL_PAGE);
    else if (word_is(s, klen, "FEATURES"))
        return parse_features(p, v, vlen);
    return 0;
}

static int parse_guest_info(struct parse *p, const char *s, size_t len)
{
    struct elf_image_info *info = p->info;
    int rc;

    while (len) {
        size_t item = span_until(s, len, ',');

        if ((rc = guest_info_item(p, s, item)))
            return rc;
        item += item < len;         /* and the ',' */
        s += item;
        len -= item;
    }
    if (seen(info, XEN_ELFNOTE_HYPERCALL_PAGE)) {
        if (info->hypercall_page > (UINT64_MAX >> PAGE_SHIFT))
            return fail(p, -EINVAL, "__xen_guest HYPERCALL_PAGE is too large");
        info->hypercall_page = (info->hypercall_page << PAGE_SHIFT) + info->virt_base;
    }
    return 0;
}

/* A bad string table only means the name cannot match. */
static bool section_named(const struct parse *p, const struct elf64_shdr *sh,
                          const char *name)
{
    struct elf64_shdr strtab;
    size_t len = strlen(name) + 1;

    if (p->eh.e_shstrndx == SHN_UNDEF || p->eh.e_shstrndx >= p->eh.e_shnum)
        return false;
    read_shdr(p, p->eh.e_shstrndx, &strtab);
    if (!in_image(p, strtab.sh_offset, strtab.sh_size) ||
        sh->sh_name > strtab.sh_size || len > strtab.sh_size - sh->sh_name)
        return false;
    return memcmp(p->img + strtab.sh_offset + sh->sh_name, name, len) == 0;
}

static int parse_legacy_section(struct parse *p)
{
    struct elf64_shdr sh;
    unsigned int i;

    for (i = 1; i < p->eh.e_shnum; i++) {
        read_shdr(p, i, &sh);
        if (sh.sh_type == SHT_NOBITS || !section_named(p, &sh, "__xen_guest"))
            continue;
        if (!in_image(p, sh.sh_offset, sh.sh_size))
            return fail_at(p, -EINVAL, "section", i, "extends beyond the image");
        p->info->has_xen_notes = p->info->legacy_guest_info = true;
        return parse_guest_info(p, (const char *)p->img + sh.sh_offset,
                                strnlen((const char *)p->img + sh.sh_offset, sh.sh_size));
    }
    return 0;
}

static int parse_xen_metadata(struct parse *p)
{
    int rc;

    if ((rc = parse_note_segments(p)))
        return rc;
    if (p->nr_xen_notes == 0 && (rc = parse_note_sections(p)))
        return rc;
    if (p->nr_xen_notes) {
        p->info->has_xen_notes = true;
        return 0;
    }
    return parse_legacy_section(p);
}

/* ---- placement ------------------------------------------------------ */

static bool canonical(uint64_t va)
{
    return va < CANONICAL_LOW_END || va >= CANONICAL_HIGH_BASE;
}

/* [va, va + len) neither wraps nor touches the non-canonical hole. */
static bool range_canonical(uint64_t va, uint64_t len)
{
    uint64_t last;

    if (len > UINT64_MAX - va)
        return false;
    last = len ? va + len - 1 : va;
    return canonical(va) && canonical(last) && (va >> 63) == (last >> 63);
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

    if (seen(info, XEN_ELFNOTE_PADDR_OFFSET) && !seen(info, XEN_ELFNOTE_VIRT_BASE))
        return fail(p, -EINVAL, "PADDR_OFFSET given without VIRT_BASE");
    if (!seen(info, XEN_ELFNOTE_PADDR_OFFSET))
        info->paddr_offset = info->legacy_guest_info ? info->virt_base : 0;
    /* Modular on purpose: PADDR_OFFSET above VIRT_BASE moves segments down. */
    shift = info->virt_base - info->paddr_offset;
    info->virt_kstart = UINT64_MAX;
    for (i = 0; i < info->nr_segments; i++) {
        struct elf_image_seg *s = &info->segs[i];

        s->vaddr += shift;
        if (!range_canonical(s->vaddr, s->memsz))
            return fail_at(p, -EINVAL, "segment", p->seg_phdr[i], "is not at canonical addresses");
        for (j = 0; j < i; j++) {
            if (overlap(&info->segs[j], s))
                return fail_at(p, -EINVAL, "segment", p->seg_phdr[i], "overlaps another segment");
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
        return fail(p, -EINVAL, "VIRT_BASE lies above the first segment");
    if (info->virt_kend - info->virt_base > ELF_IMAGE_MAX_SPAN)
        return fail(p, -E2BIG, "kernel ends more than 1 GiB above VIRT_BASE");
    if (!seen(info, XEN_ELFNOTE_ENTRY))
        info->entry = p->eh.e_entry;
    if (info->entry < info->virt_kstart || info->entry > info->virt_kend)
        return fail(p, -EINVAL, "entry point lies outside the kernel");
    if (seen(info, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        (hc < info->virt_kstart || hc >= info->virt_kend || !IS_ALIGNED(hc, PAGE_SIZE)))
        return fail(p, -EINVAL, "hypercall page is not a page inside the kernel");
    if (seen(info, XEN_ELFNOTE_INIT_P2M) &&
        info->init_p2m >= info->virt_kstart && info->init_p2m < info->virt_kend)
        return fail(p, -EINVAL, "INIT_P2M lies inside the kernel");
    return 0;
}

/* ---- entry points --------------------------------------------------- */

static int parse_image(struct parse *p, uint32_t hv_features)
{
    int rc;

    if ((rc = check_ident(p)) || (rc = check_tables(p)) ||
        (rc = collect_segments(p)) || (rc = parse_xen_metadata(p)) ||
        (rc = check_features(p, hv_features)) || (rc = place_segments(p)) ||
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
