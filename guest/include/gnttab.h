/* The guest OS's grant table (gnttab.c): version 1 entries in frames the
 * hypervisor gives with GNTTABOP_setup_table, mapped at GNTTAB_VA.  A
 * front end grants a page of its own to a back end's domain; a back end
 * maps a page another domain granted it. */
#ifndef GUEST_GNTTAB_H
#define GUEST_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>

#define GNTTAB_FRAMES 4      /* 2048 entries */

/* Set the table up (once; later calls return 0).  0 or a negative errno. */
long gnttab_init(void);
/* Let dom map or copy the frame mfn (read-only or not): the reference,
 * or -ENOSPC when every entry is in use (or -ENODEV before gnttab_init). */
long gnttab_grant_access(domid_t dom, uint64_t mfn, bool readonly);
/* Revoke a grant: false (and the grant stays) while the grantee still
 * uses it (GTF_reading or GTF_writing set). */
bool gnttab_end_access(grant_ref_t ref);
/* Entries free. */
unsigned int gnttab_free_entries(void);

/* Map <dom, ref> at va (GNTTAB_MAP_VA slots, or any free page of the
 * vmap area): the handle in *handle, or GNTST_* status (<0). */
int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t va, bool readonly, grant_handle_t *handle);
int gnttab_unmap(uint64_t va, grant_handle_t handle);

#endif
