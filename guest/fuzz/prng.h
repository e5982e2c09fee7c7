/* The fuzzer's deterministic generator: splitmix64, so one seed gives
 * one sequence of operations on every build and machine. */
#ifndef GUEST_FUZZ_PRNG_H
#define GUEST_FUZZ_PRNG_H

#include <stdint.h>

struct prng {
    uint64_t state;
};

static inline uint64_t prng_next(struct prng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0.  The tiny bias of the modulo does not
 * matter for fuzzing. */
static inline uint64_t prng_below(struct prng *r, uint64_t n)
{
    return prng_next(r) % n;
}

/* True with probability 1/n. */
static inline int prng_one_in(struct prng *r, uint64_t n)
{
    return prng_below(r, n) == 0;
}

#endif
