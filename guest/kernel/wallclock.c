/* The wall clock (wallclock.h): shared_info holds UTC at system time 0,
 * guarded by wc_version as vcpu_time_info is by its version (odd while
 * the hypervisor writes it); now = that + system time. */
#include <kernel.h>
#include <pvclock.h>
#include <wallclock.h>

void wallclock_read(struct wallclock *wc)
{
    const volatile struct shared_info *s = shared_info;
    uint32_t version;

    do {
        version = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        wc->sec = (uint64_t)s->wc_sec_hi << 32 | s->wc_sec;
        wc->nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != s->wc_version);
    wc->version = version;
}

uint64_t wallclock_now_ns(void)
{
    struct wallclock wc;

    wallclock_read(&wc);
    return wc.sec * 1000000000ULL + wc.nsec + system_time_ns();
}

int gettimeofday(struct timeval *tv)
{
    uint64_t ns = wallclock_now_ns();

    tv->tv_sec = (int64_t)(ns / 1000000000ULL);
    tv->tv_usec = (int64_t)(ns % 1000000000ULL / 1000);
    return 0;
}
