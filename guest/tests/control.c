/* The control interface (public/control.h) from the initial domain:
 * version and argument checks, machine and domain information, creating
 * and destroying (paused) domains with their ids reused only after
 * teardown and their resources returned, an event channel to a destroyed
 * domain left unbound, and reading the hypervisor's log. */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <pagetable.h>
#include <pagetable.h>
#include <public/control.h>
#include <test.h>
#include "control_ops.h"
#include "tests.h"

void test_control_checks(void)
{
    struct proxen_control op = ctl_op(PXCTL_physinfo, 0);

    op.version = 0x03000001;            /* another layout's version */
    expect_rc("control(Xen's version)", ctl_call(&op), -EACCES);
    op = ctl_op(99, 0);
    expect_rc("control(cmd 99)", ctl_call(&op), -ENOSYS);
    expect_rc("control(unmapped)", hypercall(__HYPERVISOR_control, UNMAPPED_VA, 0, 0, 0, 0),
              -EFAULT);
    expect_rc("control(hypervisor address)",
              hypercall(__HYPERVISOR_control, HV_ADDRESS, 0, 0, 0, 0), -EFAULT);
}

void test_control_physinfo(void)
{
    struct proxen_control op = ctl_op(PXCTL_physinfo, 0);
    struct pxctl_physinfo *p = &op.u.physinfo;

    if (!expect_rc("physinfo", ctl_call(&op), 0))
        return;
    if (p->nr_cpus < 1 || p->nr_cpus > 64)
        test_fail("physinfo: %u CPUs", p->nr_cpus);
    if (p->hv_version != (uint32_t)hypercall_xen_version(XENVER_version, NULL))
        test_fail("physinfo: version %#x, XENVER_version says %#lx", p->hv_version,
                  hypercall_xen_version(XENVER_version, NULL));
    if (!p->total_pages || p->free_pages > p->total_pages)
        test_fail("physinfo: %lu of %lu pages free", p->free_pages, p->total_pages);
}

void test_control_domaininfo(void)
{
    struct pxctl_domaininfo i;

    if (!expect_rc("getdomaininfo(0)", ctl_info(0, &i), 0))
        return;
    if (i.domain != 0 || strcmp(i.name, "Domain-0") ||
        i.flags != (PXDOMF_privileged | PXDOMF_running) || i.tot_pages != start_info->nr_pages)
        test_fail("domain 0: id %u name \"%s\" flags %#x, %lu pages (start_info: %lu)",
                  i.domain, i.name, i.flags, i.tot_pages, start_info->nr_pages);
    expect_rc("getdomaininfo(1), no domain past 0", ctl_info(1, &i), -ESRCH);
    expect_rc("getdomaininfo(DOMID_SELF)", ctl_info(DOMID_SELF, &i), -ESRCH);
}

