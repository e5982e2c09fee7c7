/* Grant tables (hv/common/grant_*.c) between fake domains on the fake
 * heap: the table's life cycle and limits, every rule of pinning a grant
 * (v1 and v2, the grantee, read-only entries, the frame's owner and type,
 * the pin counts' limit, the flags a guest sees), set_version and
 * swap_grant_ref while entries are in use, the dispatcher's checks and
 * its continuation of a preempted batch.  Guest pointers are host
 * pointers here (copy_from_guest is memcpy). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/page_alloc.h>
#include <proxen/page_type.h>
#include <public/xen.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES 2048
#define NR_DOMS 4

static struct page_info *table;
static struct domain *doms[NR_DOMS];
static struct vcpu vcpu0;
static unsigned int nr_released, preempt_at, preempt_calls;
static bool preempt_every;
static uint64_t continuation[6];
static unsigned int continuation_nargs;

/* --- the fakes ------------------------------------------------------------ */

struct domain *get_domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] && doms[i]->domain_id == id) {
            atomic_fetch_add(&doms[i]->refcnt, 1);
            return doms[i];
        }
    return NULL;
}

void put_domain(struct domain *d)
{
    assert_true(atomic_load(&d->refcnt) > 0);
    atomic_fetch_sub(&d->refcnt, 1);
}

void page_released(struct domain *owner, struct page_info *pg)
{
    assert_int_equal(page_ref_count(pg), 0);
    pg->owner = NULL;
    pg->type_info = 0;
    free_pages(pg, 0);
    nr_released++;
    put_domain(owner);
}

struct vcpu *current_vcpu(void) { return &vcpu0; }

/* GNTTABOP_transfer's hold on domains' memory (domain.c): frames change
 * hands only in a test that sets transfers_on; taking one into the
 * receiver first runs what the receiver's other vCPU would do at that
 * moment (on_take), if the receiver's table lock is free then. */
static bool transfers_on;
static void (*on_take)(struct domain *e);

int domain_steal_frame(struct domain *d, struct page_info *pg)
{
    if (!transfers_on || pg->owner != d)
        return -EINVAL;
    pg->count_info &= ~(PGC_allocated | PGC_count_mask);
    pg->owner = NULL;
    return 0;
}

int domain_reserve_frame(struct domain *e) { (void)e; return transfers_on ? 0 : -ENOMEM; }

int domain_take_frame(struct domain *e, struct page_info *pg)
{
    if (on_take && spin_trylock(&e->grant_table->lock)) {
        spin_unlock(&e->grant_table->lock);
        on_take(e);
    }
    if (e->dying)
        return -ENOMEM;
    page_set_owner_allocated(pg, e);
    return 0;
}

void domain_unreserve_frame(struct domain *e) { (void)e; }
void domain_drop_frame(struct page_info *pg) { free_pages(pg, 0); }

/* Guest memory: tests/unit/fake/fake_guest_memory.c (address 1 is bad). */

/* Preempted at the preempt_at'th check (0: never), or at every one
 * while preempt_every. */
bool hypercall_preempt_check(void)
{
    return preempt_every || (preempt_at && ++preempt_calls == preempt_at);
}

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6])
{
    assert_int_equal(op, __HYPERVISOR_grant_table_op);
    continuation_nargs = nargs;
    memcpy(continuation, args, sizeof(continuation));
    return op;
}

/* page_type.c's arch hooks: no page tables are validated here but the
 * single-level fake one a test makes by setting a type directly. */
unsigned int arch_pt_entries(uint64_t type) { (void)type; return 0; }
int arch_pt_get_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    (void)pg, (void)type, (void)i;
    return 0;
}
int arch_pt_put_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    (void)pg, (void)type, (void)i;
    return 0;
}
void arch_pt_validated(struct page_info *pg, uint64_t type) { (void)pg, (void)type; }
int arch_desc_page_validate(struct page_info *pg) { (void)pg; return 0; }
void arch_owe_release(struct page_info *pg) { (void)pg; fail(); }
uint32_t arch_tlbflush_clock(void) { return 0; }
void arch_page_type_flush_tlbs(void) {}

/* --- helpers ----------------------------------------------------------------- */

static uint64_t free_frames(void)
{
    struct heap_stats st;

    page_alloc_stats(&st);
    return st.free_frames;
}

static struct domain *granter(void) { return doms[1]; }

static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    return 0;
}

/* Domain 0 privileged, 1 (the granter, a table of at most 4 frames), 2
 * and 3 unprivileged; the caller is domain 2 unless a test says. */
static int setup(void **state)
{
    (void)state;
    fake_set_cpu(0);
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        struct domain *d = calloc(1, sizeof(*d));

        d->domain_id = (domid_t)i;
        d->is_privileged = i == 0;
        atomic_store(&d->refcnt, 1);
        page_types_init(&d->page_types, d->is_privileged);
        assert_int_equal(grant_table_create(d, i == 1 ? 4 : 2, 8), 0);
        doms[i] = d;
    }
    vcpu0.domain = doms[2];
    preempt_at = preempt_calls = 0;
    preempt_every = false;
    transfers_on = false;
    on_take = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        assert_int_equal(grant_table_relinquish(doms[i], false), 0);
        grant_table_free(doms[i]);
        assert_int_equal(atomic_load(&doms[i]->refcnt), 1);    /* every reference back */
        free(doms[i]);
        doms[i] = NULL;
    }
    return 0;
}

static struct grant_entry_v1 *v1_entry(struct domain *d, grant_ref_t ref)
{
    return (struct grant_entry_v1 *)d->grant_table->shared[ref / 512] + ref % 512;
}

static union grant_entry_v2 *v2_entry(struct domain *d, grant_ref_t ref)
{
    return (union grant_entry_v2 *)d->grant_table->shared[ref / 256] + ref % 256;
}

static grant_status_t *status_of(struct domain *d, grant_ref_t ref)
{
    return &d->grant_table->status[ref / 2048][ref % 2048];
}

/* A frame of d's own memory (freed by the test's end: given up). */
static struct page_info *own_frame(struct domain *d)
{
    struct page_info *pg = alloc_pages(0);

    assert_non_null(pg);
    page_set_owner_allocated(pg, d);
    return pg;
}

static void drop_frame(struct page_info *pg)
{
    struct domain *d = pg->owner;

    atomic_fetch_add(&d->refcnt, 1);
    if (page_drop_allocation(pg))
        page_released(d, pg);
}

