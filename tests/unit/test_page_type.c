/* The page reference and type state machine, driven through a fake "page
 * table" arch: ownership and overflow checks, type exclusivity, counting,
 * recursive validation and release, TLB flushes on leaving the writable
 * type, pinning, and a randomized run against a shadow model that
 * recomputes every frame's counts from the references the test holds.
 *
 * The fake arch: a table is a frame whose memory holds NR_ENTRIES uint64
 * entries, each naming a frame as mfn + 1 (0 = empty).  Validating a level
 * n > 1 table takes a level n-1 typed reference on every named frame; a
 * level 1 table takes a general reference, or a writable-typed one when the
 * entry's E_WRITABLE bit is set.  A descriptor page is checked without
 * taking references: it is refused if any entry has E_BAD set.  That is
 * the shape of the real x86 hooks (hv/arch/x86/pv/pt_validate.c) without
 * the PTE and descriptor encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/errno.h>
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <proxen/page_type.h>
#include "fake_arch.h"

/* Opaque to the code under test, which only compares owner pointers. */
/* Its page-type lock first, as the real one (domain_page_types). */
struct domain {
    struct page_types types;
    int id;
};

#define NR_FRAMES  1024
#define NR_ENTRIES 8

#define E_WRITABLE (1ULL << 63)     /* level 1: map the frame writable */
#define E_BAD      (1ULL << 62)     /* an entry or descriptor the arch refuses */
#define E_MFN_MASK ((1ULL << 40) - 1)

static struct page_info *table;
static struct domain dom_a = { .id = 1 }, dom_b = { .id = 2 };

/* What the fake hooks saw. */
static unsigned int nr_validates, nr_releases, nr_flushes, nr_desc_validates, nr_entry_gets;
static unsigned int nr_entry_puts;
static unsigned int flushes_at_last_validate;

/* Frames handed back by put_page (page_released), and the last one. */
static unsigned int nr_released;
static struct page_info *last_released;

void page_released(struct domain *owner, struct page_info *pg)
{
    assert_ptr_equal(owner, pg->owner);
    assert_int_equal(page_ref_count(pg), 0);
    assert_false(pg->count_info & PGC_allocated);
    nr_released++;
    last_released = pg;
}

/* The randomized run tracks which frames may still have writable TLB
 * entries; see stress_check(). */
static bool stress_running;
static void stress_flushed(void);

/* --- the fake arch --- */

static uint64_t *entries_of(const struct page_info *pg)
{
    return arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
}

static uint64_t level_type(unsigned int level)
{
    return (uint64_t)level << 60;
}

static unsigned int type_level(uint64_t type)
{
    return (unsigned int)(type >> 60);
}

static struct page_info *entry_target(uint64_t e)
{
    return mfn_to_page(_mfn((e & E_MFN_MASK) - 1));
}

static int take_entry_ref(uint64_t e, unsigned int level, struct domain *d)
{
    struct page_info *child;

    if (!e)
        return 0;
    if ((e & E_BAD) || !(e & E_MFN_MASK) || (e & E_MFN_MASK) > max_mfn)
        return -EINVAL;
    child = entry_target(e);
    if (level > 1)
        return get_page_and_type(child, d, level_type(level - 1));
    if (e & E_WRITABLE)
        return get_page_and_type(child, d, PGT_writable_page);
    return get_page(child, d) ? 0 : -EPERM;
}

static int drop_entry_ref(uint64_t e, unsigned int level)
{
    if (!e)
        return 0;
    if (level > 1)
        return put_page_and_type_preemptible(entry_target(e));
    if (e & E_WRITABLE)
        put_page_and_type(entry_target(e));
    else
        put_page(entry_target(e));
    return 0;
}

unsigned int arch_pt_entries(uint64_t type)
{
    assert_true(is_page_table_type(type));
    return NR_ENTRIES;
}

int arch_pt_get_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    /* The contract: the type is set, as the only reference, and not yet
     * validated. */
    assert_true(is_page_table_type(type));
    assert_int_equal(page_type(pg), type);
    assert_int_equal(page_type_count(pg), 1);
    assert_false(pg->type_info & (PGT_validated | PGT_partial));
    assert_true(i < NR_ENTRIES);
    if (i == 0) {
        nr_validates++;
        flushes_at_last_validate = nr_flushes;
    }
    nr_entry_gets++;
    return take_entry_ref(entries_of(pg)[i], type_level(type), pg->owner);
}

int arch_pt_put_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    /* The type count is held while the entries go, and the table is no
     * longer validated (nothing may update it half-released). */
    assert_true(is_page_table_type(type));
    assert_int_equal(page_type(pg), type);
    assert_int_equal(page_type_count(pg), 1);
    assert_false(pg->type_info & PGT_validated);
    assert_true(i < NR_ENTRIES);
    /* Releases go last entry first; undoing a failed validation never
     * starts at the last entry. */
    if (i == NR_ENTRIES - 1)
        nr_releases++;
    nr_entry_puts++;
    return drop_entry_ref(entries_of(pg)[i], type_level(type));
}

void arch_pt_validated(struct page_info *pg, uint64_t type)
{
    assert_int_equal(page_type(pg), type);
    assert_false(pg->type_info & PGT_validated);
}

int arch_desc_page_validate(struct page_info *pg)
{
    const uint64_t *t = entries_of(pg);

    assert_int_equal(page_type(pg), PGT_seg_desc_page);
    assert_int_equal(page_type_count(pg), 1);
    assert_false(pg->type_info & PGT_validated);
    nr_desc_validates++;
    for (unsigned int i = 0; i < NR_ENTRIES; i++)
        if (t[i] & E_BAD)
            return -EINVAL;
    return 0;
}

/* The table a failed validation left for the vCPU to release (the
 * hypercall layer keeps it as x86's old_table). */
static struct page_info *owed;

void arch_owe_release(struct page_info *pg)
{
    assert_null(owed);
    assert_true(pg->type_info & PGT_partial);
    assert_int_equal(page_type_count(pg), 1);
    owed = pg;
}

/* Preemption points: preempt_at counts down the checks to the one that
 * says "stop" (0: never). */
static unsigned int preempt_at, nr_preempt_checks;

bool hypercall_preempt_check(void)
{
    nr_preempt_checks++;
    return preempt_at && --preempt_at == 0;
}

uint32_t arch_tlbflush_clock(void)
{
    return nr_flushes;           /* one tick per full flush, as on x86 */
}

void arch_page_type_flush_tlbs(void)
{
    nr_flushes++;
    if (stress_running)
        stress_flushed();
}

/* --- fixtures and helpers --- */

static int setup(void **state)
{
    fake_mem_init(NR_FRAMES);
    table = calloc(NR_FRAMES, sizeof(*table));
    assert_non_null(table);
    page_alloc_init(table, NR_FRAMES);
    /* The last frame stays reserved (never given to the allocator). */
    page_alloc_free_range(_mfn(0), NR_FRAMES - 1);
    page_types_init(&dom_a.types, false);
    page_types_init(&dom_b.types, false);
    nr_released = 0;
    last_released = NULL;
    fake_set_cpu(0);
    arch_irq_enable();
    nr_validates = nr_releases = nr_flushes = nr_desc_validates = nr_entry_gets = 0;
    preempt_at = nr_preempt_checks = 0;
    nr_entry_puts = 0;
    owed = NULL;
    flushes_at_last_validate = 0;
    stress_running = false;
    return 0;
}

static int teardown(void **state)
{
    free(table);
    table = NULL;
    fake_mem_free();
    return 0;
}

/* A fresh frame of d with empty entries (d == NULL: allocated, unowned). */
static struct page_info *new_frame(struct domain *d)
{
    struct page_info *pg = alloc_pages(0);

    assert_non_null(pg);
    memset(entries_of(pg), 0, PAGE_SIZE);
    if (d)
        page_set_owner_allocated(pg, d);
    return pg;
}

static uint64_t entry(const struct page_info *child, uint64_t flags)
{
    return (mfn_x(page_to_mfn(child)) + 1) | flags;
}

static void set_entry(struct page_info *pg, unsigned int i,
                      const struct page_info *child, uint64_t flags)
{
    entries_of(pg)[i] = child ? entry(child, flags) : 0;
}

static bool validated(const struct page_info *pg)
{
    return pg->type_info & PGT_validated;
}

static bool pinned(const struct page_info *pg)
{
    return pg->type_info & PGT_pinned;
}

static void assert_counts(const struct page_info *pg, uint64_t refs, uint64_t type,
                          uint64_t type_refs)
{
    assert_int_equal(page_ref_count(pg), refs);
    assert_int_equal(page_type_count(pg), type_refs);
    if (type_refs)
        assert_int_equal(page_type(pg), type);
}

/* Everything about a frame that references can change, with the type
 * (and validated bit) only meaningful while the type is in use. */
struct frame_state {
    uint64_t count_info;
    uint64_t type_refs;
    uint64_t type_in_use;
    bool validated, pinned;
};

static void snapshot(struct frame_state *s)
{
    for (uint64_t m = 0; m < NR_FRAMES; m++) {
        const struct page_info *pg = &frame_table[m];
        uint64_t n = page_type_count(pg);

        s[m] = (struct frame_state){
            .count_info = pg->count_info,
            .type_refs = n,
            .type_in_use = n ? page_type(pg) : PGT_none,
            .validated = n && validated(pg),
            .pinned = pinned(pg),
        };
    }
}

