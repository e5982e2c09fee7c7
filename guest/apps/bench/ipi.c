/* IPI round trip between two vCPUs of the guest on two CPUs: vCPU 0
 * sends an event on an IPI port bound to vCPU 1 (EVTCHNOP_bind_ipi);
 * vCPU 1, spinning with events unmasked, takes the upcall and its
 * handler sends on an IPI port bound to vCPU 0, whose upcall counts the
 * answer; vCPU 0, spinning too, then sends the next.  Each leg is a send
 * hypercall, the hypervisor's kick of the other CPU (a physical IPI), an
 * interrupt in the receiving guest, its upcall and the iret back.
 *
 * Stalls.  QEMU 7.2 (TCG) sometimes leaves such an IPI pending in the
 * target CPU's local APIC (IRR set, nothing in service, IF set, the vCPU
 * spinning in ring 3) until that CPU takes some other interrupt: up to a
 * second under Proxen, whose CPUs take few; seen under Xen 4.17 as well.
 * So a spinning vCPU looks at its own upcall flag every STALL_LOOK_NS,
 * and an upcall found pending and unmasked at two looks in a row is a
 * stall: a null hypercall then delivers it on the way back.  A batch
 * with a stall is slow, so the fastest batch (the metric) has none; the
 * stalls are counted and printed as ipi_stalls_count.
 *
 * Slow answers.  A round trip can also stay unanswered for long with no
 * upcall flag to rescue (the host not running a vCPU's thread for a
 * while; once, a port seen pending with neither vCPU's flag set, which
 * may have been an answer under way).  After RECOVER_NS without an
 * answer vCPU 0 raises both ports again the way Linux resends an event
 * (mask, then EVTCHNOP_unmask, which notifies the port's vCPU if the port
 * is pending), and counts it (ipi_recoveries_count); that batch is slow
 * and out of the minimum too.  A round trip unanswered after
 * ANSWER_TIMEOUT_NS makes the metric n/a.
 *
 * vCPU 1 is brought up for each batch and goes down after it (smp.h), so
 * that it spins only while a batch runs. */
#include <stdatomic.h>
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <smp.h>
#include "bench.h"

/* A round trip not done in this long lost an event for good. */
#define ANSWER_TIMEOUT_NS 1000000000ULL
#define STALL_LOOK_NS 100000
#define RECOVER_NS 10000000ULL

static long ping_port = -1, pong_port = -1;    /* to vCPU 1, to vCPU 0 */
static volatile unsigned int answers;
static _Atomic bool responder_ready, responder_stop;
static _Atomic unsigned int stalls;
static unsigned int recoveries;

static void send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

/* On vCPU 1: answer at once. */
static void ping_received(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    send((evtchn_port_t)pong_port);
}

/* On vCPU 0. */
static void pong_received(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    answers++;
}

/* A spinning vCPU's watch over its own upcall flag (see Stalls above). */
struct stall_watch {
    volatile struct vcpu_info *vi;
    uint64_t next_look;
    bool was_waiting;
};

static struct stall_watch stall_watch(unsigned int vcpu)
{
    return (struct stall_watch){ &shared_info->vcpu_info[vcpu],
                                 system_time_ns() + STALL_LOOK_NS, false };
}

/* Call often; looks at the clock every 64 calls. */
static void stall_check(struct stall_watch *w, unsigned int spins)
{
    bool waiting;

    if (spins % 64 || system_time_ns() < w->next_look)
        return;
    waiting = w->vi->evtchn_upcall_pending && !w->vi->evtchn_upcall_mask;
    if (waiting && w->was_waiting) {
        atomic_fetch_add(&stalls, 1);
        hypercall_xen_version(XENVER_version, NULL);
        waiting = false;
    }
    w->was_waiting = waiting;
    w->next_look = system_time_ns() + STALL_LOOK_NS;
}

/* vCPU 1's job for one batch: events on until vCPU 0 says stop. */
static void responder(void *arg)
{
    struct stall_watch w = stall_watch(1);

    (void)arg;
    events_restore(true);
    atomic_store(&responder_ready, true);
    for (unsigned int spins = 0; !atomic_load(&responder_stop); spins++) {
        cpu_relax();            /* lets single-threaded TCG run the other vCPU */
        stall_check(&w, spins);
    }
    events_save_disable();
}