static void grant_v1(struct domain *d, grant_ref_t ref, domid_t to, struct page_info *pg,
                     uint16_t flags)
{
    *v1_entry(d, ref) = (struct grant_entry_v1){ flags, to, (uint32_t)mfn_x(page_to_mfn(pg)) };
}

static long set_version(struct domain *d, uint32_t v)
{
    struct gnttab_set_version op = { v };

    return gnttab_op_set_version(d, (uint64_t)(uintptr_t)&op, false);
}

/* gt grown to nr frames, as its own vCPU's setup_table would. */
static void grow(struct grant_table *gt, unsigned int nr)
{
    spin_lock(&gt->lock);
    assert_int_equal(gnttab_grow(gt, nr), 0);
    spin_unlock(&gt->lock);
}

/* d's table replaced by a new one with a limit of max frames. */
static struct grant_table *new_table(struct domain *d, unsigned int max)
{
    assert_int_equal(grant_table_relinquish(d, false), 0);
    grant_table_free(d);
    assert_int_equal(grant_table_create(d, max, 8), 0);
    return d->grant_table;
}

/* --- the table --------------------------------------------------------------- */

static void test_create_limits(void **state)
{
    struct domain d = { .domain_id = 9 };

    (void)state;
    page_types_init(&d.page_types, false);
    assert_int_equal(grant_table_create(&d, 0, 8), -EINVAL);
    assert_int_equal(grant_table_create(&d, GNTTAB_MAX_FRAMES_LIMIT + 1, 8), -EINVAL);
    assert_int_equal(grant_table_create(&d, 4, GNTTAB_MAX_MAPTRACK_FRAMES_LIMIT + 1), -EINVAL);
    assert_null(d.grant_table);
}

static void test_new_table(void **state)
{
    struct grant_table *gt = granter()->grant_table;
    struct page_info *pg;

    (void)state;
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->nr_frames, 1);
    assert_int_equal(gt->max_frames, 4);
    assert_int_equal(gnttab_nr_entries(gt), 512);
    pg = mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(gt->shared[0])));
    /* Shared with its domain, as data, and never its memory to give. */
    assert_ptr_equal(pg->owner, granter());
    assert_true(pg->count_info & PGC_allocated);
    assert_true(pg->count_info & PGC_xen_heap);
    assert_int_equal(page_type(pg), PGT_writable_page);
    assert_int_equal(page_type_count(pg), 1);
    assert_int_equal(get_page_type(pg, PGT_l1_page_table), -EINVAL);
}

/* Active entries cost nothing until an entry on their page is pinned. */
static void test_active_pages_lazy(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct grant_pinned p;

    (void)state;
    for (unsigned int i = 0; i < gnttab_active_pages(rd->grant_table); i++)
        assert_null(rd->grant_table->active[i]);
    grant_v1(rd, 300, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 300, 2, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_null(rd->grant_table->active[0]);
    assert_non_null(rd->grant_table->active[1]);
    gnttab_unpin(rd, 300, GRANT_USE_HOST_RO);
    drop_frame(pg);
}

static void test_grow_and_relinquish(void **state)
{
    struct domain *d = granter();
    struct grant_table *gt = d->grant_table;
    uint64_t before = free_frames();

    (void)state;
    grow(gt, 4);
    assert_int_equal(gt->nr_frames, 4);
    assert_int_equal(free_frames(), before - 3);      /* the frames alone */
    for (unsigned int i = 0; i < 4; i++)
        for (unsigned int j = 0; j < i; j++)
            assert_ptr_not_equal(gt->shared[i], gt->shared[j]);
    nr_released = 0;
    assert_int_equal(grant_table_relinquish(d, false), 0);
    assert_int_equal(nr_released, 4);
    assert_int_equal(gt->nr_frames, 0);
    assert_int_equal(atomic_load(&d->refcnt), 1);
}

/* A frame still mapped by someone (a reference besides the table's) stays
 * until that reference goes. */
static void test_relinquish_mapped_frame(void **state)
{
    struct domain *d = granter();
    struct page_info *pg =
        mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(d->grant_table->shared[0])));

    (void)state;
    assert_true(get_page(pg, d));
    nr_released = 0;
    assert_int_equal(grant_table_relinquish(d, false), 0);
    assert_int_equal(nr_released, 0);
    assert_int_equal(atomic_load(&d->refcnt), 2);       /* the frame's hold */
    put_page(pg);
    assert_int_equal(nr_released, 1);
    assert_int_equal(atomic_load(&d->refcnt), 1);
}

/* --- pins, version 1 --------------------------------------------------------------- */

