/* Access to the current guest's virtual memory.  Addresses in the
 * hypervisor's range or outside the canonical halves are refused, and a
 * fault while copying becomes -EFAULT: a guest pointer is never
 * dereferenced any other way.  Implemented by the arch. */
#ifndef PROXEN_GUEST_ACCESS_H
#define PROXEN_GUEST_ACCESS_H

#include <proxen/types.h>

int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);
/* An address a guest may hand in for later use (Xen's guest_handle_okay):
 * not in the hypervisor's range, not non-canonical.  Whether anything is
 * mapped there is the guest's business. */
bool guest_address_ok(uint64_t gva);
/* The same for every byte of [gva, gva + len). */
bool guest_range_ok(uint64_t gva, uint64_t len);

#endif
