/* The guest kernel image parser against synthetic images.  A small builder
 * lays out an ELF64 executable (header, program headers, notes in a
 * PT_NOTE segment and/or SHT_NOTE sections, an optional __xen_guest
 * section, segment bytes, section headers last); each test builds one,
 * perhaps damages a field, and checks the parse.  The builder uses the
 * host's <elf.h>, so the parser's private layouts are checked against an
 * independent definition. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/elf_image.h>
#include <lib/errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))

#define IMG_MAX    (64 * 1024)
#define MAX_SEGS   20
#define BLOB_MAX   (20 * 1024)
#define ALL_FEATURES 0xffffffffU

enum blob { IN_PHDR, IN_SECTION };

struct seg_spec {
    uint64_t paddr, filesz, memsz;
    uint32_t flags;
};

struct builder {
    struct seg_spec segs[MAX_SEGS];
    unsigned int nr_segs;
    uint8_t blob[2][BLOB_MAX];      /* serialized notes, per enum blob */
    size_t blob_len[2];
    bool phdr_notes, section_notes; /* emit the blob even when empty */
    const char *guest_info;         /* __xen_guest contents, or NULL */
    uint64_t entry;
};

/* Where the builder put things, for tests that damage them. */
struct image {
    _Alignas(16) uint8_t buf[IMG_MAX];
    size_t size;
    size_t seg_off[MAX_SEGS];
    unsigned int note_phdr;         /* index of the PT_NOTE header */
    size_t note_off[2];
    unsigned int note_shdr;         /* index of the SHT_NOTE section */
};

static struct builder b;
static struct image img;
static struct elf_image_info info;
static const char *why;

/* ---- the builder ------------------------------------------------------ */

static void b_reset(void)
{
    memset(&b, 0, sizeof(b));
}

static void b_seg(uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    assert_true(b.nr_segs < MAX_SEGS);
    b.segs[b.nr_segs++] = (struct seg_spec){ paddr, filesz, memsz, PF_R | PF_X };
}

/* A note with any name; the descriptor is padded to 4 bytes. */
static void b_raw_note(enum blob w, const char *name, uint32_t type,
                       const void *desc, uint32_t size)
{
    uint8_t *p = b.blob[w] + b.blob_len[w];
    uint32_t namesz = (uint32_t)strlen(name) + 1;
    uint32_t hdr[3] = { namesz, size, type };
    size_t len = 12 + ROUNDUP(namesz, 4) + ROUNDUP(size, 4);

    assert_true(b.blob_len[w] + len <= BLOB_MAX);
    memset(p, 0, len);
    memcpy(p, hdr, 12);
    memcpy(p + 12, name, namesz);
    if (size)
        memcpy(p + 12 + ROUNDUP(namesz, 4), desc, size);
    b.blob_len[w] += len;
}

static void b_note(enum blob w, uint32_t type, const void *desc, uint32_t size)
{
    b_raw_note(w, "Xen", type, desc, size);
}

static void b_note_str(enum blob w, uint32_t type, const char *s)
{
    b_note(w, type, s, (uint32_t)strlen(s) + 1);
}

static void b_note_u64(enum blob w, uint32_t type, uint64_t v)
{
    b_note(w, type, &v, 8);
}

static void b_note_u32(enum blob w, uint32_t type, uint32_t v)
{
    b_note(w, type, &v, 4);
}

static size_t put(const void *src, size_t len, size_t *pos)
{
    size_t at = ROUNDUP(*pos, 8);

    assert_true(at + len <= IMG_MAX);
    memcpy(img.buf + at, src, len);
    *pos = at + len;
    return at;
}

static Elf64_Phdr *phdr(unsigned int i)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img.buf;

    return (Elf64_Phdr *)(img.buf + eh->e_phoff) + i;
}

static Elf64_Shdr *shdr(unsigned int i)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img.buf;

    return (Elf64_Shdr *)(img.buf + eh->e_shoff) + i;
}

static Elf64_Ehdr *ehdr(void)
{
    return (Elf64_Ehdr *)img.buf;
}

static void build_ehdr(unsigned int phnum)
{
    Elf64_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
                     ELFDATA2LSB, EV_CURRENT },
        .e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
        .e_entry = b.entry, .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (uint16_t)phnum,
    };

    memcpy(img.buf, &eh, sizeof(eh));
}

/* Segment bytes: a pattern that tells segments and offsets apart. */
static void build_segments(size_t *pos)
{
    unsigned int i;
    uint64_t j;

    for (i = 0; i < b.nr_segs; i++) {
        Elf64_Phdr *ph = phdr(i);

        img.seg_off[i] = ROUNDUP(*pos, 8);
        assert_true(img.seg_off[i] + b.segs[i].filesz <= IMG_MAX);
        for (j = 0; j < b.segs[i].filesz; j++)
            img.buf[img.seg_off[i] + j] = (uint8_t)(0x40 + i * 16 + j * 7);
        *pos = img.seg_off[i] + b.segs[i].filesz;
        *ph = (Elf64_Phdr){
            .p_type = PT_LOAD, .p_flags = b.segs[i].flags,
            .p_offset = img.seg_off[i], .p_vaddr = b.segs[i].paddr,
            .p_paddr = b.segs[i].paddr, .p_filesz = b.segs[i].filesz,
            .p_memsz = b.segs[i].memsz, .p_align = 8,
        };
    }
}

struct strtab {
    char text[64];
    size_t len;
};

static uint32_t strtab_add(struct strtab *t, const char *name)
{
    size_t at = t->len;

    memcpy(t->text + at, name, strlen(name) + 1);
    t->len += strlen(name) + 1;
    return (uint32_t)at;
}

