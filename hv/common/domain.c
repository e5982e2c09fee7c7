/* Domain and vCPU life cycle. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/hypercall.h>
#include <proxen/page_type.h>
#include <proxen/xmalloc.h>
#include <public/sched.h>
#include <public/xen.h>

/* Locking: domlist_lock guards the list of domains. */
static DEFINE_SPINLOCK_RANKED(domlist_lock, LOCK_DOMLIST);
static LIST_HEAD(domlist);

static const char *const state_names[] = {
    [DOMAIN_BUILDING] = "building", [DOMAIN_RUNNING] = "running",
    [DOMAIN_SHUTDOWN] = "shut down", [DOMAIN_CRASHED] = "crashed",
};

static const char *const shutdown_names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

struct domain *domain_create(domid_t id, const char *name, bool privileged)
{
    struct domain *d = xzalloc_obj(struct domain);
    struct vcpu *v = xzalloc_obj(struct vcpu);

    if (!d || !v) {
        xfree(d);
        xfree(v);
        return NULL;
    }
    d->domain_id = id;
    strlcpy(d->name, name, sizeof(d->name));
    d->state = DOMAIN_BUILDING;
    d->is_privileged = privileged;
    spin_lock_init_ranked(&d->page_lock, LOCK_DOMAIN_PAGES);
    page_types_init(&d->page_types);
    list_init(&d->page_list);
    if (evtchn_domain_init(d)) {
        xfree(d);
        xfree(v);
        return NULL;
    }
    d->max_vcpus = 1;
    d->vcpu[0] = v;
    v->domain = d;
    v->vcpu_id = 0;
    v->processor = 0;
    v->context = VCPU_CONTEXT_READY;
    arch_vcpu_init(v);
    runstate_init(v);
    periodic_timer_init(v);
    spin_lock(&domlist_lock);
    list_add_tail(&d->domain_list, &domlist);
    spin_unlock(&domlist_lock);
    return d;
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *found = NULL;
    struct list_head *pos;

    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist) {
        struct domain *d = list_entry(pos, struct domain, domain_list);

        if (d->domain_id == id) {
            found = d;
            break;
        }
    }
    spin_unlock(&domlist_lock);
    return found;
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    struct list_head *pos;

    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist)
        fn(list_entry(pos, struct domain, domain_list), arg);
    spin_unlock(&domlist_lock);
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
        v->processor = i;
        arch_vcpu_init(v);
        runstate_init(v);
    periodic_timer_init(v);
        d->vcpu[i] = v;
        d->max_vcpus = i + 1;
    }
    return 0;
}

void domains_dump(void)
{
    struct list_head *pos;

    printk("Domains:\n");
    spin_lock(&domlist_lock);
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
            printk("    vcpu%u on CPU%u%s, upcall pending %u mask %u\n", v->vcpu_id,
                   v->processor, v->blocked ? ", blocked" : "",
                   v->vcpu_info ? v->vcpu_info->evtchn_upcall_pending : 0,
                   v->vcpu_info ? v->vcpu_info->evtchn_upcall_mask : 0);
            arch_dump_vcpu(v);
            send_guest_vcpu_virq(v, VIRQ_DEBUG);    /* as Xen: "dump yourself" */
        }
        evtchn_dump(d);
    }
    spin_unlock(&domlist_lock);
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
void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    printk("Domain %u (%s) shut down: %s\n", d->domain_id, d->name,
           reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
    if (d->domain_id == 0) {
        preempt_report();
        machine_poweroff(reason);
    }
}

void domain_crash(struct domain *d, const char *why)
{
    pr_err("Domain %u (%s) crashed: %s\n", d->domain_id, d->name, why);
    arch_dump_guest_state(d->vcpu[0]);
    d->state = DOMAIN_CRASHED;
    d->shutdown_reason = SHUTDOWN_crash;
    if (d->domain_id == 0)
        machine_poweroff(SHUTDOWN_crash);
}
