/* console_io: the initial domain's line to the hypervisor console. */
#include <errno.h>
#include <hypercall.h>
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
