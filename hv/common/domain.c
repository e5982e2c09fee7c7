/* Domain and vCPU life cycle. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/domain_ids.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>
#include <proxen/sched.h>
#include <proxen/wallclock.h>
#include <proxen/xmalloc.h>
#include <public/sched.h>
#include <public/xen.h>

/* Locking: domlist_lock guards the list of domains.  It is taken with
 * interrupts off: debug keys walk the list from the timer interrupt. */
static DEFINE_SPINLOCK_RANKED(domlist_lock, LOCK_DOMLIST);

static unsigned long list_lock(void)
{
    return spin_lock_irqsave(&domlist_lock);
}

static void list_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&domlist_lock, flags);
}
static LIST_HEAD(domlist);
static struct domid_table domids;       /* the listed domains by id */
/* Destroyed domains whose teardown is not over, linked by domain_list:
 * only the destroy op looks here (get_dying_domain_by_id), so that a
 * continued destroy finds its domain and nothing else does. */
static LIST_HEAD(dying_list);

/* Under domlist_lock: d becomes findable, or stops being. */
static void list_insert_locked(struct domain *d)
{
    ASSERT(spin_is_locked_by_me(&domlist_lock));
    list_add_tail(&d->domain_list, &domlist);
    domid_table_insert(&domids, d);
    d->id_taken = true;
}

static void list_remove_locked(struct domain *d)
{
    ASSERT(spin_is_locked_by_me(&domlist_lock));
    list_del(&d->domain_list);
    domid_table_remove(&domids, d);
}

static const char *const state_names[] = {
    [DOMAIN_BUILDING] = "building", [DOMAIN_RUNNING] = "running",
    [DOMAIN_SHUTDOWN] = "shut down", [DOMAIN_CRASHED] = "crashed",
};

static const char *const shutdown_names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

/* Where a new vCPU's run queue is: the initial domain's vCPU n on CPU n;
 * other domains' vCPUs dealt out over the CPUs in turn, so that they do
 * not all share one. */
static unsigned int place_vcpu(const struct domain *d, unsigned int i)
{
    static _Atomic unsigned int next;

    if (d->domain_id == 0)
        return i % arch_nr_cpus_online();
    return atomic_fetch_add(&next, 1) % arch_nr_cpus_online();
}

struct domain *domain_create(domid_t id, const char *name, bool privileged)
{
    unsigned long flags;
    struct domain *d = xzalloc_obj(struct domain);
    struct vcpu *v = xzalloc_obj(struct vcpu);

    if (!d || !v) {
        xfree(d);
        xfree(v);
        return NULL;
    }
    d->domain_id = id;
    atomic_store(&d->refcnt, 1);            /* the domain list's */
    strlcpy(d->name, name, sizeof(d->name));
    d->state = DOMAIN_BUILDING;
    d->is_privileged = privileged;
    spin_lock_init_ranked(&d->page_lock, LOCK_DOMAIN_PAGES);
    page_types_init(&d->page_types, privileged);
    list_init(&d->page_list);
    list_init(&d->teardown.frames);
    if (evtchn_domain_init(d)) {
        xfree(d);
        xfree(v);
        return NULL;
    }
    d->max_vcpus = 1;
    d->vcpu[0] = v;
    v->domain = d;
    v->vcpu_id = 0;
    v->processor = place_vcpu(d, 0);
    v->context = VCPU_CONTEXT_READY;
    arch_vcpu_init(v);
    runstate_init(v);
    periodic_timer_init(v);
    if (sched_add_vcpu(v)) {
        evtchn_domain_destroy(d);
        xfree(d);
        xfree(v);
        return NULL;
    }
    /* A guest domain joins the list once its id is chosen (below). */
    list_init(&d->domain_list);
    if (id != DOMID_INVALID) {
        flags = list_lock();
        list_insert_locked(d);
        list_unlock(flags);
    }
    return d;
}

/* Under domlist_lock: the listed domain with this id. */
static struct domain *find_locked(domid_t id)
{
    return domid_table_find(&domids, id);
}

struct domain *get_domain_by_id(domid_t id)
{
    unsigned long flags;
    struct domain *d;

    flags = list_lock();
    d = find_locked(id);
    if (d)
        atomic_fetch_add(&d->refcnt, 1);
    list_unlock(flags);
    return d;
}

/* A frame back to the heap.  Its time of release is kept: whoever is
 * given it next waits for every TLB to have been flushed since
 * (domain_alloc_extent), so no stale translation of its last use reaches
 * it. */
