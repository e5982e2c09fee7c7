/* console_io: the initial domain's line to the hypervisor console. */
#include <console.h>
#include <events.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <timers.h>
#include <layout.h>
#include <test.h>
#include "tests.h"

/* Xen returns 0 once the whole buffer is written (not a byte count). */
void test_console_write(void)
{
    static const char line[] = "console_io write: this line is the test\n";

    expect_rc("console_io(write)",
              hypercall_console_io(CONSOLEIO_write, sizeof(line) - 1, line), 0);
}

void test_console_write_fault(void)
{
    expect_rc("console_io(write) from an unmapped buffer",
              hypercall_console_io(CONSOLEIO_write, 16, (const char *)UNMAPPED_VA), -EFAULT);
    expect_rc("console_io(write) from a hypervisor address",
              hypercall_console_io(CONSOLEIO_write, 16, (const char *)HV_ADDRESS), -EFAULT);
}

/* Nothing typed: nothing read, and the buffer untouched (Xen copies only
 * what it returns). */
void test_console_read_nothing_waiting(void)
{
    char buf[16];

    memset(buf, 0x5a, sizeof(buf));
    expect_rc("console_io(read) with nothing typed",
              hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
    expect_rc("console_io(read) of 0 characters", hypercall_console_io(CONSOLEIO_read, 0, buf), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        if (buf[i] != 0x5a)
            test_fail("console_io(read) wrote byte %zu of the buffer", i);
}

/* A count past INT_MAX could not be told apart from an error in the
 * return value: Xen refuses it with -E2BIG. */
void test_console_read_count_too_big(void)
{
    char buf[16];

    expect_rc("console_io(read) of 0x80000000 characters",
              hypercall_console_io(CONSOLEIO_read, 0x80000000u, buf), -E2BIG);
    expect_rc("console_io(read) of 0xffffffff characters",
              hypercall_console_io(CONSOLEIO_read, 0xffffffffu, buf), -E2BIG);
}

static volatile unsigned int console_events;

static void console_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    console_events++;
}

#define TYPED_WAIT_NS (20 * 1000000000ULL)
#define SETTLE_NS (300 * 1000000ULL)

/* Serial input typed by the system test (guest-console-read-typed: "abc"
 * once the line below appears) reaches the initial domain: VIRQ_CONSOLE
 * tells it, a read into a buffer that faults returns -EFAULT and consumes
 * nothing, and reads take what waits in order, no more than asked.
 * Needs the typing, so it runs only when the command line says
 * "typed_input". */
void test_console_read_typed(void)
{
    char buf[16];
    long port;
    uint64_t deadline;

    if (!cmdline_get("typed_input", NULL, 0)) {
        test_skip("needs input typed on the serial line (system test guest-console-read-typed)");
        return;
    }
    port = events_bind_virq(VIRQ_CONSOLE, 0, console_event, NULL);
    if (port < 0) {
        test_fail("bind_virq(VIRQ_CONSOLE) = %ld", port);
        return;
    }
    printk("console_read_typed: type 'abc' now\n");
    deadline = system_time_ns() + TYPED_WAIT_NS;
    while (!console_events && system_time_ns() < deadline)
        sleep_until(system_time_ns() + SETTLE_NS / 10);
    sleep_until(system_time_ns() + SETTLE_NS);      /* the rest of the line */
    if (!console_events)
        test_fail("no VIRQ_CONSOLE event in %llu s", TYPED_WAIT_NS / 1000000000ULL);
    expect_rc("console_io(read) into an unmapped buffer",
              hypercall_console_io(CONSOLEIO_read, 3, (const char *)UNMAPPED_VA), -EFAULT);
    if (expect_rc("console_io(read) of 1", hypercall_console_io(CONSOLEIO_read, 1, buf), 1) &&
        buf[0] != 'a')
        test_fail("read '%c', expected 'a' (the faulting read consumed it?)", buf[0]);
    if (expect_rc("console_io(read) of 16", hypercall_console_io(CONSOLEIO_read, 16, buf), 2) &&
        memcmp(buf, "bc", 2))
        test_fail("read \"%.2s\", expected \"bc\"", buf);
    expect_rc("console_io(read) once all is read",
              hypercall_console_io(CONSOLEIO_read, 16, buf), 0);
    events_unbind((evtchn_port_t)port);
}
