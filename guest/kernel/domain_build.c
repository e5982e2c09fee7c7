/* The domain builder (domain_build.h), run by the initial domain.
 *
 * Under the same rules as the hypervisor's builder of dom0 (the image is
 * hostile: lib/elf_image checks it, and the layout is checked against the
 * address space), with Xen's PV layout for a domU: everything from the
 * kernel's virtual base up (the kernel, an initial ramdisk if given, the
 * boot information) is mapped writable in the new domain's own
 * page tables, except those page-table frames, mapped read-only.  Every
 * write into the new domain goes through a foreign mapping of one of its
 * frames (mmu_update's foreign-domain argument) at BUILD_MAP_VA; its
 * frames come zeroed, so only what is not zero is written.  The L4 is then
 * pinned, which validates the tables against the new domain's own frames,
 * and vCPU 0 gets its context.  Any failure destroys the domain. */
#include <arch.h>
#include <domain_build.h>
#include <domain_image.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <lib/elf_image.h>
#include <lib/errno.h>
#include <mm.h>
#include <pagetable.h>
#include <public/control.h>
#include <public/event_channel.h>
#include <public/features.h>

#define MIB (1UL << 20)
#define PT_MAX 128                 /* page-table frames the builder writes */
#define MAP_BATCH 128              /* M2P updates per mmu_update */

/* What a domU kernel may require of the hypervisor. */
#define DOMU_FEATURES ((1u << XENFEAT_writable_page_tables) | \
                       (1u << XENFEAT_mmu_pt_update_preserve_ad) | \
                       (1u << XENFEAT_pae_pgdir_above_4gb))

/* The new domain's P2M list and its boot page tables, built here before
 * they are written into it: in windows of dom0's own pages, mapped as
 * far as the largest domain built so far needed (they stay mapped). */
#define pt_buf ((uint64_t (*)[512])BUILD_PT_VA)
_Static_assert(BUILD_MAX_PAGES * 8 <= BUILD_PT_VA - BUILD_P2M_VA, "the P2M window is too small");

static uint64_t p2m_mapped, pt_mapped;  /* bytes of each window mapped */
static struct elf_image_info info;
static uint64_t mapped_pfn = ~0UL;      /* the frame at BUILD_MAP_VA */

static long control(uint32_t cmd, domid_t dom, struct proxen_control *op)
{
    op->version = PROXEN_CONTROL_VERSION;
    op->cmd = cmd;
    op->domain = dom;
    return hypercall(__HYPERVISOR_control, (uint64_t)op, 0, 0, 0, 0);
}

static long fail(struct domain_build *b, long rc, const char *why)
{
    b->why = why;
    return rc;
}

/* --- layout ---------------------------------------------------------------- */

static uint64_t tables_needed(uint64_t s, uint64_t e, unsigned int shift)
{
    return ((e - 1) >> shift) - (s >> shift) + 1;
}

/* The ranges the boot page tables map: [v_start, v_end) from pfn 0, and
 * the P2M list where the kernel's INIT_P2M note asks for it (apart from
 * the rest, after v_end in pfn order), kernel range first: Linux expects
 * its L4, L3 and L2 to be the first three page-table frames. */
static unsigned int boot_maps(const struct domain_build *b, struct build_map m[2])
{
    m[0] = (struct build_map){ b->v_start, b->v_end, 0 };
    if (!b->p2m_apart)
        return 1;
    m[1] = (struct build_map){ b->p2m_va, b->p2m_va + b->nr_p2m_frames * PAGE_SIZE,
                               b->first_p2m_pfn };
    return 2;
}

/* An L4, and an L3, L2 and L1 for each 512 GiB, 1 GiB and 2 MiB the
 * ranges touch (a table shared by the end of the lower range and the
 * start of the higher one counted once: they do not overlap). */
static uint64_t pt_frames(const struct domain_build *b)
{
    struct build_map m[2];
    unsigned int n = boot_maps(b, m);
    const struct build_map *lo = &m[0], *hi = &m[n - 1];
    uint64_t count = 1;

    if (n == 2 && m[1].va < m[0].va) {
        lo = &m[1];
        hi = &m[0];
    }
    for (unsigned int shift = 21; shift <= 39; shift += 9) {
        for (unsigned int i = 0; i < n; i++)
            count += tables_needed(m[i].va, m[i].end, shift);
        if (n == 2 && ((lo->end - 1) >> shift) == (hi->va >> shift))
            count--;
    }
    return count;
}