static void free_domain_frame(struct page_info *pg)
{
    pg->owner = NULL;
    pg->type_info = 0;
    pg->tlbflush_timestamp = arch_tlbflush_clock();
    free_pages(pg, 0);
}

/* A frame given up while still mapped or pinned keeps its owner (whose
 * type lock guards its counts), and holds a reference to the domain until
 * its last user lets go. */
void page_released(struct domain *owner, struct page_info *pg)
{
    free_domain_frame(pg);
    put_domain(owner);
}

/* d gives pg up, page_lock held: off its list and its count at once; the
 * frame goes back to the heap now, or when the last mapping of it goes. */
static void give_up_frame(struct domain *d, struct page_info *pg)
{
    ASSERT(spin_is_locked_by_me(&d->page_lock));
    list_del(&pg->list);
    d->page_list_gen++;
    d->tot_pages--;
    atomic_fetch_add(&d->refcnt, 1);        /* the frame's hold, in case */
    if (!page_drop_allocation(pg))
        return;
    free_domain_frame(pg);
    ASSERT(atomic_load(&d->refcnt) > 1);    /* the caller holds one */
    atomic_fetch_sub(&d->refcnt, 1);
}

int domain_give_up_frame(struct domain *d, struct page_info *pg)
{
    int rc = -EINVAL;

    spin_lock(&d->page_lock);
    /* Not a page the hypervisor shares with d (shared_info, grant-table
     * frames): those are not d's memory to give. */
    if (pg->owner == d && (pg->count_info & PGC_allocated) &&
        !(pg->count_info & PGC_xen_heap)) {
        give_up_frame(d, pg);
        rc = 0;
    }
    spin_unlock(&d->page_lock);
    return rc;
}

/* GNTTABOP_transfer (grant_transfer.c): d lets frame pg go to the
 * hypervisor, which gives it to another domain.  Only memory of d's that
 * nothing else holds: allocated, no reference but the allocation's (no
 * mapping, pin or table use), no type in use, not a page the hypervisor
 * shares with d: 0, or -EINVAL.  The frame then belongs to no one and is
 * on no list, its contents kept; domain_take_frame gives it to its new
 * owner, domain_drop_frame back to the heap. */
int domain_steal_frame(struct domain *d, struct page_info *pg)
{
    int rc = -EINVAL;

    spin_lock(&d->page_lock);
    page_types_lock(d);
    if (pg->owner == d && (pg->count_info & PGC_allocated) && page_ref_count(pg) == 1 &&
        !page_type_count(pg) && !(pg->count_info & PGC_xen_heap) &&
        !mfn_eq(page_to_mfn(pg), d->shared_info_mfn)) {
        pg->count_info &= ~(PGC_allocated | PGC_count_mask);
        pg->owner = NULL;
        pg->type_info = 0;
        list_del(&pg->list);
        d->page_list_gen++;
        d->tot_pages--;
        rc = 0;
    }
    page_types_unlock(d);
    spin_unlock(&d->page_lock);
    return rc;
}

/* Room for one frame more in e, taken before the frame comes (0, or
 * -ENOMEM: e is full or being destroyed); then the stolen frame joins e
 * in it (0, or -ENOMEM with the room given back when e began its
 * teardown meanwhile: the frame stays the caller's), or the room is
 * given back. */
int domain_reserve_frame(struct domain *e)
{
    int rc = -ENOMEM;

    spin_lock(&e->page_lock);
    if (!e->dying && e->tot_pages < e->max_pages) {
        e->tot_pages++;
        rc = 0;
    }
    spin_unlock(&e->page_lock);
    return rc;
}

int domain_take_frame(struct domain *e, struct page_info *pg)
{
    int rc = -ENOMEM;

    spin_lock(&e->page_lock);
    if (!e->dying) {
        page_set_owner_allocated(pg, e);
        list_add_tail(&pg->list, &e->page_list);
        rc = 0;
    } else {
        e->tot_pages--;
    }
    spin_unlock(&e->page_lock);
    return rc;
}

void domain_unreserve_frame(struct domain *e)
{
    spin_lock(&e->page_lock);
    e->tot_pages--;
    spin_unlock(&e->page_lock);
}

void domain_drop_frame(struct page_info *pg)
{
    free_domain_frame(pg);
}

/* A frame of a destroyed domain (its vCPUs' tables and its pins were
 * dropped first, so nothing of its own holds it), on page_list or the
 * teardown's list: back to the heap, or left to whoever still maps it. */
