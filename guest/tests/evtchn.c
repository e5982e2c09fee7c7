/* Event channels from the guest: every event_channel_op, the upcall,
 * masking, SCHEDOP_poll, and the refusals (Xen's errno, nothing changed:
 * the next port handed out is the one it would have been). */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <pvclock.h>
#include <smp.h>
#include <test.h>
#include "tests.h"

#define MS 1000000UL

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static volatile unsigned int upcalls;
static volatile evtchn_port_t last_port;

static void count(evtchn_port_t port, void *data)
{
    (void)data;
    last_port = port;
    upcalls++;
}

static long alloc_self(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    return rc ? rc : a.port;
}

/* The port the next allocation gets (allocated and closed again). */
static long next_port(void)
{
    long port = alloc_self();

    if (port > 0)
        evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = (evtchn_port_t)port });
    return port;
}

static void expect_unchanged(const char *after, long before)
{
    long now = next_port();

    if (now != before)
        test_fail("after %s the next port is %ld, was %ld", after, now, before);
}

static bool port_pending(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
           (1ULL << (p % 64));
}

static void events_on(void)
{
    events_restore(true);
}

static void events_off(void)
{
    events_save_disable();
}

/* An unbound port offered to the domain itself, bound to a second port
 * (loopback): a send on either end raises the other, through the
 * upcall; status says so; closing one end leaves the other unbound. */
void test_evtchn_loopback(void)
{
    struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
    struct evtchn_status st = { .dom = DOMID_SELF };
    long a = alloc_self();
    unsigned int before;

    if (a <= 0 || a >= EVTCHN_2L_NR_CHANNELS) {
        test_fail("EVTCHNOP_alloc_unbound gave %ld", a);
        return;
    }
    st.port = (evtchn_port_t)a;
    if (expect_rc("status(unbound)", evtchn_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != 0))
        test_fail("unbound port: status %u dom %u", st.status, st.u.unbound.dom);
    b.remote_port = (evtchn_port_t)a;
    if (!expect_rc("bind_interdomain(self)", evtchn_op(EVTCHNOP_bind_interdomain, &b), 0))
        return;
    /* The new end starts pending; with no handler yet it stays so. */
    if (!port_pending(b.local_port))
        test_fail("the newly bound port %u is not pending", b.local_port);
    shared_info->evtchn_pending[b.local_port / 64] &= ~(1ULL << (b.local_port % 64));
    events_set_handler(b.local_port, count, NULL);
    events_set_handler((evtchn_port_t)a, count, NULL);
    events_on();
    before = upcalls;
    expect_rc("send", evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = (evtchn_port_t)a }), 0);
    if (upcalls != before + 1 || last_port != b.local_port)
        test_fail("send on %ld: %u upcalls, last port %u (expected %u)", a, upcalls - before,
                  last_port, b.local_port);
    expect_rc("send back", evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = b.local_port }), 0);
    if (last_port != (evtchn_port_t)a)
        test_fail("send on %u reached port %u", b.local_port, last_port);
    events_off();
    st.port = (evtchn_port_t)a;
    if (expect_rc("status(interdomain)", evtchn_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_interdomain || st.u.interdomain.port != b.local_port))
        test_fail("linked port: status %u peer port %u", st.status, st.u.interdomain.port);
    expect_rc("close", events_unbind(b.local_port), 0);
    if (expect_rc("status(peer closed)", evtchn_op(EVTCHNOP_status, &st), 0) &&
        st.status != EVTCHNSTAT_unbound)
        test_fail("the other end has status %u, not unbound", st.status);
    expect_rc("close", events_unbind((evtchn_port_t)a), 0);
    if (expect_rc("status(closed)", evtchn_op(EVTCHNOP_status, &st), 0) &&
        st.status != EVTCHNSTAT_closed)
        test_fail("closed port has status %u", st.status);
}

/* Send to self over an IPI port: the handler has run by the time the
 * send returns with events on; with events off it runs when they come
 * back on; a masked port raises nothing until unmasked. */
