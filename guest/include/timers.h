/* Software timers in the guest kernel (timers.c): any number of them on
 * vCPU 0's one-shot hypervisor timer.  The VIRQ_TIMER handler runs the
 * expired ones in deadline order, then arms the hypervisor timer for the
 * earliest left (with none left, it is not touched: code that sets the
 * one-shot timer directly keeps its deadline).  Callbacks run in the
 * event upcall, events masked: short, no blocking; they may add or
 * delete timers (themselves too).  vCPU 0 only: other vCPUs run jobs
 * (smp.h). */
#ifndef GUEST_TIMERS_H
#define GUEST_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
    uint64_t deadline;                  /* system time, ns */
    void (*fn)(struct timer *t);
    struct timer *next;
    bool pending;
};

/* Arm (or move) t to fire at deadline; a deadline already past fires at
 * the next event. */
void timer_add(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t));
/* Disarm t; false if it was not armed (it ran, or never was). */
bool timer_del(struct timer *t);

/* The VIRQ_TIMER handler's work (events.c calls it). */
void timers_run(void);

/* Block until system time reaches deadline_ns (events masked again on
 * return).  Other timers keep running meanwhile, and xenstore watch
 * callbacks (xenbus_run) run here. */
void sleep_until(uint64_t deadline_ns);

#endif
