/* Per-vCPU runstate: VCPUOP_get_runstate_info and the registered copy
 * (VCPUOP_register_runstate_memory_area), as Xen keeps them: the time a
 * vCPU spends in each state adds up to the time that passed, blocking
 * shows as blocked, and a down vCPU is offline.  Bad addresses get Xen's
 * answer and change nothing. */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <smp.h>
#include <test.h>
#include <timers.h>
#include "tests.h"

#define US 1000UL
#define MS 1000000UL
/* Durations on the guest's clock and the hypervisor's may disagree by
 * this much (the guest extrapolates from the published scale).  Points in
 * time are compared only on the hypervisor's clock: the guest's may be
 * offset from it by more. */
#define CLOCK_SLACK_NS (200 * US)
#define UNMAPPED_ADDRESS 0x1000UL    /* below the kernel, never mapped */

static long get_runstate(unsigned int vcpu, struct vcpu_runstate_info *r)
{
    return hypercall_vcpu_op(VCPUOP_get_runstate_info, vcpu, r);
}

static long register_area(unsigned int vcpu, uint64_t addr)
{
    struct vcpu_register_runstate_memory_area a = { .addr = addr };

    return hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, vcpu, &a);
}

static uint64_t total(const struct vcpu_runstate_info *r)
{
    return r->time[0] + r->time[1] + r->time[2] + r->time[3];
}

/* A snapshot and the guest's clock just before and after it. */
struct sample {
    uint64_t before, after;
    struct vcpu_runstate_info r;
};

static bool sample(unsigned int vcpu, struct sample *s)
{
    s->before = system_time_ns();
    if (!expect_rc("VCPUOP_get_runstate_info", get_runstate(vcpu, &s->r), 0))
        return false;
    s->after = system_time_ns();
    return true;
}

/* Between two snapshots the totals grew by the time that passed: at least
 * a.after..b.before, at most a.before..b.after. */
static void check_elapsed(const char *what, const struct sample *a, const struct sample *b)
{
    uint64_t grew = total(&b->r) - total(&a->r);
    uint64_t lo = b->before - a->after, hi = b->after - a->before;

    if (grew + CLOCK_SLACK_NS < lo || grew > hi + CLOCK_SLACK_NS)
        test_fail("%s: the totals grew by %lu ns, %lu..%lu ns passed", what, grew, lo, hi);
}

void test_runstate_info(void)
{
    struct sample a, b;
    uint64_t spin_until;

    if (!sample(0, &a))
        return;
    if (a.r.state != RUNSTATE_running)
        test_fail("vCPU 0 asking for its own runstate is in state %d", a.r.state);
    spin_until = system_time_ns() + 2 * MS;
    while (system_time_ns() < spin_until)
        cpu_relax();
    if (!sample(0, &b))
        return;
    check_elapsed("2 ms of running", &a, &b);
    if (b.r.time[RUNSTATE_running] - a.r.time[RUNSTATE_running] + CLOCK_SLACK_NS < 2 * MS)
        test_fail("2 ms of running counted as %lu ns running",
                  b.r.time[RUNSTATE_running] - a.r.time[RUNSTATE_running]);
    /* Bringing up a vCPU that is up changes nothing, its runstate too. */
    expect_rc("VCPUOP_up(0) while up", hypercall_vcpu_op(VCPUOP_up, 0, NULL), 0);
    if (sample(0, &b) && b.r.state != RUNSTATE_running)
        test_fail("after VCPUOP_up(0) vCPU 0 is in state %d", b.r.state);
}

/* Xen's errnos for a vCPU the domain does not have and for an output
 * buffer the hypervisor cannot write; a read-only buffer stays as it was. */
void test_runstate_info_refused(void)
{
    struct vcpu_runstate_info r;
    uint8_t *page = page_alloc();

    expect_rc("VCPUOP_get_runstate_info(0x7fff)", get_runstate(0x7fff, &r), -ENOENT);
    expect_rc("VCPUOP_get_runstate_info(0, hypervisor address)",
              hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)HV_ADDRESS), -EFAULT);
    expect_rc("VCPUOP_get_runstate_info(0, non-canonical)",
              hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)NONCANONICAL_ADDRESS),
              -EFAULT);
    expect_rc("VCPUOP_get_runstate_info(0, unmapped)",
              hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)UNMAPPED_ADDRESS),
              -EFAULT);
    if (!page) {
        test_error("out of memory");
        return;
    }
    memset(page, 0xa5, PAGE_SIZE);
    if (expect_rc("making a page read-only", page_set_readonly(page, true), 0)) {
        expect_rc("VCPUOP_get_runstate_info(0, read-only)",
                  hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, page), -EFAULT);
        for (unsigned int i = 0; i < sizeof(r); i++)
            if (page[i] != 0xa5) {
                test_fail("the read-only buffer changed at byte %u", i);
                break;
            }
        page_set_readonly(page, false);
    }
    page_free(page);
}

