/* Direct writes to the guest's own page tables.  The tables are mapped
 * read-only, so every store to one faults; for an L1 entry the hypervisor
 * emulates the store as a validated update (Xen does this for every PV
 * guest, whether or not it enabled VMASST_TYPE_writable_pagetables), and a
 * store it refuses is delivered as the #PF it took, with the entry
 * unchanged.  Also the linear (self-mapping) top-level entry. */
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

/* The bits a store sets that the hypervisor keeps as they are (it may
 * add the user and accessed bits and drop the global one). */
#define PTE_KEPT (PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW)

static void invlpg(uint64_t va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };

    hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The table that holds va's entry at `level`, through the direct map
 * (read-only there), or NULL. */
static uint64_t *table_of(uint64_t va, unsigned int level)
{
    uint64_t e = pt_get(va, level + 1);

    if (!(e & _PAGE_PRESENT))
        return NULL;
    return mfn_to_virt((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* The L1 entry of SCRATCH_VA (its table made if needed), which must be
 * empty; NULL after reporting an error. */
static uint64_t *scratch_pte(void)
{
    uint64_t *l1;

    if (!expect_rc("pt_ensure_l1(SCRATCH_VA)", pt_ensure_l1(SCRATCH_VA), 0))
        return NULL;
    l1 = table_of(SCRATCH_VA, 1);
    if (!l1 || l1[pt_index(SCRATCH_VA, 1)]) {
        test_error("the L1 entry of %#lx is %s", (uint64_t)SCRATCH_VA,
                   l1 ? "in use" : "missing");
        return NULL;
    }
    return &l1[pt_index(SCRATCH_VA, 1)];
}

/* The three ways kernels write entries; each returns whether the store
 * completed (false: it faulted, last_trap says how) and where it is. */
static bool store_mov(uint64_t *p, uint64_t val, uint64_t *at)
{
    unsigned long before = last_trap.count;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: movq %[v], (%[p])\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(*at) : [v] "r"(val), [p] "r"(p) : "memory");
    return last_trap.count == before;
}

static bool store_xchg(uint64_t *p, uint64_t *val, uint64_t *at)
{
    unsigned long before = last_trap.count;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: xchg %[v], (%[p])\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(*at), [v] "+r"(*val) : [p] "r"(p) : "memory");
    return last_trap.count == before;
}

/* LOCK CMPXCHG: *expected is what RAX holds after it; *swapped is ZF. */
static bool store_cmpxchg(uint64_t *p, uint64_t *expected, uint64_t val, bool *swapped)
{
    unsigned long before = last_trap.count;
    uint8_t zf = 0;

    __asm__ volatile("1: lock cmpxchg %[v], (%[p])\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     "setz %[zf]"
                     : "+a"(*expected), [zf] "+r"(zf) : [v] "r"(val), [p] "r"(p)
                     : "memory", "cc");
    *swapped = zf;
    return last_trap.count == before;
}

static bool same_mapping(uint64_t got, uint64_t want)
{
    return (got & PTE_KEPT) == (want & PTE_KEPT);
}

/* The store took a #PF at `at` for the entry's address, reported as the
 * guest kernel's write to a present page. */
static void expect_store_pf(const char *what, unsigned long before, uint64_t at,
                            const uint64_t *entry)
{
    if (!expect_trap(what, before, X86_EXC_PF, at))
        return;
    if (last_trap.cr2 != (uint64_t)entry)
        test_fail("%s: #PF address %#lx, expected the entry at %p", what, last_trap.cr2,
                  (const void *)entry);
    else if ((last_trap.error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_USER)) !=
             (PFEC_PRESENT | PFEC_WRITE))
        test_fail("%s: #PF error code %#lx, expected present|write without user", what,
                  last_trap.error_code);
}

/* A plain mov of an entry mapping one of the guest's pages: emulated, and
 * the new mapping reaches the page. */
void test_ptwr_mov(void)
{
    uint64_t *page = page_alloc(), *pte, val, at, got;

    if (!page) {
        test_error("out of memory");
        return;
    }
    if (!(pte = scratch_pte()))
        goto out;
    page[3] = 0xfeedfacecafe0003ULL;
    val = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RW;
    if (!store_mov(pte, val, &at)) {
        test_fail("mov to the L1 entry took %s (error code %#lx) at %#lx",
                  trap_name(last_trap.vector), last_trap.error_code, last_trap.rip);
        goto out;
    }
    if (!same_mapping(*pte, val)) {
        test_fail("after mov %#lx the entry holds %#lx", val, *pte);
        goto out;
    }
    invlpg(SCRATCH_VA);
    if (!probe_read64(SCRATCH_VA + 24, &got) || got != page[3])
        test_fail("the new mapping does not show the page (read %#lx, the page holds %#lx)",
                  got, page[3]);
    else if (!probe_write64(SCRATCH_VA + 32, 42) || page[4] != 42)
        test_fail("a write through the new writable mapping did not reach the page");
out:
    pt_unmap(SCRATCH_VA);
    page_free(page);
}

