/* A vCPU's periodic timer (periodic_timer.c), Xen's semantics: a PV vCPU
 * starts with a 10 ms period (Xen's pv_vcpu_initialise: "PV guests by
 * default have a 100Hz ticker"); every period that passes while the vCPU
 * runs raises VIRQ_TIMER; the timer is stopped while the vCPU does not
 * run (blocked or down) and a period that passed meanwhile gives one
 * event when it runs again, so a periodic timer never wakes a blocked
 * vCPU.  VCPUOP_set_periodic_timer takes 1 ms up to STIME_DELTA_MAX.
 *
 * Locking: p->lock (LOCK_PERIODIC, interrupts off) guards period,
 * last_event and the timer's arming; VIRQ_TIMER is sent under it. */
#ifndef PROXEN_PERIODIC_TIMER_H
#define PROXEN_PERIODIC_TIMER_H

#include <proxen/spinlock.h>
#include <proxen/timer.h>

#define PERIODIC_DEFAULT_NS MILLISECS(10)
#define PERIODIC_MIN_NS     MILLISECS(1)
#define STIME_DELTA_MAX     ((s_time_t)(~0ULL >> 2))

struct vcpu;

struct vcpu_periodic {
    spinlock_t lock;
    s_time_t period;              /* 0: stopped */
    s_time_t last_event;          /* system time of the last VIRQ_TIMER */
    struct timer timer;           /* on the vCPU's CPU */
};

/* A new vCPU: the default period, not armed until it runs. */
void periodic_timer_init(struct vcpu *v);
/* VCPUOP_set_periodic_timer (a period vcpu_op.c checked) or stop (0). */
void periodic_timer_set(struct vcpu *v, s_time_t period_ns);
/* v starts running on its CPU: an event if a period passed, then armed. */
void periodic_timer_resume(struct vcpu *v);
/* v stops running. */
void periodic_timer_pause(struct vcpu *v);

#endif
