/* Descriptor tables: set_gdt, update_descriptor and MMUEXT_SET_LDT.  A
 * descriptor page may hold only code/data descriptors (DPL forced to 3,
 * since the guest kernel runs in ring 3) or not-present ones; it must not
 * be mapped writable while in use.  Every refusal leaves the table that
 * was installed in place: a selector in it still loads. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

#define DESC_DATA_DPL3 0x00cff3000000ffffUL   /* flat 4 GiB read/write data, DPL 3 */
#define DESC_DATA_DPL0 0x00cf93000000ffffUL   /* the same with DPL 0 */
#define DESC_CODE_DPL0 0x00af9b000000ffffUL   /* 64-bit code, DPL 0 */
#define DESC_DPL(d)    (((d) >> 45) & 3)
#define DESC_DPL_MASK  (3ULL << 45)
#define DESC_ACCESSED  (1ULL << 40)            /* the hypervisor may set it */

/* System descriptors (S = 0, present): a 64-bit TSS, an LDT, and 64-bit
 * interrupt and trap gates to the flat kernel code selector. */
static const struct {
    uint64_t desc;
    const char *name;
} system_descs[] = {
    { 0x0000e90000000067UL, "a TSS" },
    { 0x0000e20000000fffUL, "an LDT" },
    { 0x0000ee0000000000UL | (uint64_t)FLAT_KERNEL_CS << 16, "an interrupt gate" },
    { 0x0000ef0000000000UL | (uint64_t)FLAT_KERNEL_CS << 16, "a trap gate" },
};

#define GDT_SEL(i) ((uint16_t)((i) << 3 | 3))
#define LDT_SEL(i) ((uint16_t)((i) << 3 | 4 | 3))

static long set_gdt(const uint64_t *frames, unsigned long entries)
{
    return hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, entries, 0, 0, 0);
}

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
    return hypercall(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0);
}

static long set_ldt(uint64_t va, unsigned int entries)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = va,
                            .arg2.nr_ents = entries };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static uint64_t maddr_of(const void *p)
{
    return (virt_to_mfn(p) << PAGE_SHIFT) | ((uint64_t)p & ~PAGE_MASK);
}

