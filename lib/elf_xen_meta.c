/* The Xen metadata of a guest kernel image: ELF notes named "Xen" (from
 * PT_NOTE segments, else SHT_NOTE sections), the FEATURES string, and the
 * legacy "__xen_guest" section of very old kernels.  See elf_image.h for
 * the rules. */
#include <lib/strtoul.h>
#include "elf_image_internal.h"

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
        if (elf_word_is(s, len, feature_names[i].name)) {
            set_feature(p->info->features_supported, feature_names[i].bit);
            if (required)
                set_feature(p->info->features_required, feature_names[i].bit);
            return 0;
        }
    }
    if (required)
        return elf_fail_name(p, -EOPNOTSUPP, "kernel requires unknown feature ", s, len);
    return 0;
}

static int parse_features(struct parse *p, const char *s, size_t len)
{
    while (len) {
        size_t item = elf_span_until(s, len, '|');
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

int elf_check_features(struct parse *p, uint32_t hv_features)
{
    const uint32_t offered[ELF_IMAGE_FEATURE_WORDS] = { hv_features };
    unsigned int w;

    for (w = 0; w < ELF_IMAGE_FEATURE_WORDS; w++) {
        uint32_t missing = p->info->features_required[w] & ~offered[w];
        const char *name;

        if (!missing)
            continue;
        name = feature_name(w * 32 + (unsigned int)__builtin_ctz(missing));
        return elf_fail_name(p, -EOPNOTSUPP, "kernel requires unsupported feature ",
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
        return elf_fail_at(p, -EINVAL, "Xen note", n->type, "is not a 4- or 8-byte number");
    }
    elf_mark(p, n->type);
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
        return elf_fail_at(p, -EINVAL, "Xen note", n->type, "holds a string over 4096 bytes");
    elf_mark(p, n->type);
    return 0;
}

static int note_copy_string(struct parse *p, const struct note *n, char *dst)
{
    size_t len;
    int rc = note_string(p, n, &len);

    if (!rc)
        elf_copy_str(dst, (const char *)n->desc, len);
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
        p->info->pae_mode_ok = elf_word_is(s, len, "yes") || elf_contains(s, len, "bimodal");
        return 0;
    case XEN_ELFNOTE_BSD_SYMTAB:
        p->info->bsd_symtab = elf_word_is(s, len, "yes");
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
        return elf_fail(p, -EINVAL, "SUPPORTED_FEATURES note is not a list of 32-bit words");
    for (w = 0; w < ELF_IMAGE_FEATURE_WORDS && w < n->size / 4; w++) {
        memcpy(&word, n->desc + 4 * w, 4);
        p->info->features_supported[w] |= word;
    }
    elf_mark(p, n->type);
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
            elf_mark(p, n->type);
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
            return elf_fail(p, -EINVAL, "more than 1024 ELF notes");
        if (r->len - pos < sizeof(nh))
            return elf_fail_at(p, -EINVAL, r->kind, r->index, "ends inside a note header");
        memcpy(&nh, base + pos, sizeof(nh));
        name = pos + sizeof(nh);
        desc = name + ROUNDUP((uint64_t)nh.namesz, 4);
        if (desc > r->len || nh.descsz > r->len - desc)
            return elf_fail_at(p, -EINVAL, r->kind, r->index, "holds a note that overruns it");
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
        elf_read_phdr(p, i, &ph);
        if (ph.p_type != PT_NOTE || ph.p_offset == 0)
            continue;
        if (!elf_in_image(p, ph.p_offset, ph.p_filesz))
            return elf_fail_at(p, -EINVAL, "segment", i, "extends beyond the image");
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
        elf_read_shdr(p, i, &sh);
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!elf_in_image(p, sh.sh_offset, sh.sh_size))
            return elf_fail_at(p, -EINVAL, "section", i, "extends beyond the image");
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

/* The whole of [s, s + len) is one number, or -EINVAL (an overflowing
 * number stops the parse at a digit, short of the end). */
static int parse_number(const char *s, size_t len, uint64_t *out)
{
    const char *end;
    uint64_t v;

    if (len == 0)
        return -EINVAL;
    v = simple_strntoull(s, len, &end, 0);
    if (end != s + len)
        return -EINVAL;
    *out = v;
    return 0;
}

static int guest_info_number(struct parse *p, const char *s, size_t len,
                             uint64_t *out, unsigned int type)
{
    if (parse_number(s, len, out))
        return elf_fail(p, -EINVAL, "__xen_guest holds a malformed number");
    elf_mark(p, type);
    return 0;
}

static int guest_info_item(struct parse *p, const char *s, size_t len)
{
    struct elf_image_info *info = p->info;
    size_t klen = elf_span_until(s, len, '=');
    const char *v = s + klen + (klen < len);
    size_t vlen = len - klen - (klen < len);

    if (elf_word_is(s, klen, "LOADER"))
        elf_copy_str(info->loader, v, vlen);
    else if (elf_word_is(s, klen, "GUEST_OS"))
        elf_copy_str(info->guest_os, v, vlen);
    else if (elf_word_is(s, klen, "GUEST_VER"))
        elf_copy_str(info->guest_version, v, vlen);
    else if (elf_word_is(s, klen, "XEN_VER"))
        elf_copy_str(info->xen_version, v, vlen);
    else if (elf_word_is(s, klen, "PAE"))
        info->pae_mode_ok = vlen >= 3 && memcmp(v, "yes", 3) == 0;
    else if (elf_word_is(s, klen, "BSD_SYMTAB"))
        info->bsd_symtab = true;    /* presence is the flag here */
    else if (elf_word_is(s, klen, "VIRT_BASE"))
        return guest_info_number(p, v, vlen, &info->virt_base, XEN_ELFNOTE_VIRT_BASE);
    else if (elf_word_is(s, klen, "VIRT_ENTRY"))
        return guest_info_number(p, v, vlen, &info->entry, XEN_ELFNOTE_ENTRY);
    else if (elf_word_is(s, klen, "ELF_PADDR_OFFSET"))
        return guest_info_number(p, v, vlen, &info->paddr_offset, XEN_ELFNOTE_PADDR_OFFSET);
    else if (elf_word_is(s, klen, "HYPERCALL_PAGE"))
        return guest_info_number(p, v, vlen, &info->hypercall_page, XEN_ELFNOTE_HYPERCALL_PAGE);
    else if (elf_word_is(s, klen, "FEATURES"))
        return parse_features(p, v, vlen);
    return 0;
}

static int parse_guest_info(struct parse *p, const char *s, size_t len)
{
    struct elf_image_info *info = p->info;
    int rc;

    while (len) {
        size_t item = elf_span_until(s, len, ',');

        if ((rc = guest_info_item(p, s, item)))
            return rc;
        item += item < len;         /* and the ',' */
        s += item;
        len -= item;
    }
    if (elf_seen(info, XEN_ELFNOTE_HYPERCALL_PAGE)) {
        if (info->hypercall_page > (UINT64_MAX >> PAGE_SHIFT))
            return elf_fail(p, -EINVAL, "__xen_guest HYPERCALL_PAGE is too large");
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
    elf_read_shdr(p, p->eh.e_shstrndx, &strtab);
    if (!elf_in_image(p, strtab.sh_offset, strtab.sh_size) ||
        sh->sh_name > strtab.sh_size || len > strtab.sh_size - sh->sh_name)
        return false;
    return memcmp(p->img + strtab.sh_offset + sh->sh_name, name, len) == 0;
}

static int parse_legacy_section(struct parse *p)
{
    struct elf64_shdr sh;
    unsigned int i;

    for (i = 1; i < p->eh.e_shnum; i++) {
        elf_read_shdr(p, i, &sh);
        if (sh.sh_type == SHT_NOBITS || !section_named(p, &sh, "__xen_guest"))
            continue;
        if (!elf_in_image(p, sh.sh_offset, sh.sh_size))
            return elf_fail_at(p, -EINVAL, "section", i, "extends beyond the image");
        p->info->has_xen_notes = p->info->legacy_guest_info = true;
        return parse_guest_info(p, (const char *)p->img + sh.sh_offset,
                                strnlen((const char *)p->img + sh.sh_offset, sh.sh_size));
    }
    return 0;
}

int elf_parse_xen_metadata(struct parse *p)
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

