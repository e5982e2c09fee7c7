/* A raw xenstore client on the domain's store ring (start_info's page and
 * event channel), for dom0's tests and benchmarks of its daemon; the
 * word "xs=MODE" on the command line picks what it does ("xsrw" is
 * xs=rw two seconds after boot, for the shell's create, which takes no
 * word with '='):
 *   rw     write data/demo, read it back, try dom0's name (refused), then
 *          time reads and writes:
 *            "demo: xs read 'hello'", "demo: xs write to dom0's name: EACCES",
 *            "demo: xs 100 reads, <ns> ns each" (best of 5 batches of 100),
 *            "... writes ...", "demo: xs done"
 *   flood  requests as fast as the ring takes them, replies read and
 *          thrown away, for ever ("demo: xs flooding")
 *   stuff  requests until the ring is full, replies never read
 *   burst  as many reads as the request ring holds, written at once and
 *          only read back 300 ms later: every reply must come, in order,
 *          whole -- small ones (a node of one byte) and large ones (a node of
 *          BIG_VALUE bytes, more than the daemon's queue holds at once):
 *            "demo: xs burst small: <n> replies in order", "... big: ...",
 *            or "demo: xs burst <what>: reply <i> of <n> is id .. type ..
 *            len ..", then "demo: xs burst done"
 *   bad    a header above XENSTORE_PAYLOAD_MAX, then good requests (a
 *          write of data/after, a read), which the daemon no longer reads;
 *          then XENSTORE_RECONNECT and a good request again:
 *            "demo: xs no answer after a bad message",
 *            "demo: xs reconnected, read 'NAME'"
 *   badloop  BAD_ROUNDS times: a header above XENSTORE_PAYLOAD_MAX, and
 *          once the daemon has taken it, XENSTORE_RECONNECT; then a good
 *          request:
 *            "demo: xs bad loop: <n> resets, read 'NAME'" */
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/string.h>
#include <lib/xs_ring.h>
#include <mm.h>
#include <pvclock.h>
#include <timers.h>
#include "demo.h"

#define MS 1000000ULL
#define ROUNDS 100
#define BATCHES 5
#define BAD_ROUNDS 20

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static struct xs_frame frame;
static char body[XENSTORE_PAYLOAD_MAX + 1];
static uint32_t next_id;

static void on_event(evtchn_port_t p, void *data)
{
    (void)p;
    (void)data;
}