static void test_pin_v1(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct grant_pinned p;

    (void)state;
    grant_v1(rd, 5, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 5, 2, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_int_equal(mfn_x(p.mfn), mfn_x(page_to_mfn(pg)));
    assert_int_equal(p.start, 0);
    assert_int_equal(p.length, PAGE_SIZE);
    assert_int_equal(v1_entry(rd, 5)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(page_ref_count(pg), 2);
    assert_int_equal(atomic_load(&rd->refcnt), 2);      /* the pin holds the domain */

    assert_int_equal(gnttab_pin(rd, 5, 2, GRANT_USE_HOST_RW, true, &p), GNTST_okay);
    assert_int_equal(v1_entry(rd, 5)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(page_type(pg), PGT_writable_page);
    assert_int_equal(page_type_count(pg), 1);
    /* In use writable: the granter cannot make it a page table. */
    assert_int_equal(get_page_type(pg, PGT_l1_page_table), -EINVAL);

    gnttab_unpin(rd, 5, GRANT_USE_HOST_RW);
    assert_int_equal(v1_entry(rd, 5)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(page_type_count(pg), 0);
    gnttab_unpin(rd, 5, GRANT_USE_HOST_RO);
    assert_int_equal(v1_entry(rd, 5)->flags, GTF_permit_access);
    assert_int_equal(page_ref_count(pg), 1);
    assert_int_equal(atomic_load(&rd->refcnt), 1);
    drop_frame(pg);
}

/* Each refusal: its status, the entry's flags as they were, no reference
 * left on the frame or the domain. */
static void expect_refused(struct domain *rd, grant_ref_t ref, domid_t ld, enum grant_use use,
                           bool map, int16_t want, struct page_info *pg)
{
    struct grant_pinned p;
    uint16_t flags = ref < gnttab_nr_entries(rd->grant_table) ? v1_entry(rd, ref)->flags : 0;
    uint64_t refs = pg ? page_ref_count(pg) : 0;

    assert_int_equal(gnttab_pin(rd, ref, ld, use, map, &p), want);
    if (ref < gnttab_nr_entries(rd->grant_table))
        assert_int_equal(v1_entry(rd, ref)->flags, flags);
    if (pg)
        assert_int_equal(page_ref_count(pg), refs);
    assert_int_equal(atomic_load(&rd->refcnt), 1);
}

static void test_pin_refusals_v1(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd), *other = own_frame(doms[3]);
    struct page_info *heap = mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(rd->grant_table->shared[0])));

    (void)state;
    expect_refused(rd, 512, 2, GRANT_USE_HOST_RO, true, GNTST_bad_gntref, NULL);
    expect_refused(rd, 0xffffffffu, 2, GRANT_USE_HOST_RO, false, GNTST_bad_gntref, NULL);
    grant_v1(rd, 6, 2, pg, GTF_invalid);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_general_error, pg);
    grant_v1(rd, 6, 2, pg, GTF_accept_transfer);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_general_error, pg);
    grant_v1(rd, 6, 3, pg, GTF_permit_access);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_general_error, pg);
    grant_v1(rd, 6, 2, pg, GTF_permit_access | GTF_readonly);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RW, true, GNTST_general_error, pg);
    expect_refused(rd, 6, 2, GRANT_USE_DEV_RW, true, GNTST_general_error, pg);
    grant_v1(rd, 6, 2, other, GTF_permit_access);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_bad_page, other);
    grant_v1(rd, 6, 2, heap, GTF_permit_access);
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_bad_page, heap);
    *v1_entry(rd, 6) = (struct grant_entry_v1){ GTF_permit_access, 2, 0xfffffff0u };
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RO, true, GNTST_bad_page, NULL);
    /* A writable use of a frame that is a page table now. */
    grant_v1(rd, 6, 2, pg, GTF_permit_access);
    pg->type_info = PGT_l1_page_table | PGT_validated | 1;
    expect_refused(rd, 6, 2, GRANT_USE_HOST_RW, true, GNTST_general_error, pg);
    pg->type_info = PGT_writable_page;
    drop_frame(pg);
    drop_frame(other);
}

/* A pinned grant: used by its first grantee only, with what the entry
 * said then, however the guest rewrites it meanwhile. */
static void test_pin_keeps_first_use(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd), *pg2 = own_frame(rd);
    struct grant_pinned p;

    (void)state;
    grant_v1(rd, 7, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 7, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    grant_v1(rd, 7, 3, pg2, GTF_permit_access | GTF_reading);
    assert_int_equal(gnttab_pin(rd, 7, 3, GRANT_USE_HOST_RO, false, &p), GNTST_general_error);
    assert_int_equal(gnttab_pin(rd, 7, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    assert_int_equal(mfn_x(p.mfn), mfn_x(page_to_mfn(pg)));
    /* Made read-only meanwhile: a new writable use is refused. */
    *v1_entry(rd, 7) = (struct grant_entry_v1){ GTF_permit_access | GTF_readonly | GTF_reading, 2,
                                                (uint32_t)mfn_x(page_to_mfn(pg)) };
    assert_int_equal(gnttab_pin(rd, 7, 2, GRANT_USE_HOST_RW, false, &p), GNTST_general_error);
    gnttab_unpin(rd, 7, GRANT_USE_HOST_RO);
    gnttab_unpin(rd, 7, GRANT_USE_HOST_RO);
    assert_false(v1_entry(rd, 7)->flags & (GTF_reading | GTF_writing));
    assert_int_equal(page_ref_count(pg), 1);
    drop_frame(pg);
    drop_frame(pg2);
}

/* A pin count holds 127 and then refuses, as Xen's overflow check. */
static void test_pin_count_limit(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct grant_pinned p;
    unsigned int n = 0;

    (void)state;
    grant_v1(rd, 8, 2, pg, GTF_permit_access);
    while (n < 300 && gnttab_pin(rd, 8, 2, GRANT_USE_HOST_RO, true, &p) == GNTST_okay)
        n++;
    assert_int_equal(n, 128);
    /* Another kind of use has its own count. */
    assert_int_equal(gnttab_pin(rd, 8, 2, GRANT_USE_DEV_RO, true, &p), GNTST_okay);
    gnttab_unpin(rd, 8, GRANT_USE_DEV_RO);
    while (n--)
        gnttab_unpin(rd, 8, GRANT_USE_HOST_RO);
    assert_int_equal(v1_entry(rd, 8)->flags, GTF_permit_access);
    assert_int_equal(page_ref_count(pg), 1);
    drop_frame(pg);
}

/* --- version 2 --------------------------------------------------------------------------- */

static void test_pin_v2(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct grant_pinned p;
    union grant_entry_v2 *e;

    (void)state;
    assert_int_equal(set_version(rd, 2), 0);
    assert_int_equal(rd->grant_table->nr_status_frames, 1);
    assert_int_equal(gnttab_nr_entries(rd->grant_table), 256);
    e = v2_entry(rd, 9);
    e->full_page.frame = mfn_x(page_to_mfn(pg));
    e->hdr.domid = 2;
    e->hdr.flags = GTF_permit_access;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RW, true, &p), GNTST_okay);
    /* The flags go to the status word, never into the entry. */
    assert_int_equal(e->hdr.flags, GTF_permit_access);
    assert_int_equal(*status_of(rd, 9), GTF_reading | GTF_writing);
    gnttab_unpin(rd, 9, GRANT_USE_HOST_RW);
    assert_int_equal(*status_of(rd, 9), 0);
    assert_int_equal(gnttab_pin(rd, 256, 2, GRANT_USE_HOST_RO, false, &p), GNTST_bad_gntref);

    /* Read-only. */
    e->hdr.flags = GTF_permit_access | GTF_readonly;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RW, false, &p), GNTST_general_error);
    assert_int_equal(*status_of(rd, 9), 0);
    /* A sub-page grant: never mapped; copied within its window, clipped
     * to the page. */
    e->sub_page.page_off = 100;
    e->sub_page.length = 200;
    e->hdr.flags = GTF_permit_access | GTF_sub_page;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, true, &p), GNTST_general_error);
    assert_int_equal(*status_of(rd, 9), 0);
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    assert_int_equal(p.start, 100);
    assert_int_equal(p.length, 200);
    assert_int_equal(*status_of(rd, 9), GTF_reading);
    /* ... and while pinned as a sub-page, not mapped either. */
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, true, &p), GNTST_general_error);
    gnttab_unpin(rd, 9, GRANT_USE_HOST_RO);
    e->sub_page.page_off = 4000;
    e->sub_page.length = 1000;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    assert_int_equal(p.start, 4000);
    assert_int_equal(p.length, 96);
    gnttab_unpin(rd, 9, GRANT_USE_HOST_RO);
    e->sub_page.page_off = 5000;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    assert_int_equal(p.length, 0);
    gnttab_unpin(rd, 9, GRANT_USE_HOST_RO);
    /* A frame number past 52 bits is not truncated into one of ours. */
    e->full_page.frame = (1ULL << 52) | mfn_x(page_to_mfn(pg));
    e->hdr.flags = GTF_permit_access;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, true, &p), GNTST_bad_page);
    assert_int_equal(page_ref_count(pg), 1);
    /* Transitive grants grant nothing here. */
    e->hdr.flags = GTF_transitive;
    assert_int_equal(gnttab_pin(rd, 9, 2, GRANT_USE_HOST_RO, false, &p), GNTST_general_error);
    assert_int_equal(*status_of(rd, 9), 0);
    assert_int_equal(set_version(rd, 1), 0);
    assert_int_equal(rd->grant_table->nr_status_frames, 0);
    drop_frame(pg);
}

