/* The control interface's scheduling sub-ops from the initial domain:
 * pausing and unpausing a domain (counted, the first unpause of a created
 * domain starts it, never the caller itself), a vCPU's affinity (the
 * caller's own vCPU moves to the CPU it is pinned to), and the policy's
 * id, setting and per-domain parameters. */
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <public/control.h>
#include <smp.h>
#include <test.h>
#include "control_ops.h"
#include "tests.h"

#define MS 1000000ULL

static uint32_t flags_of(domid_t id)
{
    struct pxctl_domaininfo info;

    return ctl_info(id, &info) == 0 && info.domain == id ? info.flags : 0;
}

static long pause_op(uint32_t cmd, domid_t id)
{
    struct proxen_control op = ctl_op(cmd, id);

    return ctl_call(&op);
}

void test_control_pause_unpause(void)
{
    domid_t id;

    expect_rc("pausedomain(itself)", pause_op(PXCTL_pausedomain, 0), -EINVAL);
    expect_rc("pausedomain(no such domain)", pause_op(PXCTL_pausedomain, 0x7000), -ESRCH);
    expect_rc("unpausedomain(itself, not paused)", pause_op(PXCTL_unpausedomain, 0), -EINVAL);
    if (!expect_rc("createdomain", ctl_create("pausing", 1, &id), 0))
        return;
    if ((flags_of(id) & (PXDOMF_paused | PXDOMF_running)) != PXDOMF_paused)
        test_fail("a created domain shows flags %#x, not paused", flags_of(id));
    expect_rc("unpausedomain(created)", pause_op(PXCTL_unpausedomain, id), 0);
    if ((flags_of(id) & (PXDOMF_paused | PXDOMF_running)) != PXDOMF_running)
        test_fail("a started domain shows flags %#x, not running", flags_of(id));
    expect_rc("unpausedomain(not paused)", pause_op(PXCTL_unpausedomain, id), -EINVAL);
    expect_rc("pausedomain", pause_op(PXCTL_pausedomain, id), 0);
    expect_rc("pausedomain again", pause_op(PXCTL_pausedomain, id), 0);
    expect_rc("unpausedomain (one of two)", pause_op(PXCTL_unpausedomain, id), 0);
    if (!(flags_of(id) & PXDOMF_paused))
        test_fail("paused twice and unpaused once, the domain runs");
    expect_rc("unpausedomain (two of two)", pause_op(PXCTL_unpausedomain, id), 0);
    if ((flags_of(id) & (PXDOMF_paused | PXDOMF_running)) != PXDOMF_running)
        test_fail("unpaused as often as paused, the domain shows flags %#x", flags_of(id));
    expect_rc("pausedomain before destroy", pause_op(PXCTL_pausedomain, id), 0);
    expect_rc("destroydomain(paused)", ctl_destroy(id), 0);
}

static long affinity(uint32_t cmd, uint32_t vcpu, uint64_t *map)
{
    struct proxen_control op = ctl_op(cmd, 0);
    long rc;

    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.cpumap = *map;
    rc = ctl_call(&op);
    *map = op.u.vcpuaffinity.cpumap;
    return rc;
}

static long cpu_of(uint32_t vcpu)
{
    struct proxen_control op = ctl_op(PXCTL_getvcpuinfo, 0);

    op.u.vcpuinfo.vcpu = vcpu;
    return ctl_call(&op) ? -1 : (long)op.u.vcpuinfo.cpu;
}

/* Pin vCPU 0 (the caller) to each CPU in turn: it is moved on its way out
 * of the call, so the next call finds it there. */
static void pin_self_around(uint32_t nr_cpus)
{
    for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
        uint64_t map = 1ULL << cpu;

        if (!expect_rc("setvcpuaffinity(vCPU 0, one CPU)", affinity(PXCTL_setvcpuaffinity, 0, &map), 0))
            return;
        if (cpu_of(0) != (long)cpu)
            test_fail("pinned to CPU%u, vCPU 0 is on CPU%ld", cpu, cpu_of(0));
        map = 0;
        affinity(PXCTL_getvcpuaffinity, 0, &map);
        if (map != 1ULL << cpu)
            test_fail("pinned to CPU%u, vCPU 0's affinity reads %#lx", cpu, map);
    }
}

