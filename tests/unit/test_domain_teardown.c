/* A domain's teardown in bounded steps (hv/common/domain.c,
 * domain_teardown.c) with the real page types, heap, grant tables and
 * grant mappings on the fake arch: a domain with many frames, a pinned
 * tree, a validation left half-way, grant mappings both ways (it maps
 * another's grants; another maps its grants), torn down with preemption
 * due at every check and continued; every step bounded, every count back
 * to where it was, VIRQ_DOM_EXC once at the end; a second destroyer
 * meanwhile; the frame list's walk (domain_memlist) resuming where it
 * stopped.
 *
 * The fake page tables are those of test_page_type: a table is a frame
 * of NR_ENTRIES entries naming frames as mfn + 1; a level 2 table takes
 * level 1 typed references, a level 1 table writable ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <arch/grant_map.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>
#include <proxen/sched.h>
#include <proxen/timer.h>
#include <proxen/wallclock.h>
#include <public/xen.h>
#include "fake_arch.h"
#include "fake_heap.h"

#define FRAMES       4096
#define GUEST_PAGES  1024
#define NR_ENTRIES   8
#define TREE_L1S     NR_ENTRIES
#define DEV_MAPS     200            /* g's device mappings of h's grants */
#define G_GRANT_FRAMES 256          /* g's table, grown to its limit */
#define VA           0x400000ULL

/* --- fakes of what a domain's life touches beyond these files ---------- */

static unsigned int dom_exc_sent, evtchn_destroyed, vcpus_released;
static struct vcpu *current;

struct vcpu *current_vcpu(void) { return current; }
int evtchn_domain_init(struct domain *d) { (void)d; return 0; }
void evtchn_domain_destroy(struct domain *d) { (void)d; evtchn_destroyed++; }
int evtchn_domain_teardown(struct domain *d, uint64_t *cursor, bool preemptible)
{
    (void)d, (void)cursor, (void)preemptible;
    evtchn_destroyed++;
    return 0;
}
void evtchn_dump(struct domain *d) { (void)d; }
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq) { (void)v, (void)virq; }

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    assert_int_equal(d->domain_id, 0);
    assert_int_equal(virq, VIRQ_DOM_EXC);
    dom_exc_sent++;
}

void arch_vcpu_init(struct vcpu *v) { (void)v; }
void runstate_init(struct vcpu *v) { (void)v; }
void periodic_timer_init(struct vcpu *v) { (void)v; }
int sched_add_vcpu(struct vcpu *v) { (void)v; return 0; }
void sched_remove_vcpu(struct vcpu *v) { (void)v; }
void sched_vcpu_update(struct vcpu *v) { (void)v; }
void vcpu_sleep_sync(struct vcpu *v) { (void)v; }
void kill_timer(struct timer *t) { (void)t; }
void migrate_timer(struct timer *t, unsigned int cpu) { (void)t, (void)cpu; }
void domain_wallclock_update(struct domain *d) { (void)d; }
void preempt_report(void) {}
void arch_dump_guest_state(struct vcpu *v) { (void)v; }
void arch_dump_vcpu(struct vcpu *v) { (void)v; }
void arch_domain_free(struct domain *d) { (void)d; }

/* The vCPUs' own tables are x86's (pv/teardown.c): here the step stops
 * once when preemptible, as a long release would. */
int arch_domain_relinquish(struct domain *d, bool preemptible)
{
    if (preemptible && d->teardown.cursor == 0) {
        d->teardown.cursor = 1;
        return -ERESTART;
    }
    vcpus_released++;
    return 0;
}

/* Guest memory: tests/unit/fake/fake_guest_memory.c. */

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6])
{
    (void)nargs, (void)args;
    return op;
}

/* --- the fake page tables ------------------------------------------------- */

static uint64_t entry_work;         /* entries taken or dropped */

static uint64_t *entries_of(const struct page_info *pg)
{
    return arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
}

