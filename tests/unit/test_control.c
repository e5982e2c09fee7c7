/* The control interface's checks (hv/common/control.c) on the fake arch,
 * with a fake domain layer: the version before anything else, then the
 * caller's privilege, then each sub-op's fields; a refused request reaches
 * nothing below it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/control.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/runstate.h>
#include <proxen/sched.h>
#include <proxen/wallclock.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 64

static struct page_info *table;
static struct domain dom0, guest;
static struct vcpu v0, vg, guest_vcpus[2];
static unsigned int creates, destroys;

/* What the building sub-ops reached below control_build.c. */
static unsigned int set_contexts, wallclock_sets, iopriv_sets, ioport_sets;
static long set_context_rc;
static bool set_context_online;
static unsigned int last_first_port, last_last_port;
static bool last_allow, caller_has_ports;

long arch_vcpu_set_context(struct vcpu *v, uint64_t gva, bool *online)
{
    (void)v;
    (void)gva;
    set_contexts++;
    *online = set_context_online;
    return set_context_rc;
}

void runstate_wake(struct vcpu *v) { (void)v; }
void sched_vcpu_update(struct vcpu *v) { (void)v; }

void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    *out = (struct vcpu_runstate_info){ .state = v->vcpu_id ? RUNSTATE_offline : RUNSTATE_running };
    out->time[RUNSTATE_running] = 1000 + v->vcpu_id;
}

void domain_set_name(struct domain *d, const char *name)
{
    strncpy(d->name, name, sizeof(d->name));
}

void domain_set_max_pages(struct domain *d, uint64_t max_pages)
{
    d->max_pages = max_pages;
}

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    (void)secs;
    (void)nsecs;
    (void)system_time;
    wallclock_sets++;
}

void arch_set_io_privilege(struct domain *d, bool on)
{
    (void)d;
    (void)on;
    iopriv_sets++;
}

bool arch_ioports_permitted(const struct domain *d, unsigned int first, unsigned int last)
{
    (void)first;
    (void)last;
    return d == &dom0 && caller_has_ports;
}

int arch_ioports_set(struct domain *d, unsigned int first, unsigned int last, bool allow)
{
    (void)d;
    ioport_sets++;
    last_first_port = first;
    last_last_port = last;
    last_allow = allow;
    return 0;
}

/* Guest memory: tests/unit/fake/fake_guest_memory.c. */

struct vcpu *current_vcpu(void) { return &v0; }

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    fn(&dom0, arg);
}

static unsigned int last_grant_frames, last_maptrack_frames;

int domain_create_guest(const char *name, unsigned int max_vcpus, uint64_t max_pages,
                        unsigned int max_grant_frames, unsigned int max_maptrack_frames,
                        struct domain **out)
{
    (void)name;
    (void)max_vcpus;
    (void)max_pages;
    last_grant_frames = max_grant_frames;
    last_maptrack_frames = max_maptrack_frames;
    creates++;
    *out = &guest;
    return 0;
}

struct domain *get_domain_by_id(domid_t id)
{
    return id == 0 ? &dom0 : id == 5 ? &guest : NULL;
}

void put_domain(struct domain *d) { (void)d; }

/* populate gives at most populate_step frames a call, then asks to be
 * continued; memlist lists the frames 1000, 1001, ... of a domain of
 * memlist_frames, at most memlist_step a call. */
static uint64_t populate_step = ~0ULL, populated, memlist_frames, memlist_step = ~0ULL;
static unsigned int memlist_calls;
static bool preempt_due;

bool hypercall_preempt_check(void) { return preempt_due; }

int domain_populate(struct domain *d, uint64_t *nr)
{
    uint64_t n = MIN(*nr, populate_step);

    (void)d;
    populated += n;
    *nr -= n;
    return *nr ? -ERESTART : 0;
}

uint64_t domain_memlist(struct domain *d, uint64_t start, uint64_t *mfns, uint64_t max,
                        bool *end)
{
    uint64_t n = 0;

    (void)d;
    memlist_calls++;
    while (n < max && n < memlist_step && start + n < memlist_frames) {
        mfns[n] = 1000 + start + n;
        n++;
    }
    *end = start + n == memlist_frames;
    return n;
}