void test_evtchn_ipi_self(void)
{
    long port = events_bind_ipi(0, count, NULL);
    struct evtchn_send s;
    unsigned int before;

    if (port < 0) {
        test_fail("bind_ipi(0) = %ld", port);
        return;
    }
    s.port = (evtchn_port_t)port;
    events_on();
    before = upcalls;
    evtchn_op(EVTCHNOP_send, &s);
    if (upcalls != before + 1)
        test_fail("events on: %u upcalls after the send", upcalls - before);
    events_off();
    before = upcalls;
    evtchn_op(EVTCHNOP_send, &s);
    if (upcalls != before)
        test_fail("events off: the handler ran");
    events_on();
    if (upcalls != before + 1)
        test_fail("events back on: %u upcalls", upcalls - before);
    events_mask((evtchn_port_t)port);
    before = upcalls;
    evtchn_op(EVTCHNOP_send, &s);
    if (upcalls != before || !port_pending((evtchn_port_t)port))
        test_fail("masked port: %u upcalls, pending %d", upcalls - before,
                  port_pending((evtchn_port_t)port));
    events_unmask((evtchn_port_t)port);
    if (upcalls != before + 1)
        test_fail("unmasked while pending: %u upcalls", upcalls - before);
    events_off();
    expect_rc("close", events_unbind((evtchn_port_t)port), 0);
}

/* Ports that are not there, and operations a port's kind does not allow. */
void test_evtchn_bad_ports(void)
{
    static const evtchn_port_t bad[] = { EVTCHN_2L_NR_CHANNELS, 0x7fffffff, 0xffffffff };
    evtchn_port_t timer = events_timer_port();
    long before = next_port();

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        evtchn_port_t p = bad[i];
        struct evtchn_status st = { .dom = DOMID_SELF, .port = p };
        struct evtchn_bind_vcpu bv = { .port = p, .vcpu = 0 };

        expect_rc("send(bad)", evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = p }), -EINVAL);
        expect_rc("close(bad)", evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = p }), -EINVAL);
        expect_rc("unmask(bad)", evtchn_op(EVTCHNOP_unmask, &(struct evtchn_unmask){ .port = p }), -EINVAL);
        expect_rc("status(bad)", evtchn_op(EVTCHNOP_status, &st), -EINVAL);
        expect_rc("bind_vcpu(bad)", evtchn_op(EVTCHNOP_bind_vcpu, &bv), -EINVAL);
    }
    expect_rc("close(0)", evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = 0 }), -EINVAL);
    expect_rc("send(0)", evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = 0 }), -EINVAL);
    /* A VIRQ port is the hypervisor's to raise, and stays on its vCPU. */
    expect_rc("send(VIRQ_TIMER port)",
              evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = timer }), -EINVAL);
    expect_rc("bind_vcpu(VIRQ_TIMER port, 0)",
              evtchn_op(EVTCHNOP_bind_vcpu, &(struct evtchn_bind_vcpu){ .port = timer }), -EINVAL);
    expect_rc("bind_vcpu(port, vCPU 0x7fff)",
              evtchn_op(EVTCHNOP_bind_vcpu, &(struct evtchn_bind_vcpu){ .port = timer, .vcpu = 0x7fff }),
              -ENOENT);
    expect_unchanged("refused port operations", before);
}

void test_evtchn_bind_virq_refused(void)
{
    static const struct {
        uint32_t virq, vcpu;
        long rc;
    } cases[] = {
        { NR_VIRQS, 0, -EINVAL },
        { 0xffffffff, 0, -EINVAL },
        { VIRQ_DOM_EXC, 1, -EINVAL },       /* global VIRQs: vCPU 0 only */
        { VIRQ_CONSOLE, 0x7fff, -EINVAL },
        { VIRQ_DEBUG, 0x7fff, -ENOENT },
        { VIRQ_DEBUG, 0xffffffff, -ENOENT },
        { VIRQ_DEBUG, 32, -ENOENT },
        { VIRQ_TIMER, 0, -EEXIST },         /* the kernel's own */
    };
    long before = next_port();

    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct evtchn_bind_virq b = { .virq = cases[i].virq, .vcpu = cases[i].vcpu };
        char what[64];

        snprintf(what, sizeof(what), "bind_virq(%u, vCPU %u)", cases[i].virq, cases[i].vcpu);
        expect_rc(what, evtchn_op(EVTCHNOP_bind_virq, &b), cases[i].rc);
    }
    expect_rc("bind_ipi(vCPU 0x7fff)",
              evtchn_op(EVTCHNOP_bind_ipi, &(struct evtchn_bind_ipi){ .vcpu = 0x7fff }), -ENOENT);
    expect_unchanged("refused bindings", before);
}

