/* The hypercall mechanism itself: numbers without a hypercall, registers
 * across a call, and batches of calls (multicall). */
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <test.h>
#include "multicall_iret.h"
#include "regs.h"
#include "tests.h"

/* Unused numbers inside the page's range (11 once was dom_mem_op; 56 is
 * past the arch-specific ones), the last stub, numbers past the page
 * (reachable only by `syscall`), and a valid number with high bits set
 * in RAX (the whole register is the number). */
void test_hypercall_bad_number(void)
{
    static const uint64_t numbers[] = { 11, 56, 127, 128, 1000, (1ULL << 32) | 17 };
    char what[48];

    expect_rc("hypercall 11 through the hypercall page", hypercall(11, 0, 0, 0, 0, 0), -ENOSYS);
    for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
        snprintf(what, sizeof(what), "hypercall %#lx by syscall", numbers[i]);
        expect_rc(what, hypercall_raw(numbers[i], 0, 0), -ENOSYS);
    }
}

/* Proxen's contract (arch-x86/xen-x86_64.h): every register but RAX comes
 * back unchanged, argument registers included.  (Xen's header allows it
 * to clobber the argument registers, and debug builds of Xen do.) */
void test_hypercall_preserves_registers(void)
{
    static const char *const names[REG_COUNT] = {
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
        "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    uint64_t out[REG_COUNT];
    long version = hypercall_xen_version(XENVER_version, NULL);

    regs_across_hypercall(out);
    if ((long)out[REG_RAX] != version)
        test_fail("xen_version(XENVER_version) returned %#lx, earlier %#lx", out[REG_RAX],
                  (uint64_t)version);
    for (unsigned int i = 1; i < REG_COUNT; i++) {
        uint64_t want = (i == REG_RDI || i == REG_RSI) ? 0 : REG_PATTERN + i;

        if (out[i] != want)
            test_fail("%s changed from %#lx to %#lx", names[i], want, out[i]);
    }
}

void test_multicall(void)
{
    struct multicall_entry calls[] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize, 0 } },
        { .op = 11 },                                   /* no such hypercall */
        { .op = __HYPERVISOR_vcpu_op, .args = { VCPUOP_is_up, 0, 0 } },
        { .op = __HYPERVISOR_sched_op, .args = { SCHEDOP_yield, 0 } },
    };
    const long want[] = {
        hypercall_xen_version(XENVER_version, NULL), 4096, -ENOSYS, 1, 0,
    };
    char what[40];

    for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
        calls[i].result = 0x5a5a5a5a;
    if (!expect_rc("multicall", hypercall_multicall(calls, ARRAY_SIZE(calls)), 0))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
        snprintf(what, sizeof(what), "multicall entry %zu (op %lu)", i, calls[i].op);
        expect_rc(what, (long)calls[i].result, want[i]);
    }
}

/* A multicall inside a multicall is refused for that entry alone (Xen
 * 4.17: the inner do_multicall finds the vCPU already in a multicall and
 * returns -EINVAL), without running the inner batch; the entries around
 * it run. */
void test_multicall_nested(void)
{
    struct multicall_entry inner = {
        .op = __HYPERVISOR_xen_version, .args = { XENVER_version }, .result = 0x5a5a5a5a,
    };
    struct multicall_entry calls[] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
        { .op = __HYPERVISOR_multicall, .args = { (uint64_t)&inner, 1 } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
    };
    long version = hypercall_xen_version(XENVER_version, NULL);

    if (!expect_rc("multicall", hypercall_multicall(calls, ARRAY_SIZE(calls)), 0))
        return;
    expect_rc("multicall entry 0", (long)calls[0].result, version);
    expect_rc("the nested multicall entry", (long)calls[1].result, -EINVAL);
    expect_rc("multicall entry 2", (long)calls[2].result, version);
    if (inner.result != 0x5a5a5a5a)
        test_fail("the nested batch ran: its entry's result is %#lx", inner.result);
}

/* Xen 4.17 puts no limit on a batch's length (it preempts long ones and
 * continues them): 1025 entries all run. */
void test_multicall_many(void)
{
    enum { COUNT = 1025 };
    static struct multicall_entry calls[COUNT];
    long version = hypercall_xen_version(XENVER_version, NULL);

    for (unsigned int i = 0; i < COUNT; i++)
        calls[i] = (struct multicall_entry){
            .op = __HYPERVISOR_xen_version, .args = { XENVER_version }, .result = 0x5a5a5a5a,
        };
    if (!expect_rc("multicall of 1025 entries", hypercall_multicall(calls, COUNT), 0))
        return;
    for (unsigned int i = 0; i < COUNT; i++)
        if ((long)calls[i].result != version) {
            test_fail("entry %u of 1025: result %#lx, expected %#lx", i, calls[i].result,
                      (uint64_t)version);
            return;
        }
}

/* An iret entry ends a multicall (Xen since XSA-213): the iret uses the
 * iret_context at the guest's RSP at the multicall hypercall, the entries
 * after it do not run (their results stay as they were), and RAX is the
 * frame's, not the multicall's return value.  The iret also sets the
 * event mask from the frame's RFLAGS.IF (set here: mask cleared); the
 * test puts the guest's mask back afterwards. */
void test_multicall_iret_stops(void)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    struct multicall_entry calls[] = {
        { .op = __HYPERVISOR_iret },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 }, .result = 0x5a5a5a5a },
    };
    uint64_t out[MI_COUNT] = { 0 };
    uint8_t saved_mask = *mask;
    uint8_t mask_after;

    multicall_iret(calls, ARRAY_SIZE(calls), out);
    mask_after = *mask;
    *mask = saved_mask;
    if (!out[MI_RESUMED]) {
        test_fail("the multicall returned %#lx instead of performing the iret", out[MI_RAX]);
        return;
    }
    if (out[MI_RAX] != MI_RAX_VALUE)
        test_fail("RAX after the iret is %#lx, expected the frame's %#x", out[MI_RAX],
                  MI_RAX_VALUE);
    if (out[MI_RCX] != MI_RCX_VALUE)
        test_fail("RCX after the iret is %#lx, expected the frame's %#lx", out[MI_RCX],
                  MI_RCX_VALUE);
    if (out[MI_R11] != MI_R11_VALUE)
        test_fail("R11 after the iret is %#lx, expected the frame's %#lx", out[MI_R11],
                  MI_R11_VALUE);
    if (out[MI_RSP] != out[MI_RSP_WANT])
        test_fail("RSP after the iret is %#lx, expected the frame's %#lx", out[MI_RSP],
                  out[MI_RSP_WANT]);
    if (calls[1].result != 0x5a5a5a5a)
        test_fail("the entry after the iret ran: its result is %#lx", calls[1].result);
    if (mask_after != 0)
        test_fail("the event mask is %u after an iret with RFLAGS.IF set, expected 0",
                  mask_after);
}