/* destroy_steps calls of domain_destroy_preemptible before it is done;
 * a domain being torn down is found again only by the dying lookup. */
static unsigned int destroy_steps = 1, dying_lookups;

int domain_destroy_preemptible(struct domain *d)
{
    (void)d;
    destroys++;
    return destroys < destroy_steps ? -ERESTART : 0;
}

/* do_control's continuation: the same call again, counted. */
static unsigned int continuations;

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6])
{
    assert_int_equal(op, __HYPERVISOR_control);
    assert_int_equal(nargs, 1);
    (void)args;
    continuations++;
    return op;
}

struct domain *get_dying_domain_by_id(domid_t id)
{
    dying_lookups++;
    return id == 6 ? &guest : NULL;
}

/* What the scheduling sub-ops reached below control_sched.c. */
static unsigned int pauses, unpauses, affinity_sets, adjdoms, policy_sets;
static uint64_t last_affinity;

int domain_pause_by_controller(struct domain *d) { (void)d; pauses++; return 0; }
int domain_unpause_by_controller(struct domain *d) { (void)d; unpauses++; return 0; }

uint64_t sched_cpus_online(void)
{
    return (1ULL << arch_nr_cpus_online()) - 1;
}

int sched_set_affinity(struct vcpu *v, uint64_t mask)
{
    (void)v;
    affinity_sets++;
    last_affinity = mask;
    return 0;
}

static int fake_adjdom(struct domain *d, struct sched_adjdom *op)
{
    (void)d;
    adjdoms++;
    op->params[0] = 42;
    return 0;
}

static int fake_control(bool set, uint64_t *param)
{
    policy_sets += set;
    if (!set)
        *param = 7;
    return 0;
}

static const struct scheduler fake_policy = {
    .name = "fake", .opt_name = "fake-policy", .sched_id = 77,
    .adjdom = fake_adjdom, .control = fake_control,
};
const struct scheduler *sched = &fake_policy;

static int setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    dom0 = (struct domain){ .domain_id = 0, .is_privileged = true, .state = DOMAIN_RUNNING };
    guest = (struct domain){ .domain_id = 5, .state = DOMAIN_BUILDING };
    v0 = (struct vcpu){ .domain = &dom0 };
    vg = (struct vcpu){ .domain = &guest };
    creates = destroys = dying_lookups = memlist_calls = continuations = 0;
    destroy_steps = 1;
    populate_step = memlist_step = ~0ULL;
    populated = memlist_frames = 0;
    preempt_due = false;
    for (unsigned int i = 0; i < 2; i++) {
        guest_vcpus[i] = (struct vcpu){ .vcpu_id = i, .domain = &guest, .processor = i };
        guest.vcpu[i] = &guest_vcpus[i];
    }
    guest.max_vcpus = 2;
    set_contexts = wallclock_sets = iopriv_sets = ioport_sets = 0;
    pauses = unpauses = affinity_sets = adjdoms = policy_sets = 0;
    set_context_rc = 0;
    set_context_online = false;
    caller_has_ports = true;
    return 0;
}

static struct proxen_control op_of(uint32_t cmd, domid_t d)
{
    return (struct proxen_control){ .version = PROXEN_CONTROL_VERSION, .cmd = cmd, .domain = d };
}

static struct proxen_control create_op(uint32_t vcpus, uint32_t flags, const char *name)
{
    struct proxen_control op = op_of(PXCTL_createdomain, 0);

    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.flags = flags;
    strncpy(op.u.createdomain.name, name, PXCTL_NAME_LEN);
    return op;
}

static void test_version_first(void **state)
{
    struct proxen_control op = create_op(1, 0, "a");

    (void)state;
    op.version = PROXEN_CONTROL_VERSION + 1;
    assert_int_equal(control_op(&v0, &op), -EACCES);
    assert_int_equal(control_op(&vg, &op), -EACCES);   /* before the privilege */
    assert_int_equal(creates, 0);
}