/* Blocking (SCHEDOP_block, a one-shot timer 5 ms ahead) shows as blocked
 * time, as long as the hypercall took; the registered copy, rewritten
 * when the vCPU ran again, says running since the wake-up and holds the
 * same blocked total as the answer. */
void test_runstate_blocked(void)
{
    static struct vcpu_runstate_info area;
    struct sample a, b;
    uint64_t t0, t1, blocked;
    bool were;

    memset(&area, 0xff, sizeof(area));
    if (!expect_rc("VCPUOP_register_runstate_memory_area(0)",
                   register_area(0, (uint64_t)&area), 0))
        return;
    if (area.state != RUNSTATE_running)
        test_fail("the area registered by vCPU 0 shows state %d", area.state);
    were = events_save_disable();
    if (!sample(0, &a))
        goto out;
    hypercall_set_timer_op(system_time_ns() + 5 * MS);
    t0 = system_time_ns();
    hypercall_sched_op(SCHEDOP_block, NULL);
    t1 = system_time_ns();
    events_save_disable();
    if (!sample(0, &b))
        goto out;
    check_elapsed("a block", &a, &b);
    /* Blocked from the switch away to the wake-up; the way into the
     * hypervisor and back, and the wait to run again once woken, count
     * as running and runnable, as on Xen.  Those are short, but on a
     * loaded host a TCG CPU can stall for a millisecond anywhere: most
     * of the 5 ms, not all of it, must be blocked. */
    blocked = b.r.time[RUNSTATE_blocked] - a.r.time[RUNSTATE_blocked];
    if (blocked > t1 - t0 + CLOCK_SLACK_NS || blocked < (t1 - t0) / 2)
        test_fail("%lu ns in SCHEDOP_block counted as %lu ns blocked", t1 - t0, blocked);
    if (area.state != RUNSTATE_running)
        test_fail("the area shows state %d after the block", area.state);
    if (area.time[RUNSTATE_blocked] != b.r.time[RUNSTATE_blocked])
        test_fail("the area has %lu ns blocked, the answer %lu", area.time[RUNSTATE_blocked],
                  b.r.time[RUNSTATE_blocked]);
    if (area.state_entry_time < a.r.state_entry_time + blocked ||
        area.state_entry_time > b.r.state_entry_time)
        test_fail("the area says running since %lu ns, before the block ended (ran since %lu,"
                  " blocked %lu) or after the answer's %lu", area.state_entry_time,
                  a.r.state_entry_time, blocked, b.r.state_entry_time);
out:
    events_restore(were);
    register_area(0, 0);
}

/* Addresses no guest may have are refused with -EFAULT and the area
 * registered before stays registered; an unmapped or read-only one is
 * accepted, as on Xen, and nothing is written there; 0 unregisters. */
void test_runstate_area_refused(void)
{
    static struct vcpu_runstate_info area, before;
    uint8_t *page = page_alloc();
    bool were;

    if (!page) {
        test_error("out of memory");
        return;
    }
    if (!expect_rc("VCPUOP_register_runstate_memory_area(0)",
                   register_area(0, (uint64_t)&area), 0))
        goto out;
    expect_rc("VCPUOP_register_runstate_memory_area(0x7fff)",
              register_area(0x7fff, (uint64_t)&area), -ENOENT);
    expect_rc("VCPUOP_register_runstate_memory_area(hypervisor address)",
              register_area(0, HV_ADDRESS), -EFAULT);
    expect_rc("VCPUOP_register_runstate_memory_area(non-canonical)",
              register_area(0, NONCANONICAL_ADDRESS), -EFAULT);
    expect_rc("VCPUOP_register_runstate_memory_area(argument in the hypervisor)",
              hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, (void *)HV_ADDRESS),
              -EFAULT);
    memset(&area, 0, sizeof(area));
    were = events_save_disable();
    sleep_until(system_time_ns() + MS);
    events_restore(were);
    if (area.state != RUNSTATE_running || !area.state_entry_time)
        test_fail("a refused registration took the area away (state %d, entered %lu)",
                  area.state, area.state_entry_time);

    expect_rc("VCPUOP_register_runstate_memory_area(unmapped)",
              register_area(0, UNMAPPED_ADDRESS), 0);
    memset(page, 0x5a, PAGE_SIZE);
    if (expect_rc("making a page read-only", page_set_readonly(page, true), 0)) {
        expect_rc("VCPUOP_register_runstate_memory_area(read-only)",
                  register_area(0, (uint64_t)page), 0);
        were = events_save_disable();
        sleep_until(system_time_ns() + MS);
        events_restore(were);
        for (unsigned int i = 0; i < sizeof(area); i++)
            if (page[i] != 0x5a) {
                test_fail("the read-only area was written at byte %u", i);
                break;
            }
        page_set_readonly(page, false);
    }

    expect_rc("VCPUOP_register_runstate_memory_area(0, 0)", register_area(0, 0), 0);
    memset(&area, 0x77, sizeof(area));
    before = area;
    were = events_save_disable();
    sleep_until(system_time_ns() + MS);
    events_restore(were);
    if (memcmp(&area, &before, sizeof(area)))
        test_fail("the area was written after it was unregistered");
