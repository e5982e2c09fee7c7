/* What the fuzzer owns and may hand the hypervisor: the scratch frames,
 * the scratch virtual addresses, the argument buffer; and the pickers
 * that build hostile values out of them.  The rule that keeps the guest
 * alive: every frame number goes through fuzz_sanitize_mfn (a frame of
 * the guest's that is not scratch becomes a scratch one), every address
 * the hypervisor may write through is in the argument buffer, a scratch
 * VA or a place the guest cannot write. */
#include <arch.h>
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <traps.h>
#include "../tests/tests.h"
#include "fuzz.h"

struct fuzz_pool fuzz_pool;

#define ARG_BYTES (FUZZ_ARG_PAGES * PAGE_SIZE)

static long remap(void *va, uint64_t mfn, uint64_t flags)
{
    return hypercall_update_va_mapping((uint64_t)va, mfn ? mfn << PAGE_SHIFT | flags : 0,
                                       UVMF_INVLPG | UVMF_LOCAL);
}

static void fill_random(void *p, unsigned long size)
{
    uint64_t *q = p;

    for (unsigned long i = 0; i < size / 8; i++)
        q[i] = prng_next(&fuzz_rng);
}

/* The argument buffer must be contiguous in the direct map, followed
 * by the guard page: take pages until FUZZ_ARG_PAGES + 1 consecutive
 * ones come up (the allocator hands out ascending pages at first). */
static uint8_t *alloc_arg_buffer(void)
{
    uint8_t *first = page_alloc(), *prev = first;
    unsigned int n = 1;

    while (first && n < FUZZ_ARG_PAGES + 1) {
        uint8_t *p = page_alloc();

        if (!p)
            return NULL;
        if (p != prev + PAGE_SIZE) {
            first = p;
            n = 0;
        }
        prev = p;
        n++;
    }
    return first;
}

bool fuzz_pool_init(void)
{
    struct fuzz_pool *p = &fuzz_pool;
    long max = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);

    if (max <= 0 || pt_ensure_l1(SCRATCH_VA) || pt_ensure_l1(FUZZ_FILL_VA))
        return false;
    p->max_mfn = (uint64_t)max;
    p->foreign_mfn = test_foreign_frame();
    p->l1_maddr = pt_entry_maddr(SCRATCH_VA, 1);
    p->arg = alloc_arg_buffer();
    if (!p->arg || !p->foreign_mfn || !p->l1_maddr)
        return false;
    if (remap(p->arg + ARG_BYTES, 0, 0))            /* the guard page */
        return false;
    for (unsigned int i = 0; i < FUZZ_SCRATCH_FRAMES; i++) {
        p->dmap[i] = page_alloc();
        if (!p->dmap[i])
            return false;
        p->mfn[i] = virt_to_mfn(p->dmap[i]);
        if (remap(p->dmap[i], 0, 0))
            return false;
    }
    return true;
}

void fuzz_arena_reset(void)
{
    fuzz_pool.arg_head = 0;
    fuzz_pool.arg_tail = ARG_BYTES;
}

void *fuzz_alloc(unsigned int size)
{
    struct fuzz_pool *p = &fuzz_pool;
    unsigned int at = ROUNDUP(p->arg_head, 8);
    void *r;

    if (at + size > p->arg_tail)    /* sized for the worst iteration: a bug */
        panic("fuzz: argument buffer full (%u + %u bytes)", at, size);
    r = p->arg + at;
    p->arg_head = at + size;
    fill_random(r, MIN(ROUNDUP(size, 8), ARG_BYTES - at));
    return r;
}

void *fuzz_alloc_tail(unsigned int size)
{
    struct fuzz_pool *p = &fuzz_pool;

    size = MIN(size, (unsigned int)ARG_BYTES);
    if (p->arg_tail != ARG_BYTES)       /* taken (an outer multicall's array) */
        return fuzz_alloc(size);
    if (p->arg_tail - size < p->arg_head)
        p->arg_head = 0;
    p->arg_tail = ARG_BYTES - size;
    fill_random(p->arg + p->arg_tail, size & ~7u);
    return p->arg + p->arg_tail;
}

