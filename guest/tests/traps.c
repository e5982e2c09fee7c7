/* Exception delivery, the virtual trap table, and the hypercalls that set
 * per-vCPU CPU state (kernel stack, segment bases, debug registers). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <traps.h>
#include <usermode.h>
#include "tests.h"

/* int3 is a trap: #BP reported with RIP after the instruction. */
void test_int3(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int3\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int3", before, X86_EXC_BP, at);
}

/* An exception taken with the direction flag set: the handler's C code
 * runs with DF clear (the C ABI requires it; string instructions would
 * otherwise run backwards), and the interrupted code gets DF back. */
void test_trap_clears_df(void)
{
    unsigned long before = last_trap.count;
    uint64_t at, after;

    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "std\n\t"
                     "int3\n"
                     "1:\n\t"
                     "pushfq\n\t"
                     "popq %[after]\n\t"
                     "cld\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=&r"(at), [after] "=r"(after) : : "memory");
    if (!expect_trap("int3 with DF set", before, X86_EXC_BP, at))
        return;
    if (!(last_trap.rflags & RFLAGS_DF))
        test_fail("the frame's RFLAGS %#lx lacks the interrupted DF", last_trap.rflags);
    if (last_trap.handler_rflags & RFLAGS_DF)
        test_fail("the exception handler ran with DF set (RFLAGS %#lx)", last_trap.handler_rflags);
    if (!(after & RFLAGS_DF))
        test_fail("the interrupted code lost its DF (RFLAGS %#lx after the return)", after);
}

/* A software interrupt that the trap table does not allow raises #GP at
 * the int, with the error code of an IDT entry: vector << 3 | 2.  (The
 * vector is part of the instruction, hence one asm statement for each.) */
static void int_refused(const char *what, unsigned int vector)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    if (vector == 0x80)
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: int $0x80\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=r"(at) : : "memory");
    else
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: int $0x81\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=r"(at) : : "memory");
    if (expect_trap(what, before, X86_EXC_GP, at) && last_trap.error_code != ((vector << 3) | 2))
        test_fail("%s: #GP error code %#lx, expected %#x", what, last_trap.error_code,
                  (vector << 3) | 2);
}

void test_int80_no_entry(void)
{
    int_refused("int $0x80 without a trap table entry", 0x80);
}

/* The guest kernel may raise a vector whose entry has DPL 1 or more; DPL
 * 0 means nobody.  (Not vector 0x80: Xen delivers int $0x80 to any entry
 * that has an address, whatever its DPL.  Xen 4.17 under QEMU 7.2 reports
 * error code 0x812 here: it trusts the CPU's, which that QEMU gets wrong.) */
void test_int81_dpl0(void)
{
    if (expect_rc("set_trap_table with int $0x81 at DPL 0", traps_install(0x81, 0), 0))
        int_refused("int $0x81 to a DPL 0 entry", 0x81);
}

/* With a DPL 3 entry the handler runs, RIP after the int. */
void test_int80_dpl3(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    if (!expect_rc("set_trap_table with int $0x80 at DPL 3", traps_install(0x80, 3), 0))
        return;
    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int $0x80\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int $0x80 to a DPL 3 entry", before, 0x80, at);
}

/* An unreadable table is -EFAULT and leaves the installed one working. */
void test_set_trap_table_fault(void)
{
    unsigned long before;
    uint64_t at;

    expect_rc("set_trap_table(unmapped address)",
              hypercall_set_trap_table((const struct trap_info *)UNMAPPED_VA), -EFAULT);
    expect_rc("set_trap_table(hypervisor address)",
              hypercall_set_trap_table((const struct trap_info *)HV_ADDRESS), -EFAULT);
    before = last_trap.count;
    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int3\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int3 after the refused tables", before, X86_EXC_BP, at);
}

/* Proxen takes a flat kernel data selector (any RPL), or one within the
 * guest's own GDT (desc.c), as the kernel SS.  (Xen 4.17 accepts any
 * value and returns 0.) */
void test_stack_switch_bad_ss(void)
{
    static const uint64_t bad[] = { 0, FLAT_KERNEL_CS, 0x1234, FLAT_KERNEL_SS | 0x10000 };
    char what[48];

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "stack_switch(SS %#lx)", bad[i]);
        expect_rc(what, hypercall_stack_switch(bad[i], traps_user_entry_stack()), -EINVAL);
    }
    expect_rc("stack_switch(FLAT_KERNEL_SS)",
              hypercall_stack_switch(FLAT_KERNEL_SS, traps_user_entry_stack()), 0);
}

static uint64_t fs_base(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_FS_BASE));
    return ((uint64_t)hi << 32) | lo;
}