static void kick(void)
{
    struct evtchn_send s = { .port = port };

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void woken(struct timer *t)
{
    (void)t;
}

/* Block until an event or the deadline (events off again after). */
static void wait_event(uint64_t deadline)
{
    struct timer t = { 0 };

    timer_add(&t, deadline, woken);
    hypercall_sched_op(SCHEDOP_block, NULL);
    events_save_disable();
    timer_del(&t);
}

static bool put(const void *p, size_t len, uint64_t deadline)
{
    const char *s = p;

    while (len) {
        long n = xs_ring_client_write(ring, s, len);

        if (n < 0)
            return false;
        s += n;
        len -= (size_t)n;
        kick();
        if (len && system_time_ns() > deadline)
            return false;
        if (len)
            wait_event(deadline);
    }
    return true;
}

static bool send(uint32_t type, const char *a, const char *b, uint64_t deadline)
{
    size_t la = strlen(a) + 1, lb = b ? strlen(b) : 0;
    struct xsd_sockmsg h = { .type = type, .req_id = ++next_id, .len = (uint32_t)(la + lb) };

    return put(&h, sizeof(h), deadline) && put(a, la, deadline) && (!b || put(b, lb, deadline));
}

/* The reply to the last request (watch events skipped): its type, or
 * XS_INVALID when none came by the deadline. */
static uint32_t reply(uint64_t deadline)
{
    for (;;) {
        enum xs_frame_state st = xs_frame_client_pull(&frame, ring);

        if (st == XS_FRAME_BAD)
            return XS_INVALID;
        if (st == XS_FRAME_DONE) {
            kick();                     /* room in rsp */
            body[frame.hdr.len] = '\0';
            if (frame.hdr.type != XS_WATCH_EVENT && frame.hdr.req_id == next_id)
                return frame.hdr.type;
            continue;
        }
        if (system_time_ns() > deadline)
            return XS_INVALID;
        wait_event(deadline);
    }
}

static uint32_t call(uint32_t type, const char *a, const char *b)
{
    uint64_t deadline = system_time_ns() + 2000 * MS;

    return send(type, a, b, deadline) ? reply(deadline) : XS_INVALID;
}

/* The best of BATCHES batches of ROUNDS round trips, per round trip. */
static uint64_t timed(uint32_t type, const char *a, const char *b)
{
    uint64_t best = ~0ULL;

    for (int n = 0; n < BATCHES; n++) {
        uint64_t t0 = system_time_ns();

        for (int i = 0; i < ROUNDS; i++)
            if (call(type, a, b) != (uint32_t)type)
                return 0;
        best = MIN(best, (system_time_ns() - t0) / ROUNDS);
    }
    return best;
}

static void rw(void)
{
    uint64_t r, w;

    if (call(XS_WRITE, "data/demo", "hello") != XS_WRITE || call(XS_READ, "data/demo", NULL) != XS_READ)
        printk("demo: xs read/write failed: %s\n", body);
    else
        printk("demo: xs read '%s'\n", body);
    if (call(XS_WRITE, "/local/domain/0/name", "mine") == XS_ERROR)
        printk("demo: xs write to dom0's name: %s\n", body);
    else
        printk("demo: xs write to dom0's name: allowed\n");
    r = timed(XS_READ, "name", NULL);
    w = timed(XS_WRITE, "data/demo", "x");
    printk("demo: xs %u reads, %llu ns each\n", ROUNDS, (unsigned long long)r);
    printk("demo: xs %u writes, %llu ns each\n", ROUNDS, (unsigned long long)w);
    printk("demo: xs done\n");
}

static __noreturn void flood(bool read_replies)
{
    static const char req[] = "name";
    struct xsd_sockmsg h = { .type = XS_READ, .len = sizeof(req) };
    char junk[256];

    printk("demo: xs flooding%s\n", read_replies ? "" : " without reading replies");
    for (;;) {
        /* Whole messages only: a header without its payload would break
         * the framing, which is another test's business. */
        if (XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons) >= sizeof(h) + sizeof(req)) {
            xs_ring_client_write(ring, &h, sizeof(h));
            xs_ring_client_write(ring, req, sizeof(req));
        }
        kick();
        while (read_replies && xs_ring_client_read(ring, junk, sizeof(junk)) > 0)
            ;
        if (!read_replies && XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons) < 32)
            demo_idle();
    }
}

#define BIG_VALUE 1900        /* under the node-size quota (2048 with perms) */

/* The reply that comes next, whatever its id: false at the deadline. */
static bool next_reply(uint64_t deadline)
{
    for (;;) {
        enum xs_frame_state st = xs_frame_client_pull(&frame, ring);

        if (st == XS_FRAME_DONE) {
            kick();                     /* room in rsp */
            return true;
        }
        if (st == XS_FRAME_BAD || system_time_ns() > deadline)
            return false;
        kick();                         /* part of a large one taken: room in rsp */
        wait_event(deadline);
    }
}

static void burst(const char *what, const char *path, uint32_t want_len)
{
    struct xsd_sockmsg h = { .type = XS_READ, .len = (uint32_t)strlen(path) + 1 };
    uint32_t first = next_id + 1, n = 0;

    while (XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons) >= sizeof(h) + h.len) {
        h.req_id = ++next_id;
        xs_ring_client_write(ring, &h, sizeof(h));
        xs_ring_client_write(ring, path, h.len);
        n++;
    }
    kick();
    sleep_until(system_time_ns() + 300 * MS);
    for (uint32_t i = 0; i < n; i++) {
        bool got = next_reply(system_time_ns() + 2000 * MS);

        if (!got || frame.hdr.type != XS_READ || frame.hdr.req_id != first + i ||
            frame.hdr.len != want_len) {
            printk("demo: xs burst %s: reply %u of %u is id %u type %u len %u%s\n", what, i + 1,
                   n, frame.hdr.req_id, frame.hdr.type, frame.hdr.len, got ? "" : " (none)");
            return;
        }
    }
    printk("demo: xs burst %s: %u replies in order\n", what, n);
}

