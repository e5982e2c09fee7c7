/* The hypervisor's own address space: the idle page tables with the image,
 * the direct map of RAM and the device window; and the boot-time frame
 * allocator that page tables and the frame table come from before the
 * buddy allocator exists.
 *
 * Locking: map_pages() is used single-threaded during boot and afterwards
 * under map_lock. */
#include <asm/boot.h>
#include <asm/page.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/errno.h>
#include <proxen/page_alloc.h>
#include <proxen/spinlock.h>

extern char __image_start[], __text_start[], __text_end[], __symbols_end[];
extern char __load_end[], __image_end[];

/* Also the template for the hypervisor slots of every guest L4. */
pte_t idle_l4_table[512] __attribute__((aligned(4096), section(".bss.page_aligned")));
#define idle_l4 idle_l4_table
static bool directmap_live;     /* page tables reachable through the direct map */
static bool heap_live;          /* page-table frames come from the buddy allocator */
static uint64_t nx_mask;        /* _PAGE_NX if the CPU has it, else 0 */
static DEFINE_SPINLOCK_RANKED(map_lock, LOCK_MAP);

/* --- boot frame allocator ------------------------------------------------ */

static paddr_t boot_next, boot_limit, boot_first;

static void boot_alloc_init(void)
{
    paddr_t from = ROUNDUP(MAX(boot_info.reserved_end, __pa_image(__image_end)), PAGE_SIZE);

    for (unsigned int i = 0; i < boot_info.nr_memmap; i++) {
        const struct memmap_entry *e = &boot_info.memmap[i];
        paddr_t s = MAX(ROUNDUP(e->addr, PAGE_SIZE), from);
        paddr_t end = MIN(ROUNDDOWN(e->addr + e->len, PAGE_SIZE), 1ULL << 32);

        if (e->type == MEMMAP_RAM && s + (4UL << 20) <= end) {
            boot_first = boot_next = s;
            boot_limit = end;
            return;
        }
    }
    panic("no RAM below 4 GiB for boot-time page tables");
}

paddr_t boot_alloc_frames(unsigned long nr)
{
    paddr_t pa = boot_next;

    if (!boot_next)
        boot_alloc_init();
    pa = boot_next;
    if (nr > (boot_limit - pa) >> PAGE_SHIFT)
        panic("boot allocator exhausted (%lu frames wanted)", nr);
    boot_next += nr << PAGE_SHIFT;
    return pa;
}

paddr_t boot_alloc_used_start(void) { return boot_first; }
paddr_t boot_alloc_used_end(void) { return boot_next; }

/* --- page-table walking --------------------------------------------------- */

static pte_t *pt_virt(paddr_t pa)
{
    return directmap_live ? maddr_to_virt(pa) : (pte_t *)(uintptr_t)pa;
}