static void test_unprivileged_refused(void **state)
{
    static const uint32_t cmds[] = { PXCTL_physinfo, PXCTL_getdomaininfo, PXCTL_createdomain,
                                     PXCTL_destroydomain, PXCTL_readconsole, PXCTL_pausedomain,
                                     PXCTL_unpausedomain, PXCTL_setvcpuaffinity,
                                     PXCTL_getvcpuaffinity, PXCTL_sched_id, PXCTL_sched_adjdom,
                                     PXCTL_sched_control, 99 };

    (void)state;
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct proxen_control op = create_op(1, 0, "a");

        op.cmd = cmds[i];
        op.domain = 5;
        assert_int_equal(control_op(&vg, &op), -EPERM);
    }
    assert_int_equal(creates, 0);
    assert_int_equal(destroys, 0);
    assert_int_equal(pauses + unpauses + affinity_sets + adjdoms + policy_sets, 0);
}

static void test_create_fields(void **state)
{
    struct proxen_control op;

    (void)state;
    op = create_op(1, 1, "a");
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = create_op(0, 0, "a");
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = create_op(MAX_VIRT_CPUS + 1, 0, "a");
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = create_op(1, 0, "");
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = create_op(1, 0, "");
    memset(op.u.createdomain.name, 'x', PXCTL_NAME_LEN);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(creates, 0);
    op = create_op(MAX_VIRT_CPUS, 0, "fine");
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(creates, 1);
    assert_int_equal(op.domain, 5);
    /* Grant-table limits: 0 for Xen's defaults, else within the caps. */
    assert_int_equal(last_grant_frames, 64);
    assert_int_equal(last_maptrack_frames, 1024);
    op = create_op(1, 0, "g");
    op.u.createdomain.max_grant_frames = 1025;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.createdomain.max_grant_frames = 1;
    op.u.createdomain.max_maptrack_frames = 4097;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(creates, 1);
    op.u.createdomain.max_grant_frames = 1024;
    op.u.createdomain.max_maptrack_frames = 4096;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(last_grant_frames, 1024);
    assert_int_equal(last_maptrack_frames, 4096);
}

