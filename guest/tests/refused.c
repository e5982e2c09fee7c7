/* Hypercall arguments that must be refused, one check of the hypervisor
 * each (tests/mutants names them): addresses that are not the guest's,
 * numbers past a table's end, values the CPU would fault on when loaded.
 * Each is refused with Xen's errno, and the state it would have set is
 * left as it was. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <smp.h>
#include <traps.h>
#include <usermode.h>
#include "tests.h"

#define CR4_DE (1UL << 3)

/* set_callbacks (the old interface): all three addresses canonical. */
void test_set_callbacks_noncanonical(void)
{
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t a[3] = { NONCANONICAL_ADDRESS, NONCANONICAL_ADDRESS, NONCANONICAL_ADDRESS };
        char what[64];

        for (unsigned int j = 0; j < 3; j++)
            if (j != i)
                a[j] = 0;
        snprintf(what, sizeof(what), "set_callbacks with argument %u non-canonical", i + 1);
        expect_rc(what, hypercall(__HYPERVISOR_set_callbacks, a[0], a[1], a[2], 0, 0), -EINVAL);
    }
}

/* The kernel stack for entries from user mode must be a guest address
 * the bounce frame can be written to; the one installed stays. */
void test_stack_switch_noncanonical(void)
{
    expect_rc("stack_switch(FLAT_KERNEL_SS, non-canonical)",
              hypercall_stack_switch(FLAT_KERNEL_SS, NONCANONICAL_ADDRESS), -EINVAL);
    expect_rc("stack_switch(FLAT_KERNEL_SS, the guest's stack)",
              hypercall_stack_switch(FLAT_KERNEL_SS, traps_user_entry_stack()), 0);
}

/* Only FS, user GS, kernel GS and the user GS selector: the number
 * indexes the hypervisor's table of MSRs. */
void test_set_segment_base_bad_which(void)
{
    static const uint64_t bad[] = { 4, 5, 0x100, 1ULL << 32 };
    char what[64];

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "set_segment_base(%#lx, 0)", bad[i]);
        expect_rc(what, hypercall(__HYPERVISOR_set_segment_base, bad[i], 0, 0, 0, 0), -EINVAL);
    }
}

/* A trap table longer than the 256 vectors (no terminating entry among
 * the first 256) is refused whole: -E2BIG, nothing installed. */
void test_set_trap_table_too_long(void)
{
    static struct trap_info list[301];
    unsigned long before = last_trap.count;
    uint64_t at;

    for (unsigned int i = 0; i < 300; i++)
        list[i] = (struct trap_info){ .vector = (uint8_t)i, .flags = 0,
                                      .cs = FLAT_KERNEL_CS,
                                      .address = (uint64_t)test_set_trap_table_too_long };
    list[300].address = 0;
    expect_rc("set_trap_table with 300 entries", hypercall_set_trap_table(list), -E2BIG);
    __asm__ volatile("lea 1f(%%rip), %[at]\n\t"
                     "int3\n"
                     "1:\n\t"
                     EXTABLE(1b, 1b)
                     : [at] "=r"(at) : : "memory");
    expect_trap("int3 after the refused table", before, X86_EXC_BP, at);
}

/* DR6 and DR7 take no bits in their upper halves, DR7 no general detect
 * and no I/O breakpoint while CR4.DE is clear: -EPERM, as on Xen. */
void test_debugreg_bad_values(void)
{
    static const struct { unsigned int reg; uint64_t val; const char *what; } bad[] = {
        { 6, 0xffff0ff0UL | (1UL << 32), "DR6 with bit 32" },
        { 7, 1UL << 32, "DR7 with bit 32" },
        { 7, 1UL << 13, "DR7 with general detect" },
        { 7, 1UL | (2UL << 16), "DR7 with an I/O breakpoint, CR4.DE clear" },
    };
    long dr6 = hypercall_get_debugreg(6), dr7 = hypercall_get_debugreg(7);
    char what[80];

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "set_debugreg(%s)", bad[i].what);
        expect_rc(what, hypercall_set_debugreg(bad[i].reg, bad[i].val), -EPERM);
    }
    expect_rc("get_debugreg(6) after the refused values", hypercall_get_debugreg(6), dr6);
    expect_rc("get_debugreg(7) after the refused values", hypercall_get_debugreg(7), dr7);
}

