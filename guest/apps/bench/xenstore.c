/* dom0's xenstore daemon (guest/kernel/xenstored*.c), Proxen only: under
 * Xen 4.17 the benchmark guest is dom0 with no xenstored of its own, and
 * Proxen's control call is refused, so these are n/a there.
 *   xenstore_read_local_ns, xenstore_write_local_ns
 *        a read (write) of one node by dom0 through its local connection,
 *        best of 10 batches of 1000;
 *   xenstore_read_ring_ns, xenstore_write_ring_ns
 *        the same by a demo domain over its store ring and event channel
 *        (guest/apps/demo/xs.c: best of 5 batches of 100 each);
 *        _one_cpu: the domain pinned to CPU 0, where dom0's vCPU 0 serves
 *        the ring (no wake-up of a halted CPU each way);
 *   domain_create_ns_<n>, domain_create_xenstore_ns_<n>
 *        building an 8 MiB demo domain (paused) without and with its
 *        xenstore entries and introduction (domain_xs.h), min of 5, with
 *        n - 1 other domains introduced already (n = 1 and 100);
 *   domain_create_console_ns_<n>
 *        the same with a secondary console device described too, until
 *        dom0's back end has taken it on (console_device.c). */
#include <console.h>
#include <console_back.h>
#include <domain_xs.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/strtoul.h>
#include <public/control.h>
#include <pvclock.h>
#include <xenstored.h>
#include "bench.h"

#define LOCAL_OPS 1000
#define LOCAL_BATCHES 10
#define CREATE_REPS 5
#define CREATE_PAGES 2048
#define OTHERS 99
#define OTHER_PAGES 1024

static uint64_t local_best(bool write)
{
    static char buf[64];
    uint64_t best = ~0ULL;

    for (int b = 0; b < LOCAL_BATCHES; b++) {
        uint64_t t0 = system_time_ns();

        for (int i = 0; i < LOCAL_OPS; i++)
            if ((write ? xenstored_write(0, "/bench/x", "value", 5)
                       : xenstored_read(0, "/bench/x", buf, sizeof(buf))) < 0)
                return 0;
        best = MIN(best, (system_time_ns() - t0) / LOCAL_OPS);
    }
    return best;
}

static void local(void)
{
    uint64_t r, w = local_best(true);

    r = w ? local_best(false) : 0;
    xenstored_rm(0, "/bench");
    if (!w || !r) {
        printk("BENCH xenstore_read_local_ns n/a no xenstore\n");
        printk("BENCH xenstore_write_local_ns n/a no xenstore\n");
        return;
    }
    printk("BENCH xenstore_read_local_ns %lu ns (min of %u batches of %u reads by dom0 "
           "through its local connection)\n", r, LOCAL_BATCHES, LOCAL_OPS);
    printk("BENCH xenstore_write_local_ns %lu ns (min of %u batches of %u writes, likewise)\n",
           w, LOCAL_BATCHES, LOCAL_OPS);
}

static uint64_t console_number(domid_t id, const char *after)
{
    static char text[CONSOLE_HISTORY + 1];
    size_t n = console_back_history(id, text, CONSOLE_HISTORY);
    const char *p;

    text[n] = '\0';
    p = strstr(text, after);
    return p ? simple_strtoull(p + strlen(after), NULL, 10) : 0;
}

static void ring(const void *image, size_t len, uint64_t cpumap, const char *suffix)
{
    struct domain_build b;
    uint64_t r = 0, w = 0;

    if (!domu_build(image, len, "xsbench", "xs=rw", CREATE_PAGES, &b)) {
        if ((!cpumap || !domu_pin(b.domid, cpumap)) && !domu_unpause(b.domid) &&
            domu_console_wait(b.domid, "demo: xs done", 60000000000ULL)) {
            r = console_number(b.domid, " reads, ");
            w = console_number(b.domid, " writes, ");
        }
        domu_destroy(b.domid);
    }
    if (r && w) {
        printk("BENCH xenstore_read_ring%s_ns %lu ns (a demo domain's reads over its store ring, "
               "best of 5 batches of 100%s)\n", suffix, r, cpumap ? ", on dom0's CPU 0" : "");
        printk("BENCH xenstore_write_ring%s_ns %lu ns (its writes, likewise)\n", suffix, w);
    } else {
        printk("BENCH xenstore_read_ring%s_ns n/a the demo domain's client did not finish\n",
               suffix);
        printk("BENCH xenstore_write_ring%s_ns n/a likewise\n", suffix);
    }
}

