/* Domains one after another (Proxen's control interface): DENSITY_DOMAINS
 * small domains created and given memory, kept, then destroyed.  Printed:
 *   density_create_ns_<n>  the median creation (create + populate) of the
 *                          ten up to the n-th, every hundredth: a flat row
 *                          says creation does not slow as domains add up;
 *   hv_mem_per_domain_kib  what each costs the hypervisor beyond its own
 *                          pages (the heap's free frames before and after);
 *   domain_destroy_ns      the mean destroydomain, all of them.
 * Xen 4.17 answers Proxen's control call (its domctl number, another
 * layout) with -EACCES: these metrics are n/a there. */
#include <console.h>
#include <console_back.h>
#include <domu.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <public/control.h>
#include <pvclock.h>
#include "bench.h"

#define DENSITY_DOMAINS 1000
#define DOMAIN_PAGES 16
#define EVERY 100

static domid_t ids[DENSITY_DOMAINS];
static uint64_t took[DENSITY_DOMAINS];

static long control(struct proxen_control *op)
{
    op->version = PROXEN_CONTROL_VERSION;
    return hypercall(__HYPERVISOR_control, (uint64_t)op, 0, 0, 0, 0);
}

static long free_pages(uint64_t *out)
{
    struct proxen_control op = { .cmd = PXCTL_physinfo };
    long rc = control(&op);

    *out = op.u.physinfo.free_pages;
    return rc;
}

static long destroy_one(domid_t id);

/* A domain with its pages, or none (an error after the creation undoes it). */
static long create_one(domid_t *id)
{
    struct proxen_control op = { .cmd = PXCTL_createdomain };
    long rc;

    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_pages = DOMAIN_PAGES;
    strlcpy(op.u.createdomain.name, "density", sizeof(op.u.createdomain.name));
    if ((rc = control(&op)))
        return rc;
    *id = op.domain;
    op = (struct proxen_control){ .cmd = PXCTL_populate, .domain = *id };
    op.u.populate.nr_pages = DOMAIN_PAGES;
    if ((rc = control(&op)))
        destroy_one(*id);
    return rc;
}

static long destroy_one(domid_t id)
{
    struct proxen_control op = { .cmd = PXCTL_destroydomain, .domain = id };

    return control(&op);
}

static uint64_t median_of_ten(const uint64_t *t)
{
    uint64_t s[10];

    memcpy(s, t, sizeof(s));
    for (unsigned int i = 1; i < 10; i++)
        for (unsigned int j = i; j > 0 && s[j - 1] > s[j]; j--) {
            uint64_t x = s[j];

            s[j] = s[j - 1];
            s[j - 1] = x;
        }
    return (s[4] + s[5]) / 2;
}

static void say_na(const char *why)
{
    for (unsigned int n = EVERY; n <= DENSITY_DOMAINS; n += EVERY)
        printk("BENCH density_create_ns_%u n/a %s\n", n, why);
    printk("BENCH hv_mem_per_domain_kib n/a %s\n", why);
    printk("BENCH domain_destroy_ns n/a %s\n", why);
}

/* Create them all; how many were. */
static unsigned int create_all(long *rc)
{
    unsigned int n;

    for (n = 0; n < DENSITY_DOMAINS; n++) {
        uint64_t t0 = system_time_ns();

        if ((*rc = create_one(&ids[n])))
            break;
        took[n] = system_time_ns() - t0;
    }
    return n;
}

