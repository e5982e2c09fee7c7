/* Event channels in the guest kernel (events.c), as a Xen PV kernel uses
 * them: every port starts masked; a port gets a handler when bound and is
 * then unmasked; the upcall runs the handlers of the pending, unmasked
 * ports of the vCPU it arrived on, with events masked.
 *
 * The kernel binds VIRQ_TIMER on vCPU 0 at boot, for its software timers
 * (timers.h): on Xen, a blocked vCPU's one-shot timer wakes it only
 * through that event.  It stops vCPU 0's periodic timer, as Linux does.
 * Handlers run in the upcall: short, no blocking. */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>

typedef void evtchn_handler_fn(evtchn_port_t port, void *data);

void events_init(void);

/* Bind and unmask: the port, or a negative errno (-EINVAL for a vCPU
 * past SMP_MAX_VCPUS, whose ports the kernel could not track). */
long events_bind_virq(unsigned int virq, unsigned int vcpu, evtchn_handler_fn *fn, void *data);
long events_bind_ipi(unsigned int vcpu, evtchn_handler_fn *fn, void *data);
/* Give an already bound port (alloc_unbound, bind_interdomain) a
 * handler, and unmask it. */
void events_set_handler(evtchn_port_t port, evtchn_handler_fn *fn, void *data);
/* Close the port and forget its handler. */
long events_unbind(evtchn_port_t port);

void events_mask(evtchn_port_t port);
/* Clear the mask through the hypervisor (EVTCHNOP_unmask), which raises
 * the upcall for a port that became pending while masked. */
void events_unmask(evtchn_port_t port);

/* Interrupt-safe sections: events off, and back to what they were (an
 * event that came in meanwhile is taken then). */
bool events_save_disable(void);
void events_restore(bool were_enabled);

/* The upcall (traps.c): dispatch the current vCPU's pending events. */
void events_upcall(void);

/* The port VIRQ_TIMER of vCPU 0 is bound to, and how often it fired. */
evtchn_port_t events_timer_port(void);
uint64_t events_timer_ticks(void);

/* After something may have closed or re-bound the kernel's own ports
 * (the fuzzer's hypercalls): bind VIRQ_TIMER again if it is gone. */
void events_repair(void);

#endif