/* Section headers, last in the file: null, notes, __xen_guest, names. */
static void build_sections(size_t *pos)
{
    Elf64_Shdr sh[4] = { { 0 } };
    struct strtab names = { .len = 1 };
    unsigned int n = 1;
    size_t strtab_off;

    if (b.section_notes) {
        img.note_shdr = n;
        sh[n++] = (Elf64_Shdr){
            .sh_name = strtab_add(&names, ".note.Xen"), .sh_type = SHT_NOTE,
            .sh_offset = img.note_off[IN_SECTION], .sh_size = b.blob_len[IN_SECTION],
            .sh_addralign = 4,
        };
    }
    if (b.guest_info) {
        size_t len = strlen(b.guest_info) + 1;

        sh[n++] = (Elf64_Shdr){
            .sh_name = strtab_add(&names, "__xen_guest"), .sh_type = SHT_PROGBITS,
            .sh_offset = put(b.guest_info, len, pos), .sh_size = len, .sh_addralign = 1,
        };
    }
    sh[n] = (Elf64_Shdr){ .sh_name = strtab_add(&names, ".shstrtab"), .sh_type = SHT_STRTAB };
    strtab_off = put(names.text, names.len, pos);
    sh[n].sh_offset = strtab_off;
    sh[n].sh_size = names.len;
    ehdr()->e_shstrndx = (uint16_t)n;
    ehdr()->e_shnum = (uint16_t)(n + 1);
    ehdr()->e_shentsize = sizeof(Elf64_Shdr);
    ehdr()->e_shoff = put(sh, (n + 1) * sizeof(Elf64_Shdr), pos);
}

static void build(void)
{
    unsigned int phnum = b.nr_segs + (b.phdr_notes || b.blob_len[IN_PHDR] ? 1 : 0);
    size_t pos = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    bool sections = b.section_notes || b.blob_len[IN_SECTION] || b.guest_info;

    b.phdr_notes |= b.blob_len[IN_PHDR] > 0;
    b.section_notes |= b.blob_len[IN_SECTION] > 0;
    memset(&img, 0, sizeof(img));
    build_ehdr(phnum);
    if (b.phdr_notes) {
        img.note_phdr = b.nr_segs;
        img.note_off[IN_PHDR] = put(b.blob[IN_PHDR], b.blob_len[IN_PHDR], &pos);
        *phdr(b.nr_segs) = (Elf64_Phdr){
            .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = img.note_off[IN_PHDR],
            .p_filesz = b.blob_len[IN_PHDR], .p_memsz = b.blob_len[IN_PHDR], .p_align = 4,
        };
    }
    if (b.section_notes)
        img.note_off[IN_SECTION] = put(b.blob[IN_SECTION], b.blob_len[IN_SECTION], &pos);
    build_segments(&pos);
    if (sections)
        build_sections(&pos);
    img.size = pos;
}

/* One text segment at 2 MiB with some bss, entered at its start. */
static void b_minimal(void)
{
    b_reset();
    b_seg(0x200000, 0x180, 0x3000);
    b.entry = 0x200000;
}

