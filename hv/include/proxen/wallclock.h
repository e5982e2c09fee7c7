/* The wall clock: UTC at system time 0, published to every domain in
 * shared_info (wc_sec, wc_sec_hi, wc_nsec, with wc_version odd while they
 * change), as Xen keeps it.  Set at boot from the RTC and by the control
 * domain (platform_op XENPF_settime*). */
#ifndef PROXEN_WALLCLOCK_H
#define PROXEN_WALLCLOCK_H

#include <proxen/types.h>

struct domain;

/* The wall clock reads <secs, nsecs> since the epoch at system time
 * system_time (Xen's do_settime, with its arithmetic: modulo 2^64 ns). */
void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time);
/* Publish the wall clock in d's shared_info (a new domain). */
void domain_wallclock_update(struct domain *d);

#endif