/* Each step rounds up to a page and must not wrap. */
static bool place(uint64_t *at, uint64_t len, uint64_t *out)
{
    uint64_t start = *at, end = (start + len + PAGE_SIZE - 1) & PAGE_MASK;

    if (end < start)
        return false;
    *out = start;
    *at = end;
    return true;
}

/* The image's range and its layout: canonical, one half of the address
 * space, clear of the hypervisor's range. */
static bool range_ok(uint64_t s, uint64_t e)
{
    uint64_t last = e - 1;
    bool canonical = (s >> 47 == 0 || s >> 47 == 0x1ffff) && (last >> 47 == 0 || last >> 47 == 0x1ffff);

    return e > s && canonical && (s >> 63) == (last >> 63) &&
           (s >= HYPERVISOR_VIRT_END || last < HYPERVISOR_VIRT_START);
}

/* The P2M list at INIT_P2M: page-aligned, a guest's range, clear of the
 * boot mapping. */
static long place_p2m_apart(struct domain_build *b)
{
    uint64_t len = b->nr_p2m_frames * PAGE_SIZE;

    if ((b->p2m_va & ~PAGE_MASK) || b->p2m_va + len < b->p2m_va || !range_ok(b->p2m_va, b->p2m_va + len))
        return fail(b, -EINVAL, "INIT_P2M names an address a guest cannot use");
    if (b->p2m_va < b->v_end && b->p2m_va + len > b->v_start)
        return fail(b, -EINVAL, "INIT_P2M overlaps the boot mapping");
    return 0;
}

/* Where everything goes (see domain_build.h), and how many page tables
 * map it: they map themselves too, so their count is found by growing it
 * until it suffices. */
static long compute_layout(struct domain_build *b)
{
    uint64_t at = (info.virt_kend + PAGE_SIZE - 1) & PAGE_MASK;

    b->v_start = info.virt_base & PAGE_MASK;
    b->module_va = 0;
    b->p2m_apart = (info.notes_seen >> XEN_ELFNOTE_INIT_P2M) & 1;
    b->nr_p2m_frames = (b->nr_pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    if (b->module_len && !place(&at, b->module_len, &b->module_va))
        return fail(b, -EINVAL, "the boot layout wraps around the top");
    if (b->p2m_apart)
        b->p2m_va = info.init_p2m;
    if (at < info.virt_kend || (!b->p2m_apart && !place(&at, b->nr_pages * 8, &b->p2m_va)) ||
        !place(&at, PAGE_SIZE, &b->start_info_va) || !place(&at, PAGE_SIZE, &b->store_va) ||
        !place(&at, PAGE_SIZE, &b->console_va))
        return fail(b, -EINVAL, "the boot layout wraps around the top");
    b->pt_va = at;
    for (b->nr_pt = 1;; ) {
        uint64_t end = b->pt_va + b->nr_pt * PAGE_SIZE + PAGE_SIZE, need;
        long rc;

        b->v_end = (end + 4 * MIB - 1) & ~(4 * MIB - 1);
        if (b->v_end - end < 512 * 1024)
            b->v_end += 4 * MIB;
        if (end < b->pt_va || b->v_end < end)
            return fail(b, -EINVAL, "the boot layout wraps around the top");
        b->first_p2m_pfn = b->p2m_apart ? (b->v_end - b->v_start) / PAGE_SIZE : 0;
        if (b->p2m_apart && (rc = place_p2m_apart(b)))
            return rc;
        need = pt_frames(b);
        if (need <= b->nr_pt)
            break;
        if (need > PT_MAX)
            return fail(b, -E2BIG, "the boot layout needs too many page tables");
        b->nr_pt = need;
    }
    b->stack_end = b->pt_va + (b->nr_pt + 1) * PAGE_SIZE;
    if ((b->v_end - b->v_start) / PAGE_SIZE + (b->p2m_apart ? b->nr_p2m_frames : 0) > b->nr_pages)
        return fail(b, -ENOMEM, "too little memory for the boot layout");
    return 0;
}

/* --- writing into the new domain -------------------------------------------- */

static long map_frame(domid_t dom, uint64_t mfn, bool writable)
{
    struct mmu_update u = {
        .ptr = pt_entry_maddr(BUILD_MAP_VA, 1) | MMU_NORMAL_PT_UPDATE,
        .val = mfn ? (mfn << PAGE_SHIFT) | (writable ? PTE_KERNEL_RW : PTE_KERNEL_RO) : 0,
    };
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = BUILD_MAP_VA };
    long rc = hypercall_mmu_update(&u, 1, NULL, dom);

    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return rc;
}

