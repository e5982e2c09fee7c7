/* System time from vcpu_info.time: the hypervisor publishes a TSC stamp,
 * the system time at that stamp and a scale; the guest extrapolates with
 * its own TSC.  version is odd while the hypervisor rewrites the record,
 * and changes with every rewrite, so a read is retried until it saw one
 * stable version.  Each vCPU reads its own record: the stamp is that of
 * the CPU the vCPU runs on. */
#include <arch.h>
#include <kernel.h>
#include <pvclock.h>
#include <smp.h>
#include <vcpu_info.h>

void pvclock_read(unsigned int vcpu, struct pvclock_snapshot *snap)
{
    const volatile struct vcpu_time_info *t = &vcpu_info_of(vcpu)->time;
    uint32_t version;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        snap->tsc_timestamp = t->tsc_timestamp;
        snap->system_time = t->system_time;
        snap->mul = t->tsc_to_system_mul;
        snap->shift = t->tsc_shift;
        snap->flags = t->flags;
        snap->tsc = rdtsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    snap->version = version;
}

uint64_t pvclock_ns(const struct pvclock_snapshot *snap)
{
    uint64_t delta = snap->tsc - snap->tsc_timestamp;

    delta = snap->shift >= 0 ? delta << snap->shift : delta >> -snap->shift;
    return snap->system_time + (uint64_t)(((unsigned __int128)delta * snap->mul) >> 32);
}

uint64_t vcpu_system_time_ns(unsigned int vcpu)
{
    struct pvclock_snapshot snap;

    pvclock_read(vcpu, &snap);
    return pvclock_ns(&snap);
}

uint64_t system_time_ns(void)
{
    return vcpu_system_time_ns(smp_self());
}
