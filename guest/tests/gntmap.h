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

/* A frame of ours granted to ourselves as GNTMAP_REF, filled with
 * 0x1234567800000000 + index. */
struct gntmap_granted {
    uint64_t *page;
    uint64_t mfn;
};
/* The table mapped, a fresh frame granted with gtf_extra (GTF_readonly
 * or 0), GNTMAP_VA's table present; false (test failed) otherwise. */
bool gntmap_grant_setup(struct gntmap_granted *g, uint16_t gtf_extra);
/* Revoke the grant, free the frame and the table's mapping; the grant
 * must be idle and GNTMAP_VA unmapped by now. */
void gntmap_grant_teardown(struct gntmap_granted *g);
/* The frame holds no reference a mapping took: it can become a page
 * table (zeroed, read-only in our own tables, pinned and unpinned). */
void gntmap_expect_released(struct gntmap_granted *g);
/* The entry a grant mapping wrote at va: mfn, marked, writable or not. */
void gntmap_expect_pte(uint64_t va, uint64_t mfn, bool writable);
/* MMUEXT_PIN_L1_TABLE (pin) or MMUEXT_UNPIN_TABLE of mfn: its result. */
long gntmap_pin_l1(uint64_t mfn, bool pin);

#endif