void domain_give_up_frame_locked(struct domain *d, struct page_info *pg)
{
    give_up_frame(d, pg);
}

/* A guest maps its shared_info page (start_info.shared_info), but only
 * ever as data: the hypervisor writes it, so a type reference that is
 * never dropped keeps it from becoming a page table or descriptor page.
 * It is on no page list and counts in no reservation; no other domain
 * maps it (pt_validate.c) and no one can give it back, so once the
 * domain's own tables are gone (teardown) only these two hold it. */
static void share_shared_info(struct domain *d)
{
    struct page_info *pg = mfn_to_page(d->shared_info_mfn);

    page_set_owner_allocated(pg, d);
    pg->type_info = PGT_writable_page | PGT_validated | 1;
}

static void unshare_shared_info(struct domain *d)
{
    struct page_info *pg = mfn_to_page(d->shared_info_mfn);

    if (pg->owner != d)
        return;
    ASSERT(page_ref_count(pg) == 1 && page_type_count(pg) == 1);
    pg->count_info &= ~(PGC_allocated | PGC_count_mask);
    pg->type_info = 0;
    pg->owner = NULL;
}

/* The last reference: nothing can reach the domain any more. */
static void domain_free(struct domain *d)
{
    ASSERT(list_empty(&d->page_list) && list_empty(&d->teardown.frames) && !d->tot_pages);
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        /* Paused and synced by domain_destroy: no CPU runs it or holds
         * its state; no timer callback may still be running with it. */
        ASSERT(!atomic_load(&v->is_running));
        if (v->singleshot_timer.fn)
            kill_timer(&v->singleshot_timer);
        if (v->evtchn.poll_timer.fn)
            kill_timer(&v->evtchn.poll_timer);
        kill_timer(&v->periodic.timer);
        sched_remove_vcpu(v);
        xfree(v);
    }
    grant_table_free(d);
    if (d->shared_info) {
        unshare_shared_info(d);
        free_xenheap_page(d->shared_info);
    }
    arch_domain_free(d);
    if (d->domain_id < DOMID_FIRST_RESERVED && d->id_taken)
        domid_table_release(&domids, d->domain_id);     /* only now reusable */
    xfree(d);
}

void put_domain(struct domain *d)
{
    if (atomic_fetch_sub(&d->refcnt, 1) == 1)
        domain_free(d);
}

/* The lowest id no listed domain has (0 is the initial domain's). */
static domid_t free_id_locked(void)
{
    return domid_table_lowest_free(&domids, 1);
}

int domain_create_guest(const char *name, unsigned int max_vcpus, uint64_t max_pages,
                        unsigned int max_grant_frames, unsigned int max_maptrack_frames,
                        struct domain **out)
{
    unsigned long flags;
    struct shared_info *s = alloc_xenheap_page();
    struct domain *d = s ? domain_create(DOMID_INVALID, name, false) : NULL;
    domid_t id;

    if (!d) {
        if (s)
            free_xenheap_page(s);
        return -ENOMEM;
    }
    d->shared_info = s;
    d->shared_info_mfn = _mfn(arch_virt_to_maddr(s) >> PAGE_SHIFT);
    share_shared_info(d);
    d->max_pages = max_pages;
    if (grant_table_create(d, max_grant_frames, max_maptrack_frames)) {
        domain_destroy(d);
        return -ENOMEM;
    }
    atomic_store(&d->controller_pause_count, 1);    /* until unpaused: started */
    atomic_store(&d->pause_count, 1);
    if (domain_add_vcpus(d, max_vcpus)) {
        domain_destroy(d);
        return -ENOMEM;
    }
    for (unsigned int i = 0; i < max_vcpus; i++) {
        s->vcpu_info[i].evtchn_upcall_mask = 1;
        d->vcpu[i]->vcpu_info = &s->vcpu_info[i];
    }
    /* Every vCPU waits for the context its builder gives it. */
    d->vcpu[0]->context = VCPU_CONTEXT_NONE;
    domain_wallclock_update(d);
    flags = list_lock();
    id = free_id_locked();
    if (id != DOMID_INVALID) {
        d->domain_id = id;
        list_insert_locked(d);                      /* built: now visible */
    }
    list_unlock(flags);
    if (id == DOMID_INVALID) {
        domain_destroy(d);
        return -ENOSPC;
    }
    *out = d;
    return 0;
}

/* The initial domain hears of another domain's end (VIRQ_DOM_EXC, as on
 * Xen: a shutdown, a crash, the end of its teardown). */