/* A global VIRQ is bound once, reported as such, and closed. */
void test_evtchn_bind_virq_global(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_CON_RING, .vcpu = 0 };
    struct evtchn_status st = { .dom = DOMID_SELF };

    if (!expect_rc("bind_virq(VIRQ_CON_RING)", evtchn_op(EVTCHNOP_bind_virq, &b), 0))
        return;
    st.port = b.port;
    if (expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_virq || st.u.virq != VIRQ_CON_RING || st.vcpu != 0))
        test_fail("status %u virq %u vcpu %u", st.status, st.u.virq, st.vcpu);
    expect_rc("bind_virq again", evtchn_op(EVTCHNOP_bind_virq, &b), -EEXIST);
    expect_rc("close", evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = b.port }), 0);
    expect_rc("bind_virq after close", evtchn_op(EVTCHNOP_bind_virq, &b), 0);
    expect_rc("close", evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = b.port }), 0);
}

/* Domains that do not exist. */
void test_evtchn_other_domains(void)
{
    struct evtchn_alloc_unbound a = { .dom = 0x7fef, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain b = { .remote_dom = 0x7fef, .remote_port = 1 };
    struct evtchn_status st = { .dom = 0x7fef, .port = 1 };
    long before = next_port();

    expect_rc("alloc_unbound(dom 0x7fef)", evtchn_op(EVTCHNOP_alloc_unbound, &a), -ESRCH);
    expect_rc("bind_interdomain(dom 0x7fef)", evtchn_op(EVTCHNOP_bind_interdomain, &b), -ESRCH);
    expect_rc("status(dom 0x7fef)", evtchn_op(EVTCHNOP_status, &st), -ESRCH);
    expect_rc("reset(dom 0x7fef)", evtchn_op(EVTCHNOP_reset, &(struct evtchn_reset){ .dom = 0x7fef }),
              -ESRCH);
    /* A port not offered to us, and our own free port. */
    b.remote_dom = DOMID_SELF;
    b.remote_port = (evtchn_port_t)before;
    expect_rc("bind_interdomain(free port)", evtchn_op(EVTCHNOP_bind_interdomain, &b), -EINVAL);
    b.remote_port = 4000;               /* in range, never handed out */
    expect_rc("bind_interdomain(port 4000)", evtchn_op(EVTCHNOP_bind_interdomain, &b), -EINVAL);
    b.remote_port = events_timer_port();
    expect_rc("bind_interdomain(VIRQ port)", evtchn_op(EVTCHNOP_bind_interdomain, &b), -EINVAL);
    expect_unchanged("refused interdomain operations", before);
}

/* Every port taken: -ENOSPC for each kind of binding, then all freed. */
void test_evtchn_exhaust(void)
{
    static evtchn_port_t taken[EVTCHN_2L_NR_CHANNELS];
    unsigned int n = 0;
    long port;

    while ((port = alloc_self()) > 0 && n < EVTCHN_2L_NR_CHANNELS)
        taken[n++] = (evtchn_port_t)port;
    if (port != -ENOSPC)
        test_fail("alloc_unbound after %u ports: %ld, not -ENOSPC", n, port);
    if (n < EVTCHN_2L_NR_CHANNELS - 8)
        test_fail("only %u ports before running out", n);
    expect_rc("bind_ipi when full",
              evtchn_op(EVTCHNOP_bind_ipi, &(struct evtchn_bind_ipi){ .vcpu = 0 }), -ENOSPC);
    expect_rc("bind_virq when full",
              evtchn_op(EVTCHNOP_bind_virq, &(struct evtchn_bind_virq){ .virq = VIRQ_CON_RING }),
              -ENOSPC);
    while (n)
        evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = taken[--n] });
    if (alloc_self() <= 0)
        test_fail("no port after freeing them all");
    else
        evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = (evtchn_port_t)next_port() });
}

/* Unmasking a port that is not in use: within the valid ports it is
 * accepted (0) and changes nothing, as on Xen; past them -EINVAL. */
void test_evtchn_unmask_unbound(void)
{
    long port = next_port();
    evtchn_port_t p = (evtchn_port_t)port;
    unsigned int before = upcalls;

    events_mask(p);
    expect_rc("unmask(never bound)", evtchn_op(EVTCHNOP_unmask, &(struct evtchn_unmask){ .port = p }), 0);
    if (!(shared_info->evtchn_mask[p / 64] & (1ULL << (p % 64))))
        test_fail("free port %u was unmasked", p);
    if (upcalls != before)
        test_fail("an upcall for a never-bound port");
    events_mask(p);
    expect_rc("unmask(4000)", evtchn_op(EVTCHNOP_unmask, &(struct evtchn_unmask){ .port = 4000 }),
              -EINVAL);
}

