/* multicall (hv/common/multicall.c) against a fake guest: each entry is
 * copied in once and its handler sees only that copy, results go back to
 * the guest's list, and the hostile entries get Xen's answers.  The
 * guest's memory is a buffer at a fake address; the hypercall table is
 * this file's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

#define GUEST_VA   0x40000ULL
#define NR_ENTRIES 8

static struct multicall_entry guest_list[NR_ENTRIES];
static struct domain dom;
static struct vcpu vcpu0 = { .domain = &dom };

struct vcpu *current_vcpu(void) { return &vcpu0; }

static void *guest_ptr(uint64_t gva, size_t len)
{
    uint64_t off = gva - GUEST_VA;

    if (gva < GUEST_VA || off > sizeof(guest_list) || len > sizeof(guest_list) - off)
        return NULL;
    return (char *)guest_list + off;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    void *p = guest_ptr(gva, len);

    if (!p)
        return -EFAULT;
    memcpy(dst, p, len);
    return 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    void *p = guest_ptr(gva, len);

    if (!p)
        return -EFAULT;
    memcpy(p, src, len);
    return 0;
}

/* --- the fake hypercalls ---------------------------------------------------- */

#define OP_ECHO     1      /* returns args[0] + args[5] */
#define OP_REWRITE  2      /* rewrites its own entry in guest memory first */
#define OP_SHUTDOWN 3      /* its domain stops */
#define OP_PREEMPT  4      /* asks to be continued with args[0] = 7 */
#define OP_NONE     5      /* no handler */

static unsigned int calls;
static unsigned int preempt_at = ~0u;    /* hypercall_preempt_check's answer */
static unsigned int preempt_checks;
static uint64_t cont_op, cont_args[6];
static unsigned int cont_nargs;

static long echo(const uint64_t a[6])
{
    calls++;
    return (long)(a[0] + a[5]);
}

/* A second vCPU changes the entry while its handler runs: the handler
 * still sees, and checks against, what was copied in. */
static long rewrite(const uint64_t a[6])
{
    uint64_t before = a[0];

    calls++;
    assert_null(guest_ptr((uint64_t)(uintptr_t)a, 8));   /* never in guest memory */
    for (unsigned int i = 0; i < NR_ENTRIES; i++)
        guest_list[i].args[0] = 0xdead;
    return a[0] == before ? (long)a[0] : -1;
}

static long stop_domain(const uint64_t a[6])
{
    (void)a;
    calls++;
    dom.state = DOMAIN_SHUTDOWN;
    return 0;
}

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6])
{
    struct vcpu *v = current_vcpu();

    if (v->mc_call) {
        v->mc_call->op = op;
        for (unsigned int i = 0; i < nargs; i++)
            v->mc_call->args[i] = args[i];
        v->mc_preempted = true;
        return op;
    }
    cont_op = op;
    cont_nargs = nargs;
    memcpy(cont_args, args, sizeof(cont_args));
    return op;
}

static long preempt_me(const uint64_t a[6])
{
    const uint64_t rest[6] = { 7 };

    (void)a;
    calls++;
    return hypercall_create_continuation(OP_PREEMPT, 1, rest);
}

hypercall_fn *hypercall_lookup(uint64_t nr)
{
    switch (nr) {
    case OP_ECHO: return echo;
    case OP_REWRITE: return rewrite;
    case OP_SHUTDOWN: return stop_domain;
    case OP_PREEMPT: return preempt_me;
    }
    return NULL;
}

bool hypercall_preempt_check(void)
{
    return preempt_checks++ == preempt_at;
}

static unsigned int irets;

uint64_t arch_multicall_iret(void)
{
    irets++;
    return 0x1234;
}

/* --- the tests -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    memset(guest_list, 0, sizeof(guest_list));
    for (unsigned int i = 0; i < NR_ENTRIES; i++)
        guest_list[i].result = 0xbad;
    dom.state = DOMAIN_RUNNING;
    vcpu0.mc_call = NULL;
    vcpu0.mc_preempted = false;
    calls = irets = preempt_checks = cont_nargs = 0;
    preempt_at = ~0u;
    cont_op = 0;
    return 0;
}

static long multicall(uint64_t list, uint64_t count)
{
    const uint64_t a[6] = { list, count };

    return do_multicall(a);
}

static void entry(unsigned int i, uint64_t op, uint64_t arg0)
{
    guest_list[i].op = op;
    guest_list[i].args[0] = arg0;
    guest_list[i].args[5] = 0x100;
}

static void test_results_written_back(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < 3; i++)
        entry(i, OP_ECHO, i);
    assert_int_equal(multicall(GUEST_VA, 3), 0);
    for (unsigned int i = 0; i < 3; i++)
        assert_int_equal(guest_list[i].result, i + 0x100);
    assert_int_equal(guest_list[3].result, 0xbad);
    assert_null(vcpu0.mc_call);
}

/* No handler, and numbers past the table (the op is 64 bits): -ENOSYS,
 * and the batch goes on. */
static void test_unknown_op(void **state)
{
    (void)state;
    entry(0, OP_NONE, 0);
    entry(1, 1ULL << 32 | OP_ECHO, 0);
    entry(2, ~0ULL, 0);
    entry(3, OP_ECHO, 1);
    assert_int_equal(multicall(GUEST_VA, 4), 0);
    assert_int_equal((long)guest_list[0].result, -ENOSYS);
    assert_int_equal((long)guest_list[1].result, -ENOSYS);
    assert_int_equal((long)guest_list[2].result, -ENOSYS);
    assert_int_equal(guest_list[3].result, 0x101);
    assert_int_equal(calls, 1);
}

