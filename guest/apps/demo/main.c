/* A demo domain (proxen-demo, the image "demo" in dom0's archive): counts
 * on its console once a second, forever.  With the command-line word
 * "spin" it counts as fast as it can instead (CPU-bound) and reports the
 * count once a second; with "ping" or "pong" it plays interdomain event
 * ping-pong with another demo domain (pingpong.c); with "flood" it makes
 * hypercalls as fast as it can; with "xs=MODE" it talks to xenstore
 * over its raw store ring (xs.c); with "grant" or "map" it shares a page
 * with another domain through a grant (grant.c). */
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <timers.h>
#include "demo.h"

#define SECOND 1000000000ULL

static __noreturn void tick(void)
{
    for (uint64_t n = 1;; n++) {
        sleep_until(system_time_ns() + SECOND);
        printk("demo: tick %llu\n", (unsigned long long)n);
    }
}

static __noreturn void spin(void)
{
    uint64_t next = system_time_ns() + SECOND;
    volatile uint64_t count = 0;

    for (;;) {
        count++;
        if (!(count & 0xffff) && system_time_ns() >= next) {
            printk("demo: %llu iterations\n", (unsigned long long)count);
            next += SECOND;
        }
    }
}

/* Hypercalls as fast as it can, for ever: a domain that floods the
 * hypervisor must not stop the others. */
static __noreturn void flood(void)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };

    printk("demo: flooding\n");
    for (;;) {
        hypercall_xen_version(XENVER_version, NULL);
        hypercall_event_channel_op(EVTCHNOP_status, &st);
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

__noreturn void demo_idle(void)
{
    for (;;)
        sleep_until(system_time_ns() + 3600 * SECOND);
}

void guest_main(void)
{
    char xs[8];

    if (cmdline_get("xs", xs, sizeof(xs)))
        demo_xs(xs);
    if (cmdline_get("pong", NULL, 0))
        demo_pong();
    if (cmdline_get("ping", NULL, 0))
        demo_ping();
    if (cmdline_get("grant", NULL, 0))
        demo_grant();
    if (cmdline_get("map", NULL, 0))
        demo_map();
    if (cmdline_get("flood", NULL, 0))
        flood();
    printk("demo: %s\n", cmdline_get("spin", NULL, 0) ? "spinning" : "counting");
    if (cmdline_get("spin", NULL, 0))
        spin();
    tick();
}