/* --- set_version and swap while in use ------------------------------------------------------ */

static void test_set_version_in_use(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct gnttab_set_version op = { 2 };
    struct grant_pinned p;

    (void)state;
    grant_v1(rd, 10, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 10, 2, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_int_equal(gnttab_op_set_version(rd, (uint64_t)(uintptr_t)&op, false), -EBUSY);
    assert_int_equal(op.version, 1);
    assert_int_equal(rd->grant_table->nr_status_frames, 0);
    assert_int_equal(v1_entry(rd, 10)->frame, (uint32_t)mfn_x(page_to_mfn(pg)));
    gnttab_unpin(rd, 10, GRANT_USE_HOST_RO);
    /* A reserved entry may stay in use across a switch; it is carried. */
    grant_v1(rd, 3, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 3, 2, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_int_equal(set_version(rd, 2), 0);
    assert_int_equal(v2_entry(rd, 3)->hdr.flags, GTF_permit_access);
    assert_int_equal(*status_of(rd, 3), GTF_reading);
    assert_int_equal(v2_entry(rd, 3)->full_page.frame, mfn_x(page_to_mfn(pg)));
    gnttab_unpin(rd, 3, GRANT_USE_HOST_RO);
    assert_int_equal(*status_of(rd, 3), 0);
    assert_int_equal(set_version(rd, 1), 0);
    drop_frame(pg);
}

static void test_swap_in_use(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct gnttab_swap_grant_ref s[2] = { { 11, 12, 1, 0 }, { 12, 13, 1, 0 } };
    struct grant_pinned p;

    (void)state;
    vcpu0.domain = rd;
    grant_v1(rd, 11, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 11, 2, GRANT_USE_HOST_RO, false, &p), GNTST_okay);
    assert_int_equal(gnttab_op_swap(rd, (uint64_t)(uintptr_t)s, 2), 0);
    assert_int_equal(s[0].status, GNTST_eagain);
    assert_int_equal(s[1].status, GNTST_okay);
    assert_int_equal(v1_entry(rd, 11)->domid, 2);
    gnttab_unpin(rd, 11, GRANT_USE_HOST_RO);
    drop_frame(pg);
}

/* A destroyed domain's table: no entry can be pinned any more; pins
 * taken before still unpin (and hold the domain till then). */
static void test_relinquish_while_pinned(void **state)
{
    struct domain *rd = granter();
    struct page_info *pg = own_frame(rd);
    struct grant_pinned p;

    (void)state;
    grant_v1(rd, 14, 2, pg, GTF_permit_access);
    assert_int_equal(gnttab_pin(rd, 14, 2, GRANT_USE_HOST_RW, true, &p), GNTST_okay);
    assert_int_equal(grant_table_relinquish(rd, false), 0);
    assert_int_equal(gnttab_pin(rd, 14, 2, GRANT_USE_HOST_RO, true, &p), GNTST_bad_gntref);
    assert_int_equal(atomic_load(&rd->refcnt), 2);
    gnttab_unpin(rd, 14, GRANT_USE_HOST_RW);
    assert_int_equal(atomic_load(&rd->refcnt), 1);
    assert_int_equal(page_type_count(pg), 0);
    drop_frame(pg);
}

/* --- the hypercall ------------------------------------------------------------------------- */

static void test_target(void **state)
{
    struct domain *d;

    (void)state;
    assert_int_equal(gnttab_target(doms[2], DOMID_SELF, &d), GNTST_okay);
    assert_ptr_equal(d, doms[2]);
    put_domain(d);
    assert_int_equal(gnttab_target(doms[2], 2, &d), GNTST_okay);
    put_domain(d);
    assert_int_equal(gnttab_target(doms[2], 1, &d), GNTST_permission_denied);
    assert_int_equal(gnttab_target(doms[2], 77, &d), GNTST_bad_domain);
    assert_int_equal(gnttab_target(doms[0], 1, &d), GNTST_okay);
    assert_ptr_equal(d, doms[1]);
    put_domain(d);
}

static long op(unsigned int cmd, void *arg, unsigned int count)
{
    uint64_t a[6] = { cmd, (uint64_t)(uintptr_t)arg, count, 0, 0, 0 };

    return do_grant_table_op(a);
}

static void test_query_and_setup_other_domain(void **state)
{
    struct gnttab_query_size q = { .dom = 1 };
    uint64_t frames[4];
    struct gnttab_setup_table s = { .dom = 1, .nr_frames = 2, .frame_list = (uint64_t)(uintptr_t)frames };

    (void)state;
    assert_int_equal(op(GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_permission_denied);
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_permission_denied);
    assert_int_equal(granter()->grant_table->nr_frames, 1);
    vcpu0.domain = doms[0];
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(granter()->grant_table->nr_frames, 2);
    assert_int_equal(frames[1], mfn_x(maddr_to_mfn(arch_virt_to_maddr(granter()->grant_table->shared[1]))));
    assert_int_equal(op(GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 2);
    assert_int_equal(q.max_nr_frames, 4);
    s.nr_frames = 5;
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_general_error);
    assert_int_equal(granter()->grant_table->nr_frames, 2);
}

/* A batch preempted after two entries continues with the rest: the
 * same command, the arguments moved past what was done. */
static void test_batch_continuation(void **state)
{
    struct gnttab_swap_grant_ref s[5];
    long rc;

    (void)state;
    for (unsigned int i = 0; i < 5; i++)
        s[i] = (struct gnttab_swap_grant_ref){ 20 + i, 30 + i, 1, 0 };
    preempt_at = 2;                 /* checked before entries 1, 2, ...: stop before 2 */
    rc = op(GNTTABOP_swap_grant_ref, s, 5);
    assert_int_equal(rc, __HYPERVISOR_grant_table_op);
    assert_int_equal(continuation_nargs, 3);
    assert_int_equal(continuation[0], GNTTABOP_swap_grant_ref);
    assert_int_equal(continuation[1], (uint64_t)(uintptr_t)&s[2]);
    assert_int_equal(continuation[2], 3);
    assert_int_equal(s[1].status, GNTST_okay);
    assert_int_equal(s[2].status, 1);   /* not done yet */
}

/* A growth stops between steps of GNTTAB_GROW_STEP frames when preempted:
 * the steps done stay, the call is continued as it was issued (nothing
 * written back yet), and the continued call finishes with Xen's answer. */
static void test_setup_table_grows_in_steps(void **state)
{
    uint64_t frames[40];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 40, .status = 1,
                                    .frame_list = (uint64_t)(uintptr_t)frames };
    struct grant_table *gt;

    (void)state;
    gt = new_table(doms[2], 40);
    preempt_at = 2;                 /* after the second step */
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), __HYPERVISOR_grant_table_op);
    assert_int_equal(continuation_nargs, 3);
    assert_int_equal(continuation[0], GNTTABOP_setup_table);
    assert_int_equal(continuation[1], (uint64_t)(uintptr_t)&s);
    assert_int_equal(continuation[2], 1);
    assert_int_equal(gt->nr_frames, 1 + 2 * GNTTAB_GROW_STEP);
    assert_int_equal(s.status, 1);
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(gt->nr_frames, 40);
    for (unsigned int i = 0; i < 40; i++)
        assert_int_equal(frames[i], mfn_x(maddr_to_mfn(arch_virt_to_maddr(gt->shared[i]))));
}

