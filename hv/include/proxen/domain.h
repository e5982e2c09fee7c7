/* Domains and virtual CPUs.
 *
 * Locking: d->page_lock guards the page list and counters, d->page_types
 * the frames' types and counts; a vCPU's register state belongs to the
 * physical CPU running it, or to the scheduler while it does not run
 * (sched.h: whether it may run is a set of atomic flags, and who changes
 * one tells the scheduler). */
#ifndef PROXEN_DOMAIN_H
#define PROXEN_DOMAIN_H

#include <stdatomic.h>
#include <asm/domain.h>
#include <proxen/event.h>
#include <proxen/list.h>
#include <proxen/page_alloc.h>
#include <proxen/page_type.h>
#include <proxen/periodic_timer.h>
#include <proxen/runstate.h>
#include <proxen/spinlock.h>
#include <proxen/timer.h>

#define MAX_VIRT_CPUS 32          /* vcpu_info slots in shared_info */
#define DOMAIN_NAME_MAX 32

typedef uint16_t domid_t;

enum domain_state {
    DOMAIN_BUILDING,
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,              /* shut down by itself, with a reason */
    DOMAIN_CRASHED,               /* broke the ABI; stopped by the hypervisor */
};

#define VCPU_CONTEXT_NONE    0
#define VCPU_CONTEXT_LOADING 1
#define VCPU_CONTEXT_READY   2

struct shared_info;
struct vcpu_info;
struct multicall_entry;
struct grant_table;

#define CONSOLE_LINE_MAX 128

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    unsigned int processor;       /* the CPU whose run queue it is on */
    _Atomic bool blocked;         /* in SCHEDOP_block or poll */
    _Atomic bool is_running;      /* its state is loaded on its CPU */
    _Atomic int pause_count;      /* vcpu_pause */
    _Atomic int migrating;        /* moving to another CPU (sched_core.c) */
    _Atomic uint64_t affinity;    /* the CPUs it may run on (bit n: CPU n) */
    struct vcpu_info *vcpu_info;  /* in the domain's shared_info page, or
                                   * where the guest moved it (vcpu_info.c) */
    _Atomic int vcpu_info_state;  /* VCPU_INFO_* (vcpu_info.h) */
    mfn_t vcpu_info_mfn;          /* the frame it was moved to, referenced */
    struct timer singleshot_timer;
    struct evtchn_vcpu evtchn;    /* VIRQ bindings, SCHEDOP_poll state */
    _Atomic int context;          /* VCPU_CONTEXT_*: given by VCPUOP_initialise
                                   * (vCPU 0: by the builder), once */
    _Atomic bool up;              /* runnable: VCPUOP_up, not VCPUOP_down */
    struct vcpu_runstate runstate;  /* runstate.h */
    struct vcpu_periodic periodic;  /* periodic_timer.h */
    void *sched_priv;             /* the scheduling policy's (sched.h) */
    struct multicall_entry *mc_call;  /* the multicall entry being run, if any */
    bool mc_preempted;            /* ... and it asked to be continued */
    /* An unprivileged domain's console_io output, held until its line
     * ends (console_io.c); only the vCPU itself touches it. */
    char console_line[CONSOLE_LINE_MAX];
    unsigned int console_line_len;
    struct arch_vcpu arch;
};

/* A destroyed domain's teardown, carried out in bounded steps
 * (domain_teardown.c); one CPU at a time runs a step (busy). */
struct domain_teardown {
    _Atomic bool busy;            /* a CPU is running one of its steps */
    bool finished;                /* every step done, the list's reference dropped */
    unsigned int stage;           /* the step it is at (domain_teardown.c) */
    uint64_t cursor;              /* where in that step */
    struct page_info *releasing;  /* a table whose release stopped half-way,
                                   * its references the teardown's */
    struct list_head frames;      /* frames whose pins were dropped, to be
                                   * given back (moved from page_list) */
};

/* Where the last getmemlist walk stopped (domain_memlist): the list
 * entry at index, valid while page_list_gen is gen (frames only join at
 * the tail; any leaving moves the generation on). */
struct memlist_cursor {
    struct list_head *pos;
    uint64_t index;
    uint64_t gen;
};