void bench_domain_density(void)
{
    uint64_t before, after, t0, destroy_ns;
    unsigned int made;
    long rc = free_pages(&before);

    if (rc) {
        say_na(rc == -EACCES ? "no Proxen control interface" : "physinfo failed");
        return;
    }
    made = create_all(&rc);
    free_pages(&after);
    t0 = system_time_ns();
    for (unsigned int i = 0; i < made; i++)
        destroy_one(ids[i]);
    destroy_ns = made ? (system_time_ns() - t0) / made : 0;
    if (made < DENSITY_DOMAINS) {
        printk("bench: only %u domains could be created (%ld)\n", made, rc);
        say_na("fewer domains than the run needs");
        return;
    }
    for (unsigned int n = EVERY; n <= DENSITY_DOMAINS; n += EVERY)
        printk("BENCH density_create_ns_%u %lu ns (median of creations %u-%u, each "
               "createdomain + populate %u pages)\n", n, median_of_ten(&took[n - 10]),
               n - 9, n, DOMAIN_PAGES);
    printk("BENCH hv_mem_per_domain_kib %lu kib (free frames before and after %u domains, "
           "less their %u pages each)\n",
           ((before - after) / made - DOMAIN_PAGES) * 4, made, DOMAIN_PAGES);
    printk("BENCH domain_destroy_ns %lu ns (mean of %u destroydomain)\n", destroy_ns, made);
}

/* --- domains that run ------------------------------------------------------
 * With the demo image as this domain's module (bench/run.py gives it):
 *   domain_create_to_console_ns      building a 8 MiB demo domain and
 *                                    starting it, to the first bytes on
 *                                    its console ring (min of 5);
 *   interdomain_ping_pong_ns         an event from one demo domain to
 *                                    another and back, on any CPUs;
 *   interdomain_ping_pong_one_cpu_ns the same with both on CPU 0: two
 *                                    switches between domains a round. */
#define CREATE_REPS 5
#define PING_ROUNDS 500

static void domu_na(const char *why)
{
    printk("BENCH domain_create_to_console_ns n/a %s\n", why);
    printk("BENCH interdomain_ping_pong_ns n/a %s\n", why);
    printk("BENCH interdomain_ping_pong_one_cpu_ns n/a %s\n", why);
}

/* Blocked until the daemon has seen output (its event wakes us). */
static bool first_output(domid_t id, uint64_t deadline)
{
    events_save_disable();
    while (!console_back_total(id)) {
        if (system_time_ns() > deadline)
            return false;
        hypercall_set_timer_op(system_time_ns() + 1000000);
        hypercall_sched_op(SCHEDOP_block, NULL);
        events_save_disable();
    }
    return true;
}

static uint64_t create_to_console(const void *image, size_t len)
{
    uint64_t best = ~0ULL;

    for (unsigned int i = 0; i < CREATE_REPS; i++) {
        struct domain_build b;
        uint64_t t0 = system_time_ns();
        bool ok = !domu_build(image, len, "create", "", 2048, &b);

        if (!ok)
            return 0;
        ok = !domu_unpause(b.domid) && first_output(b.domid, t0 + 10000000000ULL);
        if (ok)
            best = MIN(best, system_time_ns() - t0);
        domu_destroy(b.domid);
        if (!ok)
            return 0;
    }
    return best;
}

void bench_domu(void)
{
    const void *image = (const void *)start_info->mod_start;
    size_t len = start_info->mod_len;
    const char *why = "";
    uint64_t free_now, create, any, one;

    if (free_pages(&free_now)) {
        domu_na("no Proxen control interface");
        return;
    }
    if (!image || !len) {
        domu_na("no domU image among dom0's modules");
        return;
    }
    create = create_to_console(image, len);
    if (create)
        printk("BENCH domain_create_to_console_ns %lu ns (min of %u: build an 8 MiB demo "
               "domain, start it, its first console bytes)\n", create, CREATE_REPS);
    else
        printk("BENCH domain_create_to_console_ns n/a the demo domain did not start\n");
    any = domu_ping_pong(image, len, 0, PING_ROUNDS, &why);
    if (any)
        printk("BENCH interdomain_ping_pong_ns %lu ns (best of 10 batches of %u round trips "
               "between two demo domains)\n", any, PING_ROUNDS);
    else
        printk("BENCH interdomain_ping_pong_ns n/a %s\n", why);
    one = domu_ping_pong(image, len, 1, PING_ROUNDS, &why);
    if (one)
        printk("BENCH interdomain_ping_pong_one_cpu_ns %lu ns (as above, both on CPU 0)\n", one);
    else
        printk("BENCH interdomain_ping_pong_one_cpu_ns n/a %s\n", why);
}