/* The notes a Linux x86-64 PV kernel carries, in the given place. */
static void b_linux(enum blob w)
{
    b_reset();
    b_seg(0x1000000, 0x2000, 0x2000);
    b_seg(0x1002000, 0x100, 0x5000);
    b.entry = 0xdead;       /* the ENTRY note wins */
    b_note_str(w, XEN_ELFNOTE_GUEST_OS, "linux");
    b_note_str(w, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    b_note_str(w, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    b_note_u64(w, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ULL);
    b_note_u64(w, XEN_ELFNOTE_PADDR_OFFSET, 0);
    b_note_u64(w, XEN_ELFNOTE_ENTRY, 0xffffffff81000040ULL);
    b_note_u64(w, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000ULL);
    b_note_str(w, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    b_note_u32(w, XEN_ELFNOTE_SUPPORTED_FEATURES, 1U << XENFEAT_dom0);
    b_note_str(w, XEN_ELFNOTE_PAE_MODE, "yes");
    b_note_str(w, XEN_ELFNOTE_LOADER, "generic");
    b_note_u32(w, XEN_ELFNOTE_SUSPEND_CANCEL, 1);
    b_note_u64(w, XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ULL);
    b_note_u64(w, XEN_ELFNOTE_INIT_P2M, 0xffffea0000000000ULL);
    b_note_u32(w, XEN_ELFNOTE_MOD_START_PFN, 1);
}

static int parse_with(uint32_t features)
{
    int rc = elf_image_parse(img.buf, img.size, features, &info, &why);

    if (rc == 0)
        assert_null(why);
    else
        assert_non_null(why);
    return rc;
}

static int parse(void)
{
    return parse_with(ALL_FEATURES);
}

/* The message names the problem. */
static void assert_why(const char *text)
{
    assert_non_null(why);
    if (!strstr(why, text))
        fail_msg("\"%s\" does not mention \"%s\"", why, text);
}

/* ---- valid images ----------------------------------------------------- */

static void test_minimal(void **state)
{
    b_minimal();
    build();
    assert_int_equal(parse(), 0);
    assert_false(info.has_xen_notes);
    assert_int_equal(info.notes_seen, 0);
    assert_int_equal(info.entry, 0x200000);
    assert_int_equal(info.virt_base, 0);
    assert_int_equal(info.paddr_offset, 0);
    assert_int_equal(info.hypercall_page, 0);
    assert_int_equal(info.virt_kstart, 0x200000);
    assert_int_equal(info.virt_kend, 0x203000);
    assert_int_equal(info.nr_segments, 1);
    assert_int_equal(info.segs[0].vaddr, 0x200000);
    assert_int_equal(info.segs[0].filesz, 0x180);
    assert_int_equal(info.segs[0].memsz, 0x3000);
    assert_int_equal(info.segs[0].offset, img.seg_off[0]);
    assert_string_equal(info.guest_os, "");
    assert_int_equal(elf_image_check_xen(&info, &why), -EINVAL);
    assert_why("no Xen ELF notes");
}

static void check_linux_info(void)
{
    assert_true(info.has_xen_notes);
    assert_false(info.legacy_guest_info);
    assert_string_equal(info.guest_os, "linux");
    assert_string_equal(info.guest_version, "2.6");
    assert_string_equal(info.xen_version, "xen-3.0");
    assert_string_equal(info.loader, "generic");
    assert_int_equal(info.virt_base, 0xffffffff80000000ULL);
    assert_int_equal(info.paddr_offset, 0);
    assert_int_equal(info.entry, 0xffffffff81000040ULL);
    assert_int_equal(info.hypercall_page, 0xffffffff81001000ULL);
    assert_int_equal(info.virt_kstart, 0xffffffff81000000ULL);
    assert_int_equal(info.virt_kend, 0xffffffff81007000ULL);
    assert_int_equal(info.segs[1].vaddr, 0xffffffff81002000ULL);
    assert_int_equal(info.features_required[0], 1U << XENFEAT_writable_page_tables);
    assert_int_equal(info.features_supported[0],
                     (1U << XENFEAT_writable_page_tables) |
                     (1U << XENFEAT_pae_pgdir_above_4gb) | (1U << XENFEAT_dom0));
    assert_true(info.pae_mode_ok);
    assert_true(info.suspend_cancel);
    assert_true(info.mod_start_pfn);
    assert_false(info.bsd_symtab);
    assert_int_equal(info.hv_start_low, 0xffff800000000000ULL);
    assert_int_equal(info.init_p2m, 0xffffea0000000000ULL);
    assert_true(info.notes_seen & (1U << XEN_ELFNOTE_INIT_P2M));
    assert_false(info.notes_seen & (1U << XEN_ELFNOTE_PHYS32_ENTRY));
    assert_int_equal(elf_image_check_xen(&info, &why), 0);
    assert_null(why);
}

static void test_notes_in_pt_note(void **state)
{
    b_linux(IN_PHDR);
    build();
    assert_int_equal(parse(), 0);
    check_linux_info();
}

static void test_notes_in_section_only(void **state)
{
    b_linux(IN_SECTION);
    build();
    assert_int_equal(ehdr()->e_phnum, 2);   /* no PT_NOTE at all */
    assert_int_equal(parse(), 0);
    check_linux_info();
}

/* Xen reads sections only when no PT_NOTE segment holds a Xen note. */
static void test_pt_note_wins_over_sections(void **state)
{
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_OS, "from-segment");
    b_note_str(IN_SECTION, XEN_ELFNOTE_GUEST_OS, "from-section");
    b_note_str(IN_SECTION, XEN_ELFNOTE_LOADER, "generic");
    build();
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "from-segment");
    assert_string_equal(info.loader, "");
}

static void test_sections_read_when_pt_note_has_no_xen_note(void **state)
{
    static const uint8_t build_id[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    b_minimal();
    b_raw_note(IN_PHDR, "GNU", NT_GNU_BUILD_ID, build_id, sizeof(build_id));
    b_note_str(IN_SECTION, XEN_ELFNOTE_GUEST_OS, "from-section");
    build();
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "from-section");
}

/* Some binutils leave p_offset 0 on PT_NOTE; Xen skips such headers. */
static void test_pt_note_at_offset_zero_skipped(void **state)
{
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_OS, "segment");
    b_note_str(IN_SECTION, XEN_ELFNOTE_GUEST_OS, "section");
    build();
    phdr(img.note_phdr)->p_offset = 0;
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "section");
}

static void test_numeric_note_sizes(void **state)
{
    b_minimal();
    b_note_u32(IN_PHDR, XEN_ELFNOTE_ENTRY, 0x200010);
    b_note_u64(IN_PHDR, XEN_ELFNOTE_HYPERCALL_PAGE, 0x201000);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.entry, 0x200010);
    assert_int_equal(info.hypercall_page, 0x201000);

    b_minimal();
    b_note(IN_PHDR, XEN_ELFNOTE_ENTRY, "\x10\x00\x20", 3);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("not a 4- or 8-byte number");

    b_minimal();
    b_note(IN_PHDR, XEN_ELFNOTE_VIRT_BASE, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    build();
    assert_int_equal(parse(), -EINVAL);
}

/* Strings are cut to the field; a descriptor without a NUL still counts. */
static void test_string_notes(void **state)
{
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_OS,
               "an-operating-system-with-a-very-long-name");
    b_note(IN_PHDR, XEN_ELFNOTE_LOADER, "generic", 7);
    b_note_str(IN_PHDR, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    b_note_str(IN_PHDR, XEN_ELFNOTE_BSD_SYMTAB, "yes");
    b_note_str(IN_PHDR, XEN_ELFNOTE_PAE_MODE, "yes,bimodal");
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(strlen(info.guest_os), ELF_IMAGE_STR_LEN - 1);
    assert_memory_equal(info.guest_os, "an-operating-system-with-a-very", 31);
    assert_string_equal(info.loader, "generic");
    assert_true(info.bsd_symtab);
    assert_true(info.pae_mode_ok);
    assert_int_equal(elf_image_check_xen(&info, &why), 0);
}

/* Xen refuses note strings over 4096 bytes; so does Proxen. */
static void test_long_string_note(void **state)
{
    static char text[5000];

    memset(text, 'a', sizeof(text) - 1);
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_FEATURES, text);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("over 4096 bytes");

    text[4096] = '\0';
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_VERSION, text);
    build();
    assert_int_equal(parse(), 0);
}

