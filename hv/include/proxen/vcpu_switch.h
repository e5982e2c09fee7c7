/* What happens when a vCPU starts or stops running on its CPU, the parts
 * of Xen's context switch that a guest sees (vcpu_switch.c): its runstate
 * changes and its periodic timer runs only while it does.  Called on the
 * vCPU's own CPU, with its page tables still (or already) loaded. */
#ifndef PROXEN_VCPU_SWITCH_H
#define PROXEN_VCPU_SWITCH_H

struct vcpu;

/* v runs from now on: its first start, up again, or woken from a block. */
void vcpu_switch_in(struct vcpu *v);
/* v stops running: blocked (RUNSTATE_blocked) or down or its domain
 * stopped (RUNSTATE_offline). */
void vcpu_switch_out(struct vcpu *v, int state);

#endif
