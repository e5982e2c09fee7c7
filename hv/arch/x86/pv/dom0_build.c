/* Building the initial domain from a boot module.
 *
 * The layout follows Xen's for a 64-bit PV dom0, all page aligned from the
 * kernel's virtual base upwards, with VA = virt_base + pfn * 4096:
 *   kernel | initial ramdisk | P2M list | start_info | page tables | stack
 * then padding to a 4 MiB boundary with at least 512 KiB free.  Everything
 * up to there is mapped writable except the page-table frames, which are
 * mapped read-only and validated as page tables before the guest runs. */
#include <asm/boot.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <lib/elf_image.h>
#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/domain.h>
#include <proxen/grant_table.h>
#include <proxen/errno.h>
#include <proxen/options.h>
#include <proxen/page_type.h>
#include <proxen/wallclock.h>
#include <proxen/xmalloc.h>
#include <public/features.h>
#include <public/xen.h>

#define MIB (1ULL << 20)
#define DEFAULT_DOM0_MEM (256 * MIB)
#define HEAP_RESERVE (16 * MIB)          /* left to the hypervisor by default */

/* Features a 64-bit PV kernel may require of us. */
#define HV_FEATURES ((1u << XENFEAT_dom0) | (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_mmu_pt_update_preserve_ad) | \
                     (1u << XENFEAT_pae_pgdir_above_4gb))

struct layout {
    uint64_t v_start, v_end;
    uint64_t kern_end, initrd_start, p2m_start, si_start, pt_start, stack_end;
    uint64_t nr_pt;                      /* frames of page tables */
    uint64_t nr_pages;                   /* the domain's memory */
};

struct build {
    struct domain *d;
    struct page_info **frames;           /* pfn -> frame */
    struct layout l;
};

static uint64_t roundup_page(uint64_t x) { return ROUNDUP(x, PAGE_SIZE); }

static uint64_t tables_needed(uint64_t s, uint64_t e, unsigned int shift)
{
    return ((e - 1) >> shift) - (s >> shift) + 1;
}

/* Page tables to map [s, e): one L4, and as many L3/L2/L1 as the range
 * touches 512 GiB / 1 GiB / 2 MiB regions. */
static uint64_t pt_frames(uint64_t s, uint64_t e)
{
    return 1 + tables_needed(s, e, 39) + tables_needed(s, e, 30) + tables_needed(s, e, 21);
}

static int compute_layout(struct layout *l, const struct elf_image_info *info,
                          uint64_t initrd_len, uint64_t nr_pages)
{
    l->nr_pages = nr_pages;
    l->v_start = info->virt_base & PAGE_MASK;
    l->kern_end = roundup_page(info->virt_kend);
    l->initrd_start = l->kern_end;
    l->p2m_start = roundup_page(l->initrd_start + initrd_len);
    l->si_start = roundup_page(l->p2m_start + nr_pages * sizeof(uint64_t));
    l->pt_start = l->si_start + PAGE_SIZE;
    if (l->kern_end < info->virt_kend || l->p2m_start < l->initrd_start ||
        l->si_start < l->p2m_start || l->pt_start < l->si_start)
        return -EOVERFLOW;           /* wrapped around the top */
    l->nr_pt = 1;
    for (;;) {                       /* the tables map themselves too */
        if (l->nr_pt > nr_pages)
            return -ENOMEM;          /* and would not fit anyway; ends a wrapped layout's loop */
        uint64_t end = l->pt_start + l->nr_pt * PAGE_SIZE + PAGE_SIZE;
        uint64_t v_end = ROUNDUP(end, 4 * MIB);
        uint64_t need;

        if (v_end - end < 512 * 1024)
            v_end += 4 * MIB;
        if (end < l->pt_start || (v_end != 0 && v_end < end))
            return -EOVERFLOW;       /* wrapped around the top (v_end 0: ends at it) */
        need = pt_frames(l->v_start, v_end);
        if (need <= l->nr_pt) {
            l->stack_end = end;
            l->v_end = v_end;
            break;
        }
        l->nr_pt = need;
    }
    if ((l->v_end - l->v_start) / PAGE_SIZE > nr_pages)
        return -ENOMEM;
    return 0;
}

/* Why the virtual range [s, e) (e = 0: up to the top) cannot hold a
 * guest's image and boot layout, or NULL if it can. */
static const char *bad_virtual_range(uint64_t s, uint64_t e)
{
    if (e != 0 && e <= s)
        return "wraps around the top of the address space";
    if (!is_canonical(s) || !is_canonical(e - 1) || (s >> 63) != ((e - 1) >> 63))
        return "crosses or lies in the non-canonical hole";
    if (s < HYPERVISOR_VIRT_END && e - 1 >= HYPERVISOR_VIRT_START)
        return "overlaps the hypervisor's range 0xffff800000000000-0xffff880000000000";
    return NULL;
}


