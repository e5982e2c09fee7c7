/* dom0's xenstore daemon: the store and the toolstack's calls
 * (xenstored.h, xenstored_internal.h). */
#include <events.h>
#include <kernel.h>
#include <lib/errno.h>
#include <lib/heap.h>
#include <mm.h>
#include <smp.h>
#include "xenstored_internal.h"

static struct heap heap;
static struct xs_store *store;
static unsigned int depth;             /* nested xsd_enter()s */

static void *heap_page(void *ctx)
{
    (void)ctx;
    return page_alloc();
}

static int hook_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t evtchn,
                          struct xs_conn *existing)
{
    return xsd_ring_attach(*(struct xs_store **)opaque, domid, mfn, evtchn, existing);
}

static void hook_release(void *opaque, unsigned int domid, struct xs_conn *conn)
{
    (void)opaque;
    (void)domid;
    xsd_ring_detach(conn);
}

static struct xs_store *store_get(void)
{
    static const struct xs_allocator alloc = { heap_alloc_cb, heap_free_cb, &heap };
    static const struct xs_hooks hooks = { hook_introduce, hook_release, &store };

    if (!store) {
        if (!heap.get_page)
            heap_init(&heap, heap_page, NULL);
        store = xs_store_create(&alloc, &hooks, NULL);
    }
    return store;
}

void *xsd_alloc(size_t size)
{
    return heap_alloc(&heap, size);
}

void xsd_free(void *p, size_t size)
{
    heap_free(&heap, p, size);
}

/* Events off serialise only the calling vCPU's work: vCPU 0 is the only
 * one that runs the kernel (other vCPUs run jobs, smp.h). */
struct xs_store *xsd_enter(bool *were)
{
    if (smp_self() != 0)
        panic("xenstored: called on vCPU %u", smp_self());
    *were = events_save_disable();
    depth++;
    return store_get();
}

void xsd_leave(bool were)
{
    xsd_ring_flush_all();
    if (depth == 1)
        xsd_local_deliver();
    depth--;
    events_restore(were);
}

long xenstored_introduce(domid_t dom, uint64_t store_mfn, evtchn_port_t remote_port)
{
    bool were;
    struct xs_store *s = xsd_enter(&were);
    long rc = s ? xs_domain_introduce(s, dom, store_mfn, remote_port) : -ENOMEM;

    xsd_leave(were);
    return rc;
}

long xenstored_release(domid_t dom)
{
    bool were;
    struct xs_store *s = xsd_enter(&were);
    long rc = s ? xs_domain_release(s, dom) : -ENOENT;

    if (rc == -ENOENT)
        rc = xsd_ring_forget(dom);

    xsd_leave(were);
    return rc;
}