static void test_dispatch_refusals(void **state)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { 2 };

    (void)state;
    assert_int_equal(op(GNTTABOP_query_size, &q, 0x80000000u), -EINVAL);
    assert_int_equal(op(GNTTABOP_swap_grant_ref, &q, 0x80000000u), -EINVAL);
    assert_int_equal(op(GNTTABOP_query_size | (1u << 12), &q, 1), -EINVAL);
    assert_int_equal(op(GNTTABOP_set_version | (1u << 13), &sv, 1), -EINVAL);
    assert_int_equal(sv.version, 2);                /* nothing done, nothing written */
    assert_int_equal(op(GNTTABOP_query_size, &q, 2), -EINVAL);
    assert_int_equal(op(GNTTABOP_query_size, (void *)1, 1), -EFAULT);
    assert_int_equal(op(GNTTABOP_cache_flush | (1u << 12), &q, 1), -ENOSYS);
    assert_int_equal(op(GNTTABOP_dump_table, &q, 1), -ENOSYS);
    assert_int_equal(op(99, &q, 1), -ENOSYS);
}

/* A table of BIG_TABLE frames, version 2: its frame list takes two
 * batches, its status frames STATUS_FRAMES. */
#define BIG_TABLE     100
#define STATUS_FRAMES 13

static void grant_v2(struct domain *d, grant_ref_t ref, domid_t to, struct page_info *pg)
{
    union grant_entry_v2 *e = v2_entry(d, ref);

    e->full_page.frame = mfn_x(page_to_mfn(pg));
    e->hdr.domid = to;
    e->hdr.flags = GTF_permit_access;
}

/* Domain 2's table replaced by one of BIG_TABLE frames in version 2,
 * grown by its setup_table, whose list must name every frame. */
static struct grant_table *big_table(void)
{
    static uint64_t frames[BIG_TABLE];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = BIG_TABLE,
                                    .frame_list = (uint64_t)(uintptr_t)frames };
    struct domain *d = doms[2];
    struct grant_table *gt;

    gt = new_table(d, BIG_TABLE);
    assert_int_equal(set_version(d, 2), 0);
    assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(gt->nr_frames, BIG_TABLE);
    assert_int_equal(gt->nr_status_frames, STATUS_FRAMES);
    for (unsigned int i = 0; i < BIG_TABLE; i++)
        assert_int_equal(frames[i], mfn_x(maddr_to_mfn(arch_virt_to_maddr(gt->shared[i]))));
    return gt;
}

/* The relinquish in steps, preempted at every check: from the first step
 * on no entry can be pinned, no status frame is listed and the table
 * does not grow again; a step unshares at most GNTTAB_RELINQUISH_STEP
 * frames; an unpin between steps writes no status word (the status
 * frames went first); a page of active entries with an entry pinned on it
 * stays for the pin held across the teardown, the others go. */
