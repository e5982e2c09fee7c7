/* schedule(): what a CPU does when it is asked to reschedule (sched.h).
 * A vCPU is only ever switched at two points: on its way out to the guest
 * (pv_exit_to_guest, with the guest's frame complete) and from the idle
 * loop.  Nothing in the hypervisor waits with a vCPU's state on the stack:
 * a hypercall that would sleep (block, poll, down) marks the vCPU and
 * returns, and the switch happens on the way out. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/domain.h>
#include <proxen/sched.h>
#include <proxen/timer.h>
#include <proxen/vcpu_switch.h>
#include <public/vcpu.h>

static struct timer slice_timer[SCHED_NR_CPUS];

/* The running vCPU's slice is over: let the policy decide again. */
static void slice_expired(void *data)
{
    (void)data;
    sched_raise(arch_cpu_id());
}

void sched_init_slice_timer(unsigned int cpu)
{
    ASSERT(cpu < SCHED_NR_CPUS);
    init_timer(&slice_timer[cpu], slice_expired, NULL, cpu);
}

/* What prev's runstate becomes as it stops running. */
static int state_after(const struct vcpu *prev)
{
    if (vcpu_runnable(prev))
        return RUNSTATE_runnable;
    return atomic_load(&prev->blocked) ? RUNSTATE_blocked : RUNSTATE_offline;
}

void schedule(void)
{
    unsigned int cpu = arch_cpu_id();
    struct vcpu *prev = current_vcpu(), *next;
    s_time_t now = NOW();
    struct task_slice s;

    ASSERT(!arch_irqs_enabled());
    s = sched_pick(cpu, now);
    next = s.task;
    if (s.time > 0)
        set_timer(&slice_timer[cpu], now + s.time);
    else
        stop_timer(&slice_timer[cpu]);
    if (next == prev)
        return;
    if (prev) {
        /* Its runstate area is written through its own page tables,
         * still loaded; its state is then saved, and only then may
         * another CPU take it (vcpu_sleep_sync, migration). */
        vcpu_switch_out(prev, state_after(prev));
        arch_vcpu_save(prev);
        set_current_vcpu(NULL);
        if (!next)
            arch_switch_to_idle();
        atomic_store(&prev->is_running, false);
        if (atomic_load(&prev->migrating))
            sched_migrate_finish(prev);
    }
    if (next) {
        ASSERT(!atomic_load(&next->is_running));
        atomic_store(&next->is_running, true);
        arch_vcpu_load(next);
        vcpu_switch_in(next);
    }
}
