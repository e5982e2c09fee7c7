/* Per-CPU GDT, TSS and the shared IDT.
 *
 * Each CPU's GDT is a 16-page window laid out as Xen's: the first 14 pages
 * are for a PV guest's own descriptors (mapped to a zero page until a
 * guest installs a GDT), page 14 holds the hypervisor's reserved entries
 * starting at selector 0xe000, so Xen's fixed selectors (0xe008
 * hypervisor code, 0xe033 guest 64-bit code, ...) are valid on every CPU. */
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/page_alloc.h>

#define DESC_CODE64_DPL0 0x00af9b000000ffffULL
#define DESC_DATA_DPL0   0x00cf93000000ffffULL
#define DESC_CODE32_DPL3 0x00cffb000000ffffULL
#define DESC_DATA_DPL3   0x00cff3000000ffffULL
#define DESC_CODE64_DPL3 0x00affb000000ffffULL

#define GATE_INTERRUPT   0x8e    /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER_TRAP   0xee    /* DPL 3: int3 and into from a guest arrive as #BP/#OF */

static struct idt_entry idt[256] __attribute__((aligned(4096), section(".bss.page_aligned")));
static paddr_t gdt_zero_frame;
extern char vector_stubs[];

static unsigned int rsv_index(unsigned int sel) { return (sel >> 3) - FIRST_RESERVED_GDT_ENTRY; }

static void set_gate(unsigned int vec, uint16_t cs, unsigned int ist, uint8_t attr)
{
    uint64_t addr = (uint64_t)(vector_stubs + 16 * vec);

    idt[vec] = (struct idt_entry){
        .offset_lo = (uint16_t)addr,
        .selector = cs,
        .ist = (uint8_t)ist,
        .type_attr = attr,
        .offset_mid = (uint16_t)(addr >> 16),
        .offset_hi = (uint32_t)(addr >> 32),
    };
}

/* Early in boot the gates use the boot GDT's code selector and no IST
 * (no TSS is loaded yet); desc_init_cpu() then switches to the real ones. */
void idt_init(uint16_t cs, bool use_ist)
{
    struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, cs, 0, GATE_INTERRUPT);
    set_gate(3, cs, 0, GATE_USER_TRAP);
    set_gate(4, cs, 0, GATE_USER_TRAP);
    if (use_ist) {
        set_gate(2, cs, IST_NMI, GATE_INTERRUPT);
        set_gate(8, cs, IST_DF, GATE_INTERRUPT);
        set_gate(18, cs, IST_MCE, GATE_INTERRUPT);
        set_gate(1, cs, IST_DB, GATE_INTERRUPT);
    }
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