/* Notes of other owners and Xen notes of unknown types are skipped. */
static void test_foreign_and_unknown_notes(void **state)
{
    b_minimal();
    b_raw_note(IN_PHDR, "GNU", XEN_ELFNOTE_ENTRY, "\x99\x99\x99\x99", 4);
    b_raw_note(IN_PHDR, "Xe", XEN_ELFNOTE_GUEST_OS, "no", 3);
    b_note(IN_PHDR, 4242, "\x01", 1);
    b_note(IN_PHDR, XEN_ELFNOTE_L1_MFN_VALID, "0123456789abcdef", 16);
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_OS, "yes");
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.entry, 0x200000);
    assert_string_equal(info.guest_os, "yes");
}

/* ---- features --------------------------------------------------------- */

static void build_features(const char *features)
{
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_FEATURES, features);
    build();
}

static void test_features(void **state)
{
    build_features("writable_descriptor_tables|!writable_page_tables||"
                   "not_a_feature|!dom0|auto_translated_physmap");
    assert_int_equal(parse(), 0);
    assert_int_equal(info.features_required[0],
                     (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_dom0));
    assert_int_equal(info.features_supported[0],
                     (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_dom0) |
                     (1U << XENFEAT_writable_descriptor_tables) |
                     (1U << XENFEAT_auto_translated_physmap));

    /* Offered exactly what is required: fine. */
    assert_int_equal(parse_with((1U << XENFEAT_writable_page_tables) |
                                (1U << XENFEAT_dom0)), 0);

    /* A domU builder does not offer dom0. */
    assert_int_equal(parse_with(1U << XENFEAT_writable_page_tables), -EOPNOTSUPP);
    assert_why("requires unsupported feature dom0");
    assert_int_equal(parse_with(0), -EOPNOTSUPP);
    assert_why("writable_page_tables");
}

static void test_unknown_required_feature(void **state)
{
    build_features("writable_page_tables|!teleportation");
    assert_int_equal(parse(), -EOPNOTSUPP);
    assert_why("unknown feature teleportation");

    build_features("!");
    assert_int_equal(parse(), -EOPNOTSUPP);
}

static void test_supported_features_note(void **state)
{
    b_minimal();
    b_note_str(IN_PHDR, XEN_ELFNOTE_FEATURES, "hvm_callback_vector");
    b_note(IN_PHDR, XEN_ELFNOTE_SUPPORTED_FEATURES, "\x01\x00\x00\x80\xff\xff\xff\xff", 8);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.features_supported[0], 0x80000001U | (1U << XENFEAT_hvm_callback_vector));
    assert_int_equal(info.features_required[0], 0);

    b_minimal();
    b_note(IN_PHDR, XEN_ELFNOTE_SUPPORTED_FEATURES, "\x01\x00", 2);
    build();
    assert_int_equal(parse(), -EINVAL);
}

/* ---- placement -------------------------------------------------------- */

/* Old kernels put virtual addresses in p_paddr and PADDR_OFFSET=VIRT_BASE. */
static void test_paddr_offset(void **state)
{
    b_reset();
    b_seg(0xffffffff80100000ULL, 0x100, 0x1000);
    b.entry = 0xffffffff80100000ULL;
    b_note_u64(IN_PHDR, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ULL);
    b_note_u64(IN_PHDR, XEN_ELFNOTE_PADDR_OFFSET, 0xffffffff80000000ULL);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.segs[0].vaddr, 0xffffffff80100000ULL);
    assert_int_equal(info.virt_kstart, 0xffffffff80100000ULL);
}

/* With notes, PADDR_OFFSET defaults to 0, not to VIRT_BASE. */
static void test_virt_base_alone(void **state)
{
    b_reset();
    b_seg(0x2000, 0x100, 0x1000);
    b.entry = 0x400002000ULL;
    b_note_u64(IN_PHDR, XEN_ELFNOTE_VIRT_BASE, 0x400000000ULL);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.paddr_offset, 0);
    assert_int_equal(info.segs[0].vaddr, 0x400002000ULL);
    assert_int_equal(info.entry, 0x400002000ULL);
}

static void test_paddr_offset_without_virt_base(void **state)
{
    b_minimal();
    b_note_u64(IN_PHDR, XEN_ELFNOTE_PADDR_OFFSET, 0x1000);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("PADDR_OFFSET given without VIRT_BASE");
}

static void test_entry_outside(void **state)
{
    b_minimal();
    b.entry = 0x1000;
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("entry point");

    /* The end of the kernel is still accepted, as in Xen. */
    b_minimal();
    b.entry = 0x203000;
    build();
    assert_int_equal(parse(), 0);
}

static void test_virt_base_above_kernel(void **state)
{
    b_minimal();
    b_note_u64(IN_PHDR, XEN_ELFNOTE_VIRT_BASE, 0x300000);
    b_note_u64(IN_PHDR, XEN_ELFNOTE_PADDR_OFFSET, 0x300000);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("VIRT_BASE");
}

static void test_hypercall_page_checks(void **state)
{
    static const uint64_t bad[] = { 0x1ff000, 0x203000, 0x200800, 0 };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        b_minimal();
        b_note_u64(IN_PHDR, XEN_ELFNOTE_HYPERCALL_PAGE, bad[i]);
        build();
        assert_int_equal(parse(), -EINVAL);
        assert_why("hypercall page");
    }
    b_minimal();
    b_note_u64(IN_PHDR, XEN_ELFNOTE_HYPERCALL_PAGE, 0x202000);
    build();
    assert_int_equal(parse(), 0);
}

static void test_init_p2m_inside_kernel(void **state)
{
    b_minimal();
    b_note_u64(IN_PHDR, XEN_ELFNOTE_INIT_P2M, 0x201000);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("INIT_P2M");
}

