/* The control interface's operations, for the calling vCPU, on an
 * argument already copied in (control.c; public/control.h). */
#ifndef PROXEN_CONTROL_H
#define PROXEN_CONTROL_H

#include <public/control.h>

struct vcpu;

long control_op(struct vcpu *cur, struct proxen_control *op);

#endif