static bool write_cr4(uint64_t val)
{
    bool ok = false;

    __asm__ volatile("1: mov %[v], %%cr4\n\t"
                     "movb $1, %[ok]\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [ok] "+m"(ok) : [v] "r"(val) : "memory");
    return ok;
}

static uint64_t read_cr4(void)
{
    uint64_t val = 0;

    __asm__ volatile("1: mov %%cr4, %0\n2:\n\t" EXTABLE(1b, 2b) : "+r"(val) :: "memory");
    return val;
}

/* DR4 and DR5 are DR6 and DR7 only while CR4.DE is clear; with it set
 * they do not exist (-ENODEV), as on hardware (#UD) and Xen. */
void test_debugreg_dr45_with_de(void)
{
    uint64_t cr4 = read_cr4();
    long dr7 = hypercall_get_debugreg(7);

    expect_rc("set_debugreg(5, DR7's value), CR4.DE clear", hypercall_set_debugreg(5, (uint64_t)dr7),
              0);
    if (!write_cr4(cr4 | CR4_DE)) {
        test_fail("mov to CR4 setting DE faulted");
        return;
    }
    expect_rc("set_debugreg(4), CR4.DE set", hypercall_set_debugreg(4, 0xffff0ff0), -ENODEV);
    expect_rc("set_debugreg(5), CR4.DE set", hypercall_set_debugreg(5, (uint64_t)dr7), -ENODEV);
    expect_rc("get_debugreg(4), CR4.DE set", hypercall_get_debugreg(4), -ENODEV);
    if (!write_cr4(cr4 & ~CR4_DE))
        test_fail("mov to CR4 clearing DE faulted");
}

/* Shutdown reasons past SHUTDOWN_MAX are refused (the domain runs on),
 * through sched_op and through the old sched_op_compat alike. */
void test_shutdown_bad_reason(void)
{
    struct sched_shutdown s = { .reason = SHUTDOWN_MAX + 1 };

    expect_rc("SCHEDOP_shutdown(SHUTDOWN_MAX + 1)", hypercall_sched_op(SCHEDOP_shutdown, &s),
              -EINVAL);
    expect_rc("SCHEDOP_shutdown_code(SHUTDOWN_MAX + 1)",
              hypercall_sched_op(SCHEDOP_shutdown_code, &s), -EINVAL);
    expect_rc("sched_op_compat(shutdown, SHUTDOWN_MAX + 1)",
              hypercall(__HYPERVISOR_sched_op_compat, SCHEDOP_shutdown, SHUTDOWN_MAX + 1, 0, 0, 0),
              -EINVAL);
    expect_rc("sched_op_compat(shutdown, 255)",
              hypercall(__HYPERVISOR_sched_op_compat, SCHEDOP_shutdown, 255, 0, 0, 0), -EINVAL);
}

/* A vCPU number far past the domain's (the largest 32-bit one). */
void test_vcpu_op_bad_id(void)
{
    expect_rc("VCPUOP_is_up(0xffffffff)", hypercall_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL),
              -ENOENT);
}

/* Control characters reach the hypervisor log replaced (the system test
 * guest-tests looks for this exact line), so that a guest cannot move
 * the cursor, clear the screen or ring the bell on the console. */
void test_console_control_chars(void)
{
    static const char line[] = "console control characters: A\x1b[2JB\x07" "C\rD\x7f" "E\n";

    expect_rc("console_io(write) with control characters",
              hypercall_console_io(CONSOLEIO_write, sizeof(line) - 1, line), 0);
}

static long set_ldt(uint64_t va, unsigned int entries)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = va,
                            .arg2.nr_ents = entries };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long set_gdt(const uint64_t *frames, unsigned long entries)
{
    return hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, entries, 0, 0, 0);
}

#define LDT_PAGES 17        /* one more than the 8192 entries of an LDT */

/* An LDT has at most 8192 entries (16 pages), however many pages are
 * mapped: 17 read-only mappings of one zeroed page at SCRATCH_VA make
 * 8192 entries valid and 8193 refused by the bound alone. */
void test_set_ldt_too_many_entries(void)
{
    uint64_t *page = page_alloc();
    unsigned int mapped = 0;

    if (!page) {
        test_error("out of memory");
        return;
    }
    memset(page, 0, PAGE_SIZE);
    if (!expect_rc("making the page read-only", page_set_readonly(page, true), 0)) {
        page_free(page);
        return;
    }
    for (; mapped < LDT_PAGES; mapped++)
        if (!expect_rc("pt_map", pt_map(SCRATCH_VA + mapped * PAGE_SIZE, virt_to_mfn(page),
                                        PTE_KERNEL_RO), 0))
            goto out;
    expect_rc("MMUEXT_SET_LDT(8192 entries)", set_ldt(SCRATCH_VA, 8192), 0);
    expect_rc("MMUEXT_SET_LDT(8193 entries over 17 mapped pages)", set_ldt(SCRATCH_VA, 8193),
              -EINVAL);
out:
    expect_rc("MMUEXT_SET_LDT(0 entries)", set_ldt(0, 0), 0);
    while (mapped)
        pt_unmap(SCRATCH_VA + --mapped * PAGE_SIZE);
    if (page_set_readonly(page, false) == 0)
        page_free(page);
    else
        test_fail("the page cannot be made writable again: still in use");
}

