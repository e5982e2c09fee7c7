/* Grant mappings: the arch's half.  Common code (hv/common/grant_map.c)
 * decides whether a mapping may be made and holds the references on the
 * granted frame; the arch puts the mapping into the mapping domain's
 * address space and takes it out again.  Implemented by hv/arch/x86
 * (pv/grant_map.c: a marked L1 entry) and by the fake arch for host
 * tests (tests/unit/fake/fake_grant_map.c).
 *
 * A mapping the arch made can only be removed through these calls: the
 * guest cannot overwrite, clear or forge one with its own page-table
 * updates, so the record `where` stays true until arch_grant_unmap or
 * arch_grant_unmap_dying. */
#ifndef ARCH_GRANT_MAP_H
#define ARCH_GRANT_MAP_H

#include <proxen/types.h>

struct domain;

/* Map frame for ld (the calling domain) at addr, a virtual address or
 * with GNTMAP_contains_pte the machine address of the entry to write;
 * flags are the request's GNTMAP_* bits (readonly, application_map,
 * guest_avail).  GNTST_okay and *where (the arch's record of the entry),
 * or GNTST_general_error with nothing changed.  Called with no lock
 * held. */
int16_t arch_grant_map(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                       uint64_t *where);

/* Remove the mapping recorded as where (of frame, made with flags), which
 * ld names by addr as it did when mapping.  With new_addr (not with
 * GNTMAP_contains_pte), the entry mapping new_addr moves into its place
 * and new_addr is left unmapped (GNTTABOP_unmap_and_replace).
 * GNTST_okay, or GNTST_general_error with nothing changed.  Stale
 * translations may remain until arch_grant_flush_tlbs. */
int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint64_t where, uint64_t new_addr);

/* ld is being destroyed (paused for good): remove the mapping recorded
 * as where, whatever its tables look like now. */
void arch_grant_unmap_dying(struct domain *ld, uint64_t where);

/* After unmaps and before the frames' references go: no CPU keeps a
 * translation of what was unmapped.  Not with a lock held. */
void arch_grant_flush_tlbs(struct domain *ld);

#endif