static void assert_unchanged(const struct frame_state *before)
{
    struct frame_state now[NR_FRAMES];

    snapshot(now);
    for (uint64_t m = 0; m < NR_FRAMES; m++) {
        assert_int_equal(now[m].count_info, before[m].count_info);
        assert_int_equal(now[m].type_refs, before[m].type_refs);
        assert_int_equal(now[m].type_in_use, before[m].type_in_use);
        assert_int_equal(now[m].validated, before[m].validated);
        assert_int_equal(now[m].pinned, before[m].pinned);
    }
}

/* --- general references --- */

static void test_get_page_owner_only(void **state)
{
    struct page_info *mine = new_frame(&dom_a);
    struct page_info *unowned = new_frame(NULL);
    struct page_info *freed = new_frame(&dom_a);
    struct page_info *reserved = &frame_table[NR_FRAMES - 1];

    assert_int_equal(mine->count_info, PGC_allocated | 1);
    assert_true(get_page(mine, &dom_a));
    assert_int_equal(page_ref_count(mine), 2);
    assert_false(get_page(mine, &dom_b));
    assert_false(get_page(mine, NULL));
    assert_int_equal(page_ref_count(mine), 2);
    put_page(mine);
    assert_int_equal(mine->count_info, PGC_allocated | 1);

    /* Allocated by the heap but given to nobody; even with an allocation
     * reference forged, "no owner" is nobody's. */
    assert_false(get_page(unowned, &dom_a));
    assert_false(get_page(unowned, NULL));
    assert_int_equal(unowned->count_info, 0);
    unowned->count_info = PGC_allocated | 1;
    assert_false(get_page(unowned, NULL));
    assert_int_equal(unowned->count_info, PGC_allocated | 1);
    unowned->count_info = 0;

    /* Back in the heap: the stale owner pointer must not be enough. */
    free_pages(freed, 0);
    freed->owner = &dom_a;
    assert_false(get_page(freed, &dom_a));
    assert_true(freed->count_info & PGC_free);
    assert_int_equal(page_ref_count(freed), 0);
    freed->count_info = PGC_free | PGC_allocated | 1;
    assert_false(get_page(freed, &dom_a));
    assert_int_equal(freed->count_info, PGC_free | PGC_allocated | 1);

    /* Firmware frames, even with owner and counts forged. */
    assert_int_equal(reserved->count_info, PGC_reserved);
    reserved->owner = &dom_a;
    assert_false(get_page(reserved, &dom_a));
    reserved->count_info = PGC_reserved | PGC_allocated | 1;
    assert_false(get_page(reserved, &dom_a));
    assert_int_equal(reserved->count_info, PGC_reserved | PGC_allocated | 1);

    /* Owned but no allocation reference, or no references at all. */
    mine->count_info = 1;
    assert_false(get_page(mine, &dom_a));
    mine->count_info = PGC_allocated;
    assert_false(get_page(mine, &dom_a));
    assert_int_equal(mine->count_info, PGC_allocated);

    /* Every typed path refuses the same frames, taking nothing. */
    mine->count_info = PGC_allocated | 1;
    assert_int_equal(get_page_and_type(mine, &dom_b, PGT_writable_page), -EINVAL);
    assert_int_equal(get_page_and_type(unowned, &dom_a, PGT_l1_page_table), -EINVAL);
    assert_int_equal(pin_page_table(mine, &dom_b, PGT_l1_page_table), -EINVAL);
    assert_int_equal(pin_page_table(freed, &dom_a, PGT_l1_page_table), -EINVAL);
    assert_counts(mine, 1, PGT_none, 0);
    assert_false(pinned(mine));
    assert_int_equal(nr_validates, 0);
}

static void test_ref_overflow(void **state)
{
    struct page_info *pg = new_frame(&dom_a);
    const uint64_t flags = PGC_allocated;

    pg->count_info = flags | (PGC_count_mask - 1);
    assert_true(get_page(pg, &dom_a));
    assert_int_equal(pg->count_info, flags | PGC_count_mask);
    assert_false(get_page(pg, &dom_a));
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), -EINVAL);
    assert_int_equal(pin_page_table(pg, &dom_a, PGT_l1_page_table), -EINVAL);
    /* The count did not wrap into the flag bits. */
    assert_int_equal(pg->count_info, flags | PGC_count_mask);
    assert_int_equal(page_type_count(pg), 0);
    put_page(pg);
    assert_true(get_page(pg, &dom_a));
    pg->count_info = flags | 1;

    /* Type count: the last possible reference, then -EOVERFLOW with the
     * general reference given back. */
    pg->type_info = PGT_writable_page | PGT_validated | (PGT_count_mask - 1);
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), 0);
    assert_int_equal(pg->type_info, PGT_writable_page | PGT_validated | PGT_count_mask);
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), -EOVERFLOW);
    assert_int_equal(get_page_type(pg, PGT_writable_page), -EOVERFLOW);
    assert_int_equal(pg->type_info, PGT_writable_page | PGT_validated | PGT_count_mask);
    assert_int_equal(page_ref_count(pg), 2);
}

/* --- types --- */

static void expect_busy(struct page_info *pg, uint64_t type)
{
    uint64_t refs = page_ref_count(pg), ti = pg->type_info;

    assert_int_equal(get_page_and_type(pg, &dom_a, type), -EINVAL);
    assert_int_equal(get_page_type(pg, type), -EINVAL);
    assert_int_equal(page_ref_count(pg), refs);
    assert_int_equal(pg->type_info, ti);
}

static void test_type_exclusive(void **state)
{
    struct page_info *pg = new_frame(&dom_a);

    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), 0);
    expect_busy(pg, PGT_l1_page_table);
    expect_busy(pg, PGT_l4_page_table);
    expect_busy(pg, PGT_seg_desc_page);
    put_page_and_type(pg);

    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l1_page_table), 0);
    assert_true(validated(pg));
    expect_busy(pg, PGT_writable_page);
    expect_busy(pg, PGT_seg_desc_page);
    expect_busy(pg, PGT_l2_page_table);
    put_page_and_type(pg);

    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_seg_desc_page), 0);
    assert_true(validated(pg));
    expect_busy(pg, PGT_writable_page);
    expect_busy(pg, PGT_l1_page_table);
    put_page_and_type(pg);

    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l3_page_table), 0);
    expect_busy(pg, PGT_l2_page_table);
    expect_busy(pg, PGT_l4_page_table);
    put_page_and_type(pg);
    assert_counts(pg, 1, PGT_none, 0);

    /* Neither "no type" nor a value carrying count bits is a type. */
    expect_assert_failure(get_page_type(pg, PGT_none));
    expect_assert_failure(get_page_type(pg, PGT_writable_page | 1));
}

static void test_counting(void **state)
{
    struct page_info *pg = new_frame(&dom_a);
    struct page_info *leaf = new_frame(&dom_a);
    const unsigned int n = 100;

    for (unsigned int i = 0; i < n; i++)
        assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), 0);
    assert_counts(pg, 1 + n, PGT_writable_page, n);
    for (unsigned int i = 1; i < n; i++) {
        put_page_and_type(pg);
        expect_busy(pg, PGT_l1_page_table);
    }
    assert_counts(pg, 2, PGT_writable_page, 1);
    put_page_and_type(pg);
    assert_counts(pg, 1, PGT_none, 0);

    /* As a table: validated once by the first reference, released once by
     * the last, however many come and go in between. */
    set_entry(pg, 3, leaf, 0);
    for (unsigned int i = 0; i < n; i++)
        assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l1_page_table), 0);
    assert_int_equal(nr_validates, 1);
    assert_counts(pg, 1 + n, PGT_l1_page_table, n);
    assert_int_equal(page_ref_count(leaf), 2);
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(nr_releases, 0);
        assert_true(validated(pg));
        put_page_and_type(pg);
    }
    assert_int_equal(nr_releases, 1);
    assert_false(validated(pg));
    assert_counts(pg, 1, PGT_none, 0);
    assert_counts(leaf, 1, PGT_none, 0);

    /* Separate general and type references count independently. */
    assert_true(get_page(pg, &dom_a));
    assert_int_equal(get_page_type(pg, PGT_seg_desc_page), 0);
    assert_int_equal(get_page_type(pg, PGT_seg_desc_page), 0);
    assert_counts(pg, 2, PGT_seg_desc_page, 2);
    put_page_type(pg);
    put_page_type(pg);
    assert_counts(pg, 2, PGT_none, 0);
    put_page(pg);
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), 0);
    put_page_and_type(pg);
    assert_int_equal(pg->count_info, PGC_allocated | 1);
}

/* --- validation --- */

static void test_validation_takes_refs(void **state)
{
    struct page_info *l1 = new_frame(&dom_a);
    struct page_info *ro = new_frame(&dom_a);
    struct page_info *rw = new_frame(&dom_a);

    set_entry(l1, 0, ro, 0);
    set_entry(l1, 2, rw, E_WRITABLE);
    set_entry(l1, 7, ro, 0);        /* the same frame mapped twice */
    set_entry(l1, 5, l1, 0);        /* a read-only mapping of itself is fine */
    assert_int_equal(get_page_and_type(l1, &dom_a, PGT_l1_page_table), 0);
    assert_true(validated(l1));
    assert_counts(l1, 3, PGT_l1_page_table, 1);
    assert_counts(ro, 3, PGT_none, 0);
    assert_counts(rw, 2, PGT_writable_page, 1);

    /* A frame the table maps writable can be mapped writable elsewhere
     * too, but can be no table. */
    assert_int_equal(get_page_and_type(rw, &dom_a, PGT_writable_page), 0);
    expect_busy(rw, PGT_l1_page_table);
    put_page_and_type(rw);

    put_page_and_type(l1);
    assert_counts(l1, 1, PGT_none, 0);
    assert_counts(ro, 1, PGT_none, 0);
    assert_counts(rw, 1, PGT_none, 0);
}

