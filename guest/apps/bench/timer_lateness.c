/* One-shot timer lateness: vCPU 0 sets its timer (set_timer_op) for a
 * deadline 50-250 us ahead, blocks (SCHEDOP_block, which enables events)
 * and, once the VIRQ_TIMER upcall has run and the block returned, reads
 * the system time: lateness = that time - the deadline.  It covers the
 * hypervisor's timer (and any slack it adds), waking the blocked vCPU,
 * the upcall and the return; its distribution over all the samples of a
 * boot is reported as median, 99th percentile and maximum.  A timer
 * that fires early shows as a negative lateness and fails the metric. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include "bench.h"

#define SAMPLES_PER_BATCH 10
#define MAX_SAMPLES 1024
#define MIN_DELAY_NS 50000
#define DELAY_SPREAD_NS 200000
#define GIVE_UP_NS 1000000000ULL

static int64_t lateness[MAX_SAMPLES];
static unsigned int samples;
static uint32_t rng = 12345;

/* Deadlines spread over the range, so that they do not fall in step with
 * any periodic activity of the hypervisor. */
static uint64_t next_delay(void)
{
    rng = rng * 1103515245u + 12345u;
    return MIN_DELAY_NS + (rng >> 8) % DELAY_SPREAD_NS;
}

/* Xen 4.17 gives a PV vCPU a periodic timer too, on the same VIRQ_TIMER;
 * stopped here, so that every timer event is the one-shot's (a hypervisor
 * without periodic timers has nothing to stop). */
bool timer_lateness_setup(void)
{
    char e[24];
    long rc = hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    if (rc && rc != -ENOSYS) {
        bench_fail("VCPUOP_stop_periodic_timer failed (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    return true;
}

/* One timer: false (after bench_fail) if it never came or came early. */
static bool sample(void)
{
    uint64_t deadline = system_time_ns() + next_delay();
    uint64_t ticks = events_timer_ticks();

    hypercall_set_timer_op(deadline);
    /* Woken by something else: block again until the timer's upcall ran. */
    while (events_timer_ticks() == ticks) {
        if (system_time_ns() > deadline + GIVE_UP_NS) {
            bench_fail("no timer event %lu ms after its deadline",
                       (unsigned long)(GIVE_UP_NS / 1000000));
            return false;
        }
        hypercall_sched_op(SCHEDOP_block, NULL);
        shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    }
    lateness[samples] = (int64_t)(system_time_ns() - deadline);
    if (lateness[samples] < 0) {
        bench_fail("the timer fired %lld ns before its deadline",
                   -(long long)lateness[samples]);
        return false;
    }
    samples++;
    return true;
}

uint64_t timer_lateness_batch(void)
{
    uint64_t start = rdtsc();

    for (unsigned int i = 0; i < SAMPLES_PER_BATCH && samples < MAX_SAMPLES; i++)
        if (!sample())
            return 0;
    return rdtsc() - start;
}

static void sort(int64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        int64_t x = v[i];
        unsigned int j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

void timer_lateness_report(const char *why)
{
    static const char *const names[] = { "median", "p99", "max" };
    unsigned int at[] = { samples / 2, samples * 99 / 100, samples - 1 };

    sort(lateness, samples);
    for (unsigned int i = 0; i < 3; i++)
        if (why[0] || !samples)
            printk("BENCH timer_lateness_%s_ns n/a %s\n", names[i], why[0] ? why : "no samples");
        else
            printk("BENCH timer_lateness_%s_ns %lld ns (of %u one-shot timers 50-250 us ahead)\n",
                   names[i], (long long)lateness[at[i]], samples);
}