/* Load %fs; true if it loaded (and reads back), false if it faulted. */
static bool load_fs(uint16_t sel)
{
    unsigned long before = last_trap.count;
    uint16_t got;

    __asm__ volatile("1: mov %k[s], %%fs\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : : [s] "r"((uint32_t)sel) : "memory");
    if (last_trap.count != before)
        return false;
    __asm__ volatile("mov %%fs, %k0" : "=r"(got));
    if (got != sel)
        test_fail("%%fs reads %#x after loading %#x", got, sel);
    return true;
}

/* %fs back to the null selector and base 0, as the kernel keeps it. */
static void reset_fs(void)
{
    load_fs(0);
    hypercall_set_segment_base(SEGBASE_FS, 0);
}

static void expect_loads(const char *what, uint16_t sel)
{
    if (!load_fs(sel))
        test_fail("%s: loading %%fs with %#x took %s (error code %#lx)", what, sel,
                  trap_name(last_trap.vector), last_trap.error_code);
}

/* A read-only page of descriptors: `descs` at index 1 on, 0 elsewhere. */
static uint64_t *descriptor_page(const uint64_t *descs, unsigned int n)
{
    uint64_t *page = page_alloc();

    if (!page) {
        test_error("out of memory");
        return NULL;
    }
    for (unsigned int i = 0; i < n; i++)
        page[1 + i] = descs[i];
    if (!expect_rc("making the descriptor page read-only", page_set_readonly(page, true), 0)) {
        page_free(page);
        return NULL;
    }
    return page;
}

static void release_page(uint64_t *page)
{
    if (page_set_readonly(page, false) == 0)
        page_free(page);
    else
        test_fail("the descriptor page cannot be made writable again: still in use");
}

/* set_gdt with one page whose descriptor 1 is flat data: selector 0x0b
 * loads.  Then the refusals. */
void test_set_gdt(void)
{
    static const uint64_t data = DESC_DATA_DPL3;
    uint64_t *gdt = descriptor_page(&data, 1), *other = page_alloc();
    uint64_t frames[1], foreign = test_foreign_frame();
    char what[96];

    if (!gdt || !other || !foreign) {
        test_error("set-up failed (out of memory or no foreign frame)");
        goto out;
    }
    frames[0] = virt_to_mfn(gdt);
    if (!expect_rc("set_gdt(one read-only page, 512 entries)", set_gdt(frames, 512), 0))
        goto out;
    expect_loads("the new GDT", GDT_SEL(1));

    frames[0] = virt_to_mfn(other);
    expect_rc("set_gdt of a page mapped writable", set_gdt(frames, 512), -EINVAL);
    for (size_t i = 0; i < ARRAY_SIZE(system_descs); i++) {
        other[3] = system_descs[i].desc;
        if (!expect_rc("making the page read-only", page_set_readonly(other, true), 0))
            break;
        snprintf(what, sizeof(what), "set_gdt of a page holding %s", system_descs[i].name);
        expect_rc(what, set_gdt(frames, 512), -EINVAL);
        if (other[3] != system_descs[i].desc)
            test_fail("%s: the descriptor changed to %#lx", what, other[3]);
        if (!expect_rc("making the page writable again", page_set_readonly(other, false), 0))
            break;
    }
    other[3] = 0;
    frames[0] = foreign;
    expect_rc("set_gdt of a frame the guest does not own", set_gdt(frames, 512), -EINVAL);
    frames[0] = virt_to_mfn(gdt);
    expect_rc("set_gdt with 14 pages + 1 entry", set_gdt(frames, 14 * 512 + 1), -EINVAL);
    expect_rc("set_gdt with an unmapped frame list",
              set_gdt((const uint64_t *)UNMAPPED_VA, 512), -EFAULT);
    expect_rc("set_gdt with a frame list in the hypervisor's area",
              set_gdt((const uint64_t *)HV_ADDRESS, 512), -EFAULT);
    load_fs(0);
    expect_loads("the GDT after the refused set_gdt calls", GDT_SEL(1));

    reset_fs();
    if (!expect_rc("set_gdt(0 entries)", set_gdt(NULL, 0), 0))
        goto out;
    if (load_fs(GDT_SEL(1))) {
        test_fail("selector %#x still loads after the GDT was removed", GDT_SEL(1));
        reset_fs();
    }
out:
    reset_fs();
    if (gdt)
        release_page(gdt);
    if (other)
        page_free(other);
}

/* update_descriptor into a page of the installed GDT: the descriptor is
 * written with DPL 3 and its selector loads; refused writes change
 * nothing. */
void test_update_descriptor(void)
{
    uint64_t *gdt = descriptor_page(NULL, 0), frames[1], ma, foreign = test_foreign_frame();
    uint64_t *l1, *unused_pte;

    if (!gdt || !foreign) {
        test_error("set-up failed (out of memory or no foreign frame)");
        goto out;
    }
    frames[0] = virt_to_mfn(gdt);
    if (!expect_rc("set_gdt", set_gdt(frames, 512), 0))
        goto out;
    ma = maddr_of(gdt);

    if (expect_rc("update_descriptor(data, DPL 0)", update_descriptor(ma + 2 * 8, DESC_DATA_DPL0), 0)) {
        if (DESC_DPL(gdt[2]) != 3 ||
            (gdt[2] & ~(DESC_DPL_MASK | DESC_ACCESSED)) != (DESC_DATA_DPL0 & ~DESC_ACCESSED))
            test_fail("the data descriptor reads back as %#lx, expected %#lx with DPL 3",
                      gdt[2], DESC_DATA_DPL0);
        expect_loads("the updated descriptor", GDT_SEL(2));
        reset_fs();
    }
    if (expect_rc("update_descriptor(64-bit code, DPL 0)",
                  update_descriptor(ma + 3 * 8, DESC_CODE_DPL0), 0) &&
        (DESC_DPL(gdt[3]) != 3 ||
         (gdt[3] & ~(DESC_DPL_MASK | DESC_ACCESSED)) != (DESC_CODE_DPL0 & ~DESC_ACCESSED)))
        test_fail("the code descriptor reads back as %#lx, expected %#lx with DPL 3", gdt[3],
                  DESC_CODE_DPL0);

    expect_rc("update_descriptor at a misaligned address",
              update_descriptor(ma + 4 * 8 + 4, DESC_DATA_DPL3), -EINVAL);
    expect_rc("update_descriptor of a frame the guest does not own",
              update_descriptor(foreign << PAGE_SHIFT, DESC_DATA_DPL3), -EINVAL);
    for (size_t i = 0; i < ARRAY_SIZE(system_descs); i++) {
        char what[64];

        snprintf(what, sizeof(what), "update_descriptor with %s", system_descs[i].name);
        expect_rc(what, update_descriptor(ma + 5 * 8, system_descs[i].desc), -EINVAL);
    }
    if (gdt[4] || gdt[5])
        test_fail("refused updates changed descriptors 4 and 5 to %#lx and %#lx", gdt[4], gdt[5]);

    /* A page-table frame is no descriptor page: the value (not present
     * as a PTE) goes to an empty entry of an L1 table. */
    if (expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0)) {
        l1 = mfn_to_virt((pt_get(SCRATCH_VA, 2) & PTE_ADDR_MASK) >> PAGE_SHIFT);
        unused_pte = &l1[511];
        if (*unused_pte == 0) {
            expect_rc("update_descriptor into an L1 page table",
                      update_descriptor(maddr_of(unused_pte), DESC_DATA_DPL3 & ~1UL), -EINVAL);
            if (*unused_pte) {
                test_fail("the page-table entry now holds %#lx", *unused_pte);
                pt_unmap(SCRATCH_VA + 511 * PAGE_SIZE);
            }
        }
    }
    set_gdt(NULL, 0);
out:
    reset_fs();
    if (gdt)
        release_page(gdt);
}