/* Take type on pg expecting rc, and check that nothing anywhere changed. */
static void expect_refused(struct page_info *pg, uint64_t type, int rc)
{
    struct frame_state before[NR_FRAMES];

    snapshot(before);
    assert_int_equal(get_page_and_type(pg, &dom_a, type), rc);
    assert_unchanged(before);
    assert_false(validated(pg));
}

static void test_validation_failure_clean(void **state)
{
    struct page_info *l2 = new_frame(&dom_a);
    struct page_info *good_l1 = new_frame(&dom_a);
    struct page_info *bad_l1 = new_frame(&dom_a);
    struct page_info *ro = new_frame(&dom_a);
    struct page_info *rw = new_frame(&dom_a);
    struct page_info *foreign = new_frame(&dom_b);
    struct page_info *busy = new_frame(&dom_a);
    struct page_info *all[] = { l2, good_l1, bad_l1, ro, rw, foreign, busy };
    unsigned int releases;

    set_entry(good_l1, 0, ro, 0);
    set_entry(good_l1, 1, rw, E_WRITABLE);
    set_entry(good_l1, 2, ro, 0);

    /* Level 1: the last entry maps another domain's frame. */
    set_entry(bad_l1, 0, ro, 0);
    set_entry(bad_l1, 1, rw, E_WRITABLE);
    set_entry(bad_l1, 6, foreign, 0);
    expect_refused(bad_l1, PGT_l1_page_table, -EPERM);
    set_entry(bad_l1, 6, foreign, E_WRITABLE);
    expect_refused(bad_l1, PGT_l1_page_table, -EINVAL);

    /* Level 1: a writable mapping of a frame in use as a table. */
    assert_int_equal(get_page_and_type(busy, &dom_a, PGT_l1_page_table), 0);
    set_entry(bad_l1, 6, busy, E_WRITABLE);
    expect_refused(bad_l1, PGT_l1_page_table, -EINVAL);
    put_page_and_type(busy);

    /* Level 1: an entry the arch rejects. */
    entries_of(bad_l1)[6] = E_BAD;
    expect_refused(bad_l1, PGT_l1_page_table, -EINVAL);

    /* Level 2: a good L1 (validated on the way, so released on the way
     * back), then an L1 that is mapped writable elsewhere. */
    assert_int_equal(get_page_and_type(busy, &dom_a, PGT_writable_page), 0);
    set_entry(l2, 0, good_l1, 0);
    set_entry(l2, 4, busy, 0);
    releases = nr_releases;
    expect_refused(l2, PGT_l2_page_table, -EINVAL);
    assert_int_equal(nr_releases, releases + 1);

    /* ... an L1 owned by another domain. */
    set_entry(l2, 4, foreign, 0);
    expect_refused(l2, PGT_l2_page_table, -EINVAL);

    /* ... an L1 whose own validation fails at its last entry. */
    set_entry(bad_l1, 6, foreign, 0);
    set_entry(l2, 4, bad_l1, 0);
    expect_refused(l2, PGT_l2_page_table, -EPERM);

    /* ... and an L1 that maps the L2's other L1 writable: each is fine
     * alone, the pair is not. */
    memset(entries_of(bad_l1), 0, PAGE_SIZE);
    set_entry(bad_l1, 0, good_l1, E_WRITABLE);
    set_entry(l2, 1, bad_l1, 0);
    set_entry(l2, 4, NULL, 0);
    expect_refused(l2, PGT_l2_page_table, -EINVAL);

    /* The refused frames are plain frames again. */
    put_page_and_type(busy);
    assert_int_equal(get_page_and_type(bad_l1, &dom_a, PGT_writable_page), 0);
    put_page_and_type(bad_l1);
    assert_int_equal(get_page_and_type(l2, &dom_a, PGT_writable_page), 0);
    put_page_and_type(l2);
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        assert_counts(all[i], 1, PGT_none, 0);
}

/* A full tree: one L4, fan-out `fan` at every level, `fan` leaves per L1
 * (every other one writable); nr_tables counts its tables. */
#define MAX_FAN 4

struct tree {
    struct page_info *l4;
    struct page_info *l3[MAX_FAN], *l2[MAX_FAN][MAX_FAN];
    struct page_info *l1[MAX_FAN][MAX_FAN][MAX_FAN];
    struct page_info *leaf[MAX_FAN][MAX_FAN][MAX_FAN][MAX_FAN];
    unsigned int fan, nr_tables;
};

static void build_tree(struct tree *t, unsigned int fan)
{
    t->fan = fan;
    t->l4 = new_frame(&dom_a);
    t->nr_tables = 1;
    for (unsigned int a = 0; a < fan; a++) {
        t->l3[a] = new_frame(&dom_a);
        set_entry(t->l4, a, t->l3[a], 0);
        t->nr_tables++;
        for (unsigned int b = 0; b < fan; b++) {
            t->l2[a][b] = new_frame(&dom_a);
            set_entry(t->l3[a], b, t->l2[a][b], 0);
            t->nr_tables++;
            for (unsigned int c = 0; c < fan; c++) {
                t->l1[a][b][c] = new_frame(&dom_a);
                set_entry(t->l2[a][b], c, t->l1[a][b][c], 0);
                t->nr_tables++;
                for (unsigned int d = 0; d < fan; d++) {
                    t->leaf[a][b][c][d] = new_frame(&dom_a);
                    set_entry(t->l1[a][b][c], d, t->leaf[a][b][c][d],
                              d % 2 ? E_WRITABLE : 0);
                }
            }
        }
    }
}

/* Every frame of the tree as it must be while the L4 has `uses` type
 * references (0: nothing in use). */
static void check_tree(const struct tree *t, uint64_t uses)
{
    bool live = uses > 0;

    assert_counts(t->l4, 1 + uses, PGT_l4_page_table, uses);
    assert_int_equal(validated(t->l4), live);
    for (unsigned int a = 0; a < t->fan; a++) {
        assert_counts(t->l3[a], 1 + live, PGT_l3_page_table, live);
        assert_int_equal(validated(t->l3[a]), live);
        for (unsigned int b = 0; b < t->fan; b++) {
            assert_counts(t->l2[a][b], 1 + live, PGT_l2_page_table, live);
            for (unsigned int c = 0; c < t->fan; c++) {
                assert_counts(t->l1[a][b][c], 1 + live, PGT_l1_page_table, live);
                assert_int_equal(validated(t->l1[a][b][c]), live);
                for (unsigned int d = 0; d < t->fan; d++)
                    assert_counts(t->leaf[a][b][c][d], 1 + live, PGT_writable_page,
                                  live && d % 2);
            }
        }
    }
}

static void test_release_recursive(void **state)
{
    static struct tree t;

    build_tree(&t, 3);
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(nr_validates, t.nr_tables);
    check_tree(&t, 1);
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    check_tree(&t, 2);
    put_page_and_type(t.l4);
    assert_int_equal(nr_releases, 0);
    check_tree(&t, 1);
    put_page_and_type(t.l4);
    assert_int_equal(nr_releases, t.nr_tables);
    check_tree(&t, 0);

    /* A sub-tree held on its own survives the release of its parent. */
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(get_page_and_type(t.l2[1][2], &dom_a, PGT_l2_page_table), 0);
    assert_counts(t.l2[1][2], 3, PGT_l2_page_table, 2);
    put_page_and_type(t.l4);
    assert_counts(t.l2[1][2], 2, PGT_l2_page_table, 1);
    assert_true(validated(t.l2[1][2]));
    assert_counts(t.l1[1][2][0], 2, PGT_l1_page_table, 1);
    assert_counts(t.leaf[1][2][0][1], 2, PGT_writable_page, 1);
    assert_counts(t.l3[1], 1, PGT_none, 0);
    assert_counts(t.l1[1][1][0], 1, PGT_none, 0);
    put_page_and_type(t.l2[1][2]);
    check_tree(&t, 0);
}

/* Finish the release a failed validation left (as the vCPU does before
 * its next request), in preemptible steps that each stop at their first
 * preemption check when `stop` is set; the entries each step dropped go
 * to step_puts (the longest) when given.  Returns the number of steps. */
static unsigned int finish_owed_steps(bool stop, unsigned int *step_puts)
{
    unsigned int steps = 0;
    int rc;

    if (!owed)
        return 0;
    do {
        unsigned int puts = nr_entry_puts;

        assert_true(++steps < 100000);
        preempt_at = stop;
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = put_page_and_type_preemptible(owed);
        page_types_unlock(&dom_a);
        if (step_puts)
            *step_puts = MAX(*step_puts, nr_entry_puts - puts);
    } while (rc == -ERESTART);
    assert_int_equal(rc, 0);
    preempt_at = 0;
    owed = NULL;
    return steps;
}

static void finish_owed(unsigned int *steps)
{
    unsigned int n = finish_owed_steps(false, NULL);

    if (steps)
        *steps = n;
}

/* Pin t's L4 in a request that may be preempted, continuing it (as the
 * hypercall's continuation would) until it ends; the number of restarts. */
static int pin_continued(struct tree *t, unsigned int *restarts)
{
    int rc;

    *restarts = 0;
    for (;;) {
        /* Run again at once after a flush, as the hypercalls do; count
         * only the stops a continuation would resume. */
        do {
            page_types_lock(&dom_a);
            page_types_allow_preemption(&dom_a);
            rc = pin_page_table(t->l4, &dom_a, PGT_l4_page_table);
        } while (page_types_unlock(&dom_a) && rc == -ERESTART);
        if (rc != -ERESTART || ++*restarts > 64) {
            if (rc && rc != -ERESTART)
                finish_owed(NULL);
            return rc;
        }
        /* Half-way: the L4 is partial, holds its own reference, and is
         * no page table anyone may use yet. */
        assert_true(t->l4->type_info & PGT_partial);
        assert_false(validated(t->l4));
        assert_false(pinned(t->l4));
        assert_int_equal(page_type_count(t->l4), 0);
        assert_int_equal(page_ref_count(t->l4), 2);
    }
}