static paddr_t alloc_pt_frame(void)
{
    paddr_t pa;

    if (heap_live) {
        struct page_info *pg = alloc_pages(0);

        if (!pg)
            return 0;
        pa = mfn_to_maddr(page_to_mfn(pg));
    } else {
        pa = boot_alloc_frames(1);
    }
    memset(pt_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/* Find (allocating if asked) the table at `level` covering va.  Only the
 * M2P window asks for user access; everything else of the hypervisor's is
 * supervisor-only from the top level down. */
static pte_t *walk_user(vaddr_t va, unsigned int level, bool alloc, bool user)
{
    pte_t *t = idle_l4;

    for (unsigned int l = 4; l > level; l--) {
        pte_t *e = &t[pt_index(va, l)];

        if (!(*e & _PAGE_PRESENT)) {
            paddr_t pa = alloc ? alloc_pt_frame() : 0;

            if (!pa)
                return NULL;
            *e = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
                 (user ? _PAGE_USER : 0);
        } else if (*e & _PAGE_PSE) {
            return NULL;            /* covered by a large page */
        }
        t = pt_virt(*e & PTE_ADDR_MASK);
    }
    return t;
}

static pte_t *walk(vaddr_t va, unsigned int level, bool alloc)
{
    return walk_user(va, level, alloc, false);
}

static int map_one(vaddr_t va, paddr_t pa, unsigned int level, uint64_t flags)
{
    pte_t *t = walk_user(va, level, true, flags & _PAGE_USER);

    if (!t)
        return -ENOMEM;
    t[pt_index(va, level)] = pa | (flags & ~_PAGE_NX) | (flags & nx_mask) |
                             (level > 1 ? _PAGE_PSE : 0);
    return 0;
}

int map_pages(vaddr_t va, paddr_t pa, unsigned long nr, uint64_t flags)
{
    int rc = 0;

    spin_lock(&map_lock);
    for (unsigned long i = 0; i < nr && !rc; i++)
        rc = map_one(va + (i << PAGE_SHIFT), pa + (i << PAGE_SHIFT), 1, flags);
    spin_unlock(&map_lock);
    return rc;
}

int remap_page(vaddr_t va, paddr_t pa, uint64_t flags)
{
    pte_t *t;

    spin_lock(&map_lock);
    t = walk(va, 1, false);
    if (t && (t[pt_index(va, 1)] & _PAGE_PRESENT))
        t[pt_index(va, 1)] = pa | (flags & ~_PAGE_NX) | (flags & nx_mask);
    spin_unlock(&map_lock);
    if (!t || !(t[pt_index(va, 1)] & _PAGE_PRESENT))
        return -ENOENT;
    invlpg((void *)va);
    return 0;
}

void unmap_pages(vaddr_t va, unsigned long nr)
{
    spin_lock(&map_lock);
    for (unsigned long i = 0; i < nr; i++) {
        vaddr_t v = va + (i << PAGE_SHIFT);
        pte_t *t = walk(v, 1, false);

        if (t)
            t[pt_index(v, 1)] = 0;
        invlpg((void *)v);
    }
    spin_unlock(&map_lock);
}

paddr_t hv_virt_to_maddr(vaddr_t va)
{
    pte_t *t = idle_l4;

    for (unsigned int l = 4; l >= 1; l--) {
        pte_t e = t[pt_index(va, l)];

        if (!(e & _PAGE_PRESENT))
            return 0;
        if (l == 1 || (e & _PAGE_PSE)) {
            uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (l - 1));

            return (e & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
        }
        t = pt_virt(e & PTE_ADDR_MASK);
    }
    return 0;
}

paddr_t idle_pt_maddr(void) { return __pa_image(idle_l4); }

/* --- the direct map and the image ----------------------------------------- */

/* Map [s, e) of machine memory into the direct map, 2 MiB pages where
 * alignment allows.  Ranges may overlap: remapping the same translation
 * is harmless. */
static void directmap_range(paddr_t s, paddr_t e)
{
    const uint64_t big = 1ULL << 21;

    s = ROUNDDOWN(s, PAGE_SIZE);
    e = ROUNDUP(e, PAGE_SIZE);
    while (s < e) {
        vaddr_t va = DIRECTMAP_VIRT_START + s;
        pte_t *l2 = walk(va, 2, true);
        pte_t l2e = l2 ? l2[pt_index(va, 2)] : 0;
        int rc = 0;

        if (!l2)
            panic("direct map: out of boot memory");
        if (l2e & _PAGE_PSE) {
            s = ROUNDDOWN(s, big) + big;       /* already mapped, same translation */
            continue;
        }
        if (!(l2e & _PAGE_PRESENT) && IS_ALIGNED(s, big) && e - s >= big) {
            rc = map_one(va, s, 2, PAGE_HYPERVISOR | _PAGE_NX);
            s += big;
        } else {
            rc = map_one(va, s, 1, PAGE_HYPERVISOR | _PAGE_NX);
            s += PAGE_SIZE;
        }
        if (rc)
            panic("direct map: cannot map %#llx", (unsigned long long)s);
    }
}

static void map_image(void)
{
    paddr_t text = __pa_image(__image_start);
    paddr_t ro_end = __pa_image(ROUNDUP((vaddr_t)__symbols_end, PAGE_SIZE));
    paddr_t end = __pa_image(__image_end);

    for (paddr_t pa = text; pa < end; pa += PAGE_SIZE) {
        uint64_t flags = PAGE_HYPERVISOR;

        if (pa < __pa_image(ROUNDUP((vaddr_t)__text_end, PAGE_SIZE)))
            flags = PAGE_HYPERVISOR_RO;
        else if (pa < ro_end)
            flags = PAGE_HYPERVISOR_RO | _PAGE_NX;
        else
            flags |= _PAGE_NX;
        if (map_one(HV_VIRT_START + pa, pa, 1, flags))
            panic("cannot map the hypervisor image");
    }
}

void mm_init(void)
{
    if (rdmsr(MSR_EFER) & EFER_NXE)
        nx_mask = _PAGE_NX;
    map_image();
    directmap_range(0, 1 << 20);           /* BIOS areas: ACPI RSDP search */
    for (unsigned int i = 0; i < boot_info.nr_memmap; i++) {
        const struct memmap_entry *e = &boot_info.memmap[i];

        /* Firmware-reserved areas below 4 GiB too: ACPI tables may sit
         * there.  MTRRs keep any device memory among them uncached. */
        if (e->type == MEMMAP_RAM || e->type == MEMMAP_ACPI || e->type == MEMMAP_NVS ||
            (e->type == MEMMAP_RESERVED && e->addr + e->len <= (1ULL << 32)))
            directmap_range(e->addr, e->addr + e->len);
    }
    /* Every hypervisor slot gets its L3 now: guest top-level tables copy
     * these slots, and must see mappings made after they were built. */
    for (vaddr_t va = RO_MPT_VIRT_START; va < DIRECTMAP_VIRT_END; va += 1ULL << 39)
        if (!walk_user(va, 3, true, va == RO_MPT_VIRT_START))
            panic("cannot allocate the hypervisor's L3 tables");
    write_cr3(idle_pt_maddr());
    directmap_live = true;
    write_cr4(read_cr4() | X86_CR4_PGE);
}

/* --- device memory -------------------------------------------------------- */

static vaddr_t ioremap_next = IOREMAP_VIRT_START;

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    unsigned long nr = (ROUNDUP(pa + size, PAGE_SIZE) - base) >> PAGE_SHIFT;
    vaddr_t va;

    spin_lock(&map_lock);
    va = ioremap_next;
    if (nr > (IOREMAP_VIRT_END - va) >> PAGE_SHIFT) {
        spin_unlock(&map_lock);
        return NULL;
    }
    ioremap_next += (nr + 1) << PAGE_SHIFT;     /* one-page gap as a guard */
    spin_unlock(&map_lock);
    if (map_pages(va, base, nr, PAGE_HYPERVISOR_UC | _PAGE_NX))
        return NULL;
    return (void *)(va + (pa - base));
}

/* --- the frame table and the heap ---------------------------------------- */

struct range { paddr_t s, e; };

static void free_ram_range(paddr_t s, paddr_t e, const struct range *rsv, unsigned int n)
{
    s = ROUNDUP(s, PAGE_SIZE);
    e = ROUNDDOWN(e, PAGE_SIZE);
    for (unsigned int i = 0; i < n && s < e; i++) {
        if (rsv[i].e <= s || rsv[i].s >= e)
            continue;
        if (rsv[i].s > s)
            free_ram_range(s, rsv[i].s, rsv + i + 1, n - i - 1);
        s = MAX(s, ROUNDUP(rsv[i].e, PAGE_SIZE));
    }
    if (s < e)
        page_alloc_free_range(maddr_to_mfn(s), (e - s) >> PAGE_SHIFT);
}

void heap_init(void)
{
    /* Fixed reservations, then (growing) every RAM region already freed,
     * so that overlapping firmware entries never free a frame twice. */
    struct range rsv[MAX_BOOT_MODULES + 4 + MAX_MEMMAP_ENTRIES];
    unsigned int n = 0;
    uint64_t top = 0, ft_frames;
    struct page_info *ft;

    for (unsigned int i = 0; i < boot_info.nr_memmap; i++)
        if (boot_info.memmap[i].type == MEMMAP_RAM)
            top = MAX(top, boot_info.memmap[i].addr + boot_info.memmap[i].len);
    max_mfn = top >> PAGE_SHIFT;
    ft_frames = ROUNDUP(max_mfn * sizeof(struct page_info), PAGE_SIZE) >> PAGE_SHIFT;
    ft = maddr_to_virt(boot_alloc_frames(ft_frames));
    page_alloc_init(ft, max_mfn);

    rsv[n++] = (struct range){ 0, 1 << 20 };   /* real-mode area, AP trampoline */
    rsv[n++] = (struct range){ __pa_image(__image_start), __pa_image(__image_end) };
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        rsv[n++] = (struct range){ boot_info.modules[i].start, boot_info.modules[i].end };
    /* Loader structures (already copied) and boot frames: keep them all. */
    rsv[n++] = (struct range){ __pa_image(__image_end), boot_alloc_used_end() };
    for (unsigned int i = 0; i < boot_info.nr_memmap; i++) {
        const struct memmap_entry *e = &boot_info.memmap[i];

        if (e->type != MEMMAP_RAM)
            continue;
        free_ram_range(e->addr, e->addr + e->len, rsv, n);
        rsv[n++] = (struct range){ e->addr, e->addr + e->len };
    }
    heap_live = true;
}

/* arch.h: the direct map. */
void *arch_maddr_to_virt(paddr_t pa) { return maddr_to_virt(pa); }
paddr_t arch_virt_to_maddr(const void *va) { return virt_to_maddr(va); }