static void test_relinquish_in_steps(void **state)
{
    uint64_t list[2];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2,
                                    .frame_list = (uint64_t)(uintptr_t)list };
    struct gnttab_get_status_frames gs = { .dom = DOMID_SELF, .nr_frames = 1,
                                           .frame_list = (uint64_t)(uintptr_t)list };
    struct domain *d = doms[2];
    struct grant_table *gt = big_table();
    struct page_info *pg = own_frame(d);
    unsigned int units = BIG_TABLE + STATUS_FRAMES + gnttab_active_pages(gt), steps = 0;
    struct grant_pinned p;
    uint64_t last;
    int rc;

    (void)state;
    /* Active pages 0 (14 and 20 pinned), 1 (314) and 18 (4814). */
    for (unsigned int i = 0; i < 5; i++)
        grant_v2(d, (grant_ref_t[]){ 14, 20, 314, 614, 4814 }[i], 3, pg);
    assert_int_equal(gnttab_pin(d, 14, 3, GRANT_USE_HOST_RW, true, &p), GNTST_okay);
    assert_int_equal(gnttab_pin(d, 20, 3, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_int_equal(gnttab_pin(d, 314, 3, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_int_equal(gnttab_pin(d, 4814, 3, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    gnttab_unpin(d, 314, GRANT_USE_HOST_RO);
    gnttab_unpin(d, 4814, GRANT_USE_HOST_RO);
    assert_non_null(gt->active[1]);
    assert_non_null(gt->active[18]);
    assert_int_equal(atomic_load(&d->refcnt), 3);
    preempt_every = true;
    last = free_frames();
    do {
        rc = grant_table_relinquish(d, true);
        steps++;
        assert_true(free_frames() - last <= GNTTAB_RELINQUISH_STEP);
        last = free_frames();
        assert_int_equal(gnttab_pin(d, 614, 3, GRANT_USE_HOST_RO, true, &p), GNTST_bad_gntref);
        s.status = 99;
        assert_int_equal(op(GNTTABOP_setup_table, &s, 1), 0);
        assert_int_equal(s.status, GNTST_general_error);
        assert_int_equal(gt->nr_frames, 0);
        gs.status = 99;
        assert_int_equal(op(GNTTABOP_get_status_frames, &gs, 1), 0);
        assert_int_equal(gs.status, GNTST_general_error);
        assert_non_null(gt->active[0]);
        if (steps == 1) {
            assert_null(gt->status[0]);
            gnttab_unpin(d, 20, GRANT_USE_HOST_RO);
        }
    } while (rc == -ERESTART);
    preempt_every = false;
    assert_int_equal(rc, 0);
    assert_int_equal(steps, (units + GNTTAB_RELINQUISH_STEP - 1) / GNTTAB_RELINQUISH_STEP);
    for (unsigned int i = 0; i < BIG_TABLE; i++)
        assert_null(gt->shared[i]);
    assert_null(gt->active[1]);
    assert_null(gt->active[18]);
    assert_non_null(gt->active[0]);
    assert_int_equal(grant_table_relinquish(d, true), 0);
    assert_int_equal(atomic_load(&d->refcnt), 2);       /* the pin held across */
    gnttab_unpin(d, 14, GRANT_USE_HOST_RW);
    assert_int_equal(atomic_load(&d->refcnt), 1);
    assert_int_equal(page_type_count(pg), 0);
    drop_frame(pg);
}

/* A table freed with its relinquish stopped after a step: the frames
 * still shared go with it. */
static void test_free_half_relinquished(void **state)
{
    struct domain *d = doms[2];
    uint64_t before = free_frames();

    (void)state;
    (void)big_table();
    preempt_at = 1;
    assert_int_equal(grant_table_relinquish(d, true), -ERESTART);
    assert_int_equal(d->grant_table->relinquish_frames, BIG_TABLE + STATUS_FRAMES -
                                                        GNTTAB_RELINQUISH_STEP);
    grant_table_free(d);
    assert_int_equal(free_frames(), before + 1);        /* with the first table's frame */
    assert_int_equal(atomic_load(&d->refcnt), 1);
}

/* --- copies ------------------------------------------------------------------ */

/* A batch whose copies name the same granting domain: each names its own
 * grant, and a grant that was not given is refused even right after one
 * that was (the first copy's pin is not the second's). */
static void test_copy_each_grant_checked(void **state)
{
    struct domain *rd = granter(), *self = doms[2];
    struct page_info *src = own_frame(rd), *dst = own_frame(self);
    char *s = arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(src)));
    char *d = arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(dst)));
    struct gnttab_copy ops[2];

    (void)state;
    memset(s, 0xab, PAGE_SIZE);
    memset(d, 0, PAGE_SIZE);
    grant_v1(rd, 5, 2, src, GTF_permit_access);
    *v1_entry(rd, 6) = (struct grant_entry_v1){ 0, 0, 0 };      /* granted to no one */
    for (unsigned int i = 0; i < 2; i++)
        ops[i] = (struct gnttab_copy){
            .source = { .u.ref = 5 + i, .domid = 1 },
            .dest = { .u.gmfn = mfn_x(page_to_mfn(dst)), .domid = DOMID_SELF,
                      .offset = (uint16_t)(i * 16) },
            .len = 16, .flags = GNTCOPY_source_gref, .status = 99,
        };
    assert_int_equal(gnttab_op_copy(self, (uint64_t)(uintptr_t)ops, 2), 0);
    assert_int_equal(ops[0].status, GNTST_okay);
    assert_int_equal(ops[1].status, GNTST_general_error);
    assert_int_equal((unsigned char)d[0], 0xab);
    assert_int_equal(d[16], 0);                                 /* nothing copied */
    assert_int_equal(v1_entry(rd, 5)->flags, GTF_permit_access);    /* released */
    assert_int_equal(page_ref_count(src), 1);
    assert_int_equal(atomic_load(&rd->refcnt), 1);
    drop_frame(src);
    drop_frame(dst);
}

/* --- set_version in steps -------------------------------------------------------------------- */

/* The pin count the table keeps, against a scan of its active entries. */
static void assert_pins_counted(struct grant_table *gt)
{
    unsigned int pinned = 0;

    for (grant_ref_t ref = 0; ref < gnttab_active_pages(gt) * GNTTAB_ACTIVE_PER_PAGE; ref++) {
        const struct active_grant_entry *act = gnttab_active(gt, ref);

        pinned += act && act->pin;
    }
    assert_int_equal(gt->nr_pinned, pinned);
}

static bool frame_zero(const void *va, size_t from)
{
    for (size_t i = from; i < PAGE_SIZE; i++)
        if (((const unsigned char *)va)[i])
            return false;
    return true;
}

static bool continued_switched;     /* what the last continuation's command said */

/* set_version(v) preempted at its n'th preemption check (0: never), as a
 * continuation of a call whose switch was done or not: 0 or an errno, or
 * __HYPERVISOR_grant_table_op when continued (with the call's own
 * arguments); *written: the version written back. */
static long set_version_call(struct domain *d, uint32_t v, unsigned int n, bool switched,
                             uint32_t *written)
{
    struct gnttab_set_version op = { v };
    long rc;

    preempt_at = n;
    preempt_calls = 0;
    rc = gnttab_op_set_version(d, (uint64_t)(uintptr_t)&op, switched);
    preempt_at = 0;
    if (rc == __HYPERVISOR_grant_table_op) {
        assert_int_equal(continuation_nargs, 3);
        assert_int_equal(continuation[0] & ~(uint64_t)GNTTAB_SET_VERSION_SWITCHED,
                         GNTTABOP_set_version);
        assert_int_equal(continuation[2], 1);
        continued_switched = continuation[0] & GNTTAB_SET_VERSION_SWITCHED;
    }
    if (written)
        *written = op.version;
    return rc;
}

static long set_version_preempted(struct domain *d, uint32_t v, unsigned int n)
{
    return set_version_call(d, v, n, false, NULL);
}

/* The last preempted call, continued. */
static long set_version_continued(struct domain *d, uint32_t v, unsigned int n)
{
    return set_version_call(d, v, n, continued_switched, NULL);
}

static struct page_info *status_page(struct grant_table *gt, unsigned int i)
{
    return mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(gt->status[i])));
}

