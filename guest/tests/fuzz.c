/* A hostile run: random hypercalls and privileged instructions, seeded,
 * after which the hypervisor must still be up and the guest's isolation
 * intact.
 *
 * Arguments are random but aimed: list entries and page-table values name
 * frames of a scratch pool, pointers lead into a scratch buffer or to
 * addresses the guest may not use (unmapped, the hypervisor's range,
 * non-canonical), numbers are random or near the edges.  What would end
 * the run by the guest's own choice is left out or undone right after
 * (shutdown, blocking, iret, bringing itself down, a new page-table base,
 * its trap table and callbacks, debug registers that would fire, TS, the
 * segment bases, I/O privilege, vm_assist modes); everything else goes.
 * The kernel's own memory is never named: the pool and the buffer are.
 *
 * Command line: fuzz_seed=N fuzz_iters=N (the short default run is part
 * of the guest tests; `make fuzz` runs a long one).  The seed is printed
 * first, so any failure can be replayed. */
#include <arch.h>
#include <console.h>
#include <errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <public/physdev.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

#define POOL 8
#define DEFAULT_ITERS 3000
#define NR_OPS 64

static uint64_t state;
static uint64_t *pool[POOL];
static uint64_t pool_mfn[POOL];
/* Pointers lead into the first page; what the hypervisor writes there
 * (at most about 1 KiB: the command line) stays inside.  The last page
 * holds multicall entries. */
static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));
static unsigned long calls[NR_OPS + 1], ok[NR_OPS + 1];

static uint64_t rnd(void)           /* splitmix64 */
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n) { return rnd() % n; }

static uint64_t bad_pointer(void)
{
    static const uint64_t p[] = { UNMAPPED_VA, HV_ADDRESS, NONCANONICAL_ADDRESS, 0,
                                  0xffff800000000000ULL, 0x00007ffffffff000ULL };

    return p[below(ARRAY_SIZE(p))] + below(4) * 8;
}

static uint64_t pointer(void)
{
    return below(4) ? (uint64_t)buf + below(4096) : bad_pointer();
}

static uint64_t max_mfn;
static uint64_t scratch_l1;         /* machine address of SCRATCH_VA's L1 table */
static uint64_t scratch_l1_pfn;

/* Any frame but the guest's own, beyond the pool and the scratch L1:
 * changing its own memory at random is no test of the hypervisor. */
static uint64_t frame(void)
{
    uint64_t f;

    switch (below(4)) {
    case 0:
        f = rnd() >> below(64);
        return mfn_is_own(f, max_mfn) ? f | (1ULL << 40) : f;
    case 1: return scratch_l1 >> PAGE_SHIFT;                 /* the live scratch L1 */
    default: return pool_mfn[below(POOL)];
    }
}

static uint64_t number(void)
{
    switch (below(5)) {
    case 0: return rnd();
    case 1: return below(16);
    case 2: return (uint64_t)-1 - below(4);
    case 3: return 1ULL << below(64);
    default: return below(1 << 16);
    }
}

static uint64_t pte(void)
{
    return (frame() << PAGE_SHIFT) | (below(4) ? below(1 << 12) | _PAGE_PRESENT : rnd() >> 40 << 52);
}

static uint64_t scratch_va(void)
{
    return below(4) ? SCRATCH_VA + below(512) * PAGE_SIZE : bad_pointer();
}

static void fill_buf(void)
{
    for (unsigned int i = 0; i < sizeof(buf); i += 8) {
        uint64_t v = below(3) ? pte() : number();

        memcpy(buf + i, &v, sizeof(v));
    }
}

static void mmu_list(unsigned int n)
{
    struct mmu_update *u = (struct mmu_update *)buf;

    for (unsigned int i = 0; i < n; i++)
        u[i] = (struct mmu_update){ .ptr = (frame() << PAGE_SHIFT) | (below(512) * 8) |
                                           (below(8) ? below(4) : below(8)),
                                    .val = pte() };
}

static void mmuext_list(unsigned int n)
{
    struct mmuext_op *op = (struct mmuext_op *)buf;

    for (unsigned int i = 0; i < n; i++) {
        unsigned int cmd = (unsigned int)below(24);

        if (cmd == MMUEXT_NEW_BASEPTR || cmd == MMUEXT_NEW_USER_BASEPTR)
            cmd = MMUEXT_UNPIN_TABLE;        /* a random page table for itself: no */
        op[i] = (struct mmuext_op){ .cmd = cmd };
        op[i].arg1.mfn = below(2) ? frame() : scratch_va();
        op[i].arg2.nr_ents = (uint32_t)(below(2) ? below(16) : number());
    }
}