/* An LDT page that is not mapped is refused (there is no frame to take). */
void test_set_ldt_unmapped(void)
{
    expect_rc("MMUEXT_SET_LDT at an unmapped address", set_ldt(UNMAPPED_VA & PAGE_MASK, 16),
              -EINVAL);
}

/* The hypervisor maps the guest's GDT frames in its own area (the GDT
 * window, whose address SGDT shows): an LDT there would be the guest's
 * own frame, but at an address that is not the guest's, and is refused. */
void test_set_ldt_in_gdt_window(void)
{
    uint64_t *gdt = page_alloc(), frames[1];
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr;

    if (!gdt) {
        test_error("out of memory");
        return;
    }
    memset(gdt, 0, PAGE_SIZE);
    if (!expect_rc("making the GDT page read-only", page_set_readonly(gdt, true), 0)) {
        page_free(gdt);
        return;
    }
    frames[0] = virt_to_mfn(gdt);
    if (!expect_rc("set_gdt(one read-only page, 512 entries)", set_gdt(frames, 512), 0))
        goto out;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    expect_rc("MMUEXT_SET_LDT at the GDT window", set_ldt(gdtr.base & PAGE_MASK, 16), -EINVAL);
    expect_rc("MMUEXT_SET_LDT(0 entries)", set_ldt(0, 0), 0);
    expect_rc("set_gdt(0 entries)", set_gdt(NULL, 0), 0);
out:
    if (page_set_readonly(gdt, false) == 0)
        page_free(gdt);
    else
        test_fail("the GDT page cannot be made writable again: still in use");
}

/* Reservation queries about another domain: the privileged domain learns
 * it does not exist (-ESRCH, as on Xen); no number comes back. */
void test_memory_reservation_other_domain(void)
{
    domid_t other = 5;

    expect_rc("XENMEM_current_reservation(domain 5)",
              hypercall_memory_op(XENMEM_current_reservation, &other), -ESRCH);
    expect_rc("XENMEM_maximum_reservation(domain 5)",
              hypercall_memory_op(XENMEM_maximum_reservation, &other), -ESRCH);
}

/* XENMEM_memory_map with room for no entry writes none. */
void test_memory_map_no_room(void)
{
    struct xen_e820_entry e = { .addr = 0x1234, .size = 0x5678, .type = 0x9a };
    struct xen_memory_map arg = { .nr_entries = 0, .buffer = (uint64_t)&e };

    expect_rc("XENMEM_memory_map with room for 0 entries",
              hypercall_memory_op(XENMEM_memory_map, &arg), -EINVAL);
    if (e.addr != 0x1234 || e.size != 0x5678 || e.type != 0x9a)
        test_fail("XENMEM_memory_map wrote an entry into a buffer of none");
}

/* XENMEM_machine_memory_map writes at most the entries there is room for
 * (the machine has more than one) and says how many it wrote. */
void test_machine_memory_map_room(void)
{
    struct xen_e820_entry e[2] = { [1] = { .addr = 0x1234, .size = 0x5678, .type = 0x9a } };
    struct xen_memory_map arg = { .nr_entries = 1, .buffer = (uint64_t)e };

    expect_rc("XENMEM_machine_memory_map with room for 1 entry",
              hypercall_memory_op(XENMEM_machine_memory_map, &arg), 0);
    if (arg.nr_entries != 1)
        test_fail("XENMEM_machine_memory_map says %u entries for room for 1", arg.nr_entries);
    if (e[1].addr != 0x1234 || e[1].size != 0x5678 || e[1].type != 0x9a)
        test_fail("XENMEM_machine_memory_map wrote past the room given");
}

static uint64_t user_gs_selector(uint64_t unused)
{
    uint16_t sel;

    (void)unused;
    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    return sel;
}

/* The user GS selector is loaded with RPL 3, as user mode would load it
 * itself: an RPL 0 selector of a DPL 3 descriptor (which the CPU would
 * keep across the return to ring 3) reads back with RPL 3. */
