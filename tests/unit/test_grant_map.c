/* Grant mappings' common logic (hv/common/grant_map.c) against the fake
 * arch's mappings (fake_grant_map.c) and a fake grant table that counts
 * pins: a refused map leaves nothing pinned, mapped or held; an unmap
 * drops its pins only after the TLB flush; a handle is unmapped once;
 * teardown undoes every mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/grant_map.h>
#include <proxen/domain.h>
#include <proxen/grant_map.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/hypercall.h>
#include <proxen/maptrack.h>
#include <proxen/page_alloc.h>
#include "fake_arch.h"

#define NR_FRAMES 256
#define VA 0x400000ULL

static struct page_info *frames;
static struct domain ld, rd;
static struct grant_table ld_gt;
static int pins[4];
static unsigned int flushes_at_unpin;
static int16_t pin_answer, dev_pin_answer;   /* a refusal of every pin, of device pins */

/* --- fakes of the rest of the hypervisor ---------------------------------- */

struct domain *get_domain_by_id(domid_t id)
{
    if (id != rd.domain_id)
        return NULL;
    atomic_fetch_add(&rd.refcnt, 1);
    return &rd;
}

void put_domain(struct domain *d)
{
    assert_true(atomic_fetch_sub(&d->refcnt, 1) > 0);
}

int16_t gnttab_pin(struct domain *d, grant_ref_t ref, domid_t ldomid, enum grant_use use,
                   bool map, struct grant_pinned *out)
{
    assert_ptr_equal(d, &rd);
    assert_true(map);
    assert_int_equal(ldomid, ld.domain_id);
    if (pin_answer)
        return pin_answer;
    if (dev_pin_answer && (use == GRANT_USE_DEV_RW || use == GRANT_USE_DEV_RO))
        return dev_pin_answer;
    pins[use]++;
    *out = (struct grant_pinned){ _mfn(100 + ref), 0, PAGE_SIZE };
    return GNTST_okay;
}

void gnttab_unpin(struct domain *d, grant_ref_t ref, enum grant_use use)
{
    (void)ref;
    assert_ptr_equal(d, &rd);
    assert_true(pins[use] > 0);
    pins[use]--;
    flushes_at_unpin = fake_grant_flushes();
}

/* A teardown's preemption checks: always due when preempt_due. */
static bool preempt_due;
static unsigned int preempt_checks;

bool hypercall_preempt_check(void)
{
    preempt_checks++;
    return preempt_due;
}

/* The records are the page-type lock's; the fake arch takes none. */
bool page_types_locked(struct domain *d)
{
    assert_ptr_equal(d, &ld);
    return true;
}

/* One heap for the group: xmalloc keeps its slabs across tests. */
static int group_setup(void **state)
{
    (void)state;
    fake_mem_init(NR_FRAMES);
    frames = calloc(NR_FRAMES, sizeof(*frames));
    page_alloc_init(frames, NR_FRAMES);
    page_alloc_free_range(_mfn(0), NR_FRAMES);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(frames);
    fake_mem_free();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&ld, 0, sizeof(ld));
    memset(&rd, 0, sizeof(rd));
    memset(&ld_gt, 0, sizeof(ld_gt));
    memset(pins, 0, sizeof(pins));
    ld.domain_id = 1;
    rd.domain_id = 2;
    ld.grant_table = &ld_gt;
    ld_gt.max_maptrack_frames = 1;
    atomic_store(&rd.refcnt, 1);
    pin_answer = dev_pin_answer = 0;
    preempt_due = false;
    preempt_checks = 0;
    fake_grant_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    grant_map_free(&ld);
    return 0;
}

static struct gnttab_map_grant_ref map(uint64_t addr, uint32_t flags, grant_ref_t ref)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
                                       .dom = 2 };

    grant_map_one(&ld, &op);
    return op;
}

static int16_t unmap(uint64_t addr, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = h };
    struct grant_unmap_token tok;

    grant_unmap_one(&ld, &op, &tok);
    arch_grant_flush_tlbs(&ld);
    grant_unmap_complete(&ld, &tok);
    return op.status;
}