/* Non-canonical bases are -EINVAL; a canonical FS base takes effect. */
void test_set_segment_base(void)
{
    static const unsigned int which[] = { SEGBASE_FS, SEGBASE_GS_USER, SEGBASE_GS_KERNEL };
    char what[48];

    for (size_t i = 0; i < ARRAY_SIZE(which); i++) {
        snprintf(what, sizeof(what), "set_segment_base(%u, non-canonical)", which[i]);
        expect_rc(what, hypercall_set_segment_base(which[i], NONCANONICAL_ADDRESS), -EINVAL);
    }
    if (!expect_rc("set_segment_base(FS, 0x12345000)",
                   hypercall_set_segment_base(SEGBASE_FS, 0x12345000), 0))
        return;
    if (fs_base() != 0x12345000)
        test_fail("FS base reads %#lx after set_segment_base(FS, 0x12345000)", fs_base());
    expect_rc("set_segment_base(FS, 0)", hypercall_set_segment_base(SEGBASE_FS, 0), 0);
}

/* A breakpoint on a hypervisor address is -EPERM; on a guest one it is
 * kept (and read back), harmless while DR7 enables nothing. */
void test_set_debugreg(void)
{
    static uint64_t watched;

    expect_rc("set_debugreg(DR0, hypervisor address)",
              hypercall_set_debugreg(0, HV_ADDRESS), -EPERM);
    if (!expect_rc("set_debugreg(DR0, guest address)",
                   hypercall_set_debugreg(0, (uint64_t)&watched), 0))
        return;
    expect_rc("get_debugreg(DR0)", hypercall_get_debugreg(0), (long)&watched);
    expect_rc("set_debugreg(DR0, 0)", hypercall_set_debugreg(0, 0), 0);
}

/* Write `value` to *p where a write breakpoint may fire: the #DB is a
 * trap, reported after the store. */
static void store_watched(volatile uint32_t *p, uint32_t value)
{
    __asm__ volatile("movl %1, (%0)\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     :: "r"(p), "r"(value) : "memory");
}

/* A guest #DB shows in the DR6 that get_debugreg(6) returns, as Linux's
 * PV #DB handler reads it: the match bit of the breakpoint that fired
 * (and only that one: B0-B3 belong to the latest #DB), until the guest
 * writes DR6 itself. */
void test_debug_dr6(void)
{
    static volatile uint32_t watched[2];
    const uint64_t dr7 = (1ULL << 0) | (1ULL << 2) |        /* L0, L1 */
                         (0xdULL << 16) | (0xdULL << 20);   /* write, 4 bytes, both */
    unsigned long before = last_trap.count;
    long dr6;

    if (!expect_rc("set_debugreg(6, clear)", hypercall_set_debugreg(6, 0xffff0ff0), 0) ||
        !expect_rc("set_debugreg(0)", hypercall_set_debugreg(0, (uint64_t)&watched[0]), 0) ||
        !expect_rc("set_debugreg(1)", hypercall_set_debugreg(1, (uint64_t)&watched[1]), 0) ||
        !expect_rc("set_debugreg(7)", hypercall_set_debugreg(7, dr7), 0))
        goto out;
    store_watched(&watched[0], 1);
    if (last_trap.count != before + 1 || last_trap.vector != X86_EXC_DB)
        test_fail("a write to the DR0 address took %lu exceptions (last vector %u)",
                  last_trap.count - before, last_trap.vector);
    dr6 = hypercall_get_debugreg(6);
    if ((dr6 & 0xf) != 1)
        test_fail("after a DR0 match, DR6 reads %#lx (B0 alone expected)", dr6);
    store_watched(&watched[1], 2);
    dr6 = hypercall_get_debugreg(6);
    if ((dr6 & 0xf) != 2)
        test_fail("after a DR1 match, DR6 reads %#lx (B1 alone expected)", dr6);
    hypercall_set_debugreg(7, 0);
    expect_rc("set_debugreg(6, clear) again", hypercall_set_debugreg(6, 0xffff0ff0), 0);
    expect_rc("get_debugreg(6) after clearing", hypercall_get_debugreg(6), 0xffff0ff0);
out:
    hypercall_set_debugreg(7, 0);
    hypercall_set_debugreg(0, 0);
    hypercall_set_debugreg(1, 0);
}

/* Debug registers that do not exist: -ENODEV (Xen's "#UD" answer). */
void test_debugreg_bad_register(void)
{
    expect_rc("set_debugreg(8, 0)", hypercall_set_debugreg(8, 0), -ENODEV);
    expect_rc("get_debugreg(8)", hypercall_get_debugreg(8), -ENODEV);
}

/* soft_int_stubs[0]: the stub for int $0x80 (entry.S). */
extern const uint64_t soft_int_stubs[2];

/* int $0x80: true if it went to a handler (RIP after the int), false if
 * it was the #GP of a vector without an entry; anything else is a
 * failure.  (Vector 0x80 rather than another unused one: Xen 4.17 under
 * QEMU 7.2 sees a wrong #GP error code for any other int n, see
 * int81_dpl0, and never finds its entry.  The #GP's error code is
 * int80_no_entry's to check.) */
static bool int80_handled(const char *what)
{
    unsigned long before = last_trap.count;
    uint64_t at, after;

    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "lea 2f(%%rip), %[after]\n"
                     "1: int $0x80\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)     /* the #GP: RIP at the int */
                     EXTABLE(2b, 2b)     /* the handler: RIP after it */
                     : [at] "=r"(at), [after] "=r"(after) : : "memory");
    if (last_trap.count == before + 1 && last_trap.vector == 0x80 && last_trap.rip == after)
        return true;
    expect_trap(what, before, X86_EXC_GP, at);
    return false;
}

