/* A model of event coalescing, run on the host: Proxen's coalescer
 * (hv/common/event_coalesce.c) and timers (timer.c, timer_heap.c),
 * compiled for the host, driven by synthetic traffic on a simulated
 * clock.  For several limits (n, t) and several kinds of traffic it
 * prints how many notifications per second a domain would get and how
 * much later than its event each event is notified (the added latency).
 *
 * The timer "interrupt" runs exactly at its deadline and the code costs
 * no simulated time, so the latencies are the rule's alone; a real
 * machine adds its timer-interrupt lateness (the guest's timer-lateness
 * benchmark) and the cost of the code, which the last line measures on
 * this host.  The model also checks the rule on every run: no event
 * waits longer than t, no notification covers more than n events, and
 * every event is notified once; it exits with status 1 if not. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <proxen/event_coalesce.h>
#include <proxen/timer.h>
#include "model.h"

#define EVENTS_PER_RUN 200000u

struct traffic {
    const char *name;
    double bursts_per_s;        /* gaps between bursts: exponential, 1/this s */
    unsigned int burst;         /* events per burst */
    s_time_t burst_spacing;     /* between the events of a burst */
};

static const struct traffic traffics[] = {
    { "Poisson 10k/s",  1e4, 1, 0 },
    { "Poisson 100k/s", 1e5, 1, 0 },
    { "Poisson 1M/s",   1e6, 1, 0 },
    { "bursts 16x1us, ~5k/s", 5e3, 16, 1000 },
};

static const struct { unsigned int n; s_time_t t; } limits[] = {
    { 1, 0 }, { 4, MICROSECS(20) }, { 16, MICROSECS(50) },
    { 64, MICROSECS(100) }, { 64, MILLISECS(1) }, { 256, MILLISECS(1) },
};

/* One run: every event's arrival and, once notified, its latency. */
static s_time_t arrival[EVENTS_PER_RUN], latency[EVENTS_PER_RUN];
static unsigned int arrived, notified, notifications, largest_batch;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double uniform01(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static void record(void *data, unsigned int events)
{
    s_time_t now = NOW();

    (void)data;
    notifications++;
    if (events > largest_batch)
        largest_batch = events;
    for (unsigned int i = 0; i < events && notified < arrived; i++, notified++)
        latency[notified] = now - arrival[notified];
}

/* Let simulated time reach until, running the timer interrupt at each
 * deadline on the way. */
static void run_until(s_time_t until)
{
    s_time_t d;

    while ((d = model_timer_deadline()) != 0 && d <= until) {
        model_set_now(d);
        timers_run();
    }
    model_set_now(until);
}

static int cmp_time(const void *a, const void *b)
{
    s_time_t x = *(const s_time_t *)a, y = *(const s_time_t *)b;

    return (x > y) - (x < y);
}

static bool run(const struct traffic *tr, unsigned int n, s_time_t t)
{
    struct event_coalescer c;
    s_time_t now = 0, total = 0;
    double span;

    arrived = notified = notifications = largest_batch = 0;
    model_set_now(0);
    if (event_coalescer_init(&c, n, t, record, NULL, 0))
        return false;
    while (arrived < EVENTS_PER_RUN) {
        now += (s_time_t)(-log(uniform01()) * 1e9 / tr->bursts_per_s) + 1;
        for (unsigned int i = 0; i < tr->burst && arrived < EVENTS_PER_RUN; i++) {
            if (i)
                now += tr->burst_spacing;
            run_until(now);
            arrival[arrived++] = now;
            event_coalescer_event(&c);
        }
    }
    span = (double)NOW() / 1e9;
    run_until(NOW() + SECONDS(2));
    event_coalescer_kill(&c);
    qsort(latency, notified, sizeof(latency[0]), cmp_time);
    for (unsigned int i = 0; i < notified; i++)
        total += latency[i];
    printf("| %-20s | %4u | %7.0f | %9.0f | %15.0f | %6.1f | %7.2f | %7.2f | %7.2f | %7.2f |\n",
           tr->name, n, (double)t / 1e3, arrived / span, notifications / span,
           (double)arrived / notifications, (double)total / notified / 1e3,
           (double)latency[notified / 2] / 1e3, (double)latency[notified * 99 / 100] / 1e3,
           (double)latency[notified - 1] / 1e3);
    if (notified != arrived || largest_batch > n || latency[notified - 1] > t) {
        printf("RULE BROKEN: %u of %u events notified, largest batch %u (n %u), "
               "longest wait %lld ns (t %lld)\n", notified, arrived, largest_batch, n,
               (long long)latency[notified - 1], (long long)t);
        return false;
    }
    return true;
}

static double host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The code's own cost on this host: events 100 ns apart through a
 * coalescer (32, 100 us), timer runs included; best of 5 rounds. */
static double host_ns_per_event(void)
{
    double best = 1e30;

    for (int round = 0; round < 5; round++) {
        struct event_coalescer c;
        double start;

        arrived = notified = 0;
        model_set_now(0);
        if (event_coalescer_init(&c, 32, MICROSECS(100), record, NULL, 0))
            return -1;
        start = host_ns();
        for (unsigned int i = 1; i <= EVENTS_PER_RUN; i++) {
            run_until((s_time_t)i * 100);
            event_coalescer_event(&c);
        }
        best = fmin(best, (host_ns() - start) / EVENTS_PER_RUN);
        event_coalescer_kill(&c);
    }
    return best;
}

int main(void)
{
    bool ok = true;

    timers_init_cpu(0);
    printf("Event coalescing, a model run on the host (not a measurement under a hypervisor):\n"
           "Proxen's coalescer and timers compiled for the host, synthetic traffic of %u events\n"
           "per row on a simulated clock, the timer interrupt exactly at its deadline.\n"
           "Latency is how long an event waits for its notification (the rule's share only).\n\n",
           EVENTS_PER_RUN);
    printf("| traffic              | n    | t (us)  | events/s  | notifications/s | ev/not | mean us | p50 us  | p99 us  | max us  |\n"
           "|----------------------|------|---------|-----------|-----------------|--------|---------|---------|---------|---------|\n");
    for (size_t i = 0; i < sizeof(traffics) / sizeof(traffics[0]); i++)
        for (size_t j = 0; j < sizeof(limits) / sizeof(limits[0]); j++)
            ok &= run(&traffics[i], limits[j].n, limits[j].t);
    printf("\nThe code's cost on this host: %.0f ns per event (n 32, t 100 us, events 100 ns "
           "apart, timer runs included, best of 5 rounds of %u).\n",
           host_ns_per_event(), EVENTS_PER_RUN);
    return ok ? 0 : 1;
}
