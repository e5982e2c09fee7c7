/* Privileged and sensitive instructions at random, as the ring-3 guest
 * kernel would run them: the hypervisor emulates some (#GP in the guest
 * kernel is its cue) and bounces the rest back as #GP/#UD/#PF, which the
 * fuzzer's recovery point (run.c) takes and counts.
 *
 * Held back so that the guest keeps control: `out` only to ports the
 * hypervisor keeps for itself (and port 0x80) — other ports reach
 * devices for dom0 and some reset or power off the machine; a move to
 * CR3 only of the current table or a frame not the guest's; breakpoints
 * only on addresses the guest never touches (fuzz_dr7); iretq only back
 * to the next instruction on the flat 64-bit code selector, with
 * RFLAGS bits that would disturb the fuzzer itself (TF, DF, AC, NT)
 * clear. */
#include <arch.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include "fuzz.h"

static struct prng *const r = &fuzz_rng;

static const uint16_t out_ports[] = {
    0x80, 0x20, 0x21, 0x40, 0x43, 0x61, 0xa0, 0xa1, 0xf4, 0xf5, 0x2f8, 0x3f8, 0x3f9, 0x3fb,
    0x3fc, 0x3fd, 0xcf8, 0xcfc, 0xcfe,
};

static const uint32_t msrs[] = {
    0x0, 0x10, 0x1b, 0x3a, 0x8b, 0xfe, 0x174, 0x175, 0x176, 0x179, 0x1a0, 0x1d9, 0x277,
    0x2ff, 0x400, 0x800, 0x802, 0x830, 0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083,
    0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, 0x40000000, 0x40000200,
    0xc0010000, 0xc0011022,
};

static uint64_t msr_index(void)
{
    return prng_one_in(r, 4) ? prng_next(r) : msrs[prng_below(r, ARRAY_SIZE(msrs))];
}

static uint64_t cr3_value(void)
{
    uint64_t mfn = prng_one_in(r, 2) ? l4_mfn : fuzz_pool.foreign_mfn;

    return mfn << PAGE_SHIFT | (prng_below(r, 4) << 3);
}

static void insn_cli_sti(void)
{
    if (prng_one_in(r, 2))
        __asm__ volatile("cli");
    else
        __asm__ volatile("sti");
    fuzz_pool.dirty |= DIRTY_EVENTS;
}

static void insn_in(void)
{
    uint16_t port = (uint16_t)prng_next(r);
    uint32_t v;

    switch (prng_below(r, 4)) {
    case 0: __asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(port)); break;
    case 1: __asm__ volatile("inw %w1, %w0" : "=a"(v) : "Nd"(port)); break;
    case 2: __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port)); break;
    default: __asm__ volatile("inb $0x61, %b0" : "=a"(v)); break;
    }
    (void)v;
}

static void insn_out(void)
{
    uint16_t port = out_ports[prng_below(r, ARRAY_SIZE(out_ports))];
    uint32_t v = (uint32_t)prng_next(r);

    switch (prng_below(r, 4)) {
    case 0: __asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port)); break;
    case 1: __asm__ volatile("outw %w0, %w1" : : "a"(v), "Nd"(port)); break;
    case 2: __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port)); break;
    default: __asm__ volatile("outb %b0, $0xf4" : : "a"(v)); break;
    }
}

static void insn_hlt(void)
{
    hypercall_set_timer_op(system_time_ns() + 1000000);
    fuzz_pool.dirty |= DIRTY_TIMER | DIRTY_EVENTS;
    __asm__ volatile("hlt");
}

static void insn_rdmsr(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"((uint32_t)msr_index()));
}

static void insn_wrmsr(void)
{
    uint64_t v = prng_one_in(r, 2) ? fuzz_int() : fuzz_bad_addr();

    __asm__ volatile("wrmsr" : : "c"((uint32_t)msr_index()), "a"((uint32_t)v),
                     "d"((uint32_t)(v >> 32)));
    fuzz_pool.dirty |= DIRTY_SEGBASE;
}