bool fuzz_is_scratch(uint64_t mfn)
{
    for (unsigned int i = 0; i < FUZZ_SCRATCH_FRAMES; i++)
        if (fuzz_pool.mfn[i] == mfn)
            return true;
    return false;
}

uint64_t fuzz_sanitize_mfn(uint64_t mfn)
{
    if (fuzz_is_scratch(mfn) || !mfn_is_own(mfn, fuzz_pool.max_mfn))
        return mfn;
    return fuzz_pool.mfn[mfn % FUZZ_SCRATCH_FRAMES];
}

uint64_t fuzz_mfn(void)
{
    struct prng *r = &fuzz_rng;

    switch (prng_below(r, 10)) {
    case 0:
        return fuzz_pool.foreign_mfn;
    case 1:
        return fuzz_sanitize_mfn(prng_below(r, 0x200));         /* low memory, the hypervisor */
    case 2:
        return fuzz_sanitize_mfn(prng_next(r) & ((1ULL << 40) - 1));
    case 3: {
        static const uint64_t absurd[] = { 0, ~0ULL, 1ULL << 40, (1ULL << 52) - 1 };

        return fuzz_sanitize_mfn(prng_one_in(r, 2) ? fuzz_pool.max_mfn + prng_below(r, 2)
                                                   : absurd[prng_below(r, ARRAY_SIZE(absurd))]);
    }
    default:
        return fuzz_pool.mfn[prng_below(r, FUZZ_SCRATCH_FRAMES)];
    }
}

uint64_t fuzz_pte(void)
{
    struct prng *r = &fuzz_rng;
    uint64_t flags;

    switch (prng_below(r, 8)) {
    case 0:
        return 0;
    case 1:
        flags = prng_next(r) & ~PTE_ADDR_MASK;                  /* any flags, reserved bits */
        break;
    case 2:
        flags = prng_next(r) & 0xfff;
        break;
    case 3:
        flags = PTE_TABLE | _PAGE_PSE;
        break;
    case 4:
        flags = PTE_KERNEL_RO;
        break;
    default:
        flags = prng_one_in(r, 2) ? PTE_KERNEL_RW : PTE_TABLE;
        break;
    }
    return fuzz_mfn() << PAGE_SHIFT | flags;
}

uint64_t fuzz_pt_maddr(void)
{
    struct prng *r = &fuzz_rng;
    uint64_t off = prng_one_in(r, 8) ? prng_below(r, PAGE_SIZE) : prng_below(r, 512) * 8;

    switch (prng_below(r, 4)) {
    case 0:
    case 1:     /* a slot of the scratch VA pool in the guest's live L1 */
        return fuzz_pool.l1_maddr + prng_below(r, FUZZ_VA_POOL) * 8 +
               (prng_one_in(r, 16) ? prng_below(r, 8) : 0);
    default:
        return fuzz_mfn() << PAGE_SHIFT | off;
    }
}

uint64_t fuzz_scratch_va(void)
{
    return SCRATCH_VA + prng_below(&fuzz_rng, FUZZ_VA_POOL) * PAGE_SIZE;
}

static uint64_t hostile_address(void)
{
    struct prng *r = &fuzz_rng;

    switch (prng_below(r, 6)) {
    case 0:
        return HV_ADDRESS + (prng_next(r) & 0x7fffffffff8ULL);
    case 1:
        return NONCANONICAL_ADDRESS | (prng_next(r) & 0x7fffffffffffULL);
    case 2:
        return UNMAPPED_VA;
    case 3:
        return 0xffff800000000000ULL + (prng_next(r) & 0xffffff8ULL);  /* the M2P's slots */
    case 4:
        return prng_below(r, 0x10000);                         /* user half, low */
    default:
        return prng_next(r);
    }
}