static void tell_dom0(const struct domain *d)
{
    struct domain *dom0;

    if (d->domain_id == 0 || !(dom0 = get_domain_by_id(0)))
        return;
    send_guest_global_virq(dom0, VIRQ_DOM_EXC);
    put_domain(dom0);
}

/* Off the list first (no new references; onto the dying list, where
 * only the destroy op looks), then the teardown's steps
 * (domain_teardown.c), then the list's reference; the rest goes when the
 * last holder lets go.  dying is set first, under the list's lock: what
 * adds frames, pins or tables to a domain checks it under the lock the
 * teardown takes for that (page_lock, the type lock). */
static void teardown_begin(struct domain *d)
{
    unsigned long flags = list_lock();

    if (!d->dying) {
        d->dying = true;
        if (d->domain_id != DOMID_INVALID) {   /* listed (creation may have failed before) */
            list_remove_locked(d);
            list_add_tail(&d->domain_list, &dying_list);
        }
    }
    list_unlock(flags);
}

/* The last step done, by the CPU that did it (busy still claimed): off
 * the dying list, dom0 told, the list's reference dropped (the caller
 * holds one, or it was the last: then nothing may touch d after). */
static void teardown_finish(struct domain *d)
{
    unsigned long flags = list_lock();

    if (d->domain_id != DOMID_INVALID)
        list_del(&d->domain_list);
    d->teardown.finished = true;
    list_unlock(flags);
    tell_dom0(d);
    atomic_store(&d->teardown.busy, false);
    put_domain(d);
}

int domain_destroy_preemptible(struct domain *d)
{
    int rc;

    teardown_begin(d);
    if (atomic_exchange(&d->teardown.busy, true))
        return -ERESTART;               /* another CPU is running a step */
    if (d->teardown.finished) {
        atomic_store(&d->teardown.busy, false);
        return 0;
    }
    rc = domain_teardown_steps(d, true);
    if (rc) {
        atomic_store(&d->teardown.busy, false);
        return rc;
    }
    teardown_finish(d);
    return 0;
}

/* The hypervisor's own callers (a creation that failed) hold the only
 * reference, and no one else can find the domain: every step at once. */
void domain_destroy(struct domain *d)
{
    bool was_busy;

    teardown_begin(d);
    was_busy = atomic_exchange(&d->teardown.busy, true);
    ASSERT(!was_busy);
    if (d->teardown.finished) {
        atomic_store(&d->teardown.busy, false);
        return;
    }
    (void)domain_teardown_steps(d, false);
    teardown_finish(d);
}

struct domain *get_dying_domain_by_id(domid_t id)
{
    unsigned long flags = list_lock();
    struct list_head *pos;
    struct domain *found = NULL;

    list_for_each(pos, &dying_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);

        if (d->domain_id == id) {
            atomic_fetch_add(&d->refcnt, 1);
            found = d;
            break;
        }
    }
    list_unlock(flags);
    return found;
}

void domain_set_name(struct domain *d, const char *name)
{
    unsigned long flags = list_lock();

    strlcpy(d->name, name, sizeof(d->name));
    list_unlock(flags);
}

void domain_set_max_pages(struct domain *d, uint64_t max_pages)
{
    spin_lock(&d->page_lock);
    d->max_pages = max_pages;
    spin_unlock(&d->page_lock);
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    unsigned long flags;
    struct list_head *pos;

    flags = list_lock();
    list_for_each(pos, &domlist)
        fn(list_entry(pos, struct domain, domain_list), arg);
    list_unlock(flags);
}

int domain_add_vcpus(struct domain *d, unsigned int n)
{
    ASSERT(n >= 1 && n <= MAX_VIRT_CPUS);
    for (unsigned int i = d->max_vcpus; i < n; i++) {
        struct vcpu *v = xzalloc_obj(struct vcpu);

        if (!v)
            return -ENOMEM;
        v->domain = d;
        v->vcpu_id = i;
        v->processor = place_vcpu(d, i);
        arch_vcpu_init(v);
        runstate_init(v);
        periodic_timer_init(v);
        if (sched_add_vcpu(v)) {
            xfree(v);
            return -ENOMEM;
        }
        d->vcpu[i] = v;
        d->max_vcpus = i + 1;
    }
    return 0;
}

