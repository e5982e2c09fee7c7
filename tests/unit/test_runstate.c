/* A vCPU's runstate (hv/common/runstate.c) on a fake clock: the time
 * spent in each state adds up to the time since the vCPU was created,
 * whatever the sequence of changes; VCPUOP_up's wake moves only an
 * offline vCPU; the registered copy is rewritten at every change, with
 * XEN_RUNSTATE_UPDATE set while it is written when the domain asked for
 * it; a refused address keeps the old copy registered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/runstate.h>
#include <public/xen.h>
#include "fake_arch.h"

static struct domain dom;
static struct vcpu vcpu;
static struct vcpu *current;

/* The guest's memory: one runstate copy, and a record of the state entry
 * times written into it, in order. */
static struct vcpu_runstate_info guest_area;
static uint64_t entry_writes[16];
static unsigned int nr_entry_writes;
#define AREA ((uint64_t)(uintptr_t)&guest_area)

struct vcpu *current_vcpu(void) { return current; }

bool guest_address_ok(uint64_t gva)
{
    return gva < 0x0000800000000000ULL || gva >= 0xffff880000000000ULL;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    uint64_t entry = AREA + offsetof(struct vcpu_runstate_info, state_entry_time);

    if (gva < AREA || gva + len > AREA + sizeof(guest_area))
        return -EFAULT;
    memcpy((char *)(uintptr_t)gva, src, len);
    if (gva <= entry && gva + len >= entry + 8 && nr_entry_writes < 16)
        entry_writes[nr_entry_writes++] = guest_area.state_entry_time;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu, 0, sizeof(vcpu));
    memset(&guest_area, 0, sizeof(guest_area));
    nr_entry_writes = 0;
    vcpu.domain = &dom;
    current = &vcpu;
    fake_set_cpu(0);
    fake_set_now(1000);
    runstate_init(&vcpu);
    return 0;
}

static uint64_t total(const struct vcpu_runstate_info *r)
{
    return r->time[0] + r->time[1] + r->time[2] + r->time[3];
}

static void test_new_vcpu_is_offline(void **state)
{
    struct vcpu_runstate_info r;

    (void)state;
    fake_set_now(1500);
    runstate_get(&vcpu, &r);
    assert_int_equal(r.state, RUNSTATE_offline);
    assert_int_equal(r.state_entry_time, 1000);
    assert_int_equal(r.time[RUNSTATE_offline], 500);     /* counted up to now */
    assert_int_equal(total(&r), 500);
}

/* Any sequence: each state gets exactly the time it lasted. */
static void test_totals_add_up(void **state)
{
    static const struct { s_time_t at; int state; } steps[] = {
        { 1100, RUNSTATE_runnable }, { 1150, RUNSTATE_running }, { 1400, RUNSTATE_blocked },
        { 2400, RUNSTATE_running }, { 2500, RUNSTATE_running }, { 2600, RUNSTATE_offline },
        { 3000, RUNSTATE_running },
    };
    struct vcpu_runstate_info r;

    (void)state;
    for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fake_set_now(steps[i].at);
        runstate_change(&vcpu, steps[i].state);
    }
    fake_set_now(3100);
    runstate_get(&vcpu, &r);
    assert_int_equal(r.state, RUNSTATE_running);
    assert_int_equal(r.state_entry_time, 3000);          /* 2500 was no change */
    assert_int_equal(r.time[RUNSTATE_offline], 100 + 400);
    assert_int_equal(r.time[RUNSTATE_runnable], 50);
    assert_int_equal(r.time[RUNSTATE_running], 250 + 200 + 100);
    assert_int_equal(r.time[RUNSTATE_blocked], 1000);
    assert_int_equal(total(&r), 3100 - 1000);
}

/* A clock that went back (another CPU's TSC a little behind) adds
 * nothing and keeps the entry time. */
static void test_clock_going_back_adds_nothing(void **state)
{
    struct vcpu_runstate_info r;

    (void)state;
    fake_set_now(900);
    runstate_change(&vcpu, RUNSTATE_running);
    runstate_get(&vcpu, &r);
    assert_int_equal(r.state, RUNSTATE_running);
    assert_int_equal(r.state_entry_time, 1000);
    assert_int_equal(total(&r), 0);
}

