/* The scheduler interface: policy (which runnable vCPU a CPU runs next,
 * and for how long) separated from mechanism (the core, sched_core.c:
 * per-CPU state, the idle vCPU, when to ask the policy).
 *
 * A policy is a const table of hooks, as the interface manual's; it is
 * defined in a file of its own with REGISTER_SCHEDULER and chosen at
 * boot with sched=<opt_name>.  The core never names a policy: adding one
 * only adds a file.
 *
 * Locking: each CPU's scheduling state (its run queue in the policy, its
 * current vCPU in the core) is guarded by that CPU's schedule lock
 * (LOCK_SCHED, taken with interrupts off: wake-ups come from timer
 * interrupts).  The core takes it around every hook that names a CPU or
 * a vCPU; hooks run with it held and take no other lock of that rank. */
#ifndef PROXEN_SCHED_H
#define PROXEN_SCHED_H

#include <proxen/spinlock.h>
#include <proxen/types.h>

struct vcpu;
struct domain;

#define SCHED_NR_CPUS 64

/* What do_schedule decides: run `task` (NULL: the CPU's idle vCPU) for
 * at most `time` ns (<= 0: until something happens). */
struct task_slice {
    struct vcpu *task;
    s_time_t time;
};

/* adjdom: read or set a domain's parameters (meaning is the policy's). */
struct sched_adjdom {
    bool set;
    uint64_t params[4];
};

struct scheduler {
    const char *name;                   /* for people */
    const char *opt_name;               /* sched=<opt_name> */
    unsigned int sched_id;              /* reported to the toolstack */

    int (*init)(void);                  /* once, before any CPU */
    int (*init_cpu)(unsigned int cpu);  /* each CPU as it comes up */
    int (*alloc_task)(struct vcpu *v);  /* its private data (v->sched_priv) */
    void (*free_task)(struct vcpu *v);
    void (*add_task)(struct vcpu *v);   /* joins its CPU, not runnable yet */
    void (*remove_task)(struct vcpu *v);
    void (*wake_up)(struct vcpu *v);    /* became runnable */
    void (*do_block)(struct vcpu *v);   /* stopped being runnable */
    void (*yield)(struct vcpu *v);      /* would let others run first */
    /* v just became runnable on its CPU, which runs another vCPU: whether
     * the CPU should reschedule now (preempt) rather than at the slice's
     * end.  Optional: none means never. */
    bool (*reschedule)(struct vcpu *v);
    struct task_slice (*do_schedule)(unsigned int cpu, s_time_t now);
    int (*control)(bool set, uint64_t *param);  /* policy-wide setting: read or set */
    int (*adjdom)(struct domain *d, struct sched_adjdom *op);
    void (*dump_settings)(void);
    void (*dump_cpu_state)(unsigned int cpu);
};

/* Put a policy in the table the core chooses from. */
#define REGISTER_SCHEDULER(s)                                               \
    static const struct scheduler *const s##_entry                         \
        __attribute__((used, section("sched_policies"))) = &(s)

/* The core (sched_core.c). */
extern const struct scheduler *sched;   /* the policy chosen at boot */

/* Choose the policy named by opt (the default one, "rr", if none or an
 * unknown name) and initialise it: 0 or its error. */
int sched_init(const char *opt);
int sched_init_cpu(unsigned int cpu);

/* A vCPU's life with the scheduler; each takes the CPU's lock. */
int sched_add_vcpu(struct vcpu *v);     /* alloc_task + add_task */
void sched_remove_vcpu(struct vcpu *v); /* remove_task + free_task */
void sched_yield(struct vcpu *v);

/* Ask the policy what cpu runs next (the core records it as running).
 * Returns the slice; a NULL task means the idle vCPU. */
struct task_slice sched_pick(unsigned int cpu, s_time_t now);
struct vcpu *sched_current(unsigned int cpu);

/* Print the policy and every CPU's run queue (debug key 'r'). */
void sched_dump(void);

/* The schedule lock of a CPU, for the policy's own assertions. */
spinlock_t *sched_lock_of(unsigned int cpu);

/* --- runnability ------------------------------------------------------------
 * Whether a vCPU may run is decided by flags others change: up (VCPUOP_up
 * and down), blocked (SCHEDOP_block and poll), its own and its domain's
 * pause counts, its domain's state.  Whoever changes one calls
 * sched_vcpu_update(), which re-reads them all under the CPU's lock and
 * tells the policy (wake_up or do_block): the last caller sees every
 * change, so the policy's view cannot go stale whatever the order. */
bool vcpu_runnable(const struct vcpu *v);
/* v's flags changed: tell the policy; make v's CPU reschedule when v
 * stopped being runnable while running there, or became runnable while it
 * idles.  Any CPU, interrupts on or off. */
void sched_vcpu_update(struct vcpu *v);
/* An event for v (vcpu_wake): unblock it if blocked; else, if it runs on
 * another CPU, make that CPU look at it (to deliver the upcall). */
void sched_vcpu_unblock(struct vcpu *v);
/* Once v is not runnable: wait until no CPU runs it or still holds its
 * state.  Never for the calling vCPU; interrupts on. */
void vcpu_sleep_sync(struct vcpu *v);

/* Pin v to the CPUs in mask (bit n: CPU n; offline ones ignored): 0, or
 * -EINVAL if none is online.  If v's CPU is not among them, v moves to one
 * that is (at once if it does not run, else once its CPU switched it
 * out).  Any vCPU, the caller's own too. */
int sched_set_affinity(struct vcpu *v, uint64_t mask);
/* The CPUs online, as an affinity map. */
uint64_t sched_cpus_online(void);
/* Move a migrating v that no CPU runs (schedule.c calls it once it has
 * switched v out); does nothing otherwise. */
void sched_migrate_finish(struct vcpu *v);
/* Move v's timers to cpu (domain.c: the timers are the vCPU's). */
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu);

/* Ask cpu to reschedule at its next way out to a guest or in its idle
 * loop (a kick if it is another CPU); whether this CPU is asked. */
void sched_raise(unsigned int cpu);
/* Inline: every way out to a guest asks. */
extern bool sched_resched[SCHED_NR_CPUS];      /* __atomic_* accesses only */
static inline bool sched_resched_pending(unsigned int cpu)
{
    return __atomic_load_n(&sched_resched[cpu % SCHED_NR_CPUS], __ATOMIC_ACQUIRE);
}

/* schedule(): the decision for this CPU (its request cleared), its slice
 * timer armed, the switch done through the arch.  Called with interrupts
 * off on the way out to a guest or from the idle loop; returns with
 * current_vcpu() the vCPU to run (NULL: idle).  schedule.c. */
void schedule(void);
void sched_init_slice_timer(unsigned int cpu);

#endif