out:
    register_area(0, 0);
    page_free(page);
}

/* With VMASST_TYPE_runstate_update_flag the copy is written with
 * XEN_RUNSTATE_UPDATE set in state_entry_time and cleared at the end: a
 * reader never finds it set once the update is over. */
void test_runstate_update_flag(void)
{
    static struct vcpu_runstate_info area;
    bool were;

    if (!expect_rc("vm_assist(enable, runstate_update_flag)",
                   hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                             VMASST_TYPE_runstate_update_flag, 0, 0, 0), 0))
        return;
    memset(&area, 0, sizeof(area));
    if (expect_rc("VCPUOP_register_runstate_memory_area(0)",
                  register_area(0, (uint64_t)&area), 0)) {
        uint64_t entered = area.state_entry_time;

        were = events_save_disable();
        sleep_until(system_time_ns() + MS);
        events_restore(were);
        if (area.state_entry_time & XEN_RUNSTATE_UPDATE)
            test_fail("XEN_RUNSTATE_UPDATE left set (%#lx)", area.state_entry_time);
        else if (area.state_entry_time <= entered)
            test_fail("the area was not updated by the sleep (entered %lu, then %lu)",
                      entered, area.state_entry_time);
    }
    register_area(0, 0);
    hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag,
              0, 0, 0);
}

/* A vCPU that took itself down is offline a moment later (its CPU
 * notes it on the way out, as Xen's scheduler does): wait for that. */
static bool sample_offline(unsigned int vcpu, struct sample *s)
{
    uint64_t give_up = system_time_ns() + 1000 * MS;

    do {
        if (!sample(vcpu, s))
            return false;
    } while (s->r.state != RUNSTATE_offline && system_time_ns() < give_up);
    if (s->r.state != RUNSTATE_offline)
        test_fail("vCPU %u, down, is in state %d", vcpu, s->r.state);
    return true;
}

static void spin_2ms(void *arg)
{
    uint64_t end = system_time_ns() + 2 * MS;

    (void)arg;
    while (system_time_ns() < end)
        cpu_relax();
}

/* A vCPU that is down is offline; brought up for a 2 ms job it runs for
 * at least that long and is offline again once down; its totals add up
 * to the time that passed.  vCPU 0 may register another vCPU's area,
 * which gets that vCPU's runstate at once. */
void test_smp_runstate_offline(void)
{
    static struct vcpu_runstate_info area;
    struct sample a, b;

    if (smp_nr_vcpus() < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    smp_wait(1);
    if (!sample_offline(1, &a))
        return;
    memset(&area, 0xff, sizeof(area));
    if (expect_rc("VCPUOP_register_runstate_memory_area(1) from vCPU 0",
                  register_area(1, (uint64_t)&area), 0)) {
        uint64_t since = system_time_ns() - a.before;

        if (area.state != RUNSTATE_offline || total(&area) < total(&a.r) ||
            total(&area) > total(&a.r) + since + CLOCK_SLACK_NS)
            test_fail("vCPU 1's area shows state %d, %lu ns; %lu ns before, %lu ns ago",
                      area.state, total(&area), total(&a.r), since);
    }
    if (!expect_rc("smp_run", smp_run(1, spin_2ms, NULL), 0))
        goto out;
    smp_wait(1);
    if (!sample_offline(1, &b))
        goto out;
    check_elapsed("vCPU 1 up and down", &a, &b);
    if (b.r.time[RUNSTATE_running] - a.r.time[RUNSTATE_running] < 2 * MS)
        test_fail("a 2 ms job counted as %lu ns running",
                  b.r.time[RUNSTATE_running] - a.r.time[RUNSTATE_running]);
    if (area.state != RUNSTATE_offline || area.time[RUNSTATE_running] < 2 * MS)
        test_fail("vCPU 1's area shows state %d, %lu ns running", area.state,
                  area.time[RUNSTATE_running]);
out:
    register_area(1, 0);
}