static void test_non_canonical(void **state)
{
    b_reset();
    b_seg(0x00007ffffffff000ULL, 0x10, 0x2000);     /* runs into the hole */
    b.entry = 0x00007ffffffff000ULL;
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("segment 0 is not at canonical addresses");

    b_reset();
    b_seg(0xfffffffffffff000ULL, 0x10, 0x1000);     /* ends at 2^64 */
    b.entry = 0xfffffffffffff000ULL;
    build();
    assert_int_equal(parse(), -EINVAL);

    /* Translation wraps modulo 2^64 into the low half: allowed. */
    b_reset();
    b_seg(0x3000, 0x10, 0x1000);
    b.entry = 0x1000;
    b_note_u64(IN_PHDR, XEN_ELFNOTE_VIRT_BASE, 0);
    b_note_u64(IN_PHDR, XEN_ELFNOTE_PADDR_OFFSET, 0x2000);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.segs[0].vaddr, 0x1000);
}

static void test_overlapping_segments(void **state)
{
    b_minimal();
    b_seg(0x202000, 0x10, 0x1000);      /* inside the first one's bss */
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("segment 1 overlaps");

    /* Touching is fine, and an empty segment overlaps nothing. */
    b_minimal();
    b_seg(0x203000, 0x10, 0x1000);
    b_seg(0x201000, 0, 0);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.nr_segments, 3);
    assert_int_equal(info.virt_kend, 0x204000);
}

static void test_huge_memsz(void **state)
{
    b_minimal();
    b_seg(0x10000000, 0x10, ELF_IMAGE_MAX_SPAN + 1);
    build();
    assert_int_equal(parse(), -E2BIG);
    assert_why("segment 1 is larger than");

    b_minimal();
    b_seg(0x10000000, 0x10, UINT64_MAX);
    build();
    assert_int_equal(parse(), -E2BIG);

    /* Two small segments far apart make the builder back the gap. */
    b_minimal();
    b_seg(0x200000 + ELF_IMAGE_MAX_SPAN, 0x10, 0x1000);
    build();
    assert_int_equal(parse(), -E2BIG);
    assert_why("1 GiB above VIRT_BASE");
}

static void test_segment_count(void **state)
{
    unsigned int i;

    b_reset();
    b.entry = 0x100000;
    for (i = 0; i < ELF_IMAGE_MAX_SEGS; i++)
        b_seg(0x100000 + i * 0x1000, 8, 0x1000);
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.nr_segments, ELF_IMAGE_MAX_SEGS);

    b_seg(0x100000 + i * 0x1000, 8, 0x1000);
    build();
    assert_int_equal(parse(), -E2BIG);
    assert_why("more than 16");

    /* A PT_LOAD without R, W or X is not loaded (Xen's rule). */
    b.segs[i].flags = 0;
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.nr_segments, ELF_IMAGE_MAX_SEGS);
}

/* ---- malformed images ------------------------------------------------- */

static void test_segment_beyond_file(void **state)
{
    b_minimal();
    b_seg(0x204000, 0x40, 0x1000);
    build();
    phdr(1)->p_filesz = img.size - phdr(1)->p_offset + 1;
    phdr(1)->p_memsz = 0x10000;
    assert_int_equal(parse(), -EINVAL);
    assert_why("segment 1 extends beyond the image");

    build();
    phdr(1)->p_offset = UINT64_MAX - 0x10;      /* offset + size wraps */
    assert_int_equal(parse(), -EINVAL);

    build();
    phdr(1)->p_offset = img.size + 1;
    phdr(1)->p_filesz = 0;
    assert_int_equal(parse(), -EINVAL);
}

static void test_filesz_over_memsz(void **state)
{
    b_minimal();
    build();
    phdr(0)->p_memsz = phdr(0)->p_filesz - 1;
    assert_int_equal(parse(), -EINVAL);
    assert_why("segment 0 has more file bytes than memory bytes");
}

static void test_bad_note_sizes(void **state)
{
    static const struct { uint32_t namesz, descsz; } bad[] = {
        { 0xffffffff, 4 }, { 0xfffffffd, 4 }, { 4, 0xffffffff },
        { 4, 0xfffffffd }, { 4, 13 }, { 200, 4 },
    };
    unsigned int i;
    uint32_t *hdr;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        b_minimal();
        b_note_u32(IN_PHDR, XEN_ELFNOTE_ENTRY, 0x200000);
        build();
        hdr = (uint32_t *)(img.buf + img.note_off[IN_PHDR]);
        hdr[0] = bad[i].namesz;
        hdr[1] = bad[i].descsz;
        assert_int_equal(parse(), -EINVAL);
        assert_why("holds a note that overruns it");
    }

    /* The region ends inside a second note's header. */
    b_minimal();
    b_note_u32(IN_PHDR, XEN_ELFNOTE_ENTRY, 0x200000);
    build();
    phdr(img.note_phdr)->p_filesz += 8;
    assert_int_equal(parse(), -EINVAL);
    assert_why("ends inside a note header");

    /* The same in a section. */
    b_minimal();
    b_note_u32(IN_SECTION, XEN_ELFNOTE_ENTRY, 0x200000);
    build();
    shdr(img.note_shdr)->sh_size -= 1;
    assert_int_equal(parse(), -EINVAL);
    assert_why("section 1");

    b_minimal();
    b_note_u32(IN_SECTION, XEN_ELFNOTE_ENTRY, 0x200000);
    build();
    shdr(img.note_shdr)->sh_offset = img.size - 4;
    assert_int_equal(parse(), -EINVAL);
    assert_why("section 1 extends beyond the image");
}

/* Only the padding after the last descriptor may be missing. */
static void test_note_without_final_padding(void **state)
{
    b_minimal();
    b_note(IN_PHDR, XEN_ELFNOTE_GUEST_OS, "abcde", 5);
    build();
    phdr(img.note_phdr)->p_filesz -= 3;
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "abcde");
}