uint64_t fuzz_va(void)
{
    struct prng *r = &fuzz_rng;
    uint64_t va;

    switch (prng_below(r, 6)) {
    case 0:
        va = hostile_address();
        if (va == UNMAPPED_VA || (va >= VIRT_BASE && va < VIRT_BASE + 0x40000000ULL) ||
            (va >= VMAP_START && va < VMAP_END) || va < 0x800000000000ULL)
            va = fuzz_scratch_va();          /* never the guest's own mappings */
        return va;
    case 1:     /* a scratch frame's direct-map address (unmapped while fuzzing) */
        return (uint64_t)fuzz_pool.dmap[prng_below(r, FUZZ_SCRATCH_FRAMES)];
    default:
        return fuzz_scratch_va() + (prng_one_in(r, 8) ? prng_below(r, PAGE_SIZE) : 0);
    }
}

uint64_t fuzz_ptr(unsigned int size)
{
    struct prng *r = &fuzz_rng;

    switch (prng_below(r, 8)) {
    case 0:
        return hostile_address();
    case 1:
        return (uint64_t)fuzz_alloc_tail(size ? prng_below(r, size) + 1 : 1);  /* runs into the guard */
    case 2:
        return fuzz_scratch_va() + prng_below(r, PAGE_SIZE);
    case 3:     /* read-only to the guest: the M2P, its own L4 */
        return prng_one_in(r, 2) ? (uint64_t)machine_to_phys_mapping + prng_below(r, 4096)
                                 : (uint64_t)mfn_to_virt(l4_mfn) + prng_below(r, 64) * 8;
    case 4:
        return 0;
    default:
        return (uint64_t)fuzz_alloc(size ? size : 8);
    }
}

uint64_t fuzz_int(void)
{
    static const uint64_t interesting[] = {
        0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 4095, 4096,
        0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
        0x7ff0, 0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7ffe, 0x7fff,   /* the DOMID_ specials */
        0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~1ULL, -4096ULL,
    };
    struct prng *r = &fuzz_rng;

    switch (prng_below(r, 4)) {
    case 0:
        return prng_next(r);
    case 1:
        return prng_below(r, 64);
    default:
        return interesting[prng_below(r, ARRAY_SIZE(interesting))] +
               (prng_one_in(r, 4) ? prng_below(r, 3) - 1 : 0);
    }
}

/* Never mapped, so never run: code at a scratch VA would be random
 * bytes, and a guest running them may hang itself. */
uint64_t fuzz_bad_addr(void)
{
    struct prng *r = &fuzz_rng;

    switch (prng_below(r, 4)) {
    case 0:
        return HV_ADDRESS + (prng_next(r) & 0x7fffffffffULL);
    case 1:
        return NONCANONICAL_ADDRESS | (prng_next(r) & 0x7fffffffffffULL);
    case 2:
        return UNMAPPED_VA + prng_below(r, PAGE_SIZE);
    default:
        return prng_below(r, 0x10000);              /* nothing in the user half */
    }
}

static bool guest_reachable(uint64_t addr)
{
    return is_canonical(addr) && !(addr >= 0xffff800000000000ULL && addr < 0xffff880000000000ULL);
}

/* A breakpoint the CPU could hit in the guest's own code or data would
 * loop in the fuzzer's exception path; the ones on the hypervisor's
 * range and non-canonical addresses are what matters here. */
uint64_t fuzz_dr7(uint64_t v)
{
    for (unsigned int i = 0; i < 4; i++)
        if (guest_reachable(fuzz_pool.dr[i]))
            v &= ~(3ULL << (2 * i));
    return v;
}