static void assert_nothing_partial(void)
{
    for (uint64_t m = 0; m < NR_FRAMES; m++)
        assert_false(frame_table[m].type_info & PGT_partial);
}

/* Stopped at each preemption point in turn, validating a tree ends as an
 * uninterrupted validation does: the same counts, nothing left partial,
 * and resumed rather than restarted: the entries asked for are those of
 * an uninterrupted run plus, per restart, at most the three (L4, L3, L2)
 * whose tables below had stopped. */
static void test_preempted_validation(void **state)
{
    static struct tree t;
    unsigned int checks, restarts, gets;

    build_tree(&t, 3);
    /* Outside a preemptible request nothing even asks. */
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(nr_preempt_checks, 0);
    put_page_and_type(t.l4);
    check_tree(&t, 0);
    nr_entry_gets = 0;
    assert_int_equal(pin_continued(&t, &restarts), 0);
    checks = nr_preempt_checks;
    gets = nr_entry_gets;
    assert_true(checks > t.nr_tables);
    assert_int_equal(restarts, 0);
    assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    for (unsigned int k = 1; k <= checks; k++) {
        nr_entry_gets = 0;
        preempt_at = k;
        assert_int_equal(pin_continued(&t, &restarts), 0);
        assert_int_equal(restarts, 1);
        assert_in_range(nr_entry_gets, gets, gets + 3);
        check_tree(&t, 1);
        assert_nothing_partial();
        assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
        check_tree(&t, 0);
    }
}

/* What a teardown of d does for each of its frames: a validation stopped
 * half-way is abandoned (page_type_abandon_partial), then released in
 * preemptible steps, here continued until done. */
static void page_type_drop_partial(struct page_info *pg, struct domain *d)
{
    if (!page_type_abandon_partial(pg, d))
        return;
    page_types_lock(d);
    page_types_allow_preemption(d);
    while (put_page_and_type_preemptible(pg) == -ERESTART)
        ;
    (void)page_types_unlock(d);
}

/* A pin stopped at each preemption point in turn and never resumed (its
 * domain is torn down): dropping every frame's half-done validation (as
 * the teardown does for each of the domain's frames) leaves the tree as
 * before the pin, and leaves frames in any other state alone. */
static void test_abandoned_validation_dropped(void **state)
{
    static struct tree t;
    unsigned int checks, restarts;
    int rc;

    build_tree(&t, 3);
    assert_int_equal(pin_continued(&t, &restarts), 0);
    assert_int_equal(restarts, 0);
    checks = nr_preempt_checks;
    /* A pinned, validated tree is no half-done validation. */
    for (uint64_t m = 0; m < NR_FRAMES; m++)
        page_type_drop_partial(&frame_table[m], &dom_a);
    check_tree(&t, 1);
    assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    for (unsigned int k = 1; k <= checks; k++) {
        preempt_at = k;
        do {            /* again at once after a flush, as the hypercalls do */
            page_types_lock(&dom_a);
            page_types_allow_preemption(&dom_a);
            rc = pin_page_table(t.l4, &dom_a, PGT_l4_page_table);
        } while (page_types_unlock(&dom_a) && rc == -ERESTART);
        preempt_at = 0;
        assert_int_equal(rc, -ERESTART);
        /* Another domain's teardown touches none of them. */
        for (uint64_t m = 0; m < NR_FRAMES; m++)
            page_type_drop_partial(&frame_table[m], &dom_b);
        assert_true(t.l4->type_info & PGT_partial);
        for (uint64_t m = 0; m < NR_FRAMES; m++)
            page_type_drop_partial(&frame_table[m], &dom_a);
        assert_nothing_partial();
        check_tree(&t, 0);
    }
}

/* Unpinning a tree in a request that may be preempted, then finishing
 * the release the caller owes until it ends; the number of restarts. */
static int unpin_continued(struct tree *t, unsigned int *restarts)
{
    int rc;

    page_types_lock(&dom_a);
    page_types_allow_preemption(&dom_a);
    rc = unpin_page_table(t->l4, &dom_a, PGT_l4_page_table);
    page_types_unlock(&dom_a);
    for (*restarts = 0; rc == -ERESTART && *restarts < 64; ++*restarts) {
        /* Half-released: still counted (the caller's), not validated,
         * and nobody else may take it. */
        assert_true(t->l4->type_info & PGT_partial);
        assert_false(validated(t->l4));
        assert_false(pinned(t->l4));
        assert_int_equal(page_type_count(t->l4), 1);
        assert_int_equal(get_page_and_type(t->l4, &dom_a, PGT_l4_page_table), -EINVAL);
        assert_int_equal(get_page_and_type(t->l4, &dom_a, PGT_writable_page), -EINVAL);
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = put_page_and_type_preemptible(t->l4);
        page_types_unlock(&dom_a);
    }
    return rc;
}

/* Stopped at each preemption point of a release in turn, releasing a
 * tree ends as an uninterrupted release does: every reference dropped
 * once, nothing left partial. */
static void test_preempted_release(void **state)
{
    static struct tree t;
    unsigned int checks, restarts;

    build_tree(&t, 3);
    assert_int_equal(pin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(unpin_continued(&t, &restarts), 0);
    assert_int_equal(restarts, 0);
    checks = nr_preempt_checks;
    assert_true(checks > t.nr_tables);
    assert_int_equal(nr_releases, t.nr_tables);
    check_tree(&t, 0);
    for (unsigned int k = 1; k <= checks; k++) {
        assert_int_equal(pin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
        check_tree(&t, 1);
        nr_releases = 0;
        preempt_at = k;
        assert_int_equal(unpin_continued(&t, &restarts), 0);
        assert_int_equal(restarts, 1);
        assert_int_equal(nr_releases, t.nr_tables);
        check_tree(&t, 0);
        assert_nothing_partial();
    }
    /* Outside a preemptible request a release never stops. */
    assert_int_equal(pin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    preempt_at = 1;
    assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    check_tree(&t, 0);
}

/* A partial table: no other type may be taken on it (and so no writable
 * mapping); a failure found on resuming undoes everything, the partial
 * state's own reference included. */
static void test_partial_state(void **state)
{
    static struct tree t;
    struct page_info *foreign = new_frame(&dom_b);
    struct page_info *last_l1;
    unsigned int restarts;
    int rc;

    build_tree(&t, 3);
    last_l1 = t.l1[2][2][2];
    preempt_at = 3;
    do {
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = pin_page_table(t.l4, &dom_a, PGT_l4_page_table);
    } while (page_types_unlock(&dom_a) && rc == -ERESTART);
    assert_int_equal(rc, -ERESTART);
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_writable_page), -EINVAL);
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l3_page_table), -EINVAL);
    assert_true(t.l4->type_info & PGT_partial);
    /* The last L1 was not reached: make it refuse. */
    assert_false(validated(last_l1));
    set_entry(last_l1, 4, foreign, 0);
    assert_int_equal(pin_continued(&t, &restarts), -EPERM);
    check_tree(&t, 0);
    assert_nothing_partial();
    assert_counts(last_l1, 1, PGT_none, 0);
    /* Fixed, it validates from scratch. */
    set_entry(last_l1, 4, NULL, 0);
    assert_int_equal(pin_continued(&t, &restarts), 0);
    check_tree(&t, 1);
    assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    check_tree(&t, 0);
    /* Resumed outside a preemptible request, it completes at once. */
    preempt_at = 2;
    do {
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = get_page_and_type(t.l4, &dom_a, PGT_l4_page_table);
    } while (page_types_unlock(&dom_a) && rc == -ERESTART);
    assert_int_equal(rc, -ERESTART);
    preempt_at = 1;
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    check_tree(&t, 1);
    assert_nothing_partial();
    put_page_and_type(t.l4);
    check_tree(&t, 0);
}

/* A validation that fails at the very end of a tree, inside a preemptible
 * request: nothing is undone in the request itself (that could take as
 * long as the tree); the tables validated so far are left half-released,
 * the top one owed by the vCPU, and releasing it goes in steps of at most
 * PT_PREEMPT_EVERY entries (plus the first entry of each table on the way
 * down, which is not counted) until every count is back where it was. */
