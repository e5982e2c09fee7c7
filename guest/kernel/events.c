/* Event channels in the guest kernel (events.h). */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <pvclock.h>
#include <smp.h>
#include <timers.h>
#include <vcpu_info.h>

struct handler {
    evtchn_handler_fn *fn;
    void *data;
};

static struct handler handlers[EVTCHN_2L_NR_CHANNELS];
/* The ports bound through this file to each vCPU.  The pending bits of
 * all vCPUs share words, and an upcall that took another vCPU's port
 * would race that vCPU's upcall for it (the handler run on the wrong vCPU
 * or twice, or the event left pending with nobody told), which Linux's
 * cpu_evtchn_mask prevents too.  So a vCPU other than 0 handles only its
 * own ports, and vCPU 0 every port not bound to another (ports bound by
 * hand, with the hypercall, notify vCPU 0 unless moved). */
static uint64_t vcpu_ports[SMP_MAX_VCPUS][EVTCHN_2L_NR_CHANNELS / 64];

static uint64_t ports_of(unsigned int vcpu, unsigned int w)
{
    uint64_t others = 0;

    if (vcpu)
        return __atomic_load_n(&vcpu_ports[vcpu][w], __ATOMIC_SEQ_CST);
    for (unsigned int v = 1; v < SMP_MAX_VCPUS; v++)
        others |= __atomic_load_n(&vcpu_ports[v][w], __ATOMIC_SEQ_CST);
    return ~others;
}

static evtchn_port_t timer_port;
static volatile uint64_t timer_ticks;

static struct vcpu_info *this_vcpu_info(void)
{
    return vcpu_info_of(smp_self());
}

void events_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1ULL << (port % 64),
                      __ATOMIC_SEQ_CST);
}

void events_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    if (hypercall_event_channel_op(EVTCHNOP_unmask, &u))
        panic("EVTCHNOP_unmask(%u) failed", port);
}

static void port_on_vcpu(evtchn_port_t port, int vcpu)
{
    for (unsigned int v = 0; v < SMP_MAX_VCPUS; v++)
        __atomic_fetch_and(&vcpu_ports[v][port / 64], ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
    if (vcpu >= 0)
        __atomic_fetch_or(&vcpu_ports[vcpu][port / 64], 1ULL << (port % 64), __ATOMIC_SEQ_CST);
}

static void set_handler_on(evtchn_port_t port, unsigned int vcpu, evtchn_handler_fn *fn,
                           void *data)
{
    handlers[port] = (struct handler){ fn, data };
    port_on_vcpu(port, (int)vcpu);
    events_unmask(port);
}

/* A new interdomain or unbound port notifies vCPU 0, as on Xen. */
void events_set_handler(evtchn_port_t port, evtchn_handler_fn *fn, void *data)
{
    set_handler_on(port, 0, fn, data);
}

long events_bind_virq(unsigned int virq, unsigned int vcpu, evtchn_handler_fn *fn, void *data)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = vcpu < SMP_MAX_VCPUS ? hypercall_event_channel_op(EVTCHNOP_bind_virq, &b)
                                   : -EINVAL;

    if (rc)
        return rc;
    set_handler_on(b.port, vcpu, fn, data);
    return b.port;
}

long events_bind_ipi(unsigned int vcpu, evtchn_handler_fn *fn, void *data)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = vcpu < SMP_MAX_VCPUS ? hypercall_event_channel_op(EVTCHNOP_bind_ipi, &b) : -EINVAL;

    if (rc)
        return rc;
    set_handler_on(b.port, vcpu, fn, data);
    return b.port;
}

long events_unbind(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    events_mask(port);
    handlers[port] = (struct handler){ NULL, NULL };
    port_on_vcpu(port, -1);
    return hypercall_event_channel_op(EVTCHNOP_close, &c);
}

bool events_save_disable(void)
{
    struct vcpu_info *vi = this_vcpu_info();
    bool was = !vi->evtchn_upcall_mask;

    vi->evtchn_upcall_mask = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return was;
}

void events_restore(bool were_enabled)
{
    struct vcpu_info *vi = this_vcpu_info();

    if (!were_enabled)
        return;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    vi->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* Pending while masked: any hypercall returns through the upcall. */
    if (vi->evtchn_upcall_pending)
        hypercall_xen_version(XENVER_version, NULL);
}

/* The 2-level scan: clear the upcall flag, take the selector, and run
 * the handler of each pending, unmasked port of this vCPU (cleared first,
 * so that a new event during the handler is not lost). */
void events_upcall(void)
{
    struct vcpu_info *vi;
    unsigned int self;

    if (!shared_info)
        return;
    self = smp_self();
    vi = this_vcpu_info();
    while (__atomic_exchange_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST)) {
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

        while (sel) {
            unsigned int w = (unsigned int)__builtin_ctzll(sel);
            uint64_t bits = __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                            ~__atomic_load_n(&shared_info->evtchn_mask[w], __ATOMIC_SEQ_CST) &
                            ports_of(self, w);

            sel &= sel - 1;
            while (bits) {
                unsigned int b = (unsigned int)__builtin_ctzll(bits);
                evtchn_port_t port = w * 64 + b;
                struct handler h = handlers[port];

                bits &= bits - 1;
                __atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1ULL << b),
                                   __ATOMIC_SEQ_CST);
                if (h.fn)
                    h.fn(port, h.data);
            }
        }
    }
}

static void timer_fired(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    timer_ticks++;
    timers_run();
}

evtchn_port_t events_timer_port(void) { return timer_port; }
uint64_t events_timer_ticks(void) { return timer_ticks; }

static void bind_timer(void)
{
    long port = events_bind_virq(VIRQ_TIMER, 0, timer_fired, NULL);

    if (port < 0)
        panic("cannot bind VIRQ_TIMER (%ld)", port);
    timer_port = (evtchn_port_t)port;
}

/* Every port masked until bound (port 0 is never used), then the timer.
 * The one-shot timer is the kernel's only one, as in Linux: the 100 Hz
 * periodic timer a PV vCPU starts with is stopped. */
void events_init(void)
{
    for (unsigned int w = 0; w < EVTCHN_2L_NR_CHANNELS / 64; w++)
        shared_info->evtchn_mask[w] = ~0ULL;
    bind_timer();
    hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
}

/* The timer's port is checked; if it was closed or re-bound, the
 * domain's ports are reset and the kernel's own binding made again (the
 * kernel has no other ports while the fuzzer runs). */
void events_repair(void)
{
    struct evtchn_status s = { .dom = DOMID_SELF, .port = timer_port };
    struct evtchn_reset all = { .dom = DOMID_SELF };

    if (!hypercall_event_channel_op(EVTCHNOP_status, &s) && s.status == EVTCHNSTAT_virq &&
        s.u.virq == VIRQ_TIMER && s.vcpu == 0) {
        events_unmask(timer_port);
        return;
    }
    if (hypercall_event_channel_op(EVTCHNOP_reset, &all))
        panic("EVTCHNOP_reset failed");
    memset(handlers, 0, sizeof(handlers));
    memset(vcpu_ports, 0, sizeof(vcpu_ports));
    for (unsigned int w = 0; w < EVTCHN_2L_NR_CHANNELS / 64; w++)
        shared_info->evtchn_mask[w] = ~0ULL;
    bind_timer();
}
