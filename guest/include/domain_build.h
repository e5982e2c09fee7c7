/* The domain builder (guest/kernel/domain_build.c): from a PV kernel
 * image (ELF with Xen notes, checked by lib/elf_image) it creates a
 * paused domain through the control interface, gives it memory, loads
 * the image through foreign mappings and lays out the boot memory as
 * Xen's PV builder does, then gives vCPU 0 its first context.  The domain
 * is left paused: the caller starts it. */
#ifndef GUEST_DOMAIN_BUILD_H
#define GUEST_DOMAIN_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <domain_image.h>
#include <layout.h>
#include <public/xen.h>

/* The largest domain this builder makes (its P2M is kept here). */
#define BUILD_MAX_PAGES (512UL << 8)      /* 512 MiB */

/* A range of the boot mapping: [va, end) maps the frames from pfn on. */
struct build_map {
    uint64_t va, end, pfn;
};

struct domain_build {
    /* IN */
    const void *image;
    size_t image_len;
    const char *name;
    uint64_t nr_pages;          /* its memory, all given at once */
    unsigned int vcpus;
    const char *cmdline;
    const void *module;         /* an initial ramdisk, or NULL */
    size_t module_len;

    /* OUT: the domain and where its boot memory lies (virtual addresses,
     * from v_start, pseudo-physical frame n at v_start + n * 4096):
     *   kernel | module | P2M list | start_info | xenstore | console
     *   | page tables | boot stack, padded to a 4 MiB boundary with
     *   512 KiB to spare; a kernel with an INIT_P2M note finds the P2M
     *   list at that address instead, in the frames after v_end's
     *   (first_p2m_pfn), mapped by the same page tables */
    domid_t domid;
    uint64_t v_start, v_end, entry;
    uint64_t module_va;         /* start_info.mod_start (0: no module) */
    uint64_t p2m_va, start_info_va, store_va, console_va, pt_va, stack_end;
    uint64_t nr_pt;             /* page-table frames, the L4 first */
    bool p2m_apart;             /* the P2M list at the kernel's INIT_P2M,
                                 * in frames after v_end's: */
    uint64_t first_p2m_pfn, nr_p2m_frames;
    uint64_t l4_mfn, store_mfn, console_mfn;
    uint32_t store_evtchn, console_evtchn;
    const char *why;            /* on failure, what went wrong */
    struct domain_image kernel; /* the ELF loaded (the image, or the one
                                 * its bzImage held, unpacked meanwhile) */
};

/* 0, or a negative errno with b->why set and no domain left behind:
 * -ENOEXEC / -EINVAL / -E2BIG / -EOPNOTSUPP for an image Xen would not
 * run, -ENOMEM when nr_pages cannot hold its boot layout, or what the
 * hypervisor answered. */
long domain_build(struct domain_build *b);

/* The frames of the last domain built: domain_build_p2m[pfn] is its
 * machine frame (kept in a window of dom0's pages, layout.h). */
#define domain_build_p2m ((const uint64_t *)BUILD_P2M_VA)


#endif