void domains_dump(void)
{
    unsigned long flags;
    struct list_head *pos;

    printk("Domains:\n");
    flags = list_lock();
    list_for_each(pos, &domlist) {
        struct domain *d = list_entry(pos, struct domain, domain_list);

        printk("  d%u \"%s\" %s%s, %llu/%llu pages, vm_assist %#llx\n", d->domain_id,
               d->name, state_names[d->state], d->is_privileged ? ", privileged" : "",
               (unsigned long long)d->tot_pages, (unsigned long long)d->max_pages,
               (unsigned long long)d->vm_assist);
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];

            if (!v)
                continue;
            printk("    vcpu%u on CPU%u%s%s%s, upcall pending %u mask %u\n", v->vcpu_id,
                   v->processor, atomic_load(&v->is_running) ? ", running" : "",
                   atomic_load(&v->up) ? "" : ", down",
                   atomic_load(&v->blocked) ? ", blocked" : "",
                   v->vcpu_info ? v->vcpu_info->evtchn_upcall_pending : 0,
                   v->vcpu_info ? v->vcpu_info->evtchn_upcall_mask : 0);
            arch_dump_vcpu(v);
            send_guest_vcpu_virq(v, VIRQ_DEBUG);    /* as Xen: "dump yourself" */
        }
        evtchn_dump(d);
    }
    list_unlock(flags);
}

/* 2^order contiguous frames for d, zeroed, within its max_pages: the
 * first, or NULL (past the limit, no such block free, or d dying).  A
 * frame some TLB may still translate for its last user (no flush since
 * it was freed) is not handed over before every TLB is flushed. */
struct page_info *domain_alloc_extent(struct domain *d, unsigned int order)
{
    uint64_t n = 1ULL << order;
    struct page_info *pg = alloc_pages(order);
    bool stale = false;

    if (!pg)
        return NULL;
    for (uint64_t i = 0; i < n; i++) {
        stale |= pg[i].tlbflush_timestamp == arch_tlbflush_clock();
        memset(arch_maddr_to_virt(mfn_to_maddr(page_to_mfn(pg + i))), 0, PAGE_SIZE);
    }
    if (stale)
        arch_page_type_flush_tlbs();
    spin_lock(&d->page_lock);
    if (d->dying || d->tot_pages + n > d->max_pages) {
        spin_unlock(&d->page_lock);
        free_pages(pg, order);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++) {
        page_set_owner_allocated(pg + i, d);
        list_add_tail(&pg[i].list, &d->page_list);
    }
    d->tot_pages += n;
    spin_unlock(&d->page_lock);
    return pg;
}

/* Frames allocated (and zeroed: 4 KiB each) between two preemption
 * checks. */
#define POPULATE_PER_CHECK 8

/* *nr more zeroed frames for a domain being built, within its limit:
 * 0, -ENOMEM past max_pages or when the heap runs out (what was given
 * stays given; teardown returns it), -ERESTART with *nr left. */
int domain_populate(struct domain *d, uint64_t *nr)
{
    if (d->is_privileged || *nr > d->max_pages - MIN(d->tot_pages, d->max_pages))
        return -ENOMEM;
    for (uint64_t done = 0; *nr; done++) {
        if (done && done % POPULATE_PER_CHECK == 0 && hypercall_preempt_check())
            return -ERESTART;
        if (!domain_alloc_extent(d, 0))
            return -ENOMEM;
        (*nr)--;
    }
    return 0;
}

/* Under page_lock: the list entry at index start, walking from where the
 * last walk stopped when that is still valid and not past start, at most
 * MEMLIST_SEEK entries; NULL when the walk stopped short (*at says where)
 * or the list ended (*end). */
static struct list_head *memlist_seek(struct domain *d, uint64_t start, uint64_t *at, bool *end)
{
    struct memlist_cursor *c = &d->memlist;
    struct list_head *pos = d->page_list.next;
    uint64_t i = 0, walked = 0;

    if (c->pos && c->gen == d->page_list_gen && c->index <= start) {
        pos = c->pos;
        i = c->index;
    }
    while (pos != &d->page_list && i < start && walked++ < MEMLIST_SEEK) {
        pos = pos->next;
        i++;
    }
    *at = i;
    *end = pos == &d->page_list;
    if (*end || i < start) {
        c->pos = *end ? NULL : pos;
        c->index = i;
        c->gen = d->page_list_gen;
        return NULL;
    }
    return pos;
}

/* Frames [start, start + max) of d's list, in order, into mfns: how many
 * (fewer when the seek stopped short or the list ended: *end).  One pass
 * over the list for a caller asking chunk after chunk: the walk resumes
 * where the last one stopped. */
