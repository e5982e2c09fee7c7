/* The control interface's operations, for the calling vCPU, on an
 * argument already copied in (control.c; public/control.h). */
#ifndef PROXEN_CONTROL_H
#define PROXEN_CONTROL_H

#include <stdbool.h>
#include <public/control.h>

struct domain;
struct vcpu;

long control_op(struct vcpu *cur, struct proxen_control *op);

/* The building sub-ops (control_build.c), on a domain control.c looked
 * up (and holds a reference to). */
long control_setvcpucontext(struct domain *d, const struct pxctl_vcpucontext *c);
long control_getvcpuinfo(struct domain *d, struct pxctl_vcpuinfo *i);
bool control_name_ok(const char name[PXCTL_NAME_LEN]);
long control_setname(struct domain *d, const struct pxctl_setname *n);
long control_setmaxmem(struct domain *d, const struct pxctl_setmaxmem *m);
long control_settime(const struct pxctl_settime *t);
long control_setiopriv(struct domain *d, const struct pxctl_setiopriv *p);
long control_ioport_permission(struct domain *caller, struct domain *d,
                               const struct pxctl_ioport_permission *p);

/* The scheduling sub-ops (control_sched.c). */
long control_pausedomain(struct domain *caller, struct domain *d);
long control_unpausedomain(struct domain *d);
long control_setvcpuaffinity(struct domain *d, const struct pxctl_vcpuaffinity *a);
long control_getvcpuaffinity(struct domain *d, struct pxctl_vcpuaffinity *a);
void control_sched_id(struct pxctl_sched_id *s);
long control_sched_adjdom(struct domain *d, struct pxctl_sched_adjdom *a);
long control_sched_control(struct pxctl_sched_control *c);

#endif
