/* The test runner: runs each test of the table (list.c), prints its
 * result line, then the verdict.
 *
 * A test reports through test_fail/test_error/test_skip; the worst
 * report wins (FAILURE > ERROR > SKIP > SUCCESS) and the first reason
 * given at that level is printed.  An exception that no exception-table
 * entry expects abandons the test (longjmp from the trap handler) with
 * ERROR.  After every test the runner puts back what a test may have
 * changed: the trap table, the event mask, the one-shot timer, the
 * virtual IOPL. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <public/physdev.h>
#include <setjmp.h>
#include <test.h>
#include <traps.h>

enum result { SUCCESS, SKIP, ERROR, FAILURE };

static const char *const result_names[] = { "SUCCESS", "SKIP", "ERROR", "FAILURE" };

static enum result result;
static char reason[256];

static void report(enum result r, const char *fmt, va_list ap)
{
    if (r < result || (r == result && reason[0]))
        return;
    result = r;
    vsnprintf(reason, sizeof(reason), fmt, ap);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(FAILURE, fmt, ap);
    va_end(ap);
}

void test_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(ERROR, fmt, ap);
    va_end(ap);
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(SKIP, fmt, ap);
    va_end(ap);
}

bool expect_rc(const char *what, long got, long want)
{
    char g[24], w[24];

    if (got == want)
        return true;
    test_fail("%s returned %s, expected %s", what, errno_name(got, g, sizeof(g)),
              errno_name(want, w, sizeof(w)));
    return false;
}

bool expect_trap(const char *what, unsigned long count_before, unsigned int vector,
                 uint64_t rip)
{
    if (last_trap.count == count_before) {
        test_fail("%s: no exception, expected %s", what, trap_name(vector));
        return false;
    }
    if (last_trap.vector != vector) {
        test_fail("%s: took %s (vector %u), expected %s", what, trap_name(last_trap.vector),
                  last_trap.vector, trap_name(vector));
        return false;
    }
    if (last_trap.rip != rip) {
        test_fail("%s: %s reported at RIP %#lx, expected %#lx", what, trap_name(vector),
                  last_trap.rip, rip);
        return false;
    }
    return true;
}

static void restore_environment(void)
{
    struct physdev_set_iopl iopl = { .iopl = 0 };
    long rc = traps_install(0, 0);

    if (rc)
        panic("cannot restore the trap table after a test (%ld)", rc);
    hypercall_set_timer_op(0);
    hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)&iopl, 0, 0, 0);
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

static void report_unexpected(const struct trap_frame *f)
{
    if (f->vector == X86_EXC_PF)
        test_error("unexpected #PF at RIP %#lx, error code %#lx, address %#lx", f->rip,
                   f->error_code, last_trap.cr2);
    else
        test_error("unexpected %s at RIP %#lx, error code %#lx",
                   trap_name((unsigned int)f->vector), f->rip, f->error_code);
}

static enum result run_one(const struct test *t)
{
    struct jmp_buf env;

    result = SUCCESS;
    reason[0] = '\0';
    if (setjmp(&env) == 0) {
        traps_set_recovery(&env);
        t->fn();
        traps_set_recovery(NULL);
    } else {
        report_unexpected(&trap_unexpected);
    }
    restore_environment();
    if (result == SUCCESS)
        printk("TEST %s: %s\n", t->name, result_names[result]);
    else
        printk("TEST %s: %s: %s\n", t->name, result_names[result], reason);
    return result;
}

bool run_tests(const char *only)
{
    unsigned int count[4] = { 0 }, ran = 0;
    bool ok;

    for (unsigned int i = 0; i < nr_tests; i++) {
        if (only && strncmp(tests[i].name, only, strlen(only)))
            continue;
        count[run_one(&tests[i])]++;
        ran++;
    }
    ok = ran && !count[ERROR] && !count[FAILURE];
    printk("Ran %u tests: %u succeeded, %u skipped, %u errors, %u failed\n", ran,
           count[SUCCESS], count[SKIP], count[ERROR], count[FAILURE]);
    if (!ran)
        printk("No test is named like \"%s\"\n", only);
    printk("Test result: %s\n", ok ? "SUCCESS" : "FAILURE");
    return ok;
}