void test_evtchn_fifo_answers(void)
{
    struct evtchn_init_control c = { .control_gfn = (uint64_t)-2, .offset = 0, .vcpu = 0 };
    struct evtchn_expand_array e = { .array_gfn = 0 };

    /* XSA-188's checks. */
    expect_rc("init_control(bad frame)", evtchn_op(EVTCHNOP_init_control, &c), -EINVAL);
    expect_rc("expand_array", evtchn_op(EVTCHNOP_expand_array, &e), -EOPNOTSUPP);
    c.vcpu = 0x7fff;
    expect_rc("init_control(vCPU 0x7fff)", evtchn_op(EVTCHNOP_init_control, &c), -ENOENT);
    c.vcpu = 0;
    c.offset = 4;
    expect_rc("init_control(offset 4)", evtchn_op(EVTCHNOP_init_control, &c), -EINVAL);
    expect_rc("set_priority(timer port)",
              evtchn_op(EVTCHNOP_set_priority,
                        &(struct evtchn_set_priority){ .port = events_timer_port() }), -ENOSYS);
    expect_rc("set_priority(4000)",
              evtchn_op(EVTCHNOP_set_priority, &(struct evtchn_set_priority){ .port = 4000 }),
              -EINVAL);
    /* No physical IRQ is the guest's to bind (Xen's answer to a domain
     * without the permission). */
    expect_rc("bind_pirq(1)", evtchn_op(EVTCHNOP_bind_pirq, &(struct evtchn_bind_pirq){ .pirq = 1 }),
              -EPERM);
    /* 14 is Xen's continuation of reset, which guests can call. */
    expect_rc("EVTCHNOP 14 (reset_cont), unknown domain",
              evtchn_op(EVTCHNOP_reset_cont, &(struct evtchn_reset){ .dom = 0x7fef }), -ESRCH);
    expect_rc("EVTCHNOP 15", evtchn_op(15, &c), -ENOSYS);
}

/* Arguments the hypervisor cannot read or write back. */
void test_evtchn_bad_pointers(void)
{
    static const uint64_t bad[] = { UNMAPPED_VA, HV_ADDRESS, NONCANONICAL_ADDRESS };
    long before = next_port();
    struct evtchn_op op = { .cmd = EVTCHNOP_alloc_unbound };

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned int cmd = 0; cmd <= EVTCHNOP_set_priority; cmd++) {
            char what[48];

            snprintf(what, sizeof(what), "EVTCHNOP %u at %#lx", cmd, bad[i]);
            expect_rc(what, hypercall(__HYPERVISOR_event_channel_op, cmd, bad[i], 0, 0, 0),
                      -EFAULT);
        }
        expect_rc("event_channel_op_compat(bad)",
                  hypercall(__HYPERVISOR_event_channel_op_compat, bad[i], 0, 0, 0, 0), -EFAULT);
    }
    expect_unchanged("unreadable arguments", before);
    /* The old form: command and struct in one. */
    op.u.alloc_unbound = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    if (expect_rc("compat alloc_unbound",
                  hypercall(__HYPERVISOR_event_channel_op_compat, (uint64_t)&op, 0, 0, 0, 0), 0) &&
        op.u.alloc_unbound.port != (evtchn_port_t)before)
        test_fail("compat alloc_unbound gave port %u, expected %ld", op.u.alloc_unbound.port, before);
    op.cmd = EVTCHNOP_close;
    op.u.close.port = (evtchn_port_t)before;
    expect_rc("compat close", hypercall(__HYPERVISOR_event_channel_op_compat, (uint64_t)&op, 0, 0, 0, 0), 0);
    op.cmd = EVTCHNOP_reset;
    expect_rc("compat reset (not in the old form)",
              hypercall(__HYPERVISOR_event_channel_op_compat, (uint64_t)&op, 0, 0, 0, 0), -ENOSYS);
}

/* EVTCHNOP_reset of the domain itself closes every port, the kernel's
 * timer port too (which the kernel then binds again). */
void test_evtchn_reset(void)
{
    long a = alloc_self();
    struct evtchn_status st = { .dom = DOMID_SELF };

    expect_rc("reset(self)", evtchn_op(EVTCHNOP_reset, &(struct evtchn_reset){ .dom = DOMID_SELF }), 0);
    st.port = (evtchn_port_t)a;
    if (expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0) && st.status != EVTCHNSTAT_closed)
        test_fail("port %ld has status %u after reset", a, st.status);
    st.port = events_timer_port();
    if (expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0) && st.status != EVTCHNSTAT_closed)
        test_fail("the timer port has status %u after reset", st.status);
    events_repair();
    st.port = events_timer_port();
    if (expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0) &&
        (st.status != EVTCHNSTAT_virq || st.u.virq != VIRQ_TIMER))
        test_fail("VIRQ_TIMER not bound again (status %u)", st.status);
}