static void fill_reserved_gdt(struct seg_desc *g, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

    g[rsv_index(HYPERVISOR_CS)].raw = DESC_CODE64_DPL0;
    g[rsv_index(HYPERVISOR_DS)].raw = DESC_DATA_DPL0;
    g[rsv_index(FLAT_RING3_CS32)].raw = DESC_CODE32_DPL3;
    g[rsv_index(FLAT_RING3_DS32)].raw = DESC_DATA_DPL3;
    g[rsv_index(FLAT_RING3_CS64)].raw = DESC_CODE64_DPL3;
    g[rsv_index(TSS_SELECTOR)].raw = (limit & 0xffff) | ((base & 0xffffff) << 16) |
        (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    g[rsv_index(TSS_SELECTOR) + 1].raw = base >> 32;
}

static vaddr_t gdt_window(unsigned int cpu)
{
    return PERCPU_GDT_VIRT_START + (vaddr_t)cpu * GDT_WINDOW_PAGES * PAGE_SIZE;
}

static vaddr_t ldt_window(unsigned int cpu)
{
    return PERCPU_LDT_VIRT_START + (vaddr_t)cpu * LDT_WINDOW_PAGES * PAGE_SIZE;
}

/* The CPU's GDT and LDT windows are mapped (to null descriptors) once, at
 * boot, so that showing a guest's tables later only repoints existing
 * entries: nothing a guest asks for allocates, so nothing can fail. */
static void map_gdt_window(unsigned int cpu, paddr_t reserved_page)
{
    vaddr_t va = gdt_window(cpu);

    if (!gdt_zero_frame)
        gdt_zero_frame = virt_to_maddr(alloc_xenheap_page());
    for (unsigned int i = 0; i < GDT_WINDOW_PAGES; i++) {
        bool rsv = i == FIRST_RESERVED_GDT_PAGE;

        if (map_pages(va + i * PAGE_SIZE, rsv ? reserved_page : gdt_zero_frame, 1,
                      (rsv ? PAGE_HYPERVISOR : PAGE_HYPERVISOR_RO) | _PAGE_NX))
            panic("cannot map the GDT of CPU%u", cpu);
    }
    for (unsigned int i = 0; i < LDT_WINDOW_PAGES; i++)
        if (map_pages(ldt_window(cpu) + i * PAGE_SIZE, gdt_zero_frame, 1,
                      PAGE_HYPERVISOR_RO | _PAGE_NX))
            panic("cannot map the LDT window of CPU%u", cpu);
}

static void load_segments(void)
{
    __asm__ volatile(
        "pushq %[cs]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %[ds], %%eax\n\t"
        "movl %%eax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%fs\n\t"
        "movl %%eax, %%gs\n\t"
        :: [cs] "i"(HYPERVISOR_CS), [ds] "i"(HYPERVISOR_DS) : "rax", "memory");
}

void desc_init_cpu(unsigned int cpu)
{
    struct percpu *pc = &percpu[cpu];
    struct tss64 *tss = &pc->tss;
    struct desc_ptr gdtr, idtr = { sizeof(idt) - 1, (uint64_t)idt };
    vaddr_t stack = (vaddr_t)pc->stack;

    pc->gdt_page = alloc_xenheap_page();
    if (!pc->gdt_page)
        panic("no memory for the GDT of CPU%u", cpu);
    *tss = (struct tss64){ .iomap_base = sizeof(*tss) };
    tss->rsp[0] = stack_rsp0(pc->stack);
    tss->ist[IST_DF - 1] = stack + IST_DF_OFFSET;
    tss->ist[IST_NMI - 1] = stack + IST_NMI_OFFSET;
    tss->ist[IST_MCE - 1] = stack + IST_MCE_OFFSET;
    tss->ist[IST_DB - 1] = stack + IST_DB_OFFSET;
    fill_reserved_gdt(pc->gdt_page, tss);
    /* What the windows show is not known yet: the first load maps all. */
    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        pc->gdt_shown[i] = ~(paddr_t)0;
    for (unsigned int i = 0; i < LDT_WINDOW_PAGES; i++)
        pc->ldt_shown[i] = ~(paddr_t)0;
    map_gdt_window(cpu, virt_to_maddr(pc->gdt_page));

    gdtr = (struct desc_ptr){ GDT_LIMIT, gdt_window(cpu) };
    __asm__ volatile("lgdt %0" :: "m"(gdtr) : "memory");
    load_segments();
    __asm__ volatile("ltr %w0" :: "r"(TSS_SELECTOR));
    /* A null LDT: the reset LDTR (base 0, limit 0xffff) would otherwise
     * turn guest memory at address 0 into descriptors. */
    __asm__ volatile("lldt %w0" :: "r"(0));
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

/* Point a page of a CPU's descriptor window at pa, unless it already
 * shows it: a context switch between vCPUs that share descriptor frames
 * (or back to the same vCPU) then costs no mapping change and no TLB
 * invalidation.  shown[] is the CPU's record of what each page shows. */
static void window_show(unsigned int cpu, vaddr_t va, paddr_t *shown, paddr_t pa)
{
    if (*shown == pa)
        return;
    if (remap_page(va, pa, PAGE_HYPERVISOR_RO | _PAGE_NX))
        panic("the descriptor window of CPU%u is not mapped", cpu);   /* a hypervisor bug */
    *shown = pa;
}

/* Show a guest's GDT frames in the first pages of this CPU's window (the
 * rest read as null descriptors). */
void gdt_window_load_guest(unsigned int cpu, const mfn_t *frames, unsigned int nr)
{
    vaddr_t va = gdt_window(cpu);

    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        window_show(cpu, va + i * PAGE_SIZE, &percpu[cpu].gdt_shown[i],
                    i < nr ? mfn_to_maddr(frames[i]) : gdt_zero_frame);
}

/* Show a guest's LDT frames in this CPU's LDT window and load LDTR (or
 * clear it when there are no entries).  The descriptor lives in the
 * CPU's reserved GDT page at LDT_SELECTOR. */
void ldt_load_guest(unsigned int cpu, const mfn_t *frames, unsigned int ents)
{
    struct seg_desc *g = percpu[cpu].gdt_page;
    vaddr_t va = ldt_window(cpu);
    unsigned int nr = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t limit = (uint64_t)ents * 8 - 1;

    /* Pages beyond the LDT show null descriptors (and the limit stops
     * there anyway); none is ever unmapped, so none needs a new table. */
    for (unsigned int i = 0; i < LDT_WINDOW_PAGES; i++)
        window_show(cpu, va + i * PAGE_SIZE, &percpu[cpu].ldt_shown[i],
                    i < nr ? mfn_to_maddr(frames[i]) : gdt_zero_frame);
    if (!ents) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    g[rsv_index(LDT_SELECTOR)].raw = (limit & 0xffff) | ((va & 0xffffff) << 16) |
        (0x82ULL << 40) | (((limit >> 16) & 0xf) << 48) | (((va >> 24) & 0xff) << 56);
    g[rsv_index(LDT_SELECTOR) + 1].raw = va >> 32;
    __asm__ volatile("lldt %w0" :: "r"(LDT_SELECTOR));
}
