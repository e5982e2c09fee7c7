/* A vCPU's timers as Xen 4.17 runs them for a PV guest: the periodic
 * timer (on by default at 10 ms, VCPUOP_set/stop_periodic_timer, raising
 * VIRQ_TIMER only while the vCPU runs) and the one-shot timer's answer to
 * a deadline already past (VIRQ_TIMER at once, VCPU_SSHOTTMR_future or
 * not, as since Xen 4.17.3). */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <smp.h>
#include <vcpu_info.h>
#include <test.h>
#include "tests.h"

#define MS 1000000UL
#define STIME_DELTA_MAX (~0ULL >> 2)

static long set_periodic(unsigned int vcpu, uint64_t period_ns)
{
    struct vcpu_set_periodic_timer p = { .period_ns = period_ns };

    return hypercall_vcpu_op(VCPUOP_set_periodic_timer, vcpu, &p);
}

static long set_singleshot(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };

    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* VIRQ_TIMER events that reach vCPU 0's handler while it runs, events
 * enabled, for ms milliseconds, with no one-shot timer armed: how many,
 * and the shortest time between two.  (Under TCG on a loaded machine
 * events come late and fewer; never closer than their period.) */
struct ticks {
    uint64_t count, min_gap;
};

static struct ticks ticks_while_running(unsigned int ms)
{
    struct ticks t = { 0, ~0ULL };
    uint64_t seen = events_timer_ticks(), last = 0, now, end;
    bool were;

    hypercall_set_timer_op(0);
    were = events_save_disable();
    events_restore(true);
    hypercall_xen_version(XENVER_version, NULL);     /* what was pending before */
    seen = events_timer_ticks();
    end = system_time_ns() + ms * MS;
    while ((now = system_time_ns()) < end) {
        if (events_timer_ticks() == seen) {
            cpu_relax();
            continue;
        }
        seen = events_timer_ticks();
        if (t.count++ && now - last < t.min_gap)
            t.min_gap = now - last;
        last = now;
    }
    events_save_disable();
    events_restore(were);
    return t;
}

/* A period p shows as events each at least p after the last: no more
 * than ms / p + 1 of them (and a few for the time an event takes to be
 * seen), some no more than 4 p apart.  How close two are as the guest
 * sees them says nothing: one seen late and the next on time look close
 * (TCG on a loaded machine delivers timer interrupts up to milliseconds
 * late). */
static void expect_period(const char *what, uint64_t period, unsigned int ms)
{
    struct ticks t = ticks_while_running(ms);

    if (t.count < 3 || t.count > ms * MS / period + 3)
        test_fail("%s: %lu VIRQ_TIMER events in %u ms", what, t.count, ms);
    else if (t.min_gap > 4 * period)
        test_fail("%s: events %lu us apart at the closest, period %lu us", what,
                  t.min_gap / 1000, period / 1000);
}

static long stop_periodic(unsigned int vcpu)
{
    return hypercall_vcpu_op(VCPUOP_stop_periodic_timer, vcpu, NULL);
}

/* A 2 ms period shows as one; stopped, no event comes. */
void test_periodic_set_stop(void)
{
    if (expect_rc("VCPUOP_set_periodic_timer(2 ms)", set_periodic(0, 2 * MS), 0))
        expect_period("a 2 ms period", 2 * MS, 200);
    if (expect_rc("VCPUOP_stop_periodic_timer", stop_periodic(0), 0)) {
        uint64_t n = ticks_while_running(30).count;

        if (n)
            test_fail("%lu VIRQ_TIMER events in 30 ms with the periodic timer stopped", n);
    }
}

/* Xen's bounds (1 ms to STIME_DELTA_MAX) and errnos; a refused period
 * leaves the timer as it was (2 ms here). */
void test_periodic_refused(void)
{
    if (!expect_rc("VCPUOP_set_periodic_timer(2 ms)", set_periodic(0, 2 * MS), 0))
        return;
    expect_rc("VCPUOP_set_periodic_timer(0)", set_periodic(0, 0), -EINVAL);
    expect_rc("VCPUOP_set_periodic_timer(1 ms - 1 ns)", set_periodic(0, MS - 1), -EINVAL);
    expect_rc("VCPUOP_set_periodic_timer(STIME_DELTA_MAX + 1)",
              set_periodic(0, STIME_DELTA_MAX + 1), -EINVAL);
    expect_rc("VCPUOP_set_periodic_timer(~0)", set_periodic(0, ~0ULL), -EINVAL);
    expect_rc("VCPUOP_set_periodic_timer(vCPU 0x7fff)", set_periodic(0x7fff, 2 * MS), -ENOENT);
    expect_rc("VCPUOP_set_periodic_timer(argument in the hypervisor)",
              hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)HV_ADDRESS), -EFAULT);
    expect_period("the 2 ms period after the refusals", 2 * MS, 200);
    expect_rc("VCPUOP_set_periodic_timer(STIME_DELTA_MAX)", set_periodic(0, STIME_DELTA_MAX), 0);
    expect_rc("VCPUOP_set_periodic_timer(1 ms)", set_periodic(0, MS), 0);
    stop_periodic(0);
}

