/* Two domains sharing a page through a grant, as split drivers do: one
 * grants a page of its own, the other maps it, copies it and answers in
 * it, and an event says so.  The toolstack (guest/tests/gntmap_domu.c)
 * tells each what it needs on its console input, one line:
 *   "grant": "<D> <P>"   grant a page to domain D, print
 *                        "demo: granted ref <R>", wait for an event on
 *                        port P (unbound, for D), then check the answer:
 *                        "demo: exchange ok <sum>" or "... FAILED ...";
 *   "map":   "<D> <R> <P>"  map domain D's grant R, copy the page, write
 *                        its checksum into the page's last word, print
 *                        "demo: mapped and copied, sum <sum>"; then unmap
 *                        and send an event on D's port P (bound here) --
 *                        or with "hold" on the command line keep the
 *                        mapping for ever (the domain's teardown must
 *                        undo it). */
#include <console.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <lib/strtoul.h>
#include <mm.h>
#include <pvclock.h>
#include <timers.h>
#include "demo.h"

#define WORDS (PAGE_SIZE / sizeof(uint64_t))
#define SUM_SLOT (WORDS - 1)            /* the answer */

static volatile bool told;

static uint64_t checksum(const volatile uint64_t *w)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < SUM_SLOT; i++)
        sum = sum * 31 + w[i];
    return sum;
}

static void on_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    told = true;
}

static const char *skip_number(const char *s, uint64_t *v)
{
    const char *end;

    *v = simple_strtoull(s, &end, 0);
    while (*end == ' ')
        end++;
    return end;
}

__noreturn void demo_grant(void)
{
    uint64_t peer, port, *page = page_alloc(), sum;
    char line[48];
    long ref;

    printk("demo: waiting for the domain to grant to\n");
    demo_read_line(line, sizeof(line));
    skip_number(skip_number(line, &peer), &port);
    if (!page || gnttab_init()) {
        printk("demo: exchange FAILED: no page or no grant table\n");
        demo_idle();
    }
    for (unsigned int i = 0; i < WORDS; i++)
        page[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
    sum = checksum(page);
    ref = gnttab_grant_access((domid_t)peer, virt_to_mfn(page), false);
    events_save_disable();
    events_set_handler((evtchn_port_t)port, on_event, NULL);
    printk("demo: granted ref %ld\n", ref);
    while (!told) {
        hypercall_sched_op(SCHEDOP_block, NULL);
        events_save_disable();
    }
    if (page[SUM_SLOT] != sum || !gnttab_end_access((grant_ref_t)ref))
        printk("demo: exchange FAILED: answer %llx, expected %llx\n",
               (unsigned long long)page[SUM_SLOT], (unsigned long long)sum);
    else
        printk("demo: exchange ok %llx\n", (unsigned long long)sum);
    demo_idle();
}

__noreturn void demo_map(void)
{
    volatile uint64_t *mapped = (volatile uint64_t *)GNTTAB_MAP_VA;
    uint64_t dom, ref, port, *copy = page_alloc(), sum;
    struct evtchn_bind_interdomain bi;
    struct evtchn_send send;
    grant_handle_t handle;
    char line[48];
    int st;

    printk("demo: waiting for the grant to map\n");
    demo_read_line(line, sizeof(line));
    skip_number(skip_number(skip_number(line, &dom), &ref), &port);
    st = gnttab_map((domid_t)dom, (grant_ref_t)ref, GNTTAB_MAP_VA, false, &handle);
    if (st || !copy) {
        printk("demo: map of domain %llu's grant %llu FAILED: %d\n", (unsigned long long)dom,
               (unsigned long long)ref, st);
        demo_idle();
    }
    for (unsigned int i = 0; i < WORDS; i++)
        copy[i] = mapped[i];
    sum = checksum(copy);
    mapped[SUM_SLOT] = sum;
    printk("demo: mapped and copied, sum %llx\n", (unsigned long long)sum);
    if (cmdline_get("hold", NULL, 0))
        demo_idle();
    st = gnttab_unmap(GNTTAB_MAP_VA, handle);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = (domid_t)dom,
                                           .remote_port = (evtchn_port_t)port };
    if (st || hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi)) {
        printk("demo: unmap (%d) or bind FAILED\n", st);
        demo_idle();
    }
    send.port = bi.local_port;
    hypercall_event_channel_op(EVTCHNOP_send, &send);
    printk("demo: unmapped, told domain %llu\n", (unsigned long long)dom);
    demo_idle();
}