void ipi_teardown(void)
{
    if (ping_port >= 0)
        events_unbind((evtchn_port_t)ping_port);
    if (pong_port >= 0)
        events_unbind((evtchn_port_t)pong_port);
    ping_port = pong_port = -1;
    printk("BENCH ipi_stalls_count %u count (IPIs left undelivered for %u us or more "
           "while the target spun, then delivered through a null hypercall)\n",
           atomic_load(&stalls), STALL_LOOK_NS / 1000);
    printk("BENCH ipi_recoveries_count %u count (round trips unanswered for %llu ms, "
           "both ports raised again)\n", recoveries, RECOVER_NS / 1000000);
}

bool ipi_setup(void)
{
    char e[24];

    if (smp_nr_vcpus() < 2) {
        bench_fail("one vCPU");
        printk("BENCH ipi_stalls_count n/a one vCPU\n");
        printk("BENCH ipi_recoveries_count n/a one vCPU\n");
        return false;
    }
    ping_port = events_bind_ipi(1, ping_received, NULL);
    pong_port = events_bind_ipi(0, pong_received, NULL);
    if (ping_port < 0 || pong_port < 0) {
        bench_fail("EVTCHNOP_bind_ipi failed (%s)",
                   errno_name(ping_port < 0 ? ping_port : pong_port, e, sizeof(e)));
        ipi_teardown();
        return false;
    }
    return true;
}

/* Raise a pending port again: the hypervisor notifies its vCPU anew. */
static void reraise(long port)
{
    struct evtchn_unmask u = { .port = (evtchn_port_t)port };

    events_mask((evtchn_port_t)port);
    hypercall_event_channel_op(EVTCHNOP_unmask, &u);
}

/* vCPU 0: spin until count reaches target; false after ANSWER_TIMEOUT_NS. */
static bool wait_for(volatile unsigned int *count, unsigned int target)
{
    struct stall_watch w = stall_watch(0);
    uint64_t recover = system_time_ns() + RECOVER_NS;
    uint64_t limit = system_time_ns() + ANSWER_TIMEOUT_NS;

    for (unsigned int spins = 0; *count != target; spins++) {
        cpu_relax();
        stall_check(&w, spins);
        if (spins % 1024)
            continue;
        if (system_time_ns() > limit)
            return false;
        if (system_time_ns() > recover) {
            recoveries++;
            reraise(ping_port);
            reraise(pong_port);
            recover = system_time_ns() + RECOVER_NS;
        }
    }
    return true;
}

/* Start vCPU 1's responder; wait until its events are on. */
static bool start_responder(void)
{
    uint64_t limit = system_time_ns() + ANSWER_TIMEOUT_NS;
    char e[24];
    long rc;

    atomic_store(&responder_ready, false);
    atomic_store(&responder_stop, false);
    rc = smp_run(1, responder, NULL);
    if (rc) {
        bench_fail("cannot run vCPU 1 (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    while (!atomic_load(&responder_ready))
        if (system_time_ns() > limit) {
            bench_fail("vCPU 1 did not start");
            return false;
        }
    return true;
}

uint64_t ipi_batch(void)
{
    uint64_t start, ticks;
    bool were_on, ok = true;
    unsigned int i;

    if (!start_responder())
        return 0;
    answers = 0;
    were_on = events_save_disable();
    events_restore(true);                       /* vCPU 0 takes its upcalls too */
    start = rdtsc();
    for (i = 0; i < IPI_ROUND_TRIPS && ok; i++) {
        send((evtchn_port_t)ping_port);
        ok = wait_for(&answers, i + 1);
    }
    ticks = rdtsc() - start;
    events_save_disable();
    events_restore(were_on);
    atomic_store(&responder_stop, true);
    smp_wait(1);
    if (!ok) {
        bench_fail("an event was lost: round trip %u of %u unanswered after %lu ms", i,
                   IPI_ROUND_TRIPS, (unsigned long)(ANSWER_TIMEOUT_NS / 1000000));
        return 0;
    }
    return ticks;
}
