/* VCPUOP_register_vcpu_info: a vCPU's vcpu_info moved to a place the
 * guest chooses, as Linux moves it into per-CPU data.  Xen's answers for
 * a bad offset, frame or vCPU, each changing nothing; once moved, the
 * new place starts as a copy of the old with everything marked pending,
 * and the hypervisor's events and time go there. */
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
#include <vcpu_info.h>
#include "tests.h"

#define MS 1000000UL

static long register_at(unsigned int vcpu, uint64_t mfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };

    return hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

/* Every refusal leaves vCPU 0's vcpu_info in shared_info: the timer's
 * event still arrives there. */
void test_vcpu_info_refused(void)
{
    uint8_t *page = page_alloc();
    uint64_t mfn, foreign = test_foreign_frame(), ticks;
    bool were;

    if (!page) {
        test_error("out of memory");
        return;
    }
    mfn = virt_to_mfn(page);
    /* First with a frame that would be refused too (the offset is looked
     * at first, as on Xen): a hypervisor that missed the offset says so
     * here without moving vCPU 0's vcpu_info away from the kernel. */
    if (!expect_rc("register_vcpu_info(offset past the page, frame ~0)",
                   register_at(0, ~0ULL, PAGE_SIZE - sizeof(struct vcpu_info) + 8), -ENXIO) ||
        !expect_rc("register_vcpu_info(offset not 8-aligned, frame ~0)",
                   register_at(0, ~0ULL, 4), -ENXIO))
        goto out;
    expect_rc("register_vcpu_info(offset past the page)",
              register_at(0, mfn, PAGE_SIZE - sizeof(struct vcpu_info) + 8), -ENXIO);
    expect_rc("register_vcpu_info(offset ~0)", register_at(0, mfn, ~0U), -ENXIO);
    expect_rc("register_vcpu_info(offset not 8-aligned)", register_at(0, mfn, 4), -ENXIO);
    expect_rc("register_vcpu_info(frame ~0)", register_at(0, ~0ULL, 0), -EINVAL);
    expect_rc("register_vcpu_info(frame 1 << 40)", register_at(0, 1ULL << 40, 0), -EINVAL);
    if (foreign)
        expect_rc("register_vcpu_info(a frame of no domain's)", register_at(0, foreign, 0),
                  -EINVAL);
    expect_rc("register_vcpu_info(the kernel's L4 table)", register_at(0, l4_mfn, 0), -EINVAL);
    expect_rc("register_vcpu_info(vCPU 0x7fff)", register_at(0x7fff, mfn, 0), -ENOENT);
    expect_rc("register_vcpu_info(argument in the hypervisor)",
              hypercall_vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)HV_ADDRESS), -EFAULT);
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (page[i]) {
            test_fail("the refused page was written at byte %u", i);
            break;
        }
    ticks = events_timer_ticks();
    were = events_save_disable();
    sleep_until(system_time_ns() + MS);
    events_restore(were);
    if (events_timer_ticks() == ticks)
        test_fail("the timer's event no longer reaches vCPU 0's vcpu_info in shared_info");
out:
    page_free(page);
}

static volatile bool release_job;

static void hold(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&release_job, __ATOMIC_ACQUIRE))
        cpu_relax();
}

static void read_clock(void *arg)
{
    *(uint64_t *)arg = system_time_ns();
}

/* Only vCPU 1 itself could move its vcpu_info while it is up. */
static void refused_while_up(uint64_t mfn)
{
    release_job = false;
    if (!expect_rc("smp_run", smp_run(1, hold, NULL), 0))
        return;
    expect_rc("register_vcpu_info(vCPU 1, up) from vCPU 0", register_at(1, mfn, 0), -EINVAL);
    __atomic_store_n(&release_job, true, __ATOMIC_RELEASE);
    smp_wait(1);
}

