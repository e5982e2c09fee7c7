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
 * arch_grant_unmap_dying (or, for a mapping unmap_and_replace moves, is
 * made true again by the arch under the same lock). */
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

/* Remove the mapping recorded in *where (of frame, made with flags),
 * which ld names by addr where the mapping now is.  With new_addr (not
 * with GNTMAP_contains_pte), the entry mapping new_addr moves into its
 * place and new_addr is left unmapped (GNTTABOP_unmap_and_replace); a
 * grant mapping moved so takes its handle's record along
 * (grant_map_record_of).  GNTST_okay and *where 0, or
 * GNTST_general_error with nothing changed.  *where is read and written
 * under ld's page-type lock, as every record is.  Stale translations
 * may remain until arch_grant_flush_tlbs. */
int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint64_t *where, uint64_t new_addr);

/* ld is being destroyed (paused for good): remove the mapping recorded
 * in *where, whatever its tables look like now; *where becomes 0. */
void arch_grant_unmap_dying(struct domain *ld, uint64_t *where);

/* Common code's, for the arch: the record (`where`) of the handle of
 * ld's whose host mapping is recorded as where, so that a mapping the
 * arch moves keeps its handle; NULL if no handle has it.  The caller
 * holds ld's page-type lock, under which every record is set. */
uint64_t *grant_map_record_of(struct domain *ld, uint64_t where);

/* After unmaps and before the frames' references go: no CPU keeps a
 * translation of what was unmapped.  Not with a lock held. */
void arch_grant_flush_tlbs(struct domain *ld);

#endif
