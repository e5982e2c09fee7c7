/* The toolstack's xenstore entries for a domain (guest/kernel/domain_xs.c),
 * written as Xen's libxl writes them when it creates a PV domain, and the
 * domain introduced to dom0's xenstore daemon (xenstored.h):
 *
 *   /local/domain/<id>            owner dom0, read for the domain
 *       vm, name, domid           /vm/<uuid>, the name, the id
 *       memory/static-max, target KiB
 *       store/port, ring-ref      its store channel and frame
 *       console/ring-ref, port, limit, type, output
 *       control/                  read for the domain; shutdown, sysrq and
 *                                 feature-{poweroff,reboot,suspend} its own
 *       device/ data/ drivers/ feature/ attr/ error/   its own
 *   /vm/<uuid>                    uuid, name (owner dom0, read for it)
 *
 * ("its own": owner the domain, no access for others, as libxl's rwperm.)
 * At destruction the entries are removed and the domain released
 * (@releaseDomain).  dom0's own name and domid are written once, as
 * Xen's boot scripts do. */
#ifndef GUEST_DOMAIN_XS_H
#define GUEST_DOMAIN_XS_H

#include <domain_build.h>

/* After domain_build(): 0 or -errno (nothing left behind). */
long domain_xs_create(const struct domain_build *b);
/* Entries removed, the domain released; -ENOENT if it had none. */
long domain_xs_destroy(domid_t dom);

#endif
