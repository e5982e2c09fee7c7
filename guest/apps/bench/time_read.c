/* The cost of reading the time in the guest: system time from the vCPU's
 * own record (vcpu_info.time: the version protocol, rdtsc and the scale),
 * and gettimeofday (the wall clock from shared_info as well).  Neither
 * enters the hypervisor; what differs between hypervisors is how often a
 * reader meets a record being rewritten, and the record's layout in
 * memory.  Every reading is checked against the one before: time that
 * went back makes the metric n/a. */
#include <arch.h>
#include <pvclock.h>
#include <wallclock.h>
#include "bench.h"

uint64_t bench_time_read_batch(void)
{
    uint64_t start = rdtsc(), ticks, last = 0;
    bool back = false;

    for (unsigned int i = 0; i < BENCH_TIME_READS; i++) {
        uint64_t t = vcpu_system_time_ns(0);

        back |= t < last;
        last = t;
    }
    ticks = rdtsc() - start;
    if (back) {
        bench_fail("system time went back");
        return 0;
    }
    return ticks;
}

uint64_t bench_gettimeofday_batch(void)
{
    uint64_t start = rdtsc(), ticks;
    int64_t last = 0;
    bool back = false;

    for (unsigned int i = 0; i < BENCH_TIME_READS; i++) {
        struct timeval tv;
        int64_t us;

        gettimeofday(&tv);
        us = tv.tv_sec * 1000000 + tv.tv_usec;
        back |= us < last;
        last = us;
    }
    ticks = rdtsc() - start;
    if (back) {
        bench_fail("gettimeofday went back");
        return 0;
    }
    return ticks;
}
