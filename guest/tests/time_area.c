/* VCPUOP_register_vcpu_time_memory_area: a second copy of the vCPU's time
 * record at an address of the guest's choosing, kept as up to date as
 * vcpu_info.time, with the same version protocol; address 0 ends it.  An
 * address in the hypervisor's range or non-canonical is -EFAULT (Xen
 * checks where the area starts); an address nothing maps is accepted and
 * the copies are dropped. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pvclock.h>
#include <test.h>
#include "tests.h"

#define WAIT_NS 1500000000UL    /* longer than the refresh period (1 s) */

static long register_area(uint64_t addr)
{
    struct vcpu_register_time_memory_area a = { .addr = addr };

    return hypercall_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &a);
}

/* A consistent copy of a record under its version protocol. */
static void read_record(const volatile struct vcpu_time_info *t, struct vcpu_time_info *out)
{
    uint32_t version;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        out->tsc_timestamp = t->tsc_timestamp;
        out->system_time = t->system_time;
        out->tsc_to_system_mul = t->tsc_to_system_mul;
        out->tsc_shift = t->tsc_shift;
        out->flags = t->flags;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    out->version = version;
}

static bool same_record(const struct vcpu_time_info *a, const struct vcpu_time_info *b)
{
    return a->version == b->version && a->tsc_timestamp == b->tsc_timestamp &&
           a->system_time == b->system_time && a->tsc_to_system_mul == b->tsc_to_system_mul &&
           a->tsc_shift == b->tsc_shift && a->flags == b->flags;
}

/* The area holds what vcpu_info.time holds (retried if a refresh came in
 * between the two readings). */
static bool area_matches(const volatile struct vcpu_time_info *area)
{
    struct vcpu_time_info mine, copy;

    for (unsigned int i = 0; i < 5; i++) {
        read_record(&shared_info->vcpu_info[0].time, &mine);
        read_record(area, &copy);
        if (same_record(&mine, &copy))
            return true;
    }
    test_fail("the area holds version %u, stamp %lu, system time %lu; vcpu_info.time "
              "version %u, stamp %lu, system time %lu", copy.version, copy.tsc_timestamp,
              copy.system_time, mine.version, mine.tsc_timestamp, mine.system_time);
    return false;
}

void test_time_area(void)
{
    uint8_t *page = page_alloc();
    volatile struct vcpu_time_info *area = (volatile struct vcpu_time_info *)(page + 64);
    struct vcpu_time_info first, now;
    uint64_t start;
    bool changed = false;

    if (!page) {
        test_error("no page");
        return;
    }
    if (!expect_rc("register_vcpu_time_memory_area", register_area((uint64_t)area), 0))
        goto out;
    if (!area_matches(area))
        goto out;
    read_record(area, &first);
    /* Rewritten with the record, periodically. */
    for (start = system_time_ns(); system_time_ns() - start < WAIT_NS && !changed;) {
        read_record(area, &now);
        changed = now.version != first.version;
    }
    if (!changed) {
        test_fail("the area was not rewritten in %lu ms (version %u)", WAIT_NS / 1000000,
                  first.version);
        goto out;
    }
    if (!area_matches(area))
        goto out;
    /* Address 0 ends the copies. */
    if (!expect_rc("register_vcpu_time_memory_area(0)", register_area(0), 0))
        goto out;
    read_record(area, &first);
    for (start = system_time_ns(); system_time_ns() - start < WAIT_NS;)
        cpu_relax();
    read_record(area, &now);
    if (now.version != first.version)
        test_fail("the area was rewritten after address 0 (version %u -> %u)", first.version,
                  now.version);
out:
    register_area(0);
    page_free(page);
}

void test_time_area_refused(void)
{
    expect_rc("register_vcpu_time_memory_area(hypervisor address)", register_area(HV_ADDRESS),
              -EFAULT);
    expect_rc("register_vcpu_time_memory_area(non-canonical)",
              register_area(NONCANONICAL_ADDRESS), -EFAULT);
    expect_rc("register_vcpu_time_memory_area(just below the hypervisor)",
              register_area(0xffff7ffffffffff0UL), -EFAULT);
    expect_rc("register_vcpu_time_memory_area with its argument unmapped",
              hypercall_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, (void *)UNMAPPED_VA),
              -EFAULT);
    /* Accepted: the guest's own address space, mapped or not (the copies
     * that fault are dropped), even one whose end is past the lower half. */
    expect_rc("register_vcpu_time_memory_area(unmapped)", register_area(UNMAPPED_VA), 0);
    expect_rc("register_vcpu_time_memory_area(end of the lower half)",
              register_area(0x00007ffffffffff0UL), 0);
    expect_rc("register_vcpu_time_memory_area(0)", register_area(0), 0);
}