/* The arguments of hypercall nr, built in a[]: false for a call left out. */
static bool build(unsigned int nr, uint64_t a[5])
{
    for (unsigned int i = 0; i < 5; i++)
        a[i] = below(2) ? pointer() : number();
    switch (nr) {
    /* A list in the buffer is only as long as what was built there (the
     * guest's memory after it is not the test's to hand over); counts of
     * any size go with unusable pointers. */
    case __HYPERVISOR_mmu_update:
        mmu_list(8);
        a[0] = below(8) ? (uint64_t)buf : bad_pointer();
        a[1] = a[0] == (uint64_t)buf ? below(9) | (below(8) ? 0 : MMU_UPDATE_PREEMPTED)
                                     : number();
        a[3] = below(8) ? DOMID_SELF : number();
        return true;
    case __HYPERVISOR_mmuext_op:
        mmuext_list(8);
        a[0] = below(8) ? (uint64_t)buf : bad_pointer();
        a[1] = a[0] == (uint64_t)buf ? below(9) | (below(8) ? 0 : MMU_UPDATE_PREEMPTED)
                                     : number();
        a[3] = below(8) ? DOMID_SELF : number();
        return true;
    case __HYPERVISOR_update_va_mapping:
        a[0] = scratch_va();
        a[1] = pte();
        return true;
    case __HYPERVISOR_update_descriptor:
        a[0] = (frame() << PAGE_SHIFT) | (below(512) * 8);
        return true;
    case __HYPERVISOR_set_gdt:
        for (unsigned int i = 0; i < 16; i++)
            ((uint64_t *)buf)[i] = frame();
        a[0] = (uint64_t)buf;
        a[1] = below(2) ? below(8192) : number();
        return true;
    case __HYPERVISOR_console_io:
        if (a[0] == CONSOLEIO_write)
            a[2] = bad_pointer();           /* never random text in the log */
        return true;
    case __HYPERVISOR_set_debugreg:
        if (a[0] == 7 || a[0] == 5)
            a[1] &= ~0xffULL;               /* no enabled breakpoint */
        return true;
    case __HYPERVISOR_vcpu_op:
        return a[0] != VCPUOP_down && a[0] != VCPUOP_up;
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_sched_op_compat:
        a[0] = below(2) ? SCHEDOP_yield : 16 + below(64);   /* no block or shutdown */
        return true;
    case __HYPERVISOR_physdev_op:
        return a[0] != PHYSDEVOP_set_iopl;
    case __HYPERVISOR_iret:
        return false;
    }
    return true;
}

/* A hypercall number no stub exists for, straight through SYSCALL. */
static long raw_hypercall(uint64_t nr, const uint64_t a[5])
{
    register uint64_t r10 __asm__("r10") = a[3];
    register uint64_t r8 __asm__("r8") = a[4];
    uint64_t rdi = a[0], rsi = a[1], rdx = a[2];
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Put back what a call may have changed of the guest's own set-up. */
static void restore(unsigned int nr, const uint64_t a[5], long rc)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_stack_switch:
        traps_init();
        break;
    case __HYPERVISOR_set_gdt:
        hypercall_set_gdt(NULL, 0);
        break;
    case __HYPERVISOR_fpu_taskswitch:
        hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0);
        break;
    case __HYPERVISOR_set_segment_base:
        for (unsigned int which = SEGBASE_FS; which <= SEGBASE_GS_USER_SEL; which++)
            hypercall_set_segment_base(which, 0);
        break;
    case __HYPERVISOR_set_timer_op:
        hypercall_set_timer_op(0);
        break;
    case __HYPERVISOR_vm_assist:
        if (!rc && a[0] == VMASST_CMD_enable)
            hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable, a[1], 0, 0, 0);
        break;
    }
}

/* Half the calls go to those with the most guest-controlled work. */
static unsigned int pick_op(void)
{
    static const uint8_t hot[] = {
        __HYPERVISOR_mmu_update, __HYPERVISOR_mmuext_op, __HYPERVISOR_update_va_mapping,
        __HYPERVISOR_multicall, __HYPERVISOR_set_gdt, __HYPERVISOR_update_descriptor,
        __HYPERVISOR_memory_op, __HYPERVISOR_vcpu_op, __HYPERVISOR_set_trap_table,
        __HYPERVISOR_set_debugreg, __HYPERVISOR_console_io, __HYPERVISOR_xen_version,
    };

    if (!below(16))
        return NR_OPS;                   /* a number past the table */
    return below(2) ? hot[below(ARRAY_SIZE(hot))] : (unsigned int)below(NR_OPS);
}

