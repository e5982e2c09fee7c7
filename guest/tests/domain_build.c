/* The domain builder (guest/kernel/domain_build.c) on a small image made
 * here: the built domain, before it is started, has its memory and M2P,
 * its image, hypercall page, P2M list, start_info and event channels,
 * page tables mapping its boot layout (read-only where they lie
 * themselves) and pinned, and vCPU 0's context; images Xen would refuse,
 * and too little memory, leave no domain behind. */
#include <arch.h>
#include <console_back.h>
#include <domain_build.h>
#include <domain_xs.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <lib/errno.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <public/elfnote.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <test.h>
#include <timers.h>
#include "control_ops.h"
#include "tests.h"

#define IMG_BASE  0xffffffff80000000UL
#define IMG_SIZE  (4 * PAGE_SIZE)
#define CODE_OFF  PAGE_SIZE            /* the PT_LOAD segment's file offset */
#define NOTES_OFF 0x200
#define NR_PAGES  2048

struct ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint8_t image[IMG_SIZE];

/* Until a started domain shuts down or crashes (5 s at most): its info. */
static void wait_stopped(domid_t id, struct pxctl_domaininfo *i)
{
    uint64_t deadline = system_time_ns() + 5000000000UL;

    while (!ctl_info(id, i) && !(i->flags & (PXDOMF_shutdown | PXDOMF_crashed)) &&
           system_time_ns() < deadline)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}
/* At the virtual base: map shared_info (start_info.shared_info) over the
 * bss page with update_va_mapping, then SCHEDOP_shutdown through the
 * hypercall page, reason poweroff if the mapping worked, crash if not:
 *     mov 40(%rsi),%rdx; or $0x27,%rdx; mov $(base + 0x2000),%rdi
 *     mov %rdx,%rsi; mov $2,%edx; call hypercall_page + 14 * 32
 *     test %rax,%rax; setne %al; movzbq %al,%rax; imul $3,%rax,%rax
 *     push %rax; mov %rsp,%rsi; mov $2,%edi; call hypercall_page + 29 * 32
 *     jmp . */
static const uint8_t code[] = {
    0x48, 0x8b, 0x56, 0x28,  0x48, 0x83, 0xca, 0x27,  0x48, 0xc7, 0xc7, 0x00, 0x20, 0x00, 0x80,
    0x48, 0x89, 0xd6,  0xba, 0x02, 0x00, 0x00, 0x00,  0xe8, 0, 0, 0, 0,
    0x48, 0x85, 0xc0,  0x0f, 0x95, 0xc0,  0x48, 0x0f, 0xb6, 0xc0,  0x48, 0x6b, 0xc0, 0x03,
    0x50,  0x48, 0x89, 0xe6,  0xbf, 0x02, 0x00, 0x00, 0x00,  0xe8, 0, 0, 0, 0,
    0xeb, 0xfe,
};
#define CALL_UVM   23              /* offsets of the two calls in code[] */
#define CALL_SCHED 51

/* code[]'s call at offset at, to hypercall n, in the image at base. */
static void patch_call(uint8_t *at_code, size_t at, unsigned int n)
{
    int32_t rel = (int32_t)(PAGE_SIZE + n * 32 - (at + 5));

    memcpy(at_code + at + 1, &rel, sizeof(rel));
}

static size_t note(size_t at, uint32_t type, const void *desc, uint32_t len)
{
    uint32_t hdr[3] = { 4, len, type };

    memcpy(image + at, hdr, sizeof(hdr));
    memcpy(image + at + 12, "Xen", 4);
    memcpy(image + at + 16, desc, len);
    return at + 16 + ((len + 3) & ~3u);
}

static size_t note_num(size_t at, uint32_t type, uint64_t v)
{
    return note(at, type, &v, sizeof(v));
}

/* An executable of one segment (code, the hypercall page, a page of bss)
 * at virt_base, with Xen's notes. */