/* One SCHEDOP_block with a one-shot timer 20 ms ahead, events taken
 * first: how long the vCPU was blocked. */
static uint64_t block_20ms(void)
{
    struct vcpu_runstate_info a, b;

    events_restore(true);
    hypercall_xen_version(XENVER_version, NULL);     /* take what is pending */
    events_save_disable();
    hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &a);
    hypercall_set_timer_op(system_time_ns() + 20 * MS);
    hypercall_sched_op(SCHEDOP_block, NULL);
    events_save_disable();
    hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &b);
    return b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked];
}

/* The periodic timer does not wake a blocked vCPU (Xen stops it while
 * the vCPU does not run): with a 5 ms period, SCHEDOP_block with a
 * one-shot timer 20 ms ahead stays blocked about 20 ms.  A block that
 * ends at once found a tick that came just before it: tried again. */
void test_periodic_not_while_blocked(void)
{
    uint64_t blocked = 0;
    bool were;

    if (!expect_rc("VCPUOP_set_periodic_timer(5 ms)", set_periodic(0, 5 * MS), 0))
        return;
    were = events_save_disable();
    for (unsigned int try = 0; try < 5 && blocked < MS / 5; try++)
        blocked = block_20ms();
    if (blocked < 15 * MS)
        test_fail("a 20 ms block with a 5 ms periodic timer lasted %lu us", blocked / 1000);
    events_restore(were);
    stop_periodic(0);
}

static bool timer_pending(void)
{
    evtchn_port_t p = events_timer_port();

    return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
           (1ULL << (p % 64));
}

static void clear_timer_pending(void)
{
    evtchn_port_t p = events_timer_port();

    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1ULL << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

/* A deadline in the past, with VCPU_SSHOTTMR_future or without: 0 and
 * VIRQ_TIMER pending when the call returns (Xen 4.17.3 on; 4.17.0 gave
 * -ETIME with the flag).  One far ahead raises nothing yet. */
void test_singleshot_past(void)
{
    uint64_t now;
    bool were;

    were = events_save_disable();
    now = system_time_ns();
    clear_timer_pending();
    expect_rc("VCPUOP_set_singleshot_timer(past, future flag)",
              set_singleshot(now - MS, VCPU_SSHOTTMR_future), 0);
    if (!timer_pending())
        test_fail("a past deadline with VCPU_SSHOTTMR_future: VIRQ_TIMER not pending at once");
    clear_timer_pending();
    expect_rc("VCPUOP_set_singleshot_timer(1 ns)", set_singleshot(1, 0), 0);
    if (!timer_pending())
        test_fail("a deadline of 1 ns: VIRQ_TIMER not pending at once");
    clear_timer_pending();
    expect_rc("VCPUOP_set_singleshot_timer(1 s ahead, future flag)",
              set_singleshot(system_time_ns() + 1000 * MS, VCPU_SSHOTTMR_future), 0);
    if (timer_pending())
        test_fail("a deadline 1 s ahead: VIRQ_TIMER pending at once");
    expect_rc("VCPUOP_stop_singleshot_timer",
              hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    expect_rc("VCPUOP_set_singleshot_timer(argument in the hypervisor)",
              hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)HV_ADDRESS), -EFAULT);
    clear_timer_pending();
    events_restore(were);
}

static volatile bool release_job;

static void hold(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&release_job, __ATOMIC_ACQUIRE))
        cpu_relax();
}

static void ignore(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
}

static bool port_pending(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
           (1ULL << (p % 64));
}

static void clear_pending(evtchn_port_t p)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1ULL << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

/* Whether port p becomes pending within ms milliseconds. */
static bool pending_within(evtchn_port_t p, unsigned int ms)
{
    uint64_t give_up = system_time_ns() + ms * MS;

    while (!port_pending(p) && system_time_ns() < give_up)
        cpu_relax();
    return port_pending(p);
}

/* vCPU 1's VIRQ_TIMER bound (and masked: only the pending bit shows) and
 * vCPU 1 running a job that holds it until released; the port, or 0. */
static evtchn_port_t hold_vcpu1_with_timer(void)
{
    long rc = events_bind_virq(VIRQ_TIMER, 1, ignore, NULL);

    if (rc < 0) {
        test_error("binding VIRQ_TIMER to vCPU 1: %ld", rc);
        return 0;
    }
    events_mask((evtchn_port_t)rc);
    clear_pending((evtchn_port_t)rc);
    release_job = false;
    if (!expect_rc("smp_run", smp_run(1, hold, NULL), 0)) {
        events_unbind((evtchn_port_t)rc);
        return 0;
    }
    return (evtchn_port_t)rc;
}