struct domain {
    /* First, so that page_type.c finds it without knowing the rest
     * (domain_page_types in page_type.h); the lock over the types and
     * counts of the domain's frames. */
    struct page_types page_types;
    struct list_head domain_list;       /* all domains, under domlist_lock */
    struct domain *hash_next;           /* its id's bucket (domain_ids.h) */
    bool id_taken;                      /* its id is the table's until it is freed */
    _Atomic unsigned int refcnt;        /* the list's, and get_domain_by_id's */
    bool dying;                         /* destroyed: off the list (on the
                                         * dying list until torn down) */
    domid_t domain_id;
    char name[DOMAIN_NAME_MAX];
    enum domain_state state;
    unsigned int shutdown_reason;
    _Atomic int pause_count;            /* domain_pause: none of its vCPUs runs */
    _Atomic int controller_pause_count; /* the toolstack's pauses (control.c) */
    bool is_privileged;

    spinlock_t page_lock;
    struct list_head page_list;   /* frames allocated to the domain */
    uint64_t page_list_gen;       /* moves on whenever a frame leaves page_list */
    struct memlist_cursor memlist;    /* under page_lock */
    struct domain_teardown teardown;
    uint64_t tot_pages;
    uint64_t max_pages;

    struct evtchn_domain evtchn;  /* ports (event.h) */
    struct grant_table *grant_table;  /* grant_table.h; NULL only while created */
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    uint64_t vm_assist;           /* VMASST_* bits enabled */

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];
    struct arch_domain arch;
};

_Static_assert(offsetof(struct domain, page_types) == 0, "domain_page_types() relies on it");

/* The vCPU running on this physical CPU, NULL in the idle loop. */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

/* A domain with one vCPU, on the list (id DOMID_INVALID: not listed;
 * domain_create_guest lists it once its id is chosen). */
struct domain *domain_create(domid_t id, const char *name, bool privileged);
/* Give d vCPUs 1..n-1 (down, uninitialised); vCPU i runs on CPU i. */
int domain_add_vcpus(struct domain *d, unsigned int n);

/* A listed domain, with a reference the caller drops with put_domain;
 * NULL for none.  A destroyed domain's memory lasts until the last
 * reference goes. */
struct domain *get_domain_by_id(domid_t id);
void put_domain(struct domain *d);

/* A new unprivileged domain with the lowest free id, paused (BUILDING),
 * with max_vcpus vCPUs, a shared_info page and a grant table of those
 * limits (within grant_table.h's) but no memory yet: 0 and *out, or
 * -ENOMEM / -ENOSPC (ids exhausted). */
int domain_create_guest(const char *name, unsigned int max_vcpus, uint64_t max_pages,
                        unsigned int max_grant_frames, unsigned int max_maptrack_frames,
                        struct domain **out);
/* Building a created domain: *nr more zeroed frames, *nr counting down
 * as they are given (0; -ENOMEM past its max_pages, nothing given, or at
 * the heap's end; -ERESTART when preemption is due: call again with
 * what is left).  Its frame numbers, from the start'th on, at most max
 * (how many), walking at most MEMLIST_SEEK entries more than it
 * collects: *end when the list ended, else fewer than max (even 0) means
 * call again from start + the number returned. */
int domain_populate(struct domain *d, uint64_t *nr);
#define MEMLIST_SEEK 512
/* 2^order contiguous zeroed frames more for d, within its max_pages (the
 * first), or NULL: none free, over the limit, or d is being destroyed. */
struct page_info *domain_alloc_extent(struct domain *d, unsigned int order);
/* d gives frame pg up (it must own it, allocated: else -EINVAL): it
 * leaves d's list and count, and goes back to the heap once nothing maps
 * it any more. */
int domain_give_up_frame(struct domain *d, struct page_info *pg);
/* GNTTABOP_transfer: d gives up frame pg, which nothing else holds, for
 * another domain (0, or -EINVAL); e makes room for it within its limit
 * (0, or -ENOMEM) and takes it (0, or -ENOMEM once dying: the room is
 * given back), or gives the room back; a frame no one takes goes back to
 * the heap. */
int domain_steal_frame(struct domain *d, struct page_info *pg);
int domain_reserve_frame(struct domain *e);
int domain_take_frame(struct domain *e, struct page_info *pg);
void domain_unreserve_frame(struct domain *e);
void domain_drop_frame(struct page_info *pg);
uint64_t domain_memlist(struct domain *d, uint64_t start, uint64_t *mfns, uint64_t max,
                        bool *end);

