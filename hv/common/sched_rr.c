/* Round-robin: each CPU runs its runnable vCPUs in turn, a fixed slice
 * each (sched_rr_slice, 10 ms by default, set through the policy's
 * control hook); a vCPU that wakes joins the back of its CPU's queue. No
 * weights: adjdom has nothing to set per domain. */
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/list.h>
#include <proxen/sched.h>
#include <proxen/xmalloc.h>

#define RR_SLICE_DEFAULT MILLISECS(10)
#define RR_SLICE_MIN     MICROSECS(100)
#define RR_SLICE_MAX     SECONDS(1)

struct rr_vcpu {
    struct list_head queue;             /* on its CPU's run queue, if queued */
    struct vcpu *v;
    bool queued;
    bool runnable;
};

struct rr_cpu {
    struct list_head runq;
    struct vcpu *curr;
};

static struct rr_cpu rr_cpus[SCHED_NR_CPUS];
static s_time_t rr_slice = RR_SLICE_DEFAULT;

static struct rr_vcpu *rr(const struct vcpu *v)
{
    return v->sched_priv;
}

static void assert_locked(unsigned int cpu)
{
    ASSERT(spin_is_locked_by_me(sched_lock_of(cpu)));
}

static int rr_init(void)
{
    for (unsigned int cpu = 0; cpu < SCHED_NR_CPUS; cpu++) {
        list_init(&rr_cpus[cpu].runq);
        rr_cpus[cpu].curr = NULL;
    }
    rr_slice = RR_SLICE_DEFAULT;
    return 0;
}

static int rr_alloc_task(struct vcpu *v)
{
    struct rr_vcpu *r = xzalloc_obj(struct rr_vcpu);

    if (!r)
        return -ENOMEM;
    r->v = v;
    list_init(&r->queue);
    v->sched_priv = r;
    return 0;
}

static void rr_free_task(struct vcpu *v)
{
    ASSERT(!rr(v)->queued);
    xfree(v->sched_priv);
    v->sched_priv = NULL;
}

static void dequeue(struct rr_vcpu *r)
{
    if (r->queued) {
        list_del(&r->queue);
        r->queued = false;
    }
}

static void enqueue_tail(struct rr_vcpu *r)
{
    ASSERT(!r->queued);
    list_add_tail(&r->queue, &rr_cpus[r->v->processor].runq);
    r->queued = true;
}

static void rr_add_task(struct vcpu *v)
{
    assert_locked(v->processor);
    rr(v)->runnable = false;
}

static void rr_remove_task(struct vcpu *v)
{
    assert_locked(v->processor);
    ASSERT(rr_cpus[v->processor].curr != v);
    dequeue(rr(v));
    rr(v)->runnable = false;
}

static void rr_wake_up(struct vcpu *v)
{
    struct rr_vcpu *r = rr(v);

    assert_locked(v->processor);
    r->runnable = true;
    if (!r->queued && rr_cpus[v->processor].curr != v)
        enqueue_tail(r);
}

static void rr_do_block(struct vcpu *v)
{
    assert_locked(v->processor);
    rr(v)->runnable = false;
    dequeue(rr(v));
}

/* A vCPU that wakes waits for its turn: round-robin never preempts. */
static bool rr_reschedule(struct vcpu *v)
{
    assert_locked(v->processor);
    return false;
}

/* The running vCPU, still runnable, goes to the back; the front runs. */
static struct task_slice rr_do_schedule(unsigned int cpu, s_time_t now)
{
    struct rr_cpu *c = &rr_cpus[cpu];
    struct task_slice s = { NULL, -1 };

    (void)now;
    assert_locked(cpu);
    if (c->curr && rr(c->curr)->runnable && !rr(c->curr)->queued)
        enqueue_tail(rr(c->curr));
    if (!list_empty(&c->runq)) {
        struct rr_vcpu *r = list_first_entry(&c->runq, struct rr_vcpu, queue);

        dequeue(r);
        s = (struct task_slice){ r->v, rr_slice };
    }
    c->curr = s.task;
    return s;
}

/* The slice, in ns: 100 us to 1 s. */
static int rr_control(bool set, uint64_t *slice_ns)
{
    if (!set) {
        *slice_ns = (uint64_t)rr_slice;
        return 0;
    }
    if (*slice_ns < (uint64_t)RR_SLICE_MIN || *slice_ns > (uint64_t)RR_SLICE_MAX)
        return -EINVAL;
    rr_slice = (s_time_t)*slice_ns;
    return 0;
}

/* Nothing per domain: reading gives the slice, setting is refused. */
static int rr_adjdom(struct domain *d, struct sched_adjdom *op)
{
    (void)d;
    if (op->set)
        return -EINVAL;
    op->params[0] = (uint64_t)rr_slice;
    return 0;
}

static void rr_dump_settings(void)
{
    printk("  round-robin, slice %lld us\n", (long long)rr_slice / 1000);
}

static void rr_dump_cpu_state(unsigned int cpu)
{
    struct list_head *p;

    printk("    run queue:%s", list_empty(&rr_cpus[cpu].runq) ? " empty" : "");
    list_for_each(p, &rr_cpus[cpu].runq) {
        const struct rr_vcpu *r = list_entry(p, struct rr_vcpu, queue);

        printk(" d%uv%u", r->v->domain->domain_id, r->v->vcpu_id);
    }
    printk("\n");
}

static const struct scheduler sched_rr_def = {
    .name = "round-robin",
    .opt_name = "rr",
    .sched_id = 100,
    .init = rr_init,
    .alloc_task = rr_alloc_task,
    .free_task = rr_free_task,
    .add_task = rr_add_task,
    .remove_task = rr_remove_task,
    .wake_up = rr_wake_up,
    .do_block = rr_do_block,
    .reschedule = rr_reschedule,
    .do_schedule = rr_do_schedule,
    .control = rr_control,
    .adjdom = rr_adjdom,
    .dump_settings = rr_dump_settings,
    .dump_cpu_state = rr_dump_cpu_state,
};
REGISTER_SCHEDULER(sched_rr_def);