static uint64_t pfn_of(const struct build *b, uint64_t va) { return (va - b->l.v_start) >> PAGE_SHIFT; }

static void *va_ptr(const struct build *b, uint64_t va)
{
    struct page_info *pg = b->frames[pfn_of(b, va)];

    return (char *)maddr_to_virt(mfn_to_maddr(page_to_mfn(pg))) + (va & ~PAGE_MASK);
}

/* Copy into the domain's memory at guest virtual addresses, page by page. */
static int write_guest(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct build *b = ctx;

    while (len) {
        uint64_t n = MIN(len, PAGE_SIZE - (va & ~PAGE_MASK));

        if (va < b->l.v_start || pfn_of(b, va) >= b->l.nr_pages)
            return -EINVAL;
        if (src) {
            memcpy(va_ptr(b, va), src, n);
            src = (const char *)src + n;
        } else {
            memset(va_ptr(b, va), 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

static int zero_guest(void *ctx, uint64_t va, uint64_t len) { return write_guest(ctx, va, NULL, len); }

static uint64_t frame_maddr(const struct build *b, uint64_t pfn)
{
    return mfn_to_maddr(page_to_mfn(b->frames[pfn]));
}

/* Build the tables in the frames at pt_start: the L4 first, then L3s,
 * L2s and L1s allocated in order as the walk needs them. */
static void build_page_tables(struct build *b)
{
    const struct layout *l = &b->l;
    uint64_t next = pfn_of(b, l->pt_start), l4_pfn = next++;
    uint64_t pt_first = pfn_of(b, l->pt_start), pt_end = pt_first + l->nr_pt;

    for (uint64_t i = 0; i < l->nr_pt; i++)
        memset(maddr_to_virt(frame_maddr(b, pt_first + i)), 0, PAGE_SIZE);
    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t *t = maddr_to_virt(frame_maddr(b, l4_pfn)), pfn = pfn_of(b, va);

        for (unsigned int level = 4; level > 1; level--) {
            uint64_t *e = &t[pt_index(va, level)];

            if (!(*e & _PAGE_PRESENT))
                *e = frame_maddr(b, next++) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                     _PAGE_ACCESSED | _PAGE_DIRTY;
            t = maddr_to_virt(*e & PTE_ADDR_MASK);
        }
        t[pt_index(va, 1)] = frame_maddr(b, pfn) | _PAGE_PRESENT | _PAGE_USER |
                             _PAGE_ACCESSED | _PAGE_DIRTY |
                             (pfn >= pt_first && pfn < pt_end ? 0 : _PAGE_RW);
    }
    ASSERT(next <= pt_end);
}

static void write_hypercall_page(struct build *b, uint64_t va)
{
    uint8_t page[PAGE_SIZE];

    for (unsigned int i = 0; i < XEN_HYPERCALL_NR_STUBS; i++) {
        uint8_t *p = page + i * XEN_HYPERCALL_STUB_SIZE;

        memset(p, 0xcc, XEN_HYPERCALL_STUB_SIZE);           /* int3 padding */
        if (i == __HYPERVISOR_iret) {
            /* push %rcx; push %r11; push %rax; mov $23,%eax; syscall */
            static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };
            memcpy(p, iret, sizeof(iret));
        } else {
            /* push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
            const uint8_t call[] = { 0x51, 0x41, 0x53, 0xb8, (uint8_t)i, 0, 0, 0, 0x0f, 0x05,
                                     0x41, 0x5b, 0x59, 0xc3 };
            memcpy(p, call, sizeof(call));
        }
    }
    write_guest(b, va & PAGE_MASK, page, PAGE_SIZE);
}

static void write_start_info(struct build *b, const struct boot_module *initrd,
                             const char *cmdline)
{
    struct start_info si;

    memset(&si, 0, sizeof(si));
    strlcpy(si.magic, XEN_START_INFO_MAGIC, sizeof(si.magic));
    si.nr_pages = b->l.nr_pages;
    si.shared_info = mfn_to_maddr(b->d->shared_info_mfn);
    si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si.pt_base = b->l.pt_start;
    si.nr_pt_frames = b->l.nr_pt;
    si.mfn_list = b->l.p2m_start;
    si.mod_start = initrd ? b->l.initrd_start : 0;
    si.mod_len = initrd ? initrd->end - initrd->start : 0;
    strlcpy(si.cmd_line, cmdline, sizeof(si.cmd_line));
    write_guest(b, b->l.si_start, &si, sizeof(si));
}

static int setup_shared_info(struct domain *d)
{
    struct shared_info *s = alloc_xenheap_page();
    struct page_info *pg;

    if (!s)
        return -ENOMEM;
    d->shared_info = s;
    d->shared_info_mfn = maddr_to_mfn(virt_to_maddr(s));
    pg = mfn_to_page(d->shared_info_mfn);
    page_set_owner_allocated(pg, d);      /* the guest may map it... */
    /* ...but never as anything but data: the hypervisor writes it (the
     * upcall mask, CR2), so a type reference that is never dropped keeps
     * it from becoming a page table or descriptor page. */
    pg->type_info = PGT_writable_page | PGT_validated | 1;
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        s->vcpu_info[i].evtchn_upcall_mask = 1;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        d->vcpu[i]->vcpu_info = &s->vcpu_info[i];
        time_fill_vcpu_time(&s->vcpu_info[i].time);
    }
    domain_wallclock_update(d);
    return 0;
}

/* dom0_max_vcpus=N, by default one per CPU online (vCPU n's run queue
 * is CPU n's, modulo the CPUs). */
static unsigned int dom0_vcpus(void)
{
    unsigned int n = opt_dom0_max_vcpus ? (unsigned int)opt_dom0_max_vcpus : nr_cpus_online;

    return MIN(n, (unsigned int)XEN_LEGACY_MAX_VCPUS);
}

static int setup_vcpus(struct domain *d)
{
    return domain_add_vcpus(d, dom0_vcpus());
}

static uint64_t dom0_pages(void)
{
    struct heap_stats hs;
    uint64_t want = opt_dom0_mem ? opt_dom0_mem : DEFAULT_DOM0_MEM;
    uint64_t avail;

    page_alloc_stats(&hs);
    avail = hs.free_frames > HEAP_RESERVE / PAGE_SIZE ? hs.free_frames - HEAP_RESERVE / PAGE_SIZE : 0;
    return MIN(want / PAGE_SIZE, avail);
}

static int populate(struct build *b, const void *image, size_t size,
                    const struct elf_image_info *info, const struct boot_module *initrd,
                    const char *cmdline)
{
    uint64_t *p2m;
    int rc;

    for (uint64_t pfn = 0; pfn < b->l.nr_pages; pfn++)
        m2p_set(page_to_mfn(b->frames[pfn]), _gfn(pfn));
    build_page_tables(b);
    rc = elf_image_load(image, size, info, write_guest, zero_guest, b);
    if (rc)
        return rc;
    if (initrd)
        write_guest(b, b->l.initrd_start, maddr_to_virt(initrd->start), initrd->end - initrd->start);
    p2m = xmalloc(PAGE_SIZE);
    if (!p2m)
        return -ENOMEM;
    for (uint64_t pfn = 0; pfn < b->l.nr_pages; pfn += 512) {
        uint64_t n = MIN(512ULL, b->l.nr_pages - pfn);

        for (uint64_t i = 0; i < n; i++)
            p2m[i] = mfn_x(page_to_mfn(b->frames[pfn + i]));
        write_guest(b, b->l.p2m_start + pfn * 8, p2m, n * 8);
    }
    xfree(p2m);
    if (info->hypercall_page)
        write_hypercall_page(b, info->hypercall_page);
    write_start_info(b, initrd, cmdline);
    return 0;
}

/* Validate the tables: pin the L4 (the guest may unpin it) and hold it
 * as the vCPU's page table. */
static int install_page_tables(struct build *b)
{
    struct page_info *l4 = b->frames[pfn_of(b, b->l.pt_start)];
    int rc = pin_page_table(l4, b->d, PGT_l4_page_table);

    if (rc)
        return rc;
    rc = get_page_and_type(l4, b->d, PGT_l4_page_table);
    if (rc)
        return rc;
    b->d->vcpu[0]->arch.guest_table = page_to_mfn(l4);
    return 0;
}

/* The kernel module's text after the first word is its command line. */
static const char *module_args(const struct boot_module *m)
{
    const char *sp = strchr(m->cmdline, ' ');

    return sp ? sp + 1 : "";
}

static struct domain *build(const struct boot_module *kernel, const struct boot_module *initrd,
                            struct cpu_user_regs *regs)
{
    const void *image = maddr_to_virt(kernel->start);
    size_t size = (size_t)(kernel->end - kernel->start);
    struct elf_image_info *info = xzalloc_obj(struct elf_image_info);
    struct build b = { 0 };
    const char *why = NULL;
    int rc;

    if (!info)
        return NULL;
    rc = elf_image_parse(image, size, HV_FEATURES, info, &why);
    if (!rc)
        rc = elf_image_check_xen(info, &why);
    if (rc) {
        pr_err("dom0: kernel image refused: %s (%d)\n", why ? why : "?", rc);
        goto out;
    }
    printk("dom0: %s %s kernel at %#llx-%#llx, entry %#llx, hypercall page %#llx\n",
           info->guest_os, info->guest_version, (unsigned long long)info->virt_kstart,
           (unsigned long long)info->virt_kend, (unsigned long long)info->entry,
           (unsigned long long)info->hypercall_page);
    why = bad_virtual_range(info->virt_base & PAGE_MASK, roundup_page(info->virt_kend));
    if (why) {
        pr_err("dom0: kernel image refused: its virtual range %#llx-%#llx %s\n",
               (unsigned long long)(info->virt_base & PAGE_MASK),
               (unsigned long long)info->virt_kend, why);
        rc = -EINVAL;
        goto out;
    }
    rc = compute_layout(&b.l, info, initrd ? initrd->end - initrd->start : 0, dom0_pages());
    if (rc == -EOVERFLOW) {
        pr_err("dom0: kernel image refused: its boot layout from %#llx (kernel, initrd, P2M, "
               "start_info, page tables, stack) wraps around the top of the address space\n",
               (unsigned long long)b.l.v_start);
        goto out;
    }
    why = rc ? NULL : bad_virtual_range(b.l.v_start, b.l.v_end);
    if (why) {
        pr_err("dom0: kernel image refused: its boot layout %#llx-%#llx (kernel, initrd, "
               "P2M, start_info, page tables, stack) %s\n", (unsigned long long)b.l.v_start,
               (unsigned long long)b.l.v_end, why);
        rc = -EINVAL;
        goto out;
    }
    if (rc) {
        pr_err("dom0: %llu MiB of memory is too little for this kernel\n",
               (unsigned long long)(dom0_pages() >> 8));
        goto out;
    }
    b.d = domain_create(0, "Domain-0", true);
    b.frames = xmalloc(b.l.nr_pages * sizeof(*b.frames));
    rc = !b.d || !b.frames ? -ENOMEM : domain_alloc_pages(b.d, b.l.nr_pages, b.frames);
    if (!rc)
        rc = setup_vcpus(b.d);
    if (!rc)
        rc = setup_shared_info(b.d);
    if (!rc)
        rc = grant_table_create(b.d, (unsigned int)opt_gnttab_max_frames,
                                (unsigned int)opt_gnttab_max_maptrack_frames);
    if (!rc)
        rc = populate(&b, image, size, info, initrd, module_args(kernel));
    if (!rc)
        rc = install_page_tables(&b);
    if (rc) {
        pr_err("dom0: build failed (%d)\n", rc);
        b.d = NULL;             /* its memory stays allocated: nothing else runs */
        goto out;
    }
    b.d->arch.io_privileged = true;
    *regs = (struct cpu_user_regs){
        .rip = info->entry, .cs = FLAT_KERNEL_CS, .rflags = X86_EFLAGS_IF | 2,
        .rsp = b.l.stack_end, .ss = FLAT_KERNEL_SS, .rsi = b.l.si_start,
    };
    printk("dom0: %llu MiB, virtual %#llx-%#llx, start_info %#llx, %llu page-table frames\n",
           (unsigned long long)(b.l.nr_pages >> 8), (unsigned long long)b.l.v_start,
           (unsigned long long)b.l.v_end, (unsigned long long)b.l.si_start,
           (unsigned long long)b.l.nr_pt);
out:
    xfree(b.frames);
    xfree(info);
    return rc ? NULL : b.d;
}

void dom0_start(void)
{
    const struct boot_module *kernel = boot_info.nr_modules ? &boot_info.modules[0] : NULL;
    const struct boot_module *initrd = boot_info.nr_modules > 1 ? &boot_info.modules[1] : NULL;
    struct cpu_user_regs regs;
    struct domain *d;

    if (!kernel) {
        printk("No dom0 kernel among the boot modules: staying idle\n");
        console_input_endboot(false);
        return;
    }
    d = build(kernel, initrd, &regs);
    console_input_endboot(d != NULL);
    if (!d)
        return;
    d->state = DOMAIN_RUNNING;
    printk("dom0: %u vCPU%s (vCPU n on CPU n; the others start down)\n", d->max_vcpus,
           d->max_vcpus == 1 ? "" : "s");
    printk("dom0: starting\n");
    pv_start_vcpu(d->vcpu[0], &regs);   /* runs once this CPU goes idle */
}