/* Xen accepts a call gate whose target is a guest code selector or the
 * flat kernel CS: it stores it with DPL 0 (so that using it faults and can
 * be emulated) and the original DPL in the target selector's RPL.  The
 * gate's upper half has type 0, which is accepted as harmless. */
void test_update_descriptor_call_gate(void)
{
    uint64_t *page = page_alloc(), target = (uint64_t)test_update_descriptor_call_gate;
    uint64_t lo = (target & 0xffff) | (uint64_t)FLAT_KERNEL_CS << 16 | 0xecULL << 40 |
                  ((target >> 16) & 0xffff) << 48;
    /* DPL 0; the target keeps RPL 3, which is the original DPL. */
    uint64_t hi = target >> 32, want = lo & ~DESC_DPL_MASK;

    if (!page) {
        test_error("out of memory");
        return;
    }
    if (expect_rc("update_descriptor(call gate, DPL 3)", update_descriptor(maddr_of(&page[2]), lo), 0) &&
        (page[2] & ~DESC_ACCESSED) != want)
        test_fail("the call gate reads back as %#lx, expected %#lx", page[2], want);
    if (expect_rc("update_descriptor(the gate's upper half)", update_descriptor(maddr_of(&page[3]), hi), 0) &&
        page[3] != hi)
        test_fail("the gate's upper half reads back as %#lx, expected %#lx", page[3], hi);
    page_free(page);
}

/* An LDT of one read-only page whose descriptor 1 is flat data: selector
 * 0x0f (TI = 1) loads; refused LDTs leave it; 0 entries removes it. */
void test_set_ldt(void)
{
    static const uint64_t data = DESC_DATA_DPL3;
    uint64_t *ldt = descriptor_page(&data, 1);
    unsigned long before;

    if (!ldt)
        return;
    if (!expect_rc("MMUEXT_SET_LDT(one page, 16 entries)", set_ldt((uint64_t)ldt, 16), 0))
        goto out;
    expect_loads("the LDT", LDT_SEL(1));
    load_fs(0);

    expect_rc("MMUEXT_SET_LDT in the hypervisor's area", set_ldt(HV_ADDRESS, 16), -EINVAL);
    expect_rc("MMUEXT_SET_LDT at a misaligned address", set_ldt((uint64_t)ldt + 8, 16), -EINVAL);
    expect_rc("MMUEXT_SET_LDT with 8193 entries", set_ldt((uint64_t)ldt, 8193), -EINVAL);
    expect_loads("the LDT after the refused MMUEXT_SET_LDT", LDT_SEL(1));

    reset_fs();
    if (!expect_rc("MMUEXT_SET_LDT(0 entries)", set_ldt(0, 0), 0))
        goto out;
    before = last_trap.count;
    if (load_fs(LDT_SEL(1))) {
        test_fail("LDT selector %#x still loads after the LDT was removed", LDT_SEL(1));
    } else if (last_trap.count != before &&
               (last_trap.vector != X86_EXC_GP || last_trap.error_code != (LDT_SEL(1) & ~3u))) {
        test_fail("loading %#x without an LDT took %s error code %#lx, expected #GP %#x",
                  LDT_SEL(1), trap_name(last_trap.vector), last_trap.error_code,
                  LDT_SEL(1) & ~3u);
    }
out:
    set_ldt(0, 0);
    reset_fs();
    release_page(ldt);
}

/* The kernel SS stack_switch takes: the flat one, or a selector of the
 * guest's own GDT (Linux gives its __KERNEL_DS, 0x18) within the entries
 * set_gdt gave; never one past them, nor one of the LDT. */
void test_stack_switch_gdt_selector(void)
{
    static const uint64_t data = DESC_DATA_DPL3;
    uint64_t *gdt = descriptor_page(&data, 1), frames[1], sp = traps_user_entry_stack();

    if (!gdt)
        return;
    frames[0] = virt_to_mfn(gdt);
    expect_rc("stack_switch(0x18) with no GDT of the guest's", hypercall_stack_switch(0x18, sp),
              -EINVAL);
    if (expect_rc("set_gdt(one read-only page, 512 entries)", set_gdt(frames, 512), 0)) {
        expect_rc("stack_switch(0x18) within the GDT", hypercall_stack_switch(0x18, sp), 0);
        expect_rc("stack_switch(entry 511, RPL 0)", hypercall_stack_switch(511 << 3, sp), 0);
        expect_rc("stack_switch(entry 512, past the GDT)", hypercall_stack_switch(512 << 3, sp),
                  -EINVAL);
        expect_rc("stack_switch(an LDT selector)", hypercall_stack_switch(0x1c, sp), -EINVAL);
        expect_rc("stack_switch(the null selector)", hypercall_stack_switch(0, sp), -EINVAL);
        expect_rc("set_gdt(0 entries)", set_gdt(NULL, 0), 0);
    }
    expect_rc("stack_switch(FLAT_KERNEL_SS)", hypercall_stack_switch(FLAT_KERNEL_SS, sp), 0);
    release_page(gdt);
}