static uint64_t level_type(unsigned int level) { return (uint64_t)level << 60; }
static struct page_info *target(uint64_t e) { return mfn_to_page(_mfn(e - 1)); }

unsigned int arch_pt_entries(uint64_t type) { (void)type; return NR_ENTRIES; }

int arch_pt_get_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    uint64_t e = entries_of(pg)[i];

    entry_work++;
    if (!e)
        return 0;
    if (type == level_type(2))
        return get_page_and_type(target(e), pg->owner, level_type(1));
    return get_page_and_type(target(e), pg->owner, PGT_writable_page);
}

int arch_pt_put_entry(struct page_info *pg, uint64_t type, unsigned int i)
{
    uint64_t e = entries_of(pg)[i];

    entry_work++;
    if (!e)
        return 0;
    if (type == level_type(2))
        return put_page_and_type_preemptible(target(e));
    put_page_and_type(target(e));
    return 0;
}

void arch_pt_validated(struct page_info *pg, uint64_t type) { (void)pg, (void)type; }
int arch_desc_page_validate(struct page_info *pg) { (void)pg; return 0; }
void arch_owe_release(struct page_info *pg) { (void)pg; fail(); }
static uint32_t tlbflush_clock;
uint32_t arch_tlbflush_clock(void) { return tlbflush_clock; }
void arch_page_type_flush_tlbs(void) { tlbflush_clock++; }

/* --- preemption ------------------------------------------------------------ */

/* Every check says "stop" while preempt_all; between two checks the work
 * done (table entries, frames back to the heap) is measured, and
 * on_check runs as another CPU would meanwhile. */
static bool preempt_all;
static unsigned int checks;
static uint64_t longest_work, last_entry_work, last_free;
static void (*on_check)(void);

static uint64_t free_frames(void)
{
    struct heap_stats st;

    page_alloc_stats(&st);
    return st.free_frames;
}

static void work_mark(void)
{
    last_entry_work = entry_work;
    last_free = free_frames();
}

static void work_account(void)
{
    uint64_t f = free_frames();
    uint64_t work = entry_work - last_entry_work + (f > last_free ? f - last_free : last_free - f);

    if (work > longest_work)
        longest_work = work;
    work_mark();
}

bool hypercall_preempt_check(void)
{
    checks++;
    work_account();
    if (on_check)
        on_check();
    return preempt_all;
}

/* --- building the domains --------------------------------------------------- */

static struct page_info *table;
static struct domain *dom0, *g, *h;
static struct vcpu *v0;

static struct domain *guest_of(const char *name, unsigned int grant_frames)
{
    struct domain *d;

    assert_int_equal(domain_create_guest(name, 2, GUEST_PAGES, grant_frames, 1, &d), 0);
    assert_int_equal(domain_populate(d, &(uint64_t){ GUEST_PAGES }), 0);
    return d;
}

static struct domain *guest(const char *name) { return guest_of(name, 4); }

/* d's frames, in its list's order. */
static struct page_info *frame_of(struct domain *d, uint64_t i)
{
    uint64_t mfn;
    bool end;

    assert_int_equal(domain_memlist(d, i, &mfn, 1, &end), 1);
    return mfn_to_page(_mfn(mfn));
}

/* A two-level tree of d's frames from first on: the L2, TREE_L1S L1s,
 * each mapping NR_ENTRIES data frames writable. */
static struct page_info *tree(struct domain *d, uint64_t first)
{
    struct page_info *l2 = frame_of(d, first);
    uint64_t data = first + 1 + TREE_L1S;

    for (unsigned int i = 0; i < TREE_L1S; i++) {
        struct page_info *l1 = frame_of(d, first + 1 + i);

        entries_of(l2)[i] = mfn_x(page_to_mfn(l1)) + 1;
        for (unsigned int e = 0; e < NR_ENTRIES; e++)
            entries_of(l1)[e] = mfn_x(page_to_mfn(frame_of(d, data++))) + 1;
    }
    return l2;
}