static void insn_read_cr(void)
{
    uint64_t v;

    switch (prng_below(r, 5)) {
    case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
    case 1: __asm__ volatile("mov %%cr2, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("mov %%cr3, %0" : "=r"(v)); break;
    case 3: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
    default: __asm__ volatile("mov %%cr8, %0" : "=r"(v)); break;
    }
    (void)v;
}

static void insn_write_cr(void)
{
    uint64_t v = fuzz_int();

    switch (prng_below(r, 5)) {
    case 0: __asm__ volatile("mov %0, %%cr0" : : "r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%cr2" : : "r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%cr3" : : "r"(cr3_value()) : "memory"); break;
    case 3: __asm__ volatile("mov %0, %%cr4" : : "r"(v)); break;
    default: __asm__ volatile("mov %0, %%cr8" : : "r"(v)); break;
    }
    fuzz_pool.dirty |= DIRTY_FPU;
}

static void insn_read_dr(void)
{
    uint64_t v;

    switch (prng_below(r, 8)) {
    case 0: __asm__ volatile("mov %%db0, %0" : "=r"(v)); break;
    case 1: __asm__ volatile("mov %%db1, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("mov %%db2, %0" : "=r"(v)); break;
    case 3: __asm__ volatile("mov %%db3, %0" : "=r"(v)); break;
    case 4: __asm__ volatile("mov %%db4, %0" : "=r"(v)); break;
    case 5: __asm__ volatile("mov %%db5, %0" : "=r"(v)); break;
    case 6: __asm__ volatile("mov %%db6, %0" : "=r"(v)); break;
    default: __asm__ volatile("mov %%db7, %0" : "=r"(v)); break;
    }
    (void)v;
}

static void insn_write_dr(void)
{
    uint64_t v = prng_one_in(r, 2) ? fuzz_int() : fuzz_bad_addr();
    unsigned int n = (unsigned int)prng_below(r, 8);

    if (n < 4)
        fuzz_pool.dr[n] = v;
    fuzz_pool.dirty |= DIRTY_DEBUG;
    switch (n) {
    case 0: __asm__ volatile("mov %0, %%db0" : : "r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%db1" : : "r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%db2" : : "r"(v)); break;
    case 3: __asm__ volatile("mov %0, %%db3" : : "r"(v)); break;
    case 4: __asm__ volatile("mov %0, %%db4" : : "r"(fuzz_dr7(v))); break;
    case 5: __asm__ volatile("mov %0, %%db5" : : "r"(fuzz_dr7(v))); break;
    case 6: __asm__ volatile("mov %0, %%db6" : : "r"(v)); break;
    default: __asm__ volatile("mov %0, %%db7" : : "r"(fuzz_dr7(v))); break;
    }
}

static void insn_descriptor_table(void)
{
    uint8_t *m = fuzz_alloc(16);
    uint16_t sel = (uint16_t)fuzz_int();

    switch (prng_below(r, 8)) {
    case 0: __asm__ volatile("lgdt (%0)" : : "r"(m) : "memory"); break;
    case 1: __asm__ volatile("lidt (%0)" : : "r"(m) : "memory"); break;
    case 2: __asm__ volatile("sgdt (%0)" : : "r"(m) : "memory"); break;
    case 3: __asm__ volatile("sidt (%0)" : : "r"(m) : "memory"); break;
    case 4: __asm__ volatile("lldt %0" : : "r"(sel)); break;
    case 5: __asm__ volatile("ltr %0" : : "r"(sel)); break;
    case 6: __asm__ volatile("str %0" : "=r"(sel)); break;
    default: __asm__ volatile("sldt %0" : "=r"(sel)); break;
    }
}

static void insn_cache_tlb(void)
{
    uint64_t va = prng_one_in(r, 2) ? fuzz_va() : fuzz_int();

    switch (prng_below(r, 6)) {
    case 0: __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); break;
    case 1: __asm__ volatile("wbinvd" ::: "memory"); break;
    case 2: __asm__ volatile("invd" ::: "memory"); break;
    case 3: __asm__ volatile("clts"); fuzz_pool.dirty |= DIRTY_FPU; break;
    case 4: __asm__ volatile("lmsw %w0" : : "r"(fuzz_int())); fuzz_pool.dirty |= DIRTY_FPU; break;
    default: {
        uint64_t msw;

        __asm__ volatile("smsw %0" : "=r"(msw));
        break;
    }
    }
}

/* `int $n` for any n: a table of 256 "int $n; ret" stubs, 4 bytes each. */
extern const char fuzz_int_stubs[];
__asm__(".pushsection .text\n"
        ".balign 16\n"
        "fuzz_int_stubs:\n"
        ".set fuzz_int_n, 0\n"
        ".rept 256\n"
        ".byte 0xcd, fuzz_int_n, 0xc3, 0x90\n"
        ".set fuzz_int_n, fuzz_int_n + 1\n"
        ".endr\n"
        ".popsection\n");

static void insn_int(void)
{
    unsigned int n = (unsigned int)prng_below(r, 256);

    __asm__ volatile("call *%0"
                     : : "r"(fuzz_int_stubs + 4 * n)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}

static void insn_segment(void)
{
    uint16_t sel = (uint16_t)(prng_one_in(r, 2) ? fuzz_int() : prng_below(r, 0x80));

    fuzz_pool.dirty |= DIRTY_SEGMENTS | DIRTY_SEGBASE;
    switch (prng_below(r, 4)) {
    case 0: __asm__ volatile("mov %0, %%ds" : : "r"(sel)); break;
    case 1: __asm__ volatile("mov %0, %%es" : : "r"(sel)); break;
    case 2: __asm__ volatile("mov %0, %%fs" : : "r"(sel)); break;
    default: __asm__ volatile("mov %0, %%gs" : : "r"(sel)); break;
    }
}

/* Reads and writes at the scratch VAs, which map nothing but scratch
 * frames (or nothing): a write to one that is now a page table is the
 * hypervisor's to emulate and validate (mov, xchg, cmpxchg, as a kernel
 * updates its entries), or to refuse with #PF. */
static void insn_scratch_access(void)
{
    uint64_t va = fuzz_scratch_va() + (prng_one_in(r, 8) ? prng_below(r, PAGE_SIZE - 8)
                                                         : prng_below(r, 512) * 8);
    volatile uint64_t *p = (volatile uint64_t *)va;
    uint64_t v = prng_one_in(r, 4) ? fuzz_int() : fuzz_pte(), old;

    switch (prng_below(r, 5)) {
    case 0:
        old = *p;
        (void)old;
        break;
    case 1:
        *p = v;
        break;
    case 2:
        __asm__ volatile("xchg %0, (%1)" : "+r"(v) : "r"(va) : "memory");
        break;
    case 3:
        old = prng_one_in(r, 2) ? *p : fuzz_pte();
        __asm__ volatile("lock cmpxchg %2, (%1)" : "+a"(old) : "r"(va), "r"(v) : "memory", "cc");
        break;
    default:
        __asm__ volatile("movl %k0, (%1)" : : "r"(v), "r"(va) : "memory");
        break;
    }
}

/* One instruction with TF set, most of them ones the hypervisor emulates
 * or runs for the guest: the #DB after it (or the fault) ends in the
 * recovery point, which runs with TF clear; TF is cleared here too in
 * case no trap comes. */
static void insn_single_step(void)
{
    uint32_t msr = (uint32_t)msr_index(), lo = 0, hi = 0;

    fuzz_pool.dirty |= DIRTY_EVENTS | DIRTY_DEBUG;
    switch (prng_below(r, 5)) {
    case 0:
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "rdmsr\n\t"
                         "pushfq; andq $~0x100, (%%rsp); popfq"
                         : "+a"(lo), "+d"(hi) : "c"(msr) : "memory", "cc");
        break;
    case 1:
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "cli\n\t"
                         "pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc");
        break;
    case 2:
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "outb %%al, $0x80\n\t"
                         "pushfq; andq $~0x100, (%%rsp); popfq" : : "a"(lo) : "memory", "cc");
        break;
    case 3:
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "mov %%cr0, %%rax\n\t"
                         "pushfq; andq $~0x100, (%%rsp); popfq" ::: "rax", "memory", "cc");
        break;
    default:
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "nop\n\t"
                         "pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc");
        break;
    }
}