static void test_too_many_notes(void **state)
{
    unsigned int i;

    b_minimal();
    for (i = 0; i < 1100; i++)
        b_raw_note(IN_PHDR, "", 0, NULL, 0);
    build();
    assert_int_equal(parse(), -EINVAL);
    assert_why("more than 1024 ELF notes");
}

static void test_header_tables(void **state)
{
    b_linux(IN_SECTION);
    build();
    ehdr()->e_phnum = 0xffff;
    assert_int_equal(parse(), -EINVAL);
    assert_why("program header table extends beyond the image");

    build();
    ehdr()->e_phoff = UINT64_MAX - 8;
    assert_int_equal(parse(), -EINVAL);

    build();
    ehdr()->e_phnum = 0;
    assert_int_equal(parse(), -EINVAL);

    build();
    ehdr()->e_phentsize = 64;
    assert_int_equal(parse(), -EINVAL);

    build();
    ehdr()->e_shnum = 0xffff;
    assert_int_equal(parse(), -EINVAL);
    assert_why("section header table");

    build();
    ehdr()->e_shentsize = 40;
    assert_int_equal(parse(), -EINVAL);

    build();
    ehdr()->e_ehsize = 52;
    assert_int_equal(parse(), -EINVAL);

    /* No loadable segment at all. */
    build();
    phdr(0)->p_type = PT_NULL;
    phdr(1)->p_type = PT_GNU_STACK;
    assert_int_equal(parse(), -EINVAL);
    assert_why("no loadable segment");
}

static void test_not_for_us(void **state)
{
    static const struct { size_t off; uint8_t val; } bad[] = {
        { 0, 0x7e }, { 3, 'f' }, { EI_CLASS, ELFCLASS32 }, { EI_CLASS, 0 },
        { EI_DATA, ELFDATA2MSB }, { EI_VERSION, 0 },
        { offsetof(Elf64_Ehdr, e_machine), EM_386 },
        { offsetof(Elf64_Ehdr, e_type), ET_DYN },
        { offsetof(Elf64_Ehdr, e_type), ET_REL },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        b_minimal();
        build();
        img.buf[bad[i].off] = bad[i].val;
        assert_int_equal(parse(), -ENOEXEC);
    }
    b_minimal();
    build();
    ehdr()->e_machine = EM_AARCH64;
    assert_int_equal(parse(), -ENOEXEC);
    assert_why("x86-64");
}

/* Every strict prefix of a valid image fails cleanly; the whole one parses.
 * Each prefix sits in a buffer of its exact size. */
static void check_prefixes(void)
{
    struct elf_image_info scratch;
    size_t n;

    for (n = 0; n < img.size; n++) {
        uint8_t *copy = malloc(n ? n : 1);

        assert_non_null(copy);
        memcpy(copy, img.buf, n);
        if (elf_image_parse(copy, n, ALL_FEATURES, &scratch, &why) >= 0)
            fail_msg("prefix of %zu bytes of %zu parsed", n, img.size);
        assert_non_null(why);
        free(copy);
    }
    assert_int_equal(parse(), 0);
}

static void test_truncated_everywhere(void **state)
{
    /* Section headers last. */
    b_linux(IN_PHDR);
    b_note_str(IN_SECTION, XEN_ELFNOTE_GUEST_OS, "unused");
    build();
    check_prefixes();

    /* No sections: segment bytes last. */
    b_linux(IN_PHDR);
    build();
    assert_int_equal(ehdr()->e_shnum, 0);
    check_prefixes();
}

/* ---- legacy __xen_guest ------------------------------------------------ */

/* A PT_NOTE segment whose bytes run past the end of the image is refused
 * before its notes are walked: the walk would read beyond the image. */
static void test_note_segment_beyond_image(void **state)
{
    b_minimal();
    b_note_u32(IN_PHDR, XEN_ELFNOTE_ENTRY, 0x200000);
    build();
    phdr(img.note_phdr)->p_filesz = img.size;
    assert_int_equal(parse(), -EINVAL);
    assert_why("segment 1 extends beyond the image");
}

/* A string note without a NUL ends with its descriptor, not at whatever
 * follows it (here the next note's header, whose first byte is 4). */
static void test_string_note_unterminated(void **state)
{
    b_minimal();
    b_note(IN_PHDR, XEN_ELFNOTE_GUEST_OS, "abcd", 4);
    b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    build();
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "abcd");
    assert_string_equal(info.guest_version, "2.6");
}

/* An image whose only Xen metadata is __xen_guest, with a copy of its
 * section-name table's header placed just past the section headers, where
 * an index one too large would find it. */
static void build_legacy_with_spare_strtab(void)
{
    b_minimal();
    b.guest_info = "GUEST_OS=linux,XEN_VER=xen-3.0";
    build();
    assert_true(img.size % 8 == 0 &&
                ehdr()->e_shoff + ehdr()->e_shnum * sizeof(Elf64_Shdr) == img.size);
    memcpy(img.buf + img.size, shdr(ehdr()->e_shstrndx), sizeof(Elf64_Shdr));
    img.size += sizeof(Elf64_Shdr);
    assert_int_equal(parse(), 0);
    assert_true(info.legacy_guest_info);
}

/* A section-name table index past the section headers names nothing: no
 * section is found by name, so the legacy metadata is not read. */
static void test_shstrndx_out_of_range(void **state)
{
    build_legacy_with_spare_strtab();
    ehdr()->e_shstrndx = ehdr()->e_shnum;
    assert_int_equal(parse(), 0);
    assert_false(info.has_xen_notes);
}

/* A section's name must lie inside the section-name table, even when the
 * bytes after the table spell it. */
static void test_section_name_outside_strtab(void **state)
{
    build_legacy_with_spare_strtab();
    shdr(ehdr()->e_shstrndx)->sh_size = 1;         /* only the leading NUL */
    assert_int_equal(parse(), 0);
    assert_false(info.has_xen_notes);
}