uint64_t bench_create_once(const void *image, size_t len, bool xs, uint64_t pages, domid_t *kept)
{
    struct domain_build b = { .image = image, .image_len = len, .name = "created",
                              .nr_pages = pages, .vcpus = 1, .cmdline = "" };
    uint64_t t0 = system_time_ns(), took;

    if (domain_build(&b))
        return 0;                       /* nothing left behind */
    if (xs && domain_xs_create(&b)) {
        domu_destroy(b.domid);
        return 0;
    }
    took = system_time_ns() - t0;
    if (kept)
        *kept = b.domid;
    else
        domu_destroy(b.domid);
    return took;
}

static uint64_t create_min(const void *image, size_t len, bool xs)
{
    uint64_t best = ~0ULL;

    for (int i = 0; i < CREATE_REPS; i++) {
        uint64_t t = bench_create_once(image, len, xs, CREATE_PAGES, NULL);

        if (!t)
            return 0;
        best = MIN(best, t);
    }
    return best;
}

static void report(const char *metric, unsigned int n, uint64_t ns, const char *what)
{
    if (ns)
        printk("BENCH %s_%u %lu ns (min of %u: an 8 MiB demo domain built, paused%s; "
               "%u others there)\n", metric, n, ns, CREATE_REPS, what, n - 1);
    else
        printk("BENCH %s_%u n/a the build failed\n", metric, n);
}

static void creation(const void *image, size_t len)
{
    static domid_t others[OTHERS];
    unsigned int made = 0;

    report("domain_create_ns", 1, create_min(image, len, false), "");
    report("domain_create_xenstore_ns", 1, create_min(image, len, true),
           ", its xenstore entries written and the domain introduced");
    while (made < OTHERS && bench_create_once(image, len, true, OTHER_PAGES, &others[made]))
        made++;
    if (made < OTHERS) {
        printk("BENCH domain_create_ns_100 n/a only %u other domains could be built\n", made);
        printk("BENCH domain_create_xenstore_ns_100 n/a likewise\n");
    } else {
        report("domain_create_ns", 100, create_min(image, len, false), "");
        report("domain_create_xenstore_ns", 100, create_min(image, len, true),
               ", its xenstore entries written and the domain introduced");
    }
    while (made)
        domu_destroy(others[--made]);
}

void bench_xenstore(void)
{
    const void *image = (const void *)start_info->mod_start;
    size_t len = start_info->mod_len;
    struct proxen_control op = { .version = PROXEN_CONTROL_VERSION, .cmd = PXCTL_physinfo };

    if (hypercall(__HYPERVISOR_control, (uint64_t)&op, 0, 0, 0, 0)) {
        static const char *const metrics[] = {
            "xenstore_read_local_ns", "xenstore_write_local_ns", "xenstore_read_ring_ns",
            "xenstore_write_ring_ns", "xenstore_read_ring_one_cpu_ns",
            "xenstore_write_ring_one_cpu_ns", "domain_create_ns_1", "domain_create_xenstore_ns_1",
            "domain_create_ns_100", "domain_create_xenstore_ns_100",
            "domain_create_console_ns_1", "domain_create_console_ns_8",
        };

        for (unsigned int i = 0; i < ARRAY_SIZE(metrics); i++)
            printk("BENCH %s n/a no Proxen control interface (no dom0 xenstore)\n", metrics[i]);
        return;
    }
    local();
    if (!image || !len) {
        static const char *const metrics[] = {
            "xenstore_read_ring_ns", "xenstore_write_ring_ns", "xenstore_read_ring_one_cpu_ns",
            "xenstore_write_ring_one_cpu_ns", "domain_create_ns_1", "domain_create_xenstore_ns_1",
            "domain_create_ns_100", "domain_create_xenstore_ns_100",
            "domain_create_console_ns_1", "domain_create_console_ns_8",
        };

        for (unsigned int i = 0; i < ARRAY_SIZE(metrics); i++)
            printk("BENCH %s n/a no domU image among dom0's modules\n", metrics[i]);
        return;
    }
    ring(image, len, 0, "");
    ring(image, len, 1, "_one_cpu");
    creation(image, len);
    bench_console_device_creation(image, len);
}
