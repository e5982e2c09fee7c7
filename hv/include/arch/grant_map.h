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
 * made true again by the arch under the same lock).  The arch keeps each
 * handle's record through common code (grant_map_set_where), which
 * indexes them, and finds a handle by its record there. */
#ifndef ARCH_GRANT_MAP_H
#define ARCH_GRANT_MAP_H

#include <proxen/types.h>

struct domain;

/* Map frame for ld (the calling domain) at addr, a virtual address or
 * with GNTMAP_contains_pte the machine address of the entry to write;
 * flags are the request's GNTMAP_* bits (readonly, application_map,
 * guest_avail).  GNTST_okay and handle's record set (the arch's record
 * of the entry, not 0), or GNTST_general_error with nothing changed.
 * Called with no lock held. */
int16_t arch_grant_map(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                       uint32_t handle);

/* Remove the mapping handle's record names (of frame, made with flags),
 * which ld names by addr where the mapping now is.  With new_addr (not
 * with GNTMAP_contains_pte), the entry mapping new_addr moves into its
 * place and new_addr is left unmapped (GNTTABOP_unmap_and_replace); a
 * grant mapping moved so takes its handle's record along.  GNTST_okay
 * and handle's record 0, or GNTST_general_error with nothing changed.
 * Stale translations may remain until arch_grant_flush_tlbs. */
int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint32_t handle, uint64_t new_addr);

/* ld is being destroyed (paused for good): remove the mapping handle's
 * record names, whatever its tables look like now; the record becomes 0. */
void arch_grant_unmap_dying(struct domain *ld, uint32_t handle);

/* Common code's, for the arch, each with ld's page-type lock held (every
 * record is set and read under it): handle's record (0: none); handle's
 * record made where (0: the mapping is gone), in one step that cannot
 * fail; and for unmap_and_replace, the handle (busy or in use) whose
 * record is from taking over handle's record, handle's becoming 0: that
 * handle, or MAPTRACK_NONE with nothing changed (no handle recorded at
 * from, or from 0).  Each costs at most a few times the logarithm of ld's
 * handles in use (maptrack_index.c), whatever ld mapped where. */
uint64_t grant_map_where(struct domain *ld, uint32_t handle);
void grant_map_set_where(struct domain *ld, uint32_t handle, uint64_t where);
uint32_t grant_map_take_place(struct domain *ld, uint32_t handle, uint64_t from);

/* After unmaps and before the frames' references go: no CPU keeps a
 * translation of what was unmapped.  Not with a lock held. */
void arch_grant_flush_tlbs(struct domain *ld);

#endif