/* d's grant ref granting its frame pg to domain to. */
static void grant(struct domain *d, grant_ref_t ref, domid_t to, struct page_info *pg)
{
    struct grant_entry_v1 *e = (struct grant_entry_v1 *)d->grant_table->shared[0] + ref;

    *e = (struct grant_entry_v1){ GTF_permit_access, to, (uint32_t)mfn_x(page_to_mfn(pg)) };
}

static struct gnttab_map_grant_ref map(struct domain *ld, struct domain *rd, grant_ref_t ref,
                                       uint64_t addr, uint32_t flags)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
                                       .dom = rd->domain_id };

    grant_map_one(ld, &op);
    assert_int_equal(op.status, GNTST_okay);
    return op;
}

static void unmap(struct domain *ld, const struct gnttab_map_grant_ref *m)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = m->host_addr, .handle = m->handle,
                                         .dev_bus_addr = m->dev_bus_addr };
    struct grant_unmap_token tok;

    grant_unmap_one(ld, &op, &tok);
    assert_int_equal(op.status, GNTST_okay);
    arch_grant_flush_tlbs(ld);
    grant_unmap_complete(ld, &tok);
}

/* g as the brief has it: memory, a pinned tree, a second tree whose
 * validation stopped half-way, DEV_MAPS + 1 mappings of h's grants, and
 * one of its grants mapped by h (*held). */
static void build_g(struct gnttab_map_grant_ref *held)
{
    struct page_info *pinned = tree(g, 0), *partial = tree(g, 200);

    int rc;

    assert_int_equal(pin_page_table(pinned, g, level_type(2)), 0);
    preempt_all = true;
    do {
        page_types_lock(g);
        page_types_allow_preemption(g);
        rc = pin_page_table(partial, g, level_type(2));
    } while (page_types_unlock(g) && rc == -ERESTART);
    preempt_all = false;
    assert_int_equal(rc, -ERESTART);
    assert_true(partial->type_info & PGT_partial);
    for (unsigned int i = 0; i < 8; i++)
        grant(h, 8 + i, g->domain_id, frame_of(h, i));
    (void)map(g, h, 8, VA, GNTMAP_host_map);
    for (unsigned int i = 0; i < DEV_MAPS; i++)
        (void)map(g, h, 8 + i % 8, 0, GNTMAP_device_map);
    grant(g, 9, h->domain_id, frame_of(g, 500));
    grant(g, 10, h->domain_id, frame_of(g, 501));
    *held = map(h, g, 9, VA + 0x1000, GNTMAP_host_map);
}

/* g's table grown to its limit by dom0's setup_table, as a toolstack
 * would (a big table's relinquish takes many steps). */
static void grow_table(struct domain *d, unsigned int nr)
{
    static uint64_t frames[G_GRANT_FRAMES];
    struct gnttab_setup_table s = { .dom = d->domain_id, .nr_frames = nr,
                                    .frame_list = (uint64_t)(uintptr_t)frames };
    uint64_t a[6] = { GNTTABOP_setup_table, (uint64_t)(uintptr_t)&s, 1 };

    assert_int_equal(do_grant_table_op(a), 0);
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(d->grant_table->nr_frames, nr);
}

/* Between two steps of d's teardown: once its table's relinquish has
 * begun no entry can be pinned (by h, which holds d as a copy that found
 * it before it died would: a grant d gave it is refused), and the page of
 * active entries h's held pin is on stays. */
static void between_steps(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    struct grant_pinned p;

    if (!gt->relinquish_started)
        return;
    assert_int_equal(gnttab_pin(d, 10, h->domain_id, GRANT_USE_HOST_RO, false, &p),
                     GNTST_bad_gntref);
    assert_non_null(gt->active[0]);
}

/* --- the tests ------------------------------------------------------------- */

