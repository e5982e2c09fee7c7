/* The guest kernel's upcall takes only the calling vCPU's ports.  The
 * pending bits of every vCPU share words of shared_info, so an upcall
 * that ran every pending, unmasked port of a word it was told about
 * would run another vCPU's handlers on the wrong vCPU and race that
 * vCPU's own upcall for them (events lost or handled twice: the IPI
 * round-trip benchmark lost one in a few thousand that way). */
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <smp.h>
#include <test.h>
#include "tests.h"

static volatile unsigned int ran_on[SMP_MAX_VCPUS];

static void count_vcpu(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ran_on[smp_self()]++;
}

static bool port_pending(evtchn_port_t port)
{
    return (__atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
            (port % 64)) & 1;
}

/* An event for vCPU 1, which is down, waits in the word that vCPU 0's
 * next upcall scans; vCPU 0 leaves it alone. */
void test_smp_event_ports(void)
{
    long theirs, mine;
    bool were_on;

    if (smp_nr_vcpus() < 2) {
        test_skip("one vCPU");
        return;
    }
    if (hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) != 0) {
        test_skip("vCPU 1 is up");
        return;
    }
    for (unsigned int i = 0; i < SMP_MAX_VCPUS; i++)
        ran_on[i] = 0;
    theirs = events_bind_ipi(1, count_vcpu, NULL);
    mine = events_bind_ipi(0, count_vcpu, NULL);
    if (theirs < 0 || mine < 0) {
        test_fail("bind_ipi: %ld for vCPU 1, %ld for vCPU 0", theirs, mine);
        goto out;
    }
    if (theirs / 64 != mine / 64) {
        test_skip("ports %ld and %ld are in different words", theirs, mine);
        goto out;
    }
    expect_rc("send to vCPU 1", hypercall_event_channel_op(EVTCHNOP_send,
              &(struct evtchn_send){ .port = (evtchn_port_t)theirs }), 0);
    /* vCPU 0's own event, taken with events enabled. */
    were_on = events_save_disable();
    events_restore(true);
    expect_rc("send to vCPU 0", hypercall_event_channel_op(EVTCHNOP_send,
              &(struct evtchn_send){ .port = (evtchn_port_t)mine }), 0);
    events_save_disable();
    events_restore(were_on);
    if (ran_on[0] != 1)
        test_fail("handlers ran %u times on vCPU 0 for one event of its own", ran_on[0]);
    if (!port_pending((evtchn_port_t)theirs))
        test_fail("vCPU 1's event was taken by vCPU 0 (not pending any more)");
out:
    if (theirs >= 0) {
        events_unbind((evtchn_port_t)theirs);
        /* Not left pending for the next user of the port number. */
        __atomic_fetch_and(&shared_info->evtchn_pending[theirs / 64], ~(1ULL << (theirs % 64)),
                           __ATOMIC_SEQ_CST);
    }
    if (mine >= 0)
        events_unbind((evtchn_port_t)mine);
}
