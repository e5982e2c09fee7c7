/* Helpers of the grant-mapping tests (gntmap_*.c): dom0 grants its own
 * frames to itself (as Xen allows) and maps them at GNTMAP_VA. */
#ifndef GUEST_TESTS_GNTMAP_H
#define GUEST_TESTS_GNTMAP_H

#include <stdint.h>
#include <hypercall.h>
#include <layout.h>
#include "gnttab.h"

#define GNTMAP_VA   (SCRATCH_VA + 0x140000)     /* where grants are mapped */
#define GNTMAP_REF  9                           /* the entry the tests use */
#define PTE_GRANT   (1ULL << 62)

/* One map_grant_ref of <dom, ref> at addr: the operation as it came back
 * (its status, handle, dev_bus_addr); the call's result in *rc. */
struct gnttab_map_grant_ref gntmap_map(domid_t dom, grant_ref_t ref, uint64_t addr,
                                       uint32_t flags, long *rc);
/* One unmap_grant_ref: its status (or the call's error as status 1). */
int16_t gntmap_unmap(uint64_t addr, grant_handle_t handle);
/* A status that should be want (the test fails otherwise). */
bool expect_status(const char *what, int16_t got, int16_t want);
/* A status that should be GNTST_okay (the test fails otherwise). */
bool expect_status_ok(const char *what, int16_t status);
/* The v1 entry's hypervisor-written flags (GTF_reading | GTF_writing). */
uint16_t gntmap_in_use(grant_ref_t ref);

#endif