/* A __xen_guest section running past the end of the image is refused. */
static void test_legacy_section_beyond_image(void **state)
{
    b_minimal();
    b.guest_info = "GUEST_OS=linux,XEN_VER=xen-3.0";
    build();
    assert_int_equal(parse(), 0);
    assert_true(info.legacy_guest_info);
    shdr(1)->sh_size = img.size;
    assert_int_equal(parse(), -EINVAL);
    assert_why("section 1 extends beyond the image");
}

static void test_legacy_guest_info(void **state)
{
    b_reset();
    b_seg(0xffffffff80200000ULL, 0x2000, 0x4000);
    b.entry = 0xffffffff80200000ULL;
    b.guest_info = "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,"
                   "HYPERCALL_PAGE=0x201,VIRT_BASE=0xffffffff80000000,"
                   "FEATURES=writable_page_tables|!pae_pgdir_above_4gb,PAE=yes,"
                   "BSD_SYMTAB,SOMETHING_NEW=1";
    build();
    assert_int_equal(parse(), 0);
    assert_true(info.has_xen_notes);
    assert_true(info.legacy_guest_info);
    assert_string_equal(info.guest_os, "linux");
    assert_string_equal(info.guest_version, "2.6");
    assert_string_equal(info.xen_version, "xen-3.0");
    assert_int_equal(info.virt_base, 0xffffffff80000000ULL);
    /* The legacy default: PADDR_OFFSET = VIRT_BASE. */
    assert_int_equal(info.paddr_offset, 0xffffffff80000000ULL);
    assert_int_equal(info.segs[0].vaddr, 0xffffffff80200000ULL);
    /* A page number counted from VIRT_BASE, whatever the order. */
    assert_int_equal(info.hypercall_page, 0xffffffff80201000ULL);
    assert_int_equal(info.features_required[0], 1U << XENFEAT_pae_pgdir_above_4gb);
    assert_true(info.pae_mode_ok);
    assert_true(info.bsd_symtab);
    assert_int_equal(elf_image_check_xen(&info, &why), 0);

    assert_int_equal(parse_with(0), -EOPNOTSUPP);
}

static void test_legacy_numbers(void **state)
{
    static const char *const bad[] = {
        "VIRT_BASE=", "VIRT_BASE=0x", "VIRT_BASE=12z", "VIRT_BASE=09",
        "VIRT_BASE=0x10000000000000000", "VIRT_BASE=18446744073709551616",
        "HYPERCALL_PAGE=0x10000000000000",
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        b_minimal();
        b.guest_info = bad[i];
        build();
        assert_int_equal(parse(), -EINVAL);
    }
    /* Octal and decimal as strtoull base 0; ELF_PADDR_OFFSET overrides. */
    b_minimal();
    b.guest_info = "VIRT_BASE=0100000,ELF_PADDR_OFFSET=32768,VIRT_ENTRY=2101248";
    build();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.virt_base, 0x8000);
    assert_int_equal(info.paddr_offset, 0x8000);
    assert_int_equal(info.entry, 0x201000);
    assert_int_equal(info.virt_kstart, 0x200000);
}

/* Notes anywhere make __xen_guest irrelevant. */
static void test_notes_beat_legacy(void **state)
{
    b_minimal();
    b_note_str(IN_SECTION, XEN_ELFNOTE_GUEST_OS, "notes");
    b.guest_info = "GUEST_OS=legacy,VIRT_BASE=junk";
    build();
    assert_int_equal(parse(), 0);
    assert_string_equal(info.guest_os, "notes");
    assert_false(info.legacy_guest_info);
}

static void test_check_xen(void **state)
{
    static const struct { const char *os, *loader, *ver; int rc; } cases[] = {
        { "linux", "", "xen-3.0", 0 },
        { "Mini-OS", "generic", "xen-3.0", 0 },
        { "XTF", "generic", "xen-3.0", 0 },
        { "linux-2.6", "", "xen-3.0.4", 0 },
        { "freebsd", "", "xen-3.0", -EINVAL },
        { "Mini-OS", "generic", "xen-4.0", -EINVAL },
        { "linux", "", "", -EINVAL },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        b_minimal();
        b_note_str(IN_PHDR, XEN_ELFNOTE_GUEST_OS, cases[i].os);
        b_note_str(IN_PHDR, XEN_ELFNOTE_LOADER, cases[i].loader);
        b_note_str(IN_PHDR, XEN_ELFNOTE_XEN_VERSION, cases[i].ver);
        build();
        assert_int_equal(parse(), 0);
        assert_int_equal(elf_image_check_xen(&info, &why), cases[i].rc);
        assert_int_equal(why == NULL, cases[i].rc == 0);
    }
}

/* ---- loading ---------------------------------------------------------- */

#define GUEST_BASE 0xffffffff81000000ULL
#define GUEST_SIZE 0x8000

struct guest {
    uint8_t mem[GUEST_SIZE];
    unsigned int calls;
    unsigned int fail_at;           /* 1-based call that fails, 0 for none */
    struct { bool zero; uint64_t vaddr, len; const void *src; } log[8];
};

static int record(struct guest *g, bool zero, uint64_t vaddr, uint64_t len,
                  const void *src)
{
    assert_true(vaddr >= GUEST_BASE && len <= GUEST_SIZE &&
                vaddr - GUEST_BASE <= GUEST_SIZE - len);
    if (g->calls < ARRAY_SIZE(g->log))
        g->log[g->calls] = (typeof(g->log[0])){ zero, vaddr, len, src };
    if (++g->calls == g->fail_at)
        return -ENOMEM;
    if (zero)
        memset(g->mem + (vaddr - GUEST_BASE), 0, len);
    else
        memcpy(g->mem + (vaddr - GUEST_BASE), src, len);
    return 0;
}

