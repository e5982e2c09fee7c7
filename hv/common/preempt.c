/* Preemption points of long hypercalls, and how long a CPU goes without
 * reaching one.
 *
 * A hypercall that works through a guest-sized list (mmu_update, mmuext_op,
 * multicall, console_io) or validates a guest-sized tree asks
 * hypercall_preempt_check() every bounded amount of work.  When this CPU
 * has something to act on at its next return to the guest (a timer fired,
 * the vCPU has an event to take), the hypercall stops there and arranges
 * to be called again with what remains (hypercall_create_continuation),
 * so the guest sees Xen's semantics and the CPU is never held longer than
 * one bounded step.
 *
 * With the boot option stretch_stats, every hypercall and every check is
 * also a measuring point: the longest stretch between two of them is what
 * `make bench` reports (printed when the initial domain ends, and by debug
 * key 'p').  It is off by default: two clock reads per hypercall cost
 * about as much as the rest of a null hypercall under TCG. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/hypercall.h>
#include <proxen/options.h>
#include <proxen/symbols.h>
#include <proxen/timer.h>
#include <public/xen.h>

#define NR_PREEMPT_CPUS 64
#define LONG_STRETCH MICROSECS(100)     /* what `make bench` counts */

struct stretch_stats {
    uint64_t calls;
    s_time_t longest;
    uint64_t over_100us;
    uintptr_t longest_from, longest_to;   /* where the longest began and ended */
};

struct preempt_cpu {
    bool work_pending;          /* a timer ran since the last return to the guest */
    unsigned int op;            /* the hypercall being measured */
    s_time_t since;             /* the last preemption point */
    uintptr_t since_where;      /* its caller (0: the hypercall's entry) */
    struct stretch_stats op_stats[NR_HYPERCALLS];
};

static struct preempt_cpu cpus[NR_PREEMPT_CPUS];

static struct preempt_cpu *this_cpu(void)
{
    ASSERT(arch_cpu_id() < NR_PREEMPT_CPUS);
    return &cpus[arch_cpu_id()];
}

/* where: the code that reached this point (0: the hypercall's return). */
static void account(struct preempt_cpu *p, uintptr_t where)
{
    s_time_t now = NOW(), d = now - p->since;
    struct stretch_stats *st = &p->op_stats[p->op];

    if (d > st->longest) {
        st->longest = d;
        st->longest_from = p->since_where;
        st->longest_to = where;
    }
    st->over_100us += d > LONG_STRETCH;
    p->since = now;
    p->since_where = where;
}

void preempt_stretch_begin(unsigned int op)
{
    struct preempt_cpu *p;

    if (!opt_stretch_stats)
        return;
    p = this_cpu();
    p->op = op < NR_HYPERCALLS ? op : 0;
    p->op_stats[p->op].calls++;
    p->since = NOW();
    p->since_where = 0;
}

void preempt_stretch_end(void)
{
    if (opt_stretch_stats)
        account(this_cpu(), 0);
}

void preempt_note_work(void)
{
    this_cpu()->work_pending = true;
}

void preempt_work_done(void)
{
    this_cpu()->work_pending = false;
}

bool hypercall_preempt_check(void)
{
    struct preempt_cpu *p = this_cpu();
    struct vcpu *v = current_vcpu();

    if (opt_stretch_stats)
        account(p, (uintptr_t)__builtin_return_address(0));
    return p->work_pending ||
           (v && v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask);
}

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t args[6])
{
    struct vcpu *v = current_vcpu();

    if (v->mc_call) {
        /* Inside a multicall: the entry itself becomes the continuation,
         * and the multicall copies it back to the guest's list. */
        v->mc_call->op = op;
        for (unsigned int i = 0; i < nargs && i < 6; i++)
            v->mc_call->args[i] = args[i];
        v->mc_preempted = true;
    } else {
        arch_hypercall_continuation(nargs, args);
    }
    return op;
}

/* One end of a stretch: a preemption check, or where is 0 and it is the
 * hypercall's own edge (its entry or its return). */
static void print_where(const char *what, uintptr_t where, const char *edge)
{
    uint64_t off;
    const char *name = where ? symbols_lookup(where, &off) : NULL;

    if (!where)
        printk("  %s the hypercall's %s\n", what, edge);
    else if (name)
        printk("  %s a preemption check in %s+%#llx\n", what, name, (unsigned long long)off);
    else
        printk("  %s a preemption check at %#llx\n", what, (unsigned long long)where);
}

/* One line per CPU and hypercall used (bench/run.py reads them), and
 * where its longest stretch began and ended. */
void preempt_report(void)
{
    if (!opt_stretch_stats) {
        printk("Stretches between preemption points: not measured (boot option "
               "stretch_stats)\n");
        return;
    }
    for (unsigned int cpu = 0; cpu < NR_PREEMPT_CPUS; cpu++)
        for (unsigned int op = 0; op < NR_HYPERCALLS; op++) {
            const struct stretch_stats *st = &cpus[cpu].op_stats[op];

            if (st->calls)
                printk("CPU%u hypercall %u: %llu calls, longest stretch without a preemption "
                       "point %lld ns, %llu over 100 us\n", cpu, op,
                       (unsigned long long)st->calls, (long long)st->longest,
                       (unsigned long long)st->over_100us);
            if (st->calls) {
                print_where("from", st->longest_from, "entry");
                print_where("to", st->longest_to, "return");
            }
        }
}
