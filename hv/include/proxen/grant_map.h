/* Grant mappings: GNTTABOP_map_grant_ref, unmap_grant_ref and
 * unmap_and_replace (hv/common/grant_map.c), with Xen's semantics.
 *
 * A mapping pins the grant in the granting domain's table, once per use
 * (a host mapping, a device mapping: gnttab_pin, grant_table.h), and the
 * pin holds, for as long as the mapping lives, the references a mapping
 * of that frame implies: a general one, and for a writable mapping a
 * writable type, so the frame can be neither retyped nor freed (its owner
 * giving it up leaves it allocated until unmapped).
 * Its handle (maptrack.h) records all of it; unmapping or the mapping
 * domain's teardown releases exactly that, after the TLBs are flushed.
 *
 * Trace points (the `mem` class: grant map, unmap, transfer) belong in
 * map_one and unmap_complete, where a mapping is known made or gone. */
#ifndef PROXEN_GRANT_MAP_H
#define PROXEN_GRANT_MAP_H

#include <proxen/types.h>
#include <public/grant_table.h>

struct domain;

/* One request each, from domain ld (the caller): the argument's OUT
 * fields filled in (status, handle, dev_bus_addr).  An unmap is done in
 * two steps, as Xen's, so that a batch flushes the TLBs once: *_one takes
 * the mapping out, grant_unmap_complete (after arch_grant_flush_tlbs)
 * drops what it held.  tok carries it from one to the other. */
struct grant_unmap_token {
    uint32_t handle;
    uint32_t done;              /* GNTMAP_* mappings taken out */
};
void grant_map_one(struct domain *ld, struct gnttab_map_grant_ref *op);
void grant_unmap_one(struct domain *ld, struct gnttab_unmap_grant_ref *op,
                     struct grant_unmap_token *tok);
void grant_unmap_and_replace_one(struct domain *ld, struct gnttab_unmap_and_replace *op,
                                 struct grant_unmap_token *tok);
void grant_unmap_complete(struct domain *ld, struct grant_unmap_token *tok);

/* GNTTABOP_transfer's batch (grant_transfer.c): count structs at uop
 * from domain d; 0, the number done when preempted, or -EFAULT. */
long grant_transfer_batch(struct domain *d, uint64_t uop, unsigned int count);

/* A destroyed domain's mappings of grants, all removed and released (it
 * is paused for good); before its page tables go.  *cursor (0 at first)
 * keeps the progress: when preemptible, -ERESTART every so many handles
 * when preemption is due (call again with it), else 0 when done.  And
 * its handles' memory, with its grant table. */
int grant_map_domain_teardown(struct domain *ld, uint64_t *cursor, bool preemptible);
void grant_map_free(struct domain *ld);

#endif