static void test_failed_validation_released_in_steps(void **state)
{
    static struct tree t;
    struct frame_state before[NR_FRAMES];
    struct page_info *foreign = new_frame(&dom_b);
    struct page_info *last_l1;
    unsigned int steps, longest = 0, gets;
    int rc;

    build_tree(&t, 3);
    last_l1 = t.l1[2][2][2];
    set_entry(last_l1, NR_ENTRIES - 1, foreign, 0);
    snapshot(before);

    /* Outside a preemptible request: undone at once, nothing owed. */
    expect_refused(t.l4, PGT_l4_page_table, -EPERM);
    assert_null(owed);

    nr_entry_gets = nr_entry_puts = 0;
    do {
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = pin_page_table(t.l4, &dom_a, PGT_l4_page_table);
    } while (page_types_unlock(&dom_a) && rc == -ERESTART);
    assert_int_equal(rc, -EPERM);
    gets = nr_entry_gets;
    /* The request dropped nothing: every table it validated, and the
     * four on the failing path, still hold their entries' references. */
    assert_int_equal(nr_entry_puts, 0);
    assert_ptr_equal(owed, t.l4);
    assert_false(pinned(t.l4));
    assert_false(validated(t.l4));
    assert_true(t.l4->type_info & PGT_partial);
    assert_int_equal(page_type_count(t.l4), 1);
    assert_int_equal(page_ref_count(t.l4), 2);
    assert_true(last_l1->type_info & PGT_partial);
    assert_int_equal(last_l1->nr_validated, NR_ENTRIES - 1);
    assert_true(validated(t.l1[0][0][0]));
    /* Half-released tables take no reference of any type. */
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), -EINVAL);
    assert_int_equal(get_page_and_type(last_l1, &dom_a, PGT_l1_page_table), -EINVAL);
    assert_int_equal(get_page_and_type(last_l1, &dom_a, PGT_writable_page), -EINVAL);

    /* Released one preemption step at a time. */
    steps = finish_owed_steps(true, &longest);
    assert_true(steps > t.nr_tables);
    assert_in_range(longest, 1, PT_PREEMPT_EVERY + 4);
    assert_true(nr_entry_puts >= gets - 1);   /* a step resumes through the chain above */
    assert_unchanged(before);
    assert_nothing_partial();

    /* Every preemption point of the validation, then the failure. */
    for (unsigned int k = 1; k < 3 * t.nr_tables; k++) {
        unsigned int restarts;

        preempt_at = k;
        assert_int_equal(pin_continued(&t, &restarts), -EPERM);
        assert_null(owed);
        assert_unchanged(before);
        assert_nothing_partial();
    }

    /* Failing at the first entry of the top table leaves nothing. */
    memset(entries_of(t.l4), 0, PAGE_SIZE);
    set_entry(t.l4, 0, foreign, 0);
    do {
        page_types_lock(&dom_a);
        page_types_allow_preemption(&dom_a);
        rc = pin_page_table(t.l4, &dom_a, PGT_l4_page_table);
    } while (page_types_unlock(&dom_a) && rc == -ERESTART);
    assert_int_equal(rc, -EINVAL);
    assert_null(owed);
    assert_counts(t.l4, 1, PGT_none, 0);
}

/* In a request that can run again, a type change that needs a TLB flush
 * changes nothing and asks for it (-ERESTART); the flush is done when the
 * lock is dropped (not while it is held), once, and the request then goes
 * through.  Elsewhere the flush is done in place. */
static void test_flush_deferred(void **state)
{
    struct page_info *a = new_frame(&dom_a), *b = new_frame(&dom_a);
    struct frame_state before[NR_FRAMES];
    unsigned int flushes = nr_flushes;
    int rc;

    /* Fresh frames count as just written: a table type needs a flush. */
    snapshot(before);
    page_types_lock(&dom_a);
    page_types_allow_restart(&dom_a);
    rc = get_page_and_type(a, &dom_a, PGT_l1_page_table);
    assert_int_equal(rc, -ERESTART);
    assert_unchanged(before);
    assert_int_equal(nr_flushes, flushes);          /* not under the lock */
    assert_true(page_types_unlock(&dom_a));
    assert_int_equal(nr_flushes, flushes + 1);
    page_types_lock(&dom_a);
    page_types_allow_restart(&dom_a);
    assert_int_equal(get_page_and_type(a, &dom_a, PGT_l1_page_table), 0);
    assert_false(page_types_unlock(&dom_a));        /* nothing more to flush */
    assert_int_equal(nr_flushes, flushes + 1);
    put_page_and_type(a);

    /* Retyping b needs a flush of its own (a flush since it was dropped
     * has not happened); outside such a request it is done in place. */
    assert_int_equal(get_page_and_type(b, &dom_a, PGT_l1_page_table), 0);
    put_page_and_type(b);
    flushes = nr_flushes;
    assert_int_equal(get_page_and_type(b, &dom_a, PGT_writable_page), 0);
    assert_int_equal(nr_flushes, flushes + 1);
    put_page_and_type(b);
}

/* Each domain has its own type lock; it is taken only with interrupts on
 * (a CPU waiting for it must still answer TLB shootdowns). */
static void test_lock_per_domain(void **state)
{
    struct page_info *a = new_frame(&dom_a), *b = new_frame(&dom_b);

    page_types_lock(&dom_a);
    assert_true(page_types_locked(&dom_a));
    assert_false(spin_is_locked(&dom_b.types.lock));
    fake_set_cpu(1);
    assert_false(page_types_locked(&dom_a));       /* held, but by CPU 0 */
    assert_true(get_page(b, &dom_b));              /* another domain: no wait */
    put_page(b);
    fake_set_cpu(0);
    assert_true(get_page(a, &dom_a));              /* recursive on its CPU */
    put_page(a);
    page_types_unlock(&dom_a);
    assert_false(spin_is_locked(&dom_a.types.lock));
    arch_irq_disable();
    expect_assert_failure(get_page(a, &dom_a));
    arch_irq_enable();
}