static void unmap_frame(domid_t dom)
{
    if (mapped_pfn != ~0UL)
        (void)map_frame(dom, 0, false);
    mapped_pfn = ~0UL;
}

/* The frame the boot mapping puts at va, or ~0 if it maps none there. */
static uint64_t pfn_at(const struct domain_build *b, uint64_t va)
{
    struct build_map m[2];
    unsigned int n = boot_maps(b, m);

    for (unsigned int i = 0; i < n; i++)
        if (va >= m[i].va && va < m[i].end)
            return m[i].pfn + ((va - m[i].va) >> PAGE_SHIFT);
    return ~0UL;
}

struct writer {
    struct domain_build *b;
    long rc;
};

/* len bytes at the new domain's virtual address va (src NULL: zeroes,
 * which its fresh frames hold already). */
static int write_at(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct writer *w = ctx;
    struct domain_build *b = w->b;

    while (len) {
        uint64_t n = MIN(len, PAGE_SIZE - (va & ~PAGE_MASK)), pfn = pfn_at(b, va);

        if (pfn >= b->nr_pages)
            return -EINVAL;
        if (src) {
            if (pfn != mapped_pfn) {
                long rc = map_frame(b->domid, domain_build_p2m[pfn], true);

                if (rc)
                    return (int)rc;
                mapped_pfn = pfn;
            }
            memcpy((char *)BUILD_MAP_VA + (va & ~PAGE_MASK), src, n);
            src = (const char *)src + n;
        }
        va += n;
        len -= n;
    }
    return 0;
}

static int zero_at(void *ctx, uint64_t va, uint64_t len)
{
    return write_at(ctx, va, NULL, len);
}

static uint64_t pfn_of(const struct domain_build *b, uint64_t va)
{
    return (va - b->v_start) >> PAGE_SHIFT;
}

static uint64_t pte(uint64_t pfn, bool writable)
{
    return (domain_build_p2m[pfn] << PAGE_SHIFT) | (writable ? PTE_KERNEL_RW : PTE_KERNEL_RO);
}

/* The table in pt_buf that entry e names. */
static uint64_t *table_of(const struct domain_build *b, uint64_t e)
{
    uint64_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT, first = pfn_of(b, b->pt_va);

    for (uint64_t i = 0; i < b->nr_pt; i++)
        if (domain_build_p2m[first + i] == mfn)
            return pt_buf[i];
    return NULL;
}

/* Map [m->va, m->end) to the frames from m->pfn, taking new tables from
 * *next on: the page tables themselves read-only. */
static void map_range(const struct domain_build *b, const struct build_map *m, uint64_t *next)
{
    uint64_t pt_first = pfn_of(b, b->pt_va);

    for (uint64_t va = m->va; va < m->end; va += PAGE_SIZE) {
        uint64_t *t = pt_buf[0], pfn = m->pfn + ((va - m->va) >> PAGE_SHIFT);

        for (unsigned int level = 4; level > 1; level--) {
            uint64_t *e = &t[(va >> (12 + 9 * (level - 1))) & 511];

            if (!*e)
                *e = pte(pt_first + (*next)++, true);
            t = table_of(b, *e);
        }
        t[(va >> 12) & 511] = pte(pfn, pfn < pt_first || pfn >= pt_first + b->nr_pt);
    }
}

/* The tables in pt_buf (frame i is the page at pt_va + i pages): the L4
 * first, then the others as the walk of each range needs them
 * (compute_layout counted enough). */
static void build_tables(const struct domain_build *b)
{
    struct build_map m[2];
    unsigned int n = boot_maps(b, m);
    uint64_t next = 1;

    memset(pt_buf, 0, sizeof(pt_buf[0]) * b->nr_pt);
    for (unsigned int i = 0; i < n; i++)
        map_range(b, &m[i], &next);
}

/* The 64-bit PV hypercall page: one 32-byte stub per hypercall, as Xen
 * writes it for a guest kernel in ring 3 (the iret one does not return). */
static void fill_hypercall_page(uint8_t *page)
{
    memset(page, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
        static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };
        const uint8_t call[] = { 0x51, 0x41, 0x53, 0xb8, (uint8_t)i, 0, 0, 0, 0x0f, 0x05,
                                 0x41, 0x5b, 0x59, 0xc3 };

        if (i == __HYPERVISOR_iret)
            memcpy(page + i * 32, iret, sizeof(iret));
        else
            memcpy(page + i * 32, call, sizeof(call));
    }
}

