/* Error numbers: Xen's, which are what guests see (lib/include/lib/errno.h,
 * include/public/errno.h).  Functions return them negated. */
#ifndef PROXEN_ERRNO_H
#define PROXEN_ERRNO_H

#include <lib/errno.h>

/* Internal only, never seen by a guest (as on Xen): the operation stopped
 * at a preemption point and is to be continued (the hypercall is
 * restarted with its arguments updated to the remaining work). */
#define ERESTART   85

#endif