void test_control_create_refused(void)
{
    struct proxen_control op = ctl_op(PXCTL_createdomain, 0);
    struct pxctl_domaininfo i;
    domid_t id;

    op.u.createdomain = (struct pxctl_createdomain){ .max_vcpus = 1, .flags = 1 };
    strlcpy(op.u.createdomain.name, "bad", PXCTL_NAME_LEN);
    expect_rc("createdomain(flags 1)", ctl_call(&op), -EINVAL);
    expect_rc("createdomain(0 vCPUs)", ctl_create("bad", 0, &id), -EINVAL);
    expect_rc("createdomain(33 vCPUs)", ctl_create("bad", 33, &id), -EINVAL);
    expect_rc("createdomain(no name)", ctl_create("", 1, &id), -EINVAL);
    op = ctl_op(PXCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 1;
    memset(op.u.createdomain.name, 'x', PXCTL_NAME_LEN);
    expect_rc("createdomain(unterminated name)", ctl_call(&op), -EINVAL);
    expect_rc("getdomaininfo(1) after refusals", ctl_info(1, &i), -ESRCH);
    expect_rc("destroydomain(0, itself)", ctl_destroy(0), -EINVAL);
    expect_rc("destroydomain(DOMID_SELF)", ctl_destroy(DOMID_SELF), -EINVAL);
    expect_rc("destroydomain(77)", ctl_destroy(77), -ESRCH);
}

/* Ids are the lowest free one, reused only once the domain is gone; each
 * create and destroy cycle gives back what it took. */
void test_control_create_destroy(void)
{
    struct pxctl_domaininfo i;
    domid_t a, b, c;
    uint64_t after_first = 0;

    for (unsigned int round = 0; round < 4; round++) {
        if (!expect_rc("createdomain(a)", ctl_create("guest-a", 2, &a), 0) ||
            !expect_rc("createdomain(b)", ctl_create("guest-b", 1, &b), 0))
            return;
        if (a != 1 || b != 2)
            test_fail("round %u: new domains got ids %u and %u, expected 1 and 2", round, a, b);
        if (expect_rc("getdomaininfo(a)", ctl_info(a, &i), 0) &&
            (i.domain != a || strcmp(i.name, "guest-a") || i.flags != PXDOMF_paused || i.max_vcpus != 2 ||
             i.max_pages != 1024 || i.tot_pages != 0))
            test_fail("domain a: id %u name \"%s\" flags %#x vcpus %u pages %lu/%lu", i.domain,
                      i.name, i.flags, i.max_vcpus, i.tot_pages, i.max_pages);
        expect_rc("destroydomain(a)", ctl_destroy(a), 0);
        expect_rc("destroydomain(a) again", ctl_destroy(a), -ESRCH);
        if (expect_rc("getdomaininfo(a), now gone", ctl_info(a, &i), 0) && i.domain != b)
            test_fail("getdomaininfo(%u) found %u, expected the next one, %u", a, i.domain, b);
        if (expect_rc("createdomain(c)", ctl_create("guest-c", 1, &c), 0) && c != a)
            test_fail("a new domain got id %u, not the freed %u", c, a);
        expect_rc("destroydomain(c)", ctl_destroy(c), 0);
        expect_rc("destroydomain(b)", ctl_destroy(b), 0);
        if (round == 0)
            after_first = ctl_free_pages();
    }
    if (ctl_free_pages() != after_first)
        test_fail("free pages %lu after four create/destroy rounds, %lu after the first",
                  ctl_free_pages(), after_first);
}

/* A port linked to a domain that is destroyed goes back to unbound (the
 * far end is torn down, nothing dangles); sends on it are dropped. */
void test_control_destroy_unlinks(void)
{
    struct evtchn_alloc_unbound au = { .remote_dom = 0 };
    struct evtchn_bind_interdomain bi;
    struct evtchn_status st = { .dom = DOMID_SELF };
    domid_t x;

    if (!expect_rc("createdomain(x)", ctl_create("guest-x", 1, &x), 0))
        return;
    au.dom = x;
    if (!expect_rc("alloc_unbound in x for dom0",
                   hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0))
        goto out;
    bi = (struct evtchn_bind_interdomain){ .remote_dom = x, .remote_port = au.port };
    if (!expect_rc("bind_interdomain to x", hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0))
        goto out;
    st.port = bi.local_port;
    if (expect_rc("status", hypercall_event_channel_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_interdomain || st.u.interdomain.dom != x))
        test_fail("linked port: status %u dom %u", st.status, st.u.interdomain.dom);
    expect_rc("destroydomain(x)", ctl_destroy(x), 0);
    if (expect_rc("status after x is gone", hypercall_event_channel_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != x))
        test_fail("port to a destroyed domain: status %u dom %u", st.status, st.u.unbound.dom);
    expect_rc("send after x is gone",
              hypercall_event_channel_op(EVTCHNOP_send, &(struct evtchn_send){ .port = bi.local_port }), 0);
    hypercall_event_channel_op(EVTCHNOP_close, &(struct evtchn_close){ .port = bi.local_port });
    return;
out:
    ctl_destroy(x);
}

void test_control_readconsole(void)
{
    static char buf[512];
    struct proxen_control op = ctl_op(PXCTL_readconsole, 0);
    struct pxctl_readconsole *r = &op.u.readconsole;

    r->buffer = (uint64_t)buf;
    r->size = sizeof(buf) - 1;
    r->index = 0;
    if (!expect_rc("readconsole", ctl_call(&op), 0))
        return;
    if (r->size == 0 || r->size >= sizeof(buf) || r->index < r->size) {
        test_fail("readconsole: %u bytes, index %lu", r->size, r->index);
        return;
    }
    buf[r->size] = '\0';
    if (!strstr(buf, "Proxen"))
        test_fail("the log's first %u bytes do not mention Proxen", r->size);
    op = ctl_op(PXCTL_readconsole, 0);
    r->buffer = UNMAPPED_VA;
    r->size = 64;
    expect_rc("readconsole(unmapped buffer)", ctl_call(&op), -EFAULT);
}

/* A created domain's memory: given up to its limit, zeroed frames of its
 * own (the initial domain cannot map them), listed, and returned to the
 * heap when it is destroyed. */
void test_control_populate(void)
{
    static uint64_t mfns[300];
    uint64_t got, before = 0;
    struct pxctl_domaininfo i;
    domid_t x;

    for (unsigned int round = 0; round < 2; round++) {
        if (round == 1)
            before = ctl_free_pages();
        if (!expect_rc("createdomain(x)", ctl_create("guest-mem", 1, &x), 0))
            return;
        expect_rc("populate(x, 256)", ctl_populate(x, 256), 0);
        expect_rc("populate(x, 769), past max_pages", ctl_populate(x, 769), -ENOMEM);
        if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0) && i.tot_pages != 256)
            test_fail("domain x has %lu pages, expected 256", i.tot_pages);
        if (round == 1 && ctl_free_pages() > before - 256)
            test_fail("256 pages given, free went from %lu to %lu", before, ctl_free_pages());
        if (expect_rc("getmemlist(x)", ctl_memlist(x, 0, mfns, 300, &got), 0) && got != 256)
            test_fail("getmemlist listed %lu frames, expected 256", got);
        expect_rc("getmemlist(x, from 250)", ctl_memlist(x, 250, mfns + 256, 40, &got), 0);
        if (got != 6 || mfns[256] != mfns[250] || mfns[261] != mfns[255])
            test_fail("getmemlist from 250: %lu frames, first %#lx (expected 6, %#lx)", got,
                      mfns[256], mfns[250]);
        expect_rc("getmemlist(unmapped buffer)", ctl_memlist(x, 0, (uint64_t *)UNMAPPED_VA, 8, &got),
                  -EFAULT);
        /* Another domain's frame is not the initial domain's to map
         * (Xen's answer for a frame the page table's owner does not own). */
        expect_rc("mapping x's frame", pt_map(SCRATCH_VA, mfns[0], PTE_KERNEL_RW), -EBUSY);
        expect_rc("populate(dom0)", ctl_populate(0, 1), -EINVAL);
        expect_rc("destroydomain(x)", ctl_destroy(x), 0);
        expect_rc("populate(x) once gone", ctl_populate(x, 1), -ESRCH);
    }
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after the domain was destroyed, %lu before it was made",
                  ctl_free_pages(), before);
}

static volatile unsigned int dom_exc_events;

static void dom_exc(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    dom_exc_events++;
}

/* The initial domain hears of a domain's end through VIRQ_DOM_EXC. */
void test_control_virq_dom_exc(void)
{
    long port = events_bind_virq(VIRQ_DOM_EXC, 0, dom_exc, NULL);
    unsigned int before;
    domid_t x;

    if (port < 0) {
        test_fail("bind_virq(VIRQ_DOM_EXC) = %ld", port);
        return;
    }
    events_restore(true);
    before = dom_exc_events;
    if (expect_rc("createdomain(x)", ctl_create("guest-exc", 1, &x), 0)) {
        if (dom_exc_events != before)
            test_fail("VIRQ_DOM_EXC for a domain being created");
        expect_rc("destroydomain(x)", ctl_destroy(x), 0);
        if (dom_exc_events != before + 1)
            test_fail("%u VIRQ_DOM_EXC events for one destroyed domain", dom_exc_events - before);
    }
    events_save_disable();
    events_unbind((evtchn_port_t)port);
}
