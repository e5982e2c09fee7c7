/* Internals shared by the ELF image parser's files (elf_image.c: headers,
 * segments, placement, loading; elf_xen_meta.c: Xen notes, FEATURES and
 * the legacy __xen_guest string).  Not for use elsewhere. */
#ifndef ELF_IMAGE_INTERNAL_H
#define ELF_IMAGE_INTERNAL_H

#include <lib/elf_image.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/x86_pte.h>

/* Only the parser's files include this header, and no kernel's, so these
 * names are free here. */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define PAGE_SHIFT 12             /* x86: the hypercall page is one 4 KiB page */
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)

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

struct parse {
    const uint8_t *img;
    uint64_t size;
    struct elf_image_info *info;
    struct elf64_ehdr eh;
    unsigned int seg_phdr[ELF_IMAGE_MAX_SEGS];  /* for messages */
    unsigned int nr_notes;
    unsigned int nr_xen_notes;
};

/* elf_image.c */
int elf_fail(struct parse *p, int err, const char *msg);
int elf_fail_at(struct parse *p, int err, const char *what, unsigned int n, const char *msg);
int elf_fail_name(struct parse *p, int err, const char *msg, const char *name, size_t len);
bool elf_in_image(const struct parse *p, uint64_t off, uint64_t len);
void elf_read_phdr(const struct parse *p, unsigned int i, struct elf64_phdr *ph);
void elf_read_shdr(const struct parse *p, unsigned int i, struct elf64_shdr *sh);
bool elf_word_is(const char *s, size_t len, const char *word);
bool elf_contains(const char *s, size_t len, const char *word);
size_t elf_span_until(const char *s, size_t len, char stop);
void elf_copy_str(char dst[ELF_IMAGE_STR_LEN], const char *src, size_t len);
void elf_mark(struct parse *p, unsigned int type);
bool elf_seen(const struct elf_image_info *info, unsigned int type);

/* elf_xen_meta.c */
int elf_parse_xen_metadata(struct parse *p);
int elf_check_features(struct parse *p, uint32_t hv_features);

#endif