static void make_image(uint64_t virt_base, bool notes)
{
    struct ehdr *eh = (struct ehdr *)image;
    struct phdr *ph = (struct phdr *)(image + sizeof(*eh));
    size_t end = NOTES_OFF;

    memset(image, 0, sizeof(image));
    if (notes) {
        end = note(end, XEN_ELFNOTE_GUEST_OS, "Proxen-test", 12);
        end = note(end, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
        end = note(end, XEN_ELFNOTE_LOADER, "generic", 8);
        end = note_num(end, XEN_ELFNOTE_VIRT_BASE, virt_base);
        end = note_num(end, XEN_ELFNOTE_PADDR_OFFSET, 0);
        end = note_num(end, XEN_ELFNOTE_ENTRY, virt_base);
        end = note_num(end, XEN_ELFNOTE_HYPERCALL_PAGE, virt_base + PAGE_SIZE);
    }
    *eh = (struct ehdr){ .ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, .type = 2, .machine = 62,
                         .version = 1, .entry = virt_base, .phoff = sizeof(*eh),
                         .ehsize = sizeof(*eh), .phentsize = sizeof(*ph), .phnum = 2 };
    ph[0] = (struct phdr){ .type = 1, .flags = 7, .offset = CODE_OFF, .vaddr = virt_base,
                           .paddr = 0, .filesz = 2 * PAGE_SIZE, .memsz = 3 * PAGE_SIZE,
                           .align = PAGE_SIZE };
    ph[1] = (struct phdr){ .type = 4, .flags = 4, .offset = NOTES_OFF, .filesz = end - NOTES_OFF,
                           .memsz = end - NOTES_OFF, .align = 4 };
    memcpy(image + CODE_OFF, code, sizeof(code));
    patch_call(image + CODE_OFF, CALL_UVM, __HYPERVISOR_update_va_mapping);
    patch_call(image + CODE_OFF, CALL_SCHED, __HYPERVISOR_sched_op);
}

/* x's frame mfn, read-only at va (foreign), or NULL. */
static const uint64_t *peek(uint64_t va, uint64_t mfn, domid_t x)
{
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };
    struct mmu_update u;
    long rc = pt_ensure_l1(va);

    if (!rc) {
        u = (struct mmu_update){ pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE,
                                 (mfn << PAGE_SHIFT) | PTE_KERNEL_RO };
        rc = hypercall_mmu_update(&u, 1, NULL, x);
    }
    if (rc) {
        test_fail("mapping frame %#lx of domain %u at %#lx: %ld", mfn, x, va, rc);
        return NULL;
    }
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    return (const uint64_t *)va;
}

static uint64_t pfn_at(const struct domain_build *b, uint64_t va)
{
    return (va - b->v_start) >> PAGE_SHIFT;
}

/* Walk x's tables for every page of the boot layout. */
static void check_tables(const struct domain_build *b)
{
    const uint64_t *frames = domain_build_p2m;
    uint64_t pt_first = pfn_at(b, b->pt_va), l1_mfn = 0;
    const uint64_t *l1 = NULL;

    for (uint64_t va = b->v_start; va < b->v_end; va += PAGE_SIZE) {
        uint64_t mfn = b->l4_mfn, e = 0, pfn = pfn_at(b, va);
        bool table = pfn >= pt_first && pfn < pt_first + b->nr_pt;

        for (unsigned int level = 4; level > 1; level--) {
            const uint64_t *t = peek(SCRATCH_VA + level * PAGE_SIZE, mfn, b->domid);

            e = t ? t[(va >> (12 + 9 * (level - 1))) & 511] : 0;
            if (!(e & _PAGE_PRESENT)) {
                test_fail("%#lx: no level-%u entry", va, level);
                return;
            }
            mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        }
        if (mfn != l1_mfn) {
            l1 = peek(SCRATCH_VA, mfn, b->domid);
            l1_mfn = mfn;
        }
        e = l1 ? l1[(va >> 12) & 511] : 0;
        if ((e & PTE_ADDR_MASK) >> PAGE_SHIFT != frames[pfn] || !(e & _PAGE_PRESENT) ||
            !!(e & _PAGE_RW) == table) {
            test_fail("%#lx (pfn %lu%s) is mapped by %#lx, its frame is %#lx", va, pfn,
                      table ? ", a page table" : "", e, frames[pfn]);
            return;
        }
    }
    for (unsigned int i = 0; i <= 4; i++)
        pt_unmap(SCRATCH_VA + i * PAGE_SIZE);
}