/* XCHG returns the old entry; LOCK CMPXCHG replaces it only when it holds
 * the expected value, and otherwise loads RAX with it and clears ZF. */
void test_ptwr_xchg_cmpxchg(void)
{
    uint64_t *a = page_alloc(), *b = page_alloc(), *pte, old, cur, at, got;
    bool swapped;

    if (!a || !b) {
        test_error("out of memory");
        goto out;
    }
    if (!(pte = scratch_pte()))
        goto out;
    a[0] = 0xaaaa;
    b[0] = 0xbbbb;
    if (!expect_rc("pt_map(page a)", pt_map(SCRATCH_VA, virt_to_mfn(a), PTE_KERNEL_RO), 0))
        goto out;
    old = (virt_to_mfn(b) << PAGE_SHIFT) | PTE_KERNEL_RO;
    cur = *pte;
    if (!store_xchg(pte, &old, &at)) {
        test_fail("xchg with the L1 entry took %s (error code %#lx)", trap_name(last_trap.vector),
                  last_trap.error_code);
        goto out;
    }
    if (old != cur)
        test_fail("xchg returned %#lx, the entry held %#lx", old, cur);
    invlpg(SCRATCH_VA);
    if (!probe_read64(SCRATCH_VA, &got) || got != 0xbbbb)
        test_fail("after xchg the mapping reads %#lx, expected page b's 0xbbbb", got);

    cur = *pte;
    old = 0x1000 | PTE_KERNEL_RO;             /* not what the entry holds */
    if (!store_cmpxchg(pte, &old, 0, &swapped)) {
        test_fail("lock cmpxchg (mismatch) took %s", trap_name(last_trap.vector));
        goto out;
    }
    if (swapped || old != cur || *pte != cur)
        test_fail("lock cmpxchg with a wrong expected value: ZF %d, RAX %#lx, entry %#lx; "
                  "expected ZF 0, RAX and entry %#lx", swapped, old, *pte, cur);

    old = cur;
    if (!store_cmpxchg(pte, &old, 0, &swapped)) {
        test_fail("lock cmpxchg (match) took %s", trap_name(last_trap.vector));
        goto out;
    }
    if (!swapped || *pte != 0)
        test_fail("lock cmpxchg of the current value to 0: ZF %d, entry %#lx", swapped, *pte);
    invlpg(SCRATCH_VA);
    if (probe_read64(SCRATCH_VA, &got))
        test_fail("the entry cleared by cmpxchg still maps the page");
out:
    pt_unmap(SCRATCH_VA);
    if (a)
        page_free(a);
    if (b)
        page_free(b);
}

/* The in-place bit operations Linux uses on entries: clear_bit/set_bit
 * of a constant bit are a byte AND/OR (with LOCK, or the DS prefix Linux
 * patches over it on one CPU), test_and_clear_bit a BTR whose CF is the
 * bit before.  Each faults, is emulated as a validated update, and leaves
 * the flags as the instruction would. */
static bool rmw(const char *what, unsigned long before)
{
    if (last_trap.count == before)
        return true;
    test_fail("%s took %s", what, trap_name(last_trap.vector));
    return false;
}