static long poll(const evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
    struct sched_poll p = { .ports = (uint64_t)ports, .nr_ports = n, .timeout = timeout };

    return hypercall_sched_op(SCHEDOP_poll, &p);
}

/* SCHEDOP_poll: a pending port returns at once, a timeout returns after
 * it, the timer's event (masked port, events off) ends the wait early. */
void test_sched_poll(void)
{
    long port = events_bind_ipi(0, count, NULL);
    evtchn_port_t ports[2];
    uint64_t start, end;

    if (port < 0) {
        test_fail("bind_ipi = %ld", port);
        return;
    }
    ports[0] = events_timer_port();
    ports[1] = (evtchn_port_t)port;
    events_mask(ports[1]);
    evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ .port = ports[1] });
    start = system_time_ns();
    expect_rc("poll(pending port)", poll(ports, 2, start + 1000 * MS), 0);
    if (system_time_ns() - start > 500 * MS)
        test_fail("poll with a pending port waited %lu ms", (system_time_ns() - start) / MS);
    shared_info->evtchn_pending[ports[1] / 64] &= ~(1ULL << (ports[1] % 64));
    /* Nothing pending: back after the timeout. */
    start = system_time_ns();
    expect_rc("poll(timeout 5 ms)", poll(&ports[1], 1, start + 5 * MS), 0);
    end = system_time_ns();
    if (end < start + 5 * MS - 100000)
        test_fail("poll returned %lu us before its timeout", (start + 5 * MS - end) / 1000);
    /* A timeout in the past: at once. */
    expect_rc("poll(timeout in the past)", poll(&ports[1], 1, 1), 0);
    /* The timer's VIRQ ends a poll on its port. */
    events_mask(ports[0]);
    start = system_time_ns();
    hypercall_set_timer_op(start + 5 * MS);
    expect_rc("poll(timer port)", poll(&ports[0], 1, start + 2000 * MS), 0);
    end = system_time_ns();
    if (end > start + 1000 * MS || !port_pending(ports[0]))
        test_fail("poll on the timer port: %lu ms, pending %d", (end - start) / MS,
                  port_pending(ports[0]));
    events_unmask(ports[0]);            /* the kernel takes the event */
    events_on();
    events_off();
    events_unbind(ports[1]);
}

void test_sched_poll_refused(void)
{
    static evtchn_port_t many[129];
    evtchn_port_t big[2] = { 1, EVTCHN_2L_NR_CHANNELS };
    struct sched_poll p = { .ports = UNMAPPED_VA, .nr_ports = 1, .timeout = 0 };

    expect_rc("poll(129 ports)", poll(many, 129, 1), -EINVAL);
    expect_rc("poll(port 4096)", poll(big, 2, 1), -EINVAL);
    expect_rc("poll(unmapped list)", hypercall_sched_op(SCHEDOP_poll, &p), -EFAULT);
    p.ports = HV_ADDRESS;
    expect_rc("poll(list in the hypervisor)", hypercall_sched_op(SCHEDOP_poll, &p), -EFAULT);
    expect_rc("poll(unmapped argument)", hypercall_sched_op(SCHEDOP_poll, (void *)UNMAPPED_VA),
              -EFAULT);
    /* No ports and no timeout would sleep until an event: not tested. */
    expect_rc("poll(no ports, timeout passed)", poll(many, 0, 1), 0);
}

/* VIRQ_CON_RING: the hypervisor's log grew (here: by the guest's own
 * console output, which the initial domain's console_io adds to it). */
void test_evtchn_virq_con_ring(void)
{
    static const char line[] = "(a line for the hypervisor's log)\n";
    long port = events_bind_virq(VIRQ_CON_RING, 0, count, NULL);
    unsigned int before;
    uint64_t deadline;

    if (port < 0) {
        test_fail("bind_virq(VIRQ_CON_RING) = %ld", port);
        return;
    }
    events_on();
    before = upcalls;
    hypercall_console_io(CONSOLEIO_write, sizeof(line) - 1, line);
    deadline = system_time_ns() + 100 * MS;
    while (upcalls == before && system_time_ns() < deadline)
        hypercall_sched_op(SCHEDOP_yield, NULL);
    if (upcalls == before || last_port != (evtchn_port_t)port)
        test_fail("no VIRQ_CON_RING event after a console write (%u upcalls, last port %u)",
                  upcalls - before, last_port);
    events_off();
    events_unbind((evtchn_port_t)port);
}