static void expect_nothing_held(void)
{
    for (unsigned int u = 0; u < 4; u++)
        assert_int_equal(pins[u], 0);
    assert_int_equal(fake_grant_nr_mappings(), 0);
    assert_int_equal(atomic_load(&rd.refcnt), 1);
}

static void test_map_unmap(void **state)
{
    struct gnttab_map_grant_ref op = map(VA, GNTMAP_host_map, 7);

    (void)state;
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(op.dev_bus_addr, 107ULL << PAGE_SHIFT);
    assert_int_equal(pins[GRANT_USE_HOST_RW], 1);
    assert_non_null(fake_grant_at(VA));
    assert_int_equal(atomic_load(&rd.refcnt), 2);      /* the handle's */
    assert_int_equal(unmap(VA, op.handle), GNTST_okay);
    assert_int_equal(flushes_at_unpin, 1);             /* unpinned after the flush */
    expect_nothing_held();
    assert_int_equal(unmap(VA, op.handle), GNTST_bad_handle);
}

static void test_refusals_hold_nothing(void **state)
{
    struct gnttab_map_grant_ref op;

    (void)state;
    assert_int_equal(map(VA, 0, 7).status, GNTST_bad_gntref);
    op = map(VA, GNTMAP_host_map, 7);
    op.dom = 9;
    grant_map_one(&ld, &op);
    assert_int_equal(op.status, GNTST_bad_domain);
    pin_answer = GNTST_bad_gntref;
    assert_int_equal(map(VA + 0x1000, GNTMAP_host_map, 7).status, GNTST_bad_gntref);
    pin_answer = 0;
    fake_grant_refuse_addr(VA + 0x2000);
    assert_int_equal(map(VA + 0x2000, GNTMAP_host_map | GNTMAP_device_map, 7).status,
                     GNTST_general_error);
    /* The device use refused after the host use was pinned: both or neither. */
    dev_pin_answer = GNTST_general_error;
    assert_int_equal(map(VA + 0x3000, GNTMAP_host_map | GNTMAP_device_map, 7).status,
                     GNTST_general_error);
    dev_pin_answer = 0;
    /* Only the first mapping (at VA) holds anything. */
    assert_int_equal(pins[GRANT_USE_HOST_RW], 1);
    assert_int_equal(pins[GRANT_USE_DEV_RW], 0);
    assert_int_equal(unmap(VA, 0), GNTST_okay);
    expect_nothing_held();
}

/* A device and host mapping: each use pinned; the host part unmapped
 * alone leaves the handle with its device use. */
static void test_device_and_host(void **state)
{
    struct gnttab_map_grant_ref op = map(VA, GNTMAP_host_map | GNTMAP_device_map |
                                         GNTMAP_readonly, 3);
    struct gnttab_unmap_grant_ref u = { .host_addr = 0, .dev_bus_addr = 103ULL << PAGE_SHIFT };
    struct grant_unmap_token tok;

    (void)state;
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(pins[GRANT_USE_HOST_RO], 1);
    assert_int_equal(pins[GRANT_USE_DEV_RO], 1);
    assert_int_equal(unmap(VA, op.handle), GNTST_okay);
    assert_int_equal(pins[GRANT_USE_HOST_RO], 0);
    assert_int_equal(pins[GRANT_USE_DEV_RO], 1);
    u.handle = op.handle;
    u.dev_bus_addr = 1;
    grant_unmap_one(&ld, &u, &tok);
    assert_int_equal(u.status, GNTST_bad_dev_addr);
    u.dev_bus_addr = 103ULL << PAGE_SHIFT;
    grant_unmap_one(&ld, &u, &tok);
    assert_int_equal(u.status, GNTST_okay);
    grant_unmap_complete(&ld, &tok);
    expect_nothing_held();
}