static void test_deep_chains(void **state)
{
    static struct tree t;
    const unsigned int fan = 3;
    struct page_info *l4b, *l3, *l2, *l1, *foreign, *last_l1;
    unsigned int v, r;

    /* Two L4s sharing every L3: the sub-trees are validated once. */
    build_tree(&t, fan);
    l4b = new_frame(&dom_a);
    memcpy(entries_of(l4b), entries_of(t.l4), NR_ENTRIES * sizeof(uint64_t));
    assert_int_equal(pin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(get_page_and_type(l4b, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(nr_validates, t.nr_tables + 1);
    for (unsigned int a = 0; a < fan; a++)
        assert_counts(t.l3[a], 3, PGT_l3_page_table, 2);
    assert_counts(t.l1[2][2][2], 2, PGT_l1_page_table, 1);
    assert_int_equal(unpin_page_table(t.l4, &dom_a, PGT_l4_page_table), 0);
    assert_int_equal(nr_releases, 1);
    put_page_and_type(l4b);
    assert_int_equal(nr_releases, t.nr_tables + 1);
    check_tree(&t, 0);

    /* A bad leaf in the very last L1: every sub-tree validated before it
     * is released again; the four tables on the failing path never were
     * validated, so they are not released. */
    foreign = new_frame(&dom_b);
    last_l1 = t.l1[fan - 1][fan - 1][fan - 1];
    set_entry(last_l1, fan, foreign, 0);
    v = nr_validates;
    r = nr_releases;
    expect_refused(t.l4, PGT_l4_page_table, -EPERM);
    check_tree(&t, 0);
    assert_int_equal(nr_validates - v, t.nr_tables);
    assert_int_equal(nr_releases - r, t.nr_tables - 4);

    /* A second chain, refused at its bottom, that shares an L1 with the
     * live tree: the shared L1 keeps exactly its one user. */
    set_entry(last_l1, fan, NULL, 0);
    assert_int_equal(get_page_and_type(t.l4, &dom_a, PGT_l4_page_table), 0);
    check_tree(&t, 1);
    memset(entries_of(l4b), 0, PAGE_SIZE);
    l3 = new_frame(&dom_a);
    l2 = new_frame(&dom_a);
    l1 = new_frame(&dom_a);
    set_entry(l4b, 0, l3, 0);
    set_entry(l3, 0, l2, 0);
    set_entry(l2, 0, t.l1[0][0][1], 0);
    set_entry(l2, 1, l1, 0);
    set_entry(l1, 0, foreign, E_WRITABLE);
    v = nr_validates;
    r = nr_releases;
    expect_refused(l4b, PGT_l4_page_table, -EINVAL);
    assert_int_equal(nr_validates - v, 4);
    assert_int_equal(nr_releases, r);
    check_tree(&t, 1);

    /* Fixed, it shares the L1 and one of the tree's writable leaves. */
    set_entry(l1, 0, t.leaf[0][0][0][1], E_WRITABLE);
    assert_int_equal(get_page_and_type(l4b, &dom_a, PGT_l4_page_table), 0);
    assert_counts(t.leaf[0][0][0][1], 3, PGT_writable_page, 2);
    assert_counts(t.l1[0][0][1], 3, PGT_l1_page_table, 2);
    put_page_and_type(t.l4);
    assert_counts(t.l1[0][0][1], 2, PGT_l1_page_table, 1);
    assert_counts(t.leaf[0][0][1][1], 2, PGT_writable_page, 1);
    assert_counts(t.leaf[0][0][0][1], 2, PGT_writable_page, 1);
    assert_counts(t.l1[0][0][0], 1, PGT_none, 0);
    put_page_and_type(l4b);
    check_tree(&t, 0);
    assert_counts(l3, 1, PGT_none, 0);
    assert_counts(l2, 1, PGT_none, 0);
    assert_counts(l1, 1, PGT_none, 0);
    assert_counts(l4b, 1, PGT_none, 0);
    assert_counts(foreign, 1, PGT_none, 0);
    assert_int_equal(nr_validates - nr_releases, 4 + 4);
}

static void test_self_reference(void **state)
{
    struct page_info *l2 = new_frame(&dom_a);
    struct page_info *l3 = new_frame(&dom_a);
    struct page_info *l4 = new_frame(&dom_a);
    struct page_info *l1 = new_frame(&dom_a);
    struct page_info *ro = new_frame(&dom_a);
    struct page_info *all[] = { l2, l3, l4, l1, ro };

    /* An L2 naming itself as an L1, after a good L1 that must be undone. */
    set_entry(l1, 0, ro, E_WRITABLE);
    set_entry(l2, 1, l1, 0);
    set_entry(l2, 3, l2, 0);
    expect_refused(l2, PGT_l2_page_table, -EINVAL);
    expect_refused(l2, PGT_l2_page_table, -EINVAL);

    /* An L4 naming itself as an L3 (no linear page tables here). */
    set_entry(l4, 5, l4, 0);
    expect_refused(l4, PGT_l4_page_table, -EINVAL);

    /* A loop through a child: L4 -> L3 -> L2 -> the L4 as an L1. */
    set_entry(l4, 5, l3, 0);
    set_entry(l3, 0, l2, 0);
    set_entry(l2, 3, l4, 0);
    expect_refused(l4, PGT_l4_page_table, -EINVAL);

    /* An L1 mapping itself writable. */
    set_entry(l1, 0, l1, E_WRITABLE);
    expect_refused(l1, PGT_l1_page_table, -EINVAL);

    /* Fixed up, the same frames validate. */
    set_entry(l1, 0, ro, E_WRITABLE);
    set_entry(l2, 3, NULL, 0);
    assert_int_equal(get_page_and_type(l4, &dom_a, PGT_l4_page_table), 0);
    assert_counts(ro, 2, PGT_writable_page, 1);
    put_page_and_type(l4);
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        assert_counts(all[i], 1, PGT_none, 0);
}

static void test_shared_l1(void **state)
{
    struct page_info *a = new_frame(&dom_a);
    struct page_info *b = new_frame(&dom_a);
    struct page_info *l1 = new_frame(&dom_a);
    struct page_info *rw = new_frame(&dom_a);

    set_entry(l1, 0, rw, E_WRITABLE);
    set_entry(a, 2, l1, 0);
    set_entry(b, 6, l1, 0);
    assert_int_equal(get_page_and_type(a, &dom_a, PGT_l2_page_table), 0);
    assert_int_equal(get_page_and_type(b, &dom_a, PGT_l2_page_table), 0);
    assert_int_equal(nr_validates, 3);
    assert_counts(l1, 3, PGT_l1_page_table, 2);
    assert_counts(rw, 2, PGT_writable_page, 1);

    put_page_and_type(a);
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    assert_true(validated(l1));
    assert_counts(rw, 2, PGT_writable_page, 1);
    assert_int_equal(nr_releases, 1);
    put_page_and_type(b);
    assert_counts(l1, 1, PGT_none, 0);
    assert_counts(rw, 1, PGT_none, 0);
    assert_int_equal(nr_releases, 3);

    /* Shared within one L2, too. */
    set_entry(a, 5, l1, 0);
    assert_int_equal(get_page_and_type(a, &dom_a, PGT_l2_page_table), 0);
    assert_counts(l1, 3, PGT_l1_page_table, 2);
    put_page_and_type(a);
    assert_counts(l1, 1, PGT_none, 0);
}

/* --- TLB flushes --- */

static void take_put(struct page_info *pg, uint64_t type)
{
    assert_int_equal(get_page_and_type(pg, &dom_a, type), 0);
    put_page_and_type(pg);
}

/* Flushes a type change needs, given that `pg` just came back to type
 * count 0 (or is fresh): returns how many flushes taking `type` cost. */
static unsigned int flushes_for(struct page_info *pg, uint64_t type)
{
    unsigned int before = nr_flushes;

    take_put(pg, type);
    return nr_flushes - before;
}

static void test_flush_on_type_change(void **state)
{
    struct page_info *pg = new_frame(&dom_a);
    struct page_info *other = new_frame(&dom_a);
    struct page_info *l1 = new_frame(&dom_a);
    struct page_info *l2 = new_frame(&dom_a);
    struct page_info *bad = new_frame(&dom_b);

    /* A fresh frame may still be in a TLB from its past: its first
     * change of type flushes, before the contents are validated.  That
     * flush covers every frame allocated before it. */
    assert_int_equal(flushes_for(pg, PGT_l1_page_table), 1);
    assert_int_equal(flushes_at_last_validate, 1);
    assert_int_equal(flushes_for(other, PGT_l1_page_table), 0);

    /* The same type again needs nothing; writable again neither. */
    assert_int_equal(flushes_for(pg, PGT_l1_page_table), 0);

    /* The escape: a former page table mapped writable.  Another CPU may
     * still walk a cached entry through it; without the flush a guest
     * could forge translations by writing it. */
    assert_int_equal(flushes_for(pg, PGT_writable_page), 1);
    assert_int_equal(flushes_for(pg, PGT_writable_page), 0);

    /* Writable to a table: the writable mappings' TLB entries go first. */
    assert_int_equal(flushes_for(pg, PGT_l2_page_table), 1);
    assert_int_equal(flushes_at_last_validate, nr_flushes);
    /* Every level and descriptor pages, each way. */
    for (unsigned int level = 1; level <= 4; level++) {
        assert_int_equal(flushes_for(pg, PGT_writable_page), 1);
        assert_int_equal(flushes_for(pg, level_type(level)), 1);
    }
    assert_int_equal(flushes_for(pg, PGT_seg_desc_page), 1);
    assert_int_equal(flushes_for(pg, PGT_writable_page), 1);

    /* The filter: a full flush since the type was dropped (here, for a
     * fresh frame's first type) makes another one unnecessary. */
    assert_int_equal(flushes_for(pg, PGT_l1_page_table), 1);
    assert_int_equal(flushes_for(new_frame(&dom_a), PGT_l1_page_table), 1);
    assert_int_equal(flushes_for(pg, PGT_writable_page), 0);

    /* A nested type change flushes on its own: validating an L1 that maps
     * pg writable changes nothing (pg is writable already, l1 was an L1
     * before); an L2 naming pg as its L1 retypes pg, which flushes. */
    take_put(pg, PGT_writable_page);
    take_put(l1, PGT_l1_page_table);
    set_entry(l1, 0, pg, E_WRITABLE);
    assert_int_equal(flushes_for(l1, PGT_l1_page_table), 0);
    set_entry(l2, 0, pg, 0);
    assert_int_equal(flushes_for(l2, PGT_l2_page_table), 1);   /* pg: writable -> L1 */
    assert_int_equal(flushes_for(l2, PGT_l2_page_table), 0);

    /* A refused table was still flushed first (its entries were read);
     * it is typeless afterwards and the next table needs none. */
    take_put(pg, PGT_writable_page);
    set_entry(pg, 0, bad, 0);
    {
        unsigned int before = nr_flushes;

        assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l1_page_table), -EPERM);
        assert_int_equal(nr_flushes, before + 1);
    }
    set_entry(pg, 0, NULL, 0);
    assert_int_equal(flushes_for(pg, PGT_l1_page_table), 0);

    /* A frame in use as another type is refused, unflushed. */
    {
        unsigned int before;

        take_put(pg, PGT_writable_page);
        assert_int_equal(get_page_and_type(pg, &dom_a, PGT_writable_page), 0);
        before = nr_flushes;
        assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l1_page_table), -EINVAL);
        assert_int_equal(pin_page_table(pg, &dom_a, PGT_l1_page_table), -EINVAL);
        put_page_and_type(pg);
        assert_int_equal(nr_flushes, before);
        /* Pinning counts as becoming a table. */
        assert_int_equal(pin_page_table(pg, &dom_a, PGT_l1_page_table), 0);
        assert_int_equal(nr_flushes, before + 1);
        assert_int_equal(unpin_page_table(pg, &dom_a, PGT_l1_page_table), 0);
    }
}

/* Descriptor pages are checked on every first reference, take no
 * references of their own and have nothing to release. */
static void test_desc_page_validation(void **state)
{
    struct page_info *pg = new_frame(&dom_a);
    struct page_info *other = new_frame(&dom_a);
    struct frame_state before[NR_FRAMES];

    entries_of(pg)[2] = E_BAD;
    expect_refused(pg, PGT_seg_desc_page, -EINVAL);
    assert_int_equal(nr_desc_validates, 1);
    assert_int_equal(page_type(pg), PGT_none);

    /* Writable before: flushed even though refused, as the check read
     * the contents. */
    take_put(pg, PGT_writable_page);
    {
        unsigned int flushes = nr_flushes;

        expect_refused(pg, PGT_seg_desc_page, -EINVAL);
        assert_int_equal(nr_flushes, flushes + 1);
    }
    assert_int_equal(nr_desc_validates, 2);

    /* Good contents, one of them naming another frame: nothing else is
     * referenced, and further users are not checked again. */
    entries_of(pg)[2] = 0;
    set_entry(pg, 3, other, E_WRITABLE);
    snapshot(before);
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_seg_desc_page), 0);
    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_seg_desc_page), 0);
    assert_int_equal(nr_desc_validates, 3);
    assert_true(validated(pg));
    assert_counts(pg, 3, PGT_seg_desc_page, 2);
    assert_counts(other, 1, PGT_none, 0);
    expect_busy(pg, PGT_writable_page);
    expect_busy(pg, PGT_l1_page_table);
    put_page_and_type(pg);
    put_page_and_type(pg);
    assert_unchanged(before);
    assert_int_equal(nr_releases, 0);
    assert_int_equal(nr_validates, 0);

    /* Changed while unused: the next first reference checks again. */
    entries_of(pg)[7] = E_BAD;
    expect_refused(pg, PGT_seg_desc_page, -EINVAL);
    entries_of(pg)[7] = 0;
    take_put(pg, PGT_seg_desc_page);
    assert_int_equal(nr_desc_validates, 5);
    assert_int_equal(nr_flushes, 2);     /* the fresh frame's first type; writable -> desc */
}

/* --- pinning --- */