void test_ptwr_bit_operations(void)
{
    uint64_t *a = page_alloc(), *l1, *pte, want;
    uint8_t cf = 0;
    unsigned long before;

    if (!a || !(pte = scratch_pte()))
        goto out;
    l1 = table_of(SCRATCH_VA, 1);
    want = (virt_to_mfn(a) << PAGE_SHIFT) | PTE_KERNEL_RW;
    if (!expect_rc("pt_map(page a, writable)", pt_map(SCRATCH_VA, virt_to_mfn(a), PTE_KERNEL_RW), 0))
        goto out;
    before = last_trap.count;
    __asm__ volatile("1: .byte 0x3e; andb $0xfd, (%[p])\n2:\n\t" EXTABLE(1b, 2b)
                     : : [p] "r"(pte) : "memory", "cc");
    if (rmw("ds andb $~RW", before) && (*pte & _PAGE_RW))
        test_fail("andb $~RW left the entry %#lx writable", *pte);
    before = last_trap.count;
    __asm__ volatile("1: lock orb $2, (%[p])\n2:\n\t" EXTABLE(1b, 2b)
                     : : [p] "r"(pte) : "memory", "cc");
    if (rmw("lock orb $RW", before) && !same_mapping(*pte, want))
        test_fail("orb $RW made the entry %#lx, expected %#lx", *pte, want);
    *(volatile uint64_t *)a = 0;        /* sets the accessed bit, whatever the entry had */
    before = last_trap.count;
    __asm__ volatile("1: lock btrq $5, (%[p])\n2:\n\t" EXTABLE(1b, 2b) "setc %[cf]"
                     : [cf] "+r"(cf) : [p] "r"(pte) : "memory", "cc");
    if (rmw("lock btrq $ACCESSED", before) && (*pte & _PAGE_ACCESSED))
        test_fail("btr $5 left the accessed bit in %#lx", *pte);
    if (!cf)
        test_fail("btr $5 of a set accessed bit left CF clear");
    before = last_trap.count;
    __asm__ volatile("1: lock btrq $5, (%[p])\n2:\n\t" EXTABLE(1b, 2b) "setc %[cf]"
                     : [cf] "+r"(cf) : [p] "r"(pte) : "memory", "cc");
    if (rmw("lock btrq $ACCESSED again", before) && cf)
        test_fail("btr $5 of a clear bit set CF");

    /* Refused as a mov would be: RW on a mapping of a page table. */
    if (!expect_rc("pt_map(the L1 itself, read-only)",
                   pt_map(SCRATCH_VA, virt_to_mfn(l1), PTE_KERNEL_RO), 0))
        goto out;
    want = *pte;
    before = last_trap.count;
    __asm__ volatile("lea 1f(%%rip), %%rax\n1: lock orb $2, (%[p])\n2:\n\t" EXTABLE(1b, 2b)
                     : : [p] "r"(pte) : "memory", "cc", "rax");
    if (last_trap.count == before || last_trap.vector != X86_EXC_PF)
        test_fail("orb $RW on a mapping of an L1 table was not refused with a #PF");
    if (*pte != want)
        test_fail("the refused orb changed the entry from %#lx to %#lx", want, *pte);
out:
    pt_unmap(SCRATCH_VA);
    if (a)
        page_free(a);
}

/* Stores the hypervisor must refuse: a writable mapping of a page-table
 * frame, a frame the guest does not own, and any store to an L2 table. */
void test_ptwr_refused(void)
{
    uint64_t foreign = test_foreign_frame(), *pte, *l1, *l2, l2e, val, at;
    unsigned long before;

    if (!foreign) {
        test_error("no frame of another owner");
        return;
    }
    if (!(pte = scratch_pte()))
        return;
    l1 = table_of(SCRATCH_VA, 1);

    val = (virt_to_mfn(l1) << PAGE_SHIFT) | PTE_KERNEL_RW;
    before = last_trap.count;
    store_mov(pte, val, &at);
    expect_store_pf("mov of a writable mapping of the L1 table itself", before, at, pte);

    val = (foreign << PAGE_SHIFT) | PTE_KERNEL_RO;
    before = last_trap.count;
    store_mov(pte, val, &at);
    expect_store_pf("mov of a mapping of a frame the guest does not own", before, at, pte);

    val = (l4_mfn << PAGE_SHIFT) | PTE_KERNEL_RW;
    before = last_trap.count;
    store_xchg(pte, &val, &at);
    expect_store_pf("xchg of a writable mapping of the L4 table", before, at, pte);

    if (*pte) {
        test_fail("a refused store changed the entry to %#lx", *pte);
        pt_unmap(SCRATCH_VA);
    }

    /* The value written is the one already there: harmless even if the
     * store went through. */
    l2 = table_of(SCRATCH_VA, 2);
    l2e = l2[pt_index(SCRATCH_VA, 2)];
    before = last_trap.count;
    store_mov(&l2[pt_index(SCRATCH_VA, 2)], l2e, &at);
    expect_store_pf("mov to an L2 entry", before, at, &l2[pt_index(SCRATCH_VA, 2)]);
    if (l2[pt_index(SCRATCH_VA, 2)] != l2e)
        test_fail("the L2 entry changed from %#lx to %#lx", l2e, l2[pt_index(SCRATCH_VA, 2)]);
}