static void check_memory(const struct domain_build *b, uint64_t shared_info_frame)
{
    const uint64_t *p = peek(SCRATCH_VA, domain_build_p2m[0], b->domid);
    const struct start_info *si;
    uint64_t store = domain_build_p2m[pfn_at(b, b->store_va)];
    uint64_t console = domain_build_p2m[pfn_at(b, b->console_va)];

    if (!p || memcmp(p, image + CODE_OFF, sizeof(code)))
        test_fail("the image's code is not at its virtual base");
    p = peek(SCRATCH_VA, domain_build_p2m[1], b->domid);
    if (!p || ((const uint8_t *)p)[3] != 0xb8 || ((const uint8_t *)p)[32 + 4] != 1 ||
        ((const uint8_t *)p)[23 * 32 + 5] != 23)
        test_fail("the hypercall page holds no stubs");
    p = peek(SCRATCH_VA, domain_build_p2m[2], b->domid);
    for (unsigned int i = 0; p && i < 512; i++)
        if (p[i])
            test_fail("the bss page holds %#lx at %u", p[i], i * 8);
    p = peek(SCRATCH_VA, domain_build_p2m[pfn_at(b, b->p2m_va)], b->domid);
    if (!p || memcmp(p, domain_build_p2m, PAGE_SIZE))
        test_fail("the P2M list in the domain is not its frame list");
    si = (const void *)peek(SCRATCH_VA, domain_build_p2m[pfn_at(b, b->start_info_va)], b->domid);
    if (!si || strcmp(si->magic, XEN_START_INFO_MAGIC) || si->nr_pages != NR_PAGES ||
        si->pt_base != b->pt_va || si->nr_pt_frames != b->nr_pt || si->mfn_list != b->p2m_va ||
        si->store_mfn != store || si->console.domU.mfn != console || si->flags ||
        si->shared_info != shared_info_frame << PAGE_SHIFT || strcmp(si->cmd_line, "hello"))
        test_fail("start_info is not what the builder laid out");
    pt_unmap(SCRATCH_VA);
}

static void check_ports(const struct domain_build *b)
{
    uint32_t ports[2] = { b->store_evtchn, b->console_evtchn };

    for (unsigned int i = 0; i < 2; i++) {
        struct evtchn_status st = { .dom = b->domid, .port = ports[i] };

        if (expect_rc("EVTCHNOP_status", hypercall_event_channel_op(EVTCHNOP_status, &st), 0) &&
            (st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != 0))
            test_fail("the domain's port %u: status %u for domain %u", ports[i], st.status,
                      st.u.unbound.dom);
    }
}

