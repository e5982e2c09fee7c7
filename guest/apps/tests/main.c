/* The in-guest tests as the guest's program (proxen-guest): the runner
 * (guest/tests/runner.c) runs them once the kernel is up.
 *
 * Command line: "only=PREFIX" runs only the tests whose names start
 * with PREFIX. */
#include <kernel.h>
#include <test.h>

void guest_main(void)
{
    char only[64];

    run_tests(cmdline_get("only", only, sizeof(only)) ? only : NULL);
}
