/* Console output.  A domain other than the initial one writes to its PV
 * console ring (start_info.console.domU, public/io/console.h), which the
 * initial domain's console daemon serves; the initial domain, and any
 * domain before its ring is set up or without one, writes through
 * console_io, which the hypervisor shows in its log as "(dN) text".
 * Messages are formatted whole into a buffer first so that each goes out
 * as one write and lines do not interleave mid-line. */
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib/xencons_ring.h>
#include <mm.h>
#include <pvclock.h>

#define PRINTK_BUF 1024       /* longer messages are cut */
/* A full ring that does not drain for this long has no back end: the
 * rest of the message is dropped rather than the domain stopped. */
#define RING_PATIENCE_NS 1000000000ULL

static struct xencons_interface *ring;
static evtchn_port_t ring_port;
static uint64_t dropped;

void console_ring_init(void)
{
    if (is_initial_domain() || !start_info->console.domU.mfn)
        return;
    ring_port = start_info->console.domU.evtchn;
    ring = mfn_to_virt(start_info->console.domU.mfn);
}

static void notify(void)
{
    struct evtchn_send s = { .port = ring_port };

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

/* While the ring is full, let the back end run (SCHEDOP_yield, as Linux's
 * early console does). */
static void ring_write(const char *s, size_t len)
{
    uint64_t stalled_since = 0;

    while (len) {
        size_t n = xencons_front_write(ring, s, len);

        if (n) {
            notify();
            s += n;
            len -= n;
            stalled_since = 0;
            continue;
        }
        if (!stalled_since)
            stalled_since = system_time_ns();
        else if (system_time_ns() - stalled_since > RING_PATIENCE_NS) {
            dropped += len;
            return;
        }
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

void console_write(const char *s, size_t len)
{
    if (ring) {
        ring_write(s, len);
        return;
    }
    /* Xen returns 0 once everything is written, Proxen the count; either
     * way nothing is left to retry, and an error has nowhere to go. */
    hypercall_console_io(CONSOLEIO_write, (unsigned int)len, s);
}

size_t console_ring_read(char *buf, size_t len)
{
    size_t n = ring ? xencons_front_read(ring, buf, len) : 0;

    if (n)
        notify();
    return n;
}

uint64_t console_ring_dropped(void)
{
    return dropped;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_BUF];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