/* Map dom0 pages at va until *mapped covers bytes. */
static long window_grow(uint64_t va, uint64_t *mapped, uint64_t bytes)
{
    while (*mapped < bytes) {
        void *page = page_alloc();
        long rc;

        if (!page)
            return -ENOMEM;
        if ((rc = pt_map(va + *mapped, virt_to_mfn(page), PTE_KERNEL_RW))) {
            page_free(page);
            return rc;
        }
        *mapped += PAGE_SIZE;
    }
    return 0;
}

/* --- the steps ---------------------------------------------------------------- */

static long create(struct domain_build *b)
{
    struct proxen_control op = { 0 };
    long rc;

    op.u.createdomain.max_vcpus = b->vcpus;
    op.u.createdomain.max_pages = b->nr_pages;
    strlcpy(op.u.createdomain.name, b->name, sizeof(op.u.createdomain.name));
    rc = control(PXCTL_createdomain, 0, &op);
    b->domid = op.domain;
    return rc ? fail(b, rc, "createdomain refused") : 0;
}

/* Its memory, its frame list, and the M2P entries naming its frames. */
static long populate(struct domain_build *b)
{
    struct proxen_control op = { 0 };
    struct mmu_update u[MAP_BATCH];
    long rc;

    if (window_grow(BUILD_P2M_VA, &p2m_mapped, b->nr_pages * 8) ||
        window_grow(BUILD_PT_VA, &pt_mapped, b->nr_pt * PAGE_SIZE))
        return fail(b, -ENOMEM, "dom0 has too little memory to build it");
    op.u.populate.nr_pages = b->nr_pages;
    if ((rc = control(PXCTL_populate, b->domid, &op)))
        return fail(b, rc, "populate refused");
    op.u.getmemlist = (struct pxctl_getmemlist){ (uint64_t)domain_build_p2m, 0, b->nr_pages, 0 };
    if ((rc = control(PXCTL_getmemlist, b->domid, &op)) || op.u.getmemlist.max != b->nr_pages)
        return fail(b, rc ? rc : -EIO, "getmemlist failed");
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn += MAP_BATCH) {
        unsigned int n = (unsigned int)MIN((uint64_t)MAP_BATCH, b->nr_pages - pfn);

        for (unsigned int i = 0; i < n; i++)
            u[i] = (struct mmu_update){ (domain_build_p2m[pfn + i] << PAGE_SHIFT) |
                                        MMU_MACHPHYS_UPDATE, pfn + i };
        if ((rc = hypercall_mmu_update(u, n, NULL, b->domid)))
            return fail(b, rc, "M2P update refused");
    }
    return 0;
}

static long alloc_port(struct domain_build *b, uint32_t *port)
{
    struct evtchn_alloc_unbound au = { .dom = b->domid, .remote_dom = 0 };
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au);

    *port = au.port;
    return rc ? fail(b, rc, "no event channel") : 0;
}

static long write_boot_info(struct domain_build *b, struct writer *w)
{
    static struct start_info si;
    static uint8_t page[PAGE_SIZE];
    struct proxen_control op = { 0 };
    long rc;

    if ((rc = control(PXCTL_getdomaininfo, b->domid, &op)) || op.u.domaininfo.domain != b->domid)
        return fail(b, rc ? rc : -ESRCH, "getdomaininfo failed");
    if ((rc = alloc_port(b, &b->store_evtchn)) || (rc = alloc_port(b, &b->console_evtchn)))
        return rc;
    memset(&si, 0, sizeof(si));
    strlcpy(si.magic, XEN_START_INFO_MAGIC, sizeof(si.magic));
    si.nr_pages = b->nr_pages;
    si.shared_info = op.u.domaininfo.shared_info_frame << PAGE_SHIFT;
    si.store_mfn = domain_build_p2m[pfn_of(b, b->store_va)];
    si.store_evtchn = b->store_evtchn;
    si.console.domU.mfn = domain_build_p2m[pfn_of(b, b->console_va)];
    si.console.domU.evtchn = b->console_evtchn;
    si.pt_base = b->pt_va;
    si.nr_pt_frames = b->nr_pt;
    si.mfn_list = b->p2m_va;
    si.mod_start = b->module_va;
    si.mod_len = b->module_len;
    if (b->module_len && info.mod_start_pfn) {
        si.mod_start = pfn_of(b, b->module_va);
        si.flags |= SIF_MOD_START_PFN;
    }
    if (b->p2m_apart) {
        si.first_p2m_pfn = b->first_p2m_pfn;
        si.nr_p2m_frames = b->nr_p2m_frames;
    }
    strlcpy(si.cmd_line, b->cmdline ? b->cmdline : "", sizeof(si.cmd_line));
    if ((b->module_len && (rc = write_at(w, b->module_va, b->module, b->module_len))) ||
        (rc = write_at(w, b->start_info_va, &si, sizeof(si))) ||
        (rc = write_at(w, b->p2m_va, domain_build_p2m, b->nr_pages * 8)))
        return fail(b, rc, "writing the boot information failed");
    if (info.hypercall_page) {
        fill_hypercall_page(page);
        if ((rc = write_at(w, info.hypercall_page & PAGE_MASK, page, PAGE_SIZE)))
            return fail(b, rc, "writing the hypercall page failed");
    }
    return 0;
}