void test_control_vcpu_affinity(void)
{
    struct proxen_control op = ctl_op(PXCTL_physinfo, 0);
    uint32_t nr_cpus;
    uint64_t map, all;

    if (!expect_rc("physinfo", ctl_call(&op), 0))
        return;
    nr_cpus = op.u.physinfo.nr_cpus;
    all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
    map = 0;
    if (expect_rc("getvcpuaffinity(vCPU 0)", affinity(PXCTL_getvcpuaffinity, 0, &map), 0) &&
        map != all)
        test_fail("vCPU 0 may run on %#lx, not every CPU (%#lx)", map, all);
    map = 0;
    expect_rc("setvcpuaffinity(no CPU)", affinity(PXCTL_setvcpuaffinity, 0, &map), -EINVAL);
    map = 1ULL << 63;
    expect_rc("setvcpuaffinity(an offline CPU only)", affinity(PXCTL_setvcpuaffinity, 0, &map),
              -EINVAL);
    map = all;
    expect_rc("setvcpuaffinity(no such vCPU)", affinity(PXCTL_setvcpuaffinity, 99, &map), -EINVAL);
    map = 0;
    affinity(PXCTL_getvcpuaffinity, 0, &map);
    if (map != all)
        test_fail("refused pinnings changed vCPU 0's affinity to %#lx", map);
    pin_self_around(nr_cpus);
    map = all;
    expect_rc("setvcpuaffinity(every CPU)", affinity(PXCTL_setvcpuaffinity, 0, &map), 0);
    map = 1;
    expect_rc("setvcpuaffinity(CPU0)", affinity(PXCTL_setvcpuaffinity, 0, &map), 0);
    map = all;
    expect_rc("setvcpuaffinity(every CPU, again)", affinity(PXCTL_setvcpuaffinity, 0, &map), 0);
    if (cpu_of(0) != 0)
        test_fail("vCPU 0 ended on CPU%ld, not back on CPU0", cpu_of(0));
}

static long policy_setting(uint32_t set, uint64_t *param)
{
    struct proxen_control op = ctl_op(PXCTL_sched_control, 0);
    long rc;

    op.u.sched_control.set = set;
    op.u.sched_control.param = *param;
    rc = ctl_call(&op);
    *param = op.u.sched_control.param;
    return rc;
}

void test_control_sched_policy(void)
{
    struct proxen_control op = ctl_op(PXCTL_sched_id, 0);
    uint64_t slice = 0, want;

    if (expect_rc("sched_id", ctl_call(&op), 0) &&
        (op.u.sched_id.sched_id != 100 || strcmp(op.u.sched_id.name, "rr")))
        test_fail("the policy is %u \"%s\", not round-robin", op.u.sched_id.sched_id,
                  op.u.sched_id.name);
    if (!expect_rc("sched_control(read)", policy_setting(0, &slice), 0))
        return;
    if (slice != 10 * MS)
        test_fail("the round-robin slice is %lu ns, not 10 ms", slice);
    want = 3 * MS;
    expect_rc("sched_control(3 ms)", policy_setting(1, &want), 0);
    want = 50000;
    expect_rc("sched_control(50 us)", policy_setting(1, &want), -EINVAL);
    want = 0;
    policy_setting(0, &want);
    if (want != 3 * MS)
        test_fail("the slice reads %lu ns after setting 3 ms", want);
    want = 10 * MS;
    expect_rc("sched_control(10 ms)", policy_setting(1, &want), 0);

    op = ctl_op(PXCTL_sched_adjdom, 0);
    if (expect_rc("sched_adjdom(read)", ctl_call(&op), 0) && op.u.sched_adjdom.params[0] != 10 * MS)
        test_fail("adjdom reads %lu, not the 10 ms slice", op.u.sched_adjdom.params[0]);
    op = ctl_op(PXCTL_sched_adjdom, 0);
    op.u.sched_adjdom.set = 1;
    expect_rc("sched_adjdom(set: round-robin has nothing per domain)", ctl_call(&op), -EINVAL);
    op = ctl_op(PXCTL_sched_adjdom, 0x7000);
    expect_rc("sched_adjdom(no such domain)", ctl_call(&op), -ESRCH);
}

/* 1,000 domains created, given memory and destroyed one after another
 * leave the heap exactly as one did: nothing leaks per domain. */
void test_control_create_destroy_many(void)
{
    uint64_t baseline = 0;

    for (unsigned int i = 0; i < 1000; i++) {
        domid_t id;

        if (!expect_rc("createdomain", ctl_create("cycle", 2, &id), 0) ||
            !expect_rc("populate(16)", ctl_populate(id, 16), 0) ||
            !expect_rc("destroydomain", ctl_destroy(id), 0))
            return;
        if (i == 0)
            baseline = ctl_free_pages();
    }
    if (ctl_free_pages() != baseline)
        test_fail("free pages %lu after 1,000 create/destroy cycles, %lu after the first",
                  ctl_free_pages(), baseline);
}
