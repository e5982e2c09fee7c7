/* In-guest tests.  A test is a function that checks one behaviour and
 * reports through the calls below; the runner prints one line per test,
 *   TEST <name>: SUCCESS | SKIP | ERROR | FAILURE[: reason]
 * and then "Test result: SUCCESS" (or FAILURE).  An exception the test
 * did not expect ends it with ERROR. */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <lib.h>

struct test {
    const char *name;
    void (*fn)(void);
};

extern const struct test tests[];
extern const unsigned int nr_tests;

/* Run the tests whose names start with `only` (all if NULL), print a
 * line for each and the verdict.  Returns whether all of them passed. */
bool run_tests(const char *only);

/* The hypervisor did not behave as the ABI says. */
void test_fail(const char *fmt, ...) __printf(1, 2);
/* The test could not do its job (its own set-up failed). */
void test_error(const char *fmt, ...) __printf(1, 2);
/* The test needs something the hypervisor does not offer yet. */
void test_skip(const char *fmt, ...) __printf(1, 2);

/* Check a hypercall's return value; report a failure naming `what`. */
bool expect_rc(const char *what, long got, long want);
/* Check that the last exception was `vector` at `rip`. */
bool expect_trap(const char *what, unsigned long count_before, unsigned int vector,
                 uint64_t rip);

#endif