uint64_t domain_memlist(struct domain *d, uint64_t start, uint64_t *mfns, uint64_t max,
                        bool *end)
{
    struct memlist_cursor *c = &d->memlist;
    struct list_head *pos;
    uint64_t at, n = 0;

    spin_lock(&d->page_lock);
    pos = memlist_seek(d, start, &at, end);
    if (pos) {
        while (pos != &d->page_list && n < max) {
            mfns[n++] = mfn_x(page_to_mfn(list_entry(pos, struct page_info, list)));
            pos = pos->next;
        }
        *end = pos == &d->page_list;
        c->pos = *end ? NULL : pos;
        c->index = start + n;
        c->gen = d->page_list_gen;
    }
    spin_unlock(&d->page_lock);
    return n;
}

/* nr frames for d, each owned with its allocation reference; out[i]
 * receives frame i.  A domain needs no contiguity, but taking blocks of
 * up to 2 MiB from the buddy allocator (smaller when the heap is
 * fragmented) keeps building a large domain quick. */
#define DOMAIN_ALLOC_ORDER 9

int domain_alloc_pages(struct domain *d, uint64_t nr, struct page_info **out)
{
    uint64_t done = 0;

    while (done < nr) {
        unsigned int order = DOMAIN_ALLOC_ORDER;
        struct page_info *pg;

        while ((1ULL << order) > nr - done)
            order--;
        while (!(pg = alloc_pages(order)) && order)
            order--;
        if (!pg)
            return -ENOMEM;             /* the caller destroys d */
        spin_lock(&d->page_lock);
        for (uint64_t i = 0; i < (1ULL << order); i++) {
            page_set_owner_allocated(pg + i, d);
            list_add_tail(&pg[i].list, &d->page_list);
            out[done++] = pg + i;
        }
        d->tot_pages += 1ULL << order;
        spin_unlock(&d->page_lock);
    }
    d->max_pages = d->tot_pages;
    return 0;
}

/* The initial domain's end is the machine's: its reason becomes the exit
 * status (poweroff 0, reboot 1, suspend 2, crash 3). */
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu)
{
    if (v->singleshot_timer.fn)
        migrate_timer(&v->singleshot_timer, cpu);
    if (v->evtchn.poll_timer.fn)
        migrate_timer(&v->evtchn.poll_timer, cpu);
    migrate_timer(&v->periodic.timer, cpu);
}

/* d's state changed: each vCPU's runnability with it. */
static void update_vcpus(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            sched_vcpu_update(d->vcpu[i]);
}

void domain_pause(struct domain *d)
{
    atomic_fetch_add(&d->pause_count, 1);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep_sync(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    int was = atomic_fetch_sub(&d->pause_count, 1);

    ASSERT(was > 0);
    if (was == 1)
        update_vcpus(d);
}

/* Xen's domain_pause_by_systemcontroller: counted, so that two pauses
 * need two unpauses. */
int domain_pause_by_controller(struct domain *d)
{
    int old = atomic_load(&d->controller_pause_count);

    do {
        if (old == INT32_MAX)
            return -EOVERFLOW;
    } while (!atomic_compare_exchange_weak(&d->controller_pause_count, &old, old + 1));
    domain_pause(d);
    return 0;
}

/* A domain is created paused by its controller; the first time the count
 * drops to 0 its building is over and it starts. */
int domain_unpause_by_controller(struct domain *d)
{
    int old = atomic_load(&d->controller_pause_count);

    do {
        if (old <= 0)
            return -EINVAL;
    } while (!atomic_compare_exchange_weak(&d->controller_pause_count, &old, old - 1));
    if (old == 1 && d->state == DOMAIN_BUILDING)
        d->state = DOMAIN_RUNNING;
    domain_unpause(d);
    return 0;
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    update_vcpus(d);
    printk("Domain %u (%s) shut down: %s\n", d->domain_id, d->name,
           reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
    if (d->domain_id == 0) {
        preempt_report();
        machine_poweroff(reason);
    }
    tell_dom0(d);
}

void domain_crash(struct domain *d, const char *why)
{
    pr_err("Domain %u (%s) crashed: %s\n", d->domain_id, d->name, why);
    arch_dump_guest_state(d->vcpu[0]);
    d->state = DOMAIN_CRASHED;
    d->shutdown_reason = SHUTDOWN_crash;
    update_vcpus(d);
    if (d->domain_id == 0)
        machine_poweroff(SHUTDOWN_crash);
    tell_dom0(d);
}
