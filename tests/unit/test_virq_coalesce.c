/* Coalesced VIRQs (hv/common/virq_coalesce.c): a coalescer whose
 * notification is a global VIRQ to a fake domain, through the real
 * event-channel code and timers on the simulated clock.  The domain's
 * VIRQ port becomes pending once per batch, and only global VIRQs are
 * accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/event_coalesce.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include <public/xen.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 512

static struct page_info *table;
static struct domain *dom;
static struct shared_info *shared;
static unsigned int kicks;
static struct virq_coalescer vc;
static evtchn_port_t port;

struct domain *get_domain_by_id(domid_t id)
{
    return dom && dom->domain_id == id ? dom : NULL;
}

void put_domain(struct domain *d)
{
    (void)d;
}

void sched_vcpu_unblock(struct vcpu *v)
{
    (void)v;
    kicks++;
}

void preempt_note_work(void)
{
}

static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    return 0;
}

/* Domain 0 with one vCPU, events unmasked, VIRQ_CON_RING bound. */
/* No teardown here is preempted. */
bool hypercall_preempt_check(void) { return false; }

static int setup(void **state)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_CON_RING, .vcpu = 0 };

    (void)state;
    fake_set_cpu(0);
    fake_set_now(0);
    timers_init_cpu(0);
    kicks = 0;
    dom = calloc(1, sizeof(*dom));
    shared = calloc(1, sizeof(*shared));
    dom->is_privileged = true;
    dom->shared_info = shared;
    dom->max_vcpus = 1;
    dom->vcpu[0] = calloc(1, sizeof(struct vcpu));
    dom->vcpu[0]->domain = dom;
    dom->vcpu[0]->vcpu_info = &shared->vcpu_info[0];
    assert_int_equal(evtchn_domain_init(dom), 0);
    assert_int_equal(evtchn_bind_virq(dom->vcpu[0], &b), 0);
    port = b.port;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    evtchn_domain_destroy(dom);
    free(dom->vcpu[0]);
    free(dom);
    free(shared);
    dom = NULL;
    return 0;
}

static bool port_pending(void)
{
    return shared->evtchn_pending[port / 64] & (1ULL << (port % 64));
}

static void consume(void)
{
    shared->evtchn_pending[port / 64] &= ~(1ULL << (port % 64));
    shared->vcpu_info[0].evtchn_upcall_pending = 0;
    shared->vcpu_info[0].evtchn_pending_sel = 0;
}

static void event_at(s_time_t now)
{
    fake_set_now(now);
    event_coalescer_event(&vc.coalescer);
}

static void test_virq_once_per_batch(void **state)
{
    (void)state;
    assert_int_equal(virq_coalescer_init(&vc, dom, VIRQ_CON_RING, 3, 1000, 0), 0);
    event_at(0);
    event_at(10);
    assert_false(port_pending());
    event_at(20);                       /* the count */
    assert_true(port_pending());
    assert_int_equal(shared->vcpu_info[0].evtchn_upcall_pending, 1);
    consume();
    event_at(100);
    fake_set_now(1099);
    timers_run();
    assert_false(port_pending());
    fake_set_now(1100);                 /* the deadline */
    timers_run();
    assert_true(port_pending());
    event_coalescer_kill(&vc.coalescer);
}

static void test_only_global_virqs(void **state)
{
    static const unsigned int refused[] = { VIRQ_TIMER, VIRQ_DEBUG, NR_VIRQS, ~0u };

    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        memset(&vc, 0x5a, sizeof(vc));
        assert_int_equal(virq_coalescer_init(&vc, dom, refused[i], 3, 1000, 0), -EINVAL);
        assert_int_equal(vc.virq, 0x5a5a5a5a);
    }
    assert_int_equal(virq_coalescer_init(&vc, dom, VIRQ_CON_RING, 0, 1000, 0), -EINVAL);
    assert_int_equal(virq_coalescer_init(&vc, dom, VIRQ_TBUF, 1, 0, 0), 0);
    event_coalescer_kill(&vc.coalescer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_virq_once_per_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_global_virqs, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