void test_domain_build(void)
{
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "built",
                              .nr_pages = NR_PAGES, .vcpus = 1, .cmdline = "hello" };
    uint64_t before = ctl_free_pages(), got;
    static uint64_t list[NR_PAGES];
    struct proxen_control op = ctl_op(PXCTL_getvcpuinfo, 0);
    struct pxctl_domaininfo i;

    make_image(IMG_BASE, true);
    if (!expect_rc("domain_build", domain_build(&b), 0)) {
        test_fail("the builder says: %s", b.why);
        return;
    }
    if (expect_rc("getdomaininfo", ctl_info(b.domid, &i), 0) &&
        (i.domain != b.domid || i.tot_pages != NR_PAGES || i.flags != PXDOMF_paused ||
         strcmp(i.name, "built")))
        test_fail("the built domain: %u \"%s\", %lu pages, flags %#x", i.domain, i.name,
                  i.tot_pages, i.flags);
    if (expect_rc("getmemlist", ctl_memlist(b.domid, 0, list, NR_PAGES, &got), 0) &&
        (got != NR_PAGES || memcmp(list, domain_build_p2m, sizeof(list))))
        test_fail("the builder's P2M is not the domain's frame list");
    for (uint64_t pfn = 0; pfn < NR_PAGES; pfn++)
        if (mfn_to_pfn(domain_build_p2m[pfn]) != pfn) {
            test_fail("the M2P says %#lx for pfn %#lx", mfn_to_pfn(domain_build_p2m[pfn]), pfn);
            break;
        }
    if (b.v_start != IMG_BASE || b.p2m_va != IMG_BASE + 3 * PAGE_SIZE ||
        b.start_info_va != b.p2m_va + 4 * PAGE_SIZE || b.store_va != b.start_info_va + PAGE_SIZE ||
        b.console_va != b.store_va + PAGE_SIZE || b.pt_va != b.console_va + PAGE_SIZE ||
        b.stack_end != b.pt_va + (b.nr_pt + 1) * PAGE_SIZE || b.v_end != IMG_BASE + 4 * 0x100000 ||
        b.nr_pt != 5)
        test_fail("layout: %#lx p2m %#lx si %#lx store %#lx console %#lx pt %#lx (%lu) stack %#lx "
                  "end %#lx", b.v_start, b.p2m_va, b.start_info_va, b.store_va, b.console_va,
                  b.pt_va, b.nr_pt, b.stack_end, b.v_end);
    check_memory(&b, i.shared_info_frame);
    check_tables(&b);
    check_ports(&b);
    expect_rc("map its L4 writable", pt_map(SCRATCH_VA, b.l4_mfn, PTE_KERNEL_RW), -EBUSY);
    op.domain = b.domid;
    if (expect_rc("getvcpuinfo", ctl_call(&op), 0) &&
        op.u.vcpuinfo.flags != (PXVCPUF_online | PXVCPUF_initialised))
        test_fail("vCPU 0 of the built domain: flags %#x", op.u.vcpuinfo.flags);
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after the built domain went, %lu before", ctl_free_pages(),
                  before);
}

/* Started, the built domain runs its code: it maps its shared_info and
 * shuts itself down. */
void test_domain_build_runs(void)
{
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "runs",
                              .nr_pages = NR_PAGES, .vcpus = 1 };
    struct proxen_control op;
    uint64_t before = ctl_free_pages();
    struct pxctl_domaininfo i = { 0 };

    make_image(IMG_BASE, true);
    if (!expect_rc("domain_build", domain_build(&b), 0)) {
        test_fail("the builder says: %s", b.why);
        return;
    }
    op = ctl_op(PXCTL_unpausedomain, b.domid);
    if (expect_rc("unpausedomain", ctl_call(&op), 0)) {
        wait_stopped(b.domid, &i);
        if (!(i.flags & PXDOMF_shutdown) || i.shutdown_reason != SHUTDOWN_poweroff)
            test_fail("the started domain: flags %#x, reason %u (expected shut down, poweroff)",
                      i.flags, i.shutdown_reason);
    }
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after the domain went, %lu before", ctl_free_pages(), before);
}

/* An initial ramdisk: right after the kernel, named by start_info, its
 * bytes in the domain's memory; the rest of the layout moves up. */
void test_domain_build_ramdisk(void)
{
    static uint8_t ramdisk[5000];
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "ramdisk",
                              .nr_pages = NR_PAGES, .vcpus = 1, .module = ramdisk,
                              .module_len = sizeof(ramdisk) };
    const struct start_info *si;
    const uint8_t *p;

    for (size_t i = 0; i < sizeof(ramdisk); i++)
        ramdisk[i] = (uint8_t)(i * 7 + 1);
    make_image(IMG_BASE, true);
    if (domain_build(&b)) {
        test_fail("domain_build: %s", b.why);
        return;
    }
    if (b.module_va != IMG_BASE + 3 * PAGE_SIZE || b.p2m_va != b.module_va + 2 * PAGE_SIZE)
        test_fail("module at %#lx, P2M list at %#lx", b.module_va, b.p2m_va);
    si = (const void *)peek(SCRATCH_VA, domain_build_p2m[pfn_at(&b, b.start_info_va)], b.domid);
    if (si && (si->mod_start != b.module_va || si->mod_len != sizeof(ramdisk)))
        test_fail("start_info: module at %#lx, %lu bytes", si->mod_start, si->mod_len);
    for (uint64_t off = 0; off < sizeof(ramdisk); off += PAGE_SIZE) {
        size_t n = MIN(sizeof(ramdisk) - off, (size_t)PAGE_SIZE);

        p = (const void *)peek(SCRATCH_VA, domain_build_p2m[pfn_at(&b, b.module_va + off)],
                               b.domid);
        if (p && memcmp(p, ramdisk + off, n))
            test_fail("the module's bytes from %lu differ in the domain", off);
        if (p && off + n < off + PAGE_SIZE && p[n])
            test_fail("the module's last page is not zero past its end");
    }
    pt_unmap(SCRATCH_VA);
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
}

