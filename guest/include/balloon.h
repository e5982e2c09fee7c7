/* The balloon (balloon.c): the guest gives pages of its memory back to the
 * hypervisor, and takes memory again for them, to follow a target its
 * toolstack sets (xenstore's memory/target, in KiB).  A page given back
 * leaves the page allocator, the direct map and the P2M (its entry
 * becomes INVALID_P2M_ENTRY); taking memory again backs the same
 * pseudo-physical pages with new frames (populate_physmap) and returns
 * them to the allocator. */
#ifndef GUEST_BALLOON_H
#define GUEST_BALLOON_H

#include <stdint.h>

#define INVALID_P2M_ENTRY (~0UL)

/* Move the domain's reservation towards target pages: give back what it
 * holds above it (as far as the allocator has free pages), take back up
 * to what it gave earlier below it.  Returns the reservation reached, or
 * a negative errno when the hypervisor refused the first step. */
long balloon_set_target(uint64_t target_pages);
/* Pages given back and not yet taken again. */
uint64_t balloon_pages_out(void);

#endif