void fuzz_fill_frame(unsigned int i)
{
    void *va = (void *)FUZZ_FILL_VA;

    if (remap(va, fuzz_pool.mfn[i], PTE_KERNEL_RW))
        return;                         /* typed as a table or descriptor page now */
    fill_random(va, PAGE_SIZE);
    if (prng_one_in(&fuzz_rng, 2)) {    /* mostly empty entries: tables that validate */
        uint64_t *e = va;

        for (unsigned int k = 0; k < 512; k++)
            if (!prng_one_in(&fuzz_rng, 16))
                e[k] = 0;
            else if (prng_one_in(&fuzz_rng, 2))
                e[k] = fuzz_pte();
    }
    remap(va, 0, 0);
}

static bool release_frame(unsigned int i)
{
    struct fuzz_pool *p = &fuzz_pool;
    struct mmu_update m2p = {
        .ptr = p->mfn[i] << PAGE_SHIFT | MMU_MACHPHYS_UPDATE,
        .val = virt_to_pfn(p->dmap[i]),
    };
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = p->mfn[i] };
    volatile uint64_t *page = p->dmap[i];
    long rc;

    rc = hypercall_mmu_update(&m2p, 1, NULL, DOMID_SELF);
    if (!rc)
        rc = remap(p->dmap[i], p->mfn[i], PTE_KERNEL_RW);
    if (rc) {
        printk("fuzz: scratch frame %#lx cannot be mapped writable again (%ld)\n", p->mfn[i], rc);
        return false;
    }
    for (unsigned int k = 0; k < 512; k++)
        page[k] = 0;
    /* Reusable: an empty page becomes a pinned L1 and back. */
    rc = remap(p->dmap[i], p->mfn[i], PTE_KERNEL_RO);
    if (!rc)
        rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    op.cmd = MMUEXT_UNPIN_TABLE;
    if (!rc)
        rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (!rc)
        rc = remap(p->dmap[i], p->mfn[i], PTE_KERNEL_RW);
    if (rc) {
        printk("fuzz: scratch frame %#lx cannot be pinned and unpinned again (%ld)\n",
               p->mfn[i], rc);
        return false;
    }
    return true;
}

unsigned int fuzz_pool_release(void)
{
    struct fuzz_pool *p = &fuzz_pool;
    unsigned int bad = 0;

    /* Drop every reference the fuzzing may have left: pins (tables of
     * every level, in every order, until nothing more unpins), the
     * scratch VA mappings, descriptor tables and the user base. */
    for (unsigned int round = 0; round < FUZZ_SCRATCH_FRAMES; round++)
        for (unsigned int i = 0; i < FUZZ_SCRATCH_FRAMES; i++) {
            struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = p->mfn[i] };

            hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
        }
    for (unsigned int k = 0; k < FUZZ_VA_POOL; k++)
        if (remap((void *)(SCRATCH_VA + k * PAGE_SIZE), 0, 0)) {
            printk("fuzz: scratch VA %#lx cannot be unmapped\n", SCRATCH_VA + k * PAGE_SIZE);
            bad++;
        }
    for (unsigned int i = 0; i < FUZZ_SCRATCH_FRAMES; i++)     /* fuzzed too */
        if (remap(p->dmap[i], 0, 0)) {
            printk("fuzz: %p cannot be unmapped\n", p->dmap[i]);
            bad++;
        }
    fuzz_pool.dirty = DIRTY_ALL;
    fuzz_restore();
    for (unsigned int i = 0; i < FUZZ_SCRATCH_FRAMES; i++) {
        if (release_frame(i))
            page_free(p->dmap[i]);
        else
            bad++;                      /* kept: it is not the guest's to reuse */
    }
    if (!remap(p->arg + ARG_BYTES, virt_to_mfn(p->arg + ARG_BYTES), PTE_KERNEL_RW))
        for (unsigned int k = 0; k <= FUZZ_ARG_PAGES; k++)
            page_free(p->arg + k * PAGE_SIZE);
    return bad;
}