/* An event for the moved vCPU sets its selector at the new place only. */
static void event_goes_to_new_place(unsigned int k, struct vcpu_info *vi)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
    struct vcpu_info *old = &shared_info->vcpu_info[k];
    uint64_t old_sel = old->evtchn_pending_sel;
    evtchn_port_t p;

    if (!expect_rc("alloc_unbound", hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0))
        return;
    b.remote_port = a.port;
    if (!expect_rc("bind_interdomain", hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b), 0))
        goto close_a;
    p = b.local_port;
    if (expect_rc("bind_vcpu", hypercall_event_channel_op(EVTCHNOP_bind_vcpu,
                                    &(struct evtchn_bind_vcpu){ .port = p, .vcpu = k }), 0)) {
        __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1ULL << (p % 64)),
                           __ATOMIC_SEQ_CST);
        __atomic_and_fetch(&shared_info->evtchn_mask[p / 64], ~(1ULL << (p % 64)),
                           __ATOMIC_SEQ_CST);
        vi->evtchn_pending_sel = 0;
        vi->evtchn_upcall_pending = 0;
        expect_rc("send", hypercall_event_channel_op(EVTCHNOP_send,
                                                      &(struct evtchn_send){ .port = a.port }), 0);
        if (!(vi->evtchn_pending_sel & (1ULL << (p / 64))) || !vi->evtchn_upcall_pending)
            test_fail("an event for vCPU %u: selector %#lx, upcall %u at the new place", k,
                      vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
        if (old->evtchn_pending_sel != old_sel)
            test_fail("an event for vCPU %u changed the old place's selector", k);
        __atomic_or_fetch(&shared_info->evtchn_mask[p / 64], 1ULL << (p % 64), __ATOMIC_SEQ_CST);
    }
    events_unbind(p);
close_a:
    events_unbind(a.port);
}

/* The last vCPU, down, gets its vcpu_info moved by vCPU 0 to the middle
 * of a page: a copy of the old with every selector pending, the rest of
 * the page untouched; a second move is refused; the vCPU then reads its
 * time there (stamped when it starts). */
void test_smp_vcpu_info_move(void)
{
    unsigned int n = smp_nr_vcpus(), k = n - 1, off = 3 * sizeof(struct vcpu_info);
    struct vcpu_info *old, *vi;
    uint8_t *page;
    uint64_t before, seen = 0, after;

    if (n < 2) {
        test_skip("the domain has one vCPU");
        return;
    }
    if (!(page = page_alloc())) {
        test_error("out of memory");
        return;
    }
    refused_while_up(virt_to_mfn(page));
    smp_wait(k);
    old = &shared_info->vcpu_info[k];
    old->arch.cr2 = 0x5eed0000cafeULL;
    old->evtchn_pending_sel = 0;
    memset(page, 0xcc, PAGE_SIZE);
    vi = (struct vcpu_info *)(page + off);
    if (!expect_rc("register_vcpu_info(last vCPU, down)", vcpu_info_move(k, vi), 0))
        return;          /* the page stays with the hypervisor either way */
    if (vi->arch.cr2 != 0x5eed0000cafeULL || vi->evtchn_upcall_mask != old->evtchn_upcall_mask)
        test_fail("the new vcpu_info is not a copy of the old (cr2 %#lx, mask %u)",
                  vi->arch.cr2, vi->evtchn_upcall_mask);
    if (vi->evtchn_pending_sel != ~0ULL || vi->evtchn_upcall_pending != 1)
        test_fail("the new vcpu_info is not all pending (selector %#lx, upcall %u)",
                  vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if ((i < off || i >= off + sizeof(*vi)) && page[i] != 0xcc) {
            test_fail("byte %u of the page, outside the vcpu_info, changed", i);
            break;
        }
    expect_rc("register_vcpu_info(last vCPU) again", register_at(k, virt_to_mfn(page), 0),
              -EINVAL);
    event_goes_to_new_place(k, vi);
    before = system_time_ns();
    if (!expect_rc("smp_run", smp_run(k, read_clock, &seen), 0))
        return;
    smp_wait(k);
    after = system_time_ns();
    if (seen < before || seen > after)
        test_fail("vCPU %u read %lu ns from its moved time record; vCPU 0 %lu..%lu", k, seen,
                  before, after);
}
