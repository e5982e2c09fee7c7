/* A destroyed domain's teardown as a sequence of bounded steps (as Xen's
 * domain_relinquish_resources), so that destroying a large domain never
 * holds a CPU for long: its progress is kept in d->teardown, and a
 * preemptible caller (the control interface's destroydomain) stops when
 * preemption is due and is continued later, resuming where it stopped.
 *
 * The order is the one a domain's holds on itself need: paused for good,
 * its event channels closed (no peer is left linked to it), the grant
 * mappings it holds taken out (they hold its tables), its vCPUs' tables
 * (arch) and its pins dropped (its frames then hold nothing of its own),
 * its
 * grant table's frames unshared, then every frame given back (those
 * another domain still maps go when unmapped).
 *
 * One CPU at a time runs the steps (domain.c claims d->teardown.busy), so
 * nothing here races with itself; the domain never runs again and is on
 * no list but the dying one, so nothing adds frames, pins or mappings to
 * it meanwhile (each of those checks d->dying under the lock taken
 * here). */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>

enum teardown_stage {
    TEARDOWN_PAUSE,
    TEARDOWN_EVENTS,
    TEARDOWN_GRANT_MAPS,
    TEARDOWN_VCPUS,             /* arch: the vCPUs' tables */
    TEARDOWN_PINS,
    TEARDOWN_GRANT_TABLE,
    TEARDOWN_MEMORY,
    TEARDOWN_DONE,
};

/* Frames given back, or whose pins are looked at, between two
 * preemption checks: each is a list move, a type-lock round and a buddy
 * merge. */
#define FRAMES_PER_CHECK 64

/* The table whose release stopped half-way, carried on. */
static int finish_releasing(struct domain *d, bool preemptible)
{
    struct domain_teardown *td = &d->teardown;
    int rc;

    if (!td->releasing)
        return 0;
    page_types_lock(d);
    if (preemptible)
        page_types_allow_preemption(d);
    rc = put_page_and_type_preemptible(td->releasing);
    if (!rc)
        td->releasing = NULL;
    (void)page_types_unlock(d);
    return rc;
}

/* One frame's pin, if any, dropped, and a validation left half-way (a
 * pin or vCPU context stopped by preemption and never continued) undone;
 * a release that stopped is left in d->teardown.releasing.  Under the
 * type lock, where a builder's pin checks that d is not dying. */
static int unpin_one(struct domain *d, struct page_info *pg, bool preemptible)
{
    int rc;

    page_types_lock(d);
    if (preemptible)
        page_types_allow_preemption(d);
    rc = unpin_page_table(pg, d, page_type(pg));
    if (rc != -ERESTART && page_type_abandon_partial(pg, d))
        rc = put_page_and_type_preemptible(pg);
    if (rc == -ERESTART)
        d->teardown.releasing = pg;
    (void)page_types_unlock(d);
    return rc == -ERESTART ? rc : 0;
}

/* The page tables d (or the domain that built it) pinned: every frame on
 * page_list, first to last, moved to d->teardown.frames (so the walk
 * never loses its place), then its pin dropped.  Afterwards only other
 * domains' mappings hold its frames. */
static int drop_pins(struct domain *d, bool preemptible)
{
    unsigned int n = 0;
    int rc = finish_releasing(d, preemptible);

    if (rc)
        return rc;
    spin_lock(&d->page_lock);
    while (!rc && !list_empty(&d->page_list)) {
        struct page_info *pg = list_first_entry(&d->page_list, struct page_info, list);

        if (preemptible && ++n % FRAMES_PER_CHECK == 0 && hypercall_preempt_check()) {
            rc = -ERESTART;
            break;
        }
        list_del(&pg->list);
        d->page_list_gen++;
        list_add_tail(&pg->list, &d->teardown.frames);
        rc = unpin_one(d, pg, preemptible);
    }
    spin_unlock(&d->page_lock);
    return rc;
}

static int give_back_memory(struct domain *d, bool preemptible)
{
    struct list_head *lists[2] = { &d->teardown.frames, &d->page_list };
    unsigned int n = 0;
    int rc = 0;

    spin_lock(&d->page_lock);
    for (unsigned int l = 0; l < 2 && !rc; l++)
        while (!list_empty(lists[l])) {
            if (preemptible && ++n % FRAMES_PER_CHECK == 0 && hypercall_preempt_check()) {
                rc = -ERESTART;
                break;
            }
            domain_give_up_frame_locked(d, list_first_entry(lists[l], struct page_info, list));
        }
    spin_unlock(&d->page_lock);
    return rc;
}

static int run_stage(struct domain *d, unsigned int stage, bool preemptible)
{
    switch (stage) {
    case TEARDOWN_PAUSE:
        domain_pause(d);                /* for good: none of its vCPUs runs again */
        return 0;
    case TEARDOWN_EVENTS:
        return evtchn_domain_teardown(d, &d->teardown.cursor, preemptible);
    case TEARDOWN_GRANT_MAPS:
        return grant_map_domain_teardown(d, &d->teardown.cursor, preemptible);
    case TEARDOWN_VCPUS:
        return arch_domain_relinquish(d, preemptible);
    case TEARDOWN_PINS:
        return drop_pins(d, preemptible);
    case TEARDOWN_GRANT_TABLE:
        return grant_table_relinquish(d, preemptible);
    case TEARDOWN_MEMORY:
        return give_back_memory(d, preemptible);
    }
    return 0;
}

/* A privileged domain's memory is the machine's: only its vCPUs and
 * event channels are stopped. */
static bool stage_applies(const struct domain *d, unsigned int stage)
{
    return stage < TEARDOWN_GRANT_MAPS || !d->is_privileged;
}

int domain_teardown_steps(struct domain *d, bool preemptible)
{
    struct domain_teardown *td = &d->teardown;

    ASSERT(d->dying && atomic_load(&td->busy));
    while (td->stage < TEARDOWN_DONE) {
        int rc = stage_applies(d, td->stage) ? run_stage(d, td->stage, preemptible) : 0;

        if (rc)
            return rc;
        td->stage++;
        td->cursor = 0;
        if (preemptible && td->stage < TEARDOWN_DONE && hypercall_preempt_check())
            return -ERESTART;
    }
    return 0;
}
