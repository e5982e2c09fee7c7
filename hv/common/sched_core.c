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
};

const struct scheduler *sched;
bool sched_resched[SCHED_NR_CPUS];
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
        __atomic_store_n(&sched_resched[cpu], false, __ATOMIC_RELEASE);
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

/* Lock v's CPU.  v->processor changes (migration) only under its old
 * CPU's lock, so a lock taken on a CPU v has just left is dropped and the
 * new one taken.  Returns the CPU locked. */
static unsigned int lock_vcpu_cpu(const struct vcpu *v, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);

        *flags = spin_lock_irqsave(sched_lock_of(cpu));
        if (cpu == v->processor)
            return cpu;
        spin_unlock_irqrestore(sched_lock_of(cpu), *flags);
    }
}

static void unlock_cpu(unsigned int cpu, unsigned long flags)
{
    spin_unlock_irqrestore(sched_lock_of(cpu), flags);
}

int sched_add_vcpu(struct vcpu *v)
{
    unsigned long flags;
    unsigned int cpu;
    int rc = sched->alloc_task(v);

    if (rc)
        return rc;
    atomic_store(&v->affinity, ~0ULL);
    cpu = lock_vcpu_cpu(v, &flags);
    sched->add_task(v);
    unlock_cpu(cpu, flags);
    return 0;
}

void sched_remove_vcpu(struct vcpu *v)
{
    unsigned long flags;
    unsigned int cpu = lock_vcpu_cpu(v, &flags);

    ASSERT(cpus[cpu].curr != v);            /* not while it runs */
    sched->remove_task(v);
    unlock_cpu(cpu, flags);
    sched->free_task(v);
}

void sched_yield(struct vcpu *v)
{
    unsigned long flags;
    unsigned int cpu = lock_vcpu_cpu(v, &flags);

    if (sched->yield)
        sched->yield(v);
    sched_raise(cpu);
    unlock_cpu(cpu, flags);
}

struct task_slice sched_pick(unsigned int cpu, s_time_t now)
{
    unsigned long flags = spin_lock_irqsave(sched_lock_of(cpu));
    struct task_slice s;

    __atomic_store_n(&sched_resched[cpu], false, __ATOMIC_RELEASE);
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

/* Debug key 'r': the policy's settings, then each CPU's current vCPU and
 * run queue, each CPU under its lock. */
void sched_dump(void)
{
    printk("Scheduler: %s (sched=%s, id %u)\n", sched->name, sched->opt_name, sched->sched_id);
    if (sched->dump_settings)
        sched->dump_settings();
    for (unsigned int cpu = 0; cpu < arch_nr_cpus_online() && cpu < SCHED_NR_CPUS; cpu++) {
        unsigned long flags = spin_lock_irqsave(sched_lock_of(cpu));
        const struct vcpu *v = cpus[cpu].curr;

        const char *asked = sched_resched_pending(cpu) ? ", reschedule asked" : "";

        if (v)
            printk("  CPU%u: d%uv%u%s\n", cpu, v->domain->domain_id, v->vcpu_id, asked);
        else
            printk("  CPU%u: idle%s\n", cpu, asked);
        if (sched->dump_cpu_state)
            sched->dump_cpu_state(cpu);
        spin_unlock_irqrestore(sched_lock_of(cpu), flags);
    }
}

/* --- runnability ---------------------------------------------------------- */

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return atomic_load(&v->up) && !atomic_load(&v->blocked) && !atomic_load(&v->pause_count) &&
           !atomic_load(&v->migrating) && !atomic_load(&d->pause_count) &&
           d->state == DOMAIN_RUNNING;
}

void sched_raise(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    __atomic_store_n(&sched_resched[cpu], true, __ATOMIC_RELEASE);
    if (cpu != arch_cpu_id())
        arch_cpu_kick(cpu);
}


void sched_vcpu_update(struct vcpu *v)
{
    unsigned long flags;
    unsigned int cpu = lock_vcpu_cpu(v, &flags);
    struct vcpu *curr = cpus[cpu].curr;

    if (vcpu_runnable(v)) {
        sched->wake_up(v);
        if (!curr || (curr != v && sched->reschedule && sched->reschedule(v)))
            sched_raise(cpu);
    } else {
        sched->do_block(v);
        if (curr == v)
            sched_raise(cpu);
    }
    unlock_cpu(cpu, flags);
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

/* --- affinity and migration ------------------------------------------------
 * A vCPU moves to another CPU only while it does not run: marked
 * migrating (not runnable), it leaves its CPU's queue, and whoever finds
 * it switched out (the caller at once, or its CPU right after switching
 * it out) moves its run-queue entry and timers, then lets it run again. */

#define MIGRATE_NONE    0
#define MIGRATE_PENDING 1
#define MIGRATE_MOVING  2

uint64_t sched_cpus_online(void)
{
    unsigned int n = arch_nr_cpus_online();

    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* The CPU v runs on next: where it is, if allowed; else the next allowed
 * one after it. */
static unsigned int choose_cpu(const struct vcpu *v, uint64_t mask)
{
    unsigned int from = v->processor;

    if (mask & (1ULL << from))
        return from;
    for (unsigned int i = 1; i <= 64; i++) {
        unsigned int cpu = (from + i) % 64;

        if (mask & (1ULL << cpu))
            return cpu;
    }
    return from;
}

int sched_set_affinity(struct vcpu *v, uint64_t mask)
{
    mask &= sched_cpus_online();
    if (!mask)
        return -EINVAL;
    atomic_store(&v->affinity, mask);
    if (mask & (1ULL << __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE)))
        return 0;
    atomic_store(&v->migrating, MIGRATE_PENDING);
    sched_vcpu_update(v);
    sched_migrate_finish(v);
    return 0;
}

void sched_migrate_finish(struct vcpu *v)
{
    unsigned long flags;
    unsigned int old = lock_vcpu_cpu(v, &flags), new;
    int pending = MIGRATE_PENDING;

    /* Still running somewhere: its CPU finishes once it switched it out. */
    if (cpus[old].curr == v || atomic_load(&v->is_running) ||
        !atomic_compare_exchange_strong(&v->migrating, &pending, MIGRATE_MOVING)) {
        unlock_cpu(old, flags);
        return;
    }
    sched->remove_task(v);
    new = choose_cpu(v, atomic_load(&v->affinity) & sched_cpus_online());
    __atomic_store_n(&v->processor, new, __ATOMIC_RELEASE);
    unlock_cpu(old, flags);

    vcpu_migrate_timers(v, new);
    new = lock_vcpu_cpu(v, &flags);
    sched->add_task(v);
    unlock_cpu(new, flags);
    atomic_store(&v->migrating, MIGRATE_NONE);
    sched_vcpu_update(v);
}
