/* The time a vCPU reads (vcpu_info.time): written on the CPU the vCPU
 * runs on, from that CPU's TSC and base, whenever the vCPU starts running
 * there and every second while it runs, so that the guest extrapolates
 * from a recent stamp (the scale is NOW()'s own, so extrapolation and
 * system time agree to the rounding of the scale: asm/tsc_sync.h).
 *
 * Locking: a vCPU's record is written only by the CPU it is current on,
 * with interrupts off (the periodic refresh is a timer interrupt), so
 * writes never interleave; the version protocol orders them for readers. */
#include <arch/arch.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <proxen/domain.h>
#include <proxen/timer.h>
#include <public/xen.h>

#define REFRESH_PERIOD SECONDS(1)

static struct timer refresh_timer[NR_CPUS];

void arch_vcpu_time_refresh(struct vcpu *v)
{
    unsigned long flags;

    if (v != current_vcpu() || !v->vcpu_info)
        return;                /* its CPU refreshes it when it runs there */
    flags = arch_irq_save();
    time_fill_vcpu_time(&v->vcpu_info->time);
    arch_irq_restore(flags);
}

static void refresh(void *data)
{
    struct vcpu *v = current_vcpu();
    struct timer *self = data;

    if (v)
        arch_vcpu_time_refresh(v);
    set_timer(self, NOW() + REFRESH_PERIOD);
}

void vcpu_time_start_cpu(unsigned int cpu)
{
    init_timer(&refresh_timer[cpu], refresh, &refresh_timer[cpu], cpu);
    set_timer(&refresh_timer[cpu], NOW() + REFRESH_PERIOD);
}
