/* Interdomain event ping-pong between two demo domains, as a benchmark
 * and a test of event channels between domUs.  The toolstack allocates
 * the port (unbound, in the answering domain, for the pinging one) once
 * both are built, and tells each on its console's input, one line:
 *   "pong": "<P>"     answer every event on port P with an event on it;
 *   "ping rounds=N": "<D> <P>"  bind to domain D's port P, then send and
 *                     wait for the answer N times a batch, 10 batches,
 *                     and print the best batch's round trip:
 *   "demo: ping-pong <N> round trips a batch, best <ns> ns each"
 * Both wait blocked (SCHEDOP_block), so that two of them can share one
 * CPU: a round trip is then two switches between the domains. */
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/strtoul.h>
#include <pvclock.h>
#include <timers.h>
#include "demo.h"

#define BATCHES 10

static volatile uint64_t answers;

static void send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void answer(evtchn_port_t port, void *data)
{
    (void)data;
    send(port);
}

static void counted(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    answers++;
}

static uint64_t number(const char *name, uint64_t fallback)
{
    char v[24];

    return cmdline_get(name, v, sizeof(v)) ? simple_strtoull(v, NULL, 0) : fallback;
}

/* One line of console input (polled: input is rare). */
void demo_read_line(char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        char c;

        if (!console_ring_read(&c, 1)) {
            sleep_until(system_time_ns() + 1000000);
            continue;
        }
        if (c == '\n' || c == '\r') {
            buf[n] = '\0';
            return;
        }
        if (n + 1 < size)
            buf[n++] = c;
    }
}

/* Block until an event arrives; events are off around the check, so that
 * one arriving just before the block is not lost (SCHEDOP_block unmasks
 * and looks at once). */
static void wait_for_answers(uint64_t want)
{
    while (answers < want) {
        hypercall_sched_op(SCHEDOP_block, NULL);
        events_save_disable();
    }
}

__noreturn void demo_pong(void)
{
    char line[32];
    evtchn_port_t port;

    printk("demo: waiting for the port to answer on\n");
    demo_read_line(line, sizeof(line));
    port = (evtchn_port_t)simple_strtoull(line, NULL, 0);
    events_save_disable();
    events_set_handler(port, answer, NULL);
    printk("demo: answering on port %u\n", port);
    for (;;)
        wait_for_answers(~0ULL);
}

__noreturn void demo_ping(void)
{
    struct evtchn_bind_interdomain bi;
    uint64_t rounds = number("rounds", 1000), best = ~0ULL;
    char line[32];
    const char *rest;
    long rc;

    printk("demo: waiting for the domain and port to ping\n");
    demo_read_line(line, sizeof(line));
    bi.remote_dom = (domid_t)simple_strtoull(line, &rest, 0);
    while (*rest == ' ')
        rest++;
    bi.remote_port = (evtchn_port_t)simple_strtoull(rest, NULL, 0);
    events_save_disable();
    if ((rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi))) {
        printk("demo: ping-pong: bind_interdomain to domain %u port %u: %ld\n", bi.remote_dom,
               bi.remote_port, rc);
        demo_idle();
    }
    events_set_handler(bi.local_port, counted, NULL);
    for (unsigned int b = 0; b < BATCHES; b++) {
        uint64_t t0 = system_time_ns(), base = answers;

        for (uint64_t i = 1; i <= rounds; i++) {
            send(bi.local_port);
            wait_for_answers(base + i);
        }
        best = MIN(best, (system_time_ns() - t0) / rounds);
    }
    printk("demo: ping-pong %lu round trips a batch, best %lu ns each\n", rounds, best);
    demo_idle();
}
