/* The benchmark guest's program (proxen-bench): runs the benchmarks of
 * ops.c as bench.h describes, prints one line for each,
 *   BENCH <metric> <value> ns (min of N batches of M <operations>)
 *   BENCH <metric> n/a <why>
 * then "BENCH done"; the kernel then powers off.  The format is the
 * contract with bench/run.py (bench/README.md).
 *
 * TSC ticks become nanoseconds with the scale the hypervisor publishes
 * for the pvclock (vcpu_time_info.tsc_to_system_mul and tsc_shift), from
 * its own TSC calibration. */
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include "bench.h"

/* Rounds of batches.  A round takes a few milliseconds on Xen under TCG,
 * so the run takes well under two seconds. */
#define ROUNDS 60

struct tsc_scale {
    uint32_t mul;
    int8_t shift;
};

static char problem[128];       /* bench_fail's message */

void bench_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(problem, sizeof(problem), fmt, ap);
    va_end(ap);
}

static struct tsc_scale read_scale(void)
{
    const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    struct tsc_scale s;
    uint32_t version;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        s.mul = t->tsc_to_system_mul;
        s.shift = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return s;
}

/* ns = ((ticks << shift) * mul) >> 32, here in picoseconds. */
static uint64_t ticks_to_ps(struct tsc_scale s, uint64_t ticks)
{
    uint64_t t = ticks * 1000;

    t = s.shift >= 0 ? t << s.shift : t >> -s.shift;
    return (uint64_t)(((unsigned __int128)t * s.mul) >> 32);
}

/* The TSC frequency the scale stands for, in kHz (ticks per ms). */
static uint64_t tsc_khz(struct tsc_scale s)
{
    uint64_t khz = (1000000ULL << 32) / s.mul;

    return s.shift >= 0 ? khz >> s.shift : khz << -s.shift;
}

static void print_banner(struct tsc_scale s)
{
    char extra[XEN_EXTRAVERSION_LEN + 1] = "";
    long version = hypercall_xen_version(XENVER_version, NULL);
    uint64_t khz = tsc_khz(s);

    hypercall_xen_version(XENVER_extraversion, extra);
    extra[XEN_EXTRAVERSION_LEN] = '\0';
    printk("bench: hypervisor version %ld.%ld%s; TSC %lu.%03lu MHz (pvclock scale); "
           "%u rounds\n", version >> 16, version & 0xffff, extra, khz / 1000, khz % 1000,
           ROUNDS);
}

static bool runs_in_round(const struct bench *b, unsigned int round)
{
    return !b->batches || round % (ROUNDS / b->batches) == 0;
}

struct result {
    bool ready;                 /* set up (and so to be torn down) */
    uint64_t best;              /* the fewest ticks a batch took */
    unsigned int batches;
    char why[sizeof(problem)];  /* why there is no number, or "" */
};

static void print_result(const struct bench *b, const struct result *r, struct tsc_scale s)
{
    uint64_t ps;

    if (r->why[0]) {
        printk("BENCH %s n/a %s\n", b->metric, r->why);
        return;
    }
    ps = ticks_to_ps(s, r->best) / b->ops;
    if (b->decimals == 3) {
        printk("BENCH %s %lu.%03lu ns (min of %u batches of %u %s)\n", b->metric,
               ps / 1000, ps % 1000, r->batches, b->ops, b->op);
    } else {
        uint64_t tenths = (ps + 50) / 100;

        printk("BENCH %s %lu.%lu ns (min of %u batches of %u %s)\n", b->metric,
               tenths / 10, tenths % 10, r->batches, b->ops, b->op);
    }
}

static void failed(struct result *r, const char *fallback)
{
    strlcpy(r->why, problem[0] ? problem : fallback, sizeof(r->why));
}

void guest_main(void)
{
    static struct result results[24];
    struct tsc_scale scale = read_scale();
    uint64_t t0 = system_time_ns();

    if (!scale.mul)
        panic("the hypervisor publishes no TSC scale in vcpu_time_info");
    if (nr_benches > ARRAY_SIZE(results))
        panic("%u benchmarks, room for %zu", nr_benches, ARRAY_SIZE(results));
    print_banner(scale);
    for (unsigned int i = 0; i < nr_benches; i++) {
        struct result *r = &results[i];

        r->best = ~0ULL;
        problem[0] = '\0';
        r->ready = !benches[i].setup || benches[i].setup();
        if (!r->ready)
            failed(r, "set-up failed");
    }
    for (unsigned int round = 0; round < ROUNDS; round++)
        for (unsigned int i = 0; i < nr_benches; i++) {
            struct result *r = &results[i];
            uint64_t ticks;

            if (r->why[0] || !runs_in_round(&benches[i], round))
                continue;
            problem[0] = '\0';
            ticks = benches[i].batch();
            if (!ticks) {
                failed(r, "failed");
                continue;
            }
            r->best = MIN(r->best, ticks);
            r->batches++;
        }
    /* Torn down in reverse: a later set-up may build on an earlier one. */
    for (unsigned int i = nr_benches; i-- > 0;)
        if (results[i].ready && benches[i].teardown)
            benches[i].teardown();
    for (unsigned int i = 0; i < nr_benches; i++)
        if (benches[i].report)
            benches[i].report(results[i].why);
        else
            print_result(&benches[i], &results[i], scale);
    printk("bench: %u rounds in %lu ms\n", ROUNDS, (system_time_ns() - t0) / 1000000);
    bench_domain_density();
    bench_domu();
    bench_xenstore();
    bench_hostile_batches();
    printk("BENCH done\n");
}