static void insn_iretq(void)
{
    static const uint64_t keep_out = (1UL << 8) | (1UL << 10) | (1UL << 14) | (1UL << 18);
    uint64_t flags = (fuzz_int() & ~keep_out) | 2;
    uint64_t ss = prng_one_in(r, 2) ? FLAT_KERNEL_SS : (uint16_t)fuzz_int();

    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "push %[ss]\n\t"
                     "push %%rax\n\t"
                     "push %[flags]\n\t"
                     "push %[cs]\n\t"
                     "lea 1f(%%rip), %%rax\n\t"
                     "push %%rax\n\t"
                     "iretq\n"
                     "1:"
                     : : [ss] "r"(ss), [flags] "r"(flags), [cs] "r"((uint64_t)FLAT_KERNEL_CS)
                     : "rax", "memory", "cc");
    fuzz_pool.dirty |= DIRTY_EVENTS | DIRTY_SEGMENTS;
}

static void (*const insns[])(void) = {
    insn_cli_sti, insn_in, insn_out, insn_hlt, insn_rdmsr, insn_wrmsr, insn_read_cr,
    insn_write_cr, insn_read_dr, insn_write_dr, insn_descriptor_table, insn_cache_tlb,
    insn_int, insn_segment, insn_iretq, insn_scratch_access, insn_single_step,
};

const char *const fuzz_insn_names[] = {
    "cli/sti", "in", "out", "hlt", "rdmsr", "wrmsr", "mov from CR", "mov to CR",
    "mov from DR", "mov to DR", "lgdt/lidt/lldt/ltr/s*dt", "invlpg/wbinvd/invd/clts/lmsw",
    "int n", "mov to segment", "iretq", "scratch VA access", "single step",
};

const unsigned int fuzz_nr_insns = ARRAY_SIZE(insns);

void fuzz_insn(unsigned int i)
{
    insns[i]();
}
