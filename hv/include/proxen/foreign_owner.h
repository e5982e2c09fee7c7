/* The foreign-domain argument of the PV memory hypercalls
 * (foreign_owner.c, docs/pv-abi.md "Foreign mappings"). */
#ifndef PROXEN_FOREIGN_OWNER_H
#define PROXEN_FOREIGN_OWNER_H

#include <stdint.h>

struct domain;

/* The domain whose frames a request names: DOMID_SELF, or for the
 * privileged domain only another one (0; -ESRCH or -EPERM), with a
 * reference to drop with pv_put_pg_owner. */
long pv_get_pg_owner(struct domain *self, uint16_t id, struct domain **out);
void pv_put_pg_owner(struct domain *self, struct domain *pg_owner);
/* mmu_update's page-table owner in the upper 16 bits (0: the caller). */
long pv_check_pt_owner(struct domain *self, uint32_t foreigndom);

#endif
