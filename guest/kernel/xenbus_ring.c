/* The domU's xenstore transport (xenbus.h): the store ring whose frame
 * and event channel the builder put in start_info.  One request is in
 * flight at a time: its sender writes it (waiting for room), then blocks
 * until the event handler has read the reply with its request id.  The
 * handler gathers messages from the ring (lib/xs_ring.c; a message can be
 * longer than the ring), hands watch events to xenbus.c and drops anything else
 * the daemon sends. */
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/xs_ring.h>
#include <mm.h>
#include <vcpu_info.h>
#include <xenbus.h>

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;

/* The message being read from the ring; once the daemon broke the
 * protocol (a message too long, nonsense indices), nothing more is read
 * and every request fails with -EIO. */
static char in_body[XENSTORE_PAYLOAD_MAX + 1];
static struct xs_frame frame;
static bool broken;

/* The request waiting for its reply. */
static struct {
    uint32_t req_id;
    struct xsd_sockmsg *hdr;
    void *reply;
    size_t size;
    bool waiting, done;
} pending;

static void notify(void)
{
    struct evtchn_send s = { .port = port };

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void deliver(void)
{
    in_body[frame.hdr.len] = '\0';
    if (frame.hdr.type == XS_WATCH_EVENT) {
        size_t lp = strnlen(in_body, frame.hdr.len);

        /* "path\0token\0": the token must be there, terminated. */
        if (lp + 1 < frame.hdr.len && in_body[frame.hdr.len - 1] == '\0')
            xenbus_watch_event(in_body, in_body + lp + 1);
    } else if (pending.waiting && frame.hdr.req_id == pending.req_id) {
        *pending.hdr = frame.hdr;
        memcpy(pending.reply, in_body, MIN((size_t)frame.hdr.len, pending.size));
        pending.waiting = false;
        pending.done = true;
    }
}

/* Take what the ring holds, a message at a time.  Replies to no request
 * waiting (a request id not ours) are dropped. */
static void ring_event(evtchn_port_t p, void *data)
{
    enum xs_frame_state st;

    (void)p, (void)data;
    while (!broken && (st = xs_frame_client_pull(&frame, ring)) != XS_FRAME_PARTIAL) {
        if (st == XS_FRAME_BAD) {
            printk("xenbus: the store ring broke the protocol; no more requests\n");
            broken = true;
            pending.waiting = false;
            pending.done = true;
            break;
        }
        deliver();
    }
    notify();                         /* room in rsp, for a waiting daemon */
}

/* Put len bytes into req, waiting for room as the daemon consumes. */
static long send_all(const void *buf, size_t len)
{
    const char *p = buf;

    while (len && !broken) {
        long n = xs_ring_client_write(ring, p, len);

        if (n < 0)
            return n;
        p += n;
        len -= (size_t)n;
        notify();
        if (len) {
            hypercall_sched_op(SCHEDOP_block, NULL);
            vcpu_info_of(0)->evtchn_upcall_mask = 1;
        }
    }
    return broken ? -EIO : 0;
}

static long ring_request(struct xsd_sockmsg *hdr, const void *body, void *reply, size_t size)
{
    bool on = events_save_disable();
    long rc;

    pending = (typeof(pending)){ .req_id = hdr->req_id, .hdr = hdr, .reply = reply,
                                 .size = size, .waiting = true };
    if (!(rc = send_all(hdr, sizeof(*hdr))) && !(rc = send_all(body, hdr->len)))
        while (!pending.done) {
            hypercall_sched_op(SCHEDOP_block, NULL);
            vcpu_info_of(0)->evtchn_upcall_mask = 1;
        }
    pending = (typeof(pending)){ 0 };
    events_restore(on);
    return rc ? rc : broken ? -EIO : 0;
}

static const struct xenbus_transport ring_transport = { .request = ring_request };

long xenbus_ring_init(void)
{
    if (!start_info->store_mfn || is_initial_domain())
        return -ENODEV;
    ring = mfn_to_virt(start_info->store_mfn);
    port = start_info->store_evtchn;
    xs_frame_init(&frame, in_body);
    events_set_handler(port, ring_event, NULL);
    xenbus_init(&ring_transport);
    return 0;
}
