/* The virtual I/O privilege level (PHYSDEVOP_set_iopl) and what it
 * allows the ring-3 guest kernel: port I/O and cli/sti, which the
 * hypervisor emulates.  Xen compares the virtual IOPL with 1 for the guest
 * kernel (3 for user mode); the runner sets it back to 0 after each test. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <public/physdev.h>
#include <test.h>
#include <traps.h>
#include <usermode.h>
#include "tests.h"

#define PORT_POST  0x80            /* POST codes: nobody listens */
#define PORT_COM1  0x3f8           /* the hypervisor's console UART */

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };

    return hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)&arg, 0, 0, 0);
}

/* outb/inb; true if it completed, false if it faulted (last_trap). */
static bool outb_at(uint8_t val, uint64_t *at)
{
    unsigned long before = last_trap.count;

    __asm__ volatile("lea 1f(%%rip), %[at]\n"
                     "1: outb %%al, %%dx\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [at] "=&r"(*at) : "a"(val), "d"(PORT_POST) : "memory");
    return last_trap.count == before;
}

static bool port_out(uint16_t port, uint8_t val)
{
    unsigned long before = last_trap.count;

    __asm__ volatile("1: outb %%al, %%dx\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : : "a"(val), "d"(port) : "memory");
    return last_trap.count == before;
}

static bool port_in(uint16_t port, uint8_t *val)
{
    unsigned long before = last_trap.count;
    uint8_t v = 0;

    __asm__ volatile("1: inb %%dx, %%al\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : "+a"(v) : "d"(port) : "memory");
    *val = v;
    return last_trap.count == before;
}

void test_set_iopl(void)
{
    char what[40];

    for (uint32_t iopl = 0; iopl <= 3; iopl++) {
        snprintf(what, sizeof(what), "PHYSDEVOP_set_iopl(%u)", iopl);
        expect_rc(what, set_iopl(iopl), 0);
    }
    expect_rc("PHYSDEVOP_set_iopl(4)", set_iopl(4), -EINVAL);
    expect_rc("PHYSDEVOP_set_iopl(0xffffffff)", set_iopl(0xffffffff), -EINVAL);
    expect_rc("PHYSDEVOP_set_iopl(unmapped argument)",
              hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, UNMAPPED_VA, 0, 0, 0),
              -EFAULT);
    expect_rc("PHYSDEVOP_set_iopl(0)", set_iopl(0), 0);
}

/* With IOPL 1 the kernel's out to an ordinary port (of the initial
 * domain, which has the I/O ports) completes; a refused set_iopl(4)
 * keeps IOPL 1; with IOPL 0 the out is #GP(0) at the instruction. */
void test_io_port_iopl(void)
{
    uint64_t at;
    unsigned long before;

    if (!is_initial_domain()) {
        test_skip("only the initial domain has I/O ports");
        return;
    }
    if (!expect_rc("PHYSDEVOP_set_iopl(1)", set_iopl(1), 0))
        return;
    if (!outb_at(0, &at))
        test_fail("out to port %#x with IOPL 1 took %s (error code %#lx)", PORT_POST,
                  trap_name(last_trap.vector), last_trap.error_code);
    expect_rc("PHYSDEVOP_set_iopl(4)", set_iopl(4), -EINVAL);
    if (!outb_at(0, &at))
        test_fail("out with IOPL 1 after a refused set_iopl(4) took %s",
                  trap_name(last_trap.vector));
    if (!expect_rc("PHYSDEVOP_set_iopl(0)", set_iopl(0), 0))
        return;
    before = last_trap.count;
    outb_at(0, &at);
    if (expect_trap("out with IOPL 0", before, X86_EXC_GP, at) && last_trap.error_code)
        test_fail("out with IOPL 0: #GP error code %#lx, expected 0", last_trap.error_code);
}

static bool cli_sti(bool cli, uint64_t *at)
{
    unsigned long before = last_trap.count;

    if (cli)
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: cli\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=&r"(*at) : : "memory");
    else
        __asm__ volatile("lea 1f(%%rip), %[at]\n"
                         "1: sti\n"
                         "2:\n\t"
                         EXTABLE(1b, 2b)
                         : [at] "=&r"(*at) : : "memory");
    return last_trap.count == before;
}

/* cli and sti from the guest kernel: #GP(0) with IOPL 0, allowed with
 * IOPL 1 or more. */
void test_cli_sti_iopl(void)
{
    uint64_t at;
    unsigned long before;

    for (int cli = 1; cli >= 0; cli--) {
        const char *name = cli ? "cli" : "sti";

        before = last_trap.count;
        cli_sti(cli, &at);
        if (expect_trap(name, before, X86_EXC_GP, at) && last_trap.error_code)
            test_fail("%s with IOPL 0: #GP error code %#lx, expected 0", name,
                      last_trap.error_code);
    }
    if (!expect_rc("PHYSDEVOP_set_iopl(1)", set_iopl(1), 0))
        return;
    for (int cli = 1; cli >= 0; cli--)
        if (!cli_sti(cli, &at))
            test_fail("%s with IOPL 1 took %s", cli ? "cli" : "sti", trap_name(last_trap.vector));
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

/* With VMASST_TYPE_architectural_iopl the guest kernel counts as CPL 0,
 * as on Xen: at virtual IOPL 0 its cli and port I/O are allowed (what XTF
 * pv-iopl~vmassist checks); guest user mode would still need IOPL 3. */
void test_io_architectural_iopl(void)
{
    uint64_t at;

    if (!is_initial_domain()) {
        test_skip("only the initial domain has I/O ports");
        return;
    }
    if (!expect_rc("vm_assist(enable, architectural_iopl)",
                   hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                             VMASST_TYPE_architectural_iopl, 0, 0, 0), 0))
        return;
    if (!expect_rc("PHYSDEVOP_set_iopl(0)", set_iopl(0), 0))
        goto out;
    if (!cli_sti(true, &at))
        test_fail("cli at virtual IOPL 0 with architectural IOPL took %s",
                  trap_name(last_trap.vector));
    if (!outb_at(0, &at))
        test_fail("out at virtual IOPL 0 with architectural IOPL took %s",
                  trap_name(last_trap.vector));
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
out:
    hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_architectural_iopl, 0, 0,
              0);
}

/* user_code.S */
uint64_t user_inb(uint64_t unused);

/* Guest user mode needs virtual IOPL 3 for port I/O (it counts as CPL 3):
 * IOPL 1, enough for the kernel, is not enough for it. */
void test_io_user_mode_iopl(void)
{
    struct user_exit exit;

    if (!is_initial_domain()) {
        test_skip("only the initial domain has I/O ports");
        return;
    }
    if (!expect_rc("PHYSDEVOP_set_iopl(1)", set_iopl(1), 0) ||
        !expect_rc("user_call", user_call(user_inb, 0, &exit), 0))
        return;
    if (exit.rax != 0)
        test_fail("inb from user mode at virtual IOPL 1 went through");
    if (!expect_rc("PHYSDEVOP_set_iopl(3)", set_iopl(3), 0) ||
        !expect_rc("user_call", user_call(user_inb, 0, &exit), 0))
        return;
    if (exit.rax != 1)
        test_fail("inb from user mode at virtual IOPL 3 faulted");
    set_iopl(0);
}

/* What an allowed cli/sti does: Xen 4.17 emulates both as no-ops
 * (pv/emul-priv-op.c: "This is just too dangerous to allow"): the event
 * mask stays as the guest set it. */
void test_cli_sti_upcall_mask(void)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    uint64_t at;

    if (!expect_rc("PHYSDEVOP_set_iopl(1)", set_iopl(1), 0))
        return;
    *mask = 0;
    if (cli_sti(true, &at) && *mask != 0)
        test_fail("cli set the event mask (Xen: cli leaves it alone)");
    *mask = 1;
    if (cli_sti(false, &at) && *mask != 1)
        test_fail("sti cleared the event mask (Xen: sti leaves it alone)");
    *mask = 1;
}

/* The ports of the hypervisor's own console UART are never the guest's,
 * whatever its IOPL.  Xen 4.17 drops writes to a port the domain may not
 * use and reads it as all ones, without a fault. */
void test_io_port_hv_console(void)
{
    uint8_t lsr = 0;

    if (!is_initial_domain()) {
        test_skip("only the initial domain has I/O ports");
        return;
    }
    if (!expect_rc("PHYSDEVOP_set_iopl(3)", set_iopl(3), 0))
        return;
    if (!port_out(PORT_COM1, '\n'))
        test_fail("out to port %#x with IOPL 3 took %s (Xen drops the write)", PORT_COM1,
                  trap_name(last_trap.vector));
    if (!port_in(PORT_COM1 + 5, &lsr))
        test_fail("in from port %#x with IOPL 3 took %s (Xen reads 0xff)", PORT_COM1 + 5,
                  trap_name(last_trap.vector));
    else if (lsr != 0xff)
        test_fail("in from the hypervisor's UART (line status) read %#x, expected 0xff", lsr);
}