static void test_pin(void **state)
{
    struct page_info *l1 = new_frame(&dom_a);
    struct page_info *l2 = new_frame(&dom_a);
    struct page_info *rw = new_frame(&dom_a);
    struct page_info *foreign = new_frame(&dom_b);
    struct frame_state before[NR_FRAMES];

    set_entry(l1, 0, rw, E_WRITABLE);
    set_entry(l2, 0, l1, 0);

    assert_int_equal(pin_page_table(l1, &dom_a, PGT_l1_page_table), 0);
    assert_true(pinned(l1));
    assert_true(validated(l1));
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    assert_counts(rw, 2, PGT_writable_page, 1);

    /* Pinned twice, at any level, or by another domain: refused as is. */
    snapshot(before);
    assert_int_equal(pin_page_table(l1, &dom_a, PGT_l1_page_table), -EINVAL);
    assert_int_equal(pin_page_table(l1, &dom_a, PGT_l2_page_table), -EINVAL);
    assert_int_equal(pin_page_table(l1, &dom_b, PGT_l1_page_table), -EINVAL);
    assert_int_equal(unpin_page_table(l1, &dom_a, PGT_l2_page_table), -EINVAL);
    assert_int_equal(unpin_page_table(l1, &dom_a, PGT_writable_page), -EINVAL);
    assert_int_equal(unpin_page_table(l1, &dom_b, PGT_l1_page_table), -EINVAL);
    assert_int_equal(unpin_page_table(l1, NULL, PGT_l1_page_table), -EINVAL);
    assert_unchanged(before);

    /* Other users come and go; the pin keeps it validated throughout. */
    assert_int_equal(get_page_and_type(l2, &dom_a, PGT_l2_page_table), 0);
    assert_counts(l1, 3, PGT_l1_page_table, 2);
    put_page_and_type(l2);
    take_put(l1, PGT_l1_page_table);
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    assert_true(validated(l1));
    assert_int_equal(nr_validates, 2);      /* l1 once, l2 once */
    assert_int_equal(nr_releases, 1);       /* l2 only */

    /* Unpin with another user left: the pin goes, the table stays. */
    assert_int_equal(get_page_and_type(l1, &dom_a, PGT_l1_page_table), 0);
    assert_int_equal(unpin_page_table(l1, &dom_a, PGT_l1_page_table), 0);
    assert_false(pinned(l1));
    assert_true(validated(l1));
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    assert_int_equal(unpin_page_table(l1, &dom_a, PGT_l1_page_table), -EINVAL);
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    put_page_and_type(l1);
    assert_counts(rw, 1, PGT_none, 0);

    /* Unpin of the last reference releases the table and its entries. */
    assert_int_equal(pin_page_table(l2, &dom_a, PGT_l2_page_table), 0);
    assert_counts(l1, 2, PGT_l1_page_table, 1);
    assert_counts(rw, 2, PGT_writable_page, 1);
    assert_int_equal(unpin_page_table(l2, &dom_a, PGT_l2_page_table), 0);
    assert_false(pinned(l2));
    assert_false(validated(l2));
    assert_counts(l2, 1, PGT_none, 0);
    assert_counts(l1, 1, PGT_none, 0);
    assert_counts(rw, 1, PGT_none, 0);

    /* Never pinned, or in use without a pin: nothing to unpin. */
    assert_int_equal(unpin_page_table(l2, &dom_a, PGT_l2_page_table), -EINVAL);
    assert_int_equal(get_page_and_type(l2, &dom_a, PGT_l2_page_table), 0);
    assert_int_equal(unpin_page_table(l2, &dom_a, PGT_l2_page_table), -EINVAL);
    put_page_and_type(l2);

    /* A pin whose validation fails leaves no pin and no references. */
    set_entry(l1, 1, foreign, 0);
    snapshot(before);
    assert_int_equal(pin_page_table(l2, &dom_a, PGT_l2_page_table), -EPERM);
    assert_unchanged(before);
    assert_false(pinned(l2));
    assert_int_equal(pin_page_table(l1, &dom_a, PGT_l1_page_table), -EPERM);
    assert_unchanged(before);

    /* Pinned at one level, the frame is busy at every other. */
    set_entry(l1, 1, NULL, 0);
    assert_int_equal(pin_page_table(l1, &dom_a, PGT_l1_page_table), 0);
    expect_busy(l1, PGT_l2_page_table);
    expect_busy(l1, PGT_writable_page);
    assert_int_equal(unpin_page_table(l1, &dom_a, PGT_l1_page_table), 0);
    assert_counts(l1, 1, PGT_none, 0);
    assert_counts(rw, 1, PGT_none, 0);
}

/* --- misuse --- */

static void test_misuse_asserts(void **state)
{
    struct page_info *pg = new_frame(&dom_a);
    struct page_info *unowned = new_frame(NULL);

    /* Each of these fails inside the type lock and leaves by longjmp, so
     * the lock stays taken by this CPU; it is recursive on one CPU, and
     * every test runs on CPU 0, so later tests still take it. */
    expect_assert_failure(put_page_type(pg));
    assert_int_equal(pg->type_info, PGT_writable_page);    /* fresh: unused, as if writable */
    expect_assert_failure(put_page(unowned));
    assert_int_equal(unowned->count_info, 0);
    /* Dropping the owner's allocation reference through put_page. */
    expect_assert_failure(put_page(pg));
    pg->count_info = PGC_allocated | 1;

    /* The frame is still usable after the refused puts. */
    take_put(pg, PGT_l1_page_table);
    assert_int_equal(pg->count_info, PGC_allocated | 1);

    assert_int_equal(get_page_and_type(pg, &dom_a, PGT_l1_page_table), 0);
    put_page_and_type(pg);
    expect_assert_failure(put_page_type(pg));
    assert_int_equal(page_type_count(pg), 0);
}

/* --- randomized run against a shadow model --- */

#define NR_POOL    48             /* frames the run plays with */
#define NR_FOREIGN 4              /* the last few belong to dom_b */
#define MAX_HANDLES 2048
#define NR_STEPS   100000

/* A reference the test holds: type 0 is a general (read-only) one. */
struct handle {
    unsigned int f;
    uint64_t type;
};

static uint64_t rng_state;
static struct page_info *pool[NR_POOL];
static int pool_index[NR_FRAMES];
static struct handle handles[MAX_HANDLES];
static unsigned int nr_handles;
static bool model_pinned[NR_POOL];
static uint64_t model_pin_type[NR_POOL];
static uint64_t exp_refs[NR_POOL], exp_type_refs[NR_POOL], exp_type[NR_POOL];
static bool maybe_writable_tlb[NR_POOL];
/* Outcomes by kind: 0 general, 1-4 table levels, 5 writable, 6 descriptor
 * page, 7 pins. */
static unsigned long nr_ok[8], nr_refused[8];
static unsigned long nr_full_chains;     /* L4 -> L3 -> L2 -> L1 validated */

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static const struct domain *owner_of(unsigned int f)
{
    return f >= NR_POOL - NR_FOREIGN ? &dom_b : &dom_a;
}

/* Uniformly random tables almost never form valid trees more than a level
 * deep, so each frame has a level it is mostly used at (0: data), and its
 * entries mostly name frames of the level below. */
static unsigned int usual_level(unsigned int f)
{
    return f % 5;
}

static unsigned int random_frame_at(unsigned int level)
{
    unsigned int f;

    do
        f = (unsigned int)(rng() % NR_POOL);
    while (usual_level(f) != level);
    return f;
}

static uint64_t random_table_type(unsigned int f)
{
    if (usual_level(f) && rng() % 100 < 80)
        return level_type(usual_level(f));
    return level_type(1 + (unsigned int)(rng() % 4));
}

static bool model_add_type(unsigned int f, uint64_t type)
{
    if (exp_type_refs[f] && exp_type[f] != type)
        return false;
    exp_type[f] = type;
    exp_type_refs[f]++;
    return true;
}

static bool has_bad_entry(const struct page_info *pg)
{
    const uint64_t *t = entries_of(pg);

    for (unsigned int i = 0; i < NR_ENTRIES; i++)
        if (t[i] & E_BAD)
            return true;
    return false;
}

/* Recompute every pool frame's expected counts from the handles, pins and
 * table contents.  False if that state is impossible (a frame needed as
 * two types, a foreign or bad entry in a table or descriptor page in use,
 * a reference on a foreign frame): exactly when the state machine must
 * refuse the last reference added. */
static bool model_recompute(void)
{
    for (unsigned int f = 0; f < NR_POOL; f++) {
        exp_refs[f] = 1;
        exp_type_refs[f] = 0;
        exp_type[f] = PGT_none;
    }
    for (unsigned int h = 0; h < nr_handles; h++) {
        unsigned int f = handles[h].f;

        if (owner_of(f) != &dom_a)
            return false;
        exp_refs[f]++;
        if (handles[h].type && !model_add_type(f, handles[h].type))
            return false;
    }
    for (unsigned int f = 0; f < NR_POOL; f++) {
        if (!model_pinned[f])
            continue;
        if (owner_of(f) != &dom_a)
            return false;
        exp_refs[f]++;
        if (!model_add_type(f, model_pin_type[f]))
            return false;
    }
    /* Descriptor pages are used only through direct references. */
    for (unsigned int f = 0; f < NR_POOL; f++)
        if (exp_type_refs[f] && exp_type[f] == PGT_seg_desc_page && has_bad_entry(pool[f]))
            return false;
    /* Top down: a level's users are all known once the level above it has
     * been expanded. */
    for (unsigned int level = 4; level >= 1; level--) {
        for (unsigned int f = 0; f < NR_POOL; f++) {
            const uint64_t *t = entries_of(pool[f]);

            if (!exp_type_refs[f] || exp_type[f] != level_type(level))
                continue;
            for (unsigned int i = 0; i < NR_ENTRIES; i++) {
                int c;

                if (!t[i])
                    continue;
                if (t[i] & E_BAD)
                    return false;
                c = pool_index[(t[i] & E_MFN_MASK) - 1];
                assert_true(c >= 0);
                if (owner_of((unsigned int)c) != owner_of(f))
                    return false;
                exp_refs[c]++;
                if (level > 1 && !model_add_type((unsigned int)c, level_type(level - 1)))
                    return false;
                if (level == 1 && (t[i] & E_WRITABLE) &&
                    !model_add_type((unsigned int)c, PGT_writable_page))
                    return false;
            }
        }
    }
    return true;
}

