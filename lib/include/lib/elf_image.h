/* Guest kernel image parser for the domain builders: the hypervisor's of
 * dom0 and the one in dom0's toolstack (lib/elf_image.c, elf_xen_meta.c).
 *
 * A PV kernel arrives as an ELF64 x86-64 executable whose Xen ELF notes (or,
 * for very old kernels, a "__xen_guest" section) say where it wants to be
 * mapped, where it starts and which hypervisor features it needs.  The image
 * is hostile input: elf_image_parse() checks everything it reads and fills a
 * self-contained description; elf_image_load() then copies the segments
 * through callbacks using only that description and the image bytes, so
 * nothing about the headers is read twice.
 *
 * Placement follows Xen: a segment lands at virtual address
 *     p_paddr + virt_base - paddr_offset
 * (p_vaddr is ignored), and the kernel occupies [virt_kstart, virt_kend).
 *
 * Pure logic: no allocation, no locks, no global state.  Freestanding: the
 * hypervisor, the guest and host programs build it alike. */
#ifndef LIB_ELF_IMAGE_H
#define LIB_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/elfnote.h>
#include <public/features.h>

#define ELF_IMAGE_MAX_SEGS      16
#define ELF_IMAGE_FEATURE_WORDS XENFEAT_NR_SUBMAPS
#define ELF_IMAGE_STR_LEN       32
#define ELF_IMAGE_WHY_LEN       96
/* The builder backs [virt_base, virt_kend) with pages from pfn 0, so this
 * bounds the memory a hostile image can make it allocate. */
#define ELF_IMAGE_MAX_SPAN      (1ULL << 30)

struct elf_image_seg {
    uint64_t vaddr;             /* translated load address */
    uint64_t filesz;            /* bytes copied from the image... */
    uint64_t memsz;             /* ...then zeroed up to this size */
    uint64_t offset;            /* file offset of the first byte */
};

struct elf_image_info {
    uint64_t entry;             /* ENTRY note, else e_entry */
    uint64_t virt_base;         /* VIRT_BASE, else 0 */
    uint64_t paddr_offset;      /* PADDR_OFFSET, else 0 (legacy: virt_base) */
    uint64_t hypercall_page;    /* virtual address, 0 if none */
    uint64_t virt_kstart;       /* lowest address of any loaded segment */
    uint64_t virt_kend;         /* end (exclusive) of the highest one */

    /* Values of notes that mean something only when their bit is set in
     * notes_seen (bit n: a note of type n was read). */
    uint64_t hv_start_low;
    uint64_t init_p2m;
    uint64_t phys32_entry;
    uint32_t notes_seen;

    bool has_xen_notes;         /* Xen notes or __xen_guest were found */
    bool legacy_guest_info;     /* ...and they came from __xen_guest */
    bool pae_mode_ok;           /* PAE_MODE "yes"/"bimodal": meaningless for
                                   64-bit kernels, which Xen ignores it for */
    bool bsd_symtab;            /* wants its symbol table loaded: not done */
    bool suspend_cancel;
    bool mod_start_pfn;         /* copes with an unmapped initrd */

    /* NUL-terminated, truncated to fit. */
    char guest_os[ELF_IMAGE_STR_LEN];
    char guest_version[ELF_IMAGE_STR_LEN];
    char xen_version[ELF_IMAGE_STR_LEN];
    char loader[ELF_IMAGE_STR_LEN];

    /* XENFEAT bitmaps; a required feature is also supported. */
    uint32_t features_required[ELF_IMAGE_FEATURE_WORDS];
    uint32_t features_supported[ELF_IMAGE_FEATURE_WORDS];

    unsigned int nr_segments;
    struct elf_image_seg segs[ELF_IMAGE_MAX_SEGS];

    char why[ELF_IMAGE_WHY_LEN];    /* backing store for error messages */
};

/* Parse and validate a kernel image.  hv_features is the XENFEAT bitmap the
 * hypervisor offers the domain being built; a feature the kernel requires outside it
 * fails the parse.  Returns 0, or -ENOEXEC (not an x86-64 ELF executable),
 * -EINVAL (malformed), -E2BIG (too many or too large segments),
 * -EOPNOTSUPP (requires a feature not offered).  On failure *why (if why is
 * not NULL) names the first problem found; on success it is set to NULL. */
int elf_image_parse(const void *image, size_t size, uint32_t hv_features,
                    struct elf_image_info *info, const char **why);

/* Xen's acceptance rules for a PV kernel, which the parse does not apply so
 * that bare images can still be inspected: Xen metadata must be present,
 * the loader must be "generic" or the guest OS "linux", and the kernel must
 * be built for "xen-3.0".  Returns 0 or -EINVAL with *why set. */
int elf_image_check_xen(const struct elf_image_info *info, const char **why);

/* Callbacks of elf_image_load(): write len bytes at guest virtual address
 * vaddr.  Return 0 or a negative errno, which stops the load. */
typedef int (*elf_image_copy_fn)(void *ctx, uint64_t vaddr, const void *src,
                                 uint64_t len);
typedef int (*elf_image_zero_fn)(void *ctx, uint64_t vaddr, uint64_t len);

/* Copy each segment's file bytes, then zero the rest of its memory size.
 * image and size must be those given to elf_image_parse() for info.  Empty
 * ranges are not passed to the callbacks.  Returns 0, -EINVAL if info does
 * not fit the image, or the first callback error. */
int elf_image_load(const void *image, size_t size,
                   const struct elf_image_info *info,
                   elf_image_copy_fn copy, elf_image_zero_fn zero, void *ctx);

#endif