/* One machine for the group: domain.c's lists and xmalloc's slabs live
 * across tests. */
static int group_setup(void **state)
{
    (void)state;
    table = fake_heap_init(FRAMES);
    fake_set_cpu(0);
    fake_grant_reset();
    dom0 = domain_create(0, "dom0", true);
    assert_non_null(dom0);
    v0 = dom0->vcpu[0];
    current = v0;
    h = guest("h");
    return 0;
}

static void destroy_all_at_once(struct domain *d)
{
    atomic_fetch_add(&d->refcnt, 1);
    domain_destroy(d);
    put_domain(d);
}

static int group_teardown(void **state)
{
    (void)state;
    destroy_all_at_once(h);
    free(table);
    fake_mem_free();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    g = NULL;
    dom_exc_sent = evtchn_destroyed = vcpus_released = checks = 0;
    preempt_all = false;
    on_check = NULL;
    longest_work = 0;
    return 0;
}

/* With preemption due at every check: many steps, each bounded; g off
 * the list at once and found only among the dying until it is over. */
static int destroy_in_steps(struct domain *d, unsigned int *steps)
{
    domid_t id = d->domain_id;
    int rc;

    *steps = 0;
    work_mark();
    do {
        struct domain *found = *steps ? get_dying_domain_by_id(id) : get_domain_by_id(id);

        assert_ptr_equal(found, d);
        rc = domain_destroy_preemptible(found);
        if (rc == -ERESTART) {
            assert_null(get_domain_by_id(id));
            assert_int_equal(dom_exc_sent, 0);
        }
        between_steps(found);
        put_domain(found);
        work_account();
        (*steps)++;
    } while (rc == -ERESTART && *steps < 100000);
    return rc;
}

/* One g built and torn down in steps; *before: free frames before g was
 * made (its round's baseline). */
static void teardown_round(bool count)
{
    struct gnttab_map_grant_ref held;
    uint64_t before = free_frames(), during;
    unsigned int steps;
    domid_t gid;
    struct domain *next;

    g = guest_of("g", G_GRANT_FRAMES);
    gid = g->domain_id;
    dom_exc_sent = evtchn_destroyed = vcpus_released = 0;
    longest_work = 0;
    grow_table(g, G_GRANT_FRAMES);
    build_g(&held);
    preempt_all = true;
    assert_int_equal(destroy_in_steps(g, &steps), 0);
    preempt_all = false;
    assert_true(steps > GUEST_PAGES / 64 + G_GRANT_FRAMES / GNTTAB_RELINQUISH_STEP);
    assert_true(longest_work <= 2 * 64);
    assert_int_equal(dom_exc_sent, 1);
    assert_int_equal(evtchn_destroyed, 1);
    assert_int_equal(vcpus_released, 1);
    assert_null(get_dying_domain_by_id(gid));
    assert_null(get_domain_by_id(gid));
    /* h's mapping holds a frame of g's, and g with it: its id too. */
    during = free_frames();
    if (count)
        assert_true(during < before && during > before - 16);
    assert_int_equal(domain_create_guest("next", 1, 1, 4, 1, &next), 0);
    assert_int_not_equal(next->domain_id, gid);
    destroy_all_at_once(next);
    unmap(h, &held);
    g = NULL;
    if (count)
        assert_int_equal(free_frames(), before);
}

/* The first round lets the allocators settle (h's handles, xmalloc's
 * slabs); the second is counted. */
static void test_teardown_in_steps(void **state)
{
    (void)state;
    teardown_round(false);
    teardown_round(true);
}

/* Another CPU's destroy of g while this one runs a step: it is
 * continued (-ERESTART) and touches nothing; once the teardown is over, a
 * caller that still holds g gets 0 and drops no reference of the list's
 * a second time. */
static unsigned int other_restarts;

