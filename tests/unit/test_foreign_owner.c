/* The foreign-domain argument (hv/common/foreign_owner.c) with a fake
 * domain list: only a privileged caller names another domain's frames;
 * its own id, unknown and special ids are -ESRCH; every reference taken
 * is dropped when the request is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/foreign_owner.h>
#include <public/xen.h>

static struct domain dom0, guest, other;
static int refs;                /* taken by get_domain_by_id, not yet put */

struct domain *get_domain_by_id(domid_t id)
{
    struct domain *d = id == 0 ? &dom0 : id == 5 ? &guest : id == 6 ? &other : NULL;

    if (d)
        refs++;
    return d;
}

void put_domain(struct domain *d)
{
    assert_non_null(d);
    refs--;
}

static int setup(void **state)
{
    (void)state;
    dom0 = (struct domain){ .domain_id = 0, .is_privileged = true };
    guest = (struct domain){ .domain_id = 5 };
    other = (struct domain){ .domain_id = 6 };
    refs = 0;
    return 0;
}

static void test_self(void **state)
{
    struct domain *o = NULL;

    (void)state;
    assert_int_equal(pv_get_pg_owner(&guest, DOMID_SELF, &o), 0);
    assert_ptr_equal(o, &guest);
    pv_put_pg_owner(&guest, o);
    assert_int_equal(refs, 0);
    /* Itself by id is refused, as Xen's get_pg_owner does. */
    assert_int_equal(pv_get_pg_owner(&guest, 5, &o), -ESRCH);
    assert_int_equal(pv_get_pg_owner(&dom0, 0, &o), -ESRCH);
    assert_int_equal(refs, 0);
}

static void test_privileged_only(void **state)
{
    struct domain *o = NULL;

    (void)state;
    assert_int_equal(pv_get_pg_owner(&guest, 6, &o), -EPERM);
    assert_int_equal(pv_get_pg_owner(&guest, 0, &o), -EPERM);
    assert_int_equal(refs, 0);
    assert_int_equal(pv_get_pg_owner(&dom0, 5, &o), 0);
    assert_ptr_equal(o, &guest);
    assert_int_equal(refs, 1);          /* held across the request */
    pv_put_pg_owner(&dom0, o);
    assert_int_equal(refs, 0);
}

static void test_unknown_and_special(void **state)
{
    static const uint16_t ids[] = { 7, DOMID_FIRST_RESERVED + 1 /* DOMID_IO */,
                                    DOMID_FIRST_RESERVED + 2 /* DOMID_XEN */, 0xffff };
    struct domain *o = NULL;

    (void)state;
    for (unsigned int i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        assert_int_equal(pv_get_pg_owner(&dom0, ids[i], &o), -ESRCH);
        assert_int_equal(pv_get_pg_owner(&guest, ids[i], &o), -ESRCH);
    }
    assert_int_equal(refs, 0);
}

static void test_pt_owner(void **state)
{
    (void)state;
    assert_int_equal(pv_check_pt_owner(&guest, DOMID_SELF), 0);
    assert_int_equal(pv_check_pt_owner(&guest, (6u << 16) | DOMID_SELF), 0);   /* itself + 1 */
    assert_int_equal(pv_check_pt_owner(&guest, (7u << 16) | DOMID_SELF), -EPERM);
    assert_int_equal(pv_check_pt_owner(&dom0, (6u << 16) | DOMID_SELF), -EOPNOTSUPP);
    assert_int_equal(pv_check_pt_owner(&dom0, (8u << 16) | DOMID_SELF), -ESRCH);
    assert_int_equal(pv_check_pt_owner(&dom0, 0xffffu << 16), -ESRCH);
    assert_int_equal(refs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_self, setup),
        cmocka_unit_test_setup(test_privileged_only, setup),
        cmocka_unit_test_setup(test_unknown_and_special, setup),
        cmocka_unit_test_setup(test_pt_owner, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
