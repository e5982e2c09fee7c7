/* The CPU-bound loop measured by the benchmarks, shared by the benchmark
 * guest and the bare-metal run (the hypervisor's `test=bench-loop`), so
 * that both execute the same instructions.  Each iteration is a dependent
 * add the compiler cannot fold away. */
#ifndef BENCH_CPU_LOOP_H
#define BENCH_CPU_LOOP_H

#include <stdint.h>

#define CPU_LOOP_ITERATIONS 50000000ULL

static inline uint64_t bench_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Returns the TSC ticks the loop took. */
static inline uint64_t cpu_loop(uint64_t iterations)
{
    uint64_t acc = 0, start = bench_rdtsc();

    for (uint64_t i = 0; i < iterations; i++)
        __asm__ volatile("add %1, %0" : "+r"(acc) : "r"(i));
    return bench_rdtsc() - start;
}

#endif
