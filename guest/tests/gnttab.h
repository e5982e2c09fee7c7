/* Helpers of the grant-table tests (gnttab_*.c): the calls with their
 * arguments spelled out, and the caller's own table mapped at GNT_VA. */
#ifndef GUEST_TESTS_GNTTAB_H
#define GUEST_TESTS_GNTTAB_H

#include <stdint.h>
#include <hypercall.h>
#include <layout.h>

#define GNT_VA          (SCRATCH_VA + 0x180000)  /* the table's frames, then */
#define GNT_STATUS_VA   (SCRATCH_VA + 0x1c0000)  /* its status frames (v2) */
#define GNT_MAX_MAPPED  16                       /* frames of each kind */
#define NO_SUCH_DOMAIN  77

/* The initial domain's table limit: gnttab_max_frames= from the
 * hypervisor's command line, else Xen's default, 64. */
uint32_t gnt_dom0_max_frames(void);
long gnt_query(domid_t dom, struct gnttab_query_size *q);
/* setup_table of nr frames into frames[]: the hypercall's result, with
 * the operation's status in *status. */
long gnt_setup(domid_t dom, uint32_t nr, uint64_t *frames, int16_t *status);
long gnt_status_frames(domid_t dom, uint32_t nr, uint64_t *frames, int16_t *status);
long gnt_set_version(uint32_t version, uint32_t *now);
long gnt_get_version(domid_t dom, uint32_t *version);

/* Map the caller's first nr table frames (status frames) at GNT_VA
 * (GNT_STATUS_VA), writable: 0 or an errno (the test's error); unmap. */
long gnt_map_table(uint32_t nr);
long gnt_map_status(uint32_t nr);
void gnt_unmap_table(uint32_t nr);
void gnt_unmap_status(uint32_t nr);

static inline struct grant_entry_v1 *gnt_v1(void) { return (struct grant_entry_v1 *)GNT_VA; }
static inline union grant_entry_v2 *gnt_v2(void) { return (union grant_entry_v2 *)GNT_VA; }
static inline grant_status_t *gnt_status(void) { return (grant_status_t *)GNT_STATUS_VA; }

/* Grant frame mfn to domid as v1 entry ref (flags GTF_permit_access
 * and any of GTF_readonly ...), the way a guest fills an entry. */
void gnt_grant_v1(grant_ref_t ref, domid_t domid, uint64_t mfn, uint16_t flags);

#endif
