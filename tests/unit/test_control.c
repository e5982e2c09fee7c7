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

#include <proxen/control.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/page_alloc.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 64

static struct page_info *table;
static struct domain dom0, guest;
static struct vcpu v0, vg;
static unsigned int creates, destroys;

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

struct vcpu *current_vcpu(void) { return &v0; }

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    fn(&dom0, arg);
}

int domain_create_guest(const char *name, unsigned int max_vcpus, uint64_t max_pages,
                        struct domain **out)
{
    (void)name;
    (void)max_vcpus;
    (void)max_pages;
    creates++;
    *out = &guest;
    return 0;
}

struct domain *get_domain_by_id(domid_t id)
{
    return id == 0 ? &dom0 : id == 5 ? &guest : NULL;
}

void put_domain(struct domain *d) { (void)d; }

int domain_populate(struct domain *d, uint64_t nr)
{
    (void)d;
    (void)nr;
    return 0;
}

uint64_t domain_memlist(struct domain *d, uint64_t start, uint64_t *mfns, uint64_t max)
{
    (void)d;
    (void)start;
    (void)mfns;
    (void)max;
    return 0;
}
void domain_destroy(struct domain *d) { (void)d; destroys++; }

static int setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    dom0 = (struct domain){ .domain_id = 0, .is_privileged = true, .state = DOMAIN_RUNNING };
    guest = (struct domain){ .domain_id = 5, .state = DOMAIN_BUILDING };
    v0 = (struct vcpu){ .domain = &dom0 };
    vg = (struct vcpu){ .domain = &guest };
    creates = destroys = 0;
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
                                     PXCTL_destroydomain, PXCTL_readconsole, 99 };

    (void)state;
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct proxen_control op = create_op(1, 0, "a");

        op.cmd = cmds[i];
        op.domain = 5;
        assert_int_equal(control_op(&vg, &op), -EPERM);
    }
    assert_int_equal(creates, 0);
    assert_int_equal(destroys, 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_version_first, setup),
        cmocka_unit_test_setup(test_unprivileged_refused, setup),
        cmocka_unit_test_setup(test_create_fields, setup),
        cmocka_unit_test_setup(test_destroy_targets, setup),
        cmocka_unit_test_setup(test_getdomaininfo, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