/* --- an unprivileged domain's requests ------------------------------------ */

/* x86-64 code written into the image at run time. */
struct prog {
    uint8_t *p;
    size_t n;
    size_t fails[64];           /* jne rel32 fields to point at the failure */
    unsigned int nr_fails;
};

static void emit(struct prog *g, const void *bytes, size_t len)
{
    memcpy(g->p + g->n, bytes, len);
    g->n += len;
}

static void emit1(struct prog *g, uint8_t b) { emit(g, &b, 1); }
static void emit4(struct prog *g, uint32_t v) { emit(g, &v, 4); }

/* movabs $v, reg (rdi 7, rsi 6, rdx 2, r10 10) */
static void set_reg(struct prog *g, unsigned int reg, uint64_t v)
{
    emit1(g, reg >= 8 ? 0x49 : 0x48);
    emit1(g, (uint8_t)(0xb8 + (reg & 7)));
    emit(g, &v, 8);
}

/* call the hypercall page's stub for nr (the page is at base + 4096) */
static void call_stub(struct prog *g, unsigned int nr)
{
    size_t at = g->n;

    emit1(g, 0xe8);
    emit4(g, (uint32_t)(PAGE_SIZE + nr * 32 - (at + 5)));
}

/* cmp $v,%rax; jne failure */
static void expect_rax(struct prog *g, int32_t v)
{
    emit1(g, 0x48);
    emit1(g, 0x3d);
    emit4(g, (uint32_t)v);
    emit1(g, 0x0f);
    emit1(g, 0x85);
    g->fails[g->nr_fails++] = g->n;
    emit4(g, 0);
}

/* movl $v, addr (addr in the top 2 GiB) */
static void store32(struct prog *g, uint64_t addr, uint32_t v)
{
    static const uint8_t op[] = { 0xc7, 0x04, 0x25 };

    emit(g, op, sizeof(op));
    emit4(g, (uint32_t)addr);
    emit4(g, v);
}

static void shutdown_with(struct prog *g, uint64_t reason_at)
{
    set_reg(g, 7, SCHEDOP_shutdown);
    set_reg(g, 6, reason_at);
    call_stub(g, __HYPERVISOR_sched_op);
    emit1(g, 0xeb);
    emit1(g, 0xfe);
}

#define BSS (IMG_BASE + 2 * PAGE_SIZE)      /* zeroed: domain 0's id, a reason 0 */

/* The domain asks about domain 0 and its frames: -EPERM from every
 * sub-op of the control interface, the foreign-domain argument of mmu_update and
 * update_va_mapping_otherdomain, the reservation queries and a remote
 * shutdown of domain 0; an
 * increase_reservation or a populate_physmap (on demand) for domain 0
 * does nothing (0 extents, as Xen).
 * Then it shuts down, reason poweroff, or crash if any answer differs. */