/* A dying domain's mappings: all undone, after one flush. */
static void test_teardown(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < 5; i++)
        assert_int_equal(map(VA + i * 0x1000, GNTMAP_host_map, i).status, GNTST_okay);
    ld.dying = true;
    assert_int_equal(grant_map_domain_teardown(&ld, &(uint64_t){ 0 }, false), 0);
    assert_int_equal(fake_grant_flushes(), 1);
    assert_int_equal(ld_gt.maptrack->index_root, 0);    /* no record left */
    expect_nothing_held();
}

/* The handle recorded at where, as unmap_and_replace finds it. */
static uint32_t handle_at(uint64_t where)
{
    return where ? maptrack_find_where(ld_gt.maptrack, where) : MAPTRACK_NONE;
}

static int16_t replace(uint64_t addr, uint64_t new_addr, grant_handle_t h)
{
    struct gnttab_unmap_and_replace op = { .host_addr = addr, .new_addr = new_addr, .handle = h };
    struct grant_unmap_token tok;

    grant_unmap_and_replace_one(&ld, &op, &tok);
    arch_grant_flush_tlbs(&ld);
    grant_unmap_complete(&ld, &tok);
    return op.status;
}

/* A teardown stopped at every preemption check and continued: each step
 * bounded, every mapping taken out before the one flush, every pin
 * dropped only after it, nothing held at the end. */
static void test_teardown_in_steps(void **state)
{
    uint64_t cursor = 0;
    unsigned int steps = 0, host = 40, dev = MAPTRACK_XEN_PER_FRAME - 40;
    int rc;

    (void)state;
    for (unsigned int i = 0; i < host; i++)
        assert_int_equal(map(VA + i * 0x1000, GNTMAP_host_map, i).status, GNTST_okay);
    for (unsigned int i = 0; i < dev; i++)
        assert_int_equal(map(0, GNTMAP_device_map, i).status, GNTST_okay);
    ld.dying = true;
    preempt_due = true;
    do {
        unsigned int checks = preempt_checks;

        rc = grant_map_domain_teardown(&ld, &cursor, true);
        assert_true(preempt_checks - checks <= 1);          /* stopped at its first */
        if (!fake_grant_flushes())
            assert_int_equal(pins[GRANT_USE_HOST_RW] + pins[GRANT_USE_DEV_RW], host + dev);
        steps++;
    } while (rc == -ERESTART);
    assert_int_equal(rc, 0);
    assert_true(steps >= 2 * MAPTRACK_XEN_PER_FRAME / 64);
    assert_int_equal(fake_grant_flushes(), 1);
    assert_int_equal(flushes_at_unpin, 1);
    assert_int_equal(fake_grant_nr_mappings(), 0);
    expect_nothing_held();
}

/* The arch finds a handle by its mapping's record, and a record it
 * moves is the one the handle unmaps by; a freed handle's record is
 * gone, whatever the free list does with its entry. */
static void test_record_of(void **state)
{
    struct gnttab_map_grant_ref a = map(VA, GNTMAP_host_map, 1);
    struct gnttab_map_grant_ref b = map(VA + 0x1000, GNTMAP_host_map, 2);
    struct gnttab_map_grant_ref dev = map(0, GNTMAP_device_map, 3);

    (void)state;
    assert_int_equal(a.status, GNTST_okay);
    assert_int_equal(b.status, GNTST_okay);
    assert_int_equal(dev.status, GNTST_okay);
    assert_int_equal(handle_at(0), MAPTRACK_NONE);
    assert_int_equal(handle_at(VA + 0x2000), MAPTRACK_NONE);
    assert_int_equal(handle_at(VA + 0x1000), b.handle);
    assert_int_equal(grant_map_where(&ld, b.handle), VA + 0x1000);
    assert_int_equal(grant_map_where(&ld, dev.handle), 0);
    assert_int_equal(unmap(VA, a.handle), GNTST_okay);
    assert_int_equal(handle_at(VA), MAPTRACK_NONE);
    assert_int_equal(handle_at(VA + 0x1000), b.handle);
    /* a's entry again, for a mapping elsewhere. */
    assert_int_equal(map(VA + 0x3000, GNTMAP_host_map, 4).handle, a.handle);
    assert_int_equal(handle_at(VA), MAPTRACK_NONE);
    assert_int_equal(handle_at(VA + 0x3000), a.handle);
    assert_int_equal(unmap(VA + 0x3000, a.handle), GNTST_okay);
    assert_int_equal(unmap(VA + 0x1000, b.handle), GNTST_okay);
    assert_int_equal(handle_at(VA + 0x1000), MAPTRACK_NONE);
    ld.dying = true;
    assert_int_equal(grant_map_domain_teardown(&ld, &(uint64_t){ 0 }, false), 0);
    expect_nothing_held();
}

