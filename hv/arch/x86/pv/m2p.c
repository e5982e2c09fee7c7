/* The M2P table: frames from the heap, written through the direct map,
 * mapped read-only and user-readable (guest kernels run in ring 3) at
 * RO_MPT_VIRT_START, which every guest's top-level table shares. */
#include <asm/m2p.h>
#include <asm/page.h>
#include <proxen/console.h>
#include <proxen/page_alloc.h>
#include <proxen/xmalloc.h>

static uint64_t **m2p_pages;      /* direct-map views of the table's frames */
static uint64_t m2p_nr_pages;

void m2p_init(void)
{
    uint64_t entries_per_page = PAGE_SIZE / sizeof(uint64_t);

    m2p_nr_pages = (max_mfn + entries_per_page - 1) / entries_per_page;
    m2p_pages = xzalloc(m2p_nr_pages * sizeof(*m2p_pages));
    if (!m2p_pages)
        panic("M2P: out of memory");
    for (uint64_t i = 0; i < m2p_nr_pages; i++) {
        uint64_t *page = alloc_xenheap_page();

        if (!page)
            panic("M2P: out of memory");
        memset(page, 0xff, PAGE_SIZE);
        m2p_pages[i] = page;
        if (map_pages(RO_MPT_VIRT_START + i * PAGE_SIZE, virt_to_maddr(page), 1,
                      _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX))
            panic("M2P: cannot map");
    }
}

void m2p_set(mfn_t mfn, gfn_t gfn)
{
    uint64_t m = mfn_x(mfn);

    if (m < max_mfn)
        m2p_pages[m / 512][m % 512] = gfn_x(gfn);
}

gfn_t m2p_get(mfn_t mfn)
{
    uint64_t m = mfn_x(mfn);

    return m < max_mfn ? _gfn(m2p_pages[m / 512][m % 512]) : M2P_INVALID;
}