static void one_hypercall(void)
{
    unsigned int nr = pick_op();
    uint64_t a[5];
    long rc;

    fill_buf();
    if (!build(nr, a))
        return;
    if (nr == __HYPERVISOR_multicall) {
        struct multicall_entry *e = (struct multicall_entry *)(buf + 2 * 4096);

        for (unsigned int i = 0; i < 4; i++) {
            unsigned int sub = pick_op() % NR_OPS;

            e[i] = (struct multicall_entry){ .op = sub };
            if (!build(sub, e[i].args) || sub == __HYPERVISOR_set_trap_table ||
                sub == __HYPERVISOR_set_callbacks || sub == __HYPERVISOR_callback_op ||
                sub == __HYPERVISOR_stack_switch || sub == __HYPERVISOR_set_segment_base ||
                sub == __HYPERVISOR_fpu_taskswitch || sub == __HYPERVISOR_vm_assist ||
                sub == __HYPERVISOR_set_gdt)
                e[i].op = __HYPERVISOR_xen_version;
        }
        a[0] = below(8) ? (uint64_t)e : bad_pointer();
        a[1] = a[0] == (uint64_t)e ? below(5) : number();
    }
    rc = nr < NR_OPS ? hypercall(nr, a[0], a[1], a[2], a[3], a[4])
                     : raw_hypercall(number() | 64, a);
    calls[nr]++;
    ok[nr] += rc >= 0;
    restore(nr, a, rc);
}