static void stress_flushed(void)
{
    memset(maybe_writable_tlb, 0, sizeof(maybe_writable_tlb));
}

/* The state the model allows must be exactly what frame_table holds; and a
 * frame that was writable at some point since the last flush must not be
 * a table or descriptor page now. */
static void stress_check(void)
{
    assert_true(model_recompute());
    for (unsigned int f = 0; f < NR_POOL; f++) {
        const struct page_info *pg = pool[f];
        uint64_t t = page_type(pg);

        assert_int_equal(page_ref_count(pg), exp_refs[f]);
        assert_int_equal(page_type_count(pg), exp_type_refs[f]);
        assert_int_equal(pinned(pg), model_pinned[f]);
        assert_int_equal(pg->count_info & ~PGC_count_mask, PGC_allocated);
        assert_true(pg->owner == owner_of(f));
        if (!exp_type_refs[f]) {
            if (is_page_table_type(t))
                assert_false(validated(pg));
            continue;
        }
        assert_int_equal(t, exp_type[f]);
        assert_true(validated(pg));
        if (t == PGT_writable_page)
            maybe_writable_tlb[f] = true;
        else
            assert_false(maybe_writable_tlb[f]);
    }
}

static unsigned int kind_of(uint64_t type)
{
    return type == PGT_writable_page ? 5 : type == PGT_seg_desc_page ? 6 : type_level(type);
}

/* Does this level-n table reach, through non-empty entries, an L1 that
 * maps something? */
static bool reaches_leaf(const struct page_info *pg, unsigned int level)
{
    const uint64_t *t = entries_of(pg);

    for (unsigned int i = 0; i < NR_ENTRIES; i++)
        if (t[i] && (level == 1 || reaches_leaf(entry_target(t[i]), level - 1)))
            return true;
    return false;
}

static void stress_get(unsigned int f, uint64_t type)
{
    bool expect;
    int rc;

    assert_true(nr_handles < MAX_HANDLES);
    handles[nr_handles++] = (struct handle){ f, type };
    expect = model_recompute();
    if (type)
        rc = get_page_and_type(pool[f], &dom_a, type);
    else
        rc = get_page(pool[f], &dom_a) ? 0 : -EPERM;
    assert_int_equal(rc == 0, expect);
    if (rc) {
        assert_true(rc == -EPERM || rc == -EINVAL || rc == -EINVAL);
        nr_handles--;
        nr_refused[kind_of(type)]++;
    } else {
        nr_ok[kind_of(type)]++;
        if (type == PGT_l4_page_table && reaches_leaf(pool[f], 4))
            nr_full_chains++;
    }
}

static void stress_drop(unsigned int h)
{
    struct handle hd = handles[h];

    handles[h] = handles[--nr_handles];
    if (hd.type)
        put_page_and_type(pool[hd.f]);
    else
        put_page(pool[hd.f]);
}

/* A guest may write a frame's entries unless it is in use as a table or
 * descriptor page (it cannot then be mapped writable). */
static void stress_write(unsigned int f)
{
    struct page_info *pg = pool[f];
    uint64_t *t = entries_of(pg);

    if (page_type_count(pg) && page_type(pg) != PGT_writable_page)
        return;
    for (unsigned int i = 0; i < NR_ENTRIES; i++) {
        unsigned int r = (unsigned int)(rng() % 100);
        unsigned int c = (unsigned int)(rng() % NR_POOL);

        if (usual_level(f) && rng() % 100 < 85)
            c = random_frame_at(usual_level(f) - 1);
        if (r < 55)
            t[i] = 0;
        else if (r < 56)
            t[i] = E_BAD;
        else
            t[i] = entry(pool[c], r < 70 ? E_WRITABLE : 0);
    }
}

static void stress_pin(unsigned int f, uint64_t type)
{
    bool expect;
    int rc;

    if (owner_of(f) == &dom_a && model_pinned[f]) {
        assert_int_equal(pin_page_table(pool[f], &dom_a, type), -EINVAL);
        return;
    }
    model_pinned[f] = true;
    model_pin_type[f] = type;
    expect = model_recompute();
    rc = pin_page_table(pool[f], &dom_a, type);
    assert_int_equal(rc == 0, expect);
    if (rc)
        model_pinned[f] = false;
    else
        nr_ok[7]++;
}

static void stress_unpin(unsigned int f, uint64_t type)
{
    bool expect = owner_of(f) == &dom_a && model_pinned[f] && model_pin_type[f] == type;

    assert_int_equal(unpin_page_table(pool[f], &dom_a, type), expect ? 0 : -EINVAL);
    if (expect)
        model_pinned[f] = false;
}

static void test_random_stress(void **state)
{
    rng_state = 0x2545f4914f6cdd1dULL;
    memset(pool_index, -1, sizeof(pool_index));
    for (unsigned int f = 0; f < NR_POOL; f++) {
        pool[f] = new_frame(f >= NR_POOL - NR_FOREIGN ? &dom_b : &dom_a);
        pool_index[mfn_x(page_to_mfn(pool[f]))] = (int)f;
        model_pinned[f] = false;
    }
    nr_handles = 0;
    nr_full_chains = 0;
    memset(nr_ok, 0, sizeof(nr_ok));
    memset(nr_refused, 0, sizeof(nr_refused));
    stress_flushed();
    stress_running = true;

    for (unsigned int step = 0; step < NR_STEPS; step++) {
        unsigned int r = (unsigned int)(rng() % 100);
        unsigned int f = (unsigned int)(rng() % NR_POOL);
        uint64_t level = random_table_type(f);

        unsigned int data = rng() % 100 < 80 ? random_frame_at(0) : f;

        /* Drop more often as references pile up, or every frame ends up
         * stuck in some type for good. */
        if (nr_handles + 1 >= MAX_HANDLES || (nr_handles && r >= 78) ||
            (nr_handles > 32 && rng() % 2))
            stress_drop((unsigned int)(rng() % nr_handles));
        else if (r < 12)
            stress_get(data, PGT_writable_page);
        else if (r < 20)
            stress_get(data, 0);
        else if (r < 23)
            stress_get(data, PGT_seg_desc_page);
        else if (r < 43)
            stress_write(f);
        else if (r < 63)
            stress_get(f, level);
        else if (r < 70)
            stress_pin(f, level);
        else if (r < 78)
            stress_unpin(f, model_pinned[f] && rng() % 4 ? model_pin_type[f] : level);
        stress_check();
    }

    while (nr_handles)
        stress_drop(nr_handles - 1);
    for (unsigned int f = 0; f < NR_POOL; f++)
        if (model_pinned[f])
            stress_unpin(f, model_pin_type[f]);
    stress_check();
    stress_running = false;
    for (unsigned int f = 0; f < NR_POOL; f++)
        assert_counts(pool[f], 1, PGT_none, 0);

    /* The run must have exercised both outcomes at every level. */
    for (unsigned int k = 1; k <= 6; k++) {
        assert_true(nr_ok[k] > 20);
        assert_true(nr_refused[k] > 20);
    }
    assert_true(nr_ok[7] > 20);
    assert_true(nr_full_chains > 20);
}

/* A frame its owner gives up while another mapping holds it stays until
 * that reference goes, takes no new one meanwhile, and is handed back
 * exactly once, by the last put_page. */
static void test_given_up_while_mapped(void **state)
{
    struct page_info *alone = new_frame(&dom_a), *mapped = new_frame(&dom_a);
    struct page_info *read_only = new_frame(&dom_a);

    (void)state;
    assert_true(page_drop_allocation(alone));        /* nothing else held it */
    assert_int_equal(alone->count_info, 0);
    assert_int_equal(nr_released, 0);                 /* the caller frees it */

    assert_int_equal(get_page_and_type(mapped, &dom_a, PGT_writable_page), 0);
    assert_false(page_drop_allocation(mapped));
    assert_false(page_drop_allocation(mapped));       /* once only */
    assert_counts(mapped, 1, PGT_writable_page, 1);
    assert_false(get_page(mapped, &dom_a));           /* given up: no new user */
    assert_int_equal(get_page_and_type(mapped, &dom_a, PGT_writable_page), -EINVAL);
    assert_int_equal(nr_released, 0);
    put_page_and_type(mapped);
    assert_int_equal(nr_released, 1);
    assert_ptr_equal(last_released, mapped);

    /* The same with a general reference alone (a read-only mapping). */
    assert_true(get_page(read_only, &dom_a));
    assert_false(page_drop_allocation(read_only));
    put_page(read_only);
    assert_int_equal(nr_released, 2);
    assert_ptr_equal(last_released, read_only);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_get_page_owner_only),
        T(test_ref_overflow),
        T(test_type_exclusive),
        T(test_counting),
        T(test_validation_takes_refs),
        T(test_validation_failure_clean),
        T(test_release_recursive),
        T(test_deep_chains),
        T(test_preempted_validation),
        T(test_partial_state),
        T(test_abandoned_validation_dropped),
        T(test_failed_validation_released_in_steps),
        T(test_preempted_release),
        T(test_flush_deferred),
        T(test_lock_per_domain),
        T(test_self_reference),
        T(test_shared_l1),
        T(test_flush_on_type_change),
        T(test_desc_page_validation),
        T(test_pin),
        T(test_random_stress),
        T(test_given_up_while_mapped),
        T(test_misuse_asserts),     /* last: it leaves the type lock taken */
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