/* A switch stopped after its first step: the version and the reserved
 * entries are the new ones, the frames not cleared yet read as empty (a
 * pin or a transfer finds nothing granted, a swap waits), and the next
 * turn of the call finishes it. */
static void test_set_version_in_steps(void **state)
{
    struct domain *rd = granter(), *ld = doms[2];
    struct grant_table *gt = rd->grant_table;
    struct page_info *pg = own_frame(rd), *gift = own_frame(ld);
    mfn_t mfn = page_to_mfn(pg);
    struct gnttab_swap_grant_ref sw[2] = { { 9, 3 * 256 + 7, 1, 0 }, { 9, 10, 1, 0 } };
    struct gnttab_transfer tr = { .mfn = mfn_x(page_to_mfn(gift)), .domid = 1,
                                  .ref = 2 * 256 + 4, .status = 99 };
    struct grant_pinned p;
    uint64_t free_before;

    (void)state;
    grow(gt, 4);
    grant_v1(rd, 1, 2, pg, GTF_permit_access | GTF_readonly);
    /* Bytes left in frames 2 and 3 that read as version 2 grants. */
    *v2_entry(rd, 3 * 256 + 5) = (union grant_entry_v2){
        .full_page = { .hdr = { GTF_permit_access, 2 }, .frame = mfn_x(mfn) } };
    v2_entry(rd, 2 * 256 + 4)->hdr = (struct grant_entry_header){ GTF_accept_transfer, 2 };
    assert_int_equal(set_version_preempted(rd, 2, 1), __HYPERVISOR_grant_table_op);
    assert_true(continued_switched);
    assert_int_equal(gt->version, 2);
    assert_int_equal(gt->stale_from, 1);
    assert_int_equal(gt->nr_status_frames, 1);
    assert_int_equal(v2_entry(rd, 1)->hdr.flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(v2_entry(rd, 1)->full_page.frame, mfn_x(mfn));
    assert_true(frame_zero(gt->shared[0], 8 * sizeof(union grant_entry_v2)));

    assert_int_equal(gnttab_pin(rd, 3 * 256 + 5, 2, GRANT_USE_HOST_RO, true, &p),
                     GNTST_general_error);
    assert_int_equal(page_ref_count(pg), 1);
    vcpu0.domain = rd;
    assert_int_equal(gnttab_op_swap(rd, (uint64_t)(uintptr_t)sw, 2), 0);
    assert_int_equal(sw[0].status, GNTST_eagain);
    assert_int_equal(sw[1].status, GNTST_okay);
    transfers_on = true;
    free_before = free_frames();
    assert_int_equal(grant_transfer_batch(ld, (uint64_t)(uintptr_t)&tr, 1), 0);
    assert_int_equal(tr.status, GNTST_general_error);
    assert_int_equal(free_frames(), free_before + 1);   /* gone from ld, not to rd */
    assert_int_equal(v2_entry(rd, 2 * 256 + 4)->hdr.flags, GTF_accept_transfer);
    /* A pin of a reserved entry, already switched, goes on. */
    assert_int_equal(gnttab_pin(rd, 1, 2, GRANT_USE_HOST_RO, true, &p), GNTST_okay);
    assert_pins_counted(gt);

    assert_int_equal(set_version_continued(rd, 2, 0), 0);
    assert_int_equal(gt->stale_from, GNTTAB_NO_STALE);
    for (unsigned int i = 1; i < 4; i++)
        assert_true(frame_zero(gt->shared[i], 0));
    assert_int_equal(*status_of(rd, 1), GTF_reading);
    gnttab_unpin(rd, 1, GRANT_USE_HOST_RO);
    assert_pins_counted(gt);
    drop_frame(pg);
}

/* Back to version 1: a mapped status frame refuses it; else the status
 * frame can be mapped no more from the switch on, and goes with the
 * clearing. */
static void test_set_version_back_in_steps(void **state)
{
    struct domain *rd = granter();
    struct grant_table *gt = rd->grant_table;
    struct page_info *st;
    unsigned int turns = 0;
    long rc;

    (void)state;
    grow(gt, 4);
    assert_int_equal(set_version(rd, 2), 0);
    st = status_page(gt, 0);
    assert_true(get_page(st, rd));                  /* the guest maps it */
    assert_int_equal(set_version_preempted(rd, 1, 1), -EBUSY);
    assert_int_equal(gt->version, 2);
    put_page(st);
    memset(gt->shared[3], 0x5a, PAGE_SIZE);
    while ((rc = set_version_preempted(rd, 1, 1)) == __HYPERVISOR_grant_table_op) {
        assert_int_equal(gt->version, 1);
        assert_int_equal(gt->nr_status_frames, 1);  /* not given up yet... */
        assert_false(get_page(st, rd));             /* ...but no one can map it */
        turns++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(turns, 1);         /* the switch; the clearing in one more step */
    assert_int_equal(gt->nr_status_frames, 0);
    assert_true(frame_zero(gt->shared[3], 0));
}

/* A call continued after its switch took effect does not switch again
 * when another vCPU's call switched back meanwhile: it answers with its
 * own version, as if it had ended first.  A fresh call finds a clearing
 * under way, finishes it and only then (after a preemption check) does
 * its own switch. */
static void test_set_version_calls_ordered(void **state)
{
    struct domain *rd = granter();
    struct grant_table *gt = rd->grant_table;
    uint32_t written = 0;

    (void)state;
    grow(gt, 4);
    assert_int_equal(set_version_call(rd, 2, 1, false, NULL), __HYPERVISOR_grant_table_op);
    assert_true(continued_switched);                /* vCPU A's switch done */
    assert_int_equal(set_version_call(rd, 1, 0, false, &written), 0);   /* vCPU B's */
    assert_int_equal(written, 1);
    assert_int_equal(gt->version, 1);
    memset(gt->shared[3], 0x5a, PAGE_SIZE);        /* grants written after B's call */
    assert_int_equal(set_version_call(rd, 2, 0, true, &written), 0);    /* A goes on */
    assert_int_equal(written, 2);
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->nr_status_frames, 0);
    assert_false(frame_zero(gt->shared[3], 0));     /* not cleared a second time */

    memset(gt->shared[2], 0x5a, PAGE_SIZE);
    assert_int_equal(set_version_call(rd, 2, 1, false, NULL), __HYPERVISOR_grant_table_op);
    assert_int_equal(gt->stale_from, 1);
    assert_int_equal(set_version_call(rd, 1, 1, false, NULL), __HYPERVISOR_grant_table_op);
    assert_false(continued_switched);
    assert_int_equal(gt->version, 2);               /* the clearing done, no switch yet */
    assert_true(frame_zero(gt->shared[2], 0));
    assert_int_equal(gt->stale_from, GNTTAB_NO_STALE);
    assert_int_equal(set_version_continued(rd, 1, 0), 0);
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->nr_status_frames, 0);
}