/* A list with a bad entry is refused whole: a non-canonical address gives
 * -EINVAL, an entry that cannot be read -EFAULT, and none of the list is
 * installed (here vector 0x80, DPL 3, which had no entry).  Proxen is
 * stricter than Xen 4.17 here, which installs the entries before the bad
 * one as it reads them. */
void test_set_trap_table_atomic(void)
{
    struct trap_info *list = page_alloc();
    uint64_t *scratch = page_alloc(), va;

    if (!list || !scratch) {
        test_error("out of memory");
        goto out;
    }
    if (int80_handled("int $0x80 before the lists")) {
        test_error("vector 0x80 already has an entry");
        goto out;
    }
    memset(list, 0, PAGE_SIZE);
    list[0] = (struct trap_info){ .vector = 0x80, .flags = 3, .cs = FLAT_KERNEL_CS,
                                  .address = soft_int_stubs[0] };
    list[1] = list[0];
    list[1].vector = 0x86;
    list[1].address = NONCANONICAL_ADDRESS;
    list[2] = list[0];
    list[2].vector = 0x84;
    expect_rc("set_trap_table(0x80, non-canonical 0x86, 0x84)", hypercall_set_trap_table(list),
              -EINVAL);
    if (int80_handled("int $0x80 after the list with a non-canonical entry"))
        test_fail("the entry before the non-canonical one was installed (Proxen installs nothing from a refused list; Xen installs the entries before the bad one)");
    if (!expect_rc("reinstalling the trap table", traps_install(0, 0), 0))
        goto out;

    /* The same first entry at the end of a mapped page, the next page
     * unmapped: reading the second entry faults. */
    if (!expect_rc("pt_map(SCRATCH_VA)", pt_map(SCRATCH_VA, virt_to_mfn(scratch), PTE_KERNEL_RW), 0))
        goto out;
    if (pt_get(SCRATCH_VA + PAGE_SIZE, 1) & _PAGE_PRESENT) {
        test_error("%#lx is mapped", (uint64_t)SCRATCH_VA + PAGE_SIZE);
        goto unmap;
    }
    va = SCRATCH_VA + PAGE_SIZE - sizeof(struct trap_info);
    *(struct trap_info *)va = list[0];
    expect_rc("set_trap_table(0x80, then an unmapped entry)",
              hypercall_set_trap_table((const struct trap_info *)va), -EFAULT);
    if (int80_handled("int $0x80 after the list with an unmapped entry"))
        test_fail("the entry before the unmapped one was installed");
unmap:
    expect_rc("pt_unmap(SCRATCH_VA)", pt_unmap(SCRATCH_VA), 0);
out:
    if (list)
        page_free(list);
    if (scratch)
        page_free(scratch);
}

static uint64_t user_read_gs(uint64_t unused)
{
    uint16_t sel;

    (void)unused;
    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    return sel;
}

/* SEGBASE_GS_USER_SEL loads the selector with RPL 3; one that does not
 * load (Xen's DPL 0 data selector 0xe010, a selector past the guest's
 * empty GDT) is not an error (Xen 4.17 returns 0, for Linux's sake) but
 * leaves the null selector, which user mode reads back. */
void test_gs_selector_rpl(void)
{
    static const uint16_t sels[] = { 0xe010, 0x1234 };
    struct user_exit e;
    char what[64];

    for (size_t i = 0; i < ARRAY_SIZE(sels); i++) {
        snprintf(what, sizeof(what), "set_segment_base(GS_USER_SEL, %#x)", sels[i]);
        if (!expect_rc(what, hypercall_set_segment_base(SEGBASE_GS_USER_SEL, sels[i]), 0))
            continue;
        memset(&e, 0, sizeof(e));
        if (!expect_rc("user_call", user_call(user_read_gs, 0, &e), 0))
            continue;
        if (e.rax != 0)
            test_fail("user mode reads GS %#lx after %s, expected the null selector", e.rax,
                      what);
    }
    expect_rc("set_segment_base(GS_USER_SEL, 0)", hypercall_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    expect_rc("set_segment_base(GS_USER, 0)", hypercall_set_segment_base(SEGBASE_GS_USER, 0), 0);
}