static void other_cpu_destroys(void)
{
    struct domain *d;

    fake_set_cpu(1);
    d = get_dying_domain_by_id(g->domain_id);
    assert_ptr_equal(d, g);
    assert_int_equal(domain_destroy_preemptible(d), -ERESTART);
    other_restarts++;
    put_domain(d);
    fake_set_cpu(0);
}

static void test_two_destroyers(void **state)
{
    struct gnttab_map_grant_ref held;
    unsigned int steps;
    struct domain *late;
    unsigned int refs;

    (void)state;
    g = guest("g");
    build_g(&held);
    late = get_domain_by_id(g->domain_id);
    on_check = other_cpu_destroys;
    other_restarts = 0;
    preempt_all = true;
    assert_int_equal(destroy_in_steps(g, &steps), 0);
    preempt_all = false;
    on_check = NULL;
    assert_true(other_restarts >= steps / 2);
    assert_int_equal(dom_exc_sent, 1);
    /* h's mapping and the late caller hold g. */
    refs = atomic_load(&late->refcnt);
    assert_int_equal(domain_destroy_preemptible(late), 0);
    assert_int_equal(atomic_load(&late->refcnt), refs);
    assert_int_equal(dom_exc_sent, 1);
    put_domain(late);
    unmap(h, &held);
    g = NULL;
}

/* domain_memlist from start, called again while its walk stops short:
 * how many calls it took. */
static unsigned int memlist_at(uint64_t start, uint64_t *out, uint64_t n)
{
    unsigned int calls = 0;
    bool end = false;
    uint64_t got = 0;

    while (!got && !end && calls < 100) {
        got = domain_memlist(g, start, out, n, &end);
        calls++;
    }
    assert_int_equal(got, n);
    return calls;
}

/* The frame list's walk, in chunks: each chunk resumes where the last
 * ended (one call each); a start before that, or a frame leaving the
 * list meanwhile, walks again from the list's head, at most MEMLIST_SEEK
 * entries a call (0 frames, not the end, until it gets there). */
static void test_memlist_walk(void **state)
{
    static uint64_t all[GUEST_PAGES], got[GUEST_PAGES];
    uint64_t n = 0, k;
    bool end = false;

    (void)state;
    g = guest("g");
    while (!end) {
        k = domain_memlist(g, n, all + n, 100, &end);
        assert_true(k == 100 || end);
        n += k;
    }
    assert_int_equal(n, GUEST_PAGES);
    for (uint64_t i = 1; i < n; i++)
        assert_int_not_equal(all[i], all[i - 1]);
    /* Backwards: from the head again, the same frames. */
    assert_int_equal(memlist_at(10, got, 5), 1);
    assert_memory_equal(got, all + 10, 5 * sizeof(uint64_t));
    assert_int_equal(memlist_at(3, got, 5), 1);
    assert_memory_equal(got, all + 3, 5 * sizeof(uint64_t));
    /* Forwards, far: in bounded walks, then on from there. */
    assert_int_equal(memlist_at(600, got, 5), 2);
    assert_memory_equal(got, all + 600, 5 * sizeof(uint64_t));
    assert_int_equal(memlist_at(605, got, 5), 1);
    assert_memory_equal(got, all + 605, 5 * sizeof(uint64_t));
    /* A frame leaves the list: later frames move up by one, found from
     * the head again. */
    assert_int_equal(domain_give_up_frame(g, mfn_to_page(_mfn(all[2]))), 0);
    assert_int_equal(memlist_at(610, got, 5), 2);
    assert_memory_equal(got, all + 611, 5 * sizeof(uint64_t));
    assert_int_equal(domain_memlist(g, GUEST_PAGES - 1, got, 5, &end), 0);
    assert_true(end);
    destroy_all_at_once(g);
    g = NULL;
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_teardown_in_steps, setup),
    cmocka_unit_test_setup(test_two_destroyers, setup),
    cmocka_unit_test_setup(test_memlist_walk, setup),
};

int main(void)
{
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