static void test_destroy_targets(void **state)
{
    struct proxen_control op;

    (void)state;
    op = op_of(PXCTL_destroydomain, 0);
    assert_int_equal(control_op(&v0, &op), -EINVAL);    /* itself */
    op = op_of(PXCTL_destroydomain, DOMID_SELF);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = op_of(PXCTL_destroydomain, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    assert_int_equal(destroys, 0);
    op = op_of(PXCTL_populate, 0);
    assert_int_equal(control_op(&v0, &op), -EINVAL);    /* not itself either */
    op = op_of(PXCTL_getmemlist, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    /* The privileged domain is never destroyed, even by another one. */
    v0.domain = &guest;
    guest.is_privileged = true;
    op = op_of(PXCTL_destroydomain, 0);
    assert_int_equal(control_op(&v0, &op), -EPERM);
    op = op_of(PXCTL_populate, 0);
    assert_int_equal(control_op(&v0, &op), -EPERM);
    assert_int_equal(destroys, 0);
    v0.domain = &dom0;
    guest.is_privileged = false;
    op = op_of(PXCTL_destroydomain, 5);
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(destroys, 1);
}

/* A call do_control continues until it returns something else: how
 * many times it ran. */
static unsigned int run_continued(struct proxen_control *op, long *rc)
{
    uint64_t a[6] = { (uint64_t)(uintptr_t)op };
    unsigned int runs = 0;

    do {
        runs++;
        *rc = do_control(a);
    } while (*rc == __HYPERVISOR_control && runs < 1000);
    return runs;
}

/* A teardown in steps: the call is continued until it is over; a
 * continued call finds the domain among those being torn down (not
 * among the listed ones), and a lookup that finds neither is -ESRCH. */
static void test_destroy_continued(void **state)
{
    struct proxen_control op = op_of(PXCTL_destroydomain, 5);
    long rc;

    (void)state;
    destroy_steps = 4;
    assert_int_equal(run_continued(&op, &rc), 4);
    assert_int_equal(rc, 0);
    assert_int_equal(destroys, 4);
    assert_int_equal(continuations, 3);
    op = op_of(PXCTL_destroydomain, 6);             /* off the list, being torn down */
    destroys = 0;
    destroy_steps = 1;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(destroys, 1);
    assert_int_equal(dying_lookups, 1);
    op = op_of(PXCTL_destroydomain, 7);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
}

/* populate: what is left is written back and given by the continued
 * call; 0 left at the end. */
static void test_populate_continued(void **state)
{
    struct proxen_control op = op_of(PXCTL_populate, 5);
    long rc;

    (void)state;
    op.u.populate.nr_pages = 1000;
    populate_step = 300;
    assert_int_equal(run_continued(&op, &rc), 4);
    assert_int_equal(rc, 0);
    assert_int_equal(populated, 1000);
    assert_int_equal(op.u.populate.nr_pages, 0);
    assert_int_equal(continuations, 3);
}

/* getmemlist: with preemption due after every chunk, each continued call
 * writes on where the last stopped; max says how many in all.  The list
 * ending first stops it early; a short walk (memlist_step) keeps going. */
static void test_getmemlist_continued(void **state)
{
    uint64_t buf[300] = { 0 };
    struct proxen_control op = op_of(PXCTL_getmemlist, 5);
    long rc;

    (void)state;
    memlist_frames = 250;
    preempt_due = true;
    op.u.getmemlist = (struct pxctl_getmemlist){ (uint64_t)(uintptr_t)buf, 10, 300, 0 };
    assert_true(run_continued(&op, &rc) > 3);
    assert_int_equal(rc, 0);
    assert_int_equal(op.u.getmemlist.max, 240);
    for (unsigned int i = 0; i < 240; i++)
        assert_int_equal(buf[i], 1010 + i);
    assert_int_equal(buf[240], 0);
    preempt_due = false;
    memlist_step = 7;
    memset(buf, 0, sizeof(buf));
    op.u.getmemlist = (struct pxctl_getmemlist){ (uint64_t)(uintptr_t)buf, 0, 100, 0 };
    assert_int_equal(run_continued(&op, &rc), 1);
    assert_int_equal(rc, 0);
    assert_int_equal(op.u.getmemlist.max, 100);
    assert_int_equal(buf[99], 1099);
    assert_int_equal(buf[100], 0);
}

static void test_getdomaininfo(void **state)
{
    struct proxen_control op = op_of(PXCTL_getdomaininfo, 0);

    (void)state;
    strcpy(dom0.name, "Domain-0");
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.domaininfo.domain, 0);
    assert_int_equal(op.u.domaininfo.flags, PXDOMF_privileged | PXDOMF_running);
    assert_string_equal(op.u.domaininfo.name, "Domain-0");
    op = op_of(PXCTL_getdomaininfo, 1);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    op = op_of(PXCTL_getdomaininfo, DOMID_FIRST_RESERVED);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
}

static struct proxen_control vcpu_op(uint32_t cmd, domid_t d, uint32_t vcpu)
{
    struct proxen_control op = op_of(cmd, d);

    op.u.vcpucontext.vcpu = vcpu;       /* the first field of both */
    return op;
}

/* Only a domain being built, only an existing vCPU, only once; a refused
 * or failed context leaves the vCPU without one. */
static void test_setvcpucontext(void **state)
{
    struct proxen_control op;

    (void)state;
    op = vcpu_op(PXCTL_setvcpucontext, 0, 0);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* itself */
    op = vcpu_op(PXCTL_setvcpucontext, 9, 0);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    op = vcpu_op(PXCTL_setvcpucontext, 5, 2);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* no vCPU 2 */
    op = vcpu_op(PXCTL_setvcpucontext, 5, 0xffffffffu);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(set_contexts, 0);
    set_context_rc = -EINVAL;
    op = vcpu_op(PXCTL_setvcpucontext, 5, 1);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(guest_vcpus[1].context, VCPU_CONTEXT_NONE);
    set_context_rc = 0;
    set_context_online = true;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(guest_vcpus[1].context, VCPU_CONTEXT_READY);
    assert_true(guest_vcpus[1].up);
    assert_int_equal(control_op(&v0, &op), -EEXIST);     /* it has one now */
    assert_int_equal(set_contexts, 2);
    op = vcpu_op(PXCTL_setvcpucontext, 5, 0);
    set_context_online = false;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_false(guest_vcpus[0].up);
    /* Never a privileged domain's. */
    guest.is_privileged = true;
    guest_vcpus[1].context = VCPU_CONTEXT_NONE;
    op = vcpu_op(PXCTL_setvcpucontext, 5, 1);
    assert_int_equal(control_op(&v0, &op), -EPERM);
    guest.is_privileged = false;
    assert_int_equal(set_contexts, 3);
}

static void test_getvcpuinfo(void **state)
{
    struct proxen_control op = vcpu_op(PXCTL_getvcpuinfo, 5, 0);

    (void)state;
    guest_vcpus[0].up = true;
    guest_vcpus[0].context = VCPU_CONTEXT_READY;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.vcpuinfo.flags, PXVCPUF_online | PXVCPUF_running | PXVCPUF_initialised);
    assert_int_equal(op.u.vcpuinfo.cpu, 0);
    assert_int_equal(op.u.vcpuinfo.cpu_time, 1000);
    guest_vcpus[1].blocked = true;
    op = vcpu_op(PXCTL_getvcpuinfo, 5, 1);
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.vcpuinfo.flags, PXVCPUF_blocked);
    assert_int_equal(op.u.vcpuinfo.cpu, 1);
    assert_int_equal(op.u.vcpuinfo.cpu_time, 1001);
    op = vcpu_op(PXCTL_getvcpuinfo, 5, 2);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = vcpu_op(PXCTL_getvcpuinfo, 9, 0);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
}