void test_gs_selector_rpl_ldt(void)
{
    const uint16_t rpl0 = 1 << 3 | 4, rpl3 = rpl0 | 3;    /* LDT entry 1 */
    uint64_t *ldt = page_alloc();
    struct user_exit e = { 0 };

    if (!ldt) {
        test_error("out of memory");
        return;
    }
    memset(ldt, 0, PAGE_SIZE);
    ldt[1] = 0x00cff3000000ffffUL;          /* flat 4 GiB read/write data, DPL 3 */
    if (!expect_rc("making the LDT page read-only", page_set_readonly(ldt, true), 0)) {
        page_free(ldt);
        return;
    }
    if (!expect_rc("MMUEXT_SET_LDT(one page, 16 entries)", set_ldt((uint64_t)ldt, 16), 0))
        goto out;
    if (expect_rc("set_segment_base(GS_USER_SEL, LDT entry 1 with RPL 0)",
                  hypercall_set_segment_base(SEGBASE_GS_USER_SEL, rpl0), 0) &&
        expect_rc("user_call", user_call(user_gs_selector, 0, &e), 0) && e.rax != rpl3)
        test_fail("user mode reads GS %#lx, expected %#x", e.rax, rpl3);
    expect_rc("set_segment_base(GS_USER_SEL, 0)",
              hypercall_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    expect_rc("set_segment_base(GS_USER, 0)", hypercall_set_segment_base(SEGBASE_GS_USER, 0), 0);
    expect_rc("MMUEXT_SET_LDT(0 entries)", set_ldt(0, 0), 0);
out:
    if (page_set_readonly(ldt, false) == 0)
        page_free(ldt);
    else
        test_fail("the LDT page cannot be made writable again: still in use");
}

/* Of the MSRs only the segment bases (and DEBUGCTL as 0) may be written:
 * any other is #GP(0) at the wrmsr, as on Xen. */
void test_wrmsr_unlisted(void)
{
    unsigned long before = last_trap.count;
    uint64_t at;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: wrmsr\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at) : "c"(0x174 /* SYSENTER_CS */), "a"(0), "d"(0)
                     : "memory");
    if (expect_trap("wrmsr(SYSENTER_CS, 0)", before, X86_EXC_GP, at) && last_trap.error_code)
        test_fail("#GP error code %#lx, expected 0", last_trap.error_code);
}

/* A write to CR0 may change TS only (fpu_taskswitch's bit): changing WP
 * is #GP(0) at the mov, as on Xen. */
void test_mov_cr0_other_bits(void)
{
    unsigned long before;
    uint64_t cr0 = 0, at;

    __asm__ volatile("1: mov %%cr0, %0\n2:\n\t" EXTABLE(1b, 2b) : "+r"(cr0) :: "memory");
    before = last_trap.count;
    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: mov %[v], %%cr0\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(at) : [v] "r"(cr0 ^ (1UL << 16)) : "memory");
    expect_trap("mov to CR0 changing WP", before, X86_EXC_GP, at);
}

/* A vCPU's one-shot timer is its own to set or stop: naming another vCPU
 * is -EINVAL, as on Xen.  (Runs where the domain has a second vCPU: the
 * system test guest-smp-4cpus.) */
void test_smp_singleshot_other_vcpu(void)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = ~0ULL >> 1, .flags = 0 };

    if (smp_nr_vcpus() < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    expect_rc("VCPUOP_set_singleshot_timer(vCPU 1) from vCPU 0",
              hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -EINVAL);
    expect_rc("VCPUOP_stop_singleshot_timer(vCPU 1) from vCPU 0",
              hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL), -EINVAL);
}

static long mmuext_mfn(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* A pinned table is not pinned again (-EINVAL, as on Xen); one unpin
 * then releases it wholly: the page can be mapped writable again. */
void test_pin_twice(void)
{
    void *table = page_alloc();
    uint64_t mfn;

    if (!table) {
        test_error("out of memory");
        return;
    }
    mfn = virt_to_mfn(table);
    memset(table, 0, PAGE_SIZE);
    if (!expect_rc("making the table read-only", page_set_readonly(table, true), 0)) {
        page_free(table);
        return;
    }
    if (expect_rc("MMUEXT_PIN_L1_TABLE", mmuext_mfn(MMUEXT_PIN_L1_TABLE, mfn), 0)) {
        expect_rc("MMUEXT_PIN_L1_TABLE again", mmuext_mfn(MMUEXT_PIN_L1_TABLE, mfn), -EINVAL);
        expect_rc("MMUEXT_UNPIN_TABLE", mmuext_mfn(MMUEXT_UNPIN_TABLE, mfn), 0);
    }
    if (expect_rc("making the table writable again after one unpin",
                  page_set_readonly(table, false), 0))
        page_free(table);
}