/* A read-only L4 entry naming the L4 itself (a linear page table) is
 * allowed and lets the guest read its tables at the linear address; a
 * writable one would let it write them, and is -EINVAL with the entry left
 * empty. */
#define LINEAR_SLOT 400UL
#define LINEAR_L4 (0xffff000000000000UL | LINEAR_SLOT << 39 | LINEAR_SLOT << 30 | \
                   LINEAR_SLOT << 21 | LINEAR_SLOT << 12)

void test_linear_l4(void)
{
    const uint64_t *l4 = mfn_to_virt(l4_mfn);
    struct mmu_update u = { .ptr = ((l4_mfn << PAGE_SHIFT) + LINEAR_SLOT * 8) | MMU_NORMAL_PT_UPDATE };
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    uint64_t got;

    if (l4[LINEAR_SLOT]) {
        test_error("L4 slot %lu is in use: %#lx", LINEAR_SLOT, l4[LINEAR_SLOT]);
        return;
    }
    u.val = (l4_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
    expect_rc("mmu_update: a writable self-mapping L4 entry",
              hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), -EINVAL);
    if (l4[LINEAR_SLOT]) {
        test_fail("the refused entry holds %#lx", l4[LINEAR_SLOT]);
        goto out;
    }
    u.val = (l4_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    if (!expect_rc("mmu_update: a read-only self-mapping L4 entry",
                   hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), 0))
        return;
    if (!probe_read64(LINEAR_L4 + 511 * 8, &got))
        test_fail("reading the L4 through the linear map took %s at %#lx",
                  trap_name(last_trap.vector), last_trap.cr2);
    else if (got != l4[511])
        test_fail("the linear map shows L4 entry 511 as %#lx, it is %#lx", got, l4[511]);
    /* The value already there, so that nothing breaks if it went through. */
    if (probe_write64(LINEAR_L4 + LINEAR_SLOT * 8, l4[LINEAR_SLOT]))
        test_fail("a write through the read-only linear map went through");
out:
    u.val = 0;
    expect_rc("mmu_update: clearing the self-mapping entry",
              hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
}

/* A read-only L4 entry may also name another L4 that is already one
 * (Xen 4.17 with its default pv-linear-pt: get_l4_linear_pagetable takes
 * a type reference on the other table): a fresh, pinned L4 in an unused
 * slot of the current one is accepted, and the entry reads back.
 * Clearing the entry drops that reference, so the table unpins. */
void test_linear_l4_other(void)
{
    const uint64_t *l4 = mfn_to_virt(l4_mfn);
    uint64_t *other = page_alloc(), other_mfn, want;
    struct mmu_update u = { .ptr = ((l4_mfn << PAGE_SHIFT) + LINEAR_SLOT * 8) | MMU_NORMAL_PT_UPDATE };
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    bool pinned = false;

    if (!other) {
        test_error("out of memory");
        return;
    }
    if (l4[LINEAR_SLOT]) {
        test_error("L4 slot %lu is in use: %#lx", LINEAR_SLOT, l4[LINEAR_SLOT]);
        goto out;
    }
    memset(other, 0, PAGE_SIZE);
    other_mfn = virt_to_mfn(other);
    if (!expect_rc("making the new L4 read-only", page_set_readonly(other, true), 0))
        goto out;
    op.arg1.mfn = other_mfn;
    if (!expect_rc("MMUEXT_PIN_L4_TABLE of the new L4", hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF), 0))
        goto writable;
    pinned = true;

    want = (other_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    u.val = want;
    /* Proxen refuses links between different L4s (Xen 4.17 accepts them):
     * chains of them would make releasing one recurse without bound. */
    if (expect_rc("mmu_update: a read-only L4 entry naming another pinned L4",
                  hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), -EINVAL) &&
        l4[LINEAR_SLOT] != 0)
        test_fail("the refused entry holds %#lx", l4[LINEAR_SLOT]);
    u.val = 0;
    expect_rc("mmu_update: clearing the entry", hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    if (l4[LINEAR_SLOT])
        test_fail("the cleared entry holds %#lx", l4[LINEAR_SLOT]);
    op.cmd = MMUEXT_UNPIN_TABLE;
    if (pinned && !expect_rc("MMUEXT_UNPIN_TABLE of the new L4",
                             hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF), 0))
        return;            /* still a page table: it cannot go back to the allocator */
writable:
    if (!expect_rc("making the new L4 writable again", page_set_readonly(other, false), 0))
        return;
out:
    page_free(other);
}