/* unmap_and_replace from a grant mapping: it moves with its handle, which
 * is then found at its new place only and unmaps there; the replaced
 * handle is free and nothing is recorded at the old place. */
static void test_replace_moves_record(void **state)
{
    struct gnttab_map_grant_ref a = map(VA, GNTMAP_host_map, 1);
    struct gnttab_map_grant_ref b = map(VA + 0x1000, GNTMAP_host_map, 2);

    (void)state;
    assert_int_equal(a.status, GNTST_okay);
    assert_int_equal(b.status, GNTST_okay);
    assert_int_equal(replace(VA, VA, a.handle), GNTST_general_error);
    assert_int_equal(replace(VA, VA + 0x5000, a.handle), GNTST_general_error);
    assert_int_equal(handle_at(VA), a.handle);
    assert_int_equal(replace(VA, VA + 0x1000, a.handle), GNTST_okay);
    assert_int_equal(handle_at(VA), b.handle);
    assert_int_equal(handle_at(VA + 0x1000), MAPTRACK_NONE);
    assert_int_equal(grant_map_where(&ld, b.handle), VA);
    assert_int_equal(pins[GRANT_USE_HOST_RW], 1);
    assert_int_equal(unmap(VA, a.handle), GNTST_bad_handle);
    assert_int_equal(unmap(VA + 0x1000, b.handle), GNTST_general_error);
    assert_int_equal(unmap(VA, b.handle), GNTST_okay);
    expect_nothing_held();
}

/* Teardown after moves: every mapping undone where it is now, and the
 * index of records left empty. */
static void test_teardown_after_replace(void **state)
{
    struct gnttab_map_grant_ref m[4];

    (void)state;
    for (unsigned int i = 0; i < 4; i++) {
        m[i] = map(VA + i * 0x1000, GNTMAP_host_map, i);
        assert_int_equal(m[i].status, GNTST_okay);
    }
    assert_int_equal(replace(VA, VA + 0x1000, m[0].handle), GNTST_okay);
    assert_int_equal(replace(VA + 0x2000, VA, m[2].handle), GNTST_okay);
    assert_int_equal(handle_at(VA + 0x2000), m[1].handle);
    ld.dying = true;
    assert_int_equal(grant_map_domain_teardown(&ld, &(uint64_t){ 0 }, false), 0);
    assert_int_equal(ld_gt.maptrack->index_root, 0);
    assert_int_equal(handle_at(VA + 0x2000), MAPTRACK_NONE);
    expect_nothing_held();
}

/* No handle left: GNTST_no_space, nothing held. */
static void test_out_of_handles(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < MAPTRACK_XEN_PER_FRAME; i++)
        assert_int_equal(map(0, GNTMAP_device_map, i).status, GNTST_okay);
    assert_int_equal(map(0, GNTMAP_device_map, 1).status, GNTST_no_space);
    assert_int_equal(pins[GRANT_USE_DEV_RW], MAPTRACK_XEN_PER_FRAME);
    ld.dying = true;
    assert_int_equal(grant_map_domain_teardown(&ld, &(uint64_t){ 0 }, false), 0);
    expect_nothing_held();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_map_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_hold_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_and_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_moves_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_after_replace, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