static void make_unprivileged_program(void)
{
    struct prog g = { .p = image + CODE_OFF };
    size_t fail;

    store32(&g, BSS + 0x800, SHUTDOWN_crash);
    store32(&g, BSS + 0x100, PROXEN_CONTROL_VERSION);       /* a physinfo request */
    /* Every sub-op of the control interface, each refused. */
    for (uint32_t cmd = PXCTL_physinfo; cmd <= PXCTL_sched_control; cmd++) {
        if (cmd == 15)                                       /* none */
            continue;
        store32(&g, BSS + 0x104, cmd);
        set_reg(&g, 7, BSS + 0x100);
        call_stub(&g, __HYPERVISOR_control);
        expect_rax(&g, -EPERM);
    }
    set_reg(&g, 7, XENMEM_current_reservation);              /* about domain 0 */
    set_reg(&g, 6, BSS);
    call_stub(&g, __HYPERVISOR_memory_op);
    expect_rax(&g, -EPERM);
    set_reg(&g, 7, XENMEM_maximum_reservation);
    set_reg(&g, 6, BSS);
    call_stub(&g, __HYPERVISOR_memory_op);
    expect_rax(&g, -EPERM);
    store32(&g, BSS + 0x208, 1);                             /* nr_extents 1, domid 0 */
    set_reg(&g, 7, XENMEM_increase_reservation);
    set_reg(&g, 6, BSS + 0x200);
    call_stub(&g, __HYPERVISOR_memory_op);
    expect_rax(&g, 0);
    store32(&g, BSS + 0x280, (uint32_t)(BSS + 0x400));      /* populate_physmap on */
    store32(&g, BSS + 0x284, (uint32_t)((BSS + 0x400) >> 32)); /* demand for domain 0 */
    store32(&g, BSS + 0x288, 1);
    store32(&g, BSS + 0x294, XENMEMF_populate_on_demand);
    set_reg(&g, 7, XENMEM_populate_physmap);
    set_reg(&g, 6, BSS + 0x280);
    call_stub(&g, __HYPERVISOR_memory_op);
    expect_rax(&g, 0);
    set_reg(&g, 7, BSS + 0x300);                             /* mmu_update, foreigndom 0 */
    set_reg(&g, 6, 1);
    set_reg(&g, 2, 0);
    set_reg(&g, 10, 0);
    call_stub(&g, __HYPERVISOR_mmu_update);
    expect_rax(&g, -EPERM);
    set_reg(&g, 7, IMG_BASE);                                /* domain 0's frame 0 */
    set_reg(&g, 6, PTE_KERNEL_RO);
    set_reg(&g, 2, 0);
    set_reg(&g, 10, 0);
    call_stub(&g, __HYPERVISOR_update_va_mapping_otherdomain);
    expect_rax(&g, -EPERM);
    set_reg(&g, 7, SCHEDOP_remote_shutdown);                 /* domain 0, poweroff */
    set_reg(&g, 6, BSS + 0x500);
    call_stub(&g, __HYPERVISOR_sched_op);
    expect_rax(&g, -EPERM);
    shutdown_with(&g, BSS);                                  /* reason 0: poweroff */
    fail = g.n;
    for (unsigned int i = 0; i < g.nr_fails; i++) {
        uint32_t rel = (uint32_t)(fail - (g.fails[i] + 4));

        memcpy(g.p + g.fails[i], &rel, 4);
    }
    shutdown_with(&g, BSS + 0x800);                          /* reason crash */
}

/* An unprivileged domain gets -EPERM for the privileged domain's
 * requests (the control interface, foreign frames, other domains'
 * memory). */
void test_domain_build_unprivileged(void)
{
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "unpriv",
                              .nr_pages = NR_PAGES, .vcpus = 1 };
    struct proxen_control op;
    struct pxctl_domaininfo i = { 0 };

    make_image(IMG_BASE, true);
    make_unprivileged_program();
    if (domain_build(&b)) {
        test_fail("domain_build: %s", b.why);
        return;
    }
    op = ctl_op(PXCTL_unpausedomain, b.domid);
    if (expect_rc("unpausedomain", ctl_call(&op), 0)) {
        wait_stopped(b.domid, &i);
        if (!(i.flags & PXDOMF_shutdown) || i.shutdown_reason != SHUTDOWN_poweroff)
            test_fail("the unprivileged domain: flags %#x, reason %u (crash: one of its "
                      "requests was not refused as it should be)", i.flags, i.shutdown_reason);
    }
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
}

/* --- I/O ports granted to an unprivileged domain ---------------------------- */

/* The domain raises its virtual IOPL to 1 (physdev_op set_iopl) and reads
 * the keyboard controller's status port (0x64, never all ones under QEMU):
 * it shuts down with reason poweroff if the read reached the device, and
 * reboot if it read all ones (a port not granted), crash if set_iopl
 * failed. */
#define KBD_STATUS_PORT 0x64