static void test_setname(void **state)
{
    struct proxen_control op = op_of(PXCTL_setname, 5);

    (void)state;
    strcpy(guest.name, "old");
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* empty */
    memset(op.u.setname.name, 'x', PXCTL_NAME_LEN);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* unterminated */
    assert_string_equal(guest.name, "old");
    strcpy(op.u.setname.name, "new");
    assert_int_equal(control_op(&v0, &op), 0);
    assert_string_equal(guest.name, "new");
    op = op_of(PXCTL_setname, 0);
    strcpy(op.u.setname.name, "Dom0");
    assert_int_equal(control_op(&v0, &op), 0);           /* itself too */
    assert_string_equal(dom0.name, "Dom0");
}

static void test_setmaxmem_settime(void **state)
{
    struct proxen_control op = op_of(PXCTL_setmaxmem, 5);

    (void)state;
    op.u.setmaxmem.max_pages = 77;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(guest.max_pages, 77);
    op = op_of(PXCTL_setmaxmem, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    op = op_of(PXCTL_settime, 0);
    op.u.settime.nsecs = 1000000000;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.settime.nsecs = 5;
    op.u.settime._pad0 = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(wallclock_sets, 0);
    op.u.settime._pad0 = 0;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(wallclock_sets, 1);
}

static struct proxen_control ports_op(domid_t d, uint32_t first, uint32_t nr, uint32_t allow)
{
    struct proxen_control op = op_of(PXCTL_ioport_permission, d);

    op.u.ioport_permission = (struct pxctl_ioport_permission){ first, nr, allow, 0 };
    return op;
}

/* Xen's range rules; only ports the caller has itself; only a domain
 * being built. */
static void test_io_permissions(void **state)
{
    struct proxen_control op;

    (void)state;
    op = ports_op(5, 0x100, 0, 1);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = ports_op(5, 0xfff0, 0x11, 1);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* past 0xffff */
    op = ports_op(5, 0x100, 0xffffffffu, 1);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* wraps */
    op = ports_op(5, 0x100, 1, 2);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = ports_op(0, 0x100, 1, 1);
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* itself */
    caller_has_ports = false;
    op = ports_op(5, 0x100, 1, 1);
    assert_int_equal(control_op(&v0, &op), -EPERM);
    assert_int_equal(ioport_sets, 0);
    caller_has_ports = true;
    op = ports_op(5, 0xfff0, 0x10, 1);
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(ioport_sets, 1);
    assert_int_equal(last_first_port, 0xfff0);
    assert_int_equal(last_last_port, 0xffff);
    assert_true(last_allow);
    op = op_of(PXCTL_setiopriv, 5);
    op.u.setiopriv.enable = 2;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = op_of(PXCTL_setiopriv, 0);
    op.u.setiopriv.enable = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);     /* itself */
    assert_int_equal(iopriv_sets, 0);
    op = op_of(PXCTL_setiopriv, 5);
    op.u.setiopriv.enable = 1;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(iopriv_sets, 1);
}