/* A multicall inside a multicall is -EINVAL, without running its list
 * (which here names the outer one: unbounded recursion otherwise). */
static void test_nested(void **state)
{
    (void)state;
    entry(0, __HYPERVISOR_multicall, GUEST_VA);
    guest_list[0].args[1] = 2;
    entry(1, OP_ECHO, 5);
    assert_int_equal(multicall(GUEST_VA, 2), 0);
    assert_int_equal((long)guest_list[0].result, -EINVAL);
    assert_int_equal(guest_list[1].result, 0x105);
    assert_int_equal(calls, 1);
}

/* An iret entry ends the batch: its result is the restored RAX, nothing
 * after it runs. */
static void test_iret_ends_batch(void **state)
{
    (void)state;
    entry(0, OP_ECHO, 0);
    entry(1, __HYPERVISOR_iret, 0);
    entry(2, OP_ECHO, 0);
    assert_int_equal(multicall(GUEST_VA, 3), 0);
    assert_int_equal(irets, 1);
    assert_int_equal(guest_list[1].result, 0x1234);
    assert_int_equal(guest_list[2].result, 0xbad);
    assert_int_equal(calls, 1);
}

/* A list that runs out of readable memory: -EFAULT at that entry, the
 * ones before it done. */
static void test_unreadable(void **state)
{
    (void)state;
    entry(NR_ENTRIES - 1, OP_ECHO, 2);
    assert_int_equal(multicall(GUEST_VA + (NR_ENTRIES - 1) * sizeof(guest_list[0]), 2), -EFAULT);
    assert_int_equal(guest_list[NR_ENTRIES - 1].result, 0x102);
    assert_int_equal(calls, 1);
    assert_int_equal(multicall(0xffff800000000000ULL, 1), -EFAULT);
    assert_int_equal(multicall(GUEST_VA + 8, NR_ENTRIES), -EFAULT);
}

/* The handler works on the hypervisor's copy: the guest changing its
 * entry meanwhile changes nothing the handler checked. */
static void test_entry_copied_once(void **state)
{
    (void)state;
    entry(0, OP_REWRITE, 0x55);
    entry(1, OP_REWRITE, 0x66);
    assert_int_equal(multicall(GUEST_VA, 2), 0);
    assert_int_equal(guest_list[0].result, 0x55);
    assert_int_equal(guest_list[1].result, 0xdead);
}

/* Once the domain stopped, nothing more of its batch runs. */
static void test_stops_with_domain(void **state)
{
    (void)state;
    entry(0, OP_SHUTDOWN, 0);
    entry(1, OP_ECHO, 0);
    assert_int_equal(multicall(GUEST_VA, 2), 0);
    assert_int_equal(calls, 1);
    assert_int_equal(guest_list[1].result, 0xbad);
}

/* Preempted between entries: the multicall continues with the rest of
 * its list; never before its first entry. */
static void test_preempted_between_entries(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < 4; i++)
        entry(i, OP_ECHO, i);
    preempt_at = 0;
    assert_int_equal(multicall(GUEST_VA, 4), __HYPERVISOR_multicall);
    assert_int_equal(calls, 1);
    assert_int_equal(cont_nargs, 2);
    assert_int_equal(cont_args[0], GUEST_VA + sizeof(guest_list[0]));
    assert_int_equal(cont_args[1], 3);
}

/* An entry that is itself preempted: its continuation is written over
 * the guest's entry and the multicall continues from that entry. */
static void test_entry_preempted(void **state)
{
    (void)state;
    entry(0, OP_ECHO, 0);
    entry(1, OP_PREEMPT, 0);
    entry(2, OP_ECHO, 0);
    assert_int_equal(multicall(GUEST_VA, 3), __HYPERVISOR_multicall);
    assert_int_equal(guest_list[1].op, OP_PREEMPT);
    assert_int_equal(guest_list[1].args[0], 7);
    assert_int_equal(cont_args[0], GUEST_VA + sizeof(guest_list[0]));
    assert_int_equal(cont_args[1], 2);
    assert_int_equal(calls, 2);
    assert_false(vcpu0.mc_preempted);
}

/* The count is 32 bits wide, as Xen's unsigned int nr_calls. */
static void test_count_32_bits(void **state)
{
    (void)state;
    entry(0, OP_ECHO, 0);
    entry(1, OP_ECHO, 0);
    assert_int_equal(multicall(GUEST_VA, 1ULL << 32 | 1), 0);
    assert_int_equal(calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_results_written_back, setup),
        cmocka_unit_test_setup(test_unknown_op, setup),
        cmocka_unit_test_setup(test_nested, setup),
        cmocka_unit_test_setup(test_iret_ends_batch, setup),
        cmocka_unit_test_setup(test_unreadable, setup),
        cmocka_unit_test_setup(test_entry_copied_once, setup),
        cmocka_unit_test_setup(test_stops_with_domain, setup),
        cmocka_unit_test_setup(test_preempted_between_entries, setup),
        cmocka_unit_test_setup(test_entry_preempted, setup),
        cmocka_unit_test_setup(test_count_32_bits, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