static int copy_cb(void *ctx, uint64_t vaddr, const void *src, uint64_t len)
{
    return record(ctx, false, vaddr, len, src);
}

static int zero_cb(void *ctx, uint64_t vaddr, uint64_t len)
{
    return record(ctx, true, vaddr, len, NULL);
}

static void test_load(void **state)
{
    static struct guest g;
    const uint8_t *seg;
    uint64_t i;

    b_linux(IN_PHDR);
    b_seg(0x1007000, 0x10, 0x10);       /* no bss: no zero call */
    b_seg(0x1007800, 0, 0x800);         /* only bss: no copy call */
    build();
    assert_int_equal(parse(), 0);
    memset(&g, 0xcc, sizeof(g.mem));
    assert_int_equal(elf_image_load(img.buf, img.size, &info, copy_cb, zero_cb, &g), 0);
    assert_int_equal(g.calls, 5);
    assert_false(g.log[0].zero);
    assert_int_equal(g.log[0].vaddr, GUEST_BASE);
    assert_int_equal(g.log[0].len, 0x2000);
    assert_ptr_equal(g.log[0].src, img.buf + img.seg_off[0]);
    assert_false(g.log[1].zero);
    assert_int_equal(g.log[1].vaddr, GUEST_BASE + 0x2000);
    assert_int_equal(g.log[1].len, 0x100);
    assert_true(g.log[2].zero);
    assert_int_equal(g.log[2].vaddr, GUEST_BASE + 0x2100);
    assert_int_equal(g.log[2].len, 0x5000 - 0x100);
    assert_false(g.log[3].zero);
    assert_int_equal(g.log[3].vaddr, GUEST_BASE + 0x7000);
    assert_true(g.log[4].zero);
    assert_int_equal(g.log[4].vaddr, GUEST_BASE + 0x7800);
    assert_int_equal(g.log[4].len, 0x800);

    /* The guest memory now holds the file bytes, then zeros. */
    seg = img.buf + img.seg_off[1];
    assert_memory_equal(g.mem + 0x2000, seg, 0x100);
    for (i = 0x2100; i < 0x7000; i++)
        assert_int_equal(g.mem[i], 0);
}

static void test_load_error_stops(void **state)
{
    static struct guest g;

    b_linux(IN_PHDR);
    build();
    assert_int_equal(parse(), 0);
    memset(&g, 0, sizeof(g));
    g.fail_at = 2;
    assert_int_equal(elf_image_load(img.buf, img.size, &info, copy_cb, zero_cb, &g),
                     -ENOMEM);
    assert_int_equal(g.calls, 2);

    memset(&g, 0, sizeof(g));
    g.fail_at = 3;                      /* the zero callback */
    assert_int_equal(elf_image_load(img.buf, img.size, &info, copy_cb, zero_cb, &g),
                     -ENOMEM);
    assert_int_equal(g.calls, 3);
}

/* An info that does not belong to the image is refused, not followed. */
static void test_load_checks_info(void **state)
{
    static struct guest g;

    b_linux(IN_PHDR);
    build();
    assert_int_equal(parse(), 0);
    memset(&g, 0, sizeof(g));
    assert_int_equal(elf_image_load(img.buf, img.seg_off[1], &info, copy_cb, zero_cb, &g),
                     -EINVAL);
    assert_int_equal(g.calls, 1);       /* segment 0 fit */

    info.nr_segments = ELF_IMAGE_MAX_SEGS + 1;
    assert_int_equal(elf_image_load(img.buf, img.size, &info, copy_cb, zero_cb, &g),
                     -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_notes_in_pt_note),
        cmocka_unit_test(test_notes_in_section_only),
        cmocka_unit_test(test_pt_note_wins_over_sections),
        cmocka_unit_test(test_sections_read_when_pt_note_has_no_xen_note),
        cmocka_unit_test(test_pt_note_at_offset_zero_skipped),
        cmocka_unit_test(test_numeric_note_sizes),
        cmocka_unit_test(test_string_notes),
        cmocka_unit_test(test_long_string_note),
        cmocka_unit_test(test_foreign_and_unknown_notes),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_unknown_required_feature),
        cmocka_unit_test(test_supported_features_note),
        cmocka_unit_test(test_paddr_offset),
        cmocka_unit_test(test_virt_base_alone),
        cmocka_unit_test(test_paddr_offset_without_virt_base),
        cmocka_unit_test(test_entry_outside),
        cmocka_unit_test(test_virt_base_above_kernel),
        cmocka_unit_test(test_hypercall_page_checks),
        cmocka_unit_test(test_init_p2m_inside_kernel),
        cmocka_unit_test(test_non_canonical),
        cmocka_unit_test(test_overlapping_segments),
        cmocka_unit_test(test_huge_memsz),
        cmocka_unit_test(test_segment_count),
        cmocka_unit_test(test_segment_beyond_file),
        cmocka_unit_test(test_filesz_over_memsz),
        cmocka_unit_test(test_bad_note_sizes),
        cmocka_unit_test(test_note_without_final_padding),
        cmocka_unit_test(test_too_many_notes),
        cmocka_unit_test(test_header_tables),
        cmocka_unit_test(test_not_for_us),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_note_segment_beyond_image),
        cmocka_unit_test(test_string_note_unterminated),
        cmocka_unit_test(test_shstrndx_out_of_range),
        cmocka_unit_test(test_section_name_outside_strtab),
        cmocka_unit_test(test_legacy_section_beyond_image),
        cmocka_unit_test(test_legacy_guest_info),
        cmocka_unit_test(test_legacy_numbers),
        cmocka_unit_test(test_notes_beat_legacy),
        cmocka_unit_test(test_check_xen),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_load_error_stops),
        cmocka_unit_test(test_load_checks_info),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
