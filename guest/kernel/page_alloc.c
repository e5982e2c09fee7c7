/* The page allocator, over the domain's pseudo-physical pages.
 *
 * The builder maps the first few MiB (the image, start_info, P2M list,
 * boot page tables and some free pages); the rest of the direct map is
 * built here as allocation reaches it, 2 MiB (one L1 table) at a time,
 * with the table pages taken from what is already mapped.  Pages come
 * from a list of freed pages first, then from the never-used ones in
 * order. */
#include <console.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>

/* Pages kept mapped ahead of use for the tables that mapping the next
 * 2 MiB may need (an L2 and an L1 at most: the L3 for the top 2 GiB is
 * the builder's). */
#define TABLE_RESERVE 4

/* The direct map ends at the top of the address space. */
#define DIRECT_MAP_MAX_PAGES ((0 - VIRT_BASE) >> PAGE_SHIFT)

uint64_t *p2m;
uint64_t nr_pages;

static uint64_t next_pfn;      /* first never-allocated page */
static uint64_t mapped_end;    /* first page the direct map lacks */
static void *free_list;        /* freed pages, linked through their first word */
static uint64_t nr_listed;
static bool growing;           /* growing the map: allocate from the reserve */

extern char _end[];

bool mfn_is_own(uint64_t mfn, uint64_t max_mfn)
{
    uint64_t pfn;

    if (mfn > max_mfn)
        return false;
    pfn = mfn_to_pfn(mfn);
    return pfn < start_info->nr_pages && p2m[pfn] == mfn;
}

static uint64_t pfn_after(uint64_t va)
{
    return ROUNDUP(va - VIRT_BASE, PAGE_SIZE) >> PAGE_SHIFT;
}

/* The first page no boot element uses.  In the builder's layout the boot
 * page tables come last but for a one-page stack; the others are checked
 * too rather than trusting the order. */
static uint64_t first_free_pfn(void)
{
    const struct start_info *si = start_info;
    uint64_t end = pfn_after(si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE);

    end = MAX(end, pfn_after((uint64_t)_end));
    end = MAX(end, pfn_after(si->mfn_list + si->nr_pages * sizeof(uint64_t)));
    end = MAX(end, pfn_after((uint64_t)si + PAGE_SIZE));
    if (si->mod_start && !(si->flags & SIF_MOD_START_PFN))
        end = MAX(end, pfn_after(si->mod_start + si->mod_len));
    return end;
}

/* Map the next run of pages, up to the end of its L1 table. */
static void grow(void)
{
    static struct mmu_update batch[512];
    uint64_t va = (uint64_t)pfn_to_virt(mapped_end), l1;
    unsigned int n = (unsigned int)MIN(512 - pt_index(va, 1), nr_pages - mapped_end);
    long rc;

    growing = true;
    rc = pt_ensure_l1(va);
    if (rc)
        panic("page_alloc: no page table for %#lx (%ld)", va, rc);
    l1 = pt_entry_maddr(va, 1);
    for (unsigned int i = 0; i < n; i++)
        batch[i] = (struct mmu_update){
            .ptr = (l1 + i * sizeof(uint64_t)) | MMU_NORMAL_PT_UPDATE,
            .val = (p2m[mapped_end + i] << PAGE_SHIFT) | PTE_KERNEL_RW,
        };
    rc = hypercall_mmu_update(batch, n, NULL, DOMID_SELF);
    if (rc)
        panic("page_alloc: mapping pages %#lx+%u failed (%ld)", mapped_end, n, rc);
    mapped_end += n;
    growing = false;
}

void mm_init(void)
{
    p2m = (uint64_t *)start_info->mfn_list;
    nr_pages = MIN(start_info->nr_pages, DIRECT_MAP_MAX_PAGES);
    if (nr_pages < start_info->nr_pages)
        printk("Using %lu of %lu pages: the direct map ends at the top of the address space\n",
               nr_pages, start_info->nr_pages);
    pagetable_init();
    next_pfn = first_free_pfn();
    if (next_pfn >= nr_pages)
        panic("no free memory after the boot elements (%lu pages)", nr_pages);
    mapped_end = next_pfn;
    while (mapped_end < nr_pages && (pt_get((uint64_t)pfn_to_virt(mapped_end), 1) & _PAGE_PRESENT))
        mapped_end++;
    if (mapped_end - next_pfn <= TABLE_RESERVE)
        panic("the builder left only %lu pages mapped and free", mapped_end - next_pfn);
}

void *page_alloc(void)
{
    void *page;

    if (free_list) {
        page = free_list;
        free_list = *(void **)page;
        nr_listed--;
    } else {
        if (!growing && mapped_end < nr_pages && next_pfn + TABLE_RESERVE >= mapped_end)
            grow();
        if (next_pfn >= mapped_end)
            return NULL;
        page = pfn_to_virt(next_pfn++);
    }
    return memset(page, 0, PAGE_SIZE);
}

/* n pages at consecutive addresses, never used before: the direct map
 * is grown over them first (which may take pages for its tables from
 * where the run would start: then it starts after them). */
void *pages_alloc_contig(uint64_t n)
{
    uint64_t first;

    if (!n || n > nr_pages)
        return NULL;
    do {
        first = next_pfn;
        while (mapped_end < nr_pages && mapped_end < first + n + TABLE_RESERVE)
            grow();
    } while (next_pfn != first);
    if (n > mapped_end - first || mapped_end - first - n < TABLE_RESERVE)
        return NULL;
    next_pfn = first + n;
    return pfn_to_virt(first);
}

/* A run given back: to where it came from when nothing was taken after
 * it, so that the next run (the next kernel unpacked) can use it again;
 * else page by page to the free list. */
void pages_free_contig(void *pages, uint64_t n)
{
    uint64_t first = virt_to_pfn(pages);

    if (first + n == next_pfn) {
        next_pfn = first;
        return;
    }
    for (uint64_t i = 0; i < n; i++)
        page_free((char *)pages + i * PAGE_SIZE);
}

void page_free(void *page)
{
    *(void **)page = free_list;
    free_list = page;
    nr_listed++;
}

uint64_t page_alloc_free_pages(void)
{
    return nr_listed + (nr_pages - next_pfn);
}