/* Privileged and sensitive instructions, each with a way back. */
static void one_instruction(void)
{
    uint64_t v = number(), r = 0;

    switch (below(10)) {
    case 0:
        __asm__ volatile("1: cli\n2:\n" EXTABLE(1b, 2b) ::: "memory");
        __asm__ volatile("1: sti\n2:\n" EXTABLE(1b, 2b) ::: "memory");
        break;
    case 1:
        __asm__ volatile("1: rdmsr\n2:\n" EXTABLE(1b, 2b)
                         : "=a"(r), "=d"(v) : "c"((uint32_t)v) : "memory");
        break;
    case 2:
        __asm__ volatile("1: mov %%cr0, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(r) :: "memory");
        __asm__ volatile("1: mov %%cr4, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(r) :: "memory");
        __asm__ volatile("1: mov %%db7, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(r) :: "memory");
        break;
    case 3:
        __asm__ volatile("1: lgdt (%0)\n2:\n" EXTABLE(1b, 2b) :: "r"(buf) : "memory");
        __asm__ volatile("1: lidt (%0)\n2:\n" EXTABLE(1b, 2b) :: "r"(buf) : "memory");
        break;
    case 4:
        __asm__ volatile("1: ltr %w0\n2:\n" EXTABLE(1b, 2b) :: "r"((uint16_t)v) : "memory");
        __asm__ volatile("1: lldt %w0\n2:\n" EXTABLE(1b, 2b) :: "r"((uint16_t)v) : "memory");
        break;
    case 5:
        __asm__ volatile("1: invlpg (%0)\n2:\n" EXTABLE(1b, 2b) :: "r"(scratch_va()) : "memory");
        break;
    case 6:
        __asm__ volatile("1: wbinvd\n2:\n" EXTABLE(1b, 2b) ::: "memory");
        break;
    case 7:
        __asm__ volatile("1: inb %%dx, %%al\n2:\n" EXTABLE(1b, 2b)
                         : "+a"(r) : "d"((uint16_t)(0x80 + below(16))) : "memory");
        break;
    case 8:
        __asm__ volatile("1: mov %%ds, %%ax\n mov %%ax, %%ds\n2:\n" EXTABLE(1b, 2b)
                         ::: "rax", "memory");
        __asm__ volatile("1: mov %w0, %%fs\n2:\n" EXTABLE(1b, 2b) :: "r"((uint16_t)v) : "memory");
        __asm__ volatile("xor %%eax, %%eax\n mov %%ax, %%fs" ::: "rax", "memory");
        break;
    default: {
        uint32_t res[4];

        pv_cpuid((uint32_t)v, (uint32_t)number(), res);
        break;
    }
    }
}

static uint64_t arg_value(const char *name, uint64_t dflt)
{
    char val[24];
    uint64_t n = 0;

    if (!cmdline_get(name, val, sizeof(val)) || !val[0])
        return dflt;
    for (const char *p = val; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (uint64_t)(*p - '0');
    return n;
}

static bool pool_setup(void)
{
    for (unsigned int i = 0; i < POOL; i++) {
        if (!(pool[i] = page_alloc()))
            return false;
        pool_mfn[i] = virt_to_mfn(pool[i]);
        /* Half the pool read-only: candidates for every page type. */
        if (i % 2 && page_set_readonly(pool[i], true))
            return false;
    }
    if (pt_ensure_l1(SCRATCH_VA))
        return false;
    scratch_l1 = pt_entry_maddr(SCRATCH_VA, 1) & PTE_ADDR_MASK;
    scratch_l1_pfn = mfn_to_pfn(scratch_l1 >> PAGE_SHIFT);
    return true;
}

/* MMU_MACHPHYS_UPDATE may have rewritten the M2P entries of the pool and
 * the scratch L1 (the guest's own business, but its page-table helpers
 * read them): put them back before using any. */
static void m2p_restore(void)
{
    struct mmu_update u[POOL + 1];

    for (unsigned int i = 0; i < POOL; i++)
        u[i] = (struct mmu_update){ .ptr = (pool_mfn[i] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                                    .val = virt_to_pfn(pool[i]) };
    u[POOL] = (struct mmu_update){ .ptr = scratch_l1 | MMU_MACHPHYS_UPDATE, .val = scratch_l1_pfn };
    unsigned int done = 0;
    long rc = hypercall_mmu_update(u, POOL + 1, &done, DOMID_SELF);

    if (rc)
        test_fail("the M2P entries of the scratch frames cannot be put back (%ld after %u)", rc,
                  done);
}

/* After the run: unpin and unmap whatever the fuzzing left, then every
 * pool frame must be able to become writable and an L1 table, so no
 * reference is left behind. */
static void pool_check(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE };

    hypercall_set_gdt(NULL, 0);
    hypercall_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_SET_LDT }, 1, NULL, DOMID_SELF);
    for (unsigned int i = 0; i < 512; i++)
        if (pt_get(SCRATCH_VA + i * PAGE_SIZE, 1))
            pt_unmap(SCRATCH_VA + i * PAGE_SIZE);
    for (unsigned int i = 0; i < POOL; i++) {
        op.arg1.mfn = pool_mfn[i];
        hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
    for (unsigned int i = 0; i < POOL; i++) {
        struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = pool_mfn[i] };

        if (page_set_readonly(pool[i], false)) {
            test_fail("pool frame %u cannot be made writable again: a type reference leaked",
                      i);
            continue;
        }
        memset(pool[i], 0, PAGE_SIZE);
        page_set_readonly(pool[i], true);
        if (hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF))
            test_fail("pool frame %u cannot be pinned: a writable reference leaked", i);
        op.arg1.mfn = pool_mfn[i];
        hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
        page_set_readonly(pool[i], false);
        page_free(pool[i]);
    }
}

void test_hypercall_fuzz(void)
{
    uint64_t seed = arg_value("fuzz_seed", 1), iters = arg_value("fuzz_iters", DEFAULT_ITERS);
    const uint64_t *l4 = mfn_to_virt(l4_mfn);
    uint64_t l4_sum = 0, sum = 0, hv = 0;
    unsigned long kinds = 0;

    printk("fuzz: seed %lu, %lu iterations\n", seed, iters);
    state = seed;
    max_mfn = (uint64_t)hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    if (!pool_setup()) {
        test_error("set-up failed");
        return;
    }
    for (unsigned int i = 0; i < 256; i++)
        l4_sum = l4_sum * 31 + l4[i];
    for (uint64_t i = 0; i < iters; i++) {
        if (below(4))
            one_hypercall();
        else
            one_instruction();
    }
    traps_init();
    m2p_restore();
    /* The guest's half of its top-level table is as it was, and the
     * hypervisor's range still faults. */
    for (unsigned int i = 0; i < 256; i++)
        sum = sum * 31 + l4[i];
    if (sum != l4_sum)
        test_fail("the kernel's top-level table changed under the fuzzing");
    __asm__ volatile("1: mov (%1), %0\n2:\n" EXTABLE(1b, 2b)
                     : "+r"(hv) : "r"(HV_ADDRESS) : "memory");
    if (hv)
        test_fail("the hypervisor's range reads %#lx", hv);
    pool_check();
    for (unsigned int nr = 0; nr <= NR_OPS; nr++)
        kinds += calls[nr] != 0;
    printk("fuzz: done: %lu kinds of hypercall, mmu_update %lu/%lu, mmuext_op %lu/%lu, "
           "update_va_mapping %lu/%lu, multicall %lu/%lu succeeded\n", kinds,
           ok[__HYPERVISOR_mmu_update], calls[__HYPERVISOR_mmu_update],
           ok[__HYPERVISOR_mmuext_op], calls[__HYPERVISOR_mmuext_op],
           ok[__HYPERVISOR_update_va_mapping], calls[__HYPERVISOR_update_va_mapping],
           ok[__HYPERVISOR_multicall], calls[__HYPERVISOR_multicall]);
}