static void make_io_program(void)
{
    struct prog g = { .p = image + CODE_OFF };
    size_t fail, all_ones;

    store32(&g, BSS + 0x800, SHUTDOWN_crash);
    store32(&g, BSS + 0x810, SHUTDOWN_reboot);
    store32(&g, BSS + 0xa00, 1);                            /* iopl 1 */
    set_reg(&g, 7, PHYSDEVOP_set_iopl);
    set_reg(&g, 6, BSS + 0xa00);
    call_stub(&g, __HYPERVISOR_physdev_op);
    expect_rax(&g, 0);
    emit1(&g, 0xe4);                                        /* in $0x64, %al */
    emit1(&g, KBD_STATUS_PORT);
    emit1(&g, 0x3c);                                        /* cmp $0xff, %al */
    emit1(&g, 0xff);
    emit1(&g, 0x0f);                                        /* je all_ones */
    emit1(&g, 0x84);
    all_ones = g.n;
    emit4(&g, 0);
    shutdown_with(&g, BSS);                                 /* reached: poweroff */
    {
        uint32_t rel = (uint32_t)(g.n - (all_ones + 4));

        memcpy(g.p + all_ones, &rel, 4);
    }
    shutdown_with(&g, BSS + 0x810);                         /* all ones: reboot */
    fail = g.n;
    for (unsigned int i = 0; i < g.nr_fails; i++) {
        uint32_t rel = (uint32_t)(fail - (g.fails[i] + 4));

        memcpy(g.p + g.fails[i], &rel, 4);
    }
    shutdown_with(&g, BSS + 0x800);                         /* crash */
}

/* Run the I/O program in a new domain, given port `grant` (0: none): its
 * shutdown reason, or -1. */
static int io_program_reason(unsigned int grant)
{
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "io",
                              .nr_pages = NR_PAGES, .vcpus = 1 };
    struct proxen_control op;
    struct pxctl_domaininfo i = { 0 };
    int reason = -1;

    if (domain_build(&b)) {
        test_fail("domain_build: %s", b.why);
        return -1;
    }
    op = ctl_op(PXCTL_ioport_permission, b.domid);
    op.u.ioport_permission = (struct pxctl_ioport_permission){ grant, 1, 1, 0 };
    if ((!grant || expect_rc("ioport_permission", ctl_call(&op), 0)) &&
        (op = ctl_op(PXCTL_unpausedomain, b.domid), expect_rc("unpausedomain", ctl_call(&op), 0))) {
        wait_stopped(b.domid, &i);
        reason = (i.flags & PXDOMF_shutdown) ? (int)i.shutdown_reason : -1;
    }
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
    return reason;
}

/* A port granted to an unprivileged domain reaches the device; one not
 * granted reads as all ones, as on Xen, whether the domain was granted
 * other ports or none. */
void test_domain_build_ioports(void)
{
    int granted, other, none;

    make_image(IMG_BASE, true);
    make_io_program();
    granted = io_program_reason(KBD_STATUS_PORT);
    other = io_program_reason(0x70);
    none = io_program_reason(0);
    if (granted != SHUTDOWN_poweroff)
        test_fail("with port 0x64 granted the domain ended with reason %d (0: it read the "
                  "device, 1: all ones, 3: set_iopl failed)", granted);
    if (other != SHUTDOWN_reboot || none != SHUTDOWN_reboot)
        test_fail("without port 0x64 (another granted, none granted) the domains ended with "
                  "reasons %d and %d (1 expected: all ones)", other, none);
}

static void expect_refused(const char *what, uint64_t pages, long want)
{
    struct domain_build b = { .image = image, .image_len = sizeof(image), .name = "refused",
                              .nr_pages = pages, .vcpus = 1 };
    uint64_t before = ctl_free_pages();
    struct pxctl_domaininfo i;

    if (!expect_rc(what, domain_build(&b), want))
        test_fail("%s: the builder says %s", what, b.why ? b.why : "nothing");
    else if (!b.why)
        test_fail("%s: refused without a reason", what);
    if (ctl_info(1, &i) != -ESRCH || ctl_free_pages() != before)
        test_fail("%s: domain %u left behind, free pages %lu -> %lu", what, i.domain, before,
                  ctl_free_pages());
}