/* Rename d (under the list's lock: getdomaininfo never sees half a
 * name); set its memory limit (under its page lock). */
void domain_set_name(struct domain *d, const char *name);
void domain_set_max_pages(struct domain *d, uint64_t max_pages);

/* Take d off the list and tear it down (its event channels first, so no
 * peer is left linked to it); idempotent.  domain_destroy does it all at
 * once (the hypervisor's own callers: a creation that failed);
 * domain_destroy_preemptible in bounded steps: 0 once torn down,
 * -ERESTART when preemption is due or another CPU is running a step
 * (call again: the domain stays on the dying list, found by
 * get_dying_domain_by_id, until its teardown is over). */
void domain_destroy(struct domain *d);
int domain_destroy_preemptible(struct domain *d);
struct domain *get_dying_domain_by_id(domid_t id);
/* The steps themselves (domain_teardown.c), run by the CPU that claimed
 * d->teardown.busy: 0 when all are done, -ERESTART (preemptible only)
 * when preemption is due.  A frame the teardown gives back, page_lock
 * held (domain.c). */
int domain_teardown_steps(struct domain *d, bool preemptible);
void domain_give_up_frame_locked(struct domain *d, struct page_info *pg);

/* Print every domain and its vCPUs (debug key 'q'). */
void domains_dump(void);
/* fn(d, arg) for every domain, under the domain list's lock. */
void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg);
int domain_alloc_pages(struct domain *d, uint64_t nr, struct page_info **out);

/* Stop every vCPU of d and wait until none runs (not for the caller's
 * own domain; interrupts on), and let them run again: counted, so that
 * every pause needs its unpause. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* The toolstack's pause and unpause (counted apart from the others):
 * 0, -EOVERFLOW, or -EINVAL for an unpause with no pause to undo.  A
 * created domain starts paused; its first unpause starts it. */
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);

/* The guest asked to stop (SCHEDOP_shutdown) or broke the ABI. */
void domain_shutdown(struct domain *d, unsigned int reason);
void domain_crash(struct domain *d, const char *why);

/* Arch parts (x86: pv/domain.c, pv/vcpu_context.c). */
void arch_vcpu_init(struct vcpu *v);
/* A destroyed domain's vCPUs' hold on its frames: their page tables,
 * descriptor tables and vcpu_info frames (pv/teardown.c; its pins are
 * common code's, domain_teardown.c).  Progress in d->teardown.cursor: 0
 * when done, -ERESTART when preemptible and preemption is due (call
 * again). */
int arch_domain_relinquish(struct domain *d, bool preemptible);
/* The domain's last reference went (pv/teardown.c). */
void arch_domain_free(struct domain *d);
/* The control interface's setvcpucontext: VCPUOP_initialise's checks and
 * references for the context at guest address gva, preemptible
 * (-ERESTART: call again) and never for a domain being destroyed
 * (-ESRCH); *online: VGCF_online. */
long arch_vcpu_set_context(struct vcpu *v, uint64_t gva, bool *online);
/* I/O privilege (every port but the hypervisor's, device memory's cache
 * attributes), and single ports [first, last] (pv/ioports.c): may d use
 * them all; grant or revoke them (0, -ENOMEM). */
void arch_set_io_privilege(struct domain *d, bool on);
bool arch_ioports_permitted(const struct domain *d, unsigned int first, unsigned int last);
int arch_ioports_set(struct domain *d, unsigned int first, unsigned int last, bool allow);
/* VCPUOP_initialise: check and take the guest's vcpu_guest_context at
 * arg (0, or a negative errno with nothing changed). */
long arch_vcpu_initialise(struct vcpu *v, uint64_t arg);
/* The context switch (schedule.c), on v's CPU with interrupts off:
 * save the running v's state (its frame, segments, FPU) into v, or load
 * v's and make it the current vCPU. */
void arch_vcpu_save(struct vcpu *v);
void arch_vcpu_load(struct vcpu *v);
/* The CPU goes idle after saving a vCPU: nothing of that vCPU's may stay
 * in use (its page tables may be freed once its domain is destroyed). */
void arch_switch_to_idle(void);
void arch_dump_guest_state(struct vcpu *v);
void arch_dump_vcpu(struct vcpu *v);    /* mode, page tables, callbacks */

/* Arm (deadline != 0) or stop the vCPU's one-shot timer. */
void vcpu_set_singleshot(struct vcpu *v, s_time_t deadline);

#endif