/* Pausing: never the caller's own domain (it would wait for itself), an
 * unknown one -ESRCH; unpausing any listed domain. */
static void test_pause_targets(void **state)
{
    struct proxen_control op;

    (void)state;
    op = op_of(PXCTL_pausedomain, 0);
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op = op_of(PXCTL_pausedomain, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    op = op_of(PXCTL_unpausedomain, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);
    assert_int_equal(pauses + unpauses, 0);
    op = op_of(PXCTL_pausedomain, 5);
    assert_int_equal(control_op(&v0, &op), 0);
    op = op_of(PXCTL_unpausedomain, 5);
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(pauses, 1);
    assert_int_equal(unpauses, 1);
}

/* Affinity: the vCPU must exist, the padding be 0; the map is the
 * scheduler's to check; reading gives the online part of it. */
static void test_affinity_fields(void **state)
{
    struct proxen_control op = op_of(PXCTL_setvcpuaffinity, 5);

    (void)state;
    op.u.vcpuaffinity.vcpu = 2;                 /* the guest has 2 */
    op.u.vcpuaffinity.cpumap = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.vcpuaffinity.vcpu = 1;
    op.u.vcpuaffinity._pad0 = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(affinity_sets, 0);
    op.u.vcpuaffinity._pad0 = 0;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(affinity_sets, 1);
    assert_int_equal(last_affinity, 1);

    guest_vcpus[1].affinity = ~0ULL;
    fake_set_nr_cpus(3);
    op = op_of(PXCTL_getvcpuaffinity, 5);
    op.u.vcpuaffinity.vcpu = 1;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.vcpuaffinity.cpumap, 7);
    fake_set_nr_cpus(1);
    op.u.vcpuaffinity.vcpu = 7;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
}

/* The policy: its id and name; adjdom and control through its hooks,
 * with their own fields checked first. */
static void test_sched_ops(void **state)
{
    struct proxen_control op = op_of(PXCTL_sched_id, 0);

    (void)state;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.sched_id.sched_id, 77);
    assert_string_equal(op.u.sched_id.name, "fake-policy");

    op = op_of(PXCTL_sched_adjdom, 5);
    op.u.sched_adjdom.set = 2;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.sched_adjdom.set = 0;
    op.u.sched_adjdom._pad0 = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    assert_int_equal(adjdoms, 0);
    op.u.sched_adjdom._pad0 = 0;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.sched_adjdom.params[0], 42);
    op = op_of(PXCTL_sched_adjdom, 9);
    assert_int_equal(control_op(&v0, &op), -ESRCH);

    op = op_of(PXCTL_sched_control, 0);
    op.u.sched_control.set = 3;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.sched_control.set = 0;
    op.u.sched_control._pad0 = 1;
    assert_int_equal(control_op(&v0, &op), -EINVAL);
    op.u.sched_control._pad0 = 0;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(op.u.sched_control.param, 7);
    assert_int_equal(policy_sets, 0);
    op.u.sched_control.set = 1;
    assert_int_equal(control_op(&v0, &op), 0);
    assert_int_equal(policy_sets, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_version_first, setup),
        cmocka_unit_test_setup(test_unprivileged_refused, setup),
        cmocka_unit_test_setup(test_create_fields, setup),
        cmocka_unit_test_setup(test_destroy_targets, setup),
        cmocka_unit_test_setup(test_destroy_continued, setup),
        cmocka_unit_test_setup(test_populate_continued, setup),
        cmocka_unit_test_setup(test_getmemlist_continued, setup),
        cmocka_unit_test_setup(test_getdomaininfo, setup),
        cmocka_unit_test_setup(test_setvcpucontext, setup),
        cmocka_unit_test_setup(test_getvcpuinfo, setup),
        cmocka_unit_test_setup(test_setname, setup),
        cmocka_unit_test_setup(test_setmaxmem_settime, setup),
        cmocka_unit_test_setup(test_io_permissions, setup),
        cmocka_unit_test_setup(test_pause_targets, setup),
        cmocka_unit_test_setup(test_affinity_fields, setup),
        cmocka_unit_test_setup(test_sched_ops, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