static void bursts(void)
{
    static char big[BIG_VALUE + 1];

    memset(big, 'b', BIG_VALUE);
    if (call(XS_WRITE, "data/small", "s") != XS_WRITE ||
        call(XS_WRITE, "data/big", big) != XS_WRITE) {
        printk("demo: xs burst: cannot write its nodes: %s\n", body);
        return;
    }
    burst("small", "data/small", 1);
    burst("big", "data/big", BIG_VALUE);
    printk("demo: xs burst done\n");
}

/* XENSTORE_RECONNECT, and wait until the daemon has answered it. */
static bool reconnect(void)
{
    __atomic_store_n(&ring->connection, XENSTORE_RECONNECT, __ATOMIC_RELEASE);
    kick();
    for (int i = 0; i < 200 && __atomic_load_n(&ring->connection, __ATOMIC_ACQUIRE) != XENSTORE_CONNECTED; i++)
        wait_event(system_time_ns() + 10 * MS);
    xs_frame_init(&frame, body);
    return __atomic_load_n(&ring->connection, __ATOMIC_ACQUIRE) == XENSTORE_CONNECTED;
}

static void bad(void)
{
    struct xsd_sockmsg h = { .type = XS_WRITE, .len = XENSTORE_PAYLOAD_MAX + 1 };

    put(&h, sizeof(h), system_time_ns() + 1000 * MS);
    sleep_until(system_time_ns() + 100 * MS);
    send(XS_WRITE, "data/after", "1", system_time_ns() + 1000 * MS);
    if (call(XS_READ, "name", NULL) == XS_INVALID)
        printk("demo: xs no answer after a bad message\n");
    else
        printk("demo: xs answered after a bad message\n");
    reconnect();
    if (call(XS_READ, "name", NULL) == XS_READ)
        printk("demo: xs reconnected, read '%s'\n", body);
    else
        printk("demo: xs not reconnected\n");
}

/* A bad header each round, reconnecting only once the daemon has read it
 * (a reconnection before that would empty the ring unread). */
static void bad_loop(void)
{
    struct xsd_sockmsg h = { .type = XS_WRITE, .len = XENSTORE_PAYLOAD_MAX + 1 };
    unsigned int n = 0;

    for (; n < BAD_ROUNDS; n++) {
        uint64_t deadline = system_time_ns() + 2000 * MS;

        if (!put(&h, sizeof(h), deadline))
            break;
        kick();
        while (__atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE) != ring->req_prod &&
               system_time_ns() < deadline)
            wait_event(deadline);
        if (ring->req_cons != ring->req_prod || !reconnect())
            break;
    }
    if (call(XS_READ, "name", NULL) == XS_READ)
        printk("demo: xs bad loop: %u resets, read '%s'\n", n, body);
    else
        printk("demo: xs bad loop: %u resets, then no answer\n", n);
}

__noreturn void demo_xs(const char *mode)
{
    ring = mfn_to_virt(start_info->store_mfn);
    port = start_info->store_evtchn;
    xs_frame_init(&frame, body);
    events_save_disable();
    events_set_handler(port, on_event, NULL);
    if (!strcmp(mode, "rw"))
        rw();
    else if (!strcmp(mode, "flood") || !strcmp(mode, "stuff"))
        flood(!strcmp(mode, "flood"));
    else if (!strcmp(mode, "bad"))
        bad();
    else if (!strcmp(mode, "badloop"))
        bad_loop();
    else if (!strcmp(mode, "burst"))
        bursts();
    else
        printk("demo: xs: no mode '%s'\n", mode);
    demo_idle();
}