/* A table of 256 frames needs 32 status frames for version 2: they are
 * made in steps before the switch, while the table is at version 1 and
 * lists none of them. */
static void test_set_version_status_in_steps(void **state)
{
    struct domain *d = doms[2];
    struct grant_table *gt;
    uint64_t frames[2];
    struct gnttab_get_status_frames g = { .nr_frames = 1, .dom = DOMID_SELF,
                                          .frame_list = (uint64_t)(uintptr_t)frames };

    (void)state;
    gt = new_table(d, 256);
    grow(gt, 256);
    assert_int_equal(set_version_preempted(d, 2, 1), __HYPERVISOR_grant_table_op);
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->nr_status_frames, GNTTAB_GROW_STEP);
    assert_int_equal(op(GNTTABOP_get_status_frames, &g, 1), 0);
    assert_int_equal(g.status, GNTST_general_error);
    /* Nothing switched: version 1 asked again, the frames kept for later. */
    assert_int_equal(set_version_preempted(d, 1, 0), 0);
    assert_int_equal(set_version_preempted(d, 2, 0), 0);
    assert_int_equal(gt->nr_status_frames, 32);
    g.status = 99;
    assert_int_equal(op(GNTTABOP_get_status_frames, &g, 1), 0);
    assert_int_equal(g.status, GNTST_okay);
    /* Back to version 1 stopped in its clearing: 8 frames a step, and
     * 16 status frames. */
    memset(gt->shared[9], 0x5a, PAGE_SIZE);
    assert_int_equal(set_version_preempted(d, 1, 2), __HYPERVISOR_grant_table_op);
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->stale_from, 9);
    assert_int_equal(gt->nr_status_frames, 32 - 16);
    assert_false(frame_zero(gt->shared[9], 0));
    assert_int_equal(set_version_continued(d, 1, 0), 0);
    assert_true(frame_zero(gt->shared[9], 0));
    assert_int_equal(gt->nr_status_frames, 0);
}

/* Status frames still there when a table goes: half of a 512-frame
 * version 2 table's 64 when its relinquish stopped, and those a switch
 * back to version 1 retired but did not give up yet.  Every frame
 * returns to the heap. */
static void test_free_status_left(void **state)
{
    struct domain *d = doms[2];
    struct grant_table *gt;
    uint64_t before;

    (void)state;
    /* Each size once first, so that the allocator's own pages for the
     * table's arrays are there before counting. */
    (void)new_table(d, 512);
    grant_table_free(d);
    before = free_frames();
    gt = new_table(d, 512);
    grow(gt, 512);
    assert_int_equal(set_version(d, 2), 0);
    assert_int_equal(gt->nr_status_frames, 64);
    preempt_at = 1;
    preempt_calls = 0;
    assert_int_equal(grant_table_relinquish(d, true), -ERESTART);
    preempt_at = 0;
    assert_int_equal(gt->relinquish_status_frames, 64 - GNTTAB_RELINQUISH_STEP);
    grant_table_free(d);
    assert_int_equal(free_frames(), before);

    (void)new_table(d, 16);
    grant_table_free(d);
    before = free_frames();
    gt = new_table(d, 16);
    grow(gt, 16);
    assert_int_equal(set_version(d, 2), 0);
    assert_int_equal(set_version_preempted(d, 1, 1), __HYPERVISOR_grant_table_op);
    assert_int_equal(gt->version, 1);
    assert_int_equal(gt->nr_status_frames, 2);      /* retired, not given up */
    assert_int_equal(grant_table_relinquish(d, false), 0);
    grant_table_free(d);
    assert_int_equal(free_frames(), before);
    assert_int_equal(atomic_load(&d->refcnt), 1);
}

/* --- transfers ------------------------------------------------------------- */

static void switch_to_v2(struct domain *e) { assert_int_equal(set_version(e, 2), 0); }

static void destroy(struct domain *e)
{
    e->dying = true;
    assert_int_equal(grant_table_relinquish(e, false), 0);
}

/* Domain 2 transfers a page to the granter's entry 300 (past v2's first
 * frame) while the granter's other vCPU does what `racer` does: the entry
 * is committed and completed with nothing in between, so the racer waits
 * and the page arrives as the v1 entry said. */
static void transfer_racing(void (*racer)(struct domain *e))
{
    struct domain *d = doms[2], *e = granter();
    struct page_info *pg = own_frame(d);
    struct gnttab_transfer op = { .mfn = mfn_x(page_to_mfn(pg)), .domid = 1, .ref = 300, .status = 99 };
    uint64_t free_before;

    transfers_on = true;
    on_take = racer;
    *v1_entry(e, 300) = (struct grant_entry_v1){ GTF_accept_transfer, 2, 0 };
    free_before = free_frames();
    assert_int_equal(grant_transfer_batch(d, (uint64_t)(uintptr_t)&op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    assert_ptr_equal(pg->owner, e);
    assert_int_equal(v1_entry(e, 300)->flags,
                     GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    assert_int_equal(v1_entry(e, 300)->frame, mfn_x(page_to_mfn(pg)));
    assert_int_equal(free_frames(), free_before);
    drop_frame(pg);
}

static void test_transfer_vs_set_version(void **state)
{
    (void)state;
    transfer_racing(switch_to_v2);
    assert_int_equal(granter()->grant_table->version, 1);
}

static void test_transfer_vs_destroy(void **state)
{
    (void)state;
    transfer_racing(destroy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active_pages_lazy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grow_and_relinquish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relinquish_mapped_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_refusals_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_keeps_first_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_count_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_v2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swap_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relinquish_while_pinned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relinquish_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_half_relinquished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_status_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_and_setup_other_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_continuation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table_grows_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_each_grant_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version_back_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version_calls_ordered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version_status_in_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_vs_set_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_vs_destroy, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
