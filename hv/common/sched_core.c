/* The scheduler core (sched.h): the policy table, per-CPU locks and the
 * record of what each CPU runs.  Wiring into the context switch is the
 * arch's; this file never names a policy. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/runstate.h>
#include <proxen/sched.h>
#include <stdatomic.h>

#define DEFAULT_SCHEDULER "rr"

/* Bounds of the table REGISTER_SCHEDULER fills (the linker's). */
extern const struct scheduler *const __start_sched_policies[];
extern const struct scheduler *const __stop_sched_policies[];

struct sched_cpu {
    spinlock_t lock;
    struct vcpu *curr;                  /* NULL: the idle vCPU */
    _Atomic bool resched;               /* schedule() at the next chance */
};

const struct scheduler *sched;
static struct sched_cpu cpus[SCHED_NR_CPUS];

static const struct scheduler *find(const char *opt_name)
{
    for (const struct scheduler *const *s = __start_sched_policies;
         s < __stop_sched_policies; s++)
        if (!strcmp((*s)->opt_name, opt_name))
            return *s;
    return NULL;
}

int sched_init(const char *opt)
{
    const struct scheduler *s = opt && *opt ? find(opt) : NULL;

    if (!s) {
        if (opt && *opt)
            pr_warn("Scheduler: no policy \"%s\", using \"%s\"\n", opt, DEFAULT_SCHEDULER);
        s = find(DEFAULT_SCHEDULER);
    }
    if (!s)
        return -ENOENT;
    for (unsigned int cpu = 0; cpu < SCHED_NR_CPUS; cpu++) {
        spin_lock_init_ranked(&cpus[cpu].lock, LOCK_SCHED);
        cpus[cpu].curr = NULL;
        atomic_store(&cpus[cpu].resched, false);
    }
    sched = s;
    pr_info("Scheduler: %s (sched=%s)\n", s->name, s->opt_name);
    return s->init ? s->init() : 0;
}

int sched_init_cpu(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    return sched->init_cpu ? sched->init_cpu(cpu) : 0;
}

spinlock_t *sched_lock_of(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    return &cpus[cpu].lock;
}

static unsigned long lock_vcpu_cpu(const struct vcpu *v)
{
    return spin_lock_irqsave(sched_lock_of(v->processor));
}

static void unlock_vcpu_cpu(const struct vcpu *v, unsigned long flags)
{
    spin_unlock_irqrestore(sched_lock_of(v->processor), flags);
}

int sched_add_vcpu(struct vcpu *v)
{
    unsigned long flags;
    int rc = sched->alloc_task(v);

    if (rc)
        return rc;
    flags = lock_vcpu_cpu(v);
    sched->add_task(v);
    unlock_vcpu_cpu(v, flags);
    return 0;
}

void sched_remove_vcpu(struct vcpu *v)
{
    unsigned long flags = lock_vcpu_cpu(v);

    ASSERT(cpus[v->processor].curr != v);   /* not while it runs */
    sched->remove_task(v);
    unlock_vcpu_cpu(v, flags);
    sched->free_task(v);
}

void sched_wake(struct vcpu *v)
{
    unsigned long flags = lock_vcpu_cpu(v);

    sched->wake_up(v);
    unlock_vcpu_cpu(v, flags);
}

void sched_block(struct vcpu *v)
{
    unsigned long flags = lock_vcpu_cpu(v);

    sched->do_block(v);
    unlock_vcpu_cpu(v, flags);
}

void sched_yield(struct vcpu *v)
{
    unsigned long flags = lock_vcpu_cpu(v);

    if (sched->yield)
        sched->yield(v);
    sched_raise(v->processor);
    unlock_vcpu_cpu(v, flags);
}

struct task_slice sched_pick(unsigned int cpu, s_time_t now)
{
    unsigned long flags = spin_lock_irqsave(sched_lock_of(cpu));
    struct task_slice s;

    atomic_store(&cpus[cpu].resched, false);
    s = sched->do_schedule(cpu, now);
    ASSERT(!s.task || s.task->processor == cpu);
    cpus[cpu].curr = s.task;
    spin_unlock_irqrestore(sched_lock_of(cpu), flags);
    return s;
}

struct vcpu *sched_current(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    return cpus[cpu].curr;
}

/* --- runnability ---------------------------------------------------------- */

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return atomic_load(&v->up) && !atomic_load(&v->blocked) && !atomic_load(&v->pause_count) &&
           !atomic_load(&d->pause_count) && d->state == DOMAIN_RUNNING;
}

void sched_raise(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    atomic_store(&cpus[cpu].resched, true);
    if (cpu != arch_cpu_id())
        arch_cpu_kick(cpu);
}

bool sched_resched_pending(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    return atomic_load(&cpus[cpu].resched);
}

void sched_vcpu_update(struct vcpu *v)
{
    unsigned int cpu = v->processor;
    unsigned long flags = lock_vcpu_cpu(v);
    struct vcpu *curr = cpus[cpu].curr;

    if (vcpu_runnable(v)) {
        sched->wake_up(v);
        if (!curr)
            sched_raise(cpu);
    } else {
        sched->do_block(v);
        if (curr == v)
            sched_raise(cpu);
    }
    unlock_vcpu_cpu(v, flags);
}

void sched_vcpu_unblock(struct vcpu *v)
{
    if (atomic_exchange(&v->blocked, false)) {
        runstate_wake(v);
        sched_vcpu_update(v);
    } else if (v->processor != arch_cpu_id() && atomic_load(&v->is_running)) {
        arch_cpu_kick(v->processor);
    }
}

void vcpu_sleep_sync(struct vcpu *v)
{
    ASSERT(arch_irqs_enabled());
    ASSERT(v != current_vcpu());
    sched_vcpu_update(v);
    while (atomic_load(&v->is_running))
        arch_cpu_relax();
}