static void release_vcpu1(evtchn_port_t port)
{
    __atomic_store_n(&release_job, true, __ATOMIC_RELEASE);
    smp_wait(1);
    events_unbind(port);
}

/* A PV vCPU starts with Xen's 100 Hz periodic timer (Linux stops it, and
 * this kernel does on vCPU 0 only): vCPU 1, running, gets VIRQ_TIMER
 * within a period and the next one about a period later. */
void test_smp_periodic_default(void)
{
    evtchn_port_t port;
    uint64_t seen;

    if (smp_nr_vcpus() < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    if (!(port = hold_vcpu1_with_timer()))
        return;
    if (!pending_within(port, 1000)) {
        test_fail("vCPU 1, running, got no VIRQ_TIMER in 1 s");
        goto out;
    }
    clear_pending(port);
    seen = system_time_ns();
    if (!pending_within(port, 1000))
        test_fail("vCPU 1 got no second VIRQ_TIMER in 1 s");
    else if (system_time_ns() - seen < 5 * MS)
        test_fail("vCPU 1's events %lu us apart: not the 10 ms default",
                  (system_time_ns() - seen) / 1000);
out:
    release_vcpu1(port);
}

/* vCPU 0 may set vCPU 1's periodic timer (Xen checks no owner).  While
 * vCPU 1 runs, its VIRQ_TIMER port (masked, so only the pending bit
 * shows) is pending at once (the first period counts from the last
 * event, long ago) and again a period later, from the timer on vCPU 1's
 * CPU. */
void test_smp_periodic_other_vcpu(void)
{
    evtchn_port_t port;

    if (smp_nr_vcpus() < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    if (!expect_rc("VCPUOP_stop_periodic_timer(1)", stop_periodic(1), 0) ||
        !(port = hold_vcpu1_with_timer()))
        return;
    expect_rc("VCPUOP_set_periodic_timer(vCPU 1, 2 ms) from vCPU 0", set_periodic(1, 2 * MS), 0);
    if (!pending_within(port, 1000))
        test_fail("vCPU 1's VIRQ_TIMER not pending after vCPU 0 set its 2 ms period");
    clear_pending(port);
    if (!pending_within(port, 1000))
        test_fail("vCPU 1's VIRQ_TIMER not pending again 1 s later (2 ms period)");
    expect_rc("VCPUOP_set_periodic_timer(vCPU 1, 10 ms)", set_periodic(1, 10 * MS), 0);
    release_vcpu1(port);
}

static void arm_own_singleshot(void *arg)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = system_time_ns() + 2 * MS };

    *(long *)arg = hypercall_vcpu_op(VCPUOP_set_singleshot_timer, smp_self(), &t);
}

/* A vCPU's one-shot timer still fires after the vCPU went down (vCPU 1
 * arms it 2 ms ahead and goes down at once): its VIRQ_TIMER is pending
 * for it (selector and upcall flag in its vcpu_info) when it runs
 * again, as on Xen. */
void test_smp_singleshot_while_down(void)
{
    struct vcpu_info *vi;
    evtchn_port_t port;
    long rc = 1, bound;

    if (smp_nr_vcpus() < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    if (!expect_rc("VCPUOP_stop_periodic_timer(1)", stop_periodic(1), 0))
        return;
    bound = events_bind_virq(VIRQ_TIMER, 1, ignore, NULL);    /* unmasked */
    if (bound < 0) {
        test_error("binding VIRQ_TIMER to vCPU 1: %ld", bound);
        return;
    }
    port = (evtchn_port_t)bound;
    vi = vcpu_info_of(1);
    /* vCPU 1's jobs run with events masked: what earlier events left in
     * its vcpu_info is cleared, so that this one's flags show. */
    clear_pending(port);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    if (!expect_rc("smp_run", smp_run(1, arm_own_singleshot, &rc), 0))
        goto out;
    smp_wait(1);
    expect_rc("VCPUOP_set_singleshot_timer(own) on vCPU 1", rc, 0);
    if (!pending_within(port, 1000))
        test_fail("vCPU 1's one-shot timer, armed 2 ms ahead, did not fire while it was down");
    else if (!vi->evtchn_upcall_pending || !(vi->evtchn_pending_sel & (1ULL << (port / 64))))
        test_fail("vCPU 1's timer event is pending but not flagged in its vcpu_info "
                  "(upcall %u, selector %#lx)", vi->evtchn_upcall_pending, vi->evtchn_pending_sel);
out:
    events_unbind(port);
    set_periodic(1, 10 * MS);
}
