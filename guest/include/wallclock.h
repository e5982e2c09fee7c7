/* The wall clock: UTC at system time 0 as the hypervisor publishes it in
 * shared_info (wc_sec, wc_sec_hi, wc_nsec), plus system time. */
#ifndef GUEST_WALLCLOCK_H
#define GUEST_WALLCLOCK_H

#include <stdint.h>

struct wallclock {
    uint32_t version;          /* wc_version of the reading (even) */
    uint64_t sec;              /* UTC at system time 0 */
    uint32_t nsec;
};

struct timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

/* One consistent reading of shared_info's wall clock. */
void wallclock_read(struct wallclock *wc);
/* Now, in ns since the epoch. */
uint64_t wallclock_now_ns(void);
/* Now, as the C library's gettimeofday gives it; 0. */
int gettimeofday(struct timeval *tv);

#endif
