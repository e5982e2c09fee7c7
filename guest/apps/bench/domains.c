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
