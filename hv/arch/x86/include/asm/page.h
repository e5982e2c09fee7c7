/* x86-64 page tables as the hypervisor uses them for itself. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <asm/config.h>
#include <proxen/types.h>
#include <lib/x86_pte.h>

#define PAGE_HYPERVISOR     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_RO  (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_UC  (PAGE_HYPERVISOR | _PAGE_PCD | _PAGE_PWT)

typedef uint64_t pte_t;

/* Image symbols: virtual = HV_VIRT_START + physical. */
#define __pa_image(va) ((paddr_t)((vaddr_t)(va) - HV_VIRT_START))

/* Early frame allocator, for page tables and the frame table before the
 * buddy allocator exists.  Frames come from RAM below 4 GiB after
 * everything the loader placed. */
paddr_t boot_alloc_frames(unsigned long nr);
paddr_t boot_alloc_used_end(void);
paddr_t boot_alloc_used_start(void);

/* Map [pa, pa + nr pages) at va in the hypervisor's page tables. */
int map_pages(vaddr_t va, paddr_t pa, unsigned long nr, uint64_t flags);
void unmap_pages(vaddr_t va, unsigned long nr);
/* Point an already-mapped 4 KiB page at another frame without allocating
 * anything (for paths a guest drives): -ENOENT if va was never mapped. */
int remap_page(vaddr_t va, paddr_t pa, uint64_t flags);
/* Translate va through the hypervisor tables; 0 if unmapped. */
paddr_t hv_virt_to_maddr(vaddr_t va);

/* Uncached mapping of device memory; NULL if the window is full. */
void *ioremap(paddr_t pa, size_t size);

void mm_init(void);        /* direct map + idle page tables, switch to them */
void heap_init(void);      /* frame table + buddy allocator */
paddr_t idle_pt_maddr(void);

static inline void *maddr_to_virt(paddr_t pa) { return (void *)(DIRECTMAP_VIRT_START + pa); }
static inline paddr_t virt_to_maddr(const void *va)
{
    vaddr_t v = (vaddr_t)va;

    if (v >= HV_VIRT_START && v < HV_VIRT_END)
        return v - HV_VIRT_START;
    return v - DIRECTMAP_VIRT_START;
}

#endif
