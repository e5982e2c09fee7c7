/* Where the guest puts things in its virtual address space.  Included by
 * C, assembly and the linker script, so constants only.
 *
 * The domain builder maps pseudo-physical page p at VIRT_BASE + p * 4096
 * (the ELF note VIRT_BASE); the guest keeps that rule for all its pages
 * (the "direct map"), so a page's pseudo-physical frame and its address
 * convert both ways by arithmetic.  The image is linked at VIRT_BASE with
 * the kernel code model, so the direct map covers the top 2 GiB of the
 * address space: pages above 2 GiB of guest memory are left unused. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define VIRT_BASE        0xffffffff80000000

/* Temporary mappings of any frame (tests, foreign pages): PML4 slot 384,
 * far from the direct map and from the hypervisor's slots 256-271. */
#define VMAP_START       0xffffc00000000000
#define VMAP_END         0xffffc00040000000
#define SHARED_INFO_VA   VMAP_START                 /* the shared_info page */
#define SCRATCH_VA       (VMAP_START + 0x200000)     /* 2 MiB for tests */
#define BUILD_MAP_VA     (VMAP_START + 0x400000)     /* the domain builder's window
                                                      * onto another domain's frames */
#define CONSOLE_BACK_VA  (VMAP_START + 0x600000)     /* the console daemon's
                                                      * mappings of domains' rings */
#define CONSOLE_BACK_SLOTS 64
#define XENSTORED_VA     (VMAP_START + 0x800000)     /* the xenstore daemon's
                                                      * mappings of store rings */
#define XENSTORED_SLOTS  128
#define GNTTAB_VA        (VMAP_START + 0xa00000)     /* the grant table's frames */
#define GNTTAB_MAP_VA    (VMAP_START + 0xc00000)     /* pages others granted, mapped
                                                      * by back ends: a slot each */
#define GNTTAB_MAP_SLOTS 64
#define BUILD_P2M_VA     (VMAP_START + 0x1000000)    /* the builder's P2M list of
                                                      * the domain it builds (1 MiB) */
#define BUILD_PT_VA      (VMAP_START + 0x1100000)    /* ...and its boot page tables */
#define UNMAPPED_VA      (VMAP_END - 0x1000)         /* never mapped */

#define BOOT_STACK_SIZE  16384

#endif
