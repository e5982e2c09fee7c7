/* Domain creation with a console device described in xenstore, Proxen
 * only (as the other creation metrics, xenstore.c):
 *   domain_create_console_ns_<n>
 *        an 8 MiB demo domain built (paused), its xenstore entries written
 *        and the domain introduced (as domain_create_xenstore_ns), then a
 *        secondary console, device 1, described under its device/ and
 *        dom0's backend/ directories (xenbus_device.h), until dom0's
 *        console back end (console_xenbus.c) has taken it on and is in
 *        InitWait, which is as far as Xen's libxl waits for a device of a
 *        domain it creates; min of 5, with n - 1 other such domains, their
 *        devices served, there (n = 1 and 8).  Set beside
 *        domain_create_xenstore_ns_1, it is what the device costs; n = 8
 *        against n = 1, whether that grows with the devices served. */
#include <console.h>
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <pvclock.h>
#include <timers.h>
#include <xenbus.h>
#include <xenbus_device.h>
#include "bench.h"

#define REPS 5
#define PAGES 2048
#define OTHER_PAGES 1024
#define OTHERS 7
#define WAIT_NS 2000000000ULL           /* for the back end: 2 s */
#define POLL_NS 20000ULL

static const char *const front_nodes[] = { "limit", "1048576", "type", "ioemu", NULL };

/* Until dom0's back end for dom's console 1 is in state (XenbusStateUnknown:
 * it has none); whether it got there by the deadline.  Watch callbacks run
 * here (xenbus_run), as in the kernel's wait loops. */
static bool back_end_in(domid_t dom, enum xenbus_state state, uint64_t deadline)
{
    for (;;) {
        xenbus_run();
        if (console_xenbus_state(dom, 1) == (int)state)
            return true;
        if (system_time_ns() > deadline)
            return false;
        sleep_until(system_time_ns() + POLL_NS);
    }
}

/* The device removed, the back end gone from it, the domain destroyed. */
static void drop(domid_t dom)
{
    xenbus_device_remove("console", dom, 1);
    back_end_in(dom, XenbusStateUnknown, system_time_ns() + WAIT_NS);
    domu_destroy(dom);
}

/* One domain with its console device: how long until the back end took
 * the device on, or 0 (nothing left behind).  Kept in *kept, or dropped. */
static uint64_t create_with_console(const void *image, size_t len, uint64_t pages,
                                    domid_t *kept)
{
    uint64_t t0 = system_time_ns(), took;
    domid_t dom;

    if (!bench_create_once(image, len, true, pages, &dom))
        return 0;
    if (xenbus_device_create("console", dom, 1, front_nodes) ||
        !back_end_in(dom, XenbusStateInitWait, t0 + WAIT_NS)) {
        drop(dom);
        return 0;
    }
    took = system_time_ns() - t0;
    if (kept)
        *kept = dom;
    else
        drop(dom);
    return took;
}

static uint64_t create_min(const void *image, size_t len)
{
    uint64_t best = ~0ULL;

    for (int i = 0; i < REPS; i++) {
        uint64_t t = create_with_console(image, len, PAGES, NULL);

        if (!t)
            return 0;
        best = MIN(best, t);
    }
    return best;
}

static void report(unsigned int n, uint64_t ns)
{
    if (ns)
        printk("BENCH domain_create_console_ns_%u %lu ns (min of %u: an 8 MiB demo domain "
               "built, paused, its xenstore entries written, introduced, console 1 described "
               "until dom0's back end is in InitWait; %u others with theirs there)\n",
               n, ns, REPS, n - 1);
    else
        printk("BENCH domain_create_console_ns_%u n/a the build or the back end failed\n", n);
}

void bench_console_device_creation(const void *image, size_t len)
{
    static domid_t others[OTHERS];
    unsigned int made = 0;

    report(1, create_min(image, len));
    while (made < OTHERS && create_with_console(image, len, OTHER_PAGES, &others[made]))
        made++;
    if (made < OTHERS)
        printk("BENCH domain_create_console_ns_%u n/a only %u other domains with a console "
               "device could be made\n", OTHERS + 1, made);
    else
        report(OTHERS + 1, create_min(image, len));
    while (made)
        drop(others[--made]);
}
