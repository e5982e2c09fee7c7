/* The time a vCPU reads (vcpu_info.time): written on the CPU the vCPU
 * runs on, from that CPU's TSC and base, whenever the vCPU starts running
 * there and every second while it runs, so that the guest extrapolates
 * from a recent stamp (the scale is NOW()'s own, so extrapolation and
 * system time agree to the rounding of the scale: asm/tsc_sync.h).
 *
 * A vCPU may ask for a second copy at an address of its own
 * (VCPUOP_register_vcpu_time_memory_area, for a user-space clock): it is
 * written with every refresh, through the page tables the vCPU has
 * loaded, with the same version protocol.  A copy that faults is dropped
 * (the guest chose the address) and the next refresh tries again; Xen
 * retries a copy missed in user mode at the next switch to kernel mode.
 *
 * Locking: a vCPU's record is written only by the CPU it is current on,
 * with interrupts off (the periodic refresh is a timer interrupt), so
 * writes never interleave; the version protocol orders them for readers. */
#include <arch/arch.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/timer.h>
#include <public/xen.h>

#define REFRESH_PERIOD SECONDS(1)

static struct timer refresh_timer[NR_CPUS];

/* The record just written, copied to the vCPU's area as Xen's
 * update_secondary_system_time does: the odd version the record had while
 * it changed, then the record with it, then the even version. */
static void write_area(gva_t at, const struct vcpu_time_info *t)
{
    struct vcpu_time_info copy = *t;
    uint64_t area = gva_x(at), version = area + offsetof(struct vcpu_time_info, version);

    copy.version = t->version - 1;
    if (copy_to_guest(version, &copy.version, sizeof(copy.version)))
        return;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    (void)copy_to_guest(area, &copy, sizeof(copy));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    (void)copy_to_guest(version, &t->version, sizeof(t->version));
}

void arch_vcpu_time_refresh(struct vcpu *v)
{
    unsigned long flags;

    if (v != current_vcpu() || !v->vcpu_info)
        return;                /* its CPU refreshes it when it runs there */
    flags = arch_irq_save();
    time_fill_vcpu_time(&v->vcpu_info->time);
    v->arch.time_cpu = get_cpu_info()->cpu_id;
    v->arch.time_stamped = NOW();
    if (gva_x(v->arch.time_area))
        write_area(v->arch.time_area, &v->vcpu_info->time);
    arch_irq_restore(flags);
}

/* A vCPU switched in keeps its record if it was stamped on this CPU less
 * than a refresh period ago: its extrapolation and NOW() then still agree
 * to the scale's rounding, while a fresh stamp beside other vCPUs' older
 * ones would show the rounding they have gathered as a step (time read
 * on one vCPU, then on another, going back by tens of ns).  A record from
 * another CPU (another TSC base) or an old one is stamped again. */
void pv_vcpu_time_switch_in(struct vcpu *v)
{
    if (v->arch.time_cpu != get_cpu_info()->cpu_id ||
        NOW() - v->arch.time_stamped >= REFRESH_PERIOD)
        arch_vcpu_time_refresh(v);
}

long arch_vcpu_register_time_area(struct vcpu *v, uint64_t gva)
{
    if (!guest_address_ok(gva))    /* Xen checks where it starts, not where it ends */
        return -EFAULT;
    v->arch.time_area = _gva(gva);
    arch_vcpu_time_refresh(v);     /* another vCPU's is written when it next runs */
    return 0;
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