static void test_wake_only_offline(void **state)
{
    struct vcpu_runstate_info r;

    (void)state;
    fake_set_now(1200);
    runstate_wake(&vcpu);
    runstate_get(&vcpu, &r);
    assert_int_equal(r.state, RUNSTATE_runnable);
    fake_set_now(1300);
    runstate_change(&vcpu, RUNSTATE_running);
    fake_set_now(1400);
    runstate_wake(&vcpu);                                /* up already: running */
    runstate_get(&vcpu, &r);
    assert_int_equal(r.state, RUNSTATE_running);
    assert_int_equal(r.state_entry_time, 1300);
}

static void test_area_rewritten_at_changes(void **state)
{
    (void)state;
    fake_set_now(1100);
    assert_int_equal(runstate_register_area(&vcpu, AREA), 0);
    assert_int_equal(guest_area.state, RUNSTATE_offline);
    assert_int_equal(guest_area.state_entry_time, 1000);
    assert_int_equal(guest_area.time[RUNSTATE_offline], 0);    /* its own: as of the change */
    fake_set_now(1300);
    runstate_change(&vcpu, RUNSTATE_running);
    assert_int_equal(guest_area.state, RUNSTATE_running);
    assert_int_equal(guest_area.state_entry_time, 1300);
    assert_int_equal(guest_area.time[RUNSTATE_offline], 300);
    assert_false(guest_area.state_entry_time & XEN_RUNSTATE_UPDATE);
}

/* With the vm_assist, the entry time is written with the flag first and
 * without it last. */
static void test_update_flag_brackets_the_write(void **state)
{
    (void)state;
    dom.vm_assist = 1ULL << VMASST_TYPE_runstate_update_flag;
    assert_int_equal(runstate_register_area(&vcpu, AREA), 0);
    nr_entry_writes = 0;
    fake_set_now(1300);
    runstate_change(&vcpu, RUNSTATE_running);
    assert_true(nr_entry_writes >= 3);
    assert_int_equal(entry_writes[0], 1300 | XEN_RUNSTATE_UPDATE);
    assert_int_equal(entry_writes[nr_entry_writes - 2], 1300 | XEN_RUNSTATE_UPDATE);
    assert_int_equal(entry_writes[nr_entry_writes - 1], 1300);
    assert_int_equal(guest_area.state_entry_time, 1300);
}

/* Another vCPU's change (VCPUOP_up from elsewhere) does not write the
 * area: its page tables are not the ones loaded. */
static void test_area_written_only_by_its_vcpu(void **state)
{
    struct vcpu other = { 0 };

    (void)state;
    assert_int_equal(runstate_register_area(&vcpu, AREA), 0);
    guest_area.state = 77;
    current = &other;
    fake_set_now(1200);
    runstate_wake(&vcpu);
    assert_int_equal(guest_area.state, 77);
    current = &vcpu;
    runstate_change(&vcpu, RUNSTATE_running);
    assert_int_equal(guest_area.state, RUNSTATE_running);
    assert_int_equal(guest_area.time[RUNSTATE_runnable], 0);   /* entered at 1200 */
}

static void test_refused_address_keeps_old_area(void **state)
{
    (void)state;
    assert_int_equal(runstate_register_area(&vcpu, AREA), 0);
    assert_int_equal(runstate_register_area(&vcpu, 0xffff830000000000ULL), -EFAULT);
    assert_int_equal(runstate_register_area(&vcpu, 0x8000000000000000ULL), -EFAULT);
    fake_set_now(1300);
    runstate_change(&vcpu, RUNSTATE_running);
    assert_int_equal(guest_area.state, RUNSTATE_running);
    assert_int_equal(runstate_register_area(&vcpu, 0), 0);     /* unregistered */
    fake_set_now(1400);
    runstate_change(&vcpu, RUNSTATE_blocked);
    assert_int_equal(guest_area.state, RUNSTATE_running);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_new_vcpu_is_offline, setup),
        cmocka_unit_test_setup(test_totals_add_up, setup),
        cmocka_unit_test_setup(test_clock_going_back_adds_nothing, setup),
        cmocka_unit_test_setup(test_wake_only_offline, setup),
        cmocka_unit_test_setup(test_area_rewritten_at_changes, setup),
        cmocka_unit_test_setup(test_update_flag_brackets_the_write, setup),
        cmocka_unit_test_setup(test_area_written_only_by_its_vcpu, setup),
        cmocka_unit_test_setup(test_refused_address_keeps_old_area, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