static long load(struct domain_build *b)
{
    struct writer w = { b, 0 };
    long rc = elf_image_load(b->kernel.elf, b->kernel.elf_len, &info, write_at, zero_at, &w);

    if (rc)
        return fail(b, rc, "loading the image failed");
    if ((rc = write_boot_info(b, &w)))
        return rc;
    build_tables(b);
    for (uint64_t i = 0; i < b->nr_pt && !rc; i++)
        rc = write_at(&w, b->pt_va + i * PAGE_SIZE, pt_buf[i], PAGE_SIZE);
    unmap_frame(b->domid);          /* a table mapped writable cannot be pinned */
    return rc ? fail(b, rc, "writing the page tables failed") : 0;
}

/* Pin the L4 (validating the whole tree as the new domain's) and give
 * vCPU 0 its first context, online. */
static long start_context(struct domain_build *b)
{
    static struct vcpu_guest_context c;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    struct proxen_control op = { 0 };
    long rc;

    b->l4_mfn = domain_build_p2m[pfn_of(b, b->pt_va)];
    b->store_mfn = domain_build_p2m[pfn_of(b, b->store_va)];
    b->console_mfn = domain_build_p2m[pfn_of(b, b->console_va)];
    pin.arg1.mfn = b->l4_mfn;
    if ((rc = hypercall_mmuext_op(&pin, 1, NULL, b->domid)))
        return fail(b, rc, "its page tables were refused");
    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.rip = info.entry;
    c.user_regs.rsp = b->stack_end;
    c.user_regs.rsi = b->start_info_va;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.rflags = 1u << 9;            /* events as the kernel's upcall mask says */
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = b->stack_end;
    c.ctrlreg[3] = xen_pfn_to_cr3(b->l4_mfn);
    op.u.vcpucontext = (struct pxctl_vcpucontext){ .vcpu = 0, .ctxt = (uint64_t)&c };
    rc = control(PXCTL_setvcpucontext, b->domid, &op);
    return rc ? fail(b, rc, "vCPU 0's context was refused") : 0;
}

static long check_image(struct domain_build *b)
{
    const char *why = NULL;
    long rc = elf_image_parse(b->kernel.elf, b->kernel.elf_len, DOMU_FEATURES, &info, &why);

    if (!rc)
        rc = elf_image_check_xen(&info, &why);
    if (rc)
        return fail(b, rc, why ? why : "image refused");
    if (!range_ok(info.virt_base & PAGE_MASK, (info.virt_kend + PAGE_SIZE - 1) & PAGE_MASK))
        return fail(b, -EINVAL, "the image's virtual range is not a guest's");
    if (!b->nr_pages || b->nr_pages > BUILD_MAX_PAGES || !b->vcpus)
        return fail(b, -EINVAL, "memory or vCPUs out of range");
    if ((rc = compute_layout(b)))
        return rc;
    return range_ok(b->v_start, b->v_end) ? 0
           : fail(b, -EINVAL, "the boot layout is not in a guest's range");
}

/* The steps from a created domain on; any failure destroys it. */
static long build_created(struct domain_build *b)
{
    struct proxen_control op = { 0 };
    long rc;

    if ((rc = pt_ensure_l1(BUILD_MAP_VA)) && !b->why)
        fail(b, rc, "no window for foreign mappings");
    if (!rc && !(rc = populate(b)) && !(rc = load(b)))
        rc = start_context(b);
    unmap_frame(b->domid);
    if (rc) {
        control(PXCTL_destroydomain, b->domid, &op);
        b->domid = DOMID_INVALID;
    }
    return rc;
}

long domain_build(struct domain_build *b)
{
    long rc;

    b->why = NULL;
    b->domid = DOMID_INVALID;
    if ((rc = domain_image_unpack(b->image, b->image_len, &b->kernel, &b->why)))
        return rc;
    if (!(rc = check_image(b)) && !(rc = create(b)))
        rc = build_created(b);
    domain_image_release(&b->kernel);
    return rc;
}
