/* A demo domain (proxen-demo, the image "demo" in dom0's archive): counts
 * on its console once a second, forever.  With the command-line word
 * "spin" it counts as fast as it can instead (CPU-bound) and reports the
 * count once a second; with "ping" or "pong" it plays interdomain event
 * ping-pong with another demo domain (pingpong.c); with "flood" it makes
 * hypercalls as fast as it can; with "cnotify" it notifies its console's
 * back end 200 times with nothing written; with "xs=MODE" it talks to xenstore
 * over its raw store ring (xs.c); with "grant" or "map" it shares a page
 * with another domain through a grant (grant.c).  Otherwise it follows
 * its toolstack through xenstore (control/shutdown, memory/target) and
 * greets on its secondary console when it has one. */
#include <console.h>
#include <console_front.h>
#include <lib.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <timers.h>
#include <xenbus.h>
#include "demo.h"

#define SECOND 1000000000ULL

/* With secondary consoles (device/console/<n>), greet on console 1 once
 * its back end has connected. */
static bool greeted;

static void greet_console1(void)
{
    static const char hello[] = "demo: hello on console 1\n";

    if (greeted || !console_front_connected(1))
        return;
    greeted = console_front_write(1, hello, sizeof(hello) - 1) == sizeof(hello) - 1;
}

static __noreturn void tick(void)
{
    for (uint64_t n = 1;; n++) {
        uint64_t next = system_time_ns() + SECOND;

        /* Short sleeps while console 1 is being connected. */
        while (system_time_ns() < next) {
            bool waiting = !greeted && console_front_exists(1);

            sleep_until(waiting ? MIN(next, system_time_ns() + SECOND / 100) : next);
            greet_console1();
        }
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

/* Notify the console's back end again and again with nothing written, as
 * Mini-OS's console input handler does on every event: the back end must
 * not answer each with an event of its own (they would ping-pong for
 * ever). */
static void console_notify_only(void)
{
    struct evtchn_send s = { .port = start_info->console.domU.evtchn };

    for (unsigned int i = 0; i < 200; i++) {
        hypercall_event_channel_op(EVTCHNOP_send, &s);
        sleep_until(system_time_ns() + SECOND / 1000);
    }
    printk("demo: notified\n");
}

__noreturn void demo_idle(void)
{
    for (;;)
        sleep_until(system_time_ns() + 3600 * SECOND);
}

/* Follow the toolstack through xenstore (control/shutdown, memory/target)
 * when the builder gave a store ring. */
static void xenbus_start(void)
{
    long rc;

    if (xenbus_ring_init())
        return;
    if ((rc = xenbus_control_init()))
        printk("demo: xenstore: %ld\n", rc);
    else if ((rc = console_front_init()) > 0)
        printk("demo: %ld secondary console%s\n", rc, rc == 1 ? "" : "s");
}

void guest_main(void)
{
    char xs[8];

    if (cmdline_get("xs", xs, sizeof(xs)))
        demo_xs(xs);
    /* The shell's create takes no word with '=': xsrw is xs=rw, after 2 s,
     * so that a watch typed after the create sees the writes. */
    if (cmdline_get("xsrw", NULL, 0)) {
        sleep_until(system_time_ns() + 2 * SECOND);
        demo_xs("rw");
    }
    xenbus_start();
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
    if (cmdline_get("cnotify", NULL, 0))
        console_notify_only();
    printk("demo: %s\n", cmdline_get("spin", NULL, 0) ? "spinning" : "counting");
    if (cmdline_get("spin", NULL, 0))
        spin();
    tick();
}
