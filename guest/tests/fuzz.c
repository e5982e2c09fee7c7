/* The hostile run as a guest test: the fuzzer of hypercalls and
 * privileged instructions (guest/fuzz) with a seed and a length from the
 * command line, "fuzz_seed=N fuzz_iters=N" (default seed 1, 3000
 * iterations: the short run of the guest tests; `make fuzz` runs long
 * ones), and "fuzz_verbose" to print every operation before it runs.
 * The seed is printed first, so any failure can be replayed. */
#include <kernel.h>
#include <lib/strtoul.h>
#include <test.h>
#include "../fuzz/fuzz.h"
#include "tests.h"

#define DEFAULT_ITERS 3000

static uint64_t arg_value(const char *name, uint64_t dflt)
{
    char val[24];

    if (!cmdline_get(name, val, sizeof(val)) || !val[0])
        return dflt;
    return simple_strtoull(val, NULL, 10);
}

void test_hypercall_fuzz(void)
{
    uint64_t seed = arg_value("fuzz_seed", 1), iters = arg_value("fuzz_iters", DEFAULT_ITERS);

    if (!fuzz_run(seed, iters, cmdline_get("fuzz_verbose", NULL, 0)))
        test_fail("seed %lu, %lu iterations: the hypervisor broke an invariant (fuzz: lines)",
                  seed, iters);
}