void test_domain_build_refused(void)
{
    make_image(IMG_BASE, true);
    expect_refused("too little memory", 100, -ENOMEM);
    memcpy(image, "junk", 4);
    expect_refused("not an ELF image", NR_PAGES, -ENOEXEC);
    make_image(IMG_BASE, false);
    expect_refused("no Xen notes", NR_PAGES, -EINVAL);
    make_image(IMG_BASE, true);
    for (size_t at = NOTES_OFF; at < CODE_OFF - 8; at++)
        if (!memcmp(image + at, "xen-3.0", 8))
            image[at + 4] = '2';            /* built for another interface */
    expect_refused("built for xen-2.0", NR_PAGES, -EINVAL);
    make_image(0xffff800000000000UL, true);
    expect_refused("in the hypervisor's range", NR_PAGES, -EINVAL);
}

/* dom0's boot module, when it is a kernel image (the system case
 * domain-build-demo gives the demo guest): built into a domain of 16 MiB
 * and started, it boots: its banner, printed before it finds its console
 * ring, reaches the hypervisor's log (console_io); then it counts on its
 * console ring, which this domain's console daemon serves. */
static bool log_has_since(uint64_t index, const char *want, uint64_t timeout_ns)
{
    static char log[4096];
    struct proxen_control op;
    uint64_t deadline = system_time_ns() + timeout_ns;

    while (system_time_ns() < deadline) {
        op = ctl_op(PXCTL_readconsole, 0);
        op.u.readconsole = (struct pxctl_readconsole){ (uint64_t)log, sizeof(log) - 1, 0, index };
        if (ctl_call(&op))
            return false;
        log[op.u.readconsole.size] = '\0';
        if (strstr(log, want))
            return true;
        if (!op.u.readconsole.size)
            hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
        else
            index = op.u.readconsole.index - MIN(op.u.readconsole.size, 64u);
    }
    return false;
}

void test_domain_build_module(void)
{
    static char log[8];
    struct domain_build b = { .image = (const void *)start_info->mod_start,
                              .image_len = start_info->mod_len, .name = "demo",
                              .nr_pages = 4096, .vcpus = 1, .cmdline = "" };
    struct proxen_control op;
    uint64_t before = ctl_free_pages(), index;

    if (!start_info->mod_start || !start_info->mod_len) {
        test_skip("no kernel image among dom0's boot modules");
        return;
    }
    if (domain_build(&b)) {
        test_fail("domain_build: %s", b.why);
        return;
    }
    expect_rc("console_back_connect",
              console_back_connect(b.domid, domain_build_p2m[(b.console_va - b.v_start) >> 12],
                                   b.console_evtchn), 0);
    /* The demo follows its toolstack through xenstore: its entries and
     * its store ring served, as the toolstack does. */
    expect_rc("domain_xs_create", domain_xs_create(&b), 0);
    op = ctl_op(PXCTL_readconsole, 0);
    op.u.readconsole = (struct pxctl_readconsole){ (uint64_t)log, 0, 0, 0 };
    ctl_call(&op);                              /* where the log is now */
    index = op.u.readconsole.index;
    op = ctl_op(PXCTL_unpausedomain, b.domid);
    if (expect_rc("unpausedomain", ctl_call(&op), 0)) {
        /* The log ring keeps no prefixes. */
        if (!log_has_since(index, "Proxen guest 0.1 starting: domain", 20000000000UL))
            test_fail("no banner from the demo in the hypervisor's log within 20 s");
        if (!domu_console_wait(b.domid, "demo: tick 1", 20000000000UL))
            test_fail("no \"demo: tick 1\" on the demo's console within 20 s");
    }
    console_back_disconnect(b.domid);
    expect_rc("domain_xs_destroy", domain_xs_destroy(b.domid), 0);
    expect_rc("destroydomain", ctl_destroy(b.domid), 0);
    /* Its 4096 frames are back; the hypervisor's small-object allocator
     * may keep an empty slab for a size class only a running domain used
     * (one per class, xmalloc.c). */
    if (ctl_free_pages() > before || ctl_free_pages() + 8 < before)
        test_fail("free pages %lu after the demo domain went, %lu before", ctl_free_pages(),
                  before);
}
