/* System time from vcpu_info.time: the hypervisor publishes a TSC stamp,
 * the system time at that stamp and a scale; the guest extrapolates with
 * its own TSC.  version is odd while the hypervisor rewrites the record,
 * and changes with every rewrite, so a read is retried until it saw one
 * stable version. */
#include <arch.h>
#include <kernel.h>
#include <pvclock.h>

uint64_t system_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t version, mul;
    uint64_t stamp, base, delta;
    int8_t shift;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        stamp = t->tsc_timestamp;
        base = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        delta = rdtsc() - stamp;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    delta = shift >= 0 ? delta << shift : delta >> -shift;
    return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}
